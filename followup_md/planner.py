"""What every rule shares: the calendar arithmetic (intervals, weekends) and
the `Planner` that makes one note's steps: a step's window, its channel, the
catalogue's words, and what completed it (a tick, a fact, a log note). Pure.

The rules themselves are its subclasses, one module per situation:
`rules_contacts`, `rules_interviews`, `rules_keep_in_touch`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from followup_md.config import Config
from followup_md.model import Entry, Exchange, Note, Step
from followup_md.wording import action_text

# Steps that are no message to anyone: a log note cannot complete them.
_NOT_OUTREACH = re.compile(r"^prepare(?:-|$)")
# The facts the rules close a step with that are no message of yours (an
# interview, a next round, their reply, contact they made, an outcome), each
# its words and its day and nothing else; the others (`contacted`, `last
# contact`, `logged in …`) record one, and so do a user's words that only start
# like one (`interview went well ✅ 2026-11-12`).
_NO_MESSAGE = re.compile(
    r"(?:interview|next round|they replied|connected|closed|hired|withdrawn|declined|rejected)"
    r" \d{4}-\d{2}-\d{2}"
)


def a_message(reason: str) -> bool:
    """Whether a step done for this reason (the plan's, or the one sync wrote
    after its ticked line's " — ") was a message of yours: ticked, logged, or
    closed by a fact of one. Words of the user's own after a dash are a tick's."""
    return _NO_MESSAGE.fullmatch(reason) is None


DAY = timedelta(days=1)


def add_interval(start: date, interval: tuple[int, str]) -> date:
    """start + interval; months and years clamp to the month's end (Jan 31 + 1m = Feb 28)."""
    count, unit = interval
    if unit == "d":
        return start + count * DAY
    if unit == "w":
        return start + count * 7 * DAY
    months = count * (12 if unit == "y" else 1)
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


def skip_weekend(day: date) -> date:
    """Saturday and Sunday move to the Monday after."""
    return day + (7 - day.weekday()) * DAY if day.weekday() >= 5 else day


def before_weekend(day: date) -> date:
    """Saturday and Sunday move back to the Friday before."""
    return day - (day.weekday() - 4) * DAY if day.weekday() >= 5 else day


class Planner:
    """Collects one note's steps; each rule method (in the subclasses) reads the
    facts it needs."""

    def __init__(
        self, note: Note, facts: dict[str, Any], exchange: Exchange, config: Config, today: date
    ) -> None:
        self.note = note
        self.facts = facts
        self.exchange = exchange
        self.used: set[tuple[str, int]] = set()  # log entries that already completed a step
        self.exhausted = False  # the last allowed check-in went unanswered
        self.rules = config.rules
        self.max_followups = config.max_followups
        self.today = today
        self.steps: list[Step] = []
        self.waiting: list[str] = []
        self.source = facts["referred_by"].target if "referred_by" in facts else ""

    def happened(self, key: str) -> date | None:
        """A date fact that has come to pass (a date ahead of today records nothing yet)."""
        day: date | None = self.facts.get(key)
        return day if day is not None and day <= self.today else None

    def days(self, name: str) -> timedelta:
        return int(self.rules[name]) * DAY

    def add(self, step: str, start: date, due: date, **extra: Any) -> Step:
        """Plan a step, in the catalogue's words for its channel; a tick, a fact
        (`status="done"` in `extra`) or a `sent` log note may have completed it."""
        task = self.note.tasks.get(step)
        channel = "" if _NOT_OUTREACH.match(step) else self.channel_for(extra.get("via", ""))
        action, hint = action_text(step, self.note, channel)
        planned = Step(self.note.path, step, start, max(start, due), action, hint, channel=channel, **extra)
        if task is not None and task.status != "open":
            planned = replace(planned, status=task.status, done=task.done, reason="")
            # A cancel is no message, nor a line sync ticked for a fact that sent
            # nothing (`— interview 2026-11-19`): a log of its day completes another step.
            if task.status == "done" and a_message(task.reason):
                self.consume(planned)
        elif planned.status == "done" and a_message(planned.reason):
            self.consume(planned)  # a fact of a message completed it: that day's log is that message
        elif (entry := self.evidence(planned)) is not None:
            planned = replace(planned, status="done", done=entry.day, reason=f"logged in {entry.log}")
        self.steps.append(planned)
        return planned

    def consume(self, step: Step) -> None:
        """A step done on a day (a tick, a fact, a log note credited on an
        earlier run) was that day's message: the log of it completes nothing else.
        A `prepare` is no message: the thank-you sent that day is its own."""
        if _NOT_OUTREACH.match(step.id):
            return
        for index, entry in enumerate(self.exchange.with_person(step.via)):
            fits = entry.day == step.done and entry.direction in ("sent", "exchanged")
            if fits and (step.via, index) not in self.used:
                self.used.add((step.via, index))
                return

    def channel_for(self, via: str) -> str:
        """Seeds 000-002: email is the default and least intrusive; a call when
        the note says `channel: call` (they said they would call, or asked you
        to); LinkedIn when that is all you have; a phone number alone, a call.
        A step to someone else (a source, an introducer) goes by email."""
        facts = self.facts
        if via:
            return "email"
        if "channel" in facts:
            return str(facts["channel"])
        if "email" not in facts and "linkedin" in facts:
            return "linkedin"
        if "email" not in facts and "phone" in facts:
            return "call"
        return "email"

    def evidence(self, step: Step) -> Entry | None:
        """The first unused `sent` log note to the step's person on or after its
        start (one message completes one step)."""
        if step.status != "open" or _NOT_OUTREACH.match(step.id):
            return None
        for index, entry in enumerate(self.exchange.with_person(step.via)):
            fits = entry.direction in ("sent", "exchanged") and step.start <= entry.day <= self.today
            if fits and (step.via, index) not in self.used:
                self.used.add((step.via, index))
                return entry
        return None

    def done_on(self, step_id: str) -> date | None:
        """When a planned step was done (by a tick, a fact or a log note)."""
        for step in self.steps:
            if step.id == step_id and step.status == "done":
                return step.done
        return None

    def shown_open(self, step_id: str) -> bool:
        """Whether the block shows the step as an open line (the user has seen it)."""
        task = self.note.tasks.get(step_id)
        return task is not None and task.status == "open"

    def settle(self, step_id: str, start: date, due: date, day: date, reason: str) -> None:
        """A fact made a step the block shows unnecessary: it stays as history,
        done on the fact's day (today at the latest)."""
        if self.shown_open(step_id):
            done = min(day, self.today)
            self.add(step_id, start, due, status="done", done=done, reason=reason)
