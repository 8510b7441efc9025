"""loss-surface in 3D: the surface's heights are the heat map's own log₁₀ L values (the network
evaluated directly at sampled cell centres), the paths on it stand at log₁₀ L along each path,
the markers at their losses; the view and camera parameters are checked."""

from __future__ import annotations

import math

import numpy as np
import pytest

from derivlab.compute.backend import numpy_backend
from derivlab.compute.network import loss
from derivlab.model import ParameterError, View
from derivlab.scenes import get_scene
from derivlab.scenes.drawables import Curve3D, Markers3D, Panel, Surface

VIEW = View(-2.0, 2.0, -1.5, 1.5)


@pytest.fixture(scope="module")
def computed():
    scene = get_scene("loss-surface")
    values = dict(scene.defaults(), resolution=20, arrows=0, steps=25, view="heat map + 3D", azimuth=40.0,
                  elevation=25.0)
    return scene, values, scene.compute(values, VIEW, numpy_backend())


def test_default_view_shows_the_heat_map_and_the_surface() -> None:
    scene = get_scene("loss-surface")
    assert scene.defaults()["view"] == "heat map + 3D"
    frame = scene.compute(dict(scene.defaults(), resolution=12, arrows=0, steps=5), VIEW, numpy_backend())
    assert [p.key for p in frame.panels] == ["surface3d", "loss"]
    assert frame.main_size > 0 and frame.panel("surface3d").kind == "3d"


def test_surface_heights_are_the_heat_maps_values_and_the_network_loss(computed) -> None:
    _, _, frame = computed
    heat = frame.drawable("surface")
    panel = frame.panel("surface3d")
    surface = panel.drawable("surface3d")
    assert isinstance(surface, Surface)
    assert surface.z is heat.values  # the same grid, not computed again
    assert (surface.x_range, surface.y_range) == (heat.x_range, heat.y_range)
    assert surface.limits() == heat.limits()
    np.testing.assert_array_equal(surface.contour_levels(), heat.contour_levels())
    net, data, plane = frame.extra["network"], frame.extra["data"], frame.extra["plane"]
    x, y = surface.centres()
    assert len(x) == surface.z.shape[1] and len(y) == surface.z.shape[0]
    rng = np.random.default_rng(7)
    for r, c in zip(rng.integers(0, len(y), 5), rng.integers(0, len(x), 5), strict=True):
        assert x[c] == pytest.approx(-2.0 + (c + 0.5) * 4.0 / len(x))
        assert y[r] == pytest.approx(-1.5 + (r + 0.5) * 3.0 / len(y))
        direct = float(loss(net, plane.theta(x[c], y[r]), data))
        assert surface.z[r, c] == pytest.approx(math.log10(direct), abs=1e-5)  # float32 grid


def test_paths_on_the_surface_stand_at_the_loss_along_them(computed) -> None:
    _, values, frame = computed
    net, data, plane = frame.extra["network"], frame.extra["data"], frame.extra["plane"]
    panel = frame.panel("surface3d")
    curves = [d for d in panel.drawables if isinstance(d, Curve3D)]
    assert {c.key for c in curves} == {f"path3d_{m}" for m in frame.extra["paths"]}
    for method, (points, _) in frame.extra["paths"].items():
        curve = panel.drawable(f"path3d_{method}")
        np.testing.assert_array_equal(curve.x, points[:, 0])
        np.testing.assert_array_equal(curve.y, points[:, 1])
        inside = (np.abs(points[:, 0]) <= 2.0) & (np.abs(points[:, 1]) <= 1.5)
        assert np.isnan(curve.z[~inside]).all()  # outside the window: left out
        for t in np.nonzero(inside)[0][:: max(1, int(inside.sum()) // 6)]:
            direct = float(loss(net, plane.theta(points[t, 0], points[t, 1]), data))
            assert curve.z[t] == pytest.approx(math.log10(direct), rel=1e-9, abs=1e-12)
    assert curves[0].z[0] == pytest.approx(math.log10(float(loss(net, plane.theta(values["u0"], values["v0"]), data))))


def test_markers_stand_at_their_losses_and_the_camera_angles_are_the_parameters(computed) -> None:
    _, values, frame = computed
    panel = frame.panel("surface3d")
    assert (panel.azimuth, panel.elevation) == (40.0, 25.0)
    assert panel.z_name == "log₁₀ L" and (panel.x_name, panel.y_name) == (frame.x_name, frame.y_name)
    u, v, lowest = frame.extra["minimum"]
    minimum = panel.drawable("minimum3d")
    assert isinstance(minimum, Markers3D)
    assert (minimum.x[0], minimum.y[0]) == (u, v)
    assert minimum.z[0] == pytest.approx(math.log10(lowest))
    assert minimum.z[0] == pytest.approx(np.nanmin(panel.drawable("surface3d").z), abs=1e-6)
    start = panel.drawable("start3d")
    assert (start.x[0], start.y[0]) == (values["u0"], values["v0"])


def test_views_choose_the_planes() -> None:
    scene = get_scene("loss-surface")
    base = dict(scene.defaults(), resolution=12, arrows=0, steps=5)
    only_map = scene.compute(dict(base, view="heat map"), VIEW, numpy_backend())
    assert [p.key for p in only_map.panels] == ["loss"] and only_map.main_size > 0
    only_surface = scene.compute(dict(base, view="3D surface"), VIEW, numpy_backend())
    assert [p.key for p in only_surface.panels] == ["surface3d", "loss"] and only_surface.main_size == 0
    assert only_surface.drawable("surface").values.shape == (12, 12)  # the grid the surface stands on


def test_view_and_camera_parameters_are_checked() -> None:
    state = get_scene("loss-surface").new_state()
    with pytest.raises(ParameterError, match="view must be one of"):
        state.set("view", "hologram")
    with pytest.raises(ParameterError):
        state.set("elevation", 95.0)
    with pytest.raises(ParameterError):
        state.set("azimuth", 400.0)
    with pytest.raises(ParameterError):
        state.set("azimuth", "north")
    state.set("azimuth", "-90")
    state.set("elevation", 90)
    assert (state["azimuth"], state["elevation"]) == (-90.0, 90.0)


def test_a_panel_is_two_or_three_dimensional() -> None:
    with pytest.raises(ValueError, match="'2d' or '3d'"):
        Panel("p", (), VIEW, kind="4d")
    assert Panel("p", (), VIEW).kind == "2d"


def test_surface_limits_fall_back_when_heights_are_flat_or_missing() -> None:
    flat = Surface("s", np.full((3, 3), 2.0), (0, 1), (0, 1))
    low, high = flat.limits()
    assert low == 2.0 and high > low
    empty = Surface("s", np.full((2, 2), np.nan), (0, 1), (0, 1))
    assert empty.limits()[1] > empty.limits()[0]
    assert Surface("s", np.zeros((2, 3)), (0, 3), (0, 1), contours=2).contour_levels().size == 2
