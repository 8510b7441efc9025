"""gradient-descent drawn offscreen: curve, iterates, tangent steps and the loss panel."""

import math

import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import color_near, rgb
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
def test_iterates_tangent_steps_and_loss_line(size):
    eta, theta0 = 0.3, 2.2
    values = {"f": "x^2", "theta0": theta0, "eta": eta, "steps": 20, "optimizer": "gradient descent"}
    renderer = OffscreenRenderer(get_scene("gradient-descent"), size, values=values, view=View(-3, 3, -1.5, 8))
    try:
        image = renderer.render()
        canvas = renderer.canvas
        theme = get_theme("light")
        r = max(3, int(3 * size[1] / 1080))
        # The parabola at x = −2 (nothing else there), the start point, and θ₁ = 0.4·2.2 = 0.88 on the curve.
        assert color_near(image, *canvas.data_to_pixel(-2.0, 4.0), rgb(theme.color("curve")), radius=r)
        assert color_near(image, *canvas.data_to_pixel(theta0, theta0**2), rgb(theme.color("point")), radius=r)
        assert color_near(image, *canvas.data_to_pixel(0.88, 0.88**2), rgb(theme.color("secant")), radius=r)
        # The first tangent run, halfway: x = 1.54 on the tangent at 2.2 (slope 4.4).
        assert color_near(image, *canvas.data_to_pixel(1.54, theta0**2 + 4.4 * (1.54 - theta0)), rgb(theme.color("tangent")), radius=r)
        # Loss panel: log₁₀ gap at t = 10 is log₁₀(θ₀² 0.4²⁰).
        left, top, width, height = canvas.panels["loss"].canvas_rect()
        col, row = canvas.data_to_pixel(10.0, math.log10(theta0**2 * 0.4**20), panel="loss")
        assert left < col < left + width and top < row < top + height
        assert color_near(image, col, row, rgb(theme.color("secant")), radius=r) or color_near(
            image, col, row, rgb(theme.color("tangent")), radius=r)
        # Far above the line at t = 15: background.
        assert not color_near(image, *canvas.data_to_pixel(15.0, -1.0, panel="loss"), rgb(theme.color("secant")), radius=r)
    finally:
        renderer.close()
