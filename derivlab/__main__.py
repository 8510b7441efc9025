"""``python -m derivlab``: the same as the ``derivlab`` command."""

from __future__ import annotations

from derivlab.cli import run

run()
