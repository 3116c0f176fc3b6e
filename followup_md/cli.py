"""The command line: parse arguments, call the core, format its answers."""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from followup_md import __version__
from followup_md.errors import FollowupError

F = TypeVar("F", bound=Callable[..., Any])

VAULT = click.argument("vault", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
TODAY = click.option(
    "--today",
    metavar="YYYY-MM-DD",
    envvar="FOLLOWUP_MD_TODAY",
    help="Compute as of this date (default: the local date; env FOLLOWUP_MD_TODAY).",
)


def _today(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-20", param_hint="--today") from None


def _reports_errors(command: F) -> F:
    """Print a FollowupError once, as `path:line: message`, and exit with its code."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except FollowupError as error:
            click.echo(f"followup-md: {error}", err=True)
            raise SystemExit(error.exit_code) from None

    return run  # type: ignore[return-value]


def _open(vault: Path) -> tuple[Path, Any, Any]:
    from followup_md.vault import load_config, read_settings

    if not vault.is_dir():
        raise click.BadParameter(f"{vault} is not a folder", param_hint="VAULT")
    root = vault.resolve()
    config = load_config(root)
    return root, config, read_settings(root, config)


def _plan(vault: Path, today: date) -> Any:
    """Read the vault (through the cache) and plan, writing nothing."""
    from followup_md.cache import probe_vault, read_vault
    from followup_md.sync import plan_read

    root, config, settings = _open(vault)
    probe = probe_vault(root, config, settings, today)
    read = read_vault(root, config, settings, probe)
    return plan_read(read, probe.due, config, settings, today, ics=probe.ics)


def _problem_lines(plan: Any, listed_unreadable: bool = False) -> list[str]:
    lines = [str(problem) for problem in plan.problems]
    if listed_unreadable:
        lines += [f"{problem.path}: {problem.message}" for problem in plan.unreadable]
    elif plan.unreadable:
        count = len(plan.unreadable)
        lines.append(
            f"followup-md: {count} other file{'s' if count > 1 else ''} could not be read "
            "(not recognisably ours; `followup-md check --all` lists them)"
        )
    return lines


def _echo_err(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)


def _counts(plan: Any) -> str:
    from followup_md.render import group_steps, summary, waiting_rows

    waiting = len(waiting_rows(plan.steps, plan.waiting, plan.today))
    return summary(group_steps(plan.steps, plan.today), waiting, len(plan.problems)) or "nothing due"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="followup-md")
def cli() -> None:
    """Follow-up dates for a job search kept in Markdown notes.

    \b
    Example:
      followup-md sync ~/vault     compute every follow-up, update notes and Due.md
      followup-md due ~/vault      show the agenda
    """


@cli.command()
@VAULT
@TODAY
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a write is needed.")
@click.option("--dry-run", is_flag=True, help="Write nothing; print the diff of what would change.")
@_reports_errors
def sync(vault: Path, today: str | None, check: bool, dry_run: bool) -> None:
    """Update every note's follow-up tasks and the Due.md index.

    \b
    Example:
      followup-md sync ~/vault --today 2026-11-20
    """
    from followup_md.blocks import split_lines
    from followup_md.cache import probe_vault, read_vault, record_run

    day = _today(today)
    root, config, settings = _open(vault)
    probe = probe_vault(root, config, settings, day)
    if not (check or dry_run):
        from followup_md.write import remove_leftovers

        remove_leftovers(root, probe.leftovers)
    if probe.unchanged and probe.run is not None:  # nothing can have changed
        _echo_err(probe.run.stderr)
        if not (check or dry_run):
            click.echo(probe.run.stdout)
        return
    from followup_md.sync import plan_read
    from followup_md.write import apply_changes

    read = read_vault(root, config, settings, probe)
    plan = plan_read(read, probe.due, config, settings, day, ics=probe.ics)
    problems = _problem_lines(plan)
    _echo_err(problems)
    if check or dry_run:
        for change in plan.changes:
            if dry_run:
                old = split_lines(change.old or "")
                new = split_lines(change.new.decode("utf-8"))
                diff = difflib.unified_diff(old, new, f"a/{change.path}", f"b/{change.path}")
                click.echo("".join(diff), nl=False)
            else:
                click.echo(f"would update {change.path}")
        if check and plan.changes:
            raise SystemExit(1)
        return
    skipped = apply_changes(root, plan.changes)
    _echo_err([f"followup-md: {error}" for error in skipped])
    failed = {error.path for error in skipped}
    written = {c.path: c.new for c in plan.changes if c.path not in failed}
    notes = sum(1 for path in written if path != config.due_file)
    what = f"updated {notes} note{'s' if notes != 1 else ''}" if written else "nothing to update"
    counts = _counts(plan)
    click.echo(f"followup-md: {what}; {counts} (as of {day})")
    del plan  # let its notes go before the cache reads back what was written
    quiet = f"followup-md: nothing to update; {counts} (as of {day})"
    record_run(root, probe, read, written, config.due_file, config, settings, (quiet, problems))


@cli.command()
@VAULT
@TODAY
@click.option("--json", "as_json", is_flag=True, help="Print the steps as a JSON list.")
@click.option("--days", type=click.IntRange(min=0), help="Only steps due within N days.")
@_reports_errors
def due(vault: Path, today: str | None, as_json: bool, days: int | None) -> None:
    """Show the agenda: overdue, today, this week, later.

    \b
    Example:
      followup-md due ~/vault --days 7
      followup-md due ~/vault --json | jq '.[] | select(.state == "overdue")'
    """
    from followup_md.render import SECTIONS, group_steps, waiting_rows

    plan = _plan(vault, _today(today))
    groups = group_steps(plan.steps, plan.today)
    steps = sorted(
        (s for s in plan.steps if s.status == "open"),
        key=lambda s: (s.due, s.start, s.note, s.id),
    )
    if days is not None:
        groups = {k: [s for s in v if (s.due - plan.today).days <= days] for k, v in groups.items()}
        steps = [s for s in steps if (s.due - plan.today).days <= days]
    if as_json:
        records = [
            {
                "note": s.note,
                "name": plan.notes[s.note].name,
                "type": plan.notes[s.note].type,
                "step": s.id,
                "action": s.action,
                "start": s.start.isoformat(),
                "due": s.due.isoformat(),
                "state": s.state(plan.today),
            }
            for s in steps
        ]
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
        return
    _echo_err(_problem_lines(plan))
    color = None if not os.environ.get("NO_COLOR") else False
    colors = {"overdue": "red", "today": "yellow", "week": "cyan", "later": None}
    click.echo(f"Follow-ups as of {plan.today}: {_counts(plan)}", color=color)
    for key, title in SECTIONS:
        rows = groups[key]
        if not rows:
            continue
        click.echo("", color=color)
        click.echo(click.style(title, bold=True, fg=colors[key]), color=color)
        for s in rows:
            note = plan.notes[s.note]
            company = note.facts.get("company")
            who = f"{note.name} ({company})" if company and company != note.name else note.name
            window = f"{s.start}..{s.due}" if s.start < s.due else f"{s.due}"
            click.echo(f"  {window:<22} {who}: {s.action}  [{s.note}]", color=color)
    waits = waiting_rows(plan.steps, plan.waiting, plan.today)
    if waits:
        click.echo("", color=color)
        click.echo(click.style("Waiting", bold=True), color=color)
        for note, _, reason in waits:
            click.echo(f"  {plan.notes[note].name}: {reason}  [{note}]", color=color)


@cli.command()
@VAULT
@TODAY
@click.option("--all", "show_all", is_flag=True, help="Also list unreadable files that are not ours.")
@_reports_errors
def check(vault: Path, today: str | None, show_all: bool) -> None:
    """Validate the vault; exit 1 if any follow-up note has a problem.

    \b
    Example:
      followup-md check ~/vault --all
    """
    plan = _plan(vault, _today(today))
    _echo_err(_problem_lines(plan, listed_unreadable=show_all))
    problems = len(plan.problems) + (len(plan.unreadable) if show_all else 0)
    notes = len(plan.notes)
    click.echo(
        f"followup-md: {notes} follow-up note{'s' if notes != 1 else ''} checked, "
        + (f"{problems} problem{'s' if problems != 1 else ''}" if problems else "no problems")
    )
    if problems:
        raise SystemExit(1)


@cli.command()
@VAULT
@click.option("--poll", is_flag=True, help="Poll for changes (network drives, WSL, Docker mounts).")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
@click.option("--verbose", "-v", is_flag=True, help="Print every file written and every problem.")
@_reports_errors
def watch(vault: Path, poll: bool, quiet: bool, verbose: bool) -> None:
    """Sync, then keep the vault current until Ctrl-C.

    Due.md is updated as soon as a burst of changes settles; a note is written
    only once it has been quiet for two seconds (so an editor never fights it).

    \b
    Example:
      followup-md watch ~/vault
      followup-md watch /mnt/share/vault --poll
    """
    from followup_md.watch import Watcher, run_watch

    if not vault.is_dir():
        raise click.BadParameter(f"{vault} is not a folder", param_hint="VAULT")

    def echo(line: str) -> None:
        if not quiet or line.startswith("followup-md:"):
            click.echo(line, err=line.startswith("followup-md:"))

    watcher = Watcher(vault.resolve(), echo=echo, verbose=verbose)
    raise SystemExit(run_watch(watcher, poll=poll))


def main() -> None:
    cli(prog_name="followup-md")
