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


def _uniform_commands(program, assign) -> list:
    """The GLIR UNIFORM commands that ``assign(program)`` queues on a MultiProgram's programs."""
    from vispy.gloo import glir

    sent = []
    command = glir.GlirQueue.command

    def counting(self, *args):
        if args[0] == "UNIFORM":
            sent.append((args[2], np.array(args[4]).tolist()))
        return command(self, *args)

    glir.GlirQueue.command = counting
    try:
        assign(program)
    finally:
        glir.GlirQueue.command = command
    return sent


def _program():
    from vispy.visuals.shaders import MultiProgram

    install_speedups()
    program = MultiProgram(vcode="uniform vec4 u_color; uniform float u_half; void main() { gl_Position = u_color * u_half; }",
                           fcode="void main() { gl_FragColor = vec4(1.0); }")
    view = program.add_program()  # (held weakly by the MultiProgram, as a visual's view is)
    view.build_if_needed()  # its variables are known: assignments become UNIFORM commands
    return program, view


def test_a_uniform_is_sent_again_only_when_its_value_changes():
    program, _view = _program()
    assert _uniform_commands(program, lambda p: p.__setitem__("u_half", 1.5)) == [("u_half", [1.5])]
    assert _uniform_commands(program, lambda p: p.__setitem__("u_half", 1.5)) == []
    assert _uniform_commands(program, lambda p: p.__setitem__("u_half", 2.0)) == [("u_half", [2.0])]
    color = (0.1, 0.2, 0.3, 1.0)
    assert len(_uniform_commands(program, lambda p: p.__setitem__("u_color", color))) == 1
    assert _uniform_commands(program, lambda p: p.__setitem__("u_color", list(color))) == []  # equal values
    assert program["u_color"] == list(color)  # the latest value is the one kept


def test_an_array_changed_in_place_and_assigned_again_is_sent():
    program, _view = _program()
    color = np.array([0.1, 0.2, 0.3, 1.0], np.float32)
    assert len(_uniform_commands(program, lambda p: p.__setitem__("u_color", color))) == 1
    color[0] = 0.9  # the caller reuses its array
    sent = _uniform_commands(program, lambda p: p.__setitem__("u_color", color))
    assert len(sent) == 1 and abs(sent[0][1][0] - 0.9) < 1e-6


def test_text_is_laid_out_as_vispy_lays_it_out():
    """The faster layout gives VisPy's vertices, byte for byte, and the same array for a string seen before."""
    from itertools import product

    from vispy.visuals.text import text as text_module

    from derivlab.model import View
    from derivlab.render.offscreen import OffscreenRenderer
    from derivlab.render.speedups import _lay_out_line
    from derivlab.scenes import get_scene

    renderer = OffscreenRenderer(get_scene("secant"), (320, 180), values={"f": "x^3 - 3x", "a": 1.3},
                                 view=View(-2.5, 2.5, -4, 4))
    try:
        renderer.render()
        renderer.canvas.canvas.set_current()
        font = renderer.canvas._readout_text._font
        strings = ["h = Δx = 0.001", "Δf/h − f′(a) = 0.003901", "f(x) = x³ − 3x", "AVATAR Wo Ty", "", "·", "−12.5e-07"]
        for char in "".join(strings):
            font[char]  # rendered first, as a draw would
        layout = text_module._text_to_vbo
        assert getattr(layout, "_derivlab_layout", False)
        original = layout._derivlab_original
        for text, (ax, ay) in product(strings, product(("left", "center", "right"), ("top", "center", "middle", "bottom", "baseline"))):
            expected = original(text, font, ax, ay, font._lowres_size, 1.0)
            got = _lay_out_line(text, font, font._glyphs, ax, ay, font._lowres_size, expected.dtype)
            assert got.dtype == expected.dtype and got.tobytes() == expected.tobytes(), (text, ax, ay)
            through = layout(text, font, ax, ay, font._lowres_size, 1.0)
            assert through.tobytes() == expected.tobytes()
            assert layout(text, font, ax, ay, font._lowres_size, 1.0) is through  # kept, not laid out again
            assert not through.flags.writeable
        # a line break goes to VisPy's own layout (two lines), and so does a glyph not rendered yet
        two = layout("a = 1\nb", font, "left", "center", font._lowres_size, 1.0)
        assert two.tobytes() == original("a = 1\nb", font, "left", "center", font._lowres_size, 1.0).tobytes()
        assert "語" not in font._glyphs
        layout("語", font, "left", "center", font._lowres_size, 1.0)
        assert "語" in font._glyphs
    finally:
        renderer.close()
