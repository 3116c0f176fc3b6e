"""The mail edge: read message headers from Maildir, mbox and IMAP, read-only,
and record the exchanges they show as log notes.

Bodies are never parsed or kept: from a file only the bytes up to the first
blank line are looked at (read in blocks of 8 KiB); from IMAP only
`BODY.PEEK[HEADER.FIELDS (...)]` is fetched, from a mailbox opened with
EXAMINE, so no `\\Seen` flag is ever set.
"""

from __future__ import annotations

import contextlib
import imaplib
import mailbox
import os
import re
import shlex
import ssl
import subprocess
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol

from followup_md.config import Config, MailSettings
from followup_md.errors import ConfigError, MailError, UsageError, WriteError
from followup_md.layout import CONFIG_FILE
from followup_md.mail import (
    HEADER_FIELDS,
    MAX_HEADER,
    AddressFilter,
    BadMessageError,
    Envelope,
    Recorded,
    address_book,
    log_folder,
    plan_mail,
    read_envelope,
)
from followup_md.model import Note, VaultSettings
from followup_md.vault import is_note_path
from followup_md.write import write_atomic

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
FETCH_BATCH = 500  # messages per IMAP FETCH
TIMEOUT = 60  # seconds for an IMAP server to answer
HEADER_BLOCK = 8192  # bytes read at a time; most headers fit in one
PROGRESS_STEP = 250  # messages between two updates of the progress bar
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_INTERNALDATE = re.compile(
    rb'INTERNALDATE "(\d{1,2})-(\w{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)"'
)
_LIST = re.compile(rb'^\((?P<flags>[^)]*)\) (?:"(?:[^"\\]|\\.)*"|NIL) (?P<name>.+)$')
_FROM_LINE = re.compile(r"^From \S+ +(.+?)\s*$")


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One message's header bytes, its delivery time (the fallback for a missing
    Date) and where it is (for a report)."""

    header: bytes
    delivered: datetime | None
    where: str


@dataclass
class Source:
    """One mailbox, opened: how many messages it holds and a way to read them."""

    count: int
    messages: Iterator[RawMessage]
    close: Callable[[], None] = lambda: None


@dataclass
class Scan:
    """What reading the sources gave: the usable messages and the bad ones."""

    envelopes: list[Envelope] = field(default_factory=list)
    scanned: int = 0
    bad: list[str] = field(default_factory=list)


class _Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


def read_header(file: _Readable) -> bytes:
    """A message's header: its bytes up to the first blank line (at most
    MAX_HEADER). Read in blocks; the body bytes of the last block are dropped
    unlooked-at."""
    data = b""
    while len(data) < MAX_HEADER:
        block = file.read(HEADER_BLOCK)
        if not block:
            break
        start = max(0, len(data) - 3)
        data += block
        if data.startswith((b"\n", b"\r")):
            return b""
        # a line end (LF, CRLF or CR) and then an empty line (LF, CRLF or CR)
        ends = [data.find(blank, start) for blank in (b"\n\n", b"\n\r", b"\r\r")]
        found = min((end for end in ends if end >= 0), default=-1)
        if found >= 0:
            return data[: found + 1]
    return data[:MAX_HEADER]


def _maildirs(path: Path) -> list[Path]:
    """The Maildir at `path`, and every Maildir below it (Maildir++ `.Sent`,
    a notmuch or mbsync tree), in a stable order."""
    found = []
    for folder, dirs, _ in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d not in ("cur", "new", "tmp", ".notmuch"))
        if os.path.isdir(os.path.join(folder, "cur")) and os.path.isdir(os.path.join(folder, "new")):
            found.append(Path(folder))
    return found


def _delivered(key: str) -> datetime | None:
    """The delivery time at the start of a Maildir file name (`1732456789.M1P2.host`)."""
    seconds = key.split(".", 1)[0]
    if not seconds.isdigit():
        return None
    try:
        return datetime.fromtimestamp(int(seconds), UTC)
    except (OverflowError, OSError, ValueError):
        return None


def open_maildir(path: Path) -> Source:
    """Every message of the Maildir(s) at `path`."""
    folders = _maildirs(path) if path.is_dir() else []
    if not folders:
        raise MailError("not a Maildir (no cur/ and new/ folders in it or below it)", str(path))
    boxes = [mailbox.Maildir(folder, factory=None, create=False) for folder in folders]
    keys = [(box, folder, key) for box, folder in zip(boxes, folders, strict=True) for key in box.iterkeys()]

    def messages() -> Iterator[RawMessage]:
        for box, folder, key in keys:
            try:
                with box.get_file(key) as file:
                    header = read_header(file)
            except (OSError, KeyError):  # deleted by the mail client meanwhile
                continue
            yield RawMessage(header, _delivered(key), f"{folder}/{key}")

    return Source(len(keys), messages())


def _from_line_date(line: bytes) -> datetime | None:
    """The date of an mbox `From sender Tue Nov 24 09:12:00 2026` line."""
    found = _FROM_LINE.match(line.decode("ascii", "replace"))
    if found is None:
        return None
    try:
        return datetime.strptime(found.group(1), "%a %b %d %H:%M:%S %Y").replace(tzinfo=UTC)
    except ValueError:
        return None


def open_mbox(path: Path) -> Source:
    """Every message of an mbox file."""
    if not path.is_file():
        raise MailError("no such mbox file", str(path))
    try:
        box = mailbox.mbox(path, factory=None, create=False)
        keys = box.keys()  # one pass over the file to find where messages start
    except OSError as error:
        raise MailError(f"cannot be read: {error.strerror or error}", str(path)) from None

    def messages() -> Iterator[RawMessage]:
        for number, key in enumerate(keys, 1):
            with box.get_file(key, from_=True) as file:
                first = file.readline()
                header = read_header(file)
            yield RawMessage(header, _from_line_date(first), f"{path} message {number}")

    return Source(len(keys), messages(), box.close)


def imap_password(settings: MailSettings, environ: Mapping[str, str]) -> str:
    """The IMAP password from the environment or `password_command`; never stored."""
    if environ.get(settings.password_env):
        return environ[settings.password_env]
    if not settings.password_command:
        raise MailError(
            f"no IMAP password: set the environment variable {settings.password_env} "
            "or mail.password_command in followup-md.toml (an app password for Gmail)"
        )
    try:
        done = subprocess.run(
            shlex.split(settings.password_command), capture_output=True, timeout=120, check=False
        )
    except (OSError, ValueError, subprocess.TimeoutExpired) as error:
        raise MailError(f"mail.password_command failed: {error}") from None
    if done.returncode != 0:
        raise MailError(f"mail.password_command exited with status {done.returncode}")
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0]:
        raise MailError("mail.password_command printed no password")
    return lines[0]


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _unquote(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").strip()
    if text.startswith('"') and text.endswith('"'):
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def _special_folders(conn: imaplib.IMAP4) -> dict[str, str]:
    """Special-use attribute (`\\Sent`, lower case) -> folder name (RFC 6154)."""
    kind, lines = conn.list()
    found: dict[str, str] = {}
    if kind != "OK":
        return found
    for line in lines:
        if isinstance(line, tuple):  # a name sent as a literal
            head, name = line[0], line[1]
            flags = head[head.find(b"(") + 1 : head.find(b")")]
            raw_name = name
        else:
            match = _LIST.match(line or b"")
            if match is None:
                continue
            flags, raw_name = match.group("flags"), match.group("name")
        for flag in flags.decode("ascii", "replace").split():
            found.setdefault(flag.lower(), _unquote(raw_name))
    return found


def _internaldate(head: bytes) -> datetime | None:
    found = _INTERNALDATE.search(head)
    if found is None or found.group(2).decode().title() not in _MONTHS:
        return None
    day, month, year, hour, minute, second, sign, oh, om = found.groups()
    offset = timedelta(hours=int(oh), minutes=int(om)) * (-1 if sign == b"-" else 1)
    try:
        return datetime(
            int(year),
            _MONTHS.index(month.decode().title()) + 1,
            int(day),
            int(hour),
            int(minute),
            int(second),
            tzinfo=timezone(offset),
        )
    except ValueError:
        return None


def connect_imap(settings: MailSettings) -> imaplib.IMAP4:
    """A connection over TLS (IMAPS or STARTTLS), or plain to localhost only."""
    host, security = settings.imap_host, settings.imap_security
    if security == "plain" and host not in LOCAL_HOSTS:
        raise ConfigError(
            'mail.imap_security = "plain" would send your password unencrypted; '
            f"it is only allowed to localhost, not {host!r} (use tls or starttls)"
        )
    try:
        context = ssl.create_default_context(cafile=settings.imap_cafile or None)
    except (OSError, ssl.SSLError) as error:
        raise MailError(f"mail.imap_cafile cannot be used: {error}") from None
    conn = None
    try:
        if security == "tls":
            return imaplib.IMAP4_SSL(host, settings.imap_port or 993, ssl_context=context, timeout=TIMEOUT)
        conn = imaplib.IMAP4(host, settings.imap_port or 143, timeout=TIMEOUT)
        if security == "starttls":
            conn.starttls(context)  # before any password is sent
        return conn
    except (OSError, imaplib.IMAP4.error, ssl.SSLError) as error:
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.shutdown()
        raise MailError(f"cannot connect to {host}: {error}") from None


def _folders(conn: imaplib.IMAP4, wanted: Iterable[str]) -> list[str]:
    special: dict[str, str] | None = None
    names = []
    for name in wanted:
        if name.startswith("\\"):
            special = _special_folders(conn) if special is None else special
            if name.lower() not in special:
                raise MailError(f"the server marks no folder as {name}; name it in mail.imap_folders")
            name = special[name.lower()]
        if name not in names:
            names.append(name)
    return names


def _search_since(day: date) -> str:
    return f"{day.day}-{_MONTHS[day.month - 1]}-{day.year}"


def open_imap(settings: MailSettings, password: str, since: date | None) -> Source:
    """Every message (since `since`) in the configured folders, headers only."""
    conn = connect_imap(settings)
    host = settings.imap_host

    def close() -> None:
        with contextlib.suppress(Exception):
            conn.logout()

    try:
        conn.login(settings.imap_user, password)  # a refusal raises IMAP4.error
        plan: list[tuple[str, bool, list[str], int]] = []  # folder, by UID, FETCH sets, messages
        for folder in _folders(conn, settings.imap_folders):
            selected, data = conn.select(_quote(folder), readonly=True)  # EXAMINE: nothing is marked \Seen
            if selected != "OK":
                raise MailError(f"{host}: no folder {folder!r}")
            if since is None:  # every message, by ranges of sequence numbers (no list of 100,000 UIDs)
                exists = data[0] if data else None
                total = int(exists) if isinstance(exists, bytes) and exists.isdigit() else 0
                starts = range(1, total + 1, FETCH_BATCH)
                plan.append(
                    (folder, False, [f"{a}:{min(a + FETCH_BATCH - 1, total)}" for a in starts], total)
                )
                continue
            searched, found = conn.uid("SEARCH", "SINCE", _search_since(since))
            uids = found[0].split() if searched == "OK" and found and found[0] else []
            starts = range(0, len(uids), FETCH_BATCH)
            plan.append(
                (folder, True, [b",".join(uids[a : a + FETCH_BATCH]).decode() for a in starts], len(uids))
            )
    except (OSError, imaplib.IMAP4.error) as error:
        close()
        raise MailError(f"{host}: {error}") from None
    except BaseException:
        close()
        raise
    fields = f"(UID INTERNALDATE BODY.PEEK[HEADER.FIELDS ({' '.join(HEADER_FIELDS).upper()})])"

    def messages() -> Iterator[RawMessage]:
        try:
            for folder, by_uid, batches, _ in plan:
                if not batches:
                    continue
                conn.select(_quote(folder), readonly=True)
                for batch in batches:
                    kind, data = conn.uid("FETCH", batch, fields) if by_uid else conn.fetch(batch, fields)
                    if kind != "OK":
                        raise MailError(f"{host}: FETCH failed in {folder!r}")
                    for item in data:
                        if isinstance(item, tuple):
                            yield RawMessage(item[1], _internaldate(item[0]), f"{host}/{folder}")
        except (OSError, imaplib.IMAP4.error) as error:
            raise MailError(f"{host}: {error}") from None

    count = sum(messages for *_, messages in plan)
    return Source(count, messages(), close)


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
