"""example_vault/ is committed synced at the README's pinned date, so it is its
own golden file: syncing a copy must change no byte (refresh the committed
vault with `pytest --update-golden`, and read the diff)."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from followup_md.cli import cli

from .conftest import REPO

EXAMPLE = REPO / "example_vault"
PINNED = "2026-11-20"


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".followup-md" not in path.parts
    }


def test_example_vault_is_committed_synced(tmp_path: Path, update_golden: bool) -> None:
    vault = tmp_path / "example_vault"
    shutil.copytree(EXAMPLE, vault, ignore=shutil.ignore_patterns(".followup-md"))
    result = CliRunner().invoke(cli, ["sync", str(vault), "--today", PINNED])
    assert result.exit_code == 0, result.output
    got = _files(vault)
    if update_golden:
        for rel, data in got.items():
            (EXAMPLE / rel).write_bytes(data)
    assert got == _files(EXAMPLE)
    again = CliRunner().invoke(cli, ["sync", str(vault), "--today", PINNED, "--check"])
    assert again.exit_code == 0, again.output


def test_example_vault_is_realistic() -> None:
    texts = [p.read_text(encoding="utf-8") for p in EXAMPLE.rglob("*.md")]
    types = {
        line.split(":", 1)[1].strip() for t in texts for line in t.splitlines() if line.startswith("type:")
    }
    assert {"contact", "introduction", "help", "application", "interview", "referral", "log"} <= types
    assert sum("type: log" in t for t in texts) >= 2
    assert len(texts) >= 12
    assert any("format: informational" in t for t in texts)


def test_example_vault_shows_the_rules_that_close_steps() -> None:
    """The committed (synced) example vault shows a reply ending a chain, a log
    note completing a step and a dormant contact."""
    golden = "".join(p.read_text(encoding="utf-8") for p in EXAMPLE.rglob("*.md"))
    assert "— they replied 2026-11-13 #followup" in golden
    assert "— logged in 2026-11-19 Thanks to Rosa #followup" in golden
    assert "^fu-reconnect-since-20260520" in golden
