"""Offscreen frames: the same scene → drawables → canvas path, drawn into a hidden canvas.

A hidden canvas of the output size renders right at any size the GL allows
(rendering a small canvas into a larger image does not). Without any screen,
VisPy's EGL backend with Mesa's surfaceless platform draws with no X server.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from derivlab.model import View
from derivlab.scenes import Scene

from .canvas import PlotCanvas
from .presenter import ScenePresenter

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend

MAX_SIZE = (7680, 4320)


class RenderUnavailable(RuntimeError):
    """No OpenGL context could be made; the message says what to do."""


def has_screen() -> bool:
    """Whether a window system is there to draw into."""
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def use_qt_app():
    """Tell VisPy to draw with Qt (PySide6): the window's canvases live in Qt widgets."""
    from vispy import app

    return app.use_app("pyside6")


def vispy_version() -> str:
    import vispy

    return vispy.__version__


_prefer_headless = False


def prefer_headless() -> None:
    """Draw offscreen with EGL even where there is a screen, if no VisPy app is chosen yet.

    For a process that only exports (the ``derivlab export`` command): it needs no
    window, and Mesa's surfaceless EGL starts about 0.2 s sooner than Qt (no PySide6
    import, no connection to the window system). Where EGL is missing the screen's
    Qt is used as before. The window and the tests keep Qt: a process can choose
    VisPy's app only once.
    """
    global _prefer_headless
    _prefer_headless = True


def _egl_app():
    from vispy import app

    os.environ.setdefault("EGL_PLATFORM", "surfaceless")
    return app.use_app("egl")


def offscreen_app():
    """The VisPy application to draw with: the one in use, Qt with a screen, EGL without
    (EGL first after :func:`prefer_headless`)."""
    from vispy import app

    current = app._default_app.default_app  # an app already chosen (the GUI's Qt app)
    if current is not None:
        return current
    if has_screen():
        if _prefer_headless:
            try:
                return _egl_app()
            except Exception:  # noqa: BLE001 - no EGL here: the screen's Qt draws as well
                pass
        return app.use_app("pyside6")
    try:
        return _egl_app()
    except Exception as exc:  # noqa: BLE001
        raise RenderUnavailable(
            "no screen and no headless OpenGL (EGL) was found; run under a virtual screen "
            "(xvfb-run derivlab ...) or install Mesa's EGL (libegl1, libgl1-mesa-dri). "
            f"Detail: {exc}"
        ) from None


def parse_size(text: str) -> tuple[int, int]:
    """``"1920x1080"`` → (1920, 1080), checked against the largest size derivlab draws."""
    try:
        w_text, h_text = text.lower().replace("×", "x").split("x")
        width, height = int(w_text), int(h_text)
    except ValueError:
        raise ValueError(f"size '{text}' is not WIDTHxHEIGHT, e.g. 1920x1080") from None
    if not (16 <= width <= MAX_SIZE[0] and 16 <= height <= MAX_SIZE[1]):
        raise ValueError(f"size {width}x{height} is outside 16x16 … {MAX_SIZE[0]}x{MAX_SIZE[1]}")
    return width, height


class OffscreenRenderer:
    """A hidden canvas of a fixed size showing one scene; call :meth:`render` per frame.

    Line widths and text scale with the output height (designed at 1080p).
    """

    def __init__(
        self,
        scene: Scene,
        size: tuple[int, int],
        values: Mapping[str, Any] | None = None,
        theme: str = "light",
        view: View | None = None,
        backend: Backend | None = None,
    ):
        app = offscreen_app()
        self.size = size
        self.canvas = PlotCanvas(size=size, theme=theme, show=False, app=app, pixel_scale=size[1] / 1080)
        state = scene.new_state(values)
        self.presenter = ScenePresenter(scene, self.canvas, state=state, backend=backend, view=view)

    @property
    def state(self):
        return self.presenter.state

    def render(self, bgcolor: tuple[float, float, float, float] | None = None) -> np.ndarray:
        """The current frame as an RGBA uint8 array of shape (height, width, 4).

        ``bgcolor`` (RGBA in 0…1) clears to another colour than the theme's, e.g.
        black and white for keying out a transparent background.
        """
        image = self.canvas.render(bgcolor=bgcolor)
        if image.shape[:2] != (self.size[1], self.size[0]):
            raise RenderUnavailable(
                f"the OpenGL driver drew {image.shape[1]}x{image.shape[0]} instead of "
                f"{self.size[0]}x{self.size[1]}"
            )
        return image

    def max_render_size(self) -> int:
        """GL_MAX_RENDERBUFFER_SIZE of this canvas's context: the largest side one frame can have."""
        from vispy.gloo import gl

        self.canvas.canvas.set_current()
        return int(gl.glGetParameter(gl.GL_MAX_RENDERBUFFER_SIZE))

    def close(self) -> None:
        self.presenter.close()
        self.canvas.close()


def render_frame(
    scene: Scene,
    size: tuple[int, int],
    values: Mapping[str, Any] | None = None,
    theme: str = "light",
    view: View | None = None,
    backend: Backend | None = None,
) -> np.ndarray:
    """One RGBA frame of ``scene`` at ``size`` (width, height)."""
    renderer = OffscreenRenderer(scene, size, values=values, theme=theme, view=view, backend=backend)
    try:
        return renderer.render()
    finally:
        renderer.close()


def gl_info() -> dict[str, str]:
    """Renderer, vendor and version strings of the current OpenGL context."""
    from vispy.gloo import gl

    info = {}
    for key, enum in (("renderer", gl.GL_RENDERER), ("vendor", gl.GL_VENDOR), ("version", gl.GL_VERSION)):
        try:
            info[key] = str(gl.glGetParameter(enum))
        except Exception as exc:  # noqa: BLE001
            info[key] = f"unknown ({exc})"
    return info
