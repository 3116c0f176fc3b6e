"""Pure figures of the search: (notes as read, what their log notes say, today)
-> Stats. Nothing here reads a file or renders text (see `stats_text`).

Every figure is defined in the README's "Stats" section, in the words the
docstrings below use.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from followup_md.config import Config
from followup_md.model import Exchange, Note, Step
from followup_md.planner import a_message, add_interval
from followup_md.rules import ENDED as RULES_ENDED
from followup_md.rules import merge_exchange
from followup_md.rules_interviews import round_renames
from followup_md.rules_keep_in_touch import contact_dates, default_cadence

REPLY_WINDOW = 7  # days after a check-in or thank-you in which a reply counts for it
WEEKS = 12  # the activity chart's span, this week included
APPLICATION_TYPES = frozenset({"application", "interview"})
OFFERS = frozenset({"hired", "declined"})  # declined: you turned their offer down
ENDED = RULES_ENDED | {"rejected"}  # applications that cannot be ghosted any more
CHECK_IN = re.compile(r"^(?:confirm|(?:r\d+-)?check-in-\d+|follow-up-\d+)$")  # follow-up: on their day
AWAKE = ("active", "waiting")  # statuses whose silence the rules call dormant
THANK_YOU = re.compile(r"^thank-you(?:-\d+)?$")


@dataclass(frozen=True, slots=True)
class Application:
    """One position applied for (see `is_application`). `day` is `applied`,
    else the first round."""

    path: str
    applied: date | None
    day: date | None
    referral: bool
    answered: bool
    first_answer: date | None
    rounds: int
    status: str
    ghosted: bool
    stages: frozenset[str]  # see _stages

    @property
    def days_to_answer(self) -> int | None:
        """Days from `applied` to the first answer, when both are known."""
        if self.applied is None or self.first_answer is None or self.first_answer < self.applied:
            return None
        return (self.first_answer - self.applied).days


@dataclass(frozen=True, slots=True)
class Effect:
    """Follow-ups of one kind done, and how many a reply followed within a week."""

    done: int
    replied: int


@dataclass(frozen=True, slots=True)
class Week:
    """One Monday-to-Sunday week's activity."""

    monday: date
    applications: int
    interviews: int
    followups: int


@dataclass(frozen=True, slots=True)
class Cooling:
    """A relationship whose last contact is older than its cadence or the
    dormant threshold allows."""

    path: str
    last: date
    cold_since: date
    why: str


@dataclass(frozen=True, slots=True)
class Stats:
    today: date
    since: date | None
    applications: tuple[Application, ...]
    check_ins: Effect
    thank_yous: Effect
    weeks: tuple[Week, ...]
    cooling: tuple[Cooling, ...]

    def count(self, stage: str, source: str = "all") -> int:
        """Applications at a funnel stage (or beside it), overall or by source."""
        return sum(1 for app in self.of(source) if stage in app.stages)

    def of(self, source: str) -> list[Application]:
        """The applications from one source: `all`, `referral` or `cold`."""
        if source == "all":
            return list(self.applications)
        return [app for app in self.applications if app.referral == (source == "referral")]

    def median_days(self, source: str = "all") -> float | None:
        """Median days from application to first answer; None without one."""
        days = [d for app in self.of(source) if (d := app.days_to_answer) is not None]
        return statistics.median(days) if days else None

    def answer_count(self, source: str = "all") -> int:
        """How many answers the median is taken over."""
        return sum(1 for app in self.of(source) if app.days_to_answer is not None)


FUNNEL = ("applications", "answered", "interviewed", "later_rounds", "offers")
BESIDE = ("rejected", "withdrawn", "ghosted")


def _stages(answered: bool, rounds: int, status: str, ghosted: bool) -> frozenset[str]:
    """The funnel stages an application reached, and which of BESIDE it is."""
    reached = {
        "applications": True,
        "answered": answered,
        "interviewed": rounds >= 1,
        "later_rounds": rounds >= 2,
        "offers": status in OFFERS,
        "rejected": status == "rejected",
        "withdrawn": status == "withdrawn",
        "ghosted": ghosted,
    }
    return frozenset(stage for stage, yes in reached.items() if yes)


def _rounds(facts: Mapping[str, Any], today: date) -> list[date]:
    """The days of the rounds held; two interviews on one day are one round (as the rules plan it)."""
    return sorted({moment.day for moment in facts.get("interview", ()) if moment.day <= today})


def _replies(facts: Mapping[str, Any], exchange: Exchange, today: date) -> list[date]:
    """The days they answered: `replied` and every `received` log note (a date
    ahead of today records nothing yet)."""
    days = {*exchange.replies, *([facts["replied"]] if "replied" in facts else [])}
    return sorted(day for day in days if day <= today)


Done = Mapping[str, date]  # a note's steps done: step id -> the day (not ahead of today)


def _done_steps(notes: Mapping[str, Note], steps: Iterable[Step], today: date) -> dict[str, dict[str, date]]:
    """Every note's steps done, each a message sent: ticked in its block (under
    the id the rules give it now: an older block's `thank-you-2` is its round's
    `thank-you-YYYYMMDD`), or completed by a log note, `contacted` or
    `last_contact` (the plan's steps; sync writes them into the block as
    history). A step a fact closed (their reply, a next round, an outcome:
    `planner.a_message`) sent nothing: its line in the block is ticked, with
    the fact after a dash, but it earned no reply and was no activity."""
    done: dict[str, dict[str, date]] = {}
    for path, note in notes.items():
        renames = round_renames(note) if note.tasks else {}
        done[path] = {
            renames.get(step, step): task.done
            for step, task in note.tasks.items()
            if task.status == "done"
            and task.done is not None
            and task.done <= today
            and a_message(task.reason)
        }
    for step in steps:
        if step.status != "done" or step.note not in done:
            continue
        task = notes[step.note].tasks.get(step.id)
        if not a_message(step.reason or (task.reason if task is not None else "")):
            done[step.note].pop(step.id, None)
        elif step.done is not None and step.done <= today:
            done[step.note][step.id] = step.done
    return done


def _matching(done: Done, pattern: re.Pattern[str]) -> list[date]:
    """The days the steps matching `pattern` were done, oldest first."""
    return sorted(day for step, day in done.items() if pattern.match(step))


def _application(note: Note, done: Done, exchange: Exchange, config: Config, today: date) -> Application:
    facts = note.facts
    rounds = _rounds(facts, today)
    status = facts.get("status", "active")
    replies = _replies(facts, exchange, today)
    answers = [*replies, *rounds[:1]]
    if status == "rejected" and "closed" in facts and facts["closed"] <= today:
        answers.append(facts["closed"])
    scheduled = any(moment.day > today for moment in facts.get("interview", ()))
    # every check-in the rules allow: `confirm` before an interview, else the last round's chain
    check_ins = [day for day in _matching(done, CHECK_IN) if not rounds or day >= rounds[-1]]
    allowed = int(facts.get("max_followups", config.max_followups)) if rounds else 1
    ghosted = (
        status not in ENDED
        and len(check_ins) >= max(allowed, 1)
        and not scheduled
        and (today - check_ins[-1]).days > REPLY_WINDOW
        and not any(day >= check_ins[-1] for day in [*replies, *rounds])
    )
    answered = bool(answers) or scheduled or status in OFFERS or status == "rejected"
    return Application(
        path=note.path,
        applied=facts.get("applied"),
        day=facts.get("applied") or (rounds[0] if rounds else None),
        referral="referred_by" in facts,
        answered=answered,
        first_answer=min(answers, default=None),
        rounds=len(rounds),
        status=status,
        ghosted=ghosted,
        stages=_stages(answered, len(rounds), status, ghosted),
    )


def is_application(note: Note) -> bool:
    """A note with an `applied` date, or of type `application` or `interview`
    but for an informational interview (a conversation with no job behind it)."""
    if "applied" in note.facts:
        return True
    return note.type in APPLICATION_TYPES and str(note.facts.get("format", "")).lower() != "informational"


def _effect(done: Iterable[tuple[date, list[date]]]) -> Effect:
    pairs = list(done)
    window = timedelta(days=REPLY_WINDOW)
    replied = sum(1 for day, replies in pairs if any(day <= reply <= day + window for reply in replies))
    return Effect(len(pairs), replied)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weeks(notes: Iterable[Note], done: Mapping[str, Done], today: date) -> tuple[Week, ...]:
    """Applications (by `applied`), interview rounds held and steps done (by
    their ✅ date) in each of the last WEEKS weeks, Monday to Sunday."""
    first = monday_of(today) - timedelta(weeks=WEEKS - 1)
    counts = {first + timedelta(weeks=n): [0, 0, 0] for n in range(WEEKS)}

    def add(day: date | None, column: int) -> None:
        if day is not None and first <= day <= today:
            counts[monday_of(day)][column] += 1

    for note in notes:
        if is_application(note):
            add(note.facts.get("applied"), 0)
        for day in _rounds(note.facts, today):
            add(day, 1)
        for day in done[note.path].values():
            add(day, 2)
    return tuple(Week(monday, *values) for monday, values in counts.items())


def _cooling(note: Note, done: Done, exchange: Exchange, config: Config, today: date) -> Cooling | None:
    """A relationship past its `cadence` (its own, or `[cadence]`'s default):
    the keep-in-touch step, due at the last contact plus the cadence, is
    overdue; or a `contact` without a cadence silent for `dormant_after` days or
    more (the day the rules' reconnect starts). A paused note is left out: you
    chose to wait."""
    status = note.facts.get("status", "active")
    cadence = note.facts.get("cadence") or default_cadence(note, config)
    dormant = int(config.rules["dormant_after"])
    if status == "paused" or not (cadence or (dormant and note.type == "contact" and status in AWAKE)):
        return None
    facts = dict(note.facts)
    merge_exchange(facts, exchange, today)
    last = max(contact_dates(facts, done.values(), today), default=None)
    if last is None:
        return None
    if cadence:
        count, unit = cadence
        cold_since, why = add_interval(last, cadence), f"cadence {count}{unit}"
        cold = cold_since < today
    else:
        cold_since, why = last + timedelta(days=dormant), f"no contact in {dormant} days"
        cold = cold_since <= today
    return Cooling(note.path, last, cold_since, why) if cold else None


def compute_stats(
    notes: Mapping[str, Note],
    steps: Iterable[Step],
    found: Mapping[str, Exchange],
    config: Config,
    today: date,
    since: date | None = None,
) -> Stats:
    """Every figure, from the notes as read (with Due.md's ticks applied), the
    steps planned from them and what their log notes say (`journal.exchanges`)."""
    follow_ups = [notes[path] for path in sorted(notes) if notes[path].type != "log"]
    done = _done_steps(notes, steps, today)
    apps = [
        _application(note, done[note.path], found.get(note.path, Exchange()), config, today)
        for note in follow_ups
        if is_application(note)
    ]
    # an application dated ahead of today records nothing yet
    counted = [
        app
        for app in apps
        if (app.day is None or app.day <= today)
        and (since is None or (app.day is not None and app.day >= since))
    ]

    def effect(pattern: re.Pattern[str]) -> Effect:
        return _effect(
            (day, _replies(note.facts, found.get(note.path, Exchange()), today))
            for note in follow_ups
            for day in _matching(done[note.path], pattern)
            if since is None or day >= since
        )

    cooling = [
        _cooling(note, done[note.path], found.get(note.path, Exchange()), config, today)
        for note in follow_ups
    ]
    return Stats(
        today,
        since,
        tuple(counted),
        effect(CHECK_IN),
        effect(THANK_YOU),
        _weeks(follow_ups, done, today),
        tuple(sorted((c for c in cooling if c is not None), key=lambda c: (c.cold_since, c.path))),
    )
