"""Sympy functions for the ML activations and for real odd roots.

Each class states its formula and its derivative (``fdiff``) in terms of itself
or of its neighbours, so that derivatives stay short and read as in a textbook
(``σ' = σ(1 − σ)``, ``softplus' = σ``, ``ReLU' = H``), and prints itself in
LaTeX by its usual name. :func:`elementary` rewrites them into exp/log/erf/Abs
for sympy's ``limit``.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import ArgumentIndexError

_HALF = sp.Rational(1, 2)


def _latex_call(printer, name: str, args) -> str:
    inner = ", ".join(printer._print(a) for a in args)
    return rf"{name}\left({inner}\right)"


class sigmoid(sp.Function):
    r"""Logistic sigmoid :math:`\sigma(z) = 1/(1+e^{-z})`; :math:`\sigma' = \sigma(1-\sigma)`."""

    nargs = 1

    @classmethod
    def eval(cls, z):
        if z.is_zero:
            return _HALF
        if z is sp.oo:
            return sp.S.One
        if z is sp.S.NegativeInfinity:
            return sp.S.Zero
        return None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return 1 / (1 + sp.exp(-z))

    def _latex(self, printer):
        return _latex_call(printer, r"\sigma", self.args)


class relu(sp.Function):
    r"""Rectified linear unit :math:`\max(0, z)`; :math:`\mathrm{ReLU}'(z) = H(z)` for z ≠ 0."""

    nargs = 1

    @classmethod
    def eval(cls, z):
        if z.is_nonnegative:
            return z
        if z.is_nonpositive:
            return sp.S.Zero
        return None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return sp.Heaviside(self.args[0])

    def _eval_is_real(self):
        return self.args[0].is_real

    def _latex(self, printer):
        return _latex_call(printer, r"\operatorname{ReLU}", self.args)


class leaky_relu(sp.Function):
    r"""Leaky ReLU :math:`z` for z > 0 and :math:`a z` for z ≤ 0 (slope a, default 0.01).

    Derivative :math:`a + (1-a) H(z)` for z ≠ 0.
    """

    nargs = 2

    @classmethod
    def eval(cls, z, a):
        if z.is_nonnegative:
            return z
        if z.is_nonpositive:
            return a * z
        return None

    def fdiff(self, argindex=1):
        z, a = self.args
        if argindex == 1:
            return a + (1 - a) * sp.Heaviside(z)
        if argindex == 2:
            return z - relu(z)
        raise ArgumentIndexError(self, argindex)

    def _eval_is_real(self):
        z, a = self.args
        return z.is_real and a.is_real

    def _latex(self, printer):
        return _latex_call(printer, r"\operatorname{LeakyReLU}", self.args)


class softplus(sp.Function):
    r"""Softplus :math:`\log(1 + e^z)`; :math:`\mathrm{softplus}' = \sigma`."""

    nargs = 1

    @classmethod
    def eval(cls, z):
        if z.is_zero:
            return sp.log(2)
        return None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return sigmoid(self.args[0])

    def _eval_is_real(self):
        return self.args[0].is_real

    def _latex(self, printer):
        return _latex_call(printer, r"\operatorname{softplus}", self.args)


def _std_normal_cdf(z):
    return (1 + sp.erf(z / sp.sqrt(2))) / 2


class gelu(sp.Function):
    r"""GELU :math:`z\,\Phi(z) = \tfrac{z}{2}(1 + \operatorname{erf}(z/\sqrt2))`.

    Derivative :math:`\Phi(z) + z\,\varphi(z)` with :math:`\varphi(z) = e^{-z^2/2}/\sqrt{2\pi}`.
    """

    nargs = 1

    @classmethod
    def eval(cls, z):
        if z.is_zero:
            return sp.S.Zero
        return None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        z = self.args[0]
        return _std_normal_cdf(z) + z * sp.exp(-(z**2) / 2) / sp.sqrt(2 * sp.pi)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _latex(self, printer):
        return _latex_call(printer, r"\operatorname{GELU}", self.args)


class silu(sp.Function):
    r"""SiLU (swish) :math:`z\,\sigma(z)`; derivative :math:`\sigma(z)(1 + z(1 - \sigma(z)))`."""

    nargs = 1

    @classmethod
    def eval(cls, z):
        if z.is_zero:
            return sp.S.Zero
        return None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        z = self.args[0]
        s = sigmoid(z)
        return s * (1 + z * (1 - s))

    def _eval_is_real(self):
        return self.args[0].is_real

    def _latex(self, printer):
        return _latex_call(printer, r"\operatorname{SiLU}", self.args)


class mish(sp.Function):
    r"""Mish :math:`z \tanh(\mathrm{softplus}(z))`.

    Derivative :math:`\tanh(\mathrm{sp}(z)) + z\,\sigma(z)\,(1 - \tanh^2(\mathrm{sp}(z)))`.
    """

    nargs = 1

    @classmethod
    def eval(cls, z):
        if z.is_zero:
            return sp.S.Zero
        return None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        z = self.args[0]
        t = sp.tanh(softplus(z))
        return t + z * sigmoid(z) * (1 - t**2)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _latex(self, printer):
        return _latex_call(printer, r"\operatorname{mish}", self.args)


class elu(sp.Function):
    r"""ELU :math:`z` for z > 0 and :math:`\alpha(e^z - 1)` for z ≤ 0 (α = 1 unless given).

    Derivative :math:`H(z) + \alpha e^z (1 - H(z))` for z ≠ 0.
    """

    nargs = 2

    @classmethod
    def eval(cls, z, alpha):
        if z.is_nonnegative:
            return z
        if z.is_zero is False and z.is_nonpositive:
            return alpha * (sp.exp(z) - 1)
        return None

    def fdiff(self, argindex=1):
        z, alpha = self.args
        if argindex == 1:
            step = sp.Heaviside(z)
            return step + alpha * sp.exp(z) * (1 - step)
        if argindex == 2:
            return (sp.exp(z) - 1) * (1 - sp.Heaviside(z))
        raise ArgumentIndexError(self, argindex)

    def _eval_is_real(self):
        z, alpha = self.args
        return z.is_real and alpha.is_real

    def _latex(self, printer):
        z, alpha = self.args
        if alpha == 1:
            return _latex_call(printer, r"\operatorname{ELU}", (z,))
        return _latex_call(printer, r"\operatorname{ELU}", self.args)


class real_pow(sp.Function):
    r"""Real power :math:`u^{p/q}` for odd q, as on paper: real for negative u.

    :math:`u^{p/q} = \operatorname{sign}(u)^p\,|u|^{p/q}`, so ``u^(1/3)`` at −8 is −2 and
    ``u^(2/3)`` has a cusp at 0. Derivative :math:`\tfrac{p}{q}\,u^{p/q - 1}` (again a real power).
    Built by :func:`make_power` only for rational exponents with odd denominators > 1.
    """

    nargs = 2

    @classmethod
    def eval(cls, u, r):
        if not isinstance(r, sp.Rational):
            return None
        if r.q == 1:
            return u**r
        if r.q % 2 == 0:
            return u**r
        if u.is_number and u.is_real:
            if u.is_zero:
                return sp.S.Zero if r > 0 else sp.zoo
            if u.is_extended_negative:
                return (-1) ** r.p * (-u) ** r
            if u.is_extended_positive:
                return u**r
        if u.is_nonnegative:
            return u**r
        return None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        u, r = self.args
        return r * real_pow(u, r - 1)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _latex(self, printer):
        u, r = self.args
        base = printer.parenthesize(u, sp.printing.precedence.PRECEDENCE["Pow"])
        if r.p == 1:
            radicand = printer._print(u)
            return rf"\sqrt[{r.q}]{{{radicand}}}"
        if r.p == -1:
            radicand = printer._print(u)
            return rf"\frac{{1}}{{\sqrt[{r.q}]{{{radicand}}}}}"
        return rf"{base}^{{\frac{{{r.p}}}{{{r.q}}}}}"


def make_power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    """``base^exponent`` with the paper's convention for odd roots of negatives.

    A rational exponent p/q in lowest terms with odd q > 1 gives :class:`real_pow`;
    every other power is sympy's ``Pow`` (NaN for a negative base and a
    non-integer exponent when evaluated).
    """
    if isinstance(exponent, sp.Rational) and exponent.q > 1 and exponent.q % 2 == 1:
        return real_pow(base, exponent)
    return sp.Pow(base, exponent)


ACTIVATIONS = (sigmoid, relu, leaky_relu, softplus, gelu, silu, mish, elu)


def elementary(expr: sp.Expr) -> sp.Expr:
    """Rewrite the classes above into exp, log, erf, Abs and sign, for ``sp.limit``.

    ``ReLU(z) = (z + |z|)/2`` and ``real_pow(u, p/q) = sign(u)^p |u|^(p/q)``.
    """
    def step(z):
        return (1 + sp.sign(z)) / 2

    replacements = {
        sigmoid: lambda z: 1 / (1 + sp.exp(-z)),
        relu: lambda z: (z + sp.Abs(z)) / 2,
        leaky_relu: lambda z, a: (1 + a) * z / 2 + (1 - a) * sp.Abs(z) / 2,
        softplus: lambda z: sp.log(1 + sp.exp(z)),
        gelu: lambda z: z * _std_normal_cdf(z),
        silu: lambda z: z / (1 + sp.exp(-z)),
        mish: lambda z: z * sp.tanh(sp.log(1 + sp.exp(z))),
        elu: lambda z, alpha: step(z) * z + (1 - step(z)) * alpha * (sp.exp(z) - 1),
        real_pow: lambda u, r: (sp.sign(u) ** (r.p % 2)) * sp.Abs(u) ** r,
    }
    return expr.replace(
        lambda e: type(e) in replacements,
        lambda e: replacements[type(e)](*e.args),
    )


# ------------------------------------------------------------------ Weierstrass


def _weierstrass_mpmath_value(z, a, b, terms, order, prec):
    """W_N⁽ʲ⁾ at a number z (sympy), as a sympy Float of ``prec`` bits, or None."""
    from fractions import Fraction

    from derivlab.expr.weierstrass import weierstrass_mpmath

    def exact(v):
        if isinstance(v, sp.Rational):
            return Fraction(int(v.p), int(v.q))
        return sp.Float(v, 60)._to_mpmath(200)

    if not all(arg.is_number for arg in (z, a, b, terms)):
        return None
    digits = max(15, int(prec / 3.32) + 5)
    value = weierstrass_mpmath(exact(z), exact(a), exact(b), int(terms), int(order), digits)
    return sp.Float(value, digits)


class weierstrass(sp.Function):
    r"""Weierstrass partial sum :math:`W_N(z) = \sum_{n=0}^{N-1} a^n \cos(\pi b^n z)`.

    a, b and N are constants (N an integer from 1 to 60). Each W_N is smooth:
    :math:`W_N' = -\sum a^n \pi b^n \sin(\pi b^n z)`, see :class:`weierstrass_derivative`.
    """

    nargs = 4

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        z, a, b, terms = self.args
        return weierstrass_derivative(z, a, b, terms, sp.Integer(1))

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_evalf(self, prec):
        value = _weierstrass_mpmath_value(*self.args, 0, prec)
        return None if value is None else value._eval_evalf(prec)

    def _latex(self, printer):
        z, a, b, terms = self.args
        return (
            rf"W_{{{printer._print(terms)}}}\left({printer._print(z)};\, "
            rf"{printer._print(a)}, {printer._print(b)}\right)"
        )


class weierstrass_derivative(sp.Function):
    r"""The j-th derivative of a Weierstrass partial sum.

    :math:`W_N^{(j)}(z) = \sum_{n=0}^{N-1} a^n (\pi b^n)^j \cos(\pi b^n z + j\pi/2)`;
    its derivative is the (j+1)-th.
    """

    nargs = 5

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        z, a, b, terms, order = self.args
        return weierstrass_derivative(z, a, b, terms, order + 1)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_evalf(self, prec):
        value = _weierstrass_mpmath_value(*self.args[:4], int(self.args[4]), prec)
        return None if value is None else value._eval_evalf(prec)

    def _latex(self, printer):
        z, a, b, terms, order = self.args
        j = int(order)
        mark = "'" * j if j <= 3 else rf"^{{({j})}}"
        return (
            rf"W_{{{printer._print(terms)}}}{mark}\left({printer._print(z)};\, "
            rf"{printer._print(a)}, {printer._print(b)}\right)"
        )
