"""C (CUDA-compatible) text of a sympy expression, for kernels that include derivlab_math.cuh.

Only C math functions (``sin``/``sinf``, ``pow``/``powf``, ...) and the ``dl_*``
helpers of ``shaders/cuda/derivlab_math.cuh`` appear. Constant subexpressions
are folded into literals (``log(10)`` becomes ``2.302585092994046``); in float
mode literals carry the ``f`` suffix and the ``f`` functions are used, so no
double arithmetic sneaks into a float kernel.
"""

from __future__ import annotations

import math

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
    weierstrass,
    weierstrass_derivative,
)

_C_FUNCTIONS: dict[type, str] = {
    sp.sin: "sin",
    sp.cos: "cos",
    sp.tan: "tan",
    sp.asin: "asin",
    sp.acos: "acos",
    sp.atan: "atan",
    sp.sinh: "sinh",
    sp.cosh: "cosh",
    sp.tanh: "tanh",
    sp.exp: "exp",
    sp.log: "log",
    sp.Abs: "fabs",
    sp.erf: "erf",
}

_HELPERS: dict[type, str] = {
    sp.Heaviside: "dl_heaviside",
    sp.DiracDelta: "dl_dirac",
    sigmoid: "dl_sigmoid",
    relu: "dl_relu",
    softplus: "dl_softplus",
    gelu: "dl_gelu",
    silu: "dl_silu",
    mish: "dl_mish",
}

#: names a kernel must not use for parameters, as C text would clash
C_RESERVED: frozenset[str] = frozenset(
    {f for f in _C_FUNCTIONS.values()}
    | {f + "f" for f in _C_FUNCTIONS.values()}
    | {"sqrt", "sqrtf", "pow", "powf", "fabsf", "copysign", "copysignf", "expm1", "log1p"}
    | {
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double",
        "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
        "register", "return", "short", "signed", "sizeof", "static", "struct", "switch",
        "typedef", "union", "unsigned", "void", "volatile", "while", "bool", "true", "false",
        "class", "new", "delete", "this", "template", "typename", "namespace", "using",
        "operator", "private", "public", "protected", "virtual", "friend", "NAN", "INFINITY",
    }
)


class CPrinter:
    """Turns a sympy expression into one C expression.

    ``variable`` is the C text standing for the function's variable, ``real``
    is ``"double"`` or ``"float"``; ``kink=True`` writes ``sign`` as
    ``dl_sign_kink`` (NaN at 0), as used in derivatives.
    """

    def __init__(self, variable_symbol: sp.Symbol, variable: str, real: str, kink: bool) -> None:
        if real not in ("double", "float"):
            raise ValueError(f"real must be 'double' or 'float', not {real!r}")
        self.variable_symbol = variable_symbol
        self.variable = variable
        self.single = real == "float"
        self.kink = kink
        self.suffix = "f" if self.single else ""

    # -- literals
    def literal(self, value: float) -> str:
        tag = "f" if self.single else "d"
        if self.single and math.isfinite(value):
            with np.errstate(over="ignore"):
                value = float(np.float32(value))
        if math.isnan(value):
            return f"dl_nan_{tag}()"
        if math.isinf(value):
            return f"dl_inf_{tag}()" if value > 0 else f"(-dl_inf_{tag}())"
        text = str(np.float32(value)) if self.single else repr(value)
        if "e" not in text and "." not in text and "n" not in text:
            text += ".0"
        if "e" in text and "." not in text.split("e")[0]:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent}"
        text += self.suffix
        return f"({text})" if value < 0 else text

    def function(self, name: str) -> str:
        return name + self.suffix

    # -- nodes
    def doprint(self, expr: sp.Expr) -> str:
        if isinstance(expr, sp.Symbol):
            return self.variable if expr == self.variable_symbol else expr.name
        if not expr.free_symbols:
            return self.literal(constant_value(expr, 30))
        if isinstance(expr, sp.Add):
            return "(" + " + ".join(self.doprint(a) for a in expr.args) + ")"
        if isinstance(expr, sp.Mul):
            return self._mul(expr)
        if isinstance(expr, sp.Pow):
            return self._pow(*expr.args)
        if isinstance(expr, weierstrass | weierstrass_derivative):
            return self._weierstrass(expr)
        if isinstance(expr, real_pow):
            u, r = expr.args
            return f"dl_real_pow({self.doprint(u)}, {int(r.p)}, {int(r.q)})"
        if isinstance(expr, leaky_relu):
            return f"dl_leaky_relu({self.doprint(expr.args[0])}, {self.doprint(expr.args[1])})"
        if isinstance(expr, elu):
            return f"dl_elu({self.doprint(expr.args[0])}, {self.doprint(expr.args[1])})"
        if isinstance(expr, sp.sign):
            helper = "dl_sign_kink" if self.kink else "dl_sign"
            return f"{helper}({self.doprint(expr.args[0])})"
        if type(expr) in _HELPERS:
            return f"{_HELPERS[type(expr)]}({self.doprint(expr.args[0])})"
        if type(expr) in _C_FUNCTIONS:
            return f"{self.function(_C_FUNCTIONS[type(expr)])}({self.doprint(expr.args[0])})"
        raise TypeError(f"no C text for {type(expr).__name__}")

    def _weierstrass(self, expr: sp.Expr) -> str:
        """``dl_weierstrass(z, a, b, N, j)``: double arguments (the reduction needs them)."""
        z, a, b, terms = expr.args[:4]
        order = int(expr.args[4]) if isinstance(expr, weierstrass_derivative) else 0
        a_text, b_text = (repr(float(constant_value(v, 30))) for v in (a, b))
        call = f"dl_weierstrass((double)({self.doprint(z)}), {a_text}, {b_text}, {int(terms)}, {order})"
        return f"(({'float' if self.single else 'double'})({call}))"

    def _mul(self, expr: sp.Mul) -> str:
        numerator: list[str] = []
        denominator: list[str] = []
        coefficient = sp.Mul(*(f for f in expr.args if not f.free_symbols))
        if coefficient != 1:
            value = constant_value(coefficient, 30)
            if value == -1.0:
                numerator.append("-")
            else:
                numerator.append(self.literal(value))
        for factor in expr.args:
            if not factor.free_symbols:
                continue
            if (
                isinstance(factor, sp.Pow)
                and factor.exp.is_Rational
                and factor.exp.is_negative
            ):
                denominator.append(self._pow(factor.base, -factor.exp))
                continue
            numerator.append(self.doprint(factor))
        if numerator[:1] == ["-"]:
            rest = " * ".join(numerator[1:]) if len(numerator) > 1 else self.literal(1.0)
            top = f"-{rest}" if len(numerator) == 2 else f"-({rest})"
        else:
            top = " * ".join(numerator) if numerator else self.literal(1.0)
        if not denominator:
            return f"({top})"
        return f"(({top}) / ({' * '.join(denominator)}))"

    def _pow(self, base: sp.Expr, exponent: sp.Expr) -> str:
        if exponent == 1:
            return self.doprint(base)
        b = self.doprint(base)
        if exponent.is_Integer:
            return f"dl_powi({b}, {int(exponent)})"
        if exponent == sp.S.Half:
            return f"{self.function('sqrt')}({b})"
        if exponent == -sp.S.Half:
            return f"({self.literal(1.0)} / {self.function('sqrt')}({b}))"
        return f"{self.function('pow')}({b}, {self.doprint(exponent)})"


def c_expression(
    expr: sp.Expr, variable_symbol: sp.Symbol, variable: str = "x", real: str = "double",
    kink: bool = False,
) -> str:
    """C text of ``expr`` with ``variable`` standing for ``variable_symbol``."""
    return CPrinter(variable_symbol, variable, real, kink).doprint(expr)
