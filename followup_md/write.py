"""The only writer: atomic replaces with a stale-file guard."""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from followup_md.errors import WriteError
from followup_md.layout import READ_LIMIT, TEMP_SUFFIX
from followup_md.model import FileChange, Stat, stat_of

NAME_MAX = 255  # bytes in one file name on every file system a vault lives on


def _target(root: Path, rel: str, hidden: bool = False) -> Path:
    """The path to write, refusing anything outside the vault or through a
    symlink (and, unless `hidden`, into a hidden folder such as `.obsidian`)."""
    path = root / rel
    parts = Path(rel).parts
    if (
        Path(rel).is_absolute()
        or ".." in parts
        or (not hidden and any(p.startswith(".") for p in parts[:-1]))
    ):
        raise WriteError("refusing to write outside the vault or into a hidden folder", rel)
    current = root
    for part in parts:
        current = current / part
        if current.is_symlink():
            raise WriteError("refusing to write through a symlink", rel)
    return path


def _stale(change: FileChange) -> WriteError:
    what = "appeared" if change.stat is None else "changed"
    return WriteError(f"{what} while followup-md was working; skipped until the next sync", change.path)


def _check_unchanged(path: Path, change: FileChange) -> os.stat_result | None:
    """The file's stat now, if it is still as it was read; WriteError otherwise."""
    try:
        current = path.lstat()
    except FileNotFoundError:
        current = None
    if current is not None and not stat.S_ISREG(current.st_mode):
        raise WriteError("is not a regular file; followup-md leaves it alone", change.path)
    if current is not None and change.stat is None and current.st_size > READ_LIMIT:
        raise WriteError(f"is larger than {READ_LIMIT >> 20} MiB; followup-md leaves it alone", change.path)
    if change.stat != (stat_of(current) if current is not None else None):
        raise _stale(change)
    return current


def temp_path(path: Path) -> Path:
    """The hidden temp file beside `path`; a long name is shortened (and made
    unique with a hash of the whole name) so the temp name fits NAME_MAX."""
    name = f".{path.name}{TEMP_SUFFIX}"
    if len(os.fsencode(name)) <= NAME_MAX:
        return path.with_name(name)
    import hashlib  # only for a name this long: a no-op sync does not load it

    digest = hashlib.blake2b(os.fsencode(path.name), digest_size=8).hexdigest()
    end = f"~{digest}{TEMP_SUFFIX}"
    return path.with_name(f".{_fit(path.name, NAME_MAX - 1 - len(end))}{end}")


def _fit(name: str, room: int) -> str:
    """`name` cut to at most `room` bytes (never inside a character)."""
    return os.fsencode(name)[:room].decode("utf-8", "ignore")


# What a file is written with: its bytes, or a writer of them into a binary
# file (for a large file that is never held whole, the cache's notes tier).
Content = bytes | Callable[[BinaryIO], object]


def _write_new(path: Path, data: Content, mode: int | None, fsync: bool = True) -> Path:
    """The bytes in a temp file beside `path` (flushed to disk unless the caller
    syncs a whole batch at once); returns its path."""
    temp = temp_path(path)
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()  # left by a run that was killed
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        if isinstance(data, bytes):
            view = memoryview(data)
            written = 0
            while written < len(view):
                written += os.write(fd, view[written:])
        else:
            with os.fdopen(fd, "wb", closefd=False) as handle:
                data(handle)
        if mode is not None:
            os.fchmod(fd, mode)
        if fsync:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    os.close(fd)
    return temp


def _holds(fd: int, data: bytes) -> bool:
    """Whether the file holds exactly `data`, compared a chunk at a time (a
    Due.md of megabytes is not read whole beside its old and new bytes)."""
    offset = 0
    with memoryview(data) as expected:
        while chunk := os.pread(fd, 1 << 20, offset):
            if expected[offset : offset + len(chunk)] != chunk:
                return False
            offset += len(chunk)
    return offset == len(data)


def _read_all(fd: int) -> bytes:
    chunks, offset = [], 0
    while chunk := os.pread(fd, 1 << 20, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


@dataclass
class _Staged:
    """A change written to its temp file, not yet put in place."""

    change: FileChange
    path: Path
    temp: Path
    mode: int | None


def _stage(root: Path, change: FileChange, fsync: bool) -> _Staged:
    path = _target(root, change.path)
    current = _check_unchanged(path, change)
    mode = stat.S_IMODE(current.st_mode) if current is not None else None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return _Staged(change, path, _write_new(path, change.new, mode, fsync), mode)
    except OSError as error:
        raise WriteError(f"could not write: {error.strerror or error}", change.path) from None


@dataclass
class _Placed:
    """A file just put in place, and the old one still open: a writer that had
    it open before the replace writes there, and its bytes must not be lost."""

    change: FileChange
    path: Path
    old_fd: int
    new: Stat
    mode: int | None


def _commit(staged: _Staged) -> _Placed | None:
    """Put a staged file in place (the old one stays open for `_verify`)."""
    change, path, temp = staged.change, staged.path, staged.temp
    old_fd = None
    try:
        if change.stat is not None:
            old_fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        _check_unchanged(path, change)  # again, just before replacing
        if old_fd is not None and change.old is not None and not _holds(old_fd, change.old):
            # Same size and mtime, other bytes (`cp -p`, `touch -r`, a crafted cache):
            # the new text was planned from something that is not on disk.
            raise _stale(change)
        new = stat_of(temp.stat())
        temp.replace(path)
    except BaseException as error:
        if old_fd is not None:
            os.close(old_fd)
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(error, OSError):
            raise WriteError(f"could not write: {error.strerror or error}", change.path) from None
        raise
    return _Placed(change, path, old_fd, new, staged.mode) if old_fd is not None else None


def _verify(placed: _Placed) -> None:
    """Close the old file; if someone wrote to it around the replace, put their
    bytes back (or, if the new file has changed too, beside it as a conflicted
    copy) and report the note as skipped: their edit wins, the sync is retried."""
    change = placed.change
    try:
        if stat_of(os.fstat(placed.old_fd)) == change.stat:
            return
        theirs = _read_all(placed.old_fd)
        if stat_of(placed.path.stat()) == placed.new:
            _write_new(placed.path, theirs, placed.mode).replace(placed.path)
            where = "your edit was kept"
        else:
            where = f"your edit is in {_conflicted_copy(placed.path, theirs, placed.mode).name}"
        raise WriteError(
            f"changed while followup-md was writing it; {where}, the sync will be retried", change.path
        )
    except OSError as error:
        raise WriteError(f"could not check the write: {error.strerror or error}", change.path) from None
    finally:
        os.close(placed.old_fd)


def _conflicted_copy(path: Path, data: bytes, mode: int | None) -> Path:
    """`data` in a new file beside `path`, under the first conflicted-copy name
    not taken: an earlier copy is never replaced."""
    temp = _write_new(path, data, mode)
    number = 1
    try:
        while True:
            end = " (conflicted copy followup-md" + (f" {number}" if number > 1 else "") + ").md"
            copy = path.with_name(_fit(path.stem, NAME_MAX - len(end)) + end)
            try:
                os.link(temp, copy)  # fails if the name is taken, where a replace would not
            except FileExistsError:
                number += 1
                continue
            return copy
    finally:
        temp.unlink()


def write_own(root: Path, rel: str, data: Content) -> None:
    """Replace one of our own files (the cache, its `.gitignore`) whatever it
    held: atomic, never through a symlink, never over a folder, FIFO or device."""
    path = _target(root, rel, hidden=True)
    try:
        current = path.lstat()
    except FileNotFoundError:
        current = None
    if current is not None and not stat.S_ISREG(current.st_mode):
        raise WriteError("is not a regular file; followup-md leaves it alone", rel)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_new(path, data, None, fsync=False).replace(path)
    except OSError as error:
        raise WriteError(f"could not write: {error.strerror or error}", rel) from None


def write_atomic(root: Path, change: FileChange) -> None:
    """Replace one file: temp file beside it, fsync, mode kept, stale check, os.replace."""
    placed = _commit(_stage(root, change, fsync=True))
    if placed is not None:
        _verify(placed)


def write_export(path: Path, data: bytes) -> None:
    """A file the user asked for by name (`export ics -o`): atomic, anywhere."""
    path = path.resolve()
    try:
        _write_new(path, data, None).replace(path)
    except OSError as error:
        raise WriteError(f"could not write: {error.strerror or error}", str(path)) from None


def remove_leftovers(root: Path, rels: Iterable[str]) -> None:
    """Delete our own temp files left by a run that was killed (never a link)."""
    for rel in rels:
        path = root / rel
        if path.name.startswith(".") and path.name.endswith(TEMP_SUFFIX) and not path.is_symlink():
            with contextlib.suppress(OSError):
                path.unlink()


def _grace(seconds: float) -> None:
    """Let a writer that opened a note before its replace finish its write."""
    time.sleep(seconds)


BATCH = 8  # from this many files on, one sync of the disk beats an fsync each
OPEN_AT_ONCE = 256  # old files kept open for their check (well under any fd limit)
GRACE = 0.02  # seconds a writer that opened a note before its replace has to write


def apply_changes(root: Path, changes: Sequence[FileChange], grace: bool = True) -> list[WriteError]:
    """Write every change it safely can; return the ones it skipped. A large
    batch is staged in temp files, made durable with one `os.sync()`, then put in
    place file by file (a first sync writes thousands of notes). Each old file
    stays open a moment after its replace (`grace`), so that a write that lands
    in it (an editor that had it open) is found and put back. The watcher skips
    the grace: it writes a note only once nobody has touched it for seconds."""
    skipped: list[WriteError] = []
    batch = len(changes) >= BATCH
    staged: list[_Staged] = []
    for change in changes:
        try:
            staged.append(_stage(root, change, fsync=not batch))
        except WriteError as error:
            skipped.append(error)
    if batch:
        os.sync()
    placed: list[_Placed] = []

    def verify(items: list[_Placed]) -> None:
        if grace:
            _grace(GRACE)
        for item in items:
            try:
                _verify(item)
            except WriteError as error:
                skipped.append(error)

    for item in staged:
        try:
            done = _commit(item)
        except WriteError as error:
            skipped.append(error)
            continue
        if done is not None:
            placed.append(done)
        if len(placed) >= OPEN_AT_ONCE:
            verify(placed)
            placed = []
    if placed:
        verify(placed)
    return skipped
