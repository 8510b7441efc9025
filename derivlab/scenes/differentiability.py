"""Is f differentiable at a? The left and right secants, and the limits of their slopes.

For a step h > 0 the left and right difference quotients are

    (f(a) − f(a − h)) / h        and        (f(a + h) − f(a)) / h.

f is differentiable at a when both tend to the same finite number as h → 0⁺
(then f′(a) is that number). A corner has two different finite limits (|x|), a
cusp two infinite ones of opposite sign (x^(2/3)), a vertical tangent two of the
same sign (x^(1/3)); for x sin(1/x) at 0 they have no limit at all. The verdict
is :func:`derivlab.expr.classify_differentiability`'s; a removable singularity
(x² sin(1/x) at 0 as typed) is filled in with its limit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from derivlab.expr import Differentiability, classify_differentiability
from derivlab.model import Parameter, View

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

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend
    from derivlab.expr import Function

#: the Weierstrass partial sum W₈(x) = Σ_{n<8} 0.5ⁿ cos(3ⁿ π x), typed
WEIERSTRASS_TEXT = "weierstrass(x, 0.5, 3, 8)"


#: preset name → (typed formula, how the legend writes it); "custom" keeps the typed f
PRESETS: dict[str, tuple[str, str]] = {
    "smooth": ("x^2", "x²"),
    "corner": ("|x|", "|x|"),
    "relu": ("relu(x)", "ReLU(x) = max(0, x)"),
    "cusp": ("x^(2/3)", "x^(2/3)"),
    "vertical-tangent": ("x^(1/3)", "x^(1/3)"),
    "damped-oscillation": ("x^2 sin(1/x)", "x² sin(1/x)"),
    "oscillation": ("x sin(1/x)", "x sin(1/x)"),
    "weierstrass": (WEIERSTRASS_TEXT, "W₈(x) = Σₙ₌₀⁷ 0.5ⁿ cos(3ⁿπx)"),
}
CUSTOM = "custom"

_VERDICT_WORDS = {
    "differentiable": "differentiable",
    "corner": "corner",
    "cusp": "cusp",
    "vertical_tangent": "vertical tangent",
    "no_limit": "no limit",
    "not_continuous": "not continuous",
    "undefined": "undefined",
}

#: log₁₀ h from −8 to 0: where the slopes are plotted
LOG_H_MIN, LOG_H_MAX = -8.0, 0.0
#: where the limits are labelled in the slope panel: clear of the y axis's tick labels
LABEL_LOG_H = -7.6


def left_secant_slope(f_a: float, f_a_minus_h: float, h: float) -> float:
    """The left difference quotient (f(a) − f(a − h)) / h for h > 0."""
    return (f_a - f_a_minus_h) / h


def right_secant_slope(f_a: float, f_a_plus_h: float, h: float) -> float:
    """The right difference quotient (f(a + h) − f(a)) / h for h > 0."""
    return (f_a_plus_h - f_a) / h


def one_sided_slopes(
    f: Function, a: float, f_a: float, h: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Left and right secant slopes (f(a) − f(a−h))/h and (f(a+h) − f(a))/h for an array of h > 0.

    ``f_a`` is the value used for f(a) (the limit, where f(a) itself is undefined).
    NaN where f is undefined at a ∓ h.
    """
    h = np.asarray(h, dtype=np.float64)
    g = f.numpy(0)
    left = (f_a - np.asarray(g(a - h), dtype=np.float64)) / h
    right = (np.asarray(g(a + h), dtype=np.float64) - f_a) / h
    return left, right


def function_text(values: Mapping[str, Any]) -> str:
    """The formula the scene shows: the preset's, unless f was typed (preset "custom").

    A typed f that is not one of the presets' formulas wins over the preset (typing
    f switches the preset to custom); otherwise a named preset chooses f.
    """
    preset = values.get("preset", CUSTOM)
    typed = str(values["f"])
    if preset == CUSTOM or preset not in PRESETS:
        return typed
    if typed.strip() not in {formula for formula, _ in PRESETS.values()}:
        return typed
    return PRESETS[preset][0]


@lru_cache(maxsize=128)
def _classification(text: str, a: float) -> Differentiability:
    """classify_differentiability for a typed f at a, cached (it may ask sympy for limits)."""
    return classify_differentiability(typed_function(text), a)


def slope_words(value: float) -> str:
    """A one-sided limit of the slopes in words: a number (below 10⁻¹² in size reads 0), ±∞, or "no limit"."""
    if math.isnan(value):
        return "no limit"
    return format_number(_tidy(value), 6)


def _tidy(value: float) -> float:
    """0 for a value below 10⁻¹² in size (a limit found as 2·10⁻⁶³ is 0), else the value."""
    return 0.0 if abs(value) < 1e-12 else value


def verdict_caption(d: Differentiability, a: float) -> str:
    """The verdict in words, e.g. ``corner: left slope −1, right slope 1``."""
    words = _VERDICT_WORDS[d.classification]
    if d.classification == "undefined":
        return f"undefined: f has no value and no finite limit at a = {format_number(a, 6)}"
    text = f"{words}: left slope {slope_words(d.left)}, right slope {slope_words(d.right)}"
    if d.classification == "differentiable" and d.derivative is not None:
        text += f", f′({format_number(a, 6)}) = {format_number(_tidy(d.derivative), 6)}"
    return text


def ray_in_view(x0: float, y0: float, slope: float, side: int, view: View) -> tuple[np.ndarray, np.ndarray]:
    """The half-line y = y0 + slope·(x − x0) from x0 toward ``side`` (−1 left, +1 right), cut to the view.

    Only the part inside the (slightly enlarged) view is kept, so that steep lines
    stay short and finite in float32; a ray that misses the view is two NaNs.
    """
    mx, my = 0.05 * view.width, 0.05 * view.height
    far = view.x_min - mx if side < 0 else view.x_max + mx
    lo, hi = min(x0, far), max(x0, far)
    if slope != 0:
        xa = x0 + (view.y_min - my - y0) / slope
        xb = x0 + (view.y_max + my - y0) / slope
        lo, hi = max(lo, min(xa, xb)), min(hi, max(xa, xb))
    elif not view.y_min - my <= y0 <= view.y_max + my:
        lo, hi = 1.0, 0.0
    if lo > hi:
        return np.full(2, np.nan), np.full(2, np.nan)
    x = np.array([lo, hi] if side > 0 else [hi, lo])
    return x, y0 + slope * (x - x0)


def robust_range(values: np.ndarray, extra: tuple[float, ...] = (), pad: float = 0.2) -> tuple[float, float]:
    """A y range for ``values``: 1st to 99th percentile of the finite ones (and ``extra``), padded.

    NaN and ±∞ are ignored; a flat set gets a range of ±max(0.5, |v|/2) around it.
    """
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    extras = [v for v in extra if math.isfinite(v)]
    if finite.size:
        lo, hi = np.percentile(finite, [1.0, 99.0])
    elif extras:
        lo = hi = extras[0]
    else:
        return -1.0, 1.0
    lo, hi = float(min([lo, *extras])), float(max([hi, *extras]))
    if hi - lo < 1e-9 * max(1.0, abs(hi)):
        half = max(0.5, abs(hi) / 2)
        return lo - half, hi + half
    span = hi - lo
    return lo - pad * span, hi + pad * span


class DifferentiabilityScene(Scene):
    name = "differentiability"
    title = "Differentiable or not?"
    summary = (
        "Left and right secants shrink together; f′(a) exists when their slopes "
        "tend to the same finite number."
    )
    parameters = (
        Parameter(
            "preset",
            "corner",
            kind="choice",
            symbol="preset",
            label="Example",
            choices=(*PRESETS, CUSTOM),
            help=(
                "smooth x², corner |x|, relu, cusp x^(2/3), vertical-tangent x^(1/3), "
                "damped-oscillation x² sin(1/x) (differentiable at 0), oscillation x sin(1/x) "
                "(not differentiable), weierstrass (W₈ = Σ_{n<8} 0.5ⁿ cos(3ⁿπx)), or custom: your f."
            ),
        ),
        function_parameter("|x|", "The function, typed as on paper; typing one switches the example to custom."),
        point_parameter(0.0, "The point in question: drag it on the curve or type a value."),
        step_parameter(0.4, 1.0, "Both secants go from (a, f(a)) to a − h and a + h; slide h toward 0."),
    )
    default_view = View(-1.6, 1.6, -1.2, 2.2)

    def linked_values(self, changed: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
        """A preset sets f; an f typed by hand that is not the preset's switches the preset to custom."""
        preset = values.get("preset", CUSTOM)
        if "preset" in changed and preset in PRESETS:
            return {"f": PRESETS[preset][0]}
        if "f" in changed and preset in PRESETS and str(values["f"]).strip() != PRESETS[preset][0]:
            return {"preset": CUSTOM}
        return {}

    def animations(self) -> dict[str, dict[str, Any]]:
        return {"h → 0": {"parameter": "h", "start": 1.0, "end": 1e-8, "easing": "geometric", "duration": 8.0}}

    def compute(
        self, values: Mapping[str, Any], view: View, backend: Backend | None = None
    ) -> SceneFrame:
        text = function_text(values)
        f = typed_function(text)
        a = float(values["a"])
        h = abs(float(values["h"]))
        preset = values.get("preset", CUSTOM)
        legend = PRESETS[preset][1] if preset in PRESETS and text == PRESETS[preset][0] else formula_text(f.text)
        # Oversampled: the preset sums oscillate fast (the last Weierstrass term has period 2/3⁷).
        x, y = sample_curve(f, view.with_pixels(4 * view.pixels), backend=backend)
        drawables: list = [Curve("curve", x, y, role="curve", width=3.0, label=f"f(x) = {legend}")]
        d = _classification(text, a)
        if d.value is None:
            readouts = (Readout("verdict", None, _VERDICT_WORDS[d.classification], d.note),)
            return SceneFrame(
                tuple(drawables),
                readouts,
                caption=verdict_caption(d, a),
                message=f"f is undefined at a = {format_number(a, 6)} and has no finite limit there; move a.",
                extra={"a": a, "h": h, "classification": d},
            )
        f_a = float(d.value)
        f_left, f_right = _value(f, a - h), _value(f, a + h)
        left = None if f_left is None else left_secant_slope(f_a, f_left, h)
        right = None if f_right is None else right_secant_slope(f_a, f_right, h)

        if left is not None:
            sx, sy = ray_in_view(a, f_a, left, -1, view)
            drawables.append(Curve("secant_left", sx, sy, role="secant", width=3.0, label="left secant, through a − h"))
        if right is not None:
            sx, sy = ray_in_view(a, f_a, right, +1, view)
            drawables.append(Curve("secant_right", sx, sy, role="derivative", width=3.0, label="right secant, through a + h"))
        if d.classification == "differentiable" and d.derivative is not None:
            tx = np.array([view.x_min - 0.05 * view.width, view.x_max + 0.05 * view.width])
            drawables.append(
                Curve("tangent", tx, f_a + d.derivative * (tx - a), role="tangent", width=2.5, dashed=True, label="tangent, slope f′(a)")
            )
        if f_left is not None:
            drawables.append(Markers("point_left", np.array([a - h]), np.array([f_left]), role="secant", size=13.0))
        if f_right is not None:
            drawables.append(Markers("point_right", np.array([a + h]), np.array([f_right]), role="derivative", size=13.0))
        drawables.append(Markers("point_a", np.array([a]), np.array([f_a]), role="point", size=16.0, draggable="a"))
        drawables.append(Label("label_a", "(a, f(a))", a, f_a, role="text", offset=(0, -22), anchor=("center", "bottom")))

        message = ""
        if d.removable:
            message = (
                f"f({format_number(a, 6)}) is undefined as typed; its limit {format_number(f_a, 6)} is used as f(a)."
            )
        if preset == "weierstrass" and text == PRESETS["weierstrass"][0]:
            message = (
                "8 terms are smooth: the slopes settle, but only for tiny h. "
                "All terms: no derivative anywhere."
            )

        return SceneFrame(
            tuple(drawables),
            self._readouts(h, left, right, d),
            caption=verdict_caption(d, a),
            message=message,
            panels=(self._slope_panel(f, a, f_a, h, left, right, d),),
            main_size=1.25,
            extra={"a": a, "h": h, "f_a": f_a, "left_slope": left, "right_slope": right, "classification": d},
        )

    @staticmethod
    def _slope_panel(
        f: Function, a: float, f_a: float, h: float, left: float | None, right: float | None, d: Differentiability
    ) -> Panel:
        """The left and right slopes against log₁₀ h, h from 10⁻⁸ to 1 (h → 0 is to the left)."""
        log_h = np.linspace(LOG_H_MIN, LOG_H_MAX, 1601)
        left_slopes, right_slopes = one_sided_slopes(f, a, f_a, 10.0**log_h)
        limits = tuple(v for v in (d.left, d.right) if math.isfinite(v))
        lo, hi = robust_range(np.concatenate([left_slopes, right_slopes]), limits)
        panel_view = View(LOG_H_MIN - 0.25, LOG_H_MAX + 0.25, lo, hi)
        clip = 10 * (hi - lo)
        drawables: list = [
            Curve("slopes_left", log_h, np.clip(left_slopes, lo - clip, hi + clip), role="secant", width=3.0),
            Curve("slopes_right", log_h, np.clip(right_slopes, lo - clip, hi + clip), role="derivative", width=1.6),
        ]
        x_ends = np.array([panel_view.x_min, panel_view.x_max])
        if d.classification == "differentiable" and d.derivative is not None:
            drawables.append(Curve("limit", x_ends, np.full(2, d.derivative), role="tangent", width=2.0, dashed=True))
            drawables.append(Label("label_limit", f"f′(a) = {format_number(_tidy(d.derivative), 6)}", LABEL_LOG_H, d.derivative,
                                   role="tangent", offset=(6, -6), anchor=("left", "bottom")))
        else:
            for key, value, role, name, down in (
                ("left", d.left, "secant", "f′₋(a)", d.left < d.right),
                ("right", d.right, "derivative", "f′₊(a)", d.right < d.left),
            ):
                if math.isfinite(value):
                    drawables.append(Curve(f"limit_{key}", x_ends, np.full(2, value), role=role, width=2.0, dashed=True))
                    drawables.append(Label(f"label_limit_{key}", f"{name} = {format_number(value, 6)}", LABEL_LOG_H, value,
                                           role=role, offset=(6, 6 if down else -6), anchor=("left", "top" if down else "bottom")))
        log_now = math.log10(h)
        drawables.append(Curve("h_now", np.array([log_now, log_now]), np.array([lo, hi]), role="guide", width=1.5))
        if left is not None and math.isfinite(left):
            drawables.append(Markers("slope_left_now", np.array([log_now]), np.array([left]), role="secant", size=12.0))
        if right is not None and math.isfinite(right):
            drawables.append(Markers("slope_right_now", np.array([log_now]), np.array([right]), role="derivative", size=12.0))
        return Panel(
            "slopes",
            tuple(drawables),
            panel_view,
            title="secant slopes as h → 0 (to the left)",
            x_name="h",
            y_name="Δf/h",
            x_log=True,
        )

    @staticmethod
    def _readouts(h: float, left: float | None, right: float | None, d: Differentiability) -> tuple[Readout, ...]:
        return (
            Readout("h", h, format_number(h, 4), "the step to each side of a"),
            Readout("(f(a) − f(a − h))/h", left, format_number(left, 6), "left secant slope", role="secant"),
            Readout("(f(a + h) − f(a))/h", right, format_number(right, 6), "right secant slope", role="derivative"),
            Readout("f′₋(a)", d.left, slope_words(d.left), "limit of the left slopes as h → 0⁺", role="secant"),
            Readout("f′₊(a)", d.right, slope_words(d.right), "limit of the right slopes as h → 0⁺", role="derivative"),
            Readout("verdict", None, _VERDICT_WORDS[d.classification], d.note, role="tangent"),
        )

    def function_latex(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        f = typed_function(function_text(values))
        return [("f(x)", f.latex)]
