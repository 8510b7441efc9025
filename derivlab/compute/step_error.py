"""How the error of a numerical derivative depends on the step h.

For a difference quotient D(h) of order p the error has two parts:

* truncation, from the Taylor series: ``C_t |h|^p`` (forward/backward
  ``|f''(a)|/2 · h``, central ``|f'''(a)|/6 · h²``, Richardson ``|f⁽⁵⁾(a)|/480 · h⁴``);
* round-off, from subtracting nearly equal values of f: ``C_r eps |f(a)| / |h|^q``
  (q = 1 for the first-derivative quotients, q = 2 for the second difference).

Their sum is smallest near the optimal step ``h* = (q C_r eps |f| / (p C_t))^(1/(p+q))``:
about eps^(1/2) for one-sided differences and eps^(1/3) for the central one.
The complex step has no subtraction, hence no round-off branch.

Everything here works on numpy arrays in the dtype it is given (float32 or float64).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from derivlab.compute import finite_diff

ArrayFunction = Callable[[Any], Any]

#: the estimators: name -> (quotient, derivative order it estimates, truncation order p, round-off order q)
METHODS: dict[str, tuple[Callable[..., Any], int, int, int]] = {
    "forward": (finite_diff.forward_difference, 1, 1, 1),
    "backward": (finite_diff.backward_difference, 1, 1, 1),
    "central": (finite_diff.central_difference, 1, 2, 1),
    "richardson": (finite_diff.richardson, 1, 4, 1),
    "complex step": (finite_diff.complex_step, 1, 2, 0),
    "second difference": (finite_diff.second_difference, 2, 2, 2),
}


def step_grid(log_min: float = -16.0, log_max: float = 0.0, per_decade: int = 20) -> np.ndarray:
    """Steps h = 10^k for k evenly spaced from ``log_min`` to ``log_max`` (float64)."""
    count = int(round((log_max - log_min) * per_decade)) + 1
    return 10.0 ** np.linspace(log_min, log_max, count)


def estimate(
    method: str, f: ArrayFunction, a: float, steps: np.ndarray, dtype: Any = np.float64
) -> np.ndarray:
    """The estimate of ``method`` at a for every step, worked out entirely in ``dtype``.

    ``f`` takes arrays of ``dtype`` (complex of matching width for the complex step).
    Returned in float64 (the values themselves carry ``dtype``'s rounding).
    """
    quotient = METHODS[method][0]
    dtype = np.dtype(dtype)
    a_arr = np.full(np.shape(steps), a, dtype=dtype)
    h_arr = np.asarray(steps, dtype=dtype)
    with np.errstate(all="ignore"):
        return np.asarray(quotient(f, a_arr, h_arr), dtype=np.float64)


def absolute_error(values: np.ndarray, exact: float) -> np.ndarray:
    """|D(h) − exact| in float64; NaN where the estimate is not finite."""
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(values), np.abs(values - exact), np.nan)


def best_step(steps: np.ndarray, error: np.ndarray, window: int = 5) -> float | None:
    """The measured optimal step: where the running median of log₁₀ error is least.

    Round-off makes the error jump from one h to the next, so the raw minimum
    is luck; the median over ``2·window + 1`` neighbouring steps (half a decade
    at 20 steps per decade) follows the V of the error curve instead. None when
    no step has a finite error.
    """
    steps = np.asarray(steps, dtype=np.float64)
    error = np.asarray(error, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_error = np.where(np.isfinite(error), np.log10(np.maximum(error, 1e-300)), np.nan)
    smooth = np.full(log_error.shape, np.nan)
    for i in range(log_error.size):
        part = log_error[max(0, i - window) : i + window + 1]
        if np.count_nonzero(np.isfinite(part)) > window:
            smooth[i] = np.nanmedian(part)
    if not np.isfinite(smooth).any():
        return None
    # The largest step reaching the least error (the complex step is exact for every small h).
    least = np.nanmin(smooth)
    return float(steps[np.nonzero(smooth == least)[0][-1]])


def fitted_slope(steps: np.ndarray, error: np.ndarray, h_min: float, h_max: float) -> float | None:
    """Least-squares slope of log₁₀ error against log₁₀ h over h_min ≤ h ≤ h_max (positive errors)."""
    steps = np.asarray(steps, dtype=np.float64)
    error = np.asarray(error, dtype=np.float64)
    ok = (steps >= h_min) & (steps <= h_max) & np.isfinite(error) & (error > 0)
    if np.count_nonzero(ok) < 3:
        return None
    slope, _ = np.polyfit(np.log10(steps[ok]), np.log10(error[ok]), 1)
    return float(slope)


def round_off_floor(a: float, f_a: float | None, derivative: float, order: int, eps: float) -> float:
    """Smallest h on the round-off branch: a ± h must differ from a (h > 10 eps max(|a|, 1)), and
    the difference of f values, about |f⁽ⁿ⁾(a)| hⁿ, must span ten or more units of rounding of f(a)
    (h > (10 eps |f(a)| / |f⁽ⁿ⁾(a)|)^(1/n)). Below it the quotient is mostly 0 and the error flat."""
    low = 10.0 * eps * max(abs(a), 1.0)
    if f_a and derivative:
        low = max(low, (10.0 * eps * abs(f_a) / abs(derivative)) ** (1.0 / order))
    return low


@dataclass(frozen=True)
class ErrorModel:
    """error(h) ≈ truncation·h^p + roundoff/h^q, and its minimiser h*."""

    truncation: float
    p: int
    roundoff: float
    q: int

    def truncation_error(self, h: np.ndarray) -> np.ndarray:
        """The Taylor-series part C_t·h^p."""
        return self.truncation * np.asarray(h, dtype=np.float64) ** self.p

    def roundoff_error(self, h: np.ndarray) -> np.ndarray:
        """The rounding part C_r·eps·|f|/h^q (zero for the complex step)."""
        return self.roundoff / np.asarray(h, dtype=np.float64) ** self.q if self.q else np.zeros(np.shape(h))

    @property
    def optimal_step(self) -> float | None:
        """h* minimising C_t h^p + R/h^q: (q R / (p C_t))^(1/(p+q)); None without both branches."""
        if self.q == 0 or self.truncation <= 0 or self.roundoff <= 0:
            return None
        return (self.q * self.roundoff / (self.p * self.truncation)) ** (1.0 / (self.p + self.q))


def error_model(method: str, derivatives: dict[int, float | None], eps: float) -> ErrorModel | None:
    """The truncation/round-off model of ``method`` from f⁽ᵏ⁾(a) (k = 0..5) and machine eps.

    Forward/backward: |f''|/2·h + eps|f|/h; central: |f'''|/6·h² + eps|f|/h;
    Richardson: |f⁽⁵⁾|/480·h⁴ + (3/2)·eps|f|/h; complex step: |f'''|/6·h²;
    second difference: |f''''|/12·h² + 4 eps|f|/h². None when a needed derivative is unknown.
    """
    f0 = derivatives.get(0)
    table = {
        "forward": (2, 0.5, 1, 1.0),
        "backward": (2, 0.5, 1, 1.0),
        "central": (3, 1 / 6, 2, 1.0),
        "richardson": (5, 1 / 480, 4, 1.5),
        "complex step": (3, 1 / 6, 2, 0.0),
        "second difference": (4, 1 / 12, 2, 4.0),
    }
    order, factor, p, rounding = table[method]
    dk = derivatives.get(order)
    if dk is None or f0 is None:
        return None
    q = METHODS[method][3]
    return ErrorModel(abs(dk) * factor, p, rounding * eps * abs(f0), q)


def machine_epsilon(dtype: Any) -> float:
    """Unit round-off scale eps of the dtype: 2⁻⁵² for float64, 2⁻²³ for float32."""
    return float(np.finfo(np.dtype(dtype)).eps)


def floor_log10(error: np.ndarray, floor: float) -> np.ndarray:
    """log₁₀ of the error with exact zeros (and tinier values) lifted to ``floor``; NaN stays NaN."""
    error = np.asarray(error, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isfinite(error), np.log10(np.maximum(error, floor)), np.nan)


__all__ = [
    "METHODS",
    "ErrorModel",
    "absolute_error",
    "best_step",
    "error_model",
    "estimate",
    "fitted_slope",
    "floor_log10",
    "machine_epsilon",
    "round_off_floor",
    "step_grid",
]
