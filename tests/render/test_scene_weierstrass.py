"""weierstrass drawn offscreen: the point (x₀, W(x₀)), the secant's end and the envelope where the math puts them."""

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene


def rgb(hex_color):
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], float)


def color_near(image, col, row, color, radius=4, tolerance=70):
    c, r = int(round(col)), int(round(row))
    patch = image[r - radius : r + radius + 1, c - radius : c + radius + 1, :3].astype(float)
    return bool((np.linalg.norm(patch - color, axis=-1) < tolerance).any())


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
@pytest.mark.parametrize("view", [View(-2, 2, -2.6, 2.6), View(-5e-10, 5e-10, -1.5, 1.5)])
def test_point_secant_and_envelope(size, view):
    values = {"preset": "custom", "a": 0.9, "b": 7.0, "N": 40, "x0": 0.3, "h": 0.4 * view.width / 2, "samples": 4}
    renderer = OffscreenRenderer(get_scene("weierstrass"), size, values=values, view=view)
    try:
        image = renderer.render()
        canvas = renderer.canvas
        theme = get_theme("light")
        w0 = 0.3915488416615268  # W_40(0.3), a = 0.9, b = 7 (50-digit mpmath)
        assert color_near(image, *canvas.data_to_pixel(0.0, w0), rgb(theme.color("point")))
        scene = get_scene("weierstrass")
        f = scene.compute(scene.defaults() | values, canvas.current_view())
        h, w1 = f.extra["h"], f.extra["W_x0_plus_h"]
        assert color_near(image, *canvas.data_to_pixel(h, w1), rgb(theme.color("secant")))
        # A column whose envelope spans many pixels is painted in the curve colour at its middle.
        env = f.extra["envelope"]
        seen = canvas.current_view()
        middle = (env.upper[-1] + env.lower[-1]) / 2
        spans = np.where(
            (middle > seen.y_min + 0.2 * seen.height) & (middle < seen.y_max - 0.4 * seen.height),
            env.upper[-1] - env.lower[-1],
            0.0,
        )
        third = len(spans) // 3
        c = third + int(np.argmax(spans[third : 2 * third]))
        assert spans[c] > 0.02 * seen.height
        u = f.extra["columns"][c]
        middle = middle[c]
        assert color_near(image, *canvas.data_to_pixel(u, middle), rgb(theme.color("curve")), radius=3)
        # The slopes panel shows the quotients in log-log coordinates.
        panel = f.panel("slopes")
        q = panel.drawable("quotient_points")
        assert color_near(image, *canvas.data_to_pixel(q.x[5], q.y[5], panel="slopes"), rgb(theme.color("curve")))
    finally:
        renderer.close()
