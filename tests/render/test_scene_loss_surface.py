"""loss-surface drawn offscreen: the heat map's colour at a computed cell, contour lines from the
fragment shader, the minimum marker, a trajectory and the loss panel."""

from __future__ import annotations

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.heatmap import expected_color
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import color_near, rgb
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene

VIEW = View(-2.0, 2.0, -2.0, 2.0)


def quiet_cell(heat, avoid: list[tuple[float, float]]) -> tuple[float, float, float]:
    """(u, v, value) of a cell centre far from every contour level and from the points ``avoid``."""
    levels = heat.contour_levels()
    low, high = heat.limits()
    rows, cols = heat.values.shape
    gap = (high - low) / (heat.contours + 1)
    for r in range(rows // 4, rows - 4):  # not at the edges (axis names, tick labels)
        for c in range(cols // 2, cols - 4):
            value = float(heat.values[r, c])
            u = heat.x_range[0] + (c + 0.5) * (heat.x_range[1] - heat.x_range[0]) / cols
            v = heat.y_range[0] + (r + 0.5) * (heat.y_range[1] - heat.y_range[0]) / rows
            near_axis = min(abs(u), abs(v)) < 0.3  # axis lines and their labels
            if not near_axis and np.min(np.abs(levels - value)) > 0.3 * gap and all(np.hypot(u - a, v - b) > 0.7 for a, b in avoid):
                return u, v, value
    raise AssertionError("no quiet cell")


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
def test_heat_map_contours_minimum_and_paths(size: tuple[int, int]) -> None:
    values = {"arrows": 0, "resolution": 48}
    renderer = OffscreenRenderer(get_scene("loss-surface"), size, values=values, view=VIEW)
    try:
        image = renderer.render()
        frame = renderer.presenter.frame
        canvas = renderer.canvas
        theme = get_theme("light")
        r = max(2, int(2 * size[1] / 1080))
        heat = frame.drawable("surface")

        # The colour map at a cell centre away from contour lines and other drawables.
        points = [tuple(p) for _, (path, _) in frame.extra["paths"].items() for p in path[np.isfinite(path).all(axis=1)]]
        u, v, value = quiet_cell(heat, points + [(0.0, 0.0), frame.extra["minimum"][:2]])
        col, row = canvas.data_to_pixel(u, v)
        got = image[int(round(row)), int(round(col)), :3].astype(float)
        assert np.linalg.norm(got - expected_color(heat, value)) < 8, (got, expected_color(heat, value))

        # A contour line: along a horizontal line of pixels, the colour is whitened where the level is crossed.
        white = np.array([255.0, 255.0, 255.0])
        left, top, width, height = canvas.main.canvas_rect()
        row_px = int(top + 0.85 * height)
        strip = image[row_px, int(left) + 5 : int(left + width) - 5, :3].astype(float)
        assert (np.linalg.norm(strip - white, axis=1) < 140).any()

        # The minimum marker where the grid's smallest value is.
        mx, my, _ = frame.extra["minimum"]
        assert color_near(image, *canvas.data_to_pixel(mx, my), rgb(theme.color("derivative")), radius=r)

        # Gradient descent's path through its 3rd iterate; the start point.
        path, losses = frame.extra["paths"]["gradient descent"]
        assert color_near(image, *canvas.data_to_pixel(*path[3]), rgb(theme.color("tangent")), radius=r + 1)
        assert color_near(image, *canvas.data_to_pixel(*path[0]), rgb(theme.color("point")), radius=r)

        # Loss panel: Adam's gap at t = 10 on the log axis.
        panel = frame.panel("loss")
        curve = next(d for d in panel.drawables if d.key == "loss_adam")
        col, row = canvas.data_to_pixel(10.0, float(curve.y[10]), panel="loss")
        pl, pt, pw, ph = canvas.panels["loss"].canvas_rect()
        assert pl < col < pl + pw and pt < row < pt + ph
        assert color_near(image, col, row, rgb(theme.color("second")), radius=r + 1)
    finally:
        renderer.close()


def test_empty_cells_are_left_empty() -> None:
    """NaN values are not drawn: the background shows through."""
    from derivlab.render.heatmap import EMPTY, normalized_values
    from derivlab.scenes.drawables import Heatmap

    heat = Heatmap("h", np.array([[0.0, np.nan], [1.0, 2.0]]), (0, 1), (0, 1))
    s = normalized_values(heat)
    assert s[0, 1] == EMPTY and s[0, 0] == 0.0 and s[1, 1] == 1.0
    assert heat.limits() == (0.0, 2.0)
    np.testing.assert_allclose(heat.contour_levels(), 2.0 * np.arange(1, 11) / 11)
