"""Still frames: one scene drawn offscreen at any size and written as PNG."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.scenes import Scene

from .atomic import ExportError, atomic_path

BLACK = (0.0, 0.0, 0.0, 1.0)
WHITE = (1.0, 1.0, 1.0, 1.0)

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


def key_out_background(on_black: np.ndarray, on_white: np.ndarray) -> np.ndarray:
    """Straight-alpha RGBA from the same frame drawn over black and over white.

    Drawing colour F with opacity α over a background B gives C = α·F + (1 − α)·B,
    so C_white − C_black = 1 − α, hence α = 1 − (C_white − C_black) and
    F = C_black / α. Exact for everything blended "over", antialiased edges and
    translucent boxes included.
    """
    black = on_black[..., :3].astype(np.float32)
    white = on_white[..., :3].astype(np.float32)
    alpha = 255.0 - (white - black).mean(axis=-1)
    np.clip(alpha, 0.0, 255.0, out=alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        color = np.where(alpha[..., None] > 0, black * 255.0 / alpha[..., None], 0.0)
    out = np.empty(on_black.shape[:2] + (4,), dtype=np.uint8)
    out[..., :3] = np.clip(np.rint(color), 0, 255)
    out[..., 3] = np.rint(alpha)
    return out


def render_rgba(renderer: OffscreenRenderer, transparent: bool = False) -> np.ndarray:
    """The renderer's current frame; with ``transparent``, the background keyed out to alpha 0."""
    if not transparent:
        return renderer.render()
    return key_out_background(renderer.render(bgcolor=BLACK), renderer.render(bgcolor=WHITE))


def check_render_size(renderer: OffscreenRenderer, size: tuple[int, int]) -> None:
    """Refuse a size larger than the GL can draw in one piece.

    Frames are drawn whole into a hidden canvas of the output size. Mesa's
    llvmpipe and current GPU drivers allow 16384 pixels a side, more than the
    7680×4320 derivlab offers, so tiling is not needed there; a driver with a
    smaller limit gets this clear message instead of a wrong picture.
    """
    limit = renderer.max_render_size()
    if max(size) > limit:
        raise ExportError(
            f"this OpenGL driver draws at most {limit} pixels a side; {size[0]}x{size[1]} is too large"
        )


def export_png(
    path: str | Path,
    scene: Scene,
    values: Mapping[str, Any] | None = None,
    size: tuple[int, int] = (1920, 1080),
    theme: str = "light",
    view: View | None = None,
    backend: Backend | None = None,
    transparent: bool = False,
) -> Path:
    """Render ``scene`` at ``size`` and write it to ``path`` as PNG (RGBA with ``transparent``)."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ExportError(f"'{path.name}': a frame is written as .png")
    renderer = OffscreenRenderer(scene, size, values=values, theme=theme, view=view, backend=backend)
    try:
        check_render_size(renderer, size)
        image = render_rgba(renderer, transparent)
    finally:
        renderer.close()
    return write_png(image, path, transparent=transparent)
