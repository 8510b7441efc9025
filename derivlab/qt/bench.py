"""``derivlab bench``: figures for evaluation speed and the canvas's interactive frame time."""

from __future__ import annotations

import json
import platform
import statistics
import time

import numpy as np


def interactive_frame_times(frames: int = 200, size: tuple[int, int] = (1920, 1080)) -> dict:
    """Times from a change of h to a finished frame in a real window of ``size``.

    Each sample sets h (the presenter recomputes the scene and updates the visuals)
    and then draws the canvas and reads the frame back, which waits for the GL to finish.
    """
    from derivlab.render.canvas import PlotCanvas
    from derivlab.render.offscreen import gl_info
    from derivlab.render.presenter import ScenePresenter
    from derivlab.scenes import get_scene

    from .app import qt_application

    app = qt_application()
    plot = PlotCanvas(size=size, show=True)
    presenter = ScenePresenter(get_scene("secant"), plot)
    for _ in range(10):
        app.processEvents()
    plot.render()
    hs = 2.0 * (0.0005 ** (np.arange(frames) / max(frames - 1, 1)))
    times = []
    for h in hs:
        start = time.perf_counter()
        presenter.state.set("h", float(h))
        plot.render()
        times.append(time.perf_counter() - start)
    info = gl_info()
    width, height = plot.canvas.size
    plot.close()
    ms = sorted(1e3 * t for t in times)
    return {
        "what": "secant scene: set h, recompute, draw and read back one frame",
        "canvas": f"{width}x{height}",
        "frames": frames,
        "median_ms": statistics.median(ms),
        "p95_ms": ms[int(0.95 * (len(ms) - 1))],
        "gl_renderer": info["renderer"],
    }


def weierstrass_benchmark(backend, quick: bool) -> list[dict]:
    """Envelope rows of derivlab.compute.weierstrass (4·10⁶ and 3.2·10⁷ samples; fewer when quick)."""
    from derivlab.compute.weierstrass import benchmark_rows

    sizes = (400_000,) if quick else (4_000_000, 32_000_000)
    return benchmark_rows(backend, sizes=sizes, repeats=3 if backend.is_gpu else 1)


def secant_field_benchmark(backend, quick: bool) -> list[dict]:
    """Secant-field rows: cells per second per backend and dtype (derivlab.scenes.secant_field)."""
    from derivlab.scenes.secant_field import benchmark_rows

    return benchmark_rows(backend, quick=quick, repeats=2 if quick else 3)


def loss_surface_benchmark(backend, quick: bool) -> dict:
    """Loss-surface rows and the numpy coarse pass (derivlab.compute.loss_surface)."""
    from derivlab.compute.loss_surface import bench_report

    return bench_report(backend, quick)


def run_bench(backend: str | None = None, as_json: bool = False, quick: bool = False) -> int:
    from derivlab.compute.backend import get_backend
    from derivlab.compute.bench import benchmark_evaluation, format_rows
    from derivlab.compute.weierstrass import format_rows as format_weierstrass_rows
    from derivlab.expr import Function
    from derivlab.scenes.secant_field import format_benchmark_rows as format_secant_field_rows

    chosen = get_backend(backend)
    f = Function.from_text("x^3 - 3x")
    sizes = (10**5, 10**6) if quick else (10**6, 10**7)
    rows = benchmark_evaluation(f, sizes=sizes, backend=chosen, repeats=3 if quick else 5)
    interactive = interactive_frame_times(frames=40 if quick else 200)
    weierstrass_rows = weierstrass_benchmark(chosen, quick)
    secant_field_rows = secant_field_benchmark(chosen, quick)
    loss_surface = loss_surface_benchmark(chosen, quick)
    report = {
        "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine()},
        "backend": {"name": chosen.name, "device": chosen.device, "reason": chosen.reason},
        "evaluation": {"function": "f(x) = x^3 - 3x with f'(x)", "rows": rows},
        "interactive": interactive,
        "weierstrass": {"function": "envelope of W_40(x), a = 0.9, b = 7, to 1920 columns", "rows": weierstrass_rows},
        "secant_field": {"function": "central quotient of sin over a in [-4, 4], h = ±10^k, k in [-16, 0]",
                         "rows": secant_field_rows},
        "loss_surface": loss_surface,
    }
    if as_json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"machine: {report['machine']['platform']}")
    print(f"backend: {chosen.name} — {chosen.device}" + (f" ({chosen.reason})" if chosen.reason else ""))
    print("evaluating f(x) = x³ − 3x and f′(x) on a grid (median of repeats):")
    print(format_rows(rows))
    print("Weierstrass envelope, W_40 (a = 0.9, b = 7) to 1920 pixel columns:")
    print(format_weierstrass_rows(weierstrass_rows))
    print("secant field, central quotient of sin(x) on a grid of a × h (cells per second):")
    print(format_secant_field_rows(secant_field_rows))
    from derivlab.compute.loss_surface import format_report as format_loss_surface

    print("loss surface of a sigmoid network, float32 (sigmoid evaluations per second):")
    print(format_loss_surface(loss_surface))
    i = interactive
    print(
        f"interactive secant frame at {i['canvas']} ({i['gl_renderer']}): "
        f"median {i['median_ms']:.1f} ms, p95 {i['p95_ms']:.1f} ms over {i['frames']} changes of h"
    )
    return 0
