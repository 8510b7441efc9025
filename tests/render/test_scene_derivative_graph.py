"""The derivative-graph scene drawn offscreen: f, f′, f″ and their marks where the closed forms put them."""

import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import color_near, rgb
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
def test_cubic_with_its_derivatives_extrema_and_shading(size):
    values = {"f": "x^3 - 3x", "alpha": -1.5, "beta": 1.5}
    r = OffscreenRenderer(get_scene("derivative-graph"), size, values=values, view=View(-2.5, 2.5, -3.2, 3.2))
    try:
        image = r.render()
        canvas = r.canvas
        theme = get_theme("light")
        radius = max(3, int(3 * size[1] / 720))
        color = {role: rgb(theme.color(role)) for role in ("curve", "derivative", "second", "point", "tangent", "secant")}
        # f: the curve at x = −2 (f = −2) and x = 2 (f = 2).
        assert color_near(image, *canvas.data_to_pixel(-2.0, -2.0), color["curve"], radius)
        # The local max (−1, 2): a black dot inside the global-max disc.
        col, row = canvas.data_to_pixel(-1.0, 2.0)
        assert color_near(image, col, row, color["point"], radius)
        assert color_near(image, col, row, color["tangent"], 3 * radius)
        # f′ = 3x² − 3: 9 at x = 2; a critical point mark at (1, 0).
        assert color_near(image, *canvas.data_to_pixel(2.0, 9.0, panel="first"), color["derivative"], radius)
        assert color_near(image, *canvas.data_to_pixel(1.0, 0.0, panel="first"), color["point"], radius)
        # Decreasing on (−1, 1): the region between f′ and 0 is tinted with the secant colour at alpha 0.2.
        tint = 0.8 * rgb(theme.background) + 0.2 * color["secant"]
        assert color_near(image, *canvas.data_to_pixel(0.3, -1.0, panel="first"), tint, 2, tolerance=25)
        assert not color_near(image, *canvas.data_to_pixel(0.3, 1.5, panel="first"), tint, 2, tolerance=8)
        # f″ = 6x: 9 at x = 1.5 and −9 at x = −1.5.
        assert color_near(image, *canvas.data_to_pixel(1.5, 9.0, panel="second"), color["second"], radius)
        assert color_near(image, *canvas.data_to_pixel(-1.5, -9.0, panel="second"), color["second"], radius)
    finally:
        r.close()
