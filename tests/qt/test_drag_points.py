"""Dragging points that set a pair of parameters: a Bézier control point, a point kept on an implicit curve."""

import numpy as np
import pytest

from derivlab.qt.app import qt_application
from derivlab.qt.main_window import MainWindow
from derivlab.scenes.bezier import bezier_point
from derivlab.scenes.implicit import implicit_function


def open_window(qtbot, scene):
    qt_application()
    window = MainWindow(scene, {})
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)
    return window


def drag(plot, start, target):
    canvas = plot.canvas
    canvas.events.mouse_press(pos=start, button=1, modifiers=())
    middle = ((start[0] + target[0]) / 2, (start[1] + target[1]) / 2)
    canvas.events.mouse_move(pos=middle, button=1, modifiers=(), press_event=None)
    canvas.events.mouse_move(pos=target, button=1, modifiers=(), press_event=None)
    canvas.events.mouse_release(pos=target, button=1, modifiers=())


def test_dragging_a_bezier_control_point_moves_it_and_the_curve(qtbot):
    window = open_window(qtbot, "bezier")
    try:
        state, plot = window.presenter.state, window.plot
        p2 = (state["p2x"], state["p2y"])
        others = {name: state[name] for name in ("p0x", "p0y", "p1x", "p1y", "p3x", "p3y")}
        drag(plot, plot.data_to_pixel(*p2), plot.data_to_pixel(0.5, -1.0))
        assert state["p2x"] == pytest.approx(0.5, abs=0.03)
        assert state["p2y"] == pytest.approx(-1.0, abs=0.03)
        assert {name: state[name] for name in others} == others  # only P₂ moved
        assert plot.view.camera.interactive  # panning is back after the drag
        control = np.array([[state[f"p{i}x"], state[f"p{i}y"]] for i in range(4)])
        x_text = window.readouts.value_texts()["x(t)"].replace("−", "-")
        assert float(x_text) == pytest.approx(bezier_point(control, state["t"])[0], rel=1e-9)
    finally:
        window.close()


def test_dragging_the_implicit_point_keeps_it_on_the_curve(qtbot):
    window = open_window(qtbot, "implicit")
    try:
        state, plot = window.presenter.state, window.plot
        frame = window.presenter.scene.compute(state.as_dict(), plot.current_view())
        start = (frame.extra["x0"], frame.extra["y0"])
        drag(plot, plot.data_to_pixel(*start), plot.data_to_pixel(0.9, 1.7))
        assert state["px"] == pytest.approx(0.9, abs=0.03)
        assert state["py"] == pytest.approx(1.7, abs=0.03)
        texts = window.readouts.value_texts()
        x, y = (float(texts[s].replace("−", "-")) for s in ("x", "y"))
        assert abs(implicit_function("folium", x, y, 0.0, state["a"])) < 1e-8  # shown on x³ + y³ = 3axy
        assert np.hypot(x - 0.9, y - 1.7) < 0.3
    finally:
        window.close()
