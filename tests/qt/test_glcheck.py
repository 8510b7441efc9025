"""The OpenGL check at start-up: a dialog naming what to do and exit code 3, never a crash."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from derivlab.qt import glcheck
from derivlab.qt.glcheck import EXIT_NO_OPENGL, OpenGLStatus


@pytest.fixture
def shown_boxes(monkeypatch):
    """QMessageBoxes that would have been shown, recorded instead of waiting for a click."""
    from PySide6.QtWidgets import QMessageBox

    boxes: list[dict[str, str]] = []

    def record(box):
        boxes.append({"title": box.windowTitle(), "text": box.text(), "info": box.informativeText(),
                      "details": box.detailedText()})
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "exec", record)
    return boxes


def test_probe_finds_a_usable_opengl_on_this_screen(qapp):
    status = glcheck.probe_opengl()
    assert status.created
    assert status.problem == ""
    assert status.version is not None and status.version >= (2, 1) or status.es
    assert status.version_text


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (OpenGLStatus(created=False, failure="no OpenGL context could be created"), ["no OpenGL context"]),
        (OpenGLStatus(created=True, version=(1, 1), renderer="GDI Generic"), ["OpenGL 1.1", "GDI Generic", "2.1"]),
        (OpenGLStatus(created=True, version=(2, 0)), ["OpenGL 2.0", "2.1 or newer"]),
        (OpenGLStatus(created=True, version=(1, 1), es=True), ["OpenGL ES 1.1", "ES 2.0"]),
    ],
)
def test_problem_names_what_was_found_and_what_is_needed(status, words):
    for word in words:
        assert word in status.problem


@pytest.mark.parametrize(
    "status",
    [OpenGLStatus(created=True, version=(2, 1)), OpenGLStatus(created=True, version=(4, 6)),
     OpenGLStatus(created=True, version=(2, 0), es=True), OpenGLStatus(created=True, version=(3, 2), es=True)],
)
def test_new_enough_opengl_is_no_problem(status):
    assert status.problem == ""


def test_advice_names_drivers_virtual_machines_and_a_software_renderer():
    for platform in ("win32", "linux", "darwin"):
        text = glcheck.advice(platform)
        assert "graphics driver" in text
        assert "3D acceleration" in text
        assert "remote desktop" in text
    assert "QT_OPENGL=software" in glcheck.advice("win32")
    assert "llvmpipe" in glcheck.advice("linux") and "LIBGL_ALWAYS_SOFTWARE=1" in glcheck.advice("linux")


def test_gui_without_opengl_shows_the_dialog_and_exits_3(qapp, monkeypatch, shown_boxes, capsys):
    from derivlab.qt import app as qt_app
    from derivlab.qt import main_window

    monkeypatch.setattr(glcheck, "probe_opengl", lambda: OpenGLStatus(created=False, failure="no OpenGL context could be created"))

    def no_window(*args, **kwargs):
        raise AssertionError("the main window must not open without OpenGL")

    monkeypatch.setattr(main_window, "MainWindow", no_window)
    assert qt_app.run_gui("secant", {}) == EXIT_NO_OPENGL
    assert len(shown_boxes) == 1
    box = shown_boxes[0]
    assert "OpenGL" in box["title"]
    assert "no OpenGL context could be created" in box["text"]
    assert "graphics driver" in box["info"] and "3D acceleration" in box["info"]
    assert "context created: no" in box["details"]
    assert "no OpenGL context could be created" in capsys.readouterr().err


def test_gui_with_old_opengl_names_the_version(qapp, monkeypatch, shown_boxes):
    from derivlab.qt import app as qt_app

    monkeypatch.setattr(
        glcheck, "probe_opengl",
        lambda: OpenGLStatus(created=True, version=(1, 4), renderer="Old Renderer", version_text="1.4 Old"),
    )
    assert qt_app.run_gui("secant", {}) == EXIT_NO_OPENGL
    assert "OpenGL 1.4 (Old Renderer)" in shown_boxes[0]["text"]
    assert "GL version: 1.4 Old" in shown_boxes[0]["details"]


# The same path with a real failure of the platform's OpenGL, in a fresh process (Qt's
# GL integration is chosen once per process): Qt's xcb plugin without GLX or EGL, and
# Mesa made to report OpenGL 1.4.
_RUN_GUI = textwrap.dedent(
    """
    import sys
    from PySide6.QtWidgets import QMessageBox
    QMessageBox.exec = lambda box: print("DIALOG:", box.text(), flush=True) or 0
    from derivlab.qt.app import run_gui
    sys.exit(run_gui("secant", {}))
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the simulations use Qt's xcb plugin and Mesa")
@pytest.mark.parametrize(
    ("env", "expected"),
    [({"QT_XCB_GL_INTEGRATION": "none"}, "no OpenGL context could be created"),
     ({"MESA_GL_VERSION_OVERRIDE": "1.4"}, "offers OpenGL 1.4")],
)
def test_real_opengl_failures_end_in_the_dialog_not_a_crash(env, expected):
    result = subprocess.run(
        [sys.executable, "-c", _RUN_GUI], env={**os.environ, **env, "QT_QPA_PLATFORM": "xcb"},
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == EXIT_NO_OPENGL, result.stderr
    assert "DIALOG:" in result.stdout and expected in result.stdout
    assert "3D acceleration" in result.stderr
