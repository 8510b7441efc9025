"""Implicit differentiation: the slope of a curve F(x, y) = 0 without solving for y.

Along the curve F(x, y(x)) = 0, so the chain rule gives F_x + F_y · dy/dx = 0 and

    dy/dx = −F_x / F_y    wherever F_y ≠ 0.

The tangent is horizontal where F_x = 0 and vertical where F_y = 0 (points of the
curve with ∇F ≠ 0). Two curves: the circle x² + y² = r² (dy/dx = −x/y) and the
folium of Descartes x³ + y³ = 3axy (dy/dx = (ay − x²)/(y² − ax)).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from derivlab.model import Parameter, View

from .base import Scene
from .drawables import Curve, Label, Markers, Readout, SceneFrame, format_number

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend

CURVES = ("circle", "folium")

# ∇F counts as zero below this size (relative to the curve's scale): a double point.
_SINGULAR = 1e-9
# F_y counts as zero when |F_y| ≤ this × |∇F|: a vertical tangent.
_VERTICAL = 1e-9


def implicit_function(curve: str, x: Any, y: Any, r: float, a: float) -> Any:
    """F(x, y): x² + y² − r² for the circle, x³ + y³ − 3axy for the folium."""
    if curve == "circle":
        return x * x + y * y - r * r
    return x * x * x + y * y * y - 3.0 * a * x * y


def implicit_gradient(curve: str, x: Any, y: Any, r: float, a: float) -> tuple[Any, Any]:
    """∇F = (F_x, F_y): (2x, 2y) for the circle, (3x² − 3ay, 3y² − 3ax) for the folium."""
    if curve == "circle":
        return 2.0 * x, 2.0 * y
    return 3.0 * x * x - 3.0 * a * y, 3.0 * y * y - 3.0 * a * x


def implicit_slope(f_x: float, f_y: float) -> float | None:
    """dy/dx = −F_x / F_y; None where F_y = 0 (a vertical tangent, or ∇F = 0).

    A component below 10⁻⁹·|∇F| is rounding error at a vertical (F_y) or horizontal
    (F_x) tangent and counts as 0.
    """
    size = math.hypot(f_x, f_y)
    if size == 0.0 or abs(f_y) <= _VERTICAL * size:
        return None
    if abs(f_x) <= _VERTICAL * size:
        return 0.0
    return -f_x / f_y


def folium_point(theta: Any, a: float) -> tuple[Any, Any]:
    """The folium's rational parametrisation x = 3at/(1+t³), y = 3at²/(1+t³), with t = tan θ.

    Written with s = sin θ, c = cos θ as x = 3a·s·c²/(c³+s³), y = 3a·s²·c/(c³+s³), so
    θ ∈ [−π/2, π/2] covers the whole curve: the loop for θ ∈ [0, π/2] (t ≥ 0), both
    ends θ = ±π/2 at the double point (0, 0), and θ = −π/4 (t = −1) at infinity
    along the asymptote x + y + a = 0.
    """
    s, c = np.sin(theta), np.cos(theta)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = c**3 + s**3
        return 3.0 * a * s * c * c / d, 3.0 * a * s * s * c / d


def circle_point(theta: Any, r: float) -> tuple[Any, Any]:
    """The circle x = r cos θ, y = r sin θ."""
    return r * np.cos(theta), r * np.sin(theta)


def horizontal_tangent_points(curve: str, r: float, a: float) -> list[tuple[float, float]]:
    """Points of the curve where F_x = 0 and F_y ≠ 0.

    Circle: (0, ±r). Folium: F_x = 0 means y = x²/a; then x⁶/a³ = 2x³, so away from
    the double point x = 2^(1/3)·a, y = 2^(2/3)·a.
    """
    if curve == "circle":
        return [(0.0, r), (0.0, -r)]
    return [(2.0 ** (1 / 3) * a, 2.0 ** (2 / 3) * a)]


def vertical_tangent_points(curve: str, r: float, a: float) -> list[tuple[float, float]]:
    """Points of the curve where F_y = 0 and F_x ≠ 0: (±r, 0) on the circle, (2^(2/3)·a, 2^(1/3)·a) on the folium."""
    if curve == "circle":
        return [(r, 0.0), (-r, 0.0)]
    return [(2.0 ** (2 / 3) * a, 2.0 ** (1 / 3) * a)]


def _golden_minimum(g, lo: float, hi: float, iterations: int = 80) -> float:
    """The minimiser of a unimodal g on [lo, hi] by golden-section search."""
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    c, d = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    gc, gd = g(c), g(d)
    for _ in range(iterations):
        if gc < gd:
            hi, d, gd = d, c, gc
            c = hi - ratio * (hi - lo)
            gc = g(c)
        else:
            lo, c, gc = c, d, gd
            d = lo + ratio * (hi - lo)
            gd = g(d)
    return (lo + hi) / 2.0


def nearest_point_on_curve(curve: str, px: float, py: float, r: float, a: float) -> tuple[float, float]:
    """The point of F(x, y) = 0 nearest to (px, py).

    Circle: r·p/|p| (the point (r, 0) when p is the centre). Folium: the nearest of
    dense samples of the parametrisation, refined by golden-section search on
    |B(θ) − p|² between the neighbouring samples, then two Newton steps on F along
    ∇F, q ← q − F(q)·∇F/|∇F|², so that F(q) = 0 to rounding.
    """
    if curve == "circle":
        norm = math.hypot(px, py)
        if norm == 0.0:
            return r, 0.0
        return r * px / norm, r * py / norm
    theta = np.linspace(-math.pi / 2, math.pi / 2, 20001)
    x, y = folium_point(theta, a)
    with np.errstate(invalid="ignore", over="ignore"):
        dist = (x - px) ** 2 + (y - py) ** 2
    dist[~np.isfinite(dist)] = np.inf
    i = int(np.argmin(dist))
    lo, hi = theta[max(i - 1, 0)], theta[min(i + 1, theta.size - 1)]

    def squared_distance(th: float) -> float:
        qx, qy = folium_point(th, a)
        value = (qx - px) ** 2 + (qy - py) ** 2
        return float(value) if math.isfinite(value) else math.inf

    best = _golden_minimum(squared_distance, float(lo), float(hi))
    qx, qy = (float(v) for v in folium_point(best, a))
    return _foot_point(curve, px, py, qx, qy, r, a)


def _foot_point(
    curve: str, px: float, py: float, qx: float, qy: float, r: float, a: float
) -> tuple[float, float]:
    """Polish q, near the foot of the perpendicular from p, to full precision.

    Each round moves q along the tangent τ = (F_y, −F_x)/|∇F| by (p − q)·τ (so that
    p − q becomes normal to the curve), then takes Newton steps on F along ∇F,
    q ← q − F(q)·∇F/|∇F|², back onto F = 0. A distance minimised directly is flat at
    its minimum and only found to about √ε; this finds the root of (p − q)·τ = 0.
    Rounds stop when they no longer shrink the tangential gap.
    """
    scale = a * a

    def on_curve(x: float, y: float) -> tuple[float, float] | None:
        for _ in range(3):
            f_x, f_y = implicit_gradient(curve, x, y, r, a)
            norm2 = f_x * f_x + f_y * f_y
            if norm2 <= (_SINGULAR * scale) ** 2:
                return None
            f = implicit_function(curve, x, y, r, a)
            x, y = x - f * f_x / norm2, y - f * f_y / norm2
        return x, y

    def tangential_gap(x: float, y: float) -> tuple[float, float, float]:
        f_x, f_y = implicit_gradient(curve, x, y, r, a)
        norm = math.hypot(f_x, f_y)
        tx, ty = f_y / norm, -f_x / norm
        return (px - x) * tx + (py - y) * ty, tx, ty

    start = on_curve(qx, qy)
    if start is None:
        return qx, qy
    qx, qy = start
    gap, tx, ty = tangential_gap(qx, qy)
    for _ in range(30):
        moved = on_curve(qx + gap * tx, qy + gap * ty)
        if moved is None:
            break
        new_gap, new_tx, new_ty = tangential_gap(*moved)
        if abs(new_gap) >= abs(gap):
            break
        (qx, qy), gap, tx, ty = moved, new_gap, new_tx, new_ty
    return qx, qy


def curve_samples(curve: str, r: float, a: float, view: View) -> tuple[np.ndarray, np.ndarray]:
    """Points along F(x, y) = 0 to draw: the circle closed, the folium with a gap at infinity.

    The folium is sampled evenly in θ and densely near θ = −π/4 (t = −1), where the
    branches run off along the asymptote; points far outside the view become NaN.
    """
    if curve == "circle":
        theta = np.linspace(0.0, 2.0 * math.pi, 2001)
        return circle_point(theta, r)
    quarter = -math.pi / 4
    near = 10.0 ** np.linspace(-8.0, -0.5, 1200)
    theta = np.unique(np.concatenate([
        np.linspace(-math.pi / 2, math.pi / 2, 4001), quarter - near, quarter + near,
    ]))
    x, y = folium_point(theta, a)
    cx, cy = (view.x_min + view.x_max) / 2, (view.y_min + view.y_max) / 2
    reach = 3.0 * max(view.width, view.height)
    outside = ~(np.isfinite(x) & np.isfinite(y)) | (np.abs(x - cx) > reach) | (np.abs(y - cy) > reach)
    x, y = x.copy(), y.copy()
    x[outside] = np.nan
    y[outside] = np.nan
    # t = −1 lies between the two branches: never join across it.
    cut = int(np.searchsorted(theta, quarter))
    return np.insert(x, cut, np.nan), np.insert(y, cut, np.nan)


class ImplicitScene(Scene):
    name = "implicit"
    title = "Implicit differentiation"
    summary = "The slope of a curve F(x, y) = 0 is dy/dx = −F_x/F_y, found without solving for y."
    parameters = (
        Parameter(
            "curve",
            "folium",
            kind="choice",
            symbol="curve",
            label="Curve",
            choices=CURVES,
            help="circle: x² + y² = r²; folium of Descartes: x³ + y³ = 3axy.",
        ),
        Parameter(
            "r", 2.0, symbol="r", label="Radius r", minimum=0.1, maximum=10.0,
            help="The circle's radius.",
        ),
        Parameter(
            "a", 1.0, symbol="a", label="Folium a", minimum=0.1, maximum=5.0,
            help="The folium's size: its loop reaches (1.5a, 1.5a).",
        ),
        Parameter(
            "px", 1.35, symbol="x", label="Point x", minimum=-20.0, maximum=20.0,
            help="Where the point was dragged; it is shown at the nearest point of the curve.",
        ),
        Parameter(
            "py", 0.62, symbol="y", label="Point y", minimum=-20.0, maximum=20.0,
            help="Where the point was dragged; it is shown at the nearest point of the curve.",
        ),
    )
    default_view = View(-4.4, 5.2, -2.5, 2.9)

    def compute(
        self, values: Mapping[str, Any], view: View, backend: Backend | None = None
    ) -> SceneFrame:
        curve = str(values["curve"])
        r, a = float(values["r"]), float(values["a"])
        px, py = float(values["px"]), float(values["py"])
        cx, cy = curve_samples(curve, r, a, view)
        equation = f"x² + y² = {_square(r)}" if curve == "circle" else f"x³ + y³ = {_coefficient(3 * a)}xy"
        drawables: list = [Curve("curve", cx, cy, role="curve", width=3.0, label=f"F(x, y) = 0:  {equation}")]
        if curve == "folium":
            ax, ay = _line_across(0.0, -a, 1.0, -1.0, view)
            drawables.append(Curve(
                "asymptote", ax, ay, role="guide", width=2.0, dashed=True,
                label=f"asymptote x + y + {format_number(a, 4)} = 0",
            ))

        x0, y0 = nearest_point_on_curve(curve, px, py, r, a)
        f_x, f_y = implicit_gradient(curve, x0, y0, r, a)
        scale = r if curve == "circle" else a
        singular = math.hypot(f_x, f_y) <= _SINGULAR * scale * scale
        slope = None if singular else implicit_slope(f_x, f_y)

        # Horizontal (F_x = 0) and vertical (F_y = 0) tangents, each with a short tick.
        tick = 0.05 * min(view.width, view.height)
        for key, points, role, legend in (
            ("horizontal", horizontal_tangent_points(curve, r, a), "derivative", "horizontal tangent: ∂F/∂x = 0"),
            ("vertical", vertical_tangent_points(curve, r, a), "second", "vertical tangent: ∂F/∂y = 0"),
        ):
            hx, hy = np.array([p[0] for p in points]), np.array([p[1] for p in points])
            if key == "horizontal":
                sx, sy = _ticks(hx, hy, tick, 0.0)
            else:
                sx, sy = _ticks(hx, hy, 0.0, tick)
            drawables.append(Curve(f"{key}_ticks", sx, sy, role=role, width=4.0, label=legend))
            drawables.append(Markers(f"{key}_points", hx, hy, role=role, size=11.0))

        if not singular:
            tx, ty = _line_across(x0, y0, f_y, -f_x, view)
            drawables.append(Curve("tangent", tx, ty, role="tangent", width=3.0, label="tangent at P"))
        drawables.append(Markers("point", np.array([x0]), np.array([y0]), role="point", size=16.0, draggable=("px", "py")))
        drawables.append(_label_outside("label_point", "P", x0, y0, f_x, f_y))

        if singular:
            message = (
                "At the origin the folium crosses itself: ∇F = 0, so −F_x/F_y is 0/0 and there is"
                " no single tangent (the two branches have tangents y = 0 and x = 0)."
            )
            caption = "double point: ∂F/∂x = ∂F/∂y = 0"
        elif slope is None:
            message = ""
            caption = "vertical tangent: ∂F/∂y = 0, so dy/dx is undefined"
        else:
            message = ""
            caption = f"dy/dx = −F_x/F_y = {format_number(slope, 6)}"
        readouts = (
            Readout("x", x0, format_number(x0), "P's x (the dragged point, moved onto the curve)"),
            Readout("y", y0, format_number(y0), "P's y"),
            Readout("∂F/∂x", f_x, format_number(f_x), "F_x at P", role="derivative"),
            Readout("∂F/∂y", f_y, format_number(f_y), "F_y at P", role="second"),
            Readout("dy/dx", slope, format_number(slope), "−F_x/F_y: the tangent's slope", role="tangent"),
        )
        return SceneFrame(
            tuple(drawables),
            readouts,
            caption=caption,
            message=message,
            extra={"x0": x0, "y0": y0, "F_x": f_x, "F_y": f_y, "slope": slope, "singular": singular},
        )

    def function_latex(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        if values["curve"] == "circle":
            return [
                ("F(x, y) = 0", r"x^2 + y^2 - r^2 = 0"),
                ("dy/dx", r"-\frac{F_x}{F_y} = -\frac{2x}{2y} = -\frac{x}{y}"),
            ]
        return [
            ("F(x, y) = 0", r"x^3 + y^3 - 3axy = 0"),
            ("dy/dx", r"-\frac{F_x}{F_y} = -\frac{3x^2 - 3ay}{3y^2 - 3ax} = \frac{ay - x^2}{y^2 - ax}"),
        ]


def _line_across(x0: float, y0: float, dx: float, dy: float, view: View) -> tuple[np.ndarray, np.ndarray]:
    """The line through (x0, y0) with direction (dx, dy), long enough to cross the whole view."""
    norm = math.hypot(dx, dy)
    reach = math.hypot(view.width, view.height) + math.hypot(
        x0 - (view.x_min + view.x_max) / 2, y0 - (view.y_min + view.y_max) / 2
    )
    ux, uy = dx / norm, dy / norm
    return np.array([x0 - reach * ux, x0 + reach * ux]), np.array([y0 - reach * uy, y0 + reach * uy])


def _label_outside(key: str, text: str, x: float, y: float, f_x: float, f_y: float) -> Label:
    """A label beside (x, y), pushed along ∇F (away from the curve and off its tangent)."""
    norm = math.hypot(f_x, f_y)
    nx, ny = (f_x / norm, f_y / norm) if norm > 0 else (-0.7, 0.7)
    horizontal = "left" if nx > 0.35 else "right" if nx < -0.35 else "center"
    vertical = "bottom" if ny > 0.35 else "top" if ny < -0.35 else "center"
    return Label(key, text, x, y, role="text", size=16.0, offset=(16 * nx, -16 * ny), anchor=(horizontal, vertical))


def _ticks(x: np.ndarray, y: np.ndarray, half_x: float, half_y: float) -> tuple[np.ndarray, np.ndarray]:
    """Short segments centred on each point, separated by NaN."""
    sx = np.column_stack([x - half_x, x + half_x, np.full_like(x, np.nan)]).ravel()
    sy = np.column_stack([y - half_y, y + half_y, np.full_like(y, np.nan)]).ravel()
    return sx, sy


def _square(r: float) -> str:
    return format_number(r * r, 6)


def _coefficient(c: float) -> str:
    return "" if c == 1.0 else format_number(c, 6)
