"""Gradient descent, momentum and Adam against closed forms on quadratics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from derivlab.compute import optimizers


def quadratic_gradient(curvature: float, center: float):
    return lambda theta: curvature * (theta - center)


@pytest.mark.parametrize("eta", [0.1, 0.3, 0.45, 0.55, 0.8, 0.95])
def test_gradient_descent_matches_the_closed_form(eta):
    L, c = 2.0, 0.7
    thetas = optimizers.gradient_descent(quadratic_gradient(L, c), 3.0, eta, 30)
    np.testing.assert_allclose(thetas, optimizers.quadratic_iterates(3.0, c, L, eta, 30), rtol=1e-12, atol=1e-14)


def test_three_regimes_on_a_quadratic():
    L = 4.0  # 1/L = 0.25, 2/L = 0.5
    grad = quadratic_gradient(L, 0.0)
    smooth = optimizers.gradient_descent(grad, 1.0, 0.2, 25)
    assert np.all(smooth > 0) and np.all(np.diff(smooth) < 0)  # one side, monotone
    oscillating = optimizers.gradient_descent(grad, 1.0, 0.4, 25)
    assert np.all(np.sign(oscillating[1:]) == -np.sign(oscillating[:-1]))  # crosses every step
    assert np.all(np.diff(np.abs(oscillating)) < 0)  # and still converges
    diverging = optimizers.gradient_descent(grad, 1.0, 0.6, 25)
    assert np.all(np.diff(np.abs(diverging)) > 0)
    assert [optimizers.step_regime(eta, L) for eta in (0.2, 0.25, 0.4, 0.5, 0.6)] == [
        "smooth", "one step", "oscillating", "periodic", "diverging"]
    assert optimizers.step_regime(0.1, -1.0) == "not convex"


def test_divergence_stops_the_run_with_nan():
    thetas = optimizers.gradient_descent(quadratic_gradient(1.0, 0.0), 1.0, 10.0, 40, bound=1e6)
    k = np.argmax(~np.isfinite(thetas))
    assert 0 < k < 40 and np.all(np.isnan(thetas[k:])) and np.all(np.abs(thetas[:k]) <= 1e6)


def test_momentum_with_beta_zero_is_gradient_descent_and_first_steps_by_hand():
    grad = quadratic_gradient(2.0, 0.0)
    np.testing.assert_allclose(optimizers.momentum(grad, 1.5, 0.1, 0.0, 10),
                               optimizers.gradient_descent(grad, 1.5, 0.1, 10))
    # v₁ = f′(1) = 2, θ₁ = 1 − 0.1·2 = 0.8; v₂ = 0.9·2 + 1.6 = 3.4, θ₂ = 0.8 − 0.34 = 0.46.
    thetas = optimizers.momentum(grad, 1.0, 0.1, 0.9, 2)
    np.testing.assert_allclose(thetas, [1.0, 0.8, 0.46])


def test_momentum_converges_at_the_heavy_ball_rate():
    # On a quadratic the heavy ball's error follows θ_{t+1} = (1 + β − ηL)θ_t − βθ_{t−1}: rate √β when
    # the characteristic roots are complex (β = 0.81 → 0.9 per step).
    L, eta, beta = 1.0, 1.0, 0.81
    thetas = optimizers.momentum(quadratic_gradient(L, 0.0), 1.0, eta, beta, 200)
    rate = (abs(thetas[200]) + abs(thetas[199])) / (abs(thetas[100]) + abs(thetas[99]))
    assert rate ** (1 / 100) == pytest.approx(math.sqrt(beta), abs=0.01)


def test_adam_first_step_is_eta_in_the_direction_of_minus_the_sign():
    # Bias correction makes m̂₁ = g, ŝ₁ = g², so θ₁ = θ₀ − η g/(|g| + ε) ≈ θ₀ − η sign(g).
    for theta0 in (3.0, -0.2):
        thetas = optimizers.adam(quadratic_gradient(5.0, 0.0), theta0, 0.05, 0.9, 0.999, 1)
        assert thetas[1] == pytest.approx(theta0 - 0.05 * math.copysign(1, theta0), abs=1e-8)
    thetas = optimizers.adam(quadratic_gradient(5.0, 1.0), -2.0, 0.1, 0.9, 0.999, 400)
    assert abs(thetas[-1] - 1.0) < 0.05


def test_newton_minimiser_finds_the_local_minimum_only():
    grad = lambda x: 4 * x**3 - 6 * x + 1  # noqa: E731  (x⁴ − 3x² + x)
    hess = lambda x: 12 * x**2 - 6  # noqa: E731
    m = optimizers.newton_minimiser(grad, hess, -1.5)
    assert grad(m) == pytest.approx(0, abs=1e-12) and hess(m) > 0
    assert optimizers.newton_minimiser(grad, hess, 0.17) is None  # Newton lands on the local maximum
