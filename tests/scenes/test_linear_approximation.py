"""linear-approximation: the error of the tangent line against closed forms."""

import numpy as np
import pytest

from derivlab.model import View
from derivlab.scenes import get_scene
from derivlab.scenes.base import typed_function
from derivlab.scenes.linear_approximation import fitted_slope, linearization_error, step_grid


def readouts(frame):
    return {r.symbol: r.value for r in frame.readouts}


def test_error_of_a_cubic_is_exactly_3a_h2_plus_h3():
    # f = x³ − 3x: f(a+h) − f(a) − f′(a)h = 3a·h² + h³, down to h = 10⁻⁸ (50-digit arithmetic).
    a = 0.5
    h = np.array([1.0, 0.1, 1e-4, 1e-8, -1e-8, -0.3])
    error = linearization_error(typed_function("x^3 - 3x"), a, h)
    assert error == pytest.approx(np.abs(3 * a * h**2 + h**3), rel=1e-12)


def test_defaults_show_slope_two_and_error_that_is_o_of_h():
    scene = get_scene("linear-approximation")
    frame = scene.compute(scene.defaults(), scene.default_view)
    values = readouts(frame)
    a, h = 0.5, 0.6
    assert values["f′(a)"] == pytest.approx(3 * a**2 - 3)
    assert values["E(h)"] == pytest.approx(abs(3 * a * h**2 + h**3), rel=1e-12)
    assert values["E(h)/|h|"] == pytest.approx(abs(3 * a * h + h**2), rel=1e-12)
    assert values["|f″(a)|/2"] == pytest.approx(3 * a)
    assert values["fitted slope p"] == pytest.approx(2.0, abs=1e-3)
    panel = frame.panel("error")
    assert panel.x_log and panel.y_log
    assert panel.view.x_min <= -8 and panel.view.x_max >= 0
    # The reference line has slope 2 in log-log coordinates.
    ref = panel.drawable("reference_slope_2")
    assert np.diff(ref.y) / np.diff(ref.x) == pytest.approx(2.0)
    # The plotted error curve is log10 of E over log10 |h| from 10⁻⁸ to 1.
    curve = panel.drawable("error_right")
    assert curve.x[0] == pytest.approx(-8) and curve.x[-1] == pytest.approx(0)
    steps = 10.0 ** curve.x
    assert 10.0 ** curve.y == pytest.approx(np.abs(3 * a * steps**2 + steps**3), rel=1e-9)
    # E(h)/|h| shrinks with h: o(h).
    ratio = 10.0 ** (curve.y - curve.x)
    assert np.all(np.diff(ratio) > 0) and ratio[0] < 1e-7


@pytest.mark.parametrize(
    ("f", "a", "p"),
    [("e^x", 1.0, 2.0), ("sin(x)", 0.0, 3.0), ("x^3", 0.0, 3.0), ("|x|^(3/2)", 0.0, 1.5), ("cos(x)", 0.0, 2.0)],
)
def test_fitted_slope_is_the_order_of_the_first_nonlinear_term(f, a, p):
    frame = get_scene("linear-approximation").compute({"f": f, "a": a, "h": 0.5}, View())
    assert readouts(frame)["fitted slope p"] == pytest.approx(p, abs=1e-3)


def test_tangent_line_is_the_linearisation():
    frame = get_scene("linear-approximation").compute({"f": "e^x", "a": 1.0, "h": 0.1}, View())
    tangent = frame.drawable("tangent")
    assert np.allclose(tangent.y, np.e + np.e * (tangent.x - 1.0))
    error = frame.drawable("error")
    assert error.x.tolist() == pytest.approx([1.1, 1.1])
    assert sorted(error.y) == pytest.approx(sorted([np.e * 1.1, np.exp(1.1)]))
    assert readouts(frame)["E(h)"] == pytest.approx(np.exp(1.1) - 1.1 * np.e, rel=1e-12)


def test_no_tangent_at_a_corner_and_no_panel_for_a_line():
    scene = get_scene("linear-approximation")
    frame = scene.compute({"f": "|x|", "a": 0.0, "h": 0.5}, View())
    assert "undefined" in frame.message and "tangent" not in {d.key for d in frame.drawables}
    assert readouts(frame)["f′(a)"] is None
    line = scene.compute({"f": "2x + 1", "a": 0.3, "h": 0.5}, View())
    assert line.panels == () and "E(h) = 0" in line.message
    assert scene.compute({"f": "log(x)", "a": -1.0, "h": 0.5}, View()).message


def test_fitted_slope_and_step_grid():
    steps = step_grid()
    assert steps[0] == pytest.approx(1e-8) and steps[-1] == pytest.approx(1.0) and len(steps) == 81
    assert fitted_slope(steps, 7 * steps**2) == pytest.approx(2.0)
    assert fitted_slope(np.array([1e-3]), np.array([1e-6])) is None
