"""A small fully connected sigmoid network, its data sets, gradients and training.

The network maps x ∈ ℝᵈ (d = 1 or 2) through one or two hidden layers of sigmoid
units to one output z:

    h⁽¹⁾ = σ(W⁽¹⁾x + b⁽¹⁾),   h⁽²⁾ = σ(W⁽²⁾h⁽¹⁾ + b⁽²⁾),   z = v·h⁽ᴸ⁾ + c,
    σ(t) = 1/(1 + e⁻ᵗ) = ½ + ½ tanh(t/2).

For regression the prediction is ŷ = z; for classification it is p = σ(z). Losses
over N samples:

    mean squared error   L = (1/N) Σₙ (ŷₙ − yₙ)²
    cross-entropy        L = (1/N) Σₙ [−yₙ log pₙ − (1 − yₙ) log(1 − pₙ)]
                           = (1/N) Σₙ [softplus(zₙ) − yₙ zₙ]   (classification only)

All parameters live in one flat vector θ (layer by layer: W⁽¹⁾ row by row, b⁽¹⁾,
W⁽²⁾, b⁽²⁾, v, c). Every function here takes θ with leading batch axes, shape
(..., P), so a grid of parameter vectors is evaluated in one call.

Backpropagation (:func:`loss_and_gradient`): with δz = ∂L/∂zₙ,

    ∂L/∂v = Σₙ δzₙ h⁽ᴸ⁾ₙ,  ∂L/∂c = Σₙ δzₙ,  δ⁽ᴸ⁾ = δz v ⊙ h⁽ᴸ⁾(1 − h⁽ᴸ⁾),
    ∂L/∂W⁽ˡ⁾ = Σₙ δ⁽ˡ⁾ₙ h⁽ˡ⁻¹⁾ₙᵀ,  ∂L/∂b⁽ˡ⁾ = Σₙ δ⁽ˡ⁾ₙ,  δ⁽ˡ⁻¹⁾ = (W⁽ˡ⁾ᵀδ⁽ˡ⁾) ⊙ h⁽ˡ⁻¹⁾(1 − h⁽ˡ⁻¹⁾),

    δzₙ = (2/N)(zₙ − yₙ)            (MSE, regression)
        = (2/N)(pₙ − yₙ) pₙ(1 − pₙ)  (MSE, classification)
        = (1/N)(pₙ − yₙ)             (cross-entropy).

Optimisers (:func:`optimize`) are the vector forms of
:mod:`derivlab.compute.optimizers` (gradient descent, heavy-ball momentum, Adam),
run in lockstep on a batch of parameter vectors.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .interrupt import check_interrupted

__all__ = [
    "DATA_PRESETS",
    "LOSSES",
    "OPTIMIZERS",
    "Dataset",
    "Network",
    "filter_normalized_directions",
    "loss",
    "loss_and_gradient",
    "make_data",
    "optimize",
    "sigmoid",
    "softplus",
    "train",
]

DATA_PRESETS = ("regression", "circle", "xor", "blobs", "moons", "spiral")
LOSSES = ("mse", "cross-entropy")
OPTIMIZERS = ("gradient descent", "momentum", "adam")
MAX_HIDDEN = 32
#: |θ| beyond this counts as diverged (as in derivlab.compute.optimizers)
DIVERGED = 1e12

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")


def sigmoid(t: Any) -> Any:
    """σ(t) = 1/(1 + e⁻ᵗ), as ½ + ½ tanh(t/2): no overflow for any t, dtype kept."""
    t = np.asarray(t)
    half = t.dtype.type(0.5) if t.dtype.kind == "f" else 0.5
    return half + half * np.tanh(half * t)


def softplus(z: Any) -> Any:
    """log(1 + eᶻ) = max(z, 0) + log1p(e^(−|z|)): no overflow, dtype kept (faster than logaddexp)."""
    z = np.asarray(z)
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, eq=False)
class Dataset:
    """Samples ``x`` (N, d) and targets ``y`` (N,); ``task`` is regression or classification."""

    x: np.ndarray
    y: np.ndarray
    task: str
    preset: str

    @property
    def inputs(self) -> int:
        return int(self.x.shape[1])

    @property
    def samples(self) -> int:
        return int(self.x.shape[0])


def regression_target(x: np.ndarray) -> np.ndarray:
    """The smooth target of the regression preset: y = sin(2x) + x/2 on [−2, 2]."""
    return np.sin(2.0 * x) + 0.5 * x


@lru_cache(maxsize=32)
def make_data(preset: str = "circle", samples: int = 256, noise: float = 0.1, seed: int = 0) -> Dataset:
    """``samples`` points of ``preset`` drawn from ``seed`` (same seed, same data).

    * ``regression``: x uniform on [−2, 2], y = sin(2x) + x/2 + 𝒩(0, noise²).
    * ``circle``: x uniform on [−1.5, 1.5]², class 1 inside the circle of radius
      1.5·√(2/π) (half the square's area); positions jittered by 𝒩(0, noise²).
    * ``xor``: x uniform on [−1, 1]², class 1 where x₁x₂ > 0; jittered.
    * ``blobs``: two Gaussian blobs of σ = 0.4 + noise around (−0.8, −0.8) and (0.8, 0.8).
    * ``moons``: the two interleaved half circles (cos t, sin t) and (1 − cos t, ½ − sin t),
      t ∈ [0, π], centred and jittered.
    * ``spiral``: two arms r = t, angle 3πt (+π for class 1), t ∈ [0.1, 1], scaled by 1.5, jittered.
    """
    if preset not in DATA_PRESETS:
        raise ValueError(f"unknown data preset {preset!r}; presets: {', '.join(DATA_PRESETS)}")
    n = int(samples)
    if n < 2:
        raise ValueError("at least 2 samples are needed")
    noise = float(noise)
    rng = np.random.default_rng([int(seed), DATA_PRESETS.index(preset)])
    labels = np.arange(n) % 2
    if preset == "regression":
        x = rng.uniform(-2.0, 2.0, n)
        y = regression_target(x) + noise * rng.standard_normal(n)
        return Dataset(x[:, None], y, "regression", preset)
    if preset == "circle":
        x = rng.uniform(-1.5, 1.5, (n, 2))
        y = (np.hypot(x[:, 0], x[:, 1]) < 1.5 * math.sqrt(2.0 / math.pi)).astype(np.float64)
    elif preset == "xor":
        x = rng.uniform(-1.0, 1.0, (n, 2))
        y = (x[:, 0] * x[:, 1] > 0).astype(np.float64)
    elif preset == "blobs":
        centres = np.where(labels[:, None] == 1, 0.8, -0.8)
        x = centres + (0.4 + noise) * rng.standard_normal((n, 2))
        return Dataset(x, labels.astype(np.float64), "classification", preset)
    elif preset == "moons":
        t = rng.uniform(0.0, math.pi, n)
        outer = np.column_stack([np.cos(t), np.sin(t)])
        inner = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
        x = np.where(labels[:, None] == 1, inner, outer) - [0.5, 0.25]
        y = labels.astype(np.float64)
    else:  # spiral
        t = rng.uniform(0.1, 1.0, n)
        angle = 3.0 * math.pi * t + math.pi * labels
        x = 1.5 * t[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
        y = labels.astype(np.float64)
    x = x + noise * rng.standard_normal(x.shape)
    return Dataset(x, y, "classification", preset)


# --------------------------------------------------------------------------- network


@dataclass(frozen=True)
class Network:
    """Layer sizes (inputs, hidden…, 1), the task and the loss.

    ``hidden`` holds one or two widths in 1…32; ``loss`` is ``"mse"`` or
    ``"cross-entropy"`` (classification only).
    """

    inputs: int
    hidden: tuple[int, ...]
    loss: str = "mse"
    task: str = "regression"

    def __post_init__(self) -> None:
        if self.inputs not in (1, 2):
            raise ValueError("the network takes 1 or 2 inputs")
        if not 1 <= len(self.hidden) <= 2 or not all(1 <= h <= MAX_HIDDEN for h in self.hidden):
            raise ValueError(f"one or two hidden layers of 1 to {MAX_HIDDEN} units")
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}")
        if self.task not in ("regression", "classification"):
            raise ValueError("task must be regression or classification")
        if self.loss == "cross-entropy" and self.task != "classification":
            raise ValueError("cross-entropy needs class labels (a classification data set)")

    @property
    def sizes(self) -> tuple[int, ...]:
        return (self.inputs, *self.hidden, 1)

    @property
    def loss_code(self) -> int:
        """0: MSE on z (regression), 1: MSE on σ(z) (classification), 2: cross-entropy."""
        if self.loss == "cross-entropy":
            return 2
        return 0 if self.task == "regression" else 1

    def layer_slices(self) -> list[tuple[slice, slice, tuple[int, int]]]:
        """(weights, bias, (n_out, n_in)) of each layer in the flat θ, output layer last."""
        out, start = [], 0
        sizes = self.sizes
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
            w = slice(start, start + n_in * n_out)
            b = slice(w.stop, w.stop + n_out)
            out.append((w, b, (n_out, n_in)))
            start = b.stop
        return out

    @property
    def size(self) -> int:
        """P, the number of parameters."""
        return self.layer_slices()[-1][1].stop

    def unpack(self, theta: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """[(W, b)] per layer as views of θ: W of shape (..., n_out, n_in), b (..., n_out)."""
        theta = np.asarray(theta)
        lead = theta.shape[:-1]
        return [
            (theta[..., w].reshape(lead + shape), theta[..., b]) for w, b, shape in self.layer_slices()
        ]

    def parameter_names(self) -> list[str]:
        """Readable names: w⁽ˡ⁾ₖₘ (into unit k of layer l from unit or input m), b⁽ˡ⁾ₖ, vₖ, c."""
        names: list[str] = []
        layers = self.layer_slices()
        one = len(self.hidden) == 1
        for index, (_, _, (n_out, n_in)) in enumerate(layers):
            last = index == len(layers) - 1
            sup = "" if one else f"({index + 1})".translate(_SUP)
            for k in range(n_out):
                for m in range(n_in):
                    if last:
                        names.append(f"v{str(m + 1).translate(_SUB)}")
                    else:
                        names.append(f"w{sup}{str(k + 1).translate(_SUB)}{str(m + 1).translate(_SUB)}")
            for k in range(n_out):
                names.append("c" if last else f"b{sup}{str(k + 1).translate(_SUB)}")
        return names

    def layer_of(self, index: int) -> tuple[int, str, int, int]:
        """(layer, "weight"|"bias", unit k, input m) of parameter ``index`` (layer 0-based, output last)."""
        for layer, (w, b, (_, n_in)) in enumerate(self.layer_slices()):
            if w.start <= index < w.stop:
                k, m = divmod(index - w.start, n_in)
                return layer, "weight", k, m
            if b.start <= index < b.stop:
                return layer, "bias", index - b.start, -1
        raise IndexError(f"parameter {index} out of range (P = {self.size})")

    def initial(self, seed: int = 0) -> np.ndarray:
        """θ₀ with W ~ 𝒩(0, 1/n_in)·2 (sigmoids need larger weights than tanh), b ~ 𝒩(0, 0.1²)."""
        rng = np.random.default_rng([int(seed), 7])
        theta = np.empty(self.size)
        for w, b, (_, n_in) in self.layer_slices():
            theta[w] = 2.0 * rng.standard_normal(w.stop - w.start) / math.sqrt(n_in)
            theta[b] = 0.1 * rng.standard_normal(b.stop - b.start)
        return theta


def forward(net: Network, theta: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """z of shape (..., N) for θ of shape (..., P), and the hidden activations [(..., N, n_l)]."""
    theta = np.asarray(theta)
    h = np.asarray(x, dtype=theta.dtype)
    activations = []
    layers = net.unpack(theta)
    for index, (w, b) in enumerate(layers[:-1]):
        if index == 0:
            a = np.einsum("...ki,ni->...nk", w, h)
        else:
            a = np.einsum("...ki,...ni->...nk", w, h)
        h = sigmoid(a + b[..., None, :])
        activations.append(h)
    v, c = layers[-1]
    z = np.einsum("...i,...ni->...n", v[..., 0, :], h) + c
    return z, activations


def sample_losses(net: Network, z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """ℓ(zₙ, yₙ) per sample (the loss is their mean): (z − y)², (σ(z) − y)² or softplus(z) − yz."""
    y = np.asarray(y, dtype=z.dtype)
    code = net.loss_code
    if code == 0:
        return (z - y) ** 2
    if code == 1:
        return (sigmoid(z) - y) ** 2
    return softplus(z) - y * z


def loss(net: Network, theta: np.ndarray, data: Dataset) -> np.ndarray:
    """L(θ) for θ of shape (..., P): an array of shape (...)."""
    z, _ = forward(net, theta, data.x)
    return sample_losses(net, z, data.y).mean(axis=-1)


def output_gradient(net: Network, z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∂L/∂zₙ for each sample (the 1/N of the mean included)."""
    y = np.asarray(y, dtype=z.dtype)
    n = z.shape[-1]
    code = net.loss_code
    if code == 0:
        return 2.0 * (z - y) / n
    p = sigmoid(z)
    if code == 1:
        return 2.0 * (p - y) * p * (1.0 - p) / n
    return (p - y) / n


def loss_and_gradient(net: Network, theta: np.ndarray, data: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """L(θ) (shape (...)) and ∇L(θ) (shape (..., P)) by backpropagation."""
    theta = np.asarray(theta, dtype=np.float64) if np.asarray(theta).dtype.kind != "f" else np.asarray(theta)
    x = np.asarray(data.x, dtype=theta.dtype)
    z, hidden = forward(net, theta, x)
    value = sample_losses(net, z, data.y).mean(axis=-1)
    dz = output_gradient(net, z, data.y)  # (..., N)
    layers = net.unpack(theta)
    grad = np.zeros_like(theta)
    slices = net.layer_slices()
    v = layers[-1][0][..., 0, :]
    w_out, b_out, _ = slices[-1]
    grad[..., w_out] = np.einsum("...n,...nk->...k", dz, hidden[-1])
    grad[..., b_out] = dz.sum(axis=-1)[..., None]
    delta = dz[..., None] * v[..., None, :] * hidden[-1] * (1.0 - hidden[-1])  # (..., N, n_L)
    for index in range(len(hidden) - 1, -1, -1):
        w_sl, b_sl, _ = slices[index]
        if index == 0:
            grad[..., w_sl] = np.einsum("...nk,nm->...km", delta, x).reshape(grad[..., w_sl].shape)
        else:
            grad[..., w_sl] = np.einsum("...nk,...nm->...km", delta, hidden[index - 1]).reshape(
                grad[..., w_sl].shape
            )
        grad[..., b_sl] = delta.sum(axis=-2)
        if index > 0:
            w = layers[index][0]
            h = hidden[index - 1]
            delta = np.einsum("...nk,...km->...nm", delta, w) * h * (1.0 - h)
    return value, grad


# --------------------------------------------------------------------------- optimisers


#: optimiser steps between two checks for an interruption (see derivlab.compute.interrupt)
CHECK_EVERY = 16


def optimize(
    grad: Callable[[np.ndarray], np.ndarray],
    theta0: np.ndarray,
    method: str | tuple[str, ...],
    eta: float | np.ndarray,
    steps: int,
    beta: float = 0.9,
    beta1: float = 0.9,
    beta2: float = 0.999,
    epsilon: float = 1e-8,
    bound: float = DIVERGED,
) -> np.ndarray:
    """Iterates θ₀ … θ_T of ``method`` (rows of ``theta0`` are independent runs), shape (T+1, ..., P).

    gradient descent  θ ← θ − η∇L;  momentum  m ← βm + ∇L, θ ← θ − ηm;  Adam with
    bias-corrected moments — the updates of :mod:`derivlab.compute.optimizers`,
    applied per coordinate. ``method`` may be a tuple naming one method per row of
    ``theta0`` (shape (len(method), P)): the runs then share each gradient call.
    ``eta`` is one step size, or one per step (a schedule). A run that leaves
    ``bound`` or stops being finite is NaN from then on.
    """
    methods = (method,) if isinstance(method, str) else tuple(method)
    if any(m not in OPTIMIZERS for m in methods):
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}")
    rates = np.broadcast_to(np.asarray(eta, dtype=np.float64), (steps,))
    theta = np.array(theta0, dtype=np.float64)
    out = np.full((steps + 1,) + theta.shape, np.nan)
    out[0] = theta
    m = np.zeros_like(theta)
    s = np.zeros_like(theta)
    alive = np.ones(theta.shape[:-1], dtype=bool)
    if len(methods) > 1:
        if theta.ndim != 2 or theta.shape[0] != len(methods):
            raise ValueError("one row of theta0 per method")
        kind = np.array([OPTIMIZERS.index(m) for m in methods])[:, None]
    else:
        kind = np.full(theta.shape[:-1] + (1,), OPTIMIZERS.index(methods[0]))
    uses = set(np.unique(kind).tolist())
    for t in range(steps):
        if t % CHECK_EVERY == 0:
            check_interrupted()  # a long training stops when the window no longer wants it
        g = np.asarray(grad(theta), dtype=np.float64)
        eta = float(rates[t])
        new = theta - eta * g  # gradient descent
        if 1 in uses:  # momentum
            m = np.where(kind == 1, beta * m + g, m)
            new = np.where(kind == 1, theta - eta * m, new)
        if 2 in uses:  # Adam
            m = np.where(kind == 2, beta1 * m + (1 - beta1) * g, m)
            s = np.where(kind == 2, beta2 * s + (1 - beta2) * g * g, s)
            m_hat = m / (1 - beta1 ** (t + 1))
            s_hat = s / (1 - beta2 ** (t + 1))
            new = np.where(kind == 2, theta - eta * m_hat / (np.sqrt(s_hat) + epsilon), new)
        theta = new
        alive &= np.isfinite(theta).all(axis=-1) & (np.abs(theta) <= bound).all(axis=-1)
        if not alive.any():
            break
        theta = np.where(alive[..., None], theta, 0.0)
        out[t + 1] = np.where(alive[..., None], theta, np.nan)
    return out


#: largest P for which training ends with Newton steps (the Hessian costs 2P gradients)
POLISH_LIMIT = 200


def hessian(net: Network, theta: np.ndarray, data: Dataset, h: float = 1e-5) -> np.ndarray:
    """∇²L(θ) by central differences of the backpropagated gradient (2P gradients in one batch)."""
    p = theta.size
    shifts = np.concatenate([theta + h * np.eye(p), theta - h * np.eye(p)])
    grads = loss_and_gradient(net, shifts, data)[1]
    hess = (grads[:p] - grads[p:]) / (2 * h)
    return 0.5 * (hess + hess.T)


def polish(net: Network, theta: np.ndarray, data: Dataset, iterations: int = 12) -> np.ndarray:
    """Damped Newton steps θ ← θ − (∇²L + λI)⁻¹∇L, each kept only if L decreases.

    Near a minimum λ → 0 and the steps are Newton's (quadratic convergence); where
    ∇²L is not positive definite, λ grows until the step descends.
    """
    theta = np.array(theta, dtype=np.float64)
    value, grad = loss_and_gradient(net, theta, data)
    damping = 1e-3
    for _ in range(iterations):
        hess = hessian(net, theta, data)
        eye = np.eye(theta.size)
        for _ in range(30):
            try:
                step = np.linalg.solve(hess + damping * eye, grad)
            except np.linalg.LinAlgError:
                damping *= 10.0
                continue
            new_value, new_grad = loss_and_gradient(net, theta - step, data)
            if np.isfinite(new_value) and new_value <= value:
                theta, value, grad = theta - step, new_value, new_grad
                damping = max(damping / 10.0, 1e-12)
                break
            damping *= 10.0
        else:
            break
        if np.abs(grad).max() < 1e-12:
            break
    return theta


@lru_cache(maxsize=16)
def _train_cached(net: Network, data: Dataset, steps: int, eta: float, seed: int) -> np.ndarray:
    theta0 = net.initial(seed)
    if steps == 0:
        return theta0
    schedule = eta * 0.5 * (1.0 + np.cos(np.pi * np.arange(steps) / steps))
    path = optimize(lambda th: loss_and_gradient(net, th, data)[1], theta0, "adam", schedule, steps)
    finite = np.isfinite(path).all(axis=-1)
    theta = path[int(np.nonzero(finite)[0][-1])]
    return polish(net, theta, data) if net.size <= POLISH_LIMIT else theta


def train(net: Network, data: Dataset, steps: int = 2000, eta: float = 0.05, seed: int = 0) -> np.ndarray:
    """θ after ``steps`` full-batch Adam steps from :meth:`Network.initial` (cached).

    The step size follows a cosine schedule ηₜ = η·½(1 + cos(πt/T)); for networks of
    at most :data:`POLISH_LIMIT` parameters a few damped Newton steps (:func:`polish`)
    follow, so θ ends at a critical point rather than near one.
    """
    theta = _train_cached(net, data, int(steps), float(eta), int(seed))
    theta.flags.writeable = False
    return theta


# --------------------------------------------------------------------------- directions


def filter_normalized_directions(net: Network, theta: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two random directions d₁, d₂ normalised filter by filter (Li et al., 2018).

    Each direction is drawn from 𝒩(0, I); then for every unit ("filter") its row of
    incoming weights is rescaled to the norm of the same row of θ:
    d_row ← d_row · ‖θ_row‖ / ‖d_row‖. Bias entries are set to 0, as in the paper's
    default, so the plane's scale follows the weights' own scale unit by unit.
    """
    theta = np.asarray(theta, dtype=np.float64)
    rng = np.random.default_rng([int(seed), 11])
    out = []
    for _ in range(2):
        d = rng.standard_normal(net.size)
        for w, b, (n_out, n_in) in net.layer_slices():
            rows = d[w].reshape(n_out, n_in)
            target = theta[w].reshape(n_out, n_in)
            norm = np.linalg.norm(rows, axis=1, keepdims=True)
            rows *= np.linalg.norm(target, axis=1, keepdims=True) / np.where(norm > 0, norm, 1.0)
            d[w] = rows.ravel()
            d[b] = 0.0
        out.append(d)
    return out[0], out[1]
