"""The start-up speedups change how VisPy's helpers run, never what they return."""

import numpy as np

from derivlab.render.speedups import install_speedups


def test_glyph_bitmaps_are_the_bytes_freetype_rendered():
    import freetype
    from vispy.util.fonts._freetype import _load_font, _load_glyph

    install_speedups()
    face = _load_font("OpenSans", False, False)
    for char, size in (("g", 12), ("θ", 48), ("′", 96), (" ", 24)):
        face.set_char_size(size * 64)
        face.load_char(char, freetype.FT_LOAD_RENDER | freetype.FT_LOAD_NO_HINTING | freetype.FT_LOAD_NO_AUTOHINT)
        bitmap = face.glyph.bitmap
        raw = bitmap._FT_Bitmap.buffer
        expected = [raw[i] for i in range(bitmap.rows * bitmap.pitch)]  # freetype-py's own loop
        assert np.array_equal(np.array(bitmap.buffer), np.array(expected, dtype=np.int64))

        glyphs: dict = {}
        _load_glyph({"face": "OpenSans", "bold": False, "italic": False, "size": size}, char, glyphs)
        width = bitmap.width
        rows = np.array(expected, dtype=np.uint8).reshape(bitmap.rows, -1)[:, :width] if bitmap.rows else None
        if rows is not None:
            assert np.array_equal(glyphs[char]["bitmap"], rows)
        assert glyphs[char]["bitmap"].dtype == np.uint8
