"""YUV 4:2:0 made by the graphics card equals the numpy twin (BT.709, limited range)."""

from __future__ import annotations

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.yuv import (
    Yuv420Converter,
    gpu_yuv_supported,
    is_software_renderer,
    yuv420_reference,
)
from derivlab.scenes import get_scene


def test_reference_of_flat_colours():
    # white, black and pure red, green, blue: the BT.709 limited-range values
    for rgb, (y, cb, cr) in (((255, 255, 255), (235, 128, 128)), ((0, 0, 0), (16, 128, 128)),
                             ((255, 0, 0), (63, 102, 240)), ((0, 255, 0), (173, 42, 26)),
                             ((0, 0, 255), (32, 240, 118))):
        image = np.zeros((4, 8, 4), np.uint8)
        image[..., :3] = rgb
        planes = yuv420_reference(image)
        assert planes.shape == (6, 8)
        assert (planes[:4] == y).all() and (planes[4] == cb).all() and (planes[5] == cr).all(), rgb


def test_reference_averages_each_two_by_two_block():
    image = np.zeros((4, 8, 4), np.uint8)
    image[0, 0, :3] = 255  # a white and a red pixel in the top left 2x2 block
    image[1, 1, 0] = 255
    r, g, b = 0.5, 0.25, 0.25  # the block's mean
    luma = 0.2126 * r + 0.7152 * g + 0.0722 * b
    planes = yuv420_reference(image)
    cb, cr = planes[4], planes[5]
    assert cr[0] == round(128 + 224 * (r - luma) / 1.5748) and cb[0] == round(128 + 224 * (b - luma) / 1.8556)
    assert (cr[1:] == 128).all() and (cb[1:] == 128).all()


@pytest.mark.parametrize("size", [(1280, 720), (640, 360)])
def test_gpu_planes_match_the_numpy_twin(size):
    r = OffscreenRenderer(get_scene("secant"), size, values={"f": "x^3 - 3x", "a": 1.3, "h": 0.5},
                          view=View(-2.5, 2.5, -4, 4))
    try:
        rgba = np.ascontiguousarray(r.render())
        planes = r.canvas.render_yuv420()
    finally:
        r.close()
    assert planes.shape == (size[1] * 3 // 2, size[0]) and planes.dtype == np.uint8
    difference = np.abs(planes.astype(int) - yuv420_reference(rgba).astype(int))
    # the chroma mean comes from the texture unit's 8-bit linear filter: off by one at most
    assert difference.max() <= 1
    assert (difference > 0).mean() < 0.01
    # and the picture is there: the background is white, the curve is darker
    assert planes[0, 0] == 235 and planes[: size[1]].min() < 150


def test_sizes_the_planar_layout_fits():
    assert gpu_yuv_supported((1920, 1080)) and gpu_yuv_supported((3840, 2160)) and gpu_yuv_supported((7680, 4320))
    assert not gpu_yuv_supported((854, 480)) and not gpu_yuv_supported((1920, 1082))
    with pytest.raises(ValueError, match="multiple of 8"):
        Yuv420Converter((854, 480))


def test_software_renderers_are_recognised():
    assert is_software_renderer("llvmpipe (LLVM 15.0.6, 256 bits)")
    assert is_software_renderer("Google SwiftShader")
    assert not is_software_renderer("NVIDIA H100 80GB HBM3/PCIe/SSE2")
    assert not is_software_renderer("AMD Radeon Pro 5500M OpenGL Engine")
