"""Message headers -> envelopes, pure: who wrote to whom, when, about what,
and the message's id. Only the header fields below are ever looked at; a raw
line test rules out strangers' mail before any header is parsed."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from functools import lru_cache

HEADER_FIELDS = ("From", "To", "Cc", "Date", "Subject", "Message-ID")
MAX_HEADER = 256 << 10  # bytes of header read per message; a real one is a few KB
MAX_SUBJECT = 200
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
