"""chain-rule drawn offscreen: the inner curve, the outer curve at g(a), the composite and their tangents."""

import math

import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import color_near, rgb
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
def test_three_linked_planes_of_sin_x_squared(size):
    a = 1.0
    values = {"preset": "sin(x²)", "f": "sin(x)", "g": "x^2", "h": "x", "a": a, "delta": 0.1}
    renderer = OffscreenRenderer(get_scene("chain-rule"), size, values=values, view=View(-2, 2, -1, 4.5))
    try:
        image = renderer.render()
        canvas = renderer.canvas
        theme = get_theme("light")
        r = max(3, int(3 * size[1] / 1080))
        curve, point, tangent = (rgb(theme.color(k)) for k in ("curve", "point", "tangent"))
        # Inner plane: g = x² at x = −1.5, the point (1, 1), and the tangent y = 1 + 2(x − 1) at x = 1.6.
        assert color_near(image, *canvas.data_to_pixel(-1.5, 2.25), curve, radius=r)
        assert color_near(image, *canvas.data_to_pixel(a, a * a), point, radius=r)
        assert color_near(image, *canvas.data_to_pixel(1.6, 1 + 2 * 0.6), tangent, radius=2 * r)
        # Outer plane: sin at u = 3 and the point (g(a), sin(g(a))) = (1, sin 1).
        assert color_near(image, *canvas.data_to_pixel(3.0, math.sin(3.0), panel="layer_f"), curve, radius=r)
        assert color_near(image, *canvas.data_to_pixel(1.0, math.sin(1.0), panel="layer_f"), point, radius=r)
        # Composite plane: sin(x²) at x = −1.2, the point (1, sin 1), the tangent of slope 2cos 1 at x = 0.7.
        assert color_near(image, *canvas.data_to_pixel(-1.2, math.sin(1.44), panel="composite"), curve, radius=r)
        assert color_near(image, *canvas.data_to_pixel(a, math.sin(1.0), panel="composite"), point, radius=r)
        slope = 2 * math.cos(1.0)
        assert color_near(image, *canvas.data_to_pixel(0.7, math.sin(1.0) + slope * (0.7 - a), panel="composite"), tangent, radius=2 * r)
        # The three planes side by side, left to right.
        lefts = [canvas.panels[k].canvas_rect()[0] for k in ("layer_f", "composite")]
        assert canvas.main.canvas_rect()[0] < lefts[0] < lefts[1]
    finally:
        renderer.close()
