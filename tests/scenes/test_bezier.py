"""The Bézier scene against closed forms and finite differences."""

import numpy as np
import pytest

from derivlab.compute.finite_diff import central_difference, forward_difference
from derivlab.model import ParameterError, View
from derivlab.scenes import get_scene
from derivlab.scenes.bezier import bezier_point, bezier_slope, bezier_velocity

DEFAULT = np.array([[-3.0, -1.5], [-1.5, 2.0], [1.5, -2.0], [3.0, 1.5]])


def frame_for(control=DEFAULT, t=0.3, view=None):
    scene = get_scene("bezier")
    values = {f"p{i}{axis}": float(control[i][j]) for i in range(4) for j, axis in enumerate("xy")}
    values["t"] = t
    return scene.compute(scene.new_state(values).as_dict(), view or scene.default_view)


def readouts(frame):
    return {r.symbol: r.value for r in frame.readouts}


def bernstein(control, t):
    s = 1 - t
    weights = [s**3, 3 * s**2 * t, 3 * s * t**2, t**3]
    return sum(w * np.asarray(p) for w, p in zip(weights, control, strict=True))


def test_defaults_read_the_closed_forms():
    values = readouts(frame_for())
    # t = 0.3: B = 0.343P₀ + 0.441P₁ + 0.189P₂ + 0.027P₃, B′ = 3[0.49(P₁−P₀) + 0.42(P₂−P₁) + 0.09(P₃−P₂)].
    assert values["x(t)"] == pytest.approx(-1.326, abs=1e-12)
    assert values["y(t)"] == pytest.approx(0.03, abs=1e-12)
    assert values["x′(t)"] == pytest.approx(6.39, abs=1e-12)
    assert values["y′(t)"] == pytest.approx(1.05, abs=1e-12)
    assert values["dy/dx"] == pytest.approx(1.05 / 6.39, rel=1e-13)


@pytest.mark.parametrize("seed", range(5))
def test_curve_and_velocity_match_bernstein_form_and_central_differences(seed):
    control = np.random.default_rng(seed).uniform(-5, 5, size=(4, 2))
    for t in (0.0, 0.1, 0.37, 0.5, 0.83, 1.0):
        assert np.allclose(bezier_point(control, t), bernstein(control, t), atol=1e-13)
        h = 1e-5
        if 0.0 < t < 1.0:
            numeric = central_difference(lambda u: bezier_point(control, u), t, h)  # noqa: B023
            assert np.allclose(bezier_velocity(control, t), numeric, rtol=1e-8, atol=1e-8)
        else:
            step = 1e-7 if t == 0.0 else -1e-7  # one-sided at the ends: error B″·h/2
            numeric = forward_difference(lambda u: bezier_point(control, u), t, step)  # noqa: B023
            assert np.allclose(bezier_velocity(control, t), numeric, rtol=1e-5, atol=1e-5)
        values = readouts(frame_for(control, t))
        assert values["x(t)"] == pytest.approx(bernstein(control, t)[0], abs=1e-12)
        velocity = bezier_velocity(control, t)
        assert values["dy/dx"] == pytest.approx(velocity[1] / velocity[0], rel=1e-12)


def test_end_slopes_are_those_of_the_first_and_last_legs():
    control = np.array([[-2.0, 0.5], [-1.0, 2.5], [2.0, 1.0], [3.5, -1.0]])
    start = readouts(frame_for(control, 0.0))
    assert (start["x(t)"], start["y(t)"]) == (-2.0, 0.5)  # B(0) = P₀
    assert start["dy/dx"] == pytest.approx((2.5 - 0.5) / (-1.0 + 2.0), rel=1e-14)  # slope of P₁ − P₀
    assert (start["x′(t)"], start["y′(t)"]) == pytest.approx((3.0, 6.0))  # B′(0) = 3(P₁ − P₀)
    end = readouts(frame_for(control, 1.0))
    assert (end["x(t)"], end["y(t)"]) == (3.5, -1.0)  # B(1) = P₃
    assert end["dy/dx"] == pytest.approx((-1.0 - 1.0) / (3.5 - 2.0), rel=1e-14)  # slope of P₃ − P₂
    assert (end["x′(t)"], end["y′(t)"]) == pytest.approx((4.5, -6.0))  # B′(1) = 3(P₃ − P₂)


@pytest.mark.parametrize("t", [0.0, 0.2, 0.5, 0.9, 1.0])
def test_a_parabola_written_as_a_bezier_curve_has_slope_2x(t):
    # y = x² on [−1, 1]: the quadratic (−1, 1), (0, −1), (1, 1) raised to degree 3.
    control = np.array([[-1.0, 1.0], [-1 / 3, -1 / 3], [1 / 3, -1 / 3], [1.0, 1.0]])
    values = readouts(frame_for(control, t))
    x = values["x(t)"]
    assert x == pytest.approx(-1 + 2 * t, abs=1e-14)
    assert values["y(t)"] == pytest.approx(x * x, abs=1e-14)
    assert values["dy/dx"] == pytest.approx(2 * x, abs=1e-13)


def test_slope_is_undefined_where_x_prime_is_zero():
    # P₁ straight above P₀: the curve leaves P₀ vertically.
    control = np.array([[0.0, 0.0], [0.0, 2.0], [2.0, 2.0], [3.0, 0.0]])
    frame = frame_for(control, 0.0)
    assert readouts(frame)["x′(t)"] == 0.0
    assert readouts(frame)["dy/dx"] is None
    assert next(r for r in frame.readouts if r.symbol == "dy/dx").text == "undefined"
    assert "vertical" in frame.caption
    assert np.allclose(frame.drawable("tangent_line").x, 0.0)  # the line x = 0
    assert bezier_slope(np.array([0.0, 0.0])) is None


def test_zero_velocity_is_explained_and_draws_no_tangent():
    control = np.array([[0.0, 0.0], [0.0, 0.0], [2.0, 2.0], [3.0, 0.0]])
    frame = frame_for(control, 0.0)
    assert "B′(t) = 0" in frame.message
    keys = {d.key for d in frame.drawables}
    assert "tangent_line" not in keys and "velocity" not in keys


def test_drawables_sit_where_the_formulas_put_them():
    frame = frame_for(DEFAULT, 0.3)
    point, velocity = bezier_point(DEFAULT, 0.3), bezier_velocity(DEFAULT, 0.3)
    marker = frame.drawable("point")
    assert (marker.x[0], marker.y[0]) == pytest.approx(tuple(point))
    arrow = frame.drawable("velocity")
    assert (arrow.x[0], arrow.y[0]) == pytest.approx(tuple(point))
    assert (arrow.x[1], arrow.y[1]) == pytest.approx(tuple(point + velocity / 3))
    line = frame.drawable("tangent_line")
    assert line.dashed
    assert np.diff(line.y)[0] / np.diff(line.x)[0] == pytest.approx(velocity[1] / velocity[0])
    polygon = frame.drawable("polygon")
    assert polygon.dashed and np.allclose(np.column_stack([polygon.x, polygon.y]), DEFAULT)
    curve = frame.drawable("curve")
    assert (curve.x[0], curve.y[0]) == (-3.0, -1.5) and (curve.x[-1], curve.y[-1]) == (3.0, 1.5)
    # At t = 0 the drawn B′(0)/3 ends exactly on P₁.
    start = frame_for(DEFAULT, 0.0).drawable("velocity")
    assert (start.x[1], start.y[1]) == pytest.approx((-1.5, 2.0))


def test_each_control_point_drags_its_own_pair():
    frame = frame_for()
    for i in range(4):
        marker = frame.drawable(f"control_{i}")
        assert marker.draggable == (f"p{i}x", f"p{i}y")
        assert (marker.x[0], marker.y[0]) == tuple(DEFAULT[i])
    assert frame.drawable("point").draggable is None


def test_t_is_animated_from_0_to_1_and_kept_in_range():
    scene = get_scene("bezier")
    (animation,) = scene.animations().values()
    assert animation["parameter"] == "t" and (animation["start"], animation["end"]) == (0.0, 1.0)
    assert animation["easing"] == "linear"
    state = scene.new_state()
    with pytest.raises(ParameterError):
        state.set("t", 1.5)


def test_view_does_not_change_the_numbers():
    assert readouts(frame_for(view=View(-20, 20, -10, 10))) == readouts(frame_for())
