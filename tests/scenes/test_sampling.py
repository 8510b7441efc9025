"""Curves sampled across the view: values, and the same curve handed out again while only a point moves."""

from __future__ import annotations

import numpy as np
import pytest

from derivlab.model import View
from derivlab.scenes import get_scene, sampling
from derivlab.scenes.base import typed_function
from derivlab.scenes.sampling import sample_curve


def test_samples_are_the_function_on_the_view():
    f = typed_function("x^3 - 3x")
    view = View(-2.5, 2.5, -4, 4).with_pixels(800)
    x, y = sample_curve(f, view)
    assert len(x) == sampling.sample_count(view) and x[0] < -2.5 < 2.5 < x[-1]
    assert np.allclose(y, x**3 - 3 * x)
    _, dy = sample_curve(f, view, order=1)
    assert np.allclose(dy, 3 * x**2 - 3)


def test_the_same_curve_is_kept_read_only_and_a_new_view_samples_again():
    f = typed_function("sin(3x) + x")
    view = View(-3, 3, -4, 4).with_pixels(640)
    x, y = sample_curve(f, view)
    again = sample_curve(typed_function("sin(3x) + x"), view)
    assert again[0] is x and again[1] is y
    with pytest.raises(ValueError):
        y[0] = 0.0  # shared with every caller: never changed in place
    moved = sample_curve(f, View(-2, 4, -4, 4).with_pixels(640))
    assert moved[0] is not x and moved[0][0] > x[0]
    assert np.allclose(moved[1], np.sin(3 * moved[0]) + moved[0])


def test_only_the_last_curves_are_kept():
    f = typed_function("x^2")
    views = [View(-1 - k, 1 + k, -1, 1).with_pixels(100) for k in range(sampling.KEPT_CURVES + 3)]
    first = sample_curve(f, views[0])
    for view in views[1:]:
        sample_curve(f, view)
    assert len(sampling._kept) <= sampling.KEPT_CURVES
    assert sample_curve(f, views[0])[0] is not first[0]  # pushed out, sampled again


def test_a_secant_animation_samples_the_curve_once():
    scene = get_scene("secant")
    view = View(-2.5, 2.5, -4, 4).with_pixels(960)
    frames = [scene.compute({**scene.defaults(), "f": "x^3 - 3x", "h": h}, view) for h in (1.0, 0.5, 0.1)]
    curves = [next(d for d in frame.drawables if d.key == "curve") for frame in frames]
    assert curves[0].x is curves[1].x is curves[2].x
