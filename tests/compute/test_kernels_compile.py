"""Check 1: every kernel in shaders/cuda compiles with NVRTC, no GPU needed."""

from __future__ import annotations

import re

import pytest

from derivlab.compute import kernels
from derivlab.compute.errors import CompilerUnavailableError, KernelCompileError

ARCHES = ("compute_75", "compute_90")
SAMPLE = {
    "derivlab_f": "k*x*x*x - 3.0*x + exp(-x*x)",
    "derivlab_df": "3.0*k*x*x - 3.0 - 2.0*x*exp(-x*x)",
}


@pytest.fixture(scope="module", autouse=True)
def nvrtc() -> None:
    try:
        kernels.load_nvrtc()
    except CompilerUnavailableError as exc:
        pytest.skip(str(exc))


def test_kernel_files_exist() -> None:
    files = kernels.kernel_files()
    assert "evaluate.cu" in files
    assert "difference_quotient.cu" in files


@pytest.mark.parametrize("arch", ARCHES)
@pytest.mark.parametrize("real", kernels.REALS)
@pytest.mark.parametrize("kernel_file", kernels.kernel_files())
def test_kernel_compiles_to_ptx(kernel_file: str, real: str, arch: str) -> None:
    source = kernels.assemble_source(kernel_file, SAMPLE, ["k"], real)
    names = kernels.kernel_names(source)
    assert names, f'{kernel_file} declares no extern "C" __global__ kernel'
    ptx = kernels.compile_ptx(source, kernel_file, arch)
    assert f".target sm_{arch.split('_')[1]}" in ptx
    for name in names:
        assert re.search(rf"\.entry\s+{name}\s*\(", ptx), f"no .entry {name} in PTX"


@pytest.mark.parametrize("kernel_file", kernels.kernel_files())
def test_kernels_are_grid_stride_and_independent(kernel_file: str) -> None:
    """No shared memory or barriers, so the host shim can run them thread by thread."""
    source = kernels.assemble_source(kernel_file, SAMPLE, ["k"])
    text = re.sub(r"//[^\n]*", "", source)
    assert "__shared__" not in text
    assert "__syncthreads" not in text


def test_broken_source_surfaces_the_compiler_log() -> None:
    source = kernels.assemble_source("evaluate.cu", {"derivlab_f": "x + not_a_name"})
    with pytest.raises(KernelCompileError) as info:
        kernels.compile_ptx(source, "evaluate.cu", "compute_75")
    message = str(info.value)
    assert "evaluate.cu did not compile (compute_75)" in message
    assert 'identifier "not_a_name" is undefined' in message
    assert "<function>" in message  # points at the generated function, not a raw line number
    assert info.value.log in message


def test_syntax_error_in_kernel_file_points_at_its_line() -> None:
    text = 'typedef DERIVLAB_REAL real;\nDERIVLAB_USER_FUNCTIONS\nextern "C" __global__ void k(real* y) { y[0] = derivlab_f(1, 0) }\n'
    source = kernels.assemble_source("broken.cu", {"derivlab_f": "x"}, kernel_text=text)
    with pytest.raises(KernelCompileError, match=r'broken\.cu\(3\): error: expected a ";"'):
        kernels.compile_ptx(source, "broken.cu", "compute_90")


def test_nvrtc_version() -> None:
    major, minor = kernels.nvrtc_version()
    assert major >= 11 and minor >= 0


@pytest.mark.parametrize("name", ["x", "real", "int", "2k", "derivlab_params", "__k", "a-b"])
def test_bad_parameter_names_rejected(name: str) -> None:
    with pytest.raises(ValueError):
        kernels.assemble_source("evaluate.cu", {"derivlab_f": "x"}, [name])


@pytest.mark.parametrize("expression", ["x; y", "x }", "#define", "x // c", "x\nreturn 0", ""])
def test_non_expressions_rejected(expression: str) -> None:
    with pytest.raises(ValueError):
        kernels.assemble_source("evaluate.cu", {"derivlab_f": expression})


def test_unknown_real_rejected() -> None:
    with pytest.raises(ValueError, match="real must be one of"):
        kernels.assemble_source("evaluate.cu", {"derivlab_f": "x"}, real="half")


def test_missing_hook_function_defaults_to_zero() -> None:
    text = kernels.user_functions({"derivlab_f": "x*x"}, ["a", "b"])
    assert "return (real)(x*x);" in text
    assert "return (real)(0);" in text
    assert "const real a = derivlab_params[0];" in text
    assert "const real b = derivlab_params[1];" in text


def test_math_header_is_prepended_when_present() -> None:
    header = kernels.math_header()
    source = kernels.assemble_source("evaluate.cu", SAMPLE, ["k"])
    if header:
        assert '#line 1 "derivlab_math.cuh"' in source
        assert source.index("derivlab_math.cuh") < source.index('#line 1 "evaluate.cu"')
    else:
        assert 'derivlab_math.cuh"' not in source


def test_compile_check_reports_every_file_real_and_arch() -> None:
    rows = kernels.compile_check()
    assert len(rows) == len(kernels.kernel_files()) * 2 * 2
    assert all(r["ok"] and r["error"] == "" for r in rows), rows
    assert {"evaluate_f", "evaluate_f_df"} <= {k for r in rows for k in r["kernels"]}


def test_compile_check_reports_failures() -> None:
    rows = kernels.compile_check(arches=("compute_75",), expressions={"derivlab_f": "x +* 1"})
    assert rows and not any(r["ok"] for r in rows)
    assert "did not compile (compute_75)" in rows[0]["error"]
    assert "x +* 1" in rows[0]["error"]
