"""Plain state with no Qt, no VisPy and no CuPy: parameters, views, timelines."""

from __future__ import annotations

from .parameters import Parameter, ParameterError, SceneState, parse_assignment, parse_number
from .view import View

__all__ = ["Parameter", "ParameterError", "SceneState", "View", "parse_assignment", "parse_number"]
