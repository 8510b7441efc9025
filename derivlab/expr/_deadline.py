"""Run pure-Python work (sympy) under a wall-clock deadline in the calling thread.

A trace function installed with :func:`sys.settrace` is called on every Python
function call; once the deadline has passed it raises :class:`DeadlineExceeded`
(a ``BaseException``, so ``except Exception`` clauses inside sympy do not swallow
it). The work is abandoned where it stands; nothing keeps running in the
background, unlike a thread that is merely no longer waited for.
"""

from __future__ import annotations

import inspect
import sys
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class DeadlineExceeded(BaseException):
    """The bounded work ran past its deadline."""


_current = threading.local()
_GENERATOR_FLAGS = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR
# Code the garbage collector runs on its own (finalisers, weak-reference callbacks): an
# exception raised there is only printed as "Exception ignored", so the tracer waits for
# the next ordinary call instead.
_COLLECTOR_CODE = {"__del__", "remove", "_remove_dead_weakref", "_cb", "callback"}


def _run_by_collector(frame) -> bool:
    """Whether this call runs inside a generator or, at any depth, inside a finaliser or weak-reference callback.

    Walked only once the deadline has passed, so ordinary calls pay nothing for it.
    """
    if frame.f_code.co_flags & _GENERATOR_FLAGS:
        return True
    while frame is not None:
        name = frame.f_code.co_name
        if name in _COLLECTOR_CODE or name.endswith("callback"):  # gc.callbacks, weakref callbacks
            return True
        frame = frame.f_back
    return False


def run_with_deadline(work: Callable[[], T], seconds: float) -> T:
    """Return ``work()``, or raise :class:`DeadlineExceeded` after ``seconds``.

    Only Python-level work can be interrupted; the callers keep the C-level
    pieces (big-integer arithmetic) small through the parser's caps. Nested
    calls keep the earlier of the two deadlines.
    """
    deadline = time.monotonic() + max(0.0, seconds)
    outer = getattr(_current, "deadline", None)
    if outer is not None:
        deadline = min(deadline, outer)
    previous = sys.gettrace()

    def tracer(frame, event, arg):  # noqa: ARG001 - signature fixed by sys.settrace
        # not inside generators: one being closed by the garbage collector would
        # only print "Exception ignored"; the next ordinary call raises instead
        if time.monotonic() > deadline and not _run_by_collector(frame):
            raise DeadlineExceeded
        return None

    _current.deadline = deadline
    sys.settrace(tracer)
    try:
        return work()
    finally:
        sys.settrace(previous)
        _current.deadline = outer
