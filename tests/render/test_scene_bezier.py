"""The Bézier scene drawn offscreen: control points, the moving point and its tangent vector where the formulas put them."""

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import color_near, rgb
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene
from derivlab.scenes.bezier import bezier_point, bezier_velocity

SIZES = [(1280, 720), (3840, 2160)]
VIEW = View(-4.6, 5.0, -2.7, 2.7)
CONTROL = np.array([[-3.0, -1.5], [-1.0, 2.0], [1.5, -2.0], [3.5, 1.0]])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("t", [0.25, 0.7])
def test_points_curve_and_tangent_vector_at_computed_pixels(size, t):
    values = {f"p{i}{axis}": float(CONTROL[i][j]) for i in range(4) for j, axis in enumerate("xy")}
    values["t"] = t
    renderer = OffscreenRenderer(get_scene("bezier"), size, values=values, view=VIEW)
    try:
        image, canvas = renderer.render(), renderer.canvas
    finally:
        renderer.close()
    theme = get_theme("light")
    radius = 3 if size[0] < 2000 else 7
    point, velocity = bezier_point(CONTROL, t), bezier_velocity(CONTROL, t)
    assert color_near(image, *canvas.data_to_pixel(*point), rgb(theme.color("point")), radius=radius)
    for p in CONTROL:
        assert color_near(image, *canvas.data_to_pixel(*p), rgb(theme.color("secant")), radius=radius)
    # The arrow B′(t)/3 from B(t): its middle is drawn in the derivative colour.
    middle = point + velocity / 6
    assert color_near(image, *canvas.data_to_pixel(*middle), rgb(theme.color("derivative")), radius=radius)
    # The curve somewhere away from the moving point.
    other = bezier_point(CONTROL, 0.05 if t > 0.5 else 0.95)
    assert color_near(image, *canvas.data_to_pixel(*other), rgb(theme.color("curve")), radius=radius)
    # The dashed tangent line beyond the arrow: most samples find its colour.
    direction = velocity / np.hypot(*velocity)
    ahead = [point + s * direction for s in np.linspace(-2.5, -0.8, 12)]
    hits = [color_near(image, *canvas.data_to_pixel(*q), rgb(theme.color("tangent")), radius=radius + 3) for q in ahead]
    assert np.mean(hits) > 0.4
