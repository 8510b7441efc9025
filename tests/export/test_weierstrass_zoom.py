"""The shipped zoom timeline takes the Weierstrass scene from its full window down to 1e-9."""

import json
import subprocess
import sys

import av
import numpy as np

from derivlab.model.timeline import Timeline
from derivlab.model.view import View
from derivlab.resources import asset_path


def test_zoom_timeline_reaches_a_window_1e_9_wide():
    data = json.loads(asset_path("timelines", "weierstrass-zoom.json").read_text())
    timeline = Timeline.from_dict(data)
    start = View(-2, 2, -1, 3)
    end = timeline.view_at(timeline.duration, start)
    assert end.width == 1e-9 and (end.x_min + end.x_max) / 2 == 0
    widths = [timeline.view_at(t, start).width for t in np.linspace(1, 9, 9)]
    assert all(a > b for a, b in zip(widths, widths[1:], strict=False))  # ever deeper


def test_zoom_video_exports(tmp_path):
    out = tmp_path / "zoom.mp4"
    result = subprocess.run(
        [sys.executable, "-m", "derivlab", "export", "weierstrass", "-o", str(out), "--size", "320x180", "--fps", "24",
         "--timeline", str(asset_path("timelines", "weierstrass-zoom.json")), "--set", "a=0.9", "--set", "b=7", "--set", "N=40"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    with av.open(str(out)) as container:
        frames = list(container.decode(video=0))
    assert len(frames) == 240
    first, last = frames[0].to_ndarray(format="rgb24"), frames[-1].to_ndarray(format="rgb24")
    assert first.std() > 5 and last.std() > 5 and not np.array_equal(first, last)
