"""Colour themes: each maps a drawable's role to a colour.

Palettes use the Okabe–Ito colours, which stay distinct for the common forms of
colour blindness. ``projector`` is high contrast with thicker lines and larger
text for a lecture hall; ``projector-light`` is its dark-on-light twin.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Okabe–Ito palette.
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"


@dataclass(frozen=True)
class Theme:
    """Colours by role, plus the scale of lines and text relative to 1080p."""

    name: str
    background: str
    foreground: str
    grid: str
    minor_grid: str
    roles: dict[str, str] = field(default_factory=dict)
    line_scale: float = 1.0
    text_scale: float = 1.0

    def color(self, role: str) -> str:
        return self.roles.get(role, self.foreground)


THEMES: dict[str, Theme] = {
    "light": Theme(
        "light",
        background="#FFFFFF",
        foreground="#1A1A1A",
        grid="#D9D9D9",
        minor_grid="#EFEFEF",
        roles={
            "curve": BLUE,
            "secant": ORANGE,
            "tangent": VERMILLION,
            "point": "#1A1A1A",
            "guide": "#7F7F7F",
            "text": "#1A1A1A",
            "derivative": BLUISH_GREEN,
            "second": REDDISH_PURPLE,
        },
    ),
    "dark": Theme(
        "dark",
        background="#16181D",
        foreground="#E8E8E8",
        grid="#3A3D45",
        minor_grid="#25282E",
        roles={
            "curve": SKY_BLUE,
            "secant": ORANGE,
            "tangent": VERMILLION,
            "point": "#F5F5F5",
            "guide": "#9A9A9A",
            "text": "#E8E8E8",
            "derivative": BLUISH_GREEN,
            "second": REDDISH_PURPLE,
        },
    ),
    "projector": Theme(
        "projector",
        background="#000000",
        foreground="#FFFFFF",
        grid="#4D4D4D",
        minor_grid="#262626",
        roles={
            "curve": SKY_BLUE,
            "secant": YELLOW,
            "tangent": VERMILLION,
            "point": "#FFFFFF",
            "guide": "#BFBFBF",
            "text": "#FFFFFF",
            "derivative": BLUISH_GREEN,
            "second": REDDISH_PURPLE,
        },
        line_scale=1.6,
        text_scale=1.9,
    ),
    "projector-light": Theme(
        "projector-light",
        background="#FFFFFF",
        foreground="#000000",
        grid="#B3B3B3",
        minor_grid="#E0E0E0",
        roles={
            "curve": BLUE,
            "secant": ORANGE,
            "tangent": VERMILLION,
            "point": "#000000",
            "guide": "#595959",
            "text": "#000000",
            "derivative": BLUISH_GREEN,
            "second": REDDISH_PURPLE,
        },
        line_scale=1.6,
        text_scale=1.9,
    ),
}

DEFAULT_THEME = "light"


def get_theme(name: str) -> Theme:
    try:
        return THEMES[name]
    except KeyError:
        raise KeyError(f"no theme called '{name}'; themes: {', '.join(THEMES)}") from None
