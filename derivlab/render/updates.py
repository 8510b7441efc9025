"""Assigning to VisPy visuals without marking them changed when nothing changes.

VisPy marks a visual changed (and uploads its data again) on every assignment,
even of the same value. A frame of an animation leaves most visuals as they were;
assigning through these helpers keeps those unmarked, so they can stay in the
picture of unchanged layers (:mod:`derivlab.render.layers`) and skip the upload.
"""

from __future__ import annotations

import weakref

import numpy as np

_DATA_STATE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _data_key(value):
    if isinstance(value, np.ndarray):
        return (value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, (list, tuple)):
        return tuple(_data_key(v) for v in value)
    return value


def set_data(visual, **data) -> None:
    """``visual.set_data(**data)``, skipped when ``data`` equal the last call's.

    The comparison is by value (dtype, shape and bytes of arrays), so an array must
    not be changed in place after it was passed: VisPy keeps a reference to it and
    uploads it later, and equal bytes next time would skip the call. Pass fresh arrays.
    """
    key = tuple((name, _data_key(value)) for name, value in sorted(data.items()))
    if _DATA_STATE.get(visual) != key:
        visual.set_data(**data)
        _DATA_STATE[visual] = key


def set_visible(visual, shown) -> None:
    """Show or hide a visual, without marking it changed when it already is so."""
    shown = bool(shown)
    if visual.visible != shown:
        visual.visible = shown


def set_order(visual, order: float) -> None:
    """Set a visual's drawing order (larger on top); the canvas sorts its nodes again when it changes."""
    if visual.order != order:
        visual.order = order
        canvas = getattr(visual, "canvas", None)
        if canvas is not None:
            canvas._draw_order.clear()  # VisPy sorts children only when the scene graph changes
