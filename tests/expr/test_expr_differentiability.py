from __future__ import annotations

import math
import time

import pytest

from derivlab.expr import CLASSIFICATIONS, Differentiability, Function, classify_differentiability
from derivlab.expr import differentiability as module

CASES = [
    ("x^2", 1.0, "differentiable", 2.0, 2.0),
    ("|x|", 0.0, "corner", -1.0, 1.0),
    ("relu(x)", 0.0, "corner", 0.0, 1.0),
    ("leaky_relu(x, 0.1)", 0.0, "corner", 0.1, 1.0),
    ("x^(2/3)", 0.0, "cusp", -math.inf, math.inf),
    ("x^(1/3)", 0.0, "vertical_tangent", math.inf, math.inf),
    ("x sin(1/x)", 0.0, "no_limit", math.nan, math.nan),
    ("x^2 sin(1/x)", 0.0, "differentiable", 0.0, 0.0),
    ("elu(x)", 0.0, "differentiable", 1.0, 1.0),
    ("sigmoid(x)", 0.0, "differentiable", 0.25, 0.25),
    ("x|x|", 0.0, "differentiable", 0.0, 0.0),
    ("|x - 1| + x", 1.0, "corner", 0.0, 2.0),
    ("sign(x)", 0.0, "not_continuous", math.inf, math.inf),
    ("1/x", 0.0, "undefined", math.nan, math.nan),
    ("sin(1/x)", 0.0, "undefined", math.nan, math.nan),
]


def _same(a: float, b: float) -> bool:
    if math.isnan(b):
        return math.isnan(a)
    if math.isinf(b):
        return a == b
    return a == pytest.approx(b, abs=1e-9)


@pytest.mark.parametrize(("text", "a", "kind", "left", "right"), CASES)
def test_exact_classification(text, a, kind, left, right):
    f = Function.from_text(text)
    result = classify_differentiability(f, a)
    assert isinstance(result, Differentiability)
    assert result.classification == kind
    assert result.classification in CLASSIFICATIONS
    assert _same(result.left, left) and _same(result.right, right), result
    if kind == "differentiable":
        assert result.derivative == pytest.approx(left, abs=1e-9)
    else:
        assert result.derivative is None


@pytest.mark.parametrize(("text", "a", "kind", "left", "right"), CASES)
def test_numerical_fallback_agrees(text, a, kind, left, right):
    result = module._numerical(Function.from_text(text), a, {})
    assert result.exact is False
    assert result.classification == kind
    assert _same(result.left, left) and _same(result.right, right), result


def test_removable_singularity_uses_limit():
    result = classify_differentiability(Function.from_text("x sin(1/x)"), 0.0)
    assert result.removable and result.value == 0.0
    result = classify_differentiability(Function.from_text("sin(x)/x"), 0.0)
    assert result.removable and result.value == pytest.approx(1.0)
    assert result.classification == "differentiable" and result.derivative == pytest.approx(0.0)


def test_one_sided_domain():
    result = classify_differentiability(Function.from_text("sqrt(x)"), 0.0)
    assert result.classification == "no_limit"
    assert math.isnan(result.left) and result.right == math.inf


def test_parameters_and_timeout():
    f = Function.from_text("|x - c|", parameters=("c",))
    assert classify_differentiability(f, 0.5, {"c": 0.5}).classification == "corner"
    with pytest.raises(TypeError):
        classify_differentiability(f, 0.5)
    g = Function.from_text("x^2 sin(1/x)")
    start = time.perf_counter()
    result = classify_differentiability(g, 0.0, time_limit=0.0)
    assert time.perf_counter() - start < 0.5
    assert result.exact is False and result.classification == "differentiable"


def test_exact_flag_and_frozen():
    result = classify_differentiability(Function.from_text("x^2"), 1.0)
    assert result.exact is True and result.derivative == 2.0
    with pytest.raises(AttributeError):
        result.left = 0.0  # type: ignore[misc]
