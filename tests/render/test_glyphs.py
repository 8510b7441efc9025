"""Glyph distance fields from the disk cache equal VisPy's own, and a bad cache never hurts."""

from __future__ import annotations

import numpy as np
import pytest
from vispy.util.fonts._freetype import _load_glyph
from vispy.visuals.text.text import FontManager, SDFRendererCPU

from derivlab.render import glyphs


def glyph(char: str = "g") -> tuple[np.ndarray, tuple[int, int]]:
    """A glyph's padded bitmap as VisPy's text layout makes it from freetype, and its atlas cell size."""
    font = FontManager(method="cpu").get_font("OpenSans", False, False)
    found: dict = {}
    _load_glyph(font._font, char, found)
    bitmap, spread = found[char]["bitmap"], font._spread
    data = np.zeros((bitmap.shape[0] + 2 * spread, bitmap.shape[1] + 2 * spread), np.uint8)
    data[spread:-spread, spread:-spread] = bitmap
    return data, (data.shape[1] // font.ratio, data.shape[0] // font.ratio)


@pytest.fixture
def kept(tmp_path, monkeypatch):
    """The cache installed, in an empty folder of its own, memory forgotten."""
    glyphs.keep_distance_fields()
    monkeypatch.setattr(glyphs, "cache_folder", lambda: tmp_path / "glyphs")
    monkeypatch.setattr(glyphs, "_memory", {})
    return tmp_path / "glyphs"


def vispys_own(data, size):
    atlas = np.zeros((128, 128, 3), np.uint8)
    SDFRendererCPU.render_to_texture.original(SDFRendererCPU(), data, atlas, (3, 5), size)
    return atlas


def through_cache(data, size):
    atlas = np.zeros((128, 128, 3), np.uint8)
    SDFRendererCPU().render_to_texture(data, atlas, (3, 5), size)
    return atlas


@pytest.mark.parametrize("char", ["g", "Δ", "′", "³"])
def test_fields_are_vispys_computed_stored_and_loaded(kept, char):
    data, size = glyph(char)
    expected = vispys_own(data, size)
    assert expected.any()
    computed = through_cache(data, size)
    assert np.array_equal(computed, expected)
    assert len(list(kept.glob("*.npy"))) == 1
    glyphs._memory.clear()
    loaded = through_cache(data, size)  # now read from disk
    assert np.array_equal(loaded, expected)


def test_another_cell_size_is_another_field(kept):
    data, (w, h) = glyph()
    smaller = (w - 4, h - 6)
    first, second = through_cache(data, (w, h)), through_cache(data, smaller)
    assert np.array_equal(first, vispys_own(data, (w, h)))
    assert np.array_equal(second, vispys_own(data, smaller))
    assert not np.array_equal(first, second)
    assert len(list(kept.glob("*.npy"))) == 2


def test_a_damaged_file_is_computed_again(kept):
    data, size = glyph()
    through_cache(data, size)
    (stored,) = kept.glob("*.npy")
    stored.write_bytes(b"not a numpy file")
    glyphs._memory.clear()
    assert np.array_equal(through_cache(data, size), vispys_own(data, size))
    assert np.load(stored).shape == (size[1], size[0])  # written again


def test_a_field_of_the_wrong_shape_is_not_used(kept):
    data, size = glyph()
    kept.mkdir(parents=True)
    np.save(kept / f"{glyphs.field_key(data, size)}.npy", np.zeros((3, 3), np.uint8))
    assert np.array_equal(through_cache(data, size), vispys_own(data, size))


def test_an_unwritable_cache_folder_only_means_no_cache(tmp_path, monkeypatch):
    glyphs.keep_distance_fields()
    blocker = tmp_path / "a file"
    blocker.write_text("in the way")
    monkeypatch.setattr(glyphs, "cache_folder", lambda: blocker / "glyphs")
    monkeypatch.setattr(glyphs, "_memory", {})
    data, size = glyph()
    assert np.array_equal(through_cache(data, size), vispys_own(data, size))
    assert not list(tmp_path.glob("**/*.npy"))
