"""Dialogs: exporting the current picture as a PNG frame, a PNG sequence or a video.

How the window stays responsive during a video export: VisPy's OpenGL contexts
belong to the thread that made them, so frames are drawn in the GUI thread, in
short slices. A zero-interval ``QTimer`` calls ``AnimationExport.step(budget)``,
which draws frames for about :data:`SLICE_SECONDS` and returns to the event
loop; the encoder runs meanwhile in its own worker thread, fed through a small
bounded queue. Moving the drawing to a thread of its own would need a second
GL context made and used only there, for little gain: a slice of ~30 ms keeps
clicks, repaints and the Cancel button prompt, and the encoder (the other half
of the work) already runs in parallel.
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from derivlab.export.atomic import ExportError
from derivlab.export.frames import export_png
from derivlab.export.video import AnimationExport, ExportSettingsError, Progress
from derivlab.model import EASINGS, ParameterError, TimelineError, parallel_timeline, parse_number
from derivlab.model.timeline import Animate
from derivlab.render.offscreen import RenderUnavailable
from derivlab.render.themes import THEMES

SIZE_PRESETS = {
    "1920 × 1080 (Full HD)": (1920, 1080),
    "1280 × 720 (HD)": (1280, 720),
    "2560 × 1440 (QHD)": (2560, 1440),
    "3840 × 2160 (4K)": (3840, 2160),
    "7680 × 4320 (8K)": (7680, 4320),
    "640 × 360 (web preview)": (640, 360),
}

# Format label → (format name, file suffix, a file-dialog filter)
FORMAT_CHOICES = {
    "PNG frame": ("png", ".png", "PNG images (*.png)"),
    "MP4 video (H.264)": ("mp4", ".mp4", "MP4 videos (*.mp4)"),
    "WebM video (VP9)": ("webm", ".webm", "WebM videos (*.webm)"),
    "GIF animation": ("gif", ".gif", "GIF animations (*.gif)"),
    "PNG frames (folder)": ("png-sequence", "", ""),
}

SLICE_SECONDS = 0.03
NO_ANIMATION = "(nothing: still frames)"


def default_animation(scene, state) -> tuple[str, float, float, str] | None:
    """A sensible animation for a scene: its step parameter (h) from its largest size to 0.001
    geometrically, keeping the current sign; otherwise its first real parameter ±1 around now."""
    for p in scene.parameters:
        if p.kind == "step":
            sign = -1.0 if state[p.name] < 0 else 1.0
            return p.name, sign * p.maximum, sign * max(p.minimum, 1e-3), "geometric"
    for p in scene.parameters:
        if p.kind == "real":
            now = float(state[p.name])
            low, high = max(p.minimum, now - 1.0), min(p.maximum, now + 1.0)
            return p.name, low, high, "ease-in-out"
    return None


class ExportFrameDialog(QDialog):
    """Choose a file, format, size, theme and (for videos) fps, duration and what moves.

    PNG frames are written at once; animations run in slices with a progress
    bar, the time left and Cancel (see the module docstring).
    """

    def __init__(self, scene, state, view, theme, backend, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.scene, self.state, self.view, self.backend = scene, state, view, backend
        self.job: AnimationExport | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._step)
        form = QFormLayout(self)

        self.format = QComboBox()
        self.format.addItems(list(FORMAT_CHOICES))
        self.format.currentTextChanged.connect(self._format_changed)
        form.addRow("Format", self.format)

        self.path = QLineEdit(str(Path.home() / f"derivlab-{scene.name}.png"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("File", row)

        self.size = QComboBox()
        self.size.addItems(list(SIZE_PRESETS))
        form.addRow("Size", self.size)
        self.theme = QComboBox()
        self.theme.addItems(list(THEMES))
        self.theme.setCurrentText(theme)
        form.addRow("Theme", self.theme)
        self.transparent = QCheckBox("Transparent background (PNG)")
        form.addRow("", self.transparent)

        self.fps = QSpinBox()
        self.fps.setRange(24, 120)
        self.fps.setValue(60)
        self.fps.setSuffix(" fps")
        form.addRow("Frame rate", self.fps)
        self.duration = QDoubleSpinBox()
        self.duration.setRange(0.5, 600.0)
        self.duration.setDecimals(1)
        self.duration.setValue(5.0)
        self.duration.setSuffix(" s")
        form.addRow("Duration", self.duration)
        self.quality = QSpinBox()
        self.quality.setRange(0, 63)
        self.quality.setValue(23)
        self.quality.setToolTip("crf: lower is better and larger; H.264 0–51 (23 is the usual), VP9 0–63")
        form.addRow("Quality (crf)", self.quality)

        self.parameter = QComboBox()
        numeric = [p.name for p in scene.parameters if p.kind in ("real", "step", "integer")]
        self.parameter.addItems([NO_ANIMATION, *numeric])
        self.start_value = QLineEdit()
        self.end_value = QLineEdit()
        self.easing = QComboBox()
        self.easing.addItems(list(EASINGS))
        animate_row = QHBoxLayout()
        animate_row.addWidget(self.parameter)
        animate_row.addWidget(QLabel("from"))
        animate_row.addWidget(self.start_value)
        animate_row.addWidget(QLabel("to"))
        animate_row.addWidget(self.end_value)
        animate_row.addWidget(self.easing)
        form.addRow("Animate", animate_row)
        suggestion = default_animation(scene, state)
        if suggestion is not None:
            name, start, end, easing = suggestion
            self.parameter.setCurrentText(name)
            self.start_value.setText(f"{start:g}")
            self.end_value.setText(f"{end:g}")
            self.easing.setCurrentText(easing)

        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.status = QLabel("")
        form.addRow(self.progress)
        form.addRow(self.status)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self._export)
        self.cancel_button = QPushButton("Close")
        self.cancel_button.clicked.connect(self._cancel_or_close)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        form.addRow(buttons)
        self._format_changed(self.format.currentText())

    # -- choices ---------------------------------------------------------------
    def format_name(self) -> str:
        return FORMAT_CHOICES[self.format.currentText()][0]

    def _format_changed(self, label: str) -> None:
        name, suffix, _ = FORMAT_CHOICES[label]
        animated = name != "png"
        for widget in (self.fps, self.duration, self.parameter, self.start_value, self.end_value, self.easing):
            widget.setEnabled(animated)
        self.quality.setEnabled(name in ("mp4", "webm"))
        self.quality.setValue(23 if name == "mp4" else 32 if name == "webm" else self.quality.value())
        self.transparent.setEnabled(name in ("png", "png-sequence"))
        if not self.transparent.isEnabled():
            self.transparent.setChecked(False)
        self.fps.setMaximum(50 if name == "gif" else 120)
        text = self.path.text().strip()
        if text:
            p = Path(text.rstrip("/"))
            base = p.with_suffix("") if p.suffix.lower() in (".png", ".mp4", ".webm", ".gif") else p
            self.path.setText(str(base) + (suffix if suffix else "/"))

    def _browse(self) -> None:
        name, suffix, filter_text = FORMAT_CHOICES[self.format.currentText()]
        if name == "png-sequence":
            folder = QFileDialog.getExistingDirectory(self, "Folder for the frames", str(Path.home()))
            if folder:
                self.path.setText(str(Path(folder) / f"derivlab-{self.scene.name}") + "/")
            return
        chosen, _ = QFileDialog.getSaveFileName(self, "Export", self.path.text(), filter_text)
        if chosen:
            self.path.setText(chosen if chosen.lower().endswith(suffix) else chosen + suffix)

    def timeline(self):
        """The timeline the fields describe: one animation over the duration, or a still of that length."""
        duration = float(self.duration.value())
        name = self.parameter.currentText()
        if name == NO_ANIMATION:
            return parallel_timeline([], duration)
        try:
            start = parse_number(self.start_value.text())
            end = parse_number(self.end_value.text())
        except ParameterError as exc:
            raise TimelineError(f"animate {name}: {exc}") from None
        return parallel_timeline([Animate(name, start, end, duration, self.easing.currentText())], duration)

    # -- running -----------------------------------------------------------------
    def _export(self) -> None:
        size = SIZE_PRESETS[self.size.currentText()]
        framed = self.view.with_pixels(size[0])  # the same x and y ranges as the window
        target = self.path.text().strip()
        if self.format_name() == "png":
            try:
                path = export_png(target, self.scene, self.state.as_dict(), size, self.theme.currentText(),
                                  framed, self.backend, transparent=self.transparent.isChecked())
            except (ExportError, RenderUnavailable, ValueError) as exc:
                QMessageBox.warning(self, "Export failed", str(exc))
                return
            self._saved(path)
            self.accept()
            return
        try:
            self.job = AnimationExport(
                target, self.scene, self.timeline(), self.state.as_dict(), size=size, fps=self.fps.value(),
                theme=self.theme.currentText(), view=framed, backend=self.backend, format=self.format_name(),
                quality=self.quality.value() if self.quality.isEnabled() else None,
                transparent=self.transparent.isChecked(), progress=self._progress,
            )
            self.job.start()
        except (ExportSettingsError, TimelineError, ParameterError, ExportError, RenderUnavailable) as exc:
            self.job = None
            QMessageBox.warning(self, "Export", str(exc))
            return
        self.status.setText("; ".join(self.job.notes) or "Drawing the first frame…")
        self._set_running(True)
        self.timer.start()

    def _step(self) -> None:
        job = self.job
        if job is None:
            self.timer.stop()
            return
        try:
            done = job.step(SLICE_SECONDS)
        except ExportError as exc:
            self._stopped(str(exc), failed=not str(exc).startswith("export cancelled"))
            return
        except Exception as exc:  # noqa: BLE001 - the dialog reports and stays usable
            self._stopped(f"{type(exc).__name__}: {exc}", failed=True)
            return
        if done:
            self.timer.stop()
            self.job = None
            self._set_running(False)
            self._saved(job.path)
            self.accept()

    def _progress(self, p: Progress) -> None:
        self.progress.setValue(int(round(100 * p.fraction)))
        left = "" if p.remaining is None or not math.isfinite(p.remaining) else f", about {p.remaining:.0f} s left"
        self.status.setText(f"Frame {p.frames_done} of {p.frames_total}{left}")

    def _stopped(self, message: str, failed: bool) -> None:
        self.timer.stop()
        self.job = None
        self._set_running(False)
        self.progress.setValue(0)
        self.status.setText(message)
        if failed:
            QMessageBox.warning(self, "Export failed", message)

    def _set_running(self, running: bool) -> None:
        self.export_button.setEnabled(not running)
        self.cancel_button.setText("Cancel" if running else "Close")
        for widget in (self.format, self.path, self.size, self.theme, self.fps, self.duration, self.quality,
                       self.parameter, self.start_value, self.end_value, self.easing, self.transparent):
            widget.setEnabled(not running)
        if not running:
            self._format_changed(self.format.currentText())

    def _cancel_or_close(self) -> None:
        if self.job is not None:
            self.job.cancel()  # the next slice stops, removes the temporary file and says so
        else:
            self.reject()

    def _saved(self, path) -> None:
        parent = self.parent()
        if parent is not None and hasattr(parent, "statusBar"):
            parent.statusBar().showMessage(f"Saved {path}", 8000)

    def reject(self) -> None:
        if self.job is not None:  # Escape or the close box while exporting: stop and clean up
            self.timer.stop()
            self.job.abort()
            self.job = None
        super().reject()


ExportDialog = ExportFrameDialog

__all__ = ["ExportDialog", "ExportFrameDialog", "SIZE_PRESETS", "default_animation"]
