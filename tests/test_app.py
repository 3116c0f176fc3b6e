"""The shared pipeline (app.py): what gets written comes from the disk, and a
tick in Due.md is never lost on its way to its note."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from followup_md.app import apply_plan, plan_vault
from followup_md.cache import load_notes, load_run, save
from followup_md.cached_read import probe_vault
from followup_md.cli import cli
from followup_md.model import Note
from followup_md.vault import load_config, read_settings
from followup_md.watcher import Watcher

from .conftest import TODAY, MakeVault
from .test_watch import FakeClock

APPLICATION = "---\ntype: application\ncompany: Acme\napplied: 2026-11-18\n---\nNotes: aaaa\n"
INTERVIEW = "---\ntype: interview\ncompany: Acme\ninterview: 2026-11-23\n---\nNotes: aaaa\n"


def _sync(root: Path, day: object = TODAY) -> str:
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", str(day)])
    assert result.exit_code == 0, result.output
    return result.output


def _same_size_same_mtime(path: Path, old: str, new: str) -> None:
    """An edit that `cp -p`, `rsync -t` or `touch -r` would make: other bytes,
    same size, same mtime."""
    before = path.stat()
    text = path.read_text("utf-8")
    assert len(old) == len(new) and old in text
    path.write_text(text.replace(old, new), "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_a_same_size_same_mtime_edit_is_not_reverted(make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": INTERVIEW})
    _sync(root)
    note = root / "Acme.md"
    _same_size_same_mtime(note, "aaaa", "bbbb")
    _sync(root, TODAY + timedelta(days=4))  # the interview is past: the block changes
    text = note.read_text("utf-8")
    assert "Notes: bbbb" in text and "^fu-thank-you" in text


def test_a_cache_that_disagrees_with_the_disk_never_writes_its_text(make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": INTERVIEW})
    _sync(root)
    tier = load_notes(root)
    run = load_run(root)
    assert run is not None and tier is not None
    notes, plans, lines = tier[0]
    cached = notes["Acme.md"].result
    assert isinstance(cached, Note)
    forged = cached.data.replace(b"Notes: aaaa", b"Notes: PWND")
    notes["Acme.md"] = replace(notes["Acme.md"], result=replace(cached, data=forged))
    save(root, run, (notes, plans, lines))  # a crafted .followup-md/ shipped with a cloned vault
    _sync(root, TODAY + timedelta(days=4))
    text = (root / "Acme.md").read_text("utf-8")
    assert "PWND" not in text and "Notes: aaaa" in text and "^fu-thank-you" in text


def test_a_cached_plan_that_would_change_its_note_is_planned_again_from_the_disk(
    make_vault: MakeVault,
) -> None:
    root = make_vault({"Acme.md": INTERVIEW})
    _sync(root)  # writes the note's block: a note written is planned again next time
    (root / "Other.md").write_text("not ours\n", "utf-8")
    _sync(root)
    tier = load_notes(root)
    run = load_run(root)
    assert run is not None and tier is not None
    notes, plans, lines = tier[0]
    assert "Acme.md" in plans  # the plan of the note as it was left
    note, exchange, day, (steps, waiting, _, problem, checked) = plans["Acme.md"]
    assert note is notes["Acme.md"].result  # one pickle: the plan is matched to its very note
    forged = note.data.replace(b"Notes: aaaa", b"Notes: PWND")
    plans["Acme.md"] = (note, exchange, day, (steps, waiting, forged, problem, checked))
    save(root, run, (notes, plans, lines))
    (root / "Other.md").write_text("not ours, edited\n", "utf-8")  # not a no-op: it plans
    _sync(root)
    text = (root / "Acme.md").read_text("utf-8")
    assert "PWND" not in text and "Notes: aaaa" in text


def _watching(root: Path) -> tuple[Watcher, FakeClock]:
    """A watcher on a fake clock, notes written once quiet for 2 s, synced once."""
    clock = FakeClock()
    watcher = Watcher(root, today=lambda: TODAY, echo=lambda _: None, note_quiet=2.0, clock=clock)
    watcher.scan()
    watcher.sync()
    return watcher, clock


def _acme_edited(make_vault: MakeVault) -> tuple[Watcher, FakeClock, Path, Path]:
    """A watched vault whose note Acme.md the user has just edited (so it is
    deferred): the watcher, its clock, the note and Due.md."""
    root = make_vault({"Acme.md": APPLICATION})
    watcher, clock = _watching(root)
    note = root / "Acme.md"
    note.write_text(note.read_text("utf-8").replace("aaaa", "edited"), "utf-8")
    assert watcher.apply_batch({"Acme.md": False})
    watcher.sync()
    return watcher, clock, note, root / "Due.md"


def _tick(due: Path, marker: str) -> None:
    """Tick the first line of Due.md holding `marker`, as a user would."""
    line = next(line for line in due.read_text("utf-8").splitlines() if marker in line)
    due.write_text(due.read_text("utf-8").replace(line, line.replace("- [ ]", "- [x]", 1)), "utf-8")


@pytest.mark.parametrize("quiet_note_by", ["sync", "write_quiet"])
def test_a_due_tick_waits_for_its_deferred_note(make_vault: MakeVault, quiet_note_by: str) -> None:
    watcher, clock, note, due = _acme_edited(make_vault)  # then its line ticked in Due.md:
    clock.now += 0.5
    _tick(due, "^fu-confirm")
    assert watcher.apply_batch({"Due.md": False})
    watcher.sync()
    assert watcher.deferred == {"Acme.md"}
    assert "- [x]" in due.read_text("utf-8"), "Due.md dropped the tick before its note had it"
    clock.now += 2.0
    getattr(watcher, quiet_note_by)()  # planned again, or written from the last plan
    assert "- [x] " in note.read_text("utf-8") and "edited" in note.read_text("utf-8")
    assert "- [x]" not in due.read_text("utf-8")  # consumed: the step is done in its note


def test_a_due_tick_still_holds_due_when_its_note_failed_and_another_goes_quiet(
    make_vault: MakeVault,
) -> None:
    """A quiet note is written from the last plan only if that plan's writes all
    went through: a ticked note skipped as stale must keep Due.md's tick."""
    root = make_vault({"Acme.md": APPLICATION, "Beta.md": APPLICATION.replace("Acme", "Beta")})
    watcher, clock = _watching(root)
    acme, beta, due = root / "Acme.md", root / "Beta.md", root / "Due.md"
    beta.write_text(APPLICATION.replace("Acme", "Beta"), "utf-8")  # its block removed: Beta is deferred
    _tick(due, "[[Acme#^fu-confirm")
    assert watcher.apply_batch({"Beta.md": False, "Due.md": False})
    with acme.open("a", encoding="utf-8") as handle:
        handle.write("typed while the watcher planned\n")  # Acme's write will be skipped as stale
    watcher.sync()
    assert watcher.deferred == {"Beta.md"} and "- [x]" in due.read_text("utf-8")
    clock.now += 2.0
    watcher.write_quiet()  # Beta has gone quiet
    assert "- [x] " in acme.read_text("utf-8") or "- [x]" in due.read_text("utf-8"), "the tick is lost"
    assert "typed while the watcher planned" in acme.read_text("utf-8")


@pytest.mark.parametrize("quiet_note_by", ["sync", "write_quiet"])
def test_a_due_tick_taken_back_before_its_note_is_written_is_respected(
    make_vault: MakeVault, quiet_note_by: str
) -> None:
    watcher, clock, note, due = _acme_edited(make_vault)
    unticked = due.read_text("utf-8")
    _tick(due, "^fu-confirm")  # a tick ...
    assert watcher.news("Due.md", False) and watcher.apply_batch({"Due.md": False})
    watcher.sync()
    assert watcher.deferred == {"Acme.md"}
    due.write_text(unticked, "utf-8")  # ... taken back (Ctrl-Z), the very bytes we last wrote
    assert watcher.news("Due.md", False) and watcher.apply_batch({"Due.md": False})
    watcher.sync()
    clock.now += 2.0
    getattr(watcher, quiet_note_by)()
    assert "- [ ] " in note.read_text("utf-8") and "- [x]" not in note.read_text("utf-8")


def test_a_due_tick_is_kept_when_its_note_cannot_be_written(make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": APPLICATION})
    _sync(root)
    due = root / "Due.md"
    _tick(due, "^fu-confirm")
    config = load_config(root)
    settings = read_settings(root, config)
    planned = plan_vault(root, config, settings, probe_vault(root, config, settings, TODAY))
    assert planned.plan.ticked == {"Acme.md"}
    with (root / "Acme.md").open("a", encoding="utf-8") as note:
        note.write("typed while the sync planned\n")  # the note's write will be skipped as stale
    applied = apply_plan(root, planned.plan, config.due_file)
    assert [error.path for error in applied.skipped] == ["Acme.md"]
    assert applied.held == ["Due.md"] and "- [x]" in due.read_text("utf-8")
    _sync(root)  # the next sync carries the tick over
    assert "- [x] " in (root / "Acme.md").read_text("utf-8")
    assert "typed while the sync planned" in (root / "Acme.md").read_text("utf-8")


def test_done_loads_the_config_and_reads_the_vault_once(make_vault: MakeVault, monkeypatch: Any) -> None:
    from followup_md import app, cached_read, vault

    root = make_vault({"Acme.md": APPLICATION})
    _sync(root)
    calls = {"config": 0, "read": 0}
    load_config, read_vault = vault.load_config, cached_read.read_vault

    def counted_config(*args: Any) -> Any:
        calls["config"] += 1
        return load_config(*args)

    def counted_read(*args: Any, **kwargs: Any) -> Any:
        calls["read"] += 1
        return read_vault(*args, **kwargs)

    monkeypatch.setattr(vault, "load_config", counted_config)
    monkeypatch.setattr(app, "read_vault", counted_read)
    result = CliRunner().invoke(cli, ["done", "Acme", "confirm", "--vault", str(root), "--today", str(TODAY)])
    assert result.exit_code == 0, result.output
    assert calls == {"config": 1, "read": 1}
    assert "- [x] " in (root / "Acme.md").read_text("utf-8")
    assert "^fu-confirm" not in (root / "Due.md").read_text("utf-8")


def test_the_watcher_starts_from_the_cache_and_leaves_it_as_a_sync_would(
    make_vault: MakeVault, monkeypatch: Any
) -> None:
    from followup_md import cached_read, safe_read

    root = make_vault({"Acme.md": APPLICATION, "Beta.md": APPLICATION.replace("Acme", "Beta")})
    _sync(root)
    read_files: list[str] = []
    read_file = safe_read.read_file

    def counted(vault_root: Path, rel: str) -> Any:
        read_files.append(rel)
        return read_file(vault_root, rel)

    monkeypatch.setattr(cached_read, "read_file", counted)
    watcher = Watcher(root, today=lambda: TODAY, echo=lambda _: None, note_quiet=0)  # Beta is written at once
    watcher.start()
    assert read_files == ["Due.md"]  # every note came from the cache
    assert watcher.follow_up_count == 2
    (root / "Beta.md").write_text(APPLICATION.replace("Acme", "Gamma"), "utf-8")
    assert watcher.apply_batch({"Beta.md": False})
    watcher.sync()
    watcher.record()
    config = load_config(root)
    settings = read_settings(root, config)
    assert probe_vault(root, config, settings, TODAY).unchanged  # the next sync has nothing to do
    assert (
        _sync(root)
        == "followup-md: 2 follow-up notes read, nothing to update; 2 this week (as of 2026-11-20)\n"
    )
    assert "Gamma" in (root / "Due.md").read_text("utf-8")
    assert "^fu-confirm" in (root / "Beta.md").read_text("utf-8")
