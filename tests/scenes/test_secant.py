import numpy as np
import pytest

from derivlab.model import ParameterError, View
from derivlab.scenes import SCENES, get_scene
from derivlab.scenes.base import break_jumps, formula_text


def readouts(frame):
    return {r.symbol: r.value for r in frame.readouts}


def test_secant_slope_matches_the_difference_quotient_of_a_cubic():
    scene = get_scene("secant")
    a, h = 1.3, 0.25
    frame = scene.compute({"f": "x^3 - 3x", "a": a, "h": h}, View())
    f = lambda x: x**3 - 3 * x  # noqa: E731
    values = readouts(frame)
    assert values["Δf/h"] == pytest.approx((f(a + h) - f(a)) / h, rel=1e-13)
    assert values["f′(a)"] == pytest.approx(3 * a**2 - 3, rel=1e-13)
    # For a cubic the gap is exactly 3a·h + h².
    assert values["Δf/h − f′(a)"] == pytest.approx(3 * a * h + h**2, rel=1e-9)
    secant = frame.drawable("secant")
    assert np.allclose(np.diff(secant.y) / np.diff(secant.x), values["Δf/h"])
    tangent = frame.drawable("tangent")
    assert tangent.dashed
    assert np.allclose(np.interp(a, tangent.x, tangent.y), f(a))


@pytest.mark.parametrize("h", [1.0, 0.1, 0.01, 0.001, -0.001, 1e-8])
def test_secant_of_x_squared_at_2_is_4_plus_h(h):
    frame = get_scene("secant").compute({"f": "x^2", "a": 2.0, "h": h}, View())
    assert readouts(frame)["Δf/h"] == pytest.approx(4 + h, abs=1e-7)
    assert readouts(frame)["f′(a)"] == 4.0


def test_corner_has_no_tangent_and_says_so():
    frame = get_scene("secant").compute({"f": "|x|", "a": 0.0, "h": -0.5}, View())
    assert readouts(frame)["Δf/h"] == pytest.approx(-1.0)
    assert readouts(frame)["f′(a)"] is None
    assert "tangent" not in {d.key for d in frame.drawables}


def test_undefined_point_gives_a_message_not_a_crash():
    frame = get_scene("secant").compute({"f": "log(x)", "a": -1.0, "h": 0.5}, View())
    assert "undefined" in frame.message
    assert "secant" not in {d.key for d in frame.drawables}


def test_curve_is_sampled_across_the_view_with_gaps_at_poles():
    view = View(-2, 2, -4, 4, pixels=800)
    frame = get_scene("secant").compute({"f": "1/x", "a": 1.0, "h": 0.5}, view)
    curve = frame.drawable("curve")
    assert curve.x[0] < -2 and curve.x[-1] > 2 and len(curve.x) >= 1600
    assert np.isnan(curve.y).any()  # the pole at 0 is a gap, not a vertical line


def test_break_jumps_cuts_only_jumps_across_the_view():
    view = View(-1, 1, -1, 1)
    y = break_jumps(np.arange(4.0), np.array([50.0, -50.0, 0.5, 0.6]), view)
    assert np.isnan(y[1]) and np.isfinite(y[2]) and y[0] <= view.y_max + 10 * view.height


def test_parameters_are_checked_by_their_declarations():
    state = get_scene("secant").new_state()
    with pytest.raises(ParameterError):
        state.set("h", 0)
    with pytest.raises(ParameterError, match="column"):
        state.set("f", "x^^2")
    with pytest.raises(ParameterError):
        state.set("f", "__import__('os')")
    assert state["f"] == "x^3 - 3x"


def test_formula_text_reads_like_paper():
    assert formula_text("x**3 - 3*x") == "x³ − 3x"
    assert formula_text("-x**2") == "−x²"


def test_every_scene_computes_its_defaults():
    for scene in SCENES.values():
        frame = scene.compute(scene.defaults(), scene.default_view)
        assert frame.drawables


def test_table_of_difference_quotients_for_x_squared_at_2():
    frame = get_scene("secant").compute({"f": "x^2", "a": 2.0, "h": 0.3}, View())
    table = frame.tables[0]
    assert table.columns == ("h", "f(a+h)", "Δf", "Δf/h")
    assert [row[3] for row in table.rows] == ["5", "4.1", "4.01", "4.001"]
    assert [row[0] for row in table.rows] == ["1", "0.1", "0.01", "0.001"]
    left = get_scene("secant").compute({"f": "x^2", "a": 2.0, "h": -0.3}, View()).tables[0]
    assert [row[3] for row in left.rows] == ["3", "3.9", "3.99", "3.999"]


def test_h_to_zero_animations_are_geometric_from_both_sides():
    animations = get_scene("secant").animations()
    right = animations["h → 0 from the right"]
    left = animations["h → 0 from the left"]
    assert right["easing"] == left["easing"] == "geometric"
    assert right["start"] > right["end"] > 0 > left["end"] > left["start"]


def _labels(frame):
    return {d.key for d in frame.drawables if d.key in ("label_run", "label_rise")}


def test_triangle_is_labelled_only_while_it_can_hold_its_labels():
    scene = get_scene("secant")
    view = View(-2.5, 2.5, -4.0, 4.0)
    # h = 0.5 spans 10 % of the width: both labels, at the run's middle and the rise's
    frame = scene.compute({"f": "x^3 - 3x", "a": 1.3, "h": 0.5}, view)
    assert _labels(frame) == {"label_run", "label_rise"}
    run = next(d for d in frame.drawables if d.key == "label_run")
    assert run.x == pytest.approx(1.3 + 0.25)
    # h = 0.001: run and rise are far under a label's size, so neither is labelled
    # (they would lie on each other and on (a, f(a))), and the readouts still say both
    frame = scene.compute({"f": "x^3 - 3x", "a": 1.3, "h": 0.001}, view)
    assert _labels(frame) == set()
    assert {"h = Δx", "Δf"} <= set(readouts(frame))
    assert frame.drawable("run") is not None and frame.drawable("rise") is not None
    # a short run under a tall rise (f steep) still has room: labelled
    frame = scene.compute({"f": "100x", "a": 0.0, "h": 0.01}, view)
    assert _labels(frame) == {"label_run", "label_rise"}
    # the rule is in fractions of the view: zoomed in 100×, h = 0.001 is large again
    zoomed = View(1.3 - 0.025, 1.3 + 0.025, -1.703 - 0.04, -1.703 + 0.04)
    frame = scene.compute({"f": "x^3 - 3x", "a": 1.3, "h": 0.005}, zoomed)
    assert _labels(frame) == {"label_run", "label_rise"}


def test_triangle_labels_stay_on_the_visible_part_of_their_legs():
    scene = get_scene("secant")
    view = View(-2.5, 2.5, -4.0, 4.0)
    # h = 2: a + h = 3.3 and f(a + h) ≈ 26 are outside the view. The run is labelled at
    # the middle of its visible part [1.3, 2.5]; the rise is not seen at all, so no "Δf"
    frame = scene.compute({"f": "x^3 - 3x", "a": 1.3, "h": 2.0}, view)
    assert _labels(frame) == {"label_run"}
    assert frame.drawable("label_run").x == pytest.approx((1.3 + 2.5) / 2)
    # h = 1: a + h = 2.3 is in view, f(2.3) = 5.267 is above it: "Δf" at the middle of
    # the visible rise [f(1.3), 4], on the inner side since the outer side has no room
    frame = scene.compute({"f": "x^3 - 3x", "a": 1.3, "h": 1.0}, view)
    rise = frame.drawable("label_rise")
    f_a = 1.3**3 - 3 * 1.3
    assert rise.x == pytest.approx(2.3)
    assert rise.y == pytest.approx((f_a + 4.0) / 2)
    assert rise.anchor[0] == "right" and rise.offset[0] < 0
    # with room to the right, "Δf" stays outside the triangle
    frame = scene.compute({"f": "x^3 - 3x", "a": 1.3, "h": 0.5}, view)
    rise = frame.drawable("label_rise")
    assert rise.anchor[0] == "left" and rise.offset[0] > 0
    # a negative h puts the rise left of a, and the label on its left
    frame = scene.compute({"f": "x^3 - 3x", "a": 1.3, "h": -0.5}, view)
    rise = frame.drawable("label_rise")
    assert rise.anchor[0] == "right" and rise.offset[0] < 0


def test_a_secant_with_no_rise_says_delta_f_is_zero():
    # f(x) = x² at a = −0.5, h = 1: f(a + h) = f(a) = 0.25, the secant is horizontal and the
    # rise has no length to label; "Δf = 0" stands at a + h instead of no label at all
    scene = get_scene("secant")
    view = View(-2.5, 2.5, -4.0, 4.0)
    frame = scene.compute({"f": "x^2", "a": -0.5, "h": 1.0}, view)
    rise = frame.drawable("label_rise")
    assert rise is not None and rise.text == "Δf = 0"
    assert (rise.x, rise.y) == pytest.approx((0.5, 0.25))
    assert readouts(frame)["Δf"] == 0.0
    # any rise at all keeps the plain "Δf"
    frame = scene.compute({"f": "x^2", "a": -0.5, "h": 1.2}, view)
    assert frame.drawable("label_rise").text == "Δf"


def test_visible_middle_is_the_middle_of_the_seen_part():
    from derivlab.scenes.secant import visible_middle

    assert visible_middle(0.0, 1.0, -5.0, 5.0) == pytest.approx(0.5)
    assert visible_middle(1.0, 0.0, -5.0, 5.0) == pytest.approx(0.5)
    assert visible_middle(1.0, 9.0, -5.0, 5.0) == pytest.approx(3.0)
    assert visible_middle(6.0, 9.0, -5.0, 5.0) is None
