"""Still frames: one scene drawn offscreen at any size and written as PNG."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from derivlab.model import View
from derivlab.render.offscreen import render_frame
from derivlab.scenes import Scene

from .atomic import ExportError, atomic_path

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend


def write_png(image: np.ndarray, path: str | Path, transparent: bool = False) -> Path:
    """Write an RGBA uint8 array as PNG, atomically (never a half-written file)."""
    from PIL import Image

    path = Path(path)
    mode_image = Image.fromarray(np.ascontiguousarray(image if transparent else image[..., :3]))
    with atomic_path(path) as tmp:
        try:
            mode_image.save(tmp, format="PNG", optimize=False)
        except OSError:
            raise
        except Exception as exc:  # noqa: BLE001 - Pillow's own errors
            raise ExportError(f"could not encode the PNG: {exc}") from None
    return path


def export_png(
    path: str | Path,
    scene: Scene,
    values: Mapping[str, Any] | None = None,
    size: tuple[int, int] = (1920, 1080),
    theme: str = "light",
    view: View | None = None,
    backend: Backend | None = None,
) -> Path:
    """Render ``scene`` at ``size`` and write it to ``path`` as PNG."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ExportError(f"'{path.name}': a frame is written as .png")
    image = render_frame(scene, size, values=values, theme=theme, view=view, backend=backend)
    return write_png(image, path)
