"""Glyph distance fields kept on disk, so text is drawn without recomputing them.

VisPy draws text from a signed distance field (SDF) of each glyph: the glyph is
rendered large by freetype, the distance to its outline is computed at every
pixel and the result is scaled down into the font atlas. That costs 1–3 ms a glyph
on the CPU, about 0.2 s of every start-up for the ~100 glyphs of a scene.

The field depends on nothing but the large bitmap and the atlas cell's size, so it
is a pure function of them: :func:`keep_distance_fields` wraps VisPy's
``SDFRendererCPU.render_to_texture`` to look the field up by a digest of both, in
memory and then in derivlab's user cache folder (one small ``.npy`` file a glyph),
and to store what it computes. What goes into the atlas is byte for byte what
VisPy computes (``tests/render/test_glyphs.py``). A cache folder that cannot be
read or written, or a damaged file, only means computing the field again.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

#: changes whenever what is stored changes meaning (layout of the files, VisPy's formula)
FORMAT = "sdf-cpu-1"

_memory: dict[str, np.ndarray] = {}


def cache_folder() -> Path | None:
    """Where the fields are kept: ``<user cache>/derivlab/glyphs``, or None when there is no such place."""
    try:
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("derivlab")) / "glyphs"
    except Exception:  # noqa: BLE001 - no platformdirs or no home: keep them in memory only
        return None


@lru_cache(maxsize=1)
def _vispy_version() -> str:
    try:
        import vispy

        return vispy.__version__
    except Exception:  # noqa: BLE001
        return "?"


def field_key(data: np.ndarray, size: tuple[int, int]) -> str:
    """Digest of a glyph's padded bitmap (H × W uint8), its atlas cell size (w, h) and VisPy's
    version (another version may compute fields another way)."""
    digest = hashlib.sha1(f"{FORMAT} vispy {_vispy_version()}".encode())
    digest.update(repr((data.dtype.str, data.shape, tuple(int(s) for s in size))).encode())
    digest.update(np.ascontiguousarray(data).tobytes())
    return digest.hexdigest()


def load_field(key: str, size: tuple[int, int]) -> np.ndarray | None:
    """The stored field (h × w uint8) for ``key``, or None when it is not stored or unreadable."""
    field = _memory.get(key)
    if field is not None:
        return field
    folder = cache_folder()
    if folder is None:
        return None
    try:
        field = np.load(folder / f"{key}.npy", allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if field.dtype != np.uint8 or field.shape != (size[1], size[0]):
        return None  # damaged or not ours: compute it again
    _memory[key] = field
    return field


def store_field(key: str, field: np.ndarray) -> None:
    """Keep ``field`` in memory and, when the cache folder is writable, on disk (written then renamed)."""
    _memory[key] = field
    folder = cache_folder()
    if folder is None:
        return
    target = folder / f"{key}.npy"
    partial = folder / f"{key}.{os.getpid()}.partial.npy"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(partial, field, allow_pickle=False)
        os.replace(partial, target)
    except OSError:  # read-only home, full disk: the field is only kept in memory
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass


def keep_distance_fields() -> None:
    """Make VisPy's CPU distance-field renderer look fields up before computing them."""
    try:
        from vispy.visuals.text.text import SDFRendererCPU
    except ImportError:
        return
    render = getattr(SDFRendererCPU, "render_to_texture", None)
    if render is None or getattr(render, "_derivlab_kept", False):
        return

    def render_to_texture(self, data, texture, offset, size):
        """VisPy's ``render_to_texture``, with the field (R = G = B) taken from the cache when there."""
        key = field_key(data, size)
        field = load_field(key, size)
        if field is None:
            scratch = np.zeros((size[1], size[0], 3), np.uint8)
            render(self, data, scratch, (0, 0), size)
            field = np.ascontiguousarray(scratch[..., 0])
            store_field(key, field)
        texture[offset[1]:offset[1] + size[1], offset[0]:offset[0] + size[0], :] = np.repeat(
            field[..., np.newaxis], 3, axis=2)

    render_to_texture._derivlab_kept = True
    render_to_texture.original = render
    SDFRendererCPU.render_to_texture = render_to_texture
