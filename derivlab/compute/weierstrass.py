"""Per-pixel-column envelopes of Weierstrass partial sums, on numpy or on the GPU.

    W_N(x) = Σ_{n=0}^{N−1} aⁿ cos(π bⁿ x)

oscillates far below pixel size, so a polyline through a few samples would draw
noise. Each pixel column c instead gets the minimum and maximum of W over many
samples of its x-interval: the *envelope*, which is what the eye should see.

Samples lie on an exact integer grid: x = M·2^e0 with M a 64-bit integer and
one exponent e0 for the whole window (|M| ≤ 2⁶¹), so the window can be 10⁻¹²
wide anywhere and every backend sees bit-identical sample positions. For an
integer b, bⁿx mod 2 comes from two 64-bit windows of bⁿ (see
:mod:`derivlab.expr.weierstrass`): w = B_hi·|M| + ⌊|M|·B_lo/2⁶⁴⌋, angle w/2⁶³,
one table pair per window. For any other b the phase bⁿx is formed in double
and terms beyond :func:`derivlab.expr.weierstrass.phase_lost_term` are left out.

Column c covers grid integers [C_c, C_{c+1}) with C_c = M_lo + c·Q + ⌊c·R/C⌋
(Q, R = divmod(M_hi − M_lo, C)); its sample i of S is at
C_c + i·q + ⌊i·r/S⌋ (q, r = divmod(C_{c+1} − C_c, S)).

The kernel is ``shaders/cuda/weierstrass.cu``; :func:`envelope_numpy` is its twin.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from derivlab.compute.backend import Backend, get_backend, is_out_of_memory
from derivlab.compute.kernels import launch, real_name
from derivlab.expr.weierstrass import (
    check_arguments,
    exact_reduction,
    phase,
    phase_lost_term,
    power_windows,
    powers,
)

__all__ = [
    "Envelope",
    "EnvelopeGrid",
    "benchmark_rows",
    "envelope",
    "envelope_grid",
    "envelope_numpy",
]

KERNEL_FILE = "weierstrass.cu"
#: samples one GPU thread reduces before its partial min/max is written
SAMPLES_PER_THREAD = 64
#: float64 elements (samples × terms) per numpy chunk
_CHUNK_ELEMENTS = 1 << 19


@dataclass(frozen=True)
class EnvelopeGrid:
    """The exact sample grid of a window and the per-term tables for it.

    ``m_lo``, ``q``, ``r``: column c starts at m_lo + c·q + ⌊c·r/columns⌋ (in units
    of 2^e0); ``hi``/``lo`` are the windows of |b|ⁿ for the exact reduction;
    ``powers`` are |b|ⁿ in double (used when ``exact`` is False); ``coeff`` are aⁿ;
    ``terms`` is how many terms are summed (fewer than N when the phase is lost).
    """

    e0: int
    m_lo: int
    q: int
    r: int
    columns: int
    samples: int
    exact: bool
    terms: int
    hi: np.ndarray
    lo: np.ndarray
    powers: np.ndarray
    coeff: np.ndarray
    checkpoints: tuple[int, ...]

    def column_starts(self) -> np.ndarray:
        """C_c for c = 0 … columns (int64), the grid integers where columns begin."""
        c = np.arange(self.columns + 1, dtype=np.int64)
        return self.m_lo + c * self.q + (c * self.r) // self.columns

    def sample_integers(self, first: int = 0, last: int | None = None) -> np.ndarray:
        """Grid integers M of the samples of columns first … last−1, shape (columns, samples)."""
        last = self.columns if last is None else last
        starts = self.column_starts()[first : last + 1]
        width = np.diff(starts)
        qs, rs = width // self.samples, width % self.samples
        i = np.arange(self.samples, dtype=np.int64)
        return starts[:-1, None] + i[None, :] * qs[:, None] + (i[None, :] * rs[:, None]) // self.samples

    def x_of(self, m: np.ndarray) -> np.ndarray:
        """x = M·2^e0 as float64 (rounded to nearest)."""
        return np.ldexp(np.asarray(m, dtype=np.int64).astype(np.float64), self.e0)


def envelope_grid(
    x_lo: float,
    x_hi: float,
    a: float,
    b: float,
    terms: int,
    columns: int,
    samples: int,
    partial_sums: tuple[int, ...] = (),
    x_offset: float = 0.0,
) -> EnvelopeGrid:
    """The grid for the window [x_offset + x_lo, x_offset + x_hi] (exact sums of doubles).

    ``partial_sums`` names extra partial sums W_k (k terms) to envelope as well;
    W_N is always the last. ``x_offset`` lets a window be given relative to a
    centre x₀ without rounding x₀ + u.
    """
    a, b, terms = check_arguments(a, b, terms)
    if columns < 1 or samples < 1:
        raise ValueError("columns and samples per column must be at least 1")
    lo_exact = Fraction(x_offset) + Fraction(x_lo)
    hi_exact = Fraction(x_offset) + Fraction(x_hi)
    if not hi_exact > lo_exact:
        raise ValueError("the window needs x_hi > x_lo")
    size = max(abs(lo_exact), abs(hi_exact))
    e0 = math.frexp(float(size))[1] - 61  # |x| < 2^(e0+61), so |M| ≤ 2⁶¹
    scale = Fraction(2) ** -e0
    m_lo = round(lo_exact * scale)
    m_hi = round(hi_exact * scale)
    q, r = divmod(m_hi - m_lo, columns)
    exact = exact_reduction(b, terms)
    used = terms if exact else max(1, phase_lost_term(b, float(size), terms))
    hi, lo = power_windows(abs(int(b)), used, -e0 - 63) if exact else (
        np.zeros(used, np.uint64),
        np.zeros(used, np.uint64),
    )
    b_n = powers(abs(b), used)
    coeff = powers(a, used)
    checkpoints = tuple(sorted({min(max(1, int(k)), used) for k in partial_sums} | {used}))
    return EnvelopeGrid(
        e0, m_lo, q, r, columns, samples, exact, used, hi, lo, b_n, coeff, checkpoints
    )


@dataclass(frozen=True)
class Envelope:
    """min and max of each partial sum over each pixel column.

    ``lower[k]``/``upper[k]`` belong to W_{checkpoints[k]}; ``terms_requested`` is N
    and ``grid.terms`` how many were summed.
    """

    lower: np.ndarray
    upper: np.ndarray
    grid: EnvelopeGrid
    terms_requested: int
    backend: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def phase_lost(self) -> bool:
        """True when terms were left out because bⁿx lost its fractional bits."""
        return self.grid.terms < self.terms_requested


def _column_values(grid: EnvelopeGrid, m: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Partial sums at the checkpoints for grid integers ``m``: shape (K,) + m.shape."""
    flat = m.reshape(-1)
    if grid.exact:
        angle = phase(np.abs(flat).astype(np.uint64)[:, None], grid.hi[None, :], grid.lo[None, :])
    else:
        x = np.abs(grid.x_of(flat))
        angle = np.fmod(x[:, None] * grid.powers[None, :], 2.0)
    if dtype == np.float32:
        terms = grid.coeff.astype(np.float32)[None, :] * np.cos(
            np.float32(np.pi) * angle.astype(np.float32)
        )
    else:
        terms = grid.coeff[None, :] * np.cos(np.pi * angle)
    sums = np.cumsum(terms, axis=1, dtype=dtype)
    picked = sums[:, [k - 1 for k in grid.checkpoints]]
    return picked.T.reshape((len(grid.checkpoints),) + m.shape)


def envelope_numpy(grid: EnvelopeGrid, dtype: Any = np.float64) -> tuple[np.ndarray, np.ndarray]:
    """The numpy twin of the kernel: (lower, upper), each of shape (K, columns), in ``dtype``."""
    dtype = np.dtype(dtype)
    k = len(grid.checkpoints)
    lower = np.empty((k, grid.columns), dtype=dtype)
    upper = np.empty((k, grid.columns), dtype=dtype)
    block = max(1, _CHUNK_ELEMENTS // max(1, grid.samples * grid.terms))
    for first in range(0, grid.columns, block):
        last = min(grid.columns, first + block)
        values = _column_values(grid, grid.sample_integers(first, last), dtype)
        lower[:, first:last] = values.min(axis=2)
        upper[:, first:last] = values.max(axis=2)
    return lower, upper


def kernel_arguments(grid: EnvelopeGrid, dtype: Any, xp: Any = np) -> dict[str, Any]:
    """The tables the kernel reads, as arrays of ``xp`` (numpy or cupy)."""
    real = np.dtype(dtype)
    return {
        "hi": xp.asarray(grid.hi),
        "lo": xp.asarray(grid.lo),
        "powers": xp.asarray(grid.powers),
        "coeff": xp.asarray(grid.coeff.astype(real)),
        "checkpoints": xp.asarray(np.asarray(grid.checkpoints, dtype=np.int64)),
    }


def thread_groups(samples: int) -> int:
    """How many threads share one column: about :data:`SAMPLES_PER_THREAD` samples each."""
    return max(1, math.ceil(samples / SAMPLES_PER_THREAD))


def envelope_kernels(
    grid: EnvelopeGrid, dtype: Any, backend: Backend
) -> tuple[Any, Any]:
    """The compiled ``weierstrass_envelope`` and ``weierstrass_envelope_reduce`` kernels."""
    from derivlab.compute.kernels import assemble_source

    source = assemble_source(KERNEL_FILE, {}, (), real_name(dtype))
    return (
        backend.raw_kernel(source, "weierstrass_envelope"),
        backend.raw_kernel(source, "weierstrass_envelope_reduce"),
    )


def envelope_device(grid: EnvelopeGrid, dtype: Any, backend: Backend) -> tuple[Any, Any]:
    """(lower, upper) computed by the kernels on ``backend``'s device, arrays of shape (K, columns)."""
    xp = backend.xp
    dtype = np.dtype(dtype)
    main, reduce = envelope_kernels(grid, dtype, backend)
    t = kernel_arguments(grid, dtype, xp)
    k = len(grid.checkpoints)
    groups = thread_groups(grid.samples)
    part_lo = xp.empty(k * grid.columns * groups, dtype=dtype)
    part_hi = xp.empty(k * grid.columns * groups, dtype=dtype)
    threads = grid.columns * groups
    launch(
        main,
        threads,
        (
            np.int64(grid.m_lo), np.int64(grid.q), np.int64(grid.r), np.int64(grid.columns),
            np.int64(grid.samples), np.int64(groups), np.int64(grid.e0),
            t["hi"], t["lo"], t["powers"], t["coeff"], np.int64(grid.terms),
            np.int64(1 if grid.exact else 0), t["checkpoints"], np.int64(k),
            part_lo, part_hi,
        ),
    )
    lower = xp.empty(k * grid.columns, dtype=dtype)
    upper = xp.empty(k * grid.columns, dtype=dtype)
    rows = k * grid.columns
    launch(reduce, rows, (part_lo, part_hi, np.int64(rows), np.int64(groups), lower, upper))
    return lower.reshape(k, grid.columns), upper.reshape(k, grid.columns)


def envelope(
    x_lo: float,
    x_hi: float,
    a: float,
    b: float,
    terms: int,
    columns: int,
    samples: int = 16,
    partial_sums: tuple[int, ...] = (),
    x_offset: float = 0.0,
    dtype: Any = np.float64,
    backend: Backend | None = None,
) -> Envelope:
    """Envelope of W_N (and of the ``partial_sums``) over ``columns`` pixel columns.

    ``samples`` per column: 1–2 for a quick coarse pass, 16 or more for the refined
    one. Returns numpy arrays whatever the backend.
    """
    backend = backend or get_backend()
    grid = envelope_grid(x_lo, x_hi, a, b, terms, columns, samples, partial_sums, x_offset)
    if backend.is_gpu:
        lower, upper = envelope_device(grid, dtype, backend)
        lower, upper = backend.asnumpy(lower), backend.asnumpy(upper)
    else:
        lower, upper = envelope_numpy(grid, dtype)
    return Envelope(lower, upper, grid, int(terms), backend.name)


# ------------------------------------------------------------------------- bench


def benchmark_rows(
    backend: Backend | None = None,
    sizes: tuple[int, ...] = (4_000_000, 32_000_000),
    dtypes: tuple[str, ...] = ("float32", "float64"),
    terms: int = 40,
    columns: int = 1920,
    repeats: int = 3,
    numpy_limit: int = 4_000_000,
) -> list[dict[str, Any]]:
    """Time the envelope of W_40 (a = 0.9, b = 7) over [−2, 2] for each size and dtype.

    One row per (dtype, size): ``backend``, ``device``, ``dtype``, ``samples``,
    ``columns``, ``terms``, ``median_seconds``, ``term_evaluations_per_second``
    (samples × terms / median), ``transcendental_fraction`` (on a GPU: that rate over
    the device's cosine throughput, see :func:`device_cosine_rate`; else None) and
    ``error`` (why a row has no figures: out of memory, or on numpy a size above
    ``numpy_limit``, which would take minutes).
    """
    backend = backend or get_backend()
    rows: list[dict[str, Any]] = []
    peak = device_cosine_rate(backend) if backend.is_gpu else None
    for dtype in dtypes:
        for size in sizes:
            samples = max(1, size // columns)
            row: dict[str, Any] = {
                "what": f"envelope of W_{terms} (a = 0.9, b = 7) to {columns} columns",
                "backend": backend.name,
                "device": backend.device,
                "dtype": dtype,
                "samples": samples * columns,
                "columns": columns,
                "terms": terms,
                "repeats": repeats,
                "median_seconds": None,
                "term_evaluations_per_second": None,
                "transcendental_fraction": None,
                "error": None,
            }
            if not backend.is_gpu and size > numpy_limit:
                row["error"] = f"not run on numpy (sizes above {numpy_limit:,} take minutes)"
                rows.append(row)
                continue
            try:
                times = []
                warm_up = 1 if backend.is_gpu else 0  # the first GPU run compiles the kernel
                for i in range(repeats + warm_up):
                    backend.synchronize()
                    start = time.perf_counter()
                    envelope(-2.0, 2.0, 0.9, 7.0, terms, columns, samples, dtype=dtype, backend=backend)
                    backend.synchronize()
                    if i >= warm_up:
                        times.append(time.perf_counter() - start)
                median = statistics.median(times)
                rate = samples * columns * terms / median
                row["median_seconds"] = median
                row["term_evaluations_per_second"] = rate
                if peak:
                    row["transcendental_fraction"] = rate / peak[dtype]
            except Exception as exc:
                if not is_out_of_memory(exc):
                    raise
                row["error"] = f"out of memory: {exc}"
            finally:
                backend.free_memory()
            rows.append(row)
    return rows


def device_cosine_rate(backend: Backend) -> dict[str, float] | None:
    """Rough peak cosines per second of the device, per dtype (None off the GPU).

    float32: the special-function units, 16 per SM per clock (sm_50 and later);
    float64: cos is a polynomial of about 20 double FMAs, so the FP64 FMA rate / 20,
    with 64 FP64 lanes per SM on data-centre parts (x.0 compute capability) and 2
    elsewhere. An estimate to put the measured rate in proportion, not a specification.
    """
    if not backend.is_gpu:
        return None
    try:
        props = backend.xp.cuda.runtime.getDeviceProperties(0)
        sms = int(props["multiProcessorCount"])
        clock = float(props["clockRate"]) * 1e3
        major, minor = int(props["major"]), int(props["minor"])
    except Exception:  # noqa: BLE001 - no figures rather than a failed benchmark
        return None
    fp64_lanes = 64 if minor == 0 and major >= 6 else 2
    return {"float32": sms * clock * 16, "float64": sms * clock * fp64_lanes / 20}


def format_rows(rows: list[dict[str, Any]]) -> str:
    """The rows of :func:`benchmark_rows` as lines of text."""
    lines = []
    for r in rows:
        head = f"  {r['backend']} {r['dtype']}, {r['samples']:,} samples, N = {r['terms']}"
        if r["error"]:
            lines.append(f"{head}: {r['error']}")
            continue
        line = (
            f"{head}: median {r['median_seconds'] * 1e3:.1f} ms, "
            f"{r['term_evaluations_per_second']:.3g} term evaluations/s"
        )
        if r["transcendental_fraction"] is not None:
            line += f", {100 * r['transcendental_fraction']:.1f}% of the device's cosine rate"
        lines.append(line)
    return "\n".join(lines)
