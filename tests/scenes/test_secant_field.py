"""secant-field scene: the error grid of difference quotients against closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from derivlab.scenes import get_scene, typed_function
from derivlab.scenes.secant_field import (
    best_step_per_column,
    predicted_best_step,
    secant_field,
    step_rows,
)

SCENE = get_scene("secant-field")
EPS64 = float(np.finfo(np.float64).eps)


def test_x_squared_central_is_exact_and_forward_error_is_h():
    f = typed_function("x^2")
    a = np.linspace(-2.0, 2.0, 41)
    h = np.concatenate([-step_rows(161)[::-1], step_rows(161)])
    central = secant_field(f, a, h, "central", np.float64)["error"]
    forward = secant_field(f, a, h, "forward", np.float64)["error"]
    # ((a+h)² − (a−h)²)/(2h) = 2a exactly: only round-off, bounded by ~ε(|a| + |h|)²/|h|.
    bound = 8 * EPS64 * (np.abs(a)[None, :] + np.abs(h)[:, None]) ** 2 / np.abs(h)[:, None]
    assert np.all(central <= bound + 1e-300)
    # ((a+h)² − a²)/h = 2a + h: the error is |h|, up to the same round-off.
    assert np.all(np.abs(forward - np.abs(h)[:, None]) <= bound + 1e-300)
    # With a = 1 and h = 2⁻ᵏ every operation is exact: error 0 and exactly h.
    steps = 2.0 ** -np.arange(1, 27)
    exact_c = secant_field(f, np.array([1.0]), steps, "central", np.float64)["error"][:, 0]
    exact_f = secant_field(f, np.array([1.0]), steps, "forward", np.float64)["error"][:, 0]
    assert np.all(exact_c == 0.0)
    assert np.array_equal(exact_f, steps)


def test_sin_at_one_central_valley_near_six_micro_in_float64():
    f = typed_function("sin(x)")
    h = step_rows(161)
    field = secant_field(f, np.array([1.0]), h, "central", np.float64)
    best = best_step_per_column(h, field["error"])[0]
    assert 6e-7 <= best <= 6e-5
    assert predicted_best_step(f, np.array([1.0]), "central", EPS64)[0] == pytest.approx(
        (3 * EPS64 * np.sin(1.0) / np.cos(1.0)) ** (1 / 3), rel=1e-12)
    # Far above the valley the central error is the truncation h²|f‴(a)|/6.
    big = (h >= 1e-3) & (h <= 0.1)
    assert field["error"][big, 0] == pytest.approx((h[big] ** 2 * np.cos(1.0) / 6), rel=1e-3)
    # Forward in float64 bottoms out near ε^(1/2); central in float32 near ε₃₂^(1/3).
    fwd = best_step_per_column(h, secant_field(f, np.array([1.0]), h, "forward", np.float64)["error"])[0]
    assert 1e-9 <= fwd <= 1e-7
    f32 = best_step_per_column(h, secant_field(f, np.array([1.0]), h, "central", np.float32)["error"])[0]
    assert 3e-4 <= f32 <= 3e-2


@pytest.mark.parametrize("text", ["|x|", "relu(x)"])
def test_the_column_at_the_kink_never_converges(text):
    f = typed_function(text)
    a = np.linspace(-1.0, 1.0, 201)  # a = 0 is a column
    kink = 100
    assert a[kink] == 0.0
    h = np.concatenate([-step_rows(161)[::-1], step_rows(161)])
    field = secant_field(f, a, h, "forward", np.float64)
    # f′(0) does not exist: the kink's column has no error that could shrink...
    assert np.isnan(field["exact"][kink]) and np.all(np.isnan(field["error"][:, kink]))
    # ... and its quotients never settle: one value for h > 0, another for h < 0, at every h.
    right, left = (1.0, -1.0) if text == "|x|" else (1.0, 0.0)
    assert np.all(field["quotient"][h > 0, kink] == right)
    assert np.all(field["quotient"][h < 0, kink] == left)
    # Beside the kink, a column converges only once |h| is below its distance to the kink.
    for j in (kink - 3, kink - 1, kink + 1, kink + 5):
        crossing = (h * np.sign(a[j]) < 0) & (np.abs(h) > 2 * abs(a[j]))
        assert np.all(field["error"][crossing, j] >= 0.5)
        near = np.abs(h) < abs(a[j]) / 2
        assert np.all(field["error"][near & (np.abs(h) > 1e-6), j] < 1e-9)


def test_scene_frame_has_two_heat_panels_and_readouts():
    values = SCENE.defaults()
    frame = SCENE.compute(values, SCENE.default_view)
    assert [p.key for p in frame.panels] == ["positive", "negative"]
    assert all(p.y_log for p in frame.panels)
    field = frame.extra["field"]
    rows = frame.extra["rows"]
    assert field["log_error"].shape == (2 * rows, frame.extra["a"].size)
    # Central quotients do not depend on the sign of h.
    assert np.array_equal(field["quotient"][rows:], field["quotient"][:rows][::-1])
    readouts = {r.symbol: r for r in frame.readouts}
    assert readouts["backend"].text == "numpy"
    assert 6e-7 <= readouts["median best h"].value <= 6e-5
    assert frame.tables[0].columns[0] == "a"


def test_presets_set_f_and_typing_makes_it_custom():
    values = SCENE.defaults()
    values["preset"] = "|x|"
    assert SCENE.linked_values({"preset": "|x|"}, values) == {"f": "|x|"}
    values["f"] = "x^3"
    assert SCENE.linked_values({"f": "x^3"}, values) == {"preset": "custom"}
    values.update(preset="|x|", f="|x|")
    frame = SCENE.compute(values, SCENE.default_view)
    assert "undefined" in frame.message


def test_benchmark_rows_per_backend_and_dtype():
    from derivlab.compute.backend import numpy_backend
    from derivlab.scenes.secant_field import benchmark_rows, format_benchmark_rows

    rows = benchmark_rows(numpy_backend(), quick=True, repeats=1)
    assert [(r["backend"], r["dtype"]) for r in rows] == [("numpy", "float32"), ("numpy", "float64")]
    assert all(r["cells"] == 240 * 322 and r["cells_per_second"] > 0 for r in rows)
    assert "cells/s" in format_benchmark_rows(rows)
