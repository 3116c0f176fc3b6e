"""The README's two quick-start commands, run as a newcomer would: in a fresh
clone, in a new virtual environment, with nothing but python3 and the registry.

The second command *is* the test suite, so here it collects the tests rather
than running them again (PYTEST_ADDOPTS=--collect-only): installing from the
lock, ruff and mypy run in full, and pytest must find every test.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO


def quick_start_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, re.S)


def test_the_quick_start_is_two_commands() -> None:
    install_and_sync, install_and_test = quick_start_commands()
    assert "followup-md sync example_vault" in install_and_sync
    assert "requirements-test.lock" in install_and_test and install_and_test.endswith("pytest")


def _run(command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTEST_"))}
    clean["PATH"] = os.pathsep.join(p for p in clean["PATH"].split(os.pathsep) if "venv" not in p)
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env={**clean, **env}, capture_output=True, text=True, timeout=900
    )


@pytest.mark.slow
def test_the_quick_start_works_in_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True, timeout=120)
    install_and_sync, install_and_test = quick_start_commands()

    synced = _run(install_and_sync, clone)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert "as of 2026-11-20" in synced.stderr + synced.stdout
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True, check=True
    )
    assert status.stdout == "", "the quick start left the clone dirty:\n" + status.stdout

    tested = _run(install_and_test, clone, PYTEST_ADDOPTS="--collect-only -q")
    assert tested.returncode == 0, tested.stdout[-3000:] + tested.stderr[-3000:]
    collected = dict(re.findall(r"^(tests/test_\w+\.py): (\d+)$", tested.stdout, re.M))
    assert "tests/test_quickstart.py" in collected and len(collected) > 10, tested.stdout[-2000:]
