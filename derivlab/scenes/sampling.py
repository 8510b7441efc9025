"""Sampling a typed function across the visible window."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from derivlab.compute.evaluate import evaluate
from derivlab.model import View

from .base import break_jumps

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend
    from derivlab.expr import Function


def sample_count(view: View, oversample: int = 2, minimum: int = 1000) -> int:
    """Samples across the view: ``oversample`` per pixel column, at least ``minimum``."""
    return int(max(minimum, oversample * view.pixels))


#: curves kept: a frame of an animation that moves a point, not the view, samples the same curve
KEPT_CURVES = 16
_kept: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
_kept_lock = threading.Lock()


def sample_curve(
    function: Function,
    view: View,
    order: int = 0,
    params: Mapping[str, float] | None = None,
    backend: Backend | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """x and f⁽ⁿ⁾(x) on a uniform grid over the view (plus a 2% margin), poles broken.

    Evaluated in float64 on the backend, returned as numpy arrays. The last
    :data:`KEPT_CURVES` results are kept by (function, view, n, parameters,
    backend) and handed out again, read-only: while h shrinks, or a point is
    dragged, the curve is the same and is not evaluated again.
    """
    key = (function, view, order, tuple(sorted((params or {}).items())), backend)
    with _kept_lock:
        kept = _kept.get(key)
        if kept is not None:
            _kept.move_to_end(key)
            return kept
    margin = 0.02 * view.width
    x = np.linspace(view.x_min - margin, view.x_max + margin, sample_count(view))
    y = evaluate(function, x, order=order, params=dict(params or {}), backend=backend)
    if backend is not None:
        y = backend.asnumpy(y)
    y = break_jumps(x, np.asarray(y, dtype=np.float64), view)
    x.flags.writeable = False
    y.flags.writeable = False
    with _kept_lock:
        _kept[key] = (x, y)
        while len(_kept) > KEPT_CURVES:
            _kept.popitem(last=False)
    return x, y
