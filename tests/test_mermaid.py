"""Due.md's chart as Mermaid itself reads it (the library Obsidian and GitHub use)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .conftest import REPO
from .mermaid_check import Rendered

Render = Callable[[Sequence[str]], list[Rendered]]


def chart_of(markdown: str) -> str:
    found = re.search(r"```mermaid\n(.*?)```", markdown, re.S)
    assert found, "no mermaid chart"
    return found.group(1)


def test_the_renderer_tells_a_drawn_bar_from_a_parse_error(mermaid: Render) -> None:
    good = "gantt\n    dateFormat YYYY-MM-DD\n    section Week\n    Write to Jane :2026-11-20, 1d\n"
    bad = good.replace("Write to Jane", "click Therapeutics")
    drawn, broken = mermaid([good, bad])
    assert drawn.error is None and "Write to Jane" in drawn.labels
    assert broken.error is not None


def test_the_example_vaults_chart_draws_every_bar(mermaid: Render) -> None:
    chart = chart_of((REPO / "example_vault" / "Due.md").read_text("utf-8"))
    bars = [line.strip().rsplit(" :", 1)[0] for line in chart.splitlines() if " :" in line]
    (drawn,) = mermaid([chart])
    assert drawn.error is None
    assert bars and all(bar in drawn.labels for bar in bars)
