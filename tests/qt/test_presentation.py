"""Lecture-hall mode driven the way a clicker drives it."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from derivlab.model.lesson import read_lesson
from derivlab.qt.app import qt_application
from derivlab.qt.main_window import MainWindow
from derivlab.resources import asset_path
from derivlab.scenes import SCENES

LESSON = asset_path("lessons", "derivative-as-a-limit.derivlab.toml")


@pytest.fixture
def window(qtbot):
    qt_application()
    w = MainWindow("secant", {})
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.presentation.leave()
    w.close()


def expected_steps():
    declarations = {name: scene.parameters for name, scene in SCENES.items()}
    return read_lesson(LESSON, declarations).steps


def check_step(window, step):
    window.lesson_player.finish()  # the clicker may press again before an animation ends
    assert window.presenter.scene.name == step.scene
    state = window.presenter.state
    for name, value in step.values.items():
        if step.timeline is not None and name in step.timeline.animated_parameters():
            animate = step.timeline.values_at(step.timeline.duration, step.values)
            assert state[name] == pytest.approx(animate[name])
        else:
            assert state[name] == pytest.approx(value) if isinstance(value, float) else state[name] == value


def test_clicker_walks_the_sample_lesson_forward_and_back(window, qtbot):
    steps = expected_steps()
    window.load_lesson(str(LESSON))
    window.start_presentation()
    assert window.presentation.active and window.isFullScreen() and window.theme == "projector"
    assert not window.menuBar().isVisible()
    check_step(window, steps[0])
    for index, key in zip(range(1, len(steps)), [Qt.Key.Key_PageDown, Qt.Key.Key_Right, Qt.Key.Key_Space] * 3, strict=False):
        qtbot.keyClick(window, key)
        assert window.lesson_player.index == index
        check_step(window, steps[index])
        assert window.plot._caption == steps[index].caption
    qtbot.keyClick(window, Qt.Key.Key_PageDown)  # past the end stays on the last step
    assert window.lesson_player.index == len(steps) - 1
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    assert window.lesson_player.index == len(steps) - 2
    check_step(window, steps[-2])
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert window.lesson_player.index == len(steps) - 3
    qtbot.keyClick(window, Qt.Key.Key_Home)
    check_step(window, steps[0])
    qtbot.keyClick(window, Qt.Key.Key_End)
    assert window.lesson_player.index == len(steps) - 1
    qtbot.keyClick(window, Qt.Key.Key_2)
    window.lesson_player.finish()
    assert window.lesson_player.index == 1
    check_step(window, steps[1])


def test_blank_spotlight_and_escape(window, qtbot):
    window.load_lesson(str(LESSON))
    window.start_presentation()
    qtbot.keyClick(window, Qt.Key.Key_B)
    assert window.presentation.blackout.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Period)
    assert not window.presentation.blackout.isVisible()
    qtbot.keyPress(window, Qt.Key.Key_S)
    assert window.presentation.spotlight.isVisible()
    qtbot.keyRelease(window, Qt.Key.Key_S)
    assert not window.presentation.spotlight.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.presentation.active and not window.isFullScreen()
    assert window.menuBar().isVisible() and window.theme == "light"
    assert window.plot.pixel_scale == 1.0


def test_next_step_glides_from_the_current_state(window, qtbot):
    window.load_lesson(str(LESSON))
    window.lesson_player.go(3, animate=False)  # x² at a = 2, h = 0.5
    window.presenter.state.set("a", 1.0)
    window.lesson_player.go(4)  # sin at a = 0.5: a different f, so f changes at once, a glides
    assert window.presenter.state["f"] == "sin(x)"
    qtbot.waitUntil(lambda: not window.lesson_player.playing, timeout=5000)
    assert window.presenter.state["a"] == pytest.approx(0.5)


def test_a_lesson_with_errors_lists_its_lines(window, tmp_path):
    bad = tmp_path / "bad.derivlab.toml"
    bad.write_text('title = "x"\n\n[[step]]\nscene = "secant"\nvalues = { h = 0 }\n\n[[step]]\nscene = "nope"\n\n[[step]]\nscene = "secant"\n')
    lesson = window.load_lesson(str(bad))
    assert len(lesson.steps) == 2
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    text = boxes[-1].text()
    assert "line 5:" in text and "line 8:" in text and "no scene called 'nope'" in text
    for box in boxes:
        box.close()


def test_zoom_back_key_in_presentation(window, qtbot):
    from derivlab.model import View

    window.load_lesson(str(LESSON))
    window.start_presentation()
    before = window.plot.current_view()
    window.plot._zoom_stack.append(before)
    window.plot.set_view(View(0, 1, 0, 1))
    qtbot.keyClick(window, Qt.Key.Key_Z)
    assert window.plot.current_view().x_min == pytest.approx(before.x_min)
