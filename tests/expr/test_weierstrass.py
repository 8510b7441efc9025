"""Typed Weierstrass partial sums: grammar, exact derivatives, and every evaluator against
50-digit mpmath at random points and zoom depths."""

from __future__ import annotations

import math
import os
import secrets
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from derivlab.expr import ExpressionError, Function, classify_differentiability
from derivlab.expr.weierstrass import exact_reduction, phase_lost_term, weierstrass_mpmath


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> np.random.Generator:
    seed = int(os.environ.get("DERIVLAB_TEST_SEED") or secrets.randbits(64))
    print(f"{request.node.nodeid}: DERIVLAB_TEST_SEED={seed}")
    return np.random.default_rng(seed)


def random_points(rng: np.random.Generator, count: int) -> list[float]:
    """Points x₀ + u with x₀ in [−2, 2] and |u| up to a random width 10⁻¹² … 4."""
    points = []
    for _ in range(count):
        width = 10.0 ** rng.uniform(-12.0, 0.6)
        points.append(float(rng.uniform(-2, 2) + rng.uniform(-0.5, 0.5) * width))
    return points


def reference(x: float, a: Fraction, b: int, terms: int, order: int = 0) -> float:
    with mpmath.workdps(50):
        return float(weierstrass_mpmath(x, a, b, terms, order, 50))


def test_text_latex_and_round_trip() -> None:
    f = Function.from_text("weierstrass(x, 0.9, 7, 40)")
    assert f.text == "weierstrass(x, 9/10, 7, 40)"
    assert Function.from_text(f.text) == f
    assert f.latex == r"W_{40}\left(x;\, \frac{9}{10}, 7\right)"
    assert f.derivative_text(1) == "weierstrass_derivative(x, 9/10, 7, 40, 1)"
    assert f.derivative_latex(2).startswith("W_{40}''")


@pytest.mark.parametrize(
    "text, message",
    [
        ("weierstrass(x, k, 3, 5)", "a must be a number"),
        ("weierstrass(x, 0.5, x, 5)", "b must be a number"),
        ("weierstrass(x, 0.5, 3, 61)", "from 1 to 60"),
        ("weierstrass(x, 0.5, 3, 0)", "from 1 to 60"),
        ("weierstrass(x, 0.5, 3, 2.5)", "from 1 to 60"),
        ("weierstrass(x, 0.5, 3)", "takes 4 arguments"),
        ("weierstrass(x, 0.5, 5000, 3)", "size at most 1000"),
    ],
)
def test_constants_are_checked(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        Function.from_text(text, parameters=("k",))


@pytest.mark.parametrize("a, b, terms", [(Fraction(1, 2), 3, 20), (Fraction(9, 10), 7, 40), (Fraction(9, 10), 7, 60)])
def test_numpy_and_mpmath_evaluators_match_reference(
    a: Fraction, b: int, terms: int, rng: np.random.Generator
) -> None:
    f = Function.from_text(f"weierstrass(x, {a}, {b}, {terms})")
    points = random_points(rng, 40) + [0.0, 1.0, -0.5, 2.0**-80, -3e-20]
    values = f.numpy(0)(np.array(points))
    for x, got in zip(points, values, strict=True):
        expected = reference(x, a, b, terms)
        assert abs(got - expected) < 1e-12, (x, got, expected)
        assert abs(f.value(x) - expected) < 1e-14
    # the derivative, relative to its scale Σ aⁿ π bⁿ
    scale = sum(float(a) ** n * math.pi * b**n for n in range(terms))
    slopes = f.numpy(1)(np.array(points[:10]))
    for x, got in zip(points[:10], slopes, strict=True):
        assert abs(got - reference(x, a, b, terms, 1)) < 1e-13 * scale


def test_float32_input_keeps_dtype() -> None:
    f = Function.from_text("weierstrass(x, 0.5, 3, 10)")
    x = np.linspace(-1, 1, 101, dtype=np.float32)
    y = f.numpy(0)(x)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, f.numpy(0)(x.astype(np.float64)), atol=1e-6)


def test_closed_forms() -> None:
    """W_N(0) = Σ aⁿ = (1 − aᴺ)/(1 − a); for odd b, W_N(1) = −Σ aⁿ and W_N(1/2) = 0."""
    f = Function.from_text("weierstrass(x, 0.5, 3, 10)")
    assert f.value(0.0) == pytest.approx((1 - 0.5**10) / 0.5, abs=1e-15)
    assert f.value(1.0) == pytest.approx(-(1 - 0.5**10) / 0.5, abs=1e-15)
    assert abs(f.value(0.5)) < 1e-15
    # W_1 = cos(πx), W_1' = −π sin(πx)
    g = Function.from_text("weierstrass(x, 0.5, 3, 1)")
    assert g.value(0.25, 1) == pytest.approx(-math.pi * math.sin(math.pi / 4), abs=1e-15)


def test_chain_rule_and_composition() -> None:
    f = Function.from_text("weierstrass(2x, 1/2, 3, 5) + x^2")
    assert f.derivative_text(1) == "2*(x + weierstrass_derivative(2*x, 1/2, 3, 5, 1))"
    h = 1e-6
    numeric = (f.value(0.7 + h) - f.value(0.7 - h)) / (2 * h)
    assert f.value(0.7, 1) == pytest.approx(numeric, rel=1e-6)


def test_partial_sum_is_differentiable() -> None:
    f = Function.from_text("weierstrass(x, 0.9, 7, 40)")
    verdict = classify_differentiability(f, 0.3)
    assert verdict.classification == "differentiable"
    assert verdict.derivative == f.value(0.3, 1)


def test_non_integer_b_uses_double_phase() -> None:
    assert exact_reduction(7.0, 60) and exact_reduction(-3.0, 40)
    assert not exact_reduction(7.5, 10)
    assert not exact_reduction(1000.0, 60)  # 1000⁵⁹ does not fit in 256 bits
    assert phase_lost_term(7.5, 2.0, 40) == 14
    assert phase_lost_term(3.0, 0.0, 40) == 40
