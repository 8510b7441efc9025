"""The differentiation rules as pictures of how a quantity grows.

With Δf = f(a + h) − f(a) and Δg = g(a + h) − g(a):

* sum:      Δ(f + g) = Δf + Δg, so (f + g)′ = f′ + g′;
* product:  Δ(fg) = Δf·g + f·Δg + Δf·Δg — a rectangle of sides f and g grows by a
  strip Δf·g ≈ f′g·h, a strip f·Δg ≈ fg′·h and a corner Δf·Δg of order h², so
  (fg)′ = f′g + fg′;
* quotient: q = f/g is the side of a rectangle of height g and area f; from
  Δf = Δq·g + q·Δg + Δq·Δg, (f/g)′ = (f′g − fg′)/g²;
* power:    a square of side x grows by 2x·Δx + Δx², so (x²)′ = 2x; in general
  (xⁿ)′ = n·xⁿ⁻¹.

The growth regions are drawn as filled strips, and the readouts give each term's
value and check the rule against the exact derivative.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from derivlab.model import Parameter, View

from .base import Scene, formula_text, typed_function
from .base import finite_value as _value
from .drawables import Curve, Fill, Label, Markers, Panel, Readout, SceneFrame, format_number
from .sampling import sample_curve

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend
    from derivlab.expr import Function

RULES = ("sum", "product", "quotient", "power")


def product_growth(f: float, g: float, delta_f: float, delta_g: float) -> dict[str, float]:
    """The pieces of Δ(fg) = Δf·g + f·Δg + Δf·Δg (the strips and the corner)."""
    return {"Δf·g": delta_f * g, "f·Δg": f * delta_g, "Δf·Δg": delta_f * delta_g,
            "Δ(fg)": (f + delta_f) * (g + delta_g) - f * g}


def quotient_growth(f: float, g: float, delta_f: float, delta_g: float) -> dict[str, float]:
    """q = f/g and Δq = (Δf − q·Δg)/(g + Δg), from Δf = Δq·g + q·Δg + Δq·Δg."""
    q = f / g
    delta_q = (f + delta_f) / (g + delta_g) - q
    return {"q": q, "Δq": delta_q, "Δq·g": delta_q * g, "q·Δg": q * delta_g, "Δq·Δg": delta_q * delta_g}


def square_growth(x: float, delta_x: float) -> dict[str, float]:
    """(x + Δx)² − x² = 2x·Δx + Δx²: two strips x·Δx and a corner Δx²."""
    return {"x·Δx": x * delta_x, "Δx²": delta_x**2, "Δ(x²)": (x + delta_x) ** 2 - x**2}


def _box(key: str, x0: float, x1: float, y0: float, y1: float, role: str, alpha: float) -> Fill:
    """The rectangle [x0, x1] × [y0, y1] as a filled region."""
    lo, hi = min(y0, y1), max(y0, y1)
    return Fill(key, np.array([x0, x1]), np.array([lo, lo]), np.array([hi, hi]), role=role, alpha=alpha)


def _outline(key: str, x0: float, x1: float, y0: float, y1: float, role: str, width: float = 2.0) -> Curve:
    return Curve(key, np.array([x0, x1, x1, x0, x0]), np.array([y0, y0, y1, y1, y0]), role=role, width=width)


class RulesScene(Scene):
    name = "rules"
    title = "Rules as pictures"
    summary = "Sum, product, quotient and power rules: how f + g, f·g, f/g and x² grow when x grows by h."
    parameters = (
        Parameter("rule", "product", kind="choice", symbol="rule", label="Rule", choices=RULES,
                  help="sum: Δf + Δg; product: the rectangle f·g; quotient: f/g as a side; power: the square x²."),
        Parameter("f", "x^2/2 + 1", kind="expression", symbol="f(x)", label="Function f",
                  help="The first function (sum, product, quotient)."),
        Parameter("g", "sin(x) + 2", kind="expression", symbol="g(x)", label="Function g",
                  help="The second function (sum, product, quotient)."),
        Parameter("a", 1.0, symbol="x", label="Point x", minimum=-1e6, maximum=1e6,
                  help="Where the rule is checked (for the square: its side x). Drag the point."),
        Parameter("h", 0.3, kind="step", symbol="h = Δx", label="Step h = Δx", minimum=1e-8, maximum=2.0,
                  scale="log", help="How much x grows; the corner of order h² vanishes fastest as h → 0."),
    )
    default_view = View(-2.0, 3.0, -1.0, 6.0)

    def compute(
        self, values: Mapping[str, Any], view: View, backend: Backend | None = None
    ) -> SceneFrame:
        rule = str(values["rule"])
        a, h = float(values["a"]), float(values["h"])
        if rule == "power":
            return self._power(a, h, view, backend)
        f, g = typed_function(values["f"]), typed_function(values["g"])
        combined = typed_function(_combined_text(rule, f, g))
        drawables: list = []
        symbol = {"sum": "f + g", "product": "f·g", "quotient": "f/g"}[rule]
        for key, fn, role, label in (
            ("curve_f", f, "curve", f"f(x) = {formula_text(f.text)}"),
            ("curve_g", g, "derivative", f"g(x) = {formula_text(g.text)}"),
            ("curve_combined", combined, "second", f"({symbol})(x)"),
        ):
            xs, ys = sample_curve(fn, view, backend=backend)
            drawables.append(Curve(key, xs, ys, role=role, width=3.0 if key == "curve_combined" else 2.5, label=label))
        f_a, g_a, f_ah, g_ah = (_value(f, a), _value(g, a), _value(f, a + h), _value(g, a + h))
        if None in (f_a, g_a, f_ah, g_ah) or (rule == "quotient" and (g_a == 0 or g_ah == 0)):
            return SceneFrame(tuple(drawables), (), message="f or g is undefined (or g = 0) at x or x + h: move x or h.",
                              layout="right")
        u_a, u_ah = _value(combined, a), _value(combined, a + h)
        for key, xs_, ys_ in (("points_f", [a, a + h], [f_a, f_ah]), ("points_g", [a, a + h], [g_a, g_ah])):
            drawables.append(Markers(key, np.array(xs_), np.array(ys_), role="guide", size=10.0))
        if u_a is not None and u_ah is not None:
            drawables.append(Curve("rise", np.array([a + h, a + h]), np.array([u_a, u_ah]), role="secant", width=3.0))
            drawables.append(Markers("point_a_plus_h", np.array([a + h]), np.array([u_ah]), role="secant", size=12.0))
            drawables.append(Label("label_rise", f"Δ({symbol.replace('·', '')})", a + h, (u_a + u_ah) / 2, role="secant",
                                   offset=(10, 0), anchor=("left", "center")))
            drawables.append(Markers("point_a", np.array([a]), np.array([u_a]), role="point", size=16.0, draggable="a"))
        delta_f, delta_g = f_ah - f_a, g_ah - g_a
        df, dg = f.value(a, 1), g.value(a, 1)
        exact = combined.value(a, 1)
        builder = {"sum": self._sum_picture, "product": self._product_picture, "quotient": self._quotient_picture}[rule]
        panel, readouts, extra = builder(f_a, g_a, delta_f, delta_g, h, df, dg, exact)
        return SceneFrame(
            tuple(drawables), readouts, panels=(panel,), layout="right", main_size=1.0,
            caption=f"{rule} rule at x = {format_number(a, 6)}, h = {format_number(h, 4)}",
            extra={"rule": rule, "a": a, "h": h, "f": f_a, "g": g_a, "delta_f": delta_f, "delta_g": delta_g,
                   "exact": exact, **extra},
        )

    # -- the pictures --------------------------------------------------------------
    @staticmethod
    def _sum_picture(f_a, g_a, delta_f, delta_g, h, df, dg, exact):
        total = delta_f + delta_g
        drawables = [
            _box("bar_f", 0.2, 0.8, 0.0, delta_f, "secant", 0.45),
            _box("bar_g", 1.2, 1.8, 0.0, delta_g, "tangent", 0.45),
            _box("bar_sum_f", 2.2, 2.8, 0.0, delta_f, "secant", 0.45),
            _box("bar_sum_g", 2.2, 2.8, delta_f, total, "tangent", 0.45),
            _outline("outline_sum", 2.2, 2.8, 0.0, total, "second", 2.5),
        ]
        # Above each bar: the x axis below carries the tick labels.
        for key, x, text, top in (("label_f", 0.5, "Δf", delta_f), ("label_g", 1.5, "Δg", delta_g),
                                  ("label_sum", 2.5, "Δ(f + g) = Δf + Δg", total)):
            drawables.append(Label(key, text, x, max(0.0, top), offset=(0, -6), anchor=("center", "bottom")))
        low, high = min(0.0, delta_f, delta_g, total), max(0.0, delta_f, delta_g, total)
        pad = 0.15 * (high - low or 1.0)
        view = View(-0.2, 3.2, low - 1.5 * pad, high + pad)
        panel = Panel("picture", tuple(drawables), view, title="Δ(f + g) = Δf + Δg", x_name="", y_name="Δ")
        rule_value = _add(df, dg)
        readouts = (
            Readout("Δf", delta_f, format_number(delta_f, 6), "f(x+h) − f(x)", role="secant"),
            Readout("Δg", delta_g, format_number(delta_g, 6), "g(x+h) − g(x)", role="tangent"),
            Readout("Δ(f + g)", total, format_number(total, 6), "= Δf + Δg", role="second"),
            Readout("Δ(f + g)/h", total / h, format_number(total / h, 8), "→ (f + g)′(x) as h → 0"),
            Readout("f′ + g′", rule_value, format_number(rule_value, 10), "the sum rule"),
            _check(exact, rule_value),
        )
        return panel, readouts, {"terms": {"Δf": delta_f, "Δg": delta_g, "Δ(f+g)": total}, "rule_value": rule_value}

    @staticmethod
    def _product_picture(f_a, g_a, delta_f, delta_g, h, df, dg, exact):
        terms = product_growth(f_a, g_a, delta_f, delta_g)
        f1, g1 = f_a + delta_f, g_a + delta_g
        drawables = [
            _box("area_fg", 0.0, f_a, 0.0, g_a, "curve", 0.16),
            _box("strip_df_g", f_a, f1, 0.0, g_a, "secant", 0.45),
            _box("strip_f_dg", 0.0, f_a, g_a, g1, "tangent", 0.45),
            _box("corner", f_a, f1, g_a, g1, "second", 0.7),
            _outline("outline_fg", 0.0, f_a, 0.0, g_a, "curve", 2.5),
            _outline("outline_grown", 0.0, f1, 0.0, g1, "second", 1.5),
        ]
        drawables += _region_labels(f_a, g_a, f1, g1, ("f·g", "Δf·g ≈ f′g·h", "f·Δg ≈ fg′·h", "Δf·Δg ~ h²"))
        panel = Panel("picture", tuple(drawables), _fit(f_a, g_a, f1, g1), title="Δ(fg) = Δf·g + f·Δg + Δf·Δg",
                      x_name="f", y_name="g")
        rule_value = None if None in (df, dg) else df * g_a + f_a * dg
        pieces = terms["Δf·g"] + terms["f·Δg"] + terms["Δf·Δg"]
        readouts = (
            Readout("f·g", f_a * g_a, format_number(f_a * g_a, 6), "the rectangle", role="curve"),
            Readout("Δf·g", terms["Δf·g"], format_number(terms["Δf·g"], 6), "strip ≈ f′g·h", role="secant"),
            Readout("f·Δg", terms["f·Δg"], format_number(terms["f·Δg"], 6), "strip ≈ fg′·h", role="tangent"),
            Readout("Δf·Δg", terms["Δf·Δg"], format_number(terms["Δf·Δg"], 6), "corner, of order h²", role="second"),
            Readout("Δ(fg)", terms["Δ(fg)"], format_number(terms["Δ(fg)"], 6), "f(x+h)g(x+h) − f(x)g(x)"),
            Readout("strips + corner − Δ(fg)", pieces - terms["Δ(fg)"], format_number(pieces - terms["Δ(fg)"], 3),
                    "0 up to rounding"),
            Readout("Δ(fg)/h", terms["Δ(fg)"] / h, format_number(terms["Δ(fg)"] / h, 8), "→ (fg)′(x) as h → 0"),
            Readout("f′g + fg′", rule_value, format_number(rule_value, 10), "the product rule"),
            _check(exact, rule_value),
        )
        return panel, readouts, {"terms": terms, "rule_value": rule_value}

    @staticmethod
    def _quotient_picture(f_a, g_a, delta_f, delta_g, h, df, dg, exact):
        terms = quotient_growth(f_a, g_a, delta_f, delta_g)
        q, delta_q = terms["q"], terms["Δq"]
        q1, g1 = q + delta_q, g_a + delta_g
        drawables = [
            _box("area_f", 0.0, q, 0.0, g_a, "curve", 0.16),
            _box("strip_dq_g", q, q1, 0.0, g_a, "secant", 0.45),
            _box("strip_q_dg", 0.0, q, g_a, g1, "tangent", 0.45),
            _box("corner", q, q1, g_a, g1, "second", 0.7),
            _outline("outline_f", 0.0, q, 0.0, g_a, "curve", 2.5),
            _outline("outline_grown", 0.0, q1, 0.0, g1, "second", 1.5),
        ]
        drawables += _region_labels(q, g_a, q1, g1, ("q·g = f", "Δq·g", "q·Δg", "Δq·Δg"))
        panel = Panel("picture", tuple(drawables), _fit(q, g_a, q1, g1),
                      title="q = f/g: area f = q·g, Δf = Δq·g + q·Δg + Δq·Δg", x_name="q", y_name="g")
        rule_value = None if None in (df, dg) else (df * g_a - f_a * dg) / g_a**2
        pieces = terms["Δq·g"] + terms["q·Δg"] + terms["Δq·Δg"]
        readouts = (
            Readout("q = f/g", q, format_number(q, 6), "side of the rectangle of area f", role="curve"),
            Readout("Δf", delta_f, format_number(delta_f, 6), "growth of the area"),
            Readout("Δq·g", terms["Δq·g"], format_number(terms["Δq·g"], 6), "strip", role="secant"),
            Readout("q·Δg", terms["q·Δg"], format_number(terms["q·Δg"], 6), "strip", role="tangent"),
            Readout("Δq·Δg", terms["Δq·Δg"], format_number(terms["Δq·Δg"], 6), "corner, of order h²", role="second"),
            Readout("strips + corner − Δf", pieces - delta_f, format_number(pieces - delta_f, 3), "0 up to rounding"),
            Readout("Δq/h", delta_q / h, format_number(delta_q / h, 8), "→ (f/g)′(x) as h → 0"),
            Readout("(f′g − fg′)/g²", rule_value, format_number(rule_value, 10), "the quotient rule"),
            _check(exact, rule_value),
        )
        return panel, readouts, {"terms": terms, "rule_value": rule_value}

    def _power(self, x: float, dx: float, view: View, backend: Backend | None) -> SceneFrame:
        square = typed_function("x^2")
        xs, ys = sample_curve(square, view, backend=backend)
        drawables: list = [
            Curve("curve_square", xs, ys, role="second", width=3.0, label="y = x²"),
            Curve("rise", np.array([x + dx, x + dx]), np.array([x**2, (x + dx) ** 2]), role="secant", width=3.0,
                  label="Δ(x²) = (x + Δx)² − x²"),
            Markers("point_a_plus_h", np.array([x + dx]), np.array([(x + dx) ** 2]), role="secant", size=12.0),
            Label("label_rise", "Δ(x²)", x + dx, (x**2 + (x + dx) ** 2) / 2, role="secant", offset=(10, 0),
                  anchor=("left", "center")),
            Markers("point_a", np.array([x]), np.array([x**2]), role="point", size=16.0, draggable="a"),
        ]
        terms = square_growth(x, dx)
        x1 = x + dx
        pieces = [
            _box("area_square", 0.0, x, 0.0, x, "curve", 0.16),
            _box("strip_right", x, x1, 0.0, x, "secant", 0.45),
            _box("strip_top", 0.0, x, x, x1, "tangent", 0.45),
            _box("corner", x, x1, x, x1, "second", 0.7),
            _outline("outline_square", 0.0, x, 0.0, x, "curve", 2.5),
            _outline("outline_grown", 0.0, x1, 0.0, x1, "second", 1.5),
        ]
        pieces += _region_labels(x, x, x1, x1, ("x²", "x·Δx", "x·Δx", "Δx²"))
        panel = Panel("picture", tuple(pieces), _fit(x, x, x1, x1), title="(x + Δx)² = x² + 2x·Δx + Δx²",
                      x_name="x", y_name="x")
        two_strips = 2 * terms["x·Δx"]
        rest = two_strips + terms["Δx²"] - terms["Δ(x²)"]
        readouts = (
            Readout("x", x, format_number(x), "side of the square"),
            Readout("Δx", dx, format_number(dx), "growth of the side"),
            Readout("x²", x**2, format_number(x**2, 6), "the square", role="curve"),
            Readout("2x·Δx", two_strips, format_number(two_strips, 6), "the two strips", role="secant"),
            Readout("Δx²", terms["Δx²"], format_number(terms["Δx²"], 6), "the corner, of order Δx²", role="second"),
            Readout("2x·Δx + Δx² − Δ(x²)", rest, format_number(rest, 3), "0 up to rounding"),
            Readout("Δ(x²)/Δx", terms["Δ(x²)"] / dx, format_number(terms["Δ(x²)"] / dx, 8), "= 2x + Δx → 2x"),
            Readout("2x", 2 * x, format_number(2 * x), "the power rule: (x²)′ = 2x", role="second"),
        )
        return SceneFrame(
            tuple(drawables), readouts, panels=(panel,), layout="right", main_size=1.0, x_name="x", y_name="y",
            caption="power rule: (xⁿ)′ = n·xⁿ⁻¹; for n = 2 the square grows by 2x·Δx + Δx²",
            extra={"rule": "power", "a": x, "h": dx, "terms": terms, "rule_value": 2 * x, "exact": 2 * x},
        )

    def function_latex(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        formulas = {
            "sum": r"(f + g)' = f' + g'",
            "product": r"(fg)' = f'g + fg'",
            "quotient": r"\left(\frac{f}{g}\right)' = \frac{f'g - fg'}{g^2}",
            "power": r"(x^n)' = n\,x^{n-1}",
        }
        rule = str(values["rule"])
        if rule == "power":
            return [("rule", formulas[rule]), ("", r"(x + \Delta x)^2 - x^2 = 2x\,\Delta x + \Delta x^2")]
        f, g = typed_function(values["f"]), typed_function(values["g"])
        return [("f(x)", f.latex), ("g(x)", g.latex), ("rule", formulas[rule])]

    def animations(self) -> dict[str, dict[str, Any]]:
        return {"h → 0": {"parameter": "h", "start": 1.0, "end": 1e-3, "easing": "geometric", "duration": 6.0}}


def _combined_text(rule: str, f: Function, g: Function) -> str:
    """Text of f + g, f·g or f/g from the two functions' canonical texts."""
    op = {"sum": "+", "product": "*", "quotient": "/"}[rule]
    return f"({f.text}) {op} ({g.text})"


def _region_labels(x0: float, y0: float, x1: float, y1: float, texts: tuple[str, str, str, str]) -> list[Label]:
    """Labels for the base rectangle, the right strip, the top strip and the corner."""
    base, right, top, corner = texts
    return [
        Label("label_base", base, x0 / 2, y0 / 2, role="text", size=17, offset=(0, 0), anchor=("center", "center")),
        Label("label_right", right, x1, y0 / 2, role="secant", size=15, offset=(8, 0), anchor=("left", "center")),
        Label("label_top", top, x0 / 2, y1, role="tangent", size=15, offset=(0, -6), anchor=("center", "bottom")),
        Label("label_corner", corner, x1, y1, role="second", size=15, offset=(8, -6), anchor=("left", "bottom")),
    ]


def _fit(x0: float, y0: float, x1: float, y1: float) -> View:
    """A view holding the rectangle [0, max] × [0, max] with room for the labels right and above."""
    lo_x, hi_x = min(0.0, x0, x1), max(0.0, x0, x1)
    lo_y, hi_y = min(0.0, y0, y1), max(0.0, y0, y1)
    wx, wy = (hi_x - lo_x) or 1.0, (hi_y - lo_y) or 1.0
    return View(lo_x - 0.12 * wx, hi_x + 0.55 * wx, lo_y - 0.12 * wy, hi_y + 0.25 * wy)


def _add(p: float | None, q: float | None) -> float | None:
    return None if p is None or q is None else p + q


def _check(exact: float | None, rule_value: float | None) -> Readout:
    gap = None if exact is None or rule_value is None else exact - rule_value
    return Readout("exact − rule", gap, format_number(gap, 3),
                   "the derivative of the combination minus the rule's value: 0 up to rounding")


