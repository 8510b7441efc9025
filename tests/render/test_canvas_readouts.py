"""Where the readouts' box sits: under a plane's title, off the markers and labels, in a corner it keeps."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.canvas import READOUT_CORNERS, PlotCanvas
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import rgb
from derivlab.render.themes import get_theme
from derivlab.render.visuals import text_width
from derivlab.scenes import get_scene
from derivlab.scenes.backprop import MAX_STEP
from derivlab.scenes.drawables import Curve, Label, Markers, Panel, Readout, SceneFrame

SIZE = (1920, 1080)


def overlap(a, b) -> bool:
    """Whether boxes (left, top, right, bottom) share an area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def drawn_box(rectangle) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in canvas pixels of a Rectangle visual as drawn."""
    cx, cy = (float(v) for v in rectangle.center[:2])
    return cx - rectangle.width / 2, cy - rectangle.height / 2, cx + rectangle.width / 2, cy + rectangle.height / 2


def readout_box(canvas: PlotCanvas) -> tuple[float, float, float, float]:
    assert canvas._readout_box.visible
    return drawn_box(canvas._readout_box)


def corner_of(box, plane) -> str:
    """The corner of ``plane`` (an area of the canvas) that ``box`` lies in."""
    left, top, w, h = plane.canvas_rect()
    vertical = "top" if (box[1] + box[3]) / 2 < top + h / 2 else "bottom"
    return f"{vertical} {'left' if (box[0] + box[2]) / 2 < left + w / 2 else 'right'}"


def marker_discs(canvas: PlotCanvas, drawables, area=None) -> list[tuple[float, float, float, float]]:
    """Boxes around each marker's disc (size in 1080p pixels, scaled by the theme's line scale), from the frame's data."""
    area = area or canvas.main
    discs = []
    for d in drawables:
        if isinstance(d, Markers):
            radius = 0.5 * canvas.px(d.size) * canvas.theme.line_scale
            for x, y in zip(d.x, d.y, strict=True):
                col, row = area.data_to_canvas(x, y)
                discs.append((col - radius, row - radius, col + radius, row + radius))
    return discs


def label_points(canvas: PlotCanvas, drawables) -> list[tuple[float, float]]:
    """The pixel each label's text touches (its point moved by its offset), for labels placed at their own point."""
    points = []
    for d in drawables:
        if isinstance(d, Label) and not d.after:
            col, row = canvas.main.data_to_canvas(d.x, d.y)
            points.append((col + canvas.px(d.offset[0]), row + canvas.px(d.offset[1])))
    return points


@pytest.mark.parametrize("theme", ["light", "projector"])
def test_the_box_leaves_the_3d_planes_title_readable(theme):
    """loss-surface, 3D alone: the readouts sit in the 3D plane's top left corner, under its title."""
    r = OffscreenRenderer(get_scene("loss-surface"), SIZE, values={"view": "3D surface"}, theme=theme)
    try:
        image = r.render()
        canvas = r.canvas
        plane = canvas.panels["surface3d"]
        assert canvas._readout_plane() is plane
        left, top, w, h = plane.canvas_rect()
        th = get_theme(theme)
        em = canvas.px(17) * th.text_scale
        half = text_width(plane.title, em) / 2
        title = (left + w / 2 - half, top + canvas.px(8), left + w / 2 + half, top + canvas.px(8) + em)
        box = readout_box(canvas)
        assert not overlap(box, title)
        assert box[1] >= title[3]
        assert left <= box[0] and box[2] <= left + w and box[3] <= top + h
        # In the picture: the title's first quarter is drawn in the foreground colour, not dimmed by a box over it.
        ink = (np.abs(image[..., :3].astype(int) - rgb(th.foreground)) < 40).all(axis=2)
        rows = slice(int(title[1]), int(np.ceil(title[3])))
        assert ink[rows, int(title[0]): int(title[0] + half / 2)].sum() > 50
    finally:
        r.close()


@pytest.mark.parametrize("theme", ["light", "projector"])
def test_the_box_covers_no_node_of_backprop(theme):
    r = OffscreenRenderer(get_scene("backprop"), SIZE, theme=theme)
    try:
        r.render()
        canvas = r.canvas
        drawables = r.presenter.frame.drawables
        box = readout_box(canvas)
        discs = marker_discs(canvas, drawables)
        assert len(discs) >= 6  # x, w, b, y, z, a, L and the active ring
        assert not any(overlap(box, disc) for disc in discs)
        labels = label_points(canvas, drawables)
        assert len(labels) >= 10 and not any(box[0] <= c <= box[2] and box[1] <= r_ <= box[3] for c, r_ in labels)
        # The legend went out of its way, not onto the box.
        if canvas.main._legend_box.visible:
            assert not overlap(box, drawn_box(canvas.main._legend_box))
    finally:
        r.close()


SMALL_3D = {"view": "3D surface", "samples": 32, "hidden": 2, "resolution": 16, "steps": 10, "train_steps": 50}


@pytest.mark.parametrize(("name", "start", "parameter", "values"), [
    ("backprop", {}, "step", list(range(MAX_STEP + 1))),
    ("secant", {}, "h", [2.0 * 0.0005 ** (i / 11) for i in range(12)]),
    ("loss-surface", SMALL_3D, "azimuth", [float(a) for a in range(-60, 61, 15)]),
])
def test_an_animation_keeps_the_box_in_one_corner(name, start, parameter, values):
    r = OffscreenRenderer(get_scene(name), SIZE, values=start, theme="projector")
    try:
        r.render()
        corners = set()
        for value in values:
            r.presenter.state.update({parameter: value})
            r.render()
            box = readout_box(r.canvas)
            corners.add(corner_of(box, r.canvas._readout_plane()))
            if r.canvas.main.shown:
                assert not any(overlap(box, disc) for disc in marker_discs(r.canvas, r.presenter.frame.drawables))
        assert len(corners) == 1, corners
    finally:
        r.close()


def frame_with(points: list[tuple[float, float]], legend: bool = False) -> SceneFrame:
    """Markers at ``points``, two readouts, and with ``legend`` a labelled curve along the bottom."""
    drawables = [Markers("points", np.array([p[0] for p in points]), np.array([p[1] for p in points]), size=14)]
    if legend:
        drawables.append(Curve("curve", np.array([-4.0, 4.0]), np.array([-2.9, -2.9]), role="curve",
                               label="f(x) = x² − 3 along the bottom"))
    readouts = (Readout("f′(a)", 2.07, "2.07"), Readout("Δf/h", 6.97, "6.97"))
    return SceneFrame(tuple(drawables), readouts=readouts)


@pytest.fixture
def canvas():
    c = PlotCanvas(size=(1280, 720), theme="projector", pixel_scale=720 / 1080)
    c.set_view(View(-4, 4, -3, 3))
    c.show_frame(frame_with([(0.0, 0.0)]))
    c.render()  # lays the plane out at its drawn size
    yield c
    c.close()


def point_at(canvas: PlotCanvas, col: float, row: float) -> tuple[float, float]:
    x, y = canvas.main.canvas_to_data([col, row])[:2]
    return float(x), float(y)


def test_the_box_moves_only_when_it_must_and_stays_put(canvas):
    canvas.show_frame(frame_with([(0.0, 0.0)]))
    first = readout_box(canvas)
    assert corner_of(first, canvas.main) == "top left"
    inside = point_at(canvas, (first[0] + first[2]) / 2, (first[1] + first[3]) / 2)
    canvas.show_frame(frame_with([(0.0, 0.0), inside]))  # a marker moves under the box: it goes
    moved = readout_box(canvas)
    assert corner_of(moved, canvas.main) == "top right"
    assert not any(overlap(moved, disc) for disc in marker_discs(canvas, canvas._frame.drawables))
    canvas.show_frame(frame_with([(0.0, 0.0)]))  # the top left is clear again: it stays
    assert readout_box(canvas) == moved
    canvas.show_frame(frame_with([(0.0, 0.0), point_at(canvas, (moved[0] + moved[2]) / 2, moved[3] - 2)]))
    again = readout_box(canvas)  # pushed out of the top right, back to the first corner that is clear
    assert corner_of(again, canvas.main) == "top left"
    canvas.show_frame(frame_with([(0.0, 0.0), inside]))
    assert corner_of(readout_box(canvas), canvas.main) == "top right"
    canvas.disconnect(lambda view: None)  # another scene takes the canvas over: a fresh choice
    canvas.show_frame(frame_with([(0.0, 0.0)]))
    assert corner_of(readout_box(canvas), canvas.main) == "top left"


def test_a_new_plane_layout_chooses_afresh(canvas):
    canvas.show_frame(frame_with([(0.0, 0.0)]))
    first = readout_box(canvas)
    inside = point_at(canvas, (first[0] + first[2]) / 2, (first[1] + first[3]) / 2)
    canvas.show_frame(frame_with([(0.0, 0.0), inside]))
    canvas.show_frame(frame_with([(0.0, 0.0)]))
    assert corner_of(readout_box(canvas), canvas.main) == "top right"
    below = Panel("below", (), View(-4, 4, -1, 1), title="a plane below")
    canvas.show_frame(replace(frame_with([(0.0, 0.0)]), panels=(below,)))  # the main plane changes shape
    canvas.render()
    assert corner_of(readout_box(canvas), canvas.main) == "top left"


@pytest.mark.parametrize(("blocked", "expected"), [
    (("top left",), "bottom left"),
    (("top left", "bottom left"), "bottom right"),
    (("top left", "top right"), "bottom left"),
    (("top left", "bottom left", "bottom right"), "top right"),
    (("top left", "top right", "bottom left"), "bottom right"),
])
def test_readouts_and_legend_never_meet_and_markers_stay_visible(canvas, blocked, expected):
    """Markers block some corners: the box takes a free one, leaving the legend in the top right while
    another is free (then the first of READOUT_CORNERS), and the legend never meets it."""
    left, top, w, h = canvas.main.canvas_rect()
    inset = {"left": left + canvas.px(60), "right": left + w - canvas.px(60),
             "top": top + canvas.px(50), "bottom": top + h - canvas.px(90)}
    points = [point_at(canvas, inset[c.split()[1]], inset[c.split()[0]]) for c in blocked]
    canvas.show_frame(frame_with([(0.0, 0.0), *points], legend=True))
    box = readout_box(canvas)
    assert expected in READOUT_CORNERS and expected not in blocked
    assert corner_of(box, canvas.main) == expected
    assert not any(overlap(box, disc) for disc in marker_discs(canvas, canvas._frame.drawables))
    assert canvas.main._legend_box.visible
    legend = drawn_box(canvas.main._legend_box)
    assert not overlap(box, legend)
    assert corner_of(legend, canvas.main) == ("bottom right" if expected == "top right" else "top right")
