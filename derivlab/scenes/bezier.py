"""A cubic Bézier curve: a point moving along it, its velocity B′(t) and the slope dy/dx.

    B(t) = (1−t)³P₀ + 3(1−t)²t·P₁ + 3(1−t)t²·P₂ + t³P₃,            0 ≤ t ≤ 1,
    B′(t) = 3[(1−t)²(P₁−P₀) + 2(1−t)t(P₂−P₁) + t²(P₃−P₂)].

For the curve as a graph, dy/dx = y′(t)/x′(t) where x′(t) ≠ 0 (a vertical tangent
where x′(t) = 0). At the ends B′(0) = 3(P₁−P₀) and B′(1) = 3(P₃−P₂): the curve
leaves P₀ towards P₁ and arrives at P₃ from P₂.
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

# Canvas text is drawn with a font without subscript digits, so labels there read P0 … P3.
# x′(t) counts as 0 when |x′(t)| ≤ this × |B′(t)|: a vertical tangent.
_VERTICAL = 1e-12
_SUBSCRIPTS = "₀₁₂₃"
_DEFAULTS = ((-3.0, -1.5), (-1.5, 2.0), (1.5, -2.0), (3.0, 1.5))


def bezier_point(control: np.ndarray, t: Any) -> np.ndarray:
    """B(t) = (1−t)³P₀ + 3(1−t)²t·P₁ + 3(1−t)t²·P₂ + t³P₃ for control points ``control`` (4×2).

    ``t`` may be a number (a point, shape (2,)) or an array (points, shape (n, 2)).
    """
    t = np.asarray(t, dtype=np.float64)[..., None]
    s = 1.0 - t
    p0, p1, p2, p3 = control
    return s**3 * p0 + 3.0 * s * s * t * p1 + 3.0 * s * t * t * p2 + t**3 * p3


def bezier_velocity(control: np.ndarray, t: Any) -> np.ndarray:
    """B′(t) = 3[(1−t)²(P₁−P₀) + 2(1−t)t(P₂−P₁) + t²(P₃−P₂)]."""
    t = np.asarray(t, dtype=np.float64)[..., None]
    s = 1.0 - t
    p0, p1, p2, p3 = control
    return 3.0 * (s * s * (p1 - p0) + 2.0 * s * t * (p2 - p1) + t * t * (p3 - p2))


def bezier_slope(velocity: np.ndarray) -> float | None:
    """dy/dx = y′(t)/x′(t); None where x′(t) = 0 (vertical tangent, or B′(t) = 0)."""
    dx, dy = float(velocity[0]), float(velocity[1])
    if abs(dx) <= _VERTICAL * math.hypot(dx, dy):
        return None
    return dy / dx


def _control_parameters() -> tuple[Parameter, ...]:
    declared = []
    for i, (x, y) in enumerate(_DEFAULTS):
        sub = _SUBSCRIPTS[i]
        for axis, value in (("x", x), ("y", y)):
            declared.append(Parameter(
                f"p{i}{axis}", value, symbol=f"P{sub} {axis}", label=f"P{sub} {axis}",
                minimum=-20.0, maximum=20.0,
                help=f"The control point P{sub}'s {axis}: drag the point or type a value.",
            ))
    return tuple(declared)


class BezierScene(Scene):
    name = "bezier"
    title = "Bézier curve and its tangent"
    summary = "A cubic Bézier curve B(t), its velocity B′(t) and the slope dy/dx = y′(t)/x′(t)."
    parameters = (
        *_control_parameters(),
        Parameter(
            "t", 0.3, symbol="t", label="Parameter t", minimum=0.0, maximum=1.0,
            help="Where the point is along the curve: B(0) = P₀, B(1) = P₃.",
        ),
    )
    default_view = View(-4.6, 5.0, -2.7, 2.7)

    def compute(
        self, values: Mapping[str, Any], view: View, backend: Backend | None = None
    ) -> SceneFrame:
        control = np.array([[float(values[f"p{i}x"]), float(values[f"p{i}y"])] for i in range(4)])
        t = float(values["t"])
        ts = np.linspace(0.0, 1.0, 1201)
        path = bezier_point(control, ts)
        point = bezier_point(control, t)
        velocity = bezier_velocity(control, t)
        slope = bezier_slope(velocity)
        speed = float(np.hypot(*velocity))

        drawables: list = [
            Curve("polygon", control[:, 0].copy(), control[:, 1].copy(), role="guide", width=2.0,
                  dashed=True, label="control polygon P0 P1 P2 P3"),
            Curve("curve", path[:, 0], path[:, 1], role="curve", width=3.0, label="B(t), 0 ≤ t ≤ 1"),
        ]
        if speed > 0.0:
            ux, uy = velocity / speed
            reach = math.hypot(view.width, view.height) + math.hypot(
                point[0] - (view.x_min + view.x_max) / 2, point[1] - (view.y_min + view.y_max) / 2
            )
            drawables.append(Curve(
                "tangent_line",
                np.array([point[0] - reach * ux, point[0] + reach * ux]),
                np.array([point[1] - reach * uy, point[1] + reach * uy]),
                role="tangent", width=2.0, dashed=True, label="tangent line",
            ))
            # Drawn at a third of its length: B′(t)/3 runs from B(t) along the tangent, and at
            # the ends it is exactly P₁ − P₀ (t = 0) and P₃ − P₂ (t = 1).
            tip = point + velocity / 3.0
            hx, hy = _arrow_head(point, tip, 0.03 * min(view.width, view.height))
            drawables.append(Curve(
                "velocity",
                np.concatenate([[point[0], tip[0], np.nan], hx]),
                np.concatenate([[point[1], tip[1], np.nan], hy]),
                role="derivative", width=4.0, label="tangent vector B′(t)/3",
            ))
        for i in range(4):
            drawables.append(Markers(
                f"control_{i}", control[i : i + 1, 0].copy(), control[i : i + 1, 1].copy(),
                role="secant", size=15.0, draggable=(f"p{i}x", f"p{i}y"),
            ))
            drawables.append(_control_label(i, control))
        drawables.append(Markers("point", np.array([point[0]]), np.array([point[1]]), role="point", size=16.0))
        drawables.append(_point_label(point, velocity))

        if speed == 0.0:
            message = "B′(t) = 0 here (control points coincide): the velocity gives no tangent direction."
            caption = "B′(t) = 0"
        elif slope is None:
            message = ""
            caption = "x′(t) = 0: a vertical tangent, dy/dx is undefined"
        else:
            message = ""
            caption = f"dy/dx = y′(t)/x′(t) = {format_number(slope, 6)}"
        readouts = (
            Readout("t", t, format_number(t), "the curve's parameter, 0 ≤ t ≤ 1"),
            Readout("x(t)", float(point[0]), format_number(float(point[0])), "B(t)'s x"),
            Readout("y(t)", float(point[1]), format_number(float(point[1])), "B(t)'s y"),
            Readout("x′(t)", float(velocity[0]), format_number(float(velocity[0])), "B′(t)'s x", role="derivative"),
            Readout("y′(t)", float(velocity[1]), format_number(float(velocity[1])), "B′(t)'s y", role="derivative"),
            Readout("dy/dx", slope, format_number(slope), "y′(t)/x′(t): the tangent's slope", role="tangent"),
        )
        return SceneFrame(
            tuple(drawables),
            readouts,
            caption=caption,
            message=message,
            extra={"t": t, "point": point, "velocity": velocity, "slope": slope},
        )

    def animations(self) -> dict[str, dict[str, Any]]:
        return {
            "t: 0 → 1": {"parameter": "t", "start": 0.0, "end": 1.0, "easing": "linear", "duration": 6.0},
        }

    def function_latex(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [
            ("B(t)", r"(1-t)^3 P_0 + 3(1-t)^2 t\,P_1 + 3(1-t)t^2 P_2 + t^3 P_3"),
            ("B′(t)", r"3\left[(1-t)^2 (P_1-P_0) + 2(1-t)t\,(P_2-P_1) + t^2 (P_3-P_2)\right]"),
            ("dy/dx", r"\frac{y'(t)}{x'(t)}"),
        ]


def _arrow_head(start: np.ndarray, tip: np.ndarray, largest: float) -> tuple[np.ndarray, np.ndarray]:
    """Two short strokes back from ``tip`` at ±25° (NaN-separated): a quarter of the arrow, at most ``largest``."""
    back = start - tip
    length = float(np.hypot(*back))
    size = min(length / 4.0, largest)
    ux, uy = back / length
    xs, ys = [], []
    for angle in (math.radians(25), -math.radians(25)):
        c, s = math.cos(angle), math.sin(angle)
        xs += [tip[0], tip[0] + size * (c * ux - s * uy), np.nan]
        ys += [tip[1], tip[1] + size * (s * ux + c * uy), np.nan]
    return np.array(xs), np.array(ys)


def _control_label(i: int, control: np.ndarray) -> Label:
    """"Pᵢ" beside its control point, on the outer side of the polygon's turn."""
    centre = control.mean(axis=0)
    dx, dy = control[i] - centre
    norm = math.hypot(dx, dy) or 1.0
    nx, ny = dx / norm, dy / norm
    horizontal = "left" if nx > 0.35 else "right" if nx < -0.35 else "center"
    vertical = "bottom" if ny > 0.35 else "top" if ny < -0.35 else "center"
    return Label(
        f"label_p{i}", f"P{i}", float(control[i, 0]), float(control[i, 1]), role="secant",
        size=16.0, offset=(14 * nx, -14 * ny), anchor=(horizontal, vertical),
    )


def _point_label(point: np.ndarray, velocity: np.ndarray) -> Label:
    """"B(t)" beside the moving point, on the side away from its velocity (off the arrow)."""
    speed = float(np.hypot(*velocity))
    # The normal (−y′, x′), turned to the left of the motion.
    nx, ny = (-velocity[1] / speed, velocity[0] / speed) if speed > 0 else (-0.7, 0.7)
    horizontal = "left" if nx > 0.35 else "right" if nx < -0.35 else "center"
    vertical = "bottom" if ny > 0.35 else "top" if ny < -0.35 else "center"
    return Label(
        "label_point", "B(t)", float(point[0]), float(point[1]), role="text", size=16.0,
        offset=(16 * nx, -16 * ny), anchor=(horizontal, vertical),
    )
