"""Animation export: decoded files checked by metadata and by pixels where the secant point must be.

The clip: f(x) = x³ − 3x on [−2.5, 2.5] × [−4, 4], a = −1.5, h from 1 to 0.01
geometrically; the secant point (a + h, f(a + h)) slides along the curve to a.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
import time

import av
import numpy as np
import pytest
from PIL import Image

from derivlab.export.atomic import ExportError
from derivlab.export.frames import export_png, key_out_background
from derivlab.export.video import (
    AnimationExport,
    EncoderThread,
    ExportCancelled,
    ExportSettingsError,
    VideoEncoder,
    format_for_path,
    plan_export,
)
from derivlab.model import Timeline, TimelineError, parallel_timeline, parse_animate
from derivlab.scenes import get_scene

SCENE = get_scene("secant")
VALUES = {"f": "x^3 - 3x", "a": -1.5}
A = -1.5
H0, H1 = 1.0, 0.01
VIEW = (-2.5, 2.5, -4.0, 4.0)


def f(x: float) -> float:
    return x**3 - 3 * x


def clip(frames: int = 12, fps: int = 24) -> Timeline:
    """``frames`` frames at ``fps``: h(i) = H0·(H1/H0)^(i/(frames − 1))."""
    duration = frames / fps
    return parallel_timeline([parse_animate(f"h={H0}:{H1}:geometric", duration)], duration)


def h_of_frame(i: int, frames: int = 12) -> float:
    return H0 * (H1 / H0) ** (i / (frames - 1))


def pixel_of(x: float, y: float, size: tuple[int, int]) -> tuple[int, int]:
    """(row, column) of the plane's point (x, y): the plot fills the frame."""
    x0, x1, y0, y1 = VIEW
    w, h = size
    return int((y1 - y) / (y1 - y0) * h), int((x - x0) / (x1 - x0) * w)


def secant_orange_near(rgb: np.ndarray, x: float, y: float, radius: int = 3) -> bool:
    """Whether the secant colour (Okabe–Ito orange #E69F00, not the tangent's vermillion
    #D55E00) is within ``radius`` pixels of (x, y); loose enough for 4:2:0 video."""
    row, col = pixel_of(x, y, (rgb.shape[1], rgb.shape[0]))
    patch = rgb[max(0, row - radius): row + radius + 1, max(0, col - radius): col + radius + 1].astype(float)
    r, g, b = patch[..., 0], patch[..., 1], patch[..., 2]
    return bool(np.any((r > 150) & (r - b > 90) & (g > 0.55 * r) & (g < 0.85 * r)))


def decode(path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def run_export(path, frames=12, fps=24, size=(640, 360), **options):
    return AnimationExport(path, SCENE, clip(frames, fps), VALUES, size=size, fps=fps, **options).run()


def test_mp4_metadata_and_the_secant_point_moving_to_a(tmp_path):
    # 720p: markers and lines wide enough to keep their colour through 4:2:0 chroma subsampling
    path = run_export(tmp_path / "secant.mp4", size=(1280, 720))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secant.mp4"]
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert (stream.width, stream.height) == (1280, 720)
        assert stream.average_rate == 24
    frames = decode(path)
    assert len(frames) == 12
    for i in (0, 6, 11):
        h = h_of_frame(i)
        assert secant_orange_near(frames[i], A + h, f(A + h)), f"frame {i}: no secant point at a + h"
    # the first frame's point has left by the last frame (only the blue curve is there now)
    assert not secant_orange_near(frames[11], A + H0, f(A + H0))
    assert not secant_orange_near(frames[0], A + h_of_frame(6), f(A + h_of_frame(6)), radius=1)


def test_gif_frames_and_size(tmp_path):
    path = run_export(tmp_path / "secant.gif", size=(320, 180))
    with av.open(str(path)) as container:
        assert container.streams.video[0].codec_context.name == "gif"
    frames = decode(path)
    assert len(frames) == 12 and frames[0].shape == (180, 320, 3)
    assert secant_orange_near(frames[11], A + H1, f(A + H1))


def test_gif_fps_is_capped_at_50_with_a_note():
    plan = plan_export("gif", (320, 180), 60)
    assert plan.fps == 50 and "at most 50" in plan.notes[0]


@pytest.mark.skipif("libvpx-vp9" not in av.codecs_available, reason="this FFmpeg build has no VP9 encoder")
def test_webm_frames_and_size(tmp_path):
    path = run_export(tmp_path / "secant.webm", size=(320, 180))
    with av.open(str(path)) as container:
        assert container.streams.video[0].codec_context.name == "vp9"
    frames = decode(path)
    assert len(frames) == 12 and frames[0].shape == (180, 320, 3)


def test_png_sequence_in_a_folder(tmp_path):
    folder = run_export(tmp_path / "frames/", size=(320, 180), transparent=True)
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 12 and names[0] == "frames_00000.png" and names[-1] == "frames_00011.png"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["frames"]  # no temporary folder left
    with Image.open(folder / names[-1]) as image:
        assert image.mode == "RGBA" and image.size == (320, 180)
        rgba = np.asarray(image)
    assert (rgba[..., 3] == 0).mean() > 0.3  # the background is transparent
    assert secant_orange_near(rgba[..., :3] * (rgba[..., 3:] > 0), A + H1, f(A + H1))


def test_png_path_with_an_animation_is_a_sequence(tmp_path):
    assert format_for_path(tmp_path / "clip.png", animated=True) == "png-sequence"
    assert format_for_path(tmp_path / "clip.png", animated=False) == "png"
    assert format_for_path("out/", animated=True) == "png-sequence"
    folder = run_export(tmp_path / "clip.png", frames=3, size=(64, 36))
    assert folder == tmp_path / "clip" and len(list(folder.iterdir())) == 3


def test_a_sequence_never_overwrites_a_folder_with_files(tmp_path):
    (tmp_path / "frames").mkdir()
    (tmp_path / "frames" / "keep.txt").write_text("mine")
    with pytest.raises(ExportError, match="already holds files"):
        run_export(tmp_path / "frames/", frames=2, size=(64, 36))
    assert [p.name for p in (tmp_path / "frames").iterdir()] == ["keep.txt"]


def test_odd_sizes_are_rounded_to_even_for_h264(tmp_path):
    plan = plan_export("mp4", (641, 361), 30)
    assert plan.size == (640, 360) and "even" in plan.notes[0]
    assert plan_export("gif", (641, 361), 30).size == (641, 361)
    job = AnimationExport(tmp_path / "odd.mp4", SCENE, clip(3), VALUES, size=(99, 57), fps=24)
    job.run()
    with av.open(str(tmp_path / "odd.mp4")) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (98, 56)


@pytest.mark.parametrize(
    "args,message",
    [
        (("mp4", (640, 360), 10), "between 24 and 120"),
        (("mp4", (640, 360), 200), "between 24 and 120"),
        (("mp4", (640, 360), 30, 60), "between 0 .best. and 51"),
        (("gif", (640, 360), 30, 20), "no quality"),
        (("mp4", (640, 360), 30, None, "ludicrous"), "preset must be one of"),
        (("mp4", (640, 360), 30, None, None, True), "only as PNG"),
    ],
)
def test_settings_that_cannot_be_exported(args, message):
    with pytest.raises(ExportSettingsError, match=message):
        plan_export(*args)


def test_unknown_suffix_is_refused():
    with pytest.raises(ExportSettingsError, match="cannot tell the format"):
        format_for_path("clip.avi", animated=True)


def test_a_refused_value_stops_before_any_file(tmp_path):
    timeline = parallel_timeline([parse_animate("h=1:-1", 1)])
    with pytest.raises(TimelineError, match="refused"):
        AnimationExport(tmp_path / "x.mp4", SCENE, timeline, VALUES, size=(64, 36), fps=24)
    assert list(tmp_path.iterdir()) == []


class SlowEncoder:
    """An encoder that holds each frame until released: stands for x264 falling behind."""

    def __init__(self):
        self.release = threading.Event()
        self.frames = 0

    def write(self, image):
        self.release.wait(5)
        self.frames += 1

    def finish(self):
        pass

    def close(self):
        pass


def test_the_renderer_waits_when_the_encoder_is_slow():
    """Memory stays flat: at most ``maxsize`` frames wait in the queue, then put() blocks."""
    encoder = SlowEncoder()
    thread = EncoderThread(encoder, maxsize=4)
    frame = np.zeros((4, 4, 4), np.uint8)
    for _ in range(5):  # one taken by the encoder, four queued
        thread.put(frame)
    deadline = time.monotonic() + 2
    while thread.queue.qsize() != 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    blocked = threading.Thread(target=thread.put, args=(frame,))
    blocked.start()
    blocked.join(0.3)
    assert blocked.is_alive(), "put() returned although the queue was full"
    assert thread.queue.qsize() == 4
    encoder.release.set()
    blocked.join(2)
    assert not blocked.is_alive()
    thread.finish()
    assert encoder.frames == 6


def test_cancel_leaves_no_file_and_keeps_an_old_one(tmp_path):
    target = tmp_path / "secant.mp4"
    target.write_bytes(b"last week's video")
    seen = []

    def progress(p):
        seen.append(p)
        return p.frames_done < 3  # False: cancel

    with pytest.raises(ExportCancelled, match="cancelled"):
        run_export(target, size=(64, 36), progress=progress)
    assert target.read_bytes() == b"last week's video"
    assert [p.name for p in tmp_path.iterdir()] == ["secant.mp4"]
    assert seen[-1].frames_done == 3 and seen[-1].frames_total == 12
    assert seen[-1].remaining is not None and seen[-1].remaining >= 0


def test_cancel_from_another_thread_with_an_event(tmp_path):
    cancel = threading.Event()
    job = AnimationExport(tmp_path / "secant.gif", SCENE, clip(), VALUES, size=(64, 36), fps=24, cancel=cancel)
    job.start()
    job.step()
    threading.Thread(target=cancel.set).start()
    with pytest.raises(ExportCancelled):
        while not job.step():
            pass
    assert list(tmp_path.iterdir()) == []


def test_full_disk_leaves_no_file_and_says_so(tmp_path, monkeypatch):
    def full(self, packets):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(VideoEncoder, "mux", full)
    with pytest.raises(ExportError, match="disk is full"):
        run_export(tmp_path / "secant.mp4", size=(64, 36))
    assert list(tmp_path.iterdir()) == []


def test_full_disk_while_writing_frames_of_a_sequence(tmp_path, monkeypatch):
    real_save = Image.Image.save
    calls = []

    def save(self, fp, *args, **kwargs):
        calls.append(fp)
        if len(calls) > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, fp, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "save", save)
    with pytest.raises(ExportError, match="disk is full"):
        run_export(tmp_path / "frames/", size=(64, 36))
    assert list(tmp_path.iterdir()) == []


def test_encoder_failure_leaves_no_file_and_says_so(tmp_path, monkeypatch):
    def broken(self, image):
        raise av.error.ValueError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(VideoEncoder, "write", broken)
    with pytest.raises(ExportError, match="encoder failed"):
        run_export(tmp_path / "secant.mp4", size=(64, 36))
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_says_so(tmp_path, monkeypatch):
    # Simulated: the suite runs as root, where a read-only folder is still writable.
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    with pytest.raises(ExportError, match="no permission to write"):
        run_export(tmp_path / "secant.mp4", size=(64, 36))
    with pytest.raises(ExportError, match="no permission to write"):
        run_export(tmp_path / "frames/", size=(64, 36))
    assert list(tmp_path.iterdir()) == []


def test_key_out_background_recovers_colour_and_alpha():
    rng = np.random.default_rng(7)
    color = rng.integers(0, 256, (8, 8, 3)).astype(float)
    alpha = rng.random((8, 8, 1))
    on_black = np.rint(alpha * color).astype(np.uint8)
    on_white = np.rint(alpha * color + (1 - alpha) * 255).astype(np.uint8)
    rgba = key_out_background(on_black, on_white)
    assert np.abs(rgba[..., 3] - alpha[..., 0] * 255).max() <= 1.5
    solid = alpha[..., 0] > 0.5
    assert np.abs(rgba[..., :3][solid] - color[solid]).max() <= 3


def test_transparent_4k_frame(tmp_path):
    path = export_png(tmp_path / "frame.png", SCENE, {**VALUES, "h": 0.5}, size=(3840, 2160), theme="dark",
                      transparent=True)
    with Image.open(path) as image:
        assert image.size == (3840, 2160) and image.mode == "RGBA"
        rgba = np.asarray(image)
    assert rgba[..., 3].min() == 0 and rgba[..., 3].max() == 255
    assert secant_orange_near(rgba[..., :3], A + 0.5, f(A + 0.5), radius=6)


def test_cli_writes_an_mp4(tmp_path):
    out = tmp_path / "clip.mp4"
    result = subprocess.run(
        [sys.executable, "-m", "derivlab", "export", "secant", "-o", str(out), "--size", "320x180",
         "--fps", "24", "--duration", "0.5", "--animate", "h=1:0.01:geometric", "--set", "f=x^3-3x",
         "--set", "a=-1.5", "--theme", "projector", "--quality", "28"],
        capture_output=True, text=True, timeout=120, env=dict(os.environ),
    )
    assert result.returncode == 0, result.stderr
    assert "frame 12/12" in result.stderr and "wrote" in result.stderr
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.width, stream.height) == ("h264", 320, 180)
    assert len(decode(out)) == 12


@pytest.mark.parametrize(
    "extra,message",
    [
        (["-o", "x.mp4"], "--duration"),
        (["-o", "x.mp4", "--duration", "1", "--animate", "h=2:0"], "refused|same sign|size between"),
        (["-o", "x.mp4", "--duration", "1", "--fps", "5"], "between 24 and 120"),
        (["-o", "x.avi", "--duration", "1"], "cannot tell the format"),
        (["-o", "x.mp4", "--duration", "1", "--transparent"], "only as PNG"),
        (["-o", "x.mp4", "--duration", "1", "--animate", "zz=1:2"], "no such parameter"),
    ],
)
def test_cli_bad_export_input_exits_2(capsys, tmp_path, extra, message):
    from derivlab.cli import main

    os.chdir(tmp_path)
    code = main(["export", "secant", *extra])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert __import__("re").search(message, err), err


def test_mp4_with_yuv_made_by_the_graphics_card(tmp_path):
    # the path a hardware GPU takes (forced here on software OpenGL): same metadata, same pixels
    path = run_export(tmp_path / "gpu.mp4", size=(1280, 720), convert_on_gpu=True)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.pix_fmt == "yuv420p" and (stream.width, stream.height) == (1280, 720)
    frames = decode(path)
    assert len(frames) == 12
    for i in (0, 6, 11):
        h = h_of_frame(i)
        assert secant_orange_near(frames[i], A + h, f(A + h)), f"frame {i}: no secant point at a + h"
    cpu = decode(run_export(tmp_path / "cpu.mp4", size=(1280, 720), convert_on_gpu=False))
    # the two conversions agree to within video noise
    assert np.abs(frames[6].astype(int) - cpu[6].astype(int)).mean() < 1.0


def test_gpu_yuv_is_off_where_it_does_not_fit(tmp_path):
    job = AnimationExport(tmp_path / "odd.mp4", SCENE, clip(2), VALUES, size=(854, 480), fps=24, convert_on_gpu=True)
    job.start()
    try:
        assert job._gpu_yuv is False  # 854 is not a multiple of 8: swscale converts
    finally:
        job.abort()
    assert not (tmp_path / "odd.mp4").exists()


def test_rgba_frame_copies_a_flipped_view():
    from derivlab.export.video import rgba_frame

    image = np.random.default_rng(0).integers(0, 256, (36, 50, 4), dtype=np.uint8)
    frame = rgba_frame(image[::-1])
    assert (frame.width, frame.height) == (50, 36)
    assert np.array_equal(frame.to_ndarray(), image[::-1])


def test_frames_read_into_ffmpeg_frames_are_reused_and_encode_the_same(tmp_path, monkeypatch):
    # MP4 frames are read from OpenGL straight into pooled FFmpeg frames; the video is the one
    # the copying path writes, and only the frames in flight are ever made
    job = AnimationExport(tmp_path / "pooled.mp4", SCENE, clip(30, 24), VALUES, size=(640, 360), fps=24)
    job.run()
    assert job._rgba_frames is not None
    assert 1 <= job._rgba_frames.made <= job.queue_frames + 2
    import derivlab.export.video as video

    monkeypatch.setattr(video, "RgbaFrames", lambda *size: None)
    copied = AnimationExport(tmp_path / "copied.mp4", SCENE, clip(30, 24), VALUES, size=(640, 360), fps=24)
    copied.run()
    assert copied._rgba_frames is None
    pooled_frames, copied_frames = decode(tmp_path / "pooled.mp4"), decode(tmp_path / "copied.mp4")
    assert len(pooled_frames) == len(copied_frames) == 30
    assert all(np.array_equal(a, b) for a, b in zip(pooled_frames, copied_frames, strict=True))


def test_rgba_frames_hand_out_writable_views_of_padded_planes():
    from derivlab.export.video import RgbaFrames

    frames = RgbaFrames(50, 36)  # 200-byte rows: FFmpeg pads its planes' lines
    view = frames.take()
    assert view.shape == (36, 50, 4) and view.strides[1:] == (4, 1)
    image = np.random.default_rng(1).integers(0, 256, (36, 50, 4), dtype=np.uint8)
    view[...] = image
    frame = frames.frame_of(view)
    assert np.array_equal(frame.to_ndarray(), image)
    assert frames.frame_of(image) is None  # not one of the pool's
    frames.give_back(view)
    assert frames.take() is view and frames.made == 1
