"""Difference quotients: the secant slopes whose limit is the derivative.

For a step ``h`` the three classic quotients approximate f'(a):

* forward   ``(f(a + h) - f(a)) / h``            error ``f''(a) h / 2 + O(h^2)``
* backward  ``(f(a) - f(a - h)) / h``            error ``-f''(a) h / 2 + O(h^2)``
* central   ``(f(a + h) - f(a - h)) / (2 h)``    error ``f'''(a) h^2 / 6 + O(h^4)``

Shrinking h lowers this truncation error until rounding, about ``eps |f(a)| / |h|``,
takes over. These functions are the numpy reference twins of the CUDA kernel
``shaders/cuda/difference_quotient.cu``; they do plain arithmetic on whatever
``a`` and ``h`` are (Python floats, numpy or CuPy arrays), in their precision, so
float32 inputs show float32 rounding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ArrayFunction = Callable[[Any], Any]


def forward_difference(f: ArrayFunction, a: Any, h: Any) -> Any:
    """Forward difference quotient ``(f(a + h) - f(a)) / h``: slope of the secant to a + h."""
    return (f(a + h) - f(a)) / h


def backward_difference(f: ArrayFunction, a: Any, h: Any) -> Any:
    """Backward difference quotient ``(f(a) - f(a - h)) / h``: slope of the secant from a - h."""
    return (f(a) - f(a - h)) / h


def central_difference(f: ArrayFunction, a: Any, h: Any) -> Any:
    """Central difference quotient ``(f(a + h) - f(a - h)) / (2 h)``: the symmetric secant."""
    return (f(a + h) - f(a - h)) / (2 * h)
