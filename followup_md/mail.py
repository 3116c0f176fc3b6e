"""Mail -> log notes, pure: message headers in, log note files out.

Only the header fields below are ever looked at; the mailboxes themselves are
read (headers only, read-only) in `mailboxes.py` and `imap.py`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import quote

from followup_md.config import Config
from followup_md.links import WIKILINK_UNSAFE, LinkIndex, link_index
from followup_md.model import FileChange, Note, printable
from followup_md.skeletons import folder_for, safe_file_name, yaml_scalar

HEADER_FIELDS = ("From", "To", "Cc", "Date", "Subject", "Message-ID")
MAX_HEADER = 256 << 10  # bytes of header read per message; a real one is a few KB
MAX_SUBJECT = 200
MAX_NAME_BYTES = 200  # of the 255 a file name may have, leaving room for ` (2).md`
DEFAULT_FOLDER = "logs"
_PARSER = BytesHeaderParser(policy=compat32)
_SPACES = re.compile(r"\s+")
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# The address parser's atoms (email._parseaddr), split at any white space (an address is stripped).
_ATOM = re.compile(r'[^()<>@,:;."\[\]\s]+')
_PLAIN_ATOMS = r'[^()<>@,:;."\[\]\s\\]+(?:\.[^()<>@,:;."\[\]\s\\]+)*'
_PLAIN_ADDRESS = re.compile(f"{_PLAIN_ATOMS}@{_PLAIN_ATOMS}")
_ADDRESS_FIELD = re.compile(r"\n((?i:from|to|cc):.*(?:\n(?:[ \t]|From |:).*)*)")


class BadMessageError(ValueError):
    """A message whose headers cannot be used (counted and skipped)."""


@dataclass(frozen=True, slots=True)
class Envelope:
    """What is kept of one message: who, when, what about, and its id."""

    message_id: str
    sent_at: datetime  # aware: the message's own offset
    subject: str
    sender: tuple[str, ...]  # addresses, lower case
    recipients: tuple[str, ...]  # To and Cc


@dataclass(frozen=True, slots=True)
class Recorded:
    """One message that is an exchange with people of the vault, and its log note."""

    envelope: Envelope
    direction: str  # "sent" or "received"
    notes: tuple[str, ...]  # paths of the follow-up notes it concerns
    change: FileChange


def _unicode(value: str) -> str:
    """A header value as text: raw UTF-8 (RFC 6532) decoded, anything else replaced."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@lru_cache(maxsize=1 << 16)
def parse_addresses(value: str) -> tuple[str, ...]:
    """The addresses in an address header (or an `email` value), case-folded.
    Cached: a mailbox repeats the same From and To lines thousands of times."""
    found = {address.strip().casefold() for _, address in getaddresses([value]) if "@" in address}
    return tuple(sorted(found))


class AddressFilter:
    """A cheap test on a message's raw header, before any parsing: False only
    when none of `addresses` can be among the addresses `read_envelope` finds.

    The address parser (email._parseaddr) builds an address from atoms (runs
    between its delimiters) joined by `.` and `@`; white space beside them is
    dropped (or kept, and then the address holds a space), and in the domain
    atoms separated by blanks are joined; a backslash escapes the next
    character (a quoted string left open is taken as an address). So, in the
    From, To and Cc lines with blanks and backslashes removed, each atom of a
    plain address found there is a whole run.
    Comments can join atoms too: a `(` in those lines means "parse it". An
    address of any other shape turns the filter off. tests/test_mail.py checks
    the claim against the parser on generated headers.
    """

    def __init__(self, addresses: Iterable[str]) -> None:
        wanted = list(addresses)
        self.active = all(_PLAIN_ADDRESS.fullmatch(address) for address in wanted)
        self.by_first: dict[str, list[frozenset[str]]] = {}
        for address in wanted:
            atoms = _ATOM.findall(address)
            if atoms:
                self.by_first.setdefault(atoms[0], []).append(frozenset(atoms))

    def may_match(self, header: bytes) -> bool:
        if not self.active:
            return True
        text = _address_lines(header.decode("utf-8", "replace"))
        if "(" in text:
            return True
        text = text.replace(" ", "").replace("\t", "").replace("\\", "")
        runs = set(_ATOM.findall(text.casefold()))
        return any(atoms <= runs for first in runs & self.by_first.keys() for atoms in self.by_first[first])


def _address_lines(text: str) -> str:
    """The From, To and Cc fields of a header with their continuation lines,
    and the lines the header parser skips among them (a superset of what it
    gives for those fields; lines break at CR, LF or CRLF, as it breaks them)."""
    lines = "\n" + text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(_ADDRESS_FIELD.findall(lines))


def _values(message: Message, name: str) -> list[str]:
    """Every value of a header field as text (raw, not a compat32 Header object)."""
    return [_unicode(str(value)) for key, value in message.raw_items() if key.lower() == name]


def _addresses(message: Message, *names: str) -> tuple[str, ...]:
    found: set[str] = set()
    for name in names:
        for value in _values(message, name):
            found.update(parse_addresses(value))
    return tuple(sorted(found))


def clean_subject(raw: str) -> str:
    """Encoded words decoded, control characters and runs of spaces made one space."""
    try:
        text = str(make_header(decode_header(raw)))
    except (LookupError, UnicodeError, ValueError):
        text = raw  # an unknown charset or a broken encoded word: shown as written
    text = "".join(c if c.isprintable() else " " for c in text)
    return _SPACES.sub(" ", text).strip()[:MAX_SUBJECT]


def _sent_at(value: str | None, fallback: datetime | None) -> datetime:
    moment = None
    if value:
        try:
            moment = parsedate_to_datetime(value)
        except (ValueError, TypeError, IndexError, OverflowError):
            moment = None
    if moment is None:
        moment = fallback
    if moment is None:
        raise BadMessageError("no usable Date header")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def read_envelope(header: bytes, fallback: datetime | None = None) -> Envelope:
    """An Envelope from a message's header bytes (the body, if passed, is never
    parsed). `fallback` is the delivery time, used when Date is missing or broken.
    BadMessageError when the message cannot be used."""
    message = _PARSER.parsebytes(header[:MAX_HEADER], headersonly=True)
    sender = _addresses(message, "from")
    recipients = _addresses(message, "to", "cc")
    subjects = _values(message, "subject")
    subject = clean_subject(subjects[0]) if subjects else ""
    dates = _values(message, "date")
    sent_at = _sent_at(dates[0] if dates else None, fallback)
    ids = _values(message, "message-id")
    message_id = normal_message_id(ids[0]) if ids else ""
    if not message_id:
        # No Message-ID (some old clients' sent folders): one made from what is
        # the same in every copy of the message, so two folders still agree.
        seed = "\n".join([sent_at.isoformat(), *sender, *recipients, subject])
        message_id = f"<{hashlib.sha256(seed.encode()).hexdigest()[:32]}@followup-md.invalid>"
    if not sender and not recipients:
        raise BadMessageError("no From, To or Cc address")
    return Envelope(message_id, sent_at, subject, sender, recipients)


def normal_message_id(raw: str) -> str:
    """`<id@host>` from a Message-ID header or a log note's `message_id` ("" if none)."""
    found = _MESSAGE_ID.search(raw)
    if found:
        return found.group(0)[:500]
    raw = raw.strip().strip("<>").strip()
    return f"<{raw[:498]}>" if raw and not _SPACES.search(raw) else ""


def note_addresses(note: Note) -> tuple[str, ...]:
    """The addresses written in a note's `email` (one, or a list)."""
    found: set[str] = set()
    for value in note.facts.get("email", ()):
        found.update(parse_addresses(value))
    return tuple(sorted(found))


def address_book(notes: Mapping[str, Note]) -> dict[str, tuple[str, ...]]:
    """Address -> the follow-up notes it belongs to: a note's own `email`, and
    the `email` of the notes its `contact` and `interviewer` link to."""
    index = link_index(notes)
    book: dict[str, set[str]] = {}
    for note in notes.values():
        if note.type == "log":
            continue
        addresses = set(note_addresses(note))
        for key in ("contact", "interviewer"):
            link = note.facts.get(key)
            target = index.resolve(link.target, note.path) if link is not None else None
            if target is not None:
                addresses.update(note_addresses(notes[target]))
        for address in addresses:
            book.setdefault(address, set()).add(note.path)
    return {address: tuple(sorted(paths)) for address, paths in book.items()}


def direction_of(envelope: Envelope, me: frozenset[str], book: Mapping[str, tuple[str, ...]]) -> str | None:
    """`sent` when it is from me, `received` when it is to me (in To or Cc);
    None otherwise: someone else's thread, or a mailing-list post by one of the
    vault's people, is not an answer to me. Without `me` configured, a message
    from one of the vault's people is taken as received and any other as sent."""
    if me & set(envelope.sender):
        return "sent"
    if me:
        return "received" if me & set(envelope.recipients) else None
    return "received" if any(address in book for address in envelope.sender) else "sent"


def _link(path: str, index: LinkIndex) -> str:
    """A link to `path`: `[[name]]` when no other note bears that name (or
    alias), else `[[folder/name]]`; a Markdown link for names a wikilink cannot
    hold."""
    stem = PurePosixPath(path).stem
    if WIKILINK_UNSAFE.search(path):
        return f"[{WIKILINK_UNSAFE.sub(' ', stem).strip()}]({quote(path)})"
    return f"[[{stem if index.candidates(stem) == [path] else path.removesuffix('.md')}]]"


def log_note_text(envelope: Envelope, direction: str, links: Iterable[str], config: Config) -> str:
    """A log note: front matter only, the body left for the user's own words."""
    lines = [
        "---",
        f"{config.key('type')}: log",
        f"{config.key('date')}: {envelope.sent_at.isoformat()}",
        f"{config.key('with')}:",
        *(f"  - {yaml_scalar(link)}" for link in links),
        f"{config.key('direction')}: {direction}",
        f"{config.key('subject')}: {yaml_scalar(envelope.subject)}",
        f"{config.key('message_id')}: {yaml_scalar(envelope.message_id)}",
        "---",
        "",
    ]
    return "\n".join(lines)


def log_folder(config: Config) -> str:
    """Where log notes go: `[mail] folder`, else the folder mapped to `log`, else `logs`."""
    return (config.mail.folder or folder_for("log", config) or DEFAULT_FOLDER).strip("/")


def _file_name(envelope: Envelope, taken: set[str]) -> str:
    """`YYYY-MM-DD subject`, made safe, and unique among `taken` (case-folded,
    as macOS and Windows compare names)."""
    base = safe_file_name(f"{envelope.sent_at.date().isoformat()} {envelope.subject or 'no subject'}")
    while len(base.encode("utf-8")) > MAX_NAME_BYTES:  # file systems count bytes, not letters
        base = base[:-1].rstrip(" .")
    name, number = base, 1
    while f"{name}.md".casefold() in taken:
        number += 1
        name = f"{base} ({number})"
    taken.add(f"{name}.md".casefold())
    return f"{name}.md"


def own_addresses(config: Config) -> frozenset[str]:
    """The user's own addresses: the sender's (`[me] emails`), `[mail] me`, and
    the IMAP login when it is one."""
    values = (*config.sender.emails, *config.mail.me, config.mail.imap_user)
    return frozenset(address for value in values for address in parse_addresses(value))


def known_message_ids(notes: Mapping[str, Note]) -> set[str]:
    """The Message-IDs the vault's log notes already record."""
    return {
        normal_message_id(str(note.facts["message_id"]))
        for note in notes.values()
        if note.type == "log" and "message_id" in note.facts
    }


def plan_mail(
    envelopes: Iterable[Envelope],
    notes: Mapping[str, Note],
    config: Config,
    taken: Iterable[str],
) -> list[Recorded]:
    """A log note for every message with people of the vault that no log note
    records yet, oldest first. `taken`: the file names already in the log folder."""
    book = address_book(notes)
    me = own_addresses(config)
    known = known_message_ids(notes)
    index = link_index(notes)
    chosen: dict[str, tuple[Envelope, str, tuple[str, ...]]] = {}
    for envelope in envelopes:
        if envelope.message_id in known or envelope.message_id in chosen:
            continue
        people = {a for a in (*envelope.sender, *envelope.recipients) if a not in me}
        paths = tuple(sorted({path for address in people for path in book.get(address, ())}))
        if not paths:
            continue  # nobody of the vault: nothing about it is kept
        direction = direction_of(envelope, me, book)
        if direction is not None:
            chosen[envelope.message_id] = (envelope, direction, paths)
    folder = log_folder(config)
    used = {name.casefold() for name in taken}
    recorded = []
    for envelope, direction, paths in sorted(
        chosen.values(), key=lambda item: (item[0].sent_at, item[0].message_id)
    ):
        text = log_note_text(envelope, direction, [_link(p, index) for p in paths], config)
        rel = f"{folder}/{_file_name(envelope, used)}"
        recorded.append(Recorded(envelope, direction, paths, FileChange(rel, None, text.encode(), None)))
    return recorded


def describe(record: Recorded, notes: Mapping[str, Note]) -> str:
    """`2026-11-24 received from Jane Doe (people/Jane Doe.md): Re: Thank you`."""
    who = ", ".join(f"{printable(notes[p].name)} ({printable(p)})" for p in record.notes)
    towards = "from" if record.direction == "received" else "to"
    day = record.envelope.sent_at.date().isoformat()
    return f"{day} {record.direction} {towards} {who}: {record.envelope.subject or '(no subject)'}"
