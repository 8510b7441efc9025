"""Safe expressions, exact derivatives, evaluators and differentiability.

The lowest layer of derivlab: it imports numpy, sympy and mpmath only.

>>> f = Function.from_text("x^3 - 3x")
>>> f.derivative_text(1)
'3*x**2 - 3'
>>> f.value(2.0, n=1)
9.0

Typed text is read by derivlab's own grammar (:mod:`derivlab.expr.parser`);
anything outside it raises :class:`ExpressionError` naming the problem and its
column.
"""

from __future__ import annotations

from derivlab.expr.differentiability import (
    CLASSIFICATIONS,
    Differentiability,
    classify_differentiability,
)
from derivlab.expr.errors import ExpressionError
from derivlab.expr.function import MAX_ORDER, Function
from derivlab.expr.parser import CONSTANTS, FUNCTIONS, MAX_DEPTH, MAX_LENGTH, parse

__all__ = [
    "CLASSIFICATIONS",
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_ORDER",
    "Differentiability",
    "ExpressionError",
    "Function",
    "classify_differentiability",
    "parse",
]
