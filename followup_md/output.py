"""Pure: how plans and problems are shown on a terminal (the CLI and the
watcher print these; the cache replays them on a no-op run)."""

from __future__ import annotations

from followup_md.render import group_steps, summary, waiting_rows
from followup_md.sync import SyncPlan


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
    """`5 overdue · 1 today · 3 waiting · 1 problem`, or `nothing due`."""
    waiting = len(waiting_rows(plan.steps, plan.waiting, plan.today))
    return summary(group_steps(plan.steps, plan.today), waiting, len(plan.problems)) or "nothing due"


def quiet_line(plan: SyncPlan) -> str:
    """What a sync that had nothing to write says."""
    return f"followup-md: nothing to update; {counts(plan)} (as of {plan.today})"
