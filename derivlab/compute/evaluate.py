"""Evaluate a typed function f, its derivatives f^(n), and its difference quotients on a grid.

On numpy the function's own vectorised twin, ``function.numpy(n)``, is the
reference. On CuPy the kernels of ``shaders/cuda/evaluate.cu`` and
``shaders/cuda/difference_quotient.cu`` run with the function's C expression,
``function.c_expression(n, variable="x", real=...)``, substituted at their hook.
Results stay on the backend's device (``backend.asnumpy`` brings them home).

The ``function`` argument only needs two methods:

* ``numpy(n)`` -> a callable ``g(x, **params)`` computing f^(n)(x) elementwise;
* ``c_expression(n, variable="x", real="double"|"float")`` -> a C expression of
  ``x`` and the parameters' names.

Arrays are computed in float32 when ``x`` is float32 and in float64 otherwise.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, Protocol

import numpy as np

from derivlab.compute import finite_diff
from derivlab.compute.backend import Backend, get_backend
from derivlab.compute.kernels import get_kernel, launch, real_name

__all__ = [
    "TypedFunction",
    "difference_quotients",
    "evaluate",
    "evaluate_with_derivative",
]


class TypedFunction(Protocol):
    """What evaluation needs from a function (``derivlab.expr.Function`` has it)."""

    def numpy(self, n: int = 0) -> Any: ...

    def c_expression(self, n: int = 0, variable: str = "x", real: str = "double") -> str: ...


_expression_lock = threading.Lock()
_expression_cache: dict[tuple[Any, int, str], str] = {}
_EXPRESSION_CACHE_SIZE = 256


def _c_expression(function: TypedFunction, n: int, real: str) -> str:
    """``function.c_expression(n)``, remembered per hashable function (it may be slow)."""
    try:
        key = (function, n, real)
        hash(key)
    except TypeError:
        return function.c_expression(n, variable="x", real=real)
    with _expression_lock:
        cached = _expression_cache.get(key)
    if cached is not None:
        return cached
    text = function.c_expression(n, variable="x", real=real)
    with _expression_lock:
        if len(_expression_cache) >= _EXPRESSION_CACHE_SIZE:
            _expression_cache.clear()
        _expression_cache[key] = text
    return text


def _float_dtype(*arrays: Any) -> np.dtype:
    """float32 if every input is float32, else float64."""
    dtypes = [np.dtype(getattr(a, "dtype", np.float64)) for a in arrays]
    if dtypes and all(dt == np.float32 for dt in dtypes):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def _params(params: Mapping[str, float] | None) -> dict[str, float]:
    return {str(k): float(v) for k, v in (params or {}).items()}


def _fill(shape: tuple[int, ...], dtype: np.dtype, values: Any) -> np.ndarray:
    """A fresh array of ``shape`` holding ``values`` (a constant derivative broadcasts)."""
    out = np.empty(shape, dtype=dtype)
    out[...] = values
    return out


def _device_params(
    backend: Backend, values: dict[str, float], dtype: np.dtype
) -> tuple[Any, list[str]]:
    """Parameter names in a fixed order and their values as a device array (never empty)."""
    names = sorted(values)
    data = [values[k] for k in names] or [0.0]
    return backend.asarray(np.asarray(data, dtype=dtype)), names


def _device_flat(backend: Backend, a: Any, dtype: np.dtype) -> Any:
    xp = backend.xp
    return xp.ascontiguousarray(backend.asarray(a, dtype=dtype)).ravel()


def evaluate(
    function: TypedFunction,
    x: Any,
    order: int = 0,
    params: Mapping[str, float] | None = None,
    backend: Backend | None = None,
) -> Any:
    """The n-th derivative f^(n)(x) at every point of ``x`` (n = ``order``; f itself for 0).

    Returns an array of ``x``'s shape on ``backend``'s device (default: :func:`get_backend`).
    """
    if order < 0:
        raise ValueError(f"order must be >= 0, not {order}")
    backend = backend or get_backend()
    values = _params(params)
    dtype = _float_dtype(x)
    if not backend.is_gpu:
        xh = np.asarray(x, dtype=dtype)
        with np.errstate(all="ignore"):
            return _fill(xh.shape, dtype, function.numpy(order)(xh, **values))
    real = real_name(dtype)
    shape = tuple(np.shape(x))
    xd = _device_flat(backend, x, dtype)
    p, names = _device_params(backend, values, dtype)
    kernel = get_kernel(
        backend,
        "evaluate.cu",
        "evaluate_f",
        {"derivlab_f": _c_expression(function, order, real)},
        names,
        real,
    )
    y = backend.xp.empty_like(xd)
    launch(kernel, xd.size, (xd, y, p, np.int64(xd.size)))
    return y.reshape(shape)


def evaluate_with_derivative(
    function: TypedFunction,
    x: Any,
    params: Mapping[str, float] | None = None,
    backend: Backend | None = None,
) -> tuple[Any, Any]:
    """``(f(x), f'(x))`` at every point of ``x``, in one pass on the GPU."""
    backend = backend or get_backend()
    values = _params(params)
    dtype = _float_dtype(x)
    if not backend.is_gpu:
        xh = np.asarray(x, dtype=dtype)
        with np.errstate(all="ignore"):
            y = _fill(xh.shape, dtype, function.numpy(0)(xh, **values))
            dy = _fill(xh.shape, dtype, function.numpy(1)(xh, **values))
        return y, dy
    real = real_name(dtype)
    shape = tuple(np.shape(x))
    xd = _device_flat(backend, x, dtype)
    p, names = _device_params(backend, values, dtype)
    kernel = get_kernel(
        backend,
        "evaluate.cu",
        "evaluate_f_df",
        {
            "derivlab_f": _c_expression(function, 0, real),
            "derivlab_df": _c_expression(function, 1, real),
        },
        names,
        real,
    )
    y = backend.xp.empty_like(xd)
    dy = backend.xp.empty_like(xd)
    launch(kernel, xd.size, (xd, y, dy, p, np.int64(xd.size)))
    return y.reshape(shape), dy.reshape(shape)


def difference_quotients(
    function: TypedFunction,
    a: Any,
    h: Any,
    params: Mapping[str, float] | None = None,
    backend: Backend | None = None,
) -> tuple[Any, Any, Any]:
    """Forward, backward and central difference quotients of f at ``a`` with steps ``h``.

    ``(f(a+h) - f(a))/h``, ``(f(a) - f(a-h))/h`` and ``(f(a+h) - f(a-h))/(2h)``;
    ``a`` and ``h`` broadcast against each other. On numpy this is
    :mod:`derivlab.compute.finite_diff` applied to ``function.numpy(0)``.
    """
    backend = backend or get_backend()
    values = _params(params)
    dtype = _float_dtype(a, h)
    if not backend.is_gpu:
        ah, hh = np.broadcast_arrays(np.asarray(a, dtype=dtype), np.asarray(h, dtype=dtype))
        g = function.numpy(0)

        def f(t: Any) -> Any:
            return g(t, **values)

        with np.errstate(all="ignore"):
            return (
                _fill(ah.shape, dtype, finite_diff.forward_difference(f, ah, hh)),
                _fill(ah.shape, dtype, finite_diff.backward_difference(f, ah, hh)),
                _fill(ah.shape, dtype, finite_diff.central_difference(f, ah, hh)),
            )
    xp = backend.xp
    real = real_name(dtype)
    ad, hd = xp.broadcast_arrays(backend.asarray(a, dtype=dtype), backend.asarray(h, dtype=dtype))
    shape = tuple(ad.shape)
    ad = xp.ascontiguousarray(ad).ravel()
    hd = xp.ascontiguousarray(hd).ravel()
    p, names = _device_params(backend, values, dtype)
    kernel = get_kernel(
        backend,
        "difference_quotient.cu",
        "difference_quotient",
        {"derivlab_f": _c_expression(function, 0, real)},
        names,
        real,
    )
    forward, backward, central = (xp.empty_like(ad) for _ in range(3))
    launch(kernel, ad.size, (ad, hd, forward, backward, central, p, np.int64(ad.size)))
    return forward.reshape(shape), backward.reshape(shape), central.reshape(shape)
