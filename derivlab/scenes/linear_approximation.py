"""The tangent as the best linear approximation.

Near a, f(a + h) ≈ f(a) + f′(a)·h. The error of this approximation,

    E(h) = |f(a + h) − f(a) − f′(a)·h|,

is o(h): E(h)/|h| → 0 as h → 0. For a function with a second derivative,
E(h) ≈ |f″(a)|/2 · h², a line of slope 2 on log-log axes. The scene plots
E against |h| for 10⁻⁸ ≤ |h| ≤ 1 (both signs) and fits the slope p of
log E against log |h|: o(h) means p > 1. The errors are worked out in
50-digit arithmetic, so rounding does not hide the law down to h = 10⁻⁸.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import mpmath
import numpy as np

from derivlab.expr import classify_differentiability
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
from .drawables import Curve, Label, Markers, Panel, Readout, SceneFrame, format_number
from .sampling import sample_curve
from .secant import line_through

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend
    from derivlab.expr import Function

#: log10 |h| of the smallest and largest steps plotted
LOG_H_MIN, LOG_H_MAX = -8.0, 0.0
#: samples per decade of |h| on each side
PER_DECADE = 10
#: the steps the slope is fitted over: 10⁻⁶ ≤ |h| ≤ 10⁻³
FIT_LOG_H = (-6.0, -3.0)
#: digits of the arithmetic the errors are computed in
DIGITS = 50


def tangent_line(f_a: float, slope: float, a: float, x: np.ndarray) -> np.ndarray:
    """The linearisation L(x) = f(a) + f′(a)·(x − a)."""
    return f_a + slope * (np.asarray(x, dtype=np.float64) - a)


def linearization_error(f: Function, a: float, h: np.ndarray, slope: float | None = None) -> np.ndarray:
    """E(h) = |f(a + h) − f(a) − f′(a)·h| for each step h, in 50-digit arithmetic.

    ``slope`` is f′(a) when it is known otherwise (a one-sided limit); by default
    the derivative's formula gives it. NaN where f(a + h) is undefined; all NaN
    when f(a) or f′(a) is undefined.
    """
    h = np.asarray(h, dtype=np.float64)
    out = np.full(h.shape, np.nan)
    f0, f1 = f.mpmath(0), f.mpmath(1)
    with mpmath.workdps(DIGITS):
        a_mp = mpmath.mpf(float(a))
        f_a = f0(a_mp)
        slope_mp = f1(a_mp) if slope is None else mpmath.mpf(float(slope))
        if not (mpmath.isfinite(f_a) and mpmath.isfinite(slope_mp)):
            return out
        for i, step in enumerate(h.flat):
            step_mp = mpmath.mpf(float(step))
            value = f0(a_mp + step_mp)
            if mpmath.isfinite(value):
                out.flat[i] = float(abs(value - f_a - slope_mp * step_mp))
    return out


def fitted_slope(h: np.ndarray, error: np.ndarray) -> float | None:
    """Least-squares slope p of log₁₀ E against log₁₀ |h| (E ≈ C·|h|ᵖ); None without two points."""
    h = np.abs(np.asarray(h, dtype=np.float64))
    error = np.asarray(error, dtype=np.float64)
    ok = np.isfinite(error) & (error > 0) & (h > 0)
    if np.count_nonzero(ok) < 2:
        return None
    u, v = np.log10(h[ok]), np.log10(error[ok])
    if np.ptp(u) == 0:
        return None
    p, _ = np.polyfit(u, v, 1)
    return float(p)


def step_grid() -> np.ndarray:
    """|h| from 10⁻⁸ to 1, PER_DECADE samples per decade, evenly spaced in log |h|."""
    count = int(round((LOG_H_MAX - LOG_H_MIN) * PER_DECADE)) + 1
    return 10.0 ** np.linspace(LOG_H_MIN, LOG_H_MAX, count)


class LinearApproximationScene(Scene):
    name = "linear-approximation"
    title = "Linear approximation"
    summary = "The tangent is the best linear approximation: its error |f(a+h) − f(a) − f′(a)h| is o(h), about h²."
    parameters = (
        function_parameter("x^3 - 3x", "The function, typed as on paper: x^3 - 3x, sin(x), e^x, |x|^(3/2) ..."),
        point_parameter(0.5, "Where the tangent touches: drag the point on the curve or type a value."),
        step_parameter(0.6, 1.0, "The step at which the error f(a+h) − L(a+h) is shown; either sign."),
    )
    default_view = View(-2.5, 2.5, -4.0, 4.0)

    def compute(
        self, values: Mapping[str, Any], view: View, backend: Backend | None = None
    ) -> SceneFrame:
        f = typed_function(values["f"])
        a = float(values["a"])
        h = float(values["h"])
        x, y = sample_curve(f, view, backend=backend)
        drawables: list = [Curve("curve", x, y, role="curve", label=f"f(x) = {formula_text(f.text)}")]
        f_a = _value(f, a)
        slope = _derivative(f, a) if f_a is not None else None
        if f_a is None or slope is None:
            if f_a is not None:
                drawables.append(Markers("point_a", np.array([a]), np.array([f_a]), size=16.0, draggable="a"))
            where = "f" if f_a is None else "f′"
            message = f"{where} is undefined at a = {format_number(a)}: there is no tangent line; move a."
            return SceneFrame(tuple(drawables), self._readouts(a, f_a, slope, h, None, None, None), message=message)

        tx, ty = line_through(a, f_a, slope, view)
        drawables.append(Curve("tangent", tx, ty, role="tangent", dashed=True, label="tangent L(x) = f(a) + f′(a)(x − a)"))
        f_ah = _value(f, a + h)
        error_h = None
        if f_ah is not None:
            l_ah = float(tangent_line(f_a, slope, a, np.array(a + h)))
            error_h = float(linearization_error(f, a, np.array([h]), slope)[0])
            drawables.append(Curve("error", np.array([a + h, a + h]), np.array([l_ah, f_ah]), role="secant", width=4.0, label="error E(h) = |f(a+h) − L(a+h)|"))
            drawables.append(Curve("run", np.array([a, a + h]), np.array([f_a, f_a]), role="guide", width=2.0))
            drawables.append(Markers("point_a_plus_h", np.array([a + h, a + h]), np.array([f_ah, l_ah]), role="secant", size=11.0))
            side = ("left", "center") if h > 0 else ("right", "center")
            drawables.append(Label("label_error", "E(h)", a + h, (f_ah + l_ah) / 2, role="secant", offset=(10 if h > 0 else -10, 0), anchor=side))
            below = ("center", "top") if l_ah >= f_a else ("center", "bottom")
            drawables.append(Label("label_run", "h", a + h / 2, f_a, role="guide", offset=(0, 8 if l_ah >= f_a else -8), anchor=below))
        drawables.append(Markers("point_a", np.array([a]), np.array([f_a]), size=16.0, draggable="a"))
        drawables.append(Label("label_a", "(a, f(a))", a, f_a, offset=(-14, -12), anchor=("right", "bottom")))

        steps = step_grid()
        error_right = linearization_error(f, a, steps, slope)
        error_left = linearization_error(f, a, -steps, slope)
        fit = (steps >= 10 ** FIT_LOG_H[0] * 0.999) & (steps <= 10 ** FIT_LOG_H[1] * 1.001)
        p = fitted_slope(np.concatenate([steps[fit], -steps[fit]]), np.concatenate([error_right[fit], error_left[fit]]))
        panel, message = self._error_panel(steps, error_right, error_left, h, error_h)
        return SceneFrame(
            tuple(drawables),
            self._readouts(a, f_a, slope, h, error_h, p, f.value(a, 2) if _has_second(f) else None),
            caption=f"E(h) = |f(a+h) − f(a) − f′(a)h| ≈ C·|h|^p with p ≈ {format_number(p, 4)}",
            message=message,
            panels=(panel,) if panel is not None else (),
            layout="right",
            main_size=1.25,
            extra={"a": a, "h": h, "f_a": f_a, "slope": slope, "steps": steps,
                   "error_right": error_right, "error_left": error_left, "fitted_slope": p},
        )

    @staticmethod
    def _error_panel(
        steps: np.ndarray, right: np.ndarray, left: np.ndarray, h: float, error_h: float | None
    ) -> tuple[Panel | None, str]:
        u = np.log10(steps)
        with np.errstate(divide="ignore", invalid="ignore"):
            v_right = np.where(right > 0, np.log10(right), np.nan)
            v_left = np.where(left > 0, np.log10(left), np.nan)
        finite = np.concatenate([v_right[np.isfinite(v_right)], v_left[np.isfinite(v_left)]])
        if finite.size == 0:
            if np.nanmax(np.concatenate([right, left, [0.0]])) == 0:
                return None, "f is a straight line here: the tangent matches it exactly, E(h) = 0."
            return None, "f(a + h) is undefined for these steps."
        drawables: list = [
            Curve("error_right", u, v_right, role="secant", width=3.0),
            Curve("error_left", u, v_left, role="derivative", width=2.0, dashed=True),
        ]
        # Reference lines through a point one decade above the error at |h| = 10⁻⁴.
        mid = np.nanmedian(np.concatenate([v_right, v_left])[np.abs(np.concatenate([u, u]) + 4.0) < 0.05])
        anchor = (float(mid) if np.isfinite(mid) else float(np.nanmedian(finite))) + 1.0
        ends = np.array([LOG_H_MIN, LOG_H_MAX])
        ref2 = anchor + 2.0 * (ends + 4.0)
        ref1 = anchor + 1.0 * (ends + 4.0)
        drawables.append(Curve("reference_slope_2", ends, ref2, role="guide", width=2.0, dashed=True))
        drawables.append(Curve("reference_slope_1", ends, ref1, role="text", width=1.5, dashed=True))
        hi = float(np.max(finite)) + 1.5
        lo = max(float(np.min(finite)) - 1.0, hi - 60.0)
        hi = max(hi, lo + 4.0)
        # Labels at the left end of each line, clamped into the panel.
        x_lab = -7.2
        drawables.append(Label("label_slope_2", "slope 2  (~ h²)", x_lab, float(np.clip(anchor + 2.0 * (x_lab + 4.0), lo, hi)), role="guide", offset=(4, 6), anchor=("left", "top")))
        drawables.append(Label("label_slope_1", "slope 1  (~ |h|)", x_lab, float(np.clip(anchor + (x_lab + 4.0), lo, hi)), role="text", offset=(4, -6), anchor=("left", "bottom")))
        top = hi - 0.02 * (hi - lo)
        drawables.append(Label("label_right", "—— E(h), h > 0", LOG_H_MIN, top, role="secant", offset=(80, 22), anchor=("left", "top")))
        drawables.append(Label("label_left", "– – E(−h), h > 0", LOG_H_MIN, top, role="derivative", offset=(80, 46), anchor=("left", "top")))
        if error_h is not None and error_h > 0:
            drawables.append(Markers("current", np.array([math.log10(abs(h))]), np.array([math.log10(error_h)]), role="point", size=12.0))
        view = View(LOG_H_MIN - 0.3, LOG_H_MAX + 0.3, lo, hi)
        panel = Panel("error", tuple(drawables), view, title="error E(h) against |h|, log–log",
                      x_name="|h|", y_name="E", x_log=True, y_log=True)
        return panel, ""

    @staticmethod
    def _readouts(
        a: float, f_a: float | None, slope: float | None, h: float, error_h: float | None,
        p: float | None, second: float | None,
    ) -> tuple[Readout, ...]:
        ratio = None if error_h is None else error_h / abs(h)
        return (
            Readout("a", a, format_number(a), "where the tangent touches"),
            Readout("f′(a)", slope, format_number(slope), "slope of the tangent", role="tangent"),
            Readout("h", h, format_number(h), "step from a"),
            Readout("E(h)", error_h, format_number(error_h, 6), "|f(a+h) − f(a) − f′(a)h|", role="secant"),
            Readout("E(h)/|h|", ratio, format_number(ratio, 6), "→ 0 as h → 0: the error is o(h)"),
            Readout("|f″(a)|/2", None if second is None else abs(second) / 2,
                    format_number(None if second is None else abs(second) / 2, 6), "E(h)/h² → |f″(a)|/2"),
            Readout("fitted slope p", p, format_number(p, 4), "E ≈ C·|h|^p for 10⁻⁶ ≤ |h| ≤ 10⁻³; o(h) means p > 1"),
        )

    def function_latex(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        f = typed_function(values["f"])
        return [("f(x)", f.latex), ("f′(x)", f.derivative_latex(1)),
                ("E(h)", r"\left|f(a+h) - f(a) - f'(a)\,h\right|")]

    def animations(self) -> dict[str, dict[str, Any]]:
        return {
            "h → 0": {"parameter": "h", "start": 1.0, "end": 1e-8, "easing": "geometric", "duration": 6.0},
            "h → 0 from the left": {"parameter": "h", "start": -1.0, "end": -1e-8, "easing": "geometric", "duration": 6.0},
        }


def _has_second(f: Function) -> bool:
    try:
        f.sympy(2)
    except Exception:  # noqa: BLE001 - a derivative too large to work out: leave it out
        return False
    return True


def _at(u: np.ndarray, v: np.ndarray, u0: float, lo: float, hi: float) -> float:
    """v at u0 by interpolation over the finite samples, clamped into [lo, hi]."""
    ok = np.isfinite(v)
    if not ok.any():
        return (lo + hi) / 2
    return float(np.clip(np.interp(u0, u[ok], v[ok]), lo, hi))


def _derivative(f: Function, a: float) -> float | None:
    """f′(a) from the formula, or as the common one-sided limit where the formula is undefined."""
    slope = f.value(a, 1)
    if slope is not None:
        return slope
    verdict = classify_differentiability(f, a, time_limit=0.5)
    if verdict.classification == "differentiable" and verdict.derivative is not None:
        return float(verdict.derivative)
    return None


