"""A mailbox, opened as a `Source` of raw headers; Maildir and mbox read
headers-only and read-only (IMAP is `imap.py`).

Bodies are never parsed or kept: from a file only the bytes up to the first
blank line are looked at (read in blocks of 8 KiB).
"""

from __future__ import annotations

import mailbox
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from followup_md.envelopes import MAX_HEADER
from followup_md.errors import MailError

HEADER_BLOCK = 8192  # bytes read at a time; most headers fit in one
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
