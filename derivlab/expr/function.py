"""``Function``: a typed function of one variable with its exact derivatives and evaluators."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable
from typing import Any

import mpmath
import sympy as sp

from derivlab.expr.cprint import C_RESERVED, c_expression
from derivlab.expr.errors import ExpressionError
from derivlab.expr.evaluate import MpmathEvaluator, NumpyEvaluator
from derivlab.expr.parser import Node, check_name, parse
from derivlab.expr.symbolic import derivative, real_symbol, to_latex, to_sympy, to_text

#: highest derivative order offered
MAX_ORDER = 4


def _check_order(n: int, lowest: int = 0) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or not lowest <= n <= MAX_ORDER:
        raise ValueError(f"derivative order must be an integer from {lowest} to {MAX_ORDER}, not {n!r}")
    return n


def _check_parameters(parameters: Iterable[str], variable: str) -> tuple[str, ...]:
    names: list[str] = []
    for name in parameters:
        check_name(name, "parameter")
        if name == variable:
            raise ValueError(f"parameter name {name!r} is the variable's name")
        if name in C_RESERVED:
            raise ValueError(f"parameter name {name!r} is reserved in C")
        if name not in names:
            names.append(name)
    return tuple(names)


class Function:
    """A real function f of one variable, with f', f'', f''', f'''' worked out exactly.

    Build it with :meth:`from_text`. Derivatives are computed on first use
    (each under a time bound, see :mod:`derivlab.expr.symbolic`) and kept.
    Instances are immutable and safe to share between threads.
    """

    def __init__(
        self,
        expr: sp.Expr,
        *,
        variable: str = "x",
        parameters: Iterable[str] = (),
        source: str | None = None,
        tree: Node | None = None,
    ) -> None:
        check_name(variable, "variable")
        self._variable = variable
        self._parameters = _check_parameters(parameters, variable)
        self._symbol = real_symbol(variable)
        allowed = {self._symbol} | {real_symbol(p) for p in self._parameters}
        stray = expr.free_symbols - allowed
        if stray:
            raise ValueError(f"expression has undeclared symbols: {sorted(map(str, stray))}")
        self._derivatives: list[sp.Expr] = [expr]
        self._source = source
        self._tree = tree
        self._lock = threading.Lock()
        self._numpy: dict[int, NumpyEvaluator] = {}
        self._mpmath: dict[int, MpmathEvaluator] = {}
        self._text: str | None = None  # printed once: sympy's printer costs a scene 0.25 ms a frame

    @classmethod
    def from_text(
        cls, text: str, parameters: Iterable[str] = (), variable: str = "x"
    ) -> Function:
        """Parse typed text (see :mod:`derivlab.expr.parser`) into a Function.

        Raises :class:`ExpressionError` for anything outside the grammar, and
        ``ValueError`` for parameter or variable names that cannot be used.
        """
        params = _check_parameters(parameters, variable)
        tree = parse(text, parameters=params, variable=variable)
        expr = to_sympy(tree, variable=variable, parameters=params)
        return cls(expr, variable=variable, parameters=params, source=text, tree=tree)

    # ------------------------------------------------------------- description
    @property
    def variable(self) -> str:
        """Name of the variable (``"x"`` unless configured)."""
        return self._variable

    @property
    def symbol(self) -> sp.Symbol:
        """The (real) sympy symbol of the variable."""
        return self._symbol

    @property
    def parameters(self) -> tuple[str, ...]:
        """The declared parameter names, in order, each allowed in the text."""
        return self._parameters

    @property
    def source(self) -> str | None:
        """The text as typed, when built by :meth:`from_text`."""
        return self._source

    @property
    def tree(self) -> Node | None:
        """The parser's tree, when built by :meth:`from_text`."""
        return self._tree

    @property
    def text(self) -> str:
        """Canonical text of f, e.g. ``x**3 - 3*x``; :meth:`from_text` reads it back."""
        if self._text is None:
            self._text = to_text(self._derivatives[0])
        return self._text

    @property
    def latex(self) -> str:
        """LaTeX of f."""
        return to_latex(self._derivatives[0])

    def sympy(self, n: int = 0) -> sp.Expr:
        """The sympy expression of the n-th derivative f⁽ⁿ⁾ (n = 0 is f itself), 0 ≤ n ≤ 4.

        f⁽ⁿ⁾ = d/dx f⁽ⁿ⁻¹⁾, simplified when that is quick. Raises
        :class:`ExpressionError` when a derivative is too large to work out quickly.
        """
        _check_order(n)
        with self._lock:
            while len(self._derivatives) <= n:
                self._derivatives.append(derivative(self._derivatives[-1], self._symbol))
            return self._derivatives[n]

    def derivative_text(self, n: int) -> str:
        """Canonical text of f⁽ⁿ⁾, 1 ≤ n ≤ 4."""
        return to_text(self.sympy(_check_order(n, 1)))

    def derivative_latex(self, n: int) -> str:
        """LaTeX of f⁽ⁿ⁾, 1 ≤ n ≤ 4."""
        return to_latex(self.sympy(_check_order(n, 1)))

    # -------------------------------------------------------------- evaluation
    def numpy(self, n: int = 0) -> Callable[..., Any]:
        """Vectorised f⁽ⁿ⁾: ``g(x, **params)`` on arrays, keeping float32/float64.

        NaN or ±inf where undefined, without warnings (see
        :mod:`derivlab.expr.evaluate` for the conventions at kinks and steps).
        """
        expr = self.sympy(n)
        with self._lock:
            if n not in self._numpy:
                self._numpy[n] = NumpyEvaluator(
                    expr, self._variable, self._parameters, kink=n >= 1
                )
            return self._numpy[n]

    def mpmath(self, n: int = 0) -> Callable[..., mpmath.mpf]:
        """f⁽ⁿ⁾ at one point in 50-digit arithmetic: ``g(x, **params) -> mpmath.mpf``."""
        expr = self.sympy(n)
        with self._lock:
            if n not in self._mpmath:
                self._mpmath[n] = MpmathEvaluator(
                    expr, self._variable, self._parameters, kink=n >= 1
                )
            return self._mpmath[n]

    def __call__(self, x, **params):
        """f(x) on arrays, the same as ``self.numpy(0)(x, **params)``."""
        return self.numpy(0)(x, **params)

    def value(self, x0: float, n: int = 0, **params: float) -> float | None:
        """f⁽ⁿ⁾(x0) as a float, from 50-digit arithmetic; ``None`` where it is undefined.

        Undefined means the formula gives NaN or ±inf there, e.g. ``|x|'`` at 0,
        ``1/x`` at 0 or ``log(x)`` at −1. A removable singularity (``sin(x)/x``
        at 0) is undefined too: use :func:`classify_differentiability` for limits.
        """
        result = self.mpmath(n)(x0, **params)
        if mpmath.isnan(result) or mpmath.isinf(result):
            return None
        value = float(result)
        return value if math.isfinite(value) else None

    def c_expression(self, n: int = 0, variable: str = "x", real: str = "double") -> str:
        """C (CUDA) expression of f⁽ⁿ⁾ for a kernel that includes ``derivlab_math.cuh``.

        ``variable`` is the C text put in place of the variable, ``real`` is
        ``"double"`` or ``"float"`` (then float literals and ``sinf``-style
        functions). Parameters appear as plain identifiers with their names.
        """
        return c_expression(self.sympy(n), self._symbol, variable, real, kink=n >= 1)

    # ------------------------------------------------------------------ python
    def __repr__(self) -> str:
        extra = f", parameters={self._parameters!r}" if self._parameters else ""
        if self._variable != "x":
            extra += f", variable={self._variable!r}"
        return f"Function.from_text({self.text!r}{extra})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Function):
            return NotImplemented
        return (
            self._derivatives[0] == other._derivatives[0]
            and self._variable == other._variable
            and self._parameters == other._parameters
        )

    def __hash__(self) -> int:
        return hash((self._derivatives[0], self._variable, self._parameters))

    def __reduce__(self):
        return (_rebuild, (self.text, self._parameters, self._variable))


def _rebuild(text: str, parameters: tuple[str, ...], variable: str) -> Function:
    return Function.from_text(text, parameters=parameters, variable=variable)


__all__ = ["Function", "ExpressionError", "MAX_ORDER"]
