"""Antialiased strokes: geometry of the strip, and lines drawn with a full-colour core and soft edges."""

from __future__ import annotations

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.strokes import stroke_vertices
from derivlab.scenes import get_scene


def test_a_strip_makes_two_vertices_a_point_and_two_triangles_a_segment():
    pos = np.array([[0, 0], [1, 0], [2, 1]], np.float32)
    vertices, triangles = stroke_vertices(pos, "strip")
    assert len(vertices) == 6 and list(vertices["a_side"]) == [-1, 1, -1, 1, -1, 1]
    assert np.array_equal(vertices["a_prev"][2], [0, 0]) and np.array_equal(vertices["a_next"][2], [2, 1])
    assert np.array_equal(vertices["a_prev"][0], [0, 0])  # an end is its own neighbour
    assert list(triangles) == [0, 1, 2, 1, 3, 2, 2, 3, 4, 3, 5, 4]


def test_gaps_and_segments_break_the_strip():
    pos = np.array([[0, 0], [1, 0], [0, 0], [2, 1], [3, 1]], np.float32)
    _, triangles = stroke_vertices(pos, np.array([True, False, False, True]))
    assert sorted(set(triangles.tolist())) == [0, 1, 2, 3, 6, 7, 8, 9]  # points 0-1 and 3-4 only
    vertices, triangles = stroke_vertices(pos[:4], "segments")
    assert len(triangles) == 12
    assert np.array_equal(vertices["a_next"][3], [1, 0]) and np.array_equal(vertices["a_prev"][4], [0, 0])
    assert stroke_vertices(pos[:1], "strip")[1].size == 0
    with pytest.raises(ValueError):
        stroke_vertices(pos, "dots")


@pytest.fixture(scope="module")
def picture():
    r = OffscreenRenderer(get_scene("secant"), (1920, 1080), values={"f": "x^3 - 3x", "a": 1.3, "h": 0.5},
                          view=View(-2.5, 2.5, -4, 4))
    try:
        yield r.canvas, np.ascontiguousarray(r.render())
    finally:
        r.close()


def test_the_curve_has_a_full_colour_core_and_antialiased_edges(picture):
    canvas, image = picture
    # across the curve's flat top at x = -1 (y = 2): from background through the curve colour and back
    x, y = (int(round(v)) for v in canvas.data_to_pixel(-1.0, 2.0))
    column = image[y - 8: y + 9, x, :3].astype(int)
    curve = np.array([0, 114, 178])  # #0072B2, the light theme's curve colour
    distance = np.abs(column - curve).sum(axis=1)
    background = np.abs(column - column[0]).sum(axis=1)
    core = np.flatnonzero(distance <= 6)
    assert 1 <= len(core) <= 4, f"core rows {core}"
    edges = np.flatnonzero((distance > 6) & (background > 12))
    assert len(edges) >= 1, "no partly covered pixels: the edge is a staircase"
    # the partly covered pixels lie between the core's colour and the background's
    for row in edges:
        assert np.all(np.minimum(curve, column[0]) - 2 <= column[row])
        assert np.all(column[row] <= np.maximum(curve, column[0]) + 2)


def test_a_sloped_line_has_intermediate_shades_along_it(picture):
    canvas, image = picture
    # the secant through a = 1.3 and a + h = 1.8 appears in several shades of its colour (antialiasing)
    f = lambda x: x**3 - 3 * x  # noqa: E731
    slope = (f(1.8) - f(1.3)) / 0.5
    x0, y0 = canvas.data_to_pixel(2.2, f(1.3) + slope * (2.2 - 1.3))  # past a + h, clear of the curve
    patch = image[int(y0) - 6: int(y0) + 7, int(x0) - 6: int(x0) + 7, :3].reshape(-1, 3).astype(int)
    background = np.median(image[..., :3].reshape(-1, 3), axis=0)
    touched = patch[np.abs(patch - background).sum(axis=1) > 12]
    assert len({tuple(p) for p in touched}) >= 4
