"""Animations written as MP4 (H.264), WebM (VP9), GIF or a folder of PNG frames.

A timeline (:mod:`derivlab.model.timeline`) says what each frame shows; every
frame goes through the same scene → drawables → render path as the window,
drawn offscreen.

Rendering and encoding overlap: frames are drawn in the calling thread (an
OpenGL context belongs to the thread that made it) and handed to an encoder
thread through a queue of :data:`QUEUE_FRAMES` frames. When the encoder falls
behind, the renderer waits, so memory stays flat however long the video is
(about ``QUEUE_FRAMES + 2`` frames: 8 MB each at 1080p).

Files are never half written: the encoder writes a temporary file (or folder)
beside the target, renamed at the end. Cancel, an encoder failure or a full
disk removes it and ends in an :class:`ExportError` that says what happened.

Quality and speed. H.264 uses x264's ``crf`` (0 best … 51 worst, 23 by
default) with preset :data:`DEFAULT_PRESET`: ``ultrafast``. For derivlab's line
art it is both the fastest and the most faithful at a given crf (measured with
``benchmarks/x264_presets.py`` on the 300-frame 1080p secant clip at crf 23:
PSNR 52.6 dB and no sample off by more than 21 for ``ultrafast``, against
45.7 dB / 111 for ``veryfast`` and 48.6 dB / 109 for ``medium``, at 2.7, 6.4
and 13.7 ms of CPU a frame). The price is size: 2.3 MB against 0.5 MB for the
5-second clip; pass ``preset="medium"`` (or slower) for small files when time
does not matter. VP9 uses ``crf``
(0 … 63, 32 by default) in constant-quality mode with libvpx's realtime
deadline, speed 8, row multithreading: VP9's good-quality mode is several
times slower than real time on two cores. GIFs use one palette of up to
256 colours computed from frames sampled across the whole animation, without
dithering (clean flat colours for line art), and at most 50 frames a second:
GIF delays are whole hundredths of a second, and browsers slow down delays
under 2/100 s.
"""

from __future__ import annotations

import contextlib
import math
import queue
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from derivlab.model import Timeline, TimelineError, View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.scenes import Scene

from .atomic import ExportError, atomic_folder, atomic_path, check_new_folder, describe_os_error
from .frames import check_render_size, render_rgba

if TYPE_CHECKING:
    from derivlab.compute.backend import Backend

QUEUE_FRAMES = 4
DEFAULT_PRESET = "ultrafast"
X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")
FPS_RANGE = (24, 120)
GIF_MAX_FPS = 50
PNG_FPS_RANGE = (1, 120)
GIF_PALETTE_SAMPLES = 6

# What each format is: file suffix, codec, pixel format, crf range and default.
FORMATS: dict[str, dict[str, Any]] = {
    "mp4": {"suffix": ".mp4", "codec": "libx264", "pix_fmt": "yuv420p", "crf": (0, 51, 23), "name": "MP4 (H.264)"},
    "webm": {"suffix": ".webm", "codec": "libvpx-vp9", "pix_fmt": "yuv420p", "crf": (0, 63, 32), "name": "WebM (VP9)"},
    "gif": {"suffix": ".gif", "codec": "gif", "pix_fmt": "pal8", "crf": None, "name": "GIF"},
    "png-sequence": {"suffix": "", "codec": "png", "pix_fmt": "rgba", "crf": None, "name": "PNG frames (folder)"},
}


class ExportSettingsError(ValueError):
    """Settings a person chose that cannot be exported (bad size, fps, format); nothing was started."""


class ExportCancelled(ExportError):
    """The export was cancelled; nothing was written."""


@dataclass(frozen=True)
class Progress:
    """How far an export is: frames drawn and handed to the encoder, seconds so far and left."""

    frames_done: int
    frames_total: int
    elapsed: float
    remaining: float | None

    @property
    def fraction(self) -> float:
        return self.frames_done / self.frames_total if self.frames_total else 1.0


ProgressCallback = Callable[[Progress], "bool | None"]


def format_for_path(path: str | Path, animated: bool) -> str:
    """The format a path asks for: by its suffix, or a PNG sequence for a folder (``frames/``).

    A ``.png`` path is one frame, or a sequence in a folder of that name when animated.
    """
    text = str(path)
    suffix = Path(text).suffix.lower()
    if text.endswith(("/", "\\")) or not suffix:
        return "png-sequence"
    if suffix == ".png":
        return "png-sequence" if animated else "png"
    for name, spec in FORMATS.items():
        if spec["suffix"] and suffix == spec["suffix"]:
            return name
    raise ExportSettingsError(
        f"'{Path(text).name}': cannot tell the format; use .png, .mp4, .webm, .gif or a folder ending in '/'"
    )


def sequence_folder(path: str | Path) -> Path:
    """The folder a PNG sequence goes to: ``frames/`` as is, ``clip.png`` → ``clip/``."""
    p = Path(path)
    return p.with_suffix("") if p.suffix.lower() == ".png" else p


@dataclass
class ExportPlan:
    """Checked settings: what will be written, and the notes worth telling the person."""

    format: str
    size: tuple[int, int]
    fps: float
    quality: int | None
    preset: str
    transparent: bool
    notes: list[str] = field(default_factory=list)


def plan_export(
    format: str,
    size: tuple[int, int],
    fps: float,
    quality: int | None = None,
    preset: str | None = None,
    transparent: bool = False,
) -> ExportPlan:
    """Check and adjust settings for ``format``; raise ExportSettingsError for what cannot be done.

    Odd sizes are rounded down to even for H.264 and VP9 (4:2:0 chroma is
    subsampled 2×2); GIF frame rates above 50 are lowered to 50. Both say so in
    ``notes``.
    """
    if format not in FORMATS:
        raise ExportSettingsError(f"unknown format '{format}'; formats: {', '.join(FORMATS)}")
    spec = FORMATS[format]
    notes: list[str] = []
    if not (isinstance(fps, (int, float)) and math.isfinite(fps)):
        raise ExportSettingsError(f"fps must be a number; got {fps!r}")
    if format == "png-sequence":
        low, high = PNG_FPS_RANGE
    else:
        low, high = FPS_RANGE
    if format == "gif" and fps > GIF_MAX_FPS:
        if fps > high:
            raise ExportSettingsError(f"fps must be between {low} and {high}; got {fps:g}")
        notes.append(f"GIF plays at most {GIF_MAX_FPS} frames a second (delays are whole 1/100 s): {fps:g} fps lowered to {GIF_MAX_FPS}")
        fps = GIF_MAX_FPS
    if not (low <= fps <= high):
        raise ExportSettingsError(f"fps must be between {low} and {high} for {spec['name']}; got {fps:g}")
    width, height = size
    if spec["pix_fmt"] == "yuv420p" and (width % 2 or height % 2):
        even = (width - width % 2, height - height % 2)
        notes.append(f"{spec['name']} in yuv420p needs even width and height: {width}x{height} rounded down to {even[0]}x{even[1]}")
        width, height = even
    if quality is not None:
        if spec["crf"] is None:
            raise ExportSettingsError(f"{spec['name']} has no quality setting (it is lossless or palette-based)")
        low_q, high_q, _ = spec["crf"]
        if not (low_q <= quality <= high_q):
            raise ExportSettingsError(f"quality (crf) for {spec['name']} must be between {low_q} (best) and {high_q}; got {quality}")
    elif spec["crf"] is not None:
        quality = spec["crf"][2]
    preset = preset or DEFAULT_PRESET
    if preset not in X264_PRESETS:
        raise ExportSettingsError(f"preset must be one of {', '.join(X264_PRESETS)}; got '{preset}'")
    if transparent and format not in ("png", "png-sequence"):
        raise ExportSettingsError(f"a transparent background is written only as PNG, not {spec['name']}")
    if format in ("mp4", "webm", "gif"):
        _check_codec(spec["codec"], spec["name"])
    return ExportPlan(format, (width, height), float(fps), quality, preset, transparent, notes)


def _check_codec(codec: str, name: str) -> None:
    import av

    if codec not in av.codecs_available:
        raise ExportSettingsError(f"{name} needs the '{codec}' encoder, which this FFmpeg build (PyAV) lacks")


# -- encoders ------------------------------------------------------------------
def rgba_frame(image: np.ndarray):
    """An FFmpeg RGBA frame holding ``image`` (H, W, 4) uint8, which may be any strided view.

    One copy, by numpy, which lets other threads run meanwhile (PyAV's ``from_ndarray``
    holds the interpreter for its copy); rows flipped by a negative stride are copied
    straight into place.
    """
    import av

    height, width = image.shape[:2]
    frame = av.VideoFrame(width, height, "rgba")
    np.copyto(rgba_pixels(frame), image)
    return frame


def rgba_pixels(frame) -> np.ndarray:
    """An FFmpeg RGBA frame's pixels as a writable (height, width, 4) uint8 view of its plane
    (rows padded to FFmpeg's line size)."""
    plane = frame.planes[0]
    return np.ndarray((frame.height, frame.width, 4), np.uint8, buffer=plane, strides=(plane.line_size, 4, 1))


class RgbaFrames:
    """FFmpeg RGBA frames that pictures are read into straight from OpenGL, each reused once converted.

    A frame of a video is read into an FFmpeg frame's own memory (rows from the
    top, see :meth:`PlotCanvas.read_offscreen`) instead of a numpy array that is
    then copied, and goes back to the pool when the encoder thread has converted
    it to YUV. :meth:`take` hands out a (height, width, 4) view of a frame's plane
    (rows padded to FFmpeg's line size); only frames in flight exist, at most the
    encoder queue's length and two, and their memory is not asked of the system
    again for each frame.
    """

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.made = 0
        self._lock = threading.Lock()
        self._free: list[np.ndarray] = []
        self._frames: dict[int, tuple[Any, np.ndarray]] = {}  # id(view) -> (frame, view)

    def take(self) -> np.ndarray:
        """A free frame's pixels as a writable (height, width, 4) uint8 view."""
        with self._lock:
            if self._free:
                return self._free.pop()
        import av

        frame = av.VideoFrame(self.width, self.height, "rgba")
        view = rgba_pixels(frame)
        with self._lock:
            self._frames[id(view)] = (frame, view)
            self.made += 1
        return view

    def frame_of(self, image: np.ndarray):
        """The FFmpeg frame whose pixels ``image`` is (from :meth:`take`), or None."""
        entry = self._frames.get(id(image))
        return entry[0] if entry is not None and entry[1] is image else None

    def give_back(self, image: np.ndarray) -> None:
        """``image`` (from :meth:`take`) may be drawn into again."""
        with self._lock:
            self._free.append(image)


class VideoEncoder:
    """Frames → one video file through PyAV (FFmpeg): H.264 in MP4, VP9 in WebM.

    RGB is converted to BT.709 limited-range YUV 4:2:0 and tagged so, as HD
    players expect.
    """

    def __init__(self, path: Path, plan: ExportPlan):
        import av

        spec = FORMATS[plan.format]
        self.plan = plan
        self.container_format = {"mp4": "mp4", "webm": "webm", "gif": "gif"}[plan.format]
        container_options = {"movflags": "+faststart"} if plan.format == "mp4" else {}
        self.container = av.open(str(path), mode="w", format=self.container_format, options=container_options)
        rate = Fraction(plan.fps).limit_denominator(1001)
        self.stream = self.container.add_stream(spec["codec"], rate=rate)
        self.stream.width, self.stream.height = plan.size
        self.stream.pix_fmt = spec["pix_fmt"]
        self.stream.codec_context.time_base = 1 / rate
        self.stream.options = self.codec_options()
        if spec["pix_fmt"] == "yuv420p":
            from av.video.reformatter import ColorPrimaries, ColorRange, Colorspace, ColorTrc

            context = self.stream.codec_context
            context.colorspace = Colorspace.ITU709
            context.color_range = ColorRange.MPEG
            context.color_primaries = ColorPrimaries.BT709
            context.color_trc = ColorTrc.BT709
        self.frame_index = 0
        #: frames the renderer reads into (:class:`RgbaFrames`); others are copied into a new frame
        self.rgba_frames: RgbaFrames | None = None

    def codec_options(self) -> dict[str, str]:
        if self.plan.format == "mp4":
            return {"crf": str(self.plan.quality), "preset": self.plan.preset}
        if self.plan.format == "webm":
            return {"crf": str(self.plan.quality), "b": "0", "deadline": "realtime", "cpu-used": "8", "row-mt": "1"}
        return {}

    def video_frame(self, image: np.ndarray):
        """An RGBA uint8 image (H, W, 4), or yuv420p planes (3H/2, W), as the stream's frame."""
        if image.ndim == 2:
            import av

            return av.VideoFrame.from_ndarray(image, format="yuv420p")
        from av.video.reformatter import ColorRange, Colorspace

        pooled = self.rgba_frames.frame_of(image) if self.rgba_frames is not None else None
        frame = pooled if pooled is not None else rgba_frame(image)
        converted = frame.reformat(format="yuv420p", dst_colorspace=Colorspace.ITU709, dst_color_range=ColorRange.MPEG)
        if pooled is not None:
            self.rgba_frames.give_back(image)
        return converted

    def write(self, image: np.ndarray) -> None:
        frame = self.video_frame(image)
        frame.pts = self.frame_index
        self.frame_index += 1
        self.mux(self.stream.encode(frame))

    def mux(self, packets) -> None:
        """Write encoded packets to the file (the place a full disk shows up)."""
        self.container.mux(packets)

    def finish(self) -> None:
        """Flush the encoder and write the file's index."""
        self.mux(self.stream.encode(None))
        self.container.close()

    def close(self) -> None:
        """Release the file after a failure; what was written is discarded by the caller."""
        with contextlib.suppress(Exception):
            self.container.close()


class GifEncoder(VideoEncoder):
    """Frames → GIF with one global palette (see :func:`global_palette`), no dithering."""

    def __init__(self, path: Path, plan: ExportPlan, palette):
        super().__init__(path, plan)
        self.palette_image = palette
        rgb = np.array(palette.getpalette()[: 256 * 3], dtype=np.uint8).reshape(-1, 3)
        argb = np.zeros((256, 4), dtype=np.uint8)  # PyAV takes pal8 palettes as rows of A, R, G, B
        argb[:, 0] = 255
        argb[: len(rgb), 1:] = rgb
        self.argb = argb

    def video_frame(self, image: np.ndarray):
        import av
        from PIL import Image

        indices = Image.fromarray(np.ascontiguousarray(image[..., :3])).quantize(
            palette=self.palette_image, dither=Image.Dither.NONE
        )
        return av.VideoFrame.from_ndarray((np.asarray(indices), self.argb), format="pal8")


def global_palette(samples: list[np.ndarray], colors: int = 256):
    """One palette for a whole GIF, from frames sampled across it (a Pillow "P" image).

    Median cut over all samples together, so colours that appear only in some
    frames (the secant near its end position, say) keep their own entries.
    """
    from PIL import Image

    stacked = np.concatenate([np.ascontiguousarray(s[::2, ::2, :3]) for s in samples], axis=0)
    return Image.fromarray(stacked).quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


class PngSequenceWriter:
    """Frames → ``folder/stem_00000.png, stem_00001.png, …`` (zlib level 1: fast, for editing)."""

    def __init__(self, folder: Path, stem: str, count: int, transparent: bool):
        self.folder, self.stem, self.transparent = folder, stem, transparent
        self.digits = max(5, len(str(count - 1)))
        self.frame_index = 0

    def path_of(self, index: int) -> Path:
        return self.folder / f"{self.stem}_{index:0{self.digits}d}.png"

    def write(self, image: np.ndarray) -> None:
        from PIL import Image

        data = image if self.transparent else image[..., :3]
        Image.fromarray(np.ascontiguousarray(data)).save(self.path_of(self.frame_index), format="PNG", compress_level=1)
        self.frame_index += 1

    def finish(self) -> None:
        pass

    def close(self) -> None:
        pass


# -- the encoder thread ----------------------------------------------------------
_FINISH = object()
_STOP = object()


class EncoderThread:
    """Runs an encoder in its own thread, fed through a bounded queue.

    :meth:`put` blocks while the queue holds ``maxsize`` frames: a slow encoder
    slows the renderer down instead of letting frames pile up in memory. An
    encoder error is kept and raised in the feeding thread at the next
    :meth:`put` or at :meth:`finish`.
    """

    def __init__(self, encoder, maxsize: int = QUEUE_FRAMES):
        self.encoder = encoder
        self.queue: queue.Queue = queue.Queue(maxsize=maxsize)
        self.error: BaseException | None = None
        self.frames_encoded = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="derivlab-encoder", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while True:
                item = self.queue.get()
                if item is _STOP or self._stopping.is_set():
                    return
                if item is _FINISH:
                    self.encoder.finish()
                    return
                self.encoder.write(item)
                self.frames_encoded += 1
        except BaseException as exc:  # noqa: BLE001 - handed to the feeding thread
            self.error = exc
        finally:
            if self.error is not None or self._stopping.is_set():
                self.encoder.close()
            self._drain()

    def _drain(self) -> None:
        with contextlib.suppress(queue.Empty):
            while True:
                self.queue.get_nowait()

    def _raise_error(self) -> None:
        if self.error is not None:
            raise self.error

    def put(self, image: np.ndarray) -> None:
        """Hand a frame to the encoder; waits while the queue is full."""
        while True:
            self._raise_error()
            if not self._thread.is_alive():
                raise ExportError("the encoder stopped unexpectedly")
            try:
                self.queue.put(image, timeout=0.05)
                return
            except queue.Full:
                continue

    def finish(self) -> None:
        """Flush and close the encoder; raises the encoder's error, if any."""
        if self._thread.is_alive():
            while True:
                self._raise_error()
                try:
                    self.queue.put(_FINISH, timeout=0.05)
                    break
                except queue.Full:
                    if not self._thread.is_alive():
                        break
        self._thread.join()
        self._raise_error()

    def stop(self) -> None:
        """Stop without finishing (cancel or failure): the encoder is closed, queued frames dropped."""
        self._stopping.set()
        self._drain()
        with contextlib.suppress(queue.Full):
            self.queue.put_nowait(_STOP)
        self._thread.join()


# -- the export ------------------------------------------------------------------
class AnimationExport:
    """One animation export, driven frame by frame.

    ``run()`` does everything in one call (the command line). A GUI calls
    ``start()`` once and then ``step(budget)`` from a timer until it returns
    True: each call draws frames for about ``budget`` seconds, so the event loop
    keeps running between calls. ``cancel()`` (or a progress callback returning
    False, or the ``cancel`` event being set) stops at the next frame and
    removes the temporary file.
    """

    def __init__(
        self,
        path: str | Path,
        scene: Scene,
        timeline: Timeline,
        values: Mapping[str, Any] | None = None,
        size: tuple[int, int] = (1920, 1080),
        fps: float = 60,
        theme: str = "light",
        view: View | None = None,
        backend: Backend | None = None,
        format: str | None = None,
        quality: int | None = None,
        preset: str | None = None,
        transparent: bool = False,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        queue_frames: int = QUEUE_FRAMES,
        convert_on_gpu: bool | None = None,
    ):
        self.scene = scene
        self.timeline = timeline
        self.format = format or format_for_path(path, animated=True)
        if self.format == "png":
            self.format = "png-sequence"
        self.plan = plan_export(self.format, size, fps, quality, preset, transparent)
        self.path = sequence_folder(path) if self.format == "png-sequence" else Path(path)
        self.notes = self.plan.notes
        self.theme = theme
        self.backend = backend
        self.progress = progress
        self.cancel_event = cancel or threading.Event()
        self.queue_frames = queue_frames
        #: YUV 4:2:0 made by the graphics card (None: when the renderer is a real GPU, see _use_gpu_yuv)
        self.convert_on_gpu = convert_on_gpu
        self._gpu_yuv = False
        self._drawn_frame: int | None = None  # the frame the canvas holds, drawn but not read
        self._rgba_frames: RgbaFrames | None = None  # FFmpeg frames read into (MP4, WebM)
        base = scene.new_state(values)  # refuses bad values before anything is drawn
        self.base_values = base.as_dict()
        timeline.validate(scene.parameters, self.plan.fps)
        width = self.plan.size[0]
        self.base_view = (view or scene.default_view).with_pixels(width)
        self.times = timeline.frame_times(self.plan.fps)
        self.frames_total = len(self.times)
        self.frames_done = 0
        self._renderer: OffscreenRenderer | None = None
        self._encoder_thread: EncoderThread | None = None
        self._stack: contextlib.ExitStack | None = None
        self._started = 0.0
        self._first_frame_at = 0.0
        self._finished = False
        self._last_values: dict[str, Any] | None = None
        self._last_view: View | None = None

    # -- driving -----------------------------------------------------------------
    def run(self) -> Path:
        """Export every frame and return the written path."""
        self.start()
        while not self.step():
            pass
        return self.path

    def start(self) -> None:
        """Make the offscreen renderer, the temporary target and the encoder thread."""
        if self.format == "png-sequence":
            check_new_folder(self.path)
        self._started = time.perf_counter()
        self._stack = contextlib.ExitStack()
        try:
            self._renderer = OffscreenRenderer(
                self.scene, self.plan.size, values=self.base_values, theme=self.theme,
                view=self.base_view, backend=self.backend,
            )
            check_render_size(self._renderer, self.plan.size)
            if not self.plan.transparent:  # (a transparent frame is drawn twice, on black and on white)
                self._renderer.canvas.keep_unchanged_layers()
            self._gpu_yuv = self._use_gpu_yuv()
            encoder = self._open_encoder()
            if self.format in ("mp4", "webm") and self._pipelined:
                self._rgba_frames = encoder.rgba_frames = RgbaFrames(*self.plan.size)
            self._encoder_thread = EncoderThread(encoder, maxsize=self.queue_frames)
        except BaseException as exc:
            self._fail(exc)

    def step(self, budget: float = 0.0) -> bool:
        """Draw and hand over frames for about ``budget`` seconds (at least one); True when done."""
        if self._finished:
            return True
        if self._renderer is None:
            raise RuntimeError("call start() before step()")
        deadline = time.perf_counter() + budget
        try:
            while True:
                if self.cancel_event.is_set():
                    raise ExportCancelled("export cancelled; nothing was written")
                if self.frames_done >= self.frames_total:
                    self._complete()
                    return True
                if self._pipelined:
                    image = self._next_frame_pipelined()
                else:
                    image = self._draw(self.times[self.frames_done])
                assert self._encoder_thread is not None
                self._encoder_thread.put(image)
                self.frames_done += 1
                self._report()
                if time.perf_counter() >= deadline:
                    return False
        except BaseException as exc:
            self._fail(exc)
        return False  # not reached: _fail raises

    def cancel(self) -> None:
        """Ask the export to stop at the next frame (safe from any thread)."""
        self.cancel_event.set()

    def abort(self) -> None:
        """Stop now and remove the temporary file (for a window closed mid-export)."""
        if self._stack is not None and not self._finished:
            with contextlib.suppress(ExportError):
                self._fail(ExportCancelled("export cancelled; nothing was written"))

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self._started if self._started else 0.0

    # -- inside ------------------------------------------------------------------
    def _open_encoder(self):
        assert self._stack is not None and self._renderer is not None
        if self.format == "png-sequence":
            folder = self._stack.enter_context(atomic_folder(self.path))
            return PngSequenceWriter(folder, self.path.name, self.frames_total, self.plan.transparent)
        tmp = self._stack.enter_context(atomic_path(self.path))
        if self.format == "gif":
            return GifEncoder(tmp, self.plan, global_palette(self._palette_samples()))
        return VideoEncoder(tmp, self.plan)

    def _palette_samples(self) -> list[np.ndarray]:
        n = min(GIF_PALETTE_SAMPLES, self.frames_total)
        picks = np.linspace(0, self.frames_total - 1, n).round().astype(int)
        return [self._draw(self.times[i]) for i in picks]

    @property
    def _pipelined(self) -> bool:
        """Frames drawn one ahead (see :meth:`_next_frame_pipelined`): plain RGBA frames only."""
        return not (self.plan.transparent or self._gpu_yuv)

    def _next_frame_pipelined(self) -> np.ndarray:
        """Frame ``frames_done``, read back after the scene of the next frame is computed.

        The GL rasterises frame i (in its own threads with software OpenGL) while
        Python computes frame i + 1 and updates its visuals; reading frame i back
        does not run those updates (``PlotCanvas.read_offscreen``), they are drawn next.
        """
        assert self._renderer is not None
        canvas = self._renderer.canvas
        i = self.frames_done
        if self._drawn_frame != i:
            self._prepare(self.times[i])
            canvas.draw_offscreen()
        following = i + 1 < self.frames_total
        if following:
            self._prepare(self.times[i + 1])
        frames = self._rgba_frames if canvas.offscreen_size == self.plan.size else None
        image = canvas.read_offscreen(frames.take() if frames is not None else None)
        if image.shape[:2] != (self.plan.size[1], self.plan.size[0]):
            raise ExportError(f"the OpenGL driver drew {image.shape[1]}x{image.shape[0]} instead of "
                              f"{self.plan.size[0]}x{self.plan.size[1]}")
        if following:
            canvas.draw_offscreen()
            self._drawn_frame = i + 1
        return image

    def _draw(self, t: float) -> np.ndarray:
        """The frame at time ``t``, drawn and read back."""
        assert self._renderer is not None
        self._prepare(t)
        self._drawn_frame = None
        if self._gpu_yuv:
            return self._renderer.canvas.render_yuv420()
        return render_rgba(self._renderer, self.plan.transparent)

    def _prepare(self, t: float) -> None:
        """Show the scene at time ``t``: the view first (it recomputes), then the values (one recompute)."""
        assert self._renderer is not None
        presenter = self._renderer.presenter
        view = self.timeline.view_at(t, self.base_view)
        if view != self._last_view:
            self._renderer.canvas.set_view(view)
            self._last_view = view
        values = self.timeline.values_at(t, self.base_values, self.scene.parameters)
        changed = {k: v for k, v in values.items() if self._last_values is None or self._last_values.get(k) != v}
        if changed:
            presenter.state.update(changed)
        self._last_values = values

    def _use_gpu_yuv(self) -> bool:
        """Convert to YUV 4:2:0 on the graphics card? Only for yuv420p video of a size the
        planar layout fits, and by default only on a hardware renderer: with software
        OpenGL (llvmpipe) the shader pass costs more CPU than FFmpeg's swscale (measured
        in docs/benchmarks.md)."""
        from derivlab.render.yuv import gpu_yuv_supported, is_software_renderer

        if self.format not in ("mp4", "webm") or self.plan.transparent or not gpu_yuv_supported(self.plan.size):
            return False
        if self.convert_on_gpu is not None:
            return self.convert_on_gpu
        assert self._renderer is not None
        return not is_software_renderer(self._renderer.canvas.gl_info().get("renderer", ""))

    def _report(self) -> None:
        if self.progress is None:
            return
        elapsed = self.elapsed
        done = self.frames_done
        if done == 1:
            self._first_frame_at = elapsed  # start-up (GL context, first compute) is not per-frame time
        remaining = None
        if done >= 2:
            per_frame = (elapsed - self._first_frame_at) / (done - 1)
            remaining = per_frame * (self.frames_total - done)
        elif done == self.frames_total:
            remaining = 0.0
        if self.progress(Progress(done, self.frames_total, elapsed, remaining)) is False:
            self.cancel_event.set()

    def _complete(self) -> None:
        assert self._encoder_thread is not None and self._stack is not None
        self._encoder_thread.finish()
        self._close_renderer()
        self._stack.close()  # renames the temporary file or folder onto the target
        self._finished = True

    def _close_renderer(self) -> None:
        if self._renderer is not None:
            with contextlib.suppress(Exception):
                self._renderer.close()
            self._renderer = None

    def _fail(self, exc: BaseException) -> None:
        """Stop the encoder, remove the temporary file, raise a readable ExportError."""
        self._finished = True
        if self._encoder_thread is not None:
            self._encoder_thread.stop()
        self._close_renderer()
        converted = self._as_export_error(exc)
        stack, self._stack = self._stack, None
        if stack is not None:
            try:
                stack.__exit__(type(exc), exc, exc.__traceback__)
            except ExportError as from_atomic:  # an OSError, described by atomic_path
                raise from_atomic from None
        if converted is exc:
            raise exc
        raise converted from None

    def _as_export_error(self, exc: BaseException) -> BaseException:
        if isinstance(exc, (ExportError, TimelineError, KeyboardInterrupt, SystemExit)):
            return exc
        if isinstance(exc, OSError):
            return ExportError(describe_os_error(exc, self.path))
        if self._encoder_thread is not None and exc is self._encoder_thread.error:
            return ExportError(f"the {FORMATS[self.format]['name']} encoder failed: {exc}")
        if type(exc).__module__.startswith("av"):
            return ExportError(f"the {FORMATS[self.format]['name']} encoder failed: {exc}")
        return exc


def export_animation(path: str | Path, scene: Scene, timeline: Timeline, **options: Any) -> Path:
    """Write ``timeline`` played on ``scene`` to ``path`` (format from the suffix); see :class:`AnimationExport`."""
    return AnimationExport(path, scene, timeline, **options).run()


__all__ = [
    "AnimationExport",
    "EncoderThread",
    "ExportCancelled",
    "ExportPlan",
    "ExportSettingsError",
    "FORMATS",
    "GifEncoder",
    "PngSequenceWriter",
    "Progress",
    "RgbaFrames",
    "VideoEncoder",
    "export_animation",
    "format_for_path",
    "global_palette",
    "plan_export",
    "sequence_folder",
]
