"""Replaying the OpenGL calls of visuals that did not change, for frames of an animation.

:class:`~derivlab.render.layers.LayerCache` copies the unchanged *bottom* of a
picture; what is drawn above the first changed visual is drawn again every frame.
In the secant clip that is the dashed tangent, the point (a, f(a)) and its label,
the legend and the readout's box: unchanged, yet each costs VisPy about as much
Python as a visual that did change (its transforms mapped, its shader variables
compared, GLIR commands queued and parsed), and they are half of a frame's visuals.

A visual's draw ends, below VisPy, in a short list of OpenGL calls: use a program,
bind its textures and vertex buffers, set the GL state, draw. For a visual that
did not change these calls are the same every frame (its uniforms live in its own
program object and are sent again only when they change). A :class:`GlRecording`
keeps that list, taken from the calls VisPy makes while it draws the visual once,
and :func:`replay` makes the same calls again: the same pixels for a fraction of
the Python.

Only recordings made of calls that read nothing and create nothing are replayed
(:data:`REPLAYABLE`: binding, state, uniforms and draws); a visual whose draw
uploads data, creates objects or asks the GL anything is drawn by VisPy as
before. glGetError (VisPy's check around each draw) is passed through and not
recorded. The recording is dropped as soon as the visual changes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np

#: OpenGL calls that only bind, set state, set uniforms or draw: safe to make again as they were
REPLAYABLE = frozenset({
    "glUseProgram", "glActiveTexture", "glBindTexture", "glBindBuffer", "glBindVertexArray",
    "glEnableVertexAttribArray", "glDisableVertexAttribArray", "glVertexAttribPointer",
    "glVertexAttribDivisor", "glEnable", "glDisable", "glBlendFunc", "glBlendFuncSeparate",
    "glBlendEquation", "glBlendEquationSeparate", "glBlendColor", "glDepthFunc", "glDepthMask",
    "glDepthRange", "glLineWidth", "glPolygonOffset", "glCullFace", "glFrontFace", "glColorMask",
    "glStencilFunc", "glStencilFuncSeparate", "glStencilMask", "glStencilMaskSeparate",
    "glStencilOp", "glStencilOpSeparate", "glHint", "glSampleCoverage", "glViewport", "glScissor",
    "glDrawArrays", "glDrawElements", "glDrawArraysInstanced", "glDrawElementsInstanced",
})
#: called while recording but neither recorded nor a reason to refuse the recording
PASSED_THROUGH = frozenset({"glGetError"})


def replayable(name: str) -> bool:
    """True for a call :func:`replay` may make again (uniforms and constant attributes included)."""
    return name in REPLAYABLE or name.startswith(("glUniform", "glVertexAttrib"))


def _kept(value):
    """An argument as it was at the call: arrays are copied (the caller may reuse them)."""
    return value.copy() if isinstance(value, np.ndarray) else value


class GlRecording:
    """The OpenGL calls made while it records: ``calls`` as (function, args), ``valid`` when all are replayable."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, tuple]] = []
        self.valid = True
        self.refused: str | None = None  # the first call that made it unreplayable

    def _refusal(self, function, name: str):
        """``function`` as it is, making the recording unreplayable (``name``: what it calls)."""
        def refuse(*args):
            if self.valid:
                self.valid, self.refused = False, name
            return function(*args)
        return refuse

    def _wrap(self, name: str, function):
        if name in PASSED_THROUGH:
            return function
        if not replayable(name):
            return self._refusal(function, name)
        calls = self.calls

        def record(*args):
            result = function(*args)
            calls.append((function, tuple(_kept(a) for a in args)))
            return result
        return record


def _gl_module():
    from vispy.gloo import gl

    return gl


_GL_NAMES: list[str] | None = None


def _gl_names() -> list[str]:
    """The names of VisPy's OpenGL functions (``vispy.gloo.gl.gl*``), looked up once."""
    global _GL_NAMES
    if _GL_NAMES is None:
        gl = _gl_module()
        _GL_NAMES = [n for n in dir(gl) if n.startswith("gl") and callable(getattr(gl, n))]
    return _GL_NAMES


@contextlib.contextmanager
def recording() -> Iterator[GlRecording]:
    """Record the OpenGL calls VisPy makes inside the block (its GLIR parser calls them through
    ``vispy.gloo.gl``); the functions are the real ones again afterwards, whatever happens.

    A GLIR program keeps the function that sets each vertex attribute (looked up when the
    attribute was given); while recording it is looked up again, so that call is recorded too.
    """
    from vispy.gloo.glir import GlirProgram

    gl = _gl_module()
    rec = GlRecording()
    originals = {name: getattr(gl, name) for name in _gl_names()}
    pre_draw = GlirProgram._pre_draw

    def recorded_pre_draw(program):
        kept = program._attributes
        try:
            program._attributes = {
                name: (vbo, handle, getattr(gl, getattr(func, "__name__", ""), None) or rec._refusal(func, repr(func)), args, divisor)
                for name, (vbo, handle, func, args, divisor) in kept.items()
            }
            pre_draw(program)
        finally:
            program._attributes = kept

    try:
        for name, function in originals.items():
            setattr(gl, name, rec._wrap(name, function))
        GlirProgram._pre_draw = recorded_pre_draw
        yield rec
    finally:
        GlirProgram._pre_draw = pre_draw
        for name, function in originals.items():
            setattr(gl, name, function)


def replay(calls: list[tuple[object, tuple]]) -> None:
    """Make ``calls`` (a valid :class:`GlRecording`'s) again, in order."""
    for function, args in calls:
        function(*args)


__all__ = ["GlRecording", "REPLAYABLE", "recording", "replay", "replayable"]
