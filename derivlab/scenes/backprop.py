"""Backpropagation on a computation graph, step by step.

The scalar network x → z = wx + b → a = σ(z) → L = ½(a − y)², or the graph of a
typed f (one node per operation of its checked sympy tree), drawn as nodes and
edges. The forward pass fills in each node's value level by level; the
backward pass starts from ∂L/∂L = 1, shows the local derivative ∂v/∂u on every
edge into a level, and adds ∂L/∂v · ∂v/∂u to each input's gradient ∂L/∂u (a
node read twice, like x in x·sin(x²), collects a term from each reader).
Forward mode instead carries tangents v̇ = ∂v/∂s from one seed leaf s to the
output: v̇ = Σ ∂v/∂u · u̇. A table checks every gradient against a central
difference (L(θ + h) − L(θ − h))/(2h).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from derivlab.compute import backprop
from derivlab.compute.backprop import ComputationGraph, GraphNode, PassState
from derivlab.model import Parameter, View

from .base import Scene, formula_text, typed_function
from .drawables import Curve, Label, Markers, Readout, SceneFrame, Table, format_number

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend

#: highest step offered: every step of the backward pass of a graph up to 5 levels deep
MAX_STEP = 16
#: the graph is laid out in the box [LEFT, LEFT + WIDTH] × [MIDDLE − HEIGHT/2, MIDDLE + HEIGHT/2]
#: (away from the axes, so that they sit at the edges of the default view)
LEFT, MIDDLE, WIDTH, HEIGHT = 3.0, 5.0, 10.0, 6.0
LEAF_NAMES = ("x", "w", "b", "y")
ROLE_OF_KIND = {"input": "point", "parameter": "secant", "target": "guide", "operation": "curve"}
KIND_WORDS = {"input": "input", "parameter": "parameter", "target": "target", "operation": "operation"}


@lru_cache(maxsize=32)
def graph_for(kind: str, f_text: str) -> ComputationGraph:
    """The network's graph, or the graph of the typed f (ValueError when f has none)."""
    if kind == "network":
        return backprop.network_graph(1)
    return backprop.expression_graph(typed_function(f_text))


def display_formula(node: GraphNode) -> str:
    """The node's formula as on paper: ``v₂ = sigmoid(v₁)`` reads v₂ = σ(v₁), ``Abs(x)`` reads |x|.

    The network's formulas are written by hand already; an expression's come from sympy.
    """
    if "·" in node.formula or "σ" in node.formula or "½" in node.formula:
        return node.formula
    name, rhs = node.formula.split(" = ", 1)
    text = formula_text(rhs).replace("sigmoid", "σ")
    return f"{name} = " + re.sub(r"Abs\(([^()]*)\)", r"|\1|", text)


def leaf_values(values: Mapping[str, Any]) -> dict[str, float]:
    return {name: float(values[name]) for name in LEAF_NAMES}


def effective_step(graph: ComputationGraph, mode: str, step: int) -> int:
    """The step shown: ``step`` clamped to the last one; the top of the slider always shows the finished pass."""
    last = backprop.last_step(graph, mode)
    return last if step >= MAX_STEP else min(step, last)


def layout(graph: ComputationGraph) -> tuple[np.ndarray, np.ndarray]:
    """Node positions: columns by level (a leaf sits just before its first reader), rows ordered
    so that each node lies near its readers, inputs in order from top to bottom."""
    levels = graph.levels
    n = len(graph.nodes)
    column = [levels[i] if not graph.nodes[i].is_leaf else
              max(0, min(levels[c] for c in graph.consumers(i)) - 1) if graph.consumers(i) else 0
              for i in range(n)]
    columns = max(column) if column else 0
    sizes = [column.count(c) for c in range(columns + 1)]
    gap = min(2.2, HEIGHT / max(max(sizes) - 1, 1))
    y = np.zeros(n)
    for c in range(columns, -1, -1):
        members = [i for i in range(n) if column[i] == c]
        keys = {}
        for i in members:
            readers = graph.consumers(i)
            if not readers:
                keys[i] = 0.0
                continue
            keys[i] = float(np.mean([y[r] - 0.01 * graph.nodes[r].inputs.index(i) for r in readers]))
        members.sort(key=lambda i: -keys[i])
        centre = float(np.mean(list(keys.values()))) if keys else 0.0
        centre = float(np.clip(centre, -HEIGHT / 2 + gap * (len(members) - 1) / 2, HEIGHT / 2 - gap * (len(members) - 1) / 2))
        for r, i in enumerate(members):
            y[i] = centre + ((len(members) - 1) / 2 - r) * gap
    x = np.array([LEFT + WIDTH * c / max(columns, 1) for c in column], dtype=np.float64)
    return x, y + MIDDLE


def edge_path(k: int, i: int, x: np.ndarray, y: np.ndarray, clearance: float = 0.4) -> tuple[np.ndarray, np.ndarray, float]:
    """The edge from node k to node i: a straight segment, or an arc (a quadratic Bézier curve
    bowing by ``bow``) when the segment would pass through another node; and the bow (0 if straight)."""
    p0, p1 = np.array([x[k], y[k]]), np.array([x[i], y[i]])
    d = p1 - p0
    length2 = float(d @ d)
    blocked = False
    for m in range(len(x)):
        if m in (k, i) or length2 == 0:
            continue
        t = float(np.clip((np.array([x[m], y[m]]) - p0) @ d / length2, 0.0, 1.0))
        if np.hypot(*(p0 + t * d - np.array([x[m], y[m]]))) < clearance:
            blocked = True
            break
    if not blocked:
        return np.array([x[k], x[i]]), np.array([y[k], y[i]]), 0.0
    bow = (0.7 + 0.08 * np.sqrt(length2)) * (1.0 if (y[k] + y[i]) / 2 >= MIDDLE else -1.0)
    t = np.linspace(0.0, 1.0, 33)
    control = (p0 + p1) / 2 + np.array([0.0, 2.0 * bow])  # the curve's middle lies bow above the chord
    px = (1 - t) ** 2 * p0[0] + 2 * t * (1 - t) * control[0] + t**2 * p1[0]
    py = (1 - t) ** 2 * p0[1] + 2 * t * (1 - t) * control[1] + t**2 * p1[1]
    return px, py, bow


class BackpropScene(Scene):
    name = "backprop"
    title = "Backpropagation"
    summary = "A computation graph: values forward, local derivatives on the edges, gradients ∂L/∂v backward."
    parameters = (
        Parameter("graph", "network", kind="choice", label="Graph", choices=("network", "expression"),
                  help="The network x → z = wx + b → a = σ(z) → L = ½(a − y)², or the graph of the typed f."),
        Parameter("f", "x sin(x^2)", kind="expression", symbol="f(x)", label="Expression",
                  help="Its operations become the graph's nodes (shown when Graph is 'expression')."),
        Parameter("step", MAX_STEP, kind="integer", symbol="step", label="Step", minimum=0, maximum=MAX_STEP,
                  help="0 shows the inputs; then the forward pass level by level, then the backward pass. "
                       "The last position shows the finished pass."),
        Parameter("mode", "reverse", kind="choice", label="Mode", choices=("reverse", "forward"),
                  help="reverse: backpropagation of ∂L/∂v; forward: tangents v̇ = ∂v/∂s from one seed leaf s."),
        Parameter("seed", "w", kind="choice", label="Forward seed s", choices=LEAF_NAMES,
                  help="Forward mode: the leaf whose tangent is 1 (the expression's graph has only x)."),
        Parameter("x", 1.5, symbol="x", label="Input x", minimum=-5.0, maximum=5.0, help="The input."),
        Parameter("w", 0.8, symbol="w", label="Weight w", minimum=-5.0, maximum=5.0, help="The network's weight."),
        Parameter("b", -0.2, symbol="b", label="Bias b", minimum=-5.0, maximum=5.0, help="The network's bias."),
        Parameter("y", 1.0, symbol="y", label="Target y", minimum=-2.0, maximum=2.0, help="The value a should reach."),
    )
    default_view = View(0.05, 14.5, 0.4, 10.2)

    def linked_values(self, changed: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
        """Keep the step within the pass: Next past the last step stays on it."""
        try:
            graph = graph_for(str(values["graph"]), str(values["f"]))
        except ValueError:
            return {}
        last = backprop.last_step(graph, str(values["mode"]))
        step = int(values["step"])
        if last < step < MAX_STEP:
            return {"step": last}
        return {}

    def compute(
        self, values: Mapping[str, Any], view: View, backend: Backend | None = None
    ) -> SceneFrame:
        kind, mode = str(values["graph"]), str(values["mode"])
        try:
            graph = graph_for(kind, str(values["f"]))
        except ValueError as exc:
            return SceneFrame((), message=str(exc))
        leaves = leaf_values(values)
        seed = str(values["seed"]) if kind == "network" else "x"
        node_values = backprop.forward_values(graph, leaves)
        local = backprop.local_derivatives(graph, node_values)
        bar = backprop.adjoints(graph, local)
        dot = backprop.tangents(graph, local, seed)
        step = effective_step(graph, mode, int(values["step"]))
        state = backprop.pass_state(graph, local, step, mode, seed)
        out_name = graph.nodes[graph.output].name
        x, y = layout(graph)

        drawables = self._edges(graph, state, x, y, local, out_name, mode)
        drawables += self._nodes(graph, state, x, y, node_values, out_name, mode, seed)
        drawables += self._key(view, mode, out_name)

        checks = backprop.gradient_check(graph, leaves, [graph.nodes[i].name for i in graph.leaves])
        readouts = [Readout("step", step, f"{step} of {state.last}", "0 = inputs; forward, then backward")]
        readouts.append(Readout(out_name, node_values[graph.output], format_number(node_values[graph.output], 10),
                                "the output", role="second"))
        for row in checks:
            name = str(row["name"])
            k = graph.index(name)
            shown = k in state.complete if mode == "reverse" else state.step == state.last
            value = row["backprop"] if mode == "reverse" else (dot[graph.output] if name == seed else None)
            if mode == "forward" and name != seed:
                continue
            readouts.append(Readout(f"∂{out_name}/∂{name}", value if shown else None,
                                    format_number(value, 10) if shown else "not yet",
                                    "backpropagated" if mode == "reverse" else "forward-mode tangent",
                                    role="derivative"))
        message = ""
        if state.last > MAX_STEP:
            message = (f"This graph is {graph.depth} levels deep: its pass has {state.last} steps; "
                       f"the last slider position shows the finished pass.")
        if kind == "network" and mode == "forward" and seed not in [graph.nodes[i].name for i in graph.leaves]:
            message = f"{seed} is not a leaf of this graph."
        if kind == "expression" and mode == "forward" and str(values["seed"]) != "x":
            message = "The expression's only leaf is x: forward mode seeds ẋ = 1."
        return SceneFrame(
            tuple(drawables),
            tuple(readouts),
            caption=self._caption(graph, state, node_values, local, out_name, mode, seed),
            message=message,
            x_name="",
            y_name="",
            tables=(check_table(checks, out_name), trace_table(graph, node_values, bar, dot, out_name, seed)),
            extra={"graph": graph, "values": node_values, "local": local, "adjoints": bar, "tangents": dot,
                   "state": state, "checks": checks, "positions": (x, y)},
        )

    # ------------------------------------------------------------------ drawing
    @staticmethod
    def _edges(graph: ComputationGraph, state: PassState, x: np.ndarray, y: np.ndarray,
               local: Mapping[tuple[int, int], float | None], out_name: str, mode: str) -> list:
        plain: list[float] = []
        plain_y: list[float] = []
        shown: list[float] = []
        shown_y: list[float] = []
        active: list[float] = []
        active_y: list[float] = []
        labels: list = []
        for k, i, j in graph.edges:
            key = (i, j)
            ex, ey, bow = edge_path(k, i, x, y)
            xs, ys = [*ex, np.nan], [*ey, np.nan]
            if key in state.active_edges:
                active += xs
                active_y += ys
            elif key in state.edges_shown:
                shown += xs
                shown_y += ys
            else:
                plain += xs
                plain_y += ys
            if key in state.edges_shown:
                mx, my = (ex[len(ex) // 2], ey[len(ey) // 2]) if bow else ((x[k] + x[i]) / 2, (y[k] + y[i]) / 2)
                name = f"∂{graph.nodes[i].name}/∂{graph.nodes[k].name}"
                # Beside the line, on the side where it runs away from the text (above an arc's top).
                rise = y[i] - y[k]
                if bow:
                    offset, anchor = ((0.0, -5.0), ("center", "bottom")) if bow > 0 else ((0.0, 5.0), ("center", "top"))
                elif rise < -0.05:
                    offset, anchor = (6.0, -3.0), ("left", "bottom")
                elif rise > 0.05:
                    offset, anchor = (-6.0, -3.0), ("right", "bottom")
                else:
                    offset, anchor = (0.0, -6.0), ("center", "bottom")
                labels.append(Label(f"local_{i}_{j}", f"{name} = {format_number(local[key], 4)}", mx, my,
                                    role="tangent", size=13.0, offset=offset, anchor=anchor, backed=True))
        out: list = []
        if plain:
            out.append(Curve("edges", np.array(plain), np.array(plain_y), role="guide", width=2.0))
        if shown or active:
            # One legend entry for every edge that carries its local derivative.
            out.append(Curve("edges_local", np.array(shown + active), np.array(shown_y + active_y), role="tangent",
                             width=2.5, label="edge with its local derivative ∂v/∂u"))
        if active:
            out.append(Curve("edges_active", np.array(active), np.array(active_y), role="tangent", width=6.0))
        return out + labels

    @staticmethod
    def _nodes(graph: ComputationGraph, state: PassState, x: np.ndarray, y: np.ndarray,
               node_values: list[float | None], out_name: str, mode: str, seed: str) -> list:
        out: list = []
        active = sorted(state.active_nodes)
        if active:
            out.append(Markers("active", x[active], y[active], role="tangent" if state.phase in ("local", "accumulate", "seed", "tangents") else "curve", size=36.0))
        by_role: dict[str, list[int]] = {}
        for i, node in enumerate(graph.nodes):
            role = "second" if i == graph.output else ROLE_OF_KIND[node.kind]
            by_role.setdefault(role, []).append(i)
        for role, members in by_role.items():
            out.append(Markers(f"nodes_{role}", x[members], y[members], role=role, size=22.0))
        for i, node in enumerate(graph.nodes):
            value = node_values[i]
            if node.is_leaf:
                top = f"{node.name} = {format_number(value, 4)}"
            else:
                top = display_formula(node)
                if i in state.valued:
                    top += f" = {format_number(value, 4)}"
            out.append(Label(f"node_{i}", top, x[i], y[i], role="text", size=14.0, offset=(0, -18),
                             anchor=("center", "bottom"), backed=True))
            if i in state.gradients:
                g = state.gradients[i]
                if mode == "reverse":
                    text = f"∂{out_name}/∂{node.name} = {format_number(g, 4)}"
                    if i not in state.complete:
                        text += " so far"
                else:
                    text = f"∂{node.name}/∂{seed} = {format_number(g, 4)}"
                out.append(Label(f"grad_{i}", text, x[i], y[i], role="derivative", size=14.0, offset=(0, 18),
                                 anchor=("center", "top"), backed=True))
        return out

    @staticmethod
    def _key(view: View, mode: str, out_name: str) -> list:
        """Which colour is which kind of node, along the bottom edge."""
        x0, y0 = view.x_min, view.y_min
        entries = [("● input", "point"), ("● parameter", "secant"), ("● target", "guide"), ("● operation", "curve"),
                   ("● output", "second"),
                   (f"∂{out_name}/∂v: gradient" if mode == "reverse" else "∂v/∂s: tangent", "derivative")]
        # Each entry starts 18 pixels after the previous one's text ends, as the renderer measures it.
        return [Label(f"key_{k}", text, x0, y0, role=role, size=13.0, offset=(12.0 if k == 0 else 18.0, -34),
                      anchor=("left", "bottom"), after=f"key_{k - 1}" if k else "")
                for k, (text, role) in enumerate(entries)]

    @staticmethod
    def _caption(graph: ComputationGraph, state: PassState, node_values: list[float | None],
                 local: Mapping[tuple[int, int], float | None], out_name: str, mode: str, seed: str) -> str:
        head = f"Step {state.step} of {state.last}"
        nodes = graph.nodes
        if state.phase == "inputs":
            leaves = ", ".join(f"{nodes[i].name} = {format_number(node_values[i], 4)}" for i in graph.leaves)
            extra = f"; seed {seed}̇ = 1" if mode == "forward" else ""
            return f"{head}: the inputs {leaves}{extra}"
        if state.phase in ("forward", "values"):
            parts = [f"{display_formula(nodes[i])} = {format_number(node_values[i], 4)}"
                     for i in sorted(state.active_nodes)]
            return f"{head}, forward: " + "; ".join(parts[:3])
        if state.phase == "tangents":
            parts = [f"∂{nodes[i].name}/∂{seed} = {format_number(state.gradients.get(i), 4)}"
                     for i in sorted(state.active_nodes)]
            return f"{head}, tangents: " + "; ".join(parts[:3]) + " (Σ ∂v/∂u · ∂u/∂s)"
        if state.phase == "seed":
            return f"{head}, backward: start from ∂{out_name}/∂{out_name} = 1"
        if state.phase == "local":
            parts = [f"∂{nodes[i].name}/∂{nodes[nodes[i].inputs[j]].name} = {format_number(local[(i, j)], 4)}"
                     for i, j in sorted(state.active_edges)]
            return f"{head}, backward: local derivatives " + ", ".join(parts[:4])
        parts = []
        for i, j in sorted(state.active_edges)[:3]:
            k = nodes[i].inputs[j]
            parts.append(f"∂{out_name}/∂{nodes[k].name} += ∂{out_name}/∂{nodes[i].name} · ∂{nodes[i].name}/∂{nodes[k].name}")
        return f"{head}, backward: " + "; ".join(parts)

    def function_latex(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        if values.get("graph") == "network":
            return [("network", r"L = \tfrac{1}{2}\left(\sigma(wx + b) - y\right)^2"),
                    ("gradient", r"\frac{\partial L}{\partial w} = (a - y)\,\sigma(z)\left(1 - \sigma(z)\right)x")]
        f = typed_function(values["f"])
        return [("f(x)", f.latex), ("f′(x)", f.derivative_latex(1))]

    def animations(self) -> dict[str, dict[str, Any]]:
        return {
            "forward and backward pass": {"parameter": "step", "start": 0, "end": MAX_STEP, "easing": "linear",
                                          "duration": 12.0},
            "sweep w": {"parameter": "w", "start": -3.0, "end": 3.0, "easing": "ease-in-out", "duration": 6.0},
        }


def check_table(checks: list[dict[str, Any]], out_name: str) -> Table:
    """Per leaf θ: backprop, forward-mode and central-difference ∂L/∂θ and their relative error."""
    rows = tuple((str(r["name"]), format_number(r["backprop"], 10), format_number(r["forward"], 10),
                  format_number(r["central"], 10), format_number(r["relative_error"], 2)) for r in checks)
    return Table(f"Gradient check: ∂{out_name}/∂θ against (L(θ + h) − L(θ − h))/(2h)",
                 ("θ", "backprop", "forward mode", "central difference", "relative error"), rows)


def trace_table(graph: ComputationGraph, node_values: list[float | None], bar: list[float | None],
                dot: list[float | None], out_name: str, seed: str) -> Table:
    """The evaluation trace: every node's formula, value, gradient ∂L/∂v and tangent ∂v/∂s."""
    rows = []
    for i, node in enumerate(graph.nodes):
        formula = KIND_WORDS[node.kind] if node.is_leaf else display_formula(node).split(" = ", 1)[1]
        rows.append((node.name, formula, format_number(node_values[i], 8), format_number(bar[i], 8),
                     format_number(dot[i], 8)))
    return Table("Evaluation trace", ("v", "formula", "value", f"∂{out_name}/∂v", f"∂v/∂{seed}"), tuple(rows))
