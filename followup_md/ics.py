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

from followup_md.model import Note, Step
from followup_md.render import clean_text


def step_uid(step: Step) -> str:
    digest = hashlib.sha256(f"{step.note}\0{step.id}".encode()).hexdigest()[:32]
    return f"{digest}@followup-md"


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
        event.add("summary", f"{clean_text(note.name)}: {clean_text(step.action)}")
        window = f"From {step.start} to {step.due}" if step.start < step.due else f"Due {step.due}"
        lines = [clean_text(step.action), window, f"Note: {step.note}"]
        if step.hint:
            lines.insert(1, clean_text(step.hint))
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
