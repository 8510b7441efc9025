"""Start-up work of VisPy and freetype-py done once and with fewer Python steps.

Both are behaviour-preserving replacements of private helpers, installed once
(:func:`install_speedups`) and skipped when a library version lacks what they
replace. Measured on the first 1080p frame of the secant scene: about 0.5 s less.
"""

from __future__ import annotations

import weakref
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=1)
def install_speedups() -> None:
    """Glyph bitmaps in one copy, shader variables parsed once per source, glyph fields kept on disk,
    the text filter kernel uploaded once, lines of text laid out with fewer steps (and once per
    string), uniforms sent again only when they change."""
    from .glyphs import keep_distance_fields

    _read_glyph_bitmaps_in_one_piece()
    _upload_text_kernel_once()
    _lay_out_text_lines_faster()
    _send_unchanged_uniforms_once()
    _parse_shader_variables_once()
    keep_distance_fields()


def _read_glyph_bitmaps_in_one_piece() -> None:
    """Make freetype-py hand over a glyph's bitmap with one C-level copy.

    VisPy lays out text from ``face.glyph.bitmap.buffer``, which freetype-py builds
    by indexing a C array byte by byte in Python: 0.3 s of the first frame's
    1 s here for the ~150 glyphs a scene uses. The replacement returns the same
    bytes, read with ``ctypes.string_at``, as a uint8 array: VisPy's
    ``np.array(buffer)`` then copies it in one step instead of converting a list of
    ints one by one (another 0.4 ms a glyph).
    """
    import ctypes

    try:
        import freetype
    except ImportError:  # VisPy then draws text another way
        return
    bitmap_type = getattr(freetype, "Bitmap", None)
    if bitmap_type is None or not isinstance(getattr(bitmap_type, "buffer", None), property):
        return

    def buffer(self) -> np.ndarray:
        size = self.rows * self.pitch
        if size <= 0 or not self._FT_Bitmap.buffer:
            return np.zeros(0, np.uint8)
        return np.frombuffer(ctypes.string_at(self._FT_Bitmap.buffer, size), np.uint8)

    bitmap_type.buffer = property(buffer, doc=bitmap_type.buffer.__doc__)


def _upload_text_kernel_once() -> None:
    """Give each text font its filter kernel as a texture, not as an array.

    VisPy's Text sets its program's ``u_kernel`` sampler from ``TextureFont._kernel``
    at every draw. That is a (16, 1024, 4) float32 array, and a sampler given an array
    uploads it again each time: 256 kB into a texture per text per frame (five texts
    in a frame of the secant clip). Given the texture made from the same array, the
    program only binds it. The texture is made exactly as the program would make it
    (``Texture2D(kernel)``), one per font, and a font belongs to one Text visual.
    """
    try:
        from vispy.gloo import Texture2D
        from vispy.visuals.text.text import TextureFont
    except ImportError:
        return
    init = TextureFont.__init__
    if getattr(init, "_derivlab_kernel", False):
        return

    def init_with_kernel_texture(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self._kernel = Texture2D(self._kernel)

    init_with_kernel_texture._derivlab_kernel = True
    TextureFont.__init__ = init_with_kernel_texture


#: esc_seq of VisPy's layout: characters that move the pen instead of drawing a glyph
_TEXT_ESCAPES = frozenset((7, 8, 9, 10, 11, 12, 13))
_PROBE_CHARS = "ÅÉÑŐjgpqy"  # VisPy's: tall capitals and descenders, for a steady vertical alignment
_LAID_OUT_PER_FONT = 512  # strings kept per font


def _lay_out_text_lines_faster() -> None:
    """Lay out a line of text (VisPy's ``_text_to_vbo``) in fewer Python steps, and once per string.

    A Text whose string changes is laid out again: for each character a quad
    (x0, y0)–(x1, y1) with x0 = pen + offset_x/ratio + kerning, y0 = offset_y/ratio + slop,
    x1 = x0 + width, y1 = y0 − height, the pen moving on by advance/ratio + kerning;
    then the line is shifted by its anchor and divided by the font's low-resolution size.
    VisPy writes each quad into a numpy record array, four slice assignments a character
    (the readout's five changing lines cost about 2 ms a frame here). This does the same
    arithmetic in the same order on plain floats and converts once, so the vertices are
    the same float32 numbers, and keeps the result per font for strings seen before.

    VisPy's own layout still runs where anything else could happen: a character whose
    glyph is not yet rendered (rendering one changes the viewport, which VisPy restores)
    and escape characters (line breaks, tabs).
    """
    try:
        from vispy.visuals.text import text as text_module
    except ImportError:
        return
    original = getattr(text_module, "_text_to_vbo", None)
    if original is None or getattr(original, "_derivlab_layout", False):
        return
    vtype = np.dtype([("a_position", np.float32, 2), ("a_texcoord", np.float32, 2)])
    laid_out: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # font -> {key: vertices}

    def text_to_vbo(text, font, anchor_x, anchor_y, lowres_size, line_height):
        glyphs = getattr(font, "_glyphs", None)
        if not isinstance(text, str) or not isinstance(glyphs, dict):
            return original(text, font, anchor_x, anchor_y, lowres_size, line_height)
        key = (text, anchor_x, anchor_y, lowres_size, line_height)
        try:
            kept = laid_out.setdefault(font, {})
        except TypeError:  # a font that cannot be referenced weakly
            kept = {}
        vertices = kept.get(key)
        if vertices is not None:
            return vertices
        if (any(ord(c) in _TEXT_ESCAPES or c not in glyphs for c in text)
                or any(c not in glyphs for c in _PROBE_CHARS) or " " not in glyphs):
            vertices = original(text, font, anchor_x, anchor_y, lowres_size, line_height)
        else:
            vertices = _lay_out_line(text, font, glyphs, anchor_x, anchor_y, lowres_size, vtype)
        vertices.flags.writeable = False  # kept: the caller concatenates, never changes it
        if len(kept) >= _LAID_OUT_PER_FONT:
            kept.clear()
        kept[key] = vertices
        return vertices

    text_to_vbo._derivlab_layout = True
    text_to_vbo._derivlab_original = original
    text_module._text_to_vbo = text_to_vbo


def _lay_out_line(text: str, font, glyphs: dict, anchor_x, anchor_y, lowres_size, vtype) -> np.ndarray:
    """VisPy's ``_text_to_vbo`` for one line whose glyphs are all rendered: the same operations on
    the same values (see :func:`_lay_out_text_lines_faster`). VisPy's line height and y offset
    only move the lines after a line break, which never happens here."""
    ascender = descender = 0
    ratio, slop = 1.0 / font.ratio, font.slop
    x_off = -slop
    for char in _PROBE_CHARS:
        glyph = glyphs[char]
        y0 = glyph["offset"][1] * ratio + slop
        y1 = y0 - glyph["size"][1]
        ascender = max(ascender, y0 - slop)
        descender = min(descender, y1 + slop)
    width = 0
    positions: list = []
    texcoords: list = []
    prev = None
    for char in text:
        glyph = glyphs[char]
        kerning = glyph["kerning"].get(prev, 0.0) * ratio
        x0 = x_off + glyph["offset"][0] * ratio + kerning
        y0 = glyph["offset"][1] * ratio + slop
        x1 = x0 + glyph["size"][0]
        y1 = y0 - glyph["size"][1]
        u0, v0, u1, v1 = glyph["texcoords"]
        positions += ((x0, y0), (x0, y1), (x1, y1), (x1, y0))
        texcoords += ((u0, v0), (u0, v1), (u1, v1), (u1, v0))
        x_move = glyph["advance"] * ratio + kerning
        x_off += x_move
        ascender = max(ascender, y0 - slop)
        descender = min(descender, y1 + slop)
        width += x_move
        prev = char
    vertices = np.zeros(len(text) * 4, dtype=vtype)
    if text:
        vertices["a_position"] = positions
        vertices["a_texcoord"] = texcoords
    dx = dy = 0
    if anchor_y == "top":
        dy = -descender
    elif anchor_y in ("center", "middle"):
        dy = (-descender - ascender) / 2
    elif anchor_y == "bottom":
        dy = -ascender
    if anchor_x == "right":
        dx = -width
    elif anchor_x == "center":
        dx = -width / 2.0
    vertices["a_position"] += (dx, dy)
    vertices["a_position"] /= lowres_size
    return vertices


_SMALL_ARRAY = 64  # elements: uniforms are vectors and matrices, at most 4 × 4


def _uniform_snapshot(value, texture_type):
    """A copy of a uniform's value to compare the next one with, or None for values that are not
    compared (buffers, shader functions, large arrays: always sent). ``texture_type`` is VisPy's
    ``BaseTexture``."""
    if isinstance(value, (bool, int, float, str)):
        return (type(value), value)
    if isinstance(value, texture_type):
        return ("texture", value)  # the same texture object; its contents go through the texture itself
    if isinstance(value, np.ndarray):
        if value.size <= _SMALL_ARRAY and value.dtype.kind in "biuf":
            return ("array", value.dtype.str, value.shape, value.tobytes())
        return None
    if isinstance(value, (tuple, list)) and len(value) <= _SMALL_ARRAY:
        if all(isinstance(v, (bool, int, float, np.number)) for v in value):
            return ("sequence", tuple(float(v) for v in value))
    return None


def _same_snapshot(a, b) -> bool:
    if a[0] == "texture" or b[0] == "texture":
        return a[0] == b[0] and a[1] is b[1]
    return a == b


def _send_unchanged_uniforms_once() -> None:
    """Skip assigning a visual's shader variable the value it already has.

    VisPy's visuals set most of their uniforms at every draw (a Text sets seven:
    its size, scale, colour, atlas, kernel ...), and each assignment is converted,
    queued as a GLIR command, parsed and sent to the GL, changed or not: about a
    fifth of a drawn Text's Python. An assignment to a ``MultiProgram`` (a visual's
    ``shared_program``) whose value equals the last one assigned there (the same
    number, sequence of numbers or small array, or the same texture object) is
    skipped. The GL program keeps the value it was sent; VisPy sends every value
    again itself when a program is rebuilt, and a program added later gets the
    latest value, which is kept as before.
    """
    try:
        from vispy.gloo.texture import BaseTexture
        from vispy.visuals.shaders.multiprogram import MultiProgram
    except ImportError:
        return
    setitem = MultiProgram.__setitem__
    if getattr(setitem, "_derivlab_unchanged", False):
        return

    def set_if_changed(self, key, value):
        last = self.__dict__.setdefault("_derivlab_sent", {})
        snapshot = _uniform_snapshot(value, BaseTexture)
        if snapshot is not None and key in last and _same_snapshot(last[key], snapshot):
            self._set_items[key] = value
            return
        setitem(self, key, value)
        if snapshot is None:
            last.pop(key, None)
        else:
            last[key] = snapshot

    set_if_changed._derivlab_unchanged = True
    MultiProgram.__setitem__ = set_if_changed


def _parse_shader_variables_once() -> None:
    """Remember the variables VisPy finds in a shader program's source.

    Every program VisPy builds scans its GLSL with regular expressions for uniforms,
    attributes and varyings (about 10 ms each here); a scene's ~25 programs share a
    handful of sources. The result depends on the source alone, so it is kept per
    source and copied into each program.
    """
    try:
        from vispy.gloo.program import Program
    except ImportError:
        return
    parse = getattr(Program, "_parse_variables_from_code", None)
    if parse is None or getattr(parse, "_derivlab_memo", False):
        return
    found: dict[str, dict] = {}

    def parse_once(self, update_variables=True):
        code = "\n\n".join(shader.code for shader in self._shaders)
        variables = found.get(code)
        if variables is None:
            parse(self, update_variables=False)
            found[code] = dict(self._code_variables)
        else:
            self._code_variables = dict(variables)
        if update_variables:
            self._process_pending_variables()

    parse_once._derivlab_memo = True
    Program._parse_variables_from_code = parse_once
