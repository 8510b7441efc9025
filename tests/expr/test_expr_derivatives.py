from __future__ import annotations

import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from derivlab.expr import ExpressionError, Function
from derivlab.expr.functions import sigmoid as sym_sigmoid
from derivlab.expr.symbolic import coefficient_in_sum, node_count, quotient_form

x = sp.Symbol("x", real=True)


def same(a: sp.Expr, b: sp.Expr) -> bool:
    return sp.simplify(a - b) == 0


CLOSED_FORMS = {
    "x^3 - 3x": [3 * x**2 - 3, 6 * x, sp.Integer(6), sp.Integer(0)],
    "sin(x^2)": [sp.diff(sp.sin(x**2), x, n) for n in range(1, 5)],
    "exp(sin(x^2))": [sp.diff(sp.exp(sp.sin(x**2)), x, n) for n in range(1, 5)],
    "2x e^(-x)": [sp.diff(2 * x * sp.exp(-x), x, n) for n in range(1, 5)],
    "sqrt(x+1)/(x^2+3)": [sp.diff(sp.sqrt(x + 1) / (x**2 + 3), x, n) for n in range(1, 5)],
    "2^x": [sp.log(2) ** n * 2**x for n in range(1, 5)],
    "log(x)": [(-1) ** (n - 1) * sp.factorial(n - 1) / x**n for n in range(1, 5)],
    "tanh(x)": [sp.diff(sp.tanh(x), x, n) for n in range(1, 5)],
    "atan(x)": [sp.diff(sp.atan(x), x, n) for n in range(1, 5)],
    "erf(x)": [sp.diff(sp.erf(x), x, n) for n in range(1, 5)],
}


@pytest.mark.parametrize("text", sorted(CLOSED_FORMS))
def test_derivatives_match_closed_forms(text):
    f = Function.from_text(text)
    for n, expected in enumerate(CLOSED_FORMS[text], start=1):
        assert same(f.sympy(n), expected), (text, n, f.derivative_text(n))
        assert isinstance(f.derivative_latex(n), str) and f.derivative_latex(n)


def numeric_derivative(g, x0: float, n: int, h: float = 1e-3) -> float:
    """Central differences of order n (in float64, h tuned for smooth functions)."""
    coefficients = {1: [-0.5, 0, 0.5], 2: [1, -2, 1], 3: [-0.5, 1, 0, -1, 0.5], 4: [1, -4, 6, -4, 1]}[n]
    half = (len(coefficients) - 1) // 2
    total = sum(c * g(x0 + (i - half) * h) for i, c in enumerate(coefficients))
    return total / h**n


ACTIVATIONS = ["sigmoid(x)", "tanh(x)", "softplus(x)", "gelu(x)", "silu(x)", "mish(x)", "swish(x)",
               "elu(x)", "elu(x, 0.5)", "leaky_relu(x, 0.2)", "relu(x)", "x^(2/3)", "x^(1/3)"]


@pytest.mark.parametrize("text", ACTIVATIONS)
@pytest.mark.parametrize("x0", [-1.7, -0.6, 0.45, 1.3])
def test_activation_derivatives_match_finite_differences(text, x0):
    f = Function.from_text(text)
    g = Function.from_text(text).value
    for n in range(1, 5):
        exact = f.value(x0, n)
        approx = numeric_derivative(lambda t: g(t), x0, n, h=2e-3 if n > 2 else 1e-4)
        assert exact == pytest.approx(approx, rel=2e-3, abs=2e-3), (text, n)


def test_activation_values_at_zero():
    assert Function.from_text("sigmoid(x)").value(0.0, 1) == 0.25
    assert Function.from_text("tanh(x)").value(0.0, 1) == 1.0
    assert Function.from_text("gelu(x)").value(0.0, 1) == 0.5
    assert Function.from_text("silu(x)").value(0.0, 1) == 0.5
    assert Function.from_text("softplus(x)").value(0.0, 1) == 0.5
    assert Function.from_text("mish(x)").value(0.0, 1) == pytest.approx(0.6)
    assert Function.from_text("relu(x)").value(0.0, 1) is None
    assert Function.from_text("|x|").value(0.0, 1) is None


def test_textbook_forms():
    assert Function.from_text("softplus(x)").sympy(1) == sym_sigmoid(x)
    s = sym_sigmoid(x)
    assert same(Function.from_text("sigmoid(x)").sympy(1), s * (1 - s))
    relu1 = Function.from_text("relu(x)").sympy(1)
    assert relu1.func == sp.Heaviside
    assert Function.from_text("sigmoid(x)").latex == r"\sigma\left(x\right)"
    assert "ReLU" in Function.from_text("relu(x)").latex
    assert Function.from_text("x^(1/3)").latex == r"\sqrt[3]{x}"


def test_relu_derivative_is_heaviside_away_from_zero():
    g = Function.from_text("relu(x)").numpy(1)
    xs = np.array([-2.0, -1e-9, 1e-9, 3.0, 0.0])
    np.testing.assert_array_equal(g(xs)[:4], [0.0, 0.0, 1.0, 1.0])
    assert np.isnan(g(xs)[4])
    g2 = Function.from_text("relu(x)").numpy(2)
    np.testing.assert_array_equal(g2(xs[:4]), 0.0)


def test_elu_leaky_derivatives():
    e1 = Function.from_text("elu(x, 0.5)").numpy(1)
    np.testing.assert_allclose(e1(np.array([-1.0, 2.0])), [0.5 * math.exp(-1), 1.0])
    l1 = Function.from_text("leaky_relu(x, 0.1)").numpy(1)
    np.testing.assert_allclose(l1(np.array([-1.0, 2.0])), [0.1, 1.0])


def test_chain_rule_values():
    f = Function.from_text("sin(x^2)")
    assert f.value(1.2, 1) == pytest.approx(2 * 1.2 * math.cos(1.44), rel=1e-14)
    g = Function.from_text("exp(sin(x^2))")
    assert g.value(0.7, 1) == pytest.approx(
        math.exp(math.sin(0.49)) * math.cos(0.49) * 1.4, rel=1e-14
    )


def test_derivative_orders_validated():
    f = Function.from_text("x^2")
    for bad in (0, 5, -1, 1.5, True):
        with pytest.raises(ValueError):
            f.derivative_text(bad)
    with pytest.raises(ValueError):
        f.sympy(5)


def test_derivatives_of_constants_and_text():
    f = Function.from_text("x^3 - 3x")
    assert f.text == "x**3 - 3*x"
    assert [f.derivative_text(n) for n in range(1, 5)] == ["3*x**2 - 3", "6*x", "6", "0"]


def test_derivatives_are_bounded_in_time():
    text = "".join(f"(x+{i})" for i in range(1, 60))
    f = Function.from_text(text)
    start = time.perf_counter()
    try:
        for n in range(1, 5):
            f.derivative_text(n)
    except ExpressionError:
        pass
    assert time.perf_counter() - start < 8.0


def test_no_dirac_in_evaluators():
    g = Function.from_text("|x|").numpy(2)
    out = g(np.array([-1.0, 0.5, 0.0]))
    np.testing.assert_array_equal(out[:2], [0.0, 0.0])
    assert np.isnan(out[2])


# ------------------------------------------------ rational functions: polynomial algebra, no simplify

RATIONAL = ["x^3 - 3x", "x^2 + 2x + 1", "(x^2 - 1)/(x - 1)", "1/x", "x/(x^2 + 1)", "(x + 1)^5",
            "x^4 - 2x^2", "1/(x^2 + 1)", "(x + 1)/(x - 1)", "x^2/(x - 1)", "x^3/(x^2 - 1)",
            "(3x - 2)/(x^2 + x + 1)", "(x^2 + 1)/x", "(x^2 + 1)^4", "2/(x^2 - 1)", "x(x - 1)(x - 2)"]


@pytest.mark.parametrize("text", RATIONAL)
def test_rational_derivatives_equal_sympy_diff(text):
    f = Function.from_text(text)
    for n in range(1, 5):
        assert sp.cancel(f.sympy(n) - sp.diff(f.sympy(0), x, n)) == 0, (text, n)


@pytest.mark.parametrize("text", RATIONAL)
def test_rational_derivatives_no_longer_than_simplify(text):
    """Each derivative has at most as many tree nodes as sympy.simplify makes of the raw one."""
    f = Function.from_text(text)
    for n in range(1, 3):
        raw = sp.diff(f.sympy(n - 1), x)
        tidied = f.sympy(n)
        assert node_count(tidied) <= node_count(raw), (text, n)
        assert node_count(tidied) <= node_count(sp.simplify(raw)), (text, n, tidied)


# first derivatives as a lecture writes them (quotient rule, common factors, cancelled)
LECTURE_FORMS = {
    "x^2 + 2x + 1": 2 * x + 2,
    "x/(x^2 + 1)": (1 - x**2) / (x**2 + 1) ** 2,
    "(x + 1)/(x - 1)": -2 / (x - 1) ** 2,
    "x^2/(x - 1)": x * (x - 2) / (x - 1) ** 2,
    "(x^2 - 1)/(x - 1)": sp.Integer(1),
    "(x^2 + 1)/x": 1 - 1 / x**2,
}


@pytest.mark.parametrize("text", sorted(LECTURE_FORMS))
def test_rational_derivatives_as_short_as_lecture_forms(text):
    derivative = Function.from_text(text).sympy(1)
    assert sp.cancel(derivative - LECTURE_FORMS[text]) == 0
    assert node_count(derivative) <= node_count(LECTURE_FORMS[text]), derivative


def test_polynomial_derivatives_keep_their_expanded_form():
    """On a tie in size the derivative as differentiated stays: d/dx (x³ − 3x) = 3x² − 3."""
    f = Function.from_text("x^5 - 5x^3 + 4x")
    assert f.sympy(1) == sp.diff(f.sympy(0), x)
    assert f.sympy(1).is_Add


def test_rational_forms_are_equal_and_documented_shapes():
    s = x**2 + 1
    quotient = quotient_form(sp.diff(1 / s, x, 2))
    assert sp.cancel(quotient - sp.diff(1 / s, x, 2)) == 0
    numerator, denominator = sp.fraction(quotient)
    assert denominator == s**3  # the common denominator keeps x² + 1 unexpanded
    assert sp.Poly(numerator, x).degree() == 2
    product = 8 * s**2 * (7 * x**2 + 1)
    inside = coefficient_in_sum(product)
    assert sp.expand(inside - product) == 0
    assert inside.as_coeff_mul()[0] == 1
    assert node_count(inside) < node_count(product)
    # a quotient keeps its number in front: 2(3x² − 1)/(x² + 1)³
    quotient = coefficient_in_sum((6 * x**2 - 2) / s**3)
    assert quotient.as_coeff_mul()[0] == 2
    assert sp.cancel(quotient - (6 * x**2 - 2) / s**3) == 0


def test_rational_derivatives_do_not_load_sympy_simplify_extras():
    """Polynomials and rational functions are tidied without sympy.simplify, so without
    the import of sympy.physics.units its first call brings (about 0.13 s at start-up)."""
    code = (
        "import sys\n"
        "from derivlab.expr import Function\n"
        "for text, params in [('x^3 - 3x', ()), ('x/(x^2 + 1)', ()), ('a*x^2 + b*x', ('a', 'b'))]:\n"
        "    f = Function.from_text(text, parameters=params)\n"
        "    [f.derivative_text(n) for n in range(1, 5)]\n"
        "assert 'sympy.physics.units' not in sys.modules, 'sympy.physics.units was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr
