"""The `mail` command: a mailbox's headers become log notes, then a sync."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from followup_md.cli_sync import _sync
from followup_md.cli_vault import TODAY, VAULT, _echo_err, _open, _plan, _say, _today

MAIL_PROGRESS_FROM = 1000  # messages (from IMAP a thousand take seconds)


@click.command()
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
    from followup_md.mail_check import check_log_folder, open_sources

    day = _today(today, vault)
    start = _today(since, option="--since") if since else None
    root, config, settings = _open(vault)
    check_log_folder(config, settings)
    plan = _plan(vault, day)
    sources = open_sources(config, root, (maildir, mbox, imap), start, os.environ)
    notes = plan.notes
    recorded, scan, failed = _read_mail(root, config, notes, sources, start, dry_run)
    _report_mail(recorded, scan, failed, notes, dry_run)
    if not dry_run:
        del plan, notes
        _sync(vault, day)


def _read_mail(
    root: Path, config: Any, notes: Any, sources: list[Any], start: date | None, dry_run: bool
) -> tuple[list[Any], Any, list[Any]]:
    """record_mail, with a progress bar on stderr for many messages on a terminal."""
    from followup_md.mail_check import record_mail

    total = sum(source.count for source in sources)
    if sys.stderr.isatty() and total >= MAIL_PROGRESS_FROM:
        with click.progressbar(length=total, label="Reading mail headers", file=sys.stderr) as bar:
            return record_mail(root, config, notes, sources, start, dry_run, bar.update)
    return record_mail(root, config, notes, sources, start, dry_run)


def _report_mail(recorded: list[Any], scan: Any, failed: list[Any], notes: Any, dry_run: bool) -> None:
    """Say what was recorded (or would be), what failed, what was read, and
    why nothing can match when no note has an address."""
    from followup_md.mail import address_book, describe

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
