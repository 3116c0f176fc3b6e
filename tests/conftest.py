"""Shared fixtures: a vault factory, the pinned date, a CLI runner."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from .mermaid_check import Render, mermaid_missing, render_mermaid

TODAY = date(2026, 11, 20)
REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="Rewrite tests/golden from the current output."
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


MakeVault = Callable[[Mapping[str, str | bytes]], Path]


@pytest.fixture
def make_vault(tmp_path: Path) -> MakeVault:
    """Write {relative path: text or bytes} into a fresh vault folder."""

    def make(files: Mapping[str, str | bytes]) -> Path:
        root = tmp_path / "vault"
        root.mkdir(exist_ok=True)
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_bytes(content.encode("utf-8"))
        return root

    return make


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def mermaid() -> Render:
    """The real Mermaid renderer: skipped where it is not installed, required in CI."""
    missing = mermaid_missing()
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must render Mermaid charts: {missing} (.ci/setup.d/20-mermaid.sh)")
        pytest.skip(missing)
    return render_mermaid
