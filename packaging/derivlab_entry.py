"""Entry point of the frozen app: the same as the ``derivlab`` command.

PyInstaller freezes this file; everything else is found by import analysis.
"""

from __future__ import annotations

import multiprocessing
import sys

from derivlab.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
