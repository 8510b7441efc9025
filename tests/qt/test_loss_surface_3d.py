"""The 3D plane of loss-surface in the window: a drag turns its camera and leaves the heat map
where it was; the wheel zooms it; a recompute keeps the turn."""

import numpy as np
import pytest

from derivlab.qt.app import qt_application
from derivlab.qt.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    qt_application()
    w = MainWindow("loss-surface", {"resolution": 24, "arrows": 4, "steps": 20})
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    # the first picture waits for θ* to be trained, in the background
    qtbot.waitUntil(lambda: "surface3d" in w.plot.panels, timeout=60_000)
    qtbot.wait(50)
    yield w
    w.close()


def drag(canvas, start, target):
    press = canvas.events.mouse_press(pos=start, button=1, buttons=[1], modifiers=())
    middle = ((start[0] + target[0]) / 2, (start[1] + target[1]) / 2)
    last = press
    for pos in (middle, target):
        last = canvas.events.mouse_move(pos=pos, button=1, buttons=[1], modifiers=(), press_event=press,
                                        last_event=last)
    canvas.events.mouse_release(pos=target, button=1, buttons=[1], modifiers=())


def test_dragging_in_the_3d_plane_turns_it_and_does_not_pan_the_heat_map(window, qtbot):
    plot, state = window.plot, window.presenter.state
    area = plot.panels["surface3d"]
    camera = area.camera
    azimuth, elevation = camera.azimuth, camera.elevation
    heat_rect = plot.main.view.camera.rect.pos + plot.main.view.camera.rect.size
    view_before = plot.current_view()
    left, top, width, height = area.canvas_rect()
    centre = (left + width / 2, top + height / 2)
    drag(plot.canvas, centre, (centre[0] + 120, centre[1] + 30))
    qtbot.wait(20)
    assert camera.azimuth == pytest.approx(azimuth - 60.0)  # half a degree per pixel, to the left
    assert camera.elevation == pytest.approx(elevation + 15.0)
    assert plot.main.view.camera.rect.pos + plot.main.view.camera.rect.size == heat_rect
    assert plot.current_view() == view_before
    assert (state["azimuth"], state["elevation"]) == (azimuth, elevation)  # the sliders stay

    # the wheel zooms the 3D plane only
    scale = camera.scale_factor
    plot.canvas.events.mouse_wheel(pos=centre, delta=(0, 2), modifiers=(), buttons=[])
    assert camera.scale_factor < scale
    assert plot.main.view.camera.rect.pos + plot.main.view.camera.rect.size == heat_rect

    # a recompute keeps the turn; a new azimuth from the slider replaces it
    state.set("steps", 30)
    qtbot.wait(20)
    assert camera.azimuth == pytest.approx(azimuth - 60.0)
    state.set("azimuth", 15.0)
    assert camera.azimuth == 15.0


def test_dragging_the_heat_map_still_pans_it(window, qtbot):
    plot = window.plot
    camera = plot.panels["surface3d"].camera
    azimuth = camera.azimuth
    before = plot.current_view()
    left, top, width, height = plot.main.canvas_rect()
    start = (left + 0.8 * width, top + 0.2 * height)  # away from the draggable start point
    drag(plot.canvas, start, (start[0] - 100, start[1]))
    qtbot.wait(20)
    after = plot.current_view()
    assert after.x_min > before.x_min and np.isclose(after.width, before.width)
    assert camera.azimuth == azimuth
