"""A cloned vault is untrusted input, `.followup-md/` and `.obsidian/` included:
our own files are never followed out of the vault, never block, never eat
memory, and nothing a stranger put there is copied, printed raw or lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import TODAY

GOOD = "---\ntype: application\ncompany: Acme\napplied: 2026-11-18\n---\n"
ENV = {**os.environ, "FOLLOWUP_MD_TODAY": TODAY.isoformat()}


def run(root: Path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """The real command in a child process (a hang fails the test, not the suite)."""
    return subprocess.run(
        [sys.executable, "-m", "followup_md", *args],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=timeout,
        check=False,
        cwd=root,
    )


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    root.mkdir()
    (root / "Good.md").write_text(GOOD)
    return root


def synced(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = run(root, "sync", *args)
    assert "Traceback" not in done.stderr, done.stderr
    return done


# 1. Our own files: no symlinks, regular files only, size-capped, never a FIFO.


@pytest.mark.parametrize("name", ["notes.pickle", ".notes.pickle.tmp", "run.pickle", ".run.pickle.tmp"])
def test_a_cache_file_linked_outside_is_never_written_through(vault: Path, tmp_path: Path, name: str) -> None:
    outside = tmp_path / "precious.txt"
    outside.write_text("mine")
    (vault / ".followup-md").mkdir()
    (vault / ".followup-md" / name).symlink_to(outside)
    assert synced(vault).returncode == 0
    assert outside.read_text() == "mine"
    assert "^fu-confirm" in (vault / "Good.md").read_text()


def test_a_dangling_gitignore_link_creates_nothing_outside(vault: Path, tmp_path: Path) -> None:
    (vault / ".followup-md").mkdir()
    (vault / ".followup-md" / ".gitignore").symlink_to(tmp_path / "created-outside")
    assert synced(vault).returncode == 0
    assert not (tmp_path / "created-outside").exists()
    assert not (tmp_path / "created-outside").is_symlink()


def test_a_cache_folder_linked_outside_is_left_alone(vault: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (vault / ".followup-md").symlink_to(elsewhere, target_is_directory=True)
    assert synced(vault).returncode == 0
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("name", [".followup-md/run.pickle", ".followup-md/notes.pickle"])
def test_a_fifo_or_a_device_in_the_cache_never_blocks(vault: Path, name: str) -> None:
    (vault / ".followup-md").mkdir()
    os.mkfifo(vault / name)
    assert synced(vault).returncode == 0
    (vault / name).unlink()
    (vault / name).symlink_to("/dev/stdin")
    assert synced(vault).returncode == 0
    assert "^fu-confirm" in (vault / "Good.md").read_text()


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda p: os.mkfifo(p), "is not a regular file"),
        (lambda p: p.symlink_to("/dev/zero"), "is a symbolic link"),
        (lambda p: p.symlink_to("/dev/stdin"), "is a symbolic link"),
        (lambda p: p.write_bytes(b"#" * (2 << 20)), "is larger than 1 MiB"),
    ],
)
def test_a_hostile_config_file_is_a_clear_error(vault: Path, make: object, why: str) -> None:
    make(vault / "followup-md.toml")  # type: ignore[operator]
    done = synced(vault)
    assert done.returncode == 2
    assert done.stderr.startswith(f"followup-md: followup-md.toml: cannot read the config: {why}"), (
        done.stderr
    )


@pytest.mark.parametrize(
    "name",
    [
        ".obsidian/templates.json",
        ".obsidian/community-plugins.json",
        ".obsidian/plugins/obsidian-tasks-plugin/data.json",
        ".obsidian/plugins/templater-obsidian/data.json",
    ],
)
@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_a_settings_file_that_never_ends_is_ignored(vault: Path, name: str, target: str) -> None:
    path = vault / name
    path.parent.mkdir(parents=True)
    if target == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(target)
    assert synced(vault).returncode == 0
    assert "^fu-confirm" in (vault / "Good.md").read_text()


@pytest.mark.parametrize("name", ["Due.md", "Follow-ups.ics"])
def test_our_outputs_linked_outside_are_never_written_through(vault: Path, tmp_path: Path, name: str) -> None:
    (vault / "followup-md.toml").write_text('ics_file = "Follow-ups.ics"\n')
    outside = tmp_path / "precious.txt"
    outside.write_text("mine")
    (vault / name).symlink_to(outside)
    done = synced(vault)
    assert outside.read_text() == "mine"
    assert f"{name}: refusing to write through a symlink" in done.stderr


def test_due_md_turned_into_a_folder_is_named_as_such(vault: Path) -> None:
    (vault / "Due.md").mkdir()
    done = synced(vault)
    assert "Due.md: is not a regular file; followup-md leaves it alone" in done.stderr
    assert "appeared while" not in done.stderr
    assert "^fu-confirm" in (vault / "Good.md").read_text()


# 3. Templates and settings only from inside the vault.


def test_a_template_linked_outside_is_never_copied(vault: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntype: contact\n---\nmy bank password\n")
    (vault / "Templates").mkdir()
    (vault / "Templates" / "contact.md").symlink_to(secret)
    (vault / ".obsidian").mkdir()
    (vault / ".obsidian" / "templates.json").write_text('{"folder": "Templates"}')
    done = run(vault, "new", "contact", "Jane Doe")
    assert done.returncode == 0, done.stderr
    assert "password" not in (vault / "Jane Doe.md").read_text()


def test_a_template_folder_outside_the_vault_is_never_read(vault: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "contact.md").write_text("---\ntype: contact\n---\nmy bank password\n")
    (vault / ".obsidian").mkdir()
    (vault / ".obsidian" / "templates.json").write_text('{"folder": "../secret"}')
    (vault / "Linked").symlink_to(secret, target_is_directory=True)
    (vault / ".obsidian" / "plugins" / "templater-obsidian").mkdir(parents=True)
    (vault / ".obsidian" / "plugins" / "templater-obsidian" / "data.json").write_text(
        '{"templates_folder": "Linked"}'
    )
    done = run(vault, "new", "contact", "Jane Doe")
    assert done.returncode == 0, done.stderr
    assert "password" not in (vault / "Jane Doe.md").read_text()


def test_a_template_linked_inside_the_vault_is_used(vault: Path) -> None:
    (vault / "Shared").mkdir()
    (vault / "Shared" / "person.md").write_text("---\ntype: contact\nmet:\n---\nfrom the template\n")
    (vault / "Templates").mkdir()
    (vault / "Templates" / "contact.md").symlink_to(vault / "Shared" / "person.md")
    (vault / "followup-md.toml").write_text('templates = ["Templates"]\n')
    done = run(vault, "new", "contact", "Jane Doe")
    assert done.returncode == 0, done.stderr
    assert "from the template" in (vault / "Jane Doe.md").read_text()


def test_a_draft_template_linked_outside_is_never_read(vault: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Subject: hi\n\nmy bank password\n")
    (vault / ".followup-md" / "templates").mkdir(parents=True)
    (vault / ".followup-md" / "templates" / "confirm.txt").symlink_to(secret)
    done = run(vault, "draft", "Good")
    assert done.returncode == 0, done.stderr
    assert "password" not in done.stdout
