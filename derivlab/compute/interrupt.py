"""Long computations that stop early when their result is no longer wanted.

A caller that may lose interest (the window's background worker, when a newer
request names other slow work) wraps the work in :func:`interruptible` with a
question, "is this stale now?"; long loops (training, chunked grids) call
:func:`check_interrupted` between steps, which raises :class:`Interrupted` once the
answer is yes. The question lives in a context variable, so it belongs to the
thread that asked and costs nothing elsewhere (exports, tests: no question, no stop).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator

_STALE: contextvars.ContextVar[Callable[[], bool] | None] = contextvars.ContextVar("derivlab_stale", default=None)


class Interrupted(Exception):
    """The result of the running computation is no longer wanted."""


@contextlib.contextmanager
def interruptible(stale: Callable[[], bool]) -> Iterator[None]:
    """Within this block, :func:`check_interrupted` raises :class:`Interrupted` once ``stale()``."""
    token = _STALE.set(stale)
    try:
        yield
    finally:
        _STALE.reset(token)


def check_interrupted() -> None:
    """Raise :class:`Interrupted` if the surrounding :func:`interruptible` block's work is stale."""
    stale = _STALE.get()
    if stale is not None and stale():
        raise Interrupted("a newer request replaced this computation")
