"""Dialogs: exporting the current picture as a PNG frame."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from derivlab.export.atomic import ExportError
from derivlab.export.frames import export_png
from derivlab.render.offscreen import RenderUnavailable
from derivlab.render.themes import THEMES

SIZE_PRESETS = {
    "1920 × 1080 (Full HD)": (1920, 1080),
    "1280 × 720 (HD)": (1280, 720),
    "2560 × 1440 (QHD)": (2560, 1440),
    "3840 × 2160 (4K)": (3840, 2160),
    "7680 × 4320 (8K)": (7680, 4320),
}


class ExportFrameDialog(QDialog):
    """Choose a file, a size and a theme; write the current view of the scene as PNG."""

    def __init__(self, scene, state, view, theme, backend, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export frame")
        self.scene, self.state, self.view, self.backend = scene, state, view, backend
        form = QFormLayout(self)
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._export)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export frame", self.path.text(), "PNG images (*.png)")
        if name:
            self.path.setText(name if name.lower().endswith(".png") else name + ".png")

    def _export(self) -> None:
        size = SIZE_PRESETS[self.size.currentText()]
        # The frame shows the same x and y ranges as the window.
        framed = self.view.with_pixels(size[0])
        try:
            path = export_png(self.path.text(), self.scene, self.state.as_dict(), size, self.theme.currentText(), framed, self.backend)
        except (ExportError, RenderUnavailable, ValueError) as exc:
            QMessageBox.warning(self, "Export failed", str(exc))
            return
        if self.parent() is not None and hasattr(self.parent(), "statusBar"):
            self.parent().statusBar().showMessage(f"Saved {path}", 8000)
        self.accept()
