"""backprop scene: the network's gradients, the gradient-check table and the steps of the pass."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest

from derivlab.scenes import get_scene
from derivlab.scenes.backprop import MAX_STEP

SCENE = get_scene("backprop")


def frame(**extra):
    values = SCENE.defaults()
    values.update(extra)
    return SCENE.compute(values, SCENE.default_view)


def sigma(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def test_default_network_finished_pass():
    fr = frame()
    x, w, b, y = 1.5, 0.8, -0.2, 1.0
    a = sigma(w * x + b)
    delta = (a - y) * a * (1 - a)
    graph, bar = fr.extra["graph"], fr.extra["adjoints"]
    assert bar[graph.index("w")] == pytest.approx(delta * x, rel=1e-13)
    assert bar[graph.index("b")] == pytest.approx(delta, rel=1e-13)
    assert fr.extra["state"].step == 10
    assert "Step 10 of 10" in fr.caption
    check = fr.tables[0]
    assert check.columns == ("θ", "backprop", "forward mode", "central difference", "relative error")
    assert [row[0] for row in check.rows] == ["x", "w", "b", "y"]
    for row in fr.extra["checks"]:
        assert row["relative_error"] < 1e-8
    readouts = {r.symbol: r for r in fr.readouts}
    assert readouts["∂L/∂w"].value == pytest.approx(delta * x, rel=1e-13)
    assert readouts["L"].value == pytest.approx(0.5 * (a - y) ** 2, rel=1e-13)


def test_steps_show_values_then_gradients():
    fr = frame(step=0)
    labels = {d.key: d for d in fr.drawables if hasattr(d, "text")}
    assert "grad_3" not in labels and labels["node_3"].text == "z = w·x + b"
    fr = frame(step=1)
    labels = {d.key: d for d in fr.drawables if hasattr(d, "text")}
    assert labels["node_3"].text == "z = w·x + b = 1"
    fr = frame(step=5)  # local derivatives into L shown, not yet multiplied
    labels = {d.key: d for d in fr.drawables if hasattr(d, "text")}
    assert labels["local_6_0"].text == "∂L/∂a = −0.2689"
    assert "grad_4" not in labels
    fr = frame(step=6)
    labels = {d.key: d for d in fr.drawables if hasattr(d, "text")}
    assert labels["grad_4"].text == "∂L/∂a = −0.2689"


def test_next_past_the_last_step_stays_on_it():
    values = SCENE.defaults()
    values["step"] = 11
    assert SCENE.linked_values({"step": 11}, values) == {"step": 10}
    values["step"] = MAX_STEP
    assert SCENE.linked_values({"step": MAX_STEP}, values) == {}
    values.update(mode="forward", step=8)
    assert SCENE.linked_values({"mode": "forward"}, values) == {"step": 6}


def test_forward_mode_tangent_of_L_equals_the_gradient():
    for seed in ("x", "w", "b", "y"):
        fr = frame(mode="forward", seed=seed)
        graph = fr.extra["graph"]
        assert fr.extra["tangents"][graph.output] == pytest.approx(fr.extra["adjoints"][graph.index(seed)], rel=1e-13)
        assert fr.extra["state"].last == 6


def test_expression_graph_gradient_is_the_derivative():
    fr = frame(graph="expression", f="x sin(x^2)", x=1.2)
    x = 1.2
    exact = math.sin(x * x) + 2 * x * x * math.cos(x * x)
    assert fr.extra["adjoints"][0] == pytest.approx(exact, rel=1e-13)
    assert {r.symbol: r.value for r in fr.readouts}["∂f/∂x"] == pytest.approx(exact, rel=1e-13)
    assert [row[0] for row in fr.tables[1].rows] == ["x", "v₁", "v₂", "f"]
    assert fr.tables[1].rows[1][1] == "x²"


def test_expression_without_x_explains():
    fr = frame(graph="expression", f="2")
    assert "does not depend on x" in fr.message and fr.drawables == ()


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_key_is_a_row_laid_out_by_the_renderer(mode):
    """The key of node colours starts 12 px in from the bottom-left corner; every further entry is placed after
    the previous one (``after``), so its position comes from the rendered width of that text, not from a guess."""
    labels = [d for d in frame(mode=mode).drawables if getattr(d, "key", "").startswith("key_")]
    assert [d.key for d in labels] == [f"key_{k}" for k in range(6)]
    view = SCENE.default_view
    first = labels[0]
    assert (first.x, first.y, first.offset[0], first.after) == (view.x_min, view.y_min, 12.0, "")
    for before, entry in pairwise(labels):
        assert entry.after == before.key and entry.offset[0] == 18.0
        assert entry.anchor == before.anchor == ("left", "bottom") and entry.offset[1] == before.offset[1]
    assert labels[-1].text == ("∂L/∂v: gradient" if mode == "reverse" else "∂v/∂s: tangent")
