import math

import pytest

from derivlab.model import (
    Parameter,
    ParameterError,
    SceneState,
    View,
    parse_assignment,
    parse_number,
)


def test_parse_number_accepts_what_people_type():
    assert parse_number("1.3") == 1.3
    assert parse_number("-1.5e-3") == -1.5e-3
    assert parse_number("−2") == -2.0
    assert parse_number("pi") == math.pi
    assert parse_number("2/3") == pytest.approx(2 / 3)


@pytest.mark.parametrize("text", ["", "abc", "1/0", "inf", "nan", "1e400", "x" * 100, "2/3/4"])
def test_parse_number_refuses_with_a_message(text):
    with pytest.raises(ParameterError):
        parse_number(text)


def test_parse_assignment():
    assert parse_assignment("h=1e-3") == ("h", "1e-3")
    assert parse_assignment(" f = x^2 - 1 ") == ("f", "x^2 - 1")
    with pytest.raises(ParameterError):
        parse_assignment("h")
    with pytest.raises(ParameterError):
        parse_assignment("=3")


def step():
    return Parameter("h", 1.0, kind="step", minimum=1e-8, maximum=2.0)


def test_step_parameter_takes_either_sign_within_magnitude_range():
    p = step()
    assert p.coerce("-0.5") == -0.5
    assert p.coerce(1e-8) == 1e-8
    for bad in (0.0, 3.0, -3.0, 1e-9):
        with pytest.raises(ParameterError):
            p.coerce(bad)


def test_state_refuses_bad_values_and_changes_nothing():
    state = SceneState([Parameter("a", 1.0, minimum=-5, maximum=5), step()])
    heard = []
    state.connect(heard.append)
    with pytest.raises(ParameterError):
        state.update({"a": 2.0, "h": 0.0})
    assert state["a"] == 1.0 and heard == []
    with pytest.raises(ParameterError, match="unknown parameter 'k'"):
        state.set("k", 1)


def test_state_batches_changes_into_one_event():
    state = SceneState([Parameter("a", 1.0), step()])
    heard = []
    state.connect(heard.append)
    state.update({"a": 2.0, "h": -0.25})
    assert heard == [{"a": 2.0, "h": -0.25}]
    state.set("a", 2.0)  # unchanged: no event
    assert len(heard) == 1
    state.reset()
    assert state.as_dict() == {"a": 1.0, "h": 1.0}


def test_view_zoom_about_a_point():
    v = View(-2, 2, -4, 4).zoomed(0.5, x=1.0, y=0.0)
    assert (v.x_min, v.x_max, v.y_min, v.y_max) == (-0.5, 1.5, -2.0, 2.0)
    with pytest.raises(ValueError):
        View(1, 1, 0, 1)
