"""The Linux CPU edition, built and installed into a temporary root, run as a lecturer would.

``packaging/build.sh cpu`` freezes derivlab with PyInstaller and packs the .deb
(zstd here to keep CI quick; releases use xz); ``dpkg-deb -x`` unpacks it into a
temporary root; the frozen binary then runs ``selftest --screenshot`` and a short
MP4 export on the test session's screen (scripts/test starts Xvfb), and its
OpenGL check is made to fail for real to see the dialog instead of a crash.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT_S = 900

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the .deb is built and tested on Linux only"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the CPU edition's folder and .deb once for this module: (dist folder, .deb path)."""
    if shutil.which("dpkg-deb") is None:
        pytest.fail("dpkg-deb is needed to build and unpack the .deb (apt-get install dpkg)")
    pytest.importorskip("PyInstaller", reason="PyInstaller comes with the test extra: pip install -e .[test]")
    base = tmp_path_factory.mktemp("build")
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "DERIVLAB_DIST": str(base / "dist"),
        "DERIVLAB_WORK": str(base / "work"),
        "DERIVLAB_FORMATS": "deb",
        "DERIVLAB_DEB_COMPRESSION": "zstd",
    }
    result = subprocess.run(
        ["bash", str(ROOT / "packaging" / "build.sh"), "cpu"],
        env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
    )
    assert result.returncode == 0, f"build.sh failed:\n{result.stdout[-4000:]}\n{result.stderr[-8000:]}"
    debs = sorted((base / "dist").glob("derivlab_*.deb"))
    assert len(debs) == 1, f"expected one .deb, found {debs}"
    return base / "dist" / "cpu" / "derivlab", debs[0]


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory):
    """The .deb unpacked into a temporary root (as dpkg would install it, without the scripts)."""
    _, deb = built
    root = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True, timeout=300)
    return root


@pytest.fixture(scope="module")
def app(installed):
    binary = installed / "opt" / "derivlab" / "derivlab"
    assert binary.is_file() and os.access(binary, os.X_OK)
    return binary


def _needs_screen():
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        pytest.fail("the frozen app's window needs a screen: run the tests through scripts/test (it starts Xvfb)")


def _run(app, *args, cwd, timeout=300, env=None):
    return subprocess.run([str(app), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def test_deb_control_names_the_package_and_its_real_dependencies(built):
    _, deb = built
    fields = subprocess.run(["dpkg-deb", "-f", str(deb)], capture_output=True, text=True, check=True).stdout
    assert "Package: derivlab\n" in fields
    assert "Conflicts: derivlab-gpu" in fields
    assert "Depends: libc6 (>= 2." in fields and "libgl1" in fields
    assert "Installed-Size: " in fields
    contents = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    assert "root/root" in contents and "./opt/derivlab/derivlab" in contents


def test_deb_installs_menu_entry_icons_and_lesson_type(installed):
    link = installed / "usr" / "bin" / "derivlab"
    assert link.is_symlink() and os.readlink(link) == "/opt/derivlab/derivlab"
    applications = installed / "usr/share/applications"
    desktop = (applications / "derivlab.desktop").read_text(encoding="utf-8")
    for line in ("Type=Application", "Exec=derivlab\n", "Icon=derivlab", "Categories=Education;"):
        assert line in desktop
    lesson = (applications / "derivlab-lesson.desktop").read_text(encoding="utf-8")
    for line in ("Exec=derivlab --lesson %f", "NoDisplay=true", "MimeType=application/x-derivlab-lesson;"):
        assert line in lesson
    for size in (16, 32, 48, 64, 128, 256, 512):
        assert (installed / f"usr/share/icons/hicolor/{size}x{size}/apps/derivlab.png").is_file()
    mime = (installed / "usr/share/mime/packages/derivlab.xml").read_text(encoding="utf-8")
    assert 'type="application/x-derivlab-lesson"' in mime and 'pattern="*.derivlab.toml"' in mime
    if shutil.which("desktop-file-validate"):
        for name in ("derivlab.desktop", "derivlab-lesson.desktop"):
            subprocess.run(["desktop-file-validate", str(applications / name)], check=True)


def test_bundle_carries_data_and_notices_and_leaves_out_what_is_not_used(installed):
    top = installed / "opt" / "derivlab"
    internal = top / "_internal"
    for needed in ("shaders/cuda/evaluate.cu", "assets/icons/derivlab.png", "vispy/glsl",
                   "matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf", "matplotlib/mpl-data/fonts/ttf/STIXGeneral.ttf",
                   "matplotlib/mpl-data/matplotlibrc", "THIRD_PARTY_NOTICES.txt", "EDITION"):
        assert (internal / needed).exists(), needed
    assert (internal / "EDITION").read_text().strip() == "cpu"
    notices = (top / "THIRD_PARTY_NOTICES.txt").read_text(encoding="utf-8")
    for words in ("CPU edition", "Qt and Qt for Python", "FFmpeg reports its own licence", "PSF-2.0", "numpy", "vispy"):
        assert words in notices
    for absent in ("cupy", "cupy_backends", "nvidia", "fastrlock", "PySide6/Qt/translations", "PySide6/Qt/qml",
                   "tkinter", "matplotlib/mpl-data/sample_data"):
        assert not (internal / absent).exists(), f"{absent} should not ship in the CPU edition"
    libs = {p.name for p in internal.iterdir()}
    assert not any(n.startswith(("libstdc++", "libgcc_s", "libgtk", "libcairo")) for n in libs)
    assert "pytest " not in notices, "test tools must not ship"
    dangling = [p for p in internal.rglob("*") if p.is_symlink() and not p.exists()]
    assert not dangling


def test_frozen_selftest_draws_the_scene_and_saves_a_screenshot(app, tmp_path):
    _needs_screen()
    from PIL import Image

    from derivlab.render.themes import get_theme

    shot = tmp_path / "shot.png"
    result = _run(app, "selftest", "--screenshot", str(shot), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "selftest passed" in result.stdout
    assert "backend: numpy" in result.stdout
    assert "GL version:" in result.stdout
    with Image.open(shot) as image:
        assert image.format == "PNG"
        assert image.width >= 800 and image.height >= 600
        pixels = np.asarray(image.convert("RGB"), dtype=float)
    assert pixels.std() > 10, "the screenshot is blank"
    theme = get_theme("light")
    for role in ("curve", "secant", "tangent"):
        hex_colour = theme.color(role)
        rgb = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
        matching = int((np.linalg.norm(pixels - rgb, axis=-1) < 40).sum())
        assert matching > 200, f"the {role} colour {hex_colour} hardly appears in the screenshot ({matching} pixels)"


def test_frozen_export_writes_an_h264_mp4(app, tmp_path):
    _needs_screen()
    import av

    video = tmp_path / "secant.mp4"
    result = _run(app, "export", "secant", "-o", str(video), "--size", "320x240", "--fps", "24",
                  "--duration", "1", "--animate", "h=2:0.001:geometric", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.codec_context.width, stream.codec_context.height) == (320, 240)
        assert stream.average_rate == 24
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    assert len(frames) == 24
    assert not np.array_equal(frames[0], frames[-1]), "the animation of h did not change the picture"


def test_frozen_png_export(app, tmp_path):
    _needs_screen()
    from PIL import Image

    frame = tmp_path / "frame.png"
    result = _run(app, "export", "secant", "-o", str(frame), "--size", "640x360", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    with Image.open(frame) as image:
        assert image.size == (640, 360)


def test_frozen_app_opens_a_bundled_sample_lesson(app, installed, tmp_path):
    _needs_screen()
    from PIL import Image

    lessons = sorted((installed / "opt/derivlab/_internal/assets/lessons").glob("*.derivlab.toml"))
    assert lessons, "the sample lessons are not bundled"
    picture = tmp_path / "lesson.png"
    result = _run(app, "present", str(lessons[0]), "--screenshot", str(picture), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    with Image.open(picture) as image:
        assert np.asarray(image.convert("RGB"), dtype=float).std() > 10


def test_frozen_app_without_opengl_shows_the_dialog_instead_of_crashing(app, tmp_path):
    """Qt's xcb plugin without GLX/EGL: no OpenGL context can be made, as on a bare VM."""
    _needs_screen()
    proc = subprocess.Popen([str(app)], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "QT_XCB_GL_INTEGRATION": "none", "QT_QPA_PLATFORM": "xcb"})
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()
    seen = []
    try:
        while True:
            try:
                line = lines.get(timeout=60)
            except queue.Empty:
                pytest.fail("the frozen app said nothing about OpenGL within 60 s:\n" + "".join(seen))
            seen.append(line)
            if "LIBGL_ALWAYS_SOFTWARE" in line:  # the last line of the advice on Linux
                break
        text = "".join(seen)
        assert "derivlab cannot draw: no OpenGL context could be created" in text
        assert "3D acceleration" in text and "LIBGL_ALWAYS_SOFTWARE=1" in text
        # The dialog is waiting for OK; the process is alive, or has already ended with code 3.
        assert proc.poll() in (None, 3)
    finally:
        proc.kill()
        proc.wait(timeout=30)
