"""Check for a usable OpenGL before opening the window, and explain what to do when there is none.

derivlab draws with OpenGL 2.1 (or OpenGL ES 2.0). Remote desktops, virtual
machines without 3D acceleration and very old drivers may offer no OpenGL at all,
or an older one; VisPy would then fail at the first line drawn. Instead, the app
shows a dialog naming the fixes and exits with :data:`EXIT_NO_OPENGL`.

Two ways to see the dialog on a working Linux machine::

    QT_XCB_GL_INTEGRATION=none derivlab        # no OpenGL at all
    MESA_GL_VERSION_OVERRIDE=1.4 derivlab      # an OpenGL that is too old
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

MINIMUM_DESKTOP_GL = (2, 1)
MINIMUM_GLES = (2, 0)
EXIT_NO_OPENGL = 3

_GL_RENDERER = 0x1F01
_GL_VERSION = 0x1F02


@dataclass(frozen=True)
class OpenGLStatus:
    """What the probe found: the context's version, or why none could be made."""

    created: bool
    version: tuple[int, int] | None = None
    es: bool = False
    renderer: str = ""
    version_text: str = ""
    failure: str = ""

    @property
    def problem(self) -> str:
        """Why derivlab cannot draw with this OpenGL; empty when it can."""
        if not self.created:
            return self.failure or "no OpenGL context could be created"
        minimum = MINIMUM_GLES if self.es else MINIMUM_DESKTOP_GL
        if self.version is None or self.version < minimum:
            found = ".".join(map(str, self.version)) if self.version else "unknown"
            kind = "OpenGL ES" if self.es else "OpenGL"
            return (
                f"this computer offers {kind} {found}"
                + (f" ({self.renderer})" if self.renderer else "")
                + f"; derivlab needs {kind} {'.'.join(map(str, minimum))} or newer"
            )
        return ""


def probe_opengl() -> OpenGLStatus:
    """Create an OpenGL context on an offscreen surface and read its version.

    Needs the QApplication to exist. Nothing is drawn; the context is thrown away.
    """
    from PySide6.QtGui import QOffscreenSurface, QOpenGLContext, QSurfaceFormat

    context = QOpenGLContext()
    if not context.create():
        return OpenGLStatus(created=False, failure="no OpenGL context could be created")
    surface = QOffscreenSurface()
    surface.setFormat(context.format())
    surface.create()
    try:
        if not surface.isValid() or not context.makeCurrent(surface):
            return OpenGLStatus(created=False, failure="an OpenGL context was made but could not be used")
        fmt = context.format()
        es = fmt.renderableType() == QSurfaceFormat.RenderableType.OpenGLES or context.isOpenGLES()
        functions = context.functions()
        renderer = str(functions.glGetString(_GL_RENDERER) or "")
        version_text = str(functions.glGetString(_GL_VERSION) or "")
        context.doneCurrent()
        return OpenGLStatus(
            created=True,
            version=(fmt.majorVersion(), fmt.minorVersion()),
            es=es,
            renderer=renderer,
            version_text=version_text,
        )
    finally:
        surface.destroy()


def advice(platform: str | None = None) -> str:
    """What a person can do about a missing or old OpenGL, for ``platform`` (default: this one)."""
    platform = platform or sys.platform
    lines = [
        "• Update the graphics driver (from the maker of the graphics card: NVIDIA, AMD or Intel).",
        "• In a virtual machine, turn on 3D acceleration in its display settings "
        "(and install the guest additions or tools).",
        "• Over remote desktop, start derivlab on the computer itself, or use a remote "
        "desktop that forwards OpenGL.",
    ]
    if platform == "win32":
        lines.append(
            "• Or use the software renderer that comes with derivlab (slower, always works): "
            "set the environment variable QT_OPENGL=software (Settings → System → About → "
            "Advanced system settings → Environment Variables), then start derivlab again."
        )
    elif platform == "darwin":
        lines.append("• On macOS, update the system: OpenGL 2.1 is part of every supported macOS version.")
    else:
        lines.append(
            "• Or draw in software with Mesa's llvmpipe (slower, always works): install Mesa "
            "(Debian/Ubuntu: sudo apt install libgl1-mesa-dri libglx-mesa0) and start derivlab with "
            "LIBGL_ALWAYS_SOFTWARE=1 derivlab"
        )
    return "\n".join(lines)


def explain_missing_opengl(status: OpenGLStatus, parent=None) -> None:
    """Say what is wrong and what to do: on stderr, and in a dialog that waits for OK."""
    from PySide6.QtWidgets import QMessageBox

    message = f"derivlab cannot draw: {status.problem}."
    print(f"derivlab: {message}\n{advice()}", file=sys.stderr, flush=True)
    box = QMessageBox(QMessageBox.Icon.Critical, "derivlab needs OpenGL 2.1", message, parent=parent)
    box.setInformativeText("What to do:\n" + advice())
    details = [f"OpenGL context created: {'yes' if status.created else 'no'}"]
    if status.version_text:
        details.append(f"GL version: {status.version_text}")
    if status.renderer:
        details.append(f"GL renderer: {status.renderer}")
    box.setDetailedText("\n".join(details))
    box.exec()


def require_opengl() -> int | None:
    """``None`` when OpenGL is good enough; otherwise explain and return :data:`EXIT_NO_OPENGL`."""
    status = probe_opengl()
    if not status.problem:
        return None
    explain_missing_opengl(status)
    return EXIT_NO_OPENGL
