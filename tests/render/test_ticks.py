import numpy as np
import pytest

from derivlab.render.ticks import minor_step, nice_step, tick_labels, ticks


@pytest.mark.parametrize("span", [5.0, 1e-9, 3e7, 0.37, 123.0])
def test_nice_step_is_1_2_or_5_times_a_power_of_ten(span):
    step = nice_step(span, 1000)
    mantissa = step / 10 ** np.floor(np.log10(step))
    assert any(np.isclose(mantissa, m) for m in (1, 2, 5, 10))
    assert 3 <= span / step <= 25


def test_ticks_are_exact_multiples_and_minor_divides_major():
    t = ticks(-2.5, 2.5, 0.5)
    assert t[0] == -2.5 and t[-1] == 2.5 and len(t) == 11
    assert minor_step(0.5) == pytest.approx(0.1)
    assert minor_step(2.0) == pytest.approx(0.5)


def test_labels_tell_neighbours_apart_at_deep_zoom():
    step = 1e-10
    values = 1.3 + np.arange(-3, 4) * step
    labels = tick_labels(values, step)
    assert len(set(labels)) == len(labels)
    assert tick_labels(np.array([-1.0, 0.0, 1.0]), 1.0) == ["−1", "0", "1"]
