"""derivlab's command line.

    derivlab [--scene NAME] [--set name=value ...] [--theme THEME]   open the app
    derivlab scenes                                                   list the scenes
    derivlab diff EXPR [--at X] [--order N] [--h H ...] [--json]      exact derivatives
    derivlab export SCENE -o FILE.png [--size WxH] [--set ...]        write a frame
    derivlab export SCENE -o FILE.mp4 --duration S --animate h=2:0.001:geometric   a video
    derivlab selftest [--screenshot FILE]                             check the real window
    derivlab bench [--backend numpy|cupy] [--json]                    print speed figures

Bad input ends with exit code 2 and one line on stderr naming the problem.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

COMMANDS = ("gui", "scenes", "diff", "export", "selftest", "bench", "present")
NUMBER_OPTIONS = ("--at", "--h", "--order")


class UsageError(Exception):
    """Input a person gave that derivlab cannot use; exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _glue_numbers(argv: Sequence[str]) -> list[str]:
    """Write ``--at -1.5e-3`` as ``--at=-1.5e-3`` so that negative numbers are values, not options.

    ``--h`` takes several numbers: each becomes its own ``--h=value``.
    """
    out: list[str] = []
    i = 0
    while i < len(argv):
        token = argv[i]
        if token in NUMBER_OPTIONS:
            values = []
            j = i + 1
            while j < len(argv) and _looks_numeric(argv[j]) and (token == "--h" or not values):
                values.append(argv[j])
                j += 1
            if values:
                out.extend(f"{token}={v}" for v in values)
                i = j
                continue
        out.append(token)
        i += 1
    return out


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace("−", "-"))
    except ValueError:
        return text.lower().lstrip("-") in ("inf", "nan", "pi", "e")
    return True


def _assignments(pairs: Sequence[str] | None) -> dict[str, str]:
    from derivlab.model import ParameterError, parse_assignment

    values: dict[str, str] = {}
    for pair in pairs or ():
        try:
            name, value = parse_assignment(pair)
        except ParameterError as exc:
            raise UsageError(str(exc)) from None
        values[name] = value
    return values


def _checked_values(scene_name: str, pairs: Sequence[str] | None) -> tuple[Any, dict[str, Any]]:
    from derivlab.model import ParameterError
    from derivlab.scenes import get_scene

    try:
        scene = get_scene(scene_name)
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    values = _assignments(pairs)
    try:
        state = scene.new_state(values)
    except ParameterError as exc:
        raise UsageError(str(exc)) from None
    return scene, {k: state[k] for k in values}


def _gui_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="derivlab", description="Make derivatives visible.")
    p.add_argument("--scene", default=None, help="scene to open (see 'derivlab scenes'); default: the last one")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="set a scene parameter")
    p.add_argument("--theme", default=None, help="light, dark, projector or projector-light")
    p.add_argument("--fresh", action="store_true", help="start from defaults, not the remembered session")
    p.add_argument("--lesson", help="open a lesson file (.derivlab.toml)")
    p.add_argument("--present", action="store_true", help="start in presentation mode (full screen)")
    return p


def _command_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="derivlab")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("scenes", help="list scene names and titles")

    d = sub.add_parser("diff", help="exact derivatives of an expression")
    d.add_argument("expr")
    d.add_argument("--at", type=str, help="evaluate at this x")
    d.add_argument("--order", type=int, default=1, help="highest derivative order, 1 to 4")
    d.add_argument("--h", action="append", type=str, help="steps for difference quotients")
    d.add_argument("--json", action="store_true")

    e = sub.add_parser("export", help="write a frame, a PNG sequence, or a video (MP4, WebM, GIF) of a scene")
    e.add_argument("scene")
    e.add_argument("-o", "--output", required=True,
                   help="FILE.png (a frame; a folder of frames when animated), FOLDER/, FILE.mp4, .webm or .gif")
    e.add_argument("--size", default="1920x1080")
    e.add_argument("--set", action="append", metavar="NAME=VALUE")
    e.add_argument("--theme", default="light")
    e.add_argument("--view", help="x_min:x_max:y_min:y_max (default: the scene's view)")
    e.add_argument("--fps", type=str, default="60", help="frames a second, 24 to 120 (GIF: at most 50)")
    e.add_argument("--duration", type=str, help="seconds of animation")
    e.add_argument("--animate", action="append", metavar="NAME=START:END[:EASING][@SECONDS]",
                   help="animate a parameter: easing linear, geometric or ease-in-out; several run together")
    e.add_argument("--timeline", metavar="FILE", help="a timeline saved as JSON or TOML")
    e.add_argument("--quality", type=str, help="crf: H.264 0-51 (default 23), VP9 0-63 (default 32); lower is better")
    e.add_argument("--preset", help="x264 preset, ultrafast … veryslow (default ultrafast: fastest and most faithful, larger files; medium or slower for small files)")
    e.add_argument("--transparent", action="store_true", help="PNG only: background alpha 0")

    s = sub.add_parser("selftest", help="open the real window and check what it draws")
    s.add_argument("--screenshot", help="save a screenshot of the window as PNG")

    pr = sub.add_parser("present", help="open a lesson in presentation mode (or screenshot it)")
    pr.add_argument("lesson")
    pr.add_argument("--step", type=int, default=1, help="step to show (1-based)")
    pr.add_argument("--theme", default="projector", help="projector or projector-light")
    pr.add_argument("--screenshot", help="save the full-screen picture as PNG and exit")

    b = sub.add_parser("bench", help="print speed figures")
    b.add_argument("--backend", choices=("numpy", "cupy"), default=None)
    b.add_argument("--json", action="store_true")
    b.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    return p


def _number(text: str, what: str) -> float:
    from derivlab.model import ParameterError, parse_number

    try:
        return parse_number(text)
    except ParameterError as exc:
        raise UsageError(f"{what}: {exc}") from None


def _json_number(value: float | None) -> float | str | None:
    if value is None:
        return None
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def command_diff(args: argparse.Namespace) -> int:
    from derivlab.compute.finite_diff import (
        backward_difference,
        central_difference,
        forward_difference,
    )
    from derivlab.expr import ExpressionError, Function, classify_differentiability

    if not 1 <= args.order <= 4:
        raise UsageError(f"--order must be 1, 2, 3 or 4; got {args.order}")
    try:
        f = Function.from_text(args.expr)
    except ExpressionError as exc:
        raise UsageError(f"expression: {exc}") from None
    result: dict[str, Any] = {
        "expr": f.text,
        "derivatives": [f.derivative_text(n) for n in range(1, args.order + 1)],
        "latex": {"f": f.latex, "derivatives": [f.derivative_latex(n) for n in range(1, args.order + 1)]},
    }
    at = None
    if args.at is not None:
        at = _number(args.at, "--at")
        result["at"] = at
        values = []
        for n in range(0, args.order + 1):
            v = f.value(at, n)
            values.append(None if v is None or not math.isfinite(v) else v)
        result["values"] = values
        verdict = classify_differentiability(f, at)
        result["one_sided"] = {"left": _json_number(verdict.left), "right": _json_number(verdict.right)}
        result["classification"] = verdict.classification
    if args.h:
        if at is None:
            raise UsageError("--h needs --at: the point the difference quotients are taken at")
        g = f.numpy(0)
        secants = []
        for text in args.h:
            h = _number(text, "--h")
            if h == 0:
                raise UsageError("--h: a step of 0 has no difference quotient")
            secants.append(
                {
                    "h": h,
                    "forward": _json_number(float(forward_difference(g, at, h))),
                    "backward": _json_number(float(backward_difference(g, at, h))),
                    "central": _json_number(float(central_difference(g, at, h))),
                }
            )
        result["secants"] = secants
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"f(x) = {result['expr']}")
    for n, text in enumerate(result["derivatives"], start=1):
        print(f"f{'′' * n if n <= 3 else '⁽⁴⁾'}(x) = {text}")
    if at is not None:
        for n, v in enumerate(result["values"]):
            name = "f" + ("′" * n if n <= 3 else "⁽⁴⁾")
            print(f"{name}({at:g}) = {'undefined' if v is None else repr(v)}")
        print(f"one-sided limits of (f(a+h) − f(a))/h: left {result['one_sided']['left']}, right {result['one_sided']['right']}")
        print(f"at x = {at:g}: {result['classification'].replace('_', ' ')}")
    for s in result.get("secants", []):
        print(f"h = {s['h']:g}: forward {s['forward']}, backward {s['backward']}, central {s['central']}")
    return 0


def command_scenes(args: argparse.Namespace) -> int:
    from derivlab.scenes import SCENES

    width = max(len(n) for n in SCENES)
    for name, scene in SCENES.items():
        print(f"{name:<{width}}  {scene.title} — {scene.summary}")
    return 0


def command_export(args: argparse.Namespace) -> int:
    """Write a frame (PNG) or an animation (PNG sequence, MP4, WebM, GIF).

    Exit 2 for input that cannot be used, 1 for an export that failed (a line
    on stderr says why; nothing is left half written), 0 when written.
    """
    from derivlab.export.atomic import ExportError
    from derivlab.export.frames import export_png
    from derivlab.export.video import AnimationExport, ExportSettingsError, format_for_path
    from derivlab.model import (
        ParameterError,
        Timeline,
        TimelineError,
        View,
        parallel_timeline,
        parse_animate,
    )
    from derivlab.render.offscreen import RenderUnavailable, parse_size, prefer_headless
    from derivlab.render.themes import THEMES

    if _PROGRAM:
        # A process that only exports needs no window: EGL starts sooner than Qt where both
        # exist. (Where main() is called as a function, the caller may want Qt later.)
        prefer_headless()
    scene, values = _checked_values(args.scene, args.set)
    try:
        size = parse_size(args.size)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.theme not in THEMES:
        raise UsageError(f"no theme called '{args.theme}'; themes: {', '.join(THEMES)}")
    view = None
    if args.view:
        try:
            x0, x1, y0, y1 = (float(v) for v in args.view.split(":"))
            view = View(x0, x1, y0, y1, size[0])
        except ValueError:
            raise UsageError(f"--view '{args.view}' is not x_min:x_max:y_min:y_max with x_min < x_max, y_min < y_max") from None
    fps = _number(args.fps, "--fps")
    duration = _number(args.duration, "--duration") if args.duration is not None else None
    if duration is not None and duration <= 0:
        raise UsageError(f"--duration must be more than 0 seconds; got {duration:g}")
    quality = None
    if args.quality is not None:
        q = _number(args.quality, "--quality")
        if q != int(q):
            raise UsageError(f"--quality must be a whole number; got {q:g}")
        quality = int(q)
    try:
        if args.timeline:
            timeline = _load_timeline(args.timeline, Timeline)
            if args.animate:
                raise UsageError("give either --timeline or --animate, not both")
        else:
            animations = [parse_animate(spec, duration) for spec in args.animate or ()]
            timeline = parallel_timeline(animations, duration)
    except (TimelineError, ParameterError) as exc:
        raise UsageError(str(exc)) from None
    animated = bool(timeline.steps)
    try:
        fmt = format_for_path(args.output, animated)
    except ExportSettingsError as exc:
        raise UsageError(str(exc)) from None
    if fmt != "png" and not animated:
        raise UsageError(f"'{args.output}' is an animation: add --duration SECONDS (and --animate NAME=START:END)")
    if fmt == "png":
        try:
            path = export_png(args.output, scene, values, size, args.theme, view, transparent=args.transparent)
        except (ExportError, RenderUnavailable) as exc:
            print(f"derivlab: export failed: {exc}", file=sys.stderr)
            return 1
        print(f"wrote {path} ({size[0]}x{size[1]})", file=sys.stderr)
        return 0
    progress = _ProgressLine(sys.stderr)
    try:
        job = AnimationExport(
            args.output, scene, timeline, values, size=size, fps=fps, theme=args.theme, view=view,
            format=fmt, quality=quality, preset=args.preset, transparent=args.transparent,
            progress=progress,
        )
    except (ExportSettingsError, TimelineError, ParameterError) as exc:
        raise UsageError(str(exc)) from None
    for note in job.notes:
        print(f"derivlab: note: {note}", file=sys.stderr)
    if _PROGRAM:
        # What exists now (modules, sympy, VisPy) lives until the program ends: the garbage
        # collector's full passes during the frames need not walk it again.
        gc.freeze()
    try:
        path = job.run()
    except (ExportError, RenderUnavailable) as exc:
        progress.end()
        print(f"derivlab: export failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        progress.end()
        print("derivlab: export interrupted; nothing was written", file=sys.stderr)
        return 130
    progress.end()
    width, height = job.plan.size
    print(f"wrote {path} ({job.frames_total} frames, {width}x{height}, {job.plan.fps:g} fps, "
          f"{job.elapsed:.1f} s)", file=sys.stderr)
    return 0


def _load_timeline(path: str, timeline_type):
    """A timeline from a JSON or TOML file (``{"steps": [...]}``)."""
    from pathlib import Path

    from derivlab.model import TimelineError

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--timeline: cannot read {path}: {exc.strerror or exc}") from None
    try:
        if path.lower().endswith(".toml"):
            import tomllib

            data = tomllib.loads(text)
        else:
            data = json.loads(text)
    except ImportError:
        raise UsageError("--timeline: TOML needs Python 3.11 or later; use JSON") from None
    except ValueError as exc:
        raise UsageError(f"--timeline: {path} is not valid: {exc}") from None
    try:
        return timeline_type.from_dict(data)
    except TimelineError as exc:
        raise UsageError(f"--timeline: {exc}") from None


class _ProgressLine:
    """Export progress on stderr: one line redrawn in place on a terminal, a line every 10 % otherwise."""

    def __init__(self, stream):
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.last_tenth = -1
        self.drawn = False

    def __call__(self, p) -> None:
        left = "…" if p.remaining is None else f"{p.remaining:.1f} s left"
        text = f"frame {p.frames_done}/{p.frames_total} ({100 * p.fraction:3.0f} %), {p.elapsed:.1f} s, {left}"
        if self.tty:
            self.stream.write("\r" + text + "\033[K")
            self.stream.flush()
            self.drawn = True
            return
        tenth = int(10 * p.fraction)
        if tenth != self.last_tenth:
            self.last_tenth = tenth
            self.stream.write(text + "\n")
            self.stream.flush()

    def end(self) -> None:
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.drawn = False


def command_selftest(args: argparse.Namespace) -> int:
    from derivlab.qt.selftest import run_selftest

    return run_selftest(screenshot=args.screenshot)


def command_present(args: argparse.Namespace) -> int:
    from derivlab.render.themes import THEMES

    if not Path(args.lesson).is_file():
        raise UsageError(f"no lesson file at {args.lesson}")
    if args.theme not in THEMES:
        raise UsageError(f"no theme called '{args.theme}'; themes: {', '.join(THEMES)}")
    if args.screenshot:
        from derivlab.qt.screenshot import present_screenshot

        return present_screenshot(args.lesson, args.screenshot, step=args.step, theme=args.theme)
    from derivlab.qt.app import run_gui

    return run_gui(None, {}, theme=args.theme, restore=False, lesson=args.lesson, present=True)


def command_bench(args: argparse.Namespace) -> int:
    from derivlab.qt.bench import run_bench

    return run_bench(backend=args.backend, as_json=args.json, quick=args.quick)


def run() -> NoReturn:
    """The ``derivlab`` program (command, ``python -m derivlab``, the installed app): :func:`main`, then exit.

    Before the interpreter shuts down, every object is put out of the cyclic
    garbage collector's sight (``gc.freeze``): its last collections would walk the
    whole heap (sympy's, VisPy's and the scene's objects), 0.1–0.2 s after an
    export, to free memory the process is about to hand back anyway. Exit
    handlers still run and files are still flushed.
    """
    global _PROGRAM
    _PROGRAM = True
    code = main()
    gc.freeze()
    sys.exit(code)


#: True in the derivlab program (:func:`run`); False where :func:`main` is called as a function
_PROGRAM = False


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS[1:]:
            args = _command_parser().parse_args(_glue_numbers(argv))
            handler = {
                "scenes": command_scenes,
                "diff": command_diff,
                "export": command_export,
                "selftest": command_selftest,
                "bench": command_bench,
                "present": command_present,
            }[args.command]
            return handler(args)
        if argv and argv[0] == "gui":
            argv = argv[1:]
        args = _gui_parser().parse_args(argv)
        scene, values = _checked_values(args.scene or "secant", args.set)
        from derivlab.render.themes import THEMES

        if args.theme is not None and args.theme not in THEMES:
            raise UsageError(f"no theme called '{args.theme}'; themes: {', '.join(THEMES)}")
        from derivlab.qt.app import run_gui

        if args.lesson and not Path(args.lesson).is_file():
            raise UsageError(f"no lesson file at {args.lesson}")
        return run_gui(
            scene.name if args.scene or args.set else None,
            values,
            theme=args.theme,
            restore=not args.fresh,
            lesson=args.lesson,
            present=args.present,
        )
    except UsageError as exc:
        print(f"derivlab: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
