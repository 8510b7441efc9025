"""C text of expressions: every function prints, compiles with g++ (through cpu_shim.h)
and NVRTC, and agrees with the numpy evaluator."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from derivlab.expr import FUNCTIONS, Function
from derivlab.resources import shader_path

HERE = Path(__file__).resolve().parent
HEADER = shader_path("cuda", "derivlab_math.cuh")

TEXTS = [
    "x^3 - 3x", "sin(x^2)", "2x e^(-x)", "sqrt(x+1)/(x^2+3)", "|x|", "x^(2/3)", "x^(1/3)",
    "relu(x)", "sigmoid(3x)", "(x+1)(x-1)", "x sin(1/x)", "x^2 sin(1/x)", "2^x", "-x^2",
    "x^-1", "leaky_relu(x, 0.1)", "leaky_relu(x)", "elu(x)", "elu(x, 0.5)", "softplus(x)",
    "gelu(x)", "silu(x)", "swish(x)", "mish(x)", "tanh(x)", "cos(x) + tan(x/2)",
    "asin(x/4) + acos(x/4) + atan(x)", "sinh(x) + cosh(x)", "log(x) + ln(x+3)",
    "log10(x+3) + log2(x+3)", "cbrt(x) + sign(x)", "erf(x)", "exp(x)", "x^(3/2)", "x^pi",
    "||x|-1|", "sin(k x) + k", "5",
]
POINTS = [-2.75, -1.5, -0.625, -0.1, 0.0, 0.3, 0.875, 1.25, 2.5, 3.0]


@cache
def _fn(text: str) -> Function:
    return Function.from_text(text, parameters=("k",) if "k" in text else ())


SAMPLE_ARGUMENTS = {"weierstrass": "x, 0.5, 3, 10"}  # constants that must be of a kind


def test_every_function_has_c_text():
    for name, (fewest, _) in FUNCTIONS.items():
        args = SAMPLE_ARGUMENTS.get(name) or ", ".join(["x"] + ["0.3"] * (fewest - 1))
        f = Function.from_text(f"{name}({args})")
        for n in range(0, 5):
            for real in ("double", "float"):
                text = f.c_expression(n, real=real)
                assert text and "\n" not in text


def test_float_text_uses_float_math():
    text = Function.from_text("sin(x) + 0.1 exp(x) + sqrt(x) + x^pi").c_expression(0, real="float")
    assert "sinf(" in text and "expf(" in text and "sqrtf(" in text and "powf(" in text
    assert "0.1f" in text
    assert " sin(" not in text and "(sin(" not in text


def test_variable_and_parameters_as_identifiers():
    f = Function.from_text("a t^2", parameters=("a",), variable="t")
    assert f.c_expression(0, variable="xs[i]") == "(a * dl_powi(xs[i], 2))"
    with pytest.raises(ValueError):
        f.c_expression(0, real="half")


def _cases():
    for i, text in enumerate(TEXTS):
        for n in range(0, 3):
            for real in ("double", "float"):
                yield i, text, n, real


@pytest.mark.skipif(shutil.which("g++") is None, reason="g++ is not installed")
def test_cpu_compiled_c_matches_numpy(tmp_path):
    cases = list(_cases())
    lines = ['#include "cpu_shim.h"', "#include <cstdio>"]
    for j, (_, text, n, real) in enumerate(cases):
        k = "1.5" + ("f" if real == "float" else "")
        lines.append(
            f"static {real} case_{j}({real} x) {{ const {real} k = {k}; (void)k; "
            f"return {_fn(text).c_expression(n, variable='x', real=real)}; }}"
        )
    points = ", ".join(repr(p) for p in POINTS)
    lines.append(f"static const double points[] = {{{points}}};")
    lines.append("int main() {")
    lines.append(f"  for (int p = 0; p < {len(POINTS)}; ++p) {{")
    for j, (_, _, _, real) in enumerate(cases):
        lines.append(f'    printf("%.17g\\n", (double)case_{j}(({real})points[p]));')
    lines.append("  }\n  return 0;\n}")
    source = tmp_path / "cases.cpp"
    source.write_text("\n".join(lines))
    binary = tmp_path / "cases"
    subprocess.run(
        ["g++", "-O1", "-std=c++17", "-Wall", "-Werror", "-Wno-unused-function",
         f"-I{HERE}", f"-I{HEADER.parent}", str(source), "-o", str(binary)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    output = subprocess.run([str(binary)], check=True, capture_output=True, text=True, timeout=60)
    values = np.array([float(v) for v in output.stdout.split()]).reshape(len(POINTS), len(cases))
    for j, (_, text, n, real) in enumerate(cases):
        dtype = np.float32 if real == "float" else np.float64
        expected = _fn(text).numpy(n)(np.array(POINTS, dtype=dtype), k=1.5).astype(np.float64)
        got = values[:, j]
        assert np.array_equal(np.isnan(got), np.isnan(expected)), (text, n, real, got, expected)
        finite = np.isfinite(expected)
        rtol = 2e-4 if real == "float" else 1e-11
        np.testing.assert_allclose(got[finite], expected[finite], rtol=rtol, atol=rtol,
                                   err_msg=f"{text} n={n} {real}")


def _nvrtc():
    try:
        from cupy_backends.cuda.libs import nvrtc
    except Exception:  # noqa: BLE001 - any failure means NVRTC is not usable here
        return None
    return nvrtc


@pytest.mark.skipif(_nvrtc() is None, reason="NVRTC (through CuPy) is not available")
def test_nvrtc_compiles_header_and_every_expression():
    nvrtc = _nvrtc()
    body = []
    for j, (_, text, n, real) in enumerate(_cases()):
        k = "1.5" + ("f" if real == "float" else "")
        expression = _fn(text).c_expression(n, variable="v", real=real)
        body.append(
            f'extern "C" __global__ void case_{j}({real}* y) '
            f"{{ const {real} k = {k}; {real} v = y[threadIdx.x]; y[threadIdx.x] = {expression}; }}"
        )
    source = HEADER.read_text() + "\n" + "\n".join(body)
    try:
        program = nvrtc.createProgram(source, "cases.cu", [], [])
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"NVRTC could not start: {error}")
    try:
        nvrtc.compileProgram(program, ["-arch=compute_70"])
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"NVRTC failed: {error}\n{nvrtc.getProgramLog(program)}")
    assert nvrtc.getPTX(program)
