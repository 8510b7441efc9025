"""Soak: every scene through many parameter changes and renders, with memory and GL objects flat.

Bounds (after a warm-up of 20 changes per scene, which includes a scene's first frame with its
shader compiles and symbolic work): resident memory grows by less than 5 %, the number of live
GL objects does not grow (except by the objects of a drawable's visual first drawn after the
warm-up: at most FIRST_DRAW_OBJECTS each; a label that first appears at change 49 brings its
program, buffers and glyph textures, and that is not a leak), and no single change takes more than 10 s to compute and draw: a
guard against a change that hangs or runs away, not a speed figure (those come from the
benchmarks). Each scene's slowest change is printed (run with -s); on two busy cores they were
under 1 s, and 2.1 s on a day the same kind of machine ran everything about four times slower.
"""

from __future__ import annotations

import math
import os
import time

import numpy as np
import pytest

from derivlab.render.offscreen import OffscreenRenderer
from derivlab.scenes import SCENES

CHANGES_PER_SCENE = 60
WARM_UP = 20
MAX_SECONDS_PER_CHANGE = 10.0
#: the most GL objects one visual brings at its first draw (a text: 13, with its glyph atlas)
FIRST_DRAW_OBJECTS = 16


def resident_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def gl_objects(renderer) -> int:
    return len(renderer.canvas.canvas.context.shared.parser._objects)


def shown_visuals(renderer) -> set[tuple[int, str]]:
    """(plane, drawable key) of every drawable visual shown in the last frame, and of each box backing shown."""
    def visible(visual) -> bool:  # a 3D drawable is drawn by a tuple of visuals
        return any(visible(v) for v in visual) if isinstance(visual, tuple) else bool(visual.visible)

    canvas = renderer.canvas
    # by the plane's name, not the object: a new panel layout builds new planes for the same panels
    planes = {"main": canvas.main, **canvas.panels}
    shown = {(plane, key) for plane, area in planes.items() for key, visual in area.visuals.items()
             if visible(visual)}
    backings = ("_backing", "_label_backing", "_edge_backing")
    return shown | {(plane, name) for plane, area in planes.items() for name in backings
                    if getattr(area, name, None) is not None and visible(getattr(area, name))}


def random_value(p, rng, current):
    if p.kind == "step":
        lo, hi = math.log10(p.minimum), math.log10(p.maximum)
        return float(rng.choice([-1, 1]) * 10 ** rng.uniform(lo, hi))
    if p.kind == "integer":
        lo = int(p.minimum) if math.isfinite(p.minimum) else 0
        hi = int(p.maximum) if math.isfinite(p.maximum) else lo + 10
        return int(rng.integers(lo, min(hi, lo + 60) + 1))
    if p.kind == "real":
        lo = p.minimum if math.isfinite(p.minimum) else -3.0
        hi = p.maximum if math.isfinite(p.maximum) else 3.0
        if hi - lo > 20:  # a point on the plane: stay near what is on screen
            lo, hi = max(lo, current - 2.0), min(hi, current + 2.0)
        return float(rng.uniform(lo, hi))
    return None


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="resident memory is read from /proc (Linux)")
def test_every_scene_survives_many_changes_with_flat_memory_and_gl_objects():
    rng = np.random.default_rng(20261121)
    report = []
    for name, scene in SCENES.items():
        renderer = OffscreenRenderer(scene, (480, 270))
        try:
            numeric = [p for p in scene.parameters if p.kind in ("real", "step", "integer") and p.name != "samples"]
            slowest = 0.0
            baseline = None
            seen: set[tuple[str, str]] = set()  # drawables' visuals shown in the warm-up
            late: set[tuple[str, str]] = set()  # and those first shown after it
            for i in range(CHANGES_PER_SCENE):
                if i == WARM_UP:
                    baseline = (resident_bytes(), gl_objects(renderer))
                p = numeric[i % len(numeric)] if numeric else None
                start = time.perf_counter()
                if p is not None:
                    value = random_value(p, rng, renderer.state[p.name])
                    try:
                        renderer.state.set(p.name, value)
                    except Exception as exc:  # a refused value is fine; anything else is not
                        assert type(exc).__name__ == "ParameterError", f"{name}: {p.name}={value!r}: {exc!r}"
                image = renderer.render()
                if i >= WARM_UP:
                    slowest = max(slowest, time.perf_counter() - start)
                assert image.shape == (270, 480, 4)
                shown = shown_visuals(renderer)
                (seen if i < WARM_UP else late).update(shown - seen)
            memory, objects = resident_bytes(), gl_objects(renderer)
            report.append((name, slowest, memory / baseline[0] - 1, objects - baseline[1]))
            allowed = baseline[1] + FIRST_DRAW_OBJECTS * len(late)
            assert objects <= allowed, (f"{name}: GL objects grew from {baseline[1]} to {objects}"
                                        f" ({len(late)} visuals first drawn after the warm-up)")
            assert slowest < MAX_SECONDS_PER_CHANGE, f"{name}: one change took {slowest:.2f} s"
        finally:
            renderer.close()
    growth = [r[2] for r in report]
    print("\nscene, slowest change (s), memory growth, GL object growth")
    for row in report:
        print(f"{row[0]:<28} {row[1]:6.3f} {row[2]:+7.2%} {row[3]:+d}")
    # Memory over the whole soak (every scene, after each scene's warm-up) stays within 5 %.
    assert max(growth) < 0.05, f"memory grew by {max(growth):.1%} in one scene"
