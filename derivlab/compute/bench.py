"""Throughput figures for evaluating f and f' on a grid (for the About box and reports).

Only measurements, no judgement: each row says how long one evaluation of
``(f(x), f'(x))`` over ``size`` points took on a backend, as the median of
``repeats`` runs after one warm-up run (which also compiles the kernel on CuPy).
On CuPy the device is synchronised before the clock starts and before it stops,
since kernel launches return before the work is done.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from derivlab.compute.backend import Backend, get_backend, is_out_of_memory
from derivlab.compute.evaluate import TypedFunction, evaluate_with_derivative


def benchmark_evaluation(
    function: TypedFunction,
    sizes: Iterable[int] = (10**6, 10**7),
    dtypes: Iterable[str] = ("float32", "float64"),
    backend: Backend | None = None,
    repeats: int = 5,
    params: Mapping[str, float] | None = None,
    domain: tuple[float, float] = (-3.0, 3.0),
) -> list[dict[str, Any]]:
    """Time ``evaluate_with_derivative(function, x)`` for each dtype and grid size.

    Returns one dict per (dtype, size) with keys ``backend``, ``device``, ``dtype``,
    ``size``, ``repeats``, ``median_seconds``, ``points_per_second`` (size divided by
    the median time), and ``error`` (``None``, or why the row has no figures, such
    as running out of memory).
    """
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    backend = backend or get_backend()
    xp = backend.xp
    rows: list[dict[str, Any]] = []
    for dtype in dtypes:
        for size in sizes:
            row: dict[str, Any] = {
                "backend": backend.name,
                "device": backend.device,
                "dtype": np.dtype(dtype).name,
                "size": int(size),
                "repeats": repeats,
                "median_seconds": None,
                "points_per_second": None,
                "error": None,
            }
            x = None
            try:
                x = xp.linspace(domain[0], domain[1], int(size), dtype=np.dtype(dtype))
                evaluate_with_derivative(function, x, params, backend)  # warm-up, compile
                times: list[float] = []
                for _ in range(repeats):
                    backend.synchronize()
                    start = time.perf_counter()
                    y, dy = evaluate_with_derivative(function, x, params, backend)
                    backend.synchronize()
                    times.append(time.perf_counter() - start)
                    del y, dy
                median = statistics.median(times)
                row["median_seconds"] = median
                row["points_per_second"] = size / median if median > 0 else float("inf")
            except Exception as exc:
                if not is_out_of_memory(exc):
                    raise
                row["error"] = f"out of memory: {exc}"
            finally:
                del x
                backend.free_memory()
            rows.append(row)
    return rows


def format_rows(rows: Iterable[Mapping[str, Any]]) -> str:
    """A plain-text table of :func:`benchmark_evaluation` rows."""
    lines = [f"{'backend':8} {'dtype':8} {'size':>10} {'median ms':>10} {'points/s':>12}  device"]
    for r in rows:
        if r.get("error"):
            lines.append(f"{r['backend']:8} {r['dtype']:8} {r['size']:>10} {r['error']}")
            continue
        lines.append(
            f"{r['backend']:8} {r['dtype']:8} {r['size']:>10} "
            f"{1e3 * r['median_seconds']:>10.3f} {r['points_per_second']:>12.3e}  {r['device']}"
        )
    return "\n".join(lines)
