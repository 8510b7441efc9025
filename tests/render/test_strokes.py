"""Antialiased strokes: geometry of the strip, and lines drawn with a full-colour core and soft edges."""

from __future__ import annotations

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.strokes import stroke_vertices
from derivlab.scenes import get_scene


def test_a_strip_makes_four_vertices_and_two_triangles_a_segment():
    pos = np.array([[0, 0], [1, 0], [2, 1]], np.float32)
    vertices, triangles = stroke_vertices(pos, "strip")
    assert len(vertices) == 8 and list(vertices["a_side"]) == [-1, 1, -1, 1] * 2
    assert list(vertices["a_end"]) == [0, 0, 1, 1] * 2
    # the end of segment 0 at (1, 0): its other end (0, 0), and beyond it the next point (2, 1)
    assert np.array_equal(vertices["a_point"][2], [1, 0, 0]) and np.array_equal(vertices["a_other"][2], [0, 0, 0])
    assert np.array_equal(vertices["a_neighbour"][2], [2, 1, 0])
    # the start of segment 1 at (1, 0) looks back to (0, 0): both mitre the same join
    assert np.array_equal(vertices["a_point"][4], [1, 0, 0]) and np.array_equal(vertices["a_neighbour"][4], [0, 0, 0])
    assert np.array_equal(vertices["a_neighbour"][0], [0, 0, 0])  # a piece's end is its own neighbour
    assert list(triangles) == [0, 1, 2, 1, 3, 2, 4, 5, 6, 5, 7, 6]


def test_gaps_and_segments_break_the_strip():
    pos = np.array([[0, 0], [1, 0], [0, 0], [2, 1], [3, 1]], np.float32)
    vertices, triangles = stroke_vertices(pos, np.array([True, False, False, True]))
    assert len(vertices) == 8 and len(triangles) == 12  # segments 0-1 and 3-4 only
    assert np.array_equal(vertices["a_point"][4], [2, 1, 0]) and np.array_equal(vertices["a_neighbour"][4], [2, 1, 0])
    vertices, triangles = stroke_vertices(pos[:4], "segments")
    assert len(triangles) == 12
    assert np.array_equal(vertices["a_neighbour"][2], [1, 0, 0])  # a dash does not look into the next one
    assert stroke_vertices(pos[:1], "strip")[1].size == 0
    lifted, _ = stroke_vertices(np.array([[0, 0, 1], [1, 0, 2]], np.float32), "strip")
    assert np.array_equal(lifted["a_point"][2], [1, 0, 2])  # points of a 3D plane keep their z
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


def test_a_spike_keeps_its_width_down_to_the_tip():
    # a sharp V, as a log-scale loss that drops for one step: both long sides are drawn whole,
    # not thinned away by a mitre at the tip
    from derivlab.render.strokes import Stroke

    r = OffscreenRenderer(get_scene("secant"), (400, 400), values={"f": "x^3 - 3x", "h": 0.5}, view=View(-1, 1, -1, 1))
    try:
        area = r.canvas.main
        spike = Stroke(parent=area.view.scene)
        points = np.array([[-0.5, 0.8], [0.0, -0.9], [0.02, 0.8]]) - np.array(area.origin)
        spike.set_data(pos=points.astype(np.float32), color=(0.8, 0.0, 0.0, 1.0), width=3.0)
        spike.order = 1000
        image = np.ascontiguousarray(r.render())
        red = (image[..., 0] > 150) & (image[..., 1] < 80) & (image[..., 2] < 80)
        for y in (-0.6, -0.3, 0.0, 0.3, 0.6):  # rows across both sides of the V
            _, row = r.canvas.data_to_pixel(0.0, y)
            line = red[int(round(row))].astype(int)
            runs = int(np.count_nonzero(np.diff(line) == 1))
            assert runs == 2, f"y = {y}: {runs} red runs across the V"
            assert line.sum() >= 4, f"y = {y}: the V's sides are {line.sum()} pixels wide together"
        # and the tip ends there: no mitre shooting on below it
        _, tip = r.canvas.data_to_pixel(0.0, -0.9)
        assert not red[int(tip) + 6:].any(), "the V runs on past its tip"
    finally:
        r.close()
