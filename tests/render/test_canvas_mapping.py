"""Points of a plane mapped to canvas pixels: the canvas's shortcut agrees with VisPy's own transforms."""

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.canvas import canvas_boxes, map_to_root
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.scenes import get_scene


@pytest.mark.parametrize("name", ["secant", "rules"])
def test_map_to_root_is_vispys_node_transform(name):
    renderer = OffscreenRenderer(get_scene(name), (640, 360))
    try:
        renderer.render()
        canvas = renderer.canvas
        root = canvas.canvas.scene
        points = np.array([[0.0, 0.0], [1.5, -2.25], [-3.0, 7.0], [1e6, -1e-6]])
        areas = [canvas.main, *canvas.panels.values()]
        assert len(areas) == (2 if name == "rules" else 1)
        for area in areas:
            for node in (area.view.scene, area.view):
                expected = node.node_transform(root).map(points)
                expected = expected[:, :2] / expected[:, 3:4]
                assert np.array_equal(map_to_root(node, root, points), expected)
        # a pan and a zoom change the camera's transform: still the same numbers
        canvas.set_view(View(-1.0, 4.0, -0.5, 0.75))
        renderer.render()
        node = canvas.main.view.scene
        expected = node.node_transform(root).map(points)
        assert np.array_equal(map_to_root(node, root, points), expected[:, :2] / expected[:, 3:4])
        assert np.array_equal(map_to_root(root, root, points), points)
        one = map_to_root(node, root, [1.5, -2.25])
        assert one.shape == (1, 2) and np.array_equal(one[0], map_to_root(node, root, points)[1])
        boxes = canvas_boxes(node, root, [[0.0, 0.0, 1.0, 1.0]])
        corners = map_to_root(node, root, [[0.0, 0.0], [1.0, 1.0]])
        assert np.array_equal(boxes[0], [*corners.min(axis=0), *corners.max(axis=0)])
    finally:
        renderer.close()
