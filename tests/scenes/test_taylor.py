"""taylor: Taylor polynomials against closed forms."""

import math
import time

import numpy as np
import pytest

from derivlab.model import View
from derivlab.scenes import get_scene
from derivlab.scenes.taylor import polynomial_latex, taylor_coefficients, taylor_polynomial


def readouts(frame):
    return {r.symbol: r.value for r in frame.readouts}


@pytest.mark.parametrize("n", range(4, 11))
def test_exp_at_one_tenth_from_order_4_agrees_with_e_to_the_0_1_within_1e_7(n):
    frame = get_scene("taylor").compute({"f": "e^x", "x0": 0.0, "n": n, "x": 0.1}, View())
    t = frame.extra["taylor_at_x"]
    assert abs(t - math.exp(0.1)) < 1e-7
    assert t == pytest.approx(sum(0.1**k / math.factorial(k) for k in range(n + 1)), rel=1e-15)
    assert frame.extra["order"] == n


def test_order_3_of_exp_is_not_yet_within_1e_7():
    frame = get_scene("taylor").compute({"f": "e^x", "x0": 0.0, "n": 3, "x": 0.1}, View())
    assert abs(frame.extra["taylor_at_x"] - math.exp(0.1)) > 1e-7


def test_coefficients_of_sin_log_and_shifted_cos():
    sin, _ = taylor_coefficients("sin(x)", 0.0, 10)
    expected = [0.0 if k % 2 == 0 else (-1) ** (k // 2) / math.factorial(k) for k in range(11)]
    assert sin == pytest.approx(expected, abs=1e-15)
    log, _ = taylor_coefficients("log(1 + x)", 0.0, 10)
    assert log == pytest.approx([0.0] + [(-1) ** (k + 1) / k for k in range(1, 11)], rel=1e-13)
    cos, _ = taylor_coefficients("cos(x)", math.pi, 6)  # cos(π + t) = −cos t
    assert cos == pytest.approx([-1, 0, 0.5, 0, -1 / 24, 0, 1 / 720], abs=1e-14)


def test_polynomial_and_remainder_readouts_and_lagrange_bound():
    x0, n, x = 0.0, 5, 2.5
    frame = get_scene("taylor").compute({"f": "sin(x)", "x0": x0, "n": n, "x": x}, View())
    t = x - x**3 / 6 + x**5 / 120
    values = readouts(frame)
    assert values["T₅(x)"] == pytest.approx(t, rel=1e-14)
    assert values["R₅(x)"] == pytest.approx(math.sin(x) - t, rel=1e-12)
    # |R₅(x)| ≤ max|sin⁽⁶⁾| · |x − x₀|⁶ / 6!
    assert abs(values["R₅(x)"]) <= abs(x - x0) ** 6 / math.factorial(6)
    curve = frame.drawable("taylor")
    assert np.allclose(curve.y, np.clip(curve.x - curve.x**3 / 6 + curve.x**5 / 120, -33, 33))
    fill = frame.drawable("remainder")
    inside = np.abs(fill.x) < 3
    assert np.allclose(fill.upper[inside] - fill.lower[inside], np.abs(np.sin(fill.x) - (fill.x - fill.x**3 / 6 + fill.x**5 / 120))[inside])
    assert frame.tables[0].rows[5] == ("5", "1", "0.0083333333")


def test_taylor_polynomial_by_horner():
    assert taylor_polynomial([1.0, 2.0, 3.0], 1.0, np.array([3.0])) == pytest.approx([1 + 4 + 12])
    assert polynomial_latex([1, 1, 0.5], 0.0) == "1 + x + 0.5x^{2}"
    assert polynomial_latex([0, -2], -1.5) == "-2(x + 1.5)"


def test_undefined_centre_says_so():
    scene = get_scene("taylor")
    assert "f is undefined" in scene.compute({"f": "log(x)", "x0": 0.0, "n": 3, "x": 1.0}, View()).message
    assert "f′ is undefined" in scene.compute({"f": "|x|", "x0": 0.0, "n": 3, "x": 1.0}, View()).message


def test_hostile_function_is_bounded_in_time():
    text = "tan(x)^x*sin(cos(x^x))*e^(sin(x))/(1+x^2)^3 + sin(x^x^x)"
    start = time.monotonic()
    frame = get_scene("taylor").compute({"f": text, "x0": 1.0, "n": 10, "x": 1.2}, View())
    assert time.monotonic() - start < 6.0
    assert frame.drawables
    if frame.extra.get("order", 10) < 10:
        assert "too large" in frame.message
