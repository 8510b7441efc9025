"""The implicit scene against closed forms: dy/dx = −F_x/F_y on the circle and the folium."""

import math

import numpy as np
import pytest

from derivlab.model import ParameterError, View
from derivlab.scenes import get_scene
from derivlab.scenes.implicit import (
    folium_point,
    implicit_function,
    implicit_gradient,
    implicit_slope,
    nearest_point_on_curve,
)

CBRT2, CBRT4 = 2.0 ** (1 / 3), 2.0 ** (2 / 3)


def frame_for(**values):
    scene = get_scene("implicit")
    merged = scene.defaults()
    merged.update(values)
    return scene.compute(merged, scene.default_view)


def readouts(frame):
    return {r.symbol: r.value for r in frame.readouts}


@pytest.mark.parametrize("angle", [0.3, 1.2, 2.0, 2.9, 3.5, 4.4, 5.9])
def test_circle_slope_is_minus_x_over_y(angle):
    r = 2.0
    frame = frame_for(curve="circle", r=r, px=3 * math.cos(angle), py=3 * math.sin(angle))
    values = readouts(frame)
    x, y = r * math.cos(angle), r * math.sin(angle)
    assert values["x"] == pytest.approx(x, abs=1e-12)
    assert values["y"] == pytest.approx(y, abs=1e-12)
    assert values["dy/dx"] == pytest.approx(-x / y, rel=1e-12)
    assert values["∂F/∂x"] == pytest.approx(2 * x) and values["∂F/∂y"] == pytest.approx(2 * y)


def test_circle_tangents_are_horizontal_at_the_top_and_vertical_at_the_side():
    top = frame_for(curve="circle", r=1.5, px=0.0, py=4.0)
    assert readouts(top)["dy/dx"] == 0.0
    side = frame_for(curve="circle", r=1.5, px=-4.0, py=0.0)
    assert readouts(side)["dy/dx"] is None
    assert "vertical" in side.caption
    assert next(r for r in side.readouts if r.symbol == "dy/dx").text == "undefined"
    tangent = side.drawable("tangent")
    assert np.allclose(tangent.x, -1.5)  # the vertical line x = −r


def test_circle_marks_its_horizontal_and_vertical_tangent_points():
    frame = frame_for(curve="circle", r=3.0)
    horizontal, vertical = frame.drawable("horizontal_points"), frame.drawable("vertical_points")
    assert sorted(zip(horizontal.x, horizontal.y, strict=True)) == [(0.0, -3.0), (0.0, 3.0)]
    assert sorted(zip(vertical.x, vertical.y, strict=True)) == [(-3.0, 0.0), (3.0, 0.0)]


@pytest.mark.parametrize("a", [1.0, 0.5, 2.5])
def test_folium_horizontal_and_vertical_tangent_points(a):
    frame = frame_for(curve="folium", a=a)
    (hx,), (hy,) = frame.drawable("horizontal_points").x, frame.drawable("horizontal_points").y
    (vx,), (vy,) = frame.drawable("vertical_points").x, frame.drawable("vertical_points").y
    assert (hx, hy) == pytest.approx((CBRT2 * a, CBRT4 * a), rel=1e-15)
    assert (vx, vy) == pytest.approx((CBRT4 * a, CBRT2 * a), rel=1e-15)
    for x, y in ((hx, hy), (vx, vy)):
        assert implicit_function("folium", x, y, 0.0, a) == pytest.approx(0.0, abs=1e-12 * a**3)
    fx, fy = implicit_gradient("folium", hx, hy, 0.0, a)
    assert abs(fx) < 1e-12 * a * a and abs(fy) > a * a
    fx, fy = implicit_gradient("folium", vx, vy, 0.0, a)
    assert abs(fy) < 1e-12 * a * a and abs(fx) > a * a


def test_dragging_onto_the_folium_tangent_points_gives_slope_0_and_undefined():
    # a = 1: horizontal tangent at (2^(1/3), 2^(2/3)), vertical at (2^(2/3), 2^(1/3)).
    top = frame_for(curve="folium", a=1.0, px=CBRT2, py=CBRT4 + 0.3)
    values = readouts(top)
    assert (values["x"], values["y"]) == pytest.approx((CBRT2, CBRT4), abs=1e-12)
    assert values["dy/dx"] == pytest.approx(0.0, abs=1e-9)
    side = frame_for(curve="folium", a=1.0, px=CBRT4 + 0.3, py=CBRT2)
    values = readouts(side)
    assert (values["x"], values["y"]) == pytest.approx((CBRT4, CBRT2), abs=1e-12)
    assert values["dy/dx"] is None and "vertical" in side.caption


@pytest.mark.parametrize("a", [1.0, 0.7])
@pytest.mark.parametrize("t", [0.2, 0.5, 2.0, 4.0, -0.5, -3.0])
def test_folium_slope_matches_closed_form_and_the_parametrisation(a, t):
    x, y = 3 * a * t / (1 + t**3), 3 * a * t**2 / (1 + t**3)
    frame = frame_for(curve="folium", a=a, px=x, py=y)
    values = readouts(frame)
    assert (values["x"], values["y"]) == pytest.approx((x, y), abs=1e-9)
    slope = values["dy/dx"]
    assert slope == pytest.approx((a * y - x**2) / (y**2 - a * x), rel=1e-8)
    # dy/dx = (dy/dt)/(dx/dt) by central differences along the parametrisation.
    h = 1e-6
    xp, yp = 3 * a * (t + h) / (1 + (t + h) ** 3), 3 * a * (t + h) ** 2 / (1 + (t + h) ** 3)
    xm, ym = 3 * a * (t - h) / (1 + (t - h) ** 3), 3 * a * (t - h) ** 2 / (1 + (t - h) ** 3)
    assert slope == pytest.approx((yp - ym) / (xp - xm), rel=1e-6)
    tangent = frame.drawable("tangent")
    assert np.diff(tangent.y)[0] / np.diff(tangent.x)[0] == pytest.approx(slope, rel=1e-9)


@pytest.mark.parametrize("curve", ["circle", "folium"])
def test_the_shown_point_is_on_the_curve_and_nearest_to_the_dragged_one(curve):
    rng = np.random.default_rng(3)
    r, a = 1.7, 1.2
    theta = np.linspace(-math.pi / 2, math.pi / 2, 400001)
    if curve == "folium":
        sx, sy = folium_point(theta, a)
    else:
        sx, sy = r * np.cos(2 * theta), r * np.sin(2 * theta)
    finite = np.isfinite(sx) & np.isfinite(sy)
    sx, sy = sx[finite], sy[finite]
    for px, py in rng.uniform(-4, 4, size=(25, 2)):
        x, y = nearest_point_on_curve(curve, px, py, r, a)
        assert abs(implicit_function(curve, x, y, r, a)) < 1e-11
        brute = np.min(np.hypot(sx - px, sy - py))
        assert math.hypot(x - px, y - py) <= brute + 1e-9


def test_the_double_point_of_the_folium_has_no_single_tangent():
    frame = frame_for(curve="folium", px=0.0, py=0.0)
    assert readouts(frame)["dy/dx"] is None
    assert frame.extra["singular"]
    assert "crosses itself" in frame.message
    assert "tangent" not in {d.key for d in frame.drawables}


def test_folium_is_drawn_on_the_curve_with_its_dashed_asymptote():
    a = 1.3
    frame = frame_for(curve="folium", a=a)
    curve = frame.drawable("curve")
    ok = np.isfinite(curve.x)
    assert ok.sum() > 3000 and (~ok).any()  # a gap where t = −1 runs off to infinity
    x, y = curve.x[ok], curve.y[ok]
    assert np.max(np.abs(implicit_function("folium", x, y, 0, a)) / (1 + np.hypot(x, y) ** 3)) < 1e-12
    asymptote = frame.drawable("asymptote")
    assert asymptote.dashed
    assert np.allclose(asymptote.x + asymptote.y + a, 0.0)
    # Far along a branch the curve hugs the asymptote: x + y + a = a(1+t)²/(1−t+t²) → 0 as t → −1.
    t = -1.0 + 1e-4
    x, y = 3 * a * t / (1 + t**3), 3 * a * t**2 / (1 + t**3)
    assert abs(x + y + a) < 1e-7


def test_circle_is_drawn_closed_without_asymptote():
    frame = frame_for(curve="circle", r=2.5)
    curve = frame.drawable("curve")
    assert np.allclose(np.hypot(curve.x, curve.y), 2.5)
    assert (curve.x[0], curve.y[0]) == pytest.approx((curve.x[-1], curve.y[-1]))
    assert "asymptote" not in {d.key for d in frame.drawables}


def test_implicit_slope_is_undefined_only_where_f_y_vanishes():
    assert implicit_slope(3.0, -1.5) == 2.0
    assert implicit_slope(1.0, 0.0) is None
    assert implicit_slope(0.0, 0.0) is None
    assert implicit_slope(0.0, 2.0) == 0.0


def test_point_is_draggable_as_a_pair_and_curve_is_a_choice():
    frame = frame_for()
    point = frame.drawable("point")
    assert point.draggable == ("px", "py")
    state = get_scene("implicit").new_state()
    with pytest.raises(ParameterError):
        state.set("curve", "lemniscate")
    state.set("curve", "circle")
    assert state["curve"] == "circle"


def test_view_does_not_change_the_numbers():
    a = frame_for(curve="folium")
    scene = get_scene("implicit")
    b = scene.compute(scene.defaults(), View(-10, 10, -8, 8))
    assert readouts(a) == readouts(b)
