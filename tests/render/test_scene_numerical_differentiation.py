"""numerical-differentiation drawn offscreen: the secant on the curve and the log–log error panel."""

import math

import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import color_near, rgb
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene


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
        # The central truncation branch |f‴|h²/6 at h = 10⁻⁵, where round-off has pulled the measured
        # error away from it (at larger h the measured error lies on it and, antialiased, covers it).
        central = abs(math.cos(1)) * 1e-10 / 6
        assert color_near(image, *canvas.data_to_pixel(-5.0, math.log10(central), panel="error"), rgb(theme.color("tangent")), radius=r)
        # The cursor at h = 0.3 is a vertical line in the point colour.
        col, _ = canvas.data_to_pixel(math.log10(h), 0.0, panel="error")
        assert color_near(image, col, top + 0.75 * height, rgb(theme.color("point")), radius=r)
        # Below the round-off branches at h = 10⁻¹², far above the complex-step floor: background.
        assert not color_near(image, *canvas.data_to_pixel(-12.0, -10.0, panel="error"), rgb(theme.color("tangent")), radius=r)
    finally:
        renderer.close()
