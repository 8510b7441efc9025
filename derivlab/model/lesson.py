"""Lessons: a TOML file of steps a lecturer walks through with a clicker.

A lesson file looks like this::

    title = "The derivative as a limit"

    [[step]]
    scene = "secant"
    caption = "A secant through (a, f(a)) and (a + h, f(a + h))"
    notes = "Ask the room: what happens to the slope as h shrinks?"
    values = { f = "x^3 - 3x", a = 1.3, h = 1.0 }
    view = [-2.5, 2.5, -4, 4]                    # optional: x_min, x_max, y_min, y_max
    animate = ["h=1:0.001:geometric@6"]          # optional: played when the step opens

A step may instead carry a full timeline (``[step.timeline]`` with ``steps = [...]``
as written by :meth:`Timeline.to_dict`). Each ``[[step]]`` is read on its own, so
a mistake in one step is reported with its line number and the other steps
still load.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .parameters import Parameter, ParameterError
from .timeline import Timeline, TimelineError, parallel_timeline, parse_animate
from .view import View

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MAX_LESSON_BYTES = 2_000_000
LESSON_SUFFIX = ".derivlab.toml"
_STEP_HEADER = re.compile(r"^\s*\[\[\s*step\s*\]\]\s*(#.*)?$")
_TOML_LINE = re.compile(r"\s*\(at line (\d+)(?:, column (\d+))?\)")
_STEP_KEYS = {"scene", "caption", "notes", "values", "view", "animate", "timeline", "title"}


@dataclass(frozen=True)
class LessonProblem:
    """Something wrong in a lesson file, at a line (1-based)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class LessonStep:
    """One step: a scene with values, an optional view and timeline, a caption and notes."""

    scene: str
    values: dict[str, Any] = field(default_factory=dict)
    caption: str = ""
    notes: str = ""
    view: View | None = None
    timeline: Timeline | None = None
    line: int = 0


@dataclass(frozen=True)
class Lesson:
    """A lesson's title, the steps that loaded and the problems found."""

    title: str
    steps: tuple[LessonStep, ...]
    problems: tuple[LessonProblem, ...] = ()
    source: str = ""


class LessonError(ValueError):
    """A lesson file that cannot be used at all (unreadable, not TOML text, no steps)."""


def read_lesson(path: str | Path, declarations: Mapping[str, Sequence[Parameter]]) -> Lesson:
    """Load a lesson file; ``declarations`` maps each scene name to its parameters."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_LESSON_BYTES:
            raise LessonError(f"{path.name} is too large to be a lesson ({path.stat().st_size} bytes)")
        raw = path.read_bytes()
    except OSError as exc:
        raise LessonError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LessonError(f"{path.name} is not a text file (a lesson is UTF-8 TOML)") from None
    return parse_lesson(text, declarations, source=str(path))


def parse_lesson(text: str, declarations: Mapping[str, Sequence[Parameter]], source: str = "") -> Lesson:
    """A :class:`Lesson` from TOML text; problems carry line numbers, good steps still load."""
    if "\x00" in text:
        raise LessonError("a lesson file cannot contain NUL characters")
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if _STEP_HEADER.match(line)]
    problems: list[LessonProblem] = []
    head_end = starts[0] if starts else len(lines)
    title = ""
    head = _parse_chunk(lines[:head_end], 0, problems)
    if head is not None:
        value = head.get("title", "")
        title = value if isinstance(value, str) else ""
        for key in head:
            if key not in ("title", "author", "description", "step"):
                problems.append(LessonProblem(_line_of(lines[:head_end], key, 0), f"unknown setting '{key}' (ignored)"))
    steps: list[LessonStep] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        chunk = lines[start:end]
        data = _parse_chunk(chunk, start, problems)
        if data is None:
            continue
        entries = data.get("step")
        if not isinstance(entries, list) or len(entries) != 1 or not isinstance(entries[0], dict):
            problems.append(LessonProblem(start + 1, "a [[step]] must be followed by its own keys"))
            continue
        step = _build_step(entries[0], chunk, start, declarations, problems)
        if step is not None:
            steps.append(step)
    if not steps and not problems:
        problems.append(LessonProblem(1, "the lesson has no [[step]]"))
    problems.sort(key=lambda p: p.line)
    return Lesson(title=title or "Lesson", steps=tuple(steps), problems=tuple(problems), source=source)


def _parse_chunk(chunk: list[str], offset: int, problems: list[LessonProblem]) -> dict | None:
    try:
        return tomllib.loads("\n".join(chunk))
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        line = offset + (int(found.group(1)) if found else 1)
        message = _TOML_LINE.sub("", str(exc)).strip()
        if found and found.group(2):
            message += f" at column {found.group(2)}"
        problems.append(LessonProblem(line, f"not valid TOML: {message}; this step was skipped"))
        return None


def _line_of(chunk: list[str], key: str, offset: int) -> int:
    """Line number (1-based) where ``key`` is set in the chunk, else the chunk's first line."""
    pattern = re.compile(rf"^\s*(\[\s*step\.)?{re.escape(key)}\s*(=|\])|[{{,]\s*{re.escape(key)}\s*=")
    for i, line in enumerate(chunk):
        if pattern.search(line):
            return offset + i + 1
    return offset + 1


def _build_step(
    data: dict,
    chunk: list[str],
    offset: int,
    declarations: Mapping[str, Sequence[Parameter]],
    problems: list[LessonProblem],
) -> LessonStep | None:
    header = offset + 1
    for key in data:
        if key not in _STEP_KEYS:
            problems.append(LessonProblem(_line_of(chunk, key, offset), f"unknown key '{key}' in a step (ignored)"))
    scene = data.get("scene")
    if not isinstance(scene, str) or not scene:
        problems.append(LessonProblem(header, "the step names no scene (scene = \"secant\"); step skipped"))
        return None
    if scene not in declarations:
        known = ", ".join(sorted(declarations))
        problems.append(LessonProblem(_line_of(chunk, "scene", offset), f"no scene called '{scene}' (scenes: {known}); step skipped"))
        return None
    declared = {p.name: p for p in declarations[scene]}
    values: dict[str, Any] = {}
    raw_values = data.get("values", {})
    if not isinstance(raw_values, dict):
        problems.append(LessonProblem(_line_of(chunk, "values", offset), "values must be a table such as { a = 1.3, h = 0.5 }"))
        raw_values = {}
    for name, value in raw_values.items():
        line = _line_of(chunk, name, offset)
        if name not in declared:
            problems.append(LessonProblem(line, f"scene '{scene}' has no parameter '{name}' (it has: {', '.join(declared)}); ignored"))
            continue
        try:
            values[name] = declared[name].coerce(value if not isinstance(value, bool) else str(value))
        except ParameterError as exc:
            problems.append(LessonProblem(line, f"{exc}; ignored"))
    view = None
    if "view" in data:
        raw_view = data["view"]
        try:
            if not (isinstance(raw_view, list) and len(raw_view) == 4):
                raise ValueError("view must be [x_min, x_max, y_min, y_max]")
            view = View(*(float(v) for v in raw_view))
        except (TypeError, ValueError) as exc:
            problems.append(LessonProblem(_line_of(chunk, "view", offset), f"{exc}; the scene's own view is used"))
            view = None
    timeline = None
    try:
        if "timeline" in data:
            timeline = Timeline.from_dict(data["timeline"])
        elif "animate" in data:
            specs = data["animate"]
            if isinstance(specs, str):
                specs = [specs]
            if not isinstance(specs, list) or not all(isinstance(s, str) for s in specs):
                raise TimelineError('animate is a list of "name=start:end[:easing]@seconds" texts')
            timeline = parallel_timeline([parse_animate(s) for s in specs])
        if timeline is not None:
            timeline.validate(declarations[scene])
    except TimelineError as exc:
        key = "timeline" if "timeline" in data else "animate"
        problems.append(LessonProblem(_line_of(chunk, key, offset), f"{exc}; the step plays no animation"))
        timeline = None
    text = {}
    for key in ("caption", "notes"):
        value = data.get(key, "")
        if not isinstance(value, str):
            problems.append(LessonProblem(_line_of(chunk, key, offset), f"{key} must be text"))
            value = ""
        text[key] = value.strip()
    return LessonStep(scene, values, text["caption"], text["notes"], view, timeline, header)
