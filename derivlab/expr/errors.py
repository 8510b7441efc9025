"""The one error type of :mod:`derivlab.expr`."""

from __future__ import annotations


class ExpressionError(ValueError):
    """A typed expression that derivlab refuses, with the reason and where it is.

    ``message`` is the reason without the position, ``column`` the 1-based
    column in the typed text (``None`` when the problem has no single place,
    such as an expression that is too long), and ``str(error)`` the one-line
    message shown to the person, e.g. ``unknown name 'y' at column 5``.
    """

    def __init__(self, message: str, column: int | None = None) -> None:
        self.message = message
        self.column = column
        super().__init__(self._line())

    def _line(self) -> str:
        if self.column is None:
            return self.message
        return f"{self.message} at column {self.column}"

    def __str__(self) -> str:
        return self._line()

    def __reduce__(self):  # keeps pickling (e.g. across processes) working
        return (type(self), (self.message, self.column))
