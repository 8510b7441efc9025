"""A VisPy canvas that draws a scene's drawables over a Cartesian plane.

:class:`PlotCanvas` wraps a ``SceneCanvas`` (it does not subclass it): a pan/zoom
view with a 1-2-5 grid, axes through the origin with labels, a legend, and a
readout panel. Visuals are created once per drawable key and updated with
``set_data`` on every frame, never rebuilt.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from vispy import gloo, scene
from vispy.visuals.transforms import MatrixTransform, NullTransform, STTransform

from derivlab.model import View
from derivlab.scenes.drawables import Curve, Fill, Heatmap, Label, Markers, Panel, SceneFrame

from .heatmap import new_heatmap_visual, show_heatmap
from .strokes import Stroke
from .surface3d import SurfaceArea
from .themes import DEFAULT_THEME, Theme, get_theme
from .ticks import (
    decade_step,
    log_minor_ticks,
    minor_step,
    nice_step,
    power_labels,
    tick_labels,
    ticks,
)
from .visuals import (
    box_triangles,
    flat,
    new_text,
    rgba,
    set_data,
    set_order,
    set_props,
    set_visible,
    text_width,
)

DragHandler = Callable[[dict[str, float]], None]
#: a box (left, top, right, bottom) in canvas pixels, rows counted from the top
Rect = tuple[float, float, float, float]
#: where the readouts' box may sit in its plane, in the order they are tried
READOUT_CORNERS = ("top left", "top right", "bottom left", "bottom right")
#: drawing order of a plane's grid lines (minor, then major one above) and of its axes, whose
#: tick labels and names go one above: VisPy draws larger orders later, on top
Z_GRID, Z_AXES = -100, -90
#: drawing order of shaded regions (Fill): over the grid and heat maps (−95), under the axes
#: and their tick labels, so a dense region does not tint the numbers
Z_FILLS = -94
#: a shaded region at least this opaque is dense colour, like a heat map: the tick labels, axis
#: names and title of its plane get boxes of the background colour under them
DENSE_FILL_ALPHA = 0.5
#: drawing order of tick labels and axis names that lie inside a plane: over its drawables
#: (orders 0, 1, … in a frame's order); the legend and the overlays, drawn on the canvas after
#: the planes, stay over it
Z_EDGE_TEXT = 900

# A Label's anchor names the side of the text that touches its point, as seen on screen;
# VisPy's anchor_y names it in a y-up frame, so top and bottom swap.
_VISPY_ANCHOR_Y = {"top": "bottom", "bottom": "top", "center": "center", "baseline": "baseline"}


def boxes_meet(a: Rect, b: Rect, gap: float = 0.0) -> bool:
    """Whether boxes ``a`` and ``b`` (left, top, right, bottom) overlap or come closer than ``gap``."""
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def boxes_hit(box: Rect, boxes: np.ndarray, gap: float = 0.0) -> int:
    """How many of ``boxes`` (an (n, 4) array of left, top, right, bottom) overlap ``box`` or come closer than ``gap``."""
    if len(boxes) == 0:
        return 0
    b = np.asarray(boxes, dtype=np.float64)
    return int(np.count_nonzero((box[0] < b[:, 2] + gap) & (b[:, 0] < box[2] + gap)
                                & (box[1] < b[:, 3] + gap) & (b[:, 1] < box[3] + gap)))


def map_to_root(node, root, points) -> np.ndarray:
    """Points (n, 2) in ``node``'s coordinates mapped into ``root``'s, an ancestor of ``node``: through
    the transforms of ``node`` and of each ancestor below ``root``, as ``node.node_transform(root)`` maps
    them (without building that chain, which costs a tenth of a millisecond).

    A plane's transforms are scale-and-translate ones (p′ = p·s + t), a camera's 4 × 4 matrix
    (p′ = p·M) and identities; those are applied here with VisPy's own expressions, on one
    (n, 4) array, instead of through VisPy's argument conversions at each step. Any other
    kind is mapped by VisPy.
    """
    p = np.atleast_2d(np.asarray(points, dtype=np.float64))
    if node is root:
        return p[:, :2]
    v = np.zeros((len(p), 4))
    v[:, : p.shape[1]] = p
    if p.shape[1] < 4:
        v[:, 3] = 1.0  # (x, y) → (x, y, 0, 1), as VisPy extends it
    while node is not root:
        tr = node.transform
        kind = type(tr)
        if kind is STTransform:
            v[:, :3] = v[:, :3] * tr._scale[np.newaxis, :3] + v[:, 3:] * tr._translate[np.newaxis, :3]
        elif kind is MatrixTransform:
            v = np.dot(v, tr.matrix)
        elif kind is not NullTransform:
            v = tr.map(v)
        node = node.parent
    return v[:, :2] / v[:, 3:4]


def canvas_boxes(node, root, boxes, origin=(0.0, 0.0)) -> np.ndarray:
    """Boxes (x0, y0, x1, y1) in ``node``'s coordinates plus ``origin`` as (n, 4) boxes (left, top, right,
    bottom) in ``root``'s (:func:`map_to_root`)."""
    if len(boxes) == 0:
        return np.zeros((0, 4))
    b = np.asarray(boxes, dtype=np.float64) - np.tile(origin, 2)
    corners = map_to_root(node, root, np.concatenate([b[:, :2], b[:, 2:]]))
    first, second = corners[: len(b)], corners[len(b):]
    return np.column_stack([np.minimum(first, second), np.maximum(first, second)])


def polyline_connect(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (NaN replaced) and a connect mask that leaves gaps where x or y is NaN."""
    pos = np.column_stack([x, y]).astype(np.float32)
    valid = np.isfinite(pos).all(axis=1)
    connect = np.zeros(len(pos), dtype=bool)
    if len(pos) > 1:
        connect[:-1] = valid[:-1] & valid[1:]
    pos[~valid] = 0.0
    return pos, connect


#: the most dashes drawn on one segment of a dashed polyline
MAX_DASHES_PER_SEGMENT = 20_000


def dash_segments(
    x: np.ndarray, y: np.ndarray, px_per_x: float, px_per_y: float, dash: float, gap: float,
    clip: tuple[float, float, float, float] | None = None,
) -> np.ndarray:
    """Segment end points that draw the polyline (x, y) dashed, dash and gap given in pixels.

    Along a segment p₀ → p₁ of length ℓ pixels, dash k runs over t ∈ [k(d + g)/ℓ,
    min(1, (k(d + g) + d)/ℓ)] of p₀ + t(p₁ − p₀), k = 0, 1, …: the pattern starts at
    each segment's first point. With ``clip`` = (x₀, x₁, y₀, y₁), in the coordinates of
    x and y, only the dashes that meet that box widened on every side by its own size
    (and a period) are made, the same ones as without it: a segment running far out of
    the view (an iterate that diverged) costs what its visible part costs, and a pan
    shows dashes before the frame of the new view comes.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if len(x) < 2:
        return np.zeros((0, 2), dtype=np.float32)
    p0 = np.column_stack([x[:-1], y[:-1]])
    p1 = np.column_stack([x[1:], y[1:]])
    delta = p1 - p0
    with np.errstate(invalid="ignore", over="ignore"):
        length_px = np.hypot(delta[:, 0] * px_per_x, delta[:, 1] * px_per_y)
    keep = np.isfinite(p0).all(axis=1) & np.isfinite(p1).all(axis=1) & (length_px > 0) & np.isfinite(length_px)
    p0, delta, length_px = p0[keep], delta[keep], length_px[keep]
    period = dash + gap
    t_in, t_out = np.zeros(len(p0)), np.ones(len(p0))
    if clip is not None:
        # Liang–Barsky: the part t ∈ [t_in, t_out] of each segment inside the widened box.
        x0, x1, y0, y1 = clip
        mx = (x1 - x0) + period / max(px_per_x, 1e-300)
        my = (y1 - y0) + period / max(px_per_y, 1e-300)
        for d, start, lo, hi in ((delta[:, 0], p0[:, 0], x0 - mx, x1 + mx), (delta[:, 1], p0[:, 1], y0 - my, y1 + my)):
            with np.errstate(divide="ignore", invalid="ignore"):
                ta, tb = (lo - start) / d, (hi - start) / d
            still = d == 0
            outside = still & ((start < lo) | (start > hi))
            t_in = np.where(still, t_in, np.maximum(t_in, np.minimum(ta, tb)))
            t_out = np.where(still, t_out, np.minimum(t_out, np.maximum(ta, tb)))
            t_out = np.where(outside, -1.0, t_out)
    first = np.floor(t_in * length_px / period)
    last = np.minimum(np.floor(t_out * length_px / period), length_px // period)
    last = np.minimum(last, first + MAX_DASHES_PER_SEGMENT - 1)
    count = np.where(t_out >= t_in, last - first + 1, 0).astype(np.int64)
    count = np.maximum(count, 0)
    if count.sum() == 0:
        return np.zeros((0, 2), dtype=np.float32)
    segment = np.repeat(np.arange(len(p0)), count)
    k = first[segment] + (np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count))
    starts = k * period / length_px[segment]
    ends = np.minimum(starts + dash / length_px[segment], 1.0)
    t = np.column_stack([starts, ends]).ravel()
    segment = np.repeat(segment, 2)
    return (p0[segment] + t[:, None] * delta[segment]).astype(np.float32)


def fill_triangles(x: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Triangles (3 vertices each) covering the region between ``lower`` and ``upper`` over ``x``.

    Columns where any value is NaN are left out, so the region has gaps there.
    """
    x, lower, upper = (np.asarray(a, dtype=np.float64) for a in (x, lower, upper))
    ok = np.isfinite(x) & np.isfinite(lower) & np.isfinite(upper)
    both = ok[:-1] & ok[1:]
    i = np.nonzero(both)[0]
    if i.size == 0:
        return np.zeros((0, 2), dtype=np.float32)
    a = np.column_stack([x[i], lower[i]])
    b = np.column_stack([x[i + 1], lower[i + 1]])
    c = np.column_stack([x[i + 1], upper[i + 1]])
    d = np.column_stack([x[i], upper[i]])
    tris = np.stack([a, b, c, a, c, d], axis=1).reshape(-1, 2)
    return tris.astype(np.float32)


class PlotArea:
    """One plane of a canvas: a view box with grid, axes, tick labels and the panel's drawables.

    The main area pans and zooms with the mouse; extra areas show the view their
    panel asks for. ``x_log``/``y_log`` label ticks as powers of ten: the drawables'
    coordinates are then log₁₀ of the quantity.
    """

    def __init__(self, owner: PlotCanvas, interactive: bool):
        self.owner = owner
        self.view = scene.widgets.ViewBox()
        self.view.camera = scene.PanZoomCamera(aspect=None)
        self.view.camera.interactive = interactive
        self.visuals: dict[str, object] = {}
        self._drawables: tuple = ()
        self.origin: tuple[float, float] = (0.0, 0.0)
        self.kinds: dict[str, str] = {}
        self.x_log = False
        self.y_log = False
        self.x_name = "x"
        self.y_name = "y"
        self.title = ""
        self._grid_key: tuple | None = None
        #: pixels from the plane's top to the y axis name's top when last laid out (None: not yet)
        self._y_name_top: float | None = None
        #: False while the frame leaves this plane out of the canvas (``SceneFrame.main_size`` 0)
        self.shown = True
        self._minor_grid = scene.visuals.Line(parent=self.view.scene, method="gl", connect="segments")
        set_order(self._minor_grid, Z_GRID)
        self._major_grid = scene.visuals.Line(parent=self.view.scene, method="gl", connect="segments")
        set_order(self._major_grid, Z_GRID + 1)
        self._axes = scene.visuals.Line(parent=self.view.scene, method="gl", connect="segments")
        set_order(self._axes, Z_AXES)
        # VisPy's anchor_y is in a y-up frame: "bottom" hangs the text below its position on screen.
        self._x_labels = new_text(parent=self.view.scene, anchor_x="center", anchor_y="bottom")
        self._y_labels = new_text(parent=self.view.scene, anchor_x="right", anchor_y="center")
        self._x_name = new_text(parent=self.view.scene, anchor_x="right", anchor_y="top")
        self._y_name = new_text(parent=self.view.scene, anchor_x="left", anchor_y="bottom")
        self._title = new_text(parent=self.view.scene, anchor_x="center", anchor_y="bottom")
        for label in (self._x_labels, self._y_labels, self._x_name, self._y_name, self._title):
            set_order(label, Z_AXES + 1)
        # On a heat map or dense shading (DENSE_FILL_ALPHA), the axis text sits on boxes of the background
        # colour, or dark text vanishes on the dark end of the colour map (and light text on the light end).
        self._dense = False
        self._dash_cache: dict[str, tuple[tuple, np.ndarray]] = {}  # curve key -> (what it was made for, dashes)
        self._tick_boxes: list[tuple[float, float, float, float]] = []
        self._label_boxes: list[tuple[float, float, float, float]] = []
        #: boxes (x0, y0, x1, y1) in plane coordinates around each label's text, as last shown
        self._text_boxes: list[tuple[float, float, float, float]] = []
        #: boxes (x0, y0, x1, y1) in plane coordinates around tick labels and axis names, by kind
        self._axis_boxes: dict[str, list[tuple[float, float, float, float]]] = {}
        self._backing = scene.visuals.Mesh(parent=self.view.scene)  # under tick labels and axis names
        set_order(self._backing, Z_AXES + 0.5)
        self._label_backing = scene.visuals.Mesh(parent=self.view.scene)  # under the labels, over the rest
        # under tick labels and axis names that lie inside the plane, over every drawable
        self._edge_backing = scene.visuals.Mesh(parent=self.view.scene)
        set_order(self._edge_backing, Z_EDGE_TEXT - 0.5)
        #: boxes under the tick labels and axis names drawn over the drawables
        self._edge_boxes: list[tuple[float, float, float, float]] = []
        for backing in (self._backing, self._label_backing, self._edge_backing):
            set_visible(backing, False)
            flat(backing)
        for visual in (self._minor_grid, self._major_grid, self._axes, self._x_labels, self._y_labels,
                       self._x_name, self._y_name, self._title):
            flat(visual)
        # The legend is drawn on the canvas over this plane's top right corner.
        canvas_scene = owner.canvas.scene
        self._legend_box = scene.visuals.Rectangle(parent=canvas_scene, center=(0, 0), width=1, height=1)
        self._legend_fill = scene.visuals.Mesh(parent=canvas_scene)
        self._legend_lines = scene.visuals.Line(parent=canvas_scene, method="gl", connect="segments")
        self._legend_text = new_text(parent=canvas_scene, anchor_x="left", anchor_y="center")
        for i, visual in enumerate((self._legend_box, self._legend_fill, self._legend_lines, self._legend_text)):
            set_order(visual, 990 + i)
            set_visible(visual, False)
            flat(visual)

    # -- view ----------------------------------------------------------------
    # Deep zoom: the GPU draws in float32, which holds about 7 digits. A window 1e-12 wide
    # around x = 0.3 needs 13, so the plane keeps an *origin* (float64) near the view's
    # centre, and visuals and the camera work in coordinates relative to it.
    RECENTER_RATIO = 1000.0

    def current_view(self) -> View | None:
        rect = self.view.camera.rect
        ox, oy = self.origin
        try:
            return View(rect.left + ox, rect.right + ox, rect.bottom + oy, rect.top + oy, max(2, int(self.view.size[0])))
        except ValueError:
            return None

    def set_view(self, view: View) -> None:
        cx, cy = (view.x_min + view.x_max) / 2, (view.y_min + view.y_max) / 2
        far = abs(cx) > self.RECENTER_RATIO * view.width or abs(cy) > self.RECENTER_RATIO * view.height
        self.origin = (cx, cy) if far else (0.0, 0.0)
        ox, oy = self.origin
        # Set the rectangle itself: VisPy's set_range turns margin=0 into 0.1 data units (r*margin or 0.1).
        self.view.camera.rect = (view.x_min - ox, view.y_min - oy, view.width, view.height)
        self.update_grid()

    def recenter_if_needed(self) -> bool:
        """Move the origin after a pan or zoom that left the view far from it; True if it moved.

        The origin follows the view's centre once the view is narrower than a
        thousandth of its distance from the current origin, and returns to (0, 0)
        when the view widens to include that scale again.
        """
        view = self.current_view()
        if view is None:
            return False
        cx, cy = (view.x_min + view.x_max) / 2, (view.y_min + view.y_max) / 2
        wants_origin = abs(cx) > self.RECENTER_RATIO * view.width or abs(cy) > self.RECENTER_RATIO * view.height
        rect = self.view.camera.rect
        ux, uy = rect.center
        near = abs(ux) <= self.RECENTER_RATIO * rect.width and abs(uy) <= self.RECENTER_RATIO * rect.height
        if near and wants_origin == (self.origin != (0.0, 0.0)):
            return False
        before = self.origin
        self.set_view(view)
        return self.origin != before

    def local(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Plane coordinates relative to the origin, in float64 (cast to float32 after this)."""
        ox, oy = self.origin
        return np.asarray(x, dtype=np.float64) - ox, np.asarray(y, dtype=np.float64) - oy

    def pixel_size(self) -> tuple[float, float]:
        w, h = (max(2.0, float(s)) for s in self.view.size)
        return w, h

    # -- grid and axes -------------------------------------------------------
    def _axis_ticks(self, lo: float, hi: float, pixels: float, target: float, log: bool):
        if log:
            step = float(decade_step(lo, hi, pixels, target))
            major = ticks(lo, hi, step)
            minor = log_minor_ticks(lo, hi) if hi - lo <= 8 else ticks(lo, hi, 1.0)
            return step, major, minor, power_labels
        step = nice_step(hi - lo, pixels, target)
        return step, ticks(lo, hi, step), ticks(lo, hi, minor_step(step)), tick_labels

    def update_grid(self) -> None:
        view = self.current_view()
        if view is None:
            return
        o = self.owner
        th = o.theme
        w_px, h_px = self.pixel_size()
        # everything below follows from these: a frame of an animation that leaves them alone skips it
        key = (view, w_px, h_px, th, o.pixel_scale, self.x_log, self.y_log, self.x_name, self.y_name,
               self.title, self.origin, self._dense)
        if key == self._grid_key:
            return
        self._grid_key = None  # (set again at the end: a failure half way lays it all out next time)
        step_x, major_x, minor_x, label_x_fn = self._axis_ticks(view.x_min, view.x_max, w_px, o.px(110), self.x_log)
        step_y, major_y, minor_y, label_y_fn = self._axis_ticks(view.y_min, view.y_max, h_px, o.px(90), self.y_log)

        def segments(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
            vertical = [[[x, view.y_min], [x, view.y_max]] for x in xs]
            horizontal = [[[view.x_min, y], [view.x_max, y]] for y in ys]
            pts = np.array(vertical + horizontal, dtype=np.float64).reshape(-1, 2)
            return pts - self.origin if len(pts) else np.zeros((2, 2))

        set_data(self._minor_grid, pos=segments(minor_x, minor_y), color=rgba(th.minor_grid), width=o.line_width(1.0) / th.line_scale)
        set_data(self._major_grid, pos=segments(major_x, major_y), color=rgba(th.grid), width=o.line_width(1.2) / th.line_scale)

        # Axes through the origin, or along the nearest edge when the origin is out of view.
        # Log axes have no origin: their axis lines sit on the lower and left edges.
        x_axis_y = view.y_min if self.y_log else float(np.clip(0.0, view.y_min, view.y_max))
        y_axis_x = view.x_min if self.x_log else float(np.clip(0.0, view.x_min, view.x_max))
        dx, dy = view.width / w_px, view.height / h_px  # data units per pixel
        # an axis on an edge is drawn half its width inside, so that the plane's clip does not cut it
        # to a hairline (or away: a plane that fills the canvas has nothing beside it)
        axis_width = o.line_width(1.6)
        inset_x, inset_y = 0.5 * axis_width * dx, 0.5 * axis_width * dy
        x_axis_y = float(np.clip(x_axis_y, view.y_min + inset_y, view.y_max - inset_y))
        y_axis_x = float(np.clip(y_axis_x, view.x_min + inset_x, view.x_max - inset_x))
        axes = np.array([[view.x_min, x_axis_y], [view.x_max, x_axis_y], [y_axis_x, view.y_min], [y_axis_x, view.y_max]])
        set_data(self._axes, pos=axes - self.origin, color=rgba(th.foreground, 0.85), width=axis_width)

        font = o.font(15)
        pad = o.px(6)
        label_y = min(max(x_axis_y - pad * dy, view.y_min + o.px(24) * dy), view.y_max)
        keep_x = np.abs(major_x - y_axis_x) > 0.5 * step_x  # no label on top of the y axis
        edge_x = min(0.3 * step_x, o.px(30) * dx)  # a label needs room at the edge, not a third of a step
        xs = major_x[keep_x & (major_x > view.x_min + edge_x) & (major_x < view.x_max - edge_x)]
        self._set_labels(self._x_labels, label_x_fn(xs, step_x), np.column_stack([xs, np.full_like(xs, label_y)]), font)
        keep_y = np.abs(major_y - x_axis_y) > 0.5 * step_y
        edge_y = min(0.3 * step_y, o.px(14) * dy)
        ys = major_y[keep_y & (major_y > view.y_min + edge_y) & (major_y < view.y_max - edge_y)]
        y_texts = label_y_fn(ys, step_y)
        # y labels sit left of the y axis, unless they would be cut at the left edge (the axis is
        # near it, or out of view; they keep a pad from the edge too): then they sit right of it, inside the plane.
        text_px = max((text_width(t, o.px(15) * th.text_scale) for t in y_texts), default=0.0)
        if y_axis_x - (2 * pad + text_px) * dx >= view.x_min:
            label_x, anchor = y_axis_x - pad * dx, "right"
        else:
            label_x, anchor = min(y_axis_x + pad * dx, view.x_max - (pad + text_px) * dx), "left"
        if self._y_labels.anchors[0] != anchor:
            set_props(self._y_labels, anchors=(anchor, "center"))
        self._set_labels(self._y_labels, y_texts, np.column_stack([np.full_like(ys, label_x), ys]), font)
        set_props(self._x_labels, color=rgba(th.foreground, 0.9))
        set_props(self._y_labels, color=rgba(th.foreground, 0.9))
        self._set_labels(self._x_name, [self.x_name], np.array([[view.x_max - pad * dx, x_axis_y + pad * dy]]), o.font(18))
        # The axis name goes right of the axis, and right of the tick labels when they sit inside the
        # plane; under the title when there is one, on a row no tick label shares.
        y_name_x = (label_x + text_px * dx if anchor == "left" else y_axis_x) + pad * dx
        # Rows (top, bottom) in pixels from the plane's top that the name must not share: the tick
        # labels on its side of the axis, and the x axis's labels and name below them.
        avoid: list[tuple[float, float]] = []
        if anchor == "left":
            tick_h = self._tick_height()
            avoid += [((view.y_max - y) / dy - 0.5 * tick_h, (view.y_max - y) / dy + 0.5 * tick_h) for y in ys]
            x_axis_row = (view.y_max - x_axis_y) / dy
            avoid.append((x_axis_row - pad - self._name_height(), max(x_axis_row, (view.y_max - label_y) / dy + tick_h)))
        y_name_drop = self._y_name_drop(avoid, h_px)
        y_name_y = view.y_max - y_name_drop * dy
        self._set_labels(self._y_name, [self.y_name], np.array([[y_name_x, y_name_y]]), o.font(18))
        set_props(self._x_name, color=rgba(th.foreground))
        set_props(self._y_name, color=rgba(th.foreground))
        # Boxes (x0, y0, x1, y1) in plane coordinates around the tick labels and axis names.
        tick_h, name_h = self._tick_height(), self._name_height()
        width = lambda text, size: text_width(text, o.px(size) * th.text_scale) + o.px(6)  # noqa: E731
        x_tick_boxes = []
        for x, text in zip(xs, label_x_fn(xs, step_x), strict=True):
            half = 0.5 * width(text, 15) * dx
            x_tick_boxes.append((x - half, label_y - tick_h * dy, x + half, label_y + o.px(2) * dy))
        y_tick_boxes = []
        for y, text in zip(ys, y_texts, strict=True):
            w_text = width(text, 15) * dx
            x0 = label_x - w_text if anchor == "right" else label_x
            # labels right of the axis: the box reaches back to the axis, so that a line along the
            # tick's height shows no stub between the axis and the digits (a "1" read as "−1")
            # (to the axis line's right side: the box is drawn over the axes and must not notch them)
            left = min(x0 - o.px(2) * dx, y_axis_x + inset_x) if anchor == "left" else x0 - o.px(2) * dx
            y_tick_boxes.append((left, y - 0.5 * tick_h * dy, x0 + w_text, y + 0.5 * tick_h * dy))
        x_name_w = width(self.x_name, 18) * dx
        x_name_at = (view.x_max - pad * dx, x_axis_y + pad * dy)
        x_name_box = (x_name_at[0] - x_name_w, x_name_at[1], x_name_at[0] + o.px(2) * dx, x_name_at[1] + name_h * dy)
        y_name_box = (y_name_x - o.px(3) * dx, y_name_y - name_h * dy, y_name_x + width(self.y_name, 18) * dx,
                      y_name_y + o.px(3) * dy)
        self._axis_boxes = {"x ticks": x_tick_boxes, "y ticks": y_tick_boxes, "x name": [x_name_box],
                            "y name": [y_name_box]}
        # Tick labels pushed inside the plane by an axis on its edge (a log axis, or the origin out
        # of view) frame the picture: they and their axis's name are drawn over the drawables, on
        # boxes of the background colour, so that a curve running along the edge does not cross
        # out their digits. Labels beside an axis through the plane stay under the curves.
        # an axis on the bottom edge has its labels over it, one on the top edge under it, inside
        x_inside = x_axis_y - pad * dy < view.y_min + o.px(24) * dy or x_axis_y >= view.y_max - inset_y
        # an axis on the left edge has its labels right of it, one on the right edge left of it
        y_inside = anchor == "left" or y_axis_x >= view.x_max - inset_x
        for visual, inside in ((self._x_labels, x_inside), (self._x_name, x_inside),
                               (self._y_labels, y_inside), (self._y_name, y_inside)):
            set_order(visual, Z_EDGE_TEXT if inside else Z_AXES + 1)
        x_boxes, y_boxes = [*x_tick_boxes, x_name_box], [*y_tick_boxes, y_name_box]
        self._edge_boxes = (x_boxes if x_inside else []) + (y_boxes if y_inside else [])
        self._tick_boxes = ((x_boxes if not x_inside else []) + (y_boxes if not y_inside else [])
                            if self._dense else [])
        if self.title:
            self._set_labels(self._title, [self.title], np.array([[(view.x_min + view.x_max) / 2, view.y_max - o.px(8) * dy]]), o.font(17))
            set_props(self._title, color=rgba(th.foreground))
            set_visible(self._title, True)
            if self._dense:  # on dense colour the title needs its box as the tick labels do
                half, top, bottom = title_extent(o, self.title)
                middle = (view.x_min + view.x_max) / 2
                self._tick_boxes.append((middle - half * dx, view.y_max - bottom * dy,
                                         middle + half * dx, view.y_max - top * dy))
        else:
            set_visible(self._title, False)
        self._show_backing()
        self._grid_key = key

    def _tick_height(self) -> float:
        """Height in pixels of a tick label's box."""
        return self.owner.px(15) * self.owner.theme.text_scale + self.owner.px(4)

    def _name_height(self) -> float:
        """Height in pixels of an axis name's box."""
        return self.owner.px(18) * self.owner.theme.text_scale + self.owner.px(4)

    def _y_name_drop(self, rows: list[tuple[float, float]], h_px: float) -> float:
        """Pixels from the plane's top to the top of the y axis name, on a row of its own.

        The name hangs under the title (or under the top edge). Beside a tick label on its
        side of the axis it would read as part of that label, as "10⁰ f(θ)": a row is clear
        when it keeps a gap to each of ``rows`` (top, bottom in pixels from the plane's top).
        The name takes, in this order: its own row under the title, if clear; the row it had
        in the last layout, if still clear and between the title and the plane's bottom, so
        that while an animation moves the tick labels it stays put until a label runs into
        it (or its own row frees); else the clear row nearest its own, just above or below
        one of ``rows``. If there is none, it keeps its own row.
        """
        o = self.owner
        th = o.theme
        title_h = o.px(26) * th.text_scale if self.title else 0.0
        wanted = o.px(30) + title_h
        name_h, gap = self._name_height(), o.px(4)
        highest, lowest = o.px(8) + title_h, h_px - o.px(40) - name_h

        def clear(top: float) -> bool:
            return all(top + name_h + gap <= row_top or top >= row_bottom + gap for row_top, row_bottom in rows)

        last = self._y_name_top
        if clear(wanted):
            top = wanted
        elif last is not None and highest <= last <= lowest and clear(last):
            top = last
        else:
            tops = [t for row_top, row_bottom in rows for t in (row_top - gap - name_h, row_bottom + gap)]
            tops = [t for t in tops if highest <= t <= lowest and clear(t)]
            top = min(tops, key=lambda t: abs(t - wanted), default=wanted)
        self._y_name_top = top
        return top

    def axis_text_boxes(self) -> dict[str, list[tuple[float, float, float, float]]]:
        """Boxes (left, top, right, bottom) in canvas pixels around the tick labels and axis names.

        Keys "x ticks", "y ticks", "x name" and "y name"; the widths are the texts'
        measured widths (:func:`~derivlab.render.visuals.text_width`) plus a margin, the
        boxes the heat-map backing draws.
        """
        out: dict[str, list[tuple[float, float, float, float]]] = {}
        for kind, boxes in self._axis_boxes.items():
            out[kind] = []
            for x0, y0, x1, y1 in boxes:
                left, bottom = self.data_to_canvas(x0, y0)
                right, top = self.data_to_canvas(x1, y1)
                out[kind].append((float(min(left, right)), float(min(top, bottom)),
                                  float(max(left, right)), float(max(top, bottom))))
        return out

    def _show_backing(self) -> None:
        """Boxes of the background colour (82 % opaque) under tick labels, axis names, labels on a heat map
        and labels that ask for one (``Label.backed``), and under the axis text drawn over the drawables."""
        for backing, boxes in ((self._backing, self._tick_boxes), (self._label_backing, self._label_boxes),
                               (self._edge_backing, self._edge_boxes)):
            set_visible(backing, bool(boxes))
            if not boxes:
                continue
            b = np.array(boxes, dtype=np.float64) - np.tile(self.origin, 2)
            set_data(backing, vertices=box_triangles(*b.T), color=rgba(self.owner.theme.background, 0.82))

    def _set_labels(self, visual, texts: list[str], pos: np.ndarray, font_size: float) -> None:
        if not texts:
            set_props(visual, text="")
            return
        set_props(visual, text=texts, pos=(np.asarray(pos, dtype=np.float64) - self.origin).astype(np.float32),
                 font_size=font_size)

    # -- drawables -------------------------------------------------------------
    def _dashes(self, curve: Curve, view: View, w_px: float, h_px: float) -> np.ndarray:
        """:func:`dash_segments` of a dashed curve in this plane's view, made again only when
        the curve, the view, the plane's size or origin, or the pixel scale changed (a
        frame's dashed tangent usually stays as it was)."""
        o, th = self.owner, self.owner.theme
        x, y = np.asarray(curve.x, dtype=np.float64), np.asarray(curve.y, dtype=np.float64)
        key = (x.tobytes(), y.tobytes(), view, w_px, h_px, self.origin, o.px(1), th.line_scale)
        kept = self._dash_cache.get(curve.key)
        if kept is not None and kept[0] == key:
            return kept[1]
        ox, oy = self.origin
        pos = dash_segments(*self.local(x, y), w_px / view.width, h_px / view.height,
                            dash=o.px(14) * th.line_scale, gap=o.px(9) * th.line_scale,
                            clip=(view.x_min - ox, view.x_max - ox, view.y_min - oy, view.y_max - oy))
        pos.setflags(write=False)  # handed to VisPy again next frame: nobody may change it
        self._dash_cache[curve.key] = (key, pos)
        return pos

    def show(self, drawables) -> None:
        """Update each drawable's visual in place; hide the ones that went away."""
        self._drawables = tuple(drawables)
        o = self.owner
        th = o.theme
        seen = set()
        view = self.current_view() or View()
        w_px, h_px = self.pixel_size()
        on_map = any(isinstance(d, Heatmap) for d in drawables)
        # the axis text needs its boxes on dense shading too; the labels, placed by the scene, only on a heat map
        dense = on_map or any(isinstance(d, Fill) and d.alpha >= DENSE_FILL_ALPHA for d in drawables)
        label_boxes = []
        text_boxes = []  # around every label's text, in plane coordinates
        label_ends: dict[str, float] = {}  # x where each label's text ends on the right, for labels placed after it
        first_label = None
        if dense != self._dense:
            self._dense = dense
            self.update_grid()
        for order, drawable in enumerate(drawables):
            seen.add(drawable.key)
            visual = self._visual_for(drawable)
            set_visible(visual, True)
            if not isinstance(drawable, (Fill, Heatmap)):  # those two set an order of their own below
                set_order(visual, order)  # later drawables on top
            if isinstance(drawable, Curve):
                color = rgba(th.color(drawable.role))
                width = o.line_width(drawable.width)
                if drawable.dashed:
                    pos = self._dashes(drawable, view, w_px, h_px)
                    if len(pos) == 0:
                        set_visible(visual, False)
                        continue
                    set_data(visual, pos=pos, color=color, width=width, connect="segments")
                else:
                    pos, connect = polyline_connect(*self.local(drawable.x, drawable.y))
                    if not connect.any():
                        set_visible(visual, False)
                        continue
                    set_data(visual, pos=pos, color=color, width=width, connect=connect)
            elif isinstance(drawable, Fill):
                x_local, lower = self.local(drawable.x, drawable.lower)
                tris = fill_triangles(x_local, lower, self.local(drawable.x, drawable.upper)[1])
                if len(tris) == 0:
                    set_visible(visual, False)
                    continue
                set_data(visual, vertices=tris, color=rgba(th.color(drawable.role), drawable.alpha))
                # over the grid and heat maps, under the axes and every line (whatever the number of drawables)
                set_order(visual, Z_FILLS + min(order, 3999) / 1000)
            elif isinstance(drawable, Markers):
                pos = np.column_stack(self.local(drawable.x, drawable.y)).astype(np.float32)
                pos = pos[np.isfinite(pos).all(axis=1)]
                if len(pos) == 0:
                    set_visible(visual, False)
                    continue
                set_data(
                    visual,
                    pos=pos,
                    size=o.px(drawable.size) * th.line_scale,
                    face_color=rgba(th.color(drawable.role)),
                    edge_color=rgba(th.background),
                    edge_width=o.px(2.0),
                )
            elif isinstance(drawable, Heatmap):
                set_visible(visual, show_heatmap(visual, drawable, self))  # under the lines, over the grid
            elif isinstance(drawable, Label):
                dx, dy = view.width / w_px, view.height / h_px
                x = label_ends.get(drawable.after, drawable.x) if drawable.after else drawable.x
                if not (np.isfinite(x) and np.isfinite(drawable.y)):
                    set_visible(visual, False)
                    continue
                lx, ly = self.local(x, drawable.y)
                tx = x + drawable.offset[0] * dx * o.pixel_scale
                ty = drawable.y - drawable.offset[1] * dy * o.pixel_scale
                text_w = text_width(drawable.text, o.px(drawable.size) * th.text_scale) * dx
                label_ends[drawable.key] = {"left": tx + text_w, "center": tx + text_w / 2, "right": tx}[drawable.anchor[0]]
                tw = text_w + o.px(6) * dx
                th_ = (o.px(drawable.size) * th.text_scale + o.px(4)) * dy
                x0 = {"left": tx - o.px(3) * dx, "right": tx - tw, "center": tx - tw / 2}[drawable.anchor[0]]
                y0 = {"top": ty - th_, "bottom": ty - o.px(2) * dy, "center": ty - th_ / 2,
                      "baseline": ty - 0.25 * th_}[drawable.anchor[1]]
                text_boxes.append((x0, y0, x0 + tw, y0 + th_))
                if on_map or drawable.backed:
                    label_boxes.append((x0, y0, x0 + tw, y0 + th_))
                    first_label = order if first_label is None else first_label
                set_props(
                    visual,
                    text=drawable.text,
                    pos=np.array([[lx + drawable.offset[0] * dx * o.pixel_scale,
                                   ly - drawable.offset[1] * dy * o.pixel_scale]], np.float32),
                    color=rgba(th.color(drawable.role)),
                    font_size=o.font(drawable.size),
                    anchors=(drawable.anchor[0], _VISPY_ANCHOR_Y[drawable.anchor[1]]),
                )
        for key, visual in self.visuals.items():
            if key not in seen:
                set_visible(visual, False)
        for key in [k for k in self._dash_cache if k not in seen]:
            del self._dash_cache[key]
        self._label_boxes = label_boxes
        self._text_boxes = text_boxes
        if first_label is not None:
            set_order(self._label_backing, first_label - 0.5)  # under the labels, over what comes before them
        self._show_backing()

    def relayout(self, event=None) -> None:
        """Grid, labels and pixel offsets again for this plane's new size (a panel has no presenter to ask)."""
        self.update_grid()
        self.show(self._drawables)
        self.layout_legend()

    def _visual_for(self, drawable):
        key = drawable.key
        kind = type(drawable).__name__
        existing = self.visuals.get(key)
        if existing is not None and self.kinds.get(key) == kind:
            return existing
        if existing is not None:
            existing.parent = None
        if isinstance(drawable, Curve):
            visual = Stroke(parent=self.view.scene)
        elif isinstance(drawable, Fill):
            visual = scene.visuals.Mesh(parent=self.view.scene)
        elif isinstance(drawable, Markers):
            visual = scene.visuals.Markers(parent=self.view.scene, symbol="disc")
        elif isinstance(drawable, Heatmap):
            visual = new_heatmap_visual(self.view.scene)
        else:
            visual = new_text(parent=self.view.scene)
        flat(visual)
        self.kinds[key] = kind
        self.visuals[key] = visual
        return visual

    # -- what overlays must not hide ---------------------------------------------
    def overlay_obstacles(self) -> np.ndarray:
        """Boxes (n, 4: left, top, right, bottom) in canvas pixels around what a box laid over the
        plane must not hide: each marker's disc (its edge included) and each label's text, as last shown.

        Things outside the plane (drawn nowhere) are left out.
        """
        if not self.shown:
            return np.zeros((0, 4))
        o = self.owner
        scene_node, root = self.view.scene, o.canvas.scene
        parts = [canvas_boxes(scene_node, root, self._text_boxes, self.origin)]
        for drawable in self._drawables:
            if not isinstance(drawable, Markers):
                continue
            pos = np.column_stack(self.local(drawable.x, drawable.y))
            pos = pos[np.isfinite(pos).all(axis=1)]
            if len(pos):
                radius = 0.5 * o.px(drawable.size) * o.theme.line_scale + o.px(2.0)
                parts.append(canvas_boxes(scene_node, root, np.column_stack([pos, pos]))
                             + [-radius, -radius, radius, radius])
        boxes = np.concatenate(parts)
        left, top, w, h = self.canvas_rect()
        inside = (boxes[:, 2] > left) & (boxes[:, 0] < left + w) & (boxes[:, 3] > top) & (boxes[:, 1] < top + h)
        return boxes[inside]

    def axis_text_rects(self) -> np.ndarray:
        """The boxes of :meth:`axis_text_boxes` (tick labels and axis names) as one (n, 4) array."""
        if not self.shown:
            return np.zeros((0, 4))
        boxes = [box for kind in self._axis_boxes.values() for box in kind]
        return canvas_boxes(self.view.scene, self.owner.canvas.scene, boxes, self.origin)

    # -- legend ------------------------------------------------------------------
    def _legend_entries(self) -> list:
        return [d for d in self._drawables if isinstance(d, (Curve, Fill)) and d.label]

    def legend_rect(self, avoid: Sequence[Rect] = ()) -> Rect | None:
        """The legend's box (left, top, right, bottom) in canvas pixels; None when this plane shows none.

        It sits in the plane's top right corner, under the title. Where it would come
        within a margin of a box of ``avoid`` (the readouts' box, the caption) it takes the
        first corner that does not: bottom right, bottom left, top left (the bottom ones a
        line of text above the bottom edge, where a message is written); if none is clear,
        the top right.
        """
        o = self.owner
        th = o.theme
        entries = self._legend_entries()
        if not (o.show_legend and entries and self.shown):
            return None
        left0, top0, w, h = self.canvas_rect()
        margin = o.px(14)
        row = o.px(30) * th.text_scale
        swatch = o.px(36)
        longest = max(text_width(d.label, o.px(15) * th.text_scale) for d in entries)
        # 10 px margins and gap around swatch and text, in steps of 20: steady while a number in a label changes
        box_w = math.ceil((swatch + o.px(30) + longest) / o.px(20)) * o.px(20)
        box_h = row * len(entries) + o.px(12)
        right, left = left0 + w - margin - box_w, left0 + margin
        top = top0 + margin + (o.px(26) * th.text_scale if self.title else 0.0)  # under the title
        bottom = top0 + h - margin - box_h - o.px(34) * th.text_scale
        corners = [(x, y, x + box_w, y + box_h) for x, y in ((right, top), (right, bottom), (left, bottom), (left, top))]
        for corner in corners:
            if not any(boxes_meet(corner, other, margin) for other in avoid):
                return corner
        return corners[0]

    def layout_legend(self, avoid: Sequence[Rect] = ()) -> None:
        """A box naming the colours of this plane's labelled curves and regions, where :meth:`legend_rect` puts it."""
        o = self.owner
        th = o.theme
        rect = self.legend_rect(avoid)
        if rect is None:
            for hidden in (self._legend_box, self._legend_lines, self._legend_text):
                set_visible(hidden, False)
            set_visible(self._legend_fill, False)
            return
        entries = self._legend_entries()
        row = o.px(30) * th.text_scale
        swatch = o.px(36)
        left, top, right, bottom = rect
        box_w, box_h = right - left, bottom - top
        set_visible(self._legend_box, True)
        set_props(self._legend_box, center=(left + box_w / 2, top + box_h / 2), width=box_w, height=box_h,
                  color=rgba(th.background, 0.88), border_color=rgba(th.foreground, 0.35))
        seg, colors, texts, tpos, tris, tri_colors = [], [], [], [], [], []
        for i, d in enumerate(entries):
            yy = top + o.px(6) + row * (i + 0.5)
            x0 = left + o.px(10)
            color = rgba(th.color(d.role))
            if isinstance(d, Fill):
                half = row * 0.3
                corners = [[x0, yy - half], [x0 + swatch, yy - half], [x0 + swatch, yy + half], [x0, yy + half]]
                tris += [corners[0], corners[1], corners[2], corners[0], corners[2], corners[3]]
                tri_colors += [rgba(th.color(d.role), min(1.0, d.alpha * 2.5))] * 6
            elif d.dashed:
                seg += [[x0, yy], [x0 + swatch * 0.4, yy], [x0 + swatch * 0.6, yy], [x0 + swatch, yy]]
                colors += [color] * 4
            else:
                seg += [[x0, yy], [x0 + swatch, yy]]
                colors += [color] * 2
            texts.append(d.label)
            tpos.append([x0 + swatch + o.px(10), yy])
        set_visible(self._legend_lines, bool(seg))
        if seg:
            set_data(self._legend_lines, pos=np.array(seg, np.float32), color=np.array(colors, np.float32),
                                        width=o.line_width(3.0), connect="segments")
        set_visible(self._legend_fill, bool(tris))
        if tris:
            # Unindexed triangles: vertices (faces, 3, 2) and their colours (faces, 3, 4).
            set_data(self._legend_fill, vertices=np.array(tris, np.float32).reshape(-1, 3, 2),
                                       vertex_colors=np.array(tri_colors, np.float32).reshape(-1, 3, 4))
        set_visible(self._legend_text, True)
        set_props(self._legend_text, text=texts, pos=np.array(tpos, np.float32), font_size=o.font(15),
                 color=rgba(th.foreground))

    def dispose(self) -> None:
        """Take this plane's visuals off the canvas."""
        for visual in (self._legend_box, self._legend_fill, self._legend_lines, self._legend_text):
            visual.parent = None
        self.view.parent = None

    def data_to_canvas(self, x: float, y: float) -> np.ndarray:
        tr = self.view.scene.node_transform(self.owner.canvas.scene)
        return tr.map([x - self.origin[0], y - self.origin[1]])[:2]

    def canvas_to_data(self, pos) -> np.ndarray:
        tr = self.owner.canvas.scene.node_transform(self.view.scene)
        return tr.map(pos)[:2] + np.asarray(self.origin)

    def canvas_rect(self) -> tuple[float, float, float, float]:
        """(left, top, width, height) of this area in canvas pixels."""
        left, top = map_to_root(self.view, self.owner.canvas.scene, [[0.0, 0.0]])[0]
        w, h = self.view.size
        return float(left), float(top), float(w), float(h)


def title_extent(owner: PlotCanvas, title: str) -> tuple[float, float, float]:
    """A plane's title box in pixels, in any plane (2D or 3D): half its width about the
    plane's middle, and its top and bottom counted from the plane's top edge."""
    size = owner.px(17) * owner.theme.text_scale
    return 0.5 * text_width(title, size) + owner.px(4), owner.px(6), owner.px(8) + size * 1.3


def readout_box_size(widths: Sequence[float], row: float, px: Callable[[float], float],
                     plane_h: float, plane_w: float) -> tuple[float, float, list[tuple[float, int]]]:
    """The readouts' box (width, height) in pixels, and each line's (x from the text's left, row).

    One column of lines, ``row`` pixels apart; the width is rounded up to 40 px so that
    the box stays steady while digits come and go. When that column is taller than half
    the plane (a short plane stacked over others) and has four lines or more, the lines
    fill k columns of ⌈n/k⌉ rows, top to bottom and then left to right: the fewest
    columns whose box is at most a third of the plane's height, or else the most that
    fit, with the box under 60 % of the plane's width either way. Each column starts
    28 px after the widest line of the one before it rounded up to 20 px, so that it
    stays put while digits change.
    """
    n = len(widths)

    def box(columns: int) -> tuple[float, float, list[tuple[float, int]]]:
        rows = -(-n // columns)
        starts, x = [], 0.0
        for c in range(columns):
            starts.append(x)
            x += math.ceil(max(widths[c * rows:(c + 1) * rows], default=0.0) / px(20)) * px(20) + px(28)
        last = max(widths[(columns - 1) * rows:], default=0.0)
        width = math.ceil((px(20) + starts[-1] + last) / px(40)) * px(40)
        return width, row * rows + px(12), [(starts[i // rows], i % rows) for i in range(n)]

    one = box(1)
    if one[1] <= 0.5 * plane_h or n < 4:
        return one
    best = one
    for columns in range(2, n + 1):
        if -(-n // columns) == -(-n // (columns - 1)):
            continue  # no fewer rows than with one column less
        candidate = box(columns)
        if candidate[0] > 0.6 * plane_w:
            break
        best = candidate
        if candidate[1] <= plane_h / 3:
            break
    return best


class PlotCanvas:
    """A canvas of one or more planes with pan/zoom, grid, axes, legend and readouts.

    It draws :class:`SceneFrame` s: the frame's ``drawables`` go on the main plane,
    which pans and zooms with the mouse; each of the frame's ``panels`` gets a plane
    of its own, below or to the right, showing the view the panel asks for.
    ``pixel_scale`` multiplies line widths and text sizes (2.0 for a 4K export of a
    picture designed at 1080p). ``on_view_changed`` hears pans and zooms of the main
    plane; ``on_drag`` hears a draggable marker moved to a new x.
    """

    def __init__(
        self,
        size: tuple[int, int] = (1280, 720),
        theme: str = DEFAULT_THEME,
        show: bool = False,
        app=None,
        pixel_scale: float = 1.0,
        samples: int = 8,
        parent=None,
    ):
        self.theme: Theme = get_theme(theme)
        self.pixel_scale = float(pixel_scale)
        self.canvas = scene.SceneCanvas(
            keys=None,
            size=size,
            show=show,
            app=app,
            bgcolor=self.theme.background,
            config={"samples": samples},
            parent=parent,
        )
        self.grid = self.canvas.central_widget.add_grid(spacing=max(4, int(self.px(10))))
        self._planes_laid_out: tuple | None = None  # what the grid was last solved for
        self.main = PlotArea(self, interactive=True)
        self.grid.add_widget(self.main.view, row=0, col=0)
        self.view = self.main.view
        self.panels: dict[str, PlotArea | SurfaceArea] = {}
        self._panel_layout: tuple = ()
        self._frame: SceneFrame | None = None
        self._drag_parameter: str | None = None
        self._fbo = None
        self._fbo_size: tuple[int, int] | None = None
        self._yuv = None
        self._layers = None
        self._zoom_start: tuple[float, float] | None = None
        self._zoom_box = None
        self._zoom_stack: list[View] = []
        self._view_listeners: list[Callable[[View], None]] = []
        self._drag_listeners: list[DragHandler] = []
        self._last_view: View | None = None
        self.show_legend = True
        self.show_readouts = True
        #: (what it was chosen for, corner) of the readouts' box (see _place_readouts)
        self._readout_place: tuple[tuple, str] | None = None

        # Screen-space overlays on the main plane: legend (top right), readouts (a corner that hides
        # nothing, top left first), message (bottom).
        self._readout_box = scene.visuals.Rectangle(parent=self.canvas.scene, center=(0, 0), width=1, height=1)
        self._readout_text = new_text(parent=self.canvas.scene, anchor_x="left", anchor_y="center")
        self._message_text = new_text(parent=self.canvas.scene, anchor_x="center", anchor_y="top")
        overlays = (self._readout_box, self._readout_text, self._message_text)
        for i, overlay in enumerate(overlays):
            set_order(overlay, 1000 + i)  # over the planes
            flat(overlay)

        self.set_view(View())
        self.view.scene.transform.changed.connect(self._on_transform_changed)
        self.canvas.events.resize.connect(self._on_resize)
        self.canvas.events.mouse_press.connect(self._on_mouse_press)
        self.canvas.events.mouse_move.connect(self._on_mouse_move)
        self.canvas.events.mouse_release.connect(self._on_mouse_release)

    @property
    def _visuals(self) -> dict[str, object]:
        return self.main.visuals

    # -- sizes -------------------------------------------------------------
    def px(self, logical: float) -> float:
        """A length in pixels for a length designed at 1080p in this theme."""
        return logical * self.pixel_scale

    def font(self, logical_px: float) -> float:
        """VisPy font size (points) that gives ``logical_px`` pixels of text, scaled."""
        dpi = getattr(self.canvas, "dpi", None) or 96.0
        return logical_px * self.pixel_scale * self.theme.text_scale * 72.0 / dpi

    def line_width(self, logical: float) -> float:
        return max(1.0, logical * self.pixel_scale * self.theme.line_scale)

    # -- view ----------------------------------------------------------------
    def current_view(self) -> View:
        """The main plane's window (its width in pixels included)."""
        return self.main.current_view() or self._last_view or View()

    def set_view(self, view: View) -> None:
        self.main.set_view(view)

    def on_view_changed(self, listener: Callable[[View], None]) -> None:
        self._view_listeners.append(listener)

    def on_drag(self, listener: DragHandler) -> None:
        self._drag_listeners.append(listener)

    def disconnect(self, listener) -> None:
        """Stop telling ``listener`` about view changes and drags.

        A presenter lets go of the canvas this way when another scene takes it over: the
        readouts then choose their corner afresh.
        """
        for listeners in (self._view_listeners, self._drag_listeners):
            while listener in listeners:
                listeners.remove(listener)
        self._readout_place = None

    def set_theme(self, theme: str) -> None:
        self.theme = get_theme(theme)
        self.canvas.bgcolor = self.theme.background
        for area in self._areas():
            area.update_grid()
        if self._frame is not None:
            self.show_frame(self._frame)

    def _areas(self) -> list[PlotArea]:
        return [self.main, *self.panels.values()]

    def _on_transform_changed(self, event=None) -> None:
        if self.main.recenter_if_needed():
            return  # moving the origin changed the camera again; that change comes back here
        view = self.current_view()
        if view == self._last_view:
            return
        self._last_view = view
        self.main.update_grid()
        for listener in list(self._view_listeners):
            listener(view)

    def _on_resize(self, event=None) -> None:
        for area in self._areas():
            area.update_grid()
        self._layout_overlays()
        self._on_transform_changed()

    # -- panels ----------------------------------------------------------------
    def _arrange_panels(self, frame: SceneFrame) -> None:
        """Lay the planes out: panels ``below`` or ``right`` of the main plane in a line, or in a
        ``right column`` beside it; ``main_size`` 0 leaves the main plane out."""
        layout = (frame.layout, tuple((p.key, p.size, p.kind) for p in frame.panels), frame.main_size)
        if layout == self._panel_layout:
            return
        self._panel_layout = layout
        for area in self.panels.values():
            self.grid.remove_widget(area.view)
            area.dispose()
        self.panels = {}
        self.grid.remove_widget(self.main.view)
        below = frame.layout == "below"
        column = frame.layout == "right column" and frame.main_size > 0
        self.main.shown = frame.main_size > 0 or not frame.panels
        if self.main.shown:
            span = len(frame.panels) if column and frame.panels else 1
            self.grid.add_widget(self.main.view, row=0, col=0, row_span=span)
            self.main.view.stretch = (1.0, frame.main_size) if below else (frame.main_size or 1.0, 1.0)
        else:
            self.main.view.parent = None  # out of the grid, so not drawn; its camera keeps the view
        first = 1 if self.main.shown else 0
        for i, panel in enumerate(frame.panels, start=first):
            area = SurfaceArea(self) if panel.kind == "3d" else PlotArea(self, interactive=False)
            if column:
                self.grid.add_widget(area.view, row=i - 1, col=1)
                area.view.stretch = (1.0, panel.size)
            else:
                self.grid.add_widget(area.view, row=i if below else 0, col=0 if below else i)
                area.view.stretch = (1.0, panel.size) if below else (panel.size, 1.0)
            area.view.events.resize.connect(area.relayout)
            # then the overlays, which the first panel holds when the main plane is left out
            area.view.events.resize.connect(self._on_panel_resized, position="last")
            self.panels[panel.key] = area
        # VisPy caches the order it draws nodes in and does not notice planes taken out of a
        # grid, which it would go on drawing detached (and fail on: they have no canvas).
        self.canvas._draw_order.clear()

    def _on_panel_resized(self, event=None) -> None:
        if self._frame is not None:
            self._layout_overlays()

    def _show_panel(self, area: PlotArea | SurfaceArea, panel: Panel) -> None:
        if isinstance(area, SurfaceArea):
            area.show_panel(panel)
            return
        area.x_log, area.y_log = panel.x_log, panel.y_log
        area.x_name, area.y_name, area.title = panel.x_name, panel.y_name, panel.title
        current = area.current_view()
        if current is None or (current.x_min, current.x_max, current.y_min, current.y_max) != (
            panel.view.x_min, panel.view.x_max, panel.view.y_min, panel.view.y_max
        ):
            area.set_view(panel.view)
        else:
            area.update_grid()
        area.show(panel.drawables)

    # -- drawing a frame -----------------------------------------------------
    def show_frame(self, frame: SceneFrame) -> None:
        """Draw ``frame`` on the main plane and its panels, updating visuals in place."""
        self._frame = frame
        self._arrange_panels(frame)
        self.main.x_name, self.main.y_name, self.main.title = frame.x_name, frame.y_name, ""
        self.main.update_grid()
        self.main.show(frame.drawables)
        for panel in frame.panels:
            self._show_panel(self.panels[panel.key], panel)
        self._layout_overlays()
        self.canvas.update()

    # -- overlays --------------------------------------------------------------
    def _readout_plane(self) -> PlotArea | SurfaceArea:
        """The plane the readouts' box sits in: the main one, or the first panel when the main one is left out."""
        return self.main if self.main.shown or not self.panels else next(iter(self.panels.values()))

    def _layout_overlays(self) -> None:
        frame = self._frame
        first = self._readout_plane()
        left0, top0, w, h = first.canvas_rect()
        th = self.theme
        box_color = rgba(th.background, 0.88)
        border = rgba(th.foreground, 0.35)
        margin = self.px(14)
        row = self.px(30) * th.text_scale
        fixed = self._fixed_overlays(first)
        readout_rect = None  # the readouts' box, which the legend of their plane avoids

        readouts = frame.readouts if frame else ()
        if self.show_readouts and readouts:
            lines = [f"{r.symbol} = {r.text}" for r in readouts]
            widths = [text_width(s, self.px(16) * th.text_scale) for s in lines]
            box_w, box_h, columns = readout_box_size(widths, row, self.px, h, w)
            readout_rect = self._place_readouts(first, box_w, box_h, fixed)
            left, top = readout_rect[:2]
            set_visible(self._readout_box, True)
            set_props(self._readout_box, center=(left + box_w / 2, top + box_h / 2),
                      width=box_w, height=box_h, color=box_color, border_color=border)
            set_visible(self._readout_text, True)
            set_props(self._readout_text, text=lines, pos=np.array(
                [[left + self.px(10) + x, top + self.px(6) + row * (i + 0.5)] for x, i in columns],
                np.float32,
            ))
            set_props(self._readout_text, color=np.array([rgba(th.color(r.role)) for r in readouts], np.float32),
                     font_size=self.font(16))
        else:
            set_visible(self._readout_box, False)
            set_visible(self._readout_text, False)

        for area in self._areas():
            area.layout_legend(avoid=[*fixed, *([readout_rect] if readout_rect else [])] if area is first else ())

        message = frame.message if frame else ""
        set_visible(self._message_text, bool(message))
        if message:
            set_props(self._message_text, text=message, pos=(left0 + w / 2, top0 + h - margin),
                     font_size=self.font(17), color=rgba(th.color("tangent")))
        self._layout_caption(left0, top0, w, h)

    def _readout_key(self, plane: PlotArea | SurfaceArea) -> tuple:
        """What the readouts' corner was chosen for: the planes, their places and sizes, the theme and scale."""
        rects = tuple(tuple(round(v, 1) for v in area.canvas_rect()) for area in self._areas() if area.shown)
        return (self._panel_layout, id(plane), rects, self.theme, self.pixel_scale, self.show_legend)

    def _overlay_obstacles(self, plane: PlotArea | SurfaceArea) -> np.ndarray:
        """(n, 4) boxes in canvas pixels that an overlay on ``plane`` must not cover: every plane's
        markers, labels and title, and the other planes' legends."""
        hard = [np.zeros((0, 4))]
        for area in self._areas():
            if not area.shown:
                continue
            hard.append(area.overlay_obstacles())
            if area.title:
                left, top, w, _h = area.canvas_rect()
                half, title_top, title_bottom = title_extent(self, area.title)
                hard.append(np.array([[left + w / 2 - half, top + title_top, left + w / 2 + half, top + title_bottom]]))
            legend = area.legend_rect() if area is not plane else None
            if legend is not None:
                hard.append(np.array([legend]))
        return np.concatenate(hard).reshape(-1, 4)

    def _fixed_overlays(self, plane: PlotArea | SurfaceArea) -> list[Rect]:
        """Boxes in canvas pixels of the overlays with a place of their own on ``plane``: the frame's message
        (centred above the bottom edge) and the caption."""
        th = self.theme
        left0, top0, w, h = plane.canvas_rect()
        out = []
        message = self._frame.message if self._frame else ""
        if message:
            half = 0.5 * text_width(message, self.px(17) * th.text_scale)
            bottom = top0 + h - self.px(14)
            out.append((left0 + w / 2 - half, bottom - self.px(17) * th.text_scale * 1.3, left0 + w / 2 + half, bottom))
        caption = self._caption_box_rect(left0, top0, w, h)
        if caption is not None:
            out.append(caption)
        return out

    def _overlay_clutter(self) -> np.ndarray:
        """(n, 4) boxes in canvas pixels that an overlay had better not cover: tick labels and axis names."""
        return np.concatenate([np.zeros((0, 4))] + [area.axis_text_rects() for area in self._areas() if area.shown])

    def _place_readouts(self, plane: PlotArea | SurfaceArea, box_w: float, box_h: float,
                        fixed: Sequence[Rect] = ()) -> Rect:
        """The readouts' box (left, top, right, bottom) in canvas pixels: a corner of ``plane``, under its title.

        The box keeps the corner it had while the planes keep their layout and it hides no
        marker, label or title there (:meth:`_overlay_obstacles`, and ``fixed``: the message
        and the caption, :meth:`_fixed_overlays`), so that it stays put through an
        animation. Otherwise the corners are ranked by, in turn: how many of those the box
        hides; staying in the corner it had; how many the plane's legend hides where it
        then goes (:meth:`PlotArea.legend_rect`, never meeting the box); leaving the legend
        in its own place; how many tick labels and axis names the two hide; the order of
        :data:`READOUT_CORNERS`. Bottom corners leave a line for the message above the
        plane's bottom edge; a box too tall (too wide) for the plane takes a top (left) corner.
        """
        th = self.theme
        left0, top0, w, h = plane.canvas_rect()
        margin = self.px(14)
        top = top0 + margin + (self.px(26) * th.text_scale if plane.title else 0.0)
        lowest = top0 + h - margin - self.px(34) * th.text_scale - box_h
        rows = {"top": top, "bottom": lowest if lowest >= top else None}
        right = left0 + w - margin - box_w
        columns = {"left": left0 + margin, "right": right if right >= left0 + margin else None}
        boxes: dict[str, Rect] = {}
        for corner in READOUT_CORNERS:
            y, x = rows[corner.split()[0]], columns[corner.split()[1]]
            if x is not None and y is not None:
                boxes[corner] = (x, y, x + box_w, y + box_h)
        hard = np.concatenate([self._overlay_obstacles(plane), np.reshape(fixed, (-1, 4))])
        gap = self.px(4)

        legends: dict[str, Rect | None] = {}  # where the legend goes with the box in a corner, worked out when asked

        def legend_for(corner: str) -> Rect | None:
            if corner not in legends:
                legends[corner] = plane.legend_rect(avoid=[boxes[corner], *fixed])
            return legends[corner]

        def hides(corner: str, obstacles: np.ndarray, gap: float = 0.0) -> tuple[float, float]:
            """How many ``obstacles`` the box in ``corner`` hides, and the legend where it then goes; inf if they meet."""
            box, legend = boxes[corner], legend_for(corner)
            if legend is None:
                return boxes_hit(box, obstacles, gap), 0
            if boxes_meet(box, legend):
                return math.inf, math.inf
            return boxes_hit(box, obstacles, gap), boxes_hit(legend, obstacles, gap)

        key = self._readout_key(plane)
        kept = self._readout_place[1] if self._readout_place and self._readout_place[0] == key else None
        if kept in boxes and hides(kept, hard, gap)[0] == 0:
            corner = kept
        else:
            clutter = self._overlay_clutter()
            home = plane.legend_rect(avoid=fixed)  # where the legend goes when the box is not in its way

            def rank(c: str) -> tuple:
                own, legend = hides(c, hard, gap)
                moved = legend_for(c) != home
                return own, c != kept, legend, moved, sum(hides(c, clutter)), READOUT_CORNERS.index(c)

            corner = min(boxes, key=rank)
        self._readout_place = (key, corner)
        return boxes[corner]

    # -- caption (presentation) -------------------------------------------------
    def set_caption(self, text: str) -> None:
        """A large line of text along the bottom of the main plane (a lesson step's caption)."""
        self._caption = text
        self._layout_overlays()
        self.canvas.update()

    def _caption_geometry(self, left: float, top: float, w: float, h: float) -> tuple | None:
        """(centre, box width, box height, text size in pixels) of the caption over a plane at (left, top, w, h)."""
        text = getattr(self, "_caption", "")
        if not text:
            return None
        th = self.theme
        size = 22 * th.text_scale * self.pixel_scale
        room = w - 2 * self.px(20)
        # A long caption on a narrow plane gets a smaller type rather than running past its box.
        em = text_width(text, 1.0)  # the caption's width in em
        size = min(size, room / (em + 2))
        box_h = size * 2.0
        box_w = min(room, (em + 2) * size)
        center = (left + w / 2, top + h - self.px(24) - box_h / 2)
        return center, box_w, box_h, size

    def _caption_box_rect(self, left: float, top: float, w: float, h: float) -> Rect | None:
        geometry = self._caption_geometry(left, top, w, h)
        if geometry is None:
            return None
        (cx, cy), box_w, box_h, _size = geometry
        return (cx - box_w / 2, cy - box_h / 2, cx + box_w / 2, cy + box_h / 2)

    def _layout_caption(self, left: float, top: float, w: float, h: float) -> None:
        text = getattr(self, "_caption", "")
        visual = getattr(self, "_caption_text", None)
        geometry = self._caption_geometry(left, top, w, h)
        if geometry is None:
            if visual is not None:
                set_visible(visual, False)
                set_visible(self._caption_box, False)
            return
        if visual is None:
            self._caption_box = scene.visuals.Rectangle(parent=self.canvas.scene, center=(0, 0), width=1, height=1)
            self._caption_text = visual = new_text(parent=self.canvas.scene, anchor_x="center", anchor_y="center")
            set_order(self._caption_box, 1100)
            set_order(visual, 1101)
            flat(self._caption_box)
            flat(visual)
        th = self.theme
        center, box_w, box_h, size = geometry
        set_props(self._caption_box, center=center, width=box_w, height=box_h,
                  color=rgba(th.background, 0.9), border_color=rgba(th.foreground, 0.5))
        set_visible(self._caption_box, True)
        set_props(visual, text=text, pos=center, font_size=self.font(22) * size / (22 * th.text_scale * self.pixel_scale),
                  color=rgba(th.foreground))
        set_visible(visual, True)

    def set_pixel_scale(self, scale: float) -> None:
        """Scale lines and text (2.0 on a 4K screen, for a picture designed at 1080p)."""
        self.pixel_scale = float(scale)
        for area in self._areas():
            area.update_grid()
        if self._frame is not None:
            self.show_frame(self._frame)
        else:
            self._layout_overlays()

    # -- dragging a point ------------------------------------------------------
    def data_to_pixel(self, x: float, y: float, panel: str | None = None) -> tuple[float, float]:
        """Canvas pixel (column, row from the top) of the point (x, y) of the main plane or a panel."""
        area = self.main if panel is None else self.panels[panel]
        col, row = area.data_to_canvas(x, y)
        return float(col), float(row)

    # -- zoom to a rectangle (Shift + drag) and back ------------------------------
    def zoom_back(self) -> bool:
        """Return to the view before the last rectangle zoom; False when there is none."""
        if not self._zoom_stack:
            return False
        self.set_view(self._zoom_stack.pop())
        return True

    def _rectangle_corners(self, end) -> tuple[np.ndarray, np.ndarray]:
        start = np.asarray(self._zoom_start, dtype=float)
        end = np.asarray(end[:2], dtype=float)
        return np.minimum(start, end), np.maximum(start, end)

    def _show_zoom_rectangle(self, end) -> None:
        lo, hi = self._rectangle_corners(end)
        if self._zoom_box is None:
            self._zoom_box = scene.visuals.Rectangle(parent=self.canvas.scene, center=(0, 0), width=1, height=1)
            set_order(self._zoom_box, 1200)
            flat(self._zoom_box)
        size = np.maximum(hi - lo, 1.0)
        set_props(self._zoom_box, center=tuple((lo + hi) / 2), width=float(size[0]), height=float(size[1]),
                  color=rgba(self.theme.color("secant"), 0.15), border_color=rgba(self.theme.color("secant")))
        set_visible(self._zoom_box, True)
        self.canvas.update()

    def _on_mouse_press(self, event) -> None:
        if self._frame is None or event.button != 1 or not self._on_main(event.pos):
            return
        if "Shift" in [getattr(m, "name", str(m)) for m in (event.modifiers or ())]:
            self._zoom_start = tuple(event.pos[:2])
            self.view.camera.interactive = False
            event.handled = True
            return
        for d in reversed(self._frame.drawables):  # the topmost point wins
            if isinstance(d, Markers) and d.draggable and len(d.x):
                px = self.main.data_to_canvas(float(d.x[0]), float(d.y[0]))
                if np.hypot(*(px - np.asarray(event.pos[:2]))) <= self.px(16) + d.size / 2:
                    self._drag_parameter = d.draggable
                    self.view.camera.interactive = False
                    event.handled = True
                    return

    def _on_main(self, pos) -> bool:
        """Whether the canvas pixel ``pos`` lies on the main plane (panels have their own cameras)."""
        if not self.main.shown:
            return False
        left, top, w, h = self.main.canvas_rect()
        return left <= pos[0] <= left + w and top <= pos[1] <= top + h

    def _on_mouse_move(self, event) -> None:
        if self._zoom_start is not None:
            self._show_zoom_rectangle(event.pos)
            event.handled = True
            return
        if self._drag_parameter is None:
            return
        x, y = self.main.canvas_to_data(event.pos[:2])
        if isinstance(self._drag_parameter, str):
            values = {self._drag_parameter: float(x)}
        else:
            x_name, y_name = self._drag_parameter
            values = {x_name: float(x), y_name: float(y)}
        for listener in list(self._drag_listeners):
            listener(values)
        event.handled = True

    def _on_mouse_release(self, event) -> None:
        if self._zoom_start is not None:
            lo, hi = self._rectangle_corners(event.pos)
            self._zoom_start = None
            self.view.camera.interactive = True
            if self._zoom_box is not None:
                set_visible(self._zoom_box, False)
            if (hi - lo).min() >= 8:  # a click is not a rectangle
                x0, y0 = self.main.canvas_to_data(lo)
                x1, y1 = self.main.canvas_to_data(hi)
                self._zoom_stack.append(self.current_view())
                self.set_view(View(min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1), self.current_view().pixels))
            event.handled = True
            return
        if self._drag_parameter is not None:
            self._drag_parameter = None
            self.view.camera.interactive = True

    # -- output ----------------------------------------------------------------
    def render(self, bgcolor=None) -> np.ndarray:
        """The current picture as an RGBA uint8 array (rows from the top).

        Draws into a framebuffer kept between calls (VisPy's own ``render`` makes and
        frees one per frame, which costs a frame of an animation several milliseconds).
        The array is a view with rows reversed of what GL wrote, read with one copy;
        ``np.ascontiguousarray`` gives a plain one where needed.
        """
        self.draw_offscreen(bgcolor)
        return self.read_offscreen()

    def draw_offscreen(self, bgcolor=None) -> None:
        """Draw the current picture into the kept framebuffer and let the GL start on it.

        With :meth:`read_offscreen` this splits :meth:`render` in two, so an animation
        can prepare its next frame (compute the scene, update visuals) while the GL,
        software OpenGL's threads included, rasterises this one.
        """
        from vispy.gloo import gl

        self._draw_offscreen(bgcolor)
        self.canvas.context.flush_commands()
        gl.glFlush()

    def read_offscreen(self, out: np.ndarray | None = None) -> np.ndarray:
        """The picture last drawn into the kept framebuffer (rows from the top, as :meth:`render`).

        With ``out`` (a (height, width, 4) uint8 array, rows possibly padded, such as
        an FFmpeg frame's plane) the pixels go there and ``out`` is returned: with
        Mesa's ``GL_MESA_pack_invert`` they are read straight into it, top row first.

        Changes made since that draw (new data for visuals) stay queued for the next
        draw: the framebuffer is bound and read directly, without running VisPy's
        command queue, so they cannot change what is read or wait for it.
        """
        from vispy.gloo import gl

        from .readback import read_rgba_into, read_rgba_top_down

        if self._fbo is None:
            raise RuntimeError("draw_offscreen() first")
        self.canvas.set_current()
        width, height = self._fbo_size
        parser = self.canvas.context.shared.parser
        bound = parser.env.get("fb_stack", [0])[-1]
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, parser.get_object(self._fbo.id).handle)
        try:
            if out is not None:
                return read_rgba_top_down(out, width, height, id(self.canvas.context.shared))
            image = np.empty((height, width, 4), np.uint8)
            read_rgba_into(image, width, height)
        finally:
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, bound)
        return image[::-1]  # GL's rows run bottom-up

    @property
    def offscreen_size(self) -> tuple[int, int] | None:
        """(width, height) in pixels of the framebuffer drawn offscreen, None before the first draw."""
        return self._fbo_size

    def render_yuv420(self) -> np.ndarray:
        """The current picture as BT.709 limited-range YUV 4:2:0, shape (3H/2, W) uint8.

        FFmpeg's ``yuv420p`` layout (Y plane, then Cb, then Cr, line size W), converted
        on the graphics card (:mod:`derivlab.render.yuv`): a video export reads back
        1.5 bytes a pixel instead of 4 and skips the CPU conversion. Needs a width
        divisible by 8 and a height by 4 (:func:`~derivlab.render.yuv.gpu_yuv_supported`).
        """
        from .yuv import Yuv420Converter

        self._draw_offscreen(None)
        size = self._fbo_size
        if self._yuv is None or self._yuv.size != size:
            if self._yuv is not None:
                self._yuv.delete()
            self._yuv = Yuv420Converter(size)
        return self._yuv.convert(self._fbo.color_buffer, self.canvas.context)

    def _lay_out_planes(self) -> None:
        """Solve the grid of planes (VisPy's ``Grid._update_child_widget_dim``) when what it depends on
        has changed since the last time: the grid's rectangle, spacing and padding, and its planes,
        their rows, columns, spans, stretch and size limits. VisPy solves it again at every call
        (0.17 ms a frame for one plane here, 0.33 ms for two), and a frame of an animation changes
        none of those."""
        grid = self.grid
        rect = grid.rect
        key = (
            grid._need_solver_recreate, tuple(rect.pos), tuple(rect.size), grid.spacing, grid.padding, grid.margin,
            tuple((id(w), row, col, rows, cols, tuple(w.stretch), w.width_min, w.width_max, w.height_min, w.height_max)
                  for row, col, rows, cols, w in grid._grid_widgets.values()),
        )
        if key != self._planes_laid_out:
            grid._update_child_widget_dim()
            self._planes_laid_out = key

    def _draw_offscreen(self, bgcolor=None) -> None:
        """Draw the scene into the kept framebuffer (a texture, so a second pass can read it)."""
        # Lay the planes out first, so a panel added since the last draw is drawn at its size.
        self._lay_out_planes()
        canvas = self.canvas
        canvas.set_current()
        size = tuple(int(x * canvas.pixel_scale) for x in canvas.size)
        if self._fbo is None or self._fbo_size != size:
            # linear: the YUV pass averages 2x2 blocks in one fetch; drawing into it is unaffected
            color = gloo.Texture2D(shape=(size[1], size[0], 4), format="rgba", interpolation="linear")
            self._fbo = gloo.FrameBuffer(color=color, depth=gloo.RenderBuffer(size[::-1]))
            self._fbo_size = size
        canvas.push_fbo(self._fbo, (0, 0), canvas.size)
        try:
            if self._layers is not None:
                self._layers.draw(self._fbo, bgcolor)
            else:
                canvas._draw_scene(bgcolor=bgcolor)
        finally:
            canvas.pop_fbo()

    def keep_unchanged_layers(self, keep: bool = True) -> None:
        """For animations: draw the unchanged bottom layers once and copy them each frame.

        See :mod:`derivlab.render.layers`; the frames are the same, drawn faster when
        only the top of the picture changes.
        """
        from .layers import LayerCache

        if keep and self._layers is None:
            self._layers = LayerCache(self.canvas)
        elif not keep and self._layers is not None:
            self._layers.close()
            self._layers = None

    def gl_info(self) -> dict[str, str]:
        """Renderer, vendor and version of this canvas's OpenGL context."""
        from .offscreen import gl_info

        self.canvas.set_current()
        return gl_info()

    def close(self) -> None:
        self.canvas.close()
