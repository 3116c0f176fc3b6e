"""Mail -> log notes, pure: envelopes (`envelopes.py`) in, log note files out:
which messages are exchanges with people of the vault, and in which direction.
The mailboxes themselves are read (headers only, read-only) in `mailboxes.py`
and `imap.py`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

from followup_md.config import Config
from followup_md.envelopes import Envelope, normal_message_id, parse_addresses
from followup_md.links import WIKILINK_UNSAFE, LinkIndex, link_index, people_of
from followup_md.model import FileChange, Link, Note, printable
from followup_md.skeletons import folder_for, safe_file_name, yaml_scalar

MAX_NAME_BYTES = 200  # of the 255 a file name may have, leaving room for ` (2).md`
DEFAULT_FOLDER = "logs"


@dataclass(frozen=True, slots=True)
class Recorded:
    """One message that is an exchange with people of the vault, and its log note."""

    envelope: Envelope
    direction: str  # "sent" or "received"
    notes: tuple[str, ...]  # paths of the follow-up notes it concerns
    change: FileChange


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
            for person in people_of(note, key):
                target = index.resolve(person.target, note.path) if isinstance(person, Link) else None
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
