"""Antialiased polylines of any width: the curves of the flat planes.

OpenGL's own wide lines are either aliased (staircase edges) or, with
``GL_LINE_SMOOTH`` in software OpenGL, drawn with a tent-shaped coverage that
washes a 3-pixel line out to about 60 % of its colour. A stroke here is a strip
of triangles built in the vertex shader, in framebuffer pixels:

- each point p of a polyline becomes two vertices, p ± m·(w/2 + 1)/(m·n), where n
  is the unit normal of a segment next to p and m the unit mitre direction, the
  mean of the two segments' normals (the mitre is kept under twice the half width);
- each vertex carries its signed distance d from the centre line, ±(w/2 + 1) pixels,
  which the rasteriser interpolates across the strip;
- a fragment's coverage is clamp(w/2 + ½ − |d|, 0, 1): full colour in a core of width
  w − 1, a one-pixel ramp on each edge, the area of a pixel the line covers.

Neighbouring quads meet along their mitre instead of overlapping, so nothing is
blended twice and the colour stays even along a curve sampled twice per pixel.
Gaps (``connect[i]`` False between points i and i + 1, NaN samples) and
``connect="segments"`` (pairs of points, for dashes) give separate pieces with
square ends.
"""

from __future__ import annotations

import numpy as np
from vispy import gloo, scene
from vispy.visuals import Visual

VERTEX = """
attribute vec2 a_prev;
attribute vec2 a_point;
attribute vec2 a_next;
attribute float a_side;
uniform float u_half;   // half width plus the one-pixel ramp, in framebuffer pixels
varying float v_distance;

vec2 to_pixels(vec2 p) {
    vec4 f = $visual_to_framebuffer(vec4(p, 0.0, 1.0));
    return f.xy / f.w;
}

vec2 normal_of(vec2 d) {
    float n = length(d);
    return n > 1e-6 ? vec2(-d.y, d.x) / n : vec2(0.0);
}

void main() {
    vec2 c = to_pixels(a_point);
    vec2 n_in = normal_of(c - to_pixels(a_prev));
    vec2 n_out = normal_of(to_pixels(a_next) - c);
    if (dot(n_in, n_in) == 0.0) n_in = n_out;
    if (dot(n_out, n_out) == 0.0) n_out = n_in;
    vec2 mitre = n_in + n_out;
    float m = length(mitre);
    mitre = m > 1e-6 ? mitre / m : n_in;
    float stretch = 1.0 / max(dot(mitre, n_in), 0.5);
    vec2 p = c + mitre * (a_side * u_half * stretch);
    v_distance = a_side * u_half;
    gl_Position = $framebuffer_to_render(vec4(p, 0.0, 1.0));
}
"""

FRAGMENT = """
uniform vec4 u_color;
uniform float u_half;
varying float v_distance;

void main() {
    // u_half = w/2 + 1, so w/2 + 1/2 - |d| = u_half - 1/2 - |d|
    float coverage = clamp(u_half - 0.5 - abs(v_distance), 0.0, 1.0);
    if (coverage <= 0.0) discard;
    gl_FragColor = vec4(u_color.rgb, u_color.a * coverage);
}
"""

#: the thinnest stroke drawn, in framebuffer pixels: a 1-pixel line lying between two pixel rows
#: would be two rows at half strength, too faint to show its colour
MIN_WIDTH = 1.5

_VERTEX_TYPE = np.dtype([("a_prev", np.float32, 2), ("a_point", np.float32, 2),
                         ("a_next", np.float32, 2), ("a_side", np.float32)])


def stroke_vertices(pos: np.ndarray, connect) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (two a point: side −1 and +1) and triangle indices of the strip through ``pos``.

    ``connect`` is a boolean array (point i joins point i + 1 where True), "strip"
    (all joined) or "segments" (points 2k and 2k + 1 joined). A point's previous and
    next points are its neighbours along the pieces it belongs to, itself at a
    piece's ends; points in no piece make no triangles.
    """
    pos = np.asarray(pos, dtype=np.float32).reshape(-1, 2)
    n = len(pos)
    if isinstance(connect, str):
        joins = np.zeros(max(n - 1, 0), dtype=bool)
        if connect == "strip":
            joins[:] = True
        elif connect == "segments":
            joins[0::2] = True
        else:
            raise ValueError(f"connect must be 'strip', 'segments' or a boolean array, not {connect!r}")
    else:
        joins = np.asarray(connect, dtype=bool)[: max(n - 1, 0)]
    if n < 2 or not joins.any():
        return np.zeros(0, _VERTEX_TYPE), np.zeros(0, np.uint32)
    from_prev = np.concatenate([[False], joins])  # point i is joined to point i - 1
    to_next = np.concatenate([joins, [False]])  # point i is joined to point i + 1
    index = np.arange(n)
    prev = pos[np.where(from_prev, index - 1, index)]
    following = pos[np.where(to_next, np.minimum(index + 1, n - 1), index)]
    vertices = np.empty(2 * n, _VERTEX_TYPE)
    for side, rows in ((-1.0, slice(0, None, 2)), (1.0, slice(1, None, 2))):
        vertices["a_prev"][rows] = prev
        vertices["a_point"][rows] = pos
        vertices["a_next"][rows] = following
        vertices["a_side"][rows] = side
    starts = 2 * np.flatnonzero(joins).astype(np.uint32)
    triangles = np.stack([starts, starts + 1, starts + 2, starts + 1, starts + 3, starts + 2], axis=1)
    return vertices, triangles.ravel()


class StrokeVisual(Visual):
    """An antialiased polyline of ``width`` framebuffer pixels (at least :data:`MIN_WIDTH`) in one colour (see the module)."""

    def __init__(self, pos=None, color=(0.0, 0.0, 0.0, 1.0), width: float = 1.0, connect="strip"):
        Visual.__init__(self, vcode=VERTEX, fcode=FRAGMENT)
        self._vertices = gloo.VertexBuffer(np.zeros(0, _VERTEX_TYPE))
        self.shared_program.bind(self._vertices)
        self._index_buffer = gloo.IndexBuffer(np.zeros(0, np.uint32))
        self.set_gl_state("translucent", depth_test=False)
        self._draw_mode = "triangles"
        self._pos = np.zeros((0, 2), np.float32)
        self._count = 0
        self._color = (0.0, 0.0, 0.0, 1.0)
        self._width = 1.0
        self.set_data(pos, color, width, connect)
        self.freeze()

    def set_data(self, pos=None, color=None, width=None, connect=None) -> None:
        """New points (n, 2) with ``connect`` (see :func:`stroke_vertices`), colour (RGBA) or width."""
        if pos is not None:
            vertices, triangles = stroke_vertices(pos, "strip" if connect is None else connect)
            self._pos = np.asarray(pos, dtype=np.float32).reshape(-1, 2)
            self._count = len(triangles)
            if self._count:
                self._vertices.set_data(vertices)
                self.shared_program.bind(self._vertices)  # (views of a resized buffer)
                self._index_buffer.set_data(triangles)
            self._bounds_changed()
        if color is not None:
            self._color = tuple(float(c) for c in np.asarray(color, dtype=np.float64).ravel()[:4])
        if width is not None:
            self._width = float(width)
        self.update()

    @property
    def color(self) -> tuple[float, float, float, float]:
        return self._color

    @property
    def width(self) -> float:
        return self._width

    @property
    def pos(self) -> np.ndarray:
        return self._pos

    def _prepare_transforms(self, view) -> None:
        vert = view.view_program.vert
        vert["visual_to_framebuffer"] = view.get_transform("visual", "framebuffer")
        vert["framebuffer_to_render"] = view.get_transform("framebuffer", "render")

    def _prepare_draw(self, view):
        if self._count == 0:
            return False
        self.shared_program["u_color"] = self._color
        self.shared_program["u_half"] = 0.5 * max(self._width, MIN_WIDTH) + 1.0
        return True

    def _compute_bounds(self, axis: int, view):
        values = self._pos[:, axis] if len(self._pos) else np.zeros(0)
        values = values[np.isfinite(values)]
        if len(values) == 0:
            return None
        return float(values.min()), float(values.max())


Stroke = scene.visuals.create_visual_node(StrokeVisual)
