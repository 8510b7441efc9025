"""The window remembers its session, and unexpected errors end in a dialog, not a crash."""

import sys

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from derivlab.model import View
from derivlab.model.session import Session, SessionStore
from derivlab.qt.app import qt_application
from derivlab.qt.errors import ErrorDialog, install_error_dialog
from derivlab.qt.main_window import MainWindow


@pytest.fixture
def store(tmp_path):
    return SessionStore(tmp_path)


def make_window(qtbot, store):
    qt_application()
    w = MainWindow("secant", {}, store=store)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_session_is_saved_on_close_and_restored(qtbot, store):
    w = make_window(qtbot, store)
    w.presenter.state.update({"f": "sin(x)", "h": -0.125})
    w.plot.set_view(View(-1, 3, -2, 2))
    w.set_theme("dark")
    w.close()
    saved = store.load().session
    assert saved.scene == "secant" and saved.values["secant"]["h"] == -0.125 and saved.theme == "dark"

    again = make_window(qtbot, store)
    skipped = again.restore_session(saved)
    assert skipped == []
    assert again.presenter.state["f"] == "sin(x)" and again.presenter.state["h"] == -0.125
    assert again.theme == "dark"
    view = again.plot.current_view()
    assert view.x_min == pytest.approx(-1) and view.x_max == pytest.approx(3)


def test_invalid_remembered_values_are_skipped_with_a_message(qtbot, store):
    w = make_window(qtbot, store)
    session = Session(scene="secant", values={"secant": {"h": 0, "f": "x^", "a": 0.5}, "gone": {"q": 1}})
    skipped = w.restore_session(session)
    assert set(skipped) == {"secant: h", "secant: f", "scene 'gone'"}
    assert w.presenter.state["a"] == 0.5 and w.presenter.state["h"] == 1.0


def test_autosave_writes_only_after_a_change(qtbot, store):
    w = make_window(qtbot, store)
    w._dirty = False
    assert not w.save_session()
    w.presenter.state.set("a", 0.25)
    assert w.save_session()
    assert store.load().session.values["secant"]["a"] == 0.25


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_shows_a_dialog_and_the_app_keeps_running(qtbot, store):
    w = make_window(qtbot, store)
    previous = sys.excepthook
    reporter = install_error_dialog()
    try:
        def broken_slot():
            raise RuntimeError("boom in a timer")

        for _ in range(3):
            QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(lambda: reporter.count == 3, timeout=5000)
        dialogs = [d for d in QApplication.topLevelWidgets() if isinstance(d, ErrorDialog) and d.isVisible()]
        assert len(dialogs) == 1  # repeats are counted in the open dialog
        assert "boom in a timer" in dialogs[0].text() and "3 times" in dialogs[0].text()
        assert "RuntimeError" in dialogs[0].detailedText()
        dialogs[0].copy_report()
        assert "boom in a timer" in QApplication.clipboard().text()
        dialogs[0].close()
        # Still alive: the window answers a change.
        w.presenter.state.set("a", 0.75)
        assert w.readouts.value_texts()["f′(a)"] == f"{3 * 0.75**2 - 3:.10g}".replace("-", "−")
    finally:
        sys.excepthook = previous


def test_after_a_crash_the_session_is_restored_only_if_the_person_agrees(qtbot, store, monkeypatch):
    from derivlab.qt.app import open_main_window

    store.save(Session(scene="secant", values={"secant": {"a": -0.5}}))
    store.mark_running()  # the last run never closed
    answers = []

    def ask(self, title, question):
        answers.append(question)
        return False

    monkeypatch.setattr(MainWindow, "ask", ask)
    w = open_main_window(None, {}, None, store)
    qtbot.addWidget(w)
    assert answers and "did not close normally" in answers[0]
    assert w.presenter.state["a"] == 1.3  # declined: defaults

    monkeypatch.setattr(MainWindow, "ask", lambda self, t, q: True)
    w2 = open_main_window(None, {}, None, store)
    qtbot.addWidget(w2)
    assert w2.presenter.state["a"] == -0.5


def test_command_line_values_win_over_the_session(qtbot, store):
    from derivlab.qt.app import open_main_window

    store.save(Session(scene="secant", values={"secant": {"a": -0.5, "h": 0.5}}, theme="dark"))
    w = open_main_window("secant", {"h": 0.01}, "light", store)
    qtbot.addWidget(w)
    assert w.presenter.state["a"] == -0.5 and w.presenter.state["h"] == 0.01 and w.theme == "light"
