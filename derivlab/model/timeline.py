"""Timelines: how a scene's parameters and its view change over time.

A timeline is plain data, saved beside a scene and reused by lessons. It is a
sequence of steps, one after another:

- :class:`Animate` moves one declared parameter from ``start`` to ``end``;
- :class:`Hold` keeps everything still;
- :class:`CameraMove` pans and zooms the view;
- :class:`Together` runs several steps at once (its duration is the longest).

A value set by a step stays after the step ends. ``Timeline.values_at(t, base)``
and ``Timeline.view_at(t, base_view)`` give the picture's state at time ``t``;
``frame_times(fps)`` gives the times of a video's frames, the first at 0 and
the last at the very end, so the last frame shows every ``end`` value exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .parameters import Parameter, ParameterError, parse_number
from .view import View

EASINGS = ("linear", "geometric", "ease-in-out")
NUMERIC_KINDS = ("real", "step", "integer")


class TimelineError(ValueError):
    """A timeline that cannot be played; the message says which step and why."""


def smoothstep(s: float) -> float:
    """The ease-in-out curve e(s) = s²(3 − 2s): e(0) = 0, e(1) = 1, e′(0) = e′(1) = 0, increasing."""
    s = min(max(s, 0.0), 1.0)
    return s * s * (3.0 - 2.0 * s)


def _progress(elapsed: float, duration: float) -> float:
    """s = elapsed / duration clamped to [0, 1]; a step of no duration is already finished."""
    if duration <= 0:
        return 1.0
    return min(max(elapsed / duration, 0.0), 1.0)


def _check_duration(duration: float, what: str) -> float:
    duration = float(duration)
    if not (math.isfinite(duration) and duration >= 0):
        raise TimelineError(f"{what}: a duration must be a finite number of seconds ≥ 0; got {duration:g}")
    return duration


def _check_easing(easing: str, what: str) -> str:
    if easing not in EASINGS:
        raise TimelineError(f"{what}: easing must be one of {', '.join(EASINGS)}; got '{easing}'")
    return easing


@dataclass(frozen=True)
class Animate:
    """Move ``parameter`` from ``start`` to ``end`` over ``duration`` seconds.

    With s = t / duration in [0, 1]:

    - ``linear``: value(s) = start + (end − start)·s
    - ``geometric``: value(s) = start·(end/start)^s — equal ratios in equal times,
      the natural schedule for h → 0 (start and end nonzero, of the same sign)
    - ``ease-in-out``: value(s) = start + (end − start)·s²(3 − 2s)

    value(0) is ``start`` and value(1) is ``end`` exactly.
    """

    parameter: str
    start: float
    end: float
    duration: float
    easing: str = "linear"

    def __post_init__(self) -> None:
        what = f"animate {self.parameter}"
        if not self.parameter:
            raise TimelineError("animate: a parameter name is needed")
        for name in ("start", "end"):
            value = float(getattr(self, name))
            if not math.isfinite(value):
                raise TimelineError(f"{what}: {name} must be a finite number")
            object.__setattr__(self, name, value)
        object.__setattr__(self, "duration", _check_duration(self.duration, what))
        _check_easing(self.easing, what)
        if self.easing == "geometric" and not (self.start * self.end > 0):
            raise TimelineError(
                f"{what}: geometric easing needs start and end nonzero and of the same sign "
                f"(got {self.start:g} → {self.end:g}); use linear or ease-in-out to cross 0"
            )

    def value(self, elapsed: float) -> float:
        """The parameter's value ``elapsed`` seconds after the step began."""
        s = _progress(elapsed, self.duration)
        if s >= 1.0:
            return self.end
        if s <= 0.0:
            return self.start
        if self.easing == "geometric":
            return self.start * (self.end / self.start) ** s
        if self.easing == "ease-in-out":
            s = smoothstep(s)
        return self.start + (self.end - self.start) * s


@dataclass(frozen=True)
class Hold:
    """Keep everything as it is for ``duration`` seconds."""

    duration: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "duration", _check_duration(self.duration, "hold"))


@dataclass(frozen=True)
class CameraMove:
    """Pan and zoom from the current view to ``to`` (a :class:`View`), or to ``center`` and ``width``.

    Given ``center`` = (x, y) and ``width``, the target keeps the aspect of the view
    the move starts from (height = width · h₀/w₀). Widths and heights change
    geometrically, w(s) = w₀·(w₁/w₀)^e(s), so each moment of a zoom scales the
    picture by the same factor; the centre moves in step with the zoom,
    c(s) = c₀ + (c₁ − c₀)·(w₀ − w(s))/(w₀ − w₁), which is a zoom about one fixed
    point. A pure pan (w₁ = w₀) moves the centre by e(s). ``easing`` is
    ``linear`` or ``ease-in-out`` (``geometric`` is the same as ``linear`` here:
    the widths already change geometrically).
    """

    duration: float
    to: View | None = None
    center: tuple[float, float] | None = None
    width: float | None = None
    easing: str = "ease-in-out"

    def __post_init__(self) -> None:
        object.__setattr__(self, "duration", _check_duration(self.duration, "camera"))
        _check_easing(self.easing, "camera")
        if (self.to is None) == (self.center is None and self.width is None):
            raise TimelineError("camera: give either a target view or a center and a width")
        if self.to is None:
            if self.center is None or self.width is None:
                raise TimelineError("camera: a move to a point needs both center and width")
            cx, cy = (float(v) for v in self.center)
            if not (math.isfinite(cx) and math.isfinite(cy)):
                raise TimelineError("camera: the center must be finite")
            object.__setattr__(self, "center", (cx, cy))
            if not (math.isfinite(float(self.width)) and float(self.width) > 0):
                raise TimelineError(f"camera: width must be a positive number; got {self.width}")
            object.__setattr__(self, "width", float(self.width))

    def target(self, start: View) -> View:
        """The view this move ends on when it begins at ``start``."""
        if self.to is not None:
            return View(self.to.x_min, self.to.x_max, self.to.y_min, self.to.y_max, start.pixels)
        assert self.center is not None and self.width is not None
        cx, cy = self.center
        height = self.width * start.height / start.width
        return View(cx - self.width / 2, cx + self.width / 2, cy - height / 2, cy + height / 2, start.pixels)

    def view(self, elapsed: float, start: View) -> View:
        """The view ``elapsed`` seconds after the move began at ``start``."""
        s = _progress(elapsed, self.duration)
        end = self.target(start)
        if s >= 1.0:
            return end
        if s <= 0.0:
            return start
        e = smoothstep(s) if self.easing == "ease-in-out" else s
        x_min, x_max = _zoom_axis(start.x_min, start.x_max, end.x_min, end.x_max, e)
        y_min, y_max = _zoom_axis(start.y_min, start.y_max, end.y_min, end.y_max, e)
        return View(x_min, x_max, y_min, y_max, start.pixels)


def _zoom_axis(lo0: float, hi0: float, lo1: float, hi1: float, e: float) -> tuple[float, float]:
    """One axis of a camera move: width w(e) = w₀(w₁/w₀)^e, centre c₀ + (c₁ − c₀)(w₀ − w)/(w₀ − w₁)."""
    w0, w1 = hi0 - lo0, hi1 - lo1
    c0, c1 = (lo0 + hi0) / 2, (lo1 + hi1) / 2
    w = w0 * (w1 / w0) ** e
    if abs(w0 - w1) <= 1e-12 * max(w0, w1):
        c = c0 + (c1 - c0) * e
    else:
        c = c0 + (c1 - c0) * (w0 - w) / (w0 - w1)
    return c - w / 2, c + w / 2


@dataclass(frozen=True)
class Together:
    """Several steps that start at the same moment; the group lasts as long as the longest."""

    steps: tuple[Step, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple(self.steps))
        if not self.steps:
            raise TimelineError("together: at least one step is needed")

    @property
    def duration(self) -> float:
        return max(step.duration for step in self.steps)


Step = Animate | Hold | CameraMove | Together


@dataclass(frozen=True)
class Timeline:
    """Steps played one after another; see the module docstring."""

    steps: tuple[Step, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple(self.steps))

    @property
    def duration(self) -> float:
        """Total length in seconds: the sum of the steps' durations."""
        return sum(step.duration for step in self.steps)

    # -- sampling ------------------------------------------------------------
    def values_at(
        self,
        t: float,
        base_values: Mapping[str, Any],
        parameters: Iterable[Parameter] | None = None,
    ) -> dict[str, Any]:
        """Parameter values at time ``t``: ``base_values`` changed by every step begun by then.

        With ``parameters`` (the scene's declarations), integer parameters are
        rounded and every animated value is checked with ``Parameter.coerce``.
        """
        values = dict(base_values)
        elapsed = float(t)
        for step in self.steps:
            if elapsed < 0:
                break
            _apply_values(step, elapsed, values)
            elapsed -= step.duration
        if parameters is not None:
            declared = {p.name: p for p in parameters}
            for name in self.animated_parameters():
                p = declared.get(name)
                if p is None:
                    continue
                value = values[name]
                if p.kind == "integer":
                    value = round(value)
                try:
                    values[name] = p.coerce(value)
                except ParameterError as exc:
                    raise TimelineError(f"at t = {t:.3f} s: {exc}") from None
        return values

    def view_at(self, t: float, base_view: View) -> View:
        """The view at time ``t``, starting from ``base_view`` and following every camera move."""
        view = base_view
        elapsed = float(t)
        for step in self.steps:
            if elapsed < 0:
                break
            view = _apply_view(step, elapsed, view)
            elapsed -= step.duration
        return view

    def frame_times(self, fps: float) -> list[float]:
        """Times of a video's frames: n = max(1, round(duration·fps)) frames, tᵢ = duration·i/(n − 1).

        The first frame is t = 0 and the last is t = duration, so both ends of
        every animation are shown exactly (5 s at 60 fps → 300 frames, as a
        300-frame clip with h(i) = 2·(0.0005)^(i/299) has).
        """
        if not (math.isfinite(fps) and fps > 0):
            raise TimelineError(f"fps must be a positive number; got {fps}")
        n = max(1, round(self.duration * fps))
        if n == 1:
            return [0.0]
        return [self.duration * i / (n - 1) for i in range(n)]

    def animated_parameters(self) -> list[str]:
        """Names of the parameters some step animates, in order of first appearance."""
        names: list[str] = []
        for animate in _animations(self.steps):
            if animate.parameter not in names:
                names.append(animate.parameter)
        return names

    @property
    def moves_camera(self) -> bool:
        return any(isinstance(step, CameraMove) for step in _flatten(self.steps))

    def validate(self, parameters: Iterable[Parameter], fps: float | None = None) -> None:
        """Check every animated parameter against the scene's declarations.

        Each ``Animate`` must name a declared numeric parameter, and every value
        it takes must be accepted by ``Parameter.coerce``: both ends, and the
        value at every frame time when ``fps`` is given.
        """
        declared = {p.name: p for p in parameters}
        for animate in _animations(self.steps):
            p = declared.get(animate.parameter)
            if p is None:
                known = ", ".join(declared) or "none"
                raise TimelineError(f"cannot animate '{animate.parameter}': this scene has no such parameter (it has: {known})")
            if p.kind not in NUMERIC_KINDS:
                raise TimelineError(f"cannot animate '{p.name}': it is a {p.kind}, not a number")
            samples = [0.0, animate.duration]
            if fps is not None and animate.duration > 0:
                n = max(2, math.ceil(animate.duration * fps) + 1)
                samples += [animate.duration * i / (n - 1) for i in range(n)]
            for elapsed in samples:
                value = animate.value(elapsed)
                try:
                    p.coerce(round(value) if p.kind == "integer" else value)
                except ParameterError as exc:
                    raise TimelineError(
                        f"animate {p.name} {animate.start:g} → {animate.end:g}: {elapsed:.3g} s in, "
                        f"the value {value:.6g} is refused: {exc}"
                    ) from None

    # -- data ----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON or TOML: ``{"steps": [{"type": "animate", ...}, ...]}``."""
        return {"steps": [_step_to_dict(step) for step in self.steps]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Timeline:
        """The timeline written by :meth:`to_dict`; a malformed step raises TimelineError."""
        if not isinstance(data, Mapping) or not isinstance(data.get("steps", []), Sequence):
            raise TimelineError("a timeline is a table with a list of steps")
        return cls(tuple(_step_from_dict(item, i) for i, item in enumerate(data.get("steps", []))))


def _flatten(steps: Iterable[Step]) -> Iterable[Step]:
    for step in steps:
        if isinstance(step, Together):
            yield from _flatten(step.steps)
        else:
            yield step


def _animations(steps: Iterable[Step]) -> list[Animate]:
    return [step for step in _flatten(steps) if isinstance(step, Animate)]


def _apply_values(step: Step, elapsed: float, values: dict[str, Any]) -> None:
    if isinstance(step, Animate):
        values[step.parameter] = step.value(elapsed)
    elif isinstance(step, Together):
        for inner in step.steps:
            _apply_values(inner, elapsed, values)


def _apply_view(step: Step, elapsed: float, view: View) -> View:
    if isinstance(step, CameraMove):
        return step.view(elapsed, view)
    if isinstance(step, Together):
        for inner in step.steps:
            view = _apply_view(inner, elapsed, view)
    return view


def _step_to_dict(step: Step) -> dict[str, Any]:
    if isinstance(step, Animate):
        return {"type": "animate", "parameter": step.parameter, "start": step.start, "end": step.end,
                "duration": step.duration, "easing": step.easing}
    if isinstance(step, Hold):
        return {"type": "hold", "duration": step.duration}
    if isinstance(step, CameraMove):
        out: dict[str, Any] = {"type": "camera", "duration": step.duration, "easing": step.easing}
        if step.to is not None:
            out["to"] = [step.to.x_min, step.to.x_max, step.to.y_min, step.to.y_max]
        else:
            out["center"] = list(step.center or ())
            out["width"] = step.width
        return out
    return {"type": "together", "steps": [_step_to_dict(inner) for inner in step.steps]}


def _step_from_dict(item: Any, index: int) -> Step:
    where = f"step {index + 1}"
    if not isinstance(item, Mapping) or "type" not in item:
        raise TimelineError(f"{where}: a step is a table with a 'type'")
    kind = item["type"]
    try:
        if kind == "animate":
            return Animate(str(item["parameter"]), _number(item["start"]), _number(item["end"]),
                           _number(item["duration"]), str(item.get("easing", "linear")))
        if kind == "hold":
            return Hold(_number(item["duration"]))
        if kind == "camera":
            to = None
            if "to" in item:
                x0, x1, y0, y1 = (_number(v) for v in item["to"])
                to = View(x0, x1, y0, y1)
            center = tuple(_number(v) for v in item["center"]) if "center" in item else None
            width = _number(item["width"]) if "width" in item else None
            return CameraMove(_number(item["duration"]), to=to, center=center, width=width,  # type: ignore[arg-type]
                              easing=str(item.get("easing", "ease-in-out")))
        if kind == "together":
            return Together(tuple(_step_from_dict(inner, index) for inner in item["steps"]))
    except KeyError as exc:
        raise TimelineError(f"{where} ({kind}): missing '{exc.args[0]}'") from None
    except TimelineError as exc:
        raise TimelineError(f"{where}: {exc}") from None
    except (TypeError, ValueError) as exc:
        raise TimelineError(f"{where} ({kind}): {exc}") from None
    raise TimelineError(f"{where}: unknown step type '{kind}' (animate, hold, camera, together)")


def _number(value: Any) -> float:
    try:
        return parse_number(value) if isinstance(value, str) else float(value)
    except ParameterError as exc:
        raise TimelineError(str(exc)) from None


def parse_animate(spec: str, duration: float | None = None) -> Animate:
    """``name=start:end[:easing][@seconds]`` → :class:`Animate`, as given to ``--animate``.

    ``h=2:0.001:geometric`` moves h from 2 to 0.001 geometrically over
    ``duration`` seconds; ``a=-1:2@3`` moves a linearly over 3 s.
    """
    text = spec.strip()
    if "=" not in text:
        raise TimelineError(f"--animate '{spec}' is not name=start:end[:easing][@seconds], e.g. h=2:0.001:geometric")
    name, rest = (part.strip() for part in text.split("=", 1))
    if not name:
        raise TimelineError(f"--animate '{spec}' has no parameter name before '='")
    seconds = duration
    if "@" in rest:
        rest, seconds_text = rest.rsplit("@", 1)
        try:
            seconds = parse_number(seconds_text.strip().rstrip("s"))
        except ParameterError as exc:
            raise TimelineError(f"--animate '{spec}': duration after '@': {exc}") from None
    parts = [p.strip() for p in rest.split(":")]
    if len(parts) not in (2, 3):
        raise TimelineError(f"--animate '{spec}' is not name=start:end[:easing][@seconds], e.g. h=2:0.001:geometric")
    easing = parts[2] if len(parts) == 3 else "linear"
    try:
        start, end = parse_number(parts[0]), parse_number(parts[1])
    except ParameterError as exc:
        raise TimelineError(f"--animate '{spec}': {exc}") from None
    if seconds is None:
        raise TimelineError(f"--animate '{spec}' needs a duration: add --duration SECONDS or '@SECONDS'")
    try:
        return Animate(name, start, end, seconds, easing)
    except TimelineError as exc:
        raise TimelineError(f"--animate '{spec}': {exc}") from None


def parallel_timeline(animations: Sequence[Animate], duration: float | None = None) -> Timeline:
    """All ``animations`` at once, lasting at least ``duration`` seconds (the rest is a hold)."""
    steps: list[Step] = list(animations)
    if duration is not None:
        steps.append(Hold(duration))
    if not steps:
        return Timeline()
    return Timeline((Together(tuple(steps)),) if len(steps) > 1 else (steps[0],))
