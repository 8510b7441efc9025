"""Checking pictures by their pixels: is this colour drawn near that point?

The self-test and the render tests compare pixels at places computed from the
mathematics (the tangent passes through this pixel), in the spirit of VisPy's
``compare_render``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def rgb(hex_color: str) -> np.ndarray:
    """``"#E69F00"`` → array([230., 159., 0.])."""
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], float)


def color_near(
    image: np.ndarray,
    col: float,
    row: float,
    color: np.ndarray | str | Sequence[np.ndarray | str],
    radius: int = 3,
    tolerance: float = 70.0,
) -> bool:
    """Whether any pixel within ``radius`` of (col, row) is within ``tolerance`` of ``color``.

    ``color`` is one colour (RGB array or hex text) or a list of them (any matches).
    Distance is Euclidean in 0–255 RGB; points outside the image never match.
    """
    h, w = image.shape[:2]
    c, r = int(round(col)), int(round(row))
    if not (0 <= c < w and 0 <= r < h):
        return False
    colors = [color] if isinstance(color, str) or np.ndim(color) == 1 else list(color)
    patch = image[max(r - radius, 0) : r + radius + 1, max(c - radius, 0) : c + radius + 1, :3].astype(float)
    for one in colors:
        target = rgb(one) if isinstance(one, str) else np.asarray(one, dtype=float)
        if (np.linalg.norm(patch - target, axis=-1) < tolerance).any():
            return True
    return False
