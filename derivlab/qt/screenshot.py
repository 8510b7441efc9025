"""``derivlab present LESSON --screenshot FILE``: a picture of presentation mode at a lesson step."""

from __future__ import annotations

import time


def present_screenshot(lesson: str, screenshot: str, step: int = 1, theme: str = "projector", settle: float = 0.5) -> int:
    """Open the lesson full screen at ``step`` (1-based), wait ``settle`` s, save the screen as PNG."""
    from PySide6.QtWidgets import QApplication

    from .app import qt_application
    from .main_window import MainWindow

    app = qt_application()
    window = MainWindow()
    window.show()
    loaded = window.load_lesson(lesson, start=max(0, step - 1))
    if loaded is None or not loaded.steps:
        print(f"derivlab: the lesson {lesson} has no usable steps", flush=True)
        return 1
    window.presentation.enter(theme=theme)
    window.lesson_player.finish()
    deadline = time.monotonic() + settle
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    window.presenter.wait_until_idle(timeout=120.0, step=app.processEvents)  # e.g. a network still training
    ok = window.grab().save(screenshot, "PNG")
    size = window.size()
    window.presentation.leave()
    window.close()
    QApplication.processEvents()
    print(f"{'wrote' if ok else 'could not write'} {screenshot} ({size.width()}x{size.height()}, step {step}, {theme})")
    return 0 if ok else 1
