"""The one path from scene state to pixels: state → ``scene.compute`` → canvas.

The window, the exporter, the self-test and the benchmarks all draw through a
:class:`ScenePresenter`; nothing draws by a private route.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from derivlab.model import ParameterError, SceneState, View
from derivlab.scenes import Scene, SceneFrame

from .canvas import PlotCanvas

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend

log = logging.getLogger(__name__)

FrameListener = Callable[[SceneFrame], None]
ErrorListener = Callable[[str], None]


class ScenePresenter:
    """Keeps a canvas showing ``scene`` for the values in ``state``.

    It recomputes when a parameter changes or the view pans or zooms. A failure
    in ``compute`` leaves the last good picture on screen and is reported to the
    error listeners as a sentence.
    """

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
        self._refine_timer = None
        self.canvas = canvas
        self.state = state if state is not None else scene.new_state()
        self.backend = backend
        self.frame: SceneFrame | None = None
        self._frame_listeners: list[FrameListener] = []
        self._error_listeners: list[ErrorListener] = []
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

    def set_backend(self, backend: Backend) -> None:
        self.backend = backend
        self.refresh()

    REFINE_DELAY_S = 0.12

    def refresh(self, refine: bool = False) -> SceneFrame | None:
        """Compute the scene for the current state and view and show it.

        With ``progressive`` on (the window), a scene that offers ``coarse_values`` is
        drawn coarse at once and refined ``REFINE_DELAY_S`` after the last change.
        A GPU that fails (out of memory, a lost device) hands the work to numpy for
        good, with a message; any other failure keeps the last picture and is reported.
        """
        values = self.state.as_dict()
        if self.progressive and not refine:
            coarse = self.scene.coarse_values(values)
            if coarse:
                values = {**values, **coarse}
                self._schedule_refine()
        try:
            frame = self.scene.compute(values, self.canvas.current_view(), self.backend)
        except Exception as exc:  # noqa: BLE001 - any failure keeps the last picture
            if self.backend is not None and self.backend.is_gpu:
                return self._fall_back_to_cpu(exc)
            log.exception("computing scene %s failed", self.scene.name)
            self._report(f"{self.scene.title}: could not compute ({type(exc).__name__}: {exc})")
            return None
        self.frame = frame
        self.canvas.show_frame(frame)
        for listener in list(self._frame_listeners):
            listener(frame)
        return frame

    def _schedule_refine(self) -> None:
        from vispy import app

        if self._refine_timer is None:
            self._refine_timer = app.Timer(self.REFINE_DELAY_S, connect=self._refine, iterations=1, start=False,
                                           app=self.canvas.canvas.app)
        self._refine_timer.stop()
        self._refine_timer.start()

    def _refine(self, event=None) -> None:
        self.refresh(refine=True)

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
        """Stop following the state and the canvas (another scene takes the canvas over)."""
        if self._refine_timer is not None:
            self._refine_timer.stop()
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
