"""The About dialog: version, edition, compute backend, and the third-party notices.

Installers ship ``THIRD_PARTY_NOTICES.txt`` (written at build time from what was
bundled, see ``packaging/notices.py``) next to ``shaders/`` and ``assets/``; the
dialog shows it. Run from source, it lists the installed packages and their
licences from their metadata instead.
"""

from __future__ import annotations

import importlib.metadata as metadata
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from derivlab import __version__
from derivlab.resources import data_root

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend

NOTICES_FILE = "THIRD_PARTY_NOTICES.txt"

# What derivlab runs on, for the summary when no notices file was bundled.
MAIN_DISTRIBUTIONS = (
    "PySide6-Essentials", "shiboken6", "vispy", "numpy", "sympy", "mpmath", "matplotlib",
    "pillow", "av", "platformdirs", "freetype-py", "cupy-cuda12x", "cupy-cuda13x",
    "nvidia-cuda-nvrtc-cu12", "nvidia-cuda-nvrtc",
)


def edition() -> str:
    """``"CPU edition"`` or ``"GPU edition"`` for an installed build, ``"from source"`` otherwise."""
    if not getattr(sys, "frozen", False):
        return "from source"
    try:
        name = (data_root() / "EDITION").read_text(encoding="utf-8").strip()
    except OSError:
        return "installed"
    return f"{name.upper()} edition"


def _licence(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    text = meta.get("License-Expression") or meta.get("License") or ""
    if not text or len(text) > 80 or "\n" in text:
        classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
        text = "; ".join(classifiers) or (text.splitlines()[0][:80] if text else "see the package")
    return text


def source_summary() -> str:
    """The packages derivlab uses, with versions and licences, read from their installed metadata."""
    lines = [
        "derivlab is running from source. The installers ship a THIRD_PARTY_NOTICES.txt with the",
        "full licence texts of everything they bundle; here are the packages in use and their",
        "declared licences:",
        "",
    ]
    for name in MAIN_DISTRIBUTIONS:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        lines.append(f"  {dist.metadata['Name']} {dist.version}: {_licence(dist)}")
    lines += [
        "",
        "Qt for Python (PySide6) and Qt are used under the LGPL-3.0. The FFmpeg libraries in the",
        "PyAV wheel are LGPL, and the wheel also carries GPL codecs (x264, x265).",
    ]
    return "\n".join(lines)


def notices_text() -> str:
    """The bundled third-party notices, or :func:`source_summary` when none were bundled."""
    try:
        return (data_root() / NOTICES_FILE).read_text(encoding="utf-8")
    except OSError:
        return source_summary()


class AboutDialog(QDialog):
    """Version, edition and backend at the top; the third-party notices below, scrollable."""

    def __init__(self, backend: Backend | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About derivlab")
        self.resize(760, 560)
        layout = QVBoxLayout(self)
        backend_line = (
            f"Backend: {backend.name} — {backend.device}" + (f"<br><i>{backend.reason}</i>" if backend.reason else "")
            if backend is not None
            else "Backend: not chosen yet"
        )
        self.summary = QLabel(
            f"<b>derivlab {__version__}</b> ({edition()})<br>Make derivatives visible.<br><br>"
            f"{backend_line}<br><br>"
            "derivlab is free software under the MIT licence. It is built with Qt for Python "
            "(LGPL-3.0), VisPy, NumPy, SymPy, matplotlib, Pillow, PyAV with FFmpeg and, in the "
            "GPU edition, CuPy and the NVIDIA CUDA runtime. Their notices follow."
        )
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        self.notices = QPlainTextEdit(notices_text())
        self.notices.setReadOnly(True)
        self.notices.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.notices.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout.addWidget(self.notices, stretch=1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
