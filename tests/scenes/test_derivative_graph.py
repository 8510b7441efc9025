"""The derivative-graph scene against closed forms: critical points, tests, inflections, global extrema."""

import numpy as np
import pytest

from derivlab.model import View
from derivlab.scenes import get_scene
from derivlab.scenes.base import typed_function
from derivlab.scenes.derivative_graph import (
    critical_points,
    fitted_range,
    global_extrema,
    inflection_points,
)

SCENE = get_scene("derivative-graph")


def frame_for(view=None, **values):
    return SCENE.compute(SCENE.defaults() | values, view or SCENE.default_view)


def test_cubic_has_max_2_at_minus_1_min_minus_2_at_1_and_inflection_at_0():
    frame = frame_for(f="x^3 - 3x", alpha=-1.5, beta=1.5)
    crit = frame.extra["critical_points"]
    assert [p.x for p in crit] == [-1.0, 1.0]
    assert [p.value for p in crit] == [2.0, -2.0]
    assert [p.first_test for p in crit] == ["local max", "local min"]
    assert [p.second_test for p in crit] == ["local max", "local min"]
    assert [p.second_derivative for p in crit] == [-6.0, 6.0]  # f″ = 6x
    assert [(p.left_sign, p.right_sign) for p in crit] == [(1, -1), (-1, 1)]
    assert frame.extra["inflection_points"] == [(0.0, 0.0)]
    top, bottom = frame.extra["global_max"], frame.extra["global_min"]
    assert (top.x, top.value, top.at_end) == (-1.0, 2.0, False)
    assert (bottom.x, bottom.value, bottom.at_end) == (1.0, -2.0, False)
    readouts = {r.symbol: r for r in frame.readouts}
    assert readouts["max on [α, β]"].text == "2 at x = −1"
    assert readouts["min on [α, β]"].text == "−2 at x = 1"
    labels = {d.text for d in frame.drawables if d.key.startswith("critical_label")}
    assert labels == {"local max", "local min"}


def test_global_extremum_at_an_end_point():
    frame = frame_for(f="x^3 - 3x", alpha=-1.5, beta=2.5)
    top, bottom = frame.extra["global_max"], frame.extra["global_min"]
    assert top.x == 2.5 and top.value == pytest.approx(2.5**3 - 7.5) and top.at_end
    assert bottom.x == 1.0 and bottom.value == -2.0


def test_derivative_panels_share_x_and_fit_y():
    view = View(-2.5, 2.5, -3.2, 3.2, pixels=1000)
    frame = frame_for(view=view, f="x^3 - 3x")
    first, second = frame.panel("first"), frame.panel("second")
    for panel in (first, second):
        assert (panel.view.x_min, panel.view.x_max) == (view.x_min, view.x_max)
    d1 = first.drawable("derivative")
    assert np.allclose(d1.y, 3 * d1.x**2 - 3, atol=1e-9)
    d2 = second.drawable("second_derivative")
    assert np.allclose(d2.y, 6 * d2.x, atol=1e-9)
    # f′ = 3x² − 3 runs from −3 to 15.75 in view: the fitted range holds it (and 0).
    assert first.view.y_min < -3 and 14 < first.view.y_max < 20
    assert second.view.y_min < -14 and second.view.y_max > 14
    assert first.y_name == "f′(x) = 3x² − 3" and second.y_name == "f″(x) = 6x"


def test_shading_follows_the_sign_of_f_prime():
    frame = frame_for(f="x^3 - 3x")
    first = frame.panel("first")
    up, down = first.drawable("increasing_positive"), first.drawable("increasing_negative")
    assert up.role == "derivative" and down.role == "secant"
    x = up.x
    inside = np.abs(x) < 0.99
    assert np.isnan(up.upper[inside]).all() and np.isfinite(down.lower[inside]).all()
    assert np.allclose(down.lower[inside], 3 * x[inside] ** 2 - 3) and np.all(down.upper[inside] == 0)
    outside = np.abs(x) > 1.01
    assert np.allclose(up.upper[outside], 3 * x[outside] ** 2 - 3)
    second = frame.panel("second")
    assert second.drawable("concave_positive").role == "second"
    words = {d.text for d in second.drawables if "word" in d.key}
    assert words == {"concave up", "concave down"}
    words = {d.text for d in first.drawables if "word" in d.key}
    assert words >= {"f increasing", "f decreasing"}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("x^3", [(0.0, "stationary", "neither", "no verdict")]),
        ("x^4 - 2x^2", [(-1.0, "stationary", "local min", "local min"), (0.0, "stationary", "local max", "local max"),
                        (1.0, "stationary", "local min", "local min")]),
        ("|x^2 - 1|", [(-1.0, "singular", "local min", "does not apply"), (0.0, "stationary", "local max", "local max"),
                       (1.0, "singular", "local min", "does not apply")]),
        ("x^(2/3)", [(0.0, "singular", "local min", "does not apply")]),
        ("x^(1/3)", [(0.0, "singular", "neither", "does not apply")]),
        ("1/x", []),
        ("tan(x)", []),
        ("exp(x)", []),
    ],
)
def test_critical_points_of_standard_functions(text, expected):
    found = critical_points(typed_function(text), -2.5, 2.5)
    assert [(p.x, p.kind, p.first_test, p.second_test) for p in found] == expected


def test_inflection_points_are_sign_changes_of_f_double_prime_inside_the_domain():
    f = typed_function("x^4 - 2x^2")  # f″ = 12x² − 4: zero at ±1/√3
    found = inflection_points(f, -2.5, 2.5)
    assert [x for x, _ in found] == pytest.approx([-1 / np.sqrt(3), 1 / np.sqrt(3)], abs=1e-12)
    assert [v for _, v in found] == pytest.approx([-5 / 9, -5 / 9], abs=1e-12)
    assert inflection_points(typed_function("x^4"), -2, 2) == []  # f″ = 12x² ≥ 0 never changes sign
    assert [x for x, _ in inflection_points(typed_function("tan(x)"), -2, 2)] == [0.0]  # not at the poles ±π/2
    assert inflection_points(typed_function("1/x"), -2, 2) == []


def test_global_extrema_compare_critical_points_and_ends():
    f = typed_function("x^2")
    top, bottom = global_extrema(f, -1.0, 2.0, critical_points(f, -3, 3))
    assert (top.x, top.value, top.at_end) == (2.0, 4.0, True)
    assert (bottom.x, bottom.value, bottom.at_end) == (0.0, 0.0, False)


def test_reversed_interval_says_so():
    frame = frame_for(alpha=1.0, beta=-1.0)
    assert "α < β" in frame.message and frame.extra["global_max"] is None


def test_fitted_range_ignores_poles():
    values = np.concatenate([np.linspace(-1, 1, 1000), [1e12, -1e12, np.inf, np.nan]])
    lo, hi = fitted_range(values)
    assert -1.5 < lo < -0.9 and 0.9 < hi < 1.5
    assert fitted_range(np.full(10, np.nan)) == (-1.0, 1.0)
    lo, hi = fitted_range(np.full(10, 5.0))
    assert lo <= 0.0 < 5.0 < hi
