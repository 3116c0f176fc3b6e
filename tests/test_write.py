"""The writer: atomic, mode-keeping, stale-guarded, never through a symlink."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from followup_md.errors import WriteError
from followup_md.layout import TEMP_SUFFIX
from followup_md.model import FileChange, stat_of
from followup_md.write import apply_changes, write_atomic


def _change(root: Path, rel: str, new: bytes) -> FileChange:
    path = root / rel
    old = path.read_bytes() if path.exists() else None
    return FileChange(rel, old, new, stat_of(path.stat()) if path.exists() else None)


def test_replaces_and_keeps_the_mode(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_bytes(b"old")
    note.chmod(0o600)
    write_atomic(tmp_path, _change(tmp_path, "n.md", b"new"))
    assert note.read_bytes() == b"new"
    assert note.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["n.md"]


def test_creates_a_new_file(tmp_path: Path) -> None:
    write_atomic(tmp_path, _change(tmp_path, "Due.md", b"x"))
    assert (tmp_path / "Due.md").read_bytes() == b"x"


def test_a_file_changed_since_it_was_read_is_skipped(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_bytes(b"old")
    change = _change(tmp_path, "n.md", b"new")
    note.write_bytes(b"the user typed this")
    with pytest.raises(WriteError) as caught:
        write_atomic(tmp_path, change)
    assert str(caught.value) == "n.md: changed while followup-md was working; skipped until the next sync"
    assert note.read_bytes() == b"the user typed this"


def test_a_file_that_appeared_is_not_clobbered(tmp_path: Path) -> None:
    change = _change(tmp_path, "Due.md", b"ours")
    (tmp_path / "Due.md").write_bytes(b"theirs")
    with pytest.raises(WriteError):
        write_atomic(tmp_path, change)
    assert (tmp_path / "Due.md").read_bytes() == b"theirs"


def test_never_through_a_symlink_or_outside_the_vault(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_bytes(b"keep")
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "link.md").symlink_to(outside)
    with pytest.raises(WriteError, match="symlink"):
        write_atomic(vault, FileChange("link.md", b"keep", b"x", None))
    with pytest.raises(WriteError, match="outside the vault"):
        write_atomic(vault, FileChange("../outside.md", b"keep", b"x", None))
    with pytest.raises(WriteError, match="outside the vault"):
        write_atomic(vault, FileChange(".obsidian/x.md", None, b"x", None))
    assert outside.read_bytes() == b"keep"


def test_a_failed_write_leaves_the_original_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = tmp_path / "n.md"
    note.write_bytes(b"old")
    change = _change(tmp_path, "n.md", b"new")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    skipped = apply_changes(tmp_path, [change, _change(tmp_path, "other.md", b"x")])
    assert [str(e) for e in skipped] == ["n.md: could not write: No space left on device"] * 1 + [
        "other.md: could not write: No space left on device"
    ]
    assert note.read_bytes() == b"old"
    assert not list(tmp_path.glob(f"*{TEMP_SUFFIX}"))


def test_a_leftover_temp_file_from_a_killed_run_is_replaced(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_bytes(b"old")
    (tmp_path / f".n.md{TEMP_SUFFIX}").write_bytes(b"half")
    write_atomic(tmp_path, _change(tmp_path, "n.md", b"new"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.md"]


def test_a_batch_is_synced_once_and_a_file_edited_meanwhile_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(10):
        (tmp_path / f"n{index}.md").write_bytes(b"old")
    changes = [_change(tmp_path, f"n{index}.md", b"new") for index in range(10)]
    syncs = []

    def sync_and_type() -> None:
        syncs.append(1)
        (tmp_path / "n3.md").write_bytes(b"the user typed this")

    monkeypatch.setattr(os, "sync", sync_and_type)
    skipped = apply_changes(tmp_path, changes)
    assert syncs == [1]
    assert [e.path for e in skipped] == ["n3.md"]
    assert (tmp_path / "n3.md").read_bytes() == b"the user typed this"
    assert all((tmp_path / f"n{i}.md").read_bytes() == b"new" for i in range(10) if i != 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"n{i}.md" for i in range(10))


@pytest.mark.parametrize("typed_again", [False, True])
def test_a_write_into_the_old_file_around_the_replace_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, typed_again: bool
) -> None:
    from followup_md import write
    from followup_md.parse import _CONFLICT_COPY

    for index in range(10):
        (tmp_path / f"n{index}.md").write_bytes(b"old\n")
    changes = [_change(tmp_path, f"n{index}.md", b"new\n") for index in range(10)]
    editor = (tmp_path / "n4.md").open("ab")  # an editor holding the note open

    def meanwhile(seconds: float) -> None:  # the grace after the replaces
        editor.write(b"typed\n")
        editor.flush()
        if typed_again:
            (tmp_path / "n4.md").write_bytes(b"new\nand more\n")

    monkeypatch.setattr(write, "_grace", meanwhile)
    try:
        skipped = apply_changes(tmp_path, changes)
    finally:
        editor.close()
    assert [e.path for e in skipped] == ["n4.md"]
    if typed_again:
        copy = tmp_path / "n4 (conflicted copy followup-md).md"
        assert copy.read_bytes() == b"old\ntyped\n"
        assert (tmp_path / "n4.md").read_bytes() == b"new\nand more\n"
        assert _CONFLICT_COPY.search(copy.name)  # reported, never taken for a note
    else:
        assert (tmp_path / "n4.md").read_bytes() == b"old\ntyped\n"
    assert (tmp_path / "n3.md").read_bytes() == b"new\n"


@pytest.mark.parametrize(
    ("on_disk", "expected", "same"),
    [
        (b"", b"", True),
        (b"x" * (3 << 20), b"x" * (3 << 20), True),  # three chunks of a megabyte
        (b"x" * (3 << 20), b"x" * (2 << 20) + b"y" + b"x" * ((1 << 20) - 1), False),  # the third differs
        (b"x" * (2 << 20), b"x" * (2 << 20) + b"x", False),  # cut short
        (b"x" * (2 << 20) + b"x", b"x" * (2 << 20), False),  # longer
    ],
)
def test_the_stale_guard_compares_a_file_a_chunk_at_a_time(
    tmp_path: Path, on_disk: bytes, expected: bytes, same: bool
) -> None:
    from followup_md.write import _holds

    path = tmp_path / "Due.md"
    path.write_bytes(on_disk)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert _holds(fd, expected) is same
    finally:
        os.close(fd)
