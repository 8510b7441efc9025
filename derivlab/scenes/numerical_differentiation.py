"""Numerical differentiation: the error of a difference quotient against the step h.

At a point a of a typed f, six estimates are compared with the exact derivative:
forward (f(a+h) − f(a))/h, backward (f(a) − f(a−h))/h, central
(f(a+h) − f(a−h))/(2h), Richardson (4D(h/2) − D(h))/3, the complex step
Im f(a + ih)/h, and the second difference (f(a+h) − 2f(a) + f(a−h))/h² for f″(a).
Each is worked out in float32 or float64 for 10⁻¹⁶ ≤ h ≤ 1 and its error
plotted on log–log axes: a truncation branch of slope p (the order) for large h,
a round-off branch of slope −1 (−2 for the second difference) for small h, and
a valley between them near the optimal step h* ≈ ε^(1/2) (one-sided) or ε^(1/3)
(central). The complex step subtracts nothing and has no round-off branch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import mpmath
import numpy as np

from derivlab.compute import step_error
from derivlab.compute.complex_eval import NotAnalyticError, complex_evaluator
from derivlab.model import Parameter, View

from .base import (
    Scene,
    formula_text,
    function_parameter,
    point_parameter,
    step_parameter,
    typed_function,
)
from .drawables import Curve, Label, Markers, Panel, Readout, SceneFrame, Table, format_number
from .sampling import sample_curve
from .secant import line_through

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend
    from derivlab.expr import Function

#: log₁₀ of the smallest and largest step, and steps per decade
LOG_H_MIN, LOG_H_MAX, PER_DECADE = -16.0, 0.0, 20
#: errors below this are drawn at it (an exact estimate has error 0)
ERROR_FLOOR = 1e-18
#: panel style per method: (role, dashed, width, legend text)
STYLE = {
    "forward": ("secant", False, 2.5, "forward"),
    "backward": ("secant", True, 1.5, "backward"),
    "central": ("tangent", False, 3.0, "central"),
    "richardson": ("second", False, 2.5, "Richardson"),
    "complex step": ("derivative", False, 2.5, "complex step"),
    "second difference": ("curve", True, 2.0, "2nd difference, f″"),
}
FORMULAS = {
    "forward": "(f(a+h) − f(a))/h",
    "backward": "(f(a) − f(a−h))/h",
    "central": "(f(a+h) − f(a−h))/(2h)",
    "richardson": "(4D(h/2) − D(h))/3, D central",
    "complex step": "Im f(a+ih)/h",
    "second difference": "(f(a+h) − 2f(a) + f(a−h))/h²",
}


def derivatives_at(f: Function, a: float) -> dict[int, float | None]:
    """f⁽ᵏ⁾(a) for k = 0..5 from the exact formulas (k ≤ 4) and, for k = 5, a 50-digit
    central difference of f⁗ with step 10⁻¹² (its error, ~10⁻²⁴·f⁽⁷⁾, is far below float64)."""
    out: dict[int, float | None] = {}
    for k in range(5):
        try:
            out[k] = f.value(a, k)
        except Exception:  # noqa: BLE001 - a derivative too large to work out: leave it unknown
            out[k] = None
    out[5] = None
    if out[4] is not None:
        with mpmath.workdps(50):
            g, h = f.mpmath(4), mpmath.mpf("1e-12")
            value = (g(mpmath.mpf(a) + h) - g(mpmath.mpf(a) - h)) / (2 * h)
        out[5] = float(value) if mpmath.isfinite(value) else None
    return out


@lru_cache(maxsize=32)
def _complex(f_text: str):
    """The complex continuation of the typed f, or None when it has none here."""
    try:
        return complex_evaluator(typed_function(f_text).sympy(0), typed_function(f_text).variable)
    except NotAnalyticError:
        return None


def error_curves(f_text: str, a: float, dtype: Any) -> dict[str, Any]:
    """For every method: the steps, |D(h) − exact|, the measured best h, the model and the branch slopes."""
    f = typed_function(f_text)
    steps = step_error.step_grid(LOG_H_MIN, LOG_H_MAX, PER_DECADE)
    derivatives = derivatives_at(f, a)
    eps = step_error.machine_epsilon(dtype)
    real = f.numpy(0)
    analytic = _complex(f_text)
    result: dict[str, Any] = {"steps": steps, "derivatives": derivatives, "eps": eps, "methods": {}}
    for method, (_, order, p, q) in step_error.METHODS.items():
        exact = derivatives.get(order)
        function = analytic if method == "complex step" else real
        if exact is None or function is None:
            continue
        values = step_error.estimate(method, function, a, steps, dtype)
        error = step_error.absolute_error(values, exact)
        best = step_error.best_step(steps, error)
        model = step_error.error_model(method, derivatives, eps)
        truncation_slope = round_off_slope = None
        if best is not None:
            truncation_slope = step_error.fitted_slope(steps, error, 10.0 * best, 1.0)
            if q:
                low = step_error.round_off_floor(a, derivatives.get(0), exact, order, eps)
                round_off_slope = step_error.fitted_slope(steps, error, low, best / 10.0)
        result["methods"][method] = {
            "values": values, "error": error, "exact": exact, "best": best, "model": model,
            "truncation_slope": truncation_slope, "round_off_slope": round_off_slope, "order": p,
        }
    return result


class NumericalDifferentiationScene(Scene):
    name = "numerical-differentiation"
    title = "Numerical differentiation"
    summary = "Difference quotients against the step h: truncation error, round-off error and the best h."
    parameters = (
        function_parameter("sin(x)", "The function, typed as on paper: sin(x), e^x, x^3 − 3x, gelu(x) ..."),
        point_parameter(1.0, "Where the derivative is estimated: drag the point on the curve or type a value."),
        step_parameter(0.3, 1.0, "The step of the secant on the curve and the cursor in the error plot.", minimum=1e-16),
        Parameter("method", "central", kind="choice", label="Method", choices=tuple(step_error.METHODS),
                  help="Whose secant is drawn and whose asymptotes and optimal step are shown."),
        Parameter("precision", "float64", kind="choice", label="Precision", choices=("float64", "float32"),
                  help="The floating-point type every quotient is worked out in."),
    )
    default_view = View(-2.0, 4.0, -2.0, 2.0)

    def compute(
        self, values: Mapping[str, Any], view: View, backend: Backend | None = None
    ) -> SceneFrame:
        f = typed_function(values["f"])
        a, h = float(values["a"]), float(values["h"])
        method, precision = str(values["method"]), str(values["precision"])
        dtype = np.float32 if precision == "float32" else np.float64
        x, y = sample_curve(f, view, backend=backend)
        drawables: list = [Curve("curve", x, y, role="curve", label=f"f(x) = {formula_text(f.text)}")]
        f_a = f.value(a)
        if f_a is None:
            return SceneFrame(tuple(drawables), message=f"f is undefined at a = {format_number(a)}; move a.")

        data = error_curves(f.text, a, dtype)
        slope_exact = data["derivatives"][1]
        drawables += self._secant(f, a, h, method, f_a, slope_exact, view)
        drawables.append(Markers("point_a", np.array([a]), np.array([f_a]), role="point", size=16.0, draggable="a"))
        drawables.append(Label("label_a", "(a, f(a))", a, f_a, offset=(-14, -12), anchor=("right", "bottom")))

        info = data["methods"].get(method)
        notes = []
        if _complex(f.text) is None:
            notes.append("f has no complex continuation here: no complex step.")
        if info is None:
            needed = "f″(a)" if method == "second difference" else "f′(a)"
            notes.append(f"{needed} is undefined at a = {format_number(a)}: there is nothing to compare {method} with.")
        panel = self._error_panel(data, method, h, info)
        estimate = None
        if info is not None:
            function = _complex(f.text) if method == "complex step" else f.numpy(0)
            estimate = float(step_error.estimate(method, function, a, np.array([h]), dtype)[0])
        readouts = self._readouts(method, h, estimate, info, data["eps"])
        best = None if info is None else info["best"]
        model = None if info is None else info["model"]
        predicted = None if model is None else model.optimal_step
        caption = (f"{method} in {precision}: best h ≈ {format_number(best, 2)}"
                   + (f", predicted h* ≈ {format_number(predicted, 2)}" if predicted else ""))
        return SceneFrame(
            tuple(drawables),
            readouts,
            caption=caption,
            message="  ".join(notes),
            panels=(panel,),
            layout="right",
            main_size=0.9,
            tables=(summary_table(data, precision),),
            extra={"data": data, "estimate": estimate, "method": method},
        )

    @staticmethod
    def _secant(f: Function, a: float, h: float, method: str, f_a: float, slope_exact: float | None,
                view: View) -> list:
        """The secant of the chosen quotient on the curve (central for the others) and the tangent."""
        left, right = {"forward": (a, a + h), "backward": (a - h, a)}.get(method, (a - h, a + h))
        out: list = []
        f_l, f_r = f.value(left), f.value(right)
        if slope_exact is not None:
            tx, ty = line_through(a, f_a, slope_exact, view)
            out.append(Curve("tangent", tx, ty, role="tangent", dashed=True, label="tangent, slope f′(a)"))
        if f_l is not None and f_r is not None and right != left:
            slope = (f_r - f_l) / (right - left)
            sx, sy = line_through(left, f_l, slope, view)
            name = method if method in ("forward", "backward") else "central"
            out.append(Curve("secant", sx, sy, role="secant", label=f"{name} secant, step h"))
            out.append(Markers("secant_points", np.array([left, right]), np.array([f_l, f_r]), role="secant", size=11.0))
        return out

    @staticmethod
    def _error_panel(data: dict[str, Any], method: str, h: float, info: dict[str, Any] | None) -> Panel:
        steps = data["steps"]
        u = np.log10(steps)
        drawables: list = []
        lows, highs = [], []
        for name, entry in data["methods"].items():
            role, dashed, width, text = STYLE[name]
            v = step_error.floor_log10(entry["error"], ERROR_FLOOR)
            finite = v[np.isfinite(v)]
            if finite.size:
                lows.append(float(finite.min()))
            # The top of the plot follows the truncation side (h ≥ 10⁻³); round-off may run off it.
            big = v[np.isfinite(v) & (u >= -3.0)]
            if big.size:
                highs.append(float(big.max()))
            drawables.append(Curve(f"error_{name}", u, v, role=role, dashed=dashed,
                                   width=width + (1.5 if name == method else 0.0), label=text))
        lo = max(min(lows, default=-16.0), math.log10(ERROR_FLOOR)) - 0.5
        # Room above the curves for the legend in the top right corner.
        hi = max(max(highs, default=0.0), lo + 4.0) + 0.3 * (max(highs, default=0.0) - lo) + 1.0
        view = View(LOG_H_MIN - 0.3, LOG_H_MAX + 0.3, lo, hi)
        if info is not None and info["model"] is not None:
            model = info["model"]
            with np.errstate(divide="ignore"):
                trunc = np.log10(np.maximum(model.truncation_error(steps), 1e-300))
                drawables.append(Curve("truncation", u, np.where(trunc > lo - 1, trunc, np.nan), role="guide",
                                       width=1.5, dashed=True, label="asymptotes, h*"))
                if model.q:
                    rnd = np.log10(np.maximum(model.roundoff_error(steps), 1e-300))
                    drawables.append(Curve("round_off", u, np.where(rnd < hi + 1, rnd, np.nan), role="guide",
                                           width=1.5, dashed=True))
            if model.optimal_step is not None:
                k = math.log10(model.optimal_step)
                drawables.append(Curve("predicted", np.array([k, k]), np.array([lo, hi]), role="guide", width=1.5, dashed=True))
                drawables.append(Label("label_predicted", "h*", k, lo, role="guide", size=14.0, offset=(5, -26), anchor=("left", "bottom")))
        if info is not None and info["best"] is not None:
            k = math.log10(info["best"])
            err = step_error.floor_log10(np.interp(k, u, info["error"]), ERROR_FLOOR)
            drawables.append(Markers("best", np.array([k]), np.array([float(err)]), role="text", size=11.0))
        k_h = math.log10(abs(h))
        drawables.append(Curve("cursor", np.array([k_h, k_h]), np.array([lo, hi]), role="point", width=1.5))
        if info is not None:
            err_h = float(step_error.floor_log10(np.interp(k_h, u, info["error"]), ERROR_FLOOR))
            if math.isfinite(err_h):
                drawables.append(Markers("cursor_point", np.array([k_h]), np.array([err_h]), role="point", size=12.0))
        return Panel("error", tuple(drawables), view, title="error |D(h) − exact|, log–log",
                     x_name="h", y_name="error", x_log=True, y_log=True)

    @staticmethod
    def _readouts(method: str, h: float, estimate: float | None, info: dict[str, Any] | None,
                  eps: float) -> tuple[Readout, ...]:
        exact = None if info is None else info["exact"]
        error = None if estimate is None or exact is None else abs(estimate - exact)
        model = None if info is None else info["model"]
        target = "f″(a)" if method == "second difference" else "f′(a)"
        get = (lambda k: None) if info is None else info.get
        return (
            Readout("h", h, format_number(h, 4), "the step"),
            Readout("D(h)", estimate, format_number(estimate, 12), FORMULAS[method], role="secant"),
            Readout(target, exact, format_number(exact, 12), "exact, from the formula", role="tangent"),
            Readout("|D(h) − exact|", error, format_number(error, 3), "the error at this h"),
            Readout("ε", eps, format_number(eps, 3), "machine epsilon of the precision"),
            Readout("best h", get("best"), format_number(get("best"), 2), "measured: least (smoothed) error"),
            Readout("h*", None if model is None else model.optimal_step,
                    format_number(None if model is None else model.optimal_step, 2), "predicted optimal step"),
            Readout("slope, large h", get("truncation_slope"), format_number(get("truncation_slope"), 3),
                    "fitted slope of the truncation branch (the order p)"),
            Readout("slope, small h", get("round_off_slope"), format_number(get("round_off_slope"), 3),
                    "fitted slope of the round-off branch (−1, or −2 for f″)"),
        )

    def function_latex(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        f = typed_function(values["f"])
        return [("f(x)", f.latex), ("f′(x)", f.derivative_latex(1)),
                ("central", r"\frac{f(a+h) - f(a-h)}{2h}"), ("complex step", r"\frac{\operatorname{Im} f(a + ih)}{h}")]

    def animations(self) -> dict[str, dict[str, Any]]:
        return {"h → 0": {"parameter": "h", "start": 1.0, "end": 1e-16, "easing": "geometric", "duration": 8.0}}


def summary_table(data: dict[str, Any], precision: str) -> Table:
    """Per method: measured best h, predicted h*, least error, and the two fitted branch slopes."""
    rows = []
    for name, entry in data["methods"].items():
        model = entry["model"]
        least = np.nanmin(entry["error"]) if np.isfinite(entry["error"]).any() else None
        rows.append((
            name,
            format_number(entry["best"], 2),
            format_number(None if model is None else model.optimal_step, 2),
            format_number(None if least is None else float(least), 2),
            format_number(entry["truncation_slope"], 3),
            format_number(entry["round_off_slope"], 3),
        ))
    return Table(f"Errors in {precision}", ("method", "best h", "h*", "least error", "slope large h", "slope small h"),
                 tuple(rows))
