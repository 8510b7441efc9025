"""evaluate / evaluate_with_derivative / difference_quotients on numpy, and on CuPy
against numpy when a GPU is there (check 3: the ``backend`` fixture's cupy case is
marked ``gpu`` and skipped with the probe's reason otherwise)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from derivlab.compute.backend import Backend, get_backend, numpy_backend
from derivlab.compute.errors import KernelCompileError
from derivlab.compute.evaluate import difference_quotients, evaluate, evaluate_with_derivative

DTYPES = [np.float32, np.float64]


class Linear:
    """f(x) = 3x + 1 with a constant derivative that numpy returns as a scalar; unhashable."""

    __hash__ = None  # type: ignore[assignment]

    def numpy(self, n: int = 0) -> Callable[..., Any]:
        return [lambda x: 3.0 * x + 1.0, lambda x: 3.0, lambda x: 0.0][n]

    def c_expression(self, n: int = 0, variable: str = "x", real: str = "double") -> str:
        return ["3.0*x + 1.0", "3.0", "0"][n]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("order", [0, 1, 2])
def test_evaluate_cubic_against_calculus(
    backend: Backend, dtype: Any, order: int, cubic: Any, close_scaled: Callable[..., None]
) -> None:
    x = np.linspace(-3, 3, 1001, dtype=dtype)
    y = evaluate(cubic, backend.asarray(x), order, backend=backend)
    assert isinstance(y, backend.xp.ndarray)
    assert y.dtype == dtype and y.shape == x.shape
    exact = [x**3 - 3 * x, 3 * x**2 - 3, 6 * x][order].astype(np.float64)
    close_scaled(backend.asnumpy(y), exact, cubic.magnitudes[order](x), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_evaluate_with_derivative_matches_numpy(
    backend: Backend,
    dtype: Any,
    sample_function: Any,
    rng: np.random.Generator,
    close_scaled: Callable[..., None],
) -> None:
    x = rng.uniform(-3, 3, (40, 50)).astype(dtype)
    params = {k: float(rng.uniform(0.5, 3)) for k in sample_function.default_params}
    y, dy = evaluate_with_derivative(sample_function, backend.asarray(x), params, backend)
    ey, edy = evaluate_with_derivative(sample_function, x, params, numpy_backend())
    assert y.shape == dy.shape == x.shape
    assert y.dtype == dy.dtype == dtype
    x64 = x.astype(np.float64)
    close_scaled(backend.asnumpy(y), ey, sample_function.magnitudes[0](x64, **params), dtype)
    close_scaled(backend.asnumpy(dy), edy, sample_function.magnitudes[1](x64, **params), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_difference_quotients_match_numpy(
    backend: Backend,
    dtype: Any,
    sample_function: Any,
    rng: np.random.Generator,
    close_scaled: Callable[..., None],
) -> None:
    a = rng.uniform(-3, 3, 2000).astype(dtype)
    h = dtype(0.01)
    params = {k: float(rng.uniform(0.5, 3)) for k in sample_function.default_params}
    got = difference_quotients(sample_function, backend.asarray(a), h, params, backend)
    expected = difference_quotients(sample_function, a, h, params, numpy_backend())
    size = sample_function.magnitudes[0]
    a64 = a.astype(np.float64)
    scale = (size(a64 + 0.01, **params) + size(a64, **params) + size(a64 - 0.01, **params)) / 0.01
    for g, e in zip(got, expected, strict=True):
        assert g.shape == a.shape and g.dtype == dtype
        close_scaled(backend.asnumpy(g), e, scale, dtype)


def test_difference_quotients_approach_the_derivative(backend: Backend, cubic: Any) -> None:
    a = np.linspace(-2, 2, 9)
    exact = 3 * a**2 - 3
    forward, backward, central = (
        backend.asnumpy(q)
        for q in difference_quotients(cubic, backend.asarray(a), 1e-4, None, backend)
    )
    # f''(a) = 6a: forward and backward are off by about 3a h; central by h^2 exactly.
    np.testing.assert_allclose(forward - exact, 3 * a * 1e-4, atol=1e-7)
    np.testing.assert_allclose(backward - exact, -3 * a * 1e-4, atol=1e-7)
    np.testing.assert_allclose(central - exact, 1e-8, atol=1e-9)


def test_constant_derivative_fills_the_grid(backend: Backend) -> None:
    x = backend.asarray(np.linspace(0, 1, 7).reshape(7, 1))
    y, dy = evaluate_with_derivative(Linear(), x, backend=backend)
    np.testing.assert_allclose(backend.asnumpy(dy), np.full((7, 1), 3.0))
    np.testing.assert_allclose(backend.asnumpy(y), 3 * backend.asnumpy(x) + 1)
    assert backend.asnumpy(evaluate(Linear(), x, 2, backend=backend)).shape == (7, 1)


def test_integer_and_list_inputs_become_float64() -> None:
    y = evaluate(Linear(), [0, 1, 2], backend=numpy_backend())
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y, [1.0, 4.0, 7.0])


def test_domain_errors_give_nan_without_warnings() -> None:
    class Root:
        def numpy(self, n: int = 0) -> Callable[..., Any]:
            return np.sqrt

        def c_expression(self, n: int = 0, variable: str = "x", real: str = "double") -> str:
            return "sqrt(x)"

    with np.errstate(all="raise"):
        y = evaluate(Root(), np.array([-1.0, 4.0]), backend=numpy_backend())
    assert np.isnan(y[0]) and y[1] == 2.0


def test_negative_order_rejected(cubic: Any) -> None:
    with pytest.raises(ValueError, match="order"):
        evaluate(cubic, np.zeros(3), -1, backend=numpy_backend())


def test_default_backend_is_used(cubic: Any) -> None:
    y = evaluate(cubic, np.array([2.0]))
    assert isinstance(get_backend().asnumpy(y), np.ndarray)
    np.testing.assert_allclose(get_backend().asnumpy(y), [2.0])


@pytest.mark.gpu
def test_gpu_compile_error_is_readable() -> None:
    class Broken:
        def numpy(self, n: int = 0) -> Callable[..., Any]:
            return lambda x: x

        def c_expression(self, n: int = 0, variable: str = "x", real: str = "double") -> str:
            return "x + no_such_thing"

    gpu = get_backend("cupy")
    with pytest.raises(KernelCompileError, match="no_such_thing"):
        evaluate(Broken(), gpu.asarray(np.zeros(4)), backend=gpu)


@pytest.mark.gpu
def test_gpu_large_grid_and_memory_release(cubic: Any) -> None:
    gpu = get_backend("cupy")
    # More points than MAX_BLOCKS * THREADS_PER_BLOCK, so the grid-stride loop runs.
    x = gpu.xp.linspace(-3, 3, 20_000_001, dtype=np.float32)
    y = evaluate(cubic, x, 1, backend=gpu)
    gpu.synchronize()
    xs = gpu.asnumpy(x)
    np.testing.assert_allclose(
        gpu.asnumpy(y), 3 * xs.astype(np.float64) ** 2 - 3, rtol=1e-5, atol=1e-5
    )
    del x, y
    gpu.free_memory()
