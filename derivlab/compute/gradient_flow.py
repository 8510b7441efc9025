"""Gradients through a deep chain of one activation: why they vanish.

In a chain z₁ → φ → z₂ → φ → … of depth L, the chain rule multiplies one local
derivative per layer, so (weights set aside) the gradient reaching the first layer is

    G_L = φ′(z₁) · φ′(z₂) · … · φ′(z_L).

With pre-activations z_k drawn independently, E|G_L| = (E|φ′(z)|)^L. For the
sigmoid, σ′ ≤ 1/4 at every z, so G_L ≤ (1/4)^L: the gradient shrinks at least
geometrically. For ReLU, φ′ is 1 or 0: G_L is 1 while every z_k > 0 and 0 after
the first negative one, so for z symmetric about 0, E|G_L| = P(all positive) = (1/2)^L.

Functions take an array module ``xp`` (numpy or a CuPy-like module) only through
the arrays they are given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

#: pre-activation distributions offered: name -> sampler(rng, shape, spread)
DISTRIBUTIONS: dict[str, Callable[[np.random.Generator, tuple[int, ...], float], np.ndarray]] = {
    "normal": lambda rng, shape, s: rng.normal(0.0, s, shape),
    "uniform": lambda rng, shape, s: rng.uniform(-s, s, shape),
}


def preactivations(
    depth: int, chains: int, distribution: str = "normal", spread: float = 1.0, seed: int = 0
) -> np.ndarray:
    """Pre-activations z[c, k] for ``chains`` chains of ``depth`` layers (seeded, float64).

    ``normal``: N(0, spread²); ``uniform``: U(−spread, spread).
    """
    rng = np.random.default_rng(seed)
    return DISTRIBUTIONS[distribution](rng, (chains, depth), float(spread))


def gradient_products(local_derivative: Callable[[Any], Any], z: Any) -> Any:
    """G[c, k] = ∏_{j ≤ k} φ′(z[c, j]): the chain-rule product after k + 1 layers, per chain."""
    return local_derivative(z).cumprod(axis=-1)


def mean_gradient(products: Any) -> Any:
    """E|G_L| estimated by the mean of |G| over chains, for every depth L."""
    return abs(products).mean(axis=0)


def expected_gradient(mean_local_derivative: float, depth: np.ndarray) -> np.ndarray:
    """(E|φ′(z)|)^L: the expected size of the product for independent pre-activations."""
    return float(mean_local_derivative) ** np.asarray(depth, dtype=np.float64)


def sigmoid_bound(depth: np.ndarray) -> np.ndarray:
    """(1/4)^L: the largest product of L sigmoid derivatives, since σ′(z) = σ(1 − σ) ≤ 1/4."""
    return 0.25 ** np.asarray(depth, dtype=np.float64)


def relu_expected(depth: np.ndarray) -> np.ndarray:
    """(1/2)^L: E of the product of L ReLU derivatives for z symmetric about 0 (P(all z_k > 0))."""
    return 0.5 ** np.asarray(depth, dtype=np.float64)
