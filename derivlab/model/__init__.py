"""Plain state with no Qt, no VisPy and no CuPy: parameters, views, timelines."""

from __future__ import annotations

from .parameters import Parameter, ParameterError, SceneState, parse_assignment, parse_number
from .timeline import (
    EASINGS,
    Animate,
    CameraMove,
    Hold,
    Timeline,
    TimelineError,
    Together,
    parallel_timeline,
    parse_animate,
)
from .view import View

__all__ = [
    "EASINGS",
    "Animate",
    "CameraMove",
    "Hold",
    "Parameter",
    "ParameterError",
    "SceneState",
    "Timeline",
    "TimelineError",
    "Together",
    "View",
    "parallel_timeline",
    "parse_animate",
    "parse_assignment",
    "parse_number",
]
