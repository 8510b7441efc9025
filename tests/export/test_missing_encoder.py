"""A missing video encoder is said in a sentence before anything is drawn or written."""

import av
import pytest

from derivlab.export.video import ExportSettingsError, export_animation
from derivlab.model import parallel_timeline, parse_animate
from derivlab.scenes import get_scene


def test_an_ffmpeg_build_without_x264_gives_a_clear_message_and_no_file(tmp_path, monkeypatch):
    monkeypatch.setattr(av, "codecs_available", set(av.codecs_available) - {"libx264"})
    timeline = parallel_timeline([parse_animate("h=2:0.5:geometric", 1.0)])
    with pytest.raises(ExportSettingsError, match="libx264"):
        export_animation(tmp_path / "clip.mp4", get_scene("secant"), timeline, size=(320, 180), fps=24)
    assert list(tmp_path.iterdir()) == []
