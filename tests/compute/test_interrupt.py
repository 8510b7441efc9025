"""Long loops stop where asked (derivlab.compute.interrupt) and only there."""

import numpy as np
import pytest

from derivlab.compute.interrupt import Interrupted, check_interrupted, interruptible
from derivlab.compute.network import CHECK_EVERY, optimize


def test_optimize_stops_once_the_result_is_stale():
    calls = []

    def gradient(theta):
        calls.append(1)
        return 2 * theta  # L = |θ|²

    asked = []

    def stale():
        asked.append(1)
        return len(calls) >= 40

    with interruptible(stale), pytest.raises(Interrupted):
        optimize(gradient, np.ones(3), "gradient descent", 0.1, 1000)
    assert 40 <= len(calls) < 40 + CHECK_EVERY + 1  # stopped at the next check
    assert len(asked) == len(calls) // CHECK_EVERY + 1


def test_without_a_question_nothing_stops():
    path = optimize(lambda theta: 2 * theta, np.ones(2), "gradient descent", 0.1, 200)
    assert path.shape == (201, 2)
    assert np.allclose(path[-1], 0.8**200)  # θ ← θ − 0.1·2θ
    check_interrupted()  # outside any block: no question, no stop


def test_the_question_belongs_to_its_block():
    with interruptible(lambda: True):
        with pytest.raises(Interrupted):
            check_interrupted()
    check_interrupted()
