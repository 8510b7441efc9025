"""Figures for the window's responsiveness with the loss-surface scene: does the event loop stay free?

Opens the real main window, makes one change at a time from inside the Qt event loop
and prints, per change: the time until the first picture changes (the coarse frame, or
the last picture marked "Training …" when even a coarse frame must wait), the time until
the final frame is drawn, and the longest time the event loop was blocked meanwhile —
a QTimer ticks every 10 ms and the longest gap between ticks is reported (about 10 ms
means never blocked). Times are to the frame handed to the canvas and, in brackets, to
the next paint of the canvas. It asserts nothing. Run (with a screen, or under xvfb-run):

    python benchmarks/responsiveness.py [--big-only | --defaults-only] [--before] [--json]

Cases, each at the defaults (256 samples, 2-8-1) and at 4096 samples, 2-32-32-1:
  new seed   a network not trained yet (training θ*, then the optimiser paths and the surface)
  grid       the resolution changes (θ* and the paths cached: coarse 32² now, full grid after)
  slice      the parameter along x changes (θ* cached, the optimiser paths rerun)
``--before`` also runs each case with the slow work left on the UI thread (``slow_work``
answering "" as every scene did before), for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

CASES = {
    "defaults": {},
    "4096 samples, 2-32-32-1": {"samples": 4096, "hidden": 32, "hidden2": 32},
}


def measure(window, change: dict, timeout: float = 300.0) -> dict:
    """Apply ``change`` from inside the event loop; times (ms) to the first and last frame and the longest tick gap."""
    from PySide6.QtCore import QTimer

    presenter = window.presenter
    frames: list[float] = []
    notes: list[float] = []
    paints: list[float] = []
    ticks: list[float] = []
    presenter.on_frame(lambda _frame: frames.append(time.perf_counter()))
    presenter.on_busy(lambda sentence: notes.append(time.perf_counter()) if sentence else None)
    window.plot.canvas.events.draw.connect(lambda _event: paints.append(time.perf_counter()))
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    started: list[float] = []

    def make_change() -> None:
        started.append(time.perf_counter())
        presenter.state.update(change)

    timer.start()
    QTimer.singleShot(50, make_change)
    spin(timeout, until=lambda: bool(started) and idle(presenter))
    spin(0.1)  # the last paint and a few more ticks
    timer.stop()
    t0 = started[0]
    during = [t for t in ticks if t >= t0 - 0.02]
    gaps = [(a, b) for a, b in zip(during, during[1:], strict=False)]
    background = [(s, e) for s, e in BACKGROUND if e >= t0]
    while_background = [b - a for a, b in gaps if any(a < e and b > s for s, e in background)]

    def painted_after(t: float | None) -> float | None:
        later = [p for p in paints if p >= t] if t is not None else []
        return 1e3 * (later[0] - t0) if later else None

    first = min([t for t in frames + notes if t >= t0], default=None)
    last = frames[-1] if frames and frames[-1] >= t0 else None
    return {
        "first_picture_ms": 1e3 * (first - t0) if first is not None else None,
        "first_is": "coarse frame" if first is not None and first in frames else "note on the last picture",
        "first_painted_ms": painted_after(first),
        "final_frame_ms": 1e3 * (last - t0) if last is not None else None,
        "final_painted_ms": painted_after(last),
        "longest_blocked_ms": 1e3 * max(b - a for a, b in gaps) if gaps else None,
        "blocked_while_background_ms": 1e3 * max(while_background) if while_background else None,
        "background_ms": 1e3 * sum(e - s for s, e in background),
        "longest_paint_ms": 1e3 * max([d for s, d in PAINTS if s >= t0], default=0.0),
        "frames": len([t for t in frames if t >= t0]),
    }


#: (start, end) of every job the presenters' worker threads ran
BACKGROUND: list[tuple[float, float]] = []


def record_background_jobs() -> None:
    """Note when each background job starts and ends (wraps ScenePresenter._compute_in_background)."""
    from derivlab.render.presenter import ScenePresenter

    compute = ScenePresenter._compute_in_background
    if getattr(compute, "recorded", False):
        return

    def recorded(self, job):
        start = time.perf_counter()
        try:
            return compute(self, job)
        finally:
            BACKGROUND.append((start, time.perf_counter()))

    recorded.recorded = True
    ScenePresenter._compute_in_background = recorded


#: (start, seconds) of every paint of a canvas (SceneCanvas.on_draw), on the UI thread
PAINTS: list[tuple[float, float]] = []


def record_paints() -> None:
    """Note how long each paint of a canvas takes (wraps vispy's SceneCanvas.on_draw)."""
    from vispy.scene import SceneCanvas

    draw = SceneCanvas.on_draw
    if getattr(draw, "recorded", False):
        return

    def recorded(self, event):
        start = time.perf_counter()
        try:
            return draw(self, event)
        finally:
            PAINTS.append((start, time.perf_counter() - start))

    recorded.recorded = True
    SceneCanvas.on_draw = recorded


def run(before: bool, cases: dict) -> list[dict]:
    from derivlab.qt.app import qt_application
    from derivlab.qt.main_window import MainWindow
    from derivlab.scenes import get_scene

    qt_application()
    record_background_jobs()
    record_paints()
    scene = get_scene("loss-surface")
    kind = type(scene)
    original = kind.slow_work
    if before:
        kind.slow_work = lambda self, values: ""
    rows = []
    try:
        for case, values in cases.items():
            seed = 9000 + len(rows) + (500 if before else 0)
            window = MainWindow("loss-surface", {**values, "seed": seed})
            window.resize(1440, 900)
            window.show()
            spin(300.0, until=lambda w=window: idle(w.presenter))
            spin(1.0)  # the backend probe's answer redraws once more
            spin(300.0, until=lambda w=window: idle(w.presenter))
            changes = {
                "nothing": {},
                "new seed": {"seed": seed + 1},
                "grid": {"resolution": 96},
                "slice": {"first": 3},
            }
            for name, change in changes.items():
                figures = measure(window, change)
                rows.append({"case": case, "change": name, "slow_work_on_ui_thread": before, **figures})
            window.close()
            spin(0.1)
    finally:
        kind.slow_work = original
    return rows


def idle(presenter) -> bool:
    """The frame for the values now set is drawn and the worker has nothing left."""
    return presenter._awaited is None and (presenter._worker is None or presenter._worker.idle())


def spin(seconds: float, until=None) -> None:
    """Run the Qt event loop for up to ``seconds``, or until ``until()`` is true.

    A nested QEventLoop rather than a loop of processEvents() calls: this PySide6 build
    loses a reference to None on every call of a C++ method returning void, and a tight
    processEvents() loop would use up None's reference count within a few minutes.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    end = time.monotonic() + seconds
    check = QTimer()
    check.setInterval(5)
    check.timeout.connect(lambda: loop.quit() if time.monotonic() >= end or (until is not None and until()) else None)
    check.start()
    loop.exec()
    check.stop()


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", action="store_true", help="also run with the slow work on the UI thread")
    parser.add_argument("--big-only", action="store_true")
    parser.add_argument("--defaults-only", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cases = dict(CASES)
    if args.big_only:
        cases.pop("defaults")
    if args.defaults_only:
        cases = {"defaults": CASES["defaults"]}
    rows = run(False, cases) + (run(True, cases) if args.before else [])
    from derivlab.render.offscreen import vispy_version

    machine = {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
               "cores": os.cpu_count(), "load_1min": os.getloadavg()[0], "vispy": vispy_version(),
               "backend": "numpy (the window's default until the probe finds a GPU)"}
    if args.json:
        print(json.dumps({"machine": machine, "rows": rows}, indent=2))
        return 0
    print(f"machine: {machine['platform']}, {machine['cores']} cores, load {machine['load_1min']:.2f}")
    print("ms from the change. first: the coarse frame, or the note on the last picture when even that must wait;")
    print("[p]: the next paint of the canvas after it; blocked: longest gap between 10 ms ticks of a QTimer")
    print("(overall / while a background job ran); bg: time the worker thread computed; paint: longest canvas paint")
    print(f"{'case':24s} {'change':9s} {'slow work':10s} {'first':>6s} {'[p]':>6s} {'final':>7s} {'[p]':>7s} "
          f"{'blocked':>8s} {'/ bg-time':>9s} {'bg':>7s} {'paint':>6s}  first picture")
    for r in rows:
        where = "UI thread" if r["slow_work_on_ui_thread"] else "background"
        first = "—" if r["first_picture_ms"] is None else r["first_is"]
        print(f"{r['case']:24s} {r['change']:9s} {where:10s} {_ms(r['first_picture_ms']):>6s} {_ms(r['first_painted_ms']):>6s} "
              f"{_ms(r['final_frame_ms']):>7s} {_ms(r['final_painted_ms']):>7s} {_ms(r['longest_blocked_ms']):>8s} "
              f"{_ms(r['blocked_while_background_ms']):>9s} {_ms(r['background_ms']):>7s} {r['longest_paint_ms']:6.0f}  {first}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
