"""Antialiased polylines of any width: the curves of the flat planes, the 3D plane's paths and box.

OpenGL's own wide lines are either aliased (staircase edges) or, with
``GL_LINE_SMOOTH`` in software OpenGL, drawn with a tent-shaped coverage that
washes a 3-pixel line out to about 60 % of its colour. A stroke here is made of
triangles placed by the vertex shader, in framebuffer pixels:

- each segment is a quad; where it meets the next segment at a gentle angle (under
  60°) both end on the mitre, the vertices p ± m·(w/2 + 1)/(m·n), with n the
  segment's unit normal and m the unit mean of the two normals; at a sharper
  angle each keeps its own width and runs on by half a width (a square end);
- each vertex carries its signed distance d from the centre line, ±(w/2 + 1) pixels,
  which the rasteriser interpolates across the strip;
- a fragment's coverage is clamp(w/2 + ½ − |d|, 0, 1): full colour in a core of width
  w − 1, a one-pixel ramp on each edge, the area of a pixel the line covers.

Neighbouring quads meet along their mitre instead of overlapping, so nothing is
blended twice and the colour stays even along a curve sampled twice per pixel;
only sharp corners (a spike, a kink) overlap a little.
Gaps (``connect[i]`` False between points i and i + 1, NaN samples) and
``connect="segments"`` (pairs of points, for dashes) give separate pieces with
square ends. Points may have a z (a 3D plane): the strip is built where the
camera projects them, and each vertex keeps its point's depth for the depth test.
"""

from __future__ import annotations

import numpy as np
from vispy import gloo, scene
from vispy.visuals import Visual

VERTEX = """
attribute vec3 a_point;      // this end of the segment
attribute vec3 a_other;      // its other end
attribute vec3 a_neighbour;  // the point beyond this end along the polyline (a_point at a piece's end)
attribute float a_end;       // 0 at the segment's start, 1 at its end
attribute float a_side;      // -1 or +1: which edge of the strip
uniform float u_half;        // half width plus the one-pixel ramp, in framebuffer pixels
varying float v_distance;

vec2 to_pixels(vec3 p) {
    vec4 f = $visual_to_framebuffer(vec4(p, 1.0));
    return f.xy / f.w;
}

vec2 unit(vec2 d, vec2 fallback) {
    float n = length(d);
    return n > 1e-6 ? d / n : fallback;
}

void main() {
    vec2 c = to_pixels(a_point);
    vec2 o = to_pixels(a_other);
    vec2 b = to_pixels(a_neighbour);
    // the segment's direction, start to end, and the neighbouring segment's
    vec2 t = unit(a_end > 0.5 ? c - o : o - c, vec2(1.0, 0.0));
    vec2 t2 = unit(a_end > 0.5 ? b - c : c - b, t);
    vec2 n = vec2(-t.y, t.x);
    vec2 n2 = vec2(-t2.y, t2.x);
    vec2 offset;
    if (dot(n, n2) > 0.5) {
        // a gentle join (under 60 degrees): both segments end on the same mitre
        vec2 mitre = unit(n + n2, n);
        offset = mitre * (a_side * u_half / dot(mitre, n));
    } else {
        // a sharp one: each segment keeps its own width and runs on by half a width
        offset = n * (a_side * u_half) + t * ((a_end > 0.5 ? 1.0 : -1.0) * (u_half - 1.0));
    }
    v_distance = a_side * u_half;
    vec4 ndc = $framebuffer_to_render(vec4(c + offset, 0.0, 1.0));
    vec4 clip = $visual_to_render(vec4(a_point, 1.0));  // the point's depth, for 3D planes
    gl_Position = vec4(ndc.xy / ndc.w, clip.z / clip.w, 1.0);
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

_VERTEX_TYPE = np.dtype([("a_point", np.float32, 3), ("a_other", np.float32, 3),
                         ("a_neighbour", np.float32, 3), ("a_end", np.float32), ("a_side", np.float32)])


def _points3(pos) -> np.ndarray:
    """Points (n, 2) or (n, 3) as (n, 3) float32 (z = 0 on a flat plane)."""
    pos = np.asarray(pos, dtype=np.float32)
    pos = pos.reshape(-1, pos.shape[-1] if pos.ndim > 1 else 2)
    if pos.shape[1] == 3:
        return pos
    return np.column_stack([pos[:, :2], np.zeros(len(pos), np.float32)])


def stroke_vertices(pos: np.ndarray, connect) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (four a segment: its two ends, each on both edges) and triangle indices.

    ``connect`` is a boolean array (point i joins point i + 1 where True), "strip"
    (all joined) or "segments" (points 2k and 2k + 1 joined). Each end of a segment
    knows the point beyond it along its piece (itself at the piece's end), so that
    the vertex shader can mitre gentle joins and square off sharp ones.
    """
    pos = _points3(pos)
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
    start = np.flatnonzero(joins)
    end = start + 1
    before = np.where(from_prev[start], start - 1, start)
    after = np.where(to_next[end], np.minimum(end + 1, n - 1), end)
    vertices = np.empty(4 * len(start), _VERTEX_TYPE)
    for k, (here, there, beyond, is_end, side) in enumerate((
        (start, end, before, 0.0, -1.0), (start, end, before, 0.0, 1.0),
        (end, start, after, 1.0, -1.0), (end, start, after, 1.0, 1.0),
    )):
        rows = slice(k, None, 4)
        vertices["a_point"][rows] = pos[here]
        vertices["a_other"][rows] = pos[there]
        vertices["a_neighbour"][rows] = pos[beyond]
        vertices["a_end"][rows] = is_end
        vertices["a_side"][rows] = side
    first = 4 * np.arange(len(start), dtype=np.uint32)
    triangles = np.stack([first, first + 1, first + 2, first + 1, first + 3, first + 2], axis=1)
    return vertices, triangles.ravel()


class StrokeVisual(Visual):
    """An antialiased polyline of ``width`` framebuffer pixels (at least :data:`MIN_WIDTH`) in one colour (see the module)."""

    def __init__(self, pos=None, color=(0.0, 0.0, 0.0, 1.0), width: float = 1.0, connect="strip"):
        Visual.__init__(self, vcode=VERTEX, fcode=FRAGMENT)
        self._connect = connect  # used when set_data gives points without saying how they join
        self._vertices = gloo.VertexBuffer(np.zeros(0, _VERTEX_TYPE))
        self.shared_program.bind(self._vertices)
        self._index_buffer = gloo.IndexBuffer(np.zeros(0, np.uint32))
        self.set_gl_state("translucent", depth_test=False, polygon_offset_fill=False)
        self._draw_mode = "triangles"
        self._pos = np.zeros((0, 3), np.float32)
        self._count = 0
        self._color = (0.0, 0.0, 0.0, 1.0)
        self._width = 1.0
        self.set_data(pos, color, width, connect)
        self.freeze()

    def set_data(self, pos=None, color=None, width=None, connect=None) -> None:
        """New points (n, 2) or (n, 3) with ``connect`` (see :func:`stroke_vertices`; the last one given,
        or the one the stroke was made with, when None), colour (RGBA) or width."""
        if pos is not None:
            if connect is not None:
                self._connect = connect
            self._pos = _points3(pos)
            vertices, triangles = stroke_vertices(self._pos, self._connect)
            count = len(triangles)
            if count:
                resized = len(vertices) != self._vertices.size
                self._vertices.set_data(vertices)
                if resized:
                    self.shared_program.bind(self._vertices)  # (views of a resized buffer)
                if count != self._count:  # the indices depend on the number of segments alone
                    self._index_buffer.set_data(triangles)
            self._count = count
            self._bounds_changed()
        if color is not None:
            self._color = tuple(float(c) for c in np.asarray(color, dtype=np.float64).ravel()[:4])
        if width is not None:
            self._width = float(width)
        self.update()

    def _prepare_transforms(self, view) -> None:
        vert = view.view_program.vert
        vert["visual_to_framebuffer"] = view.get_transform("visual", "framebuffer")
        vert["framebuffer_to_render"] = view.get_transform("framebuffer", "render")
        vert["visual_to_render"] = view.get_transform("visual", "render")

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
