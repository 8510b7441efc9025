"""Walking through a lesson: next and previous steps, each animated from where the room is now.

Opening a step first glides every numeric parameter and the view from their
current values to the step's (0.6 s, ease-in-out), then plays the step's own
timeline if it has one. Typed functions and choices change at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from derivlab.model import View
from derivlab.model.lesson import Lesson, LessonStep
from derivlab.model.timeline import Animate, CameraMove, Timeline, TimelineError, Together
from derivlab.scenes import SCENES

GLIDE_SECONDS = 0.6


def glide_timeline(step: LessonStep, current: dict, current_view: View | None, same_scene: bool) -> Timeline:
    """The short timeline that moves numeric values (and the view) from ``current`` to the step's."""
    moves = []
    declared = {p.name: p for p in SCENES[step.scene].parameters}
    if same_scene:
        for name, target in step.values.items():
            p = declared[name]
            start = current.get(name)
            if p.kind in ("real", "step") and isinstance(start, (int, float)) and start != target:
                easing = "geometric" if p.kind == "step" and start * target > 0 else "ease-in-out"
                if p.kind == "step" and start * target < 0:
                    continue  # a step cannot pass through 0: it flips at once
                moves.append(Animate(name, float(start), float(target), GLIDE_SECONDS, easing))
    if step.view is not None and current_view is not None and same_scene:
        moves.append(CameraMove(GLIDE_SECONDS, to=step.view, easing="ease-in-out"))
    if not moves:
        return Timeline()
    return Timeline((Together(tuple(moves)),))


class LessonPlayer(QObject):
    """Steps through ``lesson`` on a window that has ``open_scene``, ``presenter`` and ``plot``."""

    step_changed = Signal(int)

    def __init__(self, lesson: Lesson, window, parent: QObject | None = None):
        super().__init__(parent)
        self.lesson = lesson
        self.window = window
        self.index = -1
        self._timeline: Timeline | None = None
        self._base_values: dict = {}
        self._base_view: View | None = None
        self._after: Callable[[], None] | None = None
        self.clock = QElapsedTimer()
        self.timer = QTimer(self)
        self.timer.setInterval(16)
        self.timer.timeout.connect(self._tick)

    @property
    def steps(self) -> tuple[LessonStep, ...]:
        return self.lesson.steps

    @property
    def step(self) -> LessonStep | None:
        return self.steps[self.index] if 0 <= self.index < len(self.steps) else None

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def next(self) -> None:
        self.go(self.index + 1)

    def previous(self) -> None:
        self.go(self.index - 1)

    def first(self) -> None:
        self.go(0)

    def last(self) -> None:
        self.go(len(self.steps) - 1)

    def go(self, index: int, animate: bool = True) -> None:
        """Open step ``index`` (clamped to the lesson); finish any animation still running first."""
        if not self.steps:
            return
        index = max(0, min(index, len(self.steps) - 1))
        self.finish()
        step = self.steps[index]
        window = self.window
        same_scene = window.presenter is not None and window.presenter.scene.name == step.scene
        current = window.presenter.state.as_dict() if same_scene else {}
        current_view = window.plot.current_view() if same_scene else None
        if not same_scene:
            window.open_scene(step.scene)
        state = window.presenter.state
        immediate = {k: v for k, v in step.values.items() if not animate or not _numeric(state, k)}
        if immediate:
            state.update(immediate)
        if not same_scene or not animate:
            state.update(step.values)
            window.plot.set_view(step.view or SCENES[step.scene].default_view)
        self.index = index
        self.step_changed.emit(index)
        glide = glide_timeline(step, current, current_view, same_scene) if animate else Timeline()

        def then_play_step() -> None:
            if step.view is not None and same_scene:
                window.plot.set_view(step.view)
            state.update(step.values)
            if animate and step.timeline is not None and step.timeline.duration > 0:
                self._play(step.timeline, None)

        if glide.duration > 0:
            self._play(glide, then_play_step)
        else:
            then_play_step()

    def finish(self) -> None:
        """Jump to the end of what is playing (as a clicker press mid-animation expects)."""
        if self._timeline is None:
            return
        timeline, after = self._timeline, self._after
        self._stop()
        self._apply(timeline, timeline.duration)
        if after is not None:
            after()
            if self._timeline is not None:  # the step's own timeline began: finish it too
                self.finish()

    def _play(self, timeline: Timeline, after: Callable[[], None] | None) -> None:
        self._timeline = timeline
        self._after = after
        self._base_values = self.window.presenter.state.as_dict()
        self._base_view = self.window.plot.current_view()
        self.clock.start()
        self.timer.start()

    def _stop(self) -> None:
        self.timer.stop()
        self._timeline = None
        self._after = None

    def _apply(self, timeline: Timeline, t: float) -> None:
        presenter = self.window.presenter
        try:
            values = timeline.values_at(t, self._base_values, presenter.scene.parameters)
        except TimelineError as exc:
            self.window.show_error(str(exc))
            self._stop()
            return
        changed = {k: v for k, v in values.items() if k in timeline.animated_parameters()}
        if changed:
            presenter.state.update(changed)
        if timeline.moves_camera and self._base_view is not None:
            self.window.plot.set_view(timeline.view_at(t, self._base_view))

    def _tick(self) -> None:
        timeline = self._timeline
        if timeline is None:
            self.timer.stop()
            return
        t = self.clock.elapsed() / 1000.0
        self._apply(timeline, min(t, timeline.duration))
        if t >= timeline.duration:
            after = self._after
            self._stop()
            if after is not None:
                after()


def _numeric(state, name: str) -> bool:
    return state.declaration(name).kind in ("real", "step", "integer")
