"""Starting the Qt application: the VisPy backend, the main window, unexpected errors."""

from __future__ import annotations

import logging
import sys
from typing import Any

from derivlab.scenes import DEFAULT_SCENE

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


def open_main_window(scene: str | None, values: dict[str, Any], theme: str | None, store, restore: bool = True):
    """The main window with the remembered session applied under the command line's choices.

    ``scene``/``values``/``theme`` given on the command line win over the session;
    otherwise the last session is restored, and after a crash (the marker of a
    running app was left behind) only if the person agrees.
    """
    from .main_window import MainWindow

    loaded = store.load() if restore else None
    window = MainWindow(scene or DEFAULT_SCENE, values, theme=theme or "light", store=store)
    window.show()
    if loaded is not None:
        if loaded.message:
            window.show_warning("Session not restored", loaded.message)
        session = loaded.session
        wanted = bool(session.scene) and (
            not loaded.crashed
            or window.ask(
                "Restore the last session?",
                "derivlab did not close normally last time. Restore the scene and values it autosaved?",
            )
        )
        if wanted:
            window.restore_session(session, keep_scene=scene is not None, keep_theme=theme is not None)
            if scene is not None and values:
                window.presenter.set_values(values)
    store.mark_running()
    return window


def run_gui(
    scene: str | None,
    values: dict[str, Any],
    theme: str | None = None,
    restore: bool = True,
    lesson: str | None = None,
    present: bool = False,
) -> int:
    """Check OpenGL, open the main window and run until it closes; returns the exit code."""
    application = qt_application()
    from .glcheck import require_opengl

    if (exit_code := require_opengl()) is not None:
        return exit_code
    from derivlab.model.session import SessionStore

    from .errors import install_error_dialog

    install_error_dialog()
    store = SessionStore()
    window = open_main_window(scene, values, theme, store, restore)
    if lesson:
        window.load_lesson(lesson)
    if present:
        window.start_presentation()
    try:
        return application.exec()
    finally:
        window.save_session()
        store.mark_closed()
