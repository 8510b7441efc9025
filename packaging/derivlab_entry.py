"""Entry point of the frozen app: the same as the ``derivlab`` command.

PyInstaller freezes this file; everything else is found by import analysis.
"""

from __future__ import annotations

import multiprocessing

from derivlab.cli import run

if __name__ == "__main__":
    multiprocessing.freeze_support()
    run()
