"""Choose the array backend: CuPy on an NVIDIA GPU when it truly works, numpy otherwise.

This is the only module in derivlab that imports :mod:`cupy`. Everything else asks
:func:`get_backend` for a :class:`Backend` and uses ``backend.xp`` as the array
module (``numpy`` or ``cupy``), so one code path serves both.

The choice comes from, in order: the ``preference`` argument, the
``DERIVLAB_BACKEND`` environment variable, then ``"auto"``.

* ``"numpy"``: numpy, no probe.
* ``"auto"``: probe CuPy once (import, device count, allocation, an elementwise
  op, a compiled kernel, a check of its result); use it if every step works,
  otherwise numpy with ``reason`` saying why.
* ``"cupy"``: like ``"auto"``, but a failure is reported as a request that could
  not be honoured. It never raises: the app keeps running on numpy.

An unknown value passed as ``preference`` is a programming error and raises
:class:`ValueError`. An unknown value in ``DERIVLAB_BACKEND`` comes from the user's
shell, so it is treated as ``"auto"`` and the reason says the value was ignored.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

from derivlab.compute.errors import KernelCompileError

ENV_VAR = "DERIVLAB_BACKEND"
PREFERENCES = ("auto", "numpy", "cupy")

# CUDA runtime error codes the probe explains in words (cudaError_t values).
_CUDA_ERROR_MEMORY_ALLOCATION = 2
_CUDA_ERROR_INITIALIZATION = 3
_CUDA_ERROR_INSUFFICIENT_DRIVER = 35
_CUDA_ERROR_DEVICES_UNAVAILABLE = 46
_CUDA_ERROR_NO_DEVICE = 100
_CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222
_CUDA_ERROR_NO_KERNEL_IMAGE = 209

_PROBE_SOURCE = r"""
extern "C" __global__ void derivlab_probe(const double* x, double* y, long long n)
{
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        y[i] = 2.0 * x[i] + 1.0;
    }
}
"""


@dataclass(frozen=True)
class Backend:
    """An array module and the device it runs on.

    ``name`` is ``"numpy"`` or ``"cupy"``; ``xp`` is the module itself; ``device``
    describes the hardware for the status bar; ``reason`` says why this backend was
    chosen (empty when CuPy was asked for, or probed, and works).
    """

    name: str
    xp: ModuleType
    device: str
    reason: str
    _kernels: dict[tuple[str, str, tuple[str, ...]], Any] = field(
        default_factory=dict, repr=False, compare=False, hash=False
    )
    _kernel_lock: threading.Lock = field(
        default_factory=threading.Lock, repr=False, compare=False, hash=False
    )

    @property
    def is_gpu(self) -> bool:
        """True when arrays live on a CUDA device."""
        return self.name == "cupy"

    def asnumpy(self, a: Any) -> np.ndarray:
        """Copy ``a`` to host memory as a numpy array (no copy if it already is one)."""
        if self.name == "cupy":
            return self.xp.asnumpy(a)
        return np.asarray(a)

    def asarray(self, a: Any, dtype: Any = None) -> Any:
        """Move ``a`` to this backend's device (no copy when it is already there)."""
        return self.xp.asarray(a, dtype=dtype)

    def free_memory(self) -> None:
        """Give cached device and pinned memory back to the driver (no-op on numpy)."""
        if self.name == "cupy":
            self.xp.get_default_memory_pool().free_all_blocks()
            self.xp.get_default_pinned_memory_pool().free_all_blocks()

    def synchronize(self) -> None:
        """Wait until queued device work has finished (no-op on numpy).

        Timings on CuPy must call this before reading the clock: kernel launches
        return before the kernel has run.
        """
        if self.name == "cupy":
            self.xp.cuda.Device().synchronize()

    def raw_kernel(self, source: str, name: str, options: Sequence[str] = ()) -> Any:
        """Compile CUDA ``source`` and return the kernel ``name`` as a ``cupy.RawKernel``.

        Cached per (sha256 of source, name, options) for the life of the backend, and
        on disk by CuPy under ``CUPY_CACHE_DIR``. Call it as
        ``kernel((blocks,), (threads,), (arg0, arg1, ...))``. Compilation happens here,
        so a bad source raises :class:`KernelCompileError` with NVRTC's log.
        """
        if self.name != "cupy":
            raise RuntimeError(
                f"raw_kernel needs the CuPy backend; this one is {self.name!r} ({self.reason})"
            )
        digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
        key = (digest, name, tuple(options))
        with self._kernel_lock:
            kernel = self._kernels.get(key)
            if kernel is None:
                kernel = self.xp.RawKernel(source, name, options=tuple(options))
                try:
                    kernel.compile()
                except self.xp.cuda.compiler.CompileException as exc:
                    log = exc.get_message() if hasattr(exc, "get_message") else str(exc)
                    raise KernelCompileError(name, log) from exc
                self._kernels[key] = kernel
            return kernel


# --------------------------------------------------------------------------- numpy


def _cpu_description() -> str:
    cores = os.cpu_count() or 1
    return f"CPU (numpy {np.__version__}, {cores} cores)"


def _make_numpy(reason: str) -> Backend:
    return Backend(name="numpy", xp=np, device=_cpu_description(), reason=reason)


_NUMPY_DEFAULT: Backend | None = None


def numpy_backend() -> Backend:
    """The numpy backend, always available (reason: ``"numpy requested"``)."""
    global _NUMPY_DEFAULT
    with _lock:
        if _NUMPY_DEFAULT is None:
            _NUMPY_DEFAULT = _make_numpy("numpy requested")
        return _NUMPY_DEFAULT


# --------------------------------------------------------------------------- CuPy probe


@dataclass(frozen=True)
class _ProbeResult:
    cupy: ModuleType | None
    device: str
    failure: str  # "" when CuPy works


def _set_cupy_cache_dir() -> None:
    """Point CuPy's kernel cache at derivlab's user cache dir unless the user chose one."""
    if os.environ.get("CUPY_CACHE_DIR"):
        return
    try:
        from platformdirs import user_cache_dir

        os.environ["CUPY_CACHE_DIR"] = os.path.join(user_cache_dir("derivlab"), "cupy")
    except Exception:  # platformdirs missing or no home: keep CuPy's own default
        pass


def _cuda_version_text(version: int) -> str:
    """``12090`` -> ``"12.9"`` (CUDA encodes 1000*major + 10*minor)."""
    return f"{version // 1000}.{(version % 1000) // 10}"


def _describe_failure(exc: BaseException, cupy: ModuleType | None, step: str) -> str:
    """Turn an exception from the probe into a sentence a user can act on."""
    text = f"{type(exc).__name__}: {exc}".strip()
    status = getattr(exc, "status", None)
    if cupy is not None and isinstance(status, int) and type(exc).__name__ == "CUDARuntimeError":
        if status == _CUDA_ERROR_INSUFFICIENT_DRIVER:
            runtime = cupy.cuda.runtime
            try:
                driver = runtime.driverGetVersion()
            except Exception:
                driver = 0
            try:
                needed = _cuda_version_text(runtime.runtimeGetVersion())
            except Exception:
                needed = "?"
            if driver == 0:
                return f"no NVIDIA driver found (CuPy built for CUDA {needed} needs one): {exc}"
            return (
                f"CUDA driver too old for this CuPy build: the driver supports CUDA "
                f"{_cuda_version_text(driver)}, CuPy needs {needed}: {exc}"
            )
        if status == _CUDA_ERROR_NO_DEVICE:
            return f"no CUDA device: {exc}"
        if status == _CUDA_ERROR_DEVICES_UNAVAILABLE:
            return f"the CUDA device is busy or in exclusive mode: {exc}"
        if status == _CUDA_ERROR_INITIALIZATION:
            return f"CUDA could not be initialised: {exc}"
        if status == _CUDA_ERROR_MEMORY_ALLOCATION:
            return f"the CUDA device has no free memory: {exc}"
        if status in (_CUDA_ERROR_NO_KERNEL_IMAGE, _CUDA_ERROR_UNSUPPORTED_PTX_VERSION):
            return f"CUDA driver too old for the kernels this CuPy compiles: {exc}"
    lowered = text.lower()
    if "libnvrtc" in lowered or "nvrtc" in type(exc).__name__.lower():
        return f"CuPy could not compile a kernel (NVRTC, the CUDA compiler, failed): {text}"
    if "libcuda" in lowered:
        return f"no NVIDIA driver found: {text}"
    return f"CuPy failed while {step}: {text}"


#: the NVIDIA driver's library, which CUDA loads by this name, per platform
_DRIVER_LIBRARY = {"linux": "libcuda.so.1", "win32": "nvcuda.dll"}


def _missing_driver() -> str:
    """Why CuPy cannot work here when the NVIDIA driver's library does not load, else "".

    Checked before CuPy is imported (about 50 ms of every start-up): without the
    driver CUDA fails at its first call anyway. A CuPy already imported (or put in
    place by a test) is probed as it is.
    """
    import importlib.util
    import sys

    library = _DRIVER_LIBRARY.get(sys.platform)
    if library is None or "cupy" in sys.modules or importlib.util.find_spec("cupy") is None:
        return ""
    import ctypes

    try:
        ctypes.CDLL(library)
    except OSError as exc:
        return f"no NVIDIA driver found: {library} cannot be loaded ({exc})"
    return ""


def _probe_cupy() -> _ProbeResult:
    """Try CuPy end to end; never raises (except KeyboardInterrupt)."""
    cupy: ModuleType | None = None
    step = "being imported"
    try:
        _set_cupy_cache_dir()
        missing = _missing_driver()
        if missing:
            return _ProbeResult(None, "", missing)
        try:
            import cupy as _cupy
        except ModuleNotFoundError as exc:
            if exc.name in ("cupy", "cupy_backends"):
                return _ProbeResult(None, "", "CuPy is not installed")
            return _ProbeResult(None, "", f"CuPy could not be imported: {exc}")
        except ImportError as exc:
            return _ProbeResult(None, "", f"CuPy could not be imported: {exc}")
        cupy = _cupy

        step = "counting CUDA devices"
        count = cupy.cuda.runtime.getDeviceCount()
        if count < 1:
            return _ProbeResult(None, "", "no CUDA device: the driver reports 0 devices")

        step = "allocating device memory"
        x = cupy.arange(64, dtype=cupy.float64)

        step = "running an elementwise operation"
        squares = cupy.asnumpy(x * x)
        if not np.array_equal(squares, np.arange(64, dtype=np.float64) ** 2):
            return _ProbeResult(None, "", "CuPy returned wrong results for x*x on the device")

        step = "compiling a CUDA kernel"
        kernel = cupy.RawKernel(_PROBE_SOURCE, "derivlab_probe")
        kernel.compile()

        step = "running a compiled CUDA kernel"
        y = cupy.empty_like(x)
        kernel((1,), (64,), (x, y, np.int64(x.size)))
        got = cupy.asnumpy(y)
        if not np.array_equal(got, 2.0 * np.arange(64, dtype=np.float64) + 1.0):
            return _ProbeResult(None, "", "a compiled CUDA kernel returned wrong results")

        step = "reading the device properties"
        props = cupy.cuda.runtime.getDeviceProperties(0)
        name = props.get("name", b"NVIDIA GPU")
        if isinstance(name, bytes):
            name = name.decode("utf-8", "replace")
        major, minor = props.get("major", "?"), props.get("minor", "?")
        cuda = _cuda_version_text(cupy.cuda.runtime.runtimeGetVersion())
        device = f"{name} (compute {major}.{minor}, CUDA {cuda})"
        return _ProbeResult(cupy, device, "")
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - any failure means "use numpy"
        return _ProbeResult(None, "", _describe_failure(exc, cupy, step))


# --------------------------------------------------------------------------- selection

_lock = threading.RLock()
_probe_result: _ProbeResult | None = None
_backends: dict[str, Backend] = {}


def _cupy_probe() -> _ProbeResult:
    global _probe_result
    with _lock:
        if _probe_result is None:
            _probe_result = _probe_cupy()
        return _probe_result


def _resolve_preference(preference: str | None) -> tuple[str, str]:
    """Return (choice, note): the normalised choice and where it came from."""
    if preference is not None:
        choice = preference.strip().lower()
        if choice not in PREFERENCES:
            raise ValueError(
                f"unknown backend {preference!r}: expected one of {', '.join(PREFERENCES)}"
            )
        return choice, "" if choice == "auto" else "requested"
    raw = os.environ.get(ENV_VAR, "").strip()
    if not raw:
        return "auto", ""
    choice = raw.lower()
    if choice not in PREFERENCES:
        return "auto", (
            f"{ENV_VAR}={raw!r} is not one of {', '.join(PREFERENCES)}; ignored, chose automatically"
        )
    return choice, f"{ENV_VAR}={choice}"


def get_backend(preference: str | None = None) -> Backend:
    """The backend for ``preference`` (``"auto"``, ``"numpy"``, ``"cupy"`` or None).

    ``None`` reads ``DERIVLAB_BACKEND``. The result is cached per resolved choice and
    the CuPy probe runs at most once per process; safe to call from any thread.
    """
    choice, note = _resolve_preference(preference)
    key = f"{choice}|{note}"
    with _lock:
        cached = _backends.get(key)
        if cached is not None:
            return cached
        backend = _select(choice, note)
        _backends[key] = backend
        return backend


def _select(choice: str, note: str) -> Backend:
    """Build the backend for a resolved ``choice``; ``note`` says where it came from."""
    from_env = note == f"{ENV_VAR}={choice}"
    if choice == "numpy":
        return _make_numpy(f"numpy requested ({note})" if from_env else "numpy requested")
    probe = _cupy_probe()
    if not probe.failure and probe.cupy is not None:
        return Backend(name="cupy", xp=probe.cupy, device=probe.device, reason="")
    if choice == "cupy":
        how = f" ({note})" if from_env else ""
        return _make_numpy(f"CuPy was requested{how} but cannot be used: {probe.failure}")
    prefix = f"{note}. " if note and not from_env else ""
    return _make_numpy(f"{prefix}{probe.failure}; using numpy on the CPU")


def _reset_for_tests() -> None:
    """Forget the cached probe and backends (tests only)."""
    global _probe_result, _NUMPY_DEFAULT
    with _lock:
        _probe_result = None
        _NUMPY_DEFAULT = None
        _backends.clear()


# --------------------------------------------------------------------------- errors


def is_out_of_memory(exc: BaseException) -> bool:
    """True when ``exc`` (or an exception it was raised from) means memory ran out.

    Recognised by name, so no GPU is needed: ``cupy.cuda.memory.OutOfMemoryError``,
    ``CUDARuntimeError`` / ``CUDADriverError`` with status 2
    (``cudaErrorMemoryAllocation`` / ``CUDA_ERROR_OUT_OF_MEMORY``), cuBLAS/cuFFT
    allocation failures, and plain :class:`MemoryError` (numpy on the CPU).
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, MemoryError):
            return True
        names = {cls.__name__ for cls in type(current).__mro__}
        if "OutOfMemoryError" in names:
            return True
        status = getattr(current, "status", None)
        if names & {"CUDARuntimeError", "CUDADriverError"} and status == 2:
            return True
        text = str(current)
        if "ALLOC_FAILED" in text or "cudaErrorMemoryAllocation" in text:
            return True
        current = current.__cause__ or current.__context__
    return False
