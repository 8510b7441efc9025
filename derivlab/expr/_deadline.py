"""Run pure-Python work (sympy) under a wall-clock deadline in the calling thread.

A trace function installed with :func:`sys.settrace` is called on every Python
function call; once the deadline has passed it raises :class:`DeadlineExceeded`
(a ``BaseException``, so ``except Exception`` clauses inside sympy do not swallow
it). The work is abandoned where it stands; nothing keeps running in the
background, unlike a thread that is merely no longer waited for.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class DeadlineExceeded(BaseException):
    """The bounded work ran past its deadline."""


def run_with_deadline(work: Callable[[], T], seconds: float) -> T:
    """Return ``work()``, or raise :class:`DeadlineExceeded` after ``seconds``.

    Only Python-level work can be interrupted; the callers keep the C-level
    pieces (big-integer arithmetic) small through the parser's caps.
    """
    deadline = time.monotonic() + max(0.0, seconds)
    previous = sys.gettrace()

    def tracer(frame, event, arg):  # noqa: ARG001 - signature fixed by sys.settrace
        if time.monotonic() > deadline:
            raise DeadlineExceeded
        return None

    sys.settrace(tracer)
    try:
        return work()
    finally:
        sys.settrace(previous)
