"""Files are never half written: write beside the target, then rename over it."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


class ExportError(RuntimeError):
    """An export that could not be finished; the message is for a person, nothing was left behind."""


def describe_os_error(exc: OSError, path: Path) -> str:
    """A sentence for a failed write."""
    if exc.errno == errno.ENOSPC:
        return f"the disk is full: {path} was not written"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"no permission to write in {path.parent}"
    if exc.errno == errno.ENOENT:
        return f"the folder {path.parent} does not exist"
    return f"could not write {path}: {exc.strerror or exc}"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it is renamed to ``target``.

    Any exception (cancel, encoder failure, full disk) removes the temporary file
    and leaves ``target`` as it was. OSErrors become :class:`ExportError` with a
    readable message.
    """
    target = Path(target)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise ExportError(f"the folder {directory} does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".part{target.suffix}", dir=directory)
    except OSError as exc:
        raise ExportError(describe_os_error(exc, target)) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a finished file gets the usual mode
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(describe_os_error(exc, target)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def check_new_folder(target: str | os.PathLike) -> Path:
    """``target`` as a folder that may be created: its parent exists, and it is absent or empty."""
    target = Path(target)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise ExportError(f"the folder {parent} does not exist")
    if target.exists():
        if not target.is_dir():
            raise ExportError(f"{target} is a file, not a folder")
        if any(target.iterdir()):
            raise ExportError(f"the folder {target} already holds files; choose a new or empty folder")
    return target


@contextlib.contextmanager
def atomic_folder(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it is renamed to ``target``.

    ``target`` must be absent or empty. Any exception removes the temporary
    folder with everything in it; OSErrors become :class:`ExportError`.
    """
    target = check_new_folder(target)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    except OSError as exc:
        raise ExportError(describe_os_error(exc, target)) from None
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes 0700
        if target.is_dir():
            target.rmdir()  # empty, checked above; a rename onto it needs it gone on some systems
        os.replace(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ExportError(describe_os_error(exc, target)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
