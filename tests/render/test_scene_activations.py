"""activations drawn offscreen: σ, σ′ and the depth panel where the math puts them."""

import math

import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import color_near, rgb
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
def test_sigmoid_its_derivative_and_the_bound_in_the_depth_panel(size):
    values = {"activation": "sigmoid", "z0": 1.0, "depth": 30}
    renderer = OffscreenRenderer(get_scene("activations"), size, values=values, view=View(-5, 5, -1.5, 2.5))
    try:
        image = renderer.render()
        canvas = renderer.canvas
        theme = get_theme("light")
        r = max(3, int(3 * size[1] / 1080))
        sigma = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
        # σ at z = −3 and z = 3.5, σ′ at z = 2.5 (away from the tangent and the 1/4 line).
        assert color_near(image, *canvas.data_to_pixel(-3.0, sigma(-3.0)), rgb(theme.color("curve")), radius=r)
        assert color_near(image, *canvas.data_to_pixel(3.5, sigma(3.5)), rgb(theme.color("curve")), radius=r)
        assert color_near(image, *canvas.data_to_pixel(2.5, sigma(2.5) * (1 - sigma(2.5))), rgb(theme.color("derivative")), radius=r)
        # The point (1, σ(1)).
        assert color_near(image, *canvas.data_to_pixel(1.0, sigma(1.0)), rgb(theme.color("point")), radius=r)
        # The depth panel: the sigmoid bound (1/4)^L at L = 20 and the ReLU line (1/2)^L at L = 10.
        left, top, width, height = canvas.panels["depth"].canvas_rect()
        col, row = canvas.data_to_pixel(20.0, 20 * math.log10(0.25), panel="depth")
        assert left < col < left + width and top < row < top + height
        assert color_near(image, col, row, rgb(theme.color("text")), radius=2 * r)
        assert color_near(image, *canvas.data_to_pixel(10.0, 10 * math.log10(0.5), panel="depth"), rgb(theme.color("second")), radius=2 * r)
        # Far above every line in the panel (at L = 25 the largest curve is (1/2)^25 ≈ 3·10⁻⁸): background.
        col, row = canvas.data_to_pixel(25.0, -3.0, panel="depth")
        assert not color_near(image, col, row, rgb(theme.color("secant")), radius=r)
    finally:
        renderer.close()
