"""Partial sums of the Weierstrass function with exact argument reduction.

    W_N(x) = Σ_{n=0}^{N−1} aⁿ cos(π bⁿ x),
    W_N⁽ʲ⁾(x) = Σ_{n=0}^{N−1} aⁿ (π bⁿ)ʲ cos(π bⁿ x + jπ/2).

Only bⁿx mod 2 matters to cos(π bⁿ x). In double arithmetic bⁿx keeps no
fractional bits once bⁿ|x| ≥ 2⁵², so the plain formula is noise for large n.
For an integer b the reduction can be done exactly: a double is x = m·2ᵉ with
m an integer (|m| < 2⁵³), and

    bⁿ|x| mod 2 = (bⁿ·m mod 2ᵏ)·2ᵉ,   k = 1 − e,

so only the k low bits of the integer bⁿ·m matter. Let s = k − 64. The 64
bits of bⁿ·m at positions [s, s+64) are, modulo 2⁶⁴ and up to one unit,

    w = B_hi·m + ⌊m·B_lo / 2⁶⁴⌋,

with B_hi the bits [s, s+64) of bⁿ and B_lo its bits [s−64, s) (zero below
bit 0): one wrap-around 64-bit product and the high half of another. Then
r = w / 2⁶³ ∈ [0, 2) is bⁿ|x| mod 2 to within 2⁻⁶³, and reading w as a signed
integer gives the same angle in [−1, 1). The same two windows serve every x
with the same exponent e, so a vector of samples needs one pair of tables per
binade. The C helper ``dl_weierstrass`` in ``shaders/cuda/derivlab_math.cuh``
does the same arithmetic with bⁿ held in four 64-bit limbs.

The reduction is used when b is an integer with |b|^(N−1) < 2²⁵⁶
(:func:`exact_reduction`); otherwise bⁿx is formed in double arithmetic, as
any evaluator would, and its phase is lost beyond n ≈ :func:`phase_lost_term`.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

#: most terms a partial sum may have
MAX_TERMS = 60
#: bⁿ must fit in this many bits for the exact reduction (four 64-bit limbs in C)
EXACT_BITS = 256
#: bits of bⁿ|x| before its phase is treated as lost (leaves 12 fractional bits)
PHASE_BITS = 40

_MASK = (1 << 64) - 1
_LOW32 = np.uint64(0xFFFFFFFF)
_SHIFT32 = np.uint64(32)
_TWO_TO_MINUS_63 = 2.0**-63


def check_arguments(a: float, b: float, terms: int) -> tuple[float, float, int]:
    """(a, b, N) as (float, float, int), or ValueError: finite a and b, N an integer in 1 … 60."""
    a, b = float(a), float(b)
    if not (math.isfinite(a) and math.isfinite(b)):
        raise ValueError("a and b must be finite numbers")
    if isinstance(terms, float) and not terms.is_integer():
        raise ValueError(f"the number of terms N must be an integer, not {terms}")
    n = int(terms)
    if not 1 <= n <= MAX_TERMS:
        raise ValueError(f"the number of terms N must be from 1 to {MAX_TERMS}, not {n}")
    return a, b, n


def exact_reduction(b: float, terms: int) -> bool:
    """True when bⁿx mod 2 is reduced exactly: b an integer and |b|^(N−1) < 2²⁵⁶."""
    b = float(b)
    if not b.is_integer():
        return False
    base = abs(int(b))
    return base <= 1 or base ** (terms - 1) < (1 << EXACT_BITS)


def phase_lost_term(b: float, x_size: float, terms: int) -> int:
    """The first n whose phase bⁿx is not known in double arithmetic (N when all are).

    Term n is kept while |b|ⁿ·|x| < 2⁴⁰, which leaves at least 12 fractional bits
    of bⁿx (a phase error below 2⁻¹² of a half-period). Used when b is not an integer.
    """
    size = abs(float(x_size))
    base = abs(float(b))
    if size == 0.0 or base <= 1.0:
        return terms
    for n in range(terms):
        if n * math.log2(base) + math.log2(size) >= PHASE_BITS:
            return n
    return terms


# ----------------------------------------------------------------- integer kernels


def power_windows(base: int, terms: int, shift: int) -> tuple[np.ndarray, np.ndarray]:
    """B_hi and B_lo for n = 0 … N−1: bits [s, s+64) and [s−64, s) of baseⁿ (s = ``shift``)."""
    hi = np.empty(terms, dtype=np.uint64)
    lo = np.empty(terms, dtype=np.uint64)
    power = 1
    for n in range(terms):
        hi[n] = _bits(power, shift)
        lo[n] = _bits(power, shift - 64)
        power *= base
    return hi, lo


def _bits(value: int, start: int) -> int:
    """The 64 bits of ``value`` at positions [start, start+64) (zero below bit 0)."""
    if start >= 0:
        return (value >> start) & _MASK
    if start <= -64:
        return 0
    return (value << -start) & _MASK


def mulhi(m: np.ndarray, f: np.ndarray) -> np.ndarray:
    """⌊m·f / 2⁶⁴⌋ for uint64 arrays (broadcasting), from 32-bit halves."""
    m0 = m & _LOW32
    m1 = m >> _SHIFT32
    f0 = f & _LOW32
    f1 = f >> _SHIFT32
    low = m0 * f0
    middle = m1 * f0 + (low >> _SHIFT32)
    cross = m0 * f1 + (middle & _LOW32)
    return m1 * f1 + (middle >> _SHIFT32) + (cross >> _SHIFT32)


def phase(m: np.ndarray, hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """bⁿ·m·2ᵉ mod 2 as an angle in [−1, 1) (units of π), for the windows of one exponent.

    ``m`` (uint64, any shape) broadcasts against ``hi``/``lo`` (uint64 tables):
    w = B_hi·m + ⌊m·B_lo/2⁶⁴⌋ mod 2⁶⁴ read as a signed integer, times 2⁻⁶³.
    """
    with np.errstate(over="ignore"):
        w = hi * m + mulhi(m, lo)
    return w.view(np.int64).astype(np.float64) * _TWO_TO_MINUS_63


def split_double(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """|x| = m·2ᵉ with m a 53-bit integer (uint64) and e an integer (int64), elementwise."""
    fraction, exponent = np.frexp(np.abs(np.asarray(x, dtype=np.float64)))
    m = np.ldexp(fraction, 53).astype(np.uint64)
    return m, exponent.astype(np.int64) - 53


def powers(base: float, terms: int) -> np.ndarray:
    """1, base, base², … (N values) by repeated multiplication, as the C helper forms them."""
    values = np.full(terms, float(base), dtype=np.float64)
    values[0] = 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        return np.cumprod(values)


def coefficients(a: float, b: float, terms: int, order: int) -> np.ndarray:
    """aⁿ (π |b|ⁿ)ʲ for n = 0 … N−1 (±inf where it overflows)."""
    with np.errstate(over="ignore", invalid="ignore"):
        scale = np.ones(terms) if order == 0 else (np.pi * powers(abs(b), terms)) ** order
        return powers(a, terms) * scale


def _trig(angle: np.ndarray, order: int, sign: np.ndarray | float) -> np.ndarray:
    """cos(θ + jπ/2) for θ = σ·π·angle: cos, −σ sin, −cos, σ sin for j mod 4 = 0 … 3."""
    j = order % 4
    if j == 0:
        return np.cos(np.pi * angle)
    if j == 2:
        return -np.cos(np.pi * angle)
    s = np.sin(np.pi * angle) * sign
    return -s if j == 1 else s


def phases(x: np.ndarray, b: float, terms: int) -> np.ndarray:
    """bⁿ|x| mod 2 (as an angle in [−1, 1)) for every x and n: shape x.shape + (N,).

    Exact reduction when :func:`exact_reduction` holds, else bⁿ|x| in double.
    """
    x = np.asarray(x, dtype=np.float64)
    out = np.empty(x.shape + (terms,), dtype=np.float64)
    flat = x.reshape(-1)
    view = out.reshape(-1, terms)
    if not exact_reduction(b, terms):
        b_n = powers(abs(b), terms)
        with np.errstate(all="ignore"):
            t = np.abs(flat)[:, None] * b_n[None, :]
            view[...] = np.fmod(t, 2.0)
        return out
    base = abs(int(b))
    finite = np.isfinite(flat)
    m, e = split_double(np.where(finite, flat, 0.0))
    for exponent in np.unique(e):
        rows = np.nonzero(e == exponent)[0]
        hi, lo = power_windows(base, terms, int(-exponent - 63))
        view[rows] = phase(m[rows, None], hi[None, :], lo[None, :])
    view[~finite] = np.nan
    return out


def weierstrass_numpy(x: Any, a: float, b: float, terms: int, order: int = 0) -> np.ndarray:
    """W_N⁽ʲ⁾(x) elementwise (j = ``order``), in x's float dtype, with exact reduction.

    Evaluated in float64 and rounded to float32 for float32 input.
    """
    a, b, terms = check_arguments(a, b, terms)
    arr = np.asarray(x)
    dtype = arr.dtype if arr.dtype in (np.float32, np.float64) else np.dtype(np.float64)
    x64 = arr.astype(np.float64)
    result = np.empty(x64.shape, dtype=np.float64)
    flat = x64.reshape(-1)
    out = result.reshape(-1)
    c = coefficients(a, b, terms, order)
    chunk = max(1, 262144 // terms)
    for start in range(0, flat.size, chunk):
        part = flat[start : start + chunk]
        angle = phases(part, b, terms)
        sign: np.ndarray | float = 1.0
        if order % 2:  # W(−x) = W(x), and the sign of b cancels: cos is even
            sign = np.sign(part)[:, None]
        with np.errstate(invalid="ignore", over="ignore"):
            terms_array = c[None, :] * _trig(angle, order, sign)
            # 0·inf (a vanishing trig value times an overflowed coefficient) is 0 here
            terms_array[np.isnan(terms_array) & np.isfinite(angle)] = 0.0
            out[start : start + chunk] = terms_array.sum(axis=1)
    return result.astype(dtype, copy=False)


# ------------------------------------------------------------------------ mpmath


def _mp_exact(value: Any) -> mpmath.mpf:
    if isinstance(value, Fraction):
        return mpmath.mpf(value.numerator) / value.denominator
    return mpmath.mpf(value)


def weierstrass_mpmath(x: Any, a: Any, b: Any, terms: int, order: int = 0, digits: int = 50) -> mpmath.mpf:
    """W_N⁽ʲ⁾(x) to ``digits`` digits, with the working precision raised by the size of bⁿx.

    ``x``, ``a`` and ``b`` may be floats, mpf or :class:`fractions.Fraction` (exact).
    No modular trick: cos(π bⁿ x) is summed directly with enough bits that bⁿx
    keeps ``digits`` digits after the point. Returns NaN for a NaN input.
    """
    terms = int(terms)
    with mpmath.workdps(digits + 10):
        xs = _mp_exact(x)
        if mpmath.isnan(xs):
            return mpmath.nan
        if mpmath.isinf(xs):
            return mpmath.nan
        size = abs(xs) * max(1, abs(_mp_exact(b))) ** max(terms - 1, 0)
        extra = 0 if size < 1 else int(mpmath.log(size, 2)) + 1
    prec = int((digits + 10) * 3.33) + extra + 16
    with mpmath.workprec(prec):
        xs, a_mp, b_mp = _mp_exact(x), _mp_exact(a), _mp_exact(b)
        total = mpmath.mpf(0)
        power_a = mpmath.mpf(1)
        power_b = mpmath.mpf(1)
        for _ in range(terms):
            theta = mpmath.pi * power_b * xs
            scale = power_a * (mpmath.pi * power_b) ** order
            total += scale * mpmath.cos(theta + order * mpmath.pi / 2)
            power_a *= a_mp
            power_b *= b_mp
    with mpmath.workdps(digits):
        return +total
