from __future__ import annotations

import warnings

import numpy as np
import pytest

from derivlab.expr import Function

TEXTS = ["log(x)", "sqrt(x)", "1/x", "x/x", "asin(x)", "acos(2x)", "x^(3/2)", "x^(-1/3)",
         "log(x) sqrt(x-1)", "tan(x)", "exp(1000 x)", "sigmoid(x)", "softplus(x)", "gelu(x)",
         "mish(x)", "elu(x)", "relu(x)", "|x|", "sign(x)", "erf(x)", "x sin(1/x)", "2^x", "x^x"]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_preserved_and_no_warnings(text, dtype):
    xs = np.linspace(-3, 3, 61).astype(dtype)
    f = Function.from_text(text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for n in range(0, 3):
            out = f.numpy(n)(xs)
            assert out.dtype == dtype
            assert out.shape == xs.shape


def test_domain_errors_are_nan_or_inf():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(Function.from_text("log(x)")(np.array([-1.0]))[0])
        assert Function.from_text("log(x)")(np.array([0.0]))[0] == -np.inf
        assert np.isnan(Function.from_text("sqrt(x)")(np.array([-1.0]))[0])
        assert np.isinf(Function.from_text("1/x")(np.array([0.0]))[0])
        assert np.isnan(Function.from_text("x^(3/2)")(np.array([-4.0]))[0])
        assert np.isnan(Function.from_text("asin(x)")(np.float64(2.0)))


def test_float32_close_to_float64():
    xs = np.linspace(-2, 2, 101)
    for text in ["sin(x^2)", "sigmoid(3x)", "gelu(x)", "x^(2/3)", "2x e^(-x)"]:
        f = Function.from_text(text)
        for n in range(3):
            g = f.numpy(n)
            np.testing.assert_allclose(g(xs.astype(np.float32)), g(xs), rtol=2e-5, atol=2e-5)


def test_scalars_and_constants():
    f = Function.from_text("x^2")
    out = f(3.0)
    assert out == 9.0 and np.ndim(out) == 0
    out32 = f(np.float32(3.0))
    assert out32.dtype == np.float32
    c = Function.from_text("5")
    xs = np.zeros((4, 3), dtype=np.float32)
    assert c(xs).shape == (4, 3) and c(xs).dtype == np.float32
    assert np.all(c.numpy(1)(xs) == 0)
    ints = f(np.array([1, 2, 3]))
    assert ints.dtype == np.float64


def test_parameters_broadcast():
    f = Function.from_text("a x + b", parameters=("a", "b"))
    xs = np.array([0.0, 1.0, 2.0])
    np.testing.assert_allclose(f(xs, a=2.0, b=1.0), [1, 3, 5])
    grid = f(xs[None, :], a=np.array([[1.0], [2.0]]), b=0.0)
    assert grid.shape == (2, 3)
    np.testing.assert_allclose(f(xs, a=2.0, b=1.0, unused=5.0), [1, 3, 5])
    assert f.numpy(1)(xs, a=3.0, b=0.0).tolist() == [3.0, 3.0, 3.0]


def test_stable_activations_at_extremes():
    xs = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = Function.from_text("sigmoid(x)")(xs)
        np.testing.assert_allclose(s, [0, 1 / (1 + np.exp(50)), 0.5, 1 / (1 + np.exp(-50)), 1])
        sp_ = Function.from_text("softplus(x)")(xs)
        np.testing.assert_allclose(sp_, [0, np.log1p(np.exp(-50)), np.log(2), 50 + np.log1p(np.exp(-50)), 1000])
        assert np.all(np.isfinite(Function.from_text("mish(x)")(xs)))


def test_value_accuracy():
    f = Function.from_text("sin(x)")
    assert f.value(1e-20) == 1e-20
    g = Function.from_text("(exp(x) - 1)/x")
    assert g.value(1e-12) == pytest.approx(1 + 5e-13, rel=1e-15)
    assert g.value(0.0) is None
    assert Function.from_text("1/x").value(0.0) is None
    assert Function.from_text("log(x)").value(-1.0) is None
    assert Function.from_text("x^2").value(3.0, 2) == 2.0
