"""The command-line contract: scenes, diff --json, export, bad input."""

import json
import os
import subprocess
import sys

import pytest

from derivlab.cli import _glue_numbers, main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_scenes_lists_names_and_titles(capsys):
    code, out, _ = run(capsys, "scenes")
    assert code == 0 and out.startswith("secant") and "Secant to tangent" in out


def test_diff_json_has_the_documented_fields(capsys):
    code, out, _ = run(capsys, "diff", "x^3 - 3x", "--at", "-1.5e-3", "--order", "2", "--h", "0.1", "-0.1", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["expr"] == "x**3 - 3*x"
    assert data["derivatives"] == ["3*x**2 - 3", "6*x"]
    assert set(data["latex"]) == {"f", "derivatives"} and len(data["latex"]["derivatives"]) == 2
    x = -1.5e-3
    assert data["at"] == x
    assert data["values"] == pytest.approx([x**3 - 3 * x, 3 * x**2 - 3, 6 * x])
    assert data["one_sided"]["left"] == pytest.approx(3 * x**2 - 3, rel=1e-6)
    assert data["classification"] == "differentiable"
    first = data["secants"][0]
    assert first["h"] == 0.1
    f = lambda t: t**3 - 3 * t  # noqa: E731
    assert first["forward"] == pytest.approx((f(x + 0.1) - f(x)) / 0.1)
    assert first["backward"] == pytest.approx((f(x) - f(x - 0.1)) / 0.1)
    assert first["central"] == pytest.approx((f(x + 0.1) - f(x - 0.1)) / 0.2)
    assert data["secants"][1]["h"] == -0.1


def test_diff_of_a_corner_reports_one_sided_limits(capsys):
    code, out, _ = run(capsys, "diff", "|x|", "--at", "0", "--json")
    data = json.loads(out)
    assert code == 0 and data["classification"] == "corner"
    assert data["one_sided"] == {"left": -1.0, "right": 1.0}
    assert data["values"][1] is None


def test_diff_of_a_cusp_reports_infinite_one_sided_limits(capsys):
    code, out, _ = run(capsys, "diff", "x^(2/3)", "--at", "0", "--json")
    data = json.loads(out)
    assert data["classification"] == "cusp"
    assert data["one_sided"] == {"left": "-inf", "right": "inf"}


@pytest.mark.parametrize(
    "argv",
    [
        ("diff", "sin(x"),
        ("diff", "__import__('os')"),
        ("diff", "x^2", "--order", "7"),
        ("diff", "x^2", "--at", "abc"),
        ("diff", "x^2", "--h", "0.1"),
        ("export", "nosuchscene", "-o", "x.png"),
        ("export", "secant", "-o", "x.png", "--set", "h=0"),
        ("export", "secant", "-o", "x.png", "--size", "huge"),
        ("--scene", "secant", "--set", "f=sin("),
        ("diff",),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("derivlab: ")


def test_negative_numbers_are_values():
    assert _glue_numbers(["diff", "x", "--at", "-1.5e-3", "--h", "-1", "2", "--json"]) == [
        "diff", "x", "--at=-1.5e-3", "--h=-1", "--h=2", "--json",
    ]


def test_export_command_writes_a_png(tmp_path):
    out = tmp_path / "out.png"
    env = dict(os.environ)
    result = subprocess.run(
        [sys.executable, "-m", "derivlab", "export", "secant", "-o", str(out), "--size", "640x360", "--set", "h=0.01"],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert result.returncode == 0, result.stderr
    from PIL import Image

    with Image.open(out) as image:
        assert image.size == (640, 360)


def test_export_works_without_any_screen(tmp_path):
    out = tmp_path / "headless.png"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run(
        [sys.executable, "-m", "derivlab", "export", "secant", "-o", str(out), "--size", "320x180"],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 1000


def test_the_program_exits_with_mains_status_after_freezing_the_heap(monkeypatch):
    import gc

    import derivlab.cli as cli

    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(cli._PROGRAM))
    monkeypatch.setattr(cli, "main", lambda argv=None: 3)
    monkeypatch.setattr(cli, "_PROGRAM", False)
    with pytest.raises(SystemExit) as stop:
        cli.run()
    assert stop.value.code == 3
    assert frozen == [True]  # once, on the way out, as the program


def test_a_video_export_through_the_program_writes_its_frames(tmp_path):
    # python -m derivlab goes through run(): the heap is frozen before the frames, and the
    # video is still whole
    out = tmp_path / "clip.mp4"
    result = subprocess.run(
        [sys.executable, "-m", "derivlab", "export", "secant", "-o", str(out), "--size", "320x180", "--fps", "24",
         "--duration", "0.5", "--animate", "h=1:0.01:geometric"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    import av

    with av.open(str(out)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 12
