"""Evaluators compiled from sympy trees: numpy arrays (float32/float64) and mpmath scalars.

The sympy expression is walked once into nested Python closures; no code is
generated and nothing is ``exec``'d. Domain errors follow IEEE arithmetic and
come out as NaN or ±inf without warnings: ``log(-1)`` and ``sqrt(-1)`` are NaN,
``1/0`` is inf.

Conventions at the points where a formula has no value:

* ``H(0)`` (the Heaviside step that ReLU' and ELU' are made of) is NaN: the
  derivative of ReLU does not exist at 0.
* ``δ(u)`` (Dirac delta, from differentiating a step) is 0 where u ≠ 0 and NaN
  where u = 0.
* ``sign(0)`` is 0 in a function (``sign`` as typed) and NaN in a derivative
  (``kink=True``), where it stands for ``|u|'`` at the corner of ``|u|``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from derivlab.expr.functions import (
    elu,
    gelu,
    leaky_relu,
    mish,
    real_pow,
    relu,
    sigmoid,
    silu,
    softplus,
    weierstrass,
    weierstrass_derivative,
)
from derivlab.expr.weierstrass import weierstrass_mpmath, weierstrass_numpy

Env = Mapping[str, Any]
Compiled = Callable[[Env], Any]

#: decimal digits used by the mpmath evaluator
MP_DIGITS = 50


# ------------------------------------------------------------------- constants


def constant_value(expr: sp.Expr, digits: int = 30) -> complex | float:
    """A constant sympy expression as a number: ±inf for ``oo``/``zoo``, NaN for ``nan``.

    Values with a non-zero imaginary part (``log(-1) = iπ``) come out NaN.
    """
    if expr is sp.zoo or expr is sp.oo:
        return math.inf
    if expr is sp.S.NegativeInfinity:
        return -math.inf
    if expr is sp.nan:
        return math.nan
    value = expr.evalf(digits)
    if value.has(sp.zoo, sp.oo, sp.S.NegativeInfinity, sp.nan):
        if value is sp.S.NegativeInfinity:
            return -math.inf
        return math.nan if value is sp.nan else math.inf
    re, im = value.as_real_imag()
    if not im.is_zero and im.is_number and abs(float(im)) > 0:
        return math.nan
    try:
        return float(re)
    except OverflowError:
        return math.inf if re > 0 else -math.inf
    except TypeError:
        return math.nan


def _mp_constant(expr: sp.Expr) -> mpmath.mpf:
    if expr is sp.zoo or expr is sp.oo:
        return mpmath.inf
    if expr is sp.S.NegativeInfinity:
        return mpmath.ninf
    if expr is sp.nan:
        return mpmath.nan
    value = expr.evalf(MP_DIGITS + 10)
    re, im = value.as_real_imag()
    if not (im.is_zero or (im.is_number and float(im) == 0)):
        return mpmath.nan
    if not re.is_Float and not re.is_Rational:
        return mpmath.nan
    return mpmath.mpf(sp.Float(re, MP_DIGITS + 10)._mpf_)


# ---------------------------------------------------------------- numpy backend


def _np_erf(z):
    arr = np.asarray(z)
    out = np.frompyfunc(math.erf, 1, 1)(arr)
    return np.asarray(out, dtype=arr.dtype if arr.dtype.kind == "f" else np.float64)


def _np_sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _np_softplus(z):
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def _np_heaviside(z):
    return np.where(z > 0, 1.0, np.where(z < 0, 0.0, np.nan)).astype(np.result_type(z, np.float32))


def _np_dirac(z):
    return np.where(z != 0, 0.0, np.nan).astype(np.result_type(z, np.float32))


def _np_sign(kink: bool):
    if not kink:
        return np.sign
    return lambda z: np.where(z == 0, np.nan, np.sign(z)).astype(np.result_type(z, np.float32))


def _np_real_pow(u, p: int, q: int):
    magnitude = np.abs(u) ** (p / q)
    if p % 2 == 0:
        return magnitude
    return np.copysign(magnitude, u)


def _np_elu(z, alpha):
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))


def _np_leaky(z, slope):
    return np.where(z > 0, z, slope * z)


def _np_gelu(z):
    return 0.5 * z * (1 + _np_erf(z * (1 / math.sqrt(2))))


def _numpy_functions(kink: bool) -> dict[type, Callable[..., Any]]:
    return {
        sp.sin: np.sin,
        sp.cos: np.cos,
        sp.tan: np.tan,
        sp.asin: np.arcsin,
        sp.acos: np.arccos,
        sp.atan: np.arctan,
        sp.sinh: np.sinh,
        sp.cosh: np.cosh,
        sp.tanh: np.tanh,
        sp.exp: np.exp,
        sp.log: np.log,
        sp.Abs: np.abs,
        sp.sign: _np_sign(kink),
        sp.erf: _np_erf,
        sp.Heaviside: _np_heaviside,
        sp.DiracDelta: _np_dirac,
        sigmoid: _np_sigmoid,
        relu: lambda z: np.maximum(z, 0),
        softplus: _np_softplus,
        gelu: _np_gelu,
        silu: lambda z: z * _np_sigmoid(z),
        mish: lambda z: z * np.tanh(_np_softplus(z)),
    }


# ---------------------------------------------------------------- mpmath backend


def _mp_real(f):
    """Wrap an mpmath function so that complex results and domain errors are NaN."""

    def g(*args):
        if any(mpmath.isnan(a) for a in args):
            return mpmath.nan
        try:
            value = f(*args)
        except (ZeroDivisionError, ValueError, OverflowError):
            return mpmath.nan
        if isinstance(value, mpmath.mpc):
            return value.real if value.imag == 0 else mpmath.nan
        return value

    return g


def _mp_log(z):
    if z == 0:
        return mpmath.ninf
    if z < 0:
        return mpmath.nan
    return mpmath.log(z)


def _mp_sqrt(z):
    return mpmath.nan if z < 0 else mpmath.sqrt(z)


def _mp_sign(kink: bool):
    def sign(z):
        if z == 0:
            return mpmath.nan if kink else mpmath.mpf(0)
        return mpmath.mpf(1) if z > 0 else mpmath.mpf(-1)

    return sign


def _mp_heaviside(z):
    if z == 0:
        return mpmath.nan
    return mpmath.mpf(1) if z > 0 else mpmath.mpf(0)


def _mp_dirac(z):
    return mpmath.nan if z == 0 else mpmath.mpf(0)


def _mp_sigmoid(z):
    return 1 / (1 + mpmath.exp(-z))


def _mp_softplus(z):
    return mpmath.log1p(mpmath.exp(z)) if z < 0 else z + mpmath.log1p(mpmath.exp(-z))


def _mp_asin(z):
    return mpmath.nan if abs(z) > 1 else mpmath.asin(z)


def _mp_acos(z):
    return mpmath.nan if abs(z) > 1 else mpmath.acos(z)


def _mp_power(b, e):
    if b == 0 and e < 0:
        return mpmath.inf
    if b < 0 and e != mpmath.floor(e):
        return mpmath.nan
    return mpmath.power(b, e)


def _mp_real_pow(u, p: int, q: int):
    if u == 0:
        return mpmath.inf if p < 0 else mpmath.mpf(0)
    magnitude = mpmath.power(abs(u), mpmath.mpf(p) / q)
    return -magnitude if (u < 0 and p % 2) else magnitude


def _mpmath_functions(kink: bool) -> dict[type, Callable[..., Any]]:
    table = {
        sp.sin: mpmath.sin,
        sp.cos: mpmath.cos,
        sp.tan: mpmath.tan,
        sp.asin: _mp_asin,
        sp.acos: _mp_acos,
        sp.atan: mpmath.atan,
        sp.sinh: mpmath.sinh,
        sp.cosh: mpmath.cosh,
        sp.tanh: mpmath.tanh,
        sp.exp: mpmath.exp,
        sp.log: _mp_log,
        sp.Abs: abs,
        sp.sign: _mp_sign(kink),
        sp.erf: mpmath.erf,
        sp.Heaviside: _mp_heaviside,
        sp.DiracDelta: _mp_dirac,
        sigmoid: _mp_sigmoid,
        relu: lambda z: z if z > 0 else mpmath.mpf(0),
        softplus: _mp_softplus,
        gelu: lambda z: z * (1 + mpmath.erf(z / mpmath.sqrt(2))) / 2,
        silu: lambda z: z * _mp_sigmoid(z),
        mish: lambda z: z * mpmath.tanh(_mp_softplus(z)),
    }
    return {k: _mp_real(v) for k, v in table.items()}


# -------------------------------------------------------------------- compiler


def _np_powi(b, n: int):
    """bⁿ for an integer n: small powers by repeated multiplication (numpy's pow is slow).

    Squaring is exact to the last rounding like pow; for |n| ≤ 8 the result differs
    from pow by at most a few ulps.
    """
    if 2 <= abs(n) <= 8:
        result = None
        square = b
        k = abs(n)
        while k:
            if k & 1:
                result = square if result is None else result * square
            k >>= 1
            if k:
                square = square * square
        return 1 / result if n < 0 else result
    return b**n


class _Backend:
    def __init__(self, kind: str, kink: bool) -> None:
        self.kind = kind
        if kind == "numpy":
            self.functions = _numpy_functions(kink)
            self.constant = constant_value
            self.sqrt = np.sqrt
            self.pow = np.power
            self.leaky = _np_leaky
            self.elu = _np_elu
            self.real_pow = _np_real_pow
        else:
            self.functions = _mpmath_functions(kink)
            self.constant = _mp_constant
            self.sqrt = _mp_real(_mp_sqrt)
            self.pow = _mp_real(_mp_power)
            self.leaky = _mp_real(lambda z, a: z if z > 0 else a * z)
            self.elu = _mp_real(lambda z, a: z if z > 0 else a * mpmath.expm1(z))
            self.real_pow = _mp_real(_mp_real_pow)

    def powi(self, b, n: int):
        if self.kind == "numpy":
            return _np_powi(b, n)
        if n < 0 and b == 0:
            return mpmath.inf
        if mpmath.isnan(b):
            return mpmath.nan
        return b**n


def _weierstrass_arguments(expr: sp.Expr) -> tuple[Any, Any, int, int]:
    """(a, b, N, j) of a Weierstrass partial sum or derivative: exact Fractions when rational."""
    from fractions import Fraction

    def exact(v: sp.Expr) -> Any:
        return Fraction(int(v.p), int(v.q)) if isinstance(v, sp.Rational) else float(v)

    a, b, terms = expr.args[1:4]
    order = int(expr.args[4]) if isinstance(expr, weierstrass_derivative) else 0
    return exact(a), exact(b), int(terms), order


def _compile_weierstrass(expr: sp.Expr, backend: _Backend) -> Compiled:
    """W_N⁽ʲ⁾(z) with bⁿz mod 2 reduced exactly (see :mod:`derivlab.expr.weierstrass`).

    The mpmath evaluator raises its precision with the size of bⁿz, so it is exact
    for the variable itself; an inner expression z is only as good as its 50 digits.
    """
    z = _compile(expr.args[0], backend)
    a, b, terms, order = _weierstrass_arguments(expr)
    if backend.kind == "numpy":
        fa, fb = float(a), float(b)
        return lambda env: weierstrass_numpy(z(env), fa, fb, terms, order)

    def mp(env):
        value = z(env)
        if mpmath.isnan(value) or mpmath.isinf(value):
            return mpmath.nan
        return weierstrass_mpmath(value, a, b, terms, order, MP_DIGITS)

    return mp


def _compile(expr: sp.Expr, backend: _Backend) -> Compiled:
    if isinstance(expr, weierstrass | weierstrass_derivative) and expr.args[0].free_symbols:
        return _compile_weierstrass(expr, backend)
    if isinstance(expr, sp.Symbol):
        name = expr.name
        return lambda env: env[name]
    if not expr.free_symbols:
        value = backend.constant(expr)
        return lambda env: value
    if isinstance(expr, sp.Add):
        parts = [_compile(a, backend) for a in expr.args]

        def add(env):
            total = parts[0](env)
            for part in parts[1:]:
                total = total + part(env)
            return total

        return add
    if isinstance(expr, sp.Mul):
        parts = [_compile(a, backend) for a in expr.args]

        def mul(env):
            total = parts[0](env)
            for part in parts[1:]:
                total = total * part(env)
            return total

        return mul
    if isinstance(expr, sp.Pow):
        base_expr, exponent = expr.args
        base = _compile(base_expr, backend)
        if exponent.is_Integer:
            n = int(exponent)
            if n == -1:
                return lambda env: 1 / base(env) if backend.kind == "numpy" else backend.powi(
                    base(env), -1
                )
            return lambda env: backend.powi(base(env), n)
        if exponent == sp.S.Half:
            return lambda env: backend.sqrt(base(env))
        if exponent == -sp.S.Half:
            return lambda env: 1 / backend.sqrt(base(env)) if backend.kind == "numpy" else (
                backend.powi(backend.sqrt(base(env)), -1)
            )
        power = _compile(exponent, backend)
        return lambda env: backend.pow(base(env), power(env))
    if isinstance(expr, real_pow):
        u_expr, r = expr.args
        u = _compile(u_expr, backend)
        p, q = int(r.p), int(r.q)
        return lambda env: backend.real_pow(u(env), p, q)
    if isinstance(expr, leaky_relu):
        z, a = (_compile(arg, backend) for arg in expr.args)
        return lambda env: backend.leaky(z(env), a(env))
    if isinstance(expr, elu):
        z, a = (_compile(arg, backend) for arg in expr.args)
        return lambda env: backend.elu(z(env), a(env))
    function = backend.functions.get(type(expr))
    if function is None:
        raise TypeError(f"cannot evaluate {type(expr).__name__}")
    arg = _compile(expr.args[0], backend)
    return lambda env: function(arg(env))


# ----------------------------------------------------------------- public glue


class NumpyEvaluator:
    """``g(x, **params)``: the expression on numpy arrays, in x's floating dtype.

    float32 in gives float32 out, float64 in gives float64 out (other inputs
    are taken as float64); a Python or numpy scalar gives a numpy scalar.
    Parameters are keyword arguments (scalars or arrays broadcasting with x);
    extra keywords are ignored, a missing parameter is a ``TypeError``. No
    warnings are raised for domain errors: they are NaN or ±inf.
    """

    def __init__(
        self,
        expr: sp.Expr,
        variable: str,
        parameters: tuple[str, ...],
        kink: bool = False,
    ) -> None:
        self.expr = expr
        self.variable = variable
        self.parameters = parameters
        self._compiled = _compile(expr, _Backend("numpy", kink))

    def __call__(self, x, **params):
        arr = np.asarray(x)
        dtype = arr.dtype if arr.dtype in (np.float32, np.float64) else np.dtype(np.float64)
        arr = arr.astype(dtype, copy=False)
        env: dict[str, Any] = {self.variable: arr}
        for name in self.parameters:
            if name not in params:
                raise TypeError(f"missing value for parameter '{name}'")
            env[name] = np.asarray(params[name], dtype=dtype)
        with np.errstate(all="ignore"):
            result = np.asarray(self._compiled(env), dtype=dtype)
        shape = np.broadcast_shapes(arr.shape, result.shape, *(np.shape(v) for v in env.values()))
        if result.shape != shape:
            result = np.broadcast_to(result, shape).copy()
        if result.ndim == 0:
            return result[()]
        return result


class MpmathEvaluator:
    """``g(x, **params)``: the expression at one point in :data:`MP_DIGITS`-digit arithmetic.

    Returns an ``mpmath.mpf`` (NaN where undefined, ±inf at poles).
    """

    def __init__(
        self,
        expr: sp.Expr,
        variable: str,
        parameters: tuple[str, ...],
        kink: bool = False,
    ) -> None:
        self.variable = variable
        self.parameters = parameters
        with mpmath.workdps(MP_DIGITS):
            self._compiled = _compile(expr, _Backend("mpmath", kink))

    def __call__(self, x, **params) -> mpmath.mpf:
        with mpmath.workdps(MP_DIGITS):
            env: dict[str, Any] = {self.variable: _mp_number(x)}
            for name in self.parameters:
                if name not in params:
                    raise TypeError(f"missing value for parameter '{name}'")
                env[name] = _mp_number(params[name])
            try:
                value = self._compiled(env)
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                return mpmath.nan
            if isinstance(value, mpmath.mpc):
                return value.real if value.imag == 0 else mpmath.nan
            return mpmath.mpf(value)


def _mp_number(value) -> mpmath.mpf:
    if isinstance(value, mpmath.mpf):
        return value
    if isinstance(value, np.generic | np.ndarray):
        return mpmath.mpf(float(value))
    return mpmath.mpf(value)
