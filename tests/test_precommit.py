"""The hooks users put in their vault's pre-commit (`.pre-commit-hooks.yaml`),
run by pre-commit itself on real `git commit`s."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import REPO

BIN = Path(sys.executable).parent
HOOKS = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))}
NOTE = "applications/Northwind - Data Engineer.md"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must commit through pre-commit: git is missing (.ci/setup.d/30-tools.sh)")
        pytest.skip("needs git")
    root = tmp_path / "vault"
    shutil.copytree(REPO / "example_vault", root)
    run(root, "git", "init", "-q")
    return root


def run(root: Path, *args: str, day: str = "2026-11-21") -> subprocess.CompletedProcess[str]:
    """A command in the vault the way a user's shell runs it: our followup-md on
    PATH, the date pinned (`day`: the day after the example vault's)."""
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "FOLLOWUP_MD_TODAY": day,
        "PRE_COMMIT_HOME": str(root.parent / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    return subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=120)


def install(root: Path, hook_id: str) -> None:
    """The published hook as a `local` one: pre-commit runs the same entry, with
    our followup-md on PATH rather than one it would install from the network."""
    hook = {**HOOKS[hook_id], "language": "system"}
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), "utf-8")
    done = run(root, str(BIN / "pre-commit"), "install")
    assert done.returncode == 0, done.stdout + done.stderr


def commit(root: Path, message: str) -> subprocess.CompletedProcess[str]:
    run(root, "git", "add", "-A")
    return run(root, "git", "commit", "-q", "-m", message)


def test_the_check_hook_fails_files_that_disagree_never_a_new_day(vault: Path) -> None:
    install(vault, "followup-md-check")
    assert run(vault, "followup-md", "sync", day="2026-11-20").returncode == 0
    # the next morning, nothing edited: Due.md is a day old, yet the files agree
    assert run(vault, "followup-md", "sync", "--check").returncode == 1  # as of today: stale
    first = commit(vault, "follow-ups as of Nov 20")
    assert first.returncode == 0, first.stdout + first.stderr
    # a note edited without a sync fails the commit, and says what fixes it
    text = (vault / NOTE).read_text("utf-8")
    (vault / NOTE).write_text(text.replace("applied: 2026-11-16", "applied: 2026-11-17"), "utf-8")
    failed = commit(vault, "applied a day later")
    assert failed.returncode == 1
    output = failed.stdout + failed.stderr
    assert f"would update {NOTE}\nwould update Due.md\n" in output
    assert "followup-md: run `followup-md sync` to update them (then add them to the commit)" in output
    # which it does
    assert run(vault, "followup-md", "sync").returncode == 0
    fixed = commit(vault, "applied a day later, synced")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "— as of 2026-11-21" in (vault / "Due.md").read_text("utf-8")


def test_the_sync_hook_updates_the_files_and_the_next_commit_takes_them(vault: Path) -> None:
    install(vault, "followup-md-sync")
    text = (vault / NOTE).read_text("utf-8")
    (vault / NOTE).write_text(text.replace("applied: 2026-11-16", "applied: 2026-11-17"), "utf-8")
    first = commit(vault, "applied a day later")
    assert first.returncode == 1
    assert "files were modified by this hook" in first.stdout + first.stderr
    assert "— as of 2026-11-21" in (vault / "Due.md").read_text("utf-8")
    again = commit(vault, "applied a day later, synced")
    assert again.returncode == 0, again.stdout + again.stderr
    assert run(vault, "git", "status", "--porcelain").stdout == ""


def test_the_hooks_file_is_a_valid_pre_commit_manifest() -> None:
    done = subprocess.run(
        [str(BIN / "pre-commit"), "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert HOOKS["followup-md-check"]["entry"] == "followup-md sync --check --as-of-index"
