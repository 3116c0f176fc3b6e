"""Hostile files in the vault: every run finishes promptly with exit 0 and no
traceback, reports each problem once with its path, and processes the good notes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from followup_md.cli import cli

from .conftest import TODAY
from .helpers import GOOD, SUBPROCESS_ENV, good_vault


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "followup_md", *args, str(root)],
        capture_output=True,
        text=True,
        env=SUBPROCESS_ENV,
        timeout=120,
        check=False,
    )


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return good_vault(tmp_path)


def assert_clean_run(root: Path) -> subprocess.CompletedProcess[str]:
    done = run(root, "sync")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "^fu-confirm" in (root / "Good.md").read_text()
    return done


def reported_once(text: str, path: str) -> bool:
    return sum(line.startswith(f"{path}:") for line in text.splitlines()) == 1


def test_yaml_alias_bomb(vault: Path) -> None:
    bomb = "---\ntype: contact\na: &a [x, x, x, x, x, x, x, x, x]\n"
    bomb += "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9)
    )
    (vault / "bomb.md").write_text(bomb + "---\n")
    done = assert_clean_run(vault)
    assert reported_once(done.stderr, "bomb.md")
    assert "anchors and aliases" in done.stderr


def test_notes_of_tens_of_megabytes(vault: Path) -> None:
    huge = "---\ntype: contact\nmet: 2026-11-19\n---\n" + "x" * (30 << 20)
    (vault / "huge-ours.md").write_text(huge)
    (vault / "huge-book.md").write_text("---\ntype: book\n---\n" + "x" * (30 << 20))
    done = assert_clean_run(vault)
    assert reported_once(done.stderr, "huge-ours.md")
    assert "huge-book.md" not in done.stderr
    assert (vault / "huge-ours.md").read_text() == huge


@pytest.mark.parametrize("depth", [5000, 100_000])
def test_deeply_nested_front_matter(vault: Path, depth: int) -> None:
    (vault / "deep.md").write_text("---\ntype: contact\ntopics: " + "[" * depth + "]" * depth + "\n---\n")
    done = assert_clean_run(vault)
    assert reported_once(done.stderr, "deep.md")


def test_binary_nul_bytes_and_a_folder_named_like_a_note(vault: Path) -> None:
    (vault / "random.md").write_bytes(b"\xff\xfe" + os.urandom(4096))
    (vault / "nul.md").write_bytes(b"---\ntype: contact\nmet: 2026-11-19\x00\n---\n")
    (vault / "folder.md").mkdir()
    (vault / "folder.md" / "Inside.md").write_text(GOOD)
    done = assert_clean_run(vault)
    assert reported_once(done.stderr, "nul.md")
    assert "^fu-confirm" in (vault / "folder.md" / "Inside.md").read_text()
    listed = run(vault, "check", "--all")
    assert listed.returncode == 1
    assert reported_once(listed.stderr, "random.md")


def test_a_fifo_never_blocks_the_run(vault: Path) -> None:
    os.mkfifo(vault / "pipe.md")
    assert_clean_run(vault)
    listed = run(vault, "check", "--all")
    assert reported_once(listed.stderr, "pipe.md")
    assert "not a regular file" in listed.stderr


def test_symlinks_are_reported_and_never_followed(vault: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text(GOOD)
    (vault / "from-outside.md").symlink_to(outside)
    (vault / "dangling.md").symlink_to(vault / "nowhere.md")
    (vault / "loop-a.md").symlink_to(vault / "loop-b.md")
    (vault / "loop-b.md").symlink_to(vault / "loop-a.md")
    (vault / "linked-folder").symlink_to(tmp_path, target_is_directory=True)
    assert_clean_run(vault)
    assert outside.read_text() == GOOD
    listed = run(vault, "check", "--all")
    for name in ("from-outside.md", "dangling.md", "loop-a.md", "loop-b.md"):
        assert reported_once(listed.stderr, name), listed.stderr
    assert "linked-folder" not in listed.stderr


def test_names_with_newlines_unicode_forms_and_case(vault: Path) -> None:
    (vault / "two\nlines.md").write_text(GOOD)
    (vault / unicodedata.normalize("NFC", "Café.md")).write_text(GOOD)
    (vault / unicodedata.normalize("NFD", "Café.md")).write_text(GOOD)
    (vault / "Jane.md").write_text(GOOD)
    (vault / "jane.md").write_text(GOOD)
    assert_clean_run(vault)
    for path in vault.glob("*.md"):
        if path.name != "Due.md":
            assert "^fu-confirm" in path.read_text(), path.name
    due = (vault / "Due.md").read_text()
    assert due.count("^fu-confirm") == 6
    assert "two%0Alines.md" in due  # a link that stays on its line
    assert all(line.startswith(("- ", "#", "<!--", "")) for line in due.splitlines())


@pytest.mark.parametrize(
    ("copies", "said"),
    [
        (
            [
                "Good.sync-conflict-20261120-093000-ABCDEFG.md",
                "Good (conflicted copy 2026-11-20).md",
                "Good (Ann's conflicted copy 2026-11-20).md",
            ],
            "conflict copy",
        ),
        # `git mergetool` opens Good_LOCAL_123.md, Good_REMOTE_123.md… beside the
        # note while the merge lasts: they were synced as four more notes (four
        # of every step in Due.md), and blocks written into the files being merged
        ([f"Good_{side}_4242.md" for side in ("BACKUP", "BASE", "LOCAL", "REMOTE")], "git mergetool's copy"),
    ],
)
def test_a_conflicted_copy_is_reported_and_never_written(vault: Path, copies: list[str], said: str) -> None:
    for name in copies:
        (vault / name).write_text(GOOD)
    done = assert_clean_run(vault)
    for name in copies:
        assert (vault / name).read_text() == GOOD
        assert reported_once(done.stderr, name)
    assert said in done.stderr


def test_a_temp_file_left_by_a_killed_run_is_cleaned(vault: Path) -> None:
    leftover = vault / ".Good.md.followup-md.tmp"
    leftover.write_text("half a note")
    assert_clean_run(vault)
    assert not leftover.exists()


@pytest.fixture
def shared_vault() -> Iterator[Path]:
    """A vault another user can enter (for the non-root test)."""
    folder = Path(tempfile.mkdtemp(prefix="followup-md-"))
    folder.chmod(0o777)
    root = folder / "vault"
    root.mkdir()
    root.chmod(0o777)
    yield root
    shutil.rmtree(folder)


@contextmanager
def as_user(uid: int) -> Iterator[None]:
    """Check permissions as another user in this process (root can switch back)."""
    os.setegid(uid)
    os.seteuid(uid)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")
def test_a_file_without_read_permission_as_a_non_root_user(shared_vault: Path) -> None:
    import followup_md.cache
    import followup_md.markers
    import followup_md.sync
    import followup_md.write

    followup_md.markers._markdown()

    (shared_vault / "Good.md").write_text(GOOD)
    (shared_vault / "Secret.md").write_text(GOOD)
    for path in shared_vault.iterdir():
        path.chmod(0o666)
    (shared_vault / "Secret.md").chmod(0o000)
    runner = CliRunner()
    with as_user(65534):
        with pytest.raises(PermissionError):
            (shared_vault / "Secret.md").read_bytes()
        done = runner.invoke(cli, ["sync", str(shared_vault), "--today", TODAY.isoformat()])
        listed = runner.invoke(cli, ["check", str(shared_vault), "--all"])
    assert done.exit_code == 0, done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)
    assert "^fu-confirm" in (shared_vault / "Good.md").read_text()
    assert reported_once(listed.stderr, "Secret.md")
    assert "Secret.md: cannot be read: Permission denied" in listed.stderr
    (shared_vault / "Secret.md").chmod(0o666)
    assert (shared_vault / "Secret.md").read_text() == GOOD


def test_a_symlinked_vault_path_works(vault: Path, tmp_path: Path) -> None:
    link = tmp_path / "link-to-vault"
    link.symlink_to(vault, target_is_directory=True)
    done = run(link, "sync")
    assert done.returncode == 0, done.stderr
    assert "^fu-confirm" in (vault / "Good.md").read_text()


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('due_file = "../Due.md"', "followup-md.toml:1: due_file must be a .md path inside the vault"),
        ('due_file = "/tmp/Due.md"', "followup-md.toml:1: due_file must be a .md path inside the vault"),
        (
            'skip_weekends = true\ntemplates = ["../Templates"]',
            "followup-md.toml:2: templates: '../Templates' is not a folder inside the vault",
        ),
        (
            '[folders]\n"/etc" = "contact"',
            "followup-md.toml:2: folders: '/etc' is not a folder inside the vault",
        ),
    ],
)
def test_config_pointing_outside_the_vault_is_refused(vault: Path, setting: str, message: str) -> None:
    (vault / "followup-md.toml").write_text(setting + "\n")
    done = run(vault, "sync")
    assert done.returncode == 2
    assert message in done.stderr
    assert "followup-md" not in (vault / "Good.md").read_text()
