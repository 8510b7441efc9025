"""A 3D panel: a surface z(x, y) in a box, seen through a turntable camera.

:class:`SurfaceArea` draws a ``Panel(kind="3d")``: a :class:`~derivlab.scenes.drawables.Surface`
as a shaded mesh coloured by the same 256-entry colour map as the heat map
(:func:`~derivlab.render.heatmap.colormap_table`), with contour lines along it at the
heat map's levels; :class:`Curve3D` polylines lifted a little above it (drawn faintly
where a hill hides them); :class:`Markers3D` over everything; the box's floor with
ticks, the three axis names and a title.

The box is drawn in its own coordinates: the panel's x-y window maps to [−1, 1]² and
its z range to [0, :data:`BOX_HEIGHT`], so the camera looks at the same box whatever
the numbers. The camera starts at the frame's azimuth and elevation; a turn with the
mouse (drag), or a zoom (wheel), is kept over recomputes until the frame asks for
another azimuth or elevation. Visuals are made once per drawable key and updated with
``set_data``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from vispy import scene
from vispy.visuals import LineVisual
from vispy.visuals.filters import ShadingFilter

from derivlab.model import View
from derivlab.scenes.drawables import Curve3D, Markers3D, Panel, Surface

from .heatmap import CONTOUR_COLOR, colormap_table
from .strokes import Stroke
from .ticks import nice_step, tick_labels, ticks
from .visuals import box_triangles, new_text, rgba, set_order, set_props, set_visible, text_width

if TYPE_CHECKING:
    from .canvas import PlotCanvas

#: height of the box relative to its floor, which is 2 × 2
BOX_HEIGHT = 1.1
#: the most grid lines per side the mesh is drawn with (larger grids are sampled)
MESH_CELLS = 160
#: how far above the surface curves are drawn, as a share of the box height
LIFT = 0.015
#: field of view of the camera in degrees (0 would be orthographic)
FIELD_OF_VIEW = 30.0
#: what the camera fits in the panel, in box units: the box with its labels, across and up
FIT_ACROSS, FIT_UP = 3.8, 3.1


def surface_mesh(surface: Surface, cells: int = MESH_CELLS) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x, y, z, faces) of the surface's mesh on at most ``cells`` grid lines per side.

    Vertices sit at cell centres (x[k], y[k], z[k]); a larger grid is sampled at
    evenly spaced rows and columns (the first and last kept). Each square of four
    neighbouring vertices gives two triangles; a triangle with a NaN height is left
    out, so NaN leaves a hole.
    """
    z = np.asarray(surface.z, dtype=np.float64)
    rows, cols = z.shape
    xc, yc = surface.centres()
    r_idx = np.unique(np.linspace(0, rows - 1, min(rows, cells)).round().astype(int))
    c_idx = np.unique(np.linspace(0, cols - 1, min(cols, cells)).round().astype(int))
    zz = z[np.ix_(r_idx, c_idx)]
    xx, yy = np.meshgrid(xc[c_idx], yc[r_idx])
    n_r, n_c = zz.shape
    index = np.arange(n_r * n_c).reshape(n_r, n_c)
    a, b = index[:-1, :-1].ravel(), index[:-1, 1:].ravel()
    c, d = index[1:, 1:].ravel(), index[1:, :-1].ravel()
    faces = np.concatenate([np.column_stack([a, b, c]), np.column_stack([a, c, d])])
    finite = np.isfinite(zz.ravel())
    faces = faces[finite[faces].all(axis=1)]
    return xx.ravel(), yy.ravel(), zz.ravel(), faces.astype(np.uint32)


class Box:
    """The map from a panel's coordinates to the drawn box: [x₀, x₁] × [y₀, y₁] × [z₀, z₁] →
    [−1, 1] × [−1, 1] × [0, BOX_HEIGHT]."""

    def __init__(self, x_range: tuple[float, float], y_range: tuple[float, float], z_range: tuple[float, float]):
        self.x_range, self.y_range = x_range, y_range
        low, high = z_range
        if not high > low:
            high = low + max(abs(low), 1.0) * 1e-6
        self.z_range = (float(low), float(high))

    def map(self, x, y, z) -> np.ndarray:
        """(N, 3) float32 box coordinates of the points (x, y, z); NaN stays NaN."""
        (x0, x1), (y0, y1), (z0, z1) = self.x_range, self.y_range, self.z_range
        x, y, z = (np.atleast_1d(np.asarray(a, dtype=np.float64)) for a in (x, y, z))
        return np.column_stack([
            2.0 * (x - x0) / (x1 - x0) - 1.0,
            2.0 * (y - y0) / (y1 - y0) - 1.0,
            BOX_HEIGHT * (z - z0) / (z1 - z0),
        ]).astype(np.float32)


class SurfaceArea:
    """One 3D panel of a :class:`~derivlab.render.canvas.PlotCanvas`: its own view box and turntable camera."""

    def __init__(self, owner: PlotCanvas):
        self.owner = owner
        self.view = scene.widgets.ViewBox()
        self.view.camera = scene.TurntableCamera(
            fov=FIELD_OF_VIEW, azimuth=30.0, elevation=30.0, scale_factor=FIT_UP,
            center=(0.0, 0.0, 0.42 * BOX_HEIGHT),
        )
        self.view.camera.interactive = True
        self.visuals: dict[str, object] = {}
        self.kinds: dict[str, str] = {}
        self._drawables: tuple = ()
        self.panel: Panel | None = None
        self.box = Box((-1.0, 1.0), (-1.0, 1.0), (0.0, 1.0))
        #: (azimuth, elevation) the last frame asked for; a different pair turns the camera
        self.asked: tuple[float, float] | None = None
        self.title = ""
        self._quadrant: tuple[int, int] | None = None
        #: the scale factor that fits the box in the panel's present shape (a wheel zoom multiplies it)
        self._fit = FIT_UP
        self._from_above = False
        parent = self.view.scene
        self._frame = Stroke(parent=parent, connect="segments")  # antialiased: the box's edges run slanted
        self._ticks = Stroke(parent=parent, connect="segments")
        self._tick_text = new_text(parent=parent, anchor_x="center", anchor_y="center")
        self._names = new_text(parent=parent, anchor_x="center", anchor_y="center")
        # All depth-tested: what stands behind the surface is hidden by it. The text comes after
        # the surface, whose pixels would otherwise fail the depth test against its glyph boxes.
        for order, visual in zip((-50, -49, 50, 51), (self._frame, self._ticks, self._tick_text, self._names),
                                 strict=True):
            set_order(visual, order)
            visual.set_gl_state("translucent", depth_test=True, polygon_offset_fill=False)
        # Screen-space text on the canvas: the title, and the markers' labels on boxes of the
        # background colour (readable over any part of the surface), placed where the camera
        # projects their points.
        canvas_scene = owner.canvas.scene
        self._title = new_text(parent=canvas_scene, anchor_x="center", anchor_y="bottom")
        self._label_boxes = scene.visuals.Mesh(parent=canvas_scene)
        self._label_text = new_text(parent=canvas_scene, anchor_x="center", anchor_y="center")
        for order, visual in enumerate((self._title, self._label_boxes, self._label_text)):
            set_order(visual, 980 + order)
            visual.set_gl_state("translucent", depth_test=False)
            set_visible(visual, False)
        self._labels: list[tuple[str, str, np.ndarray, float]] = []
        #: box coordinates (n, 3) and logical size of each Markers3D's points, as last shown
        self._marker_points: list[tuple[np.ndarray, float]] = []
        #: boxes (left, top, right, bottom) in canvas pixels of the markers' labels, as last laid out
        self._label_rects: list[tuple[float, float, float, float]] = []
        #: (text, box coordinates, logical font size) of the tick labels and axis names, as last laid out
        self._axis_texts: list[tuple[str, np.ndarray, float]] = []
        #: a 3D panel is always drawn where the canvas puts it (the main plane can be left out)
        self.shown = True
        self.view.scene.transform.changed.connect(self._on_camera_changed)

    # -- the camera ------------------------------------------------------------
    @property
    def camera(self):
        return self.view.camera

    def _aim(self, azimuth: float, elevation: float) -> None:
        camera = self.camera
        camera.azimuth = (azimuth + 180.0) % 360.0 - 180.0
        camera.elevation = min(90.0, max(-90.0, elevation))

    def _on_camera_changed(self, event=None) -> None:
        if self._quadrant != self._front_quadrant() or self._from_above != self._seen_from_above():
            self.update_grid()
        self._layout_labels()

    def _seen_from_above(self) -> bool:
        """Whether the camera looks down steeply enough (elevation > 70°) that the vertical axis is a point."""
        return self.camera.elevation > 70.0

    def _front_quadrant(self) -> tuple[int, int]:
        """(sx, sy): the signs of x and y of the box's corner nearest the camera."""
        a = math.radians(self.camera.azimuth)
        # at azimuth a the camera sits at (sin a, −cos a) from the centre, looking back at it
        return (1 if math.sin(a) >= 0 else -1), (1 if -math.cos(a) >= 0 else -1)

    # -- frames ----------------------------------------------------------------
    def show_panel(self, panel: Panel) -> None:
        """Draw ``panel`` (kind ``"3d"``), turning the camera only if the panel asks for a new angle."""
        self.panel = panel
        self.title = panel.title
        asked = (float(panel.azimuth), float(panel.elevation))
        if asked != self.asked:
            self.asked = asked
            self._aim(*asked)
        surfaces = [d for d in panel.drawables if isinstance(d, Surface)]
        view = panel.view
        if panel.z_range is not None:
            z_range = panel.z_range
        elif surfaces:
            z_range = surfaces[0].limits()
        else:
            z_range = (0.0, 1.0)
        self.box = Box((view.x_min, view.x_max), (view.y_min, view.y_max), z_range)
        self.update_grid()
        self.show(panel.drawables)

    def show(self, drawables) -> None:
        """Update each drawable's visuals in place; hide the ones that went away."""
        self._drawables = tuple(drawables)
        o = self.owner
        th = o.theme
        seen = set()
        self._labels = []
        self._marker_points = []
        for order, drawable in enumerate(drawables):
            seen.add(drawable.key)
            visuals = self._visuals_for(drawable)
            if isinstance(drawable, Surface):
                self._show_surface(visuals, drawable)
            elif isinstance(drawable, Curve3D):
                solid, ghost = visuals
                pos = self.box.map(drawable.x, drawable.y, drawable.z)
                pos[:, 2] += LIFT * BOX_HEIGHT
                valid = np.isfinite(pos).all(axis=1)
                connect = np.zeros(len(pos), dtype=bool)
                connect[:-1] = valid[:-1] & valid[1:]
                pos[~valid] = 0.0
                shown = bool(connect.any())
                set_visible(solid, shown)
                set_visible(ghost, shown)
                if shown:
                    color = rgba(th.color(drawable.role))
                    solid.set_data(pos=pos, color=color, width=o.line_width(drawable.width), connect=connect)
                    ghost.set_data(pos=pos, color=color[:3] + (0.35,), width=o.line_width(drawable.width * 0.6),
                                   connect=connect)
                    set_order(solid, 10 + order)
                    set_order(ghost, 5 + order)
            elif isinstance(drawable, Markers3D):
                (points,) = visuals
                pos = self.box.map(drawable.x, drawable.y, drawable.z)
                pos = pos[np.isfinite(pos).all(axis=1)]
                set_visible(points, len(pos) > 0)
                if len(pos):
                    self._marker_points.append((pos, drawable.size))
                    points.set_data(pos=pos, size=o.px(drawable.size) * th.line_scale,
                                    face_color=rgba(th.color(drawable.role)), edge_color=rgba(th.background),
                                    edge_width=o.px(2.0))
                    set_order(points, 100 + order)
                    if drawable.label:
                        self._labels.append((drawable.label, drawable.role, pos[0], drawable.size))
        for key, visuals in self.visuals.items():
            if key not in seen:
                for visual in visuals:
                    set_visible(visual, False)
        self._layout_labels()

    def _layout_labels(self) -> None:
        """Each marker's label above its point on screen, on a box of the background colour."""
        o = self.owner
        th = o.theme
        self._label_rects = []
        if not self._labels:
            set_visible(self._label_text, False)
            set_visible(self._label_boxes, False)
            return
        left, top, w, h = self.canvas_rect()
        tr = self.view.scene.node_transform(o.canvas.scene)
        height = o.px(14) * th.text_scale
        texts, centres, colors, boxes = [], [], [], []
        for text, role, point, size in self._labels:
            mapped = tr.map(np.append(point, 1.0))
            col, row = mapped[:2] / mapped[3]
            row -= 0.5 * o.px(size) * th.line_scale + 0.8 * height  # above the marker
            half_w, half_h = 0.5 * (text_width(text, height) + o.px(8)), 0.5 * height + o.px(3)
            if not (left + half_w <= col <= left + w - half_w and top + half_h <= row <= top + h - half_h):
                continue
            texts.append(text)
            centres.append((col, row))
            colors.append(rgba(th.color(role)))
            boxes.append((col - half_w, row - half_h, col + half_w, row + half_h))
        set_visible(self._label_text, bool(texts))
        set_visible(self._label_boxes, bool(texts))
        self._label_rects = boxes
        if not texts:
            return
        self._label_boxes.set_data(vertices=box_triangles(*np.array(boxes).T), color=rgba(th.background, 0.82))
        set_props(self._label_text, text=texts, pos=np.array(centres, np.float32), font_size=o.font(14),
                  color=np.array(colors, np.float32))

    def _show_surface(self, visuals, surface: Surface) -> None:
        mesh, contours = visuals
        x, y, z, faces = surface_mesh(surface)
        if len(faces) == 0:
            set_visible(mesh, False)
            set_visible(contours, False)
            return
        vertices = self.box.map(x, y, z)
        vertices[~np.isfinite(vertices)] = 0.0
        low, high = surface.limits()
        s = np.clip((z - low) / (high - low), 0.0, 1.0)
        s = np.where(np.isfinite(s), s, 0.0)
        table = colormap_table(surface.colormap)
        position = s * 255.0
        i = np.minimum(position.astype(int), 254)
        colors = table[i] + (position - i)[:, None] * (table[i + 1] - table[i])
        mesh.set_data(vertices=vertices, faces=faces, vertex_colors=colors.astype(np.float32))
        if getattr(mesh, "shading_filter", None) is None:
            # Phong shading with the light fixed to the box, from above: colour × (0.6 + 0.45 cos γ),
            # γ between the normal and the light, so flat ground keeps the heat map's colours and
            # slopes turned away from the light get darker.
            mesh.shading_filter = ShadingFilter(
                shading="smooth", ambient_coefficient=(1, 1, 1, 0.6), diffuse_coefficient=(1, 1, 1, 0.45),
                specular_coefficient=(1, 1, 1, 0.0), light_dir=(0.35, 0.5, -1.0), ambient_light=(1, 1, 1, 1),
                diffuse_light=(1, 1, 1, 1), shininess=0.0,
            )
            mesh.attach(mesh.shading_filter)
        set_visible(mesh, True)
        set_order(mesh, 0)
        levels = surface.contour_levels()
        set_visible(contours, surface.contours > 0)
        if contours.visible:
            # vertices with no height belong to no triangle: any number serves there
            contours.set_data(vertices=vertices, tris=faces, data=np.where(np.isfinite(z), z, low))
            contours.levels = levels
            contours.set_color(CONTOUR_COLOR)
            LineVisual.set_data(contours, width=self.owner.line_width(1.2))
            set_order(contours, 1)

    def _visuals_for(self, drawable) -> tuple:
        key = drawable.key
        kind = type(drawable).__name__
        existing = self.visuals.get(key)
        if existing is not None and self.kinds.get(key) == kind:
            return existing
        if existing is not None:
            for visual in existing:
                visual.parent = None
        parent = self.view.scene
        if isinstance(drawable, Surface):
            mesh = scene.visuals.Mesh(parent=parent)  # shaded once it has triangles (see _show_surface)
            # pushed back a little in depth, so the contour lines and curves on it are in front
            mesh.set_gl_state("opaque", depth_test=True, cull_face=False, polygon_offset_fill=True,
                              polygon_offset=(1.0, 1.0))
            contours = scene.visuals.Isoline(parent=parent)
            contours.set_gl_state("translucent", depth_test=True)
            visuals = (mesh, contours)
        elif isinstance(drawable, Curve3D):
            solid = Stroke(parent=parent)  # antialiased, hidden where the surface is in front
            # (strokes are triangles: the surface's polygon offset, left on by its draw, must not push them back too)
            solid.set_gl_state("translucent", depth_test=True, polygon_offset_fill=False)
            ghost = Stroke(parent=parent)
            ghost.set_gl_state("translucent", depth_test=False, polygon_offset_fill=False)
            visuals = (solid, ghost)
        elif isinstance(drawable, Markers3D):
            points = scene.visuals.Markers(parent=parent, symbol="disc", scaling=False)
            points.set_gl_state("translucent", depth_test=False)
            visuals = (points,)
        else:
            raise TypeError(f"a 3D panel draws Surface, Curve3D and Markers3D, not {kind}")
        self.kinds[key] = kind
        self.visuals[key] = visuals
        return visuals

    # -- box, ticks, names, title ----------------------------------------------
    def update_grid(self) -> None:
        """The box's floor and vertical edge, ticks on the edges nearest the camera, names, title."""
        o = self.owner
        th = o.theme
        self._quadrant = sx, sy = self._front_quadrant()
        self._from_above = self._seen_from_above()
        box = self.box
        h = BOX_HEIGHT
        floor = [[-1, -1, 0], [1, -1, 0], [1, -1, 0], [1, 1, 0], [1, 1, 0], [-1, 1, 0], [-1, 1, 0], [-1, -1, 0]]
        # the vertical axis on the corner left of the camera's view: (−sy, sx) turns the front corner a quarter
        zx, zy = (-sx, sy) if sx == sy else (sx, -sy)
        edges = floor + [[zx, zy, 0], [zx, zy, h]]
        self._frame.set_data(pos=np.array(edges, np.float32), color=rgba(th.foreground, 0.7),
                             width=o.line_width(1.4))
        w_px, h_px = (max(2.0, float(s)) for s in self.view.size)
        tick_len = 0.05
        segments, texts, positions = [], [], []
        (x0, x1), (y0, y1), (z0, z1) = box.x_range, box.y_range, box.z_range
        axes = ((x0, x1), (y0, y1)) if self._from_above else ((x0, x1), (y0, y1), (z0, z1))
        for axis, (lo, hi) in enumerate(axes):
            step = nice_step(hi - lo, 0.45 * min(w_px, h_px), o.px(90))
            values = ticks(lo, hi, step)
            values = values[(values >= lo) & (values <= hi)]
            labels = tick_labels(values, step)
            for value, text in zip(values, labels, strict=True):
                t = (value - lo) / (hi - lo)
                if axis == 0:  # along the front x edge, at y = sy
                    p = np.array([2 * t - 1, sy, 0.0])
                    out = np.array([0.0, sy, 0.0])
                elif axis == 1:  # along the side y edge, at x = sx
                    p = np.array([sx, 2 * t - 1, 0.0])
                    out = np.array([sx, 0.0, 0.0])
                else:  # up the vertical edge
                    p = np.array([zx, zy, t * h])
                    out = np.array([zx, zy, 0.0]) / math.sqrt(2.0)
                segments += [p, p + tick_len * out]
                texts.append(text)
                positions.append(p + 3.2 * tick_len * out)
        self._ticks.set_data(pos=np.array(segments, np.float32) if segments else np.zeros((2, 3), np.float32),
                             color=rgba(th.foreground, 0.7), width=o.line_width(1.2))
        set_visible(self._tick_text, bool(texts))
        if texts:
            set_props(self._tick_text, text=texts, pos=np.array(positions, np.float32), font_size=o.font(13),
                      color=rgba(th.foreground, 0.9))
        panel = self.panel
        names = [panel.x_name, panel.y_name, panel.z_name] if panel is not None else ["x", "y", "z"]
        name_pos = np.array([[0.0, sy * 1.42, 0.0], [sx * 1.42, 0.0, 0.0], [zx * 1.08, zy * 1.08, h * 1.12]], np.float32)
        set_props(self._names, text=names, pos=name_pos, font_size=o.font(16), color=rgba(th.foreground))
        self._axis_texts = [(text, np.asarray(p, np.float64), 13.0) for text, p in zip(texts, positions, strict=True)]
        self._axis_texts += [(name, p.astype(np.float64), 16.0) for name, p in zip(names, name_pos, strict=True)]
        self._layout_title()

    def _layout_title(self) -> None:
        o = self.owner
        if not self.title:
            set_visible(self._title, False)
            return
        left, top, w, _h = self.canvas_rect()
        set_props(self._title, text=self.title, pos=(left + w / 2, top + o.px(8)), font_size=o.font(17),
                  color=rgba(o.theme.foreground))
        set_visible(self._title, True)

    def fit_camera(self) -> None:
        """Zoom so the box fits the panel's shape (FIT_ACROSS × FIT_UP box units), keeping a wheel zoom.

        The camera's scale factor spans the panel's shorter side.
        """
        w, h = (max(2.0, float(s)) for s in self.view.size)
        across, up = (w / h, 1.0) if w >= h else (1.0, h / w)
        fit = max(FIT_ACROSS / across, FIT_UP / up)
        camera = self.camera
        camera.scale_factor = camera.scale_factor * fit / self._fit
        self._fit = fit

    def relayout(self, event=None) -> None:
        """Camera fit, ticks (spaced for the new size), title, labels and drawables again after a resize."""
        self.fit_camera()
        self.update_grid()
        self.show(self._drawables)

    def layout_legend(self, avoid=None) -> None:
        """A 3D panel has no legend of its own (the curves are named on the plane beside it)."""

    def legend_rect(self, avoid=None) -> None:
        """No legend: no box."""
        return None

    # -- what overlays must not hide ---------------------------------------------
    def _project(self, points: np.ndarray) -> np.ndarray:
        """Canvas pixels (n, 2) of box coordinates (n, 3), by the camera's transform."""
        tr = self.view.scene.node_transform(self.owner.canvas.scene)
        mapped = tr.map(np.column_stack([points, np.ones(len(points))]))
        return mapped[:, :2] / mapped[:, 3:4]

    def overlay_obstacles(self) -> np.ndarray:
        """Boxes (n, 4: left, top, right, bottom) in canvas pixels around the markers' discs and
        their labels, which a box laid over the panel must not hide."""
        o = self.owner
        parts = [np.array(self._label_rects, np.float64).reshape(-1, 4)]
        for pos, size in self._marker_points:
            centres = self._project(pos)
            radius = 0.5 * o.px(size) * o.theme.line_scale + o.px(2.0)
            parts.append(np.column_stack([centres - radius, centres + radius]))
        return np.concatenate(parts)

    def axis_text_rects(self) -> np.ndarray:
        """Boxes (n, 4) in canvas pixels around the tick labels and the axis names where the camera puts them."""
        if not self._axis_texts:
            return np.zeros((0, 4))
        o = self.owner
        em = o.theme.text_scale
        centres = self._project(np.array([p for _t, p, _s in self._axis_texts]))
        half = np.array([[0.5 * text_width(t, o.px(s) * em) + o.px(3), 0.5 * o.px(s) * em + o.px(2)]
                         for t, _p, s in self._axis_texts])
        return np.column_stack([centres - half, centres + half])

    def current_view(self) -> View | None:
        panel = self.panel
        return panel.view if panel is not None else None

    # -- where things are ------------------------------------------------------
    def data_to_canvas(self, x: float, y: float, z: float) -> np.ndarray:
        """Canvas pixel (column, row from the top) of the point (x, y, z) of the panel, by the camera's transform."""
        p = self.box.map(x, y, z)[0]
        tr = self.view.scene.node_transform(self.owner.canvas.scene)
        mapped = tr.map(np.append(p, 1.0))
        return np.asarray(mapped[:2] / mapped[3], dtype=np.float64)

    def canvas_rect(self) -> tuple[float, float, float, float]:
        """(left, top, width, height) of this panel in canvas pixels."""
        tr = self.view.node_transform(self.owner.canvas.scene)
        left, top = tr.map([0, 0])[:2]
        w, h = self.view.size
        return float(left), float(top), float(w), float(h)

    def dispose(self) -> None:
        """Take this panel's visuals off the canvas."""
        self.view.scene.transform.changed.disconnect(self._on_camera_changed)
        for visual in (self._title, self._label_boxes, self._label_text):
            visual.parent = None
        self.view.parent = None
