"""``python -m derivlab``: the same as the ``derivlab`` command."""

from __future__ import annotations

import sys

from derivlab.cli import main

sys.exit(main())
