"""Richardson, complex step, second difference; the complex evaluator; error curves against h."""

from __future__ import annotations

import math

import numpy as np
import pytest

from derivlab.compute import step_error
from derivlab.compute.complex_eval import NotAnalyticError, complex_evaluator
from derivlab.compute.finite_diff import complex_step, richardson, second_difference
from derivlab.expr import Function


def test_richardson_is_exact_for_quartics_and_fourth_order() -> None:
    # The error is f⁽⁵⁾ h⁴/480 + ...: zero for a polynomial of degree 4.
    f = lambda x: x**4 - 2 * x**3 + x  # noqa: E731
    assert richardson(f, 1.5, 0.5) == pytest.approx(4 * 1.5**3 - 6 * 1.5**2 + 1, abs=1e-12)
    e1 = abs(richardson(np.exp, 0.3, 0.2) - math.exp(0.3))
    e2 = abs(richardson(np.exp, 0.3, 0.1) - math.exp(0.3))
    assert math.log2(e1 / e2) == pytest.approx(4.0, abs=0.05)
    assert e1 == pytest.approx(math.exp(0.3) * 0.2**4 / 480, rel=0.05)


def test_complex_step_has_no_cancellation() -> None:
    # Im sin(a + ih)/h = cos(a) sinh(h)/h: exact to rounding even at h = 1e-200.
    for h in (1e-8, 1e-20, 1e-200):
        assert complex_step(np.sin, 1.0, h) == pytest.approx(math.cos(1.0), rel=1e-15)
    h = 0.1
    assert complex_step(np.sin, 1.0, h) == pytest.approx(math.cos(1.0) * math.sinh(h) / h, rel=1e-14)
    # float32 in, complex64 arithmetic: float32 accuracy.
    value = complex_step(np.sin, np.float32(1.0), np.float32(1e-20))
    assert value.dtype == np.float32 and value == pytest.approx(math.cos(1.0), rel=1e-6)


def test_second_difference_of_a_cubic() -> None:
    # (f(a+h) − 2f(a) + f(a−h))/h² = 6a for f = x³ (the h² term needs f⁗ = 0).
    assert second_difference(lambda x: x**3, 2.0, 0.25) == pytest.approx(12.0, abs=1e-12)
    assert second_difference(np.cos, 0.0, 1e-3) == pytest.approx(-1 + 1e-6 / 12, abs=1e-8)


@pytest.mark.parametrize(
    ("text", "a", "exact"),
    [
        ("sin(x^2)", 0.7, 2 * 0.7 * math.cos(0.49)),
        ("e^(sin(x)) / (1 + x^2)", 0.4, None),
        ("sigmoid(x) + softplus(x)", -0.8, None),
        ("gelu(x)", 0.9, None),
        ("|x|^3 + relu(x)", -1.2, 3 * 1.2**2 * -1),
        ("x^(2/3)", -8.0, -1 / 3),  # (2/3)·(−8)^(−1/3) on the real branch
        ("log(x) + sqrt(x) + atan(x)", 2.0, 0.5 + 0.5 / math.sqrt(2) + 0.2),
        ("elu(x, 1) + leaky_relu(x, 0.1)", -0.5, math.exp(-0.5) + 0.1),
    ],
)
def test_complex_evaluator_gives_the_derivative_by_the_complex_step(text, a, exact) -> None:
    f = Function.from_text(text)
    g = complex_evaluator(f.sympy(0))
    expected = f.value(a, 1) if exact is None else exact
    assert expected == pytest.approx(f.value(a, 1), rel=1e-12)
    assert complex_step(g, a, 1e-30) == pytest.approx(expected, rel=1e-13)
    # And the real part is f itself.
    assert g(np.array([a + 0j]))[0].real == pytest.approx(f.value(a), rel=1e-13)


def test_complex_evaluator_keeps_single_precision_and_refuses_weierstrass() -> None:
    g = complex_evaluator(Function.from_text("exp(x) * cos(x)").sympy(0))
    assert g(np.array([1 + 1e-3j], dtype=np.complex64)).dtype == np.complex64
    with pytest.raises(NotAnalyticError):
        complex_evaluator(Function.from_text("weierstrass(x, 0.5, 3, 5)").sympy(0))


def sin_errors(method: str, dtype=np.float64, a: float = 1.0):
    steps = step_error.step_grid(-16, 0, 20)
    exact = -math.sin(a) if method == "second difference" else math.cos(a)
    f = complex_evaluator(Function.from_text("sin(x)").sympy(0)) if method == "complex step" else np.sin
    return steps, step_error.absolute_error(step_error.estimate(method, f, a, steps, dtype), exact)


def test_central_difference_for_sin_at_one_in_float64() -> None:
    """The figures named for sin at 1: best h within a factor 10 of 6e-6, branch slopes 2 and −1."""
    steps, error = sin_errors("central")
    best = step_error.best_step(steps, error)
    assert 6e-7 < best < 6e-5
    assert step_error.fitted_slope(steps, error, 10 * best, 1.0) == pytest.approx(2.0, abs=0.05)
    low = step_error.round_off_floor(1.0, math.sin(1.0), math.cos(1.0), 1, 2.0**-52)
    assert step_error.fitted_slope(steps, error, low, best / 10) == pytest.approx(-1.0, abs=0.1)
    derivatives = {0: math.sin(1), 1: math.cos(1), 2: -math.sin(1), 3: -math.cos(1)}
    model = step_error.error_model("central", derivatives, 2.0**-52)
    # h* = (3 eps |f| / |f‴|)^(1/3) ≈ 1.0e-5 for sin at 1.
    assert model.optimal_step == pytest.approx((3 * 2.0**-52 * math.sin(1) / math.cos(1)) ** (1 / 3), rel=1e-12)
    assert 1 / 3 < best / model.optimal_step < 3


@pytest.mark.parametrize(("method", "order", "predicted"), [
    ("forward", 1, 2 * math.sqrt(2.0**-52 * math.sin(1) / math.sin(1))),
    ("richardson", 4, None),
    ("second difference", 2, None),
])
def test_other_methods_in_float64(method, order, predicted) -> None:
    steps, error = sin_errors(method)
    best = step_error.best_step(steps, error)
    assert step_error.fitted_slope(steps, error, 10 * best, 1.0) == pytest.approx(order, abs=0.05)
    if predicted is not None:
        assert 1 / 5 < best / predicted < 5  # one-sided: h* ≈ 2 eps^(1/2) ≈ 3e-8


def test_float32_moves_the_best_step_to_eps_to_the_third() -> None:
    steps, error = sin_errors("central", np.float32)
    best = step_error.best_step(steps, error)
    eps = float(np.finfo(np.float32).eps)
    assert eps ** (1 / 3) / 10 < best < eps ** (1 / 3) * 10
    assert np.nanmin(error) > 1e-9  # nothing better than float32 allows


def test_complex_step_error_reaches_rounding_and_stays_there() -> None:
    steps, error = sin_errors("complex step")
    small = steps < 1e-8
    assert np.all(error[small] <= 2 * 2.0**-52)
    assert step_error.error_model("complex step", {0: 1.0, 3: 1.0}, 2.0**-52).optimal_step is None
