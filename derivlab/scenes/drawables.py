"""What a scene hands to the renderer: plain arrays plus style roles.

A drawable names a colour *role* (``"curve"``, ``"secant"``, ``"tangent"`` ...)
rather than a colour, so one scene looks right in every theme. Widths and sizes
are in logical pixels at 1080p; the renderer scales them with the output size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


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
    """Round points; ``draggable`` names the parameter that dragging a point along x sets."""

    key: str
    x: np.ndarray
    y: np.ndarray
    role: str = "point"
    size: float = 14.0
    label: str = ""
    draggable: str | None = None


@dataclass(frozen=True)
class Label:
    """Text anchored at a point of the plane, shifted by ``offset`` pixels."""

    key: str
    text: str
    x: float
    y: float
    role: str = "text"
    size: float = 14.0
    offset: tuple[float, float] = (8.0, -8.0)
    anchor: tuple[str, str] = ("left", "bottom")


@dataclass(frozen=True)
class Readout:
    """A named number shown beside the canvas and on it: ``symbol = text``."""

    symbol: str
    value: float | None
    text: str
    help: str = ""
    role: str = "text"


@dataclass(frozen=True)
class SceneFrame:
    """Everything one evaluation of a scene produces."""

    drawables: tuple[Curve | Markers | Label, ...]
    readouts: tuple[Readout, ...] = ()
    caption: str = ""
    message: str = ""
    extra: dict = field(default_factory=dict)

    def drawable(self, key: str) -> Curve | Markers | Label:
        for d in self.drawables:
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
