"""secant-field drawn offscreen: the heat map's bands where the error of the central quotient of sin is known."""

import math

import numpy as np
import pytest

from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene
from derivlab.scenes.secant_field import BANDS


def rgb(hex_color):
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], float)


def color_near(image, col, row, color, radius=3, tolerance=40):
    c, r = int(round(col)), int(round(row))
    patch = image[max(r - radius, 0) : r + radius + 1, max(c - radius, 0) : c + radius + 1, :3].astype(float)
    return bool((np.linalg.norm(patch - color, axis=-1) < tolerance).any())


def band_color(theme, log_error):
    """The colour of the band holding log_error, shaded over the white background."""
    for upper, role, alpha, _ in BANDS:
        if log_error < upper:
            return (1 - alpha) * rgb(theme.background) + alpha * rgb(theme.color(role))
    raise AssertionError


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
def test_sin_central_bands_follow_the_truncation_error(size):
    scene = get_scene("secant-field")
    values = scene.defaults()
    renderer = OffscreenRenderer(scene, size, values=values, view=scene.default_view)
    try:
        image = renderer.render()
        canvas = renderer.canvas
        theme = get_theme("light")
        r = max(2, int(2 * size[1] / 1080))
        # At a = −2.5 the central error is h²|cos a|/6 well above the valley: log₁₀ h = −0.6 and −2.5.
        a = -2.5
        for log_h in (-0.6, -2.5):
            log_error = math.log10((10**log_h) ** 2 * abs(math.cos(a)) / 6)
            for panel in ("positive", "negative"):
                col, row = canvas.data_to_pixel(a, log_h, panel=panel)
                assert color_near(image, col, row, band_color(theme, log_error), radius=r), (log_h, panel)
        # The curve of f = sin in the plane above.
        assert color_near(image, *canvas.data_to_pixel(1.0, math.sin(1.0)), rgb(theme.color("curve")), radius=r,
                          tolerance=70)
        # The panels lie below the plane of f.
        assert canvas.main.canvas_rect()[1] < canvas.panels["positive"].canvas_rect()[1]
    finally:
        renderer.close()
