"""The loss of a sigmoid network over a plane of parameter space, on a dense grid.

A plane through the weights θ̂ is θ(u, v) = θ̂ + u·a + v·b: either two chosen
parameters (a = eᵢ, b = eⱼ, the rest held at θ̂) or two random filter-normalised
directions (Li et al., 2018). The surface is L(θ(u, v)) at every grid point.

Two evaluations, each a fused CUDA kernel in ``shaders/cuda/loss_surface.cu`` (one
thread per grid point, looping over the samples and accumulating the loss: no
grid × samples array) with a numpy twin here:

* **reduced** (:func:`reduced_form`), used when both chosen parameters sit in the
  last hidden layer or the output layer. Everything that does not depend on them is
  the same for every grid point and is computed once per sample:

      z(u, v) = Rₙ + u Pₙ + v Qₙ + Σₛ (Cₛ + u Gₛ + v Dₛ) σ(Aₛₙ + u αₛₙ + v βₛₙ),

  s running over the (at most two) hidden units whose incoming weights change;
  Rₙ holds the output of every other unit, Pₙ/Qₙ the activations multiplied by a
  chosen output weight. Per grid point and sample: at most two sigmoids.
* **full** (random directions, or a parameter of the first of two hidden layers):
  the whole forward pass with the weights θ̂ + u a + v b formed on the fly.

The numpy twins work in chunks of grid points so no temporary exceeds
:data:`CHUNK_ELEMENTS` elements. Measured with tracemalloc (``peak_twin_bytes``):
for 256 samples and 32 hidden units, float32, the peak of either twin is below
:data:`PEAK_BOUND_BYTES` (24 MiB) above its output array, whatever the grid size.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from derivlab.compute.backend import Backend, get_backend, is_out_of_memory
from derivlab.compute.kernels import launch, real_name
from derivlab.compute.network import (
    Dataset,
    Network,
    filter_normalized_directions,
    loss_and_gradient,
    make_data,
    optimize,
    sigmoid,
    softplus,
)

from .interrupt import check_interrupted

__all__ = [
    "CHUNK_ELEMENTS",
    "PEAK_BOUND_BYTES",
    "Plane",
    "ReducedForm",
    "Surface",
    "benchmark_rows",
    "direction_plane",
    "format_rows",
    "loss_surface",
    "parameter_plane",
    "plane_gradient",
    "reduced_form",
    "surface_full_numpy",
    "surface_reduced_numpy",
    "trajectories",
]

KERNEL_FILE = "loss_surface.cu"
#: elements of the largest temporary array of a numpy chunk
CHUNK_ELEMENTS = 1 << 18
#: stated bound on the numpy twins' peak memory above the output (checked by a test)
PEAK_BOUND_BYTES = 24 << 20
#: most hidden units whose incoming weights the reduced form recomputes
MAX_UNITS = 2


# --------------------------------------------------------------------------- planes


@dataclass(frozen=True, eq=False)
class Plane:
    """θ(u, v) = origin + u·a + v·b; ``indices`` = (i, j) when a = eᵢ and b = eⱼ."""

    origin: np.ndarray
    a: np.ndarray
    b: np.ndarray
    indices: tuple[int, int] | None = None
    names: tuple[str, str] = ("α", "β")

    def theta(self, u: Any, v: Any) -> np.ndarray:
        """The parameter vectors at (u, v), shape u.shape + (P,)."""
        u = np.asarray(u, dtype=np.float64)[..., None]
        v = np.asarray(v, dtype=np.float64)[..., None]
        return self.origin + u * self.a + v * self.b


def parameter_plane(net: Network, theta: np.ndarray, i: int, j: int) -> Plane:
    """The plane of parameters i and j through θ (u, v are their offsets from θᵢ, θⱼ)."""
    p = net.size
    if not (0 <= i < p and 0 <= j < p) or i == j:
        raise ValueError(f"two different parameters in 0 … {p - 1} are needed, not {i} and {j}")
    a, b = np.zeros(p), np.zeros(p)
    a[i] = b[j] = 1.0
    names = net.parameter_names()
    return Plane(np.array(theta, dtype=np.float64), a, b, (int(i), int(j)), (names[i], names[j]))


def direction_plane(net: Network, theta: np.ndarray, seed: int = 0) -> Plane:
    """The plane of two random filter-normalised directions through θ."""
    d1, d2 = filter_normalized_directions(net, theta, seed)
    return Plane(np.array(theta, dtype=np.float64), d1, d2, None, ("α", "β"))


# --------------------------------------------------------------------------- reduced form


@dataclass(frozen=True, eq=False)
class ReducedForm:
    """Per-sample tables of z(u, v) = R + uP + vQ + Σₛ (Cₛ + uGₛ + vDₛ) σ(Aₛ + uαₛ + vβₛ).

    ``R``, ``P``, ``Q``: (N,); ``A``, ``alpha``, ``beta``: (2, N); ``C``, ``G``, ``D``:
    (2,); ``units`` of the two rows are used (unused rows are zeros).
    """

    R: np.ndarray
    P: np.ndarray
    Q: np.ndarray
    A: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    C: np.ndarray
    G: np.ndarray
    D: np.ndarray
    units: int

    def z(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """z at grid points u, v (shape (G,)) for every sample: shape (G, N)."""
        u = u[:, None]
        v = v[:, None]
        z = self.R + u * self.P if self.P.any() else self.R + 0 * u
        if self.Q.any():
            z += v * self.Q
        for s in range(self.units):
            t = self.A[s] + u * self.alpha[s] if self.alpha[s].any() else self.A[s] + 0 * u
            if self.beta[s].any():
                t += v * self.beta[s]
            weight = self.C[s] + u * self.G[s] + v * self.D[s]
            z += weight * sigmoid(t)
        return z

    def astype(self, dtype: Any) -> ReducedForm:
        return ReducedForm(
            *(np.ascontiguousarray(getattr(self, f), dtype=dtype) for f in
              ("R", "P", "Q", "A", "alpha", "beta", "C", "G", "D")),
            self.units,
        )


def reduces(net: Network, plane: Plane) -> bool:
    """True when the plane is two parameters of the last hidden layer or the output layer."""
    if plane.indices is None:
        return False
    last_hidden = len(net.hidden) - 1
    return all(net.layer_of(i)[0] >= last_hidden for i in plane.indices)


def reduced_form(net: Network, plane: Plane, data: Dataset) -> ReducedForm:
    """The per-sample tables of :class:`ReducedForm` for a plane where :func:`reduces` holds.

    The inputs H of the last hidden layer (x, or h⁽¹⁾ at θ̂, which the chosen
    parameters do not touch) and its pre-activations a = WH + b at θ̂ are computed
    once; a chosen weight w_{km} gives αₙ = H_{nm}, a chosen bias b_k gives αₙ = 1.
    """
    if not reduces(net, plane):
        raise ValueError("the reduced form needs two parameters of the last hidden or output layer")
    i, j = plane.indices  # type: ignore[misc]
    theta = plane.origin
    layers = net.unpack(theta)
    last = len(net.hidden) - 1
    x = np.asarray(data.x, dtype=np.float64)
    h_in = x
    for w, b in layers[:last]:
        h_in = sigmoid(h_in @ w.T + b)
    w, b = layers[last]
    pre = h_in @ w.T + b  # (N, K)
    hid = sigmoid(pre)
    v = layers[-1][0][0]
    c = float(layers[-1][1][0])
    n = x.shape[0]

    def role(index: int) -> tuple[str, int, int]:
        layer, kind, k, m = net.layer_of(index)
        if layer == len(net.hidden):
            return ("c", -1, -1) if kind == "bias" else ("v", m, -1)
        return ("b", k, -1) if kind == "bias" else ("w", k, m)

    roles = (role(i), role(j))
    units = sorted({k for kind, k, _ in roles if kind in ("w", "b")})
    R = np.full(n, c)
    P = np.zeros(n)
    Q = np.zeros(n)
    for k in range(hid.shape[1]):
        if k in units:
            continue
        R += v[k] * hid[:, k]
        for (kind, kk, _), coef in zip(roles, (P, Q), strict=True):
            if kind == "v" and kk == k:
                coef += hid[:, k]
    for (kind, _, _), coef in zip(roles, (P, Q), strict=True):
        if kind == "c":
            coef += 1.0
    A = np.zeros((MAX_UNITS, n))
    alpha = np.zeros((MAX_UNITS, n))
    beta = np.zeros((MAX_UNITS, n))
    C, G, D = np.zeros(MAX_UNITS), np.zeros(MAX_UNITS), np.zeros(MAX_UNITS)
    for s, k in enumerate(units):
        A[s] = pre[:, k]
        C[s] = v[k]
        for (kind, kk, m), slope, out in zip(roles, (alpha, beta), (G, D), strict=True):
            if kind == "w" and kk == k:
                slope[s] = h_in[:, m]
            elif kind == "b" and kk == k:
                slope[s] = 1.0
            elif kind == "v" and kk == k:
                out[s] = 1.0
    return ReducedForm(R, P, Q, A, alpha, beta, C, G, D, len(units))


# --------------------------------------------------------------------------- numpy twins


def mean_loss(loss_code: int, z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(1/N) Σₙ ℓ(zₙ, yₙ) over the last axis, in z's dtype (codes as :attr:`Network.loss_code`)."""
    if loss_code == 0:
        e = z - y
        return (e * e).mean(axis=-1)
    if loss_code == 1:
        e = sigmoid(z) - y
        return (e * e).mean(axis=-1)
    return (softplus(z) - y * z).mean(axis=-1)


def _grid_chunk(u: np.ndarray, v: np.ndarray, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    """u and v of the flat grid points first … last−1 (point g is (u[g mod nu], v[g div nu]))."""
    g = np.arange(first, last)
    return u[g % len(u)], v[g // len(u)]


def surface_reduced_numpy(
    form: ReducedForm, y: np.ndarray, loss_code: int, u: np.ndarray, v: np.ndarray, dtype: Any = np.float64
) -> np.ndarray:
    """The twin of ``loss_surface_reduced``: L at (u[c], v[r]) as an array (len(v), len(u))."""
    dtype = np.dtype(dtype)
    form = form.astype(dtype)
    y = np.asarray(y, dtype=dtype)
    u, v = np.asarray(u, dtype=dtype), np.asarray(v, dtype=dtype)
    total = len(u) * len(v)
    out = np.empty(total, dtype=dtype)
    block = max(1, CHUNK_ELEMENTS // max(1, y.size))
    for first in range(0, total, block):
        check_interrupted()
        last = min(total, first + block)
        out[first:last] = mean_loss(loss_code, form.z(*_grid_chunk(u, v, first, last)), y)
    return out.reshape(len(v), len(u))


def surface_full_numpy(
    net: Network, plane: Plane, data: Dataset, u: np.ndarray, v: np.ndarray, dtype: Any = np.float64
) -> np.ndarray:
    """The twin of ``loss_surface_full``: the whole forward pass at θ̂ + u a + v b, chunked."""
    from derivlab.compute.network import forward

    dtype = np.dtype(dtype)
    u, v = np.asarray(u, dtype=np.float64), np.asarray(v, dtype=np.float64)
    total = len(u) * len(v)
    out = np.empty(total, dtype=dtype)
    x = np.asarray(data.x, dtype=dtype)
    y = np.asarray(data.y, dtype=dtype)
    widest = max(net.hidden)
    block = max(1, CHUNK_ELEMENTS // max(data.samples * widest, net.size))
    if len(net.hidden) == 1:
        # One hidden layer: its pre-activations are affine in (u, v) for each sample,
        # W(u, v)x + b(u, v) = (W₀x + b₀) + u(Wₐx + bₐ) + v(W_b x + b_b): three tables, once.
        (w0, b0), (v0, c0) = net.unpack(plane.origin)
        (wa, ba), (va, ca) = net.unpack(plane.a)
        (wb, bb), (vb, cb) = net.unpack(plane.b)
        x64 = np.asarray(data.x, dtype=np.float64)
        tables = [(x64 @ w.T + b).astype(dtype) for w, b in ((w0, b0), (wa, ba), (wb, bb))]
        outs = [np.asarray(t[0], dtype=dtype) for t in (v0, va, vb)]
        biases = [dtype.type(c[0]) for c in (c0, ca, cb)]
    for first in range(0, total, block):
        check_interrupted()
        last = min(total, first + block)
        gu, gv = _grid_chunk(u, v, first, last)
        if len(net.hidden) == 1:
            su = gu.astype(dtype)[:, None, None]
            sv = gv.astype(dtype)[:, None, None]
            hidden = sigmoid(tables[0] + su * tables[1] + sv * tables[2])  # (G, N, K)
            weights = outs[0] + su * outs[1] + sv * outs[2]  # (G, 1, K)
            z = (hidden * weights).sum(axis=-1) + (biases[0] + su[:, :, 0] * biases[1] + sv[:, :, 0] * biases[2])
        else:
            theta = plane.theta(gu, gv).astype(dtype)
            z, _ = forward(net, theta, x)
        out[first:last] = mean_loss(net.loss_code, z, y)
    return out.reshape(len(v), len(u))


def peak_twin_bytes(net: Network, plane: Plane, data: Dataset, resolution: int, dtype: Any) -> int:
    """Peak bytes traced (tracemalloc) while the numpy twin runs, less its output array."""
    import tracemalloc

    u = np.linspace(-1.0, 1.0, resolution)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        if reduces(net, plane):
            form = reduced_form(net, plane, data)
            base = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            surface_reduced_numpy(form, data.y, net.loss_code, u, u, dtype)
        else:
            base = tracemalloc.get_traced_memory()[0]
            surface_full_numpy(net, plane, data, u, u, dtype)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return peak - resolution * resolution * np.dtype(dtype).itemsize


# --------------------------------------------------------------------------- kernels


def _kernel(backend: Backend, name: str, dtype: Any) -> Any:
    from derivlab.compute.kernels import assemble_source

    return backend.raw_kernel(assemble_source(KERNEL_FILE, {}, (), real_name(dtype)), name)


def reduced_arguments(form: ReducedForm, y: np.ndarray, loss_code: int, dtype: Any, xp: Any = np) -> list[Any]:
    """Kernel arguments of ``loss_surface_reduced`` before the grid (arrays of ``xp``)."""
    f = form.astype(dtype)
    arrays = [xp.asarray(getattr(f, k)) for k in ("R", "P", "Q", "A", "alpha", "beta", "C", "G", "D")]
    return [*arrays, np.int64(f.units), xp.asarray(np.asarray(y, dtype=dtype)), np.int64(len(y)), np.int64(loss_code)]


def full_arguments(net: Network, plane: Plane, data: Dataset, dtype: Any, xp: Any = np) -> list[Any]:
    """Kernel arguments of ``loss_surface_full`` before the grid (arrays of ``xp``)."""
    h1 = net.hidden[0]
    h2 = net.hidden[1] if len(net.hidden) > 1 else 0
    return [
        xp.asarray(plane.origin.astype(dtype)),
        xp.asarray(plane.a.astype(dtype)),
        xp.asarray(plane.b.astype(dtype)),
        xp.asarray(np.ascontiguousarray(data.x, dtype=dtype)),
        xp.asarray(np.asarray(data.y, dtype=dtype)),
        np.int64(data.samples),
        np.int64(net.inputs),
        np.int64(h1),
        np.int64(h2),
        np.int64(net.loss_code),
    ]


def _device_tile(backend: Backend, kernel: Any, head: list[Any], u: Any, v: Any, dtype: Any) -> Any:
    xp = backend.xp
    out = xp.empty(len(v) * len(u), dtype=dtype)
    launch(kernel, len(v) * len(u), (*head, u, np.int64(len(u)), v, np.int64(len(v)), out))
    return out.reshape(len(v), len(u))


# --------------------------------------------------------------------------- the surface


@dataclass(frozen=True)
class Surface:
    """L on the grid: ``values[r, c]`` at (u[c], v[r]); how it was computed and any message."""

    values: np.ndarray
    u: np.ndarray
    v: np.ndarray
    backend: str
    method: str
    message: str = ""
    tiles: int = 1
    extra: dict[str, Any] = field(default_factory=dict)


def loss_surface(
    net: Network,
    plane: Plane,
    data: Dataset,
    u: np.ndarray,
    v: np.ndarray,
    dtype: Any = np.float32,
    backend: Backend | None = None,
) -> Surface:
    """L(θ̂ + u a + v b) at every (u[c], v[r]): reduced form when it applies, else the full pass.

    On a GPU an out-of-memory error splits the grid into tiles of fewer rows; when
    one row does not fit, the grid is halved in each direction and ``message`` says so.
    Returns numpy arrays whatever the backend.
    """
    backend = backend or get_backend()
    dtype = np.dtype(dtype)
    u = np.asarray(u, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    method = "reduced" if reduces(net, plane) else "full"
    form = reduced_form(net, plane, data) if method == "reduced" else None
    if not backend.is_gpu:
        if form is not None:
            values = surface_reduced_numpy(form, data.y, net.loss_code, u, v, dtype)
        else:
            values = surface_full_numpy(net, plane, data, u, v, dtype)
        return Surface(values, u, v, backend.name, method)

    xp = backend.xp
    name = "loss_surface_reduced" if form is not None else "loss_surface_full"
    kernel = _kernel(backend, name, dtype)
    messages: list[str] = []
    rows = len(v)
    while True:
        try:
            if form is not None:
                head = reduced_arguments(form, data.y, net.loss_code, dtype, xp)
            else:
                head = full_arguments(net, plane, data, dtype, xp)
            du = xp.asarray(u.astype(dtype))
            parts = []
            for first in range(0, len(v), rows):
                dv = xp.asarray(v[first : first + rows].astype(dtype))
                parts.append(backend.asnumpy(_device_tile(backend, kernel, head, du, dv, dtype)))
            values = np.concatenate(parts, axis=0)
            return Surface(values, u, v, backend.name, method, "; ".join(messages), len(parts))
        except Exception as exc:
            if not is_out_of_memory(exc):
                raise
            backend.free_memory()
            if rows > 1:
                rows = max(1, rows // 2)
                messages.append(f"GPU memory ran out: the grid is computed in tiles of {rows} rows")
            elif len(u) > 2 and len(v) > 2:
                u, v, rows = u[::2], v[::2], max(1, len(v[::2]) // 2)
                messages.append(f"GPU memory ran out even for one row: the grid is reduced to {len(u)}×{len(v)}")
            else:
                raise


# --------------------------------------------------------------------------- gradients, paths


def plane_gradient(
    net: Network, plane: Plane, data: Dataset, u: Any, v: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """L, ∂L/∂u = a·∇L and ∂L/∂v = b·∇L at θ̂ + u a + v b (backpropagation), each of u's shape."""
    theta = plane.theta(u, v)
    value, grad = loss_and_gradient(net, theta, data)
    return value, grad @ plane.a, grad @ plane.b


def trajectories(
    net: Network,
    plane: Plane,
    data: Dataset,
    start: tuple[float, float],
    eta: float,
    steps: int,
    methods: tuple[str, ...] = ("gradient descent", "momentum", "adam"),
    beta: float = 0.9,
    beta1: float = 0.9,
    beta2: float = 0.999,
    bound: float = 1e6,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each optimiser's path in the plane from (u₀, v₀): ``{method: (points (T+1, 2), losses (T+1,))}``.

    The optimisers see L restricted to the plane, with gradient (a·∇L, b·∇L); the runs
    go in lockstep, sharing one batched backpropagation per step.
    """

    def grad(p: np.ndarray) -> np.ndarray:
        _, gu, gv = plane_gradient(net, plane, data, p[..., 0], p[..., 1])
        return np.stack([gu, gv], axis=-1)

    out = {}
    p0 = np.tile([float(start[0]), float(start[1])], (len(methods), 1))
    paths = optimize(grad, p0, tuple(methods), eta, steps, beta, beta1, beta2, bound=bound)
    for k, method in enumerate(methods):
        path = paths[:, k, :]
        ok = np.isfinite(path).all(axis=1)
        losses = np.full(len(path), np.nan)
        if ok.any():
            losses[ok] = plane_gradient(net, plane, data, path[ok, 0], path[ok, 1])[0]
        out[method] = (path, losses)
    return out


# --------------------------------------------------------------------------- bench


def device_sfu_rate(backend: Backend) -> float | None:
    """Special-function (MUFU) instructions per second of the device: SMs × clock × 16.

    sm_75 … sm_90 issue 16 MUFU operations (ex2, rcp, tanh.approx) per SM per clock;
    a float32 sigmoid here is one tanh.approx, so this is the floor of the time per
    sigmoid. An estimate to put the measured rate in proportion, not a specification.
    """
    if not backend.is_gpu:
        return None
    try:
        props = backend.xp.cuda.runtime.getDeviceProperties(0)
        return float(props["multiProcessorCount"]) * float(props["clockRate"]) * 1e3 * 16
    except Exception:  # noqa: BLE001 - no figures rather than a failed benchmark
        return None


def numpy_sigmoid_rate(size: int = 1 << 20, repeats: int = 5) -> float:
    """Sigmoids per second of numpy's σ(t) = ½ + ½tanh(t/2) over ``size`` float32 values."""
    t = np.linspace(-6.0, 6.0, size, dtype=np.float32)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        sigmoid(t)
        times.append(time.perf_counter() - start)
    return size / statistics.median(times)


def benchmark_rows(
    backend: Backend | None = None,
    grids: tuple[int, ...] = (256, 1024, 2048),
    samples: tuple[int, ...] = (256, 1024, 4096),
    hidden: tuple[int, ...] = (8, 32),
    repeats: int = 3,
    numpy_limit: int = 256 * 256 * 1024,
) -> list[dict[str, Any]]:
    """Time the float32 loss surface of the circle data set for each size.

    Rows for random directions (the full forward pass, ``hidden`` sigmoids per grid
    point and sample) for each hidden width, and one for the two parameters w₁₁ and
    v₁ of the first hidden unit (the reduced form: one sigmoid per point and sample). Each
    row: ``grid``, ``samples``, ``hidden``, ``plane``, ``median_seconds``,
    ``sigmoids_per_second``, ``floor_rate`` (what it is compared with: the device's
    MUFU rate on a GPU, numpy's own σ over a float32 array of 2²⁰ on the CPU),
    ``fraction`` and ``error`` (a size not run: on numpy, grid² × samples above
    ``numpy_limit``; or out of memory).
    """
    backend = backend or get_backend()
    floor = device_sfu_rate(backend) if backend.is_gpu else numpy_sigmoid_rate()
    floor_what = (
        "device MUFU rate (SMs × clock × 16)" if backend.is_gpu else "numpy σ over 2²⁰ float32 values"
    )
    rows: list[dict[str, Any]] = []
    cases: list[tuple[str, int]] = [("random directions", h) for h in hidden] + [("two parameters", hidden[0])]
    for plane_kind, width in cases:
        for n in samples:
            data = make_data("circle", n, 0.1, 0)
            net = Network(2, (width,), "cross-entropy", "classification")
            theta = net.initial(0)
            if plane_kind == "random directions":
                plane = direction_plane(net, theta, 0)
                per_point = width
            else:
                p_v = net.layer_slices()[-1][0].start
                plane = parameter_plane(net, theta, 0, p_v)  # w₁₁ and v₁
                per_point = 1
            for g in grids:
                row: dict[str, Any] = {
                    "what": f"loss surface, circle data, 2-{width}-1 sigmoid network, cross-entropy",
                    "plane": plane_kind,
                    "backend": backend.name,
                    "device": backend.device,
                    "dtype": "float32",
                    "grid": g,
                    "samples": n,
                    "hidden": width,
                    "sigmoids_per_point_sample": per_point,
                    "repeats": repeats,
                    "median_seconds": None,
                    "sigmoids_per_second": None,
                    "floor": floor_what,
                    "floor_rate": floor,
                    "fraction": None,
                    "error": None,
                }
                if not backend.is_gpu and g * g * n * max(1, per_point // 2) > numpy_limit:
                    row["error"] = f"not run on numpy (grid² × samples above {numpy_limit:,})"
                    rows.append(row)
                    continue
                u = np.linspace(-1.0, 1.0, g)
                try:
                    times = []
                    warm_up = 1 if backend.is_gpu else 0
                    for i in range(repeats + warm_up):
                        backend.synchronize()
                        start = time.perf_counter()
                        loss_surface(net, plane, data, u, u, np.float32, backend)
                        backend.synchronize()
                        if i >= warm_up:
                            times.append(time.perf_counter() - start)
                    median = statistics.median(times)
                    rate = g * g * n * per_point / median
                    row["median_seconds"] = median
                    row["sigmoids_per_second"] = rate
                    if floor:
                        row["fraction"] = rate / floor
                except Exception as exc:
                    if not is_out_of_memory(exc):
                        raise
                    row["error"] = f"out of memory: {exc}"
                finally:
                    backend.free_memory()
                rows.append(row)
    return rows


def format_rows(rows: list[dict[str, Any]]) -> str:
    """The rows of :func:`benchmark_rows` as lines of text, with the floor they are compared with."""
    lines = []
    if rows:
        r0 = rows[0]
        rate = r0["floor_rate"]
        lines.append(f"  floor: {r0['floor']}" + (f" = {rate:.3g} sigmoids/s" if rate else " (unknown)"))
    for r in rows:
        head = (
            f"  {r['backend']} {r['dtype']} {r['plane']}, hidden {r['hidden']}, "
            f"grid {r['grid']}², {r['samples']} samples"
        )
        if r["error"]:
            lines.append(f"{head}: {r['error']}")
            continue
        line = f"{head}: median {r['median_seconds'] * 1e3:.1f} ms, {r['sigmoids_per_second']:.3g} sigmoids/s"
        if r["fraction"] is not None:
            line += f", {100 * r['fraction']:.1f}% of the floor rate"
        lines.append(line)
    return "\n".join(lines)


def coarse_grid_seconds(resolution: int = 48, repeats: int = 7, plane_kind: str = "two parameters") -> float:
    """Median numpy time of a coarse pass: circle, 256 samples, 2-8-1 network, float32.

    ``plane_kind``: ``"two parameters"`` (b₁ and v₁, the scene's default slice) or
    ``"random directions"``.
    """
    data = make_data("circle", 256, 0.3, 0)
    net = Network(2, (8,), "cross-entropy", "classification")
    theta = net.initial(0)
    plane = direction_plane(net, theta) if plane_kind == "random directions" else parameter_plane(net, theta, 16, 24)
    u = np.linspace(-2.0, 2.0, resolution)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        loss_surface(net, plane, data, u, u, np.float32, get_backend("numpy"))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_report(backend: Backend | None = None, quick: bool = False) -> dict[str, Any]:
    """What ``derivlab bench`` prints for the loss surface: the rows and the numpy coarse pass."""
    backend = backend or get_backend()
    grids = (256,) if quick else (256, 1024, 2048)
    samples = (256,) if quick else (256, 1024, 4096)
    rows = benchmark_rows(backend, grids=grids, samples=samples, repeats=3 if backend.is_gpu else 1)
    coarse = {
        kind: {res: coarse_grid_seconds(res, 5, kind) for res in (32, 48, 64)}
        for kind in ("two parameters", "random directions")
    }
    return {"rows": rows, "coarse_numpy_seconds": coarse}


def format_report(report: dict[str, Any]) -> str:
    """:func:`bench_report` as lines of text."""
    lines = [format_rows(report["rows"])]
    for kind, times in report["coarse_numpy_seconds"].items():
        figures = ", ".join(f"{res}² {1e3 * t:.1f} ms" for res, t in times.items())
        lines.append(f"  coarse pass on numpy (circle, 256 samples, 8 hidden, {kind}; target 50 ms): {figures}")
    return "\n".join(lines)
