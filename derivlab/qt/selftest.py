"""``derivlab selftest``: open the real window, draw the default scene, check the pixels.

The check is computed, not eyeballed: the curve, the secant and the tangent must
each appear in their theme colour at points of the plane where the scene says
they pass.
"""

from __future__ import annotations

import platform
import sys
import time

import numpy as np

from derivlab.render.pixels import color_near
from derivlab.render.themes import get_theme
from derivlab.scenes import DEFAULT_SCENE, get_scene


def _fraction_on_line(image, canvas, xs, ys, rgb) -> float:
    hits = [color_near(image, *canvas.data_to_pixel(float(x), float(y)), rgb) for x, y in zip(xs, ys, strict=True)]
    return float(np.mean(hits)) if hits else 0.0


def check_frame(image: np.ndarray, window) -> list[str]:
    """Problems with what the window drew (an empty list when it is right)."""
    problems = []
    frame = window.presenter.frame
    if frame is None:
        return ["the scene produced no frame"]
    theme = get_theme(window.theme)
    canvas = window.plot
    view = canvas.current_view()
    if image[..., :3].std() < 1.0:
        problems.append("the canvas is blank")
    for key, role, dashed in (("curve", "curve", False), ("secant", "secant", False), ("tangent", "tangent", True)):
        try:
            curve = frame.drawable(key)
        except KeyError:
            problems.append(f"the scene has no {key}")
            continue
        xs = np.linspace(view.x_min + 0.1 * view.width, view.x_max - 0.1 * view.width, 41)
        ys = np.interp(xs, curve.x, curve.y)
        inside = (ys > view.y_min + 0.05 * view.height) & (ys < view.y_max - 0.05 * view.height)
        fraction = _fraction_on_line(image, canvas, xs[inside], ys[inside], theme.color(role))
        needed = 0.4 if dashed else 0.8
        if fraction < needed:
            problems.append(f"the {key} is not where it should be ({fraction:.0%} of checked points show its colour)")
    return problems


def _versions() -> dict[str, str]:
    import numpy
    import PySide6
    import sympy

    from derivlab import __version__
    from derivlab.render.offscreen import vispy_version

    return {
        "derivlab": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "PySide6": PySide6.__version__,
        "Qt": PySide6.QtCore.qVersion(),
        "vispy": vispy_version(),
        "numpy": numpy.__version__,
        "sympy": sympy.__version__,
    }


def run_selftest(screenshot: str | None = None, timeout: float = 60.0) -> int:
    """Open the main window, render the default scene and check it; 0 when all is right."""
    from PySide6.QtWidgets import QApplication

    from .app import qt_application
    from .main_window import MainWindow

    app = qt_application()
    window = MainWindow(DEFAULT_SCENE, {})
    window.resize(1600, 1000)
    window.show()
    deadline = time.monotonic() + timeout
    backend_ready = False

    def ready(_backend) -> None:
        nonlocal backend_ready
        backend_ready = True

    window._probe.finished.connect(ready)
    while time.monotonic() < deadline and not (backend_ready or window.backend_label.text() != "Backend: probing…"):
        app.processEvents()
        time.sleep(0.01)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)
    info = window.plot.gl_info()
    image = window.plot.render()
    problems = check_frame(image, window)
    scene = get_scene(DEFAULT_SCENE)
    for name, version in _versions().items():
        print(f"{name}: {version}")
    backend = window.backend
    print(f"backend: {backend.name}")
    print(f"device: {backend.device}")
    if backend.reason:
        print(f"backend note: {backend.reason}")
    print(f"GL renderer: {info['renderer']}")
    print(f"GL version: {info['version']}")
    print(f"GL vendor: {info['vendor']}")
    print(f"scene: {scene.name} ({scene.title}), canvas {image.shape[1]}x{image.shape[0]}")
    for readout in window.presenter.frame.readouts if window.presenter.frame else ():
        print(f"  {readout.symbol} = {readout.text}")
    if screenshot:
        pixmap = window.grab()
        if not pixmap.save(screenshot, "PNG"):
            problems.append(f"could not save the screenshot to {screenshot}")
        else:
            print(f"screenshot: {screenshot}")
    window.close()
    QApplication.processEvents()
    if problems:
        for p in problems:
            print(f"selftest FAILED: {p}", file=sys.stderr)
        return 1
    print("selftest passed: the curve, the secant and the tangent are drawn where they belong")
    return 0
