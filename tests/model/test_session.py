import errno
import json
import os

import pytest

from derivlab.model.session import Session, SessionStore, atomic_write_text


def test_session_round_trip(tmp_path):
    store = SessionStore(tmp_path)
    session = Session(scene="secant", values={"secant": {"h": -0.25, "f": "sin(x)"}}, views={"secant": [-1, 1, -2, 2]}, theme="dark")
    store.save(session)
    loaded = store.load()
    assert loaded.message == "" and not loaded.crashed
    assert loaded.session == session


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\x00\xff\xfe", json.dumps({"hello": 1}).encode(), json.dumps([1, 2]).encode(),
     json.dumps({"format": "derivlab-session", "version": 99}).encode(),
     json.dumps({"format": "derivlab-session", "version": 1, "values": {"secant": 3}}).encode()],
)
def test_corrupt_or_foreign_file_is_set_aside_and_defaults_load(tmp_path, content):
    store = SessionStore(tmp_path)
    store.path.write_bytes(content)
    loaded = store.load()
    assert loaded.session == Session()
    assert "could not be read" in loaded.message and "moved to" in loaded.message
    assert not store.path.exists()
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("session.json.unreadable-")]
    assert len(aside) == 1 and aside[0].read_bytes() == content


def test_bad_views_are_dropped_not_fatal(tmp_path):
    store = SessionStore(tmp_path)
    data = Session(scene="secant").to_dict()
    data["views"] = {"secant": [0, 1, "a", 3], "other": [0, 1, 0, 1]}
    store.path.write_text(json.dumps(data))
    assert store.load().session.views == {"other": [0.0, 1.0, 0.0, 1.0]}


def test_crash_marker(tmp_path):
    store = SessionStore(tmp_path)
    assert not store.load().crashed
    store.mark_running()
    assert SessionStore(tmp_path).load().crashed
    store.mark_closed()
    assert not store.load().crashed


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "session.json"
    atomic_write_text(path, "old")

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        atomic_write_text(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["session.json"]
