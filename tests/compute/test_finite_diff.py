"""The difference-quotient twins: formulas, orders of accuracy, and rounding."""

from __future__ import annotations

import math

import numpy as np
import pytest

from derivlab.compute.finite_diff import (
    backward_difference,
    central_difference,
    forward_difference,
)


def test_formulas_on_a_parabola() -> None:
    def f(x: float) -> float:
        return x * x

    # (a+h)^2 - a^2 = 2ah + h^2: forward 2a + h, backward 2a - h, central exactly 2a.
    assert forward_difference(f, 3.0, 0.5) == 6.5
    assert backward_difference(f, 3.0, 0.5) == 5.5
    assert central_difference(f, 3.0, 0.5) == 6.0


@pytest.mark.parametrize(
    ("quotient", "order"),
    [(forward_difference, 1), (backward_difference, 1), (central_difference, 2)],
)
def test_order_of_accuracy(quotient: object, order: int) -> None:
    """Error ~ C h^p: shrinking h tenfold shrinks the error 10^p-fold."""
    a = np.linspace(-1.0, 1.0, 11) + 0.3
    exact = np.cos(a)
    e1 = np.abs(quotient(np.sin, a, 1e-2) - exact)  # type: ignore[operator]
    e2 = np.abs(quotient(np.sin, a, 1e-3) - exact)  # type: ignore[operator]
    observed = np.log10(e1 / e2)
    np.testing.assert_allclose(observed, order, atol=0.05)


def test_rounding_takes_over_for_tiny_steps_in_float32() -> None:
    a = np.float32(1.0)
    good = abs(float(central_difference(np.sin, a, np.float32(1e-2))) - math.cos(1.0))
    bad = abs(float(central_difference(np.sin, a, np.float32(1e-6))) - math.cos(1.0))
    assert good < 1e-4
    assert bad > 10 * good


def test_precision_follows_the_inputs() -> None:
    a = np.linspace(0, 1, 5, dtype=np.float32)
    for q in (forward_difference, backward_difference, central_difference):
        assert q(np.exp, a, np.float32(0.1)).dtype == np.float32
        assert q(np.exp, a.astype(np.float64), 0.1).dtype == np.float64


def test_arrays_of_steps_broadcast() -> None:
    h = np.array([1e-1, 1e-2, 1e-3])
    # sinh(h) / h = 1 + h^2/6 + h^4/120 + ...
    np.testing.assert_allclose(
        central_difference(np.exp, 0.0, h), 1 + h**2 / 6 + h**4 / 120, rtol=1e-9
    )
