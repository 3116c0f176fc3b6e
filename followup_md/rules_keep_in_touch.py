"""The rules for what outlives a process: the outcome told to the source, a
rejection's stay-in-touch, keeping in touch at a cadence, and a reconnect for a
contact gone silent; an outcome ending the other open steps, and the `[cadence]`
default by tag, folder or type. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from followup_md.config import Config
from followup_md.model import Note, Step
from followup_md.planner import Planner, add_interval
from followup_md.schema import parse_duration, tag_names

_RECURRING = re.compile(r"^keep-in-touch(?:-(\d+))?$")
MAX_ROUNDS = 1000  # reminders one sync follows: each a log note answered (a vault has far fewer)

CONTACT_KEYS = (
    "last_contact",
    "met",
    "introduced",
    "asked",
    "applied",
    "referred",
    "contacted",
    "connected",
    "closed",
    "replied",
)


def contact_dates(facts: Mapping[str, Any], done: Iterable[date | None], today: date) -> Iterable[date]:
    """Every day on or before `today` that the facts or the steps done (`done`:
    their days) show contact with the note's person; the latest is the last
    contact."""
    for key in CONTACT_KEYS:
        if key in facts and facts[key] <= today:
            yield facts[key]
    for moment in facts.get("interview", ()):
        if moment.day <= today:
            yield moment.day
    yield from (day for day in done if day is not None and day <= today)


class KeepInTouchRules(Planner):
    """Seeds 000 and 001: the relationship outlives the process."""

    def outcome(self, status: str, day: date) -> None:
        """Seeds 000 and 003: thank the source and tell them how it ended."""
        if self.source:
            self.add("source-outcome", day, day + self.days("source_outcome_due"), via=self.source)

    def rejected(self, day: date) -> None:
        self.add("stay-in-touch", day, day + self.days("stay_in_touch_due"))

    def keep_in_touch(self, interval: tuple[int, str]) -> None:
        """Seed 001: reminders are a constant fixture: every `interval` after
        the latest contact (a log note, a done step, a fact). A reminder a log
        note already answers is done, and the next one counts from that day:
        the chain is followed to its first open reminder in one sync."""
        finished = sum(
            1 for step, task in self.note.tasks.items() if _RECURRING.match(step) and task.status != "open"
        )
        for number in range(finished, finished + MAX_ROUNDS):
            base = max(self._contact_dates(), default=None)
            if base is None:
                return
            due = add_interval(base, interval)
            step = "keep-in-touch" if not number else f"keep-in-touch-{number + 1}"
            if self.add(step, due, due).status != "done":
                return

    def flame_out(self, status: str) -> bool:
        """Seeds 000 and 001: the relationship outlives the process. After the
        last unanswered check-in, an outcome, a rejection's stay-in-touch, or
        the thank-you for an informational interview, keeping in touch is what
        is left."""
        if status in ("hired", "withdrawn", "declined", "closed"):
            return True
        if status == "rejected":
            return self.done_on("stay-in-touch") is not None
        if str(self.facts.get("format", "")).lower() == "informational":  # seed 003: no job to wait for
            thanks = [step for step in self.steps if step.id.startswith("thank-you-")]
            return bool(thanks) and all(step.status == "done" for step in thanks)
        return self.exhausted

    def dormant(self) -> None:
        """Seed 001: former bosses, retired relatives, old coworkers: a contact
        silent for `dormant_after` days, with nothing else to do, gets a
        reconnect (keyed by the last contact: a tick or a log starts a new silence)."""
        after = self.days("dormant_after")
        base = max(self._contact_dates(), default=None)
        if not after or base is None or base > self.today - after:  # (no overflow near date.max)
            return
        if any(step.status == "open" for step in self.steps):
            return
        start = base + after
        due = start + self.days("reconnect_due") - self.days("reconnect_start")
        self.add(f"reconnect-since-{base:%Y%m%d}", start, due)

    def _contact_dates(self) -> Iterable[date]:
        done = [task.done for task in self.note.tasks.values()] + [step.done for step in self.steps]
        return contact_dates(self.facts, done, self.today)


def default_cadence(note: Note, config: Config) -> tuple[int, str] | None:
    """The `[cadence]` default for a note without its own: by tag, else by the
    deepest folder, else by type."""
    table = config.cadence
    if not table:
        return None
    tagged = {name[1:].casefold(): name for name in table if name.startswith("#")}
    for tag in tag_names(note.facts.get("tags", ())):
        if tag in tagged:
            return parse_duration(table[tagged[tag]])
    folders = [name for name in table if name.endswith("/") and note.path.startswith(name.lstrip("/"))]
    if folders:
        return parse_duration(table[max(folders, key=len)])
    return parse_duration(table[note.type]) if note.type in table else None


def end_steps(steps: list[Step], note: Note, status: str, day: date) -> list[Step]:
    """An outcome ends every step but keeping in touch, telling the source (and,
    after a rejection, asking to stay in touch); those the block shows open
    stay as history."""
    kept: list[Step] = []
    for step in steps:
        lasting = (
            _RECURRING.match(step.id)
            or step.id == "source-outcome"
            or (status == "rejected" and step.id == "stay-in-touch")
        )
        if lasting or step.status != "open":
            kept.append(step)
        elif step.id in note.tasks:
            kept.append(replace(step, status="done", done=day, reason=f"{status} {day.isoformat()}"))
    return kept
