"""The shape of f read from f′ and f″: f, f′ and f″ stacked over the same x.

f increases where f′ > 0 and decreases where f′ < 0; it is concave up where
f″ > 0 and concave down where f″ < 0. A critical point c is a point of the
domain where f′(c) = 0 or f′(c) does not exist; an inflection point is where f
is defined and f″ changes sign.

First-derivative test at a critical point c: f′ changes from + to − ⇒ local
max, from − to + ⇒ local min, no change ⇒ neither. Second-derivative test:
f′(c) = 0 and f″(c) < 0 ⇒ local max, f″(c) > 0 ⇒ local min, f″(c) = 0 ⇒ no
verdict. On a closed interval [α, β] the global extrema are among the critical
points inside and the end points α, β (the closed-interval method).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from derivlab.compute.evaluate import evaluate
from derivlab.expr import classify_differentiability
from derivlab.model import Parameter, View

from .base import Scene, break_jumps, formula_text, function_parameter, typed_function
from .base import finite_value as _value
from .drawables import Curve, Fill, Label, Markers, Panel, Readout, SceneFrame, Table, format_number
from .sampling import sample_count

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend
    from derivlab.expr import Function

#: at most this many critical or inflection points are found and labelled
MAX_POINTS = 40
_BISECTIONS = 80


@dataclass(frozen=True)
class CriticalPoint:
    """A critical point c with f(c), why it is critical, and both derivative tests.

    ``kind`` is ``"stationary"`` (f′(c) = 0) or ``"singular"`` (f′(c) does not exist);
    ``first_test`` is "local max", "local min" or "neither"; ``second_test`` is
    "local max", "local min", "no verdict" (f″(c) = 0) or "f″ undefined".
    """

    x: float
    value: float
    kind: str
    left_sign: int
    right_sign: int
    second_derivative: float | None
    first_test: str
    second_test: str


@dataclass(frozen=True)
class Extremum:
    """A global maximum or minimum on [α, β]: where, how much, and whether at an end point."""

    x: float
    value: float
    at_end: bool


# ------------------------------------------------------------------ sampling


def sample_raw(f: Function, x: np.ndarray, order: int, backend: Backend | None = None) -> np.ndarray:
    """f⁽ⁿ⁾(x) as float64 numpy, NaN where undefined (no clipping, no gaps)."""
    y = evaluate(f, x, order=order, backend=backend)
    if backend is not None:
        y = backend.asnumpy(y)
    y = np.array(y, dtype=np.float64)
    y[~np.isfinite(y)] = np.nan
    return y


def fitted_range(values: np.ndarray, include_zero: bool = True, pad: float = 0.12) -> tuple[float, float]:
    """A y range for the data in view: the 2nd to 98th percentile of the finite values, padded.

    NaN and ±∞ are ignored, so poles do not flatten the picture; 0 is included
    (the fills are drawn to 0); a flat set gets a range of ±1 around it.
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return -1.0, 1.0
    lo, hi = (float(v) for v in np.percentile(finite, [2.0, 98.0]))
    if include_zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo < 1e-12 * max(1.0, abs(hi), abs(lo)):
        return lo - 1.0, hi + 1.0
    span = hi - lo
    return lo - pad * span, hi + pad * span


# ------------------------------------------------------------------ roots


def _bisect(g, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Midpoints of brackets [lo, hi] where g changes sign, halved ``_BISECTIONS`` times (vectorised)."""
    lo, hi = lo.astype(np.float64), hi.astype(np.float64)
    g_lo = np.sign(g(lo))
    for _ in range(_BISECTIONS):
        mid = (lo + hi) / 2
        same = np.sign(g(mid)) == g_lo
        lo = np.where(same, mid, lo)
        hi = np.where(same, hi, mid)
    return (lo + hi) / 2


def _minimise(g, lo: np.ndarray, hi: np.ndarray, sign: float = 1.0) -> np.ndarray:
    """Where sign·|g| is least on each [lo, hi]: golden-section search, vectorised (NaN counts as worst)."""
    ratio = (math.sqrt(5) - 1) / 2

    def cost(x):
        v = sign * np.abs(g(x))
        return np.where(np.isfinite(v), v, np.inf)

    a, b = lo.astype(np.float64), hi.astype(np.float64)
    for _ in range(_BISECTIONS):
        c = b - ratio * (b - a)
        d = a + ratio * (b - a)
        left = cost(c) <= cost(d)
        b = np.where(left, d, b)
        a = np.where(left, a, c)
    return (a + b) / 2


def sign_changes(g, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Points where g changes sign between samples, refined by bisection (also across one undefined sample)."""
    s = np.sign(y)
    brackets = []
    finite = np.isfinite(y)
    both = finite[:-1] & finite[1:] & (s[:-1] * s[1:] < 0)
    brackets += [(x[i], x[i + 1]) for i in np.nonzero(both)[0]]
    # An exact zero at a sample between samples of opposite signs.
    zero = np.nonzero((y[1:-1] == 0) & finite[:-2] & finite[2:] & (s[:-2] * s[2:] < 0))[0] + 1
    # One undefined sample between samples of opposite signs (|x|′ at a grid point 0).
    hole = np.nonzero(~finite[1:-1] & finite[:-2] & finite[2:] & (s[:-2] * s[2:] < 0))[0] + 1
    brackets += [(x[i - 1], x[i + 1]) for i in hole]
    roots = list(x[zero])
    if brackets:
        lo, hi = (np.array(v) for v in zip(*brackets, strict=True))
        roots += list(_bisect(g, lo, hi))
    return np.sort(np.array(roots, dtype=np.float64))


def touching_zeros(g, x: np.ndarray, y: np.ndarray, scale: float) -> np.ndarray:
    """Zeros of g where it touches 0 without changing sign (3x² at 0): local minima of |g|, refined."""
    m = np.abs(y)
    finite = np.isfinite(m)
    inner = (m[1:-1] <= m[:-2]) & (m[1:-1] < m[2:]) & finite[1:-1] & finite[:-2] & finite[2:]
    same_sign = np.sign(y[:-2]) * np.sign(y[2:]) > 0
    idx = np.nonzero(inner & same_sign & (m[1:-1] < 0.05 * scale))[0] + 1
    if idx.size == 0:
        return np.empty(0)
    found = _minimise(g, x[idx - 1], x[idx + 1])
    with np.errstate(all="ignore"):
        small = np.abs(g(found)) <= 1e-9 * scale
    return found[small]


def spikes(g, x: np.ndarray, y: np.ndarray, scale: float) -> np.ndarray:
    """Where |g| blows up between samples (a vertical tangent or cusp of f): local maxima of |g|, refined."""
    m = np.abs(y)
    finite = np.isfinite(m)
    inner = (m[1:-1] >= m[:-2]) & (m[1:-1] > m[2:]) & finite[1:-1] & finite[:-2] & finite[2:]
    idx = np.nonzero(inner & (m[1:-1] > 50.0 * scale))[0] + 1
    if idx.size == 0:
        return np.empty(0)
    return _minimise(g, x[idx - 1], x[idx + 1], sign=-1.0)


def _snap(x: float, spacing: float) -> float:
    """x rounded to a millionth of the grid spacing when that moves it by at most 10⁻¹² (1e-17 → 0, 1 − 2⁻⁵² → 1)."""
    decimals = max(0, int(math.ceil(-math.log10(spacing))) + 6)
    rounded = round(float(x), decimals) + 0.0
    return rounded if abs(rounded - x) <= 1e-12 * max(1.0, abs(x)) else float(x)


def _continuous_at(f: Function, c: float, value: float, spacing: float) -> bool:
    """f(c ± δ) → f(c): the gap |f(c ± δ) − f(c)| shrinks as δ does (not at a pole or a jump).

    tan has a finite float value at the float nearest π/2, so a value alone does not
    say that c is in the domain.
    """
    gaps = []
    for delta in (1e-3 * spacing, 1e-6 * spacing):
        vs = [_value(f, c - delta), _value(f, c + delta)]
        if any(v is None for v in vs):
            return False
        gaps.append(max(abs(v - value) for v in vs))  # type: ignore[operator]
    return gaps[1] <= 1e-9 * (1.0 + abs(value)) or gaps[1] <= 0.5 * gaps[0]


@lru_cache(maxsize=256)
def _not_differentiable(text: str, x: float) -> bool:
    """True when f is continuous at x but has no derivative there (corner, cusp, vertical tangent, no limit)."""
    d = classify_differentiability(typed_function(text), x)
    return d.classification in ("corner", "cusp", "vertical_tangent", "no_limit")


def _sign(v: float | None) -> int:
    if v is None or not math.isfinite(v) or v == 0:
        return 0
    return 1 if v > 0 else -1


def critical_points(f: Function, x_min: float, x_max: float, samples: int = 4000) -> list[CriticalPoint]:
    """Critical points of f in [x_min, x_max], with the first- and second-derivative tests.

    f′ = 0: sign changes of f′ refined by bisection, and zeros where f′ touches 0
    (local minima of |f′| refined to |f′| ≤ 10⁻⁹·scale). f′ undefined where f is
    defined: a sign change of f′ whose one-sided values stay away from 0 (|x| at
    0), or a spike of |f′| (x^(1/3) at 0) confirmed by classify_differentiability.
    """
    x = np.linspace(x_min, x_max, samples)
    spacing = (x_max - x_min) / (samples - 1)
    g = f.numpy(1)

    def fp(t):
        with np.errstate(all="ignore"):
            return np.asarray(g(np.asarray(t, dtype=np.float64)), dtype=np.float64)

    y = fp(x)
    finite = np.abs(y[np.isfinite(y)])
    scale = max(1e-12, float(np.median(finite))) if finite.size else 1.0
    candidates: list[tuple[float, str]] = []
    for r in sign_changes(fp, x, y):
        # Near a zero of a continuous f′ it shrinks with the distance (≈ f″(c)·ε); at a corner it does not.
        eps = 1e-4 * spacing
        near = np.abs(fp(np.array([r - eps, r + eps])))
        far = np.abs(fp(np.array([r - spacing, r + spacing])))
        stationary = bool(np.all(np.isfinite(near)) and near.sum() <= 0.1 * far.sum())
        candidates.append((r, "stationary" if stationary else "singular"))
    candidates += [(r, "stationary") for r in touching_zeros(fp, x, y, scale)]
    candidates += [(r, "spike") for r in spikes(fp, x, y, scale)[:8]]

    points: list[CriticalPoint] = []
    seen: list[float] = []
    for r, kind in sorted(candidates):
        c = _snap(r, spacing)
        if any(abs(c - s) <= 2 * spacing for s in seen) or not (x_min <= c <= x_max):
            continue
        value = _value(f, c)
        if value is None or not _continuous_at(f, c, value, spacing):
            continue  # not in the domain: a pole is not a critical point
        if kind == "spike":
            if not _not_differentiable(f.text, c):
                continue
            kind = "singular"
        seen.append(c)
        points.append((c, value, kind))  # type: ignore[arg-type]
        if len(points) >= MAX_POINTS:
            break
    return [_tests(f, c, value, kind, points, spacing) for c, value, kind in points]  # type: ignore[misc]


def _tests(f: Function, c: float, value: float, kind: str, points, spacing: float) -> CriticalPoint:
    """The first- and second-derivative tests at the critical point c."""
    others = [abs(c - p[0]) for p in points if p[0] != c]
    delta = min([1e-3 * max(1.0, abs(c)), 50 * spacing, *(d / 4 for d in others)])
    left, right = _sign(_value(f, c - delta, 1)), _sign(_value(f, c + delta, 1))
    if left > 0 > right:
        first = "local max"
    elif left < 0 < right:
        first = "local min"
    else:
        first = "neither"
    second_value = _value(f, c, 2) if kind == "stationary" else None
    if kind != "stationary" or second_value is None:
        second = "f″ undefined" if kind == "stationary" else "does not apply"
    elif abs(second_value) <= 1e-12 * max(1.0, abs(value)):
        second, second_value = "no verdict", 0.0
    else:
        second = "local max" if second_value < 0 else "local min"
    return CriticalPoint(c, value, kind, left, right, second_value, first, second)


def inflection_points(f: Function, x_min: float, x_max: float, samples: int = 4000) -> list[tuple[float, float]]:
    """(x, f(x)) where f is defined and f″ changes sign, in [x_min, x_max] (bisection on f″)."""
    x = np.linspace(x_min, x_max, samples)
    spacing = (x_max - x_min) / (samples - 1)
    g = f.numpy(2)

    def fpp(t):
        with np.errstate(all="ignore"):
            return np.asarray(g(np.asarray(t, dtype=np.float64)), dtype=np.float64)

    found: list[tuple[float, float]] = []
    for r in sign_changes(fpp, x, fpp(x)):
        c = _snap(r, spacing)
        value = _value(f, c)
        if value is None or any(abs(c - p) <= 2 * spacing for p, _ in found) or not _continuous_at(f, c, value, spacing):
            continue
        found.append((c, value))
        if len(found) >= MAX_POINTS:
            break
    return found


def global_extrema(
    f: Function, alpha: float, beta: float, points: list[CriticalPoint]
) -> tuple[Extremum | None, Extremum | None]:
    """The global max and min of f on [α, β]: compare f at the critical points inside and at α and β."""
    candidates = [(p.x, p.value, False) for p in points if alpha <= p.x <= beta]
    for end in (alpha, beta):
        v = _value(f, end)
        if v is not None:
            candidates.append((end, v, True))
    if not candidates:
        return None, None
    top = max(candidates, key=lambda c: c[1])
    bottom = min(candidates, key=lambda c: c[1])
    return Extremum(*top), Extremum(*bottom)


# ------------------------------------------------------------------ scene


_SIGN_TEXT = {1: "+", -1: "−", 0: "0"}


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index runs where ``mask`` is True."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0], strict=True))


def _shading(key: str, x: np.ndarray, y: np.ndarray, view: View, words: tuple[str, str], roles: tuple[str, str]) -> list:
    """Fills between y and 0, by sign, and a word in the middle of each wide enough run."""
    drawables: list = []
    zero = np.zeros_like(y)
    height = view.height
    for sign, word, role, name in ((1, words[0], roles[0], "positive"), (-1, words[1], roles[1], "negative")):
        mask = np.isfinite(y) & (np.sign(y) == sign)
        upper = np.where(mask, y, np.nan)
        drawables.append(Fill(f"{key}_{name}", x, zero if sign > 0 else upper, upper if sign > 0 else zero, role=role, alpha=0.2))
        for i, (start, stop) in enumerate(_runs(mask)[:12]):
            lo, hi = max(x[start], view.x_min), min(x[stop - 1], view.x_max)
            if hi - lo < 0.16 * view.width:
                continue
            mid = (lo + hi) / 2
            # Halfway between 0 and the curve at the middle of the run, inside the view;
            # a region too thin to hold the word gets it just across the axis instead.
            at_mid = float(np.interp(mid, x[start:stop], np.nan_to_num(y[start:stop])))
            depth = min(abs(at_mid), abs(view.y_max if sign > 0 else view.y_min)) / 2
            word_y = sign * depth if depth >= 0.15 * height else -sign * 0.06 * height
            drawables.append(Label(f"{key}_{name}_word_{i}", word, mid, word_y, role=role,
                                   size=14, offset=(0, 0), anchor=("center", "center")))
    return drawables


class DerivativeGraphScene(Scene):
    name = "derivative-graph"
    title = "The shape of f from f′ and f″"
    summary = (
        "f, f′ and f″ over the same x: where f rises and falls, bends up and down, "
        "its critical and inflection points, and its extremes on [α, β]."
    )
    parameters = (
        function_parameter("x^3 - 3x", "The function, typed as on paper: x^3 - 3x, x^4 - 2x^2, x e^(-x), |x^2 - 1| ..."),
        Parameter(
            "alpha",
            -1.5,
            symbol="α",
            label="Interval start α",
            minimum=-1e6,
            maximum=1e6,
            help="Left end of the closed interval [α, β] on which the global max and min are found.",
        ),
        Parameter(
            "beta",
            1.5,
            symbol="β",
            label="Interval end β",
            minimum=-1e6,
            maximum=1e6,
            help="Right end of the closed interval [α, β].",
        ),
    )
    default_view = View(-2.5, 2.5, -3.2, 3.2)

    def compute(
        self, values: Mapping[str, Any], view: View, backend: Backend | None = None
    ) -> SceneFrame:
        f = typed_function(values["f"])
        alpha, beta = float(values["alpha"]), float(values["beta"])
        margin = 0.02 * view.width
        x = np.linspace(view.x_min - margin, view.x_max + margin, sample_count(view))
        y = break_jumps(x, sample_raw(f, x, 0, backend), view)
        d1 = sample_raw(f, x, 1, backend)
        d2 = sample_raw(f, x, 2, backend)
        in_view = (x >= view.x_min) & (x <= view.x_max)
        d1_view = View(view.x_min, view.x_max, *fitted_range(d1[in_view]), pixels=view.pixels)
        d2_view = View(view.x_min, view.x_max, *fitted_range(d2[in_view]), pixels=view.pixels)
        d1 = break_jumps(x, d1, d1_view)
        d2 = break_jumps(x, d2, d2_view)

        lo, hi = min(view.x_min, alpha), max(view.x_max, beta)
        criticals = critical_points(f, lo, hi)
        inflections = inflection_points(f, lo, hi)
        # f′ and f″ jump where f has a corner: a gap there, not a vertical line.
        for p in criticals:
            if p.kind == "singular" and x[0] < p.x < x[-1]:
                i = int(np.searchsorted(x, p.x))
                d1[i - 1 : i + 1] = np.nan
                d2[i - 1 : i + 1] = np.nan
        message = ""
        top = bottom = None
        if alpha < beta:
            top, bottom = global_extrema(f, alpha, beta, criticals)
        else:
            message = "The interval needs α < β."

        main: list = [Curve("curve", x, y, role="curve", width=3.0, label=f"f(x) = {formula_text(f.text)}")]
        main += self._interval(alpha, beta, view)
        main += self._extrema_drawables(top, bottom)  # under the critical points: a ring around the dot
        main += self._critical_drawables(criticals, view)
        if inflections:
            ix, iy = (np.array(v) for v in zip(*inflections, strict=True))
            main.append(Markers("inflections", ix, iy, role="second", size=13.0, label="inflection point"))
            critical_x = [p.x for p in criticals]
            for i, (px, py) in enumerate(inflections[:12]):
                if px in critical_x:
                    continue  # that point already has a label
                main.append(Label(f"inflection_label_{i}", "inflection", px, py, role="second", size=13,
                                  offset=(10, -6), anchor=("left", "bottom")))

        d1_panel = Panel(
            "first",
            (
                *_shading("increasing", x, d1, d1_view, ("f increasing", "f decreasing"), ("derivative", "secant")),
                Curve("derivative", x, d1, role="derivative", width=2.5),
                *self._panel_markers("first", criticals, lambda p: 0.0, self._first_test_text, d1_view,
                                     rising=lambda p: (p.second_derivative or 0.0) > 0),
            ),
            d1_view,
            y_name=f"f′(x) = {formula_text(str(f.sympy(1)))}",
        )
        d2_panel = Panel(
            "second",
            (
                *_shading("concave", x, d2, d2_view, ("concave up", "concave down"), ("second", "secant")),
                Curve("second_derivative", x, d2, role="second", width=2.5),
                *self._panel_markers(
                    "second", [p for p in criticals if p.second_derivative is not None],
                    lambda p: p.second_derivative, self._second_test_text, d2_view,
                ),
            ),
            d2_view,
            y_name=f"f″(x) = {formula_text(str(f.sympy(2)))}",
        )
        return SceneFrame(
            tuple(main),
            self._readouts(alpha, beta, top, bottom, criticals, inflections),
            caption=self._caption(criticals, inflections, top, bottom),
            message=message,
            panels=(d1_panel, d2_panel),
            main_size=1.5,
            tables=(self._table(criticals, inflections),),
            extra={"critical_points": criticals, "inflection_points": inflections, "global_max": top,
                   "global_min": bottom},
        )

    # -- pieces ------------------------------------------------------------------
    @staticmethod
    def _interval(alpha: float, beta: float, view: View) -> list:
        drawables: list = []
        ys = np.array([view.y_min - view.height, view.y_max + view.height])
        for key, end, name, anchor in (("alpha", alpha, "α", "right"), ("beta", beta, "β", "left")):
            drawables.append(Curve(f"end_{key}", np.array([end, end]), ys, role="guide", width=2.0, dashed=True,
                                   label="[α, β]" if key == "alpha" else ""))
            drawables.append(Label(f"end_{key}_label", name, end, view.y_min, role="guide", size=16,
                                   offset=(-6 if anchor == "right" else 6, -8), anchor=(anchor, "bottom")))
        return drawables

    @staticmethod
    def _critical_drawables(points: list[CriticalPoint], view: View) -> list:
        if not points:
            return []
        drawables: list = [Markers("critical", np.array([p.x for p in points]), np.array([p.value for p in points]),
                                   role="point", size=14.0, label="critical point")]
        for i, p in enumerate(points[:12]):
            if p.first_test == "local max":
                offset, anchor = (0, -14), ("center", "bottom")
            elif p.first_test == "local min":
                offset, anchor = (0, 14), ("center", "top")
            else:
                offset, anchor = (-12, -8), ("right", "bottom")
            drawables.append(Label(f"critical_label_{i}", p.first_test, p.x, p.value, role="point", size=14,
                                   offset=offset, anchor=anchor))
        return drawables

    @staticmethod
    def _extrema_drawables(top: Extremum | None, bottom: Extremum | None) -> list:
        drawables: list = []
        for key, e, word, offset, anchor in (
            ("global_max", top, "max", (0, -38), ("center", "bottom")),
            ("global_min", bottom, "min", (0, 38), ("center", "top")),
        ):
            if e is None:
                continue
            drawables.append(Markers(key, np.array([e.x]), np.array([e.value]), role="tangent", size=28.0))
            text = f"global {word} {format_number(e.value, 6)} on [α, β]"
            drawables.append(Label(f"{key}_label", text, e.x, e.value, role="tangent", size=14,
                                   offset=offset, anchor=anchor))
        if top is not None:
            # Legend entry for the ring colour: a curve with no points of its own.
            drawables.append(Curve("global_legend", np.array([np.nan, np.nan]), np.array([np.nan, np.nan]),
                                   role="tangent", label="global max / min on [α, β]"))
        return drawables

    @staticmethod
    def _first_test_text(p: CriticalPoint) -> str:
        return f"f′: {_SIGN_TEXT[p.left_sign]} → {_SIGN_TEXT[p.right_sign]}"

    @staticmethod
    def _second_test_text(p: CriticalPoint) -> str:
        v = p.second_derivative
        if v is None:
            return ""
        relation = "< 0: max" if v < 0 else "> 0: min" if v > 0 else "= 0: no verdict"
        return f"f″ {relation}"

    @staticmethod
    def _panel_markers(key: str, points: list[CriticalPoint], y_of, text_of, view: View, rising=None) -> list:
        """Dots at the critical points with the test's words beside them (left of a rising curve)."""
        if not points:
            return []
        ys = np.array([y_of(p) for p in points], dtype=np.float64)
        drawables: list = [Markers(f"{key}_critical", np.array([p.x for p in points]), ys, role="point", size=12.0)]
        for i, (p, yv) in enumerate(zip(points[:12], ys, strict=False)):
            # Away from 0, outside the shaded region, unless that would leave the view.
            above = yv >= 0 if view.y_max - yv > 0.15 * view.height else False
            left = rising is not None and rising(p)
            drawables.append(Label(f"{key}_test_{i}", text_of(p), p.x, float(yv), role="point", size=13,
                                   offset=(-8 if left else 8, -10 if above else 10),
                                   anchor=("right" if left else "left", "bottom" if above else "top")))
        return drawables

    @staticmethod
    def _readouts(alpha, beta, top, bottom, criticals, inflections) -> tuple[Readout, ...]:
        def where(e: Extremum | None) -> str:
            if e is None:
                return "undefined"
            return f"{format_number(e.value, 6)} at x = {format_number(e.x, 6)}"

        return (
            Readout("[α, β]", None, f"[{format_number(alpha, 4)}, {format_number(beta, 4)}]", "the closed interval"),
            Readout("max on [α, β]", None if top is None else top.value, where(top), "global maximum", role="tangent"),
            Readout("min on [α, β]", None if bottom is None else bottom.value, where(bottom), "global minimum",
                    role="tangent"),
            Readout("critical points", len(criticals), str(len(criticals)), "f′ = 0 or undefined", role="point"),
            Readout("inflection points", len(inflections), str(len(inflections)), "f″ changes sign", role="second"),
        )

    @staticmethod
    def _caption(criticals, inflections, top, bottom) -> str:
        parts = [f"{p.first_test} at x = {format_number(p.x, 6)}" for p in criticals[:6] if p.first_test != "neither"]
        parts += [f"inflection at x = {format_number(x, 6)}" for x, _ in inflections[:3]]
        if top is not None and bottom is not None:
            parts.append(f"on [α, β]: max {format_number(top.value, 6)}, min {format_number(bottom.value, 6)}")
        return "; ".join(parts)

    @staticmethod
    def _table(criticals, inflections) -> Table:
        rows = [
            (format_number(p.x, 6), format_number(p.value, 6),
             "0" if p.kind == "stationary" else "undefined",
             f"{_SIGN_TEXT[p.left_sign]} → {_SIGN_TEXT[p.right_sign]}: {p.first_test}", p.second_test)
            for p in criticals
        ]
        rows += [(format_number(x, 6), format_number(v, 6), "", "", "inflection") for x, v in inflections]
        return Table("Critical and inflection points", ("x", "f(x)", "f′(x)", "first-derivative test",
                                                        "second-derivative test"), tuple(rows))

    def function_latex(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        f = typed_function(values["f"])
        return [("f(x)", f.latex), ("f′(x)", f.derivative_latex(1)), ("f″(x)", f.derivative_latex(2))]
