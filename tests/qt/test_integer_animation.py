"""Play buttons on integer parameters: the backprop pass steps through whole steps to the end."""

import pytest

from derivlab.qt.app import qt_application
from derivlab.qt.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    qt_application()
    w = MainWindow("backprop", {})
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def test_playing_the_pass_moves_step_in_whole_steps(window, qtbot):
    bar = window.animation_bar
    seen = []
    window.presenter.state.connect(lambda changed: seen.append(changed.get("step")))
    label = "forward and backward pass"
    spec = bar.animations[label]
    bar.animations[label] = type(spec)(spec.parameter, spec.start, spec.end, 0.6, spec.easing)
    bar.play(label)
    qtbot.waitUntil(lambda: not bar.playing, timeout=5000)
    steps = [s for s in seen if s is not None]
    assert steps and all(isinstance(s, int) for s in steps)
    assert steps == sorted(steps) or max(steps) <= 16
    # Past the network's last step (10) the value stays there until the slider's end, which shows the finished pass.
    assert window.presenter.state["step"] in (10, 16)
    assert "whole number" not in window.statusBar().currentMessage()
