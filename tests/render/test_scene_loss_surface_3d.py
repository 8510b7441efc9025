"""loss-surface's 3D panel drawn offscreen: markers where the camera's transform puts them, the
surface in the heat map's colours (times its shading), another azimuth another picture, a mouse
turn kept over recomputes, the 3D view alone, and GL objects that do not pile up."""

from __future__ import annotations

import gc
import math

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.heatmap import expected_color
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import color_near, rgb
from derivlab.render.surface3d import SurfaceArea, surface_mesh
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene
from derivlab.scenes.drawables import Heatmap, Surface

VIEW = View(-2.0, 2.0, -2.0, 2.0)


def renderer_for(size, **values) -> OffscreenRenderer:
    return OffscreenRenderer(get_scene("loss-surface"), size, values={"arrows": 0, "resolution": 48, **values},
                             view=VIEW)


@pytest.mark.parametrize("size", [(1280, 720), (3840, 2160)])
def test_markers_sit_where_the_camera_projects_them(size: tuple[int, int]) -> None:
    renderer = renderer_for(size)
    try:
        image = renderer.render()
        frame = renderer.presenter.frame
        area = renderer.canvas.panels["surface3d"]
        assert isinstance(area, SurfaceArea)
        theme = get_theme("light")
        r = max(2, int(2 * size[1] / 1080))
        left, top, width, height = area.canvas_rect()
        mx, my, lowest = frame.extra["minimum"]
        col, row = area.data_to_canvas(mx, my, math.log10(lowest))
        assert left < col < left + width and top < row < top + height
        assert color_near(image, col, row, rgb(theme.color("derivative")), radius=r, tolerance=40)
        start = frame.panel("surface3d").drawable("start3d")
        col, row = area.data_to_canvas(start.x[0], start.y[0], start.z[0])
        assert left < col < left + width and top < row < top + height
        assert color_near(image, col, row, rgb(theme.color("point")), radius=r, tolerance=40)
        # the label over the minimum is written on a box of the background colour above it
        label_rows = image[int(row) - int(60 * size[1] / 1080): int(row), int(col) - r: int(col) + r + 1, :3]
        assert label_rows.size and (np.linalg.norm(label_rows.astype(float) - 255.0, axis=-1) < 60).any()
    finally:
        renderer.close()


def test_seen_from_above_the_surface_has_the_heat_maps_colours_shaded() -> None:
    """Each pixel is the colour map's colour of its height times 0.6 + 0.45 cos γ (γ: normal to light)."""
    renderer = renderer_for((1280, 720), elevation=90.0, azimuth=0.0, optimizer="gradient descent", steps=3)
    try:
        image = renderer.render()
        frame = renderer.presenter.frame
        surface = frame.panel("surface3d").drawable("surface3d")
        area = renderer.canvas.panels["surface3d"]
        heat = Heatmap("h", surface.z, surface.x_range, surface.y_range, contours=surface.contours)
        x, y = surface.centres()
        levels = surface.contour_levels()
        gap = levels[1] - levels[0]
        checked = 0
        for r in range(6, len(y) - 6, 5):
            for c in range(6, len(x) - 6, 5):
                z = float(surface.z[r, c])
                near_marks = min(np.hypot(x[c] - a, y[r] - b) for a, b in [(0.0, 0.0), (-1.0, -1.2)]) < 0.6
                if near_marks or np.min(np.abs(levels - z)) < 0.3 * gap:
                    continue
                col, row = area.data_to_canvas(x[c], y[r], z)
                got = image[int(round(row)), int(round(col)), :3].astype(float)
                want = expected_color(heat, z)
                k = float(got @ want / (want @ want))
                assert 0.55 < k < 1.08, (r, c, got, want)
                assert np.linalg.norm(got - k * want) < 14, (r, c, got, want)
                checked += 1
        assert checked >= 10
    finally:
        renderer.close()


def test_another_azimuth_turns_the_surface_and_leaves_the_heat_map() -> None:
    renderer = renderer_for((1280, 720))
    try:
        canvas = renderer.canvas
        before = renderer.render()[..., :3].astype(int)
        renderer.state.set("azimuth", renderer.state["azimuth"] + 90.0)
        after = renderer.render()[..., :3].astype(int)
        left, top, width, height = (int(round(v)) for v in canvas.panels["surface3d"].canvas_rect())
        panel_change = np.abs(after - before)[top: top + height, left: left + width].mean()
        assert panel_change > 5.0
        ml, mt, mw, mh = (int(round(v)) for v in canvas.main.canvas_rect())
        assert np.array_equal(after[mt: mt + mh, ml: ml + mw], before[mt: mt + mh, ml: ml + mw])
    finally:
        renderer.close()


def test_a_turn_of_the_camera_is_kept_until_the_frame_asks_for_another_angle() -> None:
    renderer = renderer_for((640, 360))
    try:
        camera = renderer.canvas.panels["surface3d"].camera
        assert (camera.azimuth, camera.elevation) == (renderer.state["azimuth"], renderer.state["elevation"])
        camera.azimuth, camera.elevation = 77.0, 50.0  # as a drag does
        renderer.state.set("steps", 40)
        renderer.render()
        assert (camera.azimuth, camera.elevation) == (77.0, 50.0)
        renderer.state.set("azimuth", 10.0)
        assert (camera.azimuth, camera.elevation) == (10.0, renderer.state["elevation"])
        renderer.state.set("azimuth", 300.0)  # the same direction as −60°
        assert camera.azimuth == pytest.approx(-60.0)
    finally:
        renderer.close()


def test_the_3d_view_alone_fills_the_main_planes_place() -> None:
    renderer = renderer_for((1280, 720), view="3D surface")
    try:
        image = renderer.render()
        canvas = renderer.canvas
        assert not canvas.main.shown and canvas.main.view.parent is None
        left, top, width, height = canvas.panels["surface3d"].canvas_rect()
        assert left < 20 and width > 500
        frame = renderer.presenter.frame
        mx, my, lowest = frame.extra["minimum"]
        col, row = canvas.panels["surface3d"].data_to_canvas(mx, my, math.log10(lowest))
        assert color_near(image, col, row, rgb(get_theme("light").color("derivative")), radius=2, tolerance=40)
        renderer.state.set("view", "heat map")
        renderer.render()
        assert canvas.main.shown and list(canvas.panels) == ["loss"]
        assert canvas.main.canvas_rect()[2] > 500
    finally:
        renderer.close()


def test_switching_views_does_not_pile_up_gl_objects() -> None:
    renderer = renderer_for((480, 270), resolution=24)
    try:
        def objects() -> int:
            gc.collect()
            renderer.render()
            return len(renderer.canvas.canvas.context.shared.parser._objects)

        views = ("3D surface", "heat map", "heat map + 3D")
        for view in views:
            renderer.state.set("view", view)
            renderer.render()
        baseline = objects()
        for _ in range(3):
            for view in views:
                renderer.state.set("view", view)
                renderer.state.set("azimuth", float(renderer.state["azimuth"]) + 17.0)
                renderer.render()
        assert objects() <= baseline
    finally:
        renderer.close()


def test_surface_mesh_samples_large_grids_and_leaves_holes() -> None:
    z = np.add.outer(np.arange(10.0), np.arange(12.0))
    z[4, 5] = np.nan
    x, y, heights, faces = surface_mesh(Surface("s", z, (0.0, 12.0), (0.0, 10.0)))
    assert len(x) == 120 and len(faces) == 2 * 9 * 11 - 6  # a missing vertex takes its 6 triangles along
    assert not np.isin(4 * 12 + 5, faces)
    np.testing.assert_allclose(heights[np.isfinite(heights)], z[np.isfinite(z)])
    assert (x[0], y[0]) == (0.5, 0.5)
    x, y, heights, faces = surface_mesh(Surface("s", np.zeros((500, 300)), (0.0, 1.0), (0.0, 1.0)), cells=50)
    assert len(x) == 50 * 50 and x.min() == pytest.approx(0.5 / 300) and y.max() == pytest.approx(1 - 0.5 / 500)
