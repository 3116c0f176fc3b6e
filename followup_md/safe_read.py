"""Reading one file of a vault that may come from a stranger: only inside
the vault, only a regular file, never through a symlink, never waiting on a
FIFO or a device, never more than a size limit."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from followup_md.config import stays_inside
from followup_md.layout import READ_LIMIT
from followup_md.model import Stat, stat_of

SETTINGS_LIMIT = 1 << 20  # the config, an Obsidian settings file, a template


def open_regular(path: Path, limit: int) -> BinaryIO | None:
    """A file we read for ourselves (the config, the cache), open for reading;
    None if it is not there. Never follows a symlink, never waits on a FIFO or a
    device, refuses a file of more than `limit` bytes: OSError saying why."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_NOCTTY)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, "is a symbolic link; followup-md does not follow links") from None
        raise
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise OSError(errno.EINVAL, "is not a regular file")
        if found.st_size > limit:
            raise OSError(errno.EFBIG, f"is larger than {limit >> 20} MiB")
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of `open_regular(path, limit)` (never more than `limit`, even if
    the file grows while it is read)."""
    handle = open_regular(path, limit)
    if handle is None:
        return None
    with handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"is larger than {limit >> 20} MiB")
    return data


def inside_path(root: Path, rel: str) -> Path | None:
    """The real path of `rel` (symlinks resolved) if it lies inside the vault."""
    if not stays_inside(rel):
        return None
    try:
        real = (root / rel).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real.is_relative_to(root.resolve()) and real != root.resolve() else None


def read_inside(root: Path, rel: str, limit: int = SETTINGS_LIMIT) -> bytes | None:
    """A settings file or template: only from inside the vault (links resolved
    and checked), only a regular file, at most `limit` bytes; None otherwise."""
    real = inside_path(root, rel)
    if real is None:
        return None
    try:
        return read_regular(real, limit)
    except OSError:
        return None


def read_file(root: Path, rel: str) -> tuple[bytes, Stat] | None:
    """A regular file's bytes and the stat they were read at; None if it is gone
    or not a regular file (a FIFO is never waited on, a link never followed).
    Other failures (no permission, more than READ_LIMIT bytes) raise OSError."""
    try:
        fd = os.open(os.path.join(root, rel), os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            return None  # a symlink
        raise
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            return None
        if before.st_size > READ_LIMIT:
            raise OSError(errno.EFBIG, f"is larger than {READ_LIMIT >> 20} MiB")
        chunks = [os.read(fd, before.st_size + 1)]
        size = len(chunks[0])
        while chunks[-1] and size != before.st_size and size <= READ_LIMIT:  # grown, shrunk or a short read
            chunks.append(os.read(fd, 1 << 20))
            size += len(chunks[-1])
        if size > READ_LIMIT:
            raise OSError(errno.EFBIG, f"is larger than {READ_LIMIT >> 20} MiB")  # it grew as it was read
        return b"".join(chunks), stat_of(before)
    finally:
        os.close(fd)
