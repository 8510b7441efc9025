"""Fixtures for the compute tests: sample typed functions, random inputs, and a host
build of the CUDA kernels (g++ + ``cuda_host_shim.h``) callable through ctypes."""

from __future__ import annotations

import ctypes
import hashlib
import math
import os
import secrets
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from derivlab.compute import kernels

HERE = Path(__file__).resolve().parent


# --------------------------------------------------------------------------- sample functions


@dataclass(frozen=True)
class FakeFunction:
    """Stand-in with the shape of ``derivlab.expr.Function``: ``numpy(n)`` and ``c_expression``.

    ``c_templates[n]`` is the C text of f^(n); ``{r}`` marks a literal suffix (``f``
    for float), as a typed C printer would emit. ``magnitudes[n]`` is the sum of the
    absolute values of f^(n)'s terms: the scale its rounding errors are relative to.
    """

    name: str
    numpy_derivatives: tuple[Callable[..., Any], ...]
    c_templates: tuple[str, ...]
    magnitudes: tuple[Callable[..., Any], ...]
    params: tuple[tuple[str, float], ...] = ()

    def numpy(self, n: int = 0) -> Callable[..., Any]:
        return self.numpy_derivatives[n]

    def c_expression(self, n: int = 0, variable: str = "x", real: str = "double") -> str:
        assert variable == "x"
        return self.c_templates[n].format(r="f" if real == "float" else "")

    @property
    def default_params(self) -> dict[str, float]:
        return dict(self.params)


CUBIC = FakeFunction(
    name="x^3 - 3x",
    numpy_derivatives=(
        lambda x: x * x * x - 3.0 * x,
        lambda x: 3.0 * x * x - 3.0,
        lambda x: 6.0 * x,
    ),
    c_templates=("x*x*x - 3.0{r}*x", "3.0{r}*x*x - 3.0{r}", "6.0{r}*x"),
    magnitudes=(
        lambda x: np.abs(x) ** 3 + 3.0 * np.abs(x),
        lambda x: 3.0 * x * x + 3.0,
        lambda x: 6.0 * np.abs(x),
    ),
)

WAVE = FakeFunction(
    name="a sin(w x) + exp(-x^2)",
    numpy_derivatives=(
        lambda x, a, w: a * np.sin(w * x) + np.exp(-(x * x)),
        lambda x, a, w: a * w * np.cos(w * x) - 2.0 * x * np.exp(-(x * x)),
    ),
    c_templates=("a*sin(w*x) + exp(-(x*x))", "a*w*cos(w*x) - 2.0{r}*x*exp(-(x*x))"),
    magnitudes=(
        lambda x, a, w: np.abs(a) + np.exp(-(x * x)),
        lambda x, a, w: np.abs(a * w) * (1.0 + np.abs(w * x)) + 2.0 * np.abs(x) * np.exp(-(x * x)),
    ),
    params=(("a", 1.5), ("w", 2.0)),
)

SAMPLE_FUNCTIONS = (CUBIC, WAVE)


@pytest.fixture(params=SAMPLE_FUNCTIONS, ids=lambda f: f.name)
def sample_function(request: pytest.FixtureRequest) -> FakeFunction:
    return request.param


@pytest.fixture
def cubic() -> FakeFunction:
    return CUBIC


@pytest.fixture
def wave() -> FakeFunction:
    return WAVE


# --------------------------------------------------------------------------- randomness


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> np.random.Generator:
    """A fresh random generator; its seed is printed (rerun with DERIVLAB_TEST_SEED=...)."""
    seed = int(os.environ.get("DERIVLAB_TEST_SEED") or secrets.randbits(64))
    print(f"{request.node.nodeid}: DERIVLAB_TEST_SEED={seed}")
    return np.random.default_rng(seed)


def assert_close_scaled(
    actual: Any, expected: Any, scale: Any, dtype: Any, ulps: float = 16.0, what: str = ""
) -> None:
    """|actual - expected| <= ulps * eps(dtype) * scale, elementwise.

    ``scale`` is the size of the numbers the result was computed from (for a sum of
    terms, the sum of their absolute values), so cancellation is allowed for.
    """
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    eps = float(np.finfo(dtype).eps)
    bound = ulps * eps * (np.abs(np.asarray(scale, dtype=np.float64)) + np.abs(expected))
    bound = bound + np.finfo(dtype).tiny
    error = np.abs(actual - expected)
    bad = ~(error <= bound)
    if np.any(bad):
        i = int(np.flatnonzero(bad.ravel())[0])
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {bad.size} values differ beyond {ulps} ulps of scale; "
            f"first at {i}: actual={actual.ravel()[i]!r} expected={expected.ravel()[i]!r} "
            f"bound={bound.ravel()[i]!r}"
        )


@pytest.fixture
def close_scaled() -> Callable[..., None]:
    return assert_close_scaled


# --------------------------------------------------------------------------- host build


class HostModule:
    """A kernel source compiled for the CPU; ``run(name, *args)`` launches a kernel."""

    def __init__(self, path: Path, names: Sequence[str]) -> None:
        self.path = path
        self.lib = ctypes.CDLL(str(path))
        self.names = list(names)

    def run(self, name: str, *args: Any, block: int = 64, max_grid: int = 7) -> None:
        """Launch ``name`` over a 1-D grid large enough for the arrays' length.

        The grid is capped at ``max_grid`` blocks so the grid-stride loop is exercised.
        Arrays must be C-contiguous numpy arrays; ints become ``long long``.
        """
        holders: list[Any] = []
        n = 1
        for a in args:
            if isinstance(a, np.ndarray):
                assert a.flags.c_contiguous
                holders.append(ctypes.c_void_p(a.ctypes.data))
                n = max(n, a.size)
            elif isinstance(a, (int, np.integer)):
                holders.append(ctypes.c_longlong(int(a)))
            elif isinstance(a, np.float32):
                holders.append(ctypes.c_float(float(a)))
            elif isinstance(a, (float, np.floating)):
                holders.append(ctypes.c_double(float(a)))
            else:
                raise TypeError(f"cannot pass {type(a).__name__} to a host kernel")
        argv = (ctypes.c_void_p * len(holders))(
            *(ctypes.cast(ctypes.pointer(h), ctypes.c_void_p) for h in holders)
        )
        grid = max(1, min(max_grid, math.ceil(n / block)))
        fn = getattr(self.lib, f"derivlab_host_{name}")
        fn.restype = None
        fn.argtypes = [ctypes.c_uint, ctypes.c_uint, ctypes.POINTER(ctypes.c_void_p)]
        fn(grid, block, argv)


class HostBuilder:
    """Compiles assembled kernel sources with g++ once per session (cached by hash)."""

    FLAGS = ("-std=c++17", "-O2", "-fPIC", "-shared", "-ffp-contract=off", "-fno-fast-math")

    def __init__(self, compiler: str, folder: Path) -> None:
        self.compiler = compiler
        self.folder = folder
        self.cache: dict[str, HostModule] = {}

    def build_source(self, source: str) -> HostModule:
        names = kernels.kernel_names(source)
        text = (
            '#include "cuda_host_shim.h"\n'
            + source
            + "\n"
            + "".join(f"DERIVLAB_HOST_EXPORT({n})\n" for n in names)
        )
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        if digest in self.cache:
            return self.cache[digest]
        cpp = self.folder / f"kernel_{digest}.cpp"
        so = self.folder / f"kernel_{digest}.so"
        cpp.write_text(text, encoding="utf-8")
        result = subprocess.run(
            [self.compiler, *self.FLAGS, f"-I{HERE}", str(cpp), "-o", str(so)],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise AssertionError(f"g++ could not build {cpp.name}:\n{result.stderr}")
        module = HostModule(so, names)
        self.cache[digest] = module
        return module

    def build(
        self,
        kernel_file: str,
        expressions: Mapping[str, str],
        parameters: Sequence[str] = (),
        real: str = "double",
    ) -> HostModule:
        source = kernels.assemble_source(kernel_file, expressions, parameters, real)
        return self.build_source(source)

    def build_function(self, kernel_file: str, function: FakeFunction, real: str) -> HostModule:
        """Build ``kernel_file`` with f and f' of ``function`` at the hook."""
        expressions = {"derivlab_f": function.c_expression(0, real=real)}
        if len(function.c_templates) > 1:
            expressions["derivlab_df"] = function.c_expression(1, real=real)
        return self.build(kernel_file, expressions, sorted(function.default_params), real)


@pytest.fixture(scope="session")
def host_builder(tmp_path_factory: pytest.TempPathFactory) -> HostBuilder:
    compiler = shutil.which(os.environ.get("CXX", "g++")) or shutil.which("g++")
    if compiler is None:
        pytest.skip("no C++ compiler (g++) to run the CUDA kernels on the CPU")
    return HostBuilder(compiler, tmp_path_factory.mktemp("cuda_host"))
