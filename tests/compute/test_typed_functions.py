"""The kernels with real typed functions from derivlab.expr (sigmoid, softplus, powers, ...):
NVRTC compiles them, the host build agrees with ``Function.numpy``, and so does CuPy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from derivlab.compute import kernels
from derivlab.compute.backend import Backend, numpy_backend
from derivlab.compute.errors import CompilerUnavailableError
from derivlab.compute.evaluate import difference_quotients, evaluate_with_derivative
from derivlab.expr import Function

# (text, parameters and their values)
CASES = [
    ("x^3 - 3x", {}),
    ("sigmoid(k*x)", {"k": 1.7}),
    ("softplus(x) + relu(x)*x", {}),
    ("sin(w*x)*exp(-x^2)", {"w": 2.5}),
    ("tanh(x) + log(1 + x^2)", {}),
]
DTYPES = {"float": np.float32, "double": np.float64}
ULPS = {"float": 64.0, "double": 64.0}


@pytest.fixture(scope="module", params=CASES, ids=[c[0] for c in CASES])
def case(request: pytest.FixtureRequest) -> tuple[Any, dict[str, float]]:
    text, params = request.param
    return Function.from_text(text, parameters=tuple(params)), params


def scale_of(values: np.ndarray) -> np.ndarray:
    """Rounding scale for a function on a grid: its largest magnitude there."""
    finite = np.abs(values[np.isfinite(values)])
    return np.full(values.shape, finite.max() if finite.size else 1.0)


@pytest.mark.parametrize("real", ["float", "double"])
def test_compiles_with_nvrtc(case: tuple[Any, dict[str, float]], real: str) -> None:
    try:
        kernels.load_nvrtc()
    except CompilerUnavailableError as exc:
        pytest.skip(str(exc))
    function, params = case
    expressions = {
        "derivlab_f": function.c_expression(0, variable="x", real=real),
        "derivlab_df": function.c_expression(1, variable="x", real=real),
    }
    for kernel_file in kernels.kernel_files():
        source = kernels.assemble_source(kernel_file, expressions, sorted(params), real)
        for arch in ("compute_75", "compute_90"):
            ptx = kernels.compile_ptx(source, kernel_file, arch)
            for name in kernels.kernel_names(source):
                assert f".entry {name}(" in ptx


@pytest.mark.parametrize("real", ["float", "double"])
def test_host_kernel_matches_function_numpy(
    host_builder: Any,
    case: tuple[Any, dict[str, float]],
    real: str,
    rng: np.random.Generator,
    close_scaled: Callable[..., None],
) -> None:
    function, params = case
    dtype = DTYPES[real]
    source = kernels.assemble_source(
        "evaluate.cu",
        {
            "derivlab_f": function.c_expression(0, variable="x", real=real),
            "derivlab_df": function.c_expression(1, variable="x", real=real),
        },
        sorted(params),
        real,
    )
    module = host_builder.build_source(source)
    n = 3000
    x = rng.uniform(-4.0, 4.0, n).astype(dtype)
    p = np.asarray([params[k] for k in sorted(params)] or [0.0], dtype=dtype)
    y = np.full(n, np.nan, dtype=dtype)
    dy = np.full(n, np.nan, dtype=dtype)
    module.run("evaluate_f_df", x, y, dy, p, n)
    ey, edy = evaluate_with_derivative(function, x, params, numpy_backend())
    close_scaled(y, ey, scale_of(ey), dtype, ULPS[real], what=f"f {real}")
    close_scaled(dy, edy, scale_of(edy), dtype, ULPS[real], what=f"f' {real}")


@pytest.mark.gpu
@pytest.mark.parametrize("real", ["float", "double"])
def test_cupy_matches_numpy(
    backend: Backend,
    case: tuple[Any, dict[str, float]],
    real: str,
    rng: np.random.Generator,
    close_scaled: Callable[..., None],
) -> None:
    function, params = case
    dtype = DTYPES[real]
    x = rng.uniform(-4.0, 4.0, 100_000).astype(dtype)
    y, dy = evaluate_with_derivative(function, backend.asarray(x), params, backend)
    ey, edy = evaluate_with_derivative(function, x, params, numpy_backend())
    close_scaled(backend.asnumpy(y), ey, scale_of(ey), dtype, ULPS[real])
    close_scaled(backend.asnumpy(dy), edy, scale_of(edy), dtype, ULPS[real])
    a = x[:1000]
    got = difference_quotients(function, backend.asarray(a), dtype(0.01), params, backend)
    expected = difference_quotients(function, a, dtype(0.01), params, numpy_backend())
    for g, e in zip(got, expected, strict=True):
        close_scaled(backend.asnumpy(g), e, scale_of(ey[:1000]) / 0.01, dtype, ULPS[real])
