"""The motion scene against closed forms: distance, speed, and the kink where the speed jumps."""

import numpy as np
import pytest

from derivlab.scenes import get_scene
from derivlab.scenes.motion import PRESETS, distance_function

SCENE = get_scene("motion")


def frame_for(**values):
    return SCENE.compute(SCENE.defaults() | values, SCENE.default_view)


def readouts(frame):
    return {r.symbol: r for r in frame.readouts}


def test_speed_jump_makes_a_kink_with_one_sided_slopes_40_and_80():
    frame = frame_for(preset="speed jump", t=0.5)
    assert frame.extra["s"] == 20.0
    assert frame.extra["speed"] is None
    assert frame.extra["left"] == 40.0 and frame.extra["right"] == 80.0
    r = readouts(frame)
    assert r["s′(t)"].text == "does not exist"
    assert r["left slope"].text == "40 km/h" and r["right slope"].text == "80 km/h"
    assert frame.caption == "t = 0.5 h: a kink in s; one-sided slopes 40 and 80 km/h"
    left, right = frame.drawable("tangent_left"), frame.drawable("tangent_right")
    assert np.allclose(np.diff(left.y) / np.diff(left.x), 40.0) and np.allclose(np.diff(right.y) / np.diff(right.x), 80.0)
    # The one-sided difference quotients of s itself, computed here with numpy.
    s = distance_function(PRESETS["speed jump"].distance).numpy(0)
    for h in (1e-2, 1e-4, 1e-6):
        assert (s(0.5) - s(0.5 - h)) / h == pytest.approx(40.0, rel=1e-8)
        assert (s(0.5 + h) - s(0.5)) / h == pytest.approx(80.0, rel=1e-8)


@pytest.mark.parametrize("t,s,v", [(0.2, 8.0, 40.0), (0.8, 44.0, 80.0), (1.0, 60.0, 80.0), (0.0, 0.0, 40.0)])
def test_speed_jump_away_from_the_kink(t, s, v):
    frame = frame_for(preset="speed jump", t=t)
    assert frame.extra["s"] == pytest.approx(s) and frame.extra["speed"] == pytest.approx(v)
    assert readouts(frame)["s′(t)"].text == f"{v:g} km/h"
    point = frame.panel("speed").drawable("speed_point")
    assert point.x[0] == t and point.y[0] == pytest.approx(v)


def test_speed_panel_is_40_then_80_with_a_gap_at_the_jump():
    frame = frame_for(preset="speed jump", t=0.3)
    panel = frame.panel("speed")
    curve = panel.drawable("speed")
    x, v = curve.x, curve.y
    assert np.allclose(v[(x > 0) & (x < 0.49)], 40.0) and np.allclose(v[(x > 0.51) & (x < 1)], 80.0)
    assert np.isnan(v[np.argmin(np.abs(x - 0.5))])  # no vertical line at t = 0.5
    assert np.isnan(v[x < 0]).all()  # the trip starts at t = 0
    assert (panel.view.x_min, panel.view.x_max) == (SCENE.default_view.x_min, SCENE.default_view.x_max)
    assert panel.view.y_min < 0 < 80 < panel.view.y_max
    assert panel.x_name == "t (h)" and "km/h" in panel.y_name
    assert frame.x_name == "t (h)" and frame.y_name == "s (km)"


def test_constant_speed_and_smooth_acceleration():
    frame = frame_for(preset="constant speed", t=0.3)
    assert frame.extra["s"] == pytest.approx(18.0) and frame.extra["speed"] == pytest.approx(60.0)
    tangent = frame.drawable("tangent")
    assert np.allclose(np.diff(tangent.y) / np.diff(tangent.x), 60.0)
    frame = frame_for(preset="smooth acceleration", t=0.6)
    assert frame.extra["s"] == pytest.approx(50 * 0.36) and frame.extra["speed"] == pytest.approx(100 * 0.6)
    tangent = frame.drawable("tangent")
    assert np.interp(0.6, tangent.x, tangent.y) == pytest.approx(18.0)
    curve = frame.drawable("distance")
    inside = (curve.x >= 0) & (curve.x <= 1)
    assert np.allclose(curve.y[inside], 50 * curve.x[inside] ** 2)


def test_units_are_in_the_labels():
    frame = frame_for(preset="smooth acceleration", t=0.5)
    r = readouts(frame)
    assert r["t"].text == "0.5 h" and r["s(t)"].text == "12.5 km" and r["s′(t)"].text == "50 km/h"
    assert frame.drawable("point_label").text == "s(0.5) = 12.5 km"
    assert frame.panel("speed").drawable("speed_label").text == "s′(0.5) = 50 km/h"
