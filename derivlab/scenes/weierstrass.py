"""The Weierstrass function: continuous everywhere, differentiable nowhere.

    W(x) = Σ_{n≥0} aⁿ cos(π bⁿ x)   (0 < a < 1, ab ≥ 1),   drawn as W_N = Σ_{n<N}.

The curve oscillates far below pixel size, so each pixel column shows the minimum
and maximum of W_N over its x-interval (the envelope), from ``samples`` samples
per column. The main plane is in offset coordinates u = x − x₀, so a window
10⁻¹² wide around x₀ still draws in float32. The slopes panel shows the
difference quotient |W(x₀+h) − W(x₀)|/|h| for h from 10⁻¹ to 10⁻¹² beside
h^(α−1), α = −log a / log b: it never settles, it grows as h → 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from derivlab.compute.weierstrass import envelope
from derivlab.expr.weierstrass import weierstrass_numpy
from derivlab.model import Parameter, View

from .base import Scene
from .drawables import Curve, Label, Markers, Panel, Readout, SceneFrame, format_number

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend

PRESETS: dict[str, tuple[float, float]] = {"a = 0.5, b = 3": (0.5, 3.0), "a = 0.9, b = 7": (0.9, 7.0)}
CUSTOM = "custom"
#: partial sums drawn faintly behind W_N
PARTIAL_SUMS = (1, 2, 3, 4)
#: steps of the slopes panel: 10⁻¹ … 10⁻¹²
SLOPE_STEPS = np.logspace(-1.0, -12.0, 45)


def holder_exponent(a: float, b: float) -> float:
    """α = −log a / log b: |W(x+h) − W(x)| ≈ C·|h|^α, so the quotient grows like |h|^(α−1)."""
    return -math.log(a) / math.log(b)


def difference_quotients(
    x0: float, steps: np.ndarray, a: float, b: float, terms: int
) -> tuple[np.ndarray, np.ndarray]:
    """(h, |W_N(x₀+h) − W_N(x₀)| / |h|) with h the step actually taken, (x₀+h) − x₀ in double."""
    x0 = float(x0)
    points = x0 + np.asarray(steps, dtype=np.float64)
    h = points - x0  # exact (Sterbenz) for steps well below |x₀|, and the true step anyway
    values = weierstrass_numpy(np.concatenate([[x0], points]), a, b, terms)
    with np.errstate(divide="ignore", invalid="ignore"):
        return h, np.abs(values[1:] - values[0]) / np.abs(h)


def envelope_polyline(x: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A zigzag through (x_c, min_c) and (x_c, max_c): a vertical stroke per pixel column.

    Columns alternate low→high and high→low, so where W is smooth at pixel scale
    (min ≈ max) it is an ordinary line and where it is not the strokes fill the band.
    """
    x2 = np.repeat(np.asarray(x, dtype=np.float64), 2)
    y2 = np.empty(2 * len(x), dtype=np.float64)
    flip = np.arange(len(x)) % 2 == 1
    y2[0::2] = np.where(flip, upper, lower)
    y2[1::2] = np.where(flip, lower, upper)
    return x2, y2


class WeierstrassScene(Scene):
    name = "weierstrass"
    title = "Weierstrass: continuous, nowhere differentiable"
    summary = "Add terms of Σ aⁿ cos(π bⁿ x), zoom without end, and watch the difference quotients blow up."
    parameters = (
        Parameter(
            "preset",
            "a = 0.5, b = 3",
            kind="choice",
            symbol="preset",
            label="Example",
            choices=(*PRESETS, CUSTOM),
            help="Sets a and b: a = 0.5, b = 3 (α ≈ 0.63) or a = 0.9, b = 7 (α ≈ 0.054, very rough).",
        ),
        Parameter("a", 0.5, symbol="a", label="Amplitude ratio a", minimum=0.05, maximum=0.99,
                  help="Each term is a times the one before (0 < a < 1)."),
        Parameter("b", 3.0, symbol="b", label="Frequency ratio b", minimum=1.5, maximum=15.0,
                  help="Each term oscillates b times faster. Integer b is computed exactly at any zoom."),
        Parameter("N", 20, kind="integer", symbol="N", label="Terms N", minimum=1, maximum=60,
                  help="W_N sums the terms n = 0 … N−1."),
        Parameter("x0", 0.3, symbol="x₀", label="Centre x₀", minimum=-2.0, maximum=2.0,
                  help="The point the slopes are taken at; the x axis reads x − x₀, so zoom in around 0."),
        Parameter("h", 0.05, kind="step", symbol="h", label="Step h", minimum=1e-12, maximum=1.0,
                  scale="log", help="The secant from x₀ to x₀ + h; drag its end point."),
        Parameter("samples", 16, kind="integer", symbol="S", label="Samples per pixel column",
                  minimum=1, maximum=256,
                  help="More samples find the true min and max of each column; 1–2 for a fast first frame."),
    )
    default_view = View(-2.0, 2.0, -2.6, 2.6)

    def linked_values(self, changed: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
        """A preset sets a and b; moving a or b away from the preset's values switches to custom."""
        preset = values.get("preset", CUSTOM)
        if "preset" in changed and preset in PRESETS:
            a, b = PRESETS[preset]
            return {"a": a, "b": b}
        if ("a" in changed or "b" in changed) and preset in PRESETS:
            if (float(values["a"]), float(values["b"])) != PRESETS[preset]:
                return {"preset": CUSTOM}
        return {}

    COARSE_SAMPLES = 2

    def coarse_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """A first picture from 2 samples per pixel column (about 9 ms at 1920 columns), then the full envelope."""
        return {"samples": self.COARSE_SAMPLES} if int(values["samples"]) > self.COARSE_SAMPLES else {}

    def animations(self) -> dict[str, dict[str, Any]]:
        return {
            "h → 0": {"parameter": "h", "start": 0.1, "end": 1e-12, "easing": "geometric", "duration": 8.0},
            "add terms": {"parameter": "N", "start": 1, "end": 60, "easing": "linear", "duration": 8.0},
        }

    def function_latex(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [
            ("W_N(x)", r"\sum_{n=0}^{N-1} a^n \cos(\pi b^n x)"),
            ("α", r"-\frac{\log a}{\log b}"),
        ]

    def compute(
        self,
        values: Mapping[str, Any],
        view: View,
        backend: Backend | None = None,
        samples_per_column: int | None = None,
    ) -> SceneFrame:
        """Envelopes of W_N and W_1 … W_4 over the view (in x − x₀), the secant and the slopes panel.

        ``samples_per_column`` overrides the ``samples`` parameter (a coarse first pass).
        """
        a, b, terms = float(values["a"]), float(values["b"]), int(values["N"])
        x0, h = float(values["x0"]), float(values["h"])
        spc = int(samples_per_column or values["samples"])
        columns = max(2, int(view.pixels))
        partial = tuple(k for k in PARTIAL_SUMS if k < terms)
        env = envelope(view.x_min, view.x_max, a, b, terms, columns, spc, partial, x0, backend=backend)
        u = view.x_min + (np.arange(columns) + 0.5) * (view.width / columns)
        drawables: list = []
        checkpoints = env.grid.checkpoints
        for k, count in enumerate(checkpoints[:-1]):
            px, py = envelope_polyline(u, env.lower[k], env.upper[k])
            label = f"W₁ … W{_subscript(checkpoints[-2])} (partial sums)" if k == 0 else ""
            drawables.append(Curve(f"partial_{count}", px, py, role="guide", width=1.0, label=label))
        px, py = envelope_polyline(u, env.lower[-1], env.upper[-1])
        drawables.append(
            Curve("weierstrass", px, py, role="curve", width=1.6, label=f"W{_subscript(terms)}(x): min and max per pixel column")
        )

        w0, w1 = (float(v) for v in weierstrass_numpy(np.array([x0, x0 + h]), a, b, terms))
        step = (x0 + h) - x0
        slope = (w1 - w0) / step
        margin = 0.05 * view.width
        sx = np.array([view.x_min - margin, view.x_max + margin])
        drawables.append(Curve("secant", sx, w0 + slope * sx, role="secant", width=2.0, label="secant from x₀ to x₀ + h"))
        drawables.append(Markers("point_x0", np.array([0.0]), np.array([w0]), role="point", size=14.0))
        drawables.append(
            Markers("point_x0_plus_h", np.array([step]), np.array([w1]), role="secant", size=12.0, draggable="h")
        )
        drawables.append(Label("label_x0", "(x₀, W(x₀))", 0.0, w0, role="text", offset=(-12, -12), anchor=("right", "bottom")))

        alpha = holder_exponent(a, b) if a > 0 and b > 1 else math.nan
        slope_exact = float(weierstrass_numpy(np.array([x0]), a, b, terms, order=1)[0])
        panel, fit = self._slopes_panel(x0, h, a, b, terms, alpha, slope_exact)
        message = ""
        if env.phase_lost:
            message = (
                f"b is not an integer: beyond n ≈ {env.grid.terms}, bⁿx has lost its fractional bits; "
                "terms are not drawn."
            )
        drawn = env.grid.terms
        readouts = (
            Readout("x₀", x0, format_number(x0, 15), "centre: the x axis reads x − x₀"),
            Readout("α", alpha, format_number(alpha, 4), "Hölder exponent −log a / log b"),
            Readout("W(x₀)", w0, format_number(w0, 13), f"W_{terms}(x₀), exact for integer b"),
            Readout("ΔW/h", slope, format_number(slope, 6), "secant slope (W(x₀+h) − W(x₀))/h", role="secant"),
            Readout("W′_N(x₀)", slope_exact, format_number(slope_exact, 6), "slope of the partial sum; grows like (ab)ᴺ", role="tangent"),
            Readout("terms", drawn, f"{drawn} of {terms}", "terms summed"),
        )
        caption = (
            f"W_{terms}(x) = Σ aⁿ cos(π bⁿ x), a = {format_number(a, 4)}, b = {format_number(b, 4)}; "
            f"view width {format_number(view.width, 3)}; α = {format_number(alpha, 4)}"
        )
        return SceneFrame(
            tuple(drawables),
            readouts,
            caption=caption,
            message=message,
            panels=(panel,),
            layout="right",
            main_size=1.6,
            x_name="x − x₀" if x0 != 0 else "x",
            y_name="W(x)",
            extra={
                "x0": x0, "h": step, "W_x0": w0, "W_x0_plus_h": w1, "alpha": alpha, "envelope": env,
                "columns": u, "slope_fit": fit, "samples_per_column": spc,
            },
        )

    @staticmethod
    def _slopes_panel(
        x0: float, h: float, a: float, b: float, terms: int, alpha: float, slope_exact: float
    ) -> tuple[Panel, float]:
        """log₁₀ |ΔW|/|h| against log₁₀ |h|, the line of slope α − 1 fitted through it, and h."""
        steps, quotients = difference_quotients(x0, SLOPE_STEPS, a, b, terms)
        ok = np.isfinite(quotients) & (quotients > 0)
        lx, ly = np.log10(steps[ok]), np.log10(quotients[ok])
        drawables: list = []
        fit = math.nan
        if ly.size:
            drawables.append(Curve("quotients", lx, ly, role="curve", width=2.0, label="|ΔW|/|h|"))
            drawables.append(Markers("quotient_points", lx, ly, role="curve", size=6.0))
            if math.isfinite(alpha):
                fit = float(np.mean(ly - (alpha - 1.0) * lx))
                rx = np.array([-12.5, -0.5])
                drawables.append(
                    Curve("reference", rx, fit + (alpha - 1.0) * rx, role="second", width=2.0, dashed=True,
                          label=f"C·h^(α−1), α = {format_number(alpha, 3)}")
                )
        y_lo = float(ly.min()) if ly.size else -1.0
        y_hi = float(ly.max()) if ly.size else 1.0
        if abs(slope_exact) > 0 and y_lo - 1 <= math.log10(abs(slope_exact)) <= y_hi + 1:
            level = math.log10(abs(slope_exact))
            drawables.append(Curve("partial_slope", np.array([-12.5, -0.5]), np.array([level, level]),
                                   role="tangent", width=1.5, dashed=True, label="|W′_N(x₀)|"))
            y_lo, y_hi = min(y_lo, level), max(y_hi, level)
        _, current = difference_quotients(x0, np.array([abs(h)]), a, b, terms)
        if np.isfinite(current[0]) and current[0] > 0:
            cy = math.log10(current[0])
            drawables.append(Markers("current_h", np.array([math.log10(abs(h))]), np.array([cy]), role="secant", size=12.0))
            y_lo, y_hi = min(y_lo, cy), max(y_hi, cy)
        pad = max(0.5, 0.08 * (y_hi - y_lo))
        view = View(-12.5, -0.5, y_lo - pad, y_hi + pad, pixels=600)
        panel = Panel("slopes", tuple(drawables), view, title="Difference quotients never settle",
                      x_name="h", y_name="|ΔW|/|h|", x_log=True, y_log=True, size=1.0)
        return panel, fit


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _subscript(n: int) -> str:
    return str(n).translate(_SUBSCRIPTS)
