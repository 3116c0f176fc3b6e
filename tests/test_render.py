"""Rendering: task lines the Tasks plugin reads right, blocks, Due.md lines."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup_md.model import Step, TaskSyntax
from followup_md.render import clean_text, mailto, render_task

from . import tasks_grammar

D = date(2026, 11, 20)


def _step(
    action: str = "Send Jane a thank-you email", start: date = D, due: date = date(2026, 11, 21)
) -> Step:
    return Step("n.md", "thank-you", start, due, action)


def test_canonical_task_line() -> None:
    line = render_task(_step(), TaskSyntax(), "#followup")
    assert line == "- [ ] Send Jane a thank-you email #followup 🛫 2026-11-20 📅 2026-11-21 ^fu-thank-you"


def test_no_start_field_when_start_is_due() -> None:
    line = render_task(_step(start=date(2026, 11, 21)), TaskSyntax(), "#followup")
    assert line == "- [ ] Send Jane a thank-you email #followup 📅 2026-11-21 ^fu-thank-you"


def test_dataview_format_and_global_filter() -> None:
    line = render_task(_step(), TaskSyntax(dataview=True, global_filter="#task"), "#followup")
    assert line == (
        "- [ ] #task Send Jane a thank-you email #followup  [start:: 2026-11-20]  [due:: 2026-11-21] ^fu-thank-you"
    )


def test_the_tasks_grammar_reads_our_dates() -> None:
    parsed = tasks_grammar.parse(render_task(_step(), TaskSyntax(), "#followup"))
    assert parsed is not None
    assert parsed.fields == {"start": "2026-11-20", "due": "2026-11-21"}
    assert parsed.description == "Send Jane a thank-you email #followup"
    assert parsed.block_link == "^fu-thank-you"


HOSTILE = [
    "Jane 📅 2026-01-01",
    "Acme (EMEA)",
    "Bob ]] [[x",
    "a | b",
    "<!-- followup-md:end -->",
    "`code`",
    "two\nlines",
    "#hashtag ^block",
    "x::y",
    "Jo ⏫",
    "🔁 every day",
    "2026-11-20",
    "ends with ✅ 2026-11-20",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_user_text_cannot_break_a_task_line(name: str) -> None:
    line = render_task(_step(f"Email {name}"), TaskSyntax(), "#followup")
    assert "\n" not in line
    parsed = tasks_grammar.parse(line)
    assert parsed is not None
    assert parsed.fields == {"start": "2026-11-20", "due": "2026-11-21"}
    assert parsed.block_link == "^fu-thank-you"
    assert parsed.tags[-1] == "#followup"


@given(st.text(max_size=60))
def test_any_name_keeps_the_dates_right(name: str) -> None:
    parsed = tasks_grammar.parse(render_task(_step(f"Email {name}"), TaskSyntax(), "#followup"))
    assert parsed is not None
    assert parsed.fields == {"start": "2026-11-20", "due": "2026-11-21"}
    assert parsed.block_link == "^fu-thank-you"


def test_wikilink_aliases_are_cleaned() -> None:
    assert clean_text("Jane 📅 2026-01-01 [[x]] a|b <b>\n#tag") == "Jane 2026-01-01 ((x)) a/b ‹b› tag"
    assert clean_text("a %%% b ::: c\x1ed") == "a % b : c d"


def test_mailto_is_fully_encoded() -> None:
    url = mailto("jane@x.example", "Hi (there) & more", "Line 1\nLine 2?")
    assert url == "mailto:jane@x.example?subject=Hi%20%28there%29%20%26%20more&body=Line%201%0D%0ALine%202%3F"


def test_mailto_line_breaks_are_crlf_as_rfc_6068_requires() -> None:
    url = mailto("jane@x.example", "Hi", "Hi Jane,\n\nThanks.\r\nBest,\rMe\n")
    assert url.endswith("&body=Hi%20Jane%2C%0D%0A%0D%0AThanks.%0D%0ABest%2C%0D%0AMe%0D%0A")
    assert "%0A" not in url.replace("%0D%0A", "")


def test_the_load_chart_is_a_gantt_of_the_next_two_weeks() -> None:
    from followup_md.model import Note
    from followup_md.render import group_steps, load_chart

    notes = {"a.md": Note("a.md", "contact", "Ann: [x] #1", {}, b"", "\n", None)}
    from datetime import timedelta

    steps = [Step("a.md", f"s{i}", D + timedelta(days=i - 2), D + timedelta(days=i), "x") for i in range(20)]
    chart = load_chart(group_steps(steps, D), notes, D)
    assert chart[:5] == [
        "```mermaid",
        "gantt",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %a %d",
        "    todayMarker off",
    ]
    assert chart[5:8] == [
        "    section This week",
        "    Ann (x) 1 s0 :2026-11-20, 1d",
        "    Ann (x) 1 s1 :2026-11-20, 2d",
    ]
    assert "    section Next week" in chart
    assert sum(line.endswith("d") and ":" in line for line in chart) == 15  # due within 14 days
    assert chart[-2:] == ["```", ""]
    assert load_chart(group_steps(steps[:2], D), notes, D) == []
