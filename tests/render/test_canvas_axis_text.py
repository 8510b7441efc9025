"""Axis text over what a plane draws: tick labels on an edge over the curves, on boxes; shading under the axes."""

from __future__ import annotations

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.canvas import (
    DENSE_FILL_ALPHA,
    Z_EDGE_TEXT,
    Z_FILLS,
    PlotCanvas,
    readout_box_size,
)
from derivlab.render.pixels import rgb
from derivlab.scenes.drawables import Curve, Fill, SceneFrame


def saturation(pixels: np.ndarray) -> np.ndarray:
    """max − min of the RGB channels: 0 for greys (text, the background), large for a coloured curve."""
    rgb_ = pixels[..., :3].astype(int)
    return rgb_.max(axis=-1) - rgb_.min(axis=-1)


def thick_curve_along(x: float, view: View) -> Curve:
    """A wide, strongly coloured vertical line at x, through the y tick labels when they sit there."""
    ys = np.linspace(view.y_min, view.y_max, 50)
    return Curve("wall", np.full_like(ys, x), ys, role="secant", width=40.0)


def render(canvas: PlotCanvas, view: View, *drawables) -> np.ndarray:
    canvas.set_view(view)
    canvas.show_frame(SceneFrame(tuple(drawables)))
    return canvas.render()


@pytest.fixture()
def canvas():
    c = PlotCanvas(size=(960, 540), theme="light")
    yield c
    c.close()


def test_tick_labels_on_an_edge_are_drawn_over_the_curves_on_boxes(canvas):
    # the origin left of the view: the y axis runs along the left edge and its labels stand inside
    view = View(2.0, 6.0, -2.0, 2.0)
    image = render(canvas, view, thick_curve_along(2.1, view))
    plane = canvas.main
    assert plane._y_labels.order == Z_EDGE_TEXT and plane._y_name.order == Z_EDGE_TEXT
    assert plane._edge_backing.visible
    boxes = plane.axis_text_boxes()["y ticks"]
    assert boxes
    for left, top, right, bottom in boxes:
        # the curve covers the label's box, but the box of the background colour (82 % opaque)
        # over it leaves only a pale tint: no pixel there is near the curve's colour
        inside = image[int(top) + 1:int(bottom) - 1, int(left) + 1:int(right) - 1]
        assert saturation(inside).max() < 90
    # and beside the labels the curve is drawn at full strength
    x, _ = plane.data_to_canvas(2.1, 0.0)
    column = image[:, int(x)]
    assert saturation(column).max() > 150


def test_a_line_along_a_tick_shows_no_stub_between_the_edge_axis_and_its_label(canvas):
    # A horizontal line at the tick y = 1, with the y axis on the left edge and the labels right
    # of it: were the pad between the axis and the "1" left bare, the line's stub would stand
    # there at full strength and the label would read "−1".
    view = View(2.0, 6.0, -2.0, 2.0)
    xs = np.linspace(view.x_min, view.x_max, 50)
    image = render(canvas, view, Curve("level", xs, np.ones_like(xs), role="secant", width=4.0))
    plane = canvas.main
    x_edge, y_row = plane.data_to_canvas(view.x_min, 1.0)
    label = min(plane.axis_text_boxes()["y ticks"], key=lambda b: abs(0.5 * (b[1] + b[3]) - y_row))
    # (from past the axis line, 1.6 px wide on the edge, which the curve crosses over)
    stub = image[int(y_row) - 1:int(y_row) + 2, int(np.ceil(x_edge)) + 2:int(label[0]) + 4]
    assert stub.size and saturation(stub).max() < 90
    # past the label the line is drawn at full strength
    assert saturation(image[int(y_row) - 1:int(y_row) + 2, int(label[2]) + 20]).max() > 150


def test_tick_labels_beside_an_axis_through_the_plane_stay_under_the_curves(canvas):
    view = View(-3.0, 3.0, -2.0, 2.0)
    render(canvas, view, thick_curve_along(-0.1, view))
    plane = canvas.main
    assert plane._y_labels.order < 0 and plane._x_labels.order < 0
    assert not plane._edge_backing.visible
    assert plane._edge_boxes == []


def test_x_labels_pushed_over_a_bottom_edge_axis_are_lifted(canvas):
    # the origin below the view: the x axis runs along the bottom edge, its labels stand over it
    view = View(-3.0, 3.0, 1.0, 5.0)
    render(canvas, view)
    plane = canvas.main
    assert plane._x_labels.order == Z_EDGE_TEXT and plane._x_name.order == Z_EDGE_TEXT
    assert plane._y_labels.order < 0  # the y axis still goes through the plane
    assert len(plane._edge_boxes) == len(plane.axis_text_boxes()["x ticks"]) + 1  # and the x name


def test_shading_lies_under_the_axes_and_dense_shading_backs_the_axis_text(canvas):
    view = View(-3.0, 3.0, -2.0, 2.0)
    xs = np.array([-3.0, 3.0])
    light = Fill("light", xs, np.array([-2.0, -2.0]), np.array([2.0, 2.0]), role="secant", alpha=0.2)
    render(canvas, view, light)
    plane = canvas.main
    assert Z_FILLS <= plane.visuals["light"].order < plane._axes.order
    assert plane._tick_boxes == [] and not plane._backing.visible  # pale shading: the labels read on it
    dense = Fill("dense", xs, np.array([-2.0, -2.0]), np.array([2.0, 2.0]), role="secant", alpha=DENSE_FILL_ALPHA)
    image = render(canvas, view, dense)
    assert plane._backing.visible
    boxes = plane.axis_text_boxes()
    assert len(plane._tick_boxes) == len(boxes["x ticks"]) + len(boxes["y ticks"]) + 2
    # the axis line (85 % opaque) is drawn over the shading: its darkest pixels are near the
    # foreground colour (sum of channel distances about 75), where shading half opaque over the
    # axis would leave them half way to the shading's orange (about 170)
    _, y = plane.data_to_canvas(0.0, 0.0)
    axis_row = image[int(round(y)) - 1:int(round(y)) + 2, 40:80, :3].astype(int)
    foreground = np.array(rgb(canvas.theme.foreground))
    assert np.abs(axis_row - foreground).sum(axis=-1).min() < 100


def test_readouts_fill_columns_in_a_short_plane():
    px = float
    widths = [100.0, 140.0, 90.0, 120.0, 80.0, 60.0, 110.0]
    # a tall plane: one column of seven lines
    w, h, places = readout_box_size(widths, 30.0, px, plane_h=1000.0, plane_w=1920.0)
    assert h == 30.0 * 7 + 12 and w == 160.0  # 20 + 140, rounded up to 40
    assert places == [(0.0, i) for i in range(7)]
    # a plane 400 px tall: one column would take 222 px; two columns of four rows take 132, under a third
    w, h, places = readout_box_size(widths, 30.0, px, plane_h=400.0, plane_w=1920.0)
    assert h == 30.0 * 4 + 12
    first = 140.0  # the widest of the first four lines, a multiple of 20
    assert places[:4] == [(0.0, i) for i in range(4)]
    assert places[4:] == [(first + 28.0, i) for i in range(3)]
    assert w >= 20 + first + 28 + 110 and w % 40 == 0
    # a plane 230 px tall: a third is 76 px, so four columns of two rows (72 px)
    w, h, places = readout_box_size(widths, 30.0, px, plane_h=230.0, plane_w=1920.0)
    assert h == 30.0 * 2 + 12
    starts = [0.0, 140.0 + 28, 168.0 + 120.0 + 28, 316.0 + 80.0 + 28]  # each column's widest line + 28
    assert places == [(starts[i // 2], i % 2) for i in range(7)]
    assert w == 560.0  # 20 + 424 + 110 = 554, rounded up to 40
    # too narrow a plane for two columns: one column, even if it is tall
    _, h, places = readout_box_size(widths, 30.0, px, plane_h=230.0, plane_w=400.0)
    assert h == 30.0 * 7 + 12 and all(x == 0.0 for x, _ in places)
    # as many columns as fit: 60 % of 560 px holds two columns (4 rows), not three
    _, h, places = readout_box_size(widths, 30.0, px, plane_h=230.0, plane_w=560.0)
    assert h == 30.0 * 4 + 12 and {x for x, _ in places} == {0.0, first + 28.0}
    # three lines stay in one column
    _, _, places = readout_box_size(widths[:3], 30.0, px, plane_h=50.0, plane_w=1920.0)
    assert all(x == 0.0 for x, _ in places)


@pytest.mark.parametrize(("view", "lifted", "kept"), [
    (View(-3.0, 3.0, -5.0, -1.0), "_x_labels", "_y_labels"),  # the origin above: x axis on the top edge
    (View(-6.0, -2.0, -2.0, 2.0), "_y_labels", "_x_labels"),  # the origin to the right: y axis on the right edge
])
def test_an_axis_on_the_top_or_right_edge_lifts_its_labels_too(canvas, view, lifted, kept):
    render(canvas, view)
    plane = canvas.main
    assert getattr(plane, lifted).order == Z_EDGE_TEXT
    assert getattr(plane, kept).order < 0
    assert plane._edge_backing.visible and plane._edge_boxes


def test_an_axis_on_the_plane_edge_is_drawn_inside_it_at_full_width(canvas):
    # the origin left of and below the view: both axes run along edges; the plane's clip must
    # not cut them to a hairline
    view = View(2.0, 6.0, 1.0, 5.0)
    image = render(canvas, view)
    plane = canvas.main
    x_edge, y_mid = plane.data_to_canvas(view.x_min, 3.3)
    x_mid, y_edge = plane.data_to_canvas(4.3, view.y_min)
    column = image[int(y_mid) - 3:int(y_mid) + 3, int(round(x_edge)):int(round(x_edge)) + 2, :3]
    row = image[int(round(y_edge)) - 2:int(round(y_edge)), int(x_mid) - 3:int(x_mid) + 3, :3]
    assert column.min(axis=-1).min(axis=1).max() < 120  # every row has a dark pixel on the left edge
    assert row.min(axis=-1).min(axis=0).max() < 120  # every column has one on the bottom edge
