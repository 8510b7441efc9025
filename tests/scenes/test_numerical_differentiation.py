"""numerical-differentiation scene: the error curves and figures for sin at 1."""

from __future__ import annotations

import math

import numpy as np
import pytest

from derivlab.model import View
from derivlab.scenes import get_scene
from derivlab.scenes.base import typed_function
from derivlab.scenes.numerical_differentiation import derivatives_at

SCENE = get_scene("numerical-differentiation")


def frame(**values):
    return SCENE.compute({**SCENE.defaults(), **values}, SCENE.default_view)


def test_sin_at_one_in_float64_best_central_step_and_branch_slopes():
    fr = frame(f="sin(x)", a=1.0, method="central", precision="float64")
    central = fr.extra["data"]["methods"]["central"]
    assert 6e-6 / 10 < central["best"] < 6e-6 * 10
    assert central["truncation_slope"] == pytest.approx(2.0, abs=0.05)
    assert central["round_off_slope"] == pytest.approx(-1.0, abs=0.1)
    readouts = {r.symbol: r for r in fr.readouts}
    assert readouts["f′(a)"].value == pytest.approx(math.cos(1.0), rel=1e-15)
    assert readouts["h*"].value == pytest.approx((3 * 2.0**-52 * math.sin(1) / math.cos(1)) ** (1 / 3), rel=1e-9)


def test_orders_of_every_method_for_sin_in_float64():
    methods = frame(f="sin(x)", a=1.0).extra["data"]["methods"]
    for name, order in [("forward", 1), ("backward", 1), ("central", 2), ("richardson", 4),
                        ("complex step", 2), ("second difference", 2)]:
        assert methods[name]["truncation_slope"] == pytest.approx(order, abs=0.1), name
    assert methods["second difference"]["round_off_slope"] == pytest.approx(-2.0, abs=0.2)
    assert methods["complex step"]["round_off_slope"] is None
    assert np.nanmax(methods["complex step"]["error"][:100]) <= 2 * 2.0**-52  # h ≤ 10⁻¹¹: exact to rounding


def test_estimate_at_the_cursor_is_the_central_quotient():
    h = 0.3
    fr = frame(f="x^3 - 3x", a=0.5, h=h, method="central")
    f = lambda x: x**3 - 3 * x  # noqa: E731
    assert fr.extra["estimate"] == pytest.approx((f(0.5 + h) - f(0.5 - h)) / (2 * h), rel=1e-14)
    # Central error of a cubic is exactly f‴h²/6 = h².
    assert fr.extra["estimate"] - (3 * 0.25 - 3) == pytest.approx(h**2, rel=1e-12)
    secant = fr.drawable("secant")
    slope = (secant.y[1] - secant.y[0]) / (secant.x[1] - secant.x[0])
    assert slope == pytest.approx(fr.extra["estimate"], rel=1e-12)


def test_forward_secant_goes_through_a_and_a_plus_h():
    fr = frame(f="e^x", a=0.0, h=0.5, method="forward")
    points = fr.drawable("secant_points")
    np.testing.assert_allclose(points.x, [0.0, 0.5])
    np.testing.assert_allclose(points.y, [1.0, math.exp(0.5)])


def test_float32_errors_bottom_out_near_float32_rounding():
    methods = frame(f="sin(x)", a=1.0, precision="float32").extra["data"]["methods"]
    central = methods["central"]
    eps = float(np.finfo(np.float32).eps)
    assert eps ** (1 / 3) / 10 < central["best"] < eps ** (1 / 3) * 10
    assert 1e-9 < np.nanmin(central["error"]) < 1e-5


def test_fifth_derivative_for_richardson():
    d = derivatives_at(typed_function("sin(x)"), 1.0)
    assert d[5] == pytest.approx(math.cos(1.0), rel=1e-12)


def test_non_analytic_function_has_no_complex_step_only_where_needed():
    fr = SCENE.compute({**SCENE.defaults(), "f": "weierstrass(x, 0.5, 3, 4)", "a": 0.3}, View(-1, 1, -2, 2))
    assert "complex step" not in fr.extra["data"]["methods"] and "no complex" in fr.message
    fr = frame(f="|x|", a=-1.0, method="complex step")
    assert fr.extra["estimate"] == pytest.approx(-1.0)


def test_undefined_derivative_is_named():
    fr = frame(f="|x|", a=0.0, method="central")
    assert "undefined" in fr.message
