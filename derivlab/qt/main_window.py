"""derivlab's main window: scene list, canvas, function box, sliders, readouts, status bar."""

from __future__ import annotations

import logging
import math
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from derivlab.compute.backend import Backend, get_backend, numpy_backend
from derivlab.model import ParameterError, SceneState, View
from derivlab.model.lesson import Lesson, LessonError, read_lesson
from derivlab.model.session import Session, SessionStore
from derivlab.render.canvas import PlotCanvas
from derivlab.render.presenter import ScenePresenter
from derivlab.render.themes import THEMES
from derivlab.scenes import DEFAULT_SCENE, SCENES, SceneFrame, get_scene

from .lesson_player import LessonPlayer
from .panels import AnimationBar, FunctionBox, ParameterPanel, ReadoutPanel, TablePanel
from .presentation import PresentationController

log = logging.getLogger(__name__)


class BackendProbe(QObject):
    """Probes CuPy once on a worker thread and reports the chosen backend to the UI thread."""

    finished = Signal(object)

    def start(self) -> None:
        threading.Thread(target=self._run, name="derivlab-backend-probe", daemon=True).start()

    def _run(self) -> None:
        try:
            backend = get_backend()
        except Exception as exc:  # noqa: BLE001 - the probe must never take the app down
            backend = numpy_backend()
            log.warning("backend probe failed: %s", exc)
        self.finished.emit(backend)


STATUS_REASON_CHARS = 60
SCENE_LIST_MAX_WIDTH = 340  # pixels: the canvas keeps the room on a small screen


def brief_reason(reason: str, limit: int = STATUS_REASON_CHARS) -> str:
    """A backend's reason short enough for the status bar: whole when it fits in ``limit`` characters,
    else its first clause (up to ": ", "; " or " ("), else cut at a word with "…". The status
    bar's backend label keeps the whole text as its tooltip."""
    reason = " ".join(reason.split())
    if len(reason) <= limit:
        return reason
    cuts = [reason.find(sep) for sep in (": ", "; ", " (")]
    cut = min((c for c in cuts if c > 0), default=-1)
    if 0 < cut <= limit:
        return reason[:cut]
    head = reason[: limit - 1].rsplit(" ", 1)[0]
    return head + "…"


class MainWindow(QMainWindow):
    """The window a lecturer projects: the canvas large, the controls to the side."""

    AUTOSAVE_MS = 15_000

    def __init__(
        self,
        scene_name: str = DEFAULT_SCENE,
        values: dict[str, Any] | None = None,
        theme: str = "light",
        store: SessionStore | None = None,
    ):
        super().__init__()
        self.store = store
        self.views: dict[str, View] = {}
        self._connected_state: SceneState | None = None
        self._dirty = False
        self._autosave_failed = False
        self.setWindowTitle("derivlab")
        self.resize(1440, 900)
        self.backend: Backend = numpy_backend()
        self.theme = theme
        self.states: dict[str, SceneState] = {}
        self.presenter: ScenePresenter | None = None
        self.plot = PlotCanvas(size=(960, 720), theme=theme, show=False, parent=self)
        self.plot.canvas.native.setMinimumSize(480, 360)
        self.plot.canvas.native.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCentralWidget(self.plot.canvas.native)

        self.scene_list = QListWidget()
        self.scene_list.setObjectName("scene_list")
        for name, scene in SCENES.items():
            item = QListWidgetItem(scene.title)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(f"{scene.title}: {scene.summary}")
            self.scene_list.addItem(item)
        # Wide enough for the longest title (up to SCENE_LIST_MAX_WIDTH); a longer one ends in "…",
        # never in a sideways scroll bar, and its tooltip gives it whole.
        self.scene_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.scene_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        margin = 2 * self.scene_list.frameWidth() + self.scene_list.verticalScrollBar().sizeHint().width() + 8
        self.scene_list.setMinimumWidth(min(SCENE_LIST_MAX_WIDTH, self.scene_list.sizeHintForColumn(0) + margin))
        scenes_dock = QDockWidget("Scenes", self)
        scenes_dock.setObjectName("scenes_dock")
        scenes_dock.setWidget(self.scene_list)
        scenes_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, scenes_dock)

        self.side = QWidget()
        self.side_layout = QVBoxLayout(self.side)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.side)
        scroll.setMinimumWidth(380)
        controls_dock = QDockWidget("Controls", self)
        controls_dock.setObjectName("controls_dock")
        controls_dock.setWidget(scroll)
        controls_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, controls_dock)

        self.backend_label = QLabel("Backend: probing…")
        self.backend_label.setObjectName("backend_label")
        self.gl_label = QLabel("OpenGL: …")
        self.gl_label.setObjectName("gl_label")
        self.busy_label = QLabel()  # what the background is computing, while it does
        self.busy_label.setObjectName("busy_label")
        self.busy_label.hide()
        self.statusBar().addPermanentWidget(self.busy_label)
        self.statusBar().addPermanentWidget(self.backend_label)
        self.statusBar().addPermanentWidget(self.gl_label)

        self.function_boxes: dict[str, FunctionBox] = {}
        self.parameter_panel: ParameterPanel | None = None
        self.readouts = ReadoutPanel()
        self.tables = TablePanel()
        self.animation_bar: AnimationBar | None = None
        self.lesson_player: LessonPlayer | None = None
        self.lesson_path = ""
        self._build_actions()
        self.presentation = PresentationController(self)
        self.scene_list.currentItemChanged.connect(self._on_scene_selected)
        self.plot.on_view_changed(lambda _view: self._sync_slider_ranges())
        self.open_scene(scene_name, values or {})

        self._autosave = QTimer(self)
        self._autosave.setInterval(self.AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_session)
        if store is not None:
            self._autosave.start()

        self._probe = BackendProbe()
        self._probe.finished.connect(self._on_backend_ready)
        self._probe.start()
        QTimer.singleShot(0, self._show_gl_info)

    # -- actions and shortcuts -------------------------------------------------
    def _build_actions(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.export_action = self._action(file_menu, "&Export frame…", "Ctrl+E", self.export_frame_dialog)
        file_menu.addSeparator()
        self._action(file_menu, "&Open lesson…", "Ctrl+O", self.open_lesson_dialog)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", QKeySequence.StandardKey.Quit, self.close)

        view_menu = self.menuBar().addMenu("&View")
        self._action(view_menu, "&Reset view", "Ctrl+0", self.reset_view)
        self._action(view_menu, "Zoom &in", "Ctrl+=", lambda: self.zoom(0.5))
        self._action(view_menu, "Zoom &out", "Ctrl+-", lambda: self.zoom(2.0))
        self._action(view_menu, "Zoom &back (after Shift+drag)", "Backspace", self.plot.zoom_back)
        theme_menu = view_menu.addMenu("&Theme")
        for name in THEMES:
            self._action(theme_menu, name, None, lambda checked=False, n=name: self.set_theme(n))
        self._action(view_menu, "&Full screen", "F11", self.toggle_full_screen)

        scene_menu = self.menuBar().addMenu("&Scene")
        self._action(scene_menu, "&Halve h (h → 0)", "H", lambda: self.scale_step(0.5))
        self._action(scene_menu, "&Double h", "Shift+H", lambda: self.scale_step(2.0))
        self._action(scene_menu, "&Flip the sign of h", "N", lambda: self.scale_step(-1.0))
        self._action(scene_menu, "Move a &left", "Left", lambda: self.nudge("a", -1))
        self._action(scene_menu, "Move a &right", "Right", lambda: self.nudge("a", 1))
        self._action(scene_menu, "&Play or stop the animation", "Space", self.toggle_animation)
        self._action(scene_menu, "Reset &parameters", "Ctrl+R", self.reset_parameters)

        lesson_menu = self.menuBar().addMenu("&Lesson")
        self.present_action = self._action(lesson_menu, "&Present (full screen)", "F5", self.start_presentation)
        self._action(lesson_menu, "&Next step", "PgDown", lambda: self.lesson_player and self.lesson_player.next())
        self._action(lesson_menu, "&Previous step", "PgUp", lambda: self.lesson_player and self.lesson_player.previous())
        toolbar = self.addToolBar("Lecture")
        toolbar.setObjectName("lecture_toolbar")
        toolbar.addAction(self.present_action)

        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", "F1", self.show_shortcuts)
        self._action(help_menu, "&About derivlab", None, self.show_about)

    def _action(self, menu, text, shortcut, slot) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    # -- scenes ----------------------------------------------------------------
    def open_scene(self, name: str, values: dict[str, Any] | None = None) -> None:
        scene = get_scene(name)
        state = self.states.get(name) or scene.new_state()
        self.states[name] = state
        if values:
            state.update(values)
        if self.presenter is not None:
            self.views[self.presenter.scene.name] = self.plot.current_view()
            self.presenter.close()
        if self._connected_state is not None:
            self._connected_state.disconnect(self._on_state_changed)
        self.presenter = ScenePresenter(
            scene, self.plot, state=state, backend=self.backend, view=self.views.get(name), progressive=True
        )
        self.presenter.on_frame(self._on_frame)
        self.presenter.on_error(self.show_error)
        self.presenter.on_backend_changed(self._on_backend_ready)
        self.presenter.on_busy(self._on_busy)
        self._on_busy(self.presenter.busy)
        state.connect(self._on_state_changed)
        self._connected_state = state
        self._dirty = True
        self._build_side_panel(scene, state)
        self.setWindowTitle(f"derivlab — {scene.title}")
        for i in range(self.scene_list.count()):
            item = self.scene_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                self.scene_list.blockSignals(True)
                self.scene_list.setCurrentItem(item)
                self.scene_list.blockSignals(False)
        if self.presenter.frame is not None:
            self._on_frame(self.presenter.frame)

    def _on_scene_selected(self, current, _previous) -> None:
        if current is not None:
            self.open_scene(current.data(Qt.ItemDataRole.UserRole))

    def _build_side_panel(self, scene, state: SceneState) -> None:
        while self.side_layout.count():
            item = self.side_layout.takeAt(0)
            widget = item.widget()
            if widget is not None and widget not in (self.readouts, self.tables):
                widget.deleteLater()
        self.function_boxes = {}
        title = QLabel(f"<b>{scene.title}</b><br>{scene.summary}")
        title.setWordWrap(True)
        self.side_layout.addWidget(title)
        for p in scene.parameters:
            if p.kind == "expression":
                box = FunctionBox(p)
                box.set_text(state[p.name])
                box.submitted.connect(self.set_parameter)
                self.function_boxes[p.name] = box
                self.side_layout.addWidget(box)
        self.parameter_panel = ParameterPanel(state, self.set_parameter)
        self.side_layout.addWidget(self.parameter_panel)
        if self.animation_bar is not None:
            self.animation_bar.stop()
        self.animation_bar = AnimationBar(scene.animations(), self._set_animated)
        self.side_layout.addWidget(self.animation_bar)
        self.side_layout.addWidget(self.readouts)
        self.side_layout.addWidget(self.tables)
        self.side_layout.addStretch(1)
        self._sync_slider_ranges()
        self._show_formulas()

    def _set_animated(self, name: str, value: object) -> None:
        """A value from a play button: integer parameters (steps, orders) move in whole steps."""
        if self.presenter is not None and name in self.presenter.state:
            if self.presenter.state.declaration(name).kind == "integer":
                value = round(float(value))
        self.set_parameter(name, value)

    def set_parameter(self, name: str, value: object) -> None:
        """Set a parameter from a control; a refused value is explained and changes nothing."""
        if self.presenter is None:
            return
        try:
            self.presenter.state.set(name, value)
        except ParameterError as exc:
            if name in self.function_boxes:
                self.function_boxes[name].show_error(str(exc))
            else:
                self.statusBar().showMessage(str(exc), 6000)
                if self.parameter_panel is not None:
                    self.parameter_panel.sync()
            return
        if name in self.function_boxes:
            self.function_boxes[name].show_error("")

    def _on_state_changed(self, changed: dict[str, Any]) -> None:
        self._dirty = True
        if self.parameter_panel is not None:
            self.parameter_panel.sync()
        for name, box in self.function_boxes.items():
            if name in changed:
                box.set_text(changed[name])
                box.show_error("")
        if any(name in self.function_boxes for name in changed):
            self._show_formulas()

    def _show_formulas(self) -> None:
        if self.presenter is None:
            return
        try:
            formulas = self.presenter.scene.function_latex(self.presenter.state.as_dict())
        except Exception as exc:  # noqa: BLE001
            log.warning("typesetting failed: %s", exc)
            formulas = []
        color = self.palette().windowText().color().name()
        for box in self.function_boxes.values():
            box.show_formulas(formulas, color)

    def _on_frame(self, frame: SceneFrame) -> None:
        colors = {role: hex_color for role, hex_color in THEMES["light"].roles.items()}
        self.readouts.show_readouts(frame.readouts, colors, frame.caption)
        self.tables.show_tables(frame.tables)
        if frame.message:
            self.statusBar().showMessage(frame.message, 5000)

    def _on_busy(self, sentence: str) -> None:
        """Background work for the values now set: said in the status bar (and beside the canvas
        while the scene has no picture of its own yet); the frame follows through ``_on_frame``."""
        self.busy_label.setText(sentence)
        self.busy_label.setVisible(bool(sentence))
        if sentence and self.presenter is not None and self.presenter.frame is None:
            self.readouts.show_readouts((), {}, sentence)
            self.tables.show_tables(())

    def _sync_slider_ranges(self) -> None:
        if self.parameter_panel is None:
            return
        view = self.plot.current_view()
        for name, control in self.parameter_panel.controls.items():
            if control.parameter.kind == "real":
                p = control.parameter
                if math.isfinite(p.minimum) and math.isfinite(p.maximum) and p.maximum - p.minimum <= 100:
                    self.parameter_panel.set_slider_range(name, p.minimum, p.maximum)
                else:  # a point on the x axis: the slider spans what is in view
                    self.parameter_panel.set_slider_range(name, view.x_min, view.x_max)

    # -- commands ----------------------------------------------------------------
    def reset_view(self) -> None:
        if self.presenter is not None:
            self.plot.set_view(self.presenter.scene.default_view)

    def zoom(self, factor: float) -> None:
        self.plot.set_view(self.plot.current_view().zoomed(factor))

    def set_theme(self, name: str) -> None:
        self.theme = name
        self.plot.set_theme(name)
        self._dirty = True

    # -- the remembered session ----------------------------------------------------
    def current_session(self) -> Session:
        """Scene, every visited scene's values and view, and the theme, as they are now."""
        if self.presenter is not None:
            self.views[self.presenter.scene.name] = self.plot.current_view()
        return Session(
            scene=self.presenter.scene.name if self.presenter else DEFAULT_SCENE,
            values={name: state.as_dict() for name, state in self.states.items()},
            views={name: [v.x_min, v.x_max, v.y_min, v.y_max] for name, v in self.views.items()},
            theme=self.theme,
            lesson={"path": self.lesson_path, "step": self.lesson_player.index}
            if self.lesson_player is not None and self.lesson_path
            else {},
        )

    def restore_session(self, session: Session, keep_scene: bool = False, keep_theme: bool = False) -> list[str]:
        """Take values, views and theme from ``session``; what cannot be used is skipped and listed."""
        skipped: list[str] = []
        for name, values in session.values.items():
            if name not in SCENES:
                skipped.append(f"scene '{name}'")
                continue
            state = self.states.get(name) or SCENES[name].new_state()
            self.states[name] = state
            with state.batch():
                for key, value in values.items():
                    try:
                        state.set(key, value)
                    except ParameterError:
                        skipped.append(f"{name}: {key}")
        restored_views: dict[str, View] = {}
        for name, bounds in session.views.items():
            try:
                restored_views[name] = View(*bounds)
            except (TypeError, ValueError):
                skipped.append(f"view of '{name}'")
        if not keep_theme and session.theme in THEMES:
            self.set_theme(session.theme)
        current = self.presenter.scene.name if self.presenter else DEFAULT_SCENE
        target = current if keep_scene or session.scene not in SCENES else session.scene
        self.open_scene(target)  # (this remembers the view being left, so restored views go in after)
        self.views.update(restored_views)
        if target in restored_views:
            self.plot.set_view(restored_views[target])
        lesson = session.lesson
        if isinstance(lesson.get("path"), str) and Path(lesson["path"]).is_file():
            step = lesson.get("step", 0)
            self.load_lesson(lesson["path"], start=step if isinstance(step, int) else 0)
        if skipped:
            self.statusBar().showMessage("Not restored (no longer valid): " + ", ".join(skipped), 10000)
        self._dirty = False
        return skipped

    def save_session(self) -> bool:
        """Write the session if it changed; a failure is said once in the status bar."""
        if self.store is None or not self._dirty:
            return False
        try:
            self.store.save(self.current_session())
        except OSError as exc:
            if not self._autosave_failed:
                self.statusBar().showMessage(f"Could not save the session: {exc.strerror or exc}", 10000)
            self._autosave_failed = True
            return False
        self._dirty = False
        self._autosave_failed = False
        return True

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.animation_bar is not None:
            self.animation_bar.stop()
        self._dirty = True
        self.save_session()
        super().closeEvent(event)

    def show_warning(self, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
        box.setModal(False)
        box.show()

    def ask(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(self, title, question, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def toggle_full_screen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def scale_step(self, factor: float) -> None:
        """Multiply h by ``factor`` (clamped to its declared range)."""
        if self.presenter is None:
            return
        state = self.presenter.state
        for p in state.parameters:
            if p.kind == "step":
                h = state[p.name] * factor
                magnitude = min(max(abs(h), p.minimum), p.maximum)
                self.set_parameter(p.name, magnitude if h > 0 else -magnitude)
                return

    def nudge(self, name: str, direction: int) -> None:
        if self.presenter is None or name not in self.presenter.state:
            return
        view = self.plot.current_view()
        self.set_parameter(name, self.presenter.state[name] + direction * view.width / 100)

    def toggle_animation(self) -> None:
        if self.animation_bar is not None:
            self.animation_bar.toggle()

    def reset_parameters(self) -> None:
        if self.presenter is not None:
            self.presenter.state.reset()

    # -- lessons and presentation ---------------------------------------------------
    def open_lesson_dialog(self) -> None:
        from derivlab.resources import asset_path

        name, _ = QFileDialog.getOpenFileName(
            self, "Open lesson", str(asset_path("lessons")), "derivlab lessons (*.derivlab.toml *.toml)"
        )
        if name:
            self.load_lesson(name)

    def load_lesson(self, path: str, start: int = 0) -> Lesson | None:
        """Open a lesson file at step ``start``; its problems are listed with their lines."""
        declarations = {name: scene.parameters for name, scene in SCENES.items()}
        try:
            lesson = read_lesson(path, declarations)
        except LessonError as exc:
            self.show_warning("Lesson not opened", str(exc))
            return None
        if lesson.problems:
            listing = "\n".join(str(p) for p in lesson.problems)
            self.show_warning(
                f"Problems in {Path(path).name}",
                f"{len(lesson.steps)} steps loaded; these lines had problems:\n\n{listing}",
            )
        if not lesson.steps:
            return lesson
        if self.lesson_player is not None:
            self.lesson_player.finish()
        self.lesson_player = LessonPlayer(lesson, self, self)
        self.lesson_player.step_changed.connect(self._on_lesson_step)
        self.lesson_path = str(path)
        self.lesson_player.go(start, animate=False)
        return lesson

    def _on_lesson_step(self, index: int) -> None:
        self._dirty = True
        self.presentation.on_step(index)
        step = self.lesson_player.step if self.lesson_player else None
        if step is not None:
            self.statusBar().showMessage(f"Step {index + 1} of {len(self.lesson_player.steps)}: {step.caption}", 8000)

    def start_presentation(self) -> None:
        self.presentation.enter()

    def show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def export_frame_dialog(self) -> None:
        from .dialogs import ExportFrameDialog

        if self.presenter is None:
            return
        dialog = ExportFrameDialog(self.presenter.scene, self.presenter.state, self.plot.current_view(), self.theme, self.backend, self)
        dialog.exec()

    def show_shortcuts(self) -> None:
        lines = []
        for action in self.actions():
            if not action.shortcut().isEmpty():
                lines.append(f"<tr><td><b>{action.shortcut().toString()}</b></td><td>{action.text().replace('&', '')}</td></tr>")
        lines.append("<tr><td><b>Drag</b></td><td>pan the plane; drag a marked point (such as a) to move it</td></tr>")
        lines.append("<tr><td><b>Wheel</b></td><td>zoom about the mouse</td></tr>")
        lines.append("<tr><td><b>Shift+drag</b></td><td>zoom into a rectangle (Backspace: back)</td></tr>")
        QMessageBox.information(self, "Keyboard shortcuts", "<table>" + "".join(lines) + "</table>")

    def show_about(self) -> None:
        from .about import AboutDialog

        AboutDialog(self.backend, self).exec()

    # -- status ------------------------------------------------------------------
    def _on_backend_ready(self, backend: Backend) -> None:
        self.backend = backend
        text = f"Backend: {backend.name} — {backend.device}"
        self.backend_label.setText(text)
        self.backend_label.setToolTip(backend.reason or "CuPy is working on the GPU")
        if backend.reason:
            self.statusBar().showMessage(
                f"Computing on the CPU: {brief_reason(backend.reason)} (the backend's tooltip says why)", 10000
            )
        if self.presenter is not None:
            self.presenter.set_backend(backend)

    def _show_gl_info(self) -> None:
        try:
            info = self.plot.gl_info()
            self.gl_label.setText(f"OpenGL: {info['renderer']}")
            self.gl_label.setToolTip(f"{info['vendor']} — {info['version']}")
        except Exception as exc:  # noqa: BLE001
            self.gl_label.setText(f"OpenGL: unknown ({exc})")
