"""Weierstrass scene against closed forms, with numpy alone."""

from __future__ import annotations

import math

import numpy as np
import pytest

from derivlab.compute.backend import numpy_backend
from derivlab.expr.weierstrass import weierstrass_numpy
from derivlab.model import View
from derivlab.scenes import get_scene
from derivlab.scenes.weierstrass import difference_quotients, envelope_polyline, holder_exponent


def frame(view: View | None = None, samples: int | None = None, **values):
    scene = get_scene("weierstrass")
    v = scene.defaults() | values
    return scene.compute(v, view or scene.default_view.with_pixels(400), numpy_backend(), samples)


def test_holder_exponent_of_the_presets() -> None:
    assert holder_exponent(0.5, 3.0) == pytest.approx(math.log(2) / math.log(3))
    assert holder_exponent(0.9, 7.0) == pytest.approx(0.054144, abs=1e-6)


def test_value_at_zero_is_a_geometric_sum() -> None:
    """W_N(0) = Σ aⁿ = (1 − aᴺ)/(1 − a); the secant to h has slope (W(h) − W(0))/h."""
    f = frame(x0=0.0, a=0.5, b=3.0, N=20, h=0.25)
    assert f.extra["W_x0"] == pytest.approx((1 - 0.5**20) / 0.5, abs=1e-14)
    assert f.x_name == "x"
    # W_N(1/4) for b = 3: 3ⁿ ≡ 1 or 3 (mod 8), so cos(3ⁿπ/4) = +√2/2 for even n, −√2/2 for odd n
    w = math.sqrt(2) / 2 * sum((-0.5) ** n for n in range(20))
    assert f.extra["W_x0_plus_h"] == pytest.approx(w, abs=1e-14)
    secant = f.drawable("secant")
    slope = (secant.y[1] - secant.y[0]) / (secant.x[1] - secant.x[0])
    assert slope == pytest.approx((w - (1 - 0.5**20) / 0.5) / 0.25, rel=1e-12)


def test_envelope_contains_the_column_starts_and_the_partial_sums() -> None:
    view = View(-1.0, 1.0, -3, 3, pixels=300)
    f = frame(view, x0=0.3, a=0.5, b=3.0, N=12)
    env = f.extra["envelope"]
    assert env.grid.checkpoints == (1, 2, 3, 4, 12)
    starts = env.grid.column_starts()[:-1]
    x = env.grid.x_of(starts)
    w = weierstrass_numpy(x, 0.5, 3.0, 12)
    # x_of rounds the grid point to a double: allow |W′|·ulp
    assert np.all(env.lower[-1] <= w + 1e-11) and np.all(w <= env.upper[-1] + 1e-11)
    # W_1 = cos(πx) is smooth: its envelope is its value within one column's change
    cos = np.cos(np.pi * x)
    assert np.all(np.abs(env.lower[0] - cos) <= np.pi * view.width / 300 + 1e-12)
    keys = {d.key for d in f.drawables}
    assert {"partial_1", "partial_2", "partial_3", "partial_4", "weierstrass", "secant"} <= keys
    assert f.x_name == "x − x₀"


def test_polyline_zigzags_through_min_and_max() -> None:
    x, y = envelope_polyline(np.array([0.0, 1.0, 2.0]), np.array([-1.0, -2.0, -3.0]), np.array([1.0, 2.0, 3.0]))
    assert x.tolist() == [0, 0, 1, 1, 2, 2]
    assert y.tolist() == [-1, 1, 2, -2, -3, 3]


def test_deep_zoom_is_finite_and_coarse_pass_is_cheap() -> None:
    view = View(-5e-13, 5e-13, -3, 3, pixels=1920)
    f = frame(view, samples=1, x0=0.3, a=0.9, b=7.0, N=40)
    env = f.extra["envelope"]
    assert f.extra["samples_per_column"] == 1 and env.lower.shape == (5, 1920)
    assert np.all(np.isfinite(env.lower)) and np.all(env.lower <= env.upper)
    # at width 10⁻¹², W still changes: the curve is rough at every scale (α ≈ 0.054)
    assert env.upper[-1].max() - env.lower[-1].min() > 0.05
    assert f.message == ""


def test_non_integer_b_says_where_precision_runs_out() -> None:
    f = frame(a=0.9, b=7.5, N=40)
    assert "beyond n ≈" in f.message and "terms are not drawn" in f.message
    assert f.extra["envelope"].grid.terms < 40


def test_slopes_grow_like_h_to_alpha_minus_one() -> None:
    """For a = 0.5, b = 3, N = 60 the quotients follow h^(α−1) (slope ≈ −0.37 in log-log)."""
    steps = np.logspace(-1, -10, 60)
    h, q = difference_quotients(0.3, steps, 0.5, 3.0, 60)
    slope = np.polyfit(np.log10(h), np.log10(q), 1)[0]
    assert slope == pytest.approx(holder_exponent(0.5, 3.0) - 1, abs=0.12)
    assert q[-1] > 100 * q[0]  # they blow up instead of converging


def test_finite_n_quotients_settle_at_the_partial_sum_slope() -> None:
    """W_5 is smooth: for h ≪ 1/(π·3⁴) the quotient is |W_5′(x₀)|."""
    h, q = difference_quotients(0.3, np.array([1e-9]), 0.5, 3.0, 5)
    slope = abs(float(weierstrass_numpy(np.array([0.3]), 0.5, 3.0, 5, order=1)[0]))
    assert q[0] == pytest.approx(slope, rel=1e-6)


def test_slopes_panel() -> None:
    f = frame(a=0.5, b=3.0, N=40)
    panel = f.panel("slopes")
    assert panel.x_log and panel.y_log
    reference = panel.drawable("reference")
    assert (reference.y[1] - reference.y[0]) / (reference.x[1] - reference.x[0]) == pytest.approx(
        holder_exponent(0.5, 3.0) - 1
    )
    marker = panel.drawable("current_h")
    assert marker.x[0] == pytest.approx(math.log10(0.05))


def test_presets_link_a_and_b() -> None:
    scene = get_scene("weierstrass")
    values = scene.defaults() | {"preset": "a = 0.9, b = 7"}
    assert scene.linked_values({"preset": "a = 0.9, b = 7"}, values) == {"a": 0.9, "b": 7.0}
    values = values | {"a": 0.8, "b": 7.0}
    assert scene.linked_values({"a": 0.8}, values) == {"preset": "custom"}
