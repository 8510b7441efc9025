"""Text on the canvas laid out from measured widths: axis names clear of tick labels, readout boxes fitted."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.canvas import PlotCanvas
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import rgb
from derivlab.render.themes import get_theme
from derivlab.render.visuals import text_width
from derivlab.scenes import get_scene
from derivlab.scenes.drawables import Label, Readout, SceneFrame


def overlap(a, b) -> bool:
    """Whether boxes (left, top, right, bottom) share an area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.fixture(scope="module")
def gradient_descent_projector():
    """gradient-descent as exported at 1920x1080 in the projector theme: its loss panel is a log panel."""
    renderer = OffscreenRenderer(get_scene("gradient-descent"), (1920, 1080), theme="projector")
    image = renderer.render()
    yield renderer.canvas, image
    renderer.close()


def test_log_panel_y_name_is_on_a_row_of_its_own(gradient_descent_projector):
    canvas, _ = gradient_descent_projector
    panel = canvas.panels["loss"]
    assert panel.y_log and panel.y_name == "f(θₜ) − f(θ*)"
    boxes = panel.axis_text_boxes()
    (name,) = boxes["y name"]
    ticks = boxes["y ticks"]
    assert len(ticks) >= 2
    top = min(ticks, key=lambda box: box[1])
    # The labels sit inside the plane, right of the axis; the name's text starts right of all of theirs
    # (a box reaches 3 pixels left of a name and 6 right of a tick label).
    assert name[0] + canvas.px(3) >= max(box[2] - canvas.px(6) for box in ticks)
    for box in ticks:
        assert not overlap(name, box)
    # It does not share the top label's row, where it would read as "10⁰ f(θₜ) − f(θ*)".
    assert name[1] >= top[3] or name[3] <= top[1]


def test_no_name_ink_on_the_top_tick_labels_row(gradient_descent_projector):
    """In the picture: the rows of the top tick label, across the name's columns, hold no text."""
    canvas, image = gradient_descent_projector
    boxes = canvas.panels["loss"].axis_text_boxes()
    (name,) = boxes["y name"]
    top = min(boxes["y ticks"], key=lambda box: box[1])
    foreground = np.array(rgb(get_theme("projector").foreground))
    text = (np.abs(image[..., :3].astype(int) - foreground) < 40).all(axis=2)
    left, right = int(name[0]), int(np.ceil(name[2]))
    assert text[int(name[1]): int(np.ceil(name[3])), left:right].sum() > 100  # the name is drawn in its box
    assert not text[int(top[1]) + 1: int(top[3]) - 1, left:right].any()


def test_tick_and_name_boxes_hold_their_texts(gradient_descent_projector):
    canvas, _ = gradient_descent_projector
    th = canvas.theme
    boxes = canvas.panels["loss"].axis_text_boxes()
    (name,) = boxes["y name"]
    assert name[2] - name[0] >= text_width("f(θₜ) − f(θ*)", canvas.px(18) * th.text_scale)
    assert all(box[2] - box[0] >= text_width("10⁰", canvas.px(15) * th.text_scale) for box in boxes["y ticks"])


def readout_frame(*texts: str) -> SceneFrame:
    return SceneFrame((), readouts=tuple(Readout(f"θ{i}", None, t) for i, t in enumerate(texts)))


@pytest.mark.parametrize("theme", ["light", "projector"])
def test_readout_box_fits_its_lines_and_is_steady_while_digits_change(theme):
    canvas = PlotCanvas(size=(1920, 1080), theme=theme)
    try:
        canvas.set_view(View(-3, 3, -2, 2))
        em = canvas.px(16) * canvas.theme.text_scale
        widths = []
        for digits in ("2.4189256×10⁻⁸", "8.0435486×10⁻⁵", "1.1111111×10⁻¹"):
            canvas.show_frame(readout_frame("0.3", digits))
            widths.append(canvas._readout_box.width)
        assert len(set(widths)) == 1  # the same number of digits: the box does not move
        longest = text_width("θ1 = 8.0435486×10⁻⁵", em)
        assert longest + canvas.px(20) <= widths[0] < longest + canvas.px(20) + canvas.px(40)
        assert widths[0] % canvas.px(40) == pytest.approx(0.0, abs=1e-6)
    finally:
        canvas.close()


def rows_meet(name, tick, gap: float, lift: float) -> bool:
    """Whether the y name's box and a tick label's box, (left, top, right, bottom), share a row.

    The name needs ``gap`` pixels to a label above or below; its box reaches ``lift`` pixels above its text.
    """
    return not (name[3] + gap <= tick[1] + 0.5 or name[1] + lift >= tick[3] + gap - 0.5)


def test_y_name_changes_row_only_when_a_tick_label_runs_into_it():
    """η swept over [1.2, 1.9] in steps of 0.02: gradient descent on x² diverges faster and faster, the log panel's
    y range grows, and its tick labels (inside the plane, on the name's side) slide past the name's row.

    From one frame to the next the name keeps its row unless a tick label of the new frame meets that row, or
    its own row (30 pixels under the title, at 1080p) is clear again.
    """
    renderer = OffscreenRenderer(get_scene("gradient-descent"), (1280, 720), values={"eta": 1.2}, theme="projector")
    try:
        canvas = renderer.canvas
        gap, lift = canvas.px(4), canvas.px(3)
        frames = []
        for eta in np.arange(1.2, 1.9001, 0.02):
            renderer.presenter.set_values({"eta": float(eta)})
            renderer.render()
            panel = canvas.panels["loss"]
            axis_x = panel.data_to_canvas(0.0, 0.0)[0]
            boxes = panel.axis_text_boxes()
            (name,) = boxes["y name"]
            own_side = [box for box in boxes["y ticks"] if box[0] + box[2] > 2 * axis_x]
            assert not any(rows_meet(name, box, gap, lift) for box in own_side)
            frames.append((name, own_side))
        title_h = canvas.px(26) * canvas.theme.text_scale
        own_top = canvas.panels["loss"].canvas_rect()[1] + canvas.px(30) + title_h - lift
        moves = kept_off_own = 0
        for (before, _), (after, ticks) in pairwise(frames):
            if abs(after[1] - before[1]) > 0.01:
                moves += 1
                pushed = any(rows_meet(before, box, gap, lift) for box in ticks)
                assert pushed or after[1] == pytest.approx(own_top), (before, after, ticks)
            elif abs(after[1] - own_top) > 0.01:
                kept_off_own += 1
        assert moves >= 2  # the sweep runs labels into the name
        assert kept_off_own >= 1  # somewhere it stays on a row of its own choosing while that is clear
    finally:
        renderer.close()


@pytest.mark.parametrize("theme", ["light", "projector"])
def test_label_after_another_starts_where_that_ones_text_ends(theme):
    """Label ``after``: its point is the right end of the earlier label's text (measured), plus its own offset;
    a centred label ends half its width right of its point; a missing key leaves the label at its own x."""
    canvas = PlotCanvas(size=(1280, 720), theme=theme, pixel_scale=720 / 1080)
    try:
        canvas.set_view(View(-4, 4, -3, 3))
        labels = (Label("first", "f′(a) = 0.25", 0.0, 1.0, offset=(10, 0), anchor=("left", "bottom")),
                  Label("second", "Δx", 99.0, 1.0, offset=(20, 0), anchor=("left", "bottom"), after="first"),
                  Label("centred", "secant slope", -2.0, -1.0, offset=(0, 0), anchor=("center", "bottom")),
                  Label("third", "h → 0", 99.0, -1.0, offset=(6, 0), anchor=("left", "bottom"), after="centred"),
                  Label("alone", "x₀", 1.5, 2.0, offset=(0, 0), anchor=("left", "bottom"), after="no such label"))
        canvas.show_frame(SceneFrame(labels))
        canvas.render()
        canvas.show_frame(SceneFrame(labels))  # laid out again at the plane's drawn size
        area = canvas.main

        def start(key: str) -> float:
            return float(area.data_to_canvas(*(np.asarray(area.visuals[key].pos[0][:2], float) + area.origin))[0])

        em = canvas.px(14) * canvas.theme.text_scale
        zero = float(area.data_to_canvas(0.0, 0.0)[0])
        assert start("first") == pytest.approx(zero + canvas.px(10), abs=0.5)
        assert start("second") == pytest.approx(start("first") + text_width("f′(a) = 0.25", em) + canvas.px(20),
                                                abs=0.5)
        centre = float(area.data_to_canvas(-2.0, 0.0)[0])
        assert start("centred") == pytest.approx(centre, abs=0.5)
        assert start("third") == pytest.approx(centre + 0.5 * text_width("secant slope", em) + canvas.px(6),
                                               abs=0.5)
        assert start("alone") == pytest.approx(float(area.data_to_canvas(1.5, 0.0)[0]), abs=0.5)
    finally:
        canvas.close()
