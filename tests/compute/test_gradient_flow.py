"""Products of local derivatives through a deep chain: bounds and expectations."""

from __future__ import annotations

import numpy as np

from derivlab.compute import gradient_flow


def sigmoid_prime(z):
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)


def test_preactivations_are_seeded_and_shaped() -> None:
    a = gradient_flow.preactivations(7, 50, "normal", 2.0, seed=3)
    b = gradient_flow.preactivations(7, 50, "normal", 2.0, seed=3)
    assert a.shape == (50, 7) and np.array_equal(a, b)
    u = gradient_flow.preactivations(5, 1000, "uniform", 1.5, seed=1)
    assert u.min() >= -1.5 and u.max() <= 1.5


def test_sigmoid_products_never_exceed_the_quarter_power_bound() -> None:
    z = gradient_flow.preactivations(40, 500, "normal", 3.0, seed=0)
    products = gradient_flow.gradient_products(sigmoid_prime, z)
    depth = np.arange(1, 41)
    assert np.all(products <= gradient_flow.sigmoid_bound(depth) * (1 + 1e-12))
    # At z = 0 exactly, the bound is met: σ′(0)^L = (1/4)^L.
    zero = gradient_flow.gradient_products(sigmoid_prime, np.zeros((1, 40)))
    np.testing.assert_allclose(zero[0], 0.25 ** depth, rtol=1e-12)


def test_mean_product_matches_the_power_of_the_mean_derivative() -> None:
    # Independent z: E|∏ φ′(z_k)| = (E|φ′(z)|)^L; E σ′(z) for z ~ N(0, 1) is 0.2066 (quadrature).
    z = gradient_flow.preactivations(20, 20000, "normal", 1.0, seed=5)
    mean = gradient_flow.mean_gradient(gradient_flow.gradient_products(sigmoid_prime, z))
    grid = np.linspace(-12, 12, 24001)
    e_prime = np.trapezoid(sigmoid_prime(grid) * np.exp(-grid**2 / 2) / np.sqrt(2 * np.pi), grid)
    assert abs(e_prime - 0.2066) < 1e-3
    expected = gradient_flow.expected_gradient(e_prime, np.arange(1, 21))
    np.testing.assert_allclose(mean, expected, rtol=0.03)


def test_relu_chain_survives_with_probability_one_half_per_layer() -> None:
    z = gradient_flow.preactivations(8, 200000, "normal", 1.0, seed=2)
    products = gradient_flow.gradient_products(lambda v: (v > 0).astype(float), z)
    assert set(np.unique(products)) <= {0.0, 1.0}
    mean = gradient_flow.mean_gradient(products)
    np.testing.assert_allclose(mean, gradient_flow.relu_expected(np.arange(1, 9)), rtol=0.05)
