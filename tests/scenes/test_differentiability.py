"""The differentiability scene against closed forms: one-sided secant slopes and the verdict."""

import math

import numpy as np
import pytest

from derivlab.model import View
from derivlab.scenes import get_scene
from derivlab.scenes.base import typed_function
from derivlab.scenes.differentiability import (
    PRESETS,
    function_text,
    ray_in_view,
    robust_range,
    verdict_caption,
)

SCENE = get_scene("differentiability")


def frame_for(**values):
    full = SCENE.defaults() | values
    return SCENE.compute(full, SCENE.default_view)


def readouts(frame):
    return {r.symbol: r for r in frame.readouts}


def slope_of(curve):
    return (curve.y[1] - curve.y[0]) / (curve.x[1] - curve.x[0])


def test_corner_of_abs_has_slopes_minus_one_and_one():
    frame = frame_for(preset="corner", f="|x|", a=0.0, h=0.4)
    r = readouts(frame)
    assert r["(f(a) − f(a − h))/h"].value == -1.0
    assert r["(f(a + h) − f(a))/h"].value == 1.0
    assert r["f′₋(a)"].value == -1.0 and r["f′₊(a)"].value == 1.0
    assert r["verdict"].text == "corner"
    assert frame.caption == "corner: left slope −1, right slope 1"
    assert slope_of(frame.drawable("secant_left")) == pytest.approx(-1.0)
    assert slope_of(frame.drawable("secant_right")) == pytest.approx(1.0)
    assert "tangent" not in {d.key for d in frame.drawables}


def test_relu_is_a_corner_with_slopes_zero_and_one():
    frame = frame_for(preset="relu", f="relu(x)", a=0.0, h=1e-3)
    assert frame.caption == "corner: left slope 0, right slope 1"


@pytest.mark.parametrize("a,h", [(1.0, 0.5), (1.0, 1e-3), (-0.7, 0.25)])
def test_secants_of_x_squared_have_slopes_2a_minus_h_and_2a_plus_h(a, h):
    frame = frame_for(preset="smooth", f="x^2", a=a, h=h)
    r = readouts(frame)
    assert r["(f(a) − f(a − h))/h"].value == pytest.approx(2 * a - h, abs=1e-12)
    assert r["(f(a + h) − f(a))/h"].value == pytest.approx(2 * a + h, abs=1e-12)
    assert r["verdict"].text == "differentiable"
    tangent = frame.drawable("tangent")
    assert slope_of(tangent) == pytest.approx(2 * a)
    assert frame.caption.startswith("differentiable: left slope")
    # The slope panel: the same closed forms at every h from 10⁻⁸ to 1.
    panel = frame.panel("slopes")
    assert panel.x_log and panel.view.x_min < -8 and panel.view.x_max > 0
    left, right = panel.drawable("slopes_left"), panel.drawable("slopes_right")
    hs = 10.0 ** left.x
    assert np.allclose(left.y, 2 * a - hs, atol=1e-7)
    assert np.allclose(right.y, 2 * a + hs, atol=1e-7)
    now = panel.drawable("slope_right_now")
    assert now.x[0] == pytest.approx(math.log10(h)) and now.y[0] == pytest.approx(2 * a + h)


def test_cusp_and_vertical_tangent():
    cusp = frame_for(preset="cusp", f="x^2")  # preset chooses f when f is a preset's formula
    assert readouts(cusp)["verdict"].text == "cusp"
    assert cusp.caption == "cusp: left slope −∞, right slope ∞"
    # x^(2/3) at a = 0: the right slope is h^(2/3)/h = h^(−1/3).
    assert readouts(cusp)["(f(a + h) − f(a))/h"].value == pytest.approx(0.4 ** (-1 / 3))
    vertical = frame_for(preset="vertical-tangent", f="x^2")
    assert readouts(vertical)["verdict"].text == "vertical tangent"
    assert readouts(vertical)["(f(a) − f(a − h))/h"].value == pytest.approx(0.4 ** (-2 / 3))


def test_x_squared_sin_one_over_x_is_differentiable_after_filling_f_of_0():
    frame = frame_for(preset="damped-oscillation", f=PRESETS["damped-oscillation"][0], a=0.0, h=0.1)
    d = frame.extra["classification"]
    assert d.classification == "differentiable" and d.derivative == 0.0 and d.removable and d.value == 0.0
    point = frame.drawable("point_a")
    assert point.x[0] == 0.0 and point.y[0] == 0.0  # drawn from the limit, though f(0) is undefined as typed
    # (h² sin(1/h) − 0)/h = h sin(1/h)
    assert readouts(frame)["(f(a + h) − f(a))/h"].value == pytest.approx(0.1 * math.sin(10.0))
    assert "undefined as typed" in frame.message
    panel = frame.panel("slopes")
    hs = 10.0 ** panel.drawable("slopes_right").x
    assert np.allclose(panel.drawable("slopes_right").y, hs * np.sin(1 / hs), atol=1e-9)


def test_x_sin_one_over_x_has_no_limit():
    frame = frame_for(preset="oscillation", f=PRESETS["oscillation"][0], a=0.0, h=0.1)
    r = readouts(frame)
    assert r["verdict"].text == "no limit"
    assert r["f′₋(a)"].text == "no limit"
    assert r["(f(a + h) − f(a))/h"].value == pytest.approx(math.sin(10.0))
    assert frame.caption == "no limit: left slope no limit, right slope no limit"


def test_weierstrass_preset_is_the_finite_sum():
    f = typed_function(PRESETS["weierstrass"][0])
    x = np.array([-0.7, 0.0, 0.3, 1.1])
    expected = sum(0.5**n * np.cos(3**n * np.pi * x) for n in range(8))
    assert np.allclose(f.numpy(0)(x), expected, atol=1e-12)
    frame = frame_for(preset="weierstrass", f="x^2", a=0.0, h=0.4)
    assert readouts(frame)["verdict"].text == "differentiable"  # eight terms are smooth
    assert readouts(frame)["f′₋(a)"].text == "0"
    assert frame.drawable("point_a").y[0] == pytest.approx(2 - 0.5**7)
    # At a = 0.3: f′(0.3) = −Σ 0.5ⁿ·3ⁿπ·sin(3ⁿπ·0.3), and the secants tend to it.
    frame = frame_for(preset="weierstrass", f="x^2", a=0.3, h=1e-8)
    exact = -sum(0.5**n * 3**n * np.pi * np.sin(3**n * np.pi * 0.3) for n in range(8))
    assert frame.extra["classification"].derivative == pytest.approx(exact, rel=1e-12)
    assert readouts(frame)["(f(a + h) − f(a))/h"].value == pytest.approx(exact, rel=1e-3)


def test_preset_sets_f_and_typing_f_switches_to_custom():
    assert SCENE.linked_values({"preset": "cusp"}, {"preset": "cusp", "f": "|x|"}) == {"f": "x^(2/3)"}
    assert SCENE.linked_values({"f": "sin(x)"}, {"preset": "cusp", "f": "sin(x)"}) == {"preset": "custom"}
    assert SCENE.linked_values({"f": "x^(2/3)"}, {"preset": "cusp", "f": "x^(2/3)"}) == {}
    assert SCENE.linked_values({"preset": "custom"}, {"preset": "custom", "f": "sin(x)"}) == {}
    assert function_text({"preset": "corner", "f": "sin(x)"}) == "sin(x)"  # a typed f wins
    assert function_text({"preset": "cusp", "f": "|x|"}) == "x^(2/3)"
    assert function_text({"preset": "custom", "f": "|x|"}) == "|x|"


def test_presets_apply_through_the_state_and_presenter_rule():
    state = SCENE.new_state()
    state.set("preset", "relu")
    state.update(SCENE.linked_values({"preset": "relu"}, state.as_dict()))
    assert state["f"] == "relu(x)"


def test_undefined_point_gives_a_message_not_a_crash():
    frame = frame_for(preset="custom", f="1/x", a=0.0)
    assert "undefined" in frame.message
    assert readouts(frame)["verdict"].text == "undefined"
    assert not frame.panels


def test_custom_function_sign_is_not_continuous():
    frame = frame_for(preset="custom", f="sign(x)", a=0.0, h=0.1)
    assert readouts(frame)["verdict"].text == "not continuous"


def test_rays_are_cut_to_the_view():
    view = View(-1, 1, -1, 1)
    x, y = ray_in_view(0.0, 0.0, 1e6, 1, view)
    assert x[0] == 0.0 and abs(y[1]) <= 1.1 and np.all(np.diff(x) > 0)
    x, y = ray_in_view(0.0, 0.0, -1.0, -1, view)
    assert x[0] == 0.0 and x[1] < -1 and y[1] == pytest.approx(-x[1])
    x, y = ray_in_view(0.0, 5.0, 0.0, 1, view)  # above the view: nothing to draw
    assert np.isnan(x).all()
    x, y = ray_in_view(0.0, 1.99, 5.3, -1, view)  # starts above the view, enters it going left
    assert np.all(np.abs(y) <= 1.1 + 1e-12) and x[1] < x[0] <= 0


def test_robust_range_ignores_nan_and_infinities():
    values = np.array([np.nan, np.inf, -np.inf, *np.linspace(-1, 1, 101)])
    lo, hi = robust_range(values)
    assert -1.5 < lo < -0.9 and 0.9 < hi < 1.5
    assert robust_range(np.array([np.nan])) == (-1.0, 1.0)
    lo, hi = robust_range(np.full(5, 3.0))
    assert lo < 3.0 < hi


def test_caption_names_the_derivative_when_differentiable():
    from derivlab.expr import classify_differentiability

    d = classify_differentiability(typed_function("x^3 - 3x"), 2.0)
    assert verdict_caption(d, 2.0) == "differentiable: left slope 9, right slope 9, f′(2) = 9"
