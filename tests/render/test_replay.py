"""Unchanged visuals above the kept picture are drawn by replaying their OpenGL calls."""

from __future__ import annotations

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render import replay
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.scenes import get_scene

SIZE = (640, 360)
SECANT = ("secant", {"f": "x^3 - 3x", "a": 1.3}, View(-2.5, 2.5, -4, 4))


def _renderer(keep: bool):
    name, values, view = SECANT
    r = OffscreenRenderer(get_scene(name), SIZE, values=values, view=view)
    if keep:
        r.canvas.keep_unchanged_layers()
    return r


@pytest.fixture
def secant():
    r = _renderer(False)
    yield r
    r.close()


def _clear_gl_errors(gl) -> None:
    for _ in range(16):
        if gl.glGetError() == gl.GL_NO_ERROR:
            return


def test_a_recording_keeps_replayable_calls_and_their_arguments(secant):
    from vispy.gloo import gl

    secant.canvas.canvas.set_current()
    values = np.array([0.1, 0.2, 0.3, 0.4], np.float32)
    with replay.recording() as rec:
        gl.glEnable(gl.GL_BLEND)
        gl.glLineWidth(2.0)
        gl.glUniform4fv(-1, 1, values)  # location -1: ignored by the GL, but recorded
        gl.glGetError()  # VisPy's check around draws: passed through, not recorded
    _clear_gl_errors(gl)
    values[:] = 9.0  # VisPy may reuse the array it passed
    assert rec.valid and rec.refused is None
    assert [f.__name__ for f, _ in rec.calls] == ["glEnable", "glLineWidth", "glUniform4fv"]
    kept = rec.calls[2][1][2]
    assert kept is not values and np.allclose(kept, [0.1, 0.2, 0.3, 0.4])
    gl.glDisable(gl.GL_BLEND)
    replay.replay(rec.calls)
    assert gl.glIsEnabled(gl.GL_BLEND)
    gl.glDisable(gl.GL_BLEND)
    gl.glLineWidth(1.0)


def test_a_call_that_uploads_or_asks_makes_the_recording_unreplayable(secant):
    from vispy.gloo import gl

    secant.canvas.canvas.set_current()
    with replay.recording() as rec:
        gl.glEnable(gl.GL_BLEND)
        gl.glPixelStorei(gl.GL_PACK_ALIGNMENT, 4)  # state for an upload or a read: not replayed
    assert not rec.valid and rec.refused == "glPixelStorei"
    assert replay.replayable("glUniformMatrix4fv") and replay.replayable("glDrawElements")
    for name in ("glTexSubImage2D", "glBufferSubData", "glReadPixels", "glCreateBuffer", "glGetParameter"):
        assert not replay.replayable(name)


def test_the_gl_functions_are_the_real_ones_after_recording_even_after_an_error(secant):
    from vispy.gloo import gl
    from vispy.gloo.glir import GlirProgram

    real = {name: getattr(gl, name) for name in ("glDrawArrays", "glEnable", "glTexSubImage2D", "glGetError")}
    pre_draw = GlirProgram._pre_draw
    with pytest.raises(RuntimeError), replay.recording():
        assert gl.glDrawArrays is not real["glDrawArrays"]
        raise RuntimeError("a draw failed")
    assert {name: getattr(gl, name) for name in real} == real
    assert GlirProgram._pre_draw is pre_draw


def test_unchanged_visuals_above_the_picture_are_replayed_with_the_same_bytes():
    whole, kept = _renderer(False), _renderer(True)
    replayed = []
    try:
        for i in range(10):
            h = 2.0 * 0.0005 ** (i / 9)
            for r in (whole, kept):
                r.presenter.state.update({"h": h})
            expected, got = whole.render(), kept.render()
            assert np.array_equal(expected, got), f"frame {i}: {int((expected != got).any(axis=2).sum())} pixels differ"
            replayed.append(kept.canvas._layers.replayed)
    finally:
        whole.close()
        kept.close()
    # The first frame records. At frame 1 (h ≈ 0.86) a + h comes into the view and the rise
    # gets its label "Δf": the drawables after it move up in the drawing order and are
    # recorded again, so nothing is replayed until frame 2. At frame 3 (h ≈ 0.16) the legs'
    # labels go (the triangle is too small for them); from frame 5 on the tangent, the point
    # (a, f(a)), its label and the legend are replayed while the secant, its legs and the
    # readout are drawn by VisPy.
    assert replayed[0] == replayed[1] == 0
    assert replayed[2] > 0
    assert min(replayed[5:]) >= 5


def test_a_changed_visual_is_drawn_again_not_replayed():
    whole, kept = _renderer(False), _renderer(True)
    try:
        for r in (whole, kept):
            for h in (1.0, 0.5, 0.25):
                r.presenter.state.update({"h": h})
                r.render()
        assert kept.canvas._layers.replayed > 0
        # a new a moves the tangent, the point and its label: replayed calls would draw them where they were
        for r in (whole, kept):
            r.presenter.state.update({"a": -0.7})
        expected, got = whole.render(), kept.render()
        assert np.array_equal(expected, got)
        for r in (whole, kept):
            r.presenter.state.update({"h": 0.1})
        assert np.array_equal(whole.render(), kept.render())
    finally:
        whole.close()
        kept.close()


def test_text_uploads_nothing_when_it_does_not_change(secant):
    # VisPy's Text sets its filter kernel at every draw; given as an array it was
    # uploaded again each time (256 kB a text a frame)
    from vispy.gloo import glir

    sent = []
    command = glir.GlirQueue.command

    def counting(self, *args):
        if args[0] == "DATA":
            sent.append(getattr(args[-1], "shape", None))
        return command(self, *args)

    secant.render()
    secant.presenter.refresh()
    secant.render()
    glir.GlirQueue.command = counting
    try:
        secant.render()  # nothing changed: every visual is drawn by VisPy, none uploads
    finally:
        glir.GlirQueue.command = command
    assert sent == []
