"""taylor drawn offscreen: f, the polynomial, the shaded remainder and the points where the math puts them."""

import math

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import color_near, rgb
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene


def pixel(image, col, row):
    return image[int(round(row)), int(round(col)), :3].astype(float)


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
def test_polynomial_remainder_and_points(size):
    values = {"f": "sin(x)", "x0": 0.0, "n": 5, "x": 2.5}
    renderer = OffscreenRenderer(get_scene("taylor"), size, values=values, view=View(-6.5, 6.5, -3, 3))
    try:
        image = renderer.render()
        canvas = renderer.canvas
        theme = get_theme("light")
        r = max(3, int(3 * size[1] / 1080))
        t5 = lambda x: x - x**3 / 6 + x**5 / 120  # noqa: E731
        # f = sin at its maximum, T₅ where it leaves sin (x = 4: T₅ ≈ 2.135).
        # sin at x = −2.5, where T₅ has left it (near −π/2 the two coincide and T₅ is drawn on top)
        assert color_near(image, *canvas.data_to_pixel(-2.5, math.sin(-2.5)), rgb(theme.color("curve")), radius=r)
        assert color_near(image, *canvas.data_to_pixel(4.0, t5(4.0)), rgb(theme.color("tangent")), radius=r)
        # Between them at x = 4 the remainder is shaded: neither background nor a line colour.
        mid = canvas.data_to_pixel(4.07, (math.sin(4.07) + t5(4.07)) / 2 + 0.07)
        shade = pixel(image, *mid)
        background = rgb(theme.background)
        assert np.linalg.norm(shade - background) > 10 and shade[0] - shade[2] > 20  # tinted with the secant's orange
        # Outside the remainder (above sin where T₅ is below it, x = −4) there is no shading.
        outside = pixel(image, *canvas.data_to_pixel(-4.07, 1.83))
        assert np.linalg.norm(outside - background) < 40
        # The centre point (x₀, f(x₀)) and the polynomial's point at x = 2.5.
        assert color_near(image, *canvas.data_to_pixel(0.0, 0.0), rgb(theme.color("point")), radius=r)
        assert color_near(image, *canvas.data_to_pixel(2.5, t5(2.5)), rgb(theme.color("tangent")), radius=r)
    finally:
        renderer.close()
