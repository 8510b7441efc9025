"""Gradient descent and two of its descendants, iterated on a function of one variable.

* gradient descent   θ_{t+1} = θ_t − η f′(θ_t)
* momentum (heavy ball)   v_{t+1} = β v_t + f′(θ_t),   θ_{t+1} = θ_t − η v_{t+1}
* Adam   m_{t+1} = β₁ m_t + (1 − β₁) g,  s_{t+1} = β₂ s_t + (1 − β₂) g²,
  θ_{t+1} = θ_t − η m̂ / (√ŝ + ε) with m̂ = m_{t+1}/(1 − β₁^{t+1}), ŝ = s_{t+1}/(1 − β₂^{t+1})

On a quadratic f(θ) = (L/2)(θ − c)² gradient descent is θ_t − c = (1 − ηL)^t (θ₀ − c):
for η < 1/L the factor lies in (0, 1) and θ_t slides monotonically to c; for
1/L < η < 2/L it lies in (−1, 0) and θ_t oscillates about c while converging;
for η > 2/L, |1 − ηL| > 1 and the iterates diverge.

The gradient is any callable on floats (or arrays: the updates are elementwise).
An iteration that leaves ``bound`` or stops being finite ends the run: later
entries are NaN.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

Gradient = Callable[[Any], Any]

#: |θ| beyond this counts as diverged
DIVERGED = 1e12


def _run(update: Callable[[int, float], float], theta0: float, steps: int, bound: float) -> np.ndarray:
    thetas = np.full(steps + 1, np.nan)
    thetas[0] = theta = float(theta0)
    for t in range(steps):
        theta = float(update(t, theta))
        if not math.isfinite(theta) or abs(theta) > bound:
            break
        thetas[t + 1] = theta
    return thetas


def gradient_descent(grad: Gradient, theta0: float, eta: float, steps: int, bound: float = DIVERGED) -> np.ndarray:
    """θ_0 … θ_steps of θ_{t+1} = θ_t − η f′(θ_t); NaN after divergence."""
    return _run(lambda t, theta: theta - eta * float(grad(theta)), theta0, steps, bound)


def momentum(
    grad: Gradient, theta0: float, eta: float, beta: float, steps: int, bound: float = DIVERGED
) -> np.ndarray:
    """Heavy-ball iterates: v_{t+1} = β v_t + f′(θ_t), θ_{t+1} = θ_t − η v_{t+1}, v_0 = 0."""
    velocity = [0.0]

    def update(t: int, theta: float) -> float:
        velocity[0] = beta * velocity[0] + float(grad(theta))
        return theta - eta * velocity[0]

    return _run(update, theta0, steps, bound)


def adam(
    grad: Gradient,
    theta0: float,
    eta: float,
    beta1: float,
    beta2: float,
    steps: int,
    epsilon: float = 1e-8,
    bound: float = DIVERGED,
) -> np.ndarray:
    """Adam iterates with bias-corrected first and second moments (m_0 = s_0 = 0)."""
    moments = [0.0, 0.0]

    def update(t: int, theta: float) -> float:
        g = float(grad(theta))
        moments[0] = beta1 * moments[0] + (1 - beta1) * g
        moments[1] = beta2 * moments[1] + (1 - beta2) * g * g
        m_hat = moments[0] / (1 - beta1 ** (t + 1))
        s_hat = moments[1] / (1 - beta2 ** (t + 1))
        return theta - eta * m_hat / (math.sqrt(s_hat) + epsilon)

    return _run(update, theta0, steps, bound)


def quadratic_iterates(theta0: float, center: float, curvature: float, eta: float, steps: int) -> np.ndarray:
    """Closed form of gradient descent on (L/2)(θ − c)²: θ_t = c + (1 − ηL)^t (θ₀ − c)."""
    t = np.arange(steps + 1, dtype=np.float64)
    return center + (1.0 - eta * curvature) ** t * (theta0 - center)


def step_regime(eta: float, curvature: float) -> str:
    """How gradient descent behaves on a quadratic of curvature L > 0 with step η.

    ``"smooth"`` (0 < η < 1/L), ``"one step"`` (η = 1/L), ``"oscillating"``
    (1/L < η < 2/L), ``"periodic"`` (η = 2/L: bounces between two points) and
    ``"diverging"`` (η > 2/L); ``"not convex"`` when L ≤ 0 (no minimum to reach).
    """
    if not curvature > 0:
        return "not convex"
    q = eta * curvature
    if math.isclose(q, 1.0, rel_tol=1e-12):
        return "one step"
    if math.isclose(q, 2.0, rel_tol=1e-12):
        return "periodic"
    if q < 1.0:
        return "smooth"
    return "oscillating" if q < 2.0 else "diverging"


def newton_minimiser(
    grad: Gradient, hessian: Gradient, theta: float, iterations: int = 60, tolerance: float = 1e-14
) -> float | None:
    """A critical point near θ by Newton's method on f′ (θ ← θ − f′/f″); None if it fails.

    Used as the reference θ̂ for the loss gap f(θ_t) − f(θ̂); only a point with
    f″(θ̂) > 0 (a local minimum) is returned.
    """
    for _ in range(iterations):
        g, h = float(grad(theta)), float(hessian(theta))
        if not (math.isfinite(g) and math.isfinite(h)) or h == 0:
            return None
        step = g / h
        theta -= step
        if abs(step) <= tolerance * max(1.0, abs(theta)):
            break
    else:
        return None
    h = float(hessian(theta))
    return theta if math.isfinite(theta) and h > 0 else None
