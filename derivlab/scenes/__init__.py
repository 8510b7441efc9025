"""One module per scene: declared parameters, a default view and a pure ``compute``.

Scenes import neither Qt nor VisPy, so each can be computed and checked with numpy alone.
"""

from __future__ import annotations

from .activations import ActivationsScene
from .backprop import BackpropScene
from .base import Scene, typed_function
from .bezier import BezierScene
from .chain_rule import ChainRuleScene
from .derivative_graph import DerivativeGraphScene
from .differentiability import DifferentiabilityScene
from .drawables import Curve, Fill, Label, Markers, Panel, Readout, SceneFrame, Table, format_number
from .gradient_descent import GradientDescentScene
from .implicit import ImplicitScene
from .linear_approximation import LinearApproximationScene
from .loss_surface import LossSurfaceScene
from .mean_value import MeanValueScene
from .motion import MotionScene
from .numerical_differentiation import NumericalDifferentiationScene
from .rules import RulesScene
from .secant import SecantScene
from .secant_field import SecantFieldScene
from .taylor import TaylorScene
from .weierstrass import WeierstrassScene

# In the order of a course: the derivative, when it fails, its rules and uses, then learning.
_SCENE_TYPES: tuple[type[Scene], ...] = (
    SecantScene,
    LinearApproximationScene,
    DifferentiabilityScene,
    WeierstrassScene,
    RulesScene,
    DerivativeGraphScene,
    TaylorScene,
    MeanValueScene,
    MotionScene,
    ImplicitScene,
    BezierScene,
    NumericalDifferentiationScene,
    SecantFieldScene,
    ChainRuleScene,
    BackpropScene,
    ActivationsScene,
    GradientDescentScene,
    LossSurfaceScene,
)

SCENES: dict[str, Scene] = {cls.name: cls() for cls in _SCENE_TYPES}
DEFAULT_SCENE = "secant"


def get_scene(name: str) -> Scene:
    """The scene called ``name``; a KeyError names the scenes there are."""
    try:
        return SCENES[name]
    except KeyError:
        raise KeyError(f"no scene called '{name}'; scenes: {', '.join(SCENES)}") from None


__all__ = [
    "DEFAULT_SCENE", "SCENES", "Curve", "Fill", "Label", "Markers", "Panel", "Readout", "Scene",
    "SceneFrame", "Table",
    "format_number", "get_scene", "typed_function",
]
