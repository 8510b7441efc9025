"""Picture quality, file size and encoding cost of x264's presets on the peer clip.

Renders the secant clip (f = x³ − 3x on [−2.5, 2.5] × [−4, 4], a = 1.3, h from 2 to
0.001 geometrically, 300 frames of 1920×1080) once through derivlab's renderer,
converts every frame to BT.709 YUV 4:2:0 (the encoder's input), then encodes the
same frames with each preset at the same crf and decodes the result. It prints,
per preset: PSNR of the decoded frames against the encoder's input (all three
planes), the largest error of any sample, the file size and the CPU time of the
encoding (x264's own threads included) per frame. It asserts nothing.

    python benchmarks/x264_presets.py [--crf 23] [--frames 300] [--presets ultrafast,veryfast,medium]

Run it under a display (``xvfb-run -a python benchmarks/x264_presets.py`` without one).
"""

from __future__ import annotations

import argparse
import io
import time

import av
import numpy as np
from av.video.reformatter import ColorRange, Colorspace

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.scenes import get_scene

SIZE = (1920, 1080)


def source_frames(frames: int) -> list[np.ndarray]:
    """The clip's frames as yuv420p arrays (3H/2, W), converted by FFmpeg's swscale as an export does."""
    renderer = OffscreenRenderer(get_scene("secant"), SIZE, values={"f": "x^3-3x", "a": 1.3, "h": 2.0},
                                 view=View(-2.5, 2.5, -4, 4))
    out = []
    try:
        for i in range(frames):
            renderer.state.set("h", 2.0 * 0.0005 ** (i / max(frames - 1, 1)))
            rgba = np.ascontiguousarray(renderer.render())
            frame = av.VideoFrame.from_ndarray(rgba, format="rgba")
            out.append(frame.reformat(format="yuv420p", dst_colorspace=Colorspace.ITU709,
                                      dst_color_range=ColorRange.MPEG).to_ndarray())
    finally:
        renderer.close()
    return out


def encode(frames: list[np.ndarray], preset: str, crf: int) -> tuple[bytes, float]:
    """The MP4 bytes and the process CPU seconds the encoding took."""
    buffer = io.BytesIO()
    container = av.open(buffer, mode="w", format="mp4")
    stream = container.add_stream("libx264", rate=60)
    stream.width, stream.height = SIZE
    stream.pix_fmt = "yuv420p"
    stream.options = {"crf": str(crf), "preset": preset}
    cpu = time.process_time()
    for i, planes in enumerate(frames):
        frame = av.VideoFrame.from_ndarray(planes, format="yuv420p")
        frame.pts = i
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))
    container.close()
    return buffer.getvalue(), time.process_time() - cpu


def decode(data: bytes) -> list[np.ndarray]:
    with av.open(io.BytesIO(data)) as container:
        return [frame.to_ndarray() for frame in container.decode(video=0)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--crf", type=int, default=23)
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--presets", default="ultrafast,superfast,veryfast,medium")
    args = parser.parse_args()

    frames = source_frames(args.frames)
    print(f"clip: {len(frames)} frames {SIZE[0]}x{SIZE[1]}, H.264 yuv420p at crf {args.crf}")
    print(f"{'preset':10s} {'PSNR dB':>8s} {'worst':>6s} {'bytes':>10s} {'CPU ms/frame':>13s}")
    for preset in args.presets.split(","):
        data, cpu = encode(frames, preset, args.crf)
        decoded = decode(data)
        if len(decoded) != len(frames):
            print(f"{preset:10s} decoded {len(decoded)} frames of {len(frames)}")
            continue
        squared = np.mean([np.mean((a.astype(np.float64) - b) ** 2) for a, b in zip(frames, decoded, strict=True)])
        worst = max(int(np.abs(a.astype(np.int16) - b).max()) for a, b in zip(frames, decoded, strict=True))
        psnr = 10 * np.log10(255.0**2 / squared) if squared > 0 else float("inf")
        print(f"{preset:10s} {psnr:8.2f} {worst:6d} {len(data):10,d} {1e3 * cpu / len(frames):13.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
