"""Pure: open steps -> an iCalendar file (RFC 5545), the `icalendar` package's way.

Each open step is an all-day event on its due date, with its window and its
note in the description. UIDs are a hash of the note's path and the step id,
so a calendar that subscribes sees the same events from one export to the
next; DTSTAMP is the export's date, so the file changes only with the steps
and the date.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

from followup_md.markdown import one_line
from followup_md.model import Note, Step


def step_uid(step: Step) -> str:
    digest = hashlib.sha256(f"{step.note}\0{step.id}".encode()).hexdigest()[:32]
    return f"{digest}@followup-md"


def event_summary(note: Note, action: str) -> str:
    """The action, which names whom to write to; prefixed with the note's name
    only when it names neither the note nor its company (a manual
    `next_action` such as "Send the portfolio")."""
    name, action = one_line(note.name), one_line(action)
    company = note.facts.get("company")
    named = [name, one_line(company) if isinstance(company, str) else ""]
    return action if any(n and n.casefold() in action.casefold() for n in named) else f"{name}: {action}"


def render_ics(steps: Sequence[Step], notes: Mapping[str, Note], today: date) -> bytes:
    """The open steps as a calendar, in the agenda's order."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//followup-md//follow-ups//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Follow-ups")
    stamp = datetime(today.year, today.month, today.day, tzinfo=UTC)
    for step in sorted(
        (s for s in steps if s.status == "open"), key=lambda s: (s.due, s.start, s.note, s.id)
    ):
        note = notes[step.note]
        event = Event()
        event.add("uid", step_uid(step))
        event.add("dtstamp", stamp)
        event.add("dtstart", step.due)
        event.add("dtend", step.due + timedelta(days=1))
        event.add("summary", event_summary(note, step.action))
        window = f"From {step.start} to {step.due}" if step.start < step.due else f"Due {step.due}"
        lines = [one_line(step.action), window, f"Note: {step.note}"]
        if step.hint:
            lines.insert(1, one_line(step.hint))
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
