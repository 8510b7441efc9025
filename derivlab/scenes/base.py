"""What every scene is: declared parameters, a default view and a pure ``compute``."""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from derivlab.model import Parameter, SceneState, View

from .drawables import SceneFrame

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend
    from derivlab.expr import Function


@lru_cache(maxsize=64)
def typed_function(text: str, parameters: tuple[str, ...] = ()) -> Function:
    """The checked :class:`Function` for text a person typed (cached: parsing runs sympy)."""
    from derivlab.expr import Function

    return Function.from_text(text, parameters=parameters)


class Scene(ABC):
    """A scene computes drawables from parameter values; it never touches Qt or VisPy."""

    name: ClassVar[str]
    title: ClassVar[str]
    summary: ClassVar[str] = ""
    parameters: ClassVar[tuple[Parameter, ...]]
    default_view: ClassVar[View] = View()

    def new_state(self, values: Mapping[str, Any] | None = None) -> SceneState:
        return SceneState(self.parameters, values)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.parameters}

    @abstractmethod
    def compute(
        self, values: Mapping[str, Any], view: View, backend: Backend | None = None
    ) -> SceneFrame:
        """Drawables and readouts for ``values`` seen through ``view``."""

    def function_latex(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(label, LaTeX) pairs to typeset beside the canvas; none by default."""
        return []

    def linked_values(self, changed: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
        """Values that follow from a change, e.g. a preset choosing f; none by default.

        Called after ``changed`` was applied; what it returns is applied in turn
        (and must not keep changing: the presenter applies it once per change).
        """
        return {}

    def coarse_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Overrides for a quick first picture after a change (fewer samples, a coarser grid).

        The window draws the scene with these first, then again with the real values a
        moment later when nothing else has changed; exports always use the real values.
        None by default: the scene is quick enough as it is.
        """
        return {}

    def slow_work(self, values: Mapping[str, Any]) -> str:
        """What even a coarse picture for ``values`` must first wait for, as a sentence
        ("Training the network …"); "" when the coarse picture is quick (the default).

        The window then keeps the last picture up with this sentence on it and computes
        the frame in the background (:meth:`prepare`, then ``compute``); exports call
        ``compute`` directly and simply wait.
        """
        return ""

    def slow_work_key(self, values: Mapping[str, Any]) -> Any:
        """What identifies the slow work for ``values``: a running :meth:`prepare` is stopped
        only for a newer request whose key differs (all the values, by default)."""
        return tuple(sorted(values.items(), key=lambda item: item[0]))

    def prepare(self, values: Mapping[str, Any]) -> None:
        """Do the slow work :meth:`slow_work` names, so that ``compute`` finds it cached.

        Runs on a background thread, one scene at a time: it may only fill caches that
        ``compute`` reads. Nothing by default.
        """
        return None

    def animations(self) -> dict[str, dict[str, Any]]:
        """Named animations the window offers as play buttons: parameter, start, end, easing, duration.

        ``{"h → 0": {"parameter": "h", "start": 2.0, "end": 1e-6, "easing": "geometric",
        "duration": 6.0}}``; ``start``/``end`` may be ``None`` for "the current value".
        """
        return {}


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def formula_text(text: str) -> str:
    """A one-line, readable form of sympy's text: ``x**3 - 3*x`` → ``x³ − 3x``."""
    text = re.sub(r"\*\*(-?\d+)(?![.\d])", lambda m: m.group(1).translate(_SUPERSCRIPTS), text)
    text = text.replace("**", "^")
    text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)\*(?=[a-zA-Z(])", r"\1", text)
    text = text.replace("*", "·")
    text = text.replace(" - ", " − ").replace("(-", "(−").replace(" + -", " − ")
    return "−" + text[1:] if text.startswith("-") else text


def function_parameter(default: str, help: str, label: str = "Function") -> Parameter:
    """The function f(x) a scene studies, typed as text and checked by the expression parser."""
    return Parameter("f", default, kind="expression", symbol="f(x)", label=label, help=help)


def point_parameter(default: float, help: str) -> Parameter:
    """The point a on the x axis where a scene looks at f: any a with |a| ≤ 10⁶."""
    return Parameter("a", default, symbol="a", label="Point a", minimum=-1e6, maximum=1e6, help=help)


def step_parameter(default: float, maximum: float, help: str, label: str = "Step h", minimum: float = 1e-8) -> Parameter:
    """The step h of a difference quotient: either sign, minimum ≤ |h| ≤ maximum, on a log slider."""
    return Parameter("h", default, kind="step", symbol="h", label=label, minimum=minimum, maximum=maximum,
                     scale="log", help=help)


def adam_parameters() -> tuple[Parameter, Parameter]:
    """Adam's decay rates β₁ (mean of the gradients) and β₂ (mean of their squares)."""
    return (
        Parameter("beta1", 0.9, symbol="β₁", label="Adam β₁", minimum=0.0, maximum=0.999,
                  help="Adam: decay of the mean of the gradients."),
        Parameter("beta2", 0.999, symbol="β₂", label="Adam β₂", minimum=0.0, maximum=0.99999,
                  help="Adam: decay of the mean of the squared gradients."),
    )


def finite_value(f: Function, x: float, n: int = 0) -> float | None:
    """f⁽ⁿ⁾(x) as a finite float, or None where it is undefined (NaN or ±∞)."""
    v = f.value(x, n)
    return None if v is None or not math.isfinite(v) else float(v)


def break_jumps(x: np.ndarray, y: np.ndarray, view: View) -> np.ndarray:
    """``y`` with NaN gaps where the curve leaves the view on one side and returns on the other.

    Between two neighbouring samples, a jump from above ``y_max`` to below ``y_min``
    (or back) is a pole, not a steep stretch of curve: drawing it would put a false
    vertical line on screen. Values far outside the view are clipped so that
    float32 drawing stays finite.
    """
    y = np.array(y, dtype=np.float64, copy=True)
    margin = 10.0 * view.height
    above = y > view.y_max + margin * 0.01
    below = y < view.y_min - margin * 0.01
    crossing = (above[:-1] & below[1:]) | (below[:-1] & above[1:])
    idx = np.nonzero(crossing)[0]
    if idx.size:
        y[idx + 1] = np.nan
    y[~np.isfinite(y)] = np.nan
    np.clip(y, view.y_min - margin, view.y_max + margin, out=y)
    return y
