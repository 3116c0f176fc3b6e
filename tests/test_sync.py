"""The sync plan on real folders: blocks, ticks, postponements, Due.md."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from followup_md.agenda import due_ticks
from followup_md.cached_read import moved_notes
from followup_md.cli import cli

from .conftest import TODAY, MakeVault


def sync(root: Path, today: str = TODAY.isoformat()) -> None:
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", today])
    assert result.exit_code == 0, result.output


def read(root: Path, rel: str) -> str:
    return (root / rel).read_bytes().decode("utf-8")


def edit(root: Path, rel: str, *changes: tuple[str, str]) -> str:
    """Edit a file as a user would: each (old, new) must be there; returns the text."""
    text = read(root, rel)
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    (root / rel).write_text(text, encoding="utf-8")
    return text


APPLICATION = "---\ntype: application\ncompany: Acme\napplied: 2026-11-18\n---\nMy notes.\n"


def test_first_sync_appends_a_block_under_a_heading(make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    assert read(root, "Acme.md") == APPLICATION + (
        "\n## Follow-ups\n\n"
        "<!-- followup-md:begin (generated; tick boxes or change dates freely) "
        "confirm=2026-11-20..2026-11-25 -->\n\n"
        "- [ ] Email the hiring team at Acme to check that your application arrived, offer more "
        "materials and ask about next steps and timing #followup 🛫 2026-11-20 📅 2026-11-25 ^fu-confirm\n\n"
        "<!-- followup-md:end -->\n"
    )


def test_a_comment_after_a_task_lines_id_keeps_the_line_ours(make_vault: MakeVault) -> None:
    # `%% sent from my phone %%` after the block id made the line the user's own:
    # its tick was never read and a second, unticked line with the same id was added
    two = "---\ntype: interview\ncompany: Acme\ninterview: 2026-11-16\nreferred_by: Bo\n---\n"
    root = make_vault({"Acme.md": two})
    sync(root)
    edit(
        root,
        "Acme.md",
        ("- [ ] Send", "- [x] Send"),
        ("^fu-thank-you-20261116", "^fu-thank-you-20261116 %% sent from my phone %%"),
        ("^fu-loop-in-source-20261116", "^fu-loop-in-source-20261116 <!-- ask Bo -->"),
    )
    sync(root)
    after = read(root, "Acme.md")
    assert after.count("^fu-thank-you-20261116") == 1
    assert "✅ 2026-11-20 ^fu-thank-you-20261116 %% sent from my phone %%\n" in after
    assert "thank-you-20261116" not in read(root, "Due.md")
    result = CliRunner().invoke(
        cli, ["done", "Acme", "loop-in-source", "--vault", str(root), "--on", "2026-11-19"]
    )
    assert result.exit_code == 0, result.output
    done = read(root, "Acme.md")
    assert "- [x] Email Bo" in done
    assert "✅ 2026-11-19 ^fu-loop-in-source-20261116 <!-- ask Bo -->\n" in done
    sync(root)
    assert read(root, "Acme.md") == done


def test_a_crlf_due_md_keeps_crlf_in_its_block_and_its_ticks_count(make_vault: MakeVault) -> None:
    # the block of a Due.md saved on Windows was written with LF: a file of mixed line endings
    root = make_vault({"Acme.md": APPLICATION, "Due.md": b"My dashboard\r\n"})
    sync(root)
    due = (root / "Due.md").read_bytes()
    assert due.startswith(b"My dashboard\r\n\r\n<!-- followup-md:begin")
    assert due.count(b"\n") == due.count(b"\r\n")
    (root / "Due.md").write_bytes(due.replace(b"- [ ] **2026-11-25**", b"- [x] **2026-11-25**"))
    sync(root)
    assert "✅ 2026-11-20 ^fu-confirm" in read(root, "Acme.md")
    due = (root / "Due.md").read_bytes()
    assert due.count(b"\n") == due.count(b"\r\n")
    sync(root)
    assert (root / "Due.md").read_bytes() == due


def test_a_day_they_named_is_said_once_in_waiting(make_vault: MakeVault) -> None:
    # was "they asked you to follow up on 2026-11-23; follow up from 2026-11-23"
    note = "---\ntype: interview\ncompany: Acme\ninterview: 2026-11-16\nfollow_up_on: 2026-11-23\n---\n"
    root = make_vault({"Acme.md": note})
    sync(root)
    assert "- [[Acme#^fu-follow-up-20261123|Acme]]: they asked you to follow up on 2026-11-23\n" in read(
        root, "Due.md"
    )


def test_a_day_in_the_users_own_words_leaves_the_day_to_follow_up_said(make_vault: MakeVault) -> None:
    # the promise, the user's text, holds the day to nudge by chance: "follow up from" was dropped
    note = "---\ntype: help\nasked: 2026-11-18\nexpected: 2026-11-22\npromise: an intro (2026-11-23 at the latest)\n---\n"
    root = make_vault({"Sam.md": note})
    sync(root)
    assert "promised by 2026-11-22; follow up from 2026-11-23\n" in read(root, "Due.md")


def test_second_sync_changes_nothing_and_keeps_mtimes(make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in root.rglob("*.md")}
    sync(root)
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in root.rglob("*.md")}
    assert before == after


def test_block_is_regenerated_where_the_user_moved_it(make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    text = read(root, "Acme.md")
    head, block = text.split("\n## Follow-ups\n")
    moved = head.replace("My notes.\n", "My notes.\n" + block.lstrip("\n") + "\nMore notes.\n")
    (root / "Acme.md").write_text(moved, encoding="utf-8")
    sync(root, "2026-11-21")
    assert read(root, "Acme.md") == moved


def test_a_tick_is_recorded_with_todays_date_and_kept_as_history(make_vault: MakeVault) -> None:
    root = make_vault({"Job.md": "---\ntype: interview\ninterview: 2026-11-19\n---\n"})
    sync(root)
    edit(root, "Job.md", ("- [ ] Send", "- [X] Send"))
    sync(root)
    lines = read(root, "Job.md").splitlines()
    thanks = next(line for line in lines if line.endswith("^fu-thank-you-20261119"))
    assert thanks.startswith("- [x] Send")
    assert thanks.endswith("📅 2026-11-20 ✅ 2026-11-20 ^fu-thank-you-20261119")
    sync(root, "2026-12-01")  # later, the history line stays byte for byte
    assert thanks in read(root, "Job.md").splitlines()


def test_postponed_date_is_kept_and_other_lines_stay(make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    text = edit(
        root,
        "Acme.md",
        ("📅 2026-11-25", "📅 2026-11-28"),
        ("^fu-confirm\n", "^fu-confirm\n- [ ] my own task\nA line of my own.\n"),
    )
    sync(root)
    assert read(root, "Acme.md") == text
    assert "**2026-11-28**" in read(root, "Due.md")


def test_superseded_open_steps_go_but_history_stays(make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    edit(root, "Acme.md", ("applied: 2026-11-18\n", "applied: 2026-11-18\ninterview: 2026-11-24\n"))
    sync(root)
    result = read(root, "Acme.md")
    assert (
        "— interview 2026-11-24 #followup 🛫 2026-11-20 📅 2026-11-25 ✅ 2026-11-20 ^fu-confirm\n" in result
    )
    assert "^fu-prepare-20261124" in result


def test_crlf_notes_stay_crlf(make_vault: MakeVault) -> None:
    original = APPLICATION.replace("\n", "\r\n")
    root = make_vault({"Acme.md": original.encode()})
    sync(root)
    data = (root / "Acme.md").read_bytes()
    assert data.startswith(original.encode())
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_a_note_with_no_steps_keeps_its_empty_block(make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    edit(root, "Acme.md", ("applied: 2026-11-18\n", ""))
    sync(root)
    assert read(root, "Acme.md").endswith(
        "<!-- followup-md:begin (generated; tick boxes or change dates freely) -->\n\n"
        "<!-- followup-md:end -->\n"
    )


def test_a_broken_note_is_not_written_and_is_listed(make_vault: MakeVault) -> None:
    broken = "---\ntype: contact\nmet: 2026-11-19\n---\n<!-- followup-md:begin -->\n- [ ] x\n"
    root = make_vault({"Bad.md": broken, "Acme.md": APPLICATION})
    sync(root)
    assert read(root, "Bad.md") == broken
    assert "^fu-confirm" in read(root, "Acme.md")
    assert "- `Bad.md:5`: followup-md begin marker without an end marker" in read(root, "Due.md")


def test_due_keeps_the_users_text_outside_the_markers(make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    text = "My header\n\n" + read(root, "Due.md") + "\nMy footer\n"
    (root / "Due.md").write_text(text, encoding="utf-8")
    sync(root, "2026-11-21")
    result = read(root, "Due.md")
    assert result.startswith("My header\n\n<!-- followup-md:begin")
    assert result.endswith("<!-- followup-md:end -->\n\nMy footer\n")
    assert "as of 2026-11-21" in result


def test_due_has_checkboxes_without_the_tasks_plugin_and_a_tick_there_counts(make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    assert "- [ ] **2026-11-25** [[Acme#^fu-confirm|Acme]]" in read(root, "Due.md")
    edit(root, "Due.md", ("- [ ] **2026-11-25**", "- [x] **2026-11-25**"))
    sync(root, "2026-11-21")
    assert "📅 2026-11-25 ✅ 2026-11-21 ^fu-confirm" in read(root, "Acme.md")
    assert "^fu-confirm" not in read(root, "Due.md")


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        # the Tasks plugin ticks a line with its ✅ day: a sync days later took today instead
        ("- [x] **2026-11-25**", "📅 2026-11-25 ✅ 2026-11-19 ^fu-confirm"),
        ("- [x] **2026-11-25**", "📅 2026-11-25 ✅ 2026-11-21 ^fu-confirm"),  # no day: the sync's
        # `[-]` cancels, as in a note: it was set back to `[ ]` without a word
        ("- [-] **2026-11-25**", "- [-] Email the hiring team at Acme"),
    ],
)
def test_a_tick_in_due_md_is_done_or_cancelled_on_the_day_it_says(
    make_vault: MakeVault, typed: str, recorded: str
) -> None:
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    line = next(line for line in read(root, "Due.md").splitlines() if "^fu-confirm" in line)
    day = " ✅ 2026-11-19" if "11-19" in recorded else " ❌ 2026-11-20" if "[-]" in typed else ""
    edit(root, "Due.md", (line, line.replace("- [ ] **2026-11-25**", typed) + day))
    sync(root, "2026-11-21")
    confirm = next(line for line in read(root, "Acme.md").splitlines() if line.endswith("^fu-confirm"))
    assert recorded in confirm
    if "[-]" in typed:
        assert confirm.endswith("📅 2026-11-25 ❌ 2026-11-20 ^fu-confirm")
    assert "^fu-confirm" not in read(root, "Due.md")
    before = read(root, "Acme.md")
    sync(root, "2026-11-21")
    assert read(root, "Acme.md") == before


def test_a_tick_in_due_md_is_never_dated_after_today(make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    line = next(line for line in read(root, "Due.md").splitlines() if "^fu-confirm" in line)
    edit(root, "Due.md", (line, line.replace("- [ ] ", "- [x] ") + " ✅ 2027-01-01"))
    sync(root)
    assert "📅 2026-11-25 ✅ 2026-11-20 ^fu-confirm" in read(root, "Acme.md")


@pytest.mark.parametrize(("added", "recorded"), [("", "2026-11-21"), (" ✅ 2026-11-19", "2026-11-19")])
def test_a_day_in_the_text_of_a_due_md_line_does_not_date_its_tick(
    make_vault: MakeVault, added: str, recorded: str
) -> None:
    # the first ✅ anywhere on the line was the tick's day: a company named
    # "Zeta ✅ 2026-01-01", shown on the line, dated the tick before the step began
    root = make_vault({"Zeta.md": APPLICATION.replace("company: Acme", 'company: "Zeta ✅ 2026-01-01"')})
    sync(root)
    line = next(line for line in read(root, "Due.md").splitlines() if "^fu-confirm" in line)
    edit(root, "Due.md", (line, line.replace("- [ ] ", "- [x] ") + added))
    sync(root, "2026-11-21")
    assert f"📅 2026-11-25 ✅ {recorded} ^fu-confirm" in read(root, "Zeta.md")


def test_user_text_that_ends_a_due_md_line_does_not_date_its_tick(make_vault: MakeVault) -> None:
    # the step's action ends the line: a `next_action` "Call Bo ✅ 2026-01-01"
    # was the day of a tick typed without one (and a done date for Tasks)
    cy = "---\ntype: contact\nnext: 2026-11-20\nnext_action: Call Bo ✅ 2026-01-01\n---\n"
    root = make_vault({"Cy.md": cy})
    sync(root)
    line = next(line for line in read(root, "Due.md").splitlines() if "^fu-manual" in line)
    assert "✅" not in line
    edit(root, "Due.md", (line, line.replace("- [ ] ", "- [x] ")))
    sync(root, "2026-11-21")
    assert "📅 2026-11-20 ✅ 2026-11-21 ^fu-manual-20261120" in read(root, "Cy.md")


def _dash_done_vault(make_vault: MakeVault) -> tuple[Path, str]:
    """A synced vault whose Tasks settings make `-` a done status, and Acme's
    confirm line in its Due.md."""
    root = make_vault(
        {
            "Acme.md": APPLICATION,
            ".obsidian/plugins/obsidian-tasks-plugin/data.json": (
                '{"statusSettings": {"customStatuses": [{"symbol": "-", "type": "DONE"}]}}'
            ),
        }
    )
    sync(root)
    return root, next(line for line in read(root, "Due.md").splitlines() if "^fu-confirm" in line)


@pytest.mark.parametrize(("added", "recorded"), [("", "2026-11-21"), (" ✅ 2026-11-19", "2026-11-19")])
def test_a_due_md_dash_is_done_where_the_tasks_plugin_makes_it_a_done_status(
    make_vault: MakeVault, added: str, recorded: str
) -> None:
    # `[-]` in Due.md was always a cancel: the note's line became `[-] … ❌`,
    # which this vault reads as done without a day, so the next sync (or one
    # without the cache) added a ✅ and went on with the chain; and the ✅ day
    # the Tasks plugin ticks such a [-] with was read as a cancel's (❌), none,
    # so the step was done on the sync's day
    root, line = _dash_done_vault(make_vault)
    edit(root, "Due.md", (line, line.replace("- ", "- [-] ", 1) + added))
    sync(root, "2026-11-21")
    after = read(root, "Acme.md")
    assert f"📅 2026-11-25 ✅ {recorded} ^fu-confirm" in after
    shutil.rmtree(root / ".followup-md")
    sync(root, "2026-11-22")
    assert read(root, "Acme.md") == after


@pytest.mark.parametrize(("added", "recorded"), [("", "2026-11-21"), (" ✅ 2027-01-01", "2026-11-21")])
def test_a_tick_held_in_due_md_is_done_on_the_day_it_was_read(
    make_vault: MakeVault, added: str, recorded: str
) -> None:
    # a tick held while its note could not take a block was taken on the day the
    # note could (no day on the line, or one after the day it was read): the
    # step was done on the day the fence was closed, not the day it was ticked
    root = make_vault({"Acme.md": APPLICATION + "```\nunclosed fence\n"})
    CliRunner().invoke(cli, ["sync", str(root), "--today", "2026-11-20"])
    line = next(line for line in read(root, "Due.md").splitlines() if "^fu-confirm" in line)
    edit(root, "Due.md", (line, line.replace("- [ ] ", "- [x] ") + added))
    for day in ("2026-11-21", "2026-11-22"):
        CliRunner().invoke(cli, ["sync", str(root), "--today", day])
    edit(root, "Acme.md", ("unclosed fence\n", "unclosed fence\n```\n"))
    sync(root, "2026-11-23")
    assert f"📅 2026-11-25 ✅ {recorded} ^fu-confirm" in read(root, "Acme.md")


def test_a_tick_waiting_for_its_note_is_done_on_the_day_it_was_read(make_vault: MakeVault) -> None:
    # a tick kept under "Ticks waiting for their note" (the note not UTF-8 for a
    # while) was taken on the day the note was fixed, not the day it was ticked
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    line = next(line for line in read(root, "Due.md").splitlines() if "^fu-confirm" in line)
    edit(root, "Due.md", (line, line.replace("- [ ] ", "- [x] ")))
    (root / "Acme.md").write_bytes(APPLICATION.encode() + b"\xff\n")
    for day in ("2026-11-21", "2026-11-22"):
        CliRunner().invoke(cli, ["sync", str(root), "--today", day])
    (root / "Acme.md").write_text(APPLICATION, encoding="utf-8")
    sync(root, "2026-11-23")
    assert "📅 2026-11-25 ✅ 2026-11-21 ^fu-confirm" in read(root, "Acme.md")


def test_a_cancel_from_due_md_undone_in_the_note_loses_its_day(make_vault: MakeVault) -> None:
    # the ❌ a [-] in Due.md wrote stayed on the line opened again (a ✅ goes),
    # and a second cancel was then read on the first one's day
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    line = next(line for line in read(root, "Due.md").splitlines() if "^fu-confirm" in line)
    edit(root, "Due.md", (line, line.replace("- [ ] ", "- [-] ")))
    sync(root, "2026-11-21")
    edit(root, "Acme.md", ("- [-] Email", "- [ ] Email"))
    sync(root, "2026-11-21")
    assert "📅 2026-11-25 ^fu-confirm" in read(root, "Acme.md")
    line = next(line for line in read(root, "Due.md").splitlines() if "^fu-confirm" in line)
    edit(root, "Due.md", (line, line.replace("- [ ] ", "- [-] ")))
    sync(root, "2026-11-23")
    assert "📅 2026-11-25 ❌ 2026-11-23 ^fu-confirm" in read(root, "Acme.md")


def test_a_cancel_from_due_md_takes_no_logged_message(make_vault: MakeVault) -> None:
    # a cancel has a day (today, from Due.md): it was taken for that day's sent
    # message, which then completed nothing, and the check-in sent stayed open
    interview = "---\ntype: interview\ncompany: Acme\ninterview: 2026-11-16\n---\n"
    root = make_vault({"Acme.md": interview})
    sync(root)
    line = next(line for line in read(root, "Due.md").splitlines() if "^fu-thank-you" in line)
    edit(root, "Due.md", (line, line.replace("- [ ] ", "- [-] ")))
    log = '---\ntype: log\ndate: 2026-11-21\ndirection: sent\nwith: "[[Acme]]"\n---\n'
    (root / "log.md").write_text(log, encoding="utf-8")
    sync(root, "2026-11-21")
    note = read(root, "Acme.md")
    assert "❌ 2026-11-21 ^fu-thank-you-20261116" in note
    assert "✅ 2026-11-21 ^fu-r20261116-check-in-1" in note


def test_due_has_plain_bullets_with_the_tasks_plugin(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "Acme.md": APPLICATION,
            ".obsidian/community-plugins.json": '["obsidian-tasks-plugin"]',
            ".obsidian/plugins/obsidian-tasks-plugin/data.json": '{"globalFilter": "#task"}',
        }
    )
    sync(root)
    assert "- **2026-11-25** [[Acme#^fu-confirm|Acme]]" in read(root, "Due.md")
    assert "- [ ] #task Email the hiring team" in read(root, "Acme.md")


def test_markdown_links_option(make_vault: MakeVault) -> None:
    root = make_vault({"jobs/Acme Co.md": APPLICATION, "followup-md.toml": 'link_style = "markdown"\n'})
    sync(root)
    assert "[Acme Co](jobs/Acme%20Co.md#^fu-confirm)" in read(root, "Due.md")


def test_every_markdown_link_of_a_due_md_in_a_subfolder_resolves(make_vault: MakeVault) -> None:
    from urllib.parse import unquote, urlsplit

    from markdown_it import MarkdownIt

    root = make_vault(
        {
            "jobs/Acme Co.md": APPLICATION,
            "Zed (root).md": APPLICATION.replace("Acme", "Zed"),
            "dash/Beta.md": APPLICATION.replace("Acme", "Beta"),
            "dash/deeper/Gamma.md": APPLICATION.replace("Acme", "Gamma"),
            "people/Paused.md": "---\ntype: contact\nstatus: paused\nsnooze: 2026-12-01\n---\n",
            "followup-md.toml": 'due_file = "dash/Due.md"\nlink_style = "markdown"\n',
        }
    )
    sync(root)
    due = read(root, "dash/Due.md")
    hrefs = [
        token.attrs["href"]
        for block in MarkdownIt("commonmark").parse(due)
        for token in block.children or []
        if token.type == "link_open"
    ]
    notes = [str(href).split("#")[0] for href in hrefs if not str(href).startswith("mailto:")]
    assert len(notes) == 5  # four confirm steps and a waiting note
    for href in notes:
        assert not urlsplit(href).scheme
        assert (root / "dash" / unquote(href)).resolve().is_file(), href
    assert "(../jobs/Acme%20Co.md#^fu-confirm)" in due and "(deeper/Gamma.md#^fu-confirm)" in due
    # a tick in the subfolder's Due.md reaches its note
    edit(root, "dash/Due.md", ("- [ ] **2026-11-25** [Acme Co]", "- [x] **2026-11-25** [Acme Co]"))
    sync(root)
    assert "- [x] Email the hiring team" in read(root, "jobs/Acme Co.md")


def test_due_ticks_reads_both_link_styles() -> None:
    text = (
        "<!-- followup-md:begin x -->\n"
        "- [x] **2026-11-25** [[jobs/Acme#^fu-confirm|Acme]]: a\n"
        "- [X] **2026-11-25** [Acme](jobs/Acme%20Co.md#^fu-nudge): b\n"
        "- [ ] **2026-11-25** [[jobs/Other#^fu-confirm|Other]]: c\n"
        "<!-- followup-md:end -->\n"
    )
    assert set(due_ticks(text.splitlines())) == {("jobs/Acme.md", "confirm"), ("jobs/Acme Co.md", "nudge")}
    moved = text.replace("(jobs/", "(../jobs/")
    assert set(due_ticks(moved.splitlines(), index="dash/Due.md")) == {
        ("jobs/Acme.md", "confirm"),
        ("jobs/Acme Co.md", "nudge"),
    }


def test_log_notes_feed_the_notes_they_link_to(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "people/Maya.md": "---\ntype: contact\ncadence: 10d\nlast_contact: 2026-11-01\n---\n",
            "logs/call.md": "---\ntype: log\ndate: 2026-11-15\nwith: '[[Maya]]'\ndirection: received\n---\n",
        }
    )
    sync(root)
    assert "📅 2026-11-25 ^fu-keep-in-touch" in read(root, "people/Maya.md")
    assert "followup-md" not in read(root, "logs/call.md")


def test_a_sent_log_note_completes_a_step_as_a_history_line(make_vault: MakeVault) -> None:
    """Seed 003: copy the source when you reach out; the log note to the source
    and the one to the referral each complete their own step, the second sync
    keeps the done lines as they are (a tick would look the same)."""
    referral = "---\ntype: referral\nname: Lena\nreferred: 2026-11-10\nreferred_by: '[[Maya]]'\n---\n"
    root = make_vault(
        {
            "people/Lena.md": referral,
            "people/Maya.md": "---\ntype: contact\n---\n",
            "logs/email.md": "---\ntype: log\ndate: 2026-11-11\nwith: '[[Lena]]'\ndirection: sent\n---\n",
        }
    )
    sync(root)
    text = read(root, "people/Lena.md")
    assert (
        "- [x] Email Lena about the referral and copy Maya on it — logged in email #followup "
        "🛫 2026-11-10 📅 2026-11-12 ✅ 2026-11-11 ^fu-reach-out\n"
    ) in text
    assert "📅 2026-11-18 ^fu-no-contact" in text  # 7 days after the logged email
    (root / "logs/to source.md").write_text(
        "---\ntype: log\ndate: 2026-11-19\nwith: '[[Maya]]'\ndirection: sent\n---\n", encoding="utf-8"
    )
    sync(root)
    text = read(root, "people/Lena.md")
    assert "— logged in to source #followup 📅 2026-11-18 ✅ 2026-11-19 ^fu-no-contact\n" in text
    assert "^fu-reach-out" in text
    sync(root)
    assert read(root, "people/Lena.md") == text


def test_a_log_note_credited_once_completes_nothing_more_on_the_next_sync(make_vault: MakeVault) -> None:
    """One message, one step: the email of the 14th thanked them; on the next
    sync (its step now a done line) it must not also count as the check-in."""
    root = make_vault(
        {
            "Acme.md": "---\ntype: interview\ninterview: 2026-11-10\n---\n",
            "logs/thanks.md": "---\ntype: log\ndate: 2026-11-14\nwith: '[[Acme]]'\ndirection: sent\n---\n",
        }
    )
    sync(root)
    text = read(root, "Acme.md")
    assert (
        "— logged in thanks #followup 🛫 2026-11-10 📅 2026-11-11 ✅ 2026-11-14 ^fu-thank-you-20261110"
        in text
    )
    assert "- [ ] Check in with the hiring team by email" in text
    shutil.rmtree(root / ".followup-md")  # plan from the notes, not from what the cache remembers
    sync(root)
    assert read(root, "Acme.md") == text


def test_numbered_rounds_of_an_older_block_migrate_with_their_ticks(make_vault: MakeVault) -> None:
    """Ids were positions (`thank-you`, `thank-you-2`, `r2-check-in-1`); each
    moves to its round's date, found from the windows the block recorded, and
    adding a forgotten earlier round then credits no tick to the wrong round."""
    front = "---\ntype: interview\ninterview: [2026-11-03, 2026-11-10]\n---\n"
    block = (
        "<!-- followup-md:begin (generated; tick boxes or change dates freely) r2-check-in-1=2026-11-13..2026-11-15 -->\n"
        "\n"
        "- [x] Thanks #followup 🛫 2026-11-03 📅 2026-11-04 ✅ 2026-11-03 ^fu-thank-you\n"
        "- [x] Thanks again #followup 🛫 2026-11-10 📅 2026-11-11 ✅ 2026-11-10 ^fu-thank-you-2\n"
        "- [ ] Check in #followup 🛫 2026-11-13 📅 2026-11-15 ^fu-r2-check-in-1\n"
        "\n"
        "<!-- followup-md:end -->\n"
    )
    root = make_vault({"Acme.md": front + block})
    sync(root)
    text = read(root, "Acme.md")
    assert "✅ 2026-11-03 ^fu-thank-you-20261103\n" in text
    assert "✅ 2026-11-10 ^fu-thank-you-20261110\n" in text
    assert "📅 2026-11-15 ^fu-r20261110-check-in-1\n" in text
    edit(root, "Acme.md", ("[2026-11-03, 2026-11-10]", "[2026-10-28, 2026-11-03, 2026-11-10]"))
    sync(root)
    text = read(root, "Acme.md")
    assert "✅ 2026-11-03 ^fu-thank-you-20261103\n" in text
    assert "- [ ] Send your interviewer a thank-you email within 24 hours" in text
    assert "📅 2026-10-29 ^fu-thank-you-20261028\n" in text
    assert "^fu-thank-you-2\n" not in text and "^fu-thank-you\n" not in text


def test_notes_that_are_not_ours_are_never_touched(make_vault: MakeVault) -> None:
    files = {
        "Reading/Book.md": "---\ntype: book\nstatus: reading\n---\n- [ ] read\n",
        "Templates/Contact.md": "---\ntype: contact\nmet: {{date}}\n---\n",
        ".obsidian/templates.json": '{"folder": "Templates"}',
        ".trash/Old.md": "---\ntype: contact\nmet: 2026-11-19\n---\n",
        "plain.md": "no front matter",
        "empty.md": "",
    }
    root = make_vault(files)
    sync(root)
    for rel, content in files.items():
        assert read(root, rel) == content


BAD_NOTES: dict[str, str | bytes] = {
    "date.md": "---\ntype: contact\nmet: 2026-13-45\n---\n",
    "yaml.md": "---\ntype: contact\nmet: [2026\n---\n",
    "dup.md": "---\ntype: contact\nmet: 2026-11-19\nmet: 2026-11-18\n---\n",
    "alias.md": "---\ntype: contact\nmet: &d 2026-11-19\nlast_contact: *d\n---\n",
    "kind.md": "---\ntype: contact\nmax_followups: many\n---\n",
    "conflict.md": "---\ntype: contact\n<<<<<<< HEAD\nmet: 2026-11-19\n=======\nmet: 2026-11-18\n>>>>>>> b\n---\n",
    "markers.md": "---\ntype: contact\n---\n<!-- followup-md:end -->\n",
    "latin1.md": b"---\ntype: contact\nname: J\xe9r\xf4me\n---\n",
}


def test_each_bad_input_is_left_untouched_and_reported_once(make_vault: MakeVault) -> None:
    from click.testing import CliRunner

    root = make_vault({**BAD_NOTES, "ok.md": APPLICATION})
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
    assert result.exit_code == 0
    for rel, content in BAD_NOTES.items():
        expected = content if isinstance(content, bytes) else content.encode()
        assert (root / rel).read_bytes() == expected
        assert sum(line.startswith(f"{rel}:") for line in result.stderr.splitlines()) == 1, rel
        assert f"- `{rel}:" in read(root, "Due.md")
    assert "Traceback" not in result.output
    assert "^fu-confirm" in read(root, "ok.md")


def test_a_note_ending_in_an_open_fence_is_reported_not_duplicated(make_vault: MakeVault) -> None:
    note = "---\ntype: contact\nmet: 2026-11-19\n---\n```\nunclosed fence\n"
    root = make_vault({"fence.md": note})
    sync(root)
    sync(root)
    assert read(root, "fence.md") == note
    assert "`fence.md:7`: the note ends inside an unclosed code fence" in read(root, "Due.md")


@pytest.mark.parametrize("own", ["Due.md", "Stats.md"])
def test_a_generated_file_ending_in_an_open_fence_is_reported_not_grown(
    make_vault: MakeVault, own: str
) -> None:
    """Found by tests/test_fuzz_vaults.py: the section appended below an open
    fence is code, so every sync appended another one."""
    mine = "---\ntype: interview\n---\n```\nunclosed fence\n"
    root = make_vault({own: mine, "followup-md.toml": 'stats_file = "Stats.md"\n', "Acme.md": APPLICATION})
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
    assert f"{own}:6: the note ends inside an unclosed code fence" in result.stderr
    sync(root)
    assert read(root, own) == mine
    other = "Stats.md" if own == "Due.md" else "Due.md"
    assert read(root, other).count("followup-md:begin") == 1


def test_a_cancelled_step_stays_cancelled(make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    text = edit(root, "Acme.md", ("- [ ] Email", "- [-] Email"))
    sync(root)
    # the line stays as the user left it; the marker no longer plans the step
    assert read(root, "Acme.md") == text.replace(" confirm=2026-11-20..2026-11-25 -->", " -->")
    assert "^fu-confirm" not in read(root, "Due.md")


def test_planning_with_a_memo_gives_the_same_plan(make_vault: MakeVault) -> None:
    import shutil
    from datetime import date

    from followup_md.config import Config
    from followup_md.model import NoteFile, ReadFile
    from followup_md.parse import read_entry
    from followup_md.safe_read import read_file
    from followup_md.sync import PlanMemo, plan_read
    from followup_md.vault import read_settings, walk_notes

    from .conftest import REPO

    root = make_vault({})
    shutil.copytree(REPO / "example_vault", root, dirs_exist_ok=True)
    config = Config()
    settings = read_settings(root, config)

    def entry(rel: str) -> ReadFile:
        got = read_file(root, rel)
        assert got is not None
        return read_entry(NoteFile(rel, *got), config, settings.syntax)

    read = {rel: entry(rel) for rel, _ in walk_notes(root, config, settings)}
    memo = PlanMemo()
    maya = "people/Maya Chen.md"
    email = "email: maya.chen@brightline.example"
    rounds = [(date(2026, 11, 20), ""), (date(2026, 11, 20), "maya@new.example"), (date(2026, 11, 27), "")]
    for day, address in rounds:
        # one note changes between plans (its place; its address, which the
        # emails to and copied to the people she referred and introduced
        # carry), the rest are the same objects
        edit(root, maya, ("where: the PyData NYC meetup", f"where: meetup {day}"))
        if address:
            edit(root, maya, (email, f"email: {address}"))
        read[maya] = entry(maya)
        assert plan_read(read, None, config, settings, day, memo) == plan_read(
            read, None, config, settings, day
        )
        edit(root, maya, (f"where: meetup {day}", "where: the PyData NYC meetup"))
        if address:
            edit(root, maya, (f"email: {address}", email))


def test_one_vault_gives_the_same_bytes_in_every_time_zone(make_vault: MakeVault) -> None:
    """README: a vault synced on two machines gives the same bytes. 17:30 in Los
    Angeles is the 12th there and the 13th in UTC and Tokyo; the vault's
    `timezone` decides, whatever TZ says."""
    import os
    import subprocess
    import sys

    note = "---\ntype: interview\ninterview: 2026-11-12T17:30:00-08:00\n---\n"
    outputs = []
    for zone in ("UTC", "America/Los_Angeles", "Asia/Tokyo"):
        root = make_vault(
            {f"{zone}/followup-md.toml": 'timezone = "America/Los_Angeles"\n', f"{zone}/Job.md": note}
        )
        vault = root / zone
        env = {**os.environ, "TZ": zone}
        command = [sys.executable, "-m", "followup_md", "sync", str(vault), "--today", TODAY.isoformat()]
        subprocess.run(command, env=env, check=True, capture_output=True)
        outputs.append({p.name: p.read_bytes() for p in sorted(vault.glob("*.md"))})
    assert outputs[0] == outputs[1] == outputs[2]
    assert b"^fu-thank-you-20261112" in outputs[0]["Job.md"]


def test_check_warns_once_about_offsets_without_a_vault_time_zone(make_vault: MakeVault) -> None:
    from click.testing import CliRunner

    note = "---\ntype: interview\ninterview: 2026-11-12T17:30:00-08:00\n---\n"
    root = make_vault(
        {"A.md": note, "B.md": note, "C.md": "---\ntype: interview\ninterview: 2026-11-12\n---\n"}
    )
    result = CliRunner().invoke(cli, ["check", str(root), "--today", TODAY.isoformat()])
    assert result.exit_code == 0
    assert result.stderr.count("warning") == 1
    assert result.stderr.startswith(
        "followup-md: warning: A.md (and 1 more) holds date-times with UTC offsets"
    )
    (root / "B.md").unlink()  # one note alone is named, never "(and 0 more)"
    alone = CliRunner().invoke(cli, ["check", str(root), "--today", TODAY.isoformat()]).stderr
    assert alone.startswith("followup-md: warning: A.md holds date-times with UTC offsets")
    (root / "followup-md.toml").write_text('timezone = "UTC"\n')
    assert CliRunner().invoke(cli, ["check", str(root), "--today", TODAY.isoformat()]).stderr == ""


def test_today_is_the_vaults_day_wherever_the_machine_is(make_vault: MakeVault) -> None:
    """Without --today, 'today' is the date in the vault's time zone: UTC+14 and
    UTC-11 are never on the same day, whatever TZ the machine has."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from click.testing import CliRunner

    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        root = make_vault({f"{zone}/followup-md.toml": f'timezone = "{zone}"\n'}) / zone
        before = datetime.now(ZoneInfo(zone)).date()
        result = CliRunner().invoke(cli, ["sync", str(root)], env={"FOLLOWUP_MD_TODAY": None, "TZ": "UTC"})
        after = datetime.now(ZoneInfo(zone)).date()
        assert result.exit_code == 0, result.output
        assert f"(as of {before})" in result.stdout or f"(as of {after})" in result.stdout


def test_a_tick_in_due_md_for_a_step_its_notes_block_lacks_is_kept_until_the_note_has_it(
    make_vault: MakeVault,
) -> None:
    """The user deletes a task line from a note's block and ticks the step in
    Due.md before the next sync: the tick stays in Due.md while the sync puts
    the step back in the note, and its second pass takes it (it was dropped:
    only a note without any block kept Due.md's ticks), so a check after has
    nothing to do."""
    root = make_vault({"Ann.md": "---\ntype: contact\nmet: 2026-11-18\nasked: 2026-11-10\n---\n"})
    sync(root)
    note = read(root, "Ann.md")
    nudge = next(line for line in note.splitlines(keepends=True) if line.endswith("^fu-nudge\n"))
    edit(root, "Ann.md", (nudge, ""))
    line = next(line for line in read(root, "Due.md").splitlines() if "fu-nudge" in line)
    edit(root, "Due.md", (line, line.replace("- [ ] ", "- [x] ")))
    sync(root)
    assert any(
        row.startswith("- [x] ") and row.endswith("^fu-nudge") for row in read(root, "Ann.md").splitlines()
    )
    assert "fu-nudge" not in read(root, "Due.md")
    done = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat(), "--check"])
    assert done.exit_code == 0, done.output


def _tick_in_due(root: Path, mark: str) -> str:
    """Tick the open line of Due.md that holds `mark`; the line as ticked."""
    line = next(
        line for line in read(root, "Due.md").splitlines() if mark in line and line.startswith("- [ ] ")
    )
    ticked = line.replace("- [ ] ", "- [x] ", 1)
    edit(root, "Due.md", (line, ticked))
    return ticked


def test_a_tick_in_due_md_follows_its_note_moved_before_the_next_sync(make_vault: MakeVault) -> None:
    """The user ticks a step in Due.md, then renames its note outside
    Obsidian (`mv`, `git mv`: the link in Due.md still names the old path).
    The move keeps the file's mtime and size, so the next sync knows it and
    records the tick in the note where it is now (it was lost without a word)."""
    root = make_vault({"Acme.md": APPLICATION, "Other.md": APPLICATION.replace("Acme", "Hooli")})
    sync(root)
    _tick_in_due(root, "[[Acme#^fu-confirm")
    (root / "Jobs").mkdir()
    (root / "Acme.md").rename(root / "Jobs" / "Acme Corp.md")
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    confirm = next(line for line in read(root, "Jobs/Acme Corp.md").splitlines() if "^fu-confirm" in line)
    assert confirm.startswith("- [x] ") and "✅ 2026-11-20" in confirm
    assert "- [ ] Email the hiring team at Hooli" in read(root, "Other.md")
    assert "Acme Corp#^fu-confirm" not in read(root, "Due.md") and "problem" not in result.output


def test_a_tick_in_due_md_with_no_note_to_go_to_is_kept_and_reported_at_its_line(
    make_vault: MakeVault,
) -> None:
    """Without the evidence of a move (no cache, a new mtime), a tick whose
    note is gone stays in Due.md, first, as a problem that names the line it
    is on once written; the next sync changes nothing, `check` fails until
    the user deletes the line."""
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    ticked = _tick_in_due(root, "[[Acme#^fu-confirm")
    shutil.rmtree(root / ".followup-md")
    (root / "Acme Corp.md").write_text(read(root, "Acme.md"), encoding="utf-8")
    (root / "Acme.md").unlink()
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    due = read(root, "Due.md")
    ticked += f" ✅ {TODAY}"  # kept with the day it was read, which the note takes
    number = due.splitlines().index(ticked) + 1
    message = (
        "your tick of confirm cannot be recorded: there is no follow-up note Acme.md (renamed, "
        "deleted, or no longer a follow-up?); tick the step in its note, then delete this line"
    )
    assert f"Due.md:{number}: {message}" in result.output and f"- `Due.md:{number}`: {message}" in due
    assert due.splitlines()[number - 3] == "## Ticks waiting for their note"
    assert "- [ ] " in read(root, "Acme Corp.md")  # not taken by a guess
    sync(root)
    assert read(root, "Due.md") == due
    check = CliRunner().invoke(cli, ["check", str(root), "--today", TODAY.isoformat()])
    assert check.exit_code == 1 and f"Due.md:{number}: {message}" in check.output
    edit(root, "Due.md", (ticked + "\n", ""))
    sync(root)
    assert "Ticks waiting" not in read(root, "Due.md")
    assert CliRunner().invoke(cli, ["check", str(root), "--today", TODAY.isoformat()]).exit_code == 0


def test_a_tick_in_due_md_waits_for_its_broken_note_and_is_taken_once_it_is_fixed(
    make_vault: MakeVault,
) -> None:
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    _tick_in_due(root, "[[Acme#^fu-confirm")
    good = read(root, "Acme.md")
    edit(root, "Acme.md", ("company: Acme\n", "company: [Acme\n"))
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
    assert "your tick of confirm waits for Acme.md to be read (see its problem)" in result.output
    (root / "Acme.md").write_text(good, encoding="utf-8")
    sync(root)
    assert "- [x] Email the hiring team at Acme" in read(root, "Acme.md")
    assert "[[Acme#^fu-confirm" not in read(root, "Due.md")


@pytest.mark.parametrize(
    ("gone", "arrived", "moved"),
    [
        ({"a.md": (1, 5)}, {"b.md": (1, 5)}, {"a.md": "b.md"}),
        ({"a.md": (1, 5)}, {"b.md": (1, 6)}, {}),  # another size: another file
        ({"a.md": (1, 5)}, {"b.md": (2, 5)}, {}),  # another mtime: written since
        ({"a.md": (1, 5)}, {"b.md": (1, 5), "c.md": (1, 5)}, {}),  # copies: which one?
        ({"a.md": (1, 5), "z.md": (1, 5)}, {"b.md": (1, 5)}, {}),  # two gone: whose?
        (
            {"a.md": (1, 5), "x.md": (3, 5)},
            {"b.md": (1, 5), "y.md": (3, 5)},
            {"a.md": "b.md", "x.md": "y.md"},
        ),
        ({}, {"b.md": (1, 5)}, {}),
    ],
)
def test_moved_notes_are_told_by_a_stat_only_one_gone_and_one_new_file_share(
    gone: dict[str, tuple[int, int]], arrived: dict[str, tuple[int, int]], moved: dict[str, str]
) -> None:
    assert moved_notes(gone, arrived) == moved


def test_a_panel_interview_is_planned_and_its_emails_go_to_each_person(make_vault: MakeVault) -> None:
    """`interviewer:` as a list (a panel) made the note a problem, with no
    step at all; each person's address comes from the note their name links to."""
    root = make_vault(
        {
            "Hooli.md": "---\ntype: interview\ncompany: Hooli\ninterview: 2026-11-19\n"
            'interviewer:\n  - Dana Ortiz\n  - "[[Sam Lee]]"\n---\n',
            "Dana Ortiz.md": "---\ntype: contact\nemail: dana@hooli.example\n---\n",
            "Sam Lee.md": "---\ntype: contact\nemail: sam@hooli.example\n---\n",
        }
    )
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
    assert result.exit_code == 0 and "problem" not in result.output, result.output
    assert "- [ ] Send Dana Ortiz and Sam Lee at Hooli a thank-you email" in read(root, "Hooli.md")
    line = next(line for line in read(root, "Due.md").splitlines() if "^fu-thank-you" in line)
    assert (
        "(mailto:dana@hooli.example,sam@hooli.example?subject=" in line
        and "body=Hi%20Dana%20and%20Sam%2C" in line
    )
    draft = CliRunner().invoke(
        cli, ["draft", "Hooli", "--mailto", "--vault", str(root), "--today", "2026-11-20"]
    )
    assert draft.output.startswith("mailto:dana@hooli.example,sam@hooli.example?"), draft.output


@pytest.mark.parametrize("why", ["orphan", "new step"])
def test_a_held_tick_is_said_at_the_line_it_is_written_to(make_vault: MakeVault, why: str) -> None:
    """A tick whose note cannot take its block (an open fence) is said at its
    line in Due.md; when a line is put above it (an orphaned tick, first, or a
    new note's step), that is the line it is written to, not the one it was
    read at: else the next sync says it elsewhere, or, with the cache, the
    wrong line is said until the cache goes."""
    fenced = APPLICATION.replace("Acme", "Zeta") + "\n```\ncode\n"
    root = make_vault({"Acme.md": APPLICATION, "Zeta.md": fenced} if why == "orphan" else {"Zeta.md": fenced})
    sync(root)
    ticked = _tick_in_due(root, "[[Zeta#^fu-confirm")
    if why == "orphan":
        _tick_in_due(root, "[[Acme#^fu-confirm")
        (root / "Acme.md").unlink()
    else:
        (root / "Acme.md").write_text(APPLICATION, encoding="utf-8")
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
    due = read(root, "Due.md")
    number = due.splitlines().index(f"{ticked} ✅ {TODAY}") + 1  # held with the day it was read
    said = f"Due.md:{number}: your tick of confirm for Zeta.md cannot be recorded until"
    assert said in result.output and f"`Due.md:{number}`" in due
    shutil.rmtree(root / ".followup-md")
    sync(root)
    assert read(root, "Due.md") == due


def test_a_due_md_saved_with_a_byte_order_mark_keeps_it_and_its_ticks_count(make_vault: MakeVault) -> None:
    """An editor on Windows saved Due.md with a BOM before its begin marker:
    the block was not found ("end marker without a begin marker"), so Due.md
    was never written again and its ticks were not read."""
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    due = root / "Due.md"
    due.write_bytes(b"\xef\xbb\xbf" + due.read_bytes())
    _tick_in_due(root, "[[Acme#^fu-confirm")
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
    assert result.exit_code == 0 and "problem" not in result.output, result.output
    assert "- [x] Email the hiring team at Acme" in read(root, "Acme.md")
    assert due.read_bytes().startswith(b"\xef\xbb\xbf<!-- followup-md:begin")
    before = due.read_bytes()
    sync(root)
    assert due.read_bytes() == before


def test_a_ticked_copy_of_an_open_line_is_said_not_to_count(make_vault: MakeVault) -> None:
    """A merge resolved by keeping both sides ("accept both") leaves the open
    line and the line ticked on the other machine, with one id: the first is
    read, so the step stayed open and the tick was ignored without a word."""
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    text = read(root, "Acme.md")
    line = next(line for line in text.splitlines() if line.endswith("^fu-confirm"))
    ticked = line.replace("- [ ]", "- [x]").replace(" ^fu-confirm", " ✅ 2026-11-19 ^fu-confirm")
    edit(root, "Acme.md", (line, f"{line}\n{ticked}"))
    number = read(root, "Acme.md").splitlines().index(ticked) + 1
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
    assert result.exit_code == 0
    assert (
        f"Acme.md:{number}: warning: this ticked line repeats the step confirm of line {number - 1},"
        in result.stderr
    )
    assert read(root, "Acme.md").count("^fu-confirm") == 2


def test_one_message_logged_twice_completes_one_step(make_vault: MakeVault) -> None:
    """The same message (one `message_id`) in two log notes, as two machines'
    `mail` runs can leave them after a merge (a date from the header on one,
    from the delivery time on the other): it completed the thank-you and
    then the check-in too, which was never sent."""
    log = (
        '---\ntype: log\ndate: {day}\nwith: "[[Acme]]"\ndirection: sent\nsubject: Thanks\n'
        'message_id: "<t1@example.org>"\n---\n'
    )
    interview = "---\ntype: interview\ncompany: Acme\ninterview: 2026-11-10\n---\n"
    root = make_vault(
        {
            "Acme.md": interview,
            "logs/2026-11-10 Thanks.md": log.format(day="2026-11-10"),
            "logs/2026-11-14 Thanks.md": log.format(day="2026-11-14"),
        }
    )
    sync(root)
    text = read(root, "Acme.md")
    assert "✅ 2026-11-10 ^fu-thank-you-20261110" in text
    assert "- [ ] Check in with the hiring team at Acme" in text


def test_a_task_line_deleted_when_done_is_said_to_come_back(make_vault: MakeVault) -> None:
    """With `🏁 delete` (Tasks: on completion, delete), ticking the line in
    Obsidian deletes it, and the next sync put the step back, open: the
    user's tick was lost without a word."""
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    edit(root, "Acme.md", (" ^fu-confirm", " 🏁 delete ^fu-confirm"))
    number = next(n for n, line in enumerate(read(root, "Acme.md").splitlines(), 1) if "^fu-confirm" in line)
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
    assert result.exit_code == 0
    assert f"Acme.md:{number}: warning: 🏁 delete: ticked in Obsidian, this line is deleted" in result.stderr
    assert "🏁 delete ^fu-confirm" in read(root, "Acme.md")


def test_a_lost_tick_is_said_at_its_line_in_the_note_as_written(make_vault: MakeVault) -> None:
    """The warnings about a block's lines were said at the lines read, but
    the sync that said them removed a line above (a step no longer asked
    for): the next run with the cache replayed the old numbers, one without
    it said others (and rewrote Due.md); and a pair the sync itself ticks
    (a fact closes the step) was warned of once, then never."""
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    line = next(line for line in read(root, "Acme.md").splitlines() if line.endswith("^fu-confirm"))
    ticked = line.replace("- [ ]", "- [x]").replace(" ^fu-confirm", " ✅ 2026-11-19 ^fu-confirm")
    edit(root, "Acme.md", (line, f"- [ ] Old step #followup 📅 2026-11-21 ^fu-gone\n{line}\n{ticked}"))

    def said() -> list[str]:
        result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
        assert result.exit_code == 0, result.output
        return [line for line in result.stderr.splitlines() if "warning:" in line]

    first = said()
    number = read(root, "Acme.md").splitlines().index(ticked) + 1
    assert first == [
        f"Acme.md:{number}: warning: this ticked line repeats the step confirm of line {number - 1}, which is "
        "open; only that one is read, so the step is still open: tick it, or delete the line you do not want"
    ]
    due = read(root, "Due.md")
    assert said() == first
    shutil.rmtree(root / ".followup-md")
    assert said() == first
    assert read(root, "Due.md") == due
    edit(root, "Acme.md", ("applied: 2026-11-18", "applied: 2026-11-18\ninterview: 2026-11-19"))
    assert said() == []


def test_one_message_logged_twice_counts_for_each_person_either_log_links() -> None:
    """Two machines' `mail` runs log one message from different vaults: one
    knew only Acme, the other Jane too. The later log was dropped whole, so
    the exchange with Jane, which only it records, was never counted."""
    from followup_md.journal import exchanges
    from followup_md.links import link_index

    from .helpers import note_from

    log = 'type: log\ndate: {day}\nwith: {links}\ndirection: sent\nmessage_id: "<t1@example.org>"\n'
    notes = {
        "Acme.md": note_from("type: interview\ncompany: Acme\ninterview: 2026-11-10\n", path="Acme.md"),
        "Jane.md": note_from("type: contact\nmet: 2026-11-01\n", path="Jane.md"),
        "logs/a.md": note_from(log.format(day="2026-11-10", links='"[[Acme]]"'), path="logs/a.md"),
        "logs/b.md": note_from(
            log.format(day="2026-11-11", links='["[[Acme]]", "[[Jane]]"]'), path="logs/b.md"
        ),
    }
    found = exchanges(notes, link_index(notes))
    assert [entry.day.isoformat() for entry in found["Acme.md"].entries] == ["2026-11-10"]
    assert [entry.day.isoformat() for entry in found["Jane.md"].entries] == ["2026-11-11"]


@pytest.mark.parametrize("command", ["check", "due"])
def test_a_command_that_writes_nothing_says_a_lost_tick_at_its_line_as_it_is(
    make_vault: MakeVault, command: str
) -> None:
    """`check` and `due` write no note: a warning said at its line in the note
    as a sync would write it (a step no longer asked for gone from above it)
    sent the user's editor to the line above, the open one."""
    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    line = next(line for line in read(root, "Acme.md").splitlines() if line.endswith("^fu-confirm"))
    ticked = line.replace("- [ ]", "- [x]").replace(" ^fu-confirm", " ✅ 2026-11-19 ^fu-confirm")
    edit(root, "Acme.md", (line, f"- [ ] Old step #followup 📅 2026-11-21 ^fu-gone\n{line}\n{ticked}"))
    number = read(root, "Acme.md").splitlines().index(ticked) + 1
    result = CliRunner().invoke(cli, [command, str(root), "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    said = f"Acme.md:{number}: warning: this ticked line repeats the step confirm of line {number - 1}, which"
    assert said in result.stderr
