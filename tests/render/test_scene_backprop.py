"""backprop drawn offscreen: nodes in their roles' colours and the edges carrying local derivatives."""

import numpy as np
import pytest

from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene


def rgb(hex_color):
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], float)


def color_near(image, col, row, color, radius=3, tolerance=70):
    c, r = int(round(col)), int(round(row))
    patch = image[max(r - radius, 0) : r + radius + 1, max(c - radius, 0) : c + radius + 1, :3].astype(float)
    return bool((np.linalg.norm(patch - color, axis=-1) < tolerance).any())


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
def test_network_graph_nodes_and_edges(size):
    scene = get_scene("backprop")
    values = scene.defaults()
    fr = scene.compute(values, scene.default_view)
    x, y = fr.extra["positions"]
    graph = fr.extra["graph"]
    renderer = OffscreenRenderer(scene, size, values=values, view=scene.default_view)
    try:
        image = renderer.render()
        canvas = renderer.canvas
        theme = get_theme("light")
        r = max(2, int(2 * size[1] / 1080))
        colors = {k: rgb(theme.color(k)) for k in ("curve", "secant", "second", "tangent", "guide", "point")}
        # Node centres: z and a are operations, w and b parameters, L the output, y the target.
        for name, role in (("z", "curve"), ("a", "curve"), ("w", "secant"), ("b", "secant"), ("L", "second"),
                           ("y", "guide"), ("x", "point")):
            i = graph.index(name)
            assert color_near(image, *canvas.data_to_pixel(x[i], y[i]), colors[role], radius=r), name
        # The edge z → a carries its local derivative (tangent colour) a quarter of the way along.
        iz, ia = graph.index("z"), graph.index("a")
        px, py = x[iz] + 0.25 * (x[ia] - x[iz]), y[iz] + 0.25 * (y[ia] - y[iz])
        assert color_near(image, *canvas.data_to_pixel(px, py), colors["tangent"], radius=r)
        # Nothing between the nodes a and y (they share a column), far from any edge.
        iy = graph.index("y")
        mid = canvas.data_to_pixel(x[ia] - 0.9, (y[ia] + y[iy]) / 2)
        assert not color_near(image, *mid, colors["tangent"], radius=r)
    finally:
        renderer.close()


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
def test_expression_graph_before_the_backward_pass(size):
    scene = get_scene("backprop")
    values = {**scene.defaults(), "graph": "expression", "f": "x sin(x^2)", "step": 3}
    fr = scene.compute(values, scene.default_view)
    x, y = fr.extra["positions"]
    renderer = OffscreenRenderer(scene, size, values=values, view=scene.default_view)
    try:
        image = renderer.render()
        canvas = renderer.canvas
        theme = get_theme("light")
        r = max(2, int(2 * size[1] / 1080))
        guide, tangent = rgb(theme.color("guide")), rgb(theme.color("tangent"))
        # Forward pass only: the edge x → v₁ is a plain grey edge, not yet a local derivative.
        px, py = x[0] + 0.3 * (x[1] - x[0]), y[0] + 0.3 * (y[1] - y[0])
        assert color_near(image, *canvas.data_to_pixel(px, py), guide, radius=r)
        assert not color_near(image, *canvas.data_to_pixel(px, py), tangent, radius=r)
        assert color_near(image, *canvas.data_to_pixel(x[3], y[3]), rgb(theme.color("second")), radius=r)
    finally:
        renderer.close()


@pytest.mark.parametrize("theme", ["light", "projector"])
def test_key_entries_follow_their_measured_widths(theme):
    """The key of node colours along the bottom edge: each entry starts 18 px (at 1080p) after the previous one's
    text ends, as the font's advances measure it, and the middle of each gap holds no ink of either neighbour;
    on a projector the text is 1.9 times larger, so widths guessed per character would run entries together."""
    from derivlab.render.visuals import text_width

    scene = get_scene("backprop")
    renderer = OffscreenRenderer(scene, (1920, 1080), theme=theme)
    try:
        image = renderer.render()
        canvas = renderer.canvas
        th = get_theme(theme)
        area = canvas.main
        keys = sorted((k for k in area.visuals if k.startswith("key_")), key=lambda k: int(k.split("_")[1]))
        assert len(keys) == 6
        em = canvas.px(13) * th.text_scale
        gap = canvas.px(18)
        roles = [d.role for d in scene.compute(scene.defaults(), scene.default_view).drawables
                 if getattr(d, "key", "").startswith("key_")]
        starts, ends = [], []
        for key in keys:
            visual = area.visuals[key]
            col, row = area.data_to_canvas(*(np.asarray(visual.pos[0][:2], float) + area.origin))
            starts.append(col)
            ends.append(col + text_width(visual.text, em))
        assert starts[0] == pytest.approx(canvas.px(12), abs=0.5)
        for k in range(1, len(keys)):
            assert starts[k] == pytest.approx(ends[k - 1] + gap, abs=0.5)
        assert ends[-1] < image.shape[1]
        band = image[int(row - em): int(row) + 1, :, :3].astype(float)
        for k in range(1, len(keys)):
            middle = band[:, int(ends[k - 1] + 0.25 * gap): int(np.ceil(starts[k] - 0.25 * gap))]
            assert middle.shape[1] >= 0.4 * gap
            for role in (roles[k - 1], roles[k]):
                ink = np.linalg.norm(middle - rgb(th.color(role)), axis=-1) < 60
                assert not ink.any(), (keys[k - 1], keys[k], role)
    finally:
        renderer.close()


def test_edges_do_not_cross_the_labels_of_nodes_and_edges():
    """The graph's labels have a box of the background colour under them, over the edges."""
    scene = get_scene("backprop")
    values = scene.defaults()
    fr = scene.compute(values, scene.default_view)
    labels = [d for d in fr.drawables if d.key.startswith(("node_", "grad_", "local_"))]
    assert labels and all(d.backed for d in labels)
    renderer = OffscreenRenderer(scene, (1280, 720), values=values, view=scene.default_view)
    try:
        image = renderer.render()
        canvas = renderer.canvas
        area = canvas.main
        assert len(area._label_boxes) == len(labels)
        edge = rgb(get_theme("light").color("tangent"))
        background = rgb(get_theme("light").background)
        # z's label sits where the edges from w and x arrive: inside its box no pixel has the edges' colour
        z = fr.extra["graph"].index("z")
        x0, y0, x1, y1 = area._label_boxes[[d.key for d in labels].index(f"node_{z}")]
        (c0, r0), (c1, r1) = canvas.data_to_pixel(x0, y0), canvas.data_to_pixel(x1, y1)
        box = image[int(min(r0, r1)) + 2 : int(max(r0, r1)) - 1, int(min(c0, c1)) + 2 : int(max(c0, c1)) - 1, :3]
        assert box.size and (np.linalg.norm(box.astype(float) - edge, axis=-1) > 90).all()
        assert (np.linalg.norm(box.astype(float) - background, axis=-1) < 60).mean() > 0.5  # background, and text
    finally:
        renderer.close()
    # a plain plane's labels have none: the secant's (a, f(a)) is drawn straight over the grid
    plain = OffscreenRenderer(get_scene("secant"), (640, 360))
    try:
        plain.render()
        assert plain.canvas.main._label_boxes == []
    finally:
        plain.close()
