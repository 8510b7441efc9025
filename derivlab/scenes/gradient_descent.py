"""Gradient descent: walking downhill along the tangent.

θ_{t+1} = θ_t − η f′(θ_t). Each step follows the tangent at θ_t for a run of
−η f′(θ_t), then drops back to the curve. On a quadratic of curvature L
(f″ = L) the distance to the minimum is multiplied by 1 − ηL every step:
η < 1/L slides down one side, 1/L < η < 2/L zigzags across the minimum while
converging, η > 2/L diverges. Momentum and Adam are offered with their
hyperparameters (:mod:`derivlab.compute.optimizers`). A panel plots the loss
gap f(θ_t) − f(θ*) against t on a log axis, θ* the nearby minimum.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import mpmath
import numpy as np

from derivlab.compute import optimizers
from derivlab.model import Parameter, View

from .base import Scene, adam_parameters, formula_text, typed_function
from .drawables import Curve, Label, Markers, Panel, Readout, SceneFrame, format_number
from .sampling import sample_curve

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend
    from derivlab.expr import Function

OPTIMIZERS = ("gradient descent", "momentum", "adam")
UPDATES = {
    "gradient descent": "θₜ₊₁ = θₜ − η f′(θₜ)",
    "momentum": "vₜ₊₁ = β vₜ + f′(θₜ), θₜ₊₁ = θₜ − η vₜ₊₁",
    "adam": "Adam: θₜ₊₁ = θₜ − η m̂ / (√ŝ + ε)",
}
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscript(n: int) -> str:
    """n in subscript digits: 20 → ₂₀."""
    return str(n).translate(_SUBSCRIPT)
#: loss gaps below this are drawn at it
GAP_FLOOR = 1e-30
REGIME_TEXT = {
    "smooth": "η < 1/L: smooth, monotone descent",
    "one step": "η = 1/L: the minimum in one step",
    "oscillating": "1/L < η < 2/L: oscillating, converging",
    "periodic": "η = 2/L: bouncing between two points",
    "diverging": "η > 2/L: diverging",
    "not convex": "f″ ≤ 0 here: no minimum nearby",
}


def iterate(f: Function, values: Mapping[str, Any]) -> np.ndarray:
    """θ_0 … θ_T of the chosen optimiser on f (NaN after divergence or where f′ is undefined)."""
    grad = f.numpy(1)
    theta0, eta, steps = float(values["theta0"]), float(values["eta"]), int(values["steps"])
    method = str(values["optimizer"])
    if method == "momentum":
        return optimizers.momentum(grad, theta0, eta, float(values["beta"]), steps)
    if method == "adam":
        return optimizers.adam(grad, theta0, eta, float(values["beta1"]), float(values["beta2"]), steps)
    return optimizers.gradient_descent(grad, theta0, eta, steps)


def loss_gaps(f: Function, thetas: np.ndarray, minimiser: float) -> np.ndarray:
    """f(θₜ) − f(θ*) for every iterate, in 50-digit arithmetic (no cancellation near the minimum)."""
    value = f.mpmath(0)
    with mpmath.workdps(50):
        f_min = value(mpmath.mpf(minimiser))
        out = np.full(thetas.shape, np.nan)
        for i, theta in enumerate(thetas):
            if np.isfinite(theta):
                gap = value(mpmath.mpf(float(theta))) - f_min
                out[i] = float(gap) if mpmath.isfinite(gap) else np.nan
    return out


def is_quadratic(f: Function) -> bool:
    """f‴ ≡ 0 and f″ a positive constant: f = (L/2)(θ − c)² + const with L > 0."""
    try:
        third, second = f.sympy(3), f.sympy(2)
    except Exception:  # noqa: BLE001 - derivative too large to work out: not a quadratic
        return False
    return bool(third == 0 and second.is_number and float(second) > 0)


class GradientDescentScene(Scene):
    name = "gradient-descent"
    title = "Gradient descent"
    summary = "θ ← θ − η f′(θ): steps along the tangent, and how the step size η decides between sliding, zigzag and divergence."
    parameters = (
        Parameter("f", "x^2", kind="expression", symbol="f(x)", label="Loss f",
                  help="The loss, in x: x^2, x^4 − 3x^2 + x, log(1 + e^x) − x/2 ..."),
        Parameter("theta0", 2.2, symbol="θ₀", label="Start θ₀", minimum=-1e6, maximum=1e6,
                  help="The starting point; drag the first point on the curve."),
        Parameter("eta", 0.3, symbol="η", label="Step size η", minimum=1e-4, maximum=5.0,
                  help="The learning rate η; on a quadratic with f″ = L: η < 1/L smooth, < 2/L oscillating, > 2/L diverging."),
        Parameter("steps", 20, kind="integer", symbol="T", label="Iterations T", minimum=1, maximum=200,
                  help="How many steps are taken."),
        Parameter("optimizer", "gradient descent", kind="choice", label="Optimiser", choices=OPTIMIZERS,
                  help="Plain gradient descent, heavy-ball momentum, or Adam."),
        Parameter("beta", 0.9, symbol="β", label="Momentum β", minimum=0.0, maximum=0.999,
                  help="Momentum: v ← βv + f′(θ), θ ← θ − ηv."),
        *adam_parameters(),
    )
    default_view = View(-3.0, 3.0, -1.5, 8.0)

    def compute(
        self, values: Mapping[str, Any], view: View, backend: Backend | None = None
    ) -> SceneFrame:
        f = typed_function(values["f"])
        eta = float(values["eta"])
        method = str(values["optimizer"])
        x, y = sample_curve(f, view, backend=backend)
        drawables: list = [Curve("curve", x, y, role="curve", label=f"loss f(x) = {formula_text(f.text)}")]
        thetas = iterate(f, values)
        f0, f1, f2 = f.numpy(0), f.numpy(1), f.numpy(2)
        losses = f0(thetas)
        ok = np.isfinite(thetas) & np.isfinite(losses)
        last = int(np.nonzero(ok)[0][-1]) if ok.any() else 0
        diverged = not ok[-1]

        drawables += self._steps(thetas, losses, f1(thetas))
        shown = ok & (np.abs(thetas) < 1e6)
        drawables.append(Markers("iterates", thetas[shown], losses[shown], role="secant", size=10.0,
                                 label="iterates θₜ"))
        if ok[0]:
            drawables.append(Markers("start", thetas[:1], losses[:1], role="point", size=16.0, draggable="theta0"))
            drawables.append(Label("label_start", "θ₀", float(thetas[0]), float(losses[0]), offset=(10, -10),
                                   anchor=("left", "bottom")))
        if last > 0 and abs(thetas[last]) < 1e6:
            drawables.append(Label("label_last", f"θ{subscript(last)}", float(thetas[last]), float(losses[last]), role="secant",
                                   offset=(0, 14), anchor=("center", "top")))

        minimiser = None
        if np.isfinite(thetas[last]):
            minimiser = optimizers.newton_minimiser(f1, f2, float(thetas[last]))
        if minimiser is None and ok[0]:
            minimiser = optimizers.newton_minimiser(f1, f2, float(thetas[0]))
        where = minimiser if minimiser is not None else float(thetas[0])
        curvature = float(f2(where)) if math.isfinite(float(f2(where))) else None
        regime = optimizers.step_regime(eta, curvature) if curvature is not None else "not convex"
        if minimiser is not None:
            drawables.append(Markers("minimum", np.array([minimiser]), np.array([float(f0(minimiser))]),
                                     role="tangent", size=12.0, label="minimum θ*"))
        panel, gaps = self._loss_panel(f, values, thetas, losses, minimiser)

        message = ""
        if diverged:
            message = f"The iterates left every bound after step {last}: η = {format_number(eta, 4)} is too large."
        elif minimiser is None:
            message = "No minimum near the iterates (f″ ≤ 0 there, or f′ has no zero)."
        readouts = (
            Readout("η", eta, format_number(eta, 4), "step size"),
            Readout(f"θ{subscript(last)}", float(thetas[last]), format_number(float(thetas[last]), 8), "last iterate", role="secant"),
            Readout(f"f′(θ{subscript(last)})", float(f1(thetas[last])), format_number(float(f1(thetas[last])), 4), "gradient at the last iterate"),
            Readout("L = f″(θ*)", curvature, format_number(curvature, 6), "curvature at the minimum (or at θ₀)"),
            Readout("1/L", None if not curvature else 1 / curvature, format_number(None if not curvature else 1 / curvature, 4),
                    "smooth below this η"),
            Readout("2/L", None if not curvature else 2 / curvature, format_number(None if not curvature else 2 / curvature, 4),
                    "diverging above this η"),
            Readout("|1 − ηL|", None if curvature is None else abs(1 - eta * curvature),
                    format_number(None if curvature is None else abs(1 - eta * curvature), 4),
                    "gradient descent's factor per step near θ*"),
        )
        regime_text = REGIME_TEXT[regime] + ("" if method == "gradient descent" else " (for plain gradient descent)")
        return SceneFrame(
            tuple(drawables),
            readouts,
            caption=f"{UPDATES[method]};  {regime_text}",
            message=message,
            panels=(panel,),
            layout="below",
            main_size=1.6,
            x_name="x = θ",
            y_name="f",
            extra={"thetas": thetas, "losses": losses, "minimiser": minimiser, "curvature": curvature,
                   "regime": regime, "gaps": gaps},
        )

    @staticmethod
    def _steps(thetas: np.ndarray, losses: np.ndarray, slopes: np.ndarray) -> list:
        """Tangent runs (θ_t, f(θ_t)) → (θ_{t+1}, f(θ_t) + f′(θ_t)(θ_{t+1} − θ_t)), and drops to the curve."""
        tx, ty, dx, dy = [], [], [], []
        for t in range(thetas.size - 1):
            a, b = thetas[t], thetas[t + 1]
            if not (np.isfinite(a) and np.isfinite(b) and np.isfinite(losses[t]) and np.isfinite(slopes[t])):
                continue
            if max(abs(a), abs(b)) > 1e6:
                continue
            end = losses[t] + slopes[t] * (b - a)
            tx += [a, b, np.nan]
            ty += [losses[t], end, np.nan]
            if np.isfinite(losses[t + 1]):
                dx += [b, b, np.nan]
                dy += [end, losses[t + 1], np.nan]
        out: list = []
        if tx:
            out.append(Curve("tangent_steps", np.array(tx), np.array(ty), role="tangent", width=2.5,
                             label="step along the tangent"))
        if dx:
            out.append(Curve("drops", np.array(dx), np.array(dy), role="guide", width=1.5, dashed=True))
        return out

    @staticmethod
    def _loss_panel(f: Function, values: Mapping[str, Any], thetas: np.ndarray, losses: np.ndarray,
                    minimiser: float | None) -> tuple[Panel, np.ndarray]:
        t = np.arange(thetas.size, dtype=np.float64)
        steps = int(values["steps"])
        drawables: list = []
        if minimiser is None:
            gaps = losses.copy()
            ok = np.isfinite(gaps)
            drawables.append(Curve("loss", t, gaps, role="secant", width=3.0, label="f(θₜ)"))
            drawables.append(Markers("loss_points", t[ok], gaps[ok], role="secant", size=7.0))
            lo, hi = (float(np.min(gaps[ok])), float(np.max(gaps[ok]))) if ok.any() else (0.0, 1.0)
            pad = 0.1 * (hi - lo) + 1e-9
            view = View(-0.5, steps + 0.5, lo - pad, hi + pad)
            return Panel("loss", tuple(drawables), view, title="loss against iteration", x_name="t",
                         y_name="f(θₜ)"), gaps
        gaps = loss_gaps(f, thetas, minimiser)
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.where(np.isfinite(gaps), np.log10(np.maximum(np.abs(gaps), GAP_FLOOR)), np.nan)
        ok = np.isfinite(v)
        drawables.append(Curve("loss", t, v, role="secant", width=3.0, label="f(θₜ) − f(θ*)"))
        drawables.append(Markers("loss_points", t[ok], v[ok], role="secant", size=7.0))
        if str(values["optimizer"]) == "gradient descent" and is_quadratic(f):
            curvature = float(f.sympy(2))
            eta, theta0 = float(values["eta"]), float(values["theta0"])
            closed = optimizers.quadratic_iterates(theta0, minimiser, curvature, eta, steps)
            with np.errstate(all="ignore"):
                gap = 0.5 * curvature * (closed - minimiser) ** 2
                w = np.log10(np.maximum(gap, GAP_FLOOR))
            drawables.append(Curve("closed_form", t, np.where(np.isfinite(w) & (w < 300), w, np.nan), role="tangent",
                                      width=2.0, dashed=True, label="(L/2)·(1 − ηL)²ᵗ·(θ₀ − θ*)²"))
        finite = v[ok]
        lo = float(np.min(finite)) if finite.size else -1.0
        hi = float(np.max(finite)) if finite.size else 1.0
        lo, hi = min(lo, hi - 2.0), min(hi, 300.0)
        pad = 0.08 * (hi - lo)
        view = View(-0.5, steps + 0.5, lo - pad, hi + 3 * pad)
        return Panel("loss", tuple(drawables), view, title="loss gap against iteration (log scale)", x_name="t",
                     y_name="f(θₜ) − f(θ*)", y_log=True), gaps

    def function_latex(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        f = typed_function(values["f"])
        return [("f(x)", f.latex), ("f′(x)", f.derivative_latex(1)),
                ("update", r"\theta_{t+1} = \theta_t - \eta\, f'(\theta_t)")]

    def animations(self) -> dict[str, dict[str, Any]]:
        return {
            "η from smooth to diverging": {"parameter": "eta", "start": 0.05, "end": 1.2, "easing": "linear", "duration": 8.0},
            "more iterations": {"parameter": "steps", "start": 1, "end": 60, "easing": "linear", "duration": 6.0},
        }
