"""Secant to tangent: the derivative as the limit of the difference quotient.

The secant through (a, f(a)) and (a+h, f(a+h)) has slope Δf/h = (f(a+h) − f(a)) / h.
As h → 0 it turns into the tangent, whose slope is f′(a).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from derivlab.model import View

from .base import (
    Scene,
    formula_text,
    function_parameter,
    point_parameter,
    step_parameter,
    typed_function,
)
from .base import finite_value as _value
from .drawables import Curve, Label, Markers, Readout, SceneFrame, Table, format_number
from .sampling import sample_curve

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend


def secant_slope(f_a: float, f_a_plus_h: float, h: float) -> float:
    """The difference quotient Δf/h = (f(a+h) − f(a)) / h."""
    return (f_a_plus_h - f_a) / h


def line_through(x0: float, y0: float, slope: float, view: View) -> tuple[np.ndarray, np.ndarray]:
    """The line y = y0 + slope·(x − x0) across the view's whole width (two end points)."""
    margin = 0.05 * view.width
    x = np.array([view.x_min - margin, view.x_max + margin])
    return x, y0 + slope * (x - x0)


#: the rise-and-run triangle carries its labels "Δx = h" and "Δf" while it spans at least
#: this fraction of the view's width or of its height
TRIANGLE_LABEL_FRACTION = (0.05, 0.06)


def triangle_holds_labels(h: float, delta_f: float, view: View) -> bool:
    """True while the triangle of run Δx = h and rise Δf is large enough to label.

    It is when |h| ≥ 5 % of the view's width or |Δf| ≥ 6 % of its height. Near h = 0
    both shrink below a label's size and the two labels would sit on each other and on
    (a, f(a)); the readouts still give Δx and Δf. Fractions of the view, not pixels,
    so an exported frame shows the same labels at every size.
    """
    across, up = TRIANGLE_LABEL_FRACTION
    return abs(h) >= across * view.width or abs(delta_f) >= up * view.height


#: the width "Δf" needs beside the rise, as a fraction of the view's width (a 1920 px
#: frame gives it about 100 px); nearer the edge than this it goes on the inner side
RISE_LABEL_ROOM = 0.05


def visible_middle(start: float, end: float, low: float, high: float) -> float | None:
    """The middle of the part of [start, end] (either order) inside [low, high], or None.

    A leg of the triangle that runs out of the view is labelled at the middle of what
    is seen of it, and not at all when none of it is seen.
    """
    lo, hi = max(min(start, end), low), min(max(start, end), high)
    return (lo + hi) / 2 if lo < hi else None


def _triangle_labels(a: float, h: float, f_a: float, f_ah: float, view: View) -> list[Label]:
    """"Δx = h" under (or over) the run from a to a + h, "Δf" beside the rise at a + h.

    Each label sits at the middle of the visible part of its leg, so a large h that
    takes a + h or f(a + h) out of the view still shows it on the picture; a leg that
    is wholly outside the view has no label. "Δf" goes on the inner side of the rise
    when the rise is near the view's edge, where the outer side has no room. When
    f(a + h) = f(a) there is no rise to see, and the label at a + h reads "Δf = 0".
    """
    labels: list[Label] = []
    rises = f_ah >= f_a
    run_x = visible_middle(a, a + h, view.x_min, view.x_max)
    if run_x is not None and view.y_min <= f_a <= view.y_max:
        anchor = ("center", "top") if rises else ("center", "bottom")
        labels.append(Label("label_run", "Δx = h", run_x, f_a, role="guide", offset=(0, 10 if rises else -10), anchor=anchor))
    rise_y = visible_middle(f_a, f_ah, view.y_min, view.y_max)
    flat = f_ah == f_a and view.y_min <= f_a <= view.y_max  # no rise to draw: say it is zero
    if flat:
        rise_y = f_a
    if rise_y is not None and view.x_min <= a + h <= view.x_max:
        room = RISE_LABEL_ROOM * view.width
        outward = 1 if h > 0 else -1
        if (a + h + outward * room > view.x_max) or (a + h + outward * room < view.x_min):
            outward = -outward
        # with no rise, beside the point and under the horizontal secant and run, not on them
        anchor = ("left" if outward > 0 else "right", "top" if flat else "center")
        labels.append(Label("label_rise", "Δf = 0" if flat else "Δf", a + h, rise_y, role="guide",
                            offset=(10 * outward, 8 if flat else 0), anchor=anchor, backed=flat))
    return labels


class SecantScene(Scene):
    name = "secant"
    title = "Secant to tangent"
    summary = "The derivative as a limit: the secant slope Δf/h tends to f′(a) as h → 0."
    parameters = (
        function_parameter("x^3 - 3x", "The function, typed as on paper: x^3 - 3x, sin(x^2), 2x e^(-x), |x| ..."),
        point_parameter(1.3, "Where the tangent touches: drag the point on the curve or type a value."),
        step_parameter(1.0, 2.0, "The step from a to the second point; either sign. Slide it toward 0.", label="Step h = Δx"),
    )
    default_view = View(-2.5, 2.5, -4.0, 4.0)

    def compute(
        self, values: Mapping[str, Any], view: View, backend: Backend | None = None
    ) -> SceneFrame:
        f = typed_function(values["f"])
        a = float(values["a"])
        h = float(values["h"])
        x, y = sample_curve(f, view, backend=backend)
        drawables: list = [Curve("curve", x, y, role="curve", width=3.0, label=f"f(x) = {formula_text(f.text)}")]

        f_a = _value(f, a)
        f_ah = _value(f, a + h)
        slope_exact = f.value(a, 1)
        if f_a is None:
            message = f"f is undefined at a = {format_number(a)}; move a."
            return SceneFrame(tuple(drawables), self._readouts(h, None, None, None), message=message)

        slope = secant_slope(f_a, f_ah, h) if f_ah is not None else None
        if slope is not None and math.isfinite(slope):
            sx, sy = line_through(a, f_a, slope, view)
            drawables.append(Curve("secant", sx, sy, role="secant", width=3.0, label="secant"))
            # The rise and run of the difference quotient: Δx = h across, Δf up.
            drawables.append(
                Curve("run", np.array([a, a + h]), np.array([f_a, f_a]), role="guide", width=2.0)
            )
            drawables.append(
                Curve("rise", np.array([a + h, a + h]), np.array([f_a, f_ah]), role="guide", width=2.0)
            )
            if triangle_holds_labels(h, f_ah - f_a, view):
                drawables.extend(_triangle_labels(a, h, f_a, f_ah, view))
        if slope_exact is not None:
            tx, ty = line_through(a, f_a, slope_exact, view)
            drawables.append(
                Curve("tangent", tx, ty, role="tangent", width=3.0, dashed=True, label="tangent at a")
            )
        if f_ah is not None:
            drawables.append(
                Markers("point_a_plus_h", np.array([a + h]), np.array([f_ah]), role="secant", size=13.0)
            )
        # (a, f(a)) on top: as h → 0 the moving point slides under it instead of covering it
        drawables.append(
            Markers("point_a", np.array([a]), np.array([f_a]), role="point", size=16.0, draggable="a")
        )
        drawables.append(Label("label_a", "(a, f(a))", a, f_a, role="text", offset=(-14, -12), anchor=("right", "bottom")))
        message = "" if f_ah is not None else f"f is undefined at a + h = {format_number(a + h)}."
        return SceneFrame(
            tuple(drawables),
            self._readouts(h, f_ah - f_a if f_ah is not None else None, slope, slope_exact),
            caption=f"h = {format_number(h, 4)},  secant slope Δf/h = {format_number(slope, 6)}",
            message=message,
            tables=(difference_quotient_table(f, a, h),),
            extra={"a": a, "h": h, "f_a": f_a, "f_a_plus_h": f_ah},
        )

    @staticmethod
    def _readouts(
        h: float, delta_f: float | None, slope: float | None, slope_exact: float | None
    ) -> tuple[Readout, ...]:
        gap = None if slope is None or slope_exact is None else slope - slope_exact
        return (
            Readout("h = Δx", h, format_number(h), "step from a"),
            Readout("Δf", delta_f, format_number(delta_f), "f(a+h) − f(a)"),
            Readout("Δf/h", slope, format_number(slope), "secant slope", role="secant"),
            Readout("f′(a)", slope_exact, format_number(slope_exact), "exact derivative", role="tangent"),
            Readout("Δf/h − f′(a)", gap, format_number(gap, 4), "how far the secant is from the tangent"),
        )

    def function_latex(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        f = typed_function(values["f"])
        return [("f(x)", f.latex), ("f′(x)", f.derivative_latex(1))]

    def animations(self) -> dict[str, dict[str, Any]]:
        return {
            "h → 0 from the right": {"parameter": "h", "start": 2.0, "end": 1e-6, "easing": "geometric", "duration": 6.0},
            "h → 0 from the left": {"parameter": "h", "start": -2.0, "end": -1e-6, "easing": "geometric", "duration": 6.0},
        }


TABLE_STEPS = (1.0, 0.1, 0.01, 0.001)


def difference_quotient_table(f, a: float, h: float) -> Table:
    """Rows h, f(a+h), Δf, Δf/h for h = ±1, ±0.1, ±0.01, ±0.001 (the sign of the current h).

    For f = x² at a = 2 the last column reads 4 + h: 5, 4.1, 4.01, 4.001.
    """
    sign = -1.0 if h < 0 else 1.0
    f_a = _value(f, a)
    rows = []
    for step in TABLE_STEPS:
        step = sign * step
        f_ah = _value(f, a + step)
        delta = None if f_a is None or f_ah is None else f_ah - f_a
        quotient = None if delta is None else secant_slope(f_a, f_ah, step)
        rows.append(
            (format_number(step, 6), format_number(f_ah, 10), format_number(delta, 10), format_number(quotient, 10))
        )
    return Table("Difference quotients as h → 0", ("h", "f(a+h)", "Δf", "Δf/h"), tuple(rows))


