"""The journal: what log notes say of each note. A log note dated and linked
`with` people is an `Entry` for each note it resolves to; a note's `Exchange`
holds its own person's entries and those of the people its steps write to (a
referral's source, an introducer). Pure.
"""

from __future__ import annotations

from collections.abc import Mapping

from followup_md.links import LinkIndex
from followup_md.model import Entry, Exchange, Link, Note
from followup_md.rules_contacts import VIA_KEYS


def exchanges(notes: Mapping[str, Note], names: LinkIndex) -> dict[str, Exchange]:
    """What the log notes say about each note: the exchanges with its own person
    and with the people its steps write to (a referral's source, an introducer)."""
    entries: dict[str, list[Entry]] = {}
    logs = [note for note in notes.values() if note.type == "log" and note.facts.get("date") is not None]
    # One message logged twice (two machines' `mail`, merged) counts once with
    # each person: the logs may link different people (each machine's vault).
    recorded: set[tuple[str, str]] = set()
    for note in sorted(logs, key=lambda note: (note.facts["date"], note.path)):
        message = str(note.facts.get("message_id") or "").strip()
        day = note.facts["date"]
        linked: set[str] = set()  # one log note is one message to each note, however often it links it
        for link in note.facts.get("with", ()):
            target = names.resolve(link.target, note.path)
            if target is None or target == note.path or target in linked or (message, target) in recorded:
                continue
            linked.add(target)
            if message:
                recorded.add((message, target))
            entries.setdefault(target, []).append(Entry(day, note.facts.get("direction", ""), note.name))
    found: dict[str, Exchange] = {}
    for path, note in notes.items():
        via = []
        for key in VIA_KEYS:
            link = note.facts.get(key)
            if not isinstance(link, Link):
                continue
            target = names.resolve(link.target, path)
            if target is not None and target in entries:
                via.append((link.target, tuple(entries[target])))
        if path in entries or via:
            found[path] = Exchange(tuple(entries.get(path, ())), tuple(via))
    return found
