"""Pure rules: (Note, Exchange, Config, today) -> the note's steps.

Every window comes from the guidance in `seeds/` (the numbers live in
config.OPTIONS, each naming its seed). All date arithmetic lives here.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from followup_md.config import Config
from followup_md.model import Entry, Exchange, Moment, Note, Step, Waiting
from followup_md.schema import parse_duration
from followup_md.wording import action_text

ENDED = frozenset({"closed", "hired", "withdrawn", "declined"})
_RECURRING = re.compile(r"^keep-in-touch(?:-(\d+))?$")
# Steps that are no message to anyone: a log note cannot complete them.
_NOT_OUTREACH = re.compile(r"^prepare(?:-|$)")
# Facts naming the people a note's steps write to besides its own person.
VIA_KEYS = ("referred_by", "introduced_by")
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


# Steps whose date is a "wait until" (not before: give them time); every other
# step's due date is a "within N days" deadline.
_WAIT_UNTIL = re.compile(r"^(?:r\d+-)?check-in-|^nudge$|^no-contact$|^keep-in-touch|^manual-|^follow-up-")


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


class _Planner:
    """Collects one note's steps; each rule method reads the facts it needs."""

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
            self.consume(planned)
        elif planned.status == "done":  # a fact completed it
            self.consume(planned)
        elif (entry := self.evidence(planned)) is not None:
            planned = replace(planned, status="done", done=entry.day, reason=f"logged in {entry.log}")
        self.steps.append(planned)
        return planned

    def consume(self, step: Step) -> None:
        """A step done on a day (a tick, a fact, a log note credited on an
        earlier run) was that day's message: the log of it completes nothing else."""
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

    # One method per row of SPEC 4, in its order.

    def met(self, day: date) -> None:
        self.add("reconnect", day + self.days("reconnect_start"), day + self.days("reconnect_due"))

    def introduced(self, day: date) -> None:
        due = day + self.days("introduction_due")
        introducer = self.facts.get("introduced_by")
        if introducer is not None:
            self.add("thank-introducer", day, due, via=introducer.target)
        if "referred" not in self.facts:
            self.reach_out(day, due)

    def reach_out(self, start: date, due: date) -> None:
        """`contacted` completes it; so does contact established (`connected`, an
        interview): you cannot have met them without reaching out."""
        contacted = self.happened("contacted")
        contact = self.established()
        if contacted is not None:
            reason = f"contacted {contacted.isoformat()}"
            self.add("reach-out", start, due, status="done", done=contacted, reason=reason)
        elif contact is not None:
            day, why = contact
            self.add("reach-out", start, due, status="done", done=min(day, self.today), reason=why)
        else:
            self.add("reach-out", start, due)

    def established(self) -> tuple[date, str] | None:
        """When contact with the note's person was established, and the fact that
        says so: `connected`, or the first interview (held or scheduled)."""
        if "connected" in self.facts:
            return self.facts["connected"], f"connected {self.facts['connected'].isoformat()}"
        rounds = self.facts.get("interview")
        if rounds:
            return rounds[0].day, f"interview {rounds[0].day.isoformat()}"
        return None

    def asked(self, day: date) -> None:
        expected = self.facts.get("expected")
        urgent = self.facts.get("urgent", False)
        promise = self.facts.get("promise") or "their offer to help"
        waiting = ""
        if expected is not None:
            due = expected + self.days("help_after_expected")
            waiting = f"{promise} promised by {expected.isoformat()}"
        elif urgent:
            due = day + self.days("help_urgent")
        else:
            due = day + self.days("help_default")
        replied = self.happened("replied")
        # An answer ends the nudge; one before the promised date is news on the way.
        if replied is not None and replied > day and (expected is None or replied >= expected):
            reason = f"they replied {replied.isoformat()}"
            self.add("nudge", due, due, status="done", done=replied, reason=reason)
        else:
            self.add("nudge", due, due, waiting=waiting)

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

    def applied(self, day: date) -> None:
        window = (day + self.days("confirm_start"), day + self.days("confirm_due"))
        rounds = self.facts.get("interview")
        if rounds:  # an interview supersedes confirming receipt
            first = rounds[0].day
            self.settle("confirm", *window, first, f"interview {first.isoformat()}")
            return
        self.add("confirm", *window)

    def interviews(self, rounds: tuple[Moment, ...]) -> None:
        """Seed 001: every round, not just the last, gets its thank-you. A round's
        steps are keyed by its date, so adding a forgotten round renames none
        (two interviews on one day are one round)."""
        rounds = tuple({moment.day: moment for moment in reversed(rounds)}.values())[::-1]
        # Seed 003: an informational interview has no job behind it: thank them
        # (seed 001: an email, a call or a card), never ask for a status.
        informational = str(self.facts.get("format", "")).lower() == "informational"
        for moment in rounds:
            day = moment.day
            prepare = (round_id("prepare", day), day - self.days("prepare_before"), day)
            if day >= self.today:  # seed 003: drafted before; kept through the interview day
                self.add(*prepare)
            else:
                self.settle(*prepare, day, f"interview {day.isoformat()}")
            if day > self.today:
                continue
            self.add(round_id("thank-you", day), day, moment.next_day + self.days("thank_you_days") - DAY)
            if self.source:
                due = day + self.days("loop_in_source_due")
                self.add(round_id("loop-in-source", day), day, due, via=self.source)
        self.superseded_check_ins(rounds)
        named = self.facts.get("follow_up_on")
        if named is not None and rounds and named >= rounds[-1].day:
            return  # the day they named replaces the guessed check-in windows
        if rounds and rounds[-1].day <= self.today and not informational:
            self.check_ins(rounds[-1].day)

    def superseded_check_ins(self, rounds: tuple[Moment, ...]) -> None:
        """A later round ends the check-ins of the ones before it."""
        for before, after in pairwise(rounds):
            prefix = f"r{before.day:%Y%m%d}-check-in-"
            for step_id, task in self.note.tasks.items():
                if step_id.startswith(prefix) and step_id[len(prefix) :].isdigit() and task.due is not None:
                    start, due = task.start or task.due, task.due
                    reason = f"next round {after.day.isoformat()}"
                    self.settle(step_id, start, due, after.day, reason)

    def check_ins(self, day: date) -> None:
        """Seed 002: 48 hours after the promised date, else 3-5 days after; seed
        001: a second note the next week; seed 004: then stop. A reply ends the
        chain: one after the interview when they promised a date, else one on
        or after the first check-in's start."""
        prefix = f"r{day:%Y%m%d}-"
        reply_by: date | None = self.facts.get("reply_by")
        replied = self.happened("replied")
        limit = int(self.facts.get("max_followups", self.max_followups))
        waiting = ""
        promised = reply_by is not None and reply_by >= day
        if reply_by is not None and promised:
            start = due = reply_by + self.days("check_in_after_reply_by")
            waiting = f"reply promised by {reply_by.isoformat()}"
        else:
            start, due = day + self.days("check_in_start"), day + self.days("check_in_due")
        answered = replied is not None and (replied > day if promised else replied >= start)
        for count in range(1, limit + 1):
            step = f"{prefix}check-in-{count}"
            task = self.note.tasks.get(step)
            if replied is not None and answered and (task is None or task.status == "open"):
                if task is not None or start <= replied:  # it was asked for: keep it as history
                    reason = f"they replied {replied.isoformat()}"
                    self.add(step, start, due, status="done", done=replied, reason=reason)
                return  # they answered: the chain has ended
            self.add(step, start, due, waiting=waiting if count == 1 else "")
            done = self.done_on(step)
            if done is None:
                return
            start = due = done + self.days("check_in_repeat")
        if limit and not answered:
            plural = "s" if limit > 1 else ""
            self.waiting.append(f"no answer after {limit} check-in{plural}")
            self.exhausted = True

    def referred(self, day: date) -> None:
        self.reach_out(day, day + self.days("referral_due"))

    def connected(self, day: date) -> None:
        if self.source:
            self.add("update-source", day, day + self.days("update_source_due"), via=self.source)

    def no_contact(self) -> None:
        """`contacted`, or the reach-out done (ticked or logged), starts the clock."""
        day = self.happened("contacted") or self.done_on("reach-out")
        if day is None or not self.source:
            return
        due = day + self.days("no_contact_after")
        contact = self.established()
        if contact is None:
            self.add("no-contact", due, due, via=self.source)
        elif self.shown_open("no-contact"):  # contact came: no longer needed
            done = min(contact[0], self.today)
            self.add("no-contact", due, due, via=self.source, status="done", done=done, reason=contact[1])

    def outcome(self, status: str, day: date) -> None:
        """Seeds 000 and 003: thank the source and tell them how it ended."""
        if self.source:
            self.add("source-outcome", day, day + self.days("source_outcome_due"), via=self.source)

    def rejected(self, day: date) -> None:
        self.add("stay-in-touch", day, day + self.days("stay_in_touch_due"))

    def keep_in_touch(self, interval: tuple[int, str]) -> None:
        """Seed 001: reminders are a constant fixture: every `interval` after
        the latest contact (a log note, a done step, a fact)."""
        finished = [
            step for step, task in self.note.tasks.items() if _RECURRING.match(step) and task.status != "open"
        ]
        step = "keep-in-touch" if not finished else f"keep-in-touch-{len(finished) + 1}"
        base = max(self._contact_dates(), default=None)
        if base is None:
            return
        due = add_interval(base, interval)
        self.add(step, due, due)

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

    def follow_up_on(self, day: date) -> None:
        """Seeds 001 and 004: the employer said to follow up (or call) on a day:
        that day, by the channel they named."""
        waiting = f"they asked you to follow up on {day.isoformat()}"
        self.add(f"follow-up-{day:%Y%m%d}", day, day, waiting=waiting)

    def manual(self, day: date) -> None:
        self.add(f"manual-{day.strftime('%Y%m%d')}", day, day)


def default_cadence(note: Note, config: Config) -> tuple[int, str] | None:
    """The `[cadence]` default for a note without its own: by tag, else by the
    deepest folder, else by type."""
    table = config.cadence
    if not table:
        return None
    for tag in note.facts.get("tags", ()):
        if f"#{tag.lstrip('#')}" in table:
            return parse_duration(table[f"#{tag.lstrip('#')}"])
    folders = [name for name in table if name.endswith("/") and note.path.startswith(name.lstrip("/"))]
    if folders:
        return parse_duration(table[max(folders, key=len)])
    return parse_duration(table[note.type]) if note.type in table else None


def round_id(kind: str, day: date) -> str:
    """The id of an interview round's step: `thank-you-20261119`; check-ins of
    the round are `r20261119-check-in-1`."""
    return f"{kind}-{day:%Y%m%d}"


_LEGACY_ROUND = re.compile(r"^(prepare|thank-you|loop-in-source)(?:-(\d{1,2}))?$")
_LEGACY_CHECK_IN = re.compile(r"^(?:r(\d{1,2})-)?check-in-(\d+)$")


def round_renames(note: Note) -> dict[str, str]:
    """Old ids of interview steps (numbered by position: `thank-you-2`,
    `r2-check-in-1`) -> their ids keyed by the round's date, found from the
    dates the block recorded for them (the round's number as a fallback)."""
    rounds = [moment.day for moment in note.facts.get("interview", ())]
    recorded = note.block.planned if note.block is not None else {}
    renames: dict[str, str] = {}
    for step, task in note.tasks.items():
        start, due = recorded.get(step) or (task.start or task.due, task.due)
        found = _LEGACY_ROUND.match(step)
        if found:
            kind, number = found.group(1), int(found.group(2) or 1)
            day = due if kind == "prepare" else start
            if day not in rounds:
                day = rounds[number - 1] if number <= len(rounds) else None
            if day is not None:
                renames[step] = round_id(kind, day)
            continue
        found = _LEGACY_CHECK_IN.match(step)
        if found and start is not None:
            before = [day for day in rounds if day < start]
            number = int(found.group(1) or 1)
            day = before[-1] if before else (rounds[number - 1] if number <= len(rounds) else None)
            if day is not None:
                renames[step] = f"r{day:%Y%m%d}-check-in-{found.group(2)}"
    return {old: new for old, new in renames.items() if new not in note.tasks}


def merge_exchange(facts: dict[str, Any], exchange: Exchange) -> None:
    """Log notes count as `last_contact`, and received ones as `replied` (sent
    ones complete steps: `_Planner.evidence`)."""
    for key, day in (("last_contact", exchange.last), ("replied", exchange.received)):
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
    step = replace(step, start=start, due=due, planned=(start, due))
    task = note.tasks.get(step.id)
    recorded = note.block.planned.get(step.id) if note.block is not None else None
    if step.status == "open" and task is not None and task.due is not None and recorded:
        shown = (min(task.start or task.due, task.due), task.due)
        if shown != recorded:
            step = replace(step, start=shown[0], due=shown[1])
    return step


def _ended(steps: list[Step], note: Note, status: str, day: date) -> list[Step]:
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


def plan_note(
    note: Note, exchange: Exchange, config: Config, today: date
) -> tuple[list[Step], list[Waiting]]:
    """Every step of one note, in a stable order, and why it waits (if it does)."""
    if note.type == "log":
        return [], []
    facts = dict(note.facts)
    merge_exchange(facts, exchange)
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
        planner.steps = _ended(planner.steps, note, status, min(facts.get("closed") or today, today))
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
