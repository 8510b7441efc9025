"""Distance and speed: the speed s′(t) is the slope of the distance s(t).

For a trip with distance s(t) (km) after t hours, the speed at time t is

    s′(t) = lim_{h→0} (s(t + h) − s(t)) / h   (km/h),

the slope of the tangent to s at t. Where the speed jumps (from 40 to 80 km/h at
t = 0.5 h) the graph of s has a kink: its one-sided slopes are 40 and 80, and
s′(0.5) does not exist.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from derivlab.expr import Differentiability, Function, classify_differentiability
from derivlab.model import Parameter, View

from .base import Scene, break_jumps
from .drawables import Curve, Label, Markers, Panel, Readout, SceneFrame, format_number
from .sampling import sample_count

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend


@dataclass(frozen=True)
class Trip:
    """A preset trip: s(t) typed in t (hours → km), how to say it, and where the speed jumps."""

    distance: str
    description: str
    formula: str
    kinks: tuple[float, ...] = ()


PRESETS: dict[str, Trip] = {
    "constant speed": Trip("60t", "constant speed 60 km/h", "s(t) = 60t"),
    "smooth acceleration": Trip("50t^2", "from rest, speeding up evenly", "s(t) = 50t²"),
    "speed jump": Trip(
        "40t + 40 relu(t - 0.5)",
        "40 km/h, then 80 km/h from t = 0.5 h",
        "s(t) = 40t, then 20 + 80(t − 0.5)",
        kinks=(0.5,),
    ),
}


#: every trip runs from t = 0 to t = 1 h
TRIP_HOURS = 1.0


@lru_cache(maxsize=16)
def distance_function(text: str) -> Function:
    """s as a checked function of t (cached: parsing runs sympy)."""
    return Function.from_text(text, variable="t")


@lru_cache(maxsize=64)
def _classification(text: str, t: float) -> Differentiability:
    return classify_differentiability(distance_function(text), t)


def speed(trip: Trip, t: float) -> tuple[float | None, float, float]:
    """(s′(t) or None where it does not exist, left slope, right slope) in km/h.

    Away from a kink both one-sided slopes equal s′(t); at a kink they are the
    limits of (s(t) − s(t − h))/h and (s(t + h) − s(t))/h as h → 0⁺.
    """
    s = distance_function(trip.distance)
    if any(abs(t - k) <= 1e-12 for k in trip.kinks):
        d = _classification(trip.distance, t)
        return d.derivative, d.left, d.right
    v = s.value(t, 1)
    if v is None or not math.isfinite(v):
        d = _classification(trip.distance, t)
        return d.derivative, d.left, d.right
    return float(v), float(v), float(v)


def _samples(s: Function, x: np.ndarray, order: int) -> np.ndarray:
    with np.errstate(all="ignore"):
        y = np.asarray(s.numpy(order)(x), dtype=np.float64)
    y = np.array(np.broadcast_to(y, x.shape), dtype=np.float64)
    y[~np.isfinite(y)] = np.nan
    return y


class MotionScene(Scene):
    name = "motion"
    title = "Distance and speed"
    summary = "The speed s′(t) is the slope of the distance s(t): a tangent on one graph, a point on the other."
    parameters = (
        Parameter(
            "preset",
            "speed jump",
            kind="choice",
            symbol="trip",
            label="Trip",
            choices=tuple(PRESETS),
            help="constant speed 60 km/h; smooth acceleration s = 50t²; speed jump from 40 to 80 km/h at t = 0.5 h.",
        ),
        Parameter(
            "t",
            0.3,
            symbol="t",
            label="Time t",
            minimum=0.0,
            maximum=1.0,
            unit="h",
            help="The moment: drag the point on s(t) or slide.",
        ),
    )
    default_view = View(-0.25, 1.1, -8.0, 72.0)

    def animations(self) -> dict[str, dict[str, Any]]:
        return {"drive": {"parameter": "t", "start": 0.0, "end": 1.0, "easing": "linear", "duration": 8.0}}

    def compute(
        self, values: Mapping[str, Any], view: View, backend: Backend | None = None
    ) -> SceneFrame:
        trip = PRESETS[values["preset"]]
        s = distance_function(trip.distance)
        t = float(values["t"])
        margin = 0.02 * view.width
        x = np.linspace(view.x_min - margin, view.x_max + margin, sample_count(view))
        distance = break_jumps(x, _samples(s, x, 0), view)
        velocity = _samples(s, x, 1)
        outside = (x < 0.0) | (x > TRIP_HOURS)  # the trip lasts from t = 0 to t = 1 h
        distance[outside] = np.nan
        velocity[outside] = np.nan
        for k in trip.kinks:  # the speed jumps there: a gap, not a vertical line
            velocity[np.abs(x - k) <= 1.5 * (x[1] - x[0])] = np.nan

        s_t = float(s.value(t))
        v, left, right = speed(trip, t)
        drawables: list = [
            Curve("distance", x, distance, role="curve", width=3.0, label=f"distance {trip.formula}"),
        ]
        tangent_x = np.array([view.x_min - margin, view.x_max + margin])
        if v is not None:
            drawables.append(Curve("tangent", tangent_x, s_t + v * (tangent_x - t), role="tangent", width=2.5,
                                   dashed=True, label="tangent at t: slope = speed s′(t)"))
        else:
            # At the kink: the two one-sided tangents, drawn right through it so that they visibly differ.
            for key, slope, role in (("left", left, "secant"), ("right", right, "tangent")):
                drawables.append(Curve(f"tangent_{key}", tangent_x, s_t + slope * (tangent_x - t), role=role,
                                       width=2.5, dashed=True,
                                       label=f"{key} tangent: slope {format_number(slope, 6)} km/h"))
        drawables.append(Curve("speed_legend", np.full(2, np.nan), np.full(2, np.nan), role="derivative",
                               label="speed s′(t) (below)"))
        drawables.append(Markers("point", np.array([t]), np.array([s_t]), role="point", size=16.0, draggable="t"))
        drawables.append(Label("point_label", f"s({format_number(t, 4)}) = {format_number(s_t, 5)} km", t, s_t,
                               role="text", offset=(-12, -12), anchor=("right", "bottom")))

        finite = velocity[np.isfinite(velocity) & (x >= view.x_min) & (x <= view.x_max)]
        top = max(float(finite.max()) if finite.size else 0.0, 1.0)
        bottom = min(float(finite.min()) if finite.size else 0.0, 0.0)
        speed_view = View(view.x_min, view.x_max, bottom - 0.12 * (top - bottom), top + 0.25 * (top - bottom),
                          pixels=view.pixels)
        panel_drawables: list = [Curve("speed", x, velocity, role="derivative", width=3.0)]
        panel_drawables.append(Curve("now", np.array([t, t]), np.array([speed_view.y_min, speed_view.y_max]),
                                     role="guide", width=1.5))
        if v is not None:
            panel_drawables.append(Markers("speed_point", np.array([t]), np.array([v]), role="derivative", size=15.0))
            panel_drawables.append(Label("speed_label", f"s′({format_number(t, 4)}) = {format_number(v, 5)} km/h",
                                         t, v, role="derivative", offset=(-10, -10), anchor=("right", "bottom")))
        else:
            panel_drawables.append(Markers("speed_left", np.array([t]), np.array([left]), role="secant", size=13.0))
            panel_drawables.append(Markers("speed_right", np.array([t]), np.array([right]), role="tangent", size=13.0))
            panel_drawables.append(Label("speed_label", f"s′({format_number(t, 4)}) does not exist: "
                                         f"{format_number(left, 5)} km/h from the left, {format_number(right, 5)} from the right",
                                         t, (left + right) / 2, role="text", offset=(12, 0), anchor=("left", "center")))
        panel = Panel("speed", tuple(panel_drawables), speed_view, x_name="t (h)", y_name="speed s′(t) (km/h)")

        if v is not None:
            caption = f"t = {format_number(t, 4)} h: s = {format_number(s_t, 5)} km, speed s′(t) = {format_number(v, 5)} km/h"
        else:
            caption = (f"t = {format_number(t, 4)} h: a kink in s; one-sided slopes {format_number(left, 5)} "
                       f"and {format_number(right, 5)} km/h")
        readouts = (
            Readout("t", t, f"{format_number(t, 4)} h", "time since the start"),
            Readout("s(t)", s_t, f"{format_number(s_t, 6)} km", "distance travelled", role="curve"),
            Readout("s′(t)", v, "does not exist" if v is None else f"{format_number(v, 6)} km/h",
                    "speed: the slope of s at t", role="derivative"),
            Readout("left slope", left, f"{format_number(left, 6)} km/h", "lim (s(t) − s(t − h))/h as h → 0⁺",
                    role="secant"),
            Readout("right slope", right, f"{format_number(right, 6)} km/h", "lim (s(t + h) − s(t))/h as h → 0⁺",
                    role="tangent"),
        )
        return SceneFrame(
            tuple(drawables),
            readouts,
            caption=caption,
            panels=(panel,),
            main_size=1.2,
            x_name="t (h)",
            y_name="s (km)",
            extra={"t": t, "s": s_t, "speed": v, "left": left, "right": right, "trip": trip},
        )

    def function_latex(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        s = distance_function(PRESETS[values["preset"]].distance)
        return [("s(t)", s.latex), ("s′(t)", s.derivative_latex(1))]
