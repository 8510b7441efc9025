"""The chain rule: local slopes multiply along a composition.

For y = f(g(x)), (f∘g)′(a) = f′(g(a)) · g′(a): near a, g stretches a small
interval by g′(a), and f stretches its image by f′(g(a)). The scene draws the
inner function with its tangent at a, the outer function with its tangent at
u = g(a), and the composite with its tangent at a, in linked planes from left
to right; an optional innermost h gives three factors, as in e^{sin(x²)}:
f′(g(h(a))) · g′(h(a)) · h′(a). The product is checked against the derivative
of the composite worked out symbolically from the composed expression.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from derivlab.expr import Function
from derivlab.model import Parameter, View

from .base import Scene, formula_text, point_parameter, typed_function
from .drawables import Curve, Label, Markers, Panel, Readout, SceneFrame, Table, format_number
from .sampling import sample_curve
from .secant import line_through

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend

CUSTOM = "custom"
#: preset name -> (f, g, h): y = f(g(h(x)))
PRESETS: dict[str, tuple[str, str, str]] = {
    "sin(x²)": ("sin(x)", "x^2", "x"),
    "e^(sin(x²))": ("e^x", "sin(x)", "x^2"),
    "σ(3x − 1)": ("sigmoid(x)", "3x - 1", "x"),
}
#: names of the layers from the inside out, and of their input variables
LAYER_NAMES = ("h", "g", "f")


@lru_cache(maxsize=32)
def composite(texts: tuple[str, ...]) -> Function:
    """The checked composite of typed functions, outermost first: (f, g, h) ↦ f(g(h(x))).

    Built by substituting the checked sympy expressions into one another, never from text.
    """
    functions = [typed_function(t) for t in texts]
    expr = functions[-1].sympy(0)
    for outer in reversed(functions[:-1]):
        expr = outer.sympy(0).subs(outer.symbol, expr)
    return Function(expr, variable=functions[0].variable)


def layers_of(values: Mapping[str, Any]) -> list[tuple[str, Function]]:
    """The layers from the inside out: (name, function); h is left out when it is the identity x."""
    layers = []
    h = typed_function(values["h"])
    if h.text != h.variable:
        layers.append(("h", h))
    layers += [("g", typed_function(values["g"])), ("f", typed_function(values["f"]))]
    return layers


def chain_factors(layers: list[tuple[str, Function]], a: float) -> list[dict[str, Any]]:
    """Per layer: its input u, its value, and its local derivative at u (inside out); None where undefined."""
    out, u = [], a
    for name, fn in layers:
        value = None if u is None else fn.value(u)
        slope = None if u is None else fn.value(u, 1)
        out.append({"name": name, "input": u, "value": value, "slope": slope})
        u = value
    return out


def in_variable(fn: Function, variable: str) -> str:
    """The formula of fn written in another variable: sin(x) in u₁ reads sin(u₁)."""
    return formula_text(str(fn.sympy(0).subs(fn.symbol, sp.Symbol(variable))))


def fitted_range(values: np.ndarray, keep: float | None = None, pad: float = 0.12) -> tuple[float, float]:
    """A y (or u) range showing the finite values (1st to 99th percentile) and ``keep``, padded."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        lo, hi = -1.0, 1.0
    else:
        lo, hi = (float(v) for v in np.percentile(finite, [1, 99]))
    if keep is not None and math.isfinite(keep):
        lo, hi = min(lo, keep), max(hi, keep)
    span = hi - lo
    if span < 1e-9:
        lo, hi, span = lo - 1.0, hi + 1.0, 2.0
    return lo - pad * span, hi + pad * span


class ChainRuleScene(Scene):
    name = "chain-rule"
    title = "Chain rule"
    summary = "(f∘g)′(a) = f′(g(a))·g′(a): the local slopes of the layers multiply."
    parameters = (
        Parameter("preset", "sin(x²)", kind="choice", label="Example", choices=(*PRESETS, CUSTOM),
                  help="A composition to start from; typing f, g or h makes it custom."),
        Parameter("f", "sin(x)", kind="expression", symbol="f(u)", label="Outer f",
                  help="The outer function, typed in x: it is applied to g's value."),
        Parameter("g", "x^2", kind="expression", symbol="g(x)", label="Inner g",
                  help="The inner function (applied to h's value when h is not x)."),
        Parameter("h", "x", kind="expression", symbol="h(x)", label="Innermost h",
                  help="An optional third layer applied first; leave it as x for two layers."),
        point_parameter(1.0, "Where the tangents touch; drag the point on the inner curve."),
        Parameter("delta", 0.1, kind="step", symbol="δ", label="Stretch δ", minimum=1e-4, maximum=1.0,
                  scale="log", help="Half-width of the interval [a − δ, a + δ] mapped through the layers."),
    )
    default_view = View(-2.0, 2.0, -1.0, 4.5)

    def linked_values(self, changed: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
        """A preset sets f, g and h; typing one of them away from the preset switches to custom."""
        preset = values.get("preset", CUSTOM)
        if "preset" in changed and preset in PRESETS:
            return dict(zip(("f", "g", "h"), PRESETS[preset], strict=True))
        if preset in PRESETS and any(k in changed for k in ("f", "g", "h")):
            if tuple(str(values[k]).strip() for k in ("f", "g", "h")) != PRESETS[preset]:
                return {"preset": CUSTOM}
        return {}

    def compute(
        self, values: Mapping[str, Any], view: View, backend: Backend | None = None
    ) -> SceneFrame:
        a, delta = float(values["a"]), float(values["delta"])
        layers = layers_of(values)
        F = composite(tuple(fn.text for _, fn in reversed(layers)))
        factors = chain_factors(layers, a)
        product = math.prod(f["slope"] for f in factors) if all(f["slope"] is not None for f in factors) else None
        exact = F.value(a, 1)

        # Interval endpoints mapped through the layers: [a − δ, a + δ] → [u₁(a ± δ)] → ...
        ends = [np.array([a - delta, a + delta])]
        for _, fn in layers:
            ends.append(np.asarray(fn.numpy(0)(ends[-1]), dtype=np.float64))

        planes: list[tuple[list, View, str, str, str]] = []
        x_range = (view.x_min, view.x_max)
        for k, ((name, fn), factor) in enumerate(zip(layers, factors, strict=True)):
            variable = "x" if k == 0 else f"u{'₁₂'[k - 1] if len(layers) > 2 else ''}"
            inner_names = "".join(f"{n}(" for n, _ in reversed(layers[:k]))
            point_name = f"{inner_names}a{')' * k}"
            plane_view = view if k == 0 else View(*x_range, -1.0, 1.0, pixels=view.pixels)
            x, y = sample_curve(fn, plane_view, backend=backend)
            if k > 0:
                plane_view = View(*x_range, *fitted_range(y, factor["value"]), pixels=view.pixels)
                x, y = sample_curve(fn, plane_view, backend=backend)
            drawables = self._layer(f"{name}", fn, factor, plane_view, point_name, ends[k], ends[k + 1], variable,
                                    draggable=k == 0)
            planes.append((drawables, plane_view, name, variable, point_name))
            factor["point_name"] = point_name
            drawables.insert(0, Curve("curve", x, y, role="curve"))
            planes[-1] = (drawables, plane_view, f"{name}({variable}) = {in_variable(fn, variable)}", variable, point_name)
            x_range = fitted_range(y, factor["value"], pad=0.05)

        # The composite over the main view's x range.
        comp_view = View(view.x_min, view.x_max, -1.0, 1.0, pixels=view.pixels)
        cx, cy = sample_curve(F, comp_view, backend=backend)
        F_a = F.value(a)
        comp_view = View(view.x_min, view.x_max, *fitted_range(cy, F_a), pixels=view.pixels)
        comp_name = "∘".join(n for n, _ in reversed(layers))
        comp: list = [Curve("curve", cx, cy, role="curve")]
        if F_a is not None and exact is not None:
            tx, ty = line_through(a, F_a, exact, comp_view)
            comp.append(Curve("tangent", tx, ty, role="tangent", dashed=True))
            comp.append(Markers("point", np.array([a]), np.array([F_a]), role="point", size=14.0))
        comp += self._stretch(ends[0], ends[-1], comp_view, "stretch")
        key_x, key_y = comp_view.x_max, comp_view.y_min + 0.03 * comp_view.height
        comp.append(Label("key_tangent", "– – tangents", key_x, key_y, role="tangent", size=13.0,
                          offset=(-10, -56), anchor=("right", "bottom")))
        comp.append(Label("key_stretch", "▮ [a − δ, a + δ] and its images", key_x, key_y, role="secant", size=13.0,
                          offset=(-10, -36), anchor=("right", "bottom")))

        main_drawables = planes[0][0]
        main_drawables.append(Label("title", planes[0][2], view.x_max, view.y_max, size=15.0, offset=(-12, 12),
                                    anchor=("right", "top")))
        panels = []
        for (drawables, plane_view, title, variable, _), (name, _) in zip(planes[1:], layers[1:], strict=True):
            panels.append(Panel(f"layer_{name}", tuple(drawables), plane_view, title=title,
                                x_name=variable, y_name=name))
        panels.append(Panel("composite", tuple(comp), comp_view, title=f"{comp_name}(x) = {formula_text(F.text)}",
                            x_name="x", y_name="y"))

        readouts = [Readout("a", a, format_number(a, 6), "the point")]
        for factor in factors:
            name = factor["name"]
            readouts.append(Readout(f"{name}′({factor['point_name']})", factor["slope"], format_number(factor["slope"], 8),
                                    f"{name}′ at its input {format_number(factor['input'], 6)}", role="tangent"))
        symbols = " · ".join(f"{f['name']}′" for f in reversed(factors))
        gap = None if product is None or exact is None else product - exact
        readouts += [
            Readout(symbols, product, format_number(product, 12), "product of the local slopes", role="secant"),
            Readout(f"({comp_name})′(a)", exact, format_number(exact, 12), "derivative of the composite, from its formula"),
            Readout("difference", gap, format_number(gap, 3), "product − symbolic derivative"),
        ]
        message = "" if product is not None else "A layer is undefined or not differentiable at its input: the chain breaks here."
        factor_text = " · ".join(format_number(f["slope"], 4) for f in reversed(factors))
        return SceneFrame(
            tuple(main_drawables),
            tuple(readouts),
            caption=f"({comp_name})′(a) = {factor_text} = {format_number(product, 6)}",
            message=message,
            panels=tuple(panels),
            layout="right",
            main_size=1.0,
            x_name="x",
            y_name=layers[0][0],
            tables=(stretch_table(factors, ends),),
            extra={"factors": factors, "product": product, "exact": exact, "composite": F, "ends": ends},
        )

    @staticmethod
    def _layer(name: str, fn: Function, factor: dict[str, Any], view: View, point_name: str,
               ends_in: np.ndarray, ends_out: np.ndarray, variable: str, draggable: bool) -> list:
        u, value, slope = factor["input"], factor["value"], factor["slope"]
        out: list = []
        if u is None or value is None:
            return out
        if slope is not None:
            tx, ty = line_through(u, value, slope, view)
            out.append(Curve("tangent", tx, ty, role="tangent", dashed=True))
        out.append(Markers("point", np.array([u]), np.array([value]), role="point", size=14.0,
                           draggable="a" if draggable else None))
        right = u > (view.x_min + view.x_max) / 2
        out.append(Label("label_point", f"{name}′ = {format_number(slope, 4)}", u, value, role="tangent",
                         offset=(-10 if right else 10, 12), anchor=("right" if right else "left", "top")))
        out += ChainRuleScene._stretch(ends_in, ends_out, view, "stretch")
        return out

    @staticmethod
    def _stretch(ends_in: np.ndarray, ends_out: np.ndarray, view: View, key: str) -> list:
        """The input interval along the bottom edge and its image along the left edge (thick)."""
        if not (np.all(np.isfinite(ends_in)) and np.all(np.isfinite(ends_out))):
            return []
        y0 = view.y_min + 0.03 * view.height
        x0 = view.x_min + 0.02 * view.width
        return [
            Curve(f"{key}_in", ends_in, np.array([y0, y0]), role="secant", width=7.0),
            Curve(f"{key}_out", np.array([x0, x0]), ends_out, role="secant", width=7.0),
            Curve(f"{key}_guides", np.array([ends_in[0], ends_in[0], x0, np.nan, ends_in[1], ends_in[1], x0]),
                  np.array([y0, ends_out[0], ends_out[0], np.nan, y0, ends_out[1], ends_out[1]]),
                  role="guide", width=1.0, dashed=True),
        ]

    def function_latex(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        layers = layers_of(values)
        F = composite(tuple(fn.text for _, fn in reversed(layers)))
        out = [(f"{name}(x)", fn.latex) for name, fn in reversed(layers)]
        return out + [("composite", F.latex), ("derivative", F.derivative_latex(1))]

    def animations(self) -> dict[str, dict[str, Any]]:
        return {
            "move a": {"parameter": "a", "start": -1.5, "end": 1.5, "easing": "ease-in-out", "duration": 6.0},
            "δ → 0": {"parameter": "delta", "start": 1.0, "end": 1e-3, "easing": "geometric", "duration": 5.0},
        }


def stretch_table(factors: list[dict[str, Any]], ends: list[np.ndarray]) -> Table:
    """Per layer: input length, output length, their ratio, and the local derivative it tends to as δ → 0."""
    rows = []
    for k, factor in enumerate(factors):
        d_in = float(ends[k][1] - ends[k][0])
        d_out = float(ends[k + 1][1] - ends[k + 1][0])
        ratio = d_out / d_in if d_in != 0 and math.isfinite(d_out) else None
        rows.append((factor["name"], format_number(d_in, 6), format_number(d_out, 6), format_number(ratio, 6),
                     format_number(factor["slope"], 6)))
    d_in, d_out = float(ends[0][1] - ends[0][0]), float(ends[-1][1] - ends[-1][0])
    rows.append(("composite", format_number(d_in, 6), format_number(d_out, 6),
                 format_number(d_out / d_in if math.isfinite(d_out) else None, 6), ""))
    return Table("Stretching [a − δ, a + δ] layer by layer", ("layer", "length in", "length out", "ratio", "local slope"),
                 tuple(rows))
