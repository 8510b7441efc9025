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


def richardson(f: ArrayFunction, a: Any, h: Any) -> Any:
    """Richardson extrapolation of the central difference: ``(4 D(h/2) - D(h)) / 3``.

    With ``D`` the central quotient, ``D(h) = f'(a) + f'''(a) h^2/6 + O(h^4)``; the
    combination cancels the h^2 term, leaving an error ``-f^(5)(a) h^4 / 480 + O(h^6)``.
    """
    return (4 * central_difference(f, a, h / 2) - central_difference(f, a, h)) / 3


def complex_step(f: ArrayFunction, a: Any, h: Any) -> Any:
    """Complex-step derivative ``Im f(a + i h) / h`` for f analytic near the real axis.

    ``f(a + i h) = f(a) + i h f'(a) - h^2 f''(a)/2 - i h^3 f'''(a)/6 + ...``, so the
    imaginary part over h is ``f'(a) - f'''(a) h^2 / 6 + O(h^4)``. Nothing is
    subtracted, so there is no cancellation: h can be as small as 1e-100. ``f``
    must accept complex arrays (complex64 for float32 inputs, complex128 for float64).
    """
    return f(a + 1j * h).imag / h


def second_difference(f: ArrayFunction, a: Any, h: Any) -> Any:
    """Second difference quotient ``(f(a + h) - 2 f(a) + f(a - h)) / h^2`` for f''(a).

    Truncation error ``f''''(a) h^2 / 12 + O(h^4)``; rounding about ``4 eps |f(a)| / h^2``.
    """
    return (f(a + h) - 2 * f(a) + f(a - h)) / (h * h)
