"""Random hostile vault trees: notes, links into and out of the vault, FIFOs,
folders named like our files, odd names, a hostile `.followup-md/`. Whatever the
tree, a sync changes nothing outside the vault, never prints a traceback,
keeps every byte of a note outside its block, and a second sync is a no-op."""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup_md.blocks import split_lines
from followup_md.cli import cli
from followup_md.config import Config
from followup_md.model import Note, TaskSyntax
from followup_md.parse import read_note

from .conftest import TODAY
from .helpers import UTC_ZONE

NAMES = st.sampled_from(
    [
        "Jane.md",
        "a b.md",
        "two\nlines.md",
        "é" * 126 + ".md",
        "-rf.md",
        "Due.md",
        "Eve\x1b[2J.md",
        "Jane (conflicted copy followup-md).md",
        "notes/Bob.md",
        "notes/deep/Ann.md",
        "Templates/contact.md",
        ".hidden.md",
    ]
)
NOTES = st.sampled_from(
    [
        "---\ntype: application\ncompany: Acme\napplied: 2026-11-18\n---\nMy own words.\n",
        "---\ntype: contact\nmet: 2026-11-18\ncadence: 2w\n---\n\nUse `%%` sparingly.\n",
        "---\ntype: interview\ninterview: 2026-11-18T10:00\n---\n```\nunclosed fence\n",
        "---\ntype: contact\nmet: 9999-12-31\nsnooze: 0001-01-01\n---\n",
        "---\ntype: contact\ncadence: 99999999y\nmet: 2026-11-18\n---\n",
        "---\ntype: contact\nmet: 2026-11-18\n---\n%% open comment\n",
        "---\ntype: contact\nmet: 2026-11-18\n---\n<!-- followup-md:begin (generated) reconnect=9999-99-99 -->\n"
        "- [ ] x #followup 📅 9999-12-31 ⏫ 🔁 every week ^fu-reconnect\n"
        "- [x] mine ✅ 2026-11-19 ^fu-reconnect\n<!-- followup-md:end -->\n",
        "no front matter at all\n",
        "\xff\xfe not text",
    ]
)
OWN = st.sampled_from(
    [
        ".followup-md",
        ".followup-md/run.pickle",
        ".followup-md/notes.pickle",
        ".followup-md/.notes.pickle.tmp",
        ".followup-md/.gitignore",
        ".followup-md/templates/confirm.txt",
        "followup-md.toml",
        ".obsidian/templates.json",
        ".obsidian/plugins/obsidian-tasks-plugin/data.json",
        "Due.md",
        "Follow-ups.ics",
        ".Jane.md.followup-md.tmp",
    ]
)
KINDS = st.sampled_from(
    ["note", "garbage", "fifo", "folder", "link-out", "link-out-dir", "link-in", "dangling", "dev-zero"]
)
ENTRIES = st.lists(st.tuples(KINDS, st.one_of(NAMES, OWN), NOTES), max_size=10)


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail (not hang) if a run blocks: on a FIFO, on a device."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"a run took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def build(root: Path, outside: Path, entries: list[tuple[str, str, str]]) -> None:
    makers: dict[str, Callable[[Path, str], object]] = {
        "note": lambda path, text: path.write_bytes(text.encode("utf-8", "surrogateescape")),
        "garbage": lambda path, _: path.write_bytes(os.urandom(64)),
        "fifo": lambda path, _: os.mkfifo(path),
        "folder": lambda path, _: path.mkdir(),
        "link-out": lambda path, _: path.symlink_to(outside / "secret.md"),
        "link-out-dir": lambda path, _: path.symlink_to(outside, target_is_directory=True),
        "link-in": lambda path, _: path.symlink_to(root / "Jane.md"),
        "dangling": lambda path, _: path.symlink_to(outside / "created-by-us"),
        "dev-zero": lambda path, _: path.symlink_to("/dev/zero"),
    }
    for kind, rel, text in entries:
        path = root / rel
        if os.path.lexists(path):
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue  # a parent is a file or a link made earlier
        makers[kind](path, text)


def snapshot(folder: Path, skip: str = "") -> dict[str, tuple[str, bytes | str]]:
    """Every entry under `folder`: a link's target, a file's bytes, a folder."""
    found: dict[str, tuple[str, bytes | str]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if skip and rel.split("/")[0] == skip:
                continue
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path))
            elif path.is_file():
                found[rel] = ("file", path.read_bytes())
            else:
                found[rel] = ("other", "")
    return found


def sync(root: Path) -> tuple[int, str]:
    with deadline(60):
        result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def kept_outside_block(old: bytes, new: bytes, rel: str) -> bool:
    note = read_note(rel, old, Config(), TaskSyntax(), UTC_ZONE)
    if not isinstance(note, Note):
        return new == old
    text, after = old.decode(), new.decode()
    if note.block is None:
        return after.startswith(text)
    lines = split_lines(text)
    return after.startswith("".join(lines[: note.block.begin])) and after.endswith(
        "".join(lines[note.block.end + 1 :])
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ENTRIES)
def test_a_random_hostile_vault_is_handled(entries: list[tuple[str, str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        outside = Path(folder) / "outside"
        outside.mkdir()
        (outside / "secret.md").write_text("---\ntype: contact\nmet: 2026-11-18\n---\nsecret\n")
        root = Path(folder) / "vault"
        root.mkdir()
        build(root, outside, entries)
        before_outside = snapshot(outside)
        before = snapshot(root)
        sync(root)
        assert snapshot(outside) == before_outside
        assert sorted(p.name for p in Path(folder).iterdir()) == ["outside", "vault"]
        after = snapshot(root, skip=".followup-md")
        for rel, (kind, data) in before.items():
            if kind != "file" or not rel.endswith(".md") or rel == "Due.md" or rel.startswith("."):
                ours = (
                    rel.split("/")[0] == ".followup-md" or rel == "Due.md" or rel.endswith(".followup-md.tmp")
                )
                if not ours:  # a temp file of a killed run is ours to delete
                    assert after.get(rel) == (kind, data), rel
                continue
            assert after[rel][0] == "file", rel
            assert isinstance(data, bytes)
            new = after[rel][1]
            assert isinstance(new, bytes)
            assert kept_outside_block(data, new, rel), rel
        sync(root)
        assert snapshot(root, skip=".followup-md") == after
        assert snapshot(outside) == before_outside
