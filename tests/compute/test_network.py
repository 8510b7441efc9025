"""The sigmoid network: data presets, backpropagation against central differences,
training, filter-normalised directions, and the vector optimisers against the scalar ones."""

from __future__ import annotations

import math

import numpy as np
import pytest

from derivlab.compute import optimizers
from derivlab.compute.network import (
    DATA_PRESETS,
    Network,
    filter_normalized_directions,
    forward,
    loss,
    loss_and_gradient,
    make_data,
    optimize,
    sigmoid,
    softplus,
    train,
)

CASES = [
    ("regression", (8,), "mse"),
    ("regression", (3, 5), "mse"),
    ("circle", (8,), "cross-entropy"),
    ("xor", (4, 6), "cross-entropy"),
    ("moons", (6,), "mse"),
    ("spiral", (2, 3), "mse"),
    ("blobs", (1,), "cross-entropy"),
]


def network_for(preset: str, hidden: tuple[int, ...], loss_name: str, samples: int = 64):
    data = make_data(preset, samples, 0.1, 3)
    return Network(data.inputs, hidden, loss_name, data.task), data


@pytest.mark.parametrize("preset", DATA_PRESETS)
def test_presets_are_seeded_and_shaped(preset: str) -> None:
    a = make_data(preset, 101, 0.2, 5)
    b = make_data.__wrapped__(preset, 101, 0.2, 5)  # a fresh draw, not the cached object
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert a.x.shape == (101, 1 if preset == "regression" else 2)
    c = make_data(preset, 101, 0.2, 6)
    assert not np.array_equal(a.x, c.x)
    if preset != "regression":
        assert set(np.unique(a.y)) == {0.0, 1.0}
        assert 0.3 < a.y.mean() < 0.7


def test_noise_free_presets_follow_their_rules() -> None:
    reg = make_data("regression", 200, 0.0, 0)
    np.testing.assert_allclose(reg.y, np.sin(2 * reg.x[:, 0]) + reg.x[:, 0] / 2)
    xor = make_data("xor", 200, 0.0, 0)
    np.testing.assert_array_equal(xor.y, (xor.x[:, 0] * xor.x[:, 1] > 0).astype(float))
    circle = make_data("circle", 400, 0.0, 0)
    inside = np.hypot(*circle.x.T) < 1.5 * math.sqrt(2 / math.pi)
    np.testing.assert_array_equal(circle.y, inside.astype(float))


def test_sigmoid_and_softplus_are_stable() -> None:
    t = np.array([-800.0, -30.0, 0.0, 30.0, 800.0])
    # ½ + ½tanh(t/2): absolute error below one ulp of ½ (the tails lose relative accuracy, not absolute)
    np.testing.assert_allclose(sigmoid(t), 1 / (1 + np.exp(-np.clip(t, -700, 700))), rtol=0, atol=1.2e-16)
    with np.errstate(over="ignore"):
        expected = np.where(t < 700, np.log1p(np.exp(np.minimum(t, 700))), t)
    np.testing.assert_allclose(softplus(t), expected, rtol=1e-15)
    assert sigmoid(np.float32(1.0)).dtype == np.float32


def test_forward_matches_a_loop_over_samples() -> None:
    net, data = network_for("xor", (3, 2), "cross-entropy", 10)
    theta = net.initial(2)
    (w1, b1), (w2, b2), (v, c) = net.unpack(theta)
    z, _ = forward(net, theta, data.x)
    for n in range(10):
        h1 = 1 / (1 + np.exp(-(w1 @ data.x[n] + b1)))
        h2 = 1 / (1 + np.exp(-(w2 @ h1 + b2)))
        assert z[n] == pytest.approx(float(v[0] @ h2 + c[0]), rel=1e-13)
    p = 1 / (1 + np.exp(-z))
    ce = np.mean(-data.y * np.log(p) - (1 - data.y) * np.log(1 - p))
    assert float(loss(net, theta, data)) == pytest.approx(ce, rel=1e-12)


@pytest.mark.parametrize("preset,hidden,loss_name", CASES)
def test_backprop_equals_central_differences(preset: str, hidden: tuple[int, ...], loss_name: str) -> None:
    net, data = network_for(preset, hidden, loss_name)
    theta = net.initial(1)
    value, grad = loss_and_gradient(net, theta, data)
    assert float(value) == pytest.approx(float(loss(net, theta, data)), rel=1e-14)
    h = 1e-6
    eye = np.eye(net.size)
    central = (loss(net, theta + h * eye, data) - loss(net, theta - h * eye, data)) / (2 * h)
    np.testing.assert_allclose(grad, central, rtol=1e-6, atol=1e-9)


def test_batched_gradient_equals_one_at_a_time() -> None:
    net, data = network_for("moons", (4, 3), "cross-entropy")
    thetas = np.stack([net.initial(s) for s in range(5)]).reshape(5, 1, net.size)
    values, grads = loss_and_gradient(net, thetas, data)
    assert values.shape == (5, 1) and grads.shape == (5, 1, net.size)
    for s in range(5):
        v, g = loss_and_gradient(net, net.initial(s), data)
        np.testing.assert_allclose(grads[s, 0], g, rtol=1e-13, atol=1e-16)
        assert values[s, 0] == pytest.approx(float(v), rel=1e-14)


def test_parameter_names_and_layout() -> None:
    net = Network(2, (3,), "mse", "classification")
    names = net.parameter_names()
    assert net.size == 3 * 2 + 3 + 3 + 1 == len(names)
    assert names[:3] == ["w₁₁", "w₁₂", "w₂₁"] and names[6] == "b₁" and names[9] == "v₁" and names[-1] == "c"
    assert net.layer_of(5) == (0, "weight", 2, 1)
    assert net.layer_of(8) == (0, "bias", 2, -1)
    assert net.layer_of(12) == (1, "bias", 0, -1)
    deep = Network(1, (2, 2), "mse", "regression")
    assert deep.parameter_names()[:2] == ["w⁽¹⁾₁₁", "w⁽¹⁾₂₁"]


def test_bad_networks_refused() -> None:
    with pytest.raises(ValueError):
        Network(3, (4,))
    with pytest.raises(ValueError):
        Network(2, (33,))
    with pytest.raises(ValueError):
        Network(2, (4, 4, 4))
    with pytest.raises(ValueError, match="cross-entropy"):
        Network(1, (4,), "cross-entropy", "regression")


def test_training_lowers_the_loss_to_a_critical_point() -> None:
    net, data = network_for("circle", (8,), "cross-entropy", 128)
    start = float(loss(net, net.initial(0), data))
    theta = train(net, data, 3000, 0.05, 0)
    value, grad = loss_and_gradient(net, theta, data)
    assert float(value) < 0.2 * start
    assert np.abs(grad).max() < 1e-3
    assert train(net, data, 3000, 0.05, 0) is theta  # cached


def test_filter_normalised_directions() -> None:
    net = Network(2, (5, 4), "mse", "classification")
    theta = net.initial(4)
    d1, d2 = filter_normalized_directions(net, theta, 9)
    assert not np.allclose(d1, d2)
    for d in (d1, d2):
        for w, b, (n_out, n_in) in net.layer_slices():
            rows, target = d[w].reshape(n_out, n_in), theta[w].reshape(n_out, n_in)
            np.testing.assert_allclose(np.linalg.norm(rows, axis=1), np.linalg.norm(target, axis=1), rtol=1e-12)
            assert np.all(d[b] == 0)
    np.testing.assert_array_equal(filter_normalized_directions(net, theta, 9)[0], d1)


@pytest.mark.parametrize("method", ["gradient descent", "momentum", "adam"])
def test_vector_optimisers_equal_the_scalar_ones_coordinatewise(method: str) -> None:
    """On a separable loss each coordinate follows derivlab.compute.optimizers exactly."""
    curv = np.array([1.0, 4.0, 0.3])
    centre = np.array([0.5, -1.0, 2.0])

    def grad(theta: np.ndarray) -> np.ndarray:
        return curv * (theta - centre)

    start = np.array([2.0, 1.0, -1.0])
    path = optimize(grad, start, method, 0.1, 25, beta=0.8, beta1=0.85, beta2=0.99)
    for k in range(3):
        g = lambda t, k=k: curv[k] * (t - centre[k])  # noqa: E731
        if method == "gradient descent":
            expected = optimizers.gradient_descent(g, start[k], 0.1, 25)
        elif method == "momentum":
            expected = optimizers.momentum(g, start[k], 0.1, 0.8, 25)
        else:
            expected = optimizers.adam(g, start[k], 0.1, 0.85, 0.99, 25)
        np.testing.assert_allclose(path[:, k], expected, rtol=1e-13, atol=1e-15)


def test_optimiser_marks_divergence_with_nan() -> None:
    path = optimize(lambda t: 10.0 * t, np.array([[1.0, 1.0], [1e-3, 0.0]]), "gradient descent", 1.0, 40, bound=1e6)
    assert np.isnan(path[-1, 0]).all()
    assert np.isfinite(path[:3, 0]).all()
    assert np.isnan(path[-1, 1]).all()  # |1 − 10| = 9 per step: diverges too, later


def test_optimisers_in_lockstep_equal_separate_runs() -> None:
    curv = np.array([1.0, 4.0])

    def grad(theta: np.ndarray) -> np.ndarray:
        return curv * theta + 0.3 * np.sin(theta)

    start = np.array([[2.0, -1.0]] * 3)
    methods = ("gradient descent", "momentum", "adam")
    together = optimize(grad, start, methods, 0.2, 30)
    for k, method in enumerate(methods):
        alone = optimize(grad, start[k], method, 0.2, 30)
        np.testing.assert_array_equal(together[:, k], alone)
