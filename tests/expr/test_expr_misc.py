from __future__ import annotations

import pickle
import threading
import time

import numpy as np
import pytest

from derivlab.expr import ExpressionError, Function
from derivlab.expr._deadline import DeadlineExceeded, run_with_deadline


def _spin():
    def tick(i):
        return i + 1

    i = 0
    while True:
        i = tick(i)


def test_deadline_interrupts_python_work():
    start = time.perf_counter()
    with pytest.raises(DeadlineExceeded):
        run_with_deadline(_spin, 0.1)
    assert time.perf_counter() - start < 0.5
    assert run_with_deadline(lambda: 42, 0.1) == 42


def test_nested_deadline_keeps_the_earlier_one():
    start = time.perf_counter()
    with pytest.raises(DeadlineExceeded):
        run_with_deadline(lambda: run_with_deadline(_spin, 10.0), 0.1)
    assert time.perf_counter() - start < 0.5


def test_huge_derivative_is_refused_not_computed():
    f = Function.from_text("sigmoid(sigmoid(sigmoid(sigmoid(x))))")
    start = time.perf_counter()
    with pytest.raises(ExpressionError, match="derivative is too large"):
        f.derivative_text(4)
    assert time.perf_counter() - start < 4.0


def test_pickle_round_trip_and_equality():
    f = Function.from_text("sin(k x) + |x|^(2/3)", parameters=("k",))
    g = pickle.loads(pickle.dumps(f))
    assert g == f and hash(g) == hash(f)
    assert g.parameters == ("k",)
    assert "Function.from_text" in repr(f)


def test_error_pickles():
    error = ExpressionError("unknown name 'y'", 5)
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == "unknown name 'y' at column 5" and again.column == 5


def test_shared_between_threads():
    f = Function.from_text("exp(sin(x^2))")
    xs = np.linspace(-1, 1, 11)
    results: list[np.ndarray] = []

    def work():
        results.append(f.numpy(2)(xs))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4
    for r in results:
        np.testing.assert_array_equal(r, results[0])
