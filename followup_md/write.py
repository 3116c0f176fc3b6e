"""The only writer: atomic replaces with a stale-file guard."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from followup_md.errors import WriteError
from followup_md.model import FileChange
from followup_md.vault import stat_of

TEMP_SUFFIX = ".followup-md.tmp"


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


def write_atomic(root: Path, change: FileChange) -> None:
    """Replace one file: temp file beside it, fsync, mode kept, stale check, os.replace."""
    path = _target(root, change.path)
    current = _check_unchanged(path, change)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}{TEMP_SUFFIX}")
    try:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()  # left by a run that was killed
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(change.new)
            written = 0
            while written < len(view):
                written += os.write(fd, view[written:])
            if current is not None:
                os.fchmod(fd, stat.S_IMODE(current.st_mode))
            os.fsync(fd)
        finally:
            os.close(fd)
        _check_unchanged(path, change)  # again, just before replacing
        temp.replace(path)
    except WriteError:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise WriteError(f"could not write: {error.strerror or error}", change.path) from None


def apply_changes(root: Path, changes: Iterable[FileChange]) -> list[WriteError]:
    """Write every change it safely can; return the ones it skipped."""
    skipped: list[WriteError] = []
    for change in changes:
        try:
            write_atomic(root, change)
        except WriteError as error:
            skipped.append(error)
    return skipped
