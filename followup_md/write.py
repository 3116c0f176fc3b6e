"""The only writer: atomic replaces with a stale-file guard."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from followup_md.errors import WriteError
from followup_md.model import FileChange
from followup_md.vault import TEMP_SUFFIX, stat_of


def _target(root: Path, rel: str) -> Path:
    """The path to write, refusing anything outside the vault or through a symlink."""
    path = root / rel
    parts = Path(rel).parts
    if Path(rel).is_absolute() or ".." in parts or any(p.startswith(".") for p in parts[:-1]):
        raise WriteError("refusing to write outside the vault or into a hidden folder", rel)
    current = root
    for part in parts:
        current = current / part
        if current.is_symlink():
            raise WriteError("refusing to write through a symlink", rel)
    return path


def _check_unchanged(path: Path, change: FileChange) -> os.stat_result | None:
    """The file's stat now, if it is still as it was read; WriteError otherwise."""
    try:
        current = path.stat()
    except FileNotFoundError:
        current = None
    if change.stat != (stat_of(current) if current is not None else None):
        what = "appeared" if change.stat is None else "changed"
        raise WriteError(f"{what} while followup-md was working; skipped until the next sync", change.path)
    return current


def _write_new(path: Path, data: bytes, mode: int | None, fsync: bool = True) -> Path:
    """The bytes in a temp file beside `path` (flushed to disk unless the caller
    syncs a whole batch at once); returns its path."""
    temp = path.with_name(f".{path.name}{TEMP_SUFFIX}")
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()  # left by a run that was killed
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        view = memoryview(data)
        written = 0
        while written < len(view):
            written += os.write(fd, view[written:])
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


def _commit(staged: _Staged) -> None:
    """Put a staged file in place. If someone wrote to the old file in the
    instant between the last check and the replace, their bytes are put back
    and the write is reported (their edit wins; the sync is retried)."""
    change, path, temp = staged.change, staged.path, staged.temp
    old_fd = None
    try:
        if change.stat is not None:
            old_fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        _check_unchanged(path, change)  # again, just before replacing
        temp.replace(path)
        if old_fd is not None and stat_of(os.fstat(old_fd)) != change.stat:
            _write_new(path, _read_all(old_fd), staged.mode).replace(path)
            raise WriteError(
                "changed while followup-md was writing it; your edit was kept, the sync will be retried",
                change.path,
            )
    except OSError as error:
        raise WriteError(f"could not write: {error.strerror or error}", change.path) from None
    finally:
        if old_fd is not None:
            os.close(old_fd)
        with contextlib.suppress(OSError):
            temp.unlink()  # gone after a replace; removed if we did not get that far


def write_atomic(root: Path, change: FileChange) -> None:
    """Replace one file: temp file beside it, fsync, mode kept, stale check, os.replace."""
    _commit(_stage(root, change, fsync=True))


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


BATCH = 8  # from this many files on, one sync of the disk beats an fsync each


def apply_changes(root: Path, changes: Sequence[FileChange]) -> list[WriteError]:
    """Write every change it safely can; return the ones it skipped. A large
    batch is staged in temp files, made durable with one `os.sync()`, then put in
    place file by file (a first sync writes thousands of notes)."""
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
    for item in staged:
        try:
            _commit(item)
        except WriteError as error:
            skipped.append(error)
    return skipped
