"""loss-surface scene: the heat map is log₁₀ of the network's loss at the cell centres, the
marked minimum is the grid's, arrows are −∇L (checked by central differences), and the
optimisers start where asked and take the textbook first step."""

from __future__ import annotations

import math

import numpy as np
import pytest

from derivlab.compute.backend import numpy_backend
from derivlab.compute.network import loss
from derivlab.model import View
from derivlab.scenes import get_scene

VIEW = View(-2.0, 2.0, -1.5, 1.5)


@pytest.fixture(scope="module")
def frame():
    scene = get_scene("loss-surface")
    values = dict(scene.defaults(), resolution=24, arrows=5, steps=30)
    return scene, values, scene.compute(values, VIEW, numpy_backend())


def test_heat_map_is_log_loss_at_cell_centres(frame) -> None:
    _, _, f = frame
    heat = f.drawable("surface")
    net, data, plane = f.extra["network"], f.extra["data"], f.extra["plane"]
    assert heat.values.shape == (24, 24) and heat.x_range == (-2.0, 2.0) and heat.y_range == (-1.5, 1.5)
    for r, c in [(0, 0), (5, 17), (23, 23), (12, 3)]:
        u = -2.0 + (c + 0.5) * 4.0 / 24
        v = -1.5 + (r + 0.5) * 3.0 / 24
        direct = float(loss(net, plane.theta(u, v), data))
        assert heat.values[r, c] == pytest.approx(math.log10(direct), abs=1e-5)  # float32 grid


def test_minimum_marker_is_the_grid_minimum(frame) -> None:
    _, _, f = frame
    losses = f.extra["surface"].values
    r, c = np.unravel_index(np.argmin(losses), losses.shape)
    marker = f.drawable("minimum")
    assert (marker.x[0], marker.y[0]) == pytest.approx((f.extra["surface"].u[c], f.extra["surface"].v[r]))
    # the trained weights are near the minimum of their own slice
    assert abs(marker.x[0]) < 0.2 and abs(marker.y[0]) < 0.2


def test_arrows_point_down_the_gradient(frame) -> None:
    _, _, f = frame
    net, data, plane = f.extra["network"], f.extra["data"], f.extra["plane"]
    arrows = f.drawable("arrows")
    x, y = arrows.x.reshape(-1, 7), arrows.y.reshape(-1, 7)
    assert len(x) == 25
    h = 1e-6
    for k in (0, 7, 18):
        u, v = x[k, 0], y[k, 0]
        gu = (loss(net, plane.theta(u + h, v), data) - loss(net, plane.theta(u - h, v), data)) / (2 * h)
        gv = (loss(net, plane.theta(u, v + h), data) - loss(net, plane.theta(u, v - h), data)) / (2 * h)
        dx, dy = x[k, 1] - u, y[k, 1] - v
        # parallel to −∇L: zero cross product, positive dot product
        assert abs(dx * gv - dy * gu) <= 1e-6 * math.hypot(dx, dy) * math.hypot(gu, gv)
        assert dx * gu + dy * gv < 0


def test_paths_start_at_the_start_and_step_down(frame) -> None:
    _, values, f = frame
    net, data, plane = f.extra["network"], f.extra["data"], f.extra["plane"]
    u0, v0, eta = values["u0"], values["v0"], values["eta"]
    h = 1e-6
    gu = (loss(net, plane.theta(u0 + h, v0), data) - loss(net, plane.theta(u0 - h, v0), data)) / (2 * h)
    gv = (loss(net, plane.theta(u0, v0 + h), data) - loss(net, plane.theta(u0, v0 - h), data)) / (2 * h)
    for method in ("gradient descent", "momentum"):
        points, losses = f.extra["paths"][method]
        assert tuple(points[0]) == (u0, v0)
        assert points[1] == pytest.approx((u0 - eta * gu, v0 - eta * gv), rel=1e-6)  # m₁ = ∇L: same first step
        assert losses[-1] < losses[0]
    adam_points, _ = f.extra["paths"]["adam"]
    # Adam's first step is η·g/(|g| + ε) per coordinate (m̂ = g, √ŝ = |g|), ε = 10⁻⁸
    expected = (u0 - eta * gu / (abs(gu) + 1e-8), v0 - eta * gv / (abs(gv) + 1e-8))
    assert adam_points[1] == pytest.approx(expected, rel=1e-5)
    panel = f.panel("loss")
    assert panel.y_log and {d.key for d in panel.drawables} == {"loss_gradient descent", "loss_momentum", "loss_adam"}


def test_random_directions_and_names(frame) -> None:
    scene, values, _ = frame
    f = scene.compute(dict(values, plane="random directions"), VIEW, numpy_backend())
    assert f.x_name == "α" and f.y_name == "β" and "filter-normalised" in f.caption
    g = scene.compute(dict(values, first=1, second=34), VIEW, numpy_backend())  # 34 wraps to 1 → j = 2
    assert (g.x_name, g.y_name) == ("Δw₁₁", "Δw₁₂")


def test_regression_uses_mean_squared_error(frame) -> None:
    scene, values, _ = frame
    assert scene.linked_values({"data": "regression"}, dict(values, data="regression")) == {"loss": "mse"}
    f = scene.compute(dict(values, data="regression", loss="cross-entropy"), VIEW, numpy_backend())
    assert f.extra["network"].loss == "mse" and "mean squared error" in f.message


def test_two_hidden_layers_and_training_animation(frame) -> None:
    scene, values, _ = frame
    f = scene.compute(dict(values, hidden=4, hidden2=3, train_steps=200, first=3, second=40), VIEW, numpy_backend())
    assert f.extra["network"].sizes == (2, 4, 3, 1)
    assert np.isfinite(f.drawable("surface").values).all()
    assert scene.animations()["train"]["parameter"] == "train_steps"
