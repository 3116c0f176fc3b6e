"""Rendering: task lines the Tasks plugin reads right, blocks, Due.md lines."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from unittest.mock import patch
from urllib.parse import quote

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from followup_md import blocks, render
from followup_md.blocks import parse_task
from followup_md.config import Config
from followup_md.links import mailto
from followup_md.markdown import TASK_FIELD_CHARS, task_text
from followup_md.markers import BEGIN, BEGIN_TEXT, END
from followup_md.model import Block, Note, Step, TaskSyntax
from followup_md.parse import read_note
from followup_md.render import render_task

from . import tasks_grammar

D = date(2026, 11, 20)
BLOCK_BEGIN = f"{BEGIN} {BEGIN_TEXT} -->"
BLOCK_END = END


def _step(
    action: str = "Send Jane a thank-you email", start: date = D, due: date = date(2026, 11, 21)
) -> Step:
    return Step("n.md", "thank-you", start, due, action)


def test_canonical_task_line() -> None:
    line = render_task(_step(), TaskSyntax(), "#followup")
    assert line == "- [ ] Send Jane a thank-you email #followup 🛫 2026-11-20 📅 2026-11-21 ^fu-thank-you"


def test_ascii_text_holds_no_tasks_field_character() -> None:
    """What lets `task_text` pass ASCII text by without looking for them."""
    assert not any(TASK_FIELD_CHARS.search(chr(code)) for code in range(128))


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


def test_mailto_is_fully_encoded() -> None:
    url = mailto("jane@x.example", "Hi (there) & more", "Line 1\nLine 2?")
    assert url == "mailto:jane@x.example?subject=Hi%20%28there%29%20%26%20more&body=Line%201%0D%0ALine%202%3F"


def test_mailto_line_breaks_are_crlf_as_rfc_6068_requires() -> None:
    url = mailto("jane@x.example", "Hi", "Hi Jane,\n\nThanks.\r\nBest,\rMe\n")
    assert url.endswith("&body=Hi%20Jane%2C%0D%0A%0D%0AThanks.%0D%0ABest%2C%0D%0AMe%0D%0A")
    assert "%0A" not in url.replace("%0D%0A", "")


@given(st.text(alphabet="a \r\n%é"))
def test_mailto_writes_any_body_as_quote_writes_its_line_breaks_made_crlf(body: str) -> None:
    """The line breaks made CRLF by three replacements, as a regex would make them."""
    crlf = re.sub(r"\r\n|\r|\n", "\r\n", body)
    url = mailto("a@x.example", "Hi", body)
    assert url.endswith(f"&body={quote(crlf, safe='')}")


def test_the_load_chart_shows_overdue_steps_and_the_next_two_weeks() -> None:
    from datetime import timedelta

    from followup_md.agenda import group_steps
    from followup_md.due_chart import load_chart
    from followup_md.model import Note

    notes = {"a.md": Note("a.md", "contact", "Ann: [x] #1", {}, b"", "\n", None)}
    steps = [
        Step("a.md", f"check-in-{i}", D + timedelta(days=i - 17), D + timedelta(days=i - 15), "x")
        for i in range(35)
    ]
    chart = load_chart(group_steps(steps, D), notes, D)
    assert chart[:5] == [
        "```mermaid",
        "gantt",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %a %d",
        "    tickInterval 1day",
    ]
    assert chart[5:8] == [
        "    section Overdue",
        "    Check in · Ann x 1 :crit, 2026-11-13, 8d",  # a week back at most, up to today
        "    Check in · Ann x 1 :crit, 2026-11-13, 8d",
    ]
    assert "    Check in · Ann x 1 :crit, 2026-11-19, 2d" in chart
    assert "    Check in · Ann x 1 :active, 2026-11-20, 1d" in chart  # due today
    assert "    section This week" in chart and "    section Next week" in chart
    assert sum(" :" in line for line in chart) == 25  # the chart's rows
    # 15 overdue and 10 due soonest drawn; 5 more within 14 days said under the chart
    assert chart[-4:] == ["```", "", "The chart leaves out 5 more steps; all are listed below.", ""]
    assert load_chart(group_steps(steps[:2], D), notes, D) == []


def test_chart_labels_are_the_kind_of_step_then_who_cut_to_a_readable_width() -> None:
    from followup_md.due_chart import CHART_LABEL, chart_label
    from followup_md.model import Note

    def label(step_id: str, name: str) -> str:
        return chart_label(
            Step("a.md", step_id, D, D, "x"), Note("a.md", "contact", name, {}, b"", "\n", None)
        )

    assert label("manual-20261124", "Chris Walker") == "Follow up · Chris Walker"
    assert label("thank-you-20261119", "click: Co; #1 %% x") == "Thank-you note · click Co 1 x"
    assert label("check-in-2", "Section Partners") == "Check in · Section Partners"
    assert label("r20261117-check-in-1", "Umbrella") == "Check in · Umbrella"
    assert label("reconnect-since-20260301", "Ruth") == "Reconnect · Ruth"
    assert label("confirm", "") == "Confirm application · a"
    assert label("confirm", ":::") == "Confirm application · a"
    nameless = Note("#;.md", "contact", "%%", {}, b"", "\n", None)
    assert chart_label(Step("#;.md", "confirm", D, D, "x"), nameless) == "Confirm application"
    long = label("loop-in-source", "Umbrella - Senior Staff Data Scientist, Platform")
    assert long == "Loop in source · Umbrella - Senior Staff Da…" and len(long) <= CHART_LABEL


@pytest.mark.parametrize(
    ("path", "index", "link"),
    [
        ("a.md", "Due.md", "a.md"),
        ("x/a.md", "dash/Due.md", "../x/a.md"),
        ("dash/a.md", "dash/Due.md", "a.md"),
        ("dash/d/a.md", "dash/Due.md", "d/a.md"),
        ("a.md", "x/y/Due.md", "../../a.md"),
        ("x/y/a.md", "x/z/Due.md", "../y/a.md"),
        ("dash", "dash/Due.md", "../dash"),
    ],
)
def test_markdown_links_are_relative_to_the_index_folder(path: str, index: str, link: str) -> None:
    import posixpath

    from followup_md.links import relative_path

    assert relative_path(path, index) == link
    assert posixpath.normpath(posixpath.join(posixpath.dirname(index), link)) == path


FIELD_PARTS = [
    *("Send", "(call)", "(Acme)", "#tag", "#followup", "#", "(", "[", "a:: b]", "\u00a0", "\t", "\ufe0f"),
    *("📅 2026-11-20", "🛫 2026-11-19", "✅ 2026-11-21", "⏫", "🔁 every week", "🔁every day!", "🆔 abc"),
    *("[due:: 2026-11-20]", "(start:: 2026-11-19)", "[foo:: bar]", "⛔ a, b", "⏰ 2026-11-20 10:00"),
]


@given(st.lists(st.tuples(st.sampled_from(FIELD_PARTS), st.sampled_from(["", " ", "  "])), max_size=9))
def test_the_field_split_is_the_patterns_search_from_the_end(parts: list[tuple[str, str]]) -> None:
    """The fast path tries the pattern only where a field can start; the plain
    way searches the whole line again after each field it takes off."""
    body = "".join(part + space for part, space in parts)
    plain: list[tuple[str, str]] = []
    rest = body
    while rest and (found := render._TRAILING_FIELD.search(rest)):
        plain.insert(0, (render._OURS.get(found.lastgroup or "", ""), found[0]))
        rest = rest[: found.start()]
    assert render.split_fields(body) == (rest, plain)


@settings(max_examples=400, deadline=None)
@given(
    st.text(max_size=40),
    st.sampled_from(["", "replied on 2026-11-19", "offer ✅ 📅 #tag"]),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["#followup", "#job/follow-up", "#a"]),
    st.sampled_from(["", "#task", "#followup"]),
    st.integers(0, 3),
    st.integers(0, 3),
)
def test_a_line_that_is_its_steps_rendering_merges_to_itself(
    action: str,
    reason: str,
    done: bool,
    dataview: bool,
    tag: str,
    global_filter: str,
    start: int,
    length: int,
) -> None:
    """What lets a sync keep such a line without merging it (`render._merged`).
    An action always has words: each names `who`, who is never nobody."""
    assume(task_text(action).strip())
    first = D + timedelta(days=start)
    step = Step(
        "n.md",
        "r20261120-check-in-1",
        first,
        first + timedelta(days=length),
        action,
        status="done" if done else "open",
        reason=reason if done else "",
        done=first if done else None,
    )
    syntax = TaskSyntax(dataview=dataview, global_filter=global_filter)
    line = render_task(step, syntax, tag)
    task = parse_task(line, syntax)
    assume(task is not None and task.step == step.id)  # what a block's line must be to be merged
    assert render.merge_task(line, step, syntax, tag) == line


LINE_KINDS = st.sampled_from(["own", "own", "ticked", "edited", "postponed", "user", "blank", "unknown id"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), LINE_KINDS), max_size=9), st.booleans(), st.integers(0, 5))
def test_a_line_its_step_renders_stays_as_parsing_it_would_keep_it(
    picks: list[tuple[int, str]], dataview: bool, ticked: int
) -> None:
    """The lines kept unparsed (`render._own_lines`) give the block that
    parsing every line gives: copies, ticks (in the note or in Due.md), edits,
    user lines around them."""
    syntax = TaskSyntax(dataview=dataview)
    steps = [
        Step("n.md", f"s{n}", D + timedelta(days=n), D + timedelta(days=2 * n), f"Do thing {n}")
        for n in range(4)
    ] + [Step("n.md", "s4", D, D, "Done thing", status="done", reason="logged", done=D)]
    lines = []
    for number, kind in picks:
        own = render_task(steps[number], syntax, "#followup")
        lines.append(
            {
                "own": own,
                "ticked": own.replace("- [ ]", "- [x]", 1),
                "edited": own.replace("thing", "my thing", 1),
                "postponed": own.replace(str(steps[number].due), "2027-01-05"),
                "user": f"my own line {number}",
                "blank": "",
                "unknown id": own.replace(f"^fu-s{number}", f"^fu-gone{number}"),
            }[kind]
        )
    text = "---\ntype: contact\n---\n" + BLOCK_BEGIN + "\n" + "\n".join(lines) + "\n" + BLOCK_END + "\n"
    note = read_note("n.md", text.encode(), Config(), syntax)
    assert isinstance(note, Note)
    if (task := note.tasks.get(f"s{ticked}")) is not None:  # ticked in Due.md (`sync._ticked`)
        note = replace(note, tasks={**note.tasks, task.step: replace(task, status="done", done=D)})
    fast = render.render_inner(note, lines, steps, syntax, "#followup")
    with patch.object(render, "_own_lines", lambda *_: {}):
        assert render.render_inner(note, lines, steps, syntax, "#followup") == fast


def test_a_scheduled_date_between_start_and_due_stays_where_the_tasks_plugin_wrote_it() -> None:
    """The Tasks plugin writes 🛫, ⏳, 📅 in that order (its edit dialog, a
    rescheduling): a sync put our dates together and moved the user's ⏳ after
    📅, changing a line the user had every right to, on every Tasks edit."""
    syntax = TaskSyntax()
    step = Step("n.md", "thank-you", D, date(2026, 11, 23), "Send Jane a thank-you email")
    line = (
        "- [ ] Send Jane a thank-you email #followup ⏫ ➕ 2026-11-10 🛫 2026-11-20 ⏳ 2026-11-21"
        " 📅 2026-11-23 🆔 abc123 ^fu-thank-you"
    )
    assert render.merge_task(line, step, syntax, "#followup") == line
    done = replace(step, status="done", reason="logged in Thanks", done=date(2026, 11, 22))
    assert render.merge_task(line, done, syntax, "#followup") == (
        "- [x] Send Jane a thank-you email — logged in Thanks #followup ⏫ ➕ 2026-11-10 🛫 2026-11-20"
        " ⏳ 2026-11-21 📅 2026-11-23 ✅ 2026-11-22 🆔 abc123 ^fu-thank-you"
    )
    assert tasks_grammar.parse(render.merge_task(line, done, syntax, "#followup")) is not None


def test_a_name_with_the_on_completion_flag_puts_none_in_a_task_line() -> None:
    """A name holding `🏁 delete` (a cloned vault's company) ended the
    description before the tag, which the Tasks plugin reads as a field
    (it strips tags and fields from the end in any order): the generated
    line was deleted when ticked, and sync warned of its own line."""
    syntax = TaskSyntax()
    step = Step("n.md", "confirm", D, date(2026, 11, 23), "Email the hiring team at Acme 🏁 delete")
    line = render.render_task(step, syntax, "#followup")
    assert "🏁" not in line
    note_lines = ["<!-- followup-md:begin -->\n", f"{line}\n", "<!-- followup-md:end -->\n"]
    block = Block(0, 2, {})
    tasks = blocks.read_tasks(note_lines, block, syntax)
    assert blocks.lost_ticks(note_lines, block, syntax, "n.md", tasks) == ()
