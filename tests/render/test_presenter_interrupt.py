"""Slow work on the window's worker stops when a newer request needs other slow work,
and carries on when the newer request needs the same (only the picture changed)."""

import threading
import time

import numpy as np
import pytest

from derivlab.compute.interrupt import Interrupted, check_interrupted
from derivlab.model import Parameter, View
from derivlab.render.canvas import PlotCanvas
from derivlab.render.offscreen import offscreen_app
from derivlab.render.presenter import ScenePresenter
from derivlab.scenes import Curve, Scene, SceneFrame

WAIT_MS = 10_000


class Training(Scene):
    """y = a·x + b; every new a needs a "training" (prepare) that runs until released."""

    name = "training-line"
    title = "Training line"
    parameters = (
        Parameter("a", 1.0, label="a", minimum=-10.0, maximum=10.0),
        Parameter("b", 0.0, label="b", minimum=-10.0, maximum=10.0),
    )
    default_view = View(-1.0, 1.0, -1.0, 1.0)

    def __init__(self):
        self.release = threading.Event()
        self.started: list[float] = []
        self.trained: list[float] = []
        self.interrupted: list[float] = []

    def slow_work(self, values):
        return "" if values["a"] in self.trained else "Training …"

    def slow_work_key(self, values):
        return values["a"]  # b only moves the picture

    def prepare(self, values):
        self.started.append(values["a"])
        try:
            while not self.release.is_set():
                check_interrupted()
                time.sleep(0.002)
        except Interrupted:
            self.interrupted.append(values["a"])
            raise
        self.trained.append(values["a"])

    def compute(self, values, view, backend=None):
        x = np.linspace(-1.0, 1.0, 50)
        return SceneFrame((Curve("line", x, values["a"] * x + values["b"]),), extra=dict(values))


@pytest.fixture
def canvas():
    c = PlotCanvas(size=(320, 240), show=False, app=offscreen_app())
    yield c
    c.close()


def test_a_request_for_other_slow_work_stops_the_running_one(qtbot, canvas):
    scene = Training()
    presenter = ScenePresenter(scene, canvas, progressive=True)
    qtbot.waitUntil(lambda: scene.started == [1.0], timeout=WAIT_MS)
    presenter.state.set("a", 2.0)  # another network: the first training is not wanted any more
    qtbot.waitUntil(lambda: scene.interrupted == [1.0], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: scene.started == [1.0, 2.0], timeout=WAIT_MS)
    scene.release.set()
    qtbot.waitUntil(lambda: presenter.frame is not None and presenter.frame.extra["a"] == 2.0, timeout=WAIT_MS)
    assert scene.trained == [2.0]
    presenter.close()


def test_a_request_for_the_same_slow_work_lets_it_finish(qtbot, canvas):
    scene = Training()
    presenter = ScenePresenter(scene, canvas, progressive=True)
    qtbot.waitUntil(lambda: scene.started == [1.0], timeout=WAIT_MS)
    presenter.state.set("b", 0.5)  # the same training, another picture
    qtbot.wait(100)  # many checks of the running training go by
    assert scene.interrupted == []
    scene.release.set()
    qtbot.waitUntil(lambda: presenter.frame is not None and presenter.frame.extra["b"] == 0.5, timeout=WAIT_MS)
    assert scene.interrupted == [] and scene.trained[0] == 1.0
    presenter.close()
