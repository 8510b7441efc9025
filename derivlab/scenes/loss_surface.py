"""The loss landscape of a small sigmoid network, and optimisers rolling down it.

A network (1 or 2 inputs, one or two sigmoid hidden layers) is trained on a seeded
data set to weights θ*. The main plane is a slice of parameter space through θ*:

* two parameters θᵢ, θⱼ, the rest held: θ = θ* + Δθᵢ eᵢ + Δθⱼ eⱼ, or
* two random filter-normalised directions (Li et al., 2018): θ = θ* + α d₁ + β d₂.

The heat map is log₁₀ L over the visible window with contour lines; arrows on a
coarse sub-grid point down the gradient, −(∂L/∂u, ∂L/∂v), computed by
backpropagation; the grid minimum is marked. From a start point (drag it) gradient
descent, momentum and Adam walk the slice, and a panel shows L against the step on a
log axis. The grid is computed by :func:`derivlab.compute.loss_surface.loss_surface`
(a fused CUDA kernel on a GPU, the chunked numpy twin otherwise).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from derivlab.compute.loss_surface import (
    Plane,
    direction_plane,
    loss_surface,
    parameter_plane,
    plane_gradient,
    trajectories,
)
from derivlab.compute.network import (
    DATA_PRESETS,
    Dataset,
    Network,
    loss_and_gradient,
    make_data,
    optimize,
)
from derivlab.model import Parameter, View

from .base import Scene, adam_parameters
from .drawables import (
    Curve,
    Curve3D,
    Heatmap,
    Label,
    Markers,
    Markers3D,
    Panel,
    Readout,
    SceneFrame,
    Surface,
    format_number,
)

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend

PLANES = ("two parameters", "random directions")
#: what the canvas shows: the heat map, the heat map beside a 3D surface, or the 3D surface alone
VIEWS = ("heat map", "heat map + 3D", "3D surface")
OPTIMIZER_CHOICES = ("all three", "gradient descent", "momentum", "adam")
PATH_ROLES = {"gradient descent": "tangent", "momentum": "secant", "adam": "second"}
PATH_LABELS = {"gradient descent": "gradient descent", "momentum": "momentum", "adam": "Adam"}
#: Adam steps of the training run (θ* after train_steps of them)
TRAIN_MAX = 2000
TRAIN_ETA = 0.05
#: loss values below this are drawn at it on the log axes
LOSS_FLOOR = 1e-12


#: the training run is computed in prefixes of this many steps (a prefix of one fixed run)
TRAIN_CHUNK = 500


@lru_cache(maxsize=8)
def training_path(net: Network, data: Dataset, seed: int, length: int = TRAIN_MAX) -> np.ndarray:
    """θ₀ … θ_length of full-batch Adam (η = 0.05, cosine schedule over T = 2000) from the seeded start.

    Every ``length`` gives a prefix of the same run, so θ after t steps does not depend on it.
    """
    theta0 = net.initial(seed)
    schedule = TRAIN_ETA * 0.5 * (1.0 + np.cos(np.pi * np.arange(TRAIN_MAX) / TRAIN_MAX))
    path = optimize(lambda th: loss_and_gradient(net, th, data)[1], theta0, "adam", schedule[:length], length)
    path.flags.writeable = False
    return path


def trained_weights(net: Network, data: Dataset, seed: int, steps: int) -> np.ndarray:
    """θ* after ``steps`` training steps (the last finite iterate if training diverged)."""
    length = min(TRAIN_MAX, -(-max(steps, 1) // TRAIN_CHUNK) * TRAIN_CHUNK)
    path = training_path(net, data, seed, length)
    finite = np.nonzero(np.isfinite(path[: steps + 1]).all(axis=1))[0]
    return path[int(finite[-1])]


def network_for(values: Mapping[str, Any]) -> tuple[Network, Dataset, str]:
    """The data set and network the values describe, and a note when the loss had to change."""
    data = make_data(str(values["data"]), int(values["samples"]), float(values["noise"]), int(values["seed"]))
    hidden = (int(values["hidden"]),) + ((int(values["hidden2"]),) if int(values["hidden2"]) > 0 else ())
    loss_name = "mse" if str(values["loss"]) == "mse" else "cross-entropy"
    note = ""
    if data.task == "regression" and loss_name == "cross-entropy":
        loss_name, note = "mse", "Cross-entropy needs class labels: the regression data use mean squared error."
    return Network(data.inputs, hidden, loss_name, data.task), data, note


def plane_for(values: Mapping[str, Any], net: Network, theta: np.ndarray) -> Plane:
    """The slice the values choose; parameter numbers are 1-based and wrap around P."""
    if str(values["plane"]) == "random directions":
        return direction_plane(net, theta, int(values["seed"]))
    p = net.size
    i = (int(values["first"]) - 1) % p
    j = (int(values["second"]) - 1) % p
    if j == i:
        j = (i + 1) % p
    return parameter_plane(net, theta, i, j)


_PATH_KEYS = ("data", "samples", "noise", "seed", "hidden", "hidden2", "loss", "train_steps", "plane", "first",
              "second", "optimizer", "eta", "steps", "beta", "beta1", "beta2", "u0", "v0")


@lru_cache(maxsize=32)
def optimizer_paths(items: tuple[tuple[str, Any], ...]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The optimisers' paths for these values (cached: panning and zooming do not rerun them)."""
    values = dict(items)
    net, data, _ = network_for(values)
    theta = trained_weights(net, data, int(values["seed"]), min(int(values["train_steps"]), TRAIN_MAX))
    plane = plane_for(values, net, theta)
    chosen = str(values["optimizer"])
    methods = ("gradient descent", "momentum", "adam") if chosen == "all three" else (chosen,)
    start = (float(values["u0"]), float(values["v0"]))
    return trajectories(net, plane, data, start, float(values["eta"]), int(values["steps"]), methods,
                        float(values["beta"]), float(values["beta1"]), float(values["beta2"]))


#: numpy work per frame (grid points × samples × cost per sample, see grid_cells): about 50 ms here
NUMPY_WORK = 8e6


def sample_cost(net: Network, plane: Plane) -> float:
    """Relative numpy cost of one grid point and one sample: 1 for the reduced form (two
    parameters of the last layers), ~1.5 per hidden unit for the one-layer full pass, and
    the multiply-adds / 8 for two hidden layers."""
    from derivlab.compute.loss_surface import reduces

    if reduces(net, plane):
        return 1.0
    if len(net.hidden) == 1:
        return 1.5 * net.hidden[0]
    h1, h2 = net.hidden
    return (h1 * net.inputs + h1 * h2 + h2) / 8.0


def grid_cells(requested: int, net: Network, plane: Plane, data: Dataset, backend: Backend | None) -> tuple[int, str]:
    """The grid size to compute and a note: on the CPU the grid shrinks so one frame stays
    near :data:`NUMPY_WORK`; on a GPU the requested size is kept."""
    from derivlab.compute.backend import get_backend

    if (backend or get_backend()).is_gpu:
        return requested, ""
    limit = int((NUMPY_WORK / (data.samples * sample_cost(net, plane))) ** 0.5)
    cells = max(8, min(requested, limit))
    if cells < requested:
        return cells, f"Grid {cells}×{cells} instead of {requested}×{requested}, so the CPU keeps up (no GPU)."
    return cells, ""


def grid_centres(lo: float, hi: float, cells: int) -> np.ndarray:
    """Centres of ``cells`` equal cells across [lo, hi]."""
    return lo + (np.arange(cells) + 0.5) * (hi - lo) / cells


def arrow_segments(
    x: np.ndarray, y: np.ndarray, dx: np.ndarray, dy: np.ndarray, view: View
) -> tuple[np.ndarray, np.ndarray]:
    """Polylines (NaN-separated) of arrows from (x, y) by (dx, dy), heads 30% long at ±25°.

    The heads are built in view-normalised units so they look symmetric on screen.
    """
    sx, sy = view.width, view.height
    px, py = x / sx, y / sy
    qx, qy = (x + dx) / sx, (y + dy) / sy
    bx, by = px - qx, py - qy
    out_x, out_y = [], []
    for angle in (0.436, -0.436):
        c, s = np.cos(angle), np.sin(angle)
        hx = qx + 0.3 * (c * bx - s * by)
        hy = qy + 0.3 * (s * bx + c * by)
        out_x.append(hx * sx)
        out_y.append(hy * sy)
    nan = np.full_like(x, np.nan)
    xs = np.column_stack([x, x + dx, out_x[0], nan, x + dx, out_x[1], nan]).ravel()
    ys = np.column_stack([y, y + dy, out_y[0], nan, y + dy, out_y[1], nan]).ravel()
    return xs, ys


class LossSurfaceScene(Scene):
    name = "loss-surface"
    title = "Loss surface of a sigmoid network"
    summary = "The loss of a small sigmoid network over a plane of its weights: heat map, contours, gradient arrows and optimisers rolling downhill."
    parameters = (
        Parameter("data", "circle", kind="choice", label="Data", choices=DATA_PRESETS,
                  help="1-D regression of sin(2x) + x/2, or 2-D classes: circle, XOR, blobs, two moons, spiral."),
        Parameter("noise", 0.3, label="Noise", minimum=0.0, maximum=1.0,
                  help="Standard deviation of the noise added to the data."),
        Parameter("samples", 256, kind="integer", symbol="N", label="Samples N", minimum=8, maximum=4096,
                  help="How many data points the loss averages over."),
        Parameter("seed", 0, kind="integer", label="Seed", minimum=0, maximum=9999,
                  help="Seed of the data, the initial weights and the random directions."),
        Parameter("hidden", 8, kind="integer", label="Hidden units", minimum=1, maximum=32,
                  help="Sigmoid units in the first hidden layer."),
        Parameter("hidden2", 0, kind="integer", label="Second layer", minimum=0, maximum=32,
                  help="Units in a second hidden layer (0: one hidden layer)."),
        Parameter("loss", "cross-entropy", kind="choice", label="Loss", choices=("cross-entropy", "mse"),
                  help="Cross-entropy of σ(z), or mean squared error (of z for regression, of σ(z) for classes)."),
        Parameter("train_steps", TRAIN_MAX, kind="integer", symbol="T", label="Training steps", minimum=0,
                  maximum=TRAIN_MAX, help="Adam steps that gave the weights θ* at the centre of the slice."),
        Parameter("plane", "two parameters", kind="choice", label="Slice", choices=PLANES,
                  help="Two chosen parameters with the rest held, or two random filter-normalised directions."),
        Parameter("first", 17, kind="integer", label="Parameter i", minimum=1, maximum=2000,
                  help="Number of the parameter along x (the names are listed beside the canvas)."),
        Parameter("second", 25, kind="integer", label="Parameter j", minimum=1, maximum=2000,
                  help="Number of the parameter along y."),
        Parameter("resolution", 64, kind="integer", label="Grid", minimum=8, maximum=1024,
                  help="Grid points per side of the heat map; small is a quick coarse pass."),
        Parameter("arrows", 12, kind="integer", label="Arrows", minimum=0, maximum=40,
                  help="Gradient arrows per side (0: none)."),
        Parameter("optimizer", "all three", kind="choice", label="Optimiser", choices=OPTIMIZER_CHOICES,
                  help="Which optimisers walk the slice from the start point."),
        Parameter("eta", 0.5, symbol="η", label="Learning rate η", minimum=1e-3, maximum=20.0,
                  help="Step size of the optimisers."),
        Parameter("steps", 100, kind="integer", label="Steps", minimum=1, maximum=1000,
                  help="Optimiser steps."),
        Parameter("beta", 0.9, symbol="β", label="Momentum β", minimum=0.0, maximum=0.999,
                  help="Momentum: m ← βm + ∇L, θ ← θ − ηm."),
        *adam_parameters(),
        Parameter("u0", -1.0, symbol="u₀", label="Start u₀", minimum=-1e3, maximum=1e3,
                  help="Start of the optimisers along x; drag the start point."),
        Parameter("v0", -1.2, symbol="v₀", label="Start v₀", minimum=-1e3, maximum=1e3,
                  help="Start of the optimisers along y; drag the start point."),
        Parameter("view", "heat map + 3D", kind="choice", label="View", choices=VIEWS,
                  help="The heat map, the heat map beside log₁₀ L as a 3D surface, or the surface alone."),
        Parameter("azimuth", -30.0, symbol="φ", label="Azimuth φ", minimum=-360.0, maximum=360.0, unit="°",
                  help="Turn of the 3D view about the vertical axis (0°: looking along +y). Dragging turns it too."),
        Parameter("elevation", 35.0, symbol="ϑ", label="Elevation ϑ", minimum=0.0, maximum=90.0, unit="°",
                  help="Height of the eye above the floor of the 3D view (90°: from straight above)."),
    )
    default_view = View(-2.0, 2.0, -2.0, 2.0)

    COARSE_RESOLUTION = 32

    def coarse_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """A 32² grid first, then the chosen resolution."""
        return {"resolution": self.COARSE_RESOLUTION} if int(values["resolution"]) > self.COARSE_RESOLUTION else {}

    #: trainings and optimiser runs :meth:`prepare` has cached, newest last; fewer than
    #: training_path (8) and optimizer_paths (32) keep, so each one listed is still cached
    _prepared_trainings: list = []
    _prepared_paths: list = []
    #: optimiser work (samples × multiply-adds × steps × optimisers) above which the paths
    #: take more than about a tenth of a second in numpy
    SLOW_PATHS_WORK = 2e7
    #: a coarse frame costing more than this many frames of NUMPY_WORK is computed in the background
    SLOW_COARSE_FRAMES = 2.0

    def slow_work(self, values: Mapping[str, Any]) -> str:
        """Training θ* when it is not cached yet, or optimiser paths too long to run in a frame
        (samples × multiply-adds × steps × optimisers > SLOW_PATHS_WORK) and not cached yet."""
        net, data, _ = network_for(values)
        steps = min(int(values["train_steps"]), TRAIN_MAX)
        length = min(TRAIN_MAX, -(-max(steps, 1) // TRAIN_CHUNK) * TRAIN_CHUNK)  # as trained_weights does
        sizes = "-".join(str(s) for s in net.sizes)
        if (net, data, int(values["seed"]), length) not in self._prepared_trainings:
            return f"Training the {sizes} network ({length} steps) …"
        methods = 3 if str(values["optimizer"]) == "all three" else 1
        macs = sum(a * b for a, b in zip(net.sizes[:-1], net.sizes[1:], strict=True))
        paths_key = tuple(sorted((k, values[k]) for k in _PATH_KEYS))
        if data.samples * macs * int(values["steps"]) * methods > self.SLOW_PATHS_WORK and paths_key not in self._prepared_paths:
            return f"Running the optimisers ({int(values['steps'])} steps) …"
        # the coarse frame itself, in frames of NUMPY_WORK: the grid (at least 8², see grid_cells)
        # and the arrows (at least 3²; backpropagation costs several times a grid point, so
        # samples × multiply-adds per arrow, measured 2–7 ns each here)
        plane = plane_for(values, net, trained_weights(net, data, int(values["seed"]), steps))
        cost = sample_cost(net, plane)
        cells = max(8, min(self.COARSE_RESOLUTION, int(values["resolution"]),
                           int((NUMPY_WORK / (data.samples * cost)) ** 0.5)))
        arrows = min(int(values["arrows"]), max(3, int((5 * NUMPY_WORK / (data.samples * macs)) ** 0.5)))
        frames = data.samples * (cells**2 * cost + arrows**2 * macs) / NUMPY_WORK
        if frames > self.SLOW_COARSE_FRAMES:
            return f"Computing the surface ({data.samples} samples) …"
        return ""

    #: values that change what prepare trains and runs (the rest only changes the picture)
    SLOW_WORK_KEYS = ("data", "samples", "noise", "seed", "hidden", "hidden2", "loss", "train_steps") + _PATH_KEYS

    def slow_work_key(self, values: Mapping[str, Any]) -> Any:
        """The training and the optimiser runs the values ask for: panning, the grid, the
        arrows or the view do not stop a training under way."""
        return tuple(values[k] for k in dict.fromkeys(self.SLOW_WORK_KEYS))

    def prepare(self, values: Mapping[str, Any]) -> None:
        """Train θ* and run the optimisers for these values (both cached for compute)."""
        net, data, _ = network_for(values)
        steps = min(int(values["train_steps"]), TRAIN_MAX)
        length = min(TRAIN_MAX, -(-max(steps, 1) // TRAIN_CHUNK) * TRAIN_CHUNK)
        training_key = (net, data, int(values["seed"]), length)
        trained_weights(net, data, int(values["seed"]), steps)
        if training_key not in self._prepared_trainings:
            self._prepared_trainings[:] = [*self._prepared_trainings[-3:], training_key]
        paths_key = tuple(sorted((k, values[k]) for k in _PATH_KEYS))
        optimizer_paths(paths_key)
        if paths_key not in self._prepared_paths:
            self._prepared_paths[:] = [*self._prepared_paths[-15:], paths_key]

    def animations(self) -> dict[str, dict[str, Any]]:
        return {"train": {"parameter": "train_steps", "start": 0, "end": TRAIN_MAX, "easing": "linear", "duration": 8.0}}

    def linked_values(self, changed: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
        if "data" in changed and changed["data"] == "regression" and values["loss"] != "mse":
            return {"loss": "mse"}
        return {}

    #: parameters that only turn the 3D view's camera
    CAMERA = ("azimuth", "elevation")
    #: (values without the camera, view, backend) of the last frame computed, and the frame
    _last_frame: tuple | None = None

    def compute(self, values: Mapping[str, Any], view: View, backend: Backend | None = None) -> SceneFrame:
        """The frame for ``values``; a change of the camera alone (a turntable animation) reuses
        the last frame's surface, paths and panels, with the new azimuth and elevation."""
        key = (tuple(sorted((k, v) for k, v in values.items() if k not in self.CAMERA)), view, id(backend))
        last = self._last_frame
        if last is not None and last[0] == key:
            frame = last[1]
        else:
            frame = self._compute(values, view, backend)
            self._last_frame = (key, frame)
        camera = (float(values["azimuth"]), float(values["elevation"]))
        if all(p.kind != "3d" or (p.azimuth, p.elevation) == camera for p in frame.panels):
            return frame
        turned = tuple(replace(p, azimuth=camera[0], elevation=camera[1]) if p.kind == "3d" else p for p in frame.panels)
        return replace(frame, panels=turned)

    def _compute(self, values: Mapping[str, Any], view: View, backend: Backend | None = None) -> SceneFrame:
        started = time.perf_counter()
        net, data, note = network_for(values)
        steps_trained = min(int(values["train_steps"]), TRAIN_MAX)
        theta = trained_weights(net, data, int(values["seed"]), steps_trained)
        plane = plane_for(values, net, theta)
        directions = plane.indices is None
        x_name, y_name = ("α", "β") if directions else (f"Δ{plane.names[0]}", f"Δ{plane.names[1]}")

        cells, grid_note = grid_cells(int(values["resolution"]), net, plane, data, backend)
        u = grid_centres(view.x_min, view.x_max, cells)
        v = grid_centres(view.y_min, view.y_max, cells)
        surface = loss_surface(net, plane, data, u, v, np.float32, backend)
        u, v = surface.u, surface.v
        losses = surface.values.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_loss = np.log10(np.maximum(losses, LOSS_FLOOR))
        log_loss[~np.isfinite(losses)] = np.nan
        surface_seconds = time.perf_counter() - started
        drawables: list = [Heatmap("surface", log_loss, (view.x_min, view.x_max), (view.y_min, view.y_max),
                                   colormap="viridis", contours=12)]

        arrows = int(values["arrows"])
        if arrows > 0 and not surface.backend == "cupy":
            # backpropagation at arrows² points: keep it near a frame's work on the CPU
            macs = sum(a * b for a, b in zip(net.sizes[:-1], net.sizes[1:], strict=True))
            arrows = min(arrows, max(3, int((5 * NUMPY_WORK / (data.samples * macs)) ** 0.5)))
        if arrows > 0:
            au = grid_centres(view.x_min, view.x_max, arrows)
            av = grid_centres(view.y_min, view.y_max, arrows)
            uu, vv = np.meshgrid(au, av)
            _, gu, gv = plane_gradient(net, plane, data, uu.ravel(), vv.ravel())
            # −∇L in the plane, drawn with length ∝ √|∇L| (in view-normalised units) so weak
            # slopes still show; the steepest arrow is 0.8 of a sub-grid cell
            dx, dy = -gu, -gv
            length = np.hypot(dx / view.width, dy / view.height)
            longest = float(np.nanmax(length)) if np.isfinite(length).any() else 0.0
            if longest > 0:
                scale = (0.8 / arrows) * np.sqrt(length / longest) / np.maximum(length, 1e-300)
                dx, dy = dx * scale, dy * scale
            ax, ay = arrow_segments(uu.ravel(), vv.ravel(), dx, dy, view)
            drawables.append(Curve("arrows", ax, ay, role="guide", width=1.6, label="−∇L (descent direction)"))

        finite = np.isfinite(losses)
        minimum = None
        if finite.any():
            r, c = np.unravel_index(np.nanargmin(np.where(finite, losses, np.inf)), losses.shape)
            minimum = (float(u[c]), float(v[r]), float(losses[r, c]))

        start = (float(values["u0"]), float(values["v0"]))
        paths = optimizer_paths(tuple(sorted((k, values[k]) for k in _PATH_KEYS)))
        for method, (points, _) in paths.items():
            drawables.append(Curve(f"path_{method}", points[:, 0], points[:, 1], role=PATH_ROLES[method], width=3.0,
                                   label=PATH_LABELS[method]))
            ok = np.nonzero(np.isfinite(points).all(axis=1))[0]
            end = points[ok[-1]]
            drawables.append(Markers(f"end_{method}", end[:1], end[1:], role=PATH_ROLES[method], size=11.0))
        drawables.append(Markers("theta_hat", np.array([0.0]), np.array([0.0]), role="guide", size=10.0))
        drawables.append(Label("label_theta_hat", "θ*", 0.0, 0.0, role="text", offset=(-8, 8), anchor=("right", "top")))
        if minimum is not None:
            drawables.append(Markers("minimum", np.array([minimum[0]]), np.array([minimum[1]]), role="derivative",
                                     size=16.0))
            drawables.append(Label("label_minimum", "grid min", minimum[0], minimum[1], role="derivative",
                                   offset=(10, -10), anchor=("left", "bottom")))
        drawables.append(Markers("start", np.array([start[0]]), np.array([start[1]]), role="point", size=16.0,
                                 draggable=("u0", "v0")))
        drawables.append(Label("label_start", "start", start[0], start[1], role="point", offset=(10, -10),
                               anchor=("left", "bottom")))

        loss_hat = float(loss_and_gradient(net, theta, data)[0])
        lowest = min([loss_hat] + ([minimum[2]] if minimum else []) + [float(np.nanmin(p[1])) for p in paths.values() if np.isfinite(p[1]).any()])
        panel = self._loss_panel(paths, int(values["steps"]), lowest)
        shown = str(values["view"])
        panels: tuple[Panel, ...] = (panel,)
        layout, main_size = "right", 1.4
        if shown != "heat map":
            surface_panel = self._surface_panel(drawables[0], paths, minimum, loss_hat, view, x_name, y_name,
                                                float(values["azimuth"]), float(values["elevation"]))
            if shown == "3D surface":
                panels, main_size = (surface_panel, panel), 0.0
            else:
                panels, layout, main_size = (surface_panel, panel), "right column", 1.2
        readouts = [
            Readout("L(θ*)", loss_hat, format_number(loss_hat, 5), "loss at the trained weights (the centre)"),
        ]
        if minimum is not None:
            readouts.append(Readout("grid min", minimum[2], format_number(minimum[2], 5),
                                    f"smallest loss on the grid, at ({format_number(minimum[0], 3)}, {format_number(minimum[1], 3)})",
                                    role="derivative"))
        for method, (_, path_losses) in paths.items():
            ok = np.isfinite(path_losses)
            last = float(path_losses[ok][-1]) if ok.any() else None
            readouts.append(Readout(f"L, {PATH_LABELS[method]}", last, format_number(last, 5),
                                    "loss at the optimiser's last step", role=PATH_ROLES[method]))
        if directions:
            slice_text = "θ = θ* + α d₁ + β d₂ (filter-normalised random directions)"
        else:
            slice_text = f"θ = θ* + Δ{plane.names[0]} e_{plane.names[0]} + Δ{plane.names[1]} e_{plane.names[1]}, the other {net.size - 2} held"
        sizes = "-".join(str(s) for s in net.sizes)
        caption = (f"log₁₀ L over {slice_text};  {sizes} sigmoid network, {net.loss}, {data.samples} samples "
                   f"({data.preset});  {len(u)}×{len(v)} grid on {surface.backend}")
        message = " ".join(m for m in (note, grid_note, surface.message) if m)
        return SceneFrame(
            tuple(drawables),
            tuple(readouts),
            caption=caption,
            message=message,
            panels=panels,
            layout=layout,
            main_size=main_size,
            x_name=x_name,
            y_name=y_name,
            extra={
                "network": net, "data": data, "theta": theta, "plane": plane, "surface": surface,
                "minimum": minimum, "paths": paths, "surface_seconds": surface_seconds,
                "parameter_names": net.parameter_names(),
            },
        )

    @staticmethod
    def _surface_panel(
        heat: Heatmap,
        paths: dict[str, tuple[np.ndarray, np.ndarray]],
        minimum: tuple[float, float, float] | None,
        loss_hat: float,
        view: View,
        x_name: str,
        y_name: str,
        azimuth: float,
        elevation: float,
    ) -> Panel:
        """log₁₀ L over the window as a 3D surface: the heat map's own values as heights, the
        optimisers' paths at height log₁₀ L(θₜ), and θ*, the grid minimum and the start.

        Path points outside the window are left out (the box is the window)."""
        drawables: list = [Surface("surface3d", heat.values, heat.x_range, heat.y_range, colormap=heat.colormap,
                                   contours=heat.contours, clim=heat.clim)]

        def height(loss_value):
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.log10(np.maximum(np.asarray(loss_value, dtype=np.float64), LOSS_FLOOR))

        def inside(u, v):
            return (u >= view.x_min) & (u <= view.x_max) & (v >= view.y_min) & (v <= view.y_max)

        for method, (points, losses) in paths.items():
            u, v = points[:, 0].astype(np.float64), points[:, 1].astype(np.float64)
            z = height(losses)
            z[~(np.isfinite(losses) & inside(u, v))] = np.nan
            drawables.append(Curve3D(f"path3d_{method}", u, v, z, role=PATH_ROLES[method], width=3.0,
                                     label=PATH_LABELS[method]))
        if inside(0.0, 0.0):
            drawables.append(Markers3D("theta_hat3d", np.array([0.0]), np.array([0.0]), height([loss_hat]),
                                       role="guide", size=10.0))
        if minimum is not None:
            drawables.append(Markers3D("minimum3d", np.array([minimum[0]]), np.array([minimum[1]]),
                                       height([minimum[2]]), role="derivative", size=16.0, label="grid min"))
        first = next(iter(paths.values()), None)
        if first is not None and np.isfinite(first[1][0]) and inside(first[0][0, 0], first[0][0, 1]):
            drawables.append(Markers3D("start3d", first[0][:1, 0], first[0][:1, 1], height(first[1][:1]),
                                       role="point", size=16.0, label="start"))
        return Panel("surface3d", tuple(drawables), view, title="log₁₀ L as a surface (drag to turn)",
                     x_name=x_name, y_name=y_name, kind="3d", z_name="log₁₀ L", azimuth=azimuth,
                     elevation=elevation, size=1.5)

    @staticmethod
    def _loss_panel(paths: dict[str, tuple[np.ndarray, np.ndarray]], steps: int, lowest: float) -> Panel:
        """L(θₜ) − Lₘᵢₙ against t on a log axis, Lₘᵢₙ the lowest loss seen (grid, paths, θ*)."""
        drawables: list = []
        lows, highs = [], []
        for method, (_, losses) in paths.items():
            t = np.arange(losses.size, dtype=np.float64)
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.log10(np.maximum(losses - lowest, LOSS_FLOOR * max(abs(lowest), 1.0)))
            y[~np.isfinite(losses)] = np.nan
            drawables.append(Curve(f"loss_{method}", t, y, role=PATH_ROLES[method], width=2.5,
                                   label=PATH_LABELS[method]))
            if np.isfinite(y).any():
                lows.append(float(np.nanmin(y)))
                highs.append(float(np.nanmax(y)))
        lo = min(lows) if lows else -1.0
        hi = max(highs) if highs else 0.0
        if hi - lo < 1.0:  # at least a decade around the data, so the log axis has a labelled tick
            middle = 0.5 * (lo + hi)
            lo, hi = middle - 0.5, middle + 0.5
        pad = 0.08 * (hi - lo)
        view = View(-0.5, steps + 0.5, lo - pad, hi + 3 * pad)
        return Panel("loss", tuple(drawables), view, title="Loss above the lowest seen, per step",
                     x_name="t", y_name="L(θₜ) − Lₘᵢₙ", y_log=True, size=1.0)
