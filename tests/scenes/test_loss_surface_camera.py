"""Turning the loss surface's 3D camera reuses the computed surface; any other change recomputes."""

from __future__ import annotations

from derivlab.model import View
from derivlab.scenes import get_scene

VALUES = {"samples": 32, "hidden": 2, "resolution": 16, "arrows": 3, "steps": 10, "train_steps": 50}


def frame_for(scene, **changes):
    values = scene.new_state({**VALUES, **changes}).as_dict()
    return scene.compute(values, View(-2.0, 2.0, -2.0, 2.0))


def test_a_camera_turn_reuses_the_surface():
    scene = get_scene("loss-surface")
    first = frame_for(scene, azimuth=10.0, elevation=30.0)
    turned = frame_for(scene, azimuth=55.0, elevation=20.0)
    assert turned.drawable("surface") is first.drawable("surface")  # not computed again
    surface = turned.panel("surface3d")
    assert (surface.azimuth, surface.elevation) == (55.0, 20.0)
    assert first.panel("surface3d").azimuth == 10.0  # the earlier frame is left as it was
    assert turned.panel("loss") is first.panel("loss")


def test_any_other_change_recomputes():
    scene = get_scene("loss-surface")
    first = frame_for(scene, azimuth=10.0)
    other = frame_for(scene, azimuth=10.0, eta=0.25)
    assert other.drawable("surface") is not first.drawable("surface")
    assert other.panel("surface3d").azimuth == 10.0
