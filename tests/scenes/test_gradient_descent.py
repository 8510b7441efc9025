"""gradient-descent scene: iterates, tangent steps, regimes and the loss panel against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from derivlab.scenes import get_scene

SCENE = get_scene("gradient-descent")


def frame(**values):
    return SCENE.compute({**SCENE.defaults(), **values}, SCENE.default_view)


@pytest.mark.parametrize(("eta", "regime"), [(0.3, "smooth"), (0.5, "one step"), (0.7, "oscillating"),
                                             (1.0, "periodic"), (1.2, "diverging")])
def test_regimes_for_x_squared(eta, regime):
    # f = x², L = 2: 1/L = 0.5, 2/L = 1; θ_t = (1 − 2η)^t θ₀.
    fr = frame(f="x^2", theta0=2.0, eta=eta, steps=15)
    assert fr.extra["regime"] == regime
    assert fr.extra["curvature"] == pytest.approx(2.0)
    np.testing.assert_allclose(fr.extra["thetas"], 2.0 * (1 - 2 * eta) ** np.arange(16), rtol=1e-12, atol=1e-300)


def test_tangent_steps_end_on_the_tangent_line():
    eta, theta0 = 0.3, 2.0
    fr = frame(f="x^2 - 2x", theta0=theta0, eta=eta, steps=3)
    steps = fr.drawable("tangent_steps")
    # First run: from (2, 0) along slope f′(2) = 2 to θ₁ = 2 − 0.3·2 = 1.4, height 0 + 2·(−0.6) = −1.2.
    np.testing.assert_allclose(steps.x[:2], [2.0, 1.4])
    np.testing.assert_allclose(steps.y[:2], [0.0, -1.2])
    drops = fr.drawable("drops")
    np.testing.assert_allclose(drops.y[:2], [-1.2, 1.4**2 - 2 * 1.4])


def test_loss_gap_panel_is_the_closed_form_on_a_log_axis():
    eta, theta0, L = 0.2, 1.5, 3.0
    fr = frame(f="1.5 (x - 1)^2 + 2", theta0=theta0, eta=eta, steps=25)
    assert fr.extra["minimiser"] == pytest.approx(1.0)
    panel = fr.panel("loss")
    assert panel.y_log
    t = np.arange(26)
    expected = np.log10(0.5 * L * ((1 - eta * L) ** t * (theta0 - 1.0)) ** 2)
    np.testing.assert_allclose(panel.drawable("closed_form").y, expected, atol=1e-5)
    np.testing.assert_allclose(panel.drawable("loss").y, expected, atol=1e-5)
    # The slope of the log gap per step is 2 log₁₀|1 − ηL|.
    assert np.diff(panel.drawable("loss").y)[:10] == pytest.approx(2 * math.log10(abs(1 - eta * L)), abs=1e-6)


def test_divergence_is_reported():
    fr = frame(f="x^2", theta0=1.0, eta=3.0, steps=60)
    assert fr.extra["regime"] == "diverging" and "too large" in fr.message
    assert np.isnan(fr.extra["thetas"][-1])


def test_momentum_and_adam_reach_the_minimum_of_a_double_well():
    f = "x^4 - 3x^2 + x"
    for optimizer, eta in (("momentum", 0.02), ("adam", 0.05)):
        fr = frame(f=f, theta0=-0.3, eta=eta, steps=200, optimizer=optimizer)
        m = fr.extra["minimiser"]
        assert 4 * m**3 - 6 * m + 1 == pytest.approx(0, abs=1e-10) and m < 0
        assert fr.extra["thetas"][-1] == pytest.approx(m, abs=2e-3)
        assert "for plain gradient descent" in fr.caption


def test_no_minimum_uses_a_linear_loss_axis():
    fr = frame(f="-x^2", theta0=0.5, eta=0.1, steps=10)
    assert fr.extra["minimiser"] is None and not fr.panel("loss").y_log
    assert fr.extra["regime"] == "not convex"
