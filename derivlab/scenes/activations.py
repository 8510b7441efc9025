"""Activation functions, their derivatives, and gradients that vanish with depth.

A neuron applies an activation φ to its pre-activation z; backpropagation
multiplies by the local derivative φ′(z). Known values: σ′(0) = 1/4 (and
σ′ = σ(1 − σ) ≤ 1/4 everywhere), tanh′(0) = 1, GELU′(0) = 1/2, softplus′ = σ,
ReLU′ is 0 for z < 0 and 1 for z > 0 with a corner at 0.

Through a chain of depth L the gradient is the product φ′(z₁)···φ′(z_L)
(:mod:`derivlab.compute.gradient_flow`). The panel plots its mean over many
chains with seeded random pre-activations against L on a log axis, beside the
sigmoid bound (1/4)ᴸ, the ReLU expectation (1/2)ᴸ and the prediction
(E|φ′(z)|)ᴸ for independent z.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from derivlab.compute import gradient_flow
from derivlab.expr import Function, classify_differentiability
from derivlab.model import Parameter, View

from .base import Scene
from .drawables import Curve, Label, Markers, Panel, Readout, SceneFrame, Table, format_number
from .sampling import sample_curve
from .secant import line_through

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend

#: activation name -> (typed formula in z, symbol used in labels)
ACTIVATIONS: dict[str, tuple[str, str]] = {
    "sigmoid": ("sigmoid(z)", "σ"),
    "tanh": ("tanh(z)", "tanh"),
    "relu": ("relu(z)", "ReLU"),
    "leaky_relu": ("leaky_relu(z, 0.1)", "LeakyReLU"),
    "elu": ("elu(z, 1)", "ELU"),
    "softplus": ("softplus(z)", "softplus"),
    "gelu": ("gelu(z)", "GELU"),
    "silu": ("silu(z)", "SiLU"),
    "mish": ("mish(z)", "mish"),
}
#: chains averaged in the depth panel, and how many are drawn one by one
CHAINS = 4000
DRAWN_CHAINS = 6


@lru_cache(maxsize=16)
def activation(name: str) -> Function:
    """The checked typed function φ(z) of an activation name."""
    return Function.from_text(ACTIVATIONS[name][0], variable="z")


def local_derivative(name: str):
    """Vectorised φ′(z) from the exact symbolic derivative (NaN at a corner)."""
    return activation(name).numpy(1)


@lru_cache(maxsize=64)
def derivative_at(name: str, z0: float) -> tuple[float | None, str]:
    """φ′(z0) and a word for it: the exact value, or the one-sided limits at a corner."""
    f = activation(name)
    value = f.value(z0, 1)
    if value is not None:
        return value, format_number(value, 6)
    verdict = classify_differentiability(f, z0, time_limit=0.5)
    if verdict.classification == "differentiable" and verdict.derivative is not None:
        return float(verdict.derivative), format_number(float(verdict.derivative), 6)
    if verdict.classification == "corner":
        return None, f"corner: {format_number(verdict.left, 3)} ← | → {format_number(verdict.right, 3)}"
    return None, verdict.classification.replace("_", " ")


def mean_local_derivative(name: str, distribution: str, spread: float) -> float:
    """E|φ′(z)| for z ~ N(0, spread²) or U(−spread, spread), by the trapezoid rule on a fine grid."""
    phi_prime = local_derivative(name)
    if distribution == "normal":
        z = np.linspace(-12.0 * spread, 12.0 * spread, 24000)
        weight = np.exp(-0.5 * (z / spread) ** 2) / (spread * math.sqrt(2 * math.pi))
    else:
        z = np.linspace(-spread, spread, 24000)
        weight = np.full(z.shape, 1.0 / (2 * spread))
    values = np.abs(phi_prime(z)) * weight
    ok = np.isfinite(values)
    return float(np.trapezoid(values[ok], z[ok]))


def peak_derivative(name: str) -> float:
    """max φ′ over −10 ≤ z ≤ 10 (σ′: 1/4 at 0; tanh′: 1 at 0)."""
    z = np.linspace(-10.0, 10.0, 20001)
    return float(np.nanmax(local_derivative(name)(z)))


class ActivationsScene(Scene):
    name = "activations"
    title = "Activations and vanishing gradients"
    summary = "Activation functions with their derivatives, and the product of derivatives through a deep chain."
    parameters = (
        Parameter("activation", "sigmoid", kind="choice", symbol="φ", label="Activation",
                  choices=tuple(ACTIVATIONS), help="The activation φ applied at every layer."),
        Parameter("z0", 1.0, symbol="z₀", label="Point z₀", minimum=-6.0, maximum=6.0,
                  help="Where the tangent of φ and the value φ′(z₀) are shown; drag the point."),
        Parameter("depth", 30, kind="integer", symbol="L", label="Depth L", minimum=1, maximum=80,
                  help="Number of layers in the chain φ′(z₁)···φ′(z_L)."),
        Parameter("distribution", "normal", kind="choice", label="Pre-activations",
                  choices=tuple(gradient_flow.DISTRIBUTIONS),
                  help="Distribution of the pre-activations zₖ: normal N(0, s²) or uniform U(−s, s)."),
        Parameter("spread", 1.0, symbol="s", label="Spread s", minimum=0.05, maximum=6.0,
                  help="Standard deviation (normal) or half-width (uniform) of the pre-activations."),
        Parameter("seed", 0, kind="integer", label="Seed", minimum=0, maximum=99999,
                  help="Seed of the random pre-activations."),
    )
    default_view = View(-5.0, 5.0, -1.5, 2.5)

    def compute(
        self, values: Mapping[str, Any], view: View, backend: Backend | None = None
    ) -> SceneFrame:
        name = str(values["activation"])
        symbol = ACTIVATIONS[name][1]
        z0 = float(values["z0"])
        depth = int(values["depth"])
        distribution = str(values["distribution"])
        spread = float(values["spread"])
        f = activation(name)

        x, y = sample_curve(f, view, backend=backend)
        _, dy = sample_curve(f, view, order=1, backend=backend)
        drawables: list = [
            Curve("activation", x, y, role="curve", label=f"{symbol}(z)"),
            Curve("derivative", x, dy, role="derivative", label=f"{symbol}′(z)"),
        ]
        if name == "sigmoid":
            ends = np.array([view.x_min, view.x_max])
            drawables.insert(0, Curve("bound", ends, np.array([0.25, 0.25]), role="guide", width=1.5,
                                      dashed=True, label="σ′ ≤ 1/4"))
        f_z0 = f.value(z0)
        slope, slope_text = derivative_at(name, z0)
        if f_z0 is not None and slope is not None:
            tx, ty = line_through(z0, f_z0, slope, view)
            drawables.append(Curve("tangent", tx, ty, role="tangent", dashed=True, label=f"tangent at z₀, slope {symbol}′(z₀)"))
            drawables.append(Markers("point_slope", np.array([z0]), np.array([slope]), role="derivative", size=12.0))
            drawables.append(Label("label_slope", f"{symbol}′(z₀) = {slope_text}", z0, slope, role="derivative",
                                   offset=(10, -10), anchor=("left", "bottom"), backed=True))
        if f_z0 is not None:
            drawables.append(Markers("point", np.array([z0]), np.array([f_z0]), role="point", size=16.0, draggable="z0"))

        z = gradient_flow.preactivations(depth, CHAINS, distribution, spread, int(values["seed"]))
        products = gradient_flow.gradient_products(local_derivative(name), z)
        mean_product = gradient_flow.mean_gradient(products)
        layers = np.arange(1, depth + 1, dtype=np.float64)
        mean_phi = mean_local_derivative(name, distribution, spread)
        expected = gradient_flow.expected_gradient(mean_phi, layers)
        panel = self._depth_panel(layers, products, mean_product, expected, symbol)

        g_l = float(mean_product[-1])
        message = ""
        dead = np.nonzero(mean_product == 0)[0]
        if dead.size:
            message = (f"From L = {int(dead[0]) + 1} on, every one of the {CHAINS} chains has a factor "
                       f"{symbol}′(zₖ) = 0: the gradient is exactly 0 (the dashed line is the expectation).")
        peak = peak_derivative(name)
        readouts = (
            Readout(f"{symbol}(z₀)", f_z0, format_number(f_z0, 6), "the activation at z₀", role="curve"),
            Readout(f"{symbol}′(z₀)", slope, slope_text, "its derivative at z₀", role="derivative"),
            Readout(f"{symbol}′(0)", derivative_at(name, 0.0)[0], derivative_at(name, 0.0)[1], "derivative at 0"),
            Readout(f"max {symbol}′", peak, format_number(peak, 6), "largest local derivative"),
            Readout(f"E|{symbol}′(z)|", mean_phi, format_number(mean_phi, 6), "mean size of the local derivative over the pre-activations"),
            Readout("mean |∏| at L", g_l, format_number(g_l, 4), f"mean of |{symbol}′(z₁)···{symbol}′(z_L)| over {CHAINS} chains", role="secant"),
            Readout("(1/4)ᴸ", 0.25**depth, format_number(0.25**depth, 4), "sigmoid bound"),
            Readout("(1/2)ᴸ", 0.5**depth, format_number(0.5**depth, 4), "ReLU: chance that every zₖ > 0"),
        )
        return SceneFrame(
            tuple(drawables),
            readouts,
            caption=f"∂/∂z₁ through L = {depth} layers: {symbol}′(z₁)···{symbol}′(z_L), mean {format_number(g_l, 3)}",
            message=message,
            panels=(panel,),
            layout="right",
            main_size=1.1,
            x_name="z",
            y_name="y",
            tables=(derivatives_at_zero_table(),),
            extra={"mean_product": mean_product, "expected": expected, "products": products,
                   "mean_local_derivative": mean_phi, "slope": slope, "layers": layers},
        )

    @staticmethod
    def _depth_panel(layers: np.ndarray, products: np.ndarray, mean_product: np.ndarray,
                     expected: np.ndarray, symbol: str) -> Panel:
        depth = int(layers[-1])
        bound = gradient_flow.sigmoid_bound(layers)
        relu = gradient_flow.relu_expected(layers)

        def log(v):
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(np.asarray(v) > 0, np.log10(np.asarray(v, dtype=np.float64)), np.nan)

        drawables: list = []
        for c in range(min(DRAWN_CHAINS, products.shape[0])):
            drawables.append(Curve(f"chain_{c}", layers, log(np.abs(products[c])), role="guide", width=1.2,
                                   label="single chains" if c == 0 else ""))
        drawables += [
            Curve("bound", layers, log(bound), role="text", width=2.0, dashed=True, label="(1/4)ᴸ, sigmoid bound"),
            Curve("relu", layers, log(relu), role="second", width=2.0, dashed=True, label="(1/2)ᴸ, ReLU"),
            Curve("expected", layers, log(expected), role="tangent", width=2.0, dashed=True,
                  label=f"(E|{symbol}′(z)|)ᴸ"),
            Curve("mean", layers, log(mean_product), role="secant", width=3.5, label=f"mean of |∏ {symbol}′(zₖ)|"),
        ]
        finite = np.concatenate([v[np.isfinite(v)] for v in (log(bound), log(relu), log(mean_product), log(expected))])
        lo = float(np.min(finite)) if finite.size else -10.0
        lo = max(min(lo, -1.0), -80.0)
        view = View(0.0, depth + max(1.0, 0.04 * depth), lo - 0.12 * (0.6 - lo), 0.6)
        return Panel("depth", tuple(drawables), view, title="gradient through L layers (log scale)",
                     x_name="L", y_name=f"|∏ {symbol}′|", y_log=True)

    def function_latex(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        f = activation(str(values["activation"]))
        return [("φ(z)", f.latex), ("φ′(z)", f.derivative_latex(1)),
                ("gradient", r"\frac{\partial}{\partial z_1} = \prod_{k=1}^{L} \varphi'(z_k)")]

    def animations(self) -> dict[str, dict[str, Any]]:
        return {
            "deeper": {"parameter": "depth", "start": 1, "end": 80, "easing": "linear", "duration": 6.0},
            "sweep z₀": {"parameter": "z0", "start": -5.0, "end": 5.0, "easing": "ease-in-out", "duration": 6.0},
        }


@lru_cache(maxsize=1)
def derivatives_at_zero_table() -> Table:
    """φ(0), φ′(0) and max φ′ for every activation: σ′(0) = 1/4, tanh′(0) = 1, GELU′(0) = 1/2."""
    rows = []
    for name, (_, symbol) in ACTIVATIONS.items():
        f = activation(name)
        rows.append((symbol, format_number(f.value(0.0), 6), derivative_at(name, 0.0)[1],
                     format_number(peak_derivative(name), 6)))
    return Table("Activations at z = 0", ("φ", "φ(0)", "φ′(0)", "max φ′"), tuple(rows))
