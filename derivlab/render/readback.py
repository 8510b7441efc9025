"""Reading a drawn picture back from OpenGL into memory with one copy (two with GL bindings
other than VisPy's own gl2, which hand over bytes)."""

from __future__ import annotations

import numpy as np
from vispy.gloo import gl


def read_rgba_into(out: np.ndarray, width: int, height: int) -> None:
    """glReadPixels of the bound framebuffer's (width × height) RGBA bytes straight into ``out``.

    ``out`` is C-contiguous uint8 with width × height × 4 bytes; rows come bottom-up.
    """
    if not out.flags.c_contiguous or out.nbytes != width * height * 4:
        raise ValueError("out must be C-contiguous and hold width × height × 4 bytes")
    gl.glPixelStorei(gl.GL_PACK_ALIGNMENT, 1)
    native = getattr(gl.glReadPixels, "_native", None)
    if native is None:
        gl.glReadPixels(0, 0, 1, 1, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE)  # resolves the native function
        native = getattr(gl.glReadPixels, "_native", None)
    if native is None:  # another GL binding: take its bytes
        out.reshape(-1)[:] = np.frombuffer(gl.glReadPixels(0, 0, width, height, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE),
                                           np.uint8)
        return
    native(0, 0, width, height, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE, out.ctypes.data)
