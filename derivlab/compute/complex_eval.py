"""A typed function evaluated at complex points, for the complex-step derivative.

The complex step ``f'(a) ≈ Im f(a + i h) / h`` needs f on complex numbers just
off the real axis. :func:`complex_evaluator` walks the function's sympy tree
into numpy closures (nothing is generated or ``exec``'d), using the analytic
continuation of every elementary function:

* sin, cos, tan, their inverses, sinh, cosh, tanh, exp, log, powers, sqrt, erf
  and the smooth activations (σ, softplus, GELU, SiLU, mish) are analytic and
  take complex arguments as they are;
* the piecewise functions (``|u|``, sign, ReLU, leaky ReLU, ELU, Heaviside, the
  real power ``u^(p/q)`` with odd q) are continued branch by branch: the branch
  is chosen by the real part, so ``|a + i h| ↦ sign(a)·(a + i h)``. This is the
  usual convention of complex-step codes; at the kink itself (Re u = 0) the
  branch is ambiguous and the result NaN.

A float64 point is evaluated in complex128 and a float32 point in complex64,
so the complex step shows the precision it is given. Functions without a
continuation here (the Weierstrass sums) raise :class:`NotAnalyticError`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from derivlab.expr.evaluate import constant_value
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
)

Env = Mapping[str, Any]
Compiled = Callable[[Env], Any]


class NotAnalyticError(ValueError):
    """f contains a function this evaluator cannot continue to complex arguments."""


def _erf(z):
    """erf on complex arrays (numpy has none): mpmath element by element, in z's dtype.

    Worked out with 40 digits: at 15, mpmath's complex erf loses the relative accuracy
    of a tiny imaginary part (Im erf(x + iy) ≈ y·2e^(−x²)/√π), which the complex step needs.
    """
    arr = np.asarray(z)
    with mpmath.workdps(40):
        out = np.frompyfunc(lambda w: complex(mpmath.erf(mpmath.mpc(w.real, w.imag))), 1, 1)(arr)
    return np.asarray(out, dtype=arr.dtype)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _softplus(z):
    # log(1 + e^z), with e^(-z) on the right half plane so that large Re z does not overflow.
    return np.where(z.real > 0, z + np.log1p(np.exp(-z)), np.log1p(np.exp(z)))


def _branch(u, positive, negative):
    """``positive`` where Re u > 0, ``negative`` where Re u < 0, NaN on the kink Re u = 0."""
    out = np.where(u.real > 0, positive, negative)
    return np.where(u.real == 0, np.nan, out)


def _real_pow(u, p: int, q: int):
    r = p / q
    flipped = (-u) ** r
    return _branch(u, u**r, -flipped if p % 2 else flipped)


_ANALYTIC: dict[type, Callable[[Any], Any]] = {
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
    sp.erf: _erf,
    sigmoid: _sigmoid,
    softplus: _softplus,
    gelu: lambda z: 0.5 * z * (1 + _erf(z * (1 / math.sqrt(2)))),
    silu: lambda z: z * _sigmoid(z),
    mish: lambda z: z * np.tanh(_softplus(z)),
    sp.Abs: lambda u: _branch(u, u, -u),
    sp.sign: lambda u: _branch(u, 1.0 + 0 * u, -1.0 + 0 * u),
    sp.Heaviside: lambda u: _branch(u, 1.0 + 0 * u, 0 * u),
    sp.DiracDelta: lambda u: _branch(u, 0 * u, 0 * u),
    relu: lambda u: _branch(u, u, 0 * u),
}


def _compile(expr: sp.Expr) -> Compiled:
    if isinstance(expr, sp.Symbol):
        name = expr.name
        return lambda env: env[name]
    if not expr.free_symbols:
        value = constant_value(expr)
        return lambda env: value
    if isinstance(expr, sp.Add | sp.Mul):
        parts = [_compile(a) for a in expr.args]
        combine = (lambda s, t: s + t) if isinstance(expr, sp.Add) else (lambda s, t: s * t)

        def fold(env):
            total = parts[0](env)
            for part in parts[1:]:
                total = combine(total, part(env))
            return total

        return fold
    if isinstance(expr, sp.Pow):
        base = _compile(expr.args[0])
        exponent = expr.args[1]
        if exponent.is_Integer:
            n = int(exponent)
            return lambda env: base(env) ** n
        power = _compile(exponent)
        return lambda env: base(env) ** power(env)
    if isinstance(expr, real_pow):
        u = _compile(expr.args[0])
        p, q = int(expr.args[1].p), int(expr.args[1].q)
        return lambda env: _real_pow(u(env), p, q)
    if isinstance(expr, leaky_relu):
        z, a = (_compile(arg) for arg in expr.args)
        return lambda env: _branch(z(env), z(env), a(env) * z(env))
    if isinstance(expr, elu):
        z, a = (_compile(arg) for arg in expr.args)
        return lambda env: _branch(z(env), z(env), a(env) * np.expm1(z(env)))
    function = _ANALYTIC.get(type(expr))
    if function is None:
        raise NotAnalyticError(f"{type(expr).__name__} has no complex continuation here")
    arg = _compile(expr.args[0])
    return lambda env: function(arg(env))


def complex_evaluator(expr: sp.Expr, variable: str = "x") -> Callable[[Any], np.ndarray]:
    """``g(z)``: the expression of one variable on complex arrays (complex64 stays complex64).

    Raises :class:`NotAnalyticError` when some part of ``expr`` has no continuation here.
    """
    compiled = _compile(expr)

    def g(z):
        arr = np.asarray(z)
        dtype = arr.dtype if arr.dtype in (np.complex64, np.complex128) else np.dtype(np.complex128)
        arr = arr.astype(dtype, copy=False)
        with np.errstate(all="ignore"):
            out = np.asarray(compiled({variable: arr}))
        return np.broadcast_to(out, arr.shape).astype(dtype, copy=False)

    return g
