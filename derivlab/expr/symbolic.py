"""From the parser's tree to sympy, derivatives with bounded simplification, printing.

User text reaches sympy only as a tree built by :mod:`derivlab.expr.parser`;
this module turns each node into the matching sympy object and checks the size
of every constant on the way, so that ``9^9^9^9`` is refused instead of
computed.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction

import mpmath
import sympy as sp
from sympy.polys.polyerrors import BasePolynomialError
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

from derivlab.expr._deadline import DeadlineExceeded, run_with_deadline
from derivlab.expr.errors import ExpressionError
from derivlab.expr.functions import (
    elu,
    gelu,
    leaky_relu,
    make_power,
    mish,
    real_pow,
    relu,
    sigmoid,
    silu,
    softplus,
    weierstrass,
    weierstrass_derivative,
)
from derivlab.expr.parser import Abs, Binary, Call, Name, Node, Number, Unary

#: largest |exponent| of a power whose exponent is a constant
MAX_CONSTANT_EXPONENT = 1000
#: largest log10 of the size of a constant the expression may contain
MAX_CONSTANT_LOG10 = 4000
#: seconds allowed to build the sympy expression of a typed function
BUILD_SECONDS = 1.0
#: seconds allowed for one derivative (differentiation) and for simplifying it
DIFF_SECONDS = 1.0
SIMPLIFY_SECONDS = 0.2

DEFAULT_LEAKY_SLOPE = sp.Rational(1, 100)
DEFAULT_ELU_ALPHA = sp.S.One

_UNARY_FUNCTIONS = {
    "sin": sp.sin,
    "cos": sp.cos,
    "tan": sp.tan,
    "asin": sp.asin,
    "acos": sp.acos,
    "atan": sp.atan,
    "arcsin": sp.asin,
    "arccos": sp.acos,
    "arctan": sp.atan,
    "sinh": sp.sinh,
    "cosh": sp.cosh,
    "tanh": sp.tanh,
    "log": sp.log,
    "ln": sp.log,
    "log10": lambda z: sp.log(z) / sp.log(10),
    "log2": lambda z: sp.log(z) / sp.log(2),
    "sqrt": sp.sqrt,
    "cbrt": lambda z: make_power(z, sp.Rational(1, 3)),
    "abs": sp.Abs,
    "sign": sp.sign,
    "erf": sp.erf,
    "sigmoid": sigmoid,
    "relu": relu,
    "softplus": softplus,
    "gelu": gelu,
    "silu": silu,
    "swish": silu,
    "mish": mish,
}


def real_symbol(name: str) -> sp.Symbol:
    """The sympy symbol derivlab uses for the variable or a parameter: real-valued."""
    return sp.Symbol(name, real=True)


# ------------------------------------------------------------------ constant caps


def _log10_size(value: sp.Expr) -> float | None:
    """log10 |value| for a constant, or None when it is 0 or not a finite real number."""
    if isinstance(value, sp.Rational):
        if value == 0:
            return None
        return _int_log10(abs(int(value.p))) - _int_log10(int(value.q))
    approx = value.evalf(15)
    if not (approx.is_real and approx.is_finite) or approx.is_zero:
        return None
    return float(mpmath.log10(abs(mpmath.mpf(approx))))


def _int_log10(n: int) -> float:
    bits = n.bit_length()
    if bits < 1000:
        return math.log10(n)
    shift = bits - 60
    return math.log10(n >> shift) + shift * math.log10(2)


def _check_constant(value: sp.Expr, column: int) -> None:
    if value.free_symbols:
        return
    size = _log10_size(value)
    if size is not None and abs(size) > MAX_CONSTANT_LOG10:
        raise ExpressionError("a constant in the expression is too large", column)


def _power(base: sp.Expr, exponent: sp.Expr, column: int) -> sp.Expr:
    if not exponent.free_symbols:
        approx = exponent.evalf(15)
        if approx.is_real and approx.is_finite:
            if abs(float(approx)) > MAX_CONSTANT_EXPONENT:
                raise ExpressionError(
                    f"the exponent is too large (more than {MAX_CONSTANT_EXPONENT} in size)", column
                )
            if not base.free_symbols:
                size = _log10_size(base)
                if size is not None and abs(size * float(approx)) > MAX_CONSTANT_LOG10:
                    raise ExpressionError("the power is too large to compute", column)
    if base is sp.E:
        return sp.exp(exponent)
    return make_power(base, exponent)


# ---------------------------------------------------------------- tree to sympy


class _Builder:
    def __init__(self, variable: str, parameters: tuple[str, ...]) -> None:
        self.symbols = {variable: real_symbol(variable)}
        for p in parameters:
            self.symbols[p] = real_symbol(p)

    def build(self, node: Node) -> sp.Expr:
        result = self._build(node)
        _check_constant(result, node.column)
        return result

    def _build(self, node: Node) -> sp.Expr:
        if isinstance(node, Number):
            value: Fraction = node.value
            return sp.Rational(value.numerator, value.denominator)
        if isinstance(node, Name):
            if node.kind == "constant":
                return sp.pi if node.name == "pi" else sp.E
            return self.symbols[node.name]
        if isinstance(node, Unary):
            operand = self.build(node.operand)
            return -operand if node.op == "-" else operand
        if isinstance(node, Binary):
            left = self.build(node.left)
            right = self.build(node.right)
            if node.op == "+":
                return left + right
            if node.op == "-":
                return left - right
            if node.op == "*":
                return left * right
            if node.op == "/":
                return left / right
            return _power(left, right, node.column)
        if isinstance(node, Abs):
            return sp.Abs(self.build(node.operand))
        if isinstance(node, Call):
            args = [self.build(a) for a in node.args]
            return self._call(node, args)
        raise ExpressionError(f"unsupported part {type(node).__name__}", node.column)

    def _call(self, node: Call, args: list[sp.Expr]) -> sp.Expr:
        name = node.name
        if name == "exp":
            arg = args[0]
            if not arg.free_symbols:
                size = arg.evalf(15)
                if size.is_real and size.is_finite and abs(float(size)) > 2.3 * MAX_CONSTANT_LOG10:
                    raise ExpressionError("the exponent is too large", node.column)
            return sp.exp(arg)
        if name == "leaky_relu":
            slope = args[1] if len(args) > 1 else DEFAULT_LEAKY_SLOPE
            return leaky_relu(args[0], slope)
        if name == "elu":
            alpha = args[1] if len(args) > 1 else DEFAULT_ELU_ALPHA
            return elu(args[0], alpha)
        if name == "weierstrass":
            return _weierstrass(node, args)
        return _UNARY_FUNCTIONS[name](args[0])


#: largest |a| and |b| a typed Weierstrass partial sum may use
WEIERSTRASS_MAX_A = 100
WEIERSTRASS_MAX_B = 1000


def _weierstrass(node: Call, args: list[sp.Expr]) -> sp.Expr:
    """``weierstrass(x, a, b, N)``: a, b real constants, N an integer constant from 1 to 60."""
    from derivlab.expr.weierstrass import MAX_TERMS

    z, a, b, terms = args
    for value, what, limit in ((a, "a", WEIERSTRASS_MAX_A), (b, "b", WEIERSTRASS_MAX_B)):
        if value.free_symbols:
            raise ExpressionError(f"weierstrass: {what} must be a number, not {value}", node.column)
        number = value.evalf(30)
        if not (number.is_real and number.is_finite) or abs(float(number)) > limit:
            raise ExpressionError(
                f"weierstrass: {what} must be a real number of size at most {limit}", node.column
            )
        if not isinstance(value, sp.Rational):
            value = sp.Float(number, 30)
        if what == "a":
            a = value
        else:
            b = value
    if terms.free_symbols or not terms.is_Integer or not 1 <= int(terms) <= MAX_TERMS:
        raise ExpressionError(
            f"weierstrass: the number of terms N must be an integer from 1 to {MAX_TERMS}",
            node.column,
        )
    return weierstrass(z, a, b, terms)


def to_sympy(tree: Node, variable: str = "x", parameters: tuple[str, ...] = ()) -> sp.Expr:
    """The sympy expression of a parsed tree, built under a time bound.

    Raises :class:`ExpressionError` for constants that are too large, and when
    building takes longer than :data:`BUILD_SECONDS`.
    """
    builder = _Builder(variable, tuple(parameters))
    try:
        return run_with_deadline(lambda: builder.build(tree), BUILD_SECONDS)
    except DeadlineExceeded:
        raise ExpressionError("the expression is too complicated to work with quickly") from None
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply") from None


# ------------------------------------------------------------------- derivatives

#: sympy node types the evaluators and the C printer understand
SUPPORTED_TYPES: tuple[type, ...] = (
    sp.Symbol,
    sp.Number,
    sp.NumberSymbol,
    sp.core.numbers.ImaginaryUnit,
    sp.Add,
    sp.Mul,
    sp.Pow,
    sp.exp,
    sp.log,
    sp.sin,
    sp.cos,
    sp.tan,
    sp.asin,
    sp.acos,
    sp.atan,
    sp.sinh,
    sp.cosh,
    sp.tanh,
    sp.Abs,
    sp.sign,
    sp.erf,
    sp.Heaviside,
    sp.DiracDelta,
    sigmoid,
    relu,
    leaky_relu,
    softplus,
    gelu,
    silu,
    mish,
    elu,
    real_pow,
    weierstrass,
    weierstrass_derivative,
)


def is_supported(expr: sp.Expr) -> bool:
    """True when every node of ``expr`` is of a type in :data:`SUPPORTED_TYPES`."""
    return all(isinstance(node, SUPPORTED_TYPES) for node in sp.preorder_traversal(expr))


#: largest derivative (in tree nodes) derivlab keeps; beyond it the derivative is refused
MAX_DERIVATIVE_NODES = 6000
#: simplify only expressions up to this many nodes (larger ones only get factor_terms)
SIMPLIFY_NODES = 600


def node_count(expr: sp.Expr, limit: int | None = None) -> int:
    """Number of nodes in the tree of ``expr``, counting stops just past ``limit``."""
    count = 0
    for _ in sp.preorder_traversal(expr):
        count += 1
        if limit is not None and count > limit:
            break
    return count


def _expands_badly(expr: sp.Expr) -> bool:
    """True for powers of sums with large integer exponents, whose expansion is slow."""
    return any(
        isinstance(p, sp.Pow) and p.exp.is_Integer and abs(p.exp) > 12 and isinstance(p.base, sp.Add)
        for p in sp.preorder_traversal(expr)
    )


def _is_rational_function(expr: sp.Expr, seconds: float) -> bool:
    """True when ``expr`` is a quotient p/q of polynomials in its free symbols.

    Polynomials are included (q = 1); constants such as π, e or √2 may appear in
    the coefficients. False when the check does not finish within ``seconds``.
    """
    try:
        return bool(run_with_deadline(expr.is_rational_function, seconds))
    except (DeadlineExceeded, RecursionError):
        return False


def quotient_form(expr: sp.Expr) -> sp.Expr:
    """``expr`` as p/q over the common denominator q that ``sympy.together`` finds.

    q keeps its factors as they stand (x² − 1 stays x² − 1); p is expanded and,
    when q is not a constant, its common factor is taken out, as in the quotient
    rule's d²/dx² 1/(x² + 1) = 2(3x² − 1)/(x² + 1)³. A polynomial (q constant)
    comes back expanded.
    """
    p, q = sp.fraction(sp.together(expr))
    p = sp.expand(p)
    if q.free_symbols:
        common = sp.factor_terms(p)
        if common.is_Mul:
            p = common
    return p / q


def coefficient_in_sum(expr: sp.Expr) -> sp.Expr:
    """c·s₁^k₁ ⋯ sₘ^kₘ·s as s₁^k₁ ⋯ sₘ^kₘ·expand(c·s), for sums sᵢ, s and powers kᵢ > 0.

    ``factor_terms`` writes d²/dx² (x² + 1)⁴ as 8(x² + 1)²(7x² + 1); with the
    number c inside the one sum s that is not raised to a power it is
    (x² + 1)²(56x² + 8), one factor fewer. Products of any other shape, and
    quotients (2(3x² − 1)/(x² + 1)³), keep the number in front.
    """
    product = sp.factor_terms(expr)
    if not product.is_Mul:
        return product
    c, factors = product.as_coeff_mul()
    sums = [f for f in factors if f.is_Add]
    powers_of_sums = all(
        f.is_Add or (f.is_Pow and f.base.is_Add and f.exp.is_positive) for f in factors
    )
    if c in (sp.S.One, sp.S.NegativeOne) or len(sums) != 1 or not powers_of_sums:
        return product
    return sp.Mul(*(sp.expand(c * f) if f.is_Add else f for f in factors))


#: forms tried for a rational function p/q, in order of preference on a tie: the
#: quotient rule's form, p and q expanded without common factors (``cancel``),
#: p and q as products of irreducible factors (``factor``), the expanded sum of
#: terms (``expand``: 1 − 1/x² rather than (x² − 1)/x²), and a polynomial's
#: common factors with the number inside a sum (``coefficient_in_sum``)
RATIONAL_FORMS: tuple = (quotient_form, sp.cancel, sp.factor, sp.expand, coefficient_in_sum)

#: errors a rewriting may raise on an expression it cannot handle; the form is skipped
_REWRITE_ERRORS = (
    RecursionError,
    ValueError,
    TypeError,
    NotImplementedError,
    AttributeError,
    BasePolynomialError,
)


def tidy(expr: sp.Expr, seconds: float = SIMPLIFY_SECONDS) -> sp.Expr:
    """A shorter equal form of ``expr`` when one is found within ``seconds``.

    Tries the cheap ``factor_terms`` (within 0.4 · ``seconds``) and, for
    expressions of modest size that do not contain powers of sums with large
    exponents, more rewritings within ``seconds`` in all:

    * for a rational function p/q of its symbols (polynomials included), the
      polynomial forms of :data:`RATIONAL_FORMS`: on such expressions they are
      never longer than what ``sympy.simplify`` finds, at a fraction of its cost
      (its first call alone imports ``sympy.physics.units``);
    * for any other expression, ``sympy.simplify``.

    Keeps the candidate with the fewest tree nodes that the evaluators support;
    on a tie the earlier one, ``expr`` itself first.
    """
    size = node_count(expr)
    best, best_size = expr, size

    def consider(transform, budget: float) -> None:
        nonlocal best, best_size
        try:
            candidate = run_with_deadline(lambda: transform(expr), budget)
        except (DeadlineExceeded, *_REWRITE_ERRORS):
            return
        candidate_size = node_count(candidate, best_size)
        if candidate_size < best_size and is_supported(candidate):
            best, best_size = candidate, candidate_size

    consider(sp.factor_terms, seconds * 0.4)
    if size > SIMPLIFY_NODES or _expands_badly(expr):
        return best
    if not _is_rational_function(expr, seconds * 0.1):
        consider(sp.simplify, seconds)
        return best
    stop = time.monotonic() + seconds
    for transform in RATIONAL_FORMS:
        left = stop - time.monotonic()
        if left <= 0:
            break
        consider(transform, left)
    return best


def derivative(expr: sp.Expr, symbol: sp.Symbol, seconds: float = DIFF_SECONDS) -> sp.Expr:
    """d(expr)/d(symbol), tidied.

    Raises :class:`ExpressionError` when differentiating takes longer than
    ``seconds`` or the result has more than :data:`MAX_DERIVATIVE_NODES` nodes.
    """
    try:
        raw = run_with_deadline(lambda: sp.diff(expr, symbol), seconds)
    except DeadlineExceeded:
        raise ExpressionError("the derivative is too large to work out quickly") from None
    result = tidy(raw)
    if node_count(result, MAX_DERIVATIVE_NODES) > MAX_DERIVATIVE_NODES:
        raise ExpressionError(
            f"the derivative is too large to work with (more than {MAX_DERIVATIVE_NODES} parts)"
        )
    return result


# ---------------------------------------------------------------------- printers


class TextPrinter(StrPrinter):
    """Sympy's plain text, spelled so that derivlab's own parser reads it back."""

    def _print_Exp1(self, expr):
        return "e"

    def _print_Abs(self, expr):
        return f"abs({self._print(expr.args[0])})"

    def _print_Heaviside(self, expr):
        return f"heaviside({self._print(expr.args[0])})"

    def _print_DiracDelta(self, expr):
        return f"delta({', '.join(self._print(a) for a in expr.args)})"

    def _print_elu(self, expr):
        z, alpha = expr.args
        if alpha == 1:
            return f"elu({self._print(z)})"
        return f"elu({self._print(z)}, {self._print(alpha)})"

    def _print_weierstrass(self, expr):
        return f"weierstrass({', '.join(self._print(a) for a in expr.args)})"

    def _print_weierstrass_derivative(self, expr):
        return f"weierstrass_derivative({', '.join(self._print(a) for a in expr.args)})"

    def _print_real_pow(self, expr):
        u, r = expr.args
        base = self.parenthesize(u, PRECEDENCE["Pow"], strict=True)
        return f"{base}**({r.p}/{r.q})"


class MathPrinter(LatexPrinter):
    """Sympy's LaTeX with ``H`` for the Heaviside step."""

    def _print_Heaviside(self, expr, exp=None):
        tex = rf"H\left({self._print(expr.args[0])}\right)"
        if exp is not None:
            tex = rf"{tex}^{{{exp}}}"
        return tex


def to_text(expr: sp.Expr) -> str:
    """Canonical one-line text of ``expr`` (e.g. ``x**3 - 3*x``)."""
    return TextPrinter().doprint(expr)


def to_latex(expr: sp.Expr) -> str:
    """LaTeX of ``expr``."""
    return MathPrinter().doprint(expr)
