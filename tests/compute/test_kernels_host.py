"""Check 2: the very same kernel sources, built with g++ through cuda_host_shim.h and run
over the whole grid on the CPU, agree with their numpy twins on fresh random inputs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from derivlab.compute import finite_diff
from derivlab.compute.backend import Backend, numpy_backend
from derivlab.compute.evaluate import difference_quotients, evaluate, evaluate_with_derivative

DTYPES = {"float": np.float32, "double": np.float64}


def random_params(function: Any, rng: np.random.Generator) -> dict[str, float]:
    return {k: float(rng.uniform(0.5, 3.0)) for k in sorted(function.default_params)}


def param_array(params: dict[str, float], dtype: Any) -> np.ndarray:
    return np.asarray([params[k] for k in sorted(params)] or [0.0], dtype=dtype)


@pytest.mark.parametrize("real", ["float", "double"])
def test_evaluate_matches_numpy_twin(
    host_builder: Any,
    sample_function: Any,
    real: str,
    rng: np.random.Generator,
    close_scaled: Callable[..., None],
) -> None:
    dtype = DTYPES[real]
    module = host_builder.build_function("evaluate.cu", sample_function, real)
    n = int(rng.integers(1000, 5000))
    x = rng.uniform(-3.0, 3.0, n).astype(dtype)
    params = random_params(sample_function, rng)
    p = param_array(params, dtype)

    y = np.full(n, np.nan, dtype=dtype)
    module.run("evaluate_f", x, y, p, n)
    expected = evaluate(sample_function, x, 0, params, backend=numpy_backend())
    assert expected.dtype == dtype
    x64 = x.astype(np.float64)
    scale0 = sample_function.magnitudes[0](x64, **params)
    scale1 = sample_function.magnitudes[1](x64, **params)
    close_scaled(y, expected, scale0, dtype, what=f"f {real}")

    y2 = np.full(n, np.nan, dtype=dtype)
    dy = np.full(n, np.nan, dtype=dtype)
    module.run("evaluate_f_df", x, y2, dy, p, n)
    ey, edy = evaluate_with_derivative(sample_function, x, params, backend=numpy_backend())
    close_scaled(y2, ey, scale0, dtype, what=f"f {real}")
    close_scaled(dy, edy, scale1, dtype, what=f"f' {real}")


@pytest.mark.parametrize("real", ["float", "double"])
def test_difference_quotient_matches_numpy_twin(
    host_builder: Any,
    sample_function: Any,
    real: str,
    rng: np.random.Generator,
    close_scaled: Callable[..., None],
) -> None:
    dtype = DTYPES[real]
    module = host_builder.build_function("difference_quotient.cu", sample_function, real)
    n = int(rng.integers(1000, 5000))
    a = rng.uniform(-3.0, 3.0, n).astype(dtype)
    smallest = -3.0 if dtype == np.float32 else -7.0
    h = (10.0 ** rng.uniform(smallest, 0.0, n) * rng.choice([-1.0, 1.0], n)).astype(dtype)
    params = random_params(sample_function, rng)
    p = param_array(params, dtype)
    outputs = [np.full(n, np.nan, dtype=dtype) for _ in range(3)]
    module.run("difference_quotient", a, h, *outputs, p, n)

    g = sample_function.numpy(0)

    def f(t: Any) -> Any:
        return g(t, **params)

    twins = (
        finite_diff.forward_difference,
        finite_diff.backward_difference,
        finite_diff.central_difference,
    )
    a64, h64 = a.astype(np.float64), h.astype(np.float64)
    # Rounding in f(a +- h) is amplified by 1/|h|: that is the scale of each quotient.
    size = sample_function.magnitudes[0]
    scale = (size(a64 + h64, **params) + size(a64, **params) + size(a64 - h64, **params)) / np.abs(
        h64
    )
    for got, twin in zip(outputs, twins, strict=True):
        expected = twin(f, a, h)
        assert expected.dtype == dtype
        close_scaled(got, expected, scale, dtype, what=f"{twin.__name__} {real}")

    # The dispatching API gives the same numbers as the twins on numpy.
    api = difference_quotients(sample_function, a, h, params, backend=numpy_backend())
    for got, twin in zip(api, twins, strict=True):
        np.testing.assert_array_equal(got, twin(f, a, h))


def test_empty_and_single_point_grids(host_builder: Any, cubic: Any) -> None:
    module = host_builder.build_function("evaluate.cu", cubic, "double")
    p = np.zeros(1)
    y = np.full(4, -7.0)
    module.run("evaluate_f", np.array([2.0, 0, 0, 0]), y, p, 0)
    assert np.all(y == -7.0)
    module.run("evaluate_f", np.array([2.0, 0, 0, 0]), y, p, 1)
    assert y[0] == 2.0 and np.all(y[1:] == -7.0)


def test_every_point_written_once_for_awkward_sizes(host_builder: Any, cubic: Any) -> None:
    """Sizes around block multiples, with the grid capped so the stride loop runs."""
    module = host_builder.build_function("evaluate.cu", cubic, "double")
    for n in (63, 64, 65, 447, 448, 449, 1000):
        x = np.arange(n, dtype=np.float64)
        y = np.full(n, np.nan)
        module.run("evaluate_f", x, y, np.zeros(1), n)
        np.testing.assert_array_equal(y, x * x * x - 3.0 * x)


@dataclass(frozen=True)
class HostKernelBackend(Backend):
    """Poses as the CuPy backend but runs the assembled kernels on the CPU, so the
    GPU code path of derivlab.compute.evaluate (argument order, parameter array,
    shapes) is exercised without a GPU."""

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


@pytest.fixture
def host_backend(host_builder: Any) -> HostKernelBackend:
    return HostKernelBackend(
        name="cupy", xp=np, device="host shim", reason="", builder=host_builder
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gpu_code_path_with_host_kernels(
    host_backend: HostKernelBackend,
    sample_function: Any,
    dtype: Any,
    rng: np.random.Generator,
    close_scaled: Callable[..., None],
) -> None:
    assert host_backend.is_gpu
    x = rng.uniform(-3, 3, (30, 70)).astype(dtype)
    params = random_params(sample_function, rng)
    x64 = x.astype(np.float64)
    size0 = sample_function.magnitudes[0]
    size1 = sample_function.magnitudes[1]

    y = evaluate(sample_function, x, 0, params, backend=host_backend)
    assert y.shape == x.shape and y.dtype == dtype
    close_scaled(
        y, evaluate(sample_function, x, 0, params, numpy_backend()), size0(x64, **params), dtype
    )

    y, dy = evaluate_with_derivative(sample_function, x, params, backend=host_backend)
    ey, edy = evaluate_with_derivative(sample_function, x, params, numpy_backend())
    close_scaled(y, ey, size0(x64, **params), dtype)
    close_scaled(dy, edy, size1(x64, **params), dtype)

    h = dtype(0.05)
    got = difference_quotients(sample_function, x, h, params, backend=host_backend)
    expected = difference_quotients(sample_function, x, h, params, numpy_backend())
    scale = (
        size0(x64 + 0.05, **params) + size0(x64, **params) + size0(x64 - 0.05, **params)
    ) / 0.05
    for g, e in zip(got, expected, strict=True):
        assert g.shape == x.shape and g.dtype == dtype
        close_scaled(g, e, scale, dtype)
    assert host_backend.compiled == ["evaluate_f", "evaluate_f_df", "difference_quotient"]
