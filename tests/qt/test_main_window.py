"""The real window under pytest-qt: typing, sliders, keys, dragging, scene list."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from derivlab.qt.app import qt_application
from derivlab.qt.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    qt_application()
    w = MainWindow("secant", {})
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def readout(window, symbol):
    return window.readouts.value_texts()[symbol]


def test_window_shows_scene_readouts_and_status(window, qtbot):
    assert window.windowTitle() == "derivlab — Secant to tangent"
    assert readout(window, "f′(a)") == "2.07"
    qtbot.waitUntil(lambda: window.backend_label.text() != "Backend: probing…", timeout=60_000)
    assert window.backend_label.text().startswith("Backend: numpy")
    assert window.gl_label.text().startswith("OpenGL:")


def test_typing_a_function_updates_derivative_and_readouts(window, qtbot):
    box = window.function_boxes["f"]
    box.edit.clear()
    qtbot.keyClicks(box.edit, "sin(x^2)")
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert window.presenter.state["f"] == "sin(x^2)"
    assert readout(window, "f′(a)") == f"{2 * 1.3 * np.cos(1.3**2):.10g}".replace("-", "−")
    assert not box.error.isVisible()
    # The typeset f and f′ are shown as pictures.
    formulas = box.findChildren(type(box.error), "formula")
    assert formulas and all(label.pixmap() is not None and not label.pixmap().isNull() for label in formulas)


def test_a_malformed_function_is_explained_and_changes_nothing(window, qtbot):
    box = window.function_boxes["f"]
    box.edit.setText("sin(x^2")
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert box.error.isVisible() and "column" in box.error.text()
    assert window.presenter.state["f"] == "x^3 - 3x"
    assert readout(window, "f′(a)") == "2.07"


def test_h_keys_halve_and_flip_the_step(window, qtbot):
    window.plot.canvas.native.setFocus()
    start = window.presenter.state["h"]
    window.scale_step(0.5)
    assert window.presenter.state["h"] == start / 2
    window.scale_step(-1.0)
    assert window.presenter.state["h"] == -start / 2
    assert window.parameter_panel.controls["h"].sign_buttons.checkedId() == 2


def test_slider_sets_h_on_a_log_scale(window):
    control = window.parameter_panel.controls["h"]
    control.slider.setValue(0)
    assert window.presenter.state["h"] == pytest.approx(1e-8)
    control.slider.setValue(1000)
    assert window.presenter.state["h"] == pytest.approx(2.0)
    a, h = 1.3, 2.0
    assert float(readout(window, "Δf/h").replace("−", "-")) == pytest.approx(((a + h) ** 3 - 3 * (a + h) - (a**3 - 3 * a)) / h, rel=1e-9)


def test_dragging_the_point_moves_a(window, qtbot):
    plot = window.plot
    qtbot.wait(50)
    start = plot.data_to_pixel(1.3, 1.3**3 - 3 * 1.3)
    target = plot.data_to_pixel(-0.5, 0.0)
    canvas = plot.canvas
    canvas.events.mouse_press(pos=start, button=1, modifiers=())
    canvas.events.mouse_move(pos=target, button=1, modifiers=(), press_event=None)
    canvas.events.mouse_release(pos=target, button=1, modifiers=())
    assert window.presenter.state["a"] == pytest.approx(-0.5, abs=0.02)
    assert plot.view.camera.interactive


def test_switching_scenes_keeps_each_scenes_values(window):
    window.presenter.state.set("h", 0.125)
    window.open_scene("secant")
    assert window.presenter.state["h"] == 0.125


def test_table_beside_the_canvas_reads_the_difference_quotients(window):
    window.presenter.state.update({"f": "x^2", "a": 2.0})
    assert [row[3] for row in window.tables.texts()] == ["5", "4.1", "4.01", "4.001"]


def test_play_moves_h_toward_zero_and_stops(window, qtbot):
    bar = window.animation_bar
    bar.animations = {k: type(v)(v.parameter, v.start, v.end, 0.3, v.easing) for k, v in bar.animations.items()}
    bar.play("h → 0 from the left")
    assert window.presenter.state["h"] == -2.0
    qtbot.waitUntil(lambda: not bar.playing, timeout=5000)
    assert window.presenter.state["h"] == pytest.approx(-1e-6)
    window.toggle_animation()  # Space plays the last one again
    assert bar.playing
    window.toggle_animation()
    assert not bar.playing


def test_scene_titles_fit_the_list_and_a_long_reason_is_brief_in_the_status_bar(window):
    from derivlab.qt.main_window import SCENE_LIST_MAX_WIDTH, brief_reason

    titles = [window.scene_list.item(i).text() for i in range(window.scene_list.count())]
    metrics = window.scene_list.fontMetrics()
    longest = max(metrics.horizontalAdvance(t) for t in titles)
    assert window.scene_list.viewport().width() >= min(longest, SCENE_LIST_MAX_WIDTH - 40)
    assert window.scene_list.horizontalScrollBar().isVisible() is False
    reason = ("no NVIDIA driver found: libcuda.so.1 cannot be loaded (libcuda.so.1: cannot open shared "
              "object file: No such file or directory); using numpy on the CPU")
    assert brief_reason(reason) == "no NVIDIA driver found"
    assert brief_reason("numpy requested") == "numpy requested"
    long_words = "CuPy " + "x" * 30 + " failed because the kernel cache folder is not writable and more"
    short = brief_reason(long_words)
    assert short.endswith("…") and len(short) <= 60 and long_words.startswith(short[:-1])
