"""Pictures read back from OpenGL: rows from the top, into padded memory, with or without Mesa's help."""

from __future__ import annotations

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render import readback
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.render.pixels import color_near, rgb
from derivlab.render.themes import get_theme
from derivlab.scenes import get_scene

SIZE = (320, 180)


@pytest.fixture(scope="module")
def renderer():
    r = OffscreenRenderer(get_scene("secant"), SIZE, values={"a": 1.3, "h": 0.5}, view=View(-2.5, 2.5, -4, 4))
    yield r
    r.close()


def padded(width: int, height: int, pad: int = 24) -> np.ndarray:
    """A (height, width, 4) view with rows of width × 4 + pad bytes, like an FFmpeg plane."""
    memory = np.full((height, width * 4 + pad), 7, np.uint8)
    return memory[:, : width * 4].reshape(height, width, 4)


def test_reading_into_padded_rows_gives_the_picture(renderer):
    expected = np.ascontiguousarray(renderer.canvas.render())
    out = padded(*SIZE)
    assert out.strides[0] == SIZE[0] * 4 + 24
    got = renderer.canvas.read_offscreen(out)
    assert got is out
    assert np.array_equal(out, expected)
    assert (out.base[:, SIZE[0] * 4:] == 7).all()  # the padding is left alone


def test_without_mesas_pack_invert_the_rows_are_reversed_by_a_copy(renderer, monkeypatch):
    expected = np.ascontiguousarray(renderer.canvas.render())
    monkeypatch.setattr(readback, "reads_top_down", lambda key: False)
    out = padded(*SIZE)
    assert np.array_equal(renderer.canvas.read_offscreen(out), expected)


def test_the_picture_is_not_upside_down(renderer):
    # the curve's local maximum (−1, 2) is where the view puts it, not mirrored to (−1, −2)
    image = renderer.canvas.read_offscreen(padded(*SIZE))
    curve = rgb(get_theme("light").color("curve"))
    assert color_near(image, *renderer.canvas.data_to_pixel(-1.0, 2.0), curve)
    assert not color_near(image, *renderer.canvas.data_to_pixel(-1.0, -2.0), curve)


@pytest.mark.parametrize("shape", [(180, 320, 3), (180, 300, 4), (90, 320, 4)])
def test_memory_of_the_wrong_shape_is_refused(renderer, shape):
    with pytest.raises(ValueError):
        renderer.canvas.read_offscreen(np.zeros(shape, np.uint8))
