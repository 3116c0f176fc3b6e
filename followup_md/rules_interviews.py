"""The rules for applications and interviews: confirming receipt, preparing,
each round's thank-you, check-ins, the day they said to follow up on; and the
renaming of older blocks' numbered round ids. Pure.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise

from followup_md.model import Moment, Note
from followup_md.planner import DAY, Planner


class InterviewRules(Planner):
    """From an application to the last check-in, one method per fact."""

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

    def follow_up_on(self, day: date) -> None:
        """Seeds 001 and 004: the employer said to follow up (or call) on a day:
        that day, by the channel they named."""
        waiting = f"they asked you to follow up on {day.isoformat()}"
        self.add(f"follow-up-{day:%Y%m%d}", day, day, waiting=waiting)


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
