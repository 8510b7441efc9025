"""Sampling a typed function across the visible window."""

from __future__ import annotations

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


def sample_curve(
    function: Function,
    view: View,
    order: int = 0,
    params: Mapping[str, float] | None = None,
    backend: Backend | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """x and f⁽ⁿ⁾(x) on a uniform grid over the view (plus a 2% margin), poles broken.

    Evaluated in float64 on the backend, returned as numpy arrays.
    """
    margin = 0.02 * view.width
    x = np.linspace(view.x_min - margin, view.x_max + margin, sample_count(view))
    y = evaluate(function, x, order=order, params=dict(params or {}), backend=backend)
    if backend is not None:
        y = backend.asnumpy(y)
    return x, break_jumps(x, np.asarray(y, dtype=np.float64), view)
