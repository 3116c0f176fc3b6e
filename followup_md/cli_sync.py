"""The commands that keep the vault current: `sync` (and its --check and
--dry-run), `check`, `watch`; the run applied, shown and recorded."""

from __future__ import annotations

import difflib
import shlex
from datetime import date
from pathlib import Path
from typing import Any

import click

from followup_md.cli_vault import TODAY, VAULT, _echo_err, _has_notes, _open, _plan, _progress, _say, _today
from followup_md.errors import CheckFailed


@click.command()
@VAULT
@TODAY
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a write is needed.")
@click.option("--dry-run", is_flag=True, help="Write nothing; print the diff of what would change.")
@click.option(
    "--as-of-index",
    is_flag=True,
    help="With --check or --dry-run: compute as of the date Due.md records, not today, so only "
    "files that disagree with each other fail (pre-commit), never a new day alone.",
)
def sync(vault: Path | None, today: str | None, check: bool, dry_run: bool, as_of_index: bool) -> None:
    """Update every note's follow-up tasks and the Due.md index.

    \b
    Example:
      followup-md sync ~/vault --today 2026-11-20
      followup-md sync --check --as-of-index     (in a pre-commit hook)
    """
    if as_of_index and not (check or dry_run):
        raise click.UsageError("--as-of-index only goes with --check or --dry-run")
    _sync(vault, _today(today, vault), check, dry_run, as_of_index)


def _sync(
    vault: Path | None,
    day: date,
    check: bool = False,
    dry_run: bool = False,
    as_of_index: bool = False,
    again: bool = True,
) -> None:
    """The main job. `as_of_index`: `day` is the date Due.md records, when it
    records one. `again`: a tick Due.md held for a step just written into its
    note is taken by a second pass (as `watch` does), so that the sync after
    this one has nothing to do."""
    from followup_md.cached_read import probe_vault, replay_edits

    root, config, settings = _open(vault)
    if as_of_index:
        recorded = _recorded_day(root, config.due_file)
        if recorded is None:
            _say(f"followup-md: {config.due_file} records no date; checking as of {day}", err=True)
        day = recorded or day
    probe = probe_vault(root, config, settings, day)
    _has_notes(root, probe)
    if not (check or dry_run):
        from followup_md.write import remove_leftovers

        remove_leftovers(root, probe.leftovers)
    if probe.run is not None and (
        probe.unchanged or (not (check or dry_run) and replay_edits(root, config, settings, probe))
    ):  # nothing that shapes the plan changed: its output stands
        _echo_err(probe.run.stderr)
        if not (check or dry_run):
            _say(probe.run.stdout)
        return
    from followup_md.app import plan_vault  # the parser stays unloaded on a no-op run
    from followup_md.output import problem_lines

    reader = _progress(root, config, settings)
    if not (check or dry_run):  # no local here holds the plan: `_apply` lets it go before the record
        if _apply(root, config, settings, plan_vault(root, config, settings, probe, reader)) and again:
            _sync(vault, day, again=False)
        return
    plan = plan_vault(root, config, settings, probe, reader).plan
    _echo_err(problem_lines(plan))
    _show_changes(plan, dry_run)
    if check and plan.changes:
        where = "" if vault is None or str(vault) == "." else f" {shlex.quote(str(vault))}"
        command = f"followup-md sync{where}"
        raise CheckFailed(f"run `{command}` to update them (then add them to the commit)")


def _show_changes(plan: Any, diff: bool) -> None:
    """What a sync would write: the paths, or a unified diff of each."""
    from followup_md.blocks import split_lines

    for change in plan.changes:
        if not diff:
            _say(f"would update {change.path}")
            continue
        old = split_lines(change.old.decode("utf-8", "replace") if change.old is not None else "")
        new = split_lines(change.new.decode("utf-8"))
        diff_text = "".join(difflib.unified_diff(old, new, f"a/{change.path}", f"b/{change.path}"))
        _say(diff_text, nl=False, keep="\n\t")


def _apply(root: Path, config: Any, settings: Any, planned: Any) -> bool:
    """Write a plan, say what it did, and record the run for the next one;
    True (nothing recorded) when a tick Due.md held waits for a step just
    written into its note."""
    from followup_md.app import apply_plan
    from followup_md.cached_read import keep_for_record, record_run
    from followup_md.output import counts, problem_lines, quiet_line, sync_line

    probe, read, plan = planned.probe, planned.read, planned.plan
    del planned
    problems = problem_lines(plan)
    _echo_err(problems)
    keep_for_record(probe, read, {change.path for change in plan.changes})
    applied = apply_plan(root, plan, config.due_file)
    skipped, written, held = applied.skipped, applied.written, applied.held
    owed = any(path in written for path, _ in plan.held)  # a tick in Due.md waits for the block just written
    del applied
    _echo_err([f"followup-md: {error}" for error in skipped])
    notes = sum(1 for path in written if path in plan.notes)
    own = sorted(path for path in written if path in config.own_files)
    what = f"updated {notes} note{'s' if notes != 1 else ''}" if written else "nothing to update"
    if written and not notes and own:  # "updated 0 notes" read as nothing written
        what = "updated " + (f"{', '.join(own[:-1])} and {own[-1]}" if len(own) > 1 else own[0])
    tally = counts(plan)  # sorts every step: once for both lines
    _say(sync_line(plan, what, tally))
    quiet = quiet_line(plan, tally)
    del plan  # let its notes go before the cache reads back what was written
    for rel in config.own_files:  # not read back: Due.md's megabytes need not wait for the record
        written.pop(rel, None)
    if not skipped and not held and not owed:  # a write still owed must not look like a clean run
        record_run(root, probe, read, written, config, settings, (quiet, problems))
    return owed


def _recorded_day(root: Path, due_file: str) -> date | None:
    """The date the vault's Due.md was computed for, if it says (an unreadable
    Due.md is the sync's to report)."""
    from followup_md.agenda import recorded_date
    from followup_md.safe_read import read_file

    try:
        got = read_file(root, due_file)
    except OSError:
        return None
    return recorded_date(got[0].decode("utf-8", errors="replace")) if got else None


@click.command()
@VAULT
@TODAY
@click.option("--all", "show_all", is_flag=True, help="Also list unreadable files that are not ours.")
def check(vault: Path | None, today: str | None, show_all: bool) -> None:
    """Validate the vault; exit 1 if any follow-up note has a problem.

    \b
    Example:
      followup-md check ~/vault --all
    """
    from followup_md.output import problem_lines

    plan = _plan(vault, _today(today, vault))
    _echo_err(problem_lines(plan, listed_unreadable=show_all))
    _, config, _ = _open(vault)
    zoned = sorted(path for path, note in plan.notes.items() if note.zoned)
    if zoned and not config.timezone:
        from followup_md.vault import machine_zone

        more = f" (and {len(zoned) - 1} more)" if len(zoned) > 1 else ""
        _say(
            f"followup-md: warning: {zoned[0]}{more} holds date-times with UTC "
            "offsets, whose day depends on the machine's time zone; set "
            f'`timezone = "{machine_zone() or "Europe/Paris"}"` in followup-md.toml so every machine '
            "computes the same dates",
            err=True,
        )
    warnings = sum(1 for problem in plan.problems if problem.warning)
    problems = len(plan.problems) - warnings + (len(plan.unreadable) if show_all else 0)
    notes = len(plan.notes)
    click.echo(
        f"followup-md: {notes} follow-up note{'s' if notes != 1 else ''} checked, "
        + (f"{problems} problem{'s' if problems != 1 else ''}" if problems else "no problems")
        + (f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else "")
    )
    if problems:
        raise CheckFailed()


@click.command()
@VAULT
@click.option("--poll", is_flag=True, help="Poll for changes (network drives, WSL, Docker mounts).")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and problems.")
@click.option("--verbose", "-v", is_flag=True, help="Print every file written and every problem.")
def watch(vault: Path | None, poll: bool, quiet: bool, verbose: bool) -> None:
    """Sync, then keep the vault current until Ctrl-C.

    Due.md is updated as soon as a burst of changes settles; a note is written
    only once it has been quiet for two seconds (so an editor never fights it).

    \b
    Example:
      followup-md watch ~/vault
      followup-md watch /mnt/share/vault --poll
    """
    from followup_md.cached_read import probe_vault
    from followup_md.watch import run_watch
    from followup_md.watcher import Watcher

    root, config, settings = _open(vault)
    _has_notes(root, probe_vault(root, config, settings, date.today()))

    def echo(line: str) -> None:
        if not quiet or line.startswith("followup-md:"):
            _say(line, err=line.startswith("followup-md:"))

    watcher = Watcher(root, echo=echo, verbose=verbose)
    click.get_current_context().exit(run_watch(watcher, poll=poll))
