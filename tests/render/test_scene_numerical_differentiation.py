"""numerical-differentiation drawn offscreen: the secant on the curve and the log–log error panel."""

import math

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene


def rgb(hex_color):
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], float)


def color_near(image, col, row, color, radius=3, tolerance=70):
    c, r = int(round(col)), int(round(row))
    patch = image[max(r - radius, 0) : r + radius + 1, max(c - radius, 0) : c + radius + 1, :3].astype(float)
    return bool((np.linalg.norm(patch - color, axis=-1) < tolerance).any())


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
def test_secant_curve_and_error_branches_where_the_math_puts_them(size):
    a, h = 1.0, 0.3
    values = {"f": "sin(x)", "a": a, "h": h, "method": "central", "precision": "float64"}
    renderer = OffscreenRenderer(get_scene("numerical-differentiation"), size, values=values, view=View(-2, 4, -2, 2))
    try:
        image = renderer.render()
        canvas = renderer.canvas
        theme = get_theme("light")
        r = max(3, int(3 * size[1] / 1080))
        # sin at its trough (−π/2, −1) and the central secant at x = −1.5.
        assert color_near(image, *canvas.data_to_pixel(-math.pi / 2, -1.0), rgb(theme.color("curve")), radius=r)
        slope = (math.sin(a + h) - math.sin(a - h)) / (2 * h)
        assert color_near(image, *canvas.data_to_pixel(-1.5, math.sin(a - h) + slope * (-1.5 - (a - h))), rgb(theme.color("secant")), radius=r)
        # Panel: the forward truncation branch |f″|h/2 at h = 10⁻² and the central one |f‴|h²/6 at h = 10⁻¹.
        left, top, width, height = canvas.panels["error"].canvas_rect()
        col, row = canvas.data_to_pixel(-2.0, math.log10(math.sin(1) * 1e-2 / 2), panel="error")
        assert left < col < left + width and top < row < top + height
        assert color_near(image, col, row, rgb(theme.color("secant")), radius=r)
        central = abs((math.sin(1.1) - math.sin(0.9)) / 0.2 - math.cos(1))
        assert color_near(image, *canvas.data_to_pixel(-1.0, math.log10(central), panel="error"), rgb(theme.color("tangent")), radius=r)
        # The cursor at h = 0.3 is a vertical line in the point colour.
        col, _ = canvas.data_to_pixel(math.log10(h), 0.0, panel="error")
        assert color_near(image, col, top + 0.75 * height, rgb(theme.color("point")), radius=r)
        # Below the round-off branches at h = 10⁻¹², far above the complex-step floor: background.
        assert not color_near(image, *canvas.data_to_pixel(-12.0, -10.0, panel="error"), rgb(theme.color("tangent")), radius=r)
    finally:
        renderer.close()
