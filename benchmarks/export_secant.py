"""Export speed on the peer clip: secant to tangent, 300 frames of 1920×1080 at 60 fps, H.264.

The clip is the one the peers were measured on: f(x) = x³ − 3x on
[−2.5, 2.5] × [−4, 4], a = 1.3, h = 2·(0.0005)^(i/299) for frames i = 0…299
(h from 2 to exactly 0.001), 5 s at 60 fps, H.264 yuv420p at crf 23, with a
readout of h and the secant slope. derivlab writes it with its own command
line, in a fresh process each run, as the peers were timed:

    derivlab export secant -o secant.mp4 --size 1920x1080 --fps 60 --duration 5 \\
        --animate h=2:0.001:geometric --set 'f=x^3-3x' --set a=1.3 \\
        --view=-2.5:2.5:-4:4 --quality 23 --preset ultrafast

It prints wall time (median of the timed runs, after one warm-up run), frames
a second, peak RSS of the process, the ratio to the peer figures, the preset,
and the machine. It asserts nothing.

With ``--peers`` it also times the peers' own scripts in the same run, for a
same-machine ratio; ``--peers`` alone (or ``--peers all``) means every peer,
``--peers matplotlib`` or ``--peers manim`` one of them, ``--peers
matplotlib,manim`` both. Each peer gets a virtual environment of its own,
made on first use (``--matplotlib-venv``, ``--manim-venv``; by default in the
temporary folder) and kept for later runs:

- matplotlib: matplotlib and imageio-ffmpeg, timing
  ``benchmarks/peers/mpl_secant.py`` (FuncAnimation and FFMpegWriter).
- Manim CE: manim, whose pycairo and ManimPango are built from source, so the
  Cairo and Pango development files, pkg-config and a C compiler are needed;
  where apt-get exists, the missing Debian packages are installed first (with
  sudo unless root). It times ``manim -qh --fps 60 --media_dir media
  benchmarks/peers/manim_secant.py SecantToTangent`` (the Cairo renderer),
  each run in a fresh empty folder, so that manim's caches (partial movies,
  the SVGs of its Text) are cold.

Each peer gets one warm-up run and then as many timed runs as derivlab, and
its video is probed as derivlab's is.

    python benchmarks/export_secant.py [--runs 3] [--preset ultrafast] [--peers [matplotlib,manim]]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Peer figures from bench/peers/RESULTS.md in the shared benchmark folder (measured 2026-11-21 on
# a 2-core, no-GPU Debian 12 machine; median wall seconds and peak RSS of 3 runs, x264 preset medium).
PEER_MATPLOTLIB_S = 12.93
PEER_MATPLOTLIB_RSS_MB = 507
PEER_MANIM_CAIRO_S = 15.34
PEER_MANIM_CAIRO_RSS_MB = 574

FRAMES = 300
SIZE = (1920, 1080)
FPS = 60


def derivlab_command(out: Path, preset: str) -> list[str]:
    return [
        sys.executable, "-m", "derivlab", "export", "secant", "-o", str(out),
        "--size", f"{SIZE[0]}x{SIZE[1]}", "--fps", str(FPS), "--duration", "5",
        "--animate", "h=2:0.001:geometric", "--set", "f=x^3-3x", "--set", "a=1.3",
        "--view=-2.5:2.5:-4:4", "--quality", "23", "--preset", preset,
    ]


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one command, from its own resource usage.

    CPU seconds (user + system, children included) say how much work was done
    whatever else runs on a shared machine; wall seconds say how long it took.
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    stderr = process.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{stderr}")
    # ru_maxrss of wait4 is this process's (or its largest child's: matplotlib's ffmpeg) peak, in kB
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def probe(path: Path) -> str:
    """Codec, size, fps, pixel format and decoded frame count of a video."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(video=0))
        return (f"{stream.codec_context.name} {stream.codec_context.profile}, {stream.width}x{stream.height}, "
                f"{stream.codec_context.pix_fmt}, {float(stream.average_rate):g} fps, {frames} frames decoded, "
                f"{path.stat().st_size:,} bytes")


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",) * 3
    return (f"{platform.system()} {platform.release()}, {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
            f"Python {platform.python_version()}, load average {load[0]:.2f} at start")


def gl_renderer() -> str:
    code = ("from derivlab.render.offscreen import OffscreenRenderer\nfrom derivlab.scenes import get_scene\n"
            "r = OffscreenRenderer(get_scene('secant'), (64, 64)); i = r.canvas.gl_info(); r.close()\n"
            "print(i['renderer'], '/', i['version'])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return result.stdout.strip() or result.stderr.strip().splitlines()[-1]


def peer_python(folder: Path) -> Path:
    """A virtual environment with matplotlib and imageio-ffmpeg (the peer's own), made once."""
    python = folder / "bin" / "python"
    if not python.exists():
        print(f"installing matplotlib and imageio-ffmpeg into {folder} …", flush=True)
        venv.create(folder, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "matplotlib", "imageio-ffmpeg", "numpy"], check=True)
    return python


# What pip needs to build manim's pycairo and ManimPango, which have no Linux wheels
MANIM_DEBIAN_PACKAGES = ["libcairo2-dev", "libpango1.0-dev", "pkg-config", "gcc"]


def missing_debian_packages(names: list[str]) -> list[str]:
    if shutil.which("dpkg-query") is None:
        return []
    missing = []
    for name in names:
        result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True)
        if "install ok installed" not in result.stdout:
            missing.append(name)
    return missing


def install_debian_packages(names: list[str], why: str) -> None:
    """Install those of the Debian packages that are missing, through apt-get (sudo unless root)."""
    missing = missing_debian_packages(names)
    if not missing:
        return
    if shutil.which("apt-get") is None:
        print(f"no apt-get here: {why} needs {', '.join(missing)} (or the same libraries by other names)", flush=True)
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print(f"installing Debian packages for {why}: {' '.join(missing)} …", flush=True)
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run([*sudo, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq",
                    "--no-install-recommends", *missing], check=True, stdout=subprocess.DEVNULL)


def manim_command(folder: Path) -> Path:
    """The manim command of a virtual environment with Manim CE, made once (Debian packages first)."""
    manim = folder / "bin" / "manim"
    if not manim.exists():
        install_debian_packages(MANIM_DEBIAN_PACKAGES, "pycairo and ManimPango")
        print(f"installing manim into {folder} (pycairo and ManimPango build from source) …", flush=True)
        venv.create(folder, with_pip=True)
        subprocess.run([str(folder / "bin" / "python"), "-m", "pip", "install", "-q", "manim"], check=True)
    return manim


def versions(python: str, modules: list[str]) -> str:
    code = "import importlib\n" + "".join(
        f"m = importlib.import_module('{m}'); print('{m}', getattr(m, '__version__', getattr(m, 'version', '?')))\n"
        for m in modules
    )
    result = subprocess.run([python, "-c", code], capture_output=True, text=True)
    return ", ".join(result.stdout.split("\n")).strip(", ")


PEERS = ("matplotlib", "manim")


def peer_names(text: str) -> list[str]:
    """``all`` or a comma-separated choice of PEERS, in the order given."""
    if text.strip().lower() in ("", "all"):
        return list(PEERS)
    aliases = {"mpl": "matplotlib", "manim-ce": "manim", "manimce": "manim"}
    names: list[str] = []
    for name in (n.strip().lower() for n in text.split(",")):
        name = aliases.get(name, name)
        if name not in PEERS:
            raise argparse.ArgumentTypeError(f"unknown peer {name!r}: choose from all, {', '.join(PEERS)}")
        if name not in names:
            names.append(name)
    return names


LARGEST = " (largest process)"


def time_runs(label: str, command: list[str], runs: int, folder: Path, note: str = "",
              before_each=None) -> tuple[float, float, float, Path]:
    """Median wall and CPU seconds and the largest peak RSS of a command's timed runs (after one
    warm-up), each run in a new empty folder under ``folder``; and that last folder.
    ``before_each`` is called before every run (to remove the last run's output, say)."""
    walls, cpus, rss = [], [], []
    for run in range(runs + 1):
        if before_each is not None:
            before_each()
        cwd = Path(tempfile.mkdtemp(prefix=f"{label.split()[0].lower()}-{run}-", dir=folder))
        wall, cpu, peak = timed(command, cwd)
        name = "warm-up" if run == 0 else f"run {run}"
        print(f"  {label} {name}: {wall:.2f} s wall, {cpu:.2f} s CPU, {peak:.0f} MB{note}")
        if run:
            walls.append(wall)
            cpus.append(cpu)
            rss.append(peak)
    return statistics.median(walls), statistics.median(cpus), max(rss), cwd


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs after one warm-up (default 3)")
    parser.add_argument("--preset", default="ultrafast", help="x264 preset for derivlab (default ultrafast, derivlab's own default)")
    parser.add_argument("--peers", nargs="?", const="all", default=[], type=peer_names, metavar="PEER[,PEER]",
                        help=f"also time the peers in this run: all (the default when no list is given) or "
                             f"a comma-separated choice of {', '.join(PEERS)}")
    parser.add_argument("--matplotlib-venv", "--peer-venv", dest="matplotlib_venv", type=Path,
                        default=Path(tempfile.gettempdir()) / "derivlab-bench-peers",
                        help="where matplotlib's virtual environment goes")
    parser.add_argument("--manim-venv", type=Path, default=Path(tempfile.gettempdir()) / "derivlab-bench-manim",
                        help="where Manim CE's virtual environment goes")
    parser.add_argument("--keep", type=Path, help="copy derivlab's last video here")
    args = parser.parse_args()

    # as an installed derivlab would be: its modules compiled to bytecode (an editable install
    # where Python writes no bytecode would compile them at every start)
    import compileall

    import derivlab

    compileall.compile_dir(str(Path(derivlab.__file__).parent), quiet=1)
    print(f"machine: {machine()}")
    print(f"OpenGL: {gl_renderer()}")
    print(f"derivlab: {versions(sys.executable, ['derivlab', 'vispy', 'av', 'numpy'])}")
    print(f"clip: {FRAMES} frames {SIZE[0]}x{SIZE[1]} at {FPS} fps, H.264 yuv420p crf 23, preset {args.preset}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        out = work / "secant.mp4"
        median, median_cpu, peak_rss, _ = time_runs("derivlab", derivlab_command(out, args.preset), args.runs, work,
                                                    before_each=lambda: out.unlink(missing_ok=True))
        print(f"  output: {probe(out)}")
        if args.keep:
            args.keep.write_bytes(out.read_bytes())

        print(f"derivlab: median wall {median:.2f} s ({FRAMES / median:.1f} frames/s, "
              f"{median / 5:.2f}× real time), median CPU {median_cpu:.2f} s, "
              f"peak RSS {peak_rss:.0f} MB (one process: the encoder runs in it)")
        print(f"  vs matplotlib (RESULTS.md, {PEER_MATPLOTLIB_S} s, {PEER_MATPLOTLIB_RSS_MB} MB): "
              f"{PEER_MATPLOTLIB_S / median:.2f}× faster")
        print(f"  vs Manim CE Cairo (RESULTS.md, {PEER_MANIM_CAIRO_S} s, {PEER_MANIM_CAIRO_RSS_MB} MB): "
              f"{PEER_MANIM_CAIRO_S / median:.2f}× faster")

        summaries = []
        if "matplotlib" in args.peers:
            python = peer_python(args.matplotlib_venv)
            print(f"matplotlib peer: {versions(str(python), ['matplotlib', 'imageio_ffmpeg', 'numpy'])}")
            mpl_out = work / "mpl.mp4"
            mpl = time_runs("matplotlib", [str(python), str(HERE / "peers" / "mpl_secant.py"), str(mpl_out)],
                            args.runs, work, LARGEST)
            print(f"  output: {probe(mpl_out)}")
            summaries.append(("matplotlib", mpl))
        if "manim" in args.peers:
            manim = manim_command(args.manim_venv)
            print(f"Manim CE peer: {versions(str(manim.parent / 'python'), ['manim', 'manimpango', 'cairo', 'av', 'numpy'])}")
            # the Cairo renderer at -qh (1920x1080), 60 fps; media/ goes in the run's own empty folder
            command = [str(manim), "-qh", "--fps", str(FPS), "--media_dir", "media",
                       str(HERE / "peers" / "manim_secant.py"), "SecantToTangent"]
            manim_figures = time_runs("Manim CE", command, args.runs, work, LARGEST)
            videos = sorted((manim_figures[3] / "media" / "videos").rglob("SecantToTangent.mp4"))
            if len(videos) != 1:
                raise SystemExit(f"manim wrote {len(videos)} SecantToTangent.mp4 under {manim_figures[3]}")
            print(f"  output: {probe(videos[0])}")
            summaries.append(("Manim CE Cairo", manim_figures))
        for name, (peer_wall, peer_cpu, peer_rss, _) in summaries:
            print(f"{name} (same machine, same run): median wall {peer_wall:.2f} s, CPU {peer_cpu:.2f} s, "
                  f"peak RSS {peer_rss:.0f} MB; derivlab is {peer_wall / median:.2f}× faster in wall time, "
                  f"uses {median_cpu / peer_cpu:.2f}× the CPU time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
