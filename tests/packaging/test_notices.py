"""Third-party notices: generated from what is installed, and shown by the About dialog."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def notices():
    spec = importlib.util.spec_from_file_location("derivlab_notices", ROOT / "packaging" / "notices.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notices_carry_the_licences_of_the_bundled_packages(notices):
    text = notices.render_notices(
        edition="cpu", project_root=ROOT, top_level_names=["PySide6", "numpy", "vispy", "av", "sympy", "derivlab"]
    )
    assert text.startswith("derivlab ")
    assert "MIT License" in text  # derivlab's own licence
    for name in ("PySide6_Essentials", "numpy", "vispy", "av", "sympy"):
        assert name.lower().replace("_", "-") in text.lower().replace("_", "-")
    assert "Qt and Qt for Python" in text and "LGPL-3.0" in text  # the Qt note
    assert "PSF-2.0" in text  # the interpreter
    assert "NVIDIA CUDA" not in text  # only in the GPU edition


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the Linux PyAV wheel's libraries")
def test_ffmpeg_note_is_read_from_the_bundled_library(notices):
    facts = notices.ffmpeg_facts()
    assert "avcodec" in " ".join(facts["libraries"])
    assert "LGPL" in facts["license"] or "GPL" in facts["license"]
    note = "\n".join(notices.ffmpeg_note())
    assert facts["license"] in note
    assert "see the PyAV wheel" not in note, "a bundled codec library has no licence in the table"
    if any("x264" in name for name in facts["libraries"]):
        assert "GNU General Public" in note and "libx264" in note


def test_gpu_notices_name_the_cuda_redistributables(notices):
    pytest.importorskip("cupy", exc_type=ImportError)
    text = notices.render_notices(edition="gpu", project_root=ROOT, top_level_names=["cupy", "nvidia"])
    assert "NVIDIA CUDA redistributables" in text
    assert "https://docs.nvidia.com/cuda/eula/" in text


@pytest.fixture(scope="session")
def screen():
    """Fail with advice, rather than let Qt abort the run, when there is no screen."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        pytest.fail("the About dialog needs a screen: run the tests through scripts/test (it starts Xvfb)")


def test_about_dialog_shows_version_backend_and_notices(screen, qtbot):
    from derivlab import __version__
    from derivlab.compute.backend import numpy_backend
    from derivlab.qt.about import AboutDialog

    dialog = AboutDialog(numpy_backend())
    qtbot.addWidget(dialog)
    assert __version__ in dialog.summary.text()
    assert "Backend: numpy" in dialog.summary.text()
    assert "from source" in dialog.summary.text()
    text = dialog.notices.toPlainText()
    assert "PySide6" in text and "LGPL-3.0" in text
