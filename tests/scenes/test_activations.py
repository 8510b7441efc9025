"""activations scene: the classic derivative values, softplus′ = σ, and the depth panel."""

from __future__ import annotations

import math

import numpy as np
import pytest

from derivlab.model import View
from derivlab.scenes import get_scene
from derivlab.scenes.activations import (
    ACTIVATIONS,
    activation,
    derivative_at,
    mean_local_derivative,
)

SCENE = get_scene("activations")


def frame(**values):
    return SCENE.compute({**SCENE.defaults(), **values}, SCENE.default_view)


@pytest.mark.parametrize(("name", "value"), [("sigmoid", 0.25), ("tanh", 1.0), ("gelu", 0.5),
                                              ("softplus", 0.5), ("silu", 0.5), ("elu", 1.0)])
def test_derivatives_at_zero(name, value):
    assert derivative_at(name, 0.0)[0] == pytest.approx(value, abs=1e-14)


def test_relu_has_a_corner_at_zero():
    slope, text = derivative_at("relu", 0.0)
    assert slope is None and "corner" in text


def test_softplus_derivative_is_the_sigmoid():
    z = np.linspace(-8, 8, 101)
    np.testing.assert_allclose(activation("softplus").numpy(1)(z), 1 / (1 + np.exp(-z)), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_symbolic_derivatives_match_central_differences(name):
    z = np.array([-2.3, -0.7, 0.4, 1.9])
    f, df = activation(name).numpy(0), activation(name).numpy(1)
    h = 1e-6
    np.testing.assert_allclose(df(z), (f(z + h) - f(z - h)) / (2 * h), rtol=1e-6, atol=1e-8)


def test_sigmoid_tangent_and_readouts():
    fr = frame(activation="sigmoid", z0=1.0)
    s = 1 / (1 + math.exp(-1.0))
    assert fr.extra["slope"] == pytest.approx(s * (1 - s), rel=1e-12)
    tangent = fr.drawable("tangent")
    slope = (tangent.y[1] - tangent.y[0]) / (tangent.x[1] - tangent.x[0])
    assert slope == pytest.approx(s * (1 - s), rel=1e-9)
    readouts = {r.symbol: r for r in fr.readouts}
    assert readouts["σ′(0)"].value == 0.25
    assert readouts["max σ′"].value == pytest.approx(0.25, abs=1e-9)


def test_depth_panel_sigmoid_under_its_bound_and_near_its_expectation():
    fr = frame(activation="sigmoid", depth=25, distribution="normal", spread=1.0, seed=0)
    layers = fr.extra["layers"]
    mean = fr.extra["mean_product"]
    assert np.all(mean <= 0.25**layers)
    e = mean_local_derivative("sigmoid", "normal", 1.0)
    assert e == pytest.approx(0.2066, abs=2e-4)
    np.testing.assert_allclose(mean, e**layers, rtol=0.05)
    panel = fr.panel("depth")
    assert panel.y_log
    np.testing.assert_allclose(panel.drawable("bound").y, layers * math.log10(0.25))
    np.testing.assert_allclose(panel.drawable("relu").y, layers * math.log10(0.5))


def test_depth_panel_legend_names_each_line_once():
    """The depth panel's curves carry their own legend labels, in the activation's symbol;
    of the drawn single chains only the first is named."""
    panel = frame(activation="tanh").panel("depth")
    named = {d.key: d.label for d in panel.drawables if d.label}
    symbol = ACTIVATIONS["tanh"][1]
    assert named == {"chain_0": "single chains", "bound": "(1/4)ᴸ, sigmoid bound", "relu": "(1/2)ᴸ, ReLU",
                     "expected": f"(E|{symbol}′(z)|)ᴸ", "mean": f"mean of |∏ {symbol}′(zₖ)|"}
    assert panel.y_name == f"|∏ {symbol}′|"


def test_relu_expectation_is_one_half_per_layer_and_chains_die():
    fr = frame(activation="relu", depth=40, distribution="normal")
    assert fr.extra["mean_local_derivative"] == pytest.approx(0.5, abs=1e-6)
    mean = fr.extra["mean_product"]
    p = 0.5 ** np.arange(1, 9)
    standard_error = np.sqrt(p * (1 - p) / 4000)  # the fraction of 4000 chains still alive
    assert np.all(np.abs(mean[:8] - p) < 4 * standard_error)
    assert mean[-1] == 0 and "every one" in fr.message


def test_uniform_tanh_expectation():
    # E|tanh′(z)| for z ~ U(−s, s) is tanh(s)/s.
    s = 2.0
    assert mean_local_derivative("tanh", "uniform", s) == pytest.approx(math.tanh(s) / s, rel=1e-6)


def test_every_activation_computes_in_a_zoomed_view():
    for name in ACTIVATIONS:
        fr = SCENE.compute({**SCENE.defaults(), "activation": name, "depth": 5}, View(-1, 1, -1, 1))
        assert fr.drawable("activation").x.size > 100
