"""The secant field's GPU path, run on the CPU: the kernel generated from a typed f
(shaders/cuda/difference_quotient.cu built with g++ through cuda_host_shim.h) fills the
flattened grid, and agrees with the numpy path."""

from __future__ import annotations

import types
from typing import Any

import numpy as np
import pytest

from derivlab.compute.backend import Backend
from derivlab.scenes import typed_function
from derivlab.scenes.secant_field import secant_field, step_rows


class _CompileError(Exception):
    pass


def host_cupy(host_builder: Any) -> types.SimpleNamespace:
    """Just enough of CuPy's surface for derivlab.compute.evaluate, with kernels run on the host."""

    class RawKernel:
        def __init__(self, source: str, name: str, options: tuple = ()) -> None:
            self.source, self.name = source, name

        def compile(self) -> None:
            self.module = host_builder.build_source(self.source)

        def __call__(self, grid: tuple, block: tuple, args: tuple) -> None:
            self.module.run(self.name, *args)

    xp = types.SimpleNamespace(**{k: getattr(np, k) for k in dir(np) if not k.startswith("_")})
    xp.RawKernel = RawKernel
    xp.asnumpy = np.asarray
    xp.cuda = types.SimpleNamespace(compiler=types.SimpleNamespace(CompileException=_CompileError))
    return xp


@pytest.mark.parametrize("text", ["sin(x)", "x^3 - 3x", "|x|", "e^x"])
@pytest.mark.parametrize("method", ["forward", "central"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_kernel_grid_matches_numpy_grid(host_builder, text, method, dtype):
    backend = Backend(name="cupy", xp=host_cupy(host_builder), device="host", reason="kernel run on the CPU")
    assert backend.is_gpu
    f = typed_function(text)
    a = np.linspace(-2.0, 2.0, 37)
    h = np.concatenate([-step_rows(49)[::-1], step_rows(49)])
    on_kernel = secant_field(f, a, h, method, dtype, backend)
    on_numpy = secant_field(f, a, h, method, dtype)
    assert on_kernel["quotient"].shape == (h.size, a.size)
    # Where truncation dominates the two agree closely; below, both are round-off of the same size.
    large = np.abs(h) >= (1e-2 if dtype == np.float32 else 1e-4)
    k, n = on_kernel["quotient"][large], on_numpy["quotient"][large]
    tolerance = 1e-4 if dtype == np.float32 else 1e-9
    assert np.allclose(k, n, rtol=tolerance, atol=tolerance, equal_nan=True)
    assert np.array_equal(np.isnan(on_kernel["error"]), np.isnan(on_numpy["error"]))
    finite = np.isfinite(on_kernel["log_error"]) & np.isfinite(on_numpy["log_error"])
    assert np.median(np.abs(on_kernel["log_error"][finite] - on_numpy["log_error"][finite])) < 0.5
