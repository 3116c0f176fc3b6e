"""Pure: how plans and problems are shown on a terminal (the CLI and the
watcher print these; the cache replays them on a no-op run)."""

from __future__ import annotations

from typing import Any

from followup_md.agenda import SECTIONS, group_steps, is_waiting, summary, waiting_rows
from followup_md.model import Step
from followup_md.sync import SyncPlan

COLORS = {"overdue": "red", "today": "yellow", "week": "cyan", "later": None}


def problem_lines(plan: SyncPlan, listed_unreadable: bool = False) -> list[str]:
    """Every problem as `path:line: message`; unreadable files that are not
    ours in one line unless `listed_unreadable`."""
    lines = [str(problem) for problem in plan.problems]
    if listed_unreadable:
        lines += [f"{problem.path}: {problem.message}" for problem in plan.unreadable]
    elif plan.unreadable:
        count = len(plan.unreadable)
        lines.append(
            f"followup-md: {count} other file{'s' if count > 1 else ''} could not be read "
            "(not recognisably ours; `followup-md check --all` lists them)"
        )
    return lines


def counts(plan: SyncPlan) -> str:
    """`5 overdue · 1 today · 3 waiting · 1 problem · 2 warnings`, or `nothing due`."""
    waiting = len(waiting_rows(plan.steps, plan.waiting, plan.today))
    return summary(group_steps(plan.steps, plan.today), waiting, plan.problems) or "nothing due"


def sync_line(plan: SyncPlan, what: str, tally: str | None = None) -> str:
    """A sync's summary: how many follow-up notes it read (a silent zero shows),
    what it wrote, the counts (`tally`: `counts(plan)`, when the caller has it)."""
    read = f"{len(plan.notes)} follow-up note{'s' if len(plan.notes) != 1 else ''} read"
    return f"followup-md: {read}, {what}; {tally or counts(plan)} (as of {plan.today})"


def quiet_line(plan: SyncPlan, tally: str | None = None) -> str:
    """What a sync that had nothing to write says."""
    return sync_line(plan, "nothing to update", tally)


def _within(steps: list[Step], plan: SyncPlan, days: int | None) -> list[Step]:
    return steps if days is None else [s for s in steps if (s.due - plan.today).days <= days]


def agenda_records(plan: SyncPlan, days: int | None) -> list[dict[str, Any]]:
    """`due --json`: the open steps in Due.md's order and states (a step waiting
    on a promise is `waiting`), then the notes with nothing to do yet (left out
    with `days`, which asks for what falls due)."""
    steps = sorted(
        (s for s in plan.steps if s.status == "open"), key=lambda s: (s.due, s.start, s.note, s.id)
    )
    records: list[dict[str, Any]] = [
        {
            "note": s.note,
            "name": plan.notes[s.note].name,
            "type": plan.notes[s.note].type,
            "step": s.id,
            "action": s.action,
            "start": s.start.isoformat(),
            "due": s.due.isoformat(),
            "state": "waiting" if is_waiting(s, plan.today) else s.state(plan.today),
        }
        for s in _within(steps, plan, days)
    ]
    if days is None:
        records += [
            {
                "note": w.note,
                "name": plan.notes[w.note].name,
                "type": plan.notes[w.note].type,
                "step": None,
                "action": w.reason,
                "start": None,
                "due": None,
                "state": "waiting",
            }
            for w in sorted(plan.waiting, key=lambda w: (w.note, w.reason))
        ]
    return records


def agenda_lines(plan: SyncPlan, days: int | None) -> list[tuple[str, dict[str, Any]]]:
    """`due` on a terminal: (line, click style) pairs, section by section."""
    lines: list[tuple[str, dict[str, Any]]] = [(f"Follow-ups as of {plan.today}: {counts(plan)}", {})]
    groups = group_steps(plan.steps, plan.today)
    for key, title in SECTIONS:
        rows = _within(groups[key], plan, days)
        if not rows:
            continue
        lines += [("", {}), (title, {"bold": True, "fg": COLORS[key]})]
        for s in rows:
            note = plan.notes[s.note]
            company = note.facts.get("company")
            who = f"{note.name} ({company})" if company and company != note.name else note.name
            window = f"{s.start}..{s.due}" if s.start < s.due else f"{s.due}"
            lines.append((f"  {window:<22} {who}: {s.action}  [{s.note}]", {}))
    waits = waiting_rows(plan.steps, plan.waiting, plan.today)
    if waits:
        lines += [("", {}), ("Waiting", {"bold": True})]
        lines += [(f"  {plan.notes[note].name}: {reason}  [{note}]", {}) for note, _, reason in waits]
    return lines
