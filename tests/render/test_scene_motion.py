"""The motion scene drawn offscreen: the kink in s and the jump in s′ where the closed forms put them."""

import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import color_near, rgb
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
def test_speed_jump_kink_and_speed_points(size):
    values = {"preset": "speed jump", "t": 0.5}
    r = OffscreenRenderer(get_scene("motion"), size, values=values, view=View(-0.25, 1.1, -8.0, 72.0))
    try:
        image = r.render()
        canvas = r.canvas
        theme = get_theme("light")
        radius = max(3, int(3 * size[1] / 720))
        c = {role: rgb(theme.color(role)) for role in ("curve", "derivative", "point", "secant", "tangent")}
        # The point (0.5 h, 20 km) on s; s at t = 0.8 is 44 km (slope 80 after the kink).
        assert color_near(image, *canvas.data_to_pixel(0.5, 20.0), c["point"], radius)
        assert color_near(image, *canvas.data_to_pixel(0.8, 44.0), c["curve"], radius)
        # The left tangent (slope 40) continues past the kink: at t = 0.9 it is at 36 km, the curve at 52.
        assert color_near(image, *canvas.data_to_pixel(0.9, 36.0), c["secant"], 2 * radius)
        # The right tangent (slope 80) continues before it: at t = 0.35 it is at 8 km.
        assert color_near(image, *canvas.data_to_pixel(0.35, 8.0), c["tangent"], 2 * radius)
        # s′: 40 km/h before, 80 after; the one-sided values marked at t = 0.5.
        assert color_near(image, *canvas.data_to_pixel(0.2, 40.0, panel="speed"), c["derivative"], radius)
        assert color_near(image, *canvas.data_to_pixel(0.8, 80.0, panel="speed"), c["derivative"], radius)
        assert not color_near(image, *canvas.data_to_pixel(0.8, 40.0, panel="speed"), c["derivative"], radius)
        assert color_near(image, *canvas.data_to_pixel(0.5, 40.0, panel="speed"), c["secant"], radius)
        assert color_near(image, *canvas.data_to_pixel(0.5, 80.0, panel="speed"), c["tangent"], radius)
    finally:
        r.close()
