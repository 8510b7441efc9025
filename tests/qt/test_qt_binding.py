"""The Qt binding keeps Python's reference counts: PySide6 6.12.0 on Python 3.11 lost a reference
to None on every call of a method returning nothing, and the app aborted after a few minutes."""

from __future__ import annotations

import sys

from derivlab.qt.app import qt_application


def test_calls_returning_nothing_keep_the_reference_count_of_none():
    from PySide6.QtWidgets import QLabel

    qt_application()
    label = QLabel()
    before = sys.getrefcount(None)
    for i in range(2000):
        label.setText(str(i % 7))
    lost = before - sys.getrefcount(None)
    label.deleteLater()
    assert lost < 200, f"{lost} references to None lost in 2000 calls: this PySide6 build leaks (use < 6.12)"
