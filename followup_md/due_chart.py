"""Pure: Due.md's Mermaid gantt, what is overdue and what falls due in the next
two weeks, one bar per step (Obsidian and GitHub draw it)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import PurePosixPath

from followup_md.catalogue import step_label
from followup_md.markdown import one_line
from followup_md.model import Note, State, Step

CHART_DAYS = 14  # the chart shows what falls due in the next two weeks,


CHART_PAST = 7  # what is overdue, back to a week ago at most,


CHART_ROWS = 25  # and at most this many steps, the most urgent first


CHART_LABEL = 44  # characters of a bar's label: longer ones are cut with "…"


# Mermaid reads these in a task's label as syntax (data, comments, entities, HTML)
_CHART_UNSAFE = re.compile(r"[:;#%&`<>{}\[\]\\|\"]+")


def _chart_text(text: str) -> str:
    return " ".join(_CHART_UNSAFE.sub(" ", one_line(text)).split())


def chart_label(step: Step, note: Note) -> str:
    """A bar's label: what to do in a few words, then who. It starts with our
    own words, so no name can begin a line of the chart with one of Mermaid's
    keywords (`click`, `section`, `title`, a date…), which are matched at the
    start of a line whatever their case."""
    who = _chart_text(note.name) or _chart_text(PurePosixPath(note.path).stem)
    label = f"{step_label(step.id)} · {who}" if who else step_label(step.id)
    return label if len(label) <= CHART_LABEL else label[: CHART_LABEL - 1].rstrip() + "…"


def load_chart(groups: Mapping[State, Sequence[Step]], notes: Mapping[str, Note], today: date) -> list[str]:
    """A Mermaid gantt of what is overdue and what falls due in the next two
    weeks (Obsidian and GitHub draw it): one bar per step, from its start to its
    due date, an overdue one in red from its due date to today; a line under
    the chart says how many steps it leaves out. Nothing when fewer than three
    steps fall in that time."""
    horizon = today + timedelta(days=CHART_DAYS)
    coming = [s for key in ("today", "week", "later") for s in groups[key] if s.due <= horizon]
    bars = [*groups["overdue"], *coming]
    if len(bars) < 3:
        return []
    out = [
        "```mermaid",
        "gantt",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %a %d",
        "    tickInterval 1day",  # Mermaid's own choice for a week or two is every 12 hours
    ]
    section = ""
    for step in bars[:CHART_ROWS]:
        late = step.due < today
        title = "Overdue" if late else "This week" if (step.due - today).days <= 6 else "Next week"
        if title != section:
            section = title
            out.append(f"    section {title}")
        start = max(step.due, today - timedelta(days=CHART_PAST)) if late else max(step.start, today)
        end = today if late else step.due
        tag = "crit, " if late else "active, " if step.due == today else ""
        out.append(f"    {chart_label(step, notes[step.note])} :{tag}{start}, {(end - start).days + 1}d")
    out += ["```", ""]
    if len(bars) > CHART_ROWS:
        more = len(bars) - CHART_ROWS
        out += [f"The chart leaves out {more} more step{'s' if more > 1 else ''}; all are listed below.", ""]
    return out
