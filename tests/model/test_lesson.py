from pathlib import Path

import pytest

from derivlab.model import Parameter
from derivlab.model.lesson import LessonError, parse_lesson, read_lesson

DECLARATIONS = {
    "secant": (
        Parameter("f", "x^2", kind="expression"),
        Parameter("a", 1.0, minimum=-10, maximum=10),
        Parameter("h", 1.0, kind="step", minimum=1e-8, maximum=2),
    ),
    "other": (Parameter("n", 1, kind="integer", minimum=0, maximum=10),),
}

GOOD = """title = "Limits"

[[step]]
scene = "secant"
caption = "first"
notes = "say this"
values = { f = "x^3 - 3x", a = 1.3, h = 1.0 }
view = [-2.5, 2.5, -4, 4]
animate = ["h=1:0.001:geometric@6"]

[[step]]
scene = "other"
values = { n = 3 }
"""


def test_a_good_lesson_loads_every_step():
    lesson = parse_lesson(GOOD, DECLARATIONS)
    assert lesson.title == "Limits" and lesson.problems == ()
    first, second = lesson.steps
    assert first.values == {"f": "x^3 - 3x", "a": 1.3, "h": 1.0}
    assert first.view.x_min == -2.5 and first.caption == "first" and first.notes == "say this"
    assert first.timeline.duration == 6 and first.timeline.values_at(6, {})["h"] == pytest.approx(0.001)
    assert second.scene == "other" and second.values == {"n": 3} and second.timeline is None
    assert first.line == 3 and second.line == 11


BAD = """title = "Broken on purpose"

[[step]]
scene = "secant"
values = { a = 1.3 }

[[step]]
scene = "nosuch"

[[step]]
scene = "secant"
values = { a = 99, h = 0.5, q = 1 }

[[step]]
scene = "secant"
caption = "unterminated

[[step]]
scene = "secant"
values = { f = "sin(" }
animate = ["h=2:0:geometric@3"]
view = [1, 0, 0, 1]

[[step]]
scene = "other"
values = { n = 2 }
"""


def test_errors_are_reported_with_their_lines_and_the_rest_loads():
    lesson = parse_lesson(BAD, DECLARATIONS)
    messages = [str(p) for p in lesson.problems]
    lines = {p.line for p in lesson.problems}
    assert any(m.startswith("line 8: no scene called 'nosuch'") for m in messages)
    assert any(m.startswith("line 12:") and "a must lie in" in m for m in messages)
    assert any(m.startswith("line 12:") and "no parameter 'q'" in m for m in messages)
    assert any(m.startswith("line 16:") and "not valid TOML" in m for m in messages)
    assert any(m.startswith("line 20:") and "f:" in m for m in messages)
    assert any(m.startswith("line 21:") and "geometric" in m for m in messages)
    assert any(m.startswith("line 22:") and "view" in m for m in messages)
    assert lines <= set(range(1, BAD.count("\n") + 2))
    # Loadable steps still load, bad values dropped.
    assert [s.scene for s in lesson.steps] == ["secant", "secant", "secant", "other"]
    assert lesson.steps[1].values == {"h": 0.5}
    assert lesson.steps[2].timeline is None and lesson.steps[2].view is None


@pytest.mark.parametrize("text", ["", "title = 'no steps'", "[[step]]\nscene = 3", "x = = 1"])
def test_lessons_without_usable_steps_say_so(text):
    lesson = parse_lesson(text, DECLARATIONS)
    assert not lesson.steps and lesson.problems


def test_unreadable_files_raise_a_clear_error(tmp_path):
    binary = tmp_path / "x.derivlab.toml"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(LessonError, match="not a text file"):
        read_lesson(binary, DECLARATIONS)
    with pytest.raises(LessonError, match="cannot read"):
        read_lesson(tmp_path / "missing.derivlab.toml", DECLARATIONS)


def test_shipped_lessons_load_without_problems():
    from derivlab.resources import asset_path
    from derivlab.scenes import SCENES

    declarations = {name: scene.parameters for name, scene in SCENES.items()}
    files = sorted(Path(asset_path("lessons")).glob("*.derivlab.toml"))
    assert files
    for path in files:
        lesson = read_lesson(path, declarations)
        assert lesson.problems == (), (path.name, [str(p) for p in lesson.problems])
        assert len(lesson.steps) >= 3
