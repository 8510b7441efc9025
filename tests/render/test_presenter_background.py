"""In the window the presenter computes refinements and slow work on one background thread.

A fake scene whose background compute waits on a gate makes the order of events
certain without any timing: the tests open and close the gate and wait for the
event loop to deliver what the presenter decides to draw.
"""

import threading
from dataclasses import replace

import numpy as np
import pytest

from derivlab.compute.backend import numpy_backend
from derivlab.model import Parameter, View
from derivlab.render.canvas import PlotCanvas
from derivlab.render.offscreen import offscreen_app
from derivlab.render.presenter import ScenePresenter
from derivlab.scenes import Curve, Scene, SceneFrame

WAIT_MS = 10_000


class FakeOutOfMemoryError(Exception):
    """Named like CuPy's, which ``is_out_of_memory`` recognises by name."""


FakeOutOfMemoryError.__name__ = "OutOfMemoryError"


class GatedLine(Scene):
    """The line y = a·x; the coarse pass has 2 points, the full one 200.

    A compute off the main thread announces itself (``started``) and waits for
    ``gate``, so a test decides when background work ends. ``fail`` makes the
    full compute raise; ``slow`` makes every picture wait for :meth:`prepare`.
    """

    name = "gated-line"
    title = "Gated line"
    parameters = (Parameter("a", 1.0, label="Slope a", minimum=-10.0, maximum=10.0),)
    default_view = View(-1.0, 1.0, -1.0, 1.0)

    def __init__(self, coarse: bool = True, slow: bool = False):
        self.coarse = coarse
        self.slow = slow
        self.gate = threading.Event()
        self.started = threading.Event()
        self.fail: Exception | None = None
        self.fail_on_gpu = False
        self.prepared: list[tuple[float, str]] = []

    def coarse_values(self, values):
        return {"points": 2} if self.coarse else {}

    def slow_work(self, values):
        return "Working it out …" if self.slow and values["a"] not in [a for a, _ in self.prepared] else ""

    def prepare(self, values):
        self.started.set()
        assert self.gate.wait(WAIT_MS / 1000)
        self.prepared.append((values["a"], threading.current_thread().name))

    def compute(self, values, view, backend=None):
        points = int(values.get("points", 200))
        if threading.current_thread() is not threading.main_thread() and not self.slow:
            self.started.set()
            assert self.gate.wait(WAIT_MS / 1000)
        if points > 2 and self.fail is not None:
            raise self.fail
        if points > 2 and self.fail_on_gpu and backend is not None and backend.is_gpu:
            raise FakeOutOfMemoryError("out of memory allocating 8,000,000 bytes")
        x = np.linspace(-1.0, 1.0, points)
        return SceneFrame((Curve("line", x, values["a"] * x),), extra={"a": values["a"], "points": points})


@pytest.fixture
def canvas():
    c = PlotCanvas(size=(320, 240), show=False, app=offscreen_app())
    yield c
    c.close()


def window_presenter(scene, canvas, **kwargs):
    """A presenter as the window makes it (progressive), refining without the usual wait."""
    presenter = ScenePresenter(scene, canvas, progressive=True, **kwargs)
    presenter.REFINE_DELAY_S = 0.0
    return presenter


def record(presenter):
    seen = []
    presenter.on_frame(lambda frame: seen.append((frame.extra["a"], frame.extra["points"])))
    return seen


def test_coarse_at_once_then_the_full_frame_from_the_worker(qtbot, canvas):
    scene = GatedLine()
    presenter = window_presenter(scene, canvas)
    seen = record(presenter)
    presenter.state.set("a", 2.0)
    assert seen == [(2.0, 2)]  # drawn before set() returned
    assert scene.started.wait(WAIT_MS / 1000)
    scene.gate.set()
    qtbot.waitUntil(lambda: seen[-1] == (2.0, 200), timeout=WAIT_MS)
    assert canvas._frame is presenter.frame and presenter.frame.extra["points"] == 200
    presenter.close()


def test_a_result_for_values_changed_since_is_dropped(qtbot, canvas):
    scene = GatedLine()
    presenter = window_presenter(scene, canvas)
    qtbot.waitUntil(lambda: scene.started.is_set(), timeout=WAIT_MS)  # the first refinement runs…
    seen = record(presenter)
    presenter.state.set("a", 3.0)  # …while two quick changes come in
    presenter.state.set("a", 4.0)
    scene.gate.set()
    qtbot.waitUntil(lambda: seen[-1] == (4.0, 200), timeout=WAIT_MS)
    qtbot.wait(50)
    assert [s for s in seen if s[1] == 200] == [(4.0, 200)]  # neither a = 1 nor a = 3 refined on screen
    assert seen == [(3.0, 2), (4.0, 2), (4.0, 200)]
    presenter.close()


def test_an_error_in_the_background_is_reported_and_the_coarse_picture_stays(qtbot, canvas):
    scene = GatedLine()
    scene.gate.set()
    presenter = window_presenter(scene, canvas)
    qtbot.waitUntil(lambda: presenter.frame.extra["points"] == 200, timeout=WAIT_MS)
    messages = []
    presenter.on_error(messages.append)
    scene.fail = ValueError("no slope like that")
    presenter.state.set("a", 5.0)
    qtbot.waitUntil(lambda: bool(messages), timeout=WAIT_MS)
    assert messages == ["Gated line: could not compute (ValueError: no slope like that)"]
    assert presenter.frame.extra == {"a": 5.0, "points": 2}
    assert not presenter.busy
    presenter.close()


def test_a_gpu_failing_in_the_background_hands_over_to_numpy(qtbot, canvas):
    failing_gpu = replace(numpy_backend(), name="cupy", device="Fake GPU", reason="")
    assert failing_gpu.is_gpu
    scene = GatedLine()
    scene.fail_on_gpu = True
    scene.gate.set()
    presenter = window_presenter(scene, canvas, backend=failing_gpu)
    messages, backends = [], []
    presenter.on_error(messages.append)
    presenter.on_backend_changed(backends.append)
    seen = record(presenter)
    qtbot.waitUntil(lambda: bool(seen) and seen[-1][1] == 200, timeout=WAIT_MS)
    assert presenter.backend.name == "numpy" and [b.name for b in backends] == ["numpy"]
    assert messages == ["The GPU ran out of memory; derivlab now computes on the CPU with numpy."]
    presenter.close()


def test_a_closed_presenter_never_draws_what_finishes_late(qtbot, canvas):
    scene = GatedLine()
    presenter = window_presenter(scene, canvas)
    qtbot.waitUntil(lambda: scene.started.is_set(), timeout=WAIT_MS)
    seen = record(presenter)
    shown = canvas._frame
    presenter.close()
    scene.gate.set()
    worker = presenter._worker
    worker._thread.join(WAIT_MS / 1000)
    assert not worker._thread.is_alive()
    qtbot.wait(100)  # the poll timer would have fired several times by now
    assert seen == [] and canvas._frame is shown
    assert presenter.refresh() is None and seen == []


def test_slow_work_leaves_the_last_picture_up_with_a_sentence_and_runs_on_the_worker(qtbot, canvas):
    scene = GatedLine(coarse=False, slow=True)
    busy = []
    presenter = window_presenter(scene, canvas)
    presenter.on_busy(busy.append)
    assert presenter.frame is None and presenter.busy == "Working it out …"
    assert canvas._frame.message == "Working it out …" and canvas._frame.drawables == ()
    scene.gate.set()
    qtbot.waitUntil(lambda: presenter.frame is not None, timeout=WAIT_MS)
    assert presenter.frame.extra == {"a": 1.0, "points": 200} and canvas._frame is presenter.frame
    assert busy[-1] == "" and presenter.busy == ""
    assert [name for _, name in scene.prepared] == ["derivlab-gated-line"]
    scene.gate.clear()
    scene.started.clear()
    assert presenter.refresh() is not None  # prepared: drawn at once
    presenter.state.set("a", 2.0)
    assert presenter.frame.extra["a"] == 1.0  # the picture of a = 1 stays, marked
    assert canvas._frame.message == "Working it out …" and canvas._frame.drawables == presenter.frame.drawables
    scene.gate.set()
    qtbot.waitUntil(lambda: presenter.frame.extra["a"] == 2.0, timeout=WAIT_MS)
    presenter.close()


def test_outside_the_window_the_presenter_stays_synchronous(canvas):
    scene = GatedLine(slow=True)
    presenter = ScenePresenter(scene, canvas)
    seen = record(presenter)
    presenter.state.set("a", 3.0)
    assert seen == [(3.0, 200)] and presenter.frame.extra["points"] == 200
    assert presenter._worker is None and scene.prepared == [] and not scene.started.is_set()
    presenter.close()
