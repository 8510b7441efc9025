"""The one place that finds ``shaders/`` and ``assets/``.

Looked up, in order: a PyInstaller bundle (``sys._MEIPASS``), the source tree
(the folder above the package), and an installed wheel's data files
(``<prefix>/share/derivlab``).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _candidate_roots() -> list[Path]:
    roots: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        roots.append(Path(bundle))
    roots.append(_PACKAGE_DIR.parent)
    roots.append(Path(sys.prefix) / "share" / "derivlab")
    return roots


@cache
def data_root() -> Path:
    """The folder that holds ``shaders/`` and ``assets/``."""
    for root in _candidate_roots():
        if (root / "shaders").is_dir() and (root / "assets").is_dir():
            return root
    searched = ", ".join(str(r) for r in _candidate_roots())
    raise FileNotFoundError(f"derivlab's data folders (shaders/, assets/) were not found in: {searched}")


def shader_path(kind: str, name: str) -> Path:
    """Path of a shader file, ``kind`` being ``"cuda"`` or ``"glsl"``."""
    return data_root() / "shaders" / kind / name


def read_shader(kind: str, name: str) -> str:
    """Text of ``shaders/<kind>/<name>``."""
    return shader_path(kind, name).read_text(encoding="utf-8")


def asset_path(*parts: str) -> Path:
    """Path of a file under ``assets/``."""
    return data_root().joinpath("assets", *parts)
