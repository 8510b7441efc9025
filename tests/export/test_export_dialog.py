"""The export dialog: a video written in slices while the event loop keeps running; Cancel."""

from __future__ import annotations

import av
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QTimer  # noqa: E402

from derivlab.model import View  # noqa: E402
from derivlab.qt.dialogs import ExportFrameDialog, default_animation  # noqa: E402
from derivlab.render.offscreen import use_qt_app  # noqa: E402
from derivlab.scenes import get_scene  # noqa: E402


@pytest.fixture
def dialog(qtbot):
    use_qt_app()
    scene = get_scene("secant")
    state = scene.new_state({"a": 1.3, "h": 0.5})
    d = ExportFrameDialog(scene, state, View(-2.5, 2.5, -4, 4), "light", None)
    qtbot.addWidget(d)
    d.size.setCurrentText("640 × 360 (web preview)")
    d.fps.setValue(24)
    d.duration.setValue(0.5)
    return d


def test_prefilled_with_h_shrinking_geometrically(dialog):
    assert dialog.parameter.currentText() == "h"
    assert (dialog.start_value.text(), dialog.end_value.text(), dialog.easing.currentText()) == ("2", "0.001", "geometric")
    scene = get_scene("secant")
    assert default_animation(scene, scene.new_state({"h": -0.3}))[1:3] == (-2.0, -0.001)


def test_video_export_runs_in_slices_and_the_window_stays_responsive(dialog, qtbot, tmp_path):
    dialog.format.setCurrentText("MP4 video (H.264)")
    dialog.path.setText(str(tmp_path / "clip.mp4"))
    ticks = []
    other = QTimer()
    other.timeout.connect(lambda: ticks.append(1))
    other.start(5)
    dialog.export_button.click()
    assert dialog.cancel_button.text() == "Cancel"
    qtbot.waitUntil(lambda: dialog.job is None, timeout=60_000)
    other.stop()
    assert (tmp_path / "clip.mp4").exists()
    with av.open(str(tmp_path / "clip.mp4")) as container:
        assert sum(1 for _ in container.decode(video=0)) == 12
    assert len(ticks) >= 3  # other events ran between the slices
    assert dialog.progress.value() == 100


def test_cancel_leaves_nothing(dialog, qtbot, tmp_path):
    dialog.format.setCurrentText("GIF animation")
    dialog.path.setText(str(tmp_path / "clip.gif"))
    dialog.duration.setValue(5.0)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=30_000)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=30_000)
    assert "cancelled" in dialog.status.text()
    assert list(tmp_path.iterdir()) == []
    assert dialog.export_button.isEnabled() and dialog.cancel_button.text() == "Close"
