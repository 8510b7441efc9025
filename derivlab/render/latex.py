"""Typeset formulas: LaTeX to a PNG picture through matplotlib's mathtext.

mathtext covers what sympy writes for our functions (fractions, roots, powers,
named operators, |x|). What it cannot typeset (``cases`` environments from
piecewise derivatives) returns ``None`` so the caller shows the plain text.
"""

from __future__ import annotations

import io
import logging
import re
from functools import lru_cache

log = logging.getLogger(__name__)

_UNSUPPORTED = re.compile(r"\\begin|\\end|\\\\")


@lru_cache(maxsize=256)
def latex_png(latex: str, color: str = "#000000", dpi: int = 110, fontsize: float = 14.0) -> bytes | None:
    """PNG bytes of ``$latex$`` typeset in ``color`` on a transparent background, or None."""
    if not latex or _UNSUPPORTED.search(latex) or len(latex) > 2000:
        return None
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import mathtext
    from matplotlib.font_manager import FontProperties

    buffer = io.BytesIO()
    try:
        with matplotlib.rc_context({"savefig.transparent": True}):
            mathtext.math_to_image(
                f"${latex}$", buffer, prop=FontProperties(size=fontsize), dpi=dpi, format="png", color=color
            )
    except Exception as exc:  # noqa: BLE001 - mathtext raises several kinds on unknown input
        log.debug("mathtext could not typeset %r: %s", latex, exc)
        return None
    return buffer.getvalue()
