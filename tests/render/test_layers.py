"""Frames drawn with the unchanged bottom layers kept as a picture equal frames drawn whole."""

from __future__ import annotations

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.scenes import get_scene

SIZE = (640, 360)

# (scene, values, view, changes frame by frame): each change is a dict of values or a View
CASES = {
    "secant h to 0": ("secant", {"f": "x^3 - 3x", "a": 1.3}, View(-2.5, 2.5, -4, 4),
                      [{"h": 2.0 * 0.0005 ** (i / 11)} for i in range(12)]),
    "secant, a pan in between": ("secant", {"f": "sin(x)", "a": 0.5}, View(-3, 3, -2, 2),
                                 [{"h": 1.0}, {"h": 0.5}, View(-2, 4, -2, 2), {"h": 0.25}, {"h": 0.1}, {"a": 1.0},
                                  {"h": 0.05}]),
    "taylor order": ("taylor", {}, None, [{"n": n} for n in (1, 2, 3, 4, 5, 4)]),
    # the point runs under the readouts in the top left: they go to the bottom left and stay there when it leaves
    "secant, the readouts change corner": ("secant", {"f": "-1.5x", "a": 0.0, "h": 0.1}, View(-2.5, 2.5, -4, 4),
                                           [{"a": a} for a in (-1.0, -2.2, -2.2, -1.0, 0.5)]),
    "gradient descent steps": ("gradient-descent", {}, None, [{"steps": n} for n in (5, 10, 15, 20, 25)]),
    "numerical differentiation (panels)": ("numerical-differentiation", {}, None,
                                           [{"h": 10.0 ** -k} for k in (1, 2, 3, 4, 5, 6)]),
    # a 3D plane: its box and ticks test depth (through the visuals a Line is made of); repeated
    # frames (an integer parameter held) must still draw them under the surface, not from a picture
    "3D loss surface, repeated frames": ("loss-surface", {"view": "3D surface", "samples": 32, "hidden": 2,
                                                          "resolution": 16, "arrows": 3, "steps": 10,
                                                          "train_steps": 50}, None,
                                         [{"steps": 10}, {"steps": 11}, {"steps": 11}, {"azimuth": 20.0},
                                          {"azimuth": 20.0}, {"eta": 0.3}]),
}


def renderer(name, values, view, keep):
    r = OffscreenRenderer(get_scene(name), SIZE, values=values, view=view)
    if keep:
        r.canvas.keep_unchanged_layers()
    return r


@pytest.mark.parametrize("case", list(CASES))
def test_kept_layers_give_the_same_bytes(case):
    name, values, view, changes = CASES[case]
    whole, kept = renderer(name, values, view, False), renderer(name, values, view, True)
    used = 0
    try:
        for i, change in enumerate([{}] + changes):
            for r in (whole, kept):
                if isinstance(change, View):
                    r.canvas.set_view(change)
                elif change:
                    r.presenter.state.update(change)  # (raises on a parameter the scene does not have)
            expected, got = whole.render(), kept.render()
            assert np.array_equal(expected, got), (
                f"{case}, frame {i}: {int((expected != got).any(axis=2).sum())} pixels differ")
            used += kept.canvas._layers.kept > 0
    finally:
        whole.close()
        kept.close()
    if case.startswith("secant h"):
        # h → 0 changes only the top layers: after the first frames the grid, axes and curve are copied
        assert used >= len(changes) - 2


@pytest.mark.parametrize("name", ["secant", "taylor", "loss-surface", "numerical-differentiation"])
def test_an_unchanged_frame_is_copied_whole(name):
    # regions (Fill) and heat maps are not marked changed when they are not: a frame drawn
    # again without a change copies every node from the picture
    values = {"view": "heat map", "samples": 32, "resolution": 16, "train_steps": 50} if name == "loss-surface" else {}
    r = renderer(name, values, None, True)
    try:
        for _ in range(3):
            r.presenter.refresh()
            r.render()
        drawn = len(r.canvas._layers._drawn_nodes())
        assert r.canvas._layers.kept == drawn
    finally:
        r.close()


def test_a_theme_change_redraws_everything():
    name, values, view, changes = CASES["secant h to 0"]
    whole, kept = renderer(name, values, view, False), renderer(name, values, view, True)
    try:
        for r in (whole, kept):
            for change in changes[:4]:
                r.presenter.set_values(change)
                r.render()
            r.canvas.set_theme("dark")
        expected, got = whole.render(), kept.render()
        assert np.array_equal(expected, got)
        assert tuple(got[0, 0, :3]) != (255, 255, 255)  # the dark background, not the kept light one
    finally:
        whole.close()
        kept.close()


def test_no_kept_layers_after_turning_it_off():
    name, values, view, changes = CASES["secant h to 0"]
    whole, kept = renderer(name, values, view, False), renderer(name, values, view, True)
    try:
        for change in changes[:3]:
            for r in (whole, kept):
                r.presenter.set_values(change)
                r.render()
        kept.canvas.keep_unchanged_layers(False)
        assert kept.canvas._layers is None
        for r in (whole, kept):
            r.presenter.set_values(changes[4])
        assert np.array_equal(whole.render(), kept.render())
    finally:
        whole.close()
        kept.close()


def test_a_drawn_frame_reads_back_unchanged_by_later_updates():
    # an animation computes frame i + 1 while the GL draws frame i: reading frame i must not see it
    name, values, view, _ = CASES["secant h to 0"]
    r = renderer(name, {**values, "h": 1.0}, view, True)
    try:
        first = np.ascontiguousarray(r.render())
        r.canvas.draw_offscreen()
        r.presenter.set_values({"h": 0.3})
        assert np.array_equal(r.canvas.read_offscreen(), first)
        second = r.render()
        assert not np.array_equal(second, first)
        r.presenter.set_values({"h": 1.0})
        assert np.array_equal(r.render(), first)
    finally:
        r.close()


@pytest.mark.parametrize(("name", "values", "clears_depth"), [
    ("secant", {"f": "x^3 - 3x", "a": 1.3}, False),
    ("loss-surface", {"view": "3D surface", "samples": 32, "hidden": 2, "resolution": 16, "arrows": 3,
                      "steps": 10, "train_steps": 50}, True),
])
def test_depth_is_cleared_only_for_nodes_that_test_it(name, values, clears_depth):
    # clearing depth writes every pixel of the depth buffer: a flat picture skips it, a 3D one needs it
    r = renderer(name, values, None, True)
    calls = []
    try:
        r.render()
        r.presenter.set_values({"steps": 12} if name == "loss-surface" else {"h": 0.7})
        r.render()  # the unchanged layers are kept as a picture from here on
        clear = r.canvas.canvas.context.clear
        r.canvas.canvas.context.clear = lambda *a, **k: (calls.append(k.get("depth")), clear(*a, **k))[1]
        r.presenter.set_values({"steps": 11} if name == "loss-surface" else {"h": 0.5})
        r.render()
        assert calls == [clears_depth]
    finally:
        r.close()
