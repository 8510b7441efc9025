"""A typed weierstrass(x, a, b, N) through evaluate.cu: NVRTC compiles its C text, and the
same source built for the CPU agrees with the numpy evaluator (same exact reduction)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from derivlab.compute import kernels
from derivlab.compute.errors import CompilerUnavailableError
from derivlab.expr import Function

TEXTS = ("weierstrass(x, 0.9, 7, 40)", "weierstrass(x, 0.5, 3, 60)", "weierstrass(x, 0.7, 2.5, 12)")


def points(rng: np.random.Generator) -> np.ndarray:
    x0 = rng.uniform(-2, 2, 300)
    width = 10.0 ** rng.uniform(-12, 0.6, 300)
    return np.concatenate([x0 + rng.uniform(-0.5, 0.5, 300) * width, [0.0, 1.0, -0.25, 1e-30]])


@pytest.mark.parametrize("text", TEXTS)
def test_c_helper_on_the_cpu_matches_numpy(host_builder: Any, text: str, rng: np.random.Generator) -> None:
    f = Function.from_text(text)
    module = host_builder.build(
        "evaluate.cu",
        {"derivlab_f": f.c_expression(0), "derivlab_df": f.c_expression(1)},
        (),
        "double",
    )
    x = points(rng)
    y = np.full_like(x, np.nan)
    dy = np.full_like(x, np.nan)
    module.run("evaluate_f_df", x, y, dy, np.zeros(1), x.size)
    np.testing.assert_allclose(y, f.numpy(0)(x), rtol=0, atol=1e-13)
    scale = np.abs(f.numpy(1)(x)).max()
    np.testing.assert_allclose(dy, f.numpy(1)(x), rtol=0, atol=1e-13 * scale)


def test_c_helper_float_kernel(host_builder: Any, rng: np.random.Generator) -> None:
    f = Function.from_text(TEXTS[0])
    module = host_builder.build("evaluate.cu", {"derivlab_f": f.c_expression(0, real="float")}, (), "float")
    x = points(rng).astype(np.float32)
    y = np.full_like(x, np.nan)
    module.run("evaluate_f", x, y, np.zeros(1, np.float32), x.size)
    np.testing.assert_allclose(y, f.numpy(0)(x), rtol=0, atol=1e-5)


@pytest.mark.parametrize("real", kernels.REALS)
def test_c_helper_compiles_with_nvrtc(real: str) -> None:
    try:
        kernels.load_nvrtc()
    except CompilerUnavailableError as exc:
        pytest.skip(str(exc))
    f = Function.from_text(TEXTS[0])
    source = kernels.assemble_source(
        "evaluate.cu",
        {"derivlab_f": f.c_expression(0, real=real), "derivlab_df": f.c_expression(1, real=real)},
        (),
        real,
    )
    assert "__umul64hi" in source
    kernels.compile_ptx(source, "evaluate.cu", "compute_90")
