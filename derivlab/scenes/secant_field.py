"""Every secant at once: the error of a difference quotient over a grid of points a and steps h.

Each cell (a, h) holds the forward quotient (f(a + h) − f(a))/h or the central
quotient (f(a + h) − f(a − h))/(2h), worked out in float32 or float64, and its
error |D(a, h) − f′(a)| against the exact derivative; the heat map shows
log₁₀ of the error. Columns run over the a on screen, rows over h = ±10ᵏ with
k from −16 to 0. For every a at once the valley appears: truncation error
(∝ |h| forward, ∝ h² central) above it, round-off (∝ ε|f(a)|/|h|) below, its
floor near h* ≈ ε^(1/2) (forward) or ε^(1/3) (central). Where f′(a) does not
exist (the kink of |x|, relu, x^(2/3)) the column has nothing to converge to,
and columns beside it converge only once |h| is below their distance to the
kink. On a GPU one kernel generated from the typed f
(``shaders/cuda/difference_quotient.cu``) fills a 2048 × 1024 grid; numpy
fills a coarser one.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from derivlab.compute.backend import numpy_backend
from derivlab.compute.evaluate import difference_quotients, evaluate
from derivlab.model import Parameter, View

from .base import Scene, formula_text, typed_function
from .drawables import Curve, Fill, Panel, Readout, SceneFrame, Table, format_number
from .sampling import sample_curve

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend
    from derivlab.expr import Function

#: log₁₀ of the smallest and largest |h|
LOG_H_MIN, LOG_H_MAX = -16.0, 0.0
#: errors below this (an exact quotient has error 0) are drawn at it
ERROR_FLOOR = 1e-18
#: grid (columns of a, rows of h per sign) on the GPU and with numpy
GPU_GRID = (2048, 512)
NUMPY_GRID = (480, 161)
CUSTOM = "custom"
PRESETS: dict[str, str] = {
    "sin(x)": "sin(x)",
    "x²": "x^2",
    "e^x": "e^x",
    "|x|": "|x|",
    "relu(x)": "relu(x)",
    "x^(2/3)": "x^(2/3)",
    "Weierstrass W₈": "weierstrass(x, 0.5, 3, 8)",
}
METHODS = ("forward", "central")
#: truncation and round-off orders (p, with the derivative order of the constant) per method
ORDERS = {"forward": (1, 2), "central": (2, 3)}


def column_points(x_min: float, x_max: float, columns: int) -> np.ndarray:
    """About ``columns`` points a = kΔ covering [x_min, x_max], Δ = (x_max − x_min)/(columns − 1).

    Whole multiples of the spacing, so that a = 0 (where |x|, relu and x^(2/3) have their
    kink) is a column whenever it is on screen.
    """
    spacing = (x_max - x_min) / max(columns - 1, 1)
    first = math.floor(x_min / spacing)
    return spacing * np.arange(first, first + columns, dtype=np.float64)


def step_rows(rows: int, log_min: float = LOG_H_MIN, log_max: float = LOG_H_MAX) -> np.ndarray:
    """``rows`` positive steps h = 10ᵏ, k evenly spaced from ``log_min`` to ``log_max`` (float64)."""
    return 10.0 ** np.linspace(log_min, log_max, rows)


def secant_field(f: Function, a: np.ndarray, h: np.ndarray, method: str, dtype: Any,
                 backend: Backend | None = None) -> dict[str, np.ndarray]:
    """The quotient D(a, h) and its error over the grid rows h (signed) × columns a.

    ``quotient[i, j]`` is the ``method`` quotient at a = a[j] with step h[i], computed in
    ``dtype`` on ``backend`` (the whole grid flattened into one call of
    :func:`derivlab.compute.evaluate.difference_quotients`). ``exact[j]`` is f′(a[j]) from the
    exact formula in float64 (NaN where it does not exist), ``error = |quotient − exact|``
    (NaN where either is not finite) and ``log_error = log₁₀ max(error, ERROR_FLOOR)``.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    dtype = np.dtype(dtype)
    a_grid, h_grid = np.meshgrid(np.asarray(a, dtype=np.float64), np.asarray(h, dtype=np.float64))
    if backend is not None and backend.is_gpu:
        forward, _, central = difference_quotients(
            f, backend.asarray(a_grid.ravel(), dtype=dtype), backend.asarray(h_grid.ravel(), dtype=dtype),
            backend=backend)
        chosen = forward if method == "forward" else central
        quotient = np.asarray(backend.asnumpy(chosen), dtype=np.float64).reshape(a_grid.shape)
    else:
        forward, _, central = difference_quotients(f, a_grid.astype(dtype), h_grid.astype(dtype),
                                                   backend=numpy_backend())
        quotient = np.asarray(forward if method == "forward" else central, dtype=np.float64)
    exact = np.asarray(evaluate(f, np.asarray(a, dtype=np.float64), order=1, backend=numpy_backend()),
                       dtype=np.float64)
    with np.errstate(all="ignore"):
        error = np.abs(quotient - exact[np.newaxis, :])
        error[~(np.isfinite(quotient) & np.isfinite(exact)[np.newaxis, :])] = np.nan
        log_error = np.log10(np.maximum(error, ERROR_FLOOR))
    return {"quotient": quotient, "exact": exact, "error": error, "log_error": log_error}


def predicted_best_step(f: Function, a: np.ndarray, method: str, eps: float) -> np.ndarray:
    """h* per column from the error model: forward (2ε|f| / |f″|)^(1/2), central (3ε|f| / |f‴|)^(1/3).

    Minimises C_t |h|^p + ε|f(a)|/|h| with C_t = |f″|/2 (p = 1) or |f‴|/6 (p = 2); NaN where
    f or the derivative vanishes or is undefined.
    """
    p, order = ORDERS[method]
    with np.errstate(all="ignore"):
        fa = np.abs(np.asarray(evaluate(f, a, order=0, backend=numpy_backend()), dtype=np.float64))
        dk = np.abs(np.asarray(evaluate(f, a, order=order, backend=numpy_backend()), dtype=np.float64))
        c_t = dk / math.factorial(order)
        h = (fa * eps / (p * c_t)) ** (1.0 / (p + 1))
    h[~np.isfinite(h) | (h <= 0)] = np.nan
    return h


def best_step_per_column(h: np.ndarray, error: np.ndarray, window: int = 4) -> np.ndarray:
    """For each column, the step where the running median of log₁₀ error over ``2·window + 1``
    neighbouring rows is least: round-off makes single cells jump, the median follows the valley.
    NaN where a column has no finite error."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_error = np.where(np.isfinite(error), np.log10(np.maximum(error, ERROR_FLOOR)), np.nan)
    padded = np.pad(log_error, ((window, window), (0, 0)), constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * window + 1, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows
        smooth = np.nanmedian(windows, axis=-1)
    filled = np.where(np.isfinite(smooth), smooth, np.inf)
    best = np.abs(np.asarray(h, dtype=np.float64))[np.argmin(filled, axis=0)]
    best[~np.isfinite(smooth).any(axis=0)] = np.nan
    return best


class SecantFieldScene(Scene):
    name = "secant-field"
    title = "Secant field"
    summary = "Every secant at once: log₁₀ of the difference quotient's error over the point a and the step h."
    parameters = (
        Parameter("preset", "sin(x)", kind="choice", label="Example", choices=(*PRESETS, CUSTOM),
                  help="A function to start from; typing f makes it custom."),
        Parameter("f", "sin(x)", kind="expression", symbol="f(x)", label="Function",
                  help="The function, typed as on paper: sin(x), |x|, x^(2/3), weierstrass(x, 0.5, 3, 8) ..."),
        Parameter("method", "central", kind="choice", label="Quotient", choices=METHODS,
                  help="forward (f(a+h) − f(a))/h or central (f(a+h) − f(a−h))/(2h)."),
        Parameter("precision", "float64", kind="choice", label="Precision", choices=("float64", "float32"),
                  help="The floating-point type every quotient is worked out in."),
    )
    default_view = View(-4.0, 4.0, -1.5, 1.5)

    def linked_values(self, changed: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
        """A preset sets f; typing f away from the preset switches to custom."""
        preset = values.get("preset", CUSTOM)
        if "preset" in changed and preset in PRESETS:
            return {"f": PRESETS[preset]}
        if "f" in changed and preset in PRESETS and str(values["f"]).strip() != PRESETS[preset]:
            return {"preset": CUSTOM}
        return {}

    def compute(
        self, values: Mapping[str, Any], view: View, backend: Backend | None = None
    ) -> SceneFrame:
        f = typed_function(values["f"])
        method, precision = str(values["method"]), str(values["precision"])
        dtype = np.float32 if precision == "float32" else np.float64
        eps = float(np.finfo(dtype).eps)
        on_gpu = backend is not None and backend.is_gpu
        columns, rows = GPU_GRID if on_gpu else NUMPY_GRID
        a = column_points(view.x_min, view.x_max, columns)
        h = step_rows(rows)
        signed = np.concatenate([-h[::-1], h])  # rows: h from −1 up to −10⁻¹⁶, then 10⁻¹⁶ up to 1
        start = time.perf_counter()
        field = secant_field(f, a, signed, method, dtype, backend)
        seconds = time.perf_counter() - start
        log_error = field["log_error"]
        positive, negative = log_error[rows:], log_error[:rows][::-1]  # both ordered by |h| ascending
        best = best_step_per_column(signed[rows:], field["error"][rows:])
        predicted = predicted_best_step(f, a, method, eps)

        x, y = sample_curve(f, view, backend=backend)
        drawables: list = [Curve("curve", x, y, role="curve", label=f"f(x) = {formula_text(f.text)}")]
        undefined = a[~np.isfinite(field["exact"])]
        if undefined.size:
            ux = np.repeat(undefined, 3)
            uy = np.tile([view.y_min, view.y_max, np.nan], undefined.size)
            drawables.append(Curve("undefined", ux, uy, role="tangent", dashed=True, width=1.5,
                                   label="f′(a) undefined"))
        panels = (
            self._panel("positive", "h > 0", a, positive, best, predicted, view),
            self._panel("negative", "h < 0 (rows by |h|)", a, negative,
                        best_step_per_column(signed[rows:], field["error"][:rows][::-1]), predicted, view,
                        legend=False),
        )
        finite = np.isfinite(field["error"])
        least = float(np.nanmin(field["error"])) if finite.any() else None
        cells = field["quotient"].size
        readouts = (
            Readout("cells", cells, f"{columns} × {2 * rows}", "columns of a × rows of h (both signs)"),
            Readout("backend", None, "GPU kernel" if on_gpu else "numpy", "where the grid was computed"),
            Readout("cells/s", cells / seconds if seconds > 0 else None,
                    format_number(cells / seconds if seconds > 0 else None, 3), "grid cells per second"),
            Readout("ε", eps, format_number(eps, 3), "machine epsilon of the precision"),
            Readout("median best h", _median(best), format_number(_median(best), 2),
                    "measured, over the columns, h > 0", role="secant"),
            Readout("median h*", _median(predicted), format_number(_median(predicted), 2),
                    "predicted from the error model", role="guide"),
            Readout("least error", least, format_number(least, 2), "over the whole grid"),
        )
        message = ""
        if undefined.size:
            message = (f"f′ is undefined at a = {format_number(float(undefined[0]), 4)}: no step makes that column "
                       f"converge, and its neighbours converge only once |h| is below their distance to it.")
        caption = (f"{method} quotient in {precision}: log₁₀ |D(a, h) − f′(a)| for every a on screen, "
                   f"h from ±10⁻¹⁶ to ±1")
        return SceneFrame(
            tuple(drawables),
            readouts,
            caption=caption,
            message=message,
            panels=panels,
            layout="below",
            main_size=0.55,
            tables=(column_table(a, field, best, predicted, signed[rows:]),),
            extra={"a": a, "h": signed, "field": field, "best": best, "predicted": predicted, "seconds": seconds,
                   "rows": rows},
        )

    def _panel(self, key: str, title: str, a: np.ndarray, log_error: np.ndarray, best: np.ndarray,
               predicted: np.ndarray, view: View, legend: bool = True) -> Panel:
        drawables: list = heat_map(f"field_{key}", log_error, (float(a[0]), float(a[-1])), (LOG_H_MIN, LOG_H_MAX),
                                   legend=legend)
        with np.errstate(divide="ignore", invalid="ignore"):
            drawables.append(Curve("predicted", a, np.log10(predicted), role="guide", dashed=True, width=2.5,
                                   label="predicted best h*" if legend else ""))
            drawables.append(Curve("best", a, np.log10(best), role="point", width=1.5,
                                   label="measured best h" if legend else ""))
        panel_view = View(view.x_min, view.x_max, LOG_H_MIN - 0.25, LOG_H_MAX + 0.25, pixels=view.pixels)
        return Panel(key, tuple(drawables), panel_view, title=f"log₁₀ error, {title}", x_name="a", y_name="|h|",
                     y_log=True)

    def function_latex(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        f = typed_function(values["f"])
        quotient = (r"\frac{f(a+h) - f(a)}{h}" if values.get("method") == "forward"
                    else r"\frac{f(a+h) - f(a-h)}{2h}")
        return [("f(x)", f.latex), ("D(a, h)", quotient), ("error", r"\log_{10}\left|D(a,h) - f'(a)\right|")]


def _median(values: np.ndarray) -> float | None:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else None


#: colour bands of the heat map: (upper end of log₁₀ error, role, alpha, legend text)
BANDS = (
    (-13.0, "curve", 0.6, "error < 10⁻¹³"),
    (-10.0, "derivative", 0.55, "10⁻¹³ … 10⁻¹⁰"),
    (-7.0, "derivative", 0.25, "10⁻¹⁰ … 10⁻⁷"),
    (-4.0, "secant", 0.35, "10⁻⁷ … 10⁻⁴"),
    (-1.0, "secant", 0.7, "10⁻⁴ … 10⁻¹"),
    (math.inf, "tangent", 0.8, "error > 10⁻¹"),
)
#: the most cells drawn as shaded bands (columns, rows)
BAND_GRID = (160, 81)


def heat_map(key: str, log_error: np.ndarray, x_range: tuple[float, float], y_range: tuple[float, float],
             legend: bool = True) -> list:
    """The field drawn as shaded bands: one translucent region per colour band, made of the
    runs of neighbouring cells in a row that fall in it (on a grid of at most BAND_GRID cells).

    Cells are centred on the grid's points; NaN cells (f′ undefined) stay empty.
    """
    rows, columns = log_error.shape
    row_pick = np.unique(np.linspace(0, rows - 1, min(rows, BAND_GRID[1])).round().astype(int))
    col_pick = np.unique(np.linspace(0, columns - 1, min(columns, BAND_GRID[0])).round().astype(int))
    grid = log_error[np.ix_(row_pick, col_pick)]
    xs = np.linspace(*x_range, columns)[col_pick]
    ys = np.linspace(*y_range, rows)[row_pick]
    x_edges = _edges(xs)
    y_edges = _edges(ys)
    band = np.full(grid.shape, -1)
    lower = -math.inf
    for b, (upper, _, _, _) in enumerate(BANDS):
        band[(grid >= lower) & (grid < upper)] = b
        lower = upper
    out = []
    for b, (_, role, alpha, text) in enumerate(BANDS):
        fx: list[float] = []
        lo: list[float] = []
        hi: list[float] = []
        for r in range(grid.shape[0]):
            inside = np.concatenate([[False], band[r] == b, [False]])
            starts = np.nonzero(inside[1:] & ~inside[:-1])[0]
            ends = np.nonzero(~inside[1:] & inside[:-1])[0]
            for s0, e0 in zip(starts, ends, strict=True):
                fx += [x_edges[s0], x_edges[e0], math.nan]
                lo += [y_edges[r], y_edges[r], math.nan]
                hi += [y_edges[r + 1], y_edges[r + 1], math.nan]
        if fx:
            out.append(Fill(f"{key}_band{b}", np.array(fx), np.array(lo), np.array(hi), role=role, alpha=alpha,
                            label=text if legend else ""))
    return out


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around evenly or unevenly spaced centres: midpoints, and half a cell beyond the ends."""
    if centres.size == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    mid = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[2 * centres[0] - mid[0]], mid, [2 * centres[-1] - mid[-1]]])


def column_table(a: np.ndarray, field: dict[str, np.ndarray], best: np.ndarray, predicted: np.ndarray,
                 h: np.ndarray, count: int = 7) -> Table:
    """A few columns: a, f′(a), the measured best h > 0 with its error, and the predicted h*."""
    picks = np.linspace(0, a.size - 1, count).round().astype(int)
    rows_h = field["error"][-h.size:]
    out = []
    for j in picks:
        column = rows_h[:, j]
        least = float(np.nanmin(column)) if np.isfinite(column).any() else None
        out.append((format_number(float(a[j]), 4), format_number(float(field["exact"][j]), 8),
                    format_number(float(best[j]), 2), format_number(least, 2), format_number(float(predicted[j]), 2)))
    return Table("Best step by column (h > 0)", ("a", "f′(a)", "best h", "least error", "predicted h*"), tuple(out))


def benchmark_rows(backend: Backend, quick: bool = False, repeats: int = 3,
                   text: str = "sin(x)") -> list[dict[str, Any]]:
    """Cells per second of the secant field (central quotient of sin over [−4, 4] × ±[10⁻¹⁶, 1]).

    One row per backend and dtype: the numpy grid (NUMPY_GRID) always, and the GPU grid
    (GPU_GRID) when ``backend`` is the GPU; the median of ``repeats`` runs after a warm-up
    (which compiles the kernel). ``quick`` halves the numpy grid.
    """
    from derivlab.compute.backend import numpy_backend

    f = typed_function(text)
    runs = [(numpy_backend(), NUMPY_GRID if not quick else (NUMPY_GRID[0] // 2, NUMPY_GRID[1]))]
    if backend.is_gpu:
        runs.append((backend, GPU_GRID))
    rows = []
    for chosen, (columns, per_sign) in runs:
        a = column_points(-4.0, 4.0, columns)
        h = np.concatenate([-step_rows(per_sign)[::-1], step_rows(per_sign)])
        for dtype in (np.float32, np.float64):
            secant_field(f, a, h, "central", dtype, chosen)  # warm-up (compiles the kernel on a GPU)
            times = []
            for _ in range(repeats):
                chosen.synchronize()
                start = time.perf_counter()
                secant_field(f, a, h, "central", dtype, chosen)
                chosen.synchronize()
                times.append(time.perf_counter() - start)
            median = float(np.median(times))
            cells = a.size * h.size
            rows.append({"backend": chosen.name, "device": chosen.device, "dtype": np.dtype(dtype).name,
                         "grid": f"{a.size}x{h.size}", "cells": cells, "median_seconds": median,
                         "cells_per_second": cells / median if median > 0 else None})
    return rows


def format_benchmark_rows(rows: list[dict[str, Any]]) -> str:
    """A plain-text table of :func:`benchmark_rows`."""
    lines = [f"{'backend':8} {'dtype':8} {'grid':>10} {'median ms':>10} {'cells/s':>12}"]
    for r in rows:
        lines.append(f"{r['backend']:8} {r['dtype']:8} {r['grid']:>10} {1e3 * r['median_seconds']:>10.2f} "
                     f"{r['cells_per_second']:>12.3e}")
    return "\n".join(lines)
