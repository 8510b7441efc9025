"""The visible window of the plane: the x and y ranges a scene is drawn over."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class View:
    """An axis-aligned window [x_min, x_max] × [y_min, y_max] and its width in pixels.

    ``pixels`` is how many columns the canvas has, so a scene can sample a curve
    at about one point per pixel column (or finer) whatever the zoom.
    """

    x_min: float = -2.5
    x_max: float = 2.5
    y_min: float = -4.0
    y_max: float = 4.0
    pixels: int = 1000

    def __post_init__(self) -> None:
        values = (self.x_min, self.x_max, self.y_min, self.y_max)
        if not all(math.isfinite(v) for v in values):
            raise ValueError("a view needs finite bounds")
        if not (self.x_max > self.x_min and self.y_max > self.y_min):
            raise ValueError("a view needs x_max > x_min and y_max > y_min")

    @property
    def width(self) -> float:
        return self.x_max - self.x_min

    @property
    def height(self) -> float:
        return self.y_max - self.y_min

    def with_pixels(self, pixels: int) -> View:
        return replace(self, pixels=max(2, int(pixels)))

    def zoomed(self, factor: float, x: float | None = None, y: float | None = None) -> View:
        """The view scaled by ``factor`` (< 1 zooms in) about the point (x, y), centre by default."""
        cx = (self.x_min + self.x_max) / 2 if x is None else x
        cy = (self.y_min + self.y_max) / 2 if y is None else y
        return replace(
            self,
            x_min=cx + (self.x_min - cx) * factor,
            x_max=cx + (self.x_max - cx) * factor,
            y_min=cy + (self.y_min - cy) * factor,
            y_max=cy + (self.y_max - cy) * factor,
        )
