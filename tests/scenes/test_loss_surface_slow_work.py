"""The loss surface names the work a first picture must wait for: training θ*, long optimiser runs."""

import pytest

from derivlab.scenes import get_scene
from derivlab.scenes import loss_surface as ls


@pytest.fixture
def scene():
    return get_scene("loss-surface")


def small(**changes):
    """Values of a quick network (seeds far from the defaults, so nothing here is cached yet)."""
    values = {**get_scene("loss-surface").defaults(), "samples": 32, "hidden": 3, "train_steps": 700, "steps": 20}
    return {**values, **changes}


def test_untrained_values_are_slow_until_prepared(scene):
    values = small(seed=8101)
    sentence = scene.slow_work(values)
    net, data, _ = ls.network_for(values)
    assert sentence == "Training the 2-3-1 network (1000 steps) …"
    scene.prepare(values)
    assert scene.slow_work(values) == ""
    misses = ls.training_path.cache_info().misses
    scene.compute(values, scene.default_view)  # no more training: θ* is the one prepare trained
    assert ls.training_path.cache_info().misses == misses
    # every train_steps in the same 500-step prefix is served by that training
    assert scene.slow_work({**values, "train_steps": 501}) == ""
    assert scene.slow_work({**values, "train_steps": 1001}) == "Training the 2-3-1 network (1500 steps) …"


def test_long_optimiser_runs_are_slow_until_prepared(scene, monkeypatch):
    values = small(seed=8102)
    scene.prepare(values)
    moved = {**values, "u0": 0.25}
    assert scene.slow_work(moved) == ""  # 32 samples × 9 multiply-adds × 20 steps × 3: quick
    work = 32 * (2 * 3 + 3 * 1) * 20 * 3
    monkeypatch.setattr(type(scene), "SLOW_PATHS_WORK", work - 1)
    assert scene.slow_work(moved) == "Running the optimisers (20 steps) …"
    assert scene.slow_work({**moved, "optimizer": "adam"}) == ""  # a third of the work
    scene.prepare(moved)
    assert scene.slow_work(moved) == ""


def test_only_the_newest_preparations_are_trusted_to_be_cached(scene):
    first = small(seed=8103)
    scene.prepare(first)
    for seed in range(8104, 8108):  # four more trainings push the first out of the record
        scene.prepare(small(seed=seed))
    assert scene.slow_work(first).startswith("Training")
    assert len(scene._prepared_trainings) < ls.training_path.cache_info().maxsize


def test_a_coarse_frame_too_costly_for_the_ui_is_slow_work_every_time(scene, monkeypatch):
    values = small(seed=8108)
    scene.prepare(values)
    assert scene.slow_work(values) == ""
    monkeypatch.setattr(type(scene), "SLOW_COARSE_FRAMES", 0.0)  # any grid and arrows cost more than this
    sentence = "Computing the surface (32 samples) …"
    assert scene.slow_work(values) == sentence
    scene.prepare(values)  # nothing to cache: the frame itself is the work
    assert scene.slow_work(values) == sentence
    assert scene.slow_work({**values, "arrows": 0, "resolution": 8}) == sentence


def test_more_samples_make_the_coarse_frame_slow_work(scene, monkeypatch):
    values = small(seed=8109)
    scene.prepare(values)
    cost = ls.sample_cost(*_net_and_plane(values))
    # the grid alone at 8² cells is worth 64 · samples · cost / NUMPY_WORK frames
    monkeypatch.setattr(type(scene), "SLOW_COARSE_FRAMES", 64 * 32 * cost / ls.NUMPY_WORK * 1.01)
    assert scene.slow_work({**values, "arrows": 0, "resolution": 8}) == ""
    monkeypatch.setattr(type(scene), "SLOW_COARSE_FRAMES", 64 * 32 * cost / ls.NUMPY_WORK * 0.99)
    assert scene.slow_work({**values, "arrows": 0, "resolution": 8}).startswith("Computing the surface")


def _net_and_plane(values):
    net, data, _ = ls.network_for(values)
    theta = ls.trained_weights(net, data, int(values["seed"]), int(values["train_steps"]))
    return net, ls.plane_for(values, net, theta)
