"""Tick positions and tick labels for the plane's grid.

Major ticks fall on 1, 2 or 5 times a power of ten, about one every
``target_pixels`` pixels; minor ticks split each major step in five (or four
for a step of 2). Labels carry just enough digits to tell neighbours apart,
however deep the zoom.
"""

from __future__ import annotations

import math

import numpy as np


def nice_step(span: float, pixels: float, target_pixels: float = 110.0) -> float:
    """A step of 1, 2 or 5 × 10ᵏ giving about one tick per ``target_pixels`` across ``span``."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span * target_pixels / max(pixels, 1.0)
    power = 10.0 ** math.floor(math.log10(raw))
    for multiple in (1.0, 2.0, 5.0, 10.0):
        if raw <= multiple * power * 1.0000001:
            return multiple * power
    return 10.0 * power


def decade_step(lo: float, hi: float, pixels: float, target_pixels: float = 90.0) -> int:
    """Decades between labelled ticks of a log₁₀ axis on [lo, hi]: 1, 2, 3, 5, 10, 20, … × 10ᵏ.

    The smallest step that keeps ticks about ``target_pixels`` apart, but never so large that
    fewer than two labelled ticks fall in the view when a smaller step would give two.
    """
    span = hi - lo
    if span <= 0 or not math.isfinite(span):
        return 1
    raw = span * target_pixels / max(pixels, 1.0)
    candidates = [m * 10**k for k in range(0, 4) for m in (1, 2, 3, 5)]
    step = next((c for c in candidates if c >= raw * 0.9999999), candidates[-1])
    while step > 1 and len(ticks(lo, hi, float(step))) < 2:
        step = max(c for c in candidates if c < step)
    return step


def ticks(lo: float, hi: float, step: float) -> np.ndarray:
    """Multiples of ``step`` in [lo, hi], computed from integers so they are exact multiples."""
    first = math.ceil(lo / step)
    last = math.floor(hi / step)
    if last - first > 10_000:
        return np.empty(0)
    return np.arange(first, last + 1, dtype=np.float64) * step


def minor_step(step: float) -> float:
    """Minor tick spacing: a fifth of a 1·10ᵏ or 5·10ᵏ step, a quarter of a 2·10ᵏ step."""
    mantissa = step / 10.0 ** math.floor(math.log10(step))
    return step / (4.0 if abs(mantissa - 2.0) < 1e-9 else 5.0)


def tick_labels(values: np.ndarray, step: float) -> list[str]:
    """Labels with as many decimals as the step needs (scientific for very small or large)."""
    labels = []
    magnitude = max((abs(v) for v in values), default=0.0)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    use_scientific = step < 1e-4 and magnitude < 1e-3 or magnitude >= 1e6
    for v in values:
        if abs(v) < step * 1e-6:
            v = 0.0
        if use_scientific and v != 0.0:
            digits = max(1, int(math.floor(math.log10(abs(v))) - math.floor(math.log10(step))) + 1)
            text = f"{v:.{min(digits, 15)}g}"
        elif decimals > 15:
            text = f"{v:.15g}"
        else:
            text = f"{v:.{decimals}f}"
        labels.append(text.replace("-", "−"))
    return labels


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_labels(exponents: np.ndarray, step: float = 1.0) -> list[str]:
    """Labels 10ᵏ for a log₁₀ axis whose ticks sit at the integers k."""
    return ["10" + str(int(round(k))).translate(_SUPERSCRIPT) for k in exponents]


def log_minor_ticks(lo: float, hi: float) -> np.ndarray:
    """log₁₀ of 2·10ᵏ … 9·10ᵏ between lo and hi: the minor grid of a log axis."""
    decades = np.arange(math.floor(lo), math.ceil(hi) + 1)
    minor = (decades[:, None] + np.log10(np.arange(2, 10))[None, :]).ravel()
    return minor[(minor >= lo) & (minor <= hi)]
