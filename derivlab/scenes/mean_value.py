"""The mean value theorem: somewhere the tangent is parallel to the secant.

If f is continuous on [α, β] and differentiable on (α, β), some c in (α, β) has

    f′(c) = (f(β) − f(α)) / (β − α),

the slope m of the secant over [α, β]. With f(α) = f(β) the slope is 0 and this
is Rolle's theorem. The scene finds every such c: it looks for sign changes of
g(x) = f′(x) − m on a fine grid, and for grid points where |g| dips to a touching
zero, and refines each by bisection; a bracket that closes on a jump of f′ (a
corner) is reported, not counted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from derivlab.model import Parameter, View

from .base import Scene, formula_text, function_parameter, typed_function
from .base import finite_value as _value
from .drawables import Curve, Label, Markers, Readout, SceneFrame, Table, format_number
from .sampling import sample_curve

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend

#: grid intervals over [α, β] searched for sign changes of f′ − m
GRID = 20000
#: bisection steps (the bracket shrinks by 2⁻⁶⁰)
BISECTIONS = 60
#: most points c drawn and listed
MAX_POINTS = 40


def secant_slope_over(f_alpha: float, f_beta: float, alpha: float, beta: float) -> float:
    """m = (f(β) − f(α)) / (β − α)."""
    return (f_beta - f_alpha) / (beta - alpha)


def mean_value_points(derivative, alpha: float, beta: float, slope: float) -> tuple[np.ndarray, np.ndarray]:
    """Every c in (α, β) with f′(c) = slope, and the points where f′ jumps across the slope.

    ``derivative`` is f′ on numpy arrays. g = f′ − slope is sampled on GRID
    intervals; each sign change (between finite values) and each grid point
    where |g| has a local minimum near 0 is refined by bisection, vectorised over
    all brackets. A refined point where |g| is not small is a jump of f′ (a
    corner or a pole), returned in the second array.
    """
    x = np.linspace(alpha, beta, GRID + 1)
    g = np.asarray(derivative(x), dtype=np.float64) - slope
    finite = np.isfinite(g)
    scale = max(1.0, abs(slope), float(np.max(np.abs(g[finite]), initial=0.0)))
    tol = 1e-9 * scale
    if finite.all() and np.max(np.abs(g)) <= 1e-12 * max(1.0, abs(slope)):
        return x[1:-1], np.array([])  # f′ = m all along: every c works
    left, right = g[:-1], g[1:]
    both = finite[:-1] & finite[1:]
    change = both & (np.sign(left) * np.sign(right) < 0)
    lo, hi = x[:-1][change].copy(), x[1:][change].copy()
    g_lo = left[change].copy()
    for _ in range(BISECTIONS):
        mid = 0.5 * (lo + hi)
        g_mid = np.asarray(derivative(mid), dtype=np.float64) - slope
        same = np.sign(g_mid) == np.sign(g_lo)
        lo = np.where(same, mid, lo)
        g_lo = np.where(same, g_mid, g_lo)
        hi = np.where(same, hi, mid)
    roots = 0.5 * (lo + hi)
    g_roots = np.abs(np.asarray(derivative(roots), dtype=np.float64) - slope)
    g_edges = np.minimum(np.abs(np.asarray(derivative(lo)) - slope), np.abs(np.asarray(derivative(hi)) - slope))
    good = np.isfinite(g_roots) & (g_roots <= np.maximum(tol, 1e-6 * scale)) | (g_edges <= tol)
    jumps = roots[~good]
    found = [roots[good]]
    # Exact zeros on the grid and touching zeros (|g| at a local minimum, no sign change).
    a = np.abs(g)
    interior = np.arange(1, GRID)
    exact = interior[finite[interior] & (a[interior] == 0)]
    found.append(x[exact])
    dip = interior[
        finite[interior - 1] & finite[interior] & finite[interior + 1]
        & (a[interior] < a[interior - 1]) & (a[interior] <= a[interior + 1]) & (a[interior] > 0)
        & ~change[interior - 1] & ~change[interior]
        & (a[interior] < 1e-3 * scale)
    ]
    for i in dip:
        c = _minimise_abs(derivative, slope, x[i - 1], x[i + 1])
        if abs(float(derivative(np.array(c))) - slope) <= tol:
            found.append(np.array([c]))
    points = np.sort(np.concatenate(found))
    points = points[(points > alpha) & (points < beta)]
    if points.size:
        keep = np.concatenate([[True], np.diff(points) > 1e-9 * max(1.0, beta - alpha)])
        points = points[keep]
    zero = 1e-12 * max(1.0, abs(alpha), abs(beta))
    points[np.abs(points) < zero] = 0.0
    jumps = np.sort(jumps)
    jumps[np.abs(jumps) < zero] = 0.0
    return points, jumps


def _minimise_abs(derivative, slope: float, lo: float, hi: float) -> float:
    """The x in [lo, hi] where |f′(x) − slope| is least, by golden-section search."""
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(80):
        x1 = hi - ratio * (hi - lo)
        x2 = lo + ratio * (hi - lo)
        g1 = abs(float(derivative(np.array(x1))) - slope)
        g2 = abs(float(derivative(np.array(x2))) - slope)
        if not (math.isfinite(g1) and math.isfinite(g2)):
            break
        if g1 <= g2:
            hi = x2
        else:
            lo = x1
    return 0.5 * (lo + hi)


class MeanValueScene(Scene):
    name = "mean-value"
    title = "Mean value theorem"
    summary = "Somewhere in (α, β) the tangent is parallel to the secant: f′(c) = (f(β) − f(α))/(β − α)."
    parameters = (
        function_parameter("x^3 - 3x", "The function, typed as on paper: x^3 - 3x, sin(x), |x| ..."),
        Parameter("alpha", -2.0, symbol="α", label="Left end α", minimum=-1e6, maximum=1e6,
                  help="Left end of the interval: drag its point on the curve."),
        Parameter("beta", 2.0, symbol="β", label="Right end β", minimum=-1e6, maximum=1e6,
                  help="Right end of the interval: drag its point on the curve."),
    )
    default_view = View(-2.5, 2.5, -4.0, 4.0)

    def compute(
        self, values: Mapping[str, Any], view: View, backend: Backend | None = None
    ) -> SceneFrame:
        f = typed_function(values["f"])
        alpha, beta = sorted((float(values["alpha"]), float(values["beta"])))
        xs, ys = sample_curve(f, view, backend=backend)
        drawables: list = [Curve("curve", xs, ys, role="curve", label=f"f(x) = {formula_text(f.text)}")]
        f_alpha, f_beta = _value(f, alpha), _value(f, beta)
        ends = [(alpha, f_alpha, "alpha", "α"), (beta, f_beta, "beta", "β")]
        if alpha == beta or f_alpha is None or f_beta is None:
            message = ("α and β are equal: move one of them." if alpha == beta
                       else f"f is undefined at {'α' if f_alpha is None else 'β'}: move it.")
            self._end_points(drawables, ends)
            return SceneFrame(tuple(drawables), (), message=message)

        slope = secant_slope_over(f_alpha, f_beta, alpha, beta)
        rolle = abs(f_beta - f_alpha) <= 1e-12 * max(1.0, abs(f_alpha), abs(f_beta))
        if rolle:
            slope = 0.0
        points, jumps = mean_value_points(f.numpy(1), alpha, beta, slope)
        shown = points[:MAX_POINTS] if points.size < GRID - 1 else alpha + (beta - alpha) * np.array([0.25, 0.5, 0.75])
        run = beta - alpha
        drawables.append(Curve("secant", np.array([alpha, beta]), np.array([f_alpha, f_beta]), role="secant",
                               width=3.0, label=f"secant over [α, β], slope m = {format_number(slope, 6)}"))
        half = 0.3 * run / max(1.0, math.sqrt(len(shown)))
        tx, ty = [], []
        for c in shown:
            f_c = _value(f, float(c))
            if f_c is None:
                continue
            tx += [c - half, c + half, np.nan]
            ty += [f_c - slope * half, f_c + slope * half, np.nan]
        if tx:
            drawables.append(Curve("tangents", np.array(tx), np.array(ty), role="tangent", width=3.0, dashed=True,
                                   label="tangent at c, parallel: f′(c) = m"))
        for x_end, y_end, key, name in ends:
            drawables.append(Curve(f"drop_{key}", np.array([x_end, x_end]), np.array([0.0, y_end]), role="guide", width=1.5))
            # Above the x axis (the tick labels lie below it), beside the drop line.
            left = key == "alpha"
            drawables.append(Label(f"label_{key}", name, x_end, 0.0, role="text", size=17,
                                   offset=(-6 if left else 6, -6), anchor=("right" if left else "left", "bottom")))
        c_values = np.array([float(c) for c in shown])
        c_f = np.array([_value(f, c) if _value(f, c) is not None else np.nan for c in c_values])
        if c_values.size:
            drawables.append(Markers("points_c", c_values, c_f, role="tangent", size=13.0))
            for i, (c, y) in enumerate(zip(c_values, c_f, strict=True)):
                name = "c" if c_values.size == 1 else f"c{_subscript(i + 1)}"
                drawables.append(Label(f"label_c{i}", name, float(c), float(y), role="tangent", offset=(0, 14),
                                       anchor=("center", "top")))
        self._end_points(drawables, ends)

        notes = []
        grid = np.linspace(alpha, beta, 2001)
        f_grid = np.asarray(f.numpy(0)(grid), dtype=np.float64)
        if not np.isfinite(f_grid).all():
            gap = float(grid[~np.isfinite(f_grid)][0])
            notes.append(f"f is undefined near x ≈ {format_number(gap, 4)}: not continuous on [α, β], the theorem need not hold.")
        every = points.size >= GRID - 1
        if every:
            notes.append("f′ = m all along (α, β): f is a line there and every c works.")
        if rolle:
            notes.append("Rolle's theorem: f(α) = f(β), so f′(c) = 0 somewhere in (α, β).")
        if jumps.size:
            where = ", ".join(format_number(float(j), 6) for j in jumps[:3])
            notes.append(f"f′ jumps across m at x ≈ {where}: f is not differentiable there, the theorem need not hold.")
        if points.size == 0:
            notes.append("No c in (α, β) has f′(c) = m.")
        elif points.size > MAX_POINTS and not every:
            notes.append(f"{points.size} points c; the first {MAX_POINTS} are drawn.")
        rows = tuple((f"c{_subscript(i + 1)}", format_number(float(c), 10), format_number(f.value(float(c), 1), 10))
                     for i, c in enumerate(c_values))
        readouts = [
            Readout("α", alpha, format_number(alpha), "left end"),
            Readout("β", beta, format_number(beta), "right end"),
            Readout("f(α)", f_alpha, format_number(f_alpha), "value at the left end"),
            Readout("f(β)", f_beta, format_number(f_beta), "value at the right end"),
            Readout("m", slope, format_number(slope), "(f(β) − f(α))/(β − α), the secant slope", role="secant"),
        ]
        for i, c in enumerate(c_values[:4]):
            name = "c" if c_values.size == 1 else f"c{_subscript(i + 1)}"
            readouts.append(Readout(name, float(c), format_number(float(c)), "f′(c) = m", role="tangent"))
        return SceneFrame(
            tuple(drawables),
            tuple(readouts),
            caption="Rolle's theorem" if rolle else "mean value theorem: f′(c) = (f(β) − f(α))/(β − α)",
            message=" ".join(notes),
            tables=(Table("points c in (α, β) with f′(c) = m", ("", "c", "f′(c)"), rows),) if rows else (),
            extra={"alpha": alpha, "beta": beta, "slope": slope, "points": points, "jumps": jumps, "rolle": rolle},
        )

    @staticmethod
    def _end_points(drawables: list, ends) -> None:
        for x_end, y_end, key, _ in ends:
            if y_end is not None:
                drawables.append(Markers(f"point_{key}", np.array([x_end]), np.array([y_end]), role="secant",
                                         size=15.0, draggable=key))

    def function_latex(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        f = typed_function(values["f"])
        return [("f(x)", f.latex), ("f′(x)", f.derivative_latex(1)),
                ("", r"f'(c) = \frac{f(\beta) - f(\alpha)}{\beta - \alpha}")]

    def animations(self) -> dict[str, dict[str, Any]]:
        return {"slide β": {"parameter": "beta", "start": None, "end": 2.4, "easing": "ease-in-out", "duration": 5.0}}


_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _subscript(n: int) -> str:
    return str(n).translate(_SUBSCRIPT)


