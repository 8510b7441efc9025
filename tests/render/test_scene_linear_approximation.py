"""linear-approximation drawn offscreen: the curve, the tangent and the log-log error where the math puts them."""

import math

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import color_near, rgb
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
def test_tangent_and_error_panel_are_where_the_math_puts_them(size):
    a, h = 0.5, 0.6
    renderer = OffscreenRenderer(get_scene("linear-approximation"), size, values={"a": a, "h": h}, view=View(-2.5, 2.5, -4, 4))
    try:
        image = renderer.render()
        canvas = renderer.canvas
        theme = get_theme("light")
        scale = size[1] / 1080
        f = lambda x: x**3 - 3 * x  # noqa: E731
        slope = 3 * a**2 - 3
        # The curve at its local maximum (−1, 2) and the dashed tangent at several points.
        assert color_near(image, *canvas.data_to_pixel(-1.0, 2.0), rgb(theme.color("curve")), radius=int(3 * scale))
        xs = np.linspace(-1.8, -0.2, 12)
        hits = [color_near(image, *canvas.data_to_pixel(x, f(a) + slope * (x - a)), rgb(theme.color("tangent")), radius=int(6 * scale)) for x in xs]
        assert np.mean(hits) > 0.4
        # The error segment at x = a + h, halfway between L(a+h) and f(a+h).
        mid = (f(a + h) + f(a) + slope * h) / 2
        assert color_near(image, *canvas.data_to_pixel(a + h, mid), rgb(theme.color("secant")), radius=int(3 * scale))
        # In the panel: E(h) = 3a·h² + h³ at |h| = 10⁻⁶ (log-log), and the current step's marker.
        step = 1e-6
        col, row = canvas.data_to_pixel(-6.0, math.log10(3 * a * step**2 + step**3), panel="error")
        left, top, width, height = canvas.panels["error"].canvas_rect()
        assert left < col < left + width and top < row < top + height
        assert color_near(image, col, row, rgb(theme.color("secant")), radius=int(4 * scale)) or color_near(
            image, col, row, rgb(theme.color("derivative")), radius=int(4 * scale)
        )
        marker = canvas.data_to_pixel(math.log10(h), math.log10(3 * a * h**2 + h**3), panel="error")
        assert color_near(image, *marker, rgb(theme.color("point")), radius=int(3 * scale))
        # Far from every line, the panel's top right corner is background.
        assert not color_near(image, left + 0.9 * width, top + 0.6 * height, rgb(theme.color("secant")), radius=2)
    finally:
        renderer.close()
