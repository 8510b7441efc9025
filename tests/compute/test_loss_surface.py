"""Loss surfaces: the numpy twins against direct evaluation of the network, arrows against
central differences, a trained network at the minimum of its own surface, the kernel (NVRTC,
and the same source on the CPU through cuda_host_shim.h) against the twins, GPU OOM handling,
and the GPU itself when there is one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from derivlab.compute import kernels
from derivlab.compute.backend import Backend, numpy_backend
from derivlab.compute.errors import CompilerUnavailableError
from derivlab.compute.loss_surface import (
    PEAK_BOUND_BYTES,
    benchmark_rows,
    direction_plane,
    format_rows,
    full_arguments,
    loss_surface,
    parameter_plane,
    peak_twin_bytes,
    plane_gradient,
    reduced_arguments,
    reduced_form,
    reduces,
    surface_full_numpy,
    surface_reduced_numpy,
    trajectories,
)
from derivlab.compute.network import Network, loss, make_data, train

SETUPS = [
    ("circle", (8,), "cross-entropy"),
    ("xor", (5, 4), "mse"),
    ("regression", (6,), "mse"),
    ("spiral", (3, 7), "cross-entropy"),
]


def setup(preset: str, hidden: tuple[int, ...], loss_name: str, samples: int = 97, seed: int = 0):
    data = make_data(preset, samples, 0.1, seed)
    net = Network(data.inputs, hidden, loss_name, data.task)
    return net, data, net.initial(seed)


def random_pair(net: Network, rng: np.random.Generator, last_layers_only: bool | None = None) -> tuple[int, int]:
    while True:
        i, j = (int(k) for k in rng.choice(net.size, 2, replace=False))
        if last_layers_only is None:
            return i, j
        plane = parameter_plane(net, net.initial(0), i, j)
        if reduces(net, plane) == last_layers_only:
            return i, j


# ------------------------------------------------------------------ numpy twins


@pytest.mark.parametrize("preset,hidden,loss_name", SETUPS)
def test_surface_equals_direct_evaluation(preset: str, hidden: Any, loss_name: str, rng: np.random.Generator) -> None:
    net, data, theta = setup(preset, hidden, loss_name)
    planes = [parameter_plane(net, theta, *random_pair(net, rng)) for _ in range(12)]
    planes.append(direction_plane(net, theta, int(rng.integers(100))))
    planes.append(parameter_plane(net, theta, *random_pair(net, rng, True)))
    if len(hidden) == 2:
        planes.append(parameter_plane(net, theta, *random_pair(net, rng, False)))
    methods = set()
    for plane in planes:
        u = np.sort(rng.uniform(-2, 2, int(rng.integers(3, 9))))
        v = np.sort(rng.uniform(-2, 2, int(rng.integers(3, 9))))
        surface = loss_surface(net, plane, data, u, v, np.float64, numpy_backend())
        methods.add(surface.method)
        assert surface.values.shape == (len(v), len(u))
        for _ in range(6):
            r, c = int(rng.integers(len(v))), int(rng.integers(len(u)))
            direct = float(loss(net, plane.theta(u[c], v[r]), data))
            assert surface.values[r, c] == pytest.approx(direct, rel=1e-12, abs=1e-14)
        f32 = loss_surface(net, plane, data, u, v, np.float32, numpy_backend())
        assert f32.values.dtype == np.float32
        np.testing.assert_allclose(f32.values, surface.values, rtol=2e-5, atol=1e-6)
    assert methods == ({"reduced", "full"})


def test_both_twins_agree_where_both_apply(rng: np.random.Generator) -> None:
    net, data, theta = setup("moons", (4, 6), "cross-entropy")
    u, v = np.linspace(-1, 1, 9), np.linspace(-3, 3, 7)
    for _ in range(10):
        plane = parameter_plane(net, theta, *random_pair(net, rng, True))
        reduced = surface_reduced_numpy(reduced_form(net, plane, data), data.y, net.loss_code, u, v)
        full = surface_full_numpy(net, plane, data, u, v)
        np.testing.assert_allclose(reduced, full, rtol=1e-13, atol=1e-15)


def test_reduced_form_uses_at_most_two_sigmoids_per_sample() -> None:
    net, data, theta = setup("circle", (8,), "mse")
    p = net.size
    assert reduced_form(net, parameter_plane(net, theta, p - 3, p - 1), data).units == 0  # v₇, c
    assert reduced_form(net, parameter_plane(net, theta, 0, p - 9), data).units == 1  # w₁₁, v₁
    assert reduced_form(net, parameter_plane(net, theta, 0, 2), data).units == 2  # w₁₁, w₂₁


def test_twin_peak_memory_is_bounded() -> None:
    """tracemalloc: the peak above the output stays under the stated bound as the grid grows."""
    net = Network(2, (32,), "cross-entropy", "classification")
    data = make_data("circle", 256, 0.1, 0)
    theta = net.initial(0)
    for plane in (direction_plane(net, theta), parameter_plane(net, theta, 0, 97)):
        small = peak_twin_bytes(net, plane, data, 64, np.float64)
        large = peak_twin_bytes(net, plane, data, 384, np.float64)
        assert large < PEAK_BOUND_BYTES and small < PEAK_BOUND_BYTES
        assert large < small + (2 << 20)  # does not grow with the grid


# ------------------------------------------------------------------ gradients, minimum, paths


@pytest.mark.parametrize("preset,hidden,loss_name", SETUPS)
def test_plane_gradient_equals_central_differences(preset: str, hidden: Any, loss_name: str, rng: np.random.Generator) -> None:
    net, data, theta = setup(preset, hidden, loss_name)
    for plane in (parameter_plane(net, theta, *random_pair(net, rng)), direction_plane(net, theta, 3)):
        u, v = rng.uniform(-1, 1, 5), rng.uniform(-1, 1, 5)
        value, gu, gv = plane_gradient(net, plane, data, u, v)
        h = 1e-6
        cu = (loss(net, plane.theta(u + h, v), data) - loss(net, plane.theta(u - h, v), data)) / (2 * h)
        cv = (loss(net, plane.theta(u, v + h), data) - loss(net, plane.theta(u, v - h), data)) / (2 * h)
        np.testing.assert_allclose(gu, cu, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(gv, cv, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(value, loss(net, plane.theta(u, v), data), rtol=1e-14)


@pytest.mark.parametrize(
    "preset,hidden,loss_name,noise",
    [("circle", (3,), "cross-entropy", 0.3), ("regression", (4,), "mse", 0.1)],
)
def test_trained_weights_sit_at_the_grid_minimum(preset: str, hidden: Any, loss_name: str, noise: float) -> None:
    """After training, every two-parameter slice through the trained weights (and a plane of
    random directions) has its smallest grid value at the centre, the trained weights.

    (Data with overlapping classes, so the minimum is finite and isolated; on separable data
    cross-entropy keeps falling as the weights grow and there is no minimum to sit at.)
    """
    data = make_data(preset, 200, noise, 1)
    net = Network(data.inputs, hidden, loss_name, data.task)
    theta = train(net, data, 2000, 0.05, 0)
    u = np.linspace(-0.2, 0.2, 21)  # (0, 0) is the centre point, index (10, 10)
    planes = [parameter_plane(net, theta, i, j) for i in range(net.size) for j in range(i + 1, net.size)]
    planes.append(direction_plane(net, theta, 5))
    for plane in planes:
        surface = loss_surface(net, plane, data, u, u, np.float64, numpy_backend())
        where = np.unravel_index(np.argmin(surface.values), surface.values.shape)
        assert where == (10, 10), (plane.names, where)


def test_trajectories_descend_and_start_where_asked() -> None:
    data = make_data("circle", 128, 0.1, 0)
    net = Network(2, (8,), "cross-entropy", "classification")
    theta = train(net, data, 1500, 0.05, 0)
    plane = parameter_plane(net, theta, 24, 25)
    paths = trajectories(net, plane, data, (2.0, -2.0), 0.5, 60)
    for method, (points, losses) in paths.items():
        assert points.shape == (61, 2)
        np.testing.assert_array_equal(points[0], [2.0, -2.0])
        assert losses[-1] < losses[0], method
        np.testing.assert_allclose(losses[5], loss(net, plane.theta(*points[5]), data), rtol=1e-13)


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
    source = kernels.assemble_source("loss_surface.cu", {}, (), real)
    ptx = kernels.compile_ptx(source, "loss_surface.cu", arch)
    for name in ("loss_surface_reduced", "loss_surface_full"):
        assert re.search(rf"\.entry\s+{name}\s*\(", ptx)
    if real == "float":
        assert "tanh.approx.f32" in ptx  # one special-function instruction per sigmoid


def run_host(module: Any, name: str, head: list[Any], u: np.ndarray, v: np.ndarray, dtype: Any) -> np.ndarray:
    out = np.full(len(u) * len(v), np.nan, dtype=dtype)
    module.run(name, *head, np.ascontiguousarray(u, dtype=dtype), len(u), np.ascontiguousarray(v, dtype=dtype), len(v), out)
    return out.reshape(len(v), len(u))


@pytest.mark.parametrize("real", ["float", "double"])
@pytest.mark.parametrize("preset,hidden,loss_name", SETUPS)
def test_kernels_on_the_cpu_match_numpy_twins(
    host_builder: Any, real: str, preset: str, hidden: Any, loss_name: str, rng: np.random.Generator
) -> None:
    dtype = np.float32 if real == "float" else np.float64
    module = host_builder.build("loss_surface.cu", {}, (), real)
    net, data, theta = setup(preset, hidden, loss_name, int(rng.integers(2, 300)), int(rng.integers(100)))
    tolerance = dict(rtol=2e-5, atol=2e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)
    u = np.linspace(-1.5, 1.5, int(rng.integers(3, 40)))
    v = np.linspace(-1.0, 2.0, int(rng.integers(3, 40)))
    for _ in range(3):
        plane = parameter_plane(net, theta, *random_pair(net, rng, True))
        form = reduced_form(net, plane, data)
        got = run_host(module, "loss_surface_reduced", reduced_arguments(form, data.y, net.loss_code, dtype), u, v, dtype)
        np.testing.assert_allclose(got, surface_reduced_numpy(form, data.y, net.loss_code, u, v, dtype), **tolerance)
    for plane in (direction_plane(net, theta, int(rng.integers(100))), parameter_plane(net, theta, *random_pair(net, rng))):
        got = run_host(module, "loss_surface_full", full_arguments(net, plane, data, dtype), u, v, dtype)
        np.testing.assert_allclose(got, surface_full_numpy(net, plane, data, u, v, dtype), **tolerance)


@dataclass(frozen=True)
class HostKernelBackend(Backend):
    """Poses as CuPy but runs the assembled kernels on the CPU; can fail allocations on purpose.

    ``fail_above``: a launch over more grid points than this raises an error named
    OutOfMemoryError, as CuPy's allocator does.
    """

    builder: Any = None
    fail_above: int = 1 << 62
    launches: list[int] = field(default_factory=list)

    def asnumpy(self, a: Any) -> np.ndarray:
        return np.asarray(a)

    def free_memory(self) -> None:
        pass

    def synchronize(self) -> None:
        pass

    def raw_kernel(self, source: str, name: str, options: Sequence[str] = ()) -> Any:
        module = self.builder.build_source(source)

        def kernel(grid: tuple[int], block: tuple[int], args: tuple[Any, ...]) -> None:
            points = int(args[-4]) * int(args[-2])
            if points > self.fail_above:
                raise OutOfMemoryError(f"out of memory allocating {points * 8} bytes")
            self.launches.append(points)
            module.run(name, *args, block=block[0], max_grid=grid[0])

        return kernel


class OutOfMemoryError(Exception):
    """Named like cupy.cuda.memory.OutOfMemoryError (is_out_of_memory goes by the name)."""


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gpu_code_path_with_host_kernels(host_builder: Any, dtype: Any) -> None:
    backend = HostKernelBackend(name="cupy", xp=np, device="host shim", reason="", builder=host_builder)
    net, data, theta = setup("xor", (5, 4), "cross-entropy", 150)
    u, v = np.linspace(-1, 1, 17), np.linspace(-2, 2, 13)
    tolerance = dict(rtol=2e-5, atol=2e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)
    for plane in (parameter_plane(net, theta, 30, 35), direction_plane(net, theta, 1)):
        got = loss_surface(net, plane, data, u, v, dtype, backend)
        expected = loss_surface(net, plane, data, u, v, dtype, numpy_backend())
        assert got.backend == "cupy" and got.method == expected.method and got.message == ""
        assert got.values.shape == (13, 17) and got.values.dtype == dtype
        np.testing.assert_allclose(got.values, expected.values, **tolerance)


def test_out_of_memory_tiles_then_shrinks_the_grid(host_builder: Any) -> None:
    net, data, theta = setup("circle", (8,), "mse", 40)
    plane = parameter_plane(net, theta, 0, 1)
    u = v = np.linspace(-1, 1, 32)
    expected = loss_surface(net, plane, data, u, v, np.float64, numpy_backend())

    tiles = HostKernelBackend(name="cupy", xp=np, device="host shim", reason="", builder=host_builder, fail_above=300)
    got = loss_surface(net, plane, data, u, v, np.float64, tiles)
    assert "tiles of 8 rows" in got.message and got.tiles == 4
    assert max(tiles.launches) <= 300
    np.testing.assert_allclose(got.values, expected.values, rtol=1e-12)

    shrink = HostKernelBackend(name="cupy", xp=np, device="host shim", reason="", builder=host_builder, fail_above=20)
    got = loss_surface(net, plane, data, u, v, np.float64, shrink)
    assert "reduced to 16×16" in got.message
    assert got.values.shape == (16, 16)
    np.testing.assert_allclose(got.values, expected.values[::2, ::2], rtol=1e-12)

    never = HostKernelBackend(name="cupy", xp=np, device="host shim", reason="", builder=host_builder, fail_above=0)
    with pytest.raises(OutOfMemoryError):
        loss_surface(net, plane, data, u[:4], v[:4], np.float64, never)


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gpu_surface_matches_numpy(dtype: Any, rng: np.random.Generator) -> None:
    from derivlab.compute.backend import get_backend

    gpu = get_backend("cupy")
    # float32 on the GPU uses tanh.approx.f32 (abs. error ≈ 2⁻¹¹ in σ): a looser bound.
    tolerance = dict(rtol=3e-3, atol=3e-3) if dtype == np.float32 else dict(rtol=1e-11, atol=1e-13)
    for preset, hidden, loss_name in SETUPS:
        net, data, theta = setup(preset, hidden, loss_name, 500, int(rng.integers(100)))
        u, v = np.linspace(-1, 1, 65), np.linspace(-2, 2, 33)
        for plane in (parameter_plane(net, theta, *random_pair(net, rng, True)), direction_plane(net, theta, 2)):
            got = loss_surface(net, plane, data, u, v, dtype, gpu)
            expected = loss_surface(net, plane, data, u, v, dtype, numpy_backend())
            np.testing.assert_allclose(got.values, expected.values, **tolerance)


def test_benchmark_rows_shape() -> None:
    rows = benchmark_rows(numpy_backend(), grids=(16, 4096), samples=(32,), hidden=(4,), repeats=1)
    assert [(r["plane"], r["grid"]) for r in rows] == [
        ("random directions", 16), ("random directions", 4096), ("two parameters", 16), ("two parameters", 4096)
    ]
    assert rows[0]["median_seconds"] > 0 and rows[0]["sigmoids_per_second"] > 0 and rows[0]["fraction"] > 0
    assert "not run on numpy" in rows[1]["error"]
    text = format_rows(rows)
    assert "floor: numpy σ over 2²⁰ float32 values" in text and "sigmoids/s" in text
