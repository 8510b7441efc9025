"""RGB → BT.709 YUV 4:2:0 on the graphics card, read back as one planar frame.

Video export uses it on a hardware GPU. With software OpenGL (llvmpipe) the
shader pass costs more CPU than FFmpeg's swscale, so exports there convert on
the CPU (figures in docs/benchmarks.md).

A video encoder wants Y′CbCr 4:2:0 ("yuv420p"). Converting a 1080p RGBA frame on
the CPU costs a copy into an FFmpeg frame and a pass of swscale per frame; here a
second draw turns the rendered picture into the three planes and only 1.5 bytes a
pixel come back instead of 4.

For R, G, B in [0, 1] (limited range, as HD players expect):

    Y′ = 0.2126 R + 0.7152 G + 0.0722 B
    Y  = 16 + 219 Y′
    Cb = 128 + 224 (B − Y′) / 1.8556
    Cr = 128 + 224 (R − Y′) / 1.5748

Cb and Cr are taken from the mean R, G, B of each 2×2 block of pixels.

Layout: the output framebuffer is W/4 texels wide; each RGBA texel holds four
consecutive bytes. Its rows, read from the bottom up, are the Y plane (H rows of
W bytes), then the Cb plane (W/2 × H/2 bytes, two of its rows per output row),
then Cr: exactly FFmpeg's contiguous ``yuv420p`` layout with line size W. This
needs W divisible by 8 and H by 4 (1280×720, 1920×1080, 3840×2160, 7680×4320 …);
:func:`gpu_yuv_supported` says so, and other sizes convert on the CPU.
"""

from __future__ import annotations

import numpy as np
from vispy import gloo

from .readback import read_rgba_into

_VERTEX = """
attribute vec2 a_position;
void main() {
    gl_Position = vec4(a_position, 0.0, 1.0);
}
"""

# Each pass fills four consecutive bytes of one plane per RGBA texel: texel (column, row) of a
# pass holds bytes 4*column ... 4*column + 3 of that pass's row of W bytes.
_COMMON = """
uniform sampler2D u_image;  // the picture, W x H, linear filtering
uniform vec2 u_size;        // W, H in pixels
uniform float u_first_row;  // output row where this pass begins

// Texture coordinate of picture point (x, y), in pixels from the top left corner.
vec2 at(float x, float y) {
    return vec2(x / u_size.x, (u_size.y - y) / u_size.y);
}
"""

# Y: picture pixels are sampled at their centres, where linear filtering returns them exactly.
_LUMA = _COMMON + """
void main() {
    float column = floor(gl_FragCoord.x);
    float y = floor(gl_FragCoord.y) - u_first_row + 0.5;
    vec3 weights = vec3(0.2126, 0.7152, 0.0722);
    vec4 luma = vec4(dot(texture2D(u_image, at(4.0 * column + 0.5, y)).rgb, weights),
                     dot(texture2D(u_image, at(4.0 * column + 1.5, y)).rgb, weights),
                     dot(texture2D(u_image, at(4.0 * column + 2.5, y)).rgb, weights),
                     dot(texture2D(u_image, at(4.0 * column + 3.5, y)).rgb, weights));
    gl_FragColor = (16.0 + 219.0 * luma) / 255.0;
}
"""

# Cb or Cr: sampled at the shared corner of each 2x2 block, linear filtering returns the
# block's mean in one fetch. Two rows of the plane (W/2 bytes each) share an output row.
_CHROMA = _COMMON + """
uniform vec3 u_axis;     // (0, 0, 1) for Cb, (1, 0, 0) for Cr
uniform float u_scale;   // 224 / 1.8556 for Cb, 224 / 1.5748 for Cr
float chroma(float u, float v) {
    vec3 c = texture2D(u_image, at(2.0 * u + 1.0, 2.0 * v + 1.0)).rgb;
    return 128.0 + u_scale * (dot(c, u_axis) - dot(c, vec3(0.2126, 0.7152, 0.0722)));
}
void main() {
    float first = 4.0 * floor(gl_FragCoord.x);
    float half_width = 0.5 * u_size.x;
    float second_half = first >= half_width ? 1.0 : 0.0;
    float v = 2.0 * (floor(gl_FragCoord.y) - u_first_row) + second_half;
    float u = first - second_half * half_width;
    gl_FragColor = vec4(chroma(u, v), chroma(u + 1.0, v), chroma(u + 2.0, v), chroma(u + 3.0, v)) / 255.0;
}
"""


#: words in GL_RENDERER of software rasterisers (Mesa's llvmpipe/softpipe/swrast, SwiftShader,
#: Windows' GDI and Basic Render Driver, e.g. WSL without a GPU)
SOFTWARE_RENDERERS = ("llvmpipe", "softpipe", "swrast", "swiftshader", "gdi generic", "basic render", "software")


def is_software_renderer(renderer: str) -> bool:
    """True for a GL_RENDERER string of a CPU rasteriser."""
    text = renderer.lower()
    return any(word in text for word in SOFTWARE_RENDERERS)


def gpu_yuv_supported(size: tuple[int, int]) -> bool:
    """True when a (width, height) frame fits the planar layout: width % 8 == 0 and height % 4 == 0."""
    width, height = size
    return width > 0 and height > 0 and width % 8 == 0 and height % 4 == 0


class Yuv420Converter:
    """Turns an RGBA texture into a ``(3H/2, W)`` uint8 array in yuv420p layout.

    Make it, and call :meth:`convert`, with the canvas's GL context current.
    """

    def __init__(self, size: tuple[int, int]):
        if not gpu_yuv_supported(size):
            raise ValueError(f"{size[0]}x{size[1]}: the width must be a multiple of 8 and the height of 4")
        self.size = size
        width, height = size
        self._out_shape = (height * 3 // 2, width // 4)  # rows, texels
        self._target = gloo.FrameBuffer(color=gloo.RenderBuffer(self._out_shape))
        quad = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], np.float32)
        quarter = height // 4
        self._passes = []  # (program, first output row, rows)
        luma = gloo.Program(_VERTEX, _LUMA)
        self._passes.append((luma, 0, height))
        for first, axis, scale in ((height, (0.0, 0.0, 1.0), 224.0 / 1.8556),
                                   (height + quarter, (1.0, 0.0, 0.0), 224.0 / 1.5748)):
            program = gloo.Program(_VERTEX, _CHROMA)
            program["u_axis"] = axis
            program["u_scale"] = scale
            self._passes.append((program, first, quarter))
        for program, first, _ in self._passes:
            program["a_position"] = quad
            program["u_size"] = (float(width), float(height))
            program["u_first_row"] = float(first)

    def convert(self, image: gloo.Texture2D, context) -> np.ndarray:
        """The yuv420p bytes of ``image`` (W×H RGBA, rows bottom-up as GL draws them), shape (3H/2, W).

        ``image`` must use linear interpolation (the chroma passes average 2×2 blocks with it).
        """
        rows, texels = self._out_shape
        with self._target:
            gloo.set_state(blend=False, depth_test=False, cull_face=False)
            for program, first, count in self._passes:
                program["u_image"] = image
                gloo.set_viewport(0, first, texels, count)
                program.draw("triangle_strip")
            context.flush_commands()
            out = np.empty((rows, texels * 4), np.uint8)
            read_rgba_into(out, texels, rows)
        return out

    def delete(self) -> None:
        items = [self._target] + [program for program, _, _ in self._passes]
        for item in items:
            try:
                item.delete()
            except Exception:  # noqa: BLE001 - the context may be gone
                pass


def yuv420_reference(image: np.ndarray) -> np.ndarray:
    """The same conversion in numpy (the twin the tests compare with): RGBA (H, W, 4) → (3H/2, W) uint8."""
    rgb = image[..., :3].astype(np.float64) / 255.0
    height, width = rgb.shape[:2]
    weights = np.array([0.2126, 0.7152, 0.0722])
    y = 16.0 + 219.0 * (rgb @ weights)
    block = rgb.reshape(height // 2, 2, width // 2, 2, 3).mean(axis=(1, 3))
    luma = block @ weights
    cb = 128.0 + 224.0 * (block[..., 2] - luma) / 1.8556
    cr = 128.0 + 224.0 * (block[..., 0] - luma) / 1.5748
    planes = [np.clip(np.rint(p), 0, 255).astype(np.uint8).reshape(-1) for p in (y, cb, cr)]
    return np.concatenate(planes).reshape(height * 3 // 2, width)
