"""mean-value: the points c with f′(c) equal to the secant slope, against closed forms."""

import math

import numpy as np
import pytest

from derivlab.model import View
from derivlab.scenes import get_scene
from derivlab.scenes.base import typed_function
from derivlab.scenes.mean_value import mean_value_points


def compute(f, alpha, beta):
    return get_scene("mean-value").compute({"f": f, "alpha": alpha, "beta": beta}, View())


def test_cubic_on_minus_2_to_2_has_c_at_plus_minus_2_over_root_3():
    frame = compute("x^3 - 3x", -2.0, 2.0)
    assert frame.extra["slope"] == pytest.approx(1.0)  # (2 − (−2)) / 4
    assert frame.extra["points"] == pytest.approx([-2 / math.sqrt(3), 2 / math.sqrt(3)], abs=1e-12)
    assert not frame.extra["rolle"]
    # The tangents drawn at each c are parallel to the secant.
    tangents = frame.drawable("tangents")
    ok = np.isfinite(tangents.x)
    pairs = tangents.x[ok].reshape(-1, 2), tangents.y[ok].reshape(-1, 2)
    assert np.allclose(np.diff(pairs[1]) / np.diff(pairs[0]), 1.0)
    secant = frame.drawable("secant")
    assert secant.y.tolist() == pytest.approx([-2.0, 2.0])


def test_rolle_when_the_ends_are_level():
    r = math.sqrt(3)
    frame = compute("x^3 - 3x", -r, r)
    assert frame.extra["rolle"] and frame.extra["slope"] == 0.0
    assert frame.extra["points"] == pytest.approx([-1.0, 1.0], abs=1e-12)
    assert "Rolle" in frame.message
    quartic = compute("x^4 - 2x^2", -1.5, 1.5)
    assert quartic.extra["rolle"]
    assert quartic.extra["points"] == pytest.approx([-1.0, 0.0, 1.0], abs=1e-9)


@pytest.mark.parametrize(
    ("f", "alpha", "beta", "expected"),
    [
        ("x^3", -1.0, 2.0, [1.0]),  # 3c² = 3
        ("x^2", 0.3, 1.7, [1.0]),  # 2c = α + β
        ("e^x", 0.0, 1.0, [math.log(math.e - 1)]),
        ("sin(x)", 0.0, math.pi, [math.pi / 2]),
        ("x^3", -1.0, 1.0, [-1 / math.sqrt(3), 1 / math.sqrt(3)]),
    ],
)
def test_points_c_against_closed_forms(f, alpha, beta, expected):
    assert compute(f, alpha, beta).extra["points"] == pytest.approx(expected, abs=1e-10)


def test_touching_zero_is_found():
    # f′(x) − m = 3x² touches 0 at x = 0 without changing sign: f = x³ on [−1, 1.2] shifted to slope 0.
    points, jumps = mean_value_points(typed_function("x^3").numpy(1), -0.7, 1.3, 0.0)
    assert points == pytest.approx([0.0], abs=1e-6) and jumps.size == 0


def test_many_points_and_a_line():
    wave = compute("sin(50x)", 0.0, 3.0)
    slope = math.sin(150) / 3
    points = wave.extra["points"]
    assert len(points) == 48
    assert np.allclose(50 * np.cos(50 * points), slope, atol=1e-7)
    line = compute("2x + 1", 0.0, 1.0)
    assert "every c" in line.message


def test_corner_and_pole_break_the_hypotheses():
    corner = compute("|x|", -1.0, 2.0)
    assert corner.extra["points"].size == 0
    assert corner.extra["jumps"] == pytest.approx([0.0])
    assert "not differentiable" in corner.message and "No c" in corner.message
    pole = compute("1/x", -1.0, 1.0)
    assert pole.extra["points"].size == 0 and "not continuous" in pole.message


def test_ends_in_either_order_and_equal_ends():
    assert compute("x^3 - 3x", 2.0, -2.0).extra["points"] == pytest.approx([-2 / math.sqrt(3), 2 / math.sqrt(3)])
    assert "equal" in compute("x^2", 1.0, 1.0).message
