"""What the planes (flat and 3D) share about VisPy visuals: colours, text, boxes, assignments.

VisPy marks a visual changed (and uploads its data again, or lays its text out
again) on every assignment, even of the same value. A frame of an animation leaves
most visuals as they were; assigning through :func:`set_data`, :func:`set_props`,
:func:`set_visible` and :func:`set_order` keeps those unmarked, so they can stay
in the picture of unchanged layers (:mod:`derivlab.render.layers`) and skip the work.
"""

from __future__ import annotations

import weakref
from functools import lru_cache

import numpy as np
from vispy import scene
from vispy.color import Color

from .speedups import install_speedups

_DATA_STATE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _data_key(value):
    if isinstance(value, np.ndarray):
        return (value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, (list, tuple)):
        return tuple(_data_key(v) for v in value)
    return value


def set_data(visual, **data) -> None:
    """``visual.set_data(**data)``, skipped when ``data`` equal the last call's.

    The comparison is by value (dtype, shape and bytes of arrays), so an array must
    not be changed in place after it was passed: VisPy keeps a reference to it and
    uploads it later, and equal bytes next time would skip the call. Pass fresh arrays.
    """
    key = tuple((name, _data_key(value)) for name, value in sorted(data.items()))
    if _DATA_STATE.get(visual) != key:
        visual.set_data(**data)
        _DATA_STATE[visual] = key


def set_visible(visual, shown) -> None:
    """Show or hide a visual, without marking it changed when it already is so."""
    shown = bool(shown)
    if visual.visible != shown:
        visual.visible = shown


def set_order(visual, order: float) -> None:
    """Set a visual's drawing order (larger on top); the canvas sorts its nodes again when it changes."""
    if visual.order != order:
        visual.order = order
        canvas = getattr(visual, "canvas", None)
        if canvas is not None:
            canvas._draw_order.clear()  # VisPy sorts children only when the scene graph changes


@lru_cache(maxsize=512)
def rgba(color: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    """(r, g, b, alpha) of a colour name or hex string (parsed once: VisPy's parser is slow)."""
    r, g, b, _ = Color(color).rgba
    return (r, g, b, alpha)


@lru_cache(maxsize=1)
def text_face() -> str:
    """The font for text on the canvas: DejaVu Sans where it is installed, else VisPy's OpenSans.

    OpenSans has no arrows, no superscript minus and no subscripts (h → 0, 10⁻⁸, f′₋)
    and draws them as boxes.
    """
    from vispy.util.fonts import list_fonts

    try:
        return "DejaVu Sans" if "DejaVu Sans" in list_fonts() else "OpenSans"
    except Exception:  # noqa: BLE001 - no font listing: keep VisPy's own font
        return "OpenSans"


_LAYOUT_EM = 256
"""The size (pixels per em) VisPy loads glyphs at for its text (``TextureFont``) and measures advances at."""
_GLYPHS: dict[str, dict] = {}
_ESTIMATE_EM = 0.6  # a character's width when the font cannot be read


def _advance_em(char: str) -> float:
    """The advance of ``char`` in :func:`text_face`, in em, read from the font once."""
    glyph = _GLYPHS.get(char)
    if glyph is None:
        install_speedups()
        try:
            from vispy.util.fonts import _load_glyph  # what TextureFont reads its glyphs with

            _load_glyph(dict(face=text_face(), bold=False, italic=False, size=_LAYOUT_EM), char, _GLYPHS)
            glyph = _GLYPHS[char]
            glyph.pop("bitmap", None)  # a 256-pixel rendering: only its advance and kerning are needed
        except Exception:  # noqa: BLE001 - no font to read: the usual estimate
            glyph = _GLYPHS[char] = {"advance": _ESTIMATE_EM * _LAYOUT_EM, "kerning": {}}
    return glyph["advance"] / _LAYOUT_EM


@lru_cache(maxsize=4096)
def _width_em(text: str) -> float:
    """Width of one line of ``text`` in em: the sum of its glyphs' advances plus kerning, as VisPy lays it out."""
    width, previous = 0.0, None
    for char in text:
        width += _advance_em(char)
        if previous is not None:
            width += _GLYPHS[char]["kerning"].get(previous, 0.0) / _LAYOUT_EM
        previous = char
    return width


def text_width(text: str, font_px: float) -> float:
    """Width in pixels of ``text`` drawn by a Text visual of :func:`text_face` with an em of ``font_px`` pixels.

    It is the advance VisPy's layout gives the text (its anchors align this width):
    the sum over characters c of advance(c) + kerning(previous c, c), in em, times
    ``font_px``; the widest line for text of several lines. Advances are read from
    the font file with freetype, as VisPy reads them, without a GL context, once per
    character; widths of whole strings are kept, so a frame of an animation pays a
    dictionary look-up for a string it measured before. Characters the font cannot
    be read for count 0.6 em.
    """
    if "\n" in text:
        return max(_width_em(line) for line in text.split("\n")) * font_px
    return _width_em(text) * font_px


def new_text(**kwargs):
    """A VisPy Text visual in :func:`text_face`."""
    install_speedups()
    return scene.visuals.Text(face=text_face(), **kwargs)


def flat(visual) -> None:
    """Draw in painter's order (by ``order``), blended, with no depth test between flat layers."""
    visual.set_gl_state("translucent", depth_test=False)


def box_triangles(x0, y0, x1, y1) -> np.ndarray:
    """Axis-aligned boxes [x0, x1] × [y0, y1] (arrays, one entry a box) as two triangles each, (2n, 3, 2) float32."""
    x0, y0, x1, y1 = (np.atleast_1d(np.asarray(c, dtype=np.float64)) for c in (x0, y0, x1, y1))
    corners = np.stack([np.column_stack(p) for p in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))], axis=1)
    return corners[:, [0, 1, 2, 0, 2, 3], :].reshape(-1, 3, 2).astype(np.float32)


_TEXT_STATE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def set_props(visual, **props) -> None:
    """Set properties of a visual (text, pos, font_size, color, center, width ...), skipping unchanged ones.

    VisPy redoes work whenever one of these is assigned, even to the same value: a
    text is laid out again glyph by glyph, a rectangle is tessellated again and its
    shader rebuilt. A frame of a running animation changes only a few of them, so
    comparing first saves most of that work.
    """
    state = _TEXT_STATE.setdefault(visual, {})
    for name, value in props.items():
        if name in ("pos", "color", "border_color", "center"):
            key = np.asarray(value, dtype=np.float32)
            key = (key.shape, key.tobytes())
        elif name == "text":
            key = tuple(value) if isinstance(value, list) else value
        else:
            key = value
        if state.get(name, _MISSING) != key:
            setattr(visual, name, value)
            state[name] = key


_MISSING = object()
