"""mean-value drawn offscreen: the secant, the points c and their parallel tangents where the math puts them."""

import math

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import color_near, rgb
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
def test_secant_points_c_and_parallel_tangents(size):
    renderer = OffscreenRenderer(get_scene("mean-value"), size, values={"f": "x^3 - 3x", "alpha": -2.0, "beta": 2.0},
                                 view=View(-2.5, 2.5, -4, 4))
    try:
        image = renderer.render()
        canvas = renderer.canvas
        theme = get_theme("light")
        r = max(3, int(3 * size[1] / 1080))
        f = lambda x: x**3 - 3 * x  # noqa: E731
        # The secant y = x over [−2, 2], away from the curve (x = 0.6 and x = −0.6).
        for x in (0.6, -0.6):
            assert color_near(image, *canvas.data_to_pixel(x, x), rgb(theme.color("secant")), radius=r)
        # Its end points, and nothing of it beyond β.
        assert color_near(image, *canvas.data_to_pixel(2.0, 2.0), rgb(theme.color("secant")), radius=r)
        assert not color_near(image, *canvas.data_to_pixel(2.3, 2.3), rgb(theme.color("secant")), radius=2)
        # The points c = ±2/√3 on the curve, each with a tangent of slope 1 through it.
        for c in (-2 / math.sqrt(3), 2 / math.sqrt(3)):
            assert color_near(image, *canvas.data_to_pixel(c, f(c)), rgb(theme.color("tangent")), radius=r)
            xs = c + np.linspace(-0.5, 0.5, 11)
            hits = [color_near(image, *canvas.data_to_pixel(x, f(c) + (x - c)), rgb(theme.color("tangent")), radius=2 * r) for x in xs]
            assert np.mean(hits) > 0.5
    finally:
        renderer.close()
