"""The one path from scene state to pixels: state → ``scene.compute`` → canvas.

The window, the exporter, the self-test and the benchmarks all draw through a
:class:`ScenePresenter`; nothing draws by a private route.

In the window (``progressive=True``) the presenter never lets a slow compute hold
the event loop: a quick coarse frame is drawn at once and the full frame is
computed on one background thread (:class:`BackgroundCompute`); a scene whose
even coarse frame must wait (a network to train first, see ``Scene.slow_work``)
is computed there entirely while the last picture stays up and says what is
being done. Finished frames are drawn on the UI thread by a VisPy timer that
polls for them. Everywhere else the presenter computes synchronously.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from derivlab.compute.interrupt import Interrupted, interruptible
from derivlab.model import ParameterError, SceneState, View
from derivlab.scenes import Scene, SceneFrame

from .canvas import PlotCanvas

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend

log = logging.getLogger(__name__)

FrameListener = Callable[[SceneFrame], None]
ErrorListener = Callable[[str], None]
BusyListener = Callable[[str], None]

#: one scene's slow work at a time, across presenters: a scene left and reopened while its
#: network trains waits for that training instead of starting a second one
_SLOW_WORK_LOCK = threading.Lock()


@dataclasses.dataclass(frozen=True)
class ComputeJob:
    """One request for a frame: the values and view of ``generation``, on ``backend``.

    ``slow_work`` is the scene's sentence for the slow part (``""`` for a refinement
    of a coarse frame already shown); the job starts ``delay`` s after ``submitted``.
    """

    generation: int
    values: dict[str, Any]
    view: View
    backend: Backend | None
    slow_work: str = ""
    delay: float = 0.0
    submitted: float = 0.0


@dataclasses.dataclass(frozen=True)
class ComputeOutcome:
    """What a job gave: a frame, an error, or neither (skipped: a newer job was waiting)."""

    job: ComputeJob
    frame: SceneFrame | None = None
    error: BaseException | None = None


class BackgroundCompute:
    """One worker thread that computes the newest request.

    Requests coalesce: while a job runs only the newest pending request is kept, the
    others are dropped unrun. A job waits out its ``delay`` first, and a newer request
    arriving in that time replaces it (so a dragged slider starts no refinements).
    Outcomes go to :attr:`outcomes`, read on the UI thread.
    """

    def __init__(self, run: Callable[[ComputeJob], SceneFrame | None], name: str = "derivlab-compute"):
        self._run = run
        self._name = name
        self._condition = threading.Condition()
        self._pending: ComputeJob | None = None
        self._running: ComputeJob | None = None
        self._closed = False
        self._thread: threading.Thread | None = None
        self.outcomes: queue.SimpleQueue[ComputeOutcome] = queue.SimpleQueue()

    def submit(self, job: ComputeJob) -> None:
        """Compute ``job`` next, in place of any request still waiting."""
        with self._condition:
            if self._closed:
                return
            self._pending = job
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
                self._thread.start()
            self._condition.notify()

    def cancel_pending(self) -> None:
        """Drop the waiting request (a running one finishes; its outcome is the reader's to drop)."""
        with self._condition:
            self._pending = None

    def newer_than(self, job: ComputeJob) -> bool:
        """Whether a later request waits (or the worker closed): ``job``'s result is stale."""
        with self._condition:
            return self._closed or (self._pending is not None and self._pending.generation > job.generation)

    def newest_pending(self) -> ComputeJob | None:
        """The request waiting to run next, if any."""
        with self._condition:
            return self._pending

    @property
    def closed(self) -> bool:
        with self._condition:
            return self._closed

    def idle(self) -> bool:
        with self._condition:
            return self._pending is None and self._running is None

    def close(self) -> None:
        """Stop after the running job (which cannot be interrupted); nothing waiting runs."""
        with self._condition:
            self._closed = True
            self._pending = None
            self._condition.notify()

    def _loop(self) -> None:
        while True:
            with self._condition:
                while not self._closed and self._pending is None:
                    self._condition.wait()
                if self._closed:
                    return
                job = self._pending
                wait = job.submitted + job.delay - time.monotonic()
                if wait > 0:
                    self._condition.wait(wait)  # a newer request or close() wakes it early
                    continue
                self._pending, self._running = None, job
            try:
                outcome = ComputeOutcome(job, frame=self._run(job))
            except BaseException as exc:  # noqa: BLE001 - reported on the UI thread
                outcome = ComputeOutcome(job, error=exc)
            with self._condition:
                self._running = None
            self.outcomes.put(outcome)


class ScenePresenter:
    """Keeps a canvas showing ``scene`` for the values in ``state``.

    It recomputes when a parameter changes or the view pans or zooms. A failure
    in ``compute`` leaves the last good picture on screen and is reported to the
    error listeners as a sentence.
    """

    #: a refinement starts this long after the last change (a dragged slider refines once)
    REFINE_DELAY_S = 0.12
    #: how often the UI thread looks for frames finished in the background
    POLL_INTERVAL_S = 0.01
    #: a refinement taking longer than this past its start is reported as busy
    BUSY_AFTER_S = 0.3
    #: the note over the last picture is laid out again this long after it was first shown
    RELAYOUT_NOTE_S = 0.05

    def __init__(
        self,
        scene: Scene,
        canvas: PlotCanvas,
        state: SceneState | None = None,
        backend: Backend | None = None,
        view: View | None = None,
        progressive: bool = False,
    ):
        self.scene = scene
        self.progressive = progressive
        self.canvas = canvas
        self.state = state if state is not None else scene.new_state()
        self.backend = backend
        self.frame: SceneFrame | None = None
        #: what the background is computing for the values now set, as a sentence ("" when nothing)
        self.busy = ""
        self._closed = False
        self._generation = 0
        self._awaited: ComputeJob | None = None  # the job whose frame is for the current values
        self._canvas_note = ""  # the busy sentence drawn over the last picture
        self._note_frame: SceneFrame | None = None
        self._note_shown_at = 0.0
        self._note_laid_out = True
        self._worker: BackgroundCompute | None = None
        self._poll_timer = None
        self._frame_listeners: list[FrameListener] = []
        self._error_listeners: list[ErrorListener] = []
        self._busy_listeners: list[BusyListener] = []
        self._backend_listeners: list[Callable[[Backend], None]] = []
        self.state.connect(self._on_state_changed)
        canvas.on_view_changed(self._on_view_changed)
        canvas.on_drag(self._on_drag)
        canvas.set_view(view or scene.default_view.with_pixels(canvas.current_view().pixels))
        self.refresh()

    def on_frame(self, listener: FrameListener) -> None:
        self._frame_listeners.append(listener)

    def on_error(self, listener: ErrorListener) -> None:
        self._error_listeners.append(listener)

    def on_busy(self, listener: BusyListener) -> None:
        """``listener(sentence)`` when background work for the current values starts, goes on or ends ("")."""
        self._busy_listeners.append(listener)

    def set_backend(self, backend: Backend) -> None:
        self.backend = backend
        self.refresh()

    def refresh(self) -> SceneFrame | None:
        """Compute the scene for the current state and view and show it; the frame shown now.

        Without ``progressive`` this computes and draws before it returns. With it (the
        window), a scene that names slow work is computed wholly in the background
        (``None`` is returned and the last picture stays), and a scene that offers
        ``coarse_values`` is drawn coarse at once and refined in the background
        ``REFINE_DELAY_S`` after the last change. A GPU that fails (out of memory, a
        lost device) hands the work to numpy for good, with a message; any other
        failure keeps the last picture and is reported.
        """
        if self._closed:
            return None
        values = self.state.as_dict()
        view = self.canvas.current_view()
        if not self.progressive:
            return self._compute_and_show(values, view)
        awaited = self._awaited
        if awaited is not None and (awaited.values, awaited.view, awaited.backend) == (values, view, self.backend):
            return None if awaited.slow_work else self.frame  # the frame on its way is already this one
        self._generation += 1
        self._awaited = None
        slow = self._slow_work(values)
        if slow:
            self._submit(ComputeJob(self._generation, values, view, self.backend, slow_work=slow))
            self._show_note(slow)
            self._set_busy(slow)
            return None
        coarse = self._coarse_values(values)
        if not coarse:
            if self._worker is not None:
                self._worker.cancel_pending()
            self._set_busy("")
            return self._compute_and_show(values, view)
        frame = self._compute_and_show({**values, **coarse}, view)
        if frame is not None:
            self._submit(ComputeJob(self._generation, values, view, self.backend, delay=self.REFINE_DELAY_S))
        self._set_busy("")
        return frame

    def wait_until_idle(self, timeout: float = 60.0, step: Callable[[], None] | None = None) -> bool:
        """Run ``step`` (an event-loop pass) until the frame for the current values is drawn; False on timeout."""
        deadline = time.monotonic() + timeout
        while self._awaited is not None and time.monotonic() < deadline:
            if step is not None:
                step()
            else:
                self._poll()
            time.sleep(self.POLL_INTERVAL_S)
        return self._awaited is None

    # -- computing -------------------------------------------------------------
    def _slow_work(self, values: dict[str, Any]) -> str:
        try:
            return self.scene.slow_work(values)
        except Exception:  # noqa: BLE001 - compute will meet the same problem and report it
            log.exception("slow_work of %s failed", self.scene.name)
            return ""

    def _coarse_values(self, values: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.scene.coarse_values(values)
        except Exception:  # noqa: BLE001 - compute will meet the same problem and report it
            log.exception("coarse values of %s failed", self.scene.name)
            return {}

    def _compute_and_show(self, values: dict[str, Any], view: View) -> SceneFrame | None:
        try:
            frame = self.scene.compute(values, view, self.backend)
        except Exception as exc:  # noqa: BLE001 - any failure keeps the last picture
            return self._failed(exc, self.backend)
        self._show(frame)
        return frame

    def _failed(self, exc: BaseException, backend: Backend | None) -> SceneFrame | None:
        """A failed compute: a GPU hands over to numpy (and recomputes), anything else is reported."""
        if backend is not None and backend.is_gpu and backend is self.backend:
            return self._fall_back_to_cpu(exc)
        log.error("computing scene %s failed", self.scene.name, exc_info=exc)
        self._report(f"{self.scene.title}: could not compute ({type(exc).__name__}: {exc})")
        return None

    def _show(self, frame: SceneFrame) -> None:
        self.frame = frame
        self._canvas_note = ""
        self.canvas.show_frame(frame)
        for listener in list(self._frame_listeners):
            listener(frame)

    def _show_note(self, sentence: str) -> None:
        """The last picture (or an empty plane) with ``sentence`` as its message, until the frame comes."""
        if sentence == self._canvas_note:
            return
        self._canvas_note = sentence
        base = self.frame if self.frame is not None else SceneFrame(())
        self._note_frame = dataclasses.replace(base, message=sentence)
        self._note_shown_at = time.monotonic()
        self._note_laid_out = False
        self.canvas.show_frame(self._note_frame)

    def _compute_in_background(self, job: ComputeJob) -> SceneFrame | None:
        """On the worker: the slow work (one scene at a time), then the frame unless already stale.

        Both stop early (:mod:`derivlab.compute.interrupt`) when they are no longer wanted:
        the slow work when a newer request needs other slow work (a different network to
        train; a newer request for the same training lets it finish), the frame when any
        newer request waits.
        """
        worker = self._worker

        def stale() -> bool:
            return worker is None or worker.newer_than(job)

        try:
            if job.slow_work:
                with _SLOW_WORK_LOCK:
                    if stale():
                        return None
                    with interruptible(self._other_slow_work_waits(worker, job)):
                        self.scene.prepare(job.values)
                if stale():
                    return None  # the work is cached for the newer request; its frame is what counts
            with interruptible(stale):
                return self.scene.compute(job.values, job.view, job.backend)
        except Interrupted:
            return None

    def _other_slow_work_waits(self, worker: BackgroundCompute | None, job: ComputeJob) -> Callable[[], bool]:
        """A test for :func:`interruptible`: a newer request waits whose slow work differs from ``job``'s."""
        mine = self.scene.slow_work_key(job.values)
        seen: dict[int, bool] = {}

        def differs() -> bool:
            if worker is None or worker.closed:
                return True
            pending = worker.newest_pending()
            if pending is None or pending.generation <= job.generation:
                return False
            if pending.generation not in seen:
                seen[pending.generation] = self.scene.slow_work_key(pending.values) != mine
            return seen[pending.generation]

        return differs

    def _submit(self, job: ComputeJob) -> None:
        if self._worker is None:
            self._worker = BackgroundCompute(self._compute_in_background, name=f"derivlab-{self.scene.name}")
        self._awaited = dataclasses.replace(job, submitted=time.monotonic())
        self._worker.submit(self._awaited)
        self._start_polling()

    def _start_polling(self) -> None:
        from vispy import app

        if self._poll_timer is None:
            self._poll_timer = app.Timer(self.POLL_INTERVAL_S, connect=self._poll, start=False,
                                         app=self.canvas.canvas.app)
        if not self._poll_timer.running:
            self._poll_timer.start()

    def _poll(self, event=None) -> None:
        """On the UI thread: draw the frame finished for the current values; drop stale ones."""
        if self._closed or self._worker is None:
            self._stop_polling()
            return
        while True:
            try:
                outcome = self._worker.outcomes.get_nowait()
            except queue.Empty:
                break
            self._apply(outcome)
            if self._closed:
                return
        if self._awaited is None:
            self._set_busy("")
            if self._worker.idle() and self._worker.outcomes.empty():
                self._stop_polling()
            return
        job = self._awaited
        if self._canvas_note and not self._note_laid_out and time.monotonic() - self._note_shown_at > self.RELAYOUT_NOTE_S:
            # once more after the first paint: a canvas shown just now lays its overlays out
            # before its planes have their sizes, which would put the note off the canvas
            self._note_laid_out = True
            self.canvas.show_frame(self._note_frame)
        elapsed = time.monotonic() - job.submitted
        if job.slow_work:
            self._set_busy(f"{job.slow_work} {elapsed:.0f} s" if elapsed >= 1.0 else job.slow_work)
        elif elapsed > job.delay + self.BUSY_AFTER_S:
            self._set_busy("Refining the picture …")

    def _apply(self, outcome: ComputeOutcome) -> None:
        job = outcome.job
        if self._closed or job.generation != self._generation:
            return  # a later change asked for another frame
        if outcome.frame is None and outcome.error is None:
            return  # skipped for a newer request
        self._awaited = None
        self._set_busy("")
        if outcome.error is not None:
            self._failed(outcome.error, job.backend)
            return
        self._show(outcome.frame)

    def _stop_polling(self) -> None:
        if self._poll_timer is not None:
            self._poll_timer.stop()

    def _set_busy(self, sentence: str) -> None:
        if sentence == self.busy:
            return
        self.busy = sentence
        for listener in list(self._busy_listeners):
            listener(sentence)

    def on_backend_changed(self, listener: Callable[[Backend], None]) -> None:
        self._backend_listeners.append(listener)

    def _fall_back_to_cpu(self, exc: BaseException) -> SceneFrame | None:
        from derivlab.compute.backend import is_out_of_memory, numpy_backend

        gpu = self.backend
        what = "ran out of memory" if is_out_of_memory(exc) else f"failed ({type(exc).__name__}: {exc})"
        log.warning("GPU %s in scene %s; continuing on the CPU", what, self.scene.name, exc_info=exc)
        try:
            gpu.free_memory()
        except Exception:  # noqa: BLE001 - the device may be gone
            pass
        self.backend = numpy_backend()
        self._report(f"The GPU {what}; derivlab now computes on the CPU with numpy.")
        for listener in list(self._backend_listeners):
            listener(self.backend)
        return self.refresh()

    def set_values(self, values: dict[str, Any]) -> None:
        """Set several parameters; a refused value is reported and changes nothing."""
        try:
            self.state.update(values)
        except ParameterError as exc:
            self._report(str(exc))

    def close(self) -> None:
        """Stop following the state and the canvas (another scene takes the canvas over).

        Background work still running finishes unseen: a closed presenter never draws.
        """
        self._closed = True
        self._awaited = None
        self._stop_polling()
        if self._worker is not None:
            self._worker.close()
        self.state.disconnect(self._on_state_changed)
        self.canvas.disconnect(self._on_view_changed)
        self.canvas.disconnect(self._on_drag)

    def _report(self, message: str) -> None:
        for listener in list(self._error_listeners):
            listener(message)

    def _on_state_changed(self, changed: dict[str, Any]) -> None:
        try:
            follow = self.scene.linked_values(changed, self.state.as_dict())
        except Exception as exc:  # noqa: BLE001
            log.exception("linked values of %s failed", self.scene.name)
            follow = {}
            self._report(f"{self.scene.title}: {exc}")
        follow = {k: v for k, v in follow.items() if self.state[k] != v}
        if follow:
            try:
                self.state.update(follow)  # hears itself once more, then refreshes
                return
            except ParameterError as exc:
                self._report(str(exc))
        self.refresh()

    def _on_view_changed(self, view: View) -> None:
        self.refresh()

    def _on_drag(self, values: dict[str, float]) -> None:
        """A dragged point: each coordinate is clamped to its parameter's range, then set together."""
        try:
            clamped = {}
            for name, value in values.items():
                declaration = self.state.declaration(name)
                clamped[name] = min(max(value, declaration.minimum), declaration.maximum)
            self.state.update(clamped)
        except ParameterError as exc:
            self._report(str(exc))
