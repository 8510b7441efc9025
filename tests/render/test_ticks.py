import numpy as np
import pytest

from derivlab.render.ticks import decade_step, minor_step, nice_step, tick_labels, ticks


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


def test_a_log_axis_over_eight_decades_in_a_short_panel_labels_more_than_one_decade():
    # 10⁻³ … 10⁵ over 250 px at one label per 90 px: 2.9 decades a label; a 5-decade step
    # would label only 10⁰ and 10⁵, a 3-decade step labels 10⁻³, 10⁰ and 10³.
    step = decade_step(-3.2, 5.1, 250, 90)
    assert step == 3
    assert len(ticks(-3.2, 5.1, step)) == 3


def test_a_log_axis_keeps_two_labelled_ticks_where_a_smaller_step_gives_them():
    # 10^0.5 … 10^5.5 in 60 px asks for a 7.5-decade step, which labels nothing in view.
    step = decade_step(0.5, 5.5, 60, 90)
    assert len(ticks(0.5, 5.5, step)) >= 2
    assert decade_step(0.2, 0.8, 500, 90) == 1
    assert decade_step(-40.0, 40.0, 400, 90) == 20
