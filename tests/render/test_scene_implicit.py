"""The implicit scene drawn offscreen: the point, its tangent and the tangent points where the math puts them."""

import math

import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import color_near, rgb
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene

SIZES = [(1280, 720), (3840, 2160)]
VIEW = View(-4.4, 5.2, -2.5, 2.9)


def render(size, values):
    renderer = OffscreenRenderer(get_scene("implicit"), size, values=values, view=VIEW)
    try:
        return renderer.render(), renderer.canvas
    finally:
        renderer.close()


@pytest.mark.parametrize("size", SIZES)
def test_folium_point_tangent_and_tangent_points(size):
    t = 0.5  # P = (3t/(1+t³), 3t²/(1+t³)) on the folium with a = 1
    x0, y0 = 3 * t / (1 + t**3), 3 * t**2 / (1 + t**3)
    image, canvas = render(size, {"curve": "folium", "a": 1.0, "px": x0, "py": y0})
    theme = get_theme("light")
    radius = 3 if size[0] < 2000 else 7
    assert color_near(image, *canvas.data_to_pixel(x0, y0), rgb(theme.color("point")), radius=radius)
    slope = (y0 - x0**2) / (y0**2 - x0)
    # The tangent, away from the curve: at x = 2.5 and x = -0.5.
    for x in (2.5, -0.5):
        assert color_near(image, *canvas.data_to_pixel(x, y0 + slope * (x - x0)), rgb(theme.color("tangent")), radius=radius)
    # Horizontal tangent at (2^(1/3), 2^(2/3)), vertical at (2^(2/3), 2^(1/3)).
    assert color_near(image, *canvas.data_to_pixel(2 ** (1 / 3), 2 ** (2 / 3)), rgb(theme.color("derivative")), radius=radius)
    assert color_near(image, *canvas.data_to_pixel(2 ** (2 / 3), 2 ** (1 / 3)), rgb(theme.color("second")), radius=radius)
    # The curve on the upper-left branch (t = −0.6).
    t = -0.6
    assert color_near(image, *canvas.data_to_pixel(3 * t / (1 + t**3), 3 * t**2 / (1 + t**3)), rgb(theme.color("curve")), radius=radius)
    # No tangent colour far from the tangent line (top left of the loop).
    assert not color_near(image, *canvas.data_to_pixel(-1.0, 2.0), rgb(theme.color("tangent")), radius=radius)


@pytest.mark.parametrize("size", SIZES)
def test_circle_point_and_its_tangent(size):
    r, angle = 2.0, 2.2
    x0, y0 = r * math.cos(angle), r * math.sin(angle)
    image, canvas = render(size, {"curve": "circle", "r": r, "px": 3 * math.cos(angle), "py": 3 * math.sin(angle)})
    theme = get_theme("light")
    radius = 3 if size[0] < 2000 else 7
    assert color_near(image, *canvas.data_to_pixel(x0, y0), rgb(theme.color("point")), radius=radius)
    slope = -x0 / y0
    for x in (-3.5, 0.5):
        assert color_near(image, *canvas.data_to_pixel(x, y0 + slope * (x - x0)), rgb(theme.color("tangent")), radius=radius)
    assert color_near(image, *canvas.data_to_pixel(r * math.cos(-0.7), r * math.sin(-0.7)), rgb(theme.color("curve")), radius=radius)
    assert color_near(image, *canvas.data_to_pixel(0.0, -r), rgb(theme.color("derivative")), radius=radius)
    assert color_near(image, *canvas.data_to_pixel(-r, 0.0), rgb(theme.color("second")), radius=radius)
