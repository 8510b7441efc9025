"""A VisPy visual for :class:`~derivlab.scenes.drawables.Heatmap`: colour map and contour lines.

The values go to the GPU as one float texture (``r32f``, linearly filtered) of
s = (value − low)/(high − low); the fragment shader ``shaders/glsl/heatmap.frag``
looks s up in a 256-entry colour map and draws the contour lines itself, at a width
in pixels that holds under any zoom (from ``fwidth``). The quad covers the
drawable's x and y ranges, so cell centres fall on texel centres.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from vispy.color import get_colormap
from vispy.gloo import Texture2D, VertexBuffer
from vispy.scene.visuals import create_visual_node
from vispy.visuals import Visual

from derivlab.resources import read_shader
from derivlab.scenes.drawables import Heatmap

from .visuals import set_data, set_order

if TYPE_CHECKING:
    from .canvas import PlotArea

#: value stored for a cell with no value (the shader leaves it empty)
EMPTY = -1.0
#: where heat maps sit: over the grid (orders −100, −99), under axes (−90), fills and lines
ORDER = -95
CONTOUR_COLOR = (1.0, 1.0, 1.0, 0.7)


@lru_cache(maxsize=16)
def colormap_table(name: str) -> np.ndarray:
    """RGBA (256, 4) float32 of VisPy's colour map ``name`` (viridis, magma, …)."""
    return get_colormap(name).map(np.linspace(0.0, 1.0, 256)).astype(np.float32)


def normalized_values(drawable: Heatmap) -> np.ndarray:
    """s = (value − low)/(high − low) as float32 (row 0 at the bottom); NaN cells → :data:`EMPTY`."""
    low, high = drawable.limits()
    values = np.asarray(drawable.values, dtype=np.float64)
    s = (values - low) / (high - low)
    return np.where(np.isfinite(s), s, EMPTY).astype(np.float32)


def expected_color(drawable: Heatmap, value: float) -> np.ndarray:
    """The RGB (0–255) the colour map gives ``value`` (away from contour lines)."""
    low, high = drawable.limits()
    s = min(max((value - low) / (high - low), 0.0), 1.0)
    table = colormap_table(drawable.colormap)
    x = s * 255.0
    i = min(int(x), 254)
    rgba = table[i] + (x - i) * (table[i + 1] - table[i])
    return 255.0 * rgba[:3]


class HeatmapVisual(Visual):
    """A textured quad whose fragment shader colours values and draws contour lines."""

    def __init__(self) -> None:
        super().__init__(vcode=read_shader("glsl", "heatmap.vert"), fcode=read_shader("glsl", "heatmap.frag"))
        self._values = Texture2D(
            np.zeros((2, 2), np.float32), interpolation="linear", internalformat="r32f", format="luminance"
        )
        self._colormap_name = ""
        self._colormap = Texture2D(np.zeros((1, 256, 4), np.float32), interpolation="linear")
        self._positions = VertexBuffer(np.zeros((4, 2), np.float32))
        texcoords = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], np.float32)
        self.shared_program["a_position"] = self._positions
        self.shared_program["a_texcoord"] = VertexBuffer(texcoords)
        self.shared_program["u_values"] = self._values
        self.shared_program["u_colormap"] = self._colormap
        self.shared_program["u_levels"] = 0.0
        self.shared_program["u_line_width"] = 1.0
        self.shared_program["u_line_color"] = CONTOUR_COLOR
        self._draw_mode = "triangle_strip"
        self.set_gl_state("translucent", depth_test=False)

    def set_data(
        self,
        values: np.ndarray,
        x_range: tuple[float, float],
        y_range: tuple[float, float],
        colormap: str = "viridis",
        levels: int = 0,
        line_width: float = 1.0,
        line_color: tuple[float, float, float, float] = CONTOUR_COLOR,
    ) -> None:
        """``values`` already normalised to s (see :func:`normalized_values`); ranges in plane coordinates."""
        self._values.set_data(np.ascontiguousarray(values, dtype=np.float32))
        (x0, x1), (y0, y1) = x_range, y_range
        self._positions.set_data(np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], np.float32))
        if colormap != self._colormap_name:
            self._colormap.set_data(colormap_table(colormap)[None, :, :])
            self._colormap_name = colormap
        self.shared_program["u_levels"] = float(max(0, levels))
        self.shared_program["u_line_width"] = float(line_width)
        self.shared_program["u_line_color"] = tuple(float(c) for c in line_color)
        self.update()

    def _prepare_transforms(self, view) -> None:
        view.view_program.vert["transform"] = view.get_transform()

    def _prepare_draw(self, view) -> bool:
        return True


HeatmapNode = create_visual_node(HeatmapVisual)


def new_heatmap_visual(parent) -> HeatmapVisual:
    """A heat map visual node in ``parent`` (a view's scene)."""
    return HeatmapNode(parent=parent)


def show_heatmap(visual: HeatmapVisual, drawable: Heatmap, area: PlotArea) -> bool:
    """Update ``visual`` for ``drawable`` on ``area``; False when there is nothing to draw."""
    values = np.asarray(drawable.values)
    if values.ndim != 2 or values.size == 0:
        return False
    xs, ys = area.local(np.asarray(drawable.x_range), np.asarray(drawable.y_range))
    set_data(
        visual,
        values=normalized_values(drawable),
        x_range=(float(xs[0]), float(xs[1])),
        y_range=(float(ys[0]), float(ys[1])),
        colormap=drawable.colormap,
        levels=drawable.contours,
        line_width=area.owner.line_width(1.2),
    )
    set_order(visual, ORDER)
    return True
