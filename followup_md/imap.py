"""An IMAP mailbox, opened as a `Source`: over TLS (or plain to localhost only),
each folder EXAMINEd, so no `\\Seen` flag is ever set, and only
`BODY.PEEK[HEADER.FIELDS (...)]` fetched, in batches.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import shlex
import ssl
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta, timezone

from followup_md.config import MailSettings
from followup_md.envelopes import HEADER_FIELDS
from followup_md.errors import ConfigError, MailError
from followup_md.mailboxes import RawMessage, Source

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
FETCH_BATCH = 500  # messages per IMAP FETCH
TIMEOUT = 60  # seconds for an IMAP server to answer
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_INTERNALDATE = re.compile(
    rb'INTERNALDATE "(\d{1,2})-(\w{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)"'
)
_LIST = re.compile(rb'^\((?P<flags>[^)]*)\) (?:"(?:[^"\\]|\\.)*"|NIL) (?P<name>.+)$')
_FETCH_FIELDS = f"(UID INTERNALDATE BODY.PEEK[HEADER.FIELDS ({' '.join(HEADER_FIELDS).upper()})])"
_FolderPlan = tuple[str, bool, list[str], int]  # folder, by UID, FETCH sets, messages


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
        plan = [_plan_folder(conn, host, folder, since) for folder in _folders(conn, settings.imap_folders)]
    except (OSError, imaplib.IMAP4.error) as error:
        close()
        raise MailError(f"{host}: {error}") from None
    except BaseException:
        close()
        raise
    count = sum(messages for *_, messages in plan)
    return Source(count, _fetch_headers(conn, host, plan), close)


def _plan_folder(conn: imaplib.IMAP4, host: str, folder: str, since: date | None) -> _FolderPlan:
    """What to fetch from one folder: every message, or those since `since`."""
    selected, data = conn.select(_quote(folder), readonly=True)  # EXAMINE: nothing is marked \Seen
    if selected != "OK":
        raise MailError(f"{host}: no folder {folder!r}")
    if since is None:  # every message, by ranges of sequence numbers (no list of 100,000 UIDs)
        exists = data[0] if data else None
        total = int(exists) if isinstance(exists, bytes) and exists.isdigit() else 0
        starts = range(1, total + 1, FETCH_BATCH)
        return (folder, False, [f"{a}:{min(a + FETCH_BATCH - 1, total)}" for a in starts], total)
    searched, found = conn.uid("SEARCH", "SINCE", _search_since(since))
    uids = found[0].split() if searched == "OK" and found and found[0] else []
    starts = range(0, len(uids), FETCH_BATCH)
    return (folder, True, [b",".join(uids[a : a + FETCH_BATCH]).decode() for a in starts], len(uids))


def _fetch_headers(conn: imaplib.IMAP4, host: str, plan: list[_FolderPlan]) -> Iterator[RawMessage]:
    """The planned messages' header fields, one FETCH batch at a time."""
    try:
        for folder, by_uid, batches, _ in plan:
            if not batches:
                continue
            conn.select(_quote(folder), readonly=True)
            for batch in batches:
                kind, data = (
                    conn.uid("FETCH", batch, _FETCH_FIELDS) if by_uid else conn.fetch(batch, _FETCH_FIELDS)
                )
                if kind != "OK":
                    raise MailError(f"{host}: FETCH failed in {folder!r}")
                for item in data:
                    if isinstance(item, tuple):
                        yield RawMessage(item[1], _internaldate(item[0]), f"{host}/{folder}")
    except (OSError, imaplib.IMAP4.error) as error:
        raise MailError(f"{host}: {error}") from None
