"""In the window, heavy scenes draw coarse at once and refine a moment later."""

from derivlab.qt.app import qt_application
from derivlab.qt.main_window import MainWindow


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
