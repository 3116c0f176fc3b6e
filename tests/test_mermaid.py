"""Due.md's chart as Mermaid itself reads it (the library Obsidian and GitHub use)."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner

from followup_md.cli import cli

from .conftest import REPO, TODAY
from .mermaid_check import Render

# Mermaid's gantt grammar matches these at the start of a line, whatever their case
KEYWORDS = [
    "gantt",
    "dateFormat",
    "inclusiveEndDates",
    "topAxis",
    "axisFormat",
    "tickInterval",
    "includes",
    "excludes",
    "todayMarker",
    "weekday monday",
    "weekend friday",
    "title",
    "accTitle",
    "accDescr",
    "accDescription",
    "section",
    "click",
    "call",
    "href",
]
HOSTILE_NAMES = [
    *(f"{keyword} Co" for keyword in KEYWORDS),
    *(f"{keyword.upper()} LTD" for keyword in KEYWORDS),
    *(f"{keyword.capitalize()}: {{x}}" for keyword in KEYWORDS),
    "Click Therapeutics",
    "Gantt Labs",
    "call Co",
    "Section Partners",
    "Title Nine",
    "Excludes Weekends Ltd",
    "dateFormat Consulting",
    "Includes Inc",
    "todayMarker X",
    "inclusiveEndDates Co",
    "weekday monday club",
    "2026-11-19 Meetup contact",
    "a:b;c#d",
    "; drop",
    ": colon first",
    "#hash #tag",
    "%% comment",
    "%%{init: {'theme': 'dark'}}%%",
    "100% & more",
    "#quot; entity #35;",
    "<b>bold</b> <script>x</script>",
    "[[wiki]] [md](x)",
    'say "hi"',
    "back\\slash",
    "pipe | pipe",
    "`code`",
    ":::",
    "Zoë Ångström",
    "李小龍",
    "🚀 Rocket",
    "مرحبا بالعالم",
    "\u202eevil",
    "A" * 120,
    "Thank-you note · Umbrella - Data Scientist, Senior Staff",
]
FILE_NAMES = ["2026-11-19 Meetup contact", "Click Therapeutics", "section Partners", "Title Nine"]
PER_VAULT = 20  # fewer than the chart's rows: every step gets a bar
DAY_LABEL = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d$")


def chart_of(markdown: str) -> str:
    found = re.search(r"```mermaid\n(.*?)```", markdown, re.S)
    assert found, "no mermaid chart"
    return found.group(1)


def bars_of(chart: str) -> list[str]:
    return [line.strip().rsplit(" :", 1)[0] for line in chart.splitlines()[4:] if " :" in line]


def hostile_vaults(tmp_path: Path) -> list[Path]:
    """Vaults of contacts with hostile names, each met on a day that makes its
    reconnect step overdue, due today or due in the next two weeks."""
    notes = [
        (f"n{i}.md", f"name: {json.dumps(name, ensure_ascii=False)}\n")
        for i, name in enumerate(HOSTILE_NAMES)
    ]
    notes += [(f"{name}.md", "") for name in FILE_NAMES]
    vaults = []
    for start in range(0, len(notes), PER_VAULT):
        root = tmp_path / f"vault{start}"
        root.mkdir()
        for k, (file, name) in enumerate(notes[start : start + PER_VAULT]):
            met = TODAY - timedelta(days=10 - k)  # due from 7 days ago to 12 days ahead
            (root / file).write_text(f"---\ntype: contact\n{name}met: {met}\n---\n", "utf-8")
        vaults.append(root)
    return vaults


def test_the_renderer_tells_a_drawn_bar_from_a_parse_error(mermaid: Render) -> None:
    good = "gantt\n    dateFormat YYYY-MM-DD\n    section Week\n    Write to Jane :2026-11-20, 1d\n"
    bad = good.replace("Write to Jane", "click Therapeutics")
    drawn, broken = mermaid([good, bad])
    assert drawn.error is None and "Write to Jane" in drawn.labels
    assert broken.error is not None


def test_every_bar_is_drawn_and_no_name_changes_a_setting(mermaid: Render, tmp_path: Path) -> None:
    """The example vault's chart and those of vaults of hostile names, in one browser."""
    example = chart_of((REPO / "example_vault" / "Due.md").read_text("utf-8"))
    shutil.copytree(REPO / "example_vault", tmp_path / "example")
    agenda = CliRunner().invoke(
        cli, ["due", str(tmp_path / "example"), "--json", "--today", TODAY.isoformat()]
    )
    horizon = (TODAY + timedelta(days=14)).isoformat()
    due = [r for r in json.loads(agenda.stdout) if r["state"] != "waiting" and r["due"] <= horizon]
    charts, notes = [example], [len(due)]  # every step overdue or due within two weeks
    for root in hostile_vaults(tmp_path):
        result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
        assert result.exit_code == 0, result.output
        charts.append(chart_of((root / "Due.md").read_text("utf-8")))
        notes.append(len(list(root.glob("*.md"))) - 1)  # one bar a note (not Due.md)
    assert all(bar.startswith("Reconnect · ") for chart in charts[1:] for bar in bars_of(chart))
    for rendered, chart, count in zip(mermaid(charts, today=TODAY), charts, notes, strict=True):
        assert rendered.error is None, chart
        bars = bars_of(chart)
        assert len(bars) == count
        ticks = [label for label in rendered.labels if DAY_LABEL.match(label)]
        sections = [label for label in rendered.labels if label in ("Overdue", "This week", "Next week")]
        # every bar drawn, and nothing else: no title, no section made of a name
        assert sorted(rendered.labels) == sorted([*bars, *ticks, *sections]), chart
        assert sections == re.findall(r"^    section (.+)$", chart, re.M)
        # one tick a day across the chart's span, from the first bar's start to the last's end
        spans = [
            (date.fromisoformat(d), int(n)) for d, n in re.findall(r"(\d{4}-\d\d-\d\d), (\d+)d$", chart, re.M)
        ]
        first = min(start for start, _ in spans)
        last = max(start + timedelta(days=days - 1) for start, days in spans)
        days = [f"{first + timedelta(days=n):%a %d}" for n in range((last - first).days + 1)]
        assert ticks[: len(days)] == days and len(ticks) <= len(days) + 1
        assert rendered.today, "no today marker inside the chart"
        assert not rendered.clipped, rendered.clipped
