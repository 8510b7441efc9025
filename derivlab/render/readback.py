"""Reading a drawn picture back from OpenGL into memory with one copy (two with GL bindings
other than VisPy's own gl2, which hand over bytes)."""

from __future__ import annotations

import numpy as np
from vispy.gloo import gl

#: rows of this many pixels in memory (OpenGL 1.1; VisPy's ES 2 names lack it)
GL_PACK_ROW_LENGTH = 0x0D02
#: ``GL_MESA_pack_invert``: glReadPixels hands rows over from the top (Mesa, llvmpipe included)
GL_PACK_INVERT_MESA = 0x8758

_pack_invert: dict[int, bool] = {}  # by GL context handle: does it have GL_MESA_pack_invert?


def _native_read_pixels():
    """VisPy gl2's ctypes glReadPixels, which writes to a pointer (None with other GL bindings)."""
    native = getattr(gl.glReadPixels, "_native", None)
    if native is None:
        gl.glReadPixels(0, 0, 1, 1, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE)  # resolves the native function
        native = getattr(gl.glReadPixels, "_native", None)
    return native


def read_rgba_into(out: np.ndarray, width: int, height: int) -> None:
    """glReadPixels of the bound framebuffer's (width × height) RGBA bytes straight into ``out``.

    ``out`` is C-contiguous uint8 with width × height × 4 bytes; rows come bottom-up.
    """
    if not out.flags.c_contiguous or out.nbytes != width * height * 4:
        raise ValueError("out must be C-contiguous and hold width × height × 4 bytes")
    gl.glPixelStorei(gl.GL_PACK_ALIGNMENT, 1)
    native = _native_read_pixels()
    if native is None:  # another GL binding: take its bytes
        out.reshape(-1)[:] = np.frombuffer(gl.glReadPixels(0, 0, width, height, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE),
                                           np.uint8)
        return
    native(0, 0, width, height, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE, out.ctypes.data)


def reads_top_down(context_key: int) -> bool:
    """Whether the current GL context can hand rows over from the top (``GL_MESA_pack_invert``)."""
    known = _pack_invert.get(context_key)
    if known is None:
        try:
            extensions = gl.glGetParameter(gl.GL_EXTENSIONS) or ""
        except Exception:  # noqa: BLE001 - a core profile lists extensions one by one: do without
            extensions = ""
        known = _pack_invert[context_key] = "GL_MESA_pack_invert" in str(extensions).split()
    return known


def read_rgba_top_down(out: np.ndarray, width: int, height: int, context_key: int) -> np.ndarray:
    """The bound framebuffer's (width × height) RGBA pixels in ``out``, rows from the top; returns ``out``.

    ``out`` is a (height, width, 4) uint8 array whose rows may be padded (a row
    stride of at least width × 4 bytes, a multiple of 4, pixels packed within a
    row): an FFmpeg frame's plane, say. Where the GL has ``GL_MESA_pack_invert`` the
    pixels are read straight into it; elsewhere they are read bottom-up and
    copied once, reversed.
    """
    row_stride = out.strides[0]
    if (out.shape != (height, width, 4) or out.dtype != np.uint8 or out.strides[1:] != (4, 1)
            or row_stride < width * 4 or row_stride % 4):
        raise ValueError("out must be (height, width, 4) uint8 with packed pixels and rows 4-byte aligned")
    native = _native_read_pixels()
    if native is None or not reads_top_down(context_key):
        bottom_up = np.empty((height, width, 4), np.uint8)
        read_rgba_into(bottom_up, width, height)
        np.copyto(out, bottom_up[::-1])
        return out
    gl.glPixelStorei(gl.GL_PACK_ALIGNMENT, 4)
    gl.glPixelStorei(GL_PACK_ROW_LENGTH, row_stride // 4)
    gl.glPixelStorei(GL_PACK_INVERT_MESA, 1)
    try:
        native(0, 0, width, height, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE, out.ctypes.data)
    finally:
        gl.glPixelStorei(GL_PACK_INVERT_MESA, 0)
        gl.glPixelStorei(GL_PACK_ROW_LENGTH, 0)
    return out
