"""Pure rules: (Note, Exchange, Config, today) -> the note's steps.

Every window comes from the guidance in `seeds/` (the numbers live in
options.OPTIONS, each naming its seed). The rules live by situation in
`rules_contacts`, `rules_interviews` and `rules_keep_in_touch`, on the
`planner.Planner` they share (with the calendar arithmetic); this module runs
them in order and gives each step its final window.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from followup_md.config import Config
from followup_md.model import Exchange, Note, Step, Waiting, shared
from followup_md.planner import before_weekend, skip_weekend
from followup_md.rules_contacts import ContactRules
from followup_md.rules_interviews import InterviewRules
from followup_md.rules_keep_in_touch import KeepInTouchRules, default_cadence, end_steps
from followup_md.schema import parse_duration

ENDED = frozenset({"closed", "hired", "withdrawn", "declined"})

# Steps whose date is a "wait until" (not before: give them time); every other
# step's due date is a "within N days" deadline.
_WAIT_UNTIL = re.compile(r"^(?:r\d+-)?check-in-|^nudge$|^no-contact$|^keep-in-touch|^manual-|^follow-up-")


class _Planner(ContactRules, InterviewRules, KeepInTouchRules):
    """Every rule: one method per row of SPEC 4, each in the module of its
    situation; `plan_note` calls them in order."""


def merge_exchange(facts: dict[str, Any], exchange: Exchange, today: date) -> None:
    """Log notes dated on or before `today` count as `last_contact`, and
    received ones as `replied` (sent ones complete steps: `planner.Planner.evidence`)."""
    for key, day in (("last_contact", exchange.last(today)), ("replied", exchange.received(today))):
        if day is not None and (key not in facts or day > facts[key]):
            facts[key] = day


def _finish(step: Step, note: Note, config: Config, snooze: date | None) -> Step:
    """Apply snooze and weekends to the computed window, then the user's own dates."""
    start, due = step.start, step.due
    if snooze is not None:
        start, due = max(start, snooze), max(due, snooze)
    if config.skip_weekends and step.status == "open":
        # Never later than the guidance allows: a deadline moves back to Friday,
        # a date to wait for moves on to Monday.
        if _WAIT_UNTIL.match(step.id):
            start, due = skip_weekend(start), skip_weekend(due)
        else:
            due = before_weekend(due)
            due = due if snooze is None or due >= snooze else skip_weekend(snooze)
            start = min(start, due)
    start, due = shared(start), shared(due)  # one object a day in every pickle of the plan
    planned = (start, due)
    task = note.tasks.get(step.id)
    recorded = note.block.planned.get(step.id) if note.block is not None else None
    if step.status == "open" and task is not None and task.due is not None and recorded:
        shown = (min(task.start or task.due, task.due), task.due)
        if shown != recorded:
            start, due = shown
    return step.moved(start, due, planned)


def plan_note(
    note: Note, exchange: Exchange, config: Config, today: date
) -> tuple[list[Step], list[Waiting]]:
    """Every step of one note, in a stable order, and why it waits (if it does)."""
    if note.type == "log":
        return [], []
    facts = dict(note.facts)
    merge_exchange(facts, exchange, today)
    planner = _Planner(note, facts, exchange, config, today)
    rules: list[tuple[str, Any]] = [
        ("met", planner.met),
        ("introduced", planner.introduced),
        ("asked", planner.asked),
        ("applied", planner.applied),
        ("referred", planner.referred),
        ("connected", planner.connected),
        ("next", planner.manual),
        ("follow_up_on", planner.follow_up_on),
    ]
    for key, rule in rules:
        if key in facts:
            rule(facts[key])
    planner.no_contact()
    if facts.get("interview"):
        planner.interviews(facts["interview"])
    status = facts.get("status", "active")
    if status == "rejected" and "closed" in facts:
        planner.rejected(facts["closed"])
    if (status in ENDED or status == "rejected") and "closed" in facts:
        planner.outcome(status, facts["closed"])
    snooze = facts.get("snooze")
    if status == "paused" and (snooze is None or snooze > today):
        until = f" until {snooze.isoformat()}" if snooze else ""
        return [], [Waiting(note.path, f"paused{until}")]
    if status in ENDED or status == "rejected":
        planner.steps = end_steps(planner.steps, note, status, min(facts.get("closed") or today, today))
        planner.waiting = []
    cadence = facts.get("cadence") or default_cadence(note, config)
    if cadence is None and config.keep_in_touch_after and planner.flame_out(status):
        cadence = parse_duration(config.keep_in_touch_after)
    if cadence is not None:  # last: it counts from every step done, also just now
        planner.keep_in_touch(cadence)
    elif note.type == "contact" and status in ("active", "waiting"):
        planner.dormant()
    steps = planner.steps
    waiting = planner.waiting
    finished = [_finish(step, note, config, snooze) for step in steps]
    return finished, [Waiting(note.path, reason) for reason in waiting]
