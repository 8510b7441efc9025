"""Files are never half written: write beside the target, then rename over it."""

from __future__ import annotations

import contextlib
import errno
import os
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
