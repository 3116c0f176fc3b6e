"""A mail check: the mailboxes to read (the command line's, or `[mail]`'s),
their messages scanned into envelopes, and the new exchanges written as log
notes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from followup_md.config import Config
from followup_md.envelopes import AddressFilter, BadMessageError, Envelope, read_envelope
from followup_md.errors import ConfigError, UsageError, WriteError
from followup_md.imap import imap_password, open_imap
from followup_md.layout import CONFIG_FILE
from followup_md.mail import Recorded, address_book, log_folder, plan_mail
from followup_md.mailboxes import Source, open_maildir, open_mbox
from followup_md.model import Note, VaultSettings
from followup_md.vault import is_note_path
from followup_md.write import write_atomic

PROGRESS_STEP = 250  # messages between two updates of the progress bar


@dataclass
class Scan:
    """What reading the sources gave: the usable messages and the bad ones."""

    envelopes: list[Envelope] = field(default_factory=list)
    scanned: int = 0
    bad: list[str] = field(default_factory=list)


def scan_sources(
    sources: Iterable[Source],
    progress: Callable[[int], Any] | None = None,
    wanted: AddressFilter | None = None,
) -> Scan:
    """Read every message of every source; a bad one is counted, never fatal.
    With `wanted`, a message that cannot be with those addresses is not parsed."""
    scan = Scan()
    for source in sources:
        try:
            for raw in source.messages:
                scan.scanned += 1
                if progress is not None and scan.scanned % PROGRESS_STEP == 0:
                    progress(PROGRESS_STEP)
                if wanted is not None and not wanted.may_match(raw.header):
                    continue
                try:
                    scan.envelopes.append(read_envelope(raw.header, raw.delivered))
                except (BadMessageError, ValueError, TypeError, LookupError, UnicodeError) as error:
                    scan.bad.append(f"{raw.where}: {error}")
        finally:
            source.close()
    return scan


def open_sources(
    config: Config,
    root: Path,
    given: tuple[tuple[Path, ...], tuple[Path, ...], bool],
    since: date | None,
    environ: Mapping[str, str],
) -> list[Source]:
    """The mailboxes named on the command line (`given`: Maildirs, mbox files,
    IMAP), or else those of `[mail]` (paths relative to the vault, `~` expanded)."""
    maildirs, mboxes, imap = given
    settings = config.mail
    if not (maildirs or mboxes or imap):
        maildirs = tuple(root / Path(p).expanduser() for p in settings.maildir)
        mboxes = tuple(root / Path(p).expanduser() for p in settings.mbox)
        imap = bool(settings.imap_host)
    if not (maildirs or mboxes or imap):
        raise UsageError(
            "no mailbox to read: give --maildir, --mbox or --imap, or name them in "
            "followup-md.toml's [mail] section (see the README's Mail section)"
        )
    if imap and not settings.imap_host:
        raise ConfigError("--imap needs mail.imap_host and mail.imap_user in followup-md.toml", CONFIG_FILE)
    sources = [open_maildir(path) for path in maildirs] + [open_mbox(path) for path in mboxes]
    if imap:
        sources.append(open_imap(settings, imap_password(settings, environ), since))
    return sources


def check_log_folder(config: Config, settings: VaultSettings) -> str:
    """The log folder, if the vault reads notes there (else a ConfigError: log
    notes nobody reads would be recorded again and again)."""
    folder = log_folder(config)
    probe = f"{folder}/log.md"
    if not is_note_path(probe, config, settings) or any(part.startswith(".") for part in folder.split("/")):
        raise ConfigError(
            f"mail.folder: {folder!r} is hidden, excluded or a template folder; "
            "log notes there would never be read",
            CONFIG_FILE,
        )
    return folder


def record_mail(
    root: Path,
    config: Config,
    notes: Mapping[str, Note],
    sources: Iterable[Source],
    since: date | None,
    dry_run: bool = False,
    progress: Callable[[int], Any] | None = None,
) -> tuple[list[Recorded], Scan, list[WriteError]]:
    """Read the sources, plan a log note per new exchange and (unless `dry_run`)
    write them; returns what was recorded, what was read, and failed writes."""
    scan = scan_sources(sources, progress, AddressFilter(address_book(notes)))
    envelopes = [e for e in scan.envelopes if since is None or e.sent_at.date() >= since]
    folder = root / log_folder(config)
    taken: list[str] = []
    if folder.is_dir() and not folder.is_symlink():
        taken = os.listdir(folder)
    recorded = plan_mail(envelopes, notes, config, taken)
    failed: list[WriteError] = []
    if not dry_run:
        for record in recorded:
            try:
                write_atomic(root, record.change)
            except WriteError as error:
                failed.append(error)
    written = {error.path for error in failed}
    return [r for r in recorded if r.change.path not in written], scan, failed
