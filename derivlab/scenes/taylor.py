"""Taylor polynomials: matching f's derivatives at one point.

The Taylor polynomial of order n of f around x₀ is

    Tₙ(x) = Σₖ₌₀ⁿ f⁽ᵏ⁾(x₀)/k! · (x − x₀)ᵏ,

the one polynomial of degree ≤ n whose value and first n derivatives at x₀ are
those of f. The remainder Rₙ(x) = f(x) − Tₙ(x) is shaded between the two
curves; for smooth f it is f⁽ⁿ⁺¹⁾(ξ)/(n+1)! · (x − x₀)ⁿ⁺¹ for some ξ between
x₀ and x (Lagrange). Derivatives beyond the fourth are worked out here, each
under the expression layer's size and time bounds and all of them together
within :data:`DERIVATIVE_SECONDS`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import mpmath
import numpy as np
import sympy as sp

from derivlab.expr import ExpressionError
from derivlab.expr._deadline import DeadlineExceeded, run_with_deadline
from derivlab.expr.evaluate import MpmathEvaluator
from derivlab.expr.symbolic import derivative
from derivlab.model import Parameter, View

from .base import Scene, formula_text, typed_function
from .base import finite_value as _value
from .drawables import Curve, Fill, Label, Markers, Readout, SceneFrame, Table, format_number
from .sampling import sample_curve

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend

#: highest order offered
MAX_TAYLOR_ORDER = 10
#: seconds allowed for all derivatives of one function together
DERIVATIVE_SECONDS = 2.0
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscript(n: int) -> str:
    """n in subscript digits: 5 → ₅."""
    return str(n).translate(_SUBSCRIPT)


@lru_cache(maxsize=32)
def taylor_derivatives(text: str) -> tuple[tuple[MpmathEvaluator, ...], str]:
    """Evaluators of f, f′, …, f⁽ᵏ⁾ (k ≤ 10) for the typed ``text``, and why it stopped short.

    Each derivative is d/dx of the one before, bounded in size and time by the
    expression layer; all together get :data:`DERIVATIVE_SECONDS`. The second item
    is "" when all eleven were worked out, else a sentence for the person.
    """
    f = typed_function(text)
    expressions: list[sp.Expr] = []
    reason = ""

    def work() -> None:
        for n in range(MAX_TAYLOR_ORDER + 1):
            if n <= 4:
                expressions.append(f.sympy(n))
            else:
                expressions.append(derivative(expressions[-1], f.symbol))

    try:
        run_with_deadline(work, DERIVATIVE_SECONDS)
    except (DeadlineExceeded, ExpressionError, RecursionError, ValueError):
        reason = (
            f"{derivative_name(len(expressions))} is too large to work out quickly; "
            f"orders up to {len(expressions) - 1} are shown."
        )
    evaluators = tuple(MpmathEvaluator(e, f.variable, (), kink=k >= 1) for k, e in enumerate(expressions))
    return evaluators, reason


def derivative_name(k: int) -> str:
    """f′, f″, f‴ for k = 1, 2, 3; f⁽ᵏ⁾ beyond."""
    return {0: "f", 1: "f′", 2: "f″", 3: "f‴"}.get(k, f"f⁽{_superscript(k)}⁾")


def _superscript(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def taylor_coefficients(text: str, x0: float, n: int) -> tuple[list[float | None], str]:
    """cₖ = f⁽ᵏ⁾(x₀)/k! for k = 0 … n (None where the derivative is undefined), and a note."""
    evaluators, reason = taylor_derivatives(text)
    coefficients: list[float | None] = []
    with mpmath.workdps(50):
        for k in range(min(n, len(evaluators) - 1) + 1):
            value = evaluators[k](x0)
            if not mpmath.isfinite(value):
                coefficients.append(None)
                continue
            c = float(value / mpmath.factorial(k))
            coefficients.append(c if math.isfinite(c) else None)
    return coefficients, reason if n >= len(evaluators) else ""


def taylor_polynomial(coefficients: list[float], x0: float, x: np.ndarray) -> np.ndarray:
    """Tₙ(x) = Σ cₖ (x − x₀)ᵏ by Horner's rule."""
    t = np.asarray(x, dtype=np.float64) - x0
    result = np.zeros_like(t)
    for c in reversed(coefficients):
        result = result * t + c
    return result


def polynomial_latex(coefficients: list[float], x0: float) -> str:
    """LaTeX of Σ cₖ (x − x₀)ᵏ with six significant figures, zero terms left out."""
    base = "x" if x0 == 0 else (rf"(x - {x0:.6g})" if x0 > 0 else rf"(x + {-x0:.6g})")
    parts: list[str] = []
    for k, c in enumerate(coefficients):
        if c == 0:
            continue
        magnitude = f"{abs(c):.6g}".replace("e", r"\cdot 10^{") + ("}" if "e" in f"{abs(c):.6g}" else "")
        power = "" if k == 0 else base if k == 1 else f"{base}^{{{k}}}"
        if power and magnitude == "1":
            magnitude = ""
        sign = "-" if c < 0 else "+"
        parts.append((sign, f"{magnitude}{power}" or "1"))
    if not parts:
        return "0"
    text = ("-" if parts[0][0] == "-" else "") + parts[0][1]
    return text + "".join(f" {sign} {term}" for sign, term in parts[1:])


class TaylorScene(Scene):
    name = "taylor"
    title = "Taylor polynomials"
    summary = "Tₙ(x) = Σ f⁽ᵏ⁾(x₀)/k! (x − x₀)ᵏ for n = 0 … 10, with the remainder f − Tₙ shaded."
    parameters = (
        Parameter("f", "sin(x)", kind="expression", symbol="f(x)", label="Function",
                  help="The function, typed as on paper: sin(x), e^x, log(1 + x), 1/(1 + x^2) ..."),
        Parameter("x0", 0.0, symbol="x₀", label="Centre x₀", minimum=-1e6, maximum=1e6,
                  help="The point the polynomial is built around: drag the point on the curve."),
        Parameter("n", 5, kind="integer", symbol="n", label="Order n", minimum=0, maximum=MAX_TAYLOR_ORDER,
                  help="The highest power of (x − x₀) kept."),
        Parameter("x", 2.5, symbol="x", label="Point x", minimum=-1e6, maximum=1e6,
                  help="Where f(x), Tₙ(x) and the remainder are compared: drag the point on the polynomial."),
    )
    default_view = View(-6.5, 6.5, -3.0, 3.0)

    def compute(
        self, values: Mapping[str, Any], view: View, backend: Backend | None = None
    ) -> SceneFrame:
        text = str(values["f"])
        f = typed_function(text)
        x0, n, x1 = float(values["x0"]), int(values["n"]), float(values["x"])
        xs, ys = sample_curve(f, view, backend=backend)
        drawables: list = [Curve("curve", xs, ys, role="curve", label=f"f(x) = {formula_text(f.text)}")]
        coefficients, note = taylor_coefficients(text, x0, n)
        f_x0 = _value(f, x0)
        undefined = next((k for k, c in enumerate(coefficients) if c is None), None)
        if f_x0 is None or undefined is not None:
            which = "f" if undefined in (None, 0) else derivative_name(undefined)
            message = f"{which} is undefined at x₀ = {format_number(x0)}: no Taylor polynomial of order {n} there; move x₀."
            if f_x0 is not None:
                drawables.append(Markers("point_x0", np.array([x0]), np.array([f_x0]), size=16.0, draggable="x0"))
            return SceneFrame(tuple(drawables), (Readout("n", n, str(n), "order"),), message=message)

        order = len(coefficients) - 1  # n, or fewer when derivatives ran out
        poly = taylor_polynomial(coefficients, x0, xs)
        margin = 10.0 * view.height
        poly_drawn = np.clip(poly, view.y_min - margin, view.y_max + margin)
        lower = np.fmin(ys, poly_drawn)
        upper = np.fmax(ys, poly_drawn)
        gap = ~np.isfinite(ys)
        lower[gap] = np.nan
        upper[gap] = np.nan
        drawables.insert(0, Fill("remainder", xs, lower, upper, role="secant", alpha=0.22))
        name = f"T{subscript(order)}"
        drawables.append(Curve("taylor", xs, poly_drawn, role="tangent", width=3.0,
                               label=f"Taylor polynomial {name}(x), order {order}"))
        drawables.append(Curve("remainder_key", np.array([np.nan]), np.array([np.nan]), role="secant", width=8.0,
                               label=f"remainder R{subscript(order)}(x) = f(x) − {name}(x)"))

        f_x1 = _value(f, x1)
        t_x1 = float(taylor_polynomial(coefficients, x0, np.array(x1)))
        remainder = None if f_x1 is None else f_x1 - t_x1
        if f_x1 is not None:
            drawables.append(Curve("remainder_at_x", np.array([x1, x1]), np.array([t_x1, f_x1]), role="secant", width=3.0))
            side = ("left", "center") if x1 >= x0 else ("right", "center")
            drawables.append(Label("label_remainder", f"R{subscript(order)}(x)", x1, (t_x1 + f_x1) / 2, role="secant",
                                   offset=(10 if x1 >= x0 else -10, 0), anchor=side))
            drawables.append(Markers("point_f_x", np.array([x1]), np.array([f_x1]), role="curve", size=11.0))
        drawables.append(Markers("point_x", np.array([x1]), np.array([t_x1]), role="tangent", size=14.0, draggable="x"))
        drawables.append(Markers("point_x0", np.array([x0]), np.array([f_x0]), role="point", size=16.0, draggable="x0"))
        drawables.append(Label("label_x0", "(x₀, f(x₀))", x0, f_x0, offset=(-12, -12), anchor=("right", "bottom")))

        rows = tuple(
            (str(k), format_number(c * math.factorial(k), 8), format_number(c, 8))
            for k, c in enumerate(coefficients)
        )
        table = Table(f"coefficients of {name} around x₀ = {format_number(x0, 6)}", ("k", "f⁽ᵏ⁾(x₀)", "f⁽ᵏ⁾(x₀)/k!"), rows)
        readouts = (
            Readout("n", order, str(order), "order of the polynomial"),
            Readout("x₀", x0, format_number(x0), "centre"),
            Readout("x", x1, format_number(x1), "where f and the polynomial are compared"),
            Readout("f(x)", f_x1, format_number(f_x1), "the function", role="curve"),
            Readout(f"{name}(x)", t_x1, format_number(t_x1), "the Taylor polynomial", role="tangent"),
            Readout(f"R{subscript(order)}(x)", remainder, format_number(remainder, 4), "f(x) − Tₙ(x)", role="secant"),
        )
        return SceneFrame(
            tuple(drawables),
            readouts,
            caption=f"{name}(x) = Σ f⁽ᵏ⁾(x₀)/k! (x − x₀)ᵏ, k = 0 … {order}",
            message=note,
            tables=(table,),
            extra={"coefficients": coefficients, "x0": x0, "order": order, "taylor_at_x": t_x1,
                   "f_at_x": f_x1, "remainder": remainder},
        )

    def function_latex(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        text = str(values["f"])
        f = typed_function(text)
        x0, n = float(values["x0"]), int(values["n"])
        coefficients, _ = taylor_coefficients(text, x0, n)
        if any(c is None for c in coefficients):
            return [("f(x)", f.latex)]
        return [("f(x)", f.latex), (f"T_{{{len(coefficients) - 1}}}(x)", polynomial_latex(coefficients, x0))]

    def animations(self) -> dict[str, dict[str, Any]]:
        return {"n = 0 → 10": {"parameter": "n", "start": 0, "end": MAX_TAYLOR_ORDER, "easing": "linear", "duration": 8.0}}


