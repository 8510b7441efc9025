"""The differentiability scene drawn offscreen: points and slopes where the closed forms put them."""

import math

import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import color_near, rgb
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
def test_corner_secants_and_their_slopes_are_drawn_where_the_math_says(size):
    values = {"preset": "corner", "f": "|x|", "a": 0.0, "h": 0.4}
    r = OffscreenRenderer(get_scene("differentiability"), size, values=values, view=View(-1.6, 1.6, -1.2, 2.2))
    try:
        image = r.render()
        canvas = r.canvas
        theme = get_theme("light")
        radius = max(3, int(3 * size[1] / 720))
        left, right, point = rgb(theme.color("secant")), rgb(theme.color("derivative")), rgb(theme.color("point"))
        # The points (a − h, |a − h|), (a + h, |a + h|) and (a, f(a)).
        assert color_near(image, *canvas.data_to_pixel(-0.4, 0.4), left, radius)
        assert color_near(image, *canvas.data_to_pixel(0.4, 0.4), right, radius)
        assert color_near(image, *canvas.data_to_pixel(0.0, 0.0), point, radius)
        # The rays: y = −x to the left, y = x to the right, and nothing of them below the x axis.
        assert color_near(image, *canvas.data_to_pixel(-1.0, 1.0), left, radius)
        assert color_near(image, *canvas.data_to_pixel(1.0, 1.0), right, radius)
        assert not color_near(image, *canvas.data_to_pixel(0.0, 1.0), left, radius)
        assert not color_near(image, *canvas.data_to_pixel(0.8, -0.8), right, radius)
        # The slope panel: left slopes at −1 and right slopes at +1 for every h, e.g. h = 10⁻⁶.
        assert color_near(image, *canvas.data_to_pixel(-6.0, -1.0, panel="slopes"), left, radius)
        assert color_near(image, *canvas.data_to_pixel(-6.0, 1.0, panel="slopes"), right, radius)
        assert not color_near(image, *canvas.data_to_pixel(-6.0, 0.5, panel="slopes"), right, radius)
        # The current h: markers at log₁₀ 0.4.
        assert color_near(image, *canvas.data_to_pixel(math.log10(0.4), 1.0, panel="slopes"), right, radius)
    finally:
        r.close()


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
def test_smooth_curve_and_its_tangent(size):
    values = {"preset": "smooth", "f": "x^2", "a": 0.5, "h": 0.5}
    r = OffscreenRenderer(get_scene("differentiability"), size, values=values, view=View(-1.6, 1.6, -1.2, 2.2))
    try:
        image = r.render()
        canvas = r.canvas
        theme = get_theme("light")
        radius = max(3, int(3 * size[1] / 720))
        assert color_near(image, *canvas.data_to_pixel(-1.0, 1.0), rgb(theme.color("curve")), radius)
        # From (0.5, 0.25): the right secant through (1, 1) has slope 1.5, the left one through (0, 0) slope 0.5.
        assert color_near(image, *canvas.data_to_pixel(0.8, 0.25 + 1.5 * 0.3), rgb(theme.color("derivative")), radius)
        assert color_near(image, *canvas.data_to_pixel(-0.5, 0.25 - 0.5 * 1.0), rgb(theme.color("secant")), radius)
        assert not color_near(image, *canvas.data_to_pixel(-0.5, 0.25 - 1.5 * 1.0), rgb(theme.color("derivative")), radius)
        # The slope panel: right slopes 2a + h = 1.1 at h = 0.1, left slopes 2a − h = 0.9.
        assert color_near(image, *canvas.data_to_pixel(-1.0, 1.1, panel="slopes"), rgb(theme.color("derivative")), radius)
        assert color_near(image, *canvas.data_to_pixel(-1.0, 0.9, panel="slopes"), rgb(theme.color("secant")), radius)
    finally:
        r.close()
