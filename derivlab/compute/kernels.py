"""Build CUDA kernels from ``shaders/cuda`` and run them through the backend.

Every kernel lives only in ``shaders/cuda/*.cu``; each has a numpy twin in
``derivlab/compute`` that is its reference. A kernel file has one hook, a line that
reads ``DERIVLAB_USER_FUNCTIONS``, which is replaced by device functions generated
from a typed function's C expressions:

.. code-block:: c

    __device__ __forceinline__ real derivlab_f(real x, const real* __restrict__ derivlab_params)
    {
        const real k = derivlab_params[0];   // one line per parameter, by name
        return (real)(<expression of x and k>);
    }

The final source is ``#define DERIVLAB_REAL float|double`` + ``derivlab_math.cuh``
+ the kernel file with the hook filled in. On the CuPy backend it is compiled by
:meth:`Backend.raw_kernel` (cached by source hash, so changing a parameter's value
never recompiles). :func:`compile_ptx` compiles the same text with NVRTC through
``ctypes`` and needs no GPU and no CuPy: a "does it compile" check for selftests.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import math
import re
import sys
import threading
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from derivlab.compute.backend import Backend
from derivlab.compute.errors import CompilerUnavailableError, KernelCompileError
from derivlab.resources import read_shader, shader_path

HOOK = "DERIVLAB_USER_FUNCTIONS"
MATH_HEADER = "derivlab_math.cuh"
HOOK_FUNCTIONS = ("derivlab_f", "derivlab_df")
REALS = ("float", "double")
THREADS_PER_BLOCK = 256
MAX_BLOCKS = 65535

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KERNEL_DECL = re.compile(r'extern\s+"C"\s+__global__\s+void\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(')
_C_RESERVED = frozenset(
    """
    auto break case char const continue default do double else enum extern float for goto
    if inline int long register restrict return short signed sizeof static struct switch
    typedef union unsigned void volatile while bool true false class namespace template
    typename this new delete operator private public protected virtual friend using
    real threadIdx blockIdx blockDim gridDim warpSize
    """.split()
)
# Characters that could end the expression or start a new statement or directive.
_FORBIDDEN_IN_EXPRESSION = (";", "{", "}", "#", "//", "/*", "\n", "\r", "\\")


# --------------------------------------------------------------------------- source


def kernel_files() -> list[str]:
    """Names of the kernel files in ``shaders/cuda`` (``*.cu``), sorted."""
    folder = shader_path("cuda", MATH_HEADER).parent
    return sorted(p.name for p in folder.glob("*.cu"))


def kernel_names(source: str) -> list[str]:
    """Names of the ``extern "C" __global__`` kernels declared in ``source``."""
    return _KERNEL_DECL.findall(source)


def math_header() -> str:
    """Text of ``derivlab_math.cuh``; empty while that file does not exist."""
    try:
        return read_shader("cuda", MATH_HEADER)
    except FileNotFoundError:
        return ""


def check_identifier(name: str) -> str:
    """Return ``name`` if it can be a parameter's C name, else raise ValueError."""
    if not _IDENTIFIER.match(name) or name in _C_RESERVED or name.startswith(("derivlab_", "__")):
        raise ValueError(f"{name!r} cannot be used as a parameter name in a CUDA kernel")
    return name


def check_expression(expression: str) -> str:
    """Return ``expression`` if it is one C expression (no statements), else ValueError."""
    if not expression.strip():
        raise ValueError("empty C expression")
    for bad in _FORBIDDEN_IN_EXPRESSION:
        if bad in expression:
            raise ValueError(f"C expression contains {bad!r}: {expression!r}")
    return expression


def user_functions(
    expressions: Mapping[str, str], parameters: Sequence[str] = (), variable: str = "x"
) -> str:
    """Device functions for the hook: ``derivlab_f`` and ``derivlab_df``.

    ``expressions`` maps a hook name to a C expression of ``variable`` and the
    ``parameters`` (read from ``derivlab_params[j]`` in the given order). A hook
    name that is missing gets ``0``, so a kernel file that calls it still compiles.
    """
    if not _IDENTIFIER.match(variable):
        raise ValueError(f"{variable!r} cannot be the variable's C name")
    unknown = set(expressions) - set(HOOK_FUNCTIONS)
    if unknown:
        raise ValueError(f"unknown hook functions {sorted(unknown)}; expected {HOOK_FUNCTIONS}")
    for p in parameters:
        check_identifier(p)
    if len(set(parameters)) != len(parameters):
        raise ValueError(f"repeated parameter names: {list(parameters)}")
    if variable in parameters:
        raise ValueError(f"parameter {variable!r} has the same name as the variable")
    lines: list[str] = []
    for fn in HOOK_FUNCTIONS:
        expression = check_expression(expressions.get(fn, "0"))
        lines.append(
            f"__device__ __forceinline__ real {fn}(real {variable}, "
            "const real* __restrict__ derivlab_params)"
        )
        lines.append("{")
        for j, p in enumerate(parameters):
            lines.append(f"    const real {p} = derivlab_params[{j}];")
            lines.append(f"    (void){p};")
        lines.append("    (void)derivlab_params;")
        lines.append(f"    (void){variable};")
        lines.append(f"    return (real)({expression});")
        lines.append("}")
    return "\n".join(lines)


def assemble_source(
    kernel_file: str,
    expressions: Mapping[str, str],
    parameters: Sequence[str] = (),
    real: str = "double",
    variable: str = "x",
    kernel_text: str | None = None,
) -> str:
    """The full CUDA source for ``kernel_file`` with the hook filled in.

    ``kernel_text`` overrides the file's text (used by tests for broken sources).
    ``#line`` directives keep compiler messages pointing at the right file and line.
    """
    if real not in REALS:
        raise ValueError(f"real must be one of {REALS}, not {real!r}")
    text = read_shader("cuda", kernel_file) if kernel_text is None else kernel_text
    lines = text.splitlines()
    hook_lines = [i for i, line in enumerate(lines) if line.strip() == HOOK]
    if len(hook_lines) > 1:
        raise ValueError(f"{kernel_file} has {len(hook_lines)} {HOOK} lines; expected one")
    parts = [f"#define DERIVLAB_REAL {real}"]
    header = math_header()
    if header:
        parts += [f'#line 1 "{MATH_HEADER}"', header]
    parts.append(f'#line 1 "{kernel_file}"')
    if hook_lines:
        at = hook_lines[0]
        parts += lines[:at]
        parts.append('#line 1 "<function>"')
        parts.append(user_functions(expressions, parameters, variable))
        parts.append(f'#line {at + 2} "{kernel_file}"')
        parts += lines[at + 1 :]
    else:
        parts += lines
    return "\n".join(parts) + "\n"


@lru_cache(maxsize=256)
def _cached_source(
    kernel_file: str,
    expressions: tuple[tuple[str, str], ...],
    parameters: tuple[str, ...],
    real: str,
) -> str:
    return assemble_source(kernel_file, dict(expressions), parameters, real)


def get_kernel(
    backend: Backend,
    kernel_file: str,
    kernel_name: str,
    expressions: Mapping[str, str],
    parameters: Sequence[str] = (),
    real: str = "double",
) -> Any:
    """Compiled kernel ``kernel_name`` from ``kernel_file`` on the CuPy ``backend``."""
    source = _cached_source(
        kernel_file, tuple(sorted(expressions.items())), tuple(parameters), real
    )
    return backend.raw_kernel(source, kernel_name)


def launch(kernel: Any, n: int, args: Sequence[Any]) -> None:
    """Launch a grid-stride ``kernel`` over ``n`` points (nothing to do when n == 0)."""
    if n <= 0:
        return
    blocks = min(MAX_BLOCKS, math.ceil(n / THREADS_PER_BLOCK))
    kernel((blocks,), (THREADS_PER_BLOCK,), tuple(args))


def real_name(dtype: Any) -> str:
    """C type for a numpy dtype: ``float32`` -> ``"float"``, ``float64`` -> ``"double"``."""
    dt = np.dtype(dtype)
    if dt == np.float32:
        return "float"
    if dt == np.float64:
        return "double"
    raise TypeError(f"kernels take float32 or float64 arrays, not {dt}")


# --------------------------------------------------------------------------- NVRTC (no GPU)

_NVRTC_SUCCESS = 0
_NVRTC_ERROR_COMPILATION = 6
_nvrtc_lock = threading.Lock()
_nvrtc_lib: ctypes.CDLL | None = None


def _nvrtc_candidates() -> list[str]:
    names: list[str] = []
    for package, sub in (
        ("nvidia.cuda_nvrtc", "lib"),
        ("nvidia.cu13", "lib"),
        ("nvidia.cuda_nvrtc", "bin"),
    ):
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.submodule_search_locations:
            continue
        for location in spec.submodule_search_locations:
            folder = Path(location) / sub
            patterns = ("nvrtc64_*.dll",) if sys.platform == "win32" else ("libnvrtc.so.*",)
            for pattern in patterns:
                for path in sorted(folder.glob(pattern)):
                    if "builtins" not in path.name and ".alt." not in path.name:
                        names.append(str(path))
    found = ctypes.util.find_library("nvrtc")
    if found:
        names.append(found)
    names += ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"]
    return names


def load_nvrtc() -> ctypes.CDLL:
    """Load NVRTC with ctypes (the nvidia-cuda-nvrtc wheel first, then the system)."""
    global _nvrtc_lib
    with _nvrtc_lock:
        if _nvrtc_lib is not None:
            return _nvrtc_lib
        errors: list[str] = []
        for name in _nvrtc_candidates():
            try:
                lib = ctypes.CDLL(name)
            except OSError as exc:
                errors.append(f"{name}: {exc}")
                continue
            lib.nvrtcGetErrorString.restype = ctypes.c_char_p
            lib.nvrtcGetErrorString.argtypes = [ctypes.c_int]
            _nvrtc_lib = lib
            return lib
        raise CompilerUnavailableError(
            "NVRTC (libnvrtc) was not found; install nvidia-cuda-nvrtc-cu12. Tried: "
            + "; ".join(errors)
        )


def nvrtc_version() -> tuple[int, int]:
    """(major, minor) of the NVRTC library :func:`compile_ptx` uses."""
    lib = load_nvrtc()
    major, minor = ctypes.c_int(), ctypes.c_int()
    lib.nvrtcVersion(ctypes.byref(major), ctypes.byref(minor))
    return major.value, minor.value


def compile_ptx(
    source: str,
    name: str = "kernel.cu",
    arch: str = "compute_75",
    options: Sequence[str] = (),
) -> str:
    """Compile CUDA ``source`` to PTX with NVRTC, without a GPU or a driver.

    Raises :class:`KernelCompileError` carrying NVRTC's log when the source does
    not compile, and :class:`CompilerUnavailableError` when NVRTC is missing.
    """
    lib = load_nvrtc()
    program = ctypes.c_void_p()

    def check(result: int, what: str) -> None:
        if result != _NVRTC_SUCCESS:
            message = lib.nvrtcGetErrorString(result).decode("utf-8", "replace")
            raise RuntimeError(f"NVRTC {what} failed: {message}")

    check(
        lib.nvrtcCreateProgram(
            ctypes.byref(program), source.encode("utf-8"), name.encode("utf-8"), 0, None, None
        ),
        "nvrtcCreateProgram",
    )
    try:
        args = [f"-arch={arch}".encode(), *(o.encode("utf-8") for o in options)]
        argv = (ctypes.c_char_p * len(args))(*args)
        result = lib.nvrtcCompileProgram(program, len(args), argv)
        if result == _NVRTC_ERROR_COMPILATION:
            size = ctypes.c_size_t()
            check(lib.nvrtcGetProgramLogSize(program, ctypes.byref(size)), "log size")
            log = ctypes.create_string_buffer(size.value)
            check(lib.nvrtcGetProgramLog(program, log), "log")
            raise KernelCompileError(name, log.value.decode("utf-8", "replace"), arch)
        check(result, "nvrtcCompileProgram")
        size = ctypes.c_size_t()
        check(lib.nvrtcGetPTXSize(program, ctypes.byref(size)), "nvrtcGetPTXSize")
        ptx = ctypes.create_string_buffer(size.value)
        check(lib.nvrtcGetPTX(program, ptx), "nvrtcGetPTX")
        return ptx.value.decode("utf-8", "replace")
    finally:
        lib.nvrtcDestroyProgram(ctypes.byref(program))


SAMPLE_EXPRESSIONS = {
    "derivlab_f": "k*x*x*x - 3.0*x + exp(-x*x)",
    "derivlab_df": "3.0*k*x*x - 3.0 - 2.0*x*exp(-x*x)",
}


def compile_check(
    arches: Sequence[str] = ("compute_75", "compute_90"),
    expressions: Mapping[str, str] | None = None,
    parameters: Sequence[str] = ("k",),
) -> list[dict[str, Any]]:
    """Compile every kernel file, float and double, with NVRTC for each arch (no GPU needed).

    One dict per (file, real, arch): ``file``, ``real``, ``arch``, ``ok``,
    ``kernels`` (entry points found in the PTX) and ``error`` (the compiler's log, or
    why NVRTC is unavailable). For a "does the GPU code still build" self-check.
    """
    rows: list[dict[str, Any]] = []
    for kernel_file in kernel_files():
        for real in REALS:
            source = assemble_source(
                kernel_file, expressions or SAMPLE_EXPRESSIONS, parameters, real
            )
            for arch in arches:
                row: dict[str, Any] = {
                    "file": kernel_file,
                    "real": real,
                    "arch": arch,
                    "ok": False,
                    "kernels": [],
                    "error": "",
                }
                try:
                    ptx = compile_ptx(source, kernel_file, arch)
                except (KernelCompileError, CompilerUnavailableError, RuntimeError) as exc:
                    row["error"] = str(exc)
                else:
                    found = [
                        name
                        for name in kernel_names(source)
                        if re.search(rf"\.entry\s+{name}\s*\(", ptx)
                    ]
                    row["kernels"] = found
                    row["ok"] = len(found) == len(kernel_names(source)) > 0
                    if not row["ok"]:
                        row["error"] = "PTX lacks some kernels' entry points"
                rows.append(row)
    return rows
