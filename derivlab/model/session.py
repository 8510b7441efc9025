"""What derivlab remembers between runs: the scene, every scene's values and views, the theme.

The session is a small JSON file in the user's config folder
(``DERIVLAB_CONFIG_DIR`` overrides it). It is written atomically (a temporary
file beside it, then a rename), so a crash or a full disk never leaves half a
file. A file that is corrupt or not ours is moved aside as
``session.json.unreadable-<time>`` and defaults load, with a message saying so.
A marker file tells whether the last run ended cleanly, so that the app can
offer to restore the autosaved session after a crash.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SESSION_VERSION = 1
MAX_SESSION_BYTES = 1_000_000


def config_dir() -> Path:
    """The folder for derivlab's settings: ``DERIVLAB_CONFIG_DIR`` or the platform's config folder."""
    override = os.environ.get("DERIVLAB_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("derivlab", appauthor=False))


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename; raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class Session:
    """The remembered state: current scene, values and views per scene, theme, lesson position."""

    scene: str = ""
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    views: dict[str, list[float]] = field(default_factory=dict)
    theme: str = "light"
    lesson: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "derivlab-session",
            "version": SESSION_VERSION,
            "scene": self.scene,
            "values": self.values,
            "views": self.views,
            "theme": self.theme,
            "lesson": self.lesson,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Session:
        """A session from parsed JSON; ``ValueError`` when it is not a derivlab session."""
        if not isinstance(data, Mapping) or data.get("format") != "derivlab-session":
            raise ValueError("not a derivlab session file")
        if data.get("version") != SESSION_VERSION:
            raise ValueError(f"session format version {data.get('version')!r} is not {SESSION_VERSION}")
        scene = data.get("scene", "")
        values = data.get("values", {})
        views = data.get("views", {})
        theme = data.get("theme", "light")
        lesson = data.get("lesson", {})
        if not isinstance(scene, str) or not isinstance(theme, str):
            raise ValueError("scene and theme must be text")
        if not isinstance(values, Mapping) or not all(
            isinstance(k, str) and isinstance(v, Mapping) for k, v in values.items()
        ):
            raise ValueError("values must map scene names to parameter values")
        clean_views: dict[str, list[float]] = {}
        if not isinstance(views, Mapping):
            raise ValueError("views must map scene names to [x_min, x_max, y_min, y_max]")
        for name, view in views.items():
            if (
                isinstance(view, list)
                and len(view) == 4
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in view)
            ):
                clean_views[str(name)] = [float(v) for v in view]
        return cls(
            scene=scene,
            values={k: dict(v) for k, v in values.items()},
            views=clean_views,
            theme=theme,
            lesson=dict(lesson) if isinstance(lesson, Mapping) else {},
        )


@dataclass
class LoadResult:
    """A loaded session and, when something was wrong, a sentence for the person."""

    session: Session
    message: str = ""
    crashed: bool = False


class SessionStore:
    """Reads and writes the session file and the marker of a run in progress."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder is not None else config_dir()
        self.path = self.folder / "session.json"
        self.marker = self.folder / "running"

    def load(self) -> LoadResult:
        """The saved session, or defaults with a message when the file is unreadable."""
        crashed = self.marker.exists()
        if not self.path.exists():
            return LoadResult(Session(), crashed=crashed)
        try:
            if self.path.stat().st_size > MAX_SESSION_BYTES:
                raise ValueError("the file is too large to be a derivlab session")
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return LoadResult(Session.from_dict(data), crashed=crashed)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            aside = self._set_aside()
            where = f"; it was moved to {aside.name}" if aside else ""
            return LoadResult(
                Session(),
                message=f"The saved session could not be read ({exc}){where}. derivlab started with defaults.",
                crashed=crashed,
            )

    def save(self, session: Session) -> None:
        """Write the session atomically; raises OSError (the old file stays as it was)."""
        atomic_write_text(self.path, json.dumps(session.to_dict(), indent=1, ensure_ascii=False))

    def mark_running(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.marker.write_text(str(os.getpid()), encoding="utf-8")
        except OSError:
            pass  # remembering is a convenience; the app runs without it

    def mark_closed(self) -> None:
        self.marker.unlink(missing_ok=True)

    def _set_aside(self) -> Path | None:
        aside = self.path.with_name(f"{self.path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(self.path, aside)
            return aside
        except OSError:
            return None
