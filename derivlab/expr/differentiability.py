"""Is f differentiable at a? One-sided limits of the difference quotient, and their verdict.

The left and right derivatives are

    f'₋(a) = lim_{h→0⁻} (f(a+h) − f(a)) / h,      f'₊(a) = lim_{h→0⁺} (f(a+h) − f(a)) / h.

They are first asked of sympy's ``limit`` (after rewriting the activations into
exp/log/erf/|·|), under a deadline that interrupts sympy rather than waiting
for it; if sympy does not answer in time, or answers with something that is not
a real number or ±∞, both are estimated numerically (see
:func:`_sequence_limit` for the rule). The verdict, with F(a) the value used
for f(a):

``"undefined"``
    f(a) is not a finite real number and f has no finite two-sided limit at a
    (``1/x``, ``log(x)``, ``sin(1/x)`` at 0). ``left`` and ``right`` are NaN.
``"not_continuous"``
    f is defined at a but a one-sided limit of f differs from F(a) or does not
    exist (``sign(x)`` at 0); ``left``/``right`` are reported as found.
``"differentiable"``
    both limits are finite and equal; ``derivative`` is their common value.
``"corner"``
    both are finite and differ (``|x|``, ``relu``), or one is finite and the
    other infinite.
``"cusp"``
    they are infinite with opposite signs (``x^(2/3)``).
``"vertical_tangent"``
    they are infinite with the same sign (``x^(1/3)``).
``"no_limit"``
    at least one of them does not exist (``x sin(1/x)`` at 0), including a side
    on which f is not defined (``sqrt(x)`` at 0 from the left).

A removable singularity is filled in: when f(a) is undefined but f has a finite
two-sided limit L at a, F(a) = L is used and ``removable`` is True (so
``x sin(1/x)`` at 0 is treated as the function with f(0) = 0).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import mpmath
import sympy as sp

from derivlab.expr._deadline import DeadlineExceeded, run_with_deadline
from derivlab.expr.function import Function
from derivlab.expr.functions import elementary, weierstrass, weierstrass_derivative

CLASSIFICATIONS = (
    "differentiable",
    "corner",
    "cusp",
    "vertical_tangent",
    "no_limit",
    "not_continuous",
    "undefined",
)

#: the step sizes of the numerical estimate: h_k = C·10⁻ᵏ, k = 3 … 26
_H_FACTOR = mpmath.mpf("0.7390851332151607")
_H_POWERS = range(3, 27)
_TAIL = 6
_DIGITS = 60


@dataclass(frozen=True)
class Differentiability:
    """The one-sided derivatives of f at a and what they say.

    ``left``/``right`` are the limits of (F(a+h) − F(a))/h as h → 0⁻ / 0⁺
    (±inf when they diverge to ±∞, NaN when they do not exist);
    ``classification`` is one of :data:`CLASSIFICATIONS`; ``exact`` is True
    when sympy found the limits; ``derivative`` is f'(a) when differentiable;
    ``value`` is F(a), the value of f used at a (None when undefined);
    ``removable`` says F(a) is the limit of f because f(a) itself is undefined;
    ``note`` is a short sentence for people.
    """

    left: float
    right: float
    classification: str
    exact: bool
    derivative: float | None = None
    value: float | None = None
    removable: bool = False
    note: str = ""


def _verdict(left: float, right: float) -> tuple[str, float | None]:
    if math.isnan(left) or math.isnan(right):
        return "no_limit", None
    if math.isfinite(left) and math.isfinite(right):
        if abs(left - right) <= 1e-9 * max(1.0, abs(left), abs(right)):
            common = right if left == right else (left + right) / 2
            return "differentiable", common
        return "corner", None
    if math.isinf(left) and math.isinf(right):
        return ("vertical_tangent", None) if left == right else ("cusp", None)
    return "corner", None


_NOTES = {
    "differentiable": "the left and right derivatives agree",
    "corner": "the left and right derivatives differ",
    "cusp": "the slopes go to +∞ on one side and −∞ on the other",
    "vertical_tangent": "the slopes go to the same infinity on both sides",
    "no_limit": "the difference quotient has no limit on at least one side",
    "not_continuous": "f jumps at this point, so it cannot be differentiable",
    "undefined": "f is not defined at this point and has no finite limit there",
}


# -------------------------------------------------------------------- exact


class _NotExact(Exception):
    """sympy gave no usable answer."""


def _to_float(value: sp.Expr) -> float:
    if value is sp.oo:
        return math.inf
    if value is sp.S.NegativeInfinity:
        return -math.inf
    if isinstance(value, sp.AccumBounds) or value is sp.nan:
        return math.nan
    if value is sp.zoo or isinstance(value, sp.Limit) or value.free_symbols:
        raise _NotExact
    if value.has(sp.oo, sp.zoo, sp.S.NegativeInfinity, sp.I, sp.AccumBounds, sp.Limit):
        raise _NotExact
    number = value.evalf(30)
    if not number.is_real:
        raise _NotExact
    return float(number)


def _exact(f: Function, a: float, params: Mapping[str, float]) -> Differentiability:
    x = f.symbol
    h = sp.Symbol("h", real=True)
    substitutions = {sp.Symbol(name, real=True): sp.Rational(repr(float(v))) for name, v in params.items()}
    expr = elementary(f.sympy(0)).subs(substitutions)
    point = sp.Rational(repr(float(a)))
    at_a = expr.subs(x, point)
    removable = False
    undefined = at_a.has(sp.nan, sp.zoo, sp.oo, sp.S.NegativeInfinity)
    if not undefined and not (at_a.is_real and at_a.is_finite):
        if at_a.is_real is None or at_a.is_finite is None:
            raise _NotExact
        undefined = True
    if undefined:
        limit_value = sp.limit(expr, x, point, "+-")
        try:
            limit_float = _to_float(limit_value)
        except _NotExact:
            limit_float = math.nan
        if not math.isfinite(limit_float):
            return Differentiability(
                math.nan, math.nan, "undefined", True, note=_NOTES["undefined"]
            )
        at_a, removable = limit_value, True
    value = _to_float(at_a)
    jumps = False
    for direction in ("+", "-"):
        one_sided = _to_float(sp.limit(expr, x, point, direction))
        if not (math.isfinite(one_sided) and abs(one_sided - value) <= 1e-12 * max(1, abs(value))):
            jumps = True
    quotient = (expr.subs(x, point + h) - at_a) / h
    left = _to_float(sp.limit(quotient, h, 0, "-"))
    right = _to_float(sp.limit(quotient, h, 0, "+"))
    return _finish(left, right, True, value, removable, jumps)


def _finish(
    left: float, right: float, exact: bool, value: float, removable: bool, jumps: bool
) -> Differentiability:
    if jumps:
        classification, common = "not_continuous", None
    else:
        classification, common = _verdict(left, right)
    note = _NOTES[classification]
    if removable:
        note = f"f is undefined here; its limit {value:g} is used as f(a); " + note
    return Differentiability(left, right, classification, exact, common, value, removable, note)


# ---------------------------------------------------------------- numerical


def _sequence_limit(values: list[mpmath.mpf]) -> float:
    """The limit of a sequence taken at h_k → 0 geometrically, judged on its last six terms.

    * converged: all six finite and within 1e-9·max(1, |last|) of each other →
      the last term (snapped to 0 when below 1e-12 in size);
    * diverged: all six of one sign, strictly growing in size with steps that do
      not shrink by more than half, the last above 10 in size → ±inf;
    * otherwise NaN (no limit: oscillation, NaN, or not settled).
    """
    tail = values[-_TAIL:]
    if any(mpmath.isnan(v) for v in tail):
        return math.nan
    if all(mpmath.isinf(v) for v in tail) and len({mpmath.sign(v) for v in tail}) == 1:
        return math.copysign(math.inf, float(mpmath.sign(tail[-1])))
    if any(mpmath.isinf(v) for v in tail):
        return math.nan
    last = tail[-1]
    spread = max(tail) - min(tail)
    if spread <= mpmath.mpf("1e-9") * max(1, abs(last)):
        return 0.0 if abs(last) < mpmath.mpf("1e-12") else float(last)
    signs = {mpmath.sign(v) for v in tail}
    sizes = [abs(v) for v in tail]
    steps = [sizes[i + 1] - sizes[i] for i in range(len(sizes) - 1)]
    growing = all(s > 0 for s in steps) and all(
        steps[i + 1] >= steps[i] / 2 for i in range(len(steps) - 1)
    )
    if len(signs) == 1 and growing and sizes[-1] > 10:
        return math.copysign(math.inf, float(mpmath.sign(last)))
    return math.nan


def _approaches(values: list[mpmath.mpf]) -> float:
    """Where a sequence of values of f at a ± h_k → a is heading, for continuity.

    The last term when the last six terms are finite and within 1e-4·max(1, |last|)
    of each other, NaN otherwise. Looser than :func:`_sequence_limit` because
    f(a+h) − f(a) may shrink slowly (like h^(1/3)).
    """
    tail = values[-_TAIL:]
    if any(mpmath.isnan(v) or mpmath.isinf(v) for v in tail):
        return math.nan
    last = tail[-1]
    if max(tail) - min(tail) <= mpmath.mpf("1e-4") * max(1, abs(last)):
        return float(last)
    return math.nan


def _numerical(f: Function, a: float, params: Mapping[str, float]) -> Differentiability:
    g = f.mpmath(0)
    with mpmath.workdps(_DIGITS):
        point = mpmath.mpf(float(a))
        steps = [_H_FACTOR * mpmath.mpf(10) ** (-k) for k in _H_POWERS]
        right_values = [g(point + h, **params) for h in steps]
        left_values = [g(point - h, **params) for h in steps]
        at_a = g(point, **params)
        removable = False
        if mpmath.isnan(at_a) or mpmath.isinf(at_a):
            from_right = _sequence_limit(right_values)
            from_left = _sequence_limit(left_values)
            if not (
                math.isfinite(from_right)
                and math.isfinite(from_left)
                and abs(from_right - from_left) <= 1e-6 * max(1.0, abs(from_right))
            ):
                return Differentiability(
                    math.nan, math.nan, "undefined", False, note=_NOTES["undefined"]
                )
            at_a, removable = mpmath.mpf((from_left + from_right) / 2), True
        value = float(at_a)
        jumps = False
        sides: dict[str, float] = {}
        for side, values, sign in (("left", left_values, -1), ("right", right_values, 1)):
            defined = not all(mpmath.isnan(v) for v in values[-_TAIL:])
            if not defined:
                sides[side] = math.nan
                continue
            limit = _approaches(values)
            if not (math.isfinite(limit) and abs(limit - value) <= 1e-4 * max(1.0, abs(value))):
                jumps = True
            quotients = [(v - at_a) / (sign * h) for v, h in zip(values, steps, strict=True)]
            sides[side] = _sequence_limit(quotients)
    return _finish(sides["left"], sides["right"], False, value, removable, jumps)


# -------------------------------------------------------------------- public


_ENTIRE = (sp.Symbol, sp.Number, sp.NumberSymbol, sp.Add, sp.Mul, sp.sin, sp.cos, sp.exp,
            weierstrass, weierstrass_derivative)


def _smooth_partial_sum(
    f: Function, a: float, params: Mapping[str, float]
) -> Differentiability | None:
    """Weierstrass partial sums built with +, ·, integer powers, sin, cos and exp are smooth.

    Their difference quotients only settle for h far below 1/(π bᴺ⁻¹) (10⁻³⁴ for
    b = 7, N = 40), beyond any numerical estimate, so the verdict comes from the form.
    """
    expr = f.sympy(0)
    if not expr.has(weierstrass):
        return None
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow):
            if not (node.exp.is_Integer and node.exp >= 0):
                return None
        elif not isinstance(node, _ENTIRE):
            return None
    value = f.value(a, 0, **params)
    slope = f.value(a, 1, **params)
    if value is None or slope is None:
        return None
    note = "a finite sum of cosines is smooth: the left and right derivatives agree"
    return Differentiability(slope, slope, "differentiable", True, slope, value, False, note)


def classify_differentiability(
    f: Function,
    a: float,
    params: Mapping[str, float] | None = None,
    time_limit: float = 1.0,
) -> Differentiability:
    """Classify f at x = a from its one-sided derivatives (see the module text).

    sympy gets ``time_limit`` seconds for the exact limits and is interrupted
    when they run out; the numerical estimate, which takes a few milliseconds,
    answers instead. ``params`` gives values to f's parameters.
    """
    values = dict(params or {})
    missing = [p for p in f.parameters if p not in values]
    if missing:
        raise TypeError(f"missing value for parameter(s) {', '.join(missing)}")
    values = {p: float(values[p]) for p in f.parameters}
    a = float(a)
    if not math.isfinite(a):
        raise ValueError(f"the point must be a finite number, not {a!r}")
    smooth = _smooth_partial_sum(f, a, values)
    if smooth is not None:
        return smooth
    try:
        return run_with_deadline(lambda: _exact(f, a, values), time_limit)
    except (DeadlineExceeded, _NotExact, NotImplementedError, ValueError, TypeError,
            AttributeError, RecursionError, ZeroDivisionError):
        pass
    return _numerical(f, a, values)
