"""What a scene hands to the renderer: plain arrays plus style roles.

A drawable names a colour *role* (``"curve"``, ``"secant"``, ``"tangent"`` ...)
rather than a colour, so one scene looks right in every theme. Widths and sizes
are in logical pixels at 1080p; the renderer scales them with the output size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from derivlab.model import View


@dataclass(frozen=True)
class Curve:
    """A polyline through (x[i], y[i]); NaN in either array breaks the line (a gap)."""

    key: str
    x: np.ndarray
    y: np.ndarray
    role: str = "curve"
    width: float = 3.0
    dashed: bool = False
    label: str = ""


@dataclass(frozen=True)
class Markers:
    """Round points.

    ``draggable`` makes the (first) point draggable: a parameter name that dragging
    sets to the mouse's x, or a pair of names set to its x and y.
    """

    key: str
    x: np.ndarray
    y: np.ndarray
    role: str = "point"
    size: float = 14.0
    label: str = ""
    draggable: str | tuple[str, str] | None = None


@dataclass(frozen=True)
class Label:
    """Text anchored at a point of the plane, shifted by ``offset`` pixels.

    ``after`` names the key of an earlier label of the same plane: this one's point is
    then (where that label's text ends on the right, ``y``), and ``x`` only counts while
    there is no such label; so a row of labels follows their widths as the renderer
    measures them in its font. ``backed`` lays a box of the background colour under the
    text, over what is drawn before it, so that lines running through it (a graph's
    edges) do not cross the letters; labels on a heat map always have one.
    """

    key: str
    text: str
    x: float
    y: float
    role: str = "text"
    size: float = 14.0
    offset: tuple[float, float] = (8.0, -8.0)
    anchor: tuple[str, str] = ("left", "bottom")
    after: str = ""
    backed: bool = False


@dataclass(frozen=True)
class Fill:
    """The region between ``lower`` and ``upper`` over ``x`` (NaN leaves a gap), translucent."""

    key: str
    x: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    role: str = "curve"
    alpha: float = 0.18
    label: str = ""


@dataclass(frozen=True)
class Readout:
    """A named number shown beside the canvas and on it: ``symbol = text``."""

    symbol: str
    value: float | None
    text: str
    help: str = ""
    role: str = "text"


@dataclass(frozen=True)
class Heatmap:
    """Values on a grid of cells covering [x_range] × [y_range], coloured by ``colormap``.

    ``values[r, c]`` belongs to the centre of cell (c, r): x = x₀ + (c + ½)(x₁ − x₀)/columns,
    y = y₀ + (r + ½)(y₁ − y₀)/rows (row 0 at the bottom); between centres the colour is
    interpolated. ``clim`` = (low, high) maps to the ends of the colour map (default:
    the finite minimum and maximum). ``contours`` lines are drawn at the levels
    low + k(high − low)/(contours + 1), k = 1 … contours. NaN cells are left empty.
    """

    key: str
    values: np.ndarray
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    colormap: str = "viridis"
    contours: int = 10
    clim: tuple[float, float] | None = None

    def limits(self) -> tuple[float, float]:
        """(low, high) of the colour scale: ``clim`` or the finite extremes (never equal)."""
        if self.clim is not None:
            low, high = self.clim
        else:
            finite = np.asarray(self.values, dtype=np.float64)
            finite = finite[np.isfinite(finite)]
            low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if not high > low:
            high = low + max(abs(low), 1.0) * 1e-6
        return float(low), float(high)

    def contour_levels(self) -> np.ndarray:
        """The values the contour lines are drawn at."""
        low, high = self.limits()
        return low + (high - low) * np.arange(1, self.contours + 1) / (self.contours + 1)


@dataclass(frozen=True)
class Surface:
    """Heights z over a grid of cells covering [x_range] × [y_range], drawn as a shaded 3D surface.

    The cell convention is :class:`Heatmap`'s: ``z[r, c]`` is the height at
    x = x₀ + (c + ½)(x₁ − x₀)/columns, y = y₀ + (r + ½)(y₁ − y₀)/rows (row 0 at the front,
    smallest y). The colour of a point is ``colormap`` at s = (z − low)/(high − low) with
    (low, high) = ``clim`` or the finite extremes, the same map as a heat map of the same
    values. ``contours`` lines run along the surface at the heat map's levels
    low + k(high − low)/(contours + 1). NaN heights leave a hole.
    """

    key: str
    z: np.ndarray
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    colormap: str = "viridis"
    contours: int = 10
    clim: tuple[float, float] | None = None

    def limits(self) -> tuple[float, float]:
        """(low, high) of the colour scale and of the height axis (never equal)."""
        return Heatmap(self.key, self.z, self.x_range, self.y_range, clim=self.clim).limits()

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of the cell centres: x has ``columns`` entries, y has ``rows``."""
        rows, cols = np.shape(self.z)
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        return x0 + (np.arange(cols) + 0.5) * (x1 - x0) / cols, y0 + (np.arange(rows) + 0.5) * (y1 - y0) / rows

    def contour_levels(self) -> np.ndarray:
        """The heights the contour lines are drawn at."""
        low, high = self.limits()
        return low + (high - low) * np.arange(1, self.contours + 1) / (self.contours + 1)


@dataclass(frozen=True)
class Curve3D:
    """A polyline through (x[i], y[i], z[i]) in a 3D panel; NaN in any array breaks the line.

    A curve on a :class:`Surface` is drawn a little above it so the surface does not hide it,
    and faintly where a hill stands between it and the eye.
    """

    key: str
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    role: str = "curve"
    width: float = 3.0
    label: str = ""


@dataclass(frozen=True)
class Markers3D:
    """Round points at (x[i], y[i], z[i]) in a 3D panel, drawn over the surface; ``label``
    is written beside the first point."""

    key: str
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    role: str = "point"
    size: float = 14.0
    label: str = ""


Drawable = Curve | Fill | Markers | Label | Heatmap
Drawable3D = Surface | Curve3D | Markers3D


@dataclass(frozen=True)
class Panel:
    """A second plane beside the main one, with its own view.

    ``x_log``/``y_log`` mean the drawables' coordinates are log₁₀ of the quantity,
    and the ticks read as powers of ten. ``size`` is the panel's share of the
    canvas relative to the main plane's ``SceneFrame.main_size``.

    ``kind="3d"`` makes it a 3D box instead of a plane: its drawables are
    :class:`Surface`, :class:`Curve3D` and :class:`Markers3D`; ``view`` is the x-y
    extent of the box's floor and ``z_range`` its height (default: the surface's
    limits); ``x_name``, ``y_name`` and ``z_name`` name its edges. A turntable camera
    looks at the box's centre from ``azimuth`` degrees around the vertical axis
    (0: looking along +y, 90: looking along −x) and ``elevation`` degrees above the
    floor (90: from straight above). The mouse can turn it; that turn is kept until
    the frame asks for another azimuth or elevation.
    """

    key: str
    drawables: tuple[Drawable, ...] | tuple[Drawable3D, ...]
    view: View
    title: str = ""
    x_name: str = "x"
    y_name: str = "y"
    x_log: bool = False
    y_log: bool = False
    size: float = 1.0
    kind: str = "2d"
    z_name: str = "z"
    z_range: tuple[float, float] | None = None
    azimuth: float = 30.0
    elevation: float = 30.0

    def __post_init__(self) -> None:
        if self.kind not in ("2d", "3d"):
            raise ValueError(f"a panel is '2d' or '3d', not {self.kind!r}")

    def drawable(self, key: str) -> Drawable | Drawable3D:
        return _find(self.drawables, key)


@dataclass(frozen=True)
class Table:
    """Rows of numbers shown beside the canvas: ``columns`` headings, ``rows`` of texts."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class SceneFrame:
    """Everything one evaluation of a scene produces.

    ``drawables`` go on the main plane (which pans and zooms); ``panels`` are
    further planes laid out ``"below"`` or ``"right"`` of it, or stacked in one
    column right of it (``"right column"``). ``main_size`` 0 leaves the main plane
    out: the panels fill the canvas.
    """

    drawables: tuple[Drawable, ...]
    readouts: tuple[Readout, ...] = ()
    caption: str = ""
    message: str = ""
    panels: tuple[Panel, ...] = ()
    layout: str = "below"
    main_size: float = 1.0
    x_name: str = "x"
    y_name: str = "y"
    tables: tuple[Table, ...] = ()
    extra: dict = field(default_factory=dict)

    def drawable(self, key: str) -> Drawable:
        return _find(self.drawables, key)

    def panel(self, key: str) -> Panel:
        for p in self.panels:
            if p.key == key:
                return p
        raise KeyError(key)


def _find(drawables, key: str):
    for d in drawables:
        if d.key == key:
            return d
    raise KeyError(key)


def format_number(value: float | None, digits: int = 10) -> str:
    """A number as a person reads it: ``digits`` significant figures, a true minus sign."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "undefined"
    if np.isinf(value):
        return "∞" if value > 0 else "−∞"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = _superscript_exponent(mantissa, int(exponent))
    return text.replace("-", "−")


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _superscript_exponent(mantissa: str, exponent: int) -> str:
    power = "10" + str(exponent).translate(_SUPERSCRIPT)
    if mantissa in ("1", "1.0"):
        return power
    if mantissa in ("-1", "-1.0"):
        return "-" + power
    return f"{mantissa}×{power}"
