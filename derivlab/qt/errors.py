"""Unexpected errors end in a dialog with a copyable report, and the app keeps running.

PySide6 hands an exception raised in a slot or a timer callback to
``sys.excepthook``; derivlab's hook logs it and shows a non-modal dialog, so a
failing timer cannot stack up modal dialogs or stop the event loop. Repeats of
the same error while its dialog is open are counted in it, not shown again.
"""

from __future__ import annotations

import logging
import sys
import traceback

from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

log = logging.getLogger(__name__)


class ErrorDialog(QMessageBox):
    """A warning naming the error, with the traceback as details and a Copy report button."""

    def __init__(self, summary: str, report: str):
        super().__init__(QMessageBox.Icon.Warning, "derivlab: something went wrong", "")
        self.setObjectName("error_dialog")
        self.summary = summary
        self.report = report
        self.repeats = 1
        self.setDetailedText(report)
        self.setStandardButtons(QMessageBox.StandardButton.Close)
        copy = QPushButton("Copy report")
        copy.clicked.connect(self.copy_report)
        self.addButton(copy, QMessageBox.ButtonRole.ActionRole)
        self._refresh()

    def _refresh(self) -> None:
        again = f" (happened {self.repeats} times)" if self.repeats > 1 else ""
        self.setText(f"{self.summary}{again}\n\nderivlab is still running and nothing was lost. "
                     "If this keeps happening, copy the report and send it to the developers.")

    def again(self) -> None:
        self.repeats += 1
        self._refresh()

    def copy_report(self) -> None:
        QApplication.clipboard().setText(self.report)


class ErrorReporter:
    """The ``sys.excepthook`` that shows :class:`ErrorDialog` s."""

    def __init__(self):
        self.dialogs: dict[str, ErrorDialog] = {}
        self.count = 0

    def __call__(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        report = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unexpected error\n%s", report)
        self.count += 1
        if QApplication.instance() is None:
            sys.__excepthook__(exc_type, exc, tb)
            return
        summary = f"{exc_type.__name__}: {exc}"
        dialog = self.dialogs.get(summary)
        if dialog is not None and dialog.isVisible():
            dialog.again()
            return
        dialog = ErrorDialog(summary, report)
        dialog.setModal(False)
        self.dialogs[summary] = dialog
        dialog.show()


def install_error_dialog() -> ErrorReporter:
    """Route unexpected exceptions to a dialog; returns the reporter (for tests)."""
    reporter = ErrorReporter()
    sys.excepthook = reporter
    return reporter
