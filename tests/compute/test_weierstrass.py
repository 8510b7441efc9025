"""Weierstrass envelopes: the numpy twin against 50-digit mpmath, the kernel (NVRTC, and the
same source on the CPU through cuda_host_shim.h) against the twin, and the GPU when present."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import pytest

from derivlab.compute import kernels
from derivlab.compute.backend import Backend, numpy_backend
from derivlab.compute.errors import CompilerUnavailableError
from derivlab.compute.weierstrass import (
    benchmark_rows,
    envelope,
    envelope_grid,
    envelope_numpy,
    kernel_arguments,
    thread_groups,
)
from derivlab.expr.weierstrass import weierstrass_mpmath, weierstrass_numpy

PRESETS = ((0.5, 3.0), (0.9, 7.0))


def random_window(rng: np.random.Generator) -> tuple[float, float, float]:
    """(x₀, u_lo, u_hi): a centre in [−2, 2] and a window of width 10⁻¹² … 4 around it."""
    x0 = float(rng.uniform(-2.0, 2.0))
    width = float(10.0 ** rng.uniform(-12.0, np.log10(4.0)))
    shift = float(rng.uniform(-0.5, 0.5)) * width
    return x0, shift - width / 2, shift + width / 2


# ----------------------------------------------------------------------- grid


def test_columns_tile_the_window_exactly() -> None:
    grid = envelope_grid(-2.0, 2.0, 0.9, 7.0, 40, 1920, 16)
    starts = grid.column_starts()
    assert grid.x_of(starts[:1])[0] == -2.0 and grid.x_of(starts[-1:])[0] == 2.0
    assert np.all(np.diff(starts) > 0)
    m = grid.sample_integers()
    assert m.shape == (1920, 16)
    assert np.all(m[:, 0] == starts[:-1]) and np.all(m[:, -1] < starts[1:])
    assert np.all(np.diff(m, axis=1) > 0)


def test_offset_window_is_exact_at_depth() -> None:
    """x₀ + u is formed exactly: at width 10⁻¹² around 0.3 the columns are evenly 10⁻¹²/C apart."""
    grid = envelope_grid(-5e-13, 5e-13, 0.9, 7.0, 40, 1000, 4, x_offset=0.3)
    starts = grid.column_starts()
    left = Fraction(int(starts[0])) * Fraction(2) ** grid.e0
    right = Fraction(int(starts[-1])) * Fraction(2) ** grid.e0
    assert abs(left - (Fraction(0.3) + Fraction(-5e-13))) <= Fraction(2) ** grid.e0
    assert abs(right - (Fraction(0.3) + Fraction(5e-13))) <= Fraction(2) ** grid.e0
    widths = np.diff(starts)
    assert widths.max() - widths.min() <= 1


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        envelope_grid(1.0, 1.0, 0.5, 3.0, 10, 100, 4)
    with pytest.raises(ValueError):
        envelope_grid(0.0, 1.0, 0.5, 3.0, 61, 100, 4)
    with pytest.raises(ValueError):
        envelope_grid(0.0, 1.0, 0.5, 3.0, 10, 0, 4)


# ---------------------------------------------------------------- against mpmath


@pytest.mark.parametrize("a,b", PRESETS)
def test_envelope_values_match_mpmath_at_random_depths(
    a: float, b: float, rng: np.random.Generator
) -> None:
    """Every sample of the grid is W_N at an exact dyadic x; 50-digit mpmath agrees to 1e-12."""
    for _ in range(6):
        x0, u_lo, u_hi = random_window(rng)
        grid = envelope_grid(u_lo, u_hi, a, b, 40, 7, 3, x_offset=x0)
        m = grid.sample_integers()
        lower, upper = envelope_numpy(grid)
        for c in range(grid.columns):
            values = [
                weierstrass_mpmath(Fraction(int(mi)) * Fraction(2) ** grid.e0, a, b, 40)
                for mi in m[c]
            ]
            assert abs(float(min(values)) - lower[-1, c]) < 1e-12
            assert abs(float(max(values)) - upper[-1, c]) < 1e-12


def test_plain_double_is_wrong_where_the_reduction_is_right() -> None:
    """At the default zoom, a = 0.9, b = 7: cos(π·7ⁿ·x) in double is already off by far more."""
    x = 0.3
    exact = float(weierstrass_mpmath(x, 0.9, 7, 40))
    naive = sum(0.9**n * np.cos(np.pi * 7.0**n * x) for n in range(40))
    assert abs(weierstrass_numpy(np.array([x]), 0.9, 7, 40)[0] - exact) < 1e-13
    assert abs(naive - exact) > 1e-3


def test_partial_sum_checkpoints() -> None:
    env = envelope(-1.0, 1.0, 0.5, 3.0, 12, 50, 5, partial_sums=(1, 2, 3), backend=numpy_backend())
    assert env.grid.checkpoints == (1, 2, 3, 12)
    x = env.grid.x_of(env.grid.sample_integers())
    for k, terms in enumerate(env.grid.checkpoints):
        w = weierstrass_numpy(x, 0.5, 3.0, terms)
        np.testing.assert_allclose(env.lower[k], w.min(axis=1), atol=1e-14)
        np.testing.assert_allclose(env.upper[k], w.max(axis=1), atol=1e-14)
    # W_1 = cos(πx): its envelope over [−1, 1] reaches −1 and 1
    assert env.lower[0].min() == pytest.approx(-1.0, abs=1e-3)
    assert env.upper[0].max() == pytest.approx(1.0)


def test_non_integer_b_stops_where_the_phase_is_lost() -> None:
    env = envelope(-2.0, 2.0, 0.9, 7.5, 40, 100, 4, backend=numpy_backend())
    assert not env.grid.exact and env.phase_lost
    # terms are kept while 7.5ⁿ·2 < 2⁴⁰: n ≤ 13
    assert env.grid.terms == 14
    integer = envelope(-2.0, 2.0, 0.9, 7.0, 40, 100, 4, backend=numpy_backend())
    assert integer.grid.exact and not integer.phase_lost and integer.grid.terms == 40


def test_float32_envelope_is_close_to_float64() -> None:
    grid = envelope_grid(-2.0, 2.0, 0.9, 7.0, 40, 200, 8)
    lo32, hi32 = envelope_numpy(grid, np.float32)
    lo64, hi64 = envelope_numpy(grid, np.float64)
    assert lo32.dtype == np.float32
    np.testing.assert_allclose(lo32, lo64, atol=5e-5)
    np.testing.assert_allclose(hi32, hi64, atol=5e-5)


# ------------------------------------------------------------------ the kernel


@pytest.fixture(scope="module")
def nvrtc() -> None:
    try:
        kernels.load_nvrtc()
    except CompilerUnavailableError as exc:
        pytest.skip(str(exc))


@pytest.mark.parametrize("arch", ["compute_75", "compute_90"])
@pytest.mark.parametrize("real", kernels.REALS)
def test_kernel_compiles(nvrtc: None, real: str, arch: str) -> None:
    source = kernels.assemble_source("weierstrass.cu", {}, (), real)
    ptx = kernels.compile_ptx(source, "weierstrass.cu", arch)
    for name in ("weierstrass_envelope", "weierstrass_envelope_reduce"):
        assert re.search(rf"\.entry\s+{name}\s*\(", ptx)


def run_host_envelope(module: Any, grid: Any, dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    t = kernel_arguments(grid, dtype)
    k = len(grid.checkpoints)
    groups = thread_groups(grid.samples)
    part_lo = np.full(k * grid.columns * groups, np.nan, dtype=dtype)
    part_hi = np.full(k * grid.columns * groups, np.nan, dtype=dtype)
    module.run(
        "weierstrass_envelope",
        grid.m_lo, grid.q, grid.r, grid.columns, grid.samples, groups, grid.e0,
        t["hi"], t["lo"], t["powers"], t["coeff"], grid.terms, int(grid.exact),
        t["checkpoints"], k, part_lo, part_hi,
    )
    lower = np.full(k * grid.columns, np.nan, dtype=dtype)
    upper = np.full(k * grid.columns, np.nan, dtype=dtype)
    module.run("weierstrass_envelope_reduce", part_lo, part_hi, k * grid.columns, groups, lower, upper)
    return lower.reshape(k, grid.columns), upper.reshape(k, grid.columns)


@pytest.mark.parametrize("real", ["float", "double"])
@pytest.mark.parametrize("b", [3.0, 7.0, 7.5])
def test_kernel_on_the_cpu_matches_numpy_twin(
    host_builder: Any, real: str, b: float, rng: np.random.Generator
) -> None:
    dtype = np.float32 if real == "float" else np.float64
    module = host_builder.build("weierstrass.cu", {}, (), real)
    for _ in range(3):
        x0, u_lo, u_hi = random_window(rng)
        samples = int(rng.integers(1, 200))  # several thread groups per column above 64
        grid = envelope_grid(u_lo, u_hi, 0.9, b, 40, int(rng.integers(5, 60)), samples, (1, 2, 5), x0)
        got_lo, got_hi = run_host_envelope(module, grid, dtype)
        lo, hi = envelope_numpy(grid, dtype)
        tolerance = 2e-5 if dtype == np.float32 else 1e-13
        np.testing.assert_allclose(got_lo, lo, rtol=0, atol=tolerance)
        np.testing.assert_allclose(got_hi, hi, rtol=0, atol=tolerance)


@dataclass(frozen=True)
class HostKernelBackend(Backend):
    """Poses as CuPy but runs the assembled kernels on the CPU (the GPU code path, no GPU)."""

    builder: Any = None
    compiled: list[str] = field(default_factory=list)

    def asnumpy(self, a: Any) -> np.ndarray:
        return np.asarray(a)

    def free_memory(self) -> None:
        pass

    def synchronize(self) -> None:
        pass

    def raw_kernel(self, source: str, name: str, options: Sequence[str] = ()) -> Any:
        module = self.builder.build_source(source)
        self.compiled.append(name)

        def kernel(grid: tuple[int], block: tuple[int], args: tuple[Any, ...]) -> None:
            module.run(name, *args, block=block[0], max_grid=grid[0])

        return kernel


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gpu_code_path_with_host_kernels(host_builder: Any, dtype: Any) -> None:
    backend = HostKernelBackend(name="cupy", xp=np, device="host shim", reason="", builder=host_builder)
    got = envelope(-1e-9, 1e-9, 0.9, 7.0, 40, 64, 100, (1, 3), 0.3, dtype, backend)
    expected = envelope(-1e-9, 1e-9, 0.9, 7.0, 40, 64, 100, (1, 3), 0.3, dtype, numpy_backend())
    assert got.lower.shape == (3, 64) and got.lower.dtype == dtype
    tolerance = 2e-5 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(got.lower, expected.lower, atol=tolerance, rtol=0)
    np.testing.assert_allclose(got.upper, expected.upper, atol=tolerance, rtol=0)
    assert backend.compiled == ["weierstrass_envelope", "weierstrass_envelope_reduce"]


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gpu_envelope_matches_numpy(dtype: Any, rng: np.random.Generator) -> None:
    from derivlab.compute.backend import get_backend

    gpu = get_backend("cupy")
    for _ in range(3):
        x0, u_lo, u_hi = random_window(rng)
        got = envelope(u_lo, u_hi, 0.9, 7.0, 40, 300, 50, (1, 2), x0, dtype, gpu)
        expected = envelope(u_lo, u_hi, 0.9, 7.0, 40, 300, 50, (1, 2), x0, dtype, numpy_backend())
        tolerance = 2e-5 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(got.lower, expected.lower, atol=tolerance, rtol=0)
        np.testing.assert_allclose(got.upper, expected.upper, atol=tolerance, rtol=0)


def test_benchmark_rows_shape() -> None:
    rows = benchmark_rows(numpy_backend(), sizes=(19_200, 10**9), dtypes=("float64",), repeats=1)
    assert [r["samples"] for r in rows] == [19_200, 10**9 // 1920 * 1920]
    assert rows[0]["median_seconds"] > 0 and rows[0]["term_evaluations_per_second"] > 0
    assert rows[0]["transcendental_fraction"] is None and rows[0]["error"] is None
    assert rows[1]["median_seconds"] is None and "not run on numpy" in rows[1]["error"]


def test_mpmath_reference_is_independent_of_the_trick() -> None:
    """The reference sums cos(π bⁿ x) directly at high precision: spot-check one term."""
    x = Fraction(3, 10)
    with mpmath.workdps(120):
        direct = mpmath.cos(mpmath.pi * mpmath.mpf(7) ** 39 * (mpmath.mpf(3) / 10)) * mpmath.mpf("0.9") ** 39
        difference = weierstrass_mpmath(x, Fraction(9, 10), 7, 40) - weierstrass_mpmath(
            x, Fraction(9, 10), 7, 39
        )
        assert abs(difference - direct) < mpmath.mpf("1e-45")
