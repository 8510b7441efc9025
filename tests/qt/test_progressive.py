"""In the window, heavy scenes draw coarse at once and refine a moment later, in the background."""

import threading

from PySide6.QtCore import QTimer

from derivlab.qt.app import qt_application
from derivlab.qt.main_window import MainWindow
from derivlab.scenes import get_scene


def test_weierstrass_draws_coarse_then_refines(qtbot):
    qt_application()
    w = MainWindow("weierstrass", {})
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    seen = []
    w.presenter.on_frame(lambda frame: seen.append(frame.extra.get("samples_per_column")))
    w.presenter.state.set("x0", 0.31)
    assert seen[-1] == 2  # the first picture after the change is coarse
    qtbot.waitUntil(lambda: seen[-1] == w.presenter.state["samples"], timeout=5000)
    assert w.presenter.state["samples"] > 2
    w.close()


def open_window(qtbot, scene_name, values):
    qt_application()
    w = MainWindow(scene_name, values)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_the_event_loop_runs_while_the_loss_surface_trains(qtbot, monkeypatch):
    scene = get_scene("loss-surface")
    gate = threading.Event()
    train = type(scene).prepare

    def gated_training(self, values):  # the training waits for the test, however fast it would be
        assert gate.wait(30)
        train(self, values)

    monkeypatch.setattr(type(scene), "prepare", gated_training)
    w = open_window(qtbot, "loss-surface", {"seed": 7301, "samples": 64, "hidden": 4})
    assert w.presenter.frame is None
    assert w.busy_label.isVisible() and w.busy_label.text().startswith("Training the 2-4-1 network")
    assert w.readouts.caption.text().startswith("Training the 2-4-1 network")
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(w.presenter.frame))
    timer.start(10)
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=10_000)
    assert w.presenter.frame is None and ticks[:5] == [None] * 5  # ticked while the network trained
    gate.set()
    qtbot.waitUntil(lambda: w.presenter.frame is not None, timeout=60_000)
    timer.stop()
    assert w.presenter.frame.extra["data"].samples == 64 and w.presenter.frame.extra["network"].hidden == (4,)
    qtbot.waitUntil(lambda: not w.busy_label.isVisible(), timeout=5000)
    assert w.readouts.caption.text() == w.presenter.frame.caption
    w.close()


def test_an_untrained_loss_surface_arrives_whole_and_then_draws_coarse_first(qtbot):
    w = open_window(qtbot, "loss-surface", {"samples": 64, "hidden": 3})
    # settled: the backend probe has answered (it redraws) and nothing is computing
    qtbot.waitUntil(lambda: w.backend_label.text() != "Backend: probing…", timeout=60_000)
    qtbot.waitUntil(lambda: w.presenter.frame is not None and not w.presenter.busy, timeout=60_000)
    qtbot.wait(300)
    seen = []
    w.presenter.on_frame(lambda frame: seen.append((frame.extra["theta"].size, frame.extra["surface"].values.shape)))
    w.presenter.state.set("seed", 7302)  # a network not trained yet: nothing until it is
    assert seen == [] and w.presenter.busy.startswith("Training the 2-3-1 network")
    qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    assert seen == [(13, (64, 64))]  # the final frame, not a coarse one
    w.presenter.state.set("resolution", 48)  # trained now: the coarse grid at once, then the full one
    assert seen[-1] == (13, (32, 32))
    qtbot.waitUntil(lambda: seen[-1] == (13, (48, 48)), timeout=10_000)
    w.close()
