"""Small builders for tests: a Note from front matter, the steps of a note."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from followup_md.config import Config
from followup_md.model import Exchange, Note, Problem, Step, TaskSyntax, Waiting
from followup_md.parse import read_note
from followup_md.rules import plan_note

from .conftest import TODAY

UTC_ZONE = ZoneInfo("UTC")
GOOD = "---\ntype: application\ncompany: Acme\napplied: 2026-11-18\n---\n"  # a note that gets a step
SUBPROCESS_ENV = {**os.environ, "FOLLOWUP_MD_TODAY": TODAY.isoformat()}  # for child processes


def good_vault(tmp_path: Path) -> Path:
    """A vault holding one note that gets a step (`Good.md`), for hostile files beside it."""
    root = tmp_path / "vault"
    root.mkdir()
    (root / "Good.md").write_text(GOOD)
    return root


def note_from(front: str, body: str = "", path: str = "note.md", config: Config | None = None) -> Note:
    result = read_note(path, f"---\n{front}---\n{body}".encode(), config or Config(), TaskSyntax(), UTC_ZONE)
    assert isinstance(result, Note), result
    return result


def problem_from(data: bytes, path: str = "note.md", config: Config | None = None) -> Problem:
    result = read_note(path, data, config or Config(), TaskSyntax(), UTC_ZONE)
    assert isinstance(result, Problem), result
    return result


def steps_of(
    front: str,
    today: date,
    body: str = "",
    config: Config | None = None,
    exchange: Exchange | None = None,
) -> tuple[list[Step], list[Waiting]]:
    config = config or Config()
    return plan_note(note_from(front, body, config=config), exchange or Exchange(), config, today)


def windows(
    front: str, today: date, body: str = "", config: Config | None = None
) -> dict[str, tuple[str, str]]:
    """{step id: (start, due)} of the open steps."""
    steps, _ = steps_of(front, today, body, config)
    return {s.id: (s.start.isoformat(), s.due.isoformat()) for s in steps if s.status == "open"}
