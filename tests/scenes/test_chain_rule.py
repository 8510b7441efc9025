"""chain-rule scene: the product of local slopes against the symbolic derivative of the composite."""

from __future__ import annotations

import math

import numpy as np
import pytest

from derivlab.scenes import get_scene
from derivlab.scenes.chain_rule import PRESETS, composite

SCENE = get_scene("chain-rule")


def values_for(preset=None, **extra):
    values = SCENE.defaults()
    if preset is not None:
        values["preset"] = preset
        values.update(SCENE.linked_values({"preset": preset}, values))  # "custom" changes nothing
    values.update(extra)
    return values


def frame(preset=None, **extra):
    return SCENE.compute(values_for(preset, **extra), SCENE.default_view)


def test_sin_of_x_squared():
    a = 0.8
    fr = frame("sin(x²)", a=a)
    assert fr.extra["product"] == pytest.approx(math.cos(a * a) * 2 * a, rel=1e-14)
    assert fr.extra["exact"] == pytest.approx(math.cos(a * a) * 2 * a, rel=1e-14)
    assert [f["slope"] for f in fr.extra["factors"]] == pytest.approx([2 * a, math.cos(a * a)], rel=1e-14)


def test_three_factors_of_e_to_the_sin_of_x_squared():
    a = 1.1
    fr = frame("e^(sin(x²))", a=a)
    factors = fr.extra["factors"]
    assert [f["name"] for f in factors] == ["h", "g", "f"]
    expected = [2 * a, math.cos(a * a), math.exp(math.sin(a * a))]
    assert [f["slope"] for f in factors] == pytest.approx(expected, rel=1e-14)
    assert fr.extra["product"] == pytest.approx(math.prod(expected), rel=1e-14)
    assert fr.extra["exact"] == pytest.approx(math.prod(expected), rel=1e-14)
    assert "(f∘g∘h)′(a) = " in fr.caption
    assert {p.key for p in fr.panels} == {"layer_g", "layer_f", "composite"}


@pytest.mark.parametrize(("f", "g", "h"), [
    ("e^x", "sin(x)", "x^2"),
    ("log(1 + x^2)", "tanh(x)", "x"),
    ("sigmoid(x)", "3x - 1", "x"),
    ("x^3 - x", "cos(x)", "2x + 1"),
    ("sqrt(x)", "1 + x^2", "x"),
    ("softplus(x)", "x e^(-x)", "sin(x)"),
])
def test_product_matches_symbolic_derivative_of_composite_at_random_points(f, g, h):
    rng = np.random.default_rng(7)
    for a in rng.uniform(-1.5, 1.5, 6):
        fr = frame("custom", f=f, g=g, h=h, a=float(a))
        assert fr.extra["product"] == pytest.approx(fr.extra["exact"], rel=1e-12, abs=1e-14)


def test_composite_is_built_from_the_checked_expressions():
    F = composite(("e^x", "sin(x)", "x^2"))
    assert F.text == "exp(sin(x**2))"
    assert F.value(0.5, 1) == pytest.approx(math.exp(math.sin(0.25)) * math.cos(0.25) * 1.0, rel=1e-14)


def test_stretch_ratios_tend_to_the_local_slopes():
    a = 0.7
    ratios = []
    for delta in (0.1, 0.01, 0.001):
        fr = frame("sin(x²)", a=a, delta=delta)
        ends = fr.extra["ends"]
        ratios.append((ends[-1][1] - ends[-1][0]) / (ends[0][1] - ends[0][0]))
        rows = fr.tables[0].rows
        assert rows[0][0] == "g" and float(rows[0][3]) == pytest.approx(2 * a, rel=1e-12)  # x² stretches by exactly 2a
    exact = math.cos(a * a) * 2 * a
    errors = [abs(r - exact) for r in ratios]
    assert errors[0] > errors[1] > errors[2] and errors[2] < 1e-5


def test_presets_and_custom_switch():
    for name, texts in PRESETS.items():
        values = values_for(name)
        assert (values["f"], values["g"], values["h"]) == texts
    values = values_for("sin(x²)")
    values["f"] = "cos(x)"
    assert SCENE.linked_values({"f": "cos(x)"}, values) == {"preset": "custom"}


def test_a_broken_layer_is_reported():
    fr = frame("custom", f="|x|", g="x - 1", h="x", a=1.0)
    assert fr.extra["product"] is None and "chain breaks" in fr.message
