"""Timelines: easing formulas, sequencing, camera moves, spec parsing, validation, round trips."""

from __future__ import annotations

import json
import math

import pytest

from derivlab.model import (
    Animate,
    CameraMove,
    Hold,
    Timeline,
    TimelineError,
    Together,
    View,
    parallel_timeline,
    parse_animate,
)
from derivlab.model.timeline import smoothstep
from derivlab.scenes import get_scene

SECANT = get_scene("secant").parameters


def test_geometric_ends_are_exact_and_ratios_equal():
    step = Animate("h", 2.0, 0.001, 5.0, "geometric")
    assert step.value(0) == 2.0
    assert step.value(5.0) == 0.001
    # h(t) = 2·(0.0005)^(t/5): equal ratios in equal times
    ratios = [step.value(t + 0.5) / step.value(t) for t in (0.0, 1.0, 2.5, 4.0)]
    assert ratios == pytest.approx([0.0005 ** 0.1] * 4, rel=1e-12)
    assert step.value(2.5) == pytest.approx(2 * 0.0005**0.5)


def test_peer_schedule_frame_by_frame():
    """5 s at 60 fps is 300 frames with h = 2·(0.0005)^(i/299), as the peer clip has."""
    timeline = parallel_timeline([parse_animate("h=2:0.001:geometric", 5)], 5)
    times = timeline.frame_times(60)
    assert len(times) == 300 and times[0] == 0 and times[-1] == 5
    hs = [timeline.values_at(t, {"h": 1.0})["h"] for t in times]
    assert hs[0] == 2.0 and hs[-1] == 0.001
    for i in (1, 150, 298):
        assert hs[i] == pytest.approx(2 * 0.0005 ** (i / 299), rel=1e-12)


@pytest.mark.parametrize("easing", ["linear", "geometric", "ease-in-out"])
@pytest.mark.parametrize("start,end", [(2.0, 0.001), (-0.5, -3.0), (0.1, 7.0)])
def test_easings_are_monotone_between_exact_ends(easing, start, end):
    step = Animate("x", start, end, 2.0, easing)
    values = [step.value(2.0 * i / 200) for i in range(201)]
    assert values[0] == start and values[-1] == end
    steps = [b - a for a, b in zip(values, values[1:], strict=False)]
    assert all(d <= 0 for d in steps) if end < start else all(d >= 0 for d in steps)


def test_ease_in_out_is_smoothstep():
    step = Animate("a", 0.0, 10.0, 1.0, "ease-in-out")
    assert step.value(0.5) == pytest.approx(5.0)
    assert step.value(0.25) == pytest.approx(10 * (0.25**2 * (3 - 0.5)))
    assert smoothstep(0) == 0 and smoothstep(1) == 1
    # flat at both ends: slow start and stop
    assert step.value(0.01) < 0.01 * 10 / 2


def test_geometric_needs_same_sign():
    with pytest.raises(TimelineError, match="same sign"):
        Animate("h", 1.0, -1.0, 1.0, "geometric")
    with pytest.raises(TimelineError, match="same sign"):
        Animate("h", 0.0, 1.0, 1.0, "geometric")


def test_steps_play_in_sequence_and_values_stay():
    timeline = Timeline((
        Animate("a", 0.0, 1.0, 1.0),
        Hold(0.5),
        Together((Animate("h", 1.0, 0.5, 2.0), Animate("a", 1.0, 3.0, 1.0))),
    ))
    assert timeline.duration == 3.5
    base = {"a": -7.0, "h": 9.0, "f": "x"}
    assert timeline.values_at(0.0, base) == {"a": 0.0, "h": 9.0, "f": "x"}
    assert timeline.values_at(0.5, base)["a"] == 0.5
    assert timeline.values_at(1.2, base) == {"a": 1.0, "h": 9.0, "f": "x"}  # holding; h not begun
    mid = timeline.values_at(2.0, base)  # 0.5 s into the group
    assert mid["a"] == pytest.approx(2.0) and mid["h"] == pytest.approx(0.875)
    end = timeline.values_at(3.5, base)
    assert end["a"] == 3.0 and end["h"] == 0.5
    assert timeline.values_at(99.0, base) == end
    assert timeline.animated_parameters() == ["a", "h"]


def test_frame_times():
    timeline = Timeline((Hold(1.0),))
    assert timeline.frame_times(24) == pytest.approx([i / 23 for i in range(24)])
    assert Timeline().frame_times(30) == [0.0]
    with pytest.raises(TimelineError):
        timeline.frame_times(0)


def test_camera_zoom_is_geometric_in_width_about_a_fixed_point():
    start = View(-2.5, 2.5, -4.0, 4.0, 1920)
    move = CameraMove(2.0, center=(1.3, -1.503), width=0.05, easing="linear")
    timeline = Timeline((move,))
    end = timeline.view_at(2.0, start)
    assert end.width == pytest.approx(0.05) and end.height == pytest.approx(0.05 * 8 / 5)
    assert ((end.x_min + end.x_max) / 2, (end.y_min + end.y_max) / 2) == pytest.approx((1.3, -1.503))
    assert end.pixels == 1920
    widths = [timeline.view_at(t, start).width for t in (0.0, 0.5, 1.0, 1.5, 2.0)]
    ratios = [b / a for a, b in zip(widths, widths[1:], strict=False)]
    assert ratios == pytest.approx([ratios[0]] * 4)  # the same zoom factor every half second
    # one fixed point: its relative position in the view does not change
    views = [timeline.view_at(t, start) for t in (0.0, 0.7, 1.3, 2.0)]
    px = (1.3 - (start.x_min + start.x_max) / 2 * 0.05 / 5) / (1 - 0.05 / 5)
    rel = [(px - v.x_min) / v.width for v in views]
    assert rel == pytest.approx([rel[0]] * 4)


def test_camera_pan_and_ease():
    start = View(0, 1, 0, 1)
    timeline = Timeline((Hold(1.0), CameraMove(1.0, to=View(2, 3, 5, 6))))
    assert timeline.view_at(0.5, start) == start
    halfway = timeline.view_at(1.5, start)
    assert halfway.x_min == pytest.approx(1.0) and halfway.y_min == pytest.approx(2.5)
    assert timeline.view_at(1.25, start).x_min < 0.5  # ease-in-out starts slowly
    assert timeline.view_at(2.0, start) == View(2, 3, 5, 6, start.pixels)
    assert timeline.moves_camera


def test_camera_needs_a_target():
    with pytest.raises(TimelineError):
        CameraMove(1.0)
    with pytest.raises(TimelineError):
        CameraMove(1.0, center=(0, 0))
    with pytest.raises(TimelineError):
        CameraMove(1.0, center=(0, 0), width=-1)


@pytest.mark.parametrize(
    "spec,expected",
    [
        ("h=2:0.001:geometric", Animate("h", 2, 0.001, 5, "geometric")),
        ("a=-1:2", Animate("a", -1, 2, 5, "linear")),
        ("a = −1 : pi : ease-in-out @ 2.5", Animate("a", -1, math.pi, 2.5, "ease-in-out")),
        ("h=1:1e-3:geometric@3s", Animate("h", 1, 0.001, 3, "geometric")),
    ],
)
def test_parse_animate(spec, expected):
    assert parse_animate(spec, 5) == expected


@pytest.mark.parametrize(
    "spec,message",
    [
        ("h", "name=start:end"),
        ("=1:2", "no parameter name"),
        ("h=1", "name=start:end"),
        ("h=1:2:3:4", "name=start:end"),
        ("h=1:x", "not a number"),
        ("h=1:2:bounce", "easing must be one of"),
        ("h=1:-1:geometric", "same sign"),
        ("h=1:2@-1", "duration"),
    ],
)
def test_parse_animate_errors(spec, message):
    with pytest.raises(TimelineError, match=message):
        parse_animate(spec, 5)


def test_parse_animate_needs_a_duration():
    with pytest.raises(TimelineError, match="--duration"):
        parse_animate("h=2:1")


def test_validation_uses_the_scene_declarations():
    parallel_timeline([parse_animate("h=2:0.001:geometric", 5)], 5).validate(SECANT, 60)
    with pytest.raises(TimelineError, match="no such parameter"):
        parallel_timeline([parse_animate("q=1:2", 1)]).validate(SECANT)
    with pytest.raises(TimelineError, match="expression"):
        parallel_timeline([parse_animate("f=1:2", 1)]).validate(SECANT)
    with pytest.raises(TimelineError, match="between 1e-08 and 2"):
        parallel_timeline([parse_animate("h=3:1", 1)]).validate(SECANT)
    # linear h from 1 to -1 passes through 0 at the middle frame: refused with the time
    with pytest.raises(TimelineError, match="refused"):
        parallel_timeline([parse_animate("h=1:-1", 2)]).validate(SECANT, fps=24)


def test_values_at_checks_with_declarations():
    timeline = Timeline((Animate("h", 1.0, -1.0, 2.0),))
    with pytest.raises(TimelineError, match="t = 1.000 s"):
        timeline.values_at(1.0, {"h": 1.0}, SECANT)


def test_round_trip_through_json():
    timeline = Timeline((
        Together((Animate("h", 2, 0.001, 5, "geometric"), Hold(6))),
        CameraMove(1.5, center=(1.3, -1.5), width=0.2),
        CameraMove(1.0, to=View(-1, 1, -2, 2), easing="linear"),
    ))
    data = json.loads(json.dumps(timeline.to_dict()))
    assert data["steps"][0]["type"] == "together"
    assert Timeline.from_dict(data) == timeline


@pytest.mark.parametrize(
    "data,message",
    [
        ({"steps": [{"type": "spin", "duration": 1}]}, "unknown step type"),
        ({"steps": [{"type": "animate", "parameter": "h", "start": 1}]}, "missing 'end'"),
        ({"steps": [{"duration": 1}]}, "type"),
        ({"steps": [{"type": "hold", "duration": "soon"}]}, "not a number"),
        ("steps", "table"),
    ],
)
def test_from_dict_errors(data, message):
    with pytest.raises(TimelineError, match=message):
        Timeline.from_dict(data)
