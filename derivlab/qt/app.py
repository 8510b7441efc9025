"""Starting the Qt application: the VisPy backend, the main window, unexpected errors."""

from __future__ import annotations

import logging
import sys
import traceback
from typing import Any

log = logging.getLogger(__name__)


def qt_application():
    """The QApplication, created once, with VisPy told to use it."""
    from PySide6.QtWidgets import QApplication

    from derivlab.render.offscreen import use_qt_app

    application = QApplication.instance() or QApplication(sys.argv[:1])
    application.setApplicationName("derivlab")
    application.setOrganizationName("derivlab")
    use_qt_app()
    return application


def install_exception_dialog() -> None:
    """Show unexpected errors in a dialog with a copyable report; the app keeps running."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    def hook(exc_type, exc, tb) -> None:
        report = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unexpected error\n%s", report)
        if QApplication.instance() is None:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, "derivlab: something went wrong",
                          f"{exc_type.__name__}: {exc}\n\nderivlab is still running; nothing was lost.")
        box.setDetailedText(report)
        box.exec()

    sys.excepthook = hook


def run_gui(scene: str, values: dict[str, Any], theme: str = "light") -> int:
    """Open the main window on ``scene`` with ``values``; returns the exit code."""
    application = qt_application()
    from .glcheck import require_opengl

    if (exit_code := require_opengl()) is not None:
        return exit_code
    install_exception_dialog()
    from .main_window import MainWindow

    window = MainWindow(scene, values, theme=theme)
    window.show()
    return application.exec()
