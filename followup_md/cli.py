"""The command line: parse arguments, call the core, format its answers."""

from __future__ import annotations

import difflib
import json
import os
import shlex
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from followup_md import __version__
from followup_md.errors import CheckFailed, FollowupError

PROGRESS_FROM = 5000  # files: below this a run is too quick for a progress bar
MAIL_PROGRESS_FROM = 1000  # messages (from IMAP a thousand take seconds)

VAULT = click.argument("vault", required=False, type=click.Path(file_okay=False, path_type=Path))
TODAY = click.option(
    "--today",
    metavar="YYYY-MM-DD",
    envvar="FOLLOWUP_MD_TODAY",
    help="Compute as of this date (default: today in the vault's time zone; env FOLLOWUP_MD_TODAY).",
)


def _today(value: str | None, vault: Path | None = None, option: str = "--today") -> date:
    """--today (or the date `option` gives), else today in the vault's time zone
    (see `vault_today`)."""
    if not value:
        from followup_md.vault import load_config, vault_today

        return (
            vault_today(load_config(vault.resolve()))
            if vault is not None and vault.is_dir()
            else date.today()
        )
    from followup_md.model import YEARS, in_range

    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-20", param_hint=option) from None
    if not in_range(day):
        raise click.BadParameter(f"{value!r} is outside {YEARS}", param_hint=option)
    return day


class _Commands(click.Group):
    """The one place where errors become output: a FollowupError is printed once
    (`path:line: message`, which editors and terminals link; `followup-md:
    message` when it has no place) and the process exits with its type's code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FollowupError as error:
            if error.message:
                _say(str(error) if error.path else f"followup-md: {error}", err=True)
            ctx.exit(error.exit_code)


def _root(vault: Path | None) -> Path:
    """The vault named, or the one holding the current folder (found the way
    git finds its repository)."""
    from followup_md.vault import find_vault

    if vault is None:
        return find_vault(Path.cwd().resolve())
    if not vault.is_dir():
        raise click.BadParameter(f"{vault} is not a folder", param_hint="VAULT")
    return vault.resolve()


def _open(vault: Path | None) -> tuple[Path, Any, Any]:
    from followup_md.vault import load_config, read_settings

    root = _root(vault)
    config = load_config(root)
    return root, config, read_settings(root, config)


def _has_notes(root: Path, probe: Any) -> None:
    """Refuse a folder without a single Markdown file: it is not a vault (a
    typo in the path, or the wrong folder), and nothing is written there. A
    followup-md.toml says it is one, with no notes yet."""
    from followup_md.errors import UsageError
    from followup_md.layout import CONFIG_FILE

    if not probe.stats and probe.due is None and not (root / CONFIG_FILE).is_file():
        raise UsageError(
            f"{root} holds no Markdown notes; give the vault's folder "
            "(or run inside it: the nearest folder upward with followup-md.toml, .obsidian/ or .git/ is used)"
        )


def _plan(vault: Path | None, today: date) -> Any:
    """Read the vault (through the cache) and plan, writing nothing."""
    from followup_md.app import plan_vault
    from followup_md.cache import probe_vault

    root, config, settings = _open(vault)
    probe = probe_vault(root, config, settings, today)
    _has_notes(root, probe)
    return plan_vault(root, config, settings, probe, _progress(root, config, settings)).plan


def _say(text: str, err: bool = False, nl: bool = True, keep: str = "", color: bool | None = None) -> None:
    """Print text that may hold a stranger's words (a vault is often a cloned
    repository): control characters other than `keep` are escaped, so a name
    cannot clear the screen, retitle the window or hide what follows."""
    from followup_md.model import printable

    click.echo(printable(text, keep), err=err, nl=nl, color=color)


def _echo_err(lines: list[str]) -> None:
    for line in lines:
        _say(line, err=True)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
    vault: Path | None, day: date, check: bool = False, dry_run: bool = False, as_of_index: bool = False
) -> None:
    """The main job. `as_of_index`: `day` is the date Due.md records, when it
    records one."""
    from followup_md.cache import probe_vault

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
    if probe.unchanged and probe.run is not None:  # nothing can have changed
        _echo_err(probe.run.stderr)
        if not (check or dry_run):
            _say(probe.run.stdout)
        return
    from followup_md.app import plan_vault  # the parser stays unloaded on a no-op run
    from followup_md.output import problem_lines

    planned = plan_vault(root, config, settings, probe, _progress(root, config, settings))
    if check or dry_run:
        _echo_err(problem_lines(planned.plan))
        _show_changes(planned.plan, dry_run)
        if check and planned.plan.changes:
            where = "" if vault is None or str(vault) == "." else f" {shlex.quote(str(vault))}"
            again = f"followup-md sync{where}"
            raise CheckFailed(f"run `{again}` to update them (then add them to the commit)")
        return
    _apply(root, config, settings, planned)


def _show_changes(plan: Any, diff: bool) -> None:
    """What a sync would write: the paths, or a unified diff of each."""
    from followup_md.blocks import split_lines

    for change in plan.changes:
        if not diff:
            _say(f"would update {change.path}")
            continue
        old = split_lines(change.old or "")
        new = split_lines(change.new.decode("utf-8"))
        diff_text = "".join(difflib.unified_diff(old, new, f"a/{change.path}", f"b/{change.path}"))
        _say(diff_text, nl=False, keep="\n\t")


def _apply(root: Path, config: Any, settings: Any, planned: Any) -> None:
    """Write a plan, say what it did, and record the run for the next one."""
    from followup_md.app import apply_plan
    from followup_md.cache import record_run
    from followup_md.output import problem_lines, quiet_line, sync_line

    probe, read, plan = planned.probe, planned.read, planned.plan
    del planned
    problems = problem_lines(plan)
    _echo_err(problems)
    applied = apply_plan(root, plan, config.due_file)
    skipped, written = applied.skipped, applied.written
    _echo_err([f"followup-md: {error}" for error in skipped])
    notes = sum(1 for path in written if path in plan.notes)
    what = f"updated {notes} note{'s' if notes != 1 else ''}" if written else "nothing to update"
    _say(sync_line(plan, what))
    quiet = quiet_line(plan)
    del plan  # let its notes go before the cache reads back what was written
    if not skipped and not applied.held:  # a write still owed must not look like a clean run
        record_run(root, probe, read, written, config, settings, (quiet, problems))


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


def _progress(root: Path, config: Any, settings: Any) -> Callable[[Any], Any]:
    """read_vault, with a progress bar on stderr for a long first read on a terminal."""
    from followup_md.cache import read_vault

    def read(probe: Any) -> Any:
        if not sys.stderr.isatty() or len(probe.stats) < PROGRESS_FROM:
            return read_vault(root, config, settings, probe)
        with click.progressbar(length=len(probe.stats), label="Reading notes", file=sys.stderr) as bar:
            return read_vault(root, config, settings, probe, progress=bar.update)

    return read


@cli.command()
@VAULT
@TODAY
@click.option("--json", "as_json", is_flag=True, help="Print the steps as a JSON list.")
@click.option("--days", type=click.IntRange(min=0), help="Only steps due within N days.")
def due(vault: Path | None, today: str | None, as_json: bool, days: int | None) -> None:
    """Show the agenda: overdue, today, this week, later.

    \b
    Example:
      followup-md due ~/vault --days 7
      followup-md due ~/vault --json | jq '.[] | select(.state == "overdue")'
    """
    from followup_md.model import printable
    from followup_md.output import agenda_lines, agenda_records, problem_lines

    plan = _plan(vault, _today(today, vault))
    if as_json:
        _say(json.dumps(agenda_records(plan, days), indent=2, ensure_ascii=False), keep="\n")  # valid JSON
        return
    _echo_err(problem_lines(plan))
    color = None if not os.environ.get("NO_COLOR") else False
    for text, style in agenda_lines(plan, days):
        shown = printable(text)
        click.echo(click.style(shown, **style) if style else shown, color=color)


@cli.command()
@VAULT
@TODAY
@click.option("--since", metavar="YYYY-MM-DD", help="Count only applications and follow-ups since D.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def stats(vault: Path | None, today: str | None, since: str | None, as_json: bool) -> None:
    """The search at a glance: funnel, answers, what follow-ups earn, activity.

    Every figure is computed from the notes; set stats_file in
    followup-md.toml to have every sync keep them in a note (`Stats.md`).

    \b
    Example:
      followup-md stats ~/vault --since 2026-10-01
      followup-md stats ~/vault --json | jq .median_days_to_reply
    """
    from followup_md.journal import exchanges
    from followup_md.links import link_index
    from followup_md.output import problem_lines
    from followup_md.stats import compute_stats
    from followup_md.stats_text import stats_json, stats_terminal

    start = _today(since, option="--since") if since else None
    plan = _plan(vault, _today(today, vault))
    _, config, _ = _open(vault)
    found = exchanges(plan.notes, link_index(plan.notes))
    figures = compute_stats(plan.notes, plan.steps, found, config, plan.today, start)
    if as_json:
        _say(json.dumps(stats_json(figures, plan.notes), indent=2, ensure_ascii=False), keep="\n")
        return
    _echo_err(problem_lines(plan))
    _say(stats_terminal(figures, plan.notes), nl=False, keep="\n")


@cli.command()
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

        _say(
            f"followup-md: warning: {zoned[0]} (and {len(zoned) - 1} more) holds date-times with UTC "
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


@cli.command()
@VAULT
@click.option("--poll", is_flag=True, help="Poll for changes (network drives, WSL, Docker mounts).")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
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
    from followup_md.cache import probe_vault
    from followup_md.watch import run_watch
    from followup_md.watcher import Watcher

    root, config, settings = _open(vault)
    _has_notes(root, probe_vault(root, config, settings, date.today()))

    def echo(line: str) -> None:
        if not quiet or line.startswith("followup-md:"):
            _say(line, err=line.startswith("followup-md:"))

    watcher = Watcher(root, echo=echo, verbose=verbose)
    click.get_current_context().exit(run_watch(watcher, poll=poll))


@cli.command()
@VAULT
@click.option("--maildir", multiple=True, type=click.Path(path_type=Path), help="A Maildir (repeatable).")
@click.option("--mbox", multiple=True, type=click.Path(path_type=Path), help="An mbox file (repeatable).")
@click.option("--imap", is_flag=True, help="Read the IMAP account of followup-md.toml's [mail] section.")
@click.option("--since", metavar="YYYY-MM-DD", help="Only messages from this day on.")
@click.option("--dry-run", is_flag=True, help="Print what would be recorded; write nothing.")
@TODAY
def mail(
    vault: Path | None,
    maildir: tuple[Path, ...],
    mbox: tuple[Path, ...],
    imap: bool,
    since: str | None,
    dry_run: bool,
    today: str | None,
) -> None:
    """Record exchanges with the vault's people as log notes, then sync.

    Reads message headers only (From, To, Cc, Date, Subject, Message-ID),
    read-only: never a body, never an attachment, never a \\Seen flag. A
    message with one of the vault's addresses becomes a log note in logs/
    (`sent` or `received`); a message already recorded is skipped. Without
    options, the sources of followup-md.toml's [mail] section are read.

    \b
    Example:
      followup-md mail ~/vault --maildir ~/Mail/INBOX --maildir ~/Mail/Sent
      FOLLOWUP_MD_IMAP_PASSWORD=... followup-md mail ~/vault --imap --since 2026-11-01
    """
    from followup_md.mail import address_book, describe
    from followup_md.mail_check import check_log_folder, open_sources, record_mail

    day = _today(today, vault)
    start = _today(since, option="--since") if since else None
    root, config, settings = _open(vault)
    check_log_folder(config, settings)
    plan = _plan(vault, day)
    sources = open_sources(config, root, (maildir, mbox, imap), start, os.environ)
    total = sum(source.count for source in sources)
    notes = plan.notes
    if sys.stderr.isatty() and total >= MAIL_PROGRESS_FROM:
        with click.progressbar(length=total, label="Reading mail headers", file=sys.stderr) as bar:
            recorded, scan, failed = record_mail(root, config, notes, sources, start, dry_run, bar.update)
    else:
        recorded, scan, failed = record_mail(root, config, notes, sources, start, dry_run)
    for record in recorded:
        _say(("would record: " if dry_run else "") + describe(record, notes))
    _echo_err([f"followup-md: {error}" for error in failed])
    bad = f", {len(scan.bad):,} unreadable (skipped)" if scan.bad else ""
    what = "to record" if dry_run else "recorded"
    click.echo(
        f"followup-md: {scan.scanned:,} message{'s' if scan.scanned != 1 else ''} read{bad}; "
        f"{len(recorded)} new exchange{'s' if len(recorded) != 1 else ''} {what}",
        err=True,
    )
    if not address_book(notes):
        _echo_err(
            [
                "followup-md: no follow-up note has an email address, so no message can be matched; "
                "add `email:` to the notes of the people you write to"
            ]
        )
    if not dry_run:
        del plan, notes
        _sync(vault, day)


VAULT_OPTION = click.option(
    "--vault",
    type=click.Path(file_okay=False, path_type=Path),
    help="The vault (default: the one holding the current folder).",
)


def _note_of(plan: Any, root: Path, spec: str) -> Any:
    """A note by its path (from here or from the vault), file name or alias,
    matched the way links are; a name that fits two notes is an error."""
    from followup_md.errors import UsageError
    from followup_md.links import fold, link_index

    for candidate in (Path(spec), root / spec, Path(spec + ".md"), root / (spec + ".md")):
        try:
            rel = candidate.resolve().relative_to(root).as_posix()
        except (ValueError, OSError):
            continue
        if rel in plan.notes:
            return plan.notes[rel]
    index = link_index(plan.notes)
    found = index.candidates(spec) or sorted(p for p, n in plan.notes.items() if fold(n.name) == fold(spec))
    if len(found) > 1:
        raise UsageError(f"{spec!r} names more than one note: {', '.join(found)}; give its path")
    if not found:
        near = index.suggest(spec)
        hint = f"; did you mean {' or '.join(repr(path) for path in near)}?" if near else ""
        raise UsageError(f"no follow-up note {spec!r} in {root}{hint}")
    return plan.notes[found[0]]


def _open_steps(plan: Any, note: Any) -> list[Any]:
    steps = [s for s in plan.steps if s.note == note.path and s.status == "open"]
    return sorted(steps, key=lambda s: (s.due, s.start, s.id))


def _step_of(plan: Any, note: Any, step_id: str | None) -> Any:
    from followup_md.errors import UsageError

    steps = _open_steps(plan, note)
    if not steps:
        raise UsageError(f"{note.path} has no open follow-up step")
    if step_id is None:
        return steps[0]
    from followup_md.catalogue import step_kind

    for step in steps:
        if step.id == step_id:
            return step
    # An interview round's steps carry its date (`thank-you-20261119`): the
    # kind alone names the step when only one open step is of that kind.
    kinds = [step for step in steps if step_kind(step.id) == step_id]
    if len(kinds) == 1:
        return kinds[0]
    listed = ", ".join(s.id for s in steps)
    raise UsageError(f"{note.path} has no open step {step_id!r}; its open steps: {listed}")


@cli.command()
@click.argument("kind", metavar="TYPE")
@click.argument("name")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="A front-matter value (repeatable).")
@click.option("--open", "open_it", is_flag=True, help="Open the new note in its default app.")
@VAULT_OPTION
@TODAY
def new(
    kind: str, name: str, sets: tuple[str, ...], open_it: bool, vault: Path | None, today: str | None
) -> None:
    """Create a follow-up note with the right front matter.

    TYPE is contact, introduction, help, application, interview, referral or
    log. The triggering date (met, applied, interview…) is today unless
    --set gives it. Dates may be relative: today, tomorrow, yesterday, +3d,
    -1w, or a weekday (the coming one); `--set topics="[dbt, data pipelines]"`
    is a list. A name like "Hooli - Backend Engineer" fills company and role.
    Every value is checked as sync would read it. The note goes to the folder
    followup-md.toml maps to the type ([folders]), and uses the vault's own
    template for it when its template folder has one (`contact.md` or
    `Follow-up contact.md`).

    \b
    Example:
      followup-md new interview "Globex - Analyst" --set interview=2026-11-24T14:00 \\
        --set interviewer="[[Dana Ortiz]]"
    """
    from followup_md.errors import UsageError
    from followup_md.model import FileChange, Problem
    from followup_md.parse import read_note
    from followup_md.skeletons import folder_for, note_text, parse_sets, safe_file_name
    from followup_md.vault import template_files
    from followup_md.write import write_atomic

    root, config, settings = _open(vault)
    template = None
    wanted = (kind.casefold(), f"follow-up {kind}".casefold())
    for folder in settings.template_folders:
        for rel, data in template_files(root, folder, ".md"):
            if rel.removesuffix(".md").rpartition("/")[2].casefold() in wanted:
                template = data.decode("utf-8", errors="replace")
    text = note_text(kind, name, parse_sets(sets), config, _today(today, vault), template)
    folder = folder_for(kind, config)
    rel = f"{folder}/{safe_file_name(name)}.md" if folder else f"{safe_file_name(name)}.md"
    size, limit = len(os.fsencode(rel.rpartition("/")[2])), _name_max(root)
    if size > limit:
        raise UsageError(
            f"the file name {rel.rpartition('/')[2]!r} is {size} bytes long; the file system allows {limit}; "
            "give the note a shorter name"
        )
    read = read_note(rel, text.encode("utf-8"), config, settings.syntax)
    if isinstance(read, Problem):  # the reader's own rules, before anything is written
        raise UsageError(f"{read.message}; nothing written")
    if (root / rel).exists():
        raise UsageError(f"{rel} already exists; followup-md never overwrites a note")
    write_atomic(root, FileChange(rel, None, text.encode("utf-8"), None))
    _say(rel)
    if open_it:
        click.launch(str(root / rel))


def _name_max(root: Path) -> int:
    """The longest file name (in bytes) the vault's file system takes."""
    from followup_md.write import NAME_MAX

    try:
        return min(os.pathconf(root, "PC_NAME_MAX"), NAME_MAX)
    except (OSError, ValueError):
        return NAME_MAX


@cli.command()
@click.argument("note")
@click.argument("step")
@click.option("--on", "on", metavar="YYYY-MM-DD", help="The day it was done (default: today).")
@VAULT_OPTION
@TODAY
def done(note: str, step: str, on: str | None, vault: Path | None, today: str | None) -> None:
    """Mark a step done, exactly as ticking its box would, then sync.

    NOTE is a path or a note's name; STEP a step id (`reach-out`,
    `thank-you-20261119`…), or its kind (`thank-you`) when only one open step
    is of that kind. An unknown step lists the note's open steps.

    \b
    Example:
      followup-md done "Globex - Analytics Engineer" thank-you --on 2026-11-20
    """
    from followup_md.app import plan_vault, read_again
    from followup_md.cache import probe_vault
    from followup_md.model import FileChange
    from followup_md.render import tick_step
    from followup_md.write import write_atomic

    day = _today(today, vault)
    when = _today(on, option="--on") if on else day
    root, config, settings = _open(vault)
    planned = plan_vault(root, config, settings, probe_vault(root, config, settings, day))
    target = _note_of(planned.plan, root, note)
    step = _step_of(planned.plan, target, step).id
    planned = read_again(root, config, settings, planned, [target.path])  # tick what is on disk
    target = _note_of(planned.plan, root, target.path)
    change = next((c for c in planned.plan.changes if c.path == target.path), None)
    text = change.new.decode("utf-8") if change else target.text
    ticked = tick_step(text, target.path, step, when, settings.syntax)
    stat = planned.read[target.path].file.stat
    write_atomic(root, FileChange(target.path, target.text, ticked.encode("utf-8"), stat))
    _say(f"followup-md: {target.path}: {step} done on {when}")
    _apply(root, config, settings, read_again(root, config, settings, planned, [target.path]))


def _draft_help() -> str:
    from followup_md.placeholders import PLACEHOLDERS

    width = max(map(len, PLACEHOLDERS)) + 2
    fields = "\n".join(f"  {{{name}}}".ljust(width + 3) + text for name, text in PLACEHOLDERS.items())
    return (
        "Print a drafted email for a step (default: the note's most urgent one).\n\n"
        "Your own templates in the draft_templates folder (thank-you.txt,\n"
        "check-in.txt…: a Subject: line, a blank line, the body) replace ours,\n"
        "with these placeholders:\n\n"
        f"\b\n{fields}\n\n"
        "\b\nExample:\n"
        '  followup-md draft "Globex - Analytics Engineer"\n'
        '  followup-md draft "Lena Novak" reach-out --mailto\n'
    )


@cli.command(help=_draft_help())
@click.argument("note")
@click.argument("step", required=False)
@click.option("--mailto", is_flag=True, help="Print a mailto: link instead of the text.")
@VAULT_OPTION
@TODAY
def draft(note: str, step: str | None, mailto: bool, vault: Path | None, today: str | None) -> None:
    from followup_md.cache import first_time
    from followup_md.errors import UsageError
    from followup_md.layout import DRAFT_TEMPLATES
    from followup_md.links import copy_email, link_index, recipient_email
    from followup_md.links import mailto as mailto_url
    from followup_md.placeholders import words_for
    from followup_md.vault import read_draft_templates
    from followup_md.wording import check_templates, draft_email, template_for

    root, config, _ = _open(vault)
    texts, old = read_draft_templates(root, config)
    templates = check_templates(texts)
    if old is not None and first_time(root, "draft-templates-moved"):
        click.echo(
            f"followup-md: your draft templates are in {old}/, inside the cache folder that git "
            f"ignores; move them to {DRAFT_TEMPLATES}/ to keep them with the vault",
            err=True,
        )
    plan = _plan(vault, _today(today, vault))
    target = _note_of(plan, root, note)
    chosen = _step_of(plan, target, step)
    names = link_index(plan.notes)
    cc = copy_email(chosen, plan.notes, names)
    subject, body = draft_email(chosen, target, config.sender, template_for(chosen, target, templates), cc)
    if mailto:
        address = recipient_email(chosen, plan.notes, names)
        if not address:
            who = words_for(chosen, target, config.sender)["who"]
            raise UsageError(
                f"no email address for {who}, to whom the {chosen.id} step is addressed; "
                "add `email:` to their note"
            )
        _say(mailto_url(address, subject, body, cc))
        return
    copy = f"Cc: {cc}\n" if cc else ""
    _say(f"Subject: {subject}\n{copy}\n{body}", nl=False, keep="\n\t")


@cli.command()
@click.argument("note")
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@VAULT_OPTION
@TODAY
def explain(note: str, as_json: bool, vault: Path | None, today: str | None) -> None:
    """Show what was read from a note and why it has the steps it has.

    Every fact with its key, value, line and source (front matter, a log
    note, a tick, your postponement), every step with the rule and the date
    it counts from, and why each other rule did not fire. NOTE is a path or
    a note's name; a file that is not a follow-up note is told why not.

    \b
    Example:
      followup-md explain "Globex - Analytics Engineer"
      followup-md explain "people/Maya Chen.md" --json | jq .not_fired
    """
    from followup_md.explain import explain_lines, explain_note
    from followup_md.journal import exchanges
    from followup_md.links import link_index
    from followup_md.model import Exchange

    root, config, settings = _open(vault)
    plan = _plan(vault, _today(today))
    outsider = _not_ours(plan, root, note, config, settings)
    if outsider is not None:
        _say(outsider)
        raise CheckFailed()
    target = _note_of(plan, root, note)
    index = link_index(plan.notes)
    report = explain_note(
        target,
        plan.notes,
        index,
        exchanges(plan.notes, index).get(target.path, Exchange()),
        config,
        plan.today,
        [s for s in plan.steps if s.note == target.path],
        [w for w in plan.waiting if w.note == target.path],
        [p for p in plan.problems if p.path == target.path],
    )
    if as_json:
        _say(json.dumps(report, indent=2, ensure_ascii=False), keep="\n")  # valid JSON
    else:
        _say("\n".join(explain_lines(report)), keep="\n")


def _not_ours(plan: Any, root: Path, spec: str, config: Any, settings: Any) -> str | None:
    """Why a Markdown file named on the command line is no follow-up note (None:
    it is one, or no such file)."""
    from followup_md.parse import decode_note, split_front_matter
    from followup_md.vault import is_note_path
    from followup_md.yamlcore import load_mapping

    for candidate in (Path(spec), root / spec, Path(spec + ".md"), root / (spec + ".md")):
        try:
            rel = candidate.resolve().relative_to(root).as_posix()
        except (ValueError, OSError):
            continue
        if rel in plan.notes or not candidate.is_file():
            continue
        problem = next((p for p in (*plan.problems, *plan.unreadable) if p.path == rel), None)
        if problem is not None:
            return f"{rel}: not read: {problem.message}"
        if not is_note_path(rel, config, settings):
            return (
                f"{rel}: not read: followup-md skips its folder "
                "(hidden, templates, or exclude in followup-md.toml)"
            )
        try:
            front, _ = split_front_matter(decode_note(candidate.read_bytes(), rel))
            raw = load_mapping(front, rel, 2)[0] if front is not None else {}
        except (FollowupError, ValueError) as error:
            return f"{rel}: not a follow-up note: {error}"
        theirs = next((key for key in raw if "type" in config.ours_for(key)), None)
        if theirs is None or raw[theirs] in (None, "", []):
            key = config.key("type")
            return (
                f"{rel}: not a follow-up note: no `{key}:` in its front matter "
                "(add one, or map its folder or tag to a type in followup-md.toml)"
            )
        return (
            f"{rel}: not a follow-up note: {theirs}: {raw[theirs]!r} is none of contact, introduction, help, "
            "application, interview, referral, log (map it in followup-md.toml [types])"
        )
    return None


@cli.group()
def export() -> None:
    """Export the follow-ups to other tools.

    \b
    Example:
      followup-md export ics ~/vault -o ~/followups.ics
    """


@export.command("ics")
@VAULT
@TODAY
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
def export_ics(vault: Path | None, today: str | None, output: Path | None) -> None:
    """The open steps as an iCalendar file (stdout, or -o FILE).

    Each step is an all-day event on its due date with a stable UID; set
    ics_file in followup-md.toml to have every sync keep one in the vault.

    \b
    Example:
      followup-md export ics ~/vault -o ~/followups.ics
    """
    from followup_md.ics import render_ics
    from followup_md.write import write_export

    plan = _plan(vault, _today(today, vault))
    calendar = render_ics(plan.steps, plan.notes, plan.today)
    if output is None:
        click.echo(calendar, nl=False)  # bytes go out as they are: RFC 5545 lines end in CRLF
        return
    write_export(output, calendar)
    _say(f"followup-md: wrote {output}", err=True)


@cli.command()
@VAULT
def init(vault: Path | None) -> None:
    """Write a commented followup-md.toml and a note template per type.

    Never overwrites: an existing config or template is left as it is. The
    templates go to the vault's template folder (Obsidian's Templates or
    Templater settings), in Templater syntax when Templater is installed.

    \b
    Example:
      followup-md init ~/vault
    """
    from followup_md.layout import CONFIG_FILE
    from followup_md.model import FileChange
    from followup_md.schema import TYPES
    from followup_md.skeletons import config_text, note_template
    from followup_md.write import write_atomic

    root, config, settings = _open(vault)
    wrote: list[str] = []
    from followup_md.vault import machine_zone

    files = [(CONFIG_FILE, config_text(machine_zone()))]
    if settings.template_folders:
        folder = settings.template_folders[0]
        templater = (root / ".obsidian" / "plugins" / "templater-obsidian").is_dir()
        files += [(f"{folder}/Follow-up {kind}.md", note_template(kind, config, templater)) for kind in TYPES]
    for rel, text in files:
        if (root / rel).exists():
            _say(f"followup-md: {rel} exists; left as it is")
            continue
        write_atomic(root, FileChange(rel, None, text.encode("utf-8"), None))
        wrote.append(rel)
    for rel in wrote:
        _say(f"wrote {rel}")
    click.echo(
        'Next: create a note (`followup-md new contact "Jane Doe"`), then run '
        "`followup-md sync` (or leave `followup-md watch` running) and open Due.md."
    )


def main() -> None:
    cli(prog_name="followup-md")
