"""Backpropagation on computation graphs: against central differences, closed forms and forward mode."""

from __future__ import annotations

import math

import numpy as np
import pytest

from derivlab.compute import backprop
from derivlab.expr import Function


def sigma(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def random_leaves(graph: backprop.ComputationGraph, rng: np.random.Generator) -> dict[str, float]:
    return {graph.nodes[i].name: float(rng.uniform(-2.0, 2.0)) for i in graph.leaves}


def test_one_layer_network_matches_the_closed_form():
    graph = backprop.network_graph()
    assert [n.name for n in graph.nodes] == ["x", "w", "b", "z", "a", "y", "L"]
    x, w, b, y = 1.5, 0.8, -0.2, 1.0
    values = backprop.forward_values(graph, {"x": x, "w": w, "b": b, "y": y})
    z = w * x + b
    a = sigma(z)
    assert values[graph.index("z")] == pytest.approx(z, rel=1e-15)
    assert values[graph.index("L")] == pytest.approx(0.5 * (a - y) ** 2, rel=1e-14)
    local = backprop.local_derivatives(graph, values)
    bar = backprop.adjoints(graph, local)
    delta = (a - y) * a * (1 - a)  # ∂L/∂z
    expected = {"z": delta, "w": delta * x, "b": delta, "x": delta * w, "a": a - y, "y": -(a - y), "L": 1.0}
    for name, value in expected.items():
        assert bar[graph.index(name)] == pytest.approx(value, rel=1e-13), name


@pytest.mark.parametrize("layers", [1, 2, 3])
def test_backprop_equals_central_differences_on_random_networks(layers):
    rng = np.random.default_rng(2024 + layers)
    graph = backprop.network_graph(layers)
    assert graph.depth == 2 * layers + 1
    for _ in range(8):
        leaves = random_leaves(graph, rng)
        for row in backprop.gradient_check(graph, leaves):
            assert row["backprop"] is not None
            assert abs(row["backprop"] - row["central"]) <= 1e-8 * max(1.0, abs(row["backprop"])), row
            assert row["relative_error"] < 1e-5 or abs(row["backprop"]) < 1e-6, row


@pytest.mark.parametrize("layers", [1, 2])
def test_forward_mode_tangents_equal_reverse_mode_gradients(layers):
    rng = np.random.default_rng(11)
    graph = backprop.network_graph(layers)
    for _ in range(5):
        leaves = random_leaves(graph, rng)
        values = backprop.forward_values(graph, leaves)
        local = backprop.local_derivatives(graph, values)
        bar = backprop.adjoints(graph, local)
        for i in graph.leaves:
            dot = backprop.tangents(graph, local, graph.nodes[i].name)
            assert dot[graph.output] == pytest.approx(bar[i], rel=1e-13, abs=1e-16)


EXPRESSIONS = ["x sin(x^2)", "x^3 - 3x", "sigmoid(3x - 1)", "e^(sin(x^2))", "x/(1 + x^2)", "log(1 + x^2) tanh(x)",
               "sqrt(1 + x^2) - cos(x)^2", "x^x", "softplus(x) + gelu(x)", "sin(x) cos(x) + x^2 sin(x)"]


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_typed_expressions_gradient_equals_derivative_and_central_difference(text):
    f = Function.from_text(text)
    graph = backprop.expression_graph(f)
    assert graph.nodes[graph.output].name == "f"
    rng = np.random.default_rng(5)
    for x in rng.uniform(0.2, 1.8, 5):
        leaves = {"x": float(x)}
        values = backprop.forward_values(graph, leaves)
        assert values[graph.output] == pytest.approx(f.value(float(x)), rel=1e-13)
        local = backprop.local_derivatives(graph, values)
        bar = backprop.adjoints(graph, local)
        exact = f.value(float(x), 1)
        assert bar[0] == pytest.approx(exact, rel=1e-12, abs=1e-14)
        assert backprop.tangents(graph, local, "x")[graph.output] == pytest.approx(exact, rel=1e-12, abs=1e-14)
        (row,) = backprop.gradient_check(graph, leaves)
        assert row["relative_error"] < 1e-6


def test_expression_graph_is_built_from_the_sympy_tree():
    graph = backprop.expression_graph(Function.from_text("x sin(x^2)"))
    assert [n.name for n in graph.nodes] == ["x", "v₁", "v₂", "f"]
    assert [n.formula for n in graph.nodes[1:]] == ["v₁ = x**2", "v₂ = sin(v₁)", "f = v₂*x"]
    # x is read twice: by x² and by the product, so its gradient collects two terms.
    assert graph.consumers(0) == [1, 3]
    assert graph.levels == [0, 1, 2, 3]
    # Constants are folded: x³ − 3x has three operations, not five.
    assert len(backprop.expression_graph(Function.from_text("x^3 - 3x")).nodes) == 4
    # x^x reads x once.
    assert backprop.expression_graph(Function.from_text("x^x")).nodes[-1].inputs == (0,)
    with pytest.raises(ValueError, match="does not depend"):
        backprop.expression_graph(Function.from_text("3"))


def test_undefined_local_derivative_at_a_kink():
    graph = backprop.expression_graph(Function.from_text("|x| + x"))
    values = backprop.forward_values(graph, {"x": 0.0})
    bar = backprop.adjoints(graph, backprop.local_derivatives(graph, values))
    assert values[graph.output] == 0.0
    assert bar[0] is None
    values = backprop.forward_values(graph, {"x": -2.0})
    assert backprop.adjoints(graph, backprop.local_derivatives(graph, values))[0] == pytest.approx(0.0, abs=1e-15)


def test_pass_states_step_by_step():
    graph = backprop.network_graph()
    leaves = {"x": 1.5, "w": 0.8, "b": -0.2, "y": 1.0}
    values = backprop.forward_values(graph, leaves)
    local = backprop.local_derivatives(graph, values)
    bar = backprop.adjoints(graph, local)
    assert backprop.last_step(graph, "reverse") == 10 and backprop.last_step(graph, "forward") == 6
    first = backprop.pass_state(graph, local, 0)
    assert first.valued == frozenset(graph.leaves) and not first.gradients
    forward_done = backprop.pass_state(graph, local, 3)
    assert forward_done.valued == frozenset(range(len(graph.nodes))) and not forward_done.edges_shown
    seed = backprop.pass_state(graph, local, 4)
    assert seed.phase == "seed" and seed.gradients == {graph.output: 1.0}
    local_l = backprop.pass_state(graph, local, 5)
    assert local_l.phase == "local" and local_l.active_edges == {(6, 0), (6, 1)}
    assert graph.index("a") not in local_l.gradients
    added = backprop.pass_state(graph, local, 6)
    assert added.gradients[graph.index("a")] == pytest.approx(bar[graph.index("a")], rel=1e-15)
    last = backprop.pass_state(graph, local, 99)
    assert last.step == 10 and last.complete == frozenset(range(len(graph.nodes)))
    for i, g in last.gradients.items():
        assert g == pytest.approx(bar[i], rel=1e-15)
    tangent_done = backprop.pass_state(graph, local, 6, mode="forward", seed="w")
    assert tangent_done.gradients[graph.output] == pytest.approx(bar[graph.index("w")], rel=1e-13)


def test_partial_sums_before_every_reader_has_pushed():
    graph = backprop.expression_graph(Function.from_text("x sin(x^2)"))
    values = backprop.forward_values(graph, {"x": 1.5})
    local = backprop.local_derivatives(graph, values)
    # Depth 3: step 4 seeds, 5 shows ∂f/∂v₂ and ∂f/∂x, 6 adds them: x has only the product's term.
    state = backprop.pass_state(graph, local, 6)
    assert state.gradients[0] == pytest.approx(values[2], rel=1e-15)  # ∂f/∂x so far = v₂ = sin(x²)
    assert 0 not in state.complete
    done = backprop.pass_state(graph, local, backprop.last_step(graph, "reverse"))
    x = 1.5
    assert done.gradients[0] == pytest.approx(math.sin(x * x) + 2 * x * x * math.cos(x * x), rel=1e-13)
    assert 0 in done.complete
