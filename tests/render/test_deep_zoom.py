"""Deep zoom: a window 1e-12 wide far from the origin is still drawn where the math says.

The GPU draws in float32 (about 7 digits); the canvas keeps a float64 origin near
the view so that deep windows keep their precision.
"""

import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import color_near, rgb
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene


@pytest.mark.parametrize("width", [1e-3, 1e-7, 1e-12])
def test_the_tangent_point_and_lines_are_where_float64_puts_them(width):
    a = 1.3
    f = lambda x: x**3 - 3 * x  # noqa: E731
    fa, slope = f(a), 3 * a**2 - 3
    # A window around (a, f(a)) a little off-centre, with the line at 45° on screen.
    cx, cy = a + 0.2 * width, fa + 0.2 * slope * width
    view = View(cx - width / 2, cx + width / 2, cy - slope * width / 2, cy + slope * width / 2)
    r = OffscreenRenderer(get_scene("secant"), (960, 540), values={"a": a, "h": 1e-8}, view=view)
    try:
        image = r.render()
        canvas = r.canvas
        assert canvas.main.origin != (0.0, 0.0)
        assert canvas.current_view().x_min == pytest.approx(view.x_min, abs=width * 1e-6)
        theme = get_theme("light")
        col, row = canvas.data_to_pixel(a, fa)
        assert abs(col - (480 - 0.2 * 960)) < 1.5 and abs(row - (270 + 0.2 * 540)) < 1.5
        # (a + h is less than a pixel away, so its marker may cover the point a)
        assert color_near(image, col, row, [rgb(theme.color("point")), rgb(theme.color("secant"))], radius=2)
        lines = [rgb(theme.color(role)) for role in ("curve", "secant", "tangent")]
        for t in (-0.3, -0.1, 0.1, 0.25):  # (the corners hold the readouts and the legend)
            x = cx + t * width
            assert color_near(image, *canvas.data_to_pixel(x, fa + slope * (x - a)), lines, radius=3)
        # And nothing is drawn far off the line (float32 noise would scatter it).
        assert not color_near(image, *canvas.data_to_pixel(cx + 0.3 * width, cy - 0.3 * slope * width), lines, radius=6)
    finally:
        r.close()


def test_zooming_back_out_returns_the_origin_to_zero():
    r = OffscreenRenderer(get_scene("secant"), (640, 360), view=View(1.3 - 1e-9, 1.3 + 1e-9, -1.703 - 1e-9, -1.703 + 1e-9))
    try:
        assert r.canvas.main.origin != (0.0, 0.0)
        r.canvas.set_view(View(-2.5, 2.5, -4, 4))
        assert r.canvas.main.origin == (0.0, 0.0)
        r.canvas.view.camera.rect = (1.3 - 1e-9, -1.703 - 1e-9, 2e-9, 2e-9)  # as a wheel zoom would
        r.canvas._on_transform_changed()
        assert r.canvas.main.origin[0] == pytest.approx(1.3)
        assert r.canvas.current_view().width == pytest.approx(2e-9)
    finally:
        r.close()
