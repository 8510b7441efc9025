"""Hostile and random input to everything a person can type or hand derivlab: a clear
message and no change, never a traceback."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivlab.model import ParameterError, parse_assignment
from derivlab.model.lesson import LessonError, parse_lesson
from derivlab.model.session import Session, SessionStore
from derivlab.scenes import SCENES

DECLARATIONS = {name: scene.parameters for name, scene in SCENES.items()}
HOSTILE = [
    "", " ", "\x00", "1e999999", "-1e400", "nan", "inf", "−∞", "9" * 5000, "((((((((((", "x" * 100_000,
    "__import__('os').system('true')", "1; import os", "ｘ^2", "х^2", "\u202e1", "0x1p3", "1_000",
    "[1, 2]", "{'a': 1}", "🙂", "\\", "'", '"', "a=b=c", "=", "h==1",
]
settings_fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_set_values_are_refused_cleanly_for_every_parameter(text):
    for scene in SCENES.values():
        state = scene.new_state()
        before = state.as_dict()
        for p in scene.parameters:
            try:
                state.set(p.name, text)
            except ParameterError as exc:
                assert str(exc)  # a sentence, not an empty error
        if all(_refused(p, text) for p in scene.parameters):
            assert state.as_dict() == before


def _refused(p, text):
    try:
        p.coerce(text)
    except ParameterError:
        return True
    return False


@settings_fast
@given(st.text(max_size=80))
def test_random_assignments_parse_or_explain(text):
    try:
        name, value = parse_assignment(text)
    except ParameterError:
        return
    assert "=" in text and name


@settings_fast
@given(st.text(max_size=40))
def test_random_values_for_every_kind_of_parameter(text):
    secant = SCENES["secant"]
    for p in secant.parameters:
        try:
            value = p.coerce(text)
        except ParameterError:
            continue
        assert p.coerce(value) == value  # what was accepted stays accepted


@settings_fast
@given(st.text(max_size=600))
def test_random_lesson_text_gives_steps_or_line_numbered_problems(text):
    try:
        lesson = parse_lesson(text, DECLARATIONS)
    except LessonError:
        return
    for problem in lesson.problems:
        assert problem.line >= 1 and problem.message


@settings_fast
@given(
    st.lists(
        st.sampled_from(['[[step]]', 'scene = "secant"', 'scene = "nope"', 'values = { h = 0 }', 'values = { a = 1e9 }',
                         'values = { f = "x^" }', 'animate = ["h=2:0:geometric@1"]', 'view = [1, 0, 0, 1]', 'caption = 3',
                         'title = "t"', 'x = = 1', '[step.timeline]', 'steps = [{type = "nope"}]', '"""', '']),
        max_size=25,
    )
)
def test_lesson_shaped_garbage_still_loads_what_it_can(lines):
    lesson = parse_lesson("\n".join(lines), DECLARATIONS)
    n_lines = len(lines) + 1
    assert all(1 <= p.line <= n_lines for p in lesson.problems)
    for step in lesson.steps:
        assert step.scene in SCENES


@settings_fast
@given(st.binary(max_size=400))
def test_any_session_file_loads_or_is_set_aside(tmp_path_factory, content):
    folder = tmp_path_factory.mktemp("session")
    store = SessionStore(folder)
    store.path.write_bytes(content)
    loaded = store.load()
    if loaded.message:
        assert loaded.session == Session()
        assert not store.path.exists()  # moved aside, not deleted
        assert any(p.name.startswith("session.json.unreadable-") for p in folder.iterdir())


@settings_fast
@given(st.recursive(st.none() | st.booleans() | st.floats() | st.text(max_size=10),
                    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
                    max_leaves=20))
def test_any_json_in_a_session_file_is_handled(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("session")
    store = SessionStore(folder)
    document = {"format": "derivlab-session", "version": 1, "scene": "secant", "values": data, "views": data, "theme": "light"}
    store.path.write_text(json.dumps(document, allow_nan=True))
    loaded = store.load()
    assert isinstance(loaded.session, Session)
