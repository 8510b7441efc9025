"""rules drawn offscreen: the strips and corner of the growing rectangle and square where the math puts them."""

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import rgb
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene


def tinted_by(image, col, row, color, background, radius=2):
    """The pixel (col, row) lies on the line from the background to ``color`` (a translucent fill of it)."""
    c, r = int(round(col)), int(round(row))
    patch = image[r - radius : r + radius + 1, c - radius : c + radius + 1, :3].astype(float).reshape(-1, 3)
    direction = (color - background) / np.linalg.norm(color - background)
    offsets = patch - background
    along = offsets @ direction
    across = np.linalg.norm(offsets - np.outer(along, direction), axis=1)
    return bool(((along > 25) & (across < 25)).any())


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
def test_square_strips_and_corner(size):
    x, dx = 1.0, 0.4
    renderer = OffscreenRenderer(get_scene("rules"), size, values={"rule": "power", "a": x, "h": dx}, view=View(-2, 3, -1, 6))
    try:
        image = renderer.render()
        canvas = renderer.canvas
        theme = get_theme("light")
        bg = rgb(theme.background)
        # Off grid lines and labels: the right strip x·Δx, the top strip and the corner Δx².
        assert tinted_by(image, *canvas.data_to_pixel(x + 0.27 * dx, 0.27 * x, panel="picture"), rgb(theme.color("secant")), bg)
        assert tinted_by(image, *canvas.data_to_pixel(0.73 * x, x + 0.63 * dx, panel="picture"), rgb(theme.color("tangent")), bg)
        assert tinted_by(image, *canvas.data_to_pixel(x + 0.63 * dx, x + 0.37 * dx, panel="picture"), rgb(theme.color("second")), bg)
        # Outside the grown square: background.
        col, row = canvas.data_to_pixel(x + 1.27 * dx, x + 1.37 * dx, panel="picture")
        assert np.linalg.norm(image[int(row), int(col), :3] - bg) < 40
        # The point (x, x²) on the main plane's parabola.
        pc, pr = canvas.data_to_pixel(x, x**2)
        patch = image[int(pr) - 3 : int(pr) + 4, int(pc) - 3 : int(pc) + 4, :3].astype(float)
        assert (np.linalg.norm(patch - rgb(theme.color("point")), axis=-1) < 70).any()
    finally:
        renderer.close()


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
def test_product_rectangle_strips(size):
    renderer = OffscreenRenderer(get_scene("rules"), size, values={"rule": "product", "f": "x", "g": "x^2", "a": 1.5, "h": 0.3},
                                 view=View(-2, 3, -1, 6))
    try:
        image = renderer.render()
        canvas = renderer.canvas
        theme = get_theme("light")
        bg = rgb(theme.background)
        f, g, f1, g1 = 1.5, 2.25, 1.8, 3.24
        assert tinted_by(image, *canvas.data_to_pixel(f + 0.37 * (f1 - f), 0.37 * g, panel="picture"), rgb(theme.color("secant")), bg)
        assert tinted_by(image, *canvas.data_to_pixel(0.63 * f, g + 0.37 * (g1 - g), panel="picture"), rgb(theme.color("tangent")), bg)
        assert tinted_by(image, *canvas.data_to_pixel(f + 0.63 * (f1 - f), g + 0.63 * (g1 - g), panel="picture"), rgb(theme.color("second")), bg)
    finally:
        renderer.close()
