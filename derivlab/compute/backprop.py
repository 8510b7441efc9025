"""Computation graphs: forward values, local derivatives, backpropagation and forward-mode tangents.

A computation graph lists nodes in an order where every node comes after the
nodes it reads (a Wengert list). Leaves hold numbers; each operation node v
computes v = φ(u₁, …, u_k) from its inputs, and every edge uⱼ → v carries the
local derivative ∂v/∂uⱼ = ∂φ/∂uⱼ at the current values.

* Reverse mode (backpropagation): with L the last node, the adjoint
  v̄ = ∂L/∂v obeys L̄ = 1 and ū = Σ_{v reads u} v̄ · ∂v/∂u, worked out from the
  output back to the leaves; one backward pass gives ∂L/∂θ for every leaf θ.
* Forward mode (tangents): seeding one leaf s with ṡ = 1 (every other leaf 0),
  v̇ = ∂v/∂s obeys v̇ = Σⱼ ∂v/∂uⱼ · u̇ⱼ from the leaves to the output; one pass
  gives ∂L/∂s for that single seed, and L̇ equals the adjoint s̄.

Graphs come from two places: the scalar network x → z = wx + b → a = σ(z) →
L = ½(a − y)² (:func:`network_graph`, optionally several layers deep), and the
checked sympy tree of a typed function (:func:`expression_graph`), one node per
operation with shared subexpressions (such as x in x·sin(x²)) read by several
nodes. Every number is worked out by derivlab.expr's 50-digit evaluator from
the node's exact local formula, then rounded to a float; ``None`` marks a
value or derivative that is undefined (ReLU′ at 0, |u|′ at 0, log of a negative).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from derivlab.expr import Function
from derivlab.expr.functions import sigmoid
from derivlab.expr.symbolic import real_symbol

__all__ = [
    "ComputationGraph", "GraphNode", "PassState", "adjoints", "central_difference_gradient",
    "expression_graph", "forward_values", "gradient_check", "local_derivatives", "network_graph",
    "pass_state", "tangents",
]

Value = float | None
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
#: largest expression graph drawn (operations and leaves)
MAX_NODES = 40


def input_symbol(j: int) -> sp.Symbol:
    """uⱼ, the symbol a local formula uses for its j-th input (j from 1)."""
    return real_symbol(f"u{j}")


@dataclass(frozen=True)
class GraphNode:
    """One node: a leaf (``kind`` input, parameter or target) or an operation.

    An operation's ``local`` is its formula φ(u₁, …, u_k) in the symbols of
    :func:`input_symbol`, and ``inputs`` are the indices of the nodes that
    stand for u₁, …, u_k.
    """

    name: str
    kind: str
    inputs: tuple[int, ...] = ()
    local: sp.Expr | None = None
    formula: str = ""

    @property
    def is_leaf(self) -> bool:
        return self.kind != "operation"


@dataclass(frozen=True)
class ComputationGraph:
    """Nodes in evaluation order (each after its inputs); the last node is the output."""

    nodes: tuple[GraphNode, ...]

    @property
    def output(self) -> int:
        return len(self.nodes) - 1

    def index(self, name: str) -> int:
        for i, node in enumerate(self.nodes):
            if node.name == name:
                return i
        raise KeyError(name)

    @property
    def leaves(self) -> list[int]:
        return [i for i, n in enumerate(self.nodes) if n.is_leaf]

    @property
    def edges(self) -> list[tuple[int, int, int]]:
        """(input node, operation node, position j of the input, from 0) for every edge."""
        return [(k, i, j) for i, n in enumerate(self.nodes) for j, k in enumerate(n.inputs)]

    def consumers(self, k: int) -> list[int]:
        return [i for i, n in enumerate(self.nodes) if k in n.inputs]

    @property
    def levels(self) -> list[int]:
        """Longest path from a leaf: 0 for leaves, 1 + the largest input level for an operation."""
        out: list[int] = []
        for node in self.nodes:
            out.append(1 + max(out[k] for k in node.inputs) if node.inputs else 0)
        return out

    @property
    def depth(self) -> int:
        return max(self.levels, default=0)

    def edge_formula(self, i: int, j: int) -> sp.Expr:
        """∂v/∂uⱼ for operation i as a formula in its inputs' names."""
        node = self.nodes[i]
        assert node.local is not None
        partial = sp.diff(node.local, input_symbol(j + 1))
        return sp.simplify(partial.subs(self._names(i)))

    def node_formula(self, i: int) -> sp.Expr:
        """The operation's formula with its inputs' names in place of u₁, u₂, …."""
        node = self.nodes[i]
        assert node.local is not None
        return node.local.subs(self._names(i))

    def _names(self, i: int) -> dict[sp.Symbol, sp.Symbol]:
        return {input_symbol(j + 1): sp.Symbol(self.nodes[k].name) for j, k in enumerate(self.nodes[i].inputs)}


# ----------------------------------------------------------------- building graphs


def network_graph(layers: int = 1) -> ComputationGraph:
    """The scalar network x → zₗ = wₗ aₗ₋₁ + bₗ → aₗ = σ(zₗ) (a₀ = x) → L = ½(a − y)².

    Leaves: the input x, the parameters wₗ and bₗ, the target y. With one layer the
    names are plain: w, b, z, a.
    """
    if layers < 1:
        raise ValueError("a network has at least one layer")
    u1, u2, u3 = (input_symbol(j) for j in (1, 2, 3))
    nodes: list[GraphNode] = [GraphNode("x", "input")]
    previous = 0

    def sub(name: str, layer: int) -> str:
        return name if layers == 1 else f"{name}{str(layer).translate(_SUBSCRIPTS)}"

    for layer in range(1, layers + 1):
        w, b, z, a = (sub(n, layer) for n in "wbza")
        nodes.append(GraphNode(w, "parameter"))
        nodes.append(GraphNode(b, "parameter"))
        iw, ib = len(nodes) - 2, len(nodes) - 1
        before = nodes[previous].name
        nodes.append(GraphNode(z, "operation", (iw, previous, ib), u1 * u2 + u3, f"{z} = {w}·{before} + {b}"))
        nodes.append(GraphNode(a, "operation", (len(nodes) - 1,), sigmoid(u1), f"{a} = σ({z})"))
        previous = len(nodes) - 1
    nodes.append(GraphNode("y", "target"))
    a_name = nodes[previous].name
    nodes.append(GraphNode("L", "operation", (previous, len(nodes) - 1), (u1 - u2) ** 2 / 2,
                           f"L = ½({a_name} − y)²"))
    return ComputationGraph(tuple(nodes))


def expression_graph(f: Function) -> ComputationGraph:
    """One node per operation of f's checked sympy tree; the variable is the only leaf.

    Constants are folded into the operation that uses them (−3·x is one node,
    x³ is one node), equal subexpressions are one node read by every user, and
    an operation reading the same node twice reads it once (x^x is u₁^u₁).
    The output is named f, the other operations v₁, v₂, … in evaluation order.
    Raises ValueError when f does not depend on its variable or has more than
    :data:`MAX_NODES` nodes.
    """
    expr = f.sympy(0)
    if f.symbol not in expr.free_symbols:
        raise ValueError("f does not depend on x: it has no computation graph to differentiate")
    nodes: list[GraphNode] = []
    memo: dict[sp.Expr, int] = {}
    _build(expr, f, nodes, memo)
    names: list[str] = []
    count = 0
    for i, node in enumerate(nodes):
        if node.is_leaf:
            names.append(node.name)
        elif i == len(nodes) - 1:
            names.append("f")
        else:
            count += 1
            names.append(f"v{str(count).translate(_SUBSCRIPTS)}")
    renamed = [GraphNode(names[i], n.kind, n.inputs, n.local) for i, n in enumerate(nodes)]
    graph = ComputationGraph(tuple(renamed))
    final = []
    for i, n in enumerate(graph.nodes):
        formula = "" if n.is_leaf else f"{n.name} = {graph.node_formula(i)}"
        final.append(GraphNode(n.name, n.kind, n.inputs, n.local, formula))
    return ComputationGraph(tuple(final))


def _build(expr: sp.Expr, f: Function, nodes: list[GraphNode], memo: dict[sp.Expr, int]) -> int:
    """Post-order walk of ``expr`` appending nodes; returns the index of expr's node."""
    if expr in memo:
        return memo[expr]
    if expr == f.symbol:
        nodes.append(GraphNode(f.variable, "input"))
        memo[expr] = len(nodes) - 1
        return memo[expr]
    inputs: list[int] = []
    args: list[sp.Expr] = []
    for arg in expr.args:
        if arg.free_symbols:
            k = _build(arg, f, nodes, memo)
            if k not in inputs:
                inputs.append(k)
            args.append(input_symbol(inputs.index(k) + 1))
        else:
            args.append(arg)
    if len(nodes) >= MAX_NODES:
        raise ValueError(f"f has more than {MAX_NODES} operations: too many to draw as a graph")
    nodes.append(GraphNode("", "operation", tuple(inputs), expr.func(*args)))
    memo[expr] = len(nodes) - 1
    return memo[expr]


# ----------------------------------------------------------------- local formulas


@lru_cache(maxsize=512)
def _local_function(local: sp.Expr, arity: int, j: int) -> Function:
    """φ as a Function of uⱼ (j from 1) with the other inputs as parameters."""
    names = [f"u{i}" for i in range(1, arity + 1)]
    return Function(local, variable=names[j - 1], parameters=[n for n in names if n != names[j - 1]])


def _local_value(local: sp.Expr, values: Sequence[float], j: int = 0) -> Value:
    """φ(u) when j = 0, else ∂φ/∂uⱼ(u); None where undefined."""
    arity = len(values)
    if arity == 0:
        return None
    fn = _local_function(local, arity, max(j, 1))
    var = max(j, 1) - 1
    params = {f"u{i + 1}": float(v) for i, v in enumerate(values) if i != var}
    try:
        return fn.value(float(values[var]), n=1 if j else 0, **params)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None


def forward_values(graph: ComputationGraph, leaves: Mapping[str, float]) -> list[Value]:
    """Every node's value: leaves from ``leaves`` (by name), operations vᵢ = φᵢ(inputs)."""
    out: list[Value] = []
    for node in graph.nodes:
        if node.is_leaf:
            out.append(float(leaves[node.name]))
            continue
        inputs = [out[k] for k in node.inputs]
        out.append(None if any(v is None for v in inputs) else _local_value(node.local, inputs))
    return out


def local_derivatives(graph: ComputationGraph, values: Sequence[Value]) -> dict[tuple[int, int], Value]:
    """∂vᵢ/∂uⱼ at the current values, keyed by (operation i, input position j from 0)."""
    out: dict[tuple[int, int], Value] = {}
    for i, node in enumerate(graph.nodes):
        if node.is_leaf:
            continue
        inputs = [values[k] for k in node.inputs]
        for j in range(len(node.inputs)):
            out[(i, j)] = None if any(v is None for v in inputs) else _local_value(node.local, inputs, j + 1)
    return out


def _times(a: Value, b: Value) -> Value:
    return None if a is None or b is None else a * b


def _plus(a: Value, b: Value) -> Value:
    return None if a is None or b is None else a + b


def adjoints(graph: ComputationGraph, local: Mapping[tuple[int, int], Value]) -> list[Value]:
    """Reverse mode: v̄ = ∂L/∂v for every node, from L̄ = 1 and ū = Σ v̄ · ∂v/∂u."""
    bar: list[Value] = [0.0] * len(graph.nodes)
    bar[graph.output] = 1.0
    for i in range(graph.output, -1, -1):
        for j, k in enumerate(graph.nodes[i].inputs):
            bar[k] = _plus(bar[k], _times(bar[i], local[(i, j)]))
    return bar


def tangents(graph: ComputationGraph, local: Mapping[tuple[int, int], Value], seed: str) -> list[Value]:
    """Forward mode: v̇ = ∂v/∂s for the leaf s named ``seed`` (ṡ = 1, other leaves 0)."""
    dot: list[Value] = []
    for i, node in enumerate(graph.nodes):
        if node.is_leaf:
            dot.append(1.0 if node.name == seed else 0.0)
            continue
        total: Value = 0.0
        for j, k in enumerate(node.inputs):
            total = _plus(total, _times(local[(i, j)], dot[k]))
        dot.append(total)
    return dot


def central_difference_gradient(graph: ComputationGraph, leaves: Mapping[str, float], name: str,
                                relative_step: float = 1e-6) -> tuple[Value, float]:
    """(L(θ + h) − L(θ − h)) / (2h) for the leaf θ = ``name``, h = relative_step · max(1, |θ|); and h."""
    theta = float(leaves[name])
    h = relative_step * max(1.0, abs(theta))
    plus = forward_values(graph, {**leaves, name: theta + h})[graph.output]
    minus = forward_values(graph, {**leaves, name: theta - h})[graph.output]
    if plus is None or minus is None:
        return None, h
    return (plus - minus) / (2.0 * h), h


def relative_error(a: Value, b: Value) -> Value:
    """|a − b| / max(|a|, |b|), 0 when both are 0; None when either is undefined."""
    if a is None or b is None:
        return None
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def gradient_check(graph: ComputationGraph, leaves: Mapping[str, float],
                   names: Sequence[str] | None = None) -> list[dict[str, Value | str]]:
    """Per leaf θ: backprop ∂L/∂θ, the forward-mode tangent L̇ seeded at θ, the central
    difference, and the relative error |backprop − central| / max(|backprop|, |central|)."""
    values = forward_values(graph, leaves)
    local = local_derivatives(graph, values)
    bar = adjoints(graph, local)
    rows: list[dict[str, Value | str]] = []
    for name in names if names is not None else [graph.nodes[i].name for i in graph.leaves]:
        k = graph.index(name)
        difference, h = central_difference_gradient(graph, leaves, name)
        forward = tangents(graph, local, name)[graph.output]
        rows.append({"name": name, "backprop": bar[k], "forward": forward, "central": difference, "h": h,
                     "relative_error": relative_error(bar[k], difference)})
    return rows


# ----------------------------------------------------------------- step by step


@dataclass(frozen=True)
class PassState:
    """What is known after ``step`` steps of a forward-then-backward (or tangent) pass.

    Reverse mode, for a graph of depth D: step 0 shows the leaves; steps 1…D
    compute the values level by level; step D + 1 seeds L̄ = 1; then for each
    level ℓ = D, …, 1 one step shows the local derivatives on the edges into
    level ℓ and the next adds v̄ · ∂v/∂u to each input's adjoint. The last step
    is 3D + 1. Forward mode: step 0 shows the leaves and their seeds; for each
    level ℓ, step 2ℓ − 1 computes the values and local derivatives and step 2ℓ
    the tangents; the last step is 2D.
    """

    step: int
    last: int
    phase: str  # inputs | forward | seed | local | accumulate | values | tangents
    level: int
    valued: frozenset[int]
    edges_shown: frozenset[tuple[int, int]]
    active_nodes: frozenset[int]
    active_edges: frozenset[tuple[int, int]]
    gradients: dict[int, Value]
    complete: frozenset[int]


def last_step(graph: ComputationGraph, mode: str) -> int:
    depth = graph.depth
    return 2 * depth if mode == "forward" else 3 * depth + 1


def pass_state(graph: ComputationGraph, local: Mapping[tuple[int, int], Value], step: int, mode: str = "reverse",
               seed: str = "x") -> PassState:
    """The state after ``step`` steps (clamped to [0, last]) in ``mode`` "reverse" or "forward"."""
    levels = graph.levels
    depth = graph.depth
    last = last_step(graph, mode)
    step = min(max(int(step), 0), last)
    n = len(graph.nodes)
    leaves = frozenset(graph.leaves)
    edges_into = {lvl: frozenset((i, j) for i in range(n) if levels[i] == lvl and not graph.nodes[i].is_leaf
                                 for j in range(len(graph.nodes[i].inputs))) for lvl in range(1, depth + 1)}

    def at_or_below(lvl: int) -> frozenset[int]:
        return frozenset(i for i in range(n) if levels[i] <= lvl)

    if mode == "forward":
        dot = tangents(graph, local, seed)
        level = (step + 1) // 2
        valued = at_or_below(level)
        edges = frozenset().union(*(edges_into[lvl] for lvl in range(1, level + 1))) if level else frozenset()
        known_level = step // 2
        known = at_or_below(known_level)
        phase = "inputs" if step == 0 else ("values" if step % 2 else "tangents")
        active = frozenset(i for i in range(n) if levels[i] == level) if step else leaves
        return PassState(step, last, phase, level, valued, edges, active,
                         edges_into.get(level, frozenset()) if step % 2 else frozenset(),
                         {i: dot[i] for i in known}, known)

    if step <= depth:
        valued = at_or_below(step)
        active = frozenset(i for i in range(n) if levels[i] == step) if step else leaves
        return PassState(step, last, "forward" if step else "inputs", step, valued, frozenset(), active,
                         frozenset(), {}, frozenset())
    valued = frozenset(range(n))
    back = step - depth - 1  # 0: seed; then pairs (local, accumulate) for levels D, D − 1, …
    gradients: dict[int, Value] = {graph.output: 1.0}
    edges: set[tuple[int, int]] = set()
    done_levels = (back) // 2  # levels whose accumulation has happened: D, …, D − done + 1
    showing = back % 2 == 1     # the next level's local derivatives are shown, not yet added
    for m in range(done_levels + (1 if showing else 0)):
        lvl = depth - m
        edges |= edges_into[lvl]
        if m < done_levels:
            for i, j in sorted(edges_into[lvl], key=lambda e: (-e[0], e[1])):
                k = graph.nodes[i].inputs[j]
                gradients[k] = _plus(gradients.get(k, 0.0), _times(gradients.get(i), local[(i, j)]))
    lowest_done = depth - done_levels + 1  # every consumer at or above this level has pushed
    complete = frozenset(k for k in gradients if k == graph.output or all(
        levels[i] >= lowest_done for i in graph.consumers(k)))
    if back == 0:
        phase, level, active_nodes, active_edges = "seed", depth, frozenset({graph.output}), frozenset()
    elif showing:
        level = depth - done_levels
        phase, active_edges = "local", edges_into[level]
        active_nodes = frozenset(i for i, _ in active_edges)
    else:
        level = depth - done_levels + 1
        phase, active_edges = "accumulate", edges_into[level]
        active_nodes = frozenset(graph.nodes[i].inputs[j] for i, j in active_edges)
    return PassState(step, last, phase, level, valued, frozenset(edges), active_nodes, active_edges, gradients,
                     complete)


def finite(value: Value) -> bool:
    return value is not None and math.isfinite(value)
