"""Backend selection: DERIVLAB_BACKEND, the CuPy probe and its fallbacks, OOM detection."""

from __future__ import annotations

import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

from derivlab.compute import backend as backend_module
from derivlab.compute.backend import Backend, get_backend, is_out_of_memory, numpy_backend


@pytest.fixture(autouse=True)
def fresh_backend_cache() -> Iterator[None]:
    backend_module._reset_for_tests()
    yield
    backend_module._reset_for_tests()


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("DERIVLAB_BACKEND", raising=False)
    return monkeypatch


# --------------------------------------------------------------------------- fake CuPy modules


class CUDARuntimeError(RuntimeError):
    """Same name and ``status`` attribute as cupy_backends' exception."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


class _FakeArray:
    def __init__(self, data: np.ndarray) -> None:
        self.data = data
        self.size = data.size

    def __mul__(self, other: _FakeArray) -> _FakeArray:
        return _FakeArray(self.data * other.data)


def fake_cupy(
    device_count: Callable[[], int] = lambda: 1,
    kernel_result: Callable[[np.ndarray], np.ndarray] = lambda x: 2.0 * x + 1.0,
    driver_version: int = 12040,
    runtime_version: int = 12090,
) -> types.ModuleType:
    """A module that walks like CuPy far enough for the probe, backed by numpy."""

    class RawKernel:
        def __init__(self, source: str, name: str, options: tuple[str, ...] = ()) -> None:
            self.name = name

        def compile(self) -> None:
            pass

        def __call__(self, grid: Any, block: Any, args: tuple[Any, ...]) -> None:
            x, y, _n = args
            y.data[...] = kernel_result(x.data)

    module = types.ModuleType("cupy")
    module.float64 = np.float64  # type: ignore[attr-defined]
    module.arange = lambda n, dtype=None: _FakeArray(np.arange(n, dtype=dtype))  # type: ignore[attr-defined]
    module.empty_like = lambda a: _FakeArray(np.empty_like(a.data))  # type: ignore[attr-defined]
    module.asnumpy = lambda a: np.asarray(a.data)  # type: ignore[attr-defined]
    module.RawKernel = RawKernel  # type: ignore[attr-defined]
    runtime = types.SimpleNamespace(
        getDeviceCount=device_count,
        getDeviceProperties=lambda i: {"name": b"Fake GPU 9000", "major": 9, "minor": 0},
        runtimeGetVersion=lambda: runtime_version,
        driverGetVersion=lambda: driver_version,
    )
    module.cuda = types.SimpleNamespace(runtime=runtime)  # type: ignore[attr-defined]
    return module


def raising(exc: BaseException) -> Callable[[], int]:
    def count() -> int:
        raise exc

    return count


# --------------------------------------------------------------------------- choice


def test_numpy_from_environment(no_env: pytest.MonkeyPatch) -> None:
    no_env.setenv("DERIVLAB_BACKEND", "numpy")
    chosen = get_backend()
    assert chosen.name == "numpy"
    assert chosen.xp is np
    assert "DERIVLAB_BACKEND=numpy" in chosen.reason
    assert chosen.device.startswith("CPU (numpy ")


def test_argument_overrides_environment(no_env: pytest.MonkeyPatch) -> None:
    no_env.setenv("DERIVLAB_BACKEND", "cupy")
    chosen = get_backend("numpy")
    assert chosen.name == "numpy"
    assert chosen.reason == "numpy requested"


def test_numpy_backend_helper() -> None:
    b = numpy_backend()
    assert (b.name, b.xp, b.reason) == ("numpy", np, "numpy requested")
    assert numpy_backend() is b


def test_cached_per_preference(no_env: pytest.MonkeyPatch) -> None:
    assert get_backend("numpy") is get_backend("numpy")
    assert get_backend("auto") is get_backend("auto")
    assert get_backend(" NumPy ") is get_backend("numpy")


def test_unknown_argument_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown backend 'tpu'"):
        get_backend("tpu")


def test_unknown_environment_value_is_ignored_with_reason(
    no_env: pytest.MonkeyPatch,
) -> None:
    no_env.setitem(sys.modules, "cupy", None)
    no_env.setenv("DERIVLAB_BACKEND", "tpu")
    chosen = get_backend()
    assert chosen.name == "numpy"
    assert "DERIVLAB_BACKEND='tpu'" in chosen.reason
    assert "ignored" in chosen.reason


def test_auto_on_this_machine(no_env: pytest.MonkeyPatch) -> None:
    """On a machine without a working GPU, auto falls back and says why."""
    chosen = get_backend("auto")
    if chosen.name == "cupy":
        assert chosen.reason == ""
        assert "compute" in chosen.device
        return
    assert chosen.xp is np
    reason = chosen.reason.lower()
    assert any(w in reason for w in ("driver", "device", "not installed", "nvrtc")), chosen.reason


def test_explicit_cupy_unavailable_says_request_not_honoured(
    no_env: pytest.MonkeyPatch,
) -> None:
    no_env.setitem(sys.modules, "cupy", None)
    chosen = get_backend("cupy")
    assert chosen.name == "numpy"
    assert chosen.reason.startswith("CuPy was requested but cannot be used")
    assert "CuPy is not installed" in chosen.reason


def test_cupy_from_environment_unavailable(no_env: pytest.MonkeyPatch) -> None:
    no_env.setitem(sys.modules, "cupy", None)
    no_env.setenv("DERIVLAB_BACKEND", "cupy")
    chosen = get_backend()
    assert chosen.name == "numpy"
    assert "CuPy was requested (DERIVLAB_BACKEND=cupy)" in chosen.reason


# --------------------------------------------------------------------------- probe failures


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        (fake_cupy(device_count=raising(RuntimeError("boom"))), "counting CUDA devices"),
        (fake_cupy(device_count=lambda: 0), "no CUDA device"),
        (
            fake_cupy(device_count=raising(CUDARuntimeError(100, "cudaErrorNoDevice: none"))),
            "no CUDA device: cudaErrorNoDevice",
        ),
        (
            fake_cupy(
                device_count=raising(CUDARuntimeError(35, "cudaErrorInsufficientDriver")),
                driver_version=11080,
            ),
            "CUDA driver too old for this CuPy build: the driver supports CUDA 11.8, CuPy needs 12.9",
        ),
        (
            fake_cupy(
                device_count=raising(CUDARuntimeError(35, "cudaErrorInsufficientDriver")),
                driver_version=0,
            ),
            "no NVIDIA driver found",
        ),
        (fake_cupy(kernel_result=lambda x: x), "compiled CUDA kernel returned wrong results"),
        (fake_cupy(device_count=raising(SystemExit(3))), "SystemExit"),
        (None, "CuPy is not installed"),
    ],
    ids=[
        "raises",
        "zero-devices",
        "no-device",
        "old-driver",
        "no-driver",
        "wrong-result",
        "base-exception",
        "not-installed",
    ],
)
def test_probe_failure_falls_back(
    no_env: pytest.MonkeyPatch, module: types.ModuleType | None, expected: str
) -> None:
    no_env.setitem(sys.modules, "cupy", module)
    chosen = get_backend("auto")
    assert chosen.name == "numpy"
    assert chosen.xp is np
    assert expected in chosen.reason
    assert chosen.reason.endswith("using numpy on the CPU")


def test_probe_does_not_swallow_keyboard_interrupt(no_env: pytest.MonkeyPatch) -> None:
    no_env.setitem(sys.modules, "cupy", fake_cupy(device_count=raising(KeyboardInterrupt())))
    with pytest.raises(KeyboardInterrupt):
        get_backend("auto")


def test_probe_success_path_with_a_fake_device(no_env: pytest.MonkeyPatch) -> None:
    module = fake_cupy()
    no_env.setitem(sys.modules, "cupy", module)
    chosen = get_backend("auto")
    assert chosen.name == "cupy"
    assert chosen.xp is module
    assert chosen.reason == ""
    assert chosen.device == "Fake GPU 9000 (compute 9.0, CUDA 12.9)"
    assert get_backend("cupy").name == "cupy"


def test_probe_runs_once_across_threads(no_env: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def slow_probe() -> Any:
        calls.append(1)
        time.sleep(0.05)
        return backend_module._ProbeResult(None, "", "no CUDA device: test")

    no_env.setattr(backend_module, "_probe_cupy", slow_probe)
    results: list[Backend] = []
    threads = [
        threading.Thread(target=lambda p=p: results.append(get_backend(p)))
        for p in ["auto", "cupy"] * 4
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len(results) == 8
    assert all(r.name == "numpy" for r in results)
    assert len({id(r) for r in results}) == 2


def test_cupy_cache_dir_set_when_unset(no_env: pytest.MonkeyPatch) -> None:
    no_env.setenv("CUPY_CACHE_DIR", "placeholder")
    no_env.delenv("CUPY_CACHE_DIR")
    no_env.setitem(sys.modules, "cupy", None)
    get_backend("auto")
    import os

    path = os.environ["CUPY_CACHE_DIR"]
    assert "derivlab" in path
    assert path.rstrip("/\\").endswith("cupy")


def test_cupy_cache_dir_left_alone_when_set(no_env: pytest.MonkeyPatch, tmp_path: Any) -> None:
    no_env.setenv("CUPY_CACHE_DIR", str(tmp_path))
    no_env.setitem(sys.modules, "cupy", None)
    get_backend("auto")
    import os

    assert os.environ["CUPY_CACHE_DIR"] == str(tmp_path)


# --------------------------------------------------------------------------- numpy methods


def test_numpy_backend_methods() -> None:
    b = numpy_backend()
    a = b.asarray([1, 2, 3], dtype=np.float32)
    assert isinstance(a, np.ndarray) and a.dtype == np.float32
    assert b.asnumpy(a) is a
    b.free_memory()
    b.synchronize()
    assert not b.is_gpu
    with pytest.raises(RuntimeError, match="needs the CuPy backend"):
        b.raw_kernel('extern "C" __global__ void k() {}', "k")


# --------------------------------------------------------------------------- out of memory


def test_is_out_of_memory_by_name() -> None:
    class OutOfMemoryError(MemoryError):
        pass

    class CUDADriverError(RuntimeError):
        status = 2

    assert is_out_of_memory(OutOfMemoryError("device"))
    assert is_out_of_memory(CUDARuntimeError(2, "cudaErrorMemoryAllocation: out of memory"))
    assert is_out_of_memory(CUDADriverError("CUDA_ERROR_OUT_OF_MEMORY"))
    assert is_out_of_memory(MemoryError())
    assert not is_out_of_memory(CUDARuntimeError(100, "cudaErrorNoDevice"))
    assert not is_out_of_memory(ValueError("no"))


def test_is_out_of_memory_follows_the_cause() -> None:
    try:
        try:
            raise MemoryError("inner")
        except MemoryError as inner:
            raise RuntimeError("while evaluating the grid") from inner
    except RuntimeError as outer:
        assert is_out_of_memory(outer)


def test_is_out_of_memory_with_cupy_types() -> None:
    """CuPy's own exception types can be built without a device."""
    memory = pytest.importorskip("cupy.cuda.memory")
    runtime = pytest.importorskip("cupy_backends.cuda.api.runtime")
    assert is_out_of_memory(memory.OutOfMemoryError(1024, 2048, 0))
    assert is_out_of_memory(runtime.CUDARuntimeError(2))
    assert not is_out_of_memory(runtime.CUDARuntimeError(100))


def test_missing_driver_is_found_before_cupy_is_imported(no_env: pytest.MonkeyPatch) -> None:
    import importlib.util

    no_env.delitem(sys.modules, "cupy", raising=False)
    no_env.setitem(backend_module._DRIVER_LIBRARY, sys.platform, "libderivlab-no-such-driver.so.1")
    real_find_spec = importlib.util.find_spec
    no_env.setattr(importlib.util, "find_spec", lambda name, *a: object() if name == "cupy" else real_find_spec(name, *a))
    result = backend_module._probe_cupy()
    assert result.cupy is None
    assert result.failure.startswith("no NVIDIA driver found: libderivlab-no-such-driver.so.1 cannot be loaded")
    assert "cupy" not in sys.modules


def test_a_cupy_already_in_place_is_probed_whatever_the_driver(no_env: pytest.MonkeyPatch) -> None:
    no_env.setitem(backend_module._DRIVER_LIBRARY, sys.platform, "libderivlab-no-such-driver.so.1")
    no_env.setitem(sys.modules, "cupy", fake_cupy())
    assert backend_module._missing_driver() == ""
    assert get_backend("auto").name == "cupy"


def test_auto_by_argument_reads_as_a_plain_fallback(no_env: pytest.MonkeyPatch) -> None:
    no_env.setitem(sys.modules, "cupy", None)
    assert not get_backend("auto").reason.startswith("requested")
