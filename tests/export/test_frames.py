import errno

import numpy as np
import pytest
from PIL import Image

from derivlab.export.atomic import ExportError, atomic_path
from derivlab.export.frames import export_png, write_png
from derivlab.scenes import get_scene


def test_export_png_writes_a_picture_of_the_scene(tmp_path):
    path = export_png(tmp_path / "secant.png", get_scene("secant"), {"h": 0.3}, size=(800, 450))
    with Image.open(path) as image:
        assert image.size == (800, 450)
        pixels = np.asarray(image.convert("RGB"))
    assert pixels.std() > 5  # not blank
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left beside it


def test_atomic_path_leaves_nothing_when_writing_fails(tmp_path):
    target = tmp_path / "frame.png"
    target.write_bytes(b"old picture")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("cancelled")
    assert target.read_bytes() == b"old picture"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["frame.png"]


def test_full_disk_gives_a_clear_message_and_no_file(tmp_path, monkeypatch):
    def full_disk(self, fp, *args, **kwargs):
        with open(fp, "wb") as handle:
            handle.write(b"\x89PNG partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", full_disk)
    with pytest.raises(ExportError, match="disk is full"):
        write_png(np.zeros((4, 4, 4), np.uint8), tmp_path / "out.png")
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_gives_a_clear_message(tmp_path, monkeypatch):
    # Simulated: the suite runs as root in CI, where a read-only folder is still writable.
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(ExportError, match="no permission to write"):
        write_png(np.zeros((4, 4, 4), np.uint8), tmp_path / "out.png")
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_gives_a_clear_message(tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        write_png(np.zeros((4, 4, 4), np.uint8), tmp_path / "nowhere" / "out.png")


def test_wrong_extension_is_refused(tmp_path):
    with pytest.raises(ExportError, match=".png"):
        export_png(tmp_path / "frame.jpg", get_scene("secant"), size=(64, 64))
