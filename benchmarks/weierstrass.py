"""Figures for the Weierstrass scene: the numpy first frame after a zoom, and envelope throughput.

Prints what it measured (median of repeats, milliseconds), the sizes, the dtype, the
backend and the machine; it asserts nothing. Run:

    python benchmarks/weierstrass.py [--repeats 15] [--backend numpy|cupy|auto]

* first frame: ``WeierstrassScene.compute`` at 1920 pixel columns, N = 40, a = 0.9,
  b = 7, with 1 sample per column (the coarse pass) and 16 (the refined pass), at
  the default window (width 4) and at a window 10⁻⁹ wide around x₀ = 0.3;
* envelope: :func:`derivlab.compute.weierstrass.benchmark_rows` (term evaluations per second).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

from derivlab.compute.backend import get_backend
from derivlab.compute.weierstrass import benchmark_rows
from derivlab.model import View
from derivlab.scenes import get_scene


def first_frame_ms(backend, samples: int, view: View, repeats: int) -> float:
    """Median milliseconds of one ``compute`` of the Weierstrass scene (a first frame after a zoom)."""
    scene = get_scene("weierstrass")
    values = scene.defaults() | {"preset": "custom", "a": 0.9, "b": 7.0, "N": 40, "x0": 0.3}
    scene.compute(values, view, backend, samples)  # warm caches and the kernel
    times = []
    for i in range(repeats):
        zoomed = View(view.x_min * (1 + 1e-3 * i), view.x_max, view.y_min, view.y_max, view.pixels)
        start = time.perf_counter()
        scene.compute(values, zoomed, backend, samples)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--backend", default="numpy")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    backend = get_backend(args.backend)
    views = {"width 4": View(-2.0, 2.0, -6, 6, pixels=1920), "width 1e-9": View(-5e-10, 5e-10, -2, 2, pixels=1920)}
    frames = [
        {"view": name, "samples_per_column": s, "columns": 1920, "terms": 40, "dtype": "float64",
         "median_ms": first_frame_ms(backend, s, view, args.repeats)}
        for name, view in views.items()
        for s in (1, 2, 16)
    ]
    rows = benchmark_rows(backend, sizes=(4_000_000,) if not backend.is_gpu else (4_000_000, 32_000_000), repeats=3)
    report = {
        "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                    "cores": os.cpu_count()},
        "backend": {"name": backend.name, "device": backend.device, "reason": backend.reason},
        "first_frame": frames,
        "envelope": rows,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"machine: {report['machine']['platform']}, {report['machine']['cores']} cores")
    print(f"backend: {backend.name} — {backend.device}")
    print("Weierstrass scene, first frame after a zoom (compute only, 1920 columns, N = 40, a = 0.9, b = 7):")
    for f in frames:
        print(f"  {f['view']:>10}, {f['samples_per_column']:>2} samples/column: median {f['median_ms']:.1f} ms")
    print("envelope of W_40 to 1920 columns:")
    for r in rows:
        if r["error"]:
            print(f"  {r['dtype']}, {r['samples']:,} samples: {r['error']}")
        else:
            print(f"  {r['dtype']}, {r['samples']:,} samples: median {r['median_seconds'] * 1e3:.0f} ms, "
                  f"{r['term_evaluations_per_second']:.3g} term evaluations/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
