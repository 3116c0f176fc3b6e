"""The search's figures, computed from a vault built so that each one is known
by hand; Stats.md as a golden file; the chart drawn by the real Mermaid."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from followup_md.cli import cli
from followup_md.config import Config
from followup_md.journal import exchanges
from followup_md.links import link_index
from followup_md.model import NoteFile, VaultSettings
from followup_md.stats import Stats, compute_stats
from followup_md.stats_text import render_stats, share, stats_json
from followup_md.sync import SyncPlan, plan_sync

from .conftest import REPO, TODAY, MakeVault
from .helpers import UTC_ZONE
from .mermaid_check import OLDER, Rendered, render_mermaid

GOLDEN = REPO / "tests" / "golden" / "stats"


def _done(step: str, day: str) -> str:
    return f"- [x] Done #followup 📅 {day} ✅ {day} ^fu-{step}"


def _block(*lines: str) -> str:
    inner = "\n".join(lines)
    return f"\n## Follow-ups\n\n<!-- followup-md:begin -->\n\n{inner}\n\n<!-- followup-md:end -->\n"


# Each application is built so that one figure moves; the comments say how.
VAULT: dict[str, str] = {
    # cold; answered by `replied` 3 days after applying
    "a1.md": "---\ntype: application\napplied: 2026-11-02\nreplied: 2026-11-05\n---\n",
    # cold; two rounds (first answer: the first round, 7 days); thank-yous after both,
    # the second followed by a received log note two days later
    "a2.md": "---\ntype: interview\napplied: 2026-11-03\ninterview: [2026-11-10, 2026-11-17]\n---\n"
    + _block(_done("thank-you", "2026-11-10"), _done("thank-you-2", "2026-11-17")),
    # referral; one round 10 days after applying; hired
    "a3.md": "---\ntype: application\napplied: 2026-10-20\ninterview: 2026-10-30\n"
    'referred_by: "[[Jon]]"\nstatus: hired\n---\n',
    # cold; the rejection (14 days) is the answer
    "a4.md": "---\ntype: application\napplied: 2026-10-01\nstatus: rejected\nclosed: 2026-10-15\n---\n",
    # cold; interviewed after 7 days, then two check-ins without an answer: ghosted
    "a5.md": "---\ntype: interview\napplied: 2026-10-05\ninterview: 2026-10-12\n---\n"
    + _block(
        _done("thank-you", "2026-10-12"), _done("check-in-1", "2026-10-17"), _done("check-in-2", "2026-10-24")
    ),
    # cold; no answer in the 7 days after `confirm`, the only check-in before an interview: ghosted
    "a8.md": "---\ntype: application\napplied: 2026-10-01\n---\n" + _block(_done("confirm", "2026-10-05")),
    # cold; withdrawn without an answer
    "a6.md": "---\ntype: application\napplied: 2026-11-18\nstatus: withdrawn\n---\n",
    # an informational interview: a conversation, not an application
    "people/Coffee.md": "---\ntype: interview\nformat: Informational\ninterview: 2026-11-19\n---\n",
    # an interview to come, no application date: answered, not interviewed yet
    "a7.md": "---\ntype: interview\ninterview: 2026-11-25\n---\n",
    "logs/reply.md": '---\ntype: log\ndate: 2026-11-19\nwith: "[[a2]]"\ndirection: received\n---\n',
    "people/Jon.md": "---\ntype: referral\nreferred: 2026-10-15\ncontacted: 2026-10-16\n---\n",
    # cooling: last contact 2026-10-01, cadence 2 weeks
    "people/Old Friend.md": "---\ntype: contact\nlast_contact: 2026-10-01\ncadence: 2w\n---\n",
    # warm: met ten days ago, cadence a month
    "people/New Friend.md": "---\ntype: contact\nmet: 2026-11-10\ncadence: 1m\n---\n",
    # paused: never cooling
    "people/Paused.md": "---\ntype: contact\nlast_contact: 2026-09-01\ncadence: 2w\nstatus: paused\n---\n",
    "Reading.md": "---\ntype: book\n---\n",
}


def _stats(
    since: date | None = None, vault: dict[str, str] | None = None, config: Config | None = None
) -> tuple[Stats, SyncPlan]:
    config = config or Config()
    files = [NoteFile(path, text.encode()) for path, text in (vault or VAULT).items()]
    plan = plan_sync(files, None, config, VaultSettings(), TODAY, UTC_ZONE)
    assert not [problem for problem in plan.problems if not problem.warning], plan.problems
    found = exchanges(plan.notes, link_index(plan.notes))
    return compute_stats(plan.notes, plan.steps, found, config, TODAY, since), plan


def _figures() -> dict[str, Any]:
    stats, plan = _stats()
    return stats_json(stats, plan.notes)


FIGURES = _figures()


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        ("applications", 8),
        ("replied", 6),  # a1 replied, a2 a3 a5 interviewed, a4 rejected, a7 invited
        ("interviewed", 3),  # a2, a3, a5
        ("later_rounds", 1),  # a2
        ("offers", 1),  # a3 hired
        ("rejected", 1),
        ("withdrawn", 1),
        ("ghosted", 2),  # a5: two check-ins after the interview; a8: confirm; no answer since
        ("median_days_to_reply", 7),  # 3, 7, 7, 10, 14
        ("by_source", {
            "referral": {"applications": 1, "replied": 1, "median_days_to_reply": 10},
            "cold": {"applications": 7, "replied": 5, "median_days_to_reply": 7},
        }),
        ("check_ins", {"done": 3, "replied_within_7_days": 0}),
        ("thank_yous", {"done": 3, "replied_within_7_days": 1}),  # a2's second, by the log note
    ],
)  # fmt: skip
def test_figures(figure: str, expected: object) -> None:
    assert FIGURES[figure] == expected


@pytest.mark.parametrize(
    ("week", "counts"),
    [
        ("2026-08-31", (0, 0, 0)),  # twelve weeks back, this week included
        ("2026-09-28", (2, 0, 0)),  # a4, a8 applied
        ("2026-10-05", (1, 0, 1)),  # a5 applied; a8's confirm
        ("2026-10-12", (0, 1, 3)),  # a5's interview, thank-you, first check-in; Jon contacted
        ("2026-10-19", (1, 0, 1)),  # a3 applied; a5's second check-in
        ("2026-10-26", (0, 1, 0)),  # a3's interview
        ("2026-11-02", (2, 0, 0)),  # a1, a2 applied
        ("2026-11-09", (0, 1, 1)),  # a2's first round and its thank-you
        ("2026-11-16", (1, 2, 1)),  # a6 applied; a2's second round and thank-you; the coffee
    ],
)
def test_activity_per_week(week: str, counts: tuple[int, int, int]) -> None:
    weeks = {w["week"]: w for w in FIGURES["weeks"]}
    assert len(weeks) == 12 and min(weeks) == "2026-08-31" and max(weeks) == "2026-11-16"
    row = weeks[week]
    assert (row["applications"], row["interviews"], row["followups_done"]) == counts


def test_cooling_relationships_are_past_their_cadence() -> None:
    assert FIGURES["cooling"] == [
        {
            "note": "people/Old Friend.md",
            "name": "Old Friend",
            "last_contact": "2026-10-01",
            "due": "2026-10-15",
            "why": "cadence 2w",
        }
    ]


@pytest.mark.parametrize(
    ("front", "config", "why"),
    [
        ("type: contact\nlast_contact: 2026-05-01", Config(), "no contact in 180 days: due 2026-10-28"),
        ("type: contact\nlast_contact: 2026-05-25", Config(), None),  # 179 days
        ("type: contact\nlast_contact: 2026-05-24", Config(), "no contact in 180 days: due 2026-11-20"),  # reconnect starts
        ("type: contact\nlast_contact: 2026-05-01\nstatus: closed", Config(), None),  # not awake
        ("type: referral\nlast_contact: 2026-05-01", Config(), None),  # dormant is for contacts
        ("type: contact\nlast_contact: 2026-05-01", Config(rules={**Config().rules, "dormant_after": 0}), None),
        ("type: contact\nlast_contact: 2026-10-01", Config(cadence={"contact": "1m"}), "cadence 1m: due 2026-11-01"),
        ("type: contact\nlast_contact: 2026-10-20", Config(cadence={"contact": "1m"}), None),  # due today
        ("type: contact\nlast_contact: 2026-10-19\ncadence: 1m", Config(), "cadence 1m: due 2026-11-19"),
    ],
)  # fmt: skip
def test_cooling_uses_the_cadence_or_the_rules_dormant_threshold(
    front: str, config: Config, why: str | None
) -> None:
    stats, _ = _stats(vault={"people/p.md": f"---\n{front}\n---\n"}, config=config)
    assert [f"{c.why}: due {c.cold_since}" for c in stats.cooling] == ([why] if why else [])


def test_ticks_of_an_older_block_count_once_under_their_rounds_ids() -> None:
    front = "---\ntype: interview\ninterview: [2026-11-02, 2026-11-09]\n---\n"
    old = front + _block(_done("thank-you", "2026-11-02"), _done("thank-you-2", "2026-11-09"))
    new = front + _block(_done("thank-you-20261102", "2026-11-02"), _done("thank-you-20261109", "2026-11-09"))
    for text in (old, new):
        stats, _ = _stats(vault={"a.md": text})
        assert stats.thank_yous.done == 2
        assert sum(week.followups for week in stats.weeks) == 2


@pytest.mark.parametrize("interview", ["[2026-11-10T10:00, 2026-11-10T14:00]", "[2026-11-10, 2026-11-10]"])
def test_two_interviews_on_one_day_are_one_round(interview: str) -> None:
    """A panel, or a day of back-to-back interviews, is one round, as the rules
    plan it (one thank-you): no later round, one interview that week."""
    stats, _ = _stats(
        vault={"a.md": f"---\ntype: interview\napplied: 2026-11-02\ninterview: {interview}\n---\n"}
    )
    (app,) = stats.applications
    assert (app.rounds, stats.count("interviewed"), stats.count("later_rounds")) == (1, 1, 0)
    assert sum(week.interviews for week in stats.weeks) == 1


def test_a_log_note_linking_one_note_twice_is_one_message() -> None:
    """One `sent` log note whose `with` names the same note twice (or by a link
    and an alias) is one message: it completed the thank-you and a check-in."""
    vault = {
        "a.md": "---\ntype: interview\napplied: 2026-10-20\ninterview: 2026-11-02\n---\n",
        "logs/sent.md": '---\ntype: log\ndate: 2026-11-09\nwith: ["[[a]]", "[[a]]"]\ndirection: sent\n---\n',
    }
    stats, _ = _stats(vault=vault)
    assert (stats.thank_yous.done, stats.check_ins.done) == (1, 0)
    assert sum(week.followups for week in stats.weeks) == 1


def test_an_application_dated_ahead_of_today_is_not_one_yet() -> None:
    """`applied: 2026-11-25` on 2026-11-20 records nothing yet (as the weekly
    table already said): it is no application unanswered."""
    vault = {
        "a.md": "---\ntype: application\napplied: 2026-11-02\nreplied: 2026-11-05\n---\n",
        "b.md": "---\ntype: application\napplied: 2026-11-25\n---\n",
    }
    for since in (None, date(2026, 11, 1)):
        stats, _ = _stats(vault=vault, since=since)
        assert [app.path for app in stats.applications] == ["a.md"]
        assert (stats.count("applications"), stats.count("answered")) == (1, 1)


def test_since_counts_only_what_happened_from_that_day() -> None:
    stats, _ = _stats(since=date(2026, 11, 1))
    assert [app.path for app in stats.applications] == ["a1.md", "a2.md", "a6.md"]  # a7: no date
    assert (stats.thank_yous.done, stats.thank_yous.replied) == (2, 1)
    assert stats.check_ins.done == 0


@pytest.mark.parametrize(
    ("front", "answered", "days"),
    [
        ("applied: 2026-11-01", False, None),
        ("applied: 2026-11-01\nreplied: 2026-11-04", True, 3),
        ("applied: 2026-11-01\nreplied: 2026-11-25", False, None),  # ahead of today: not yet
        ("applied: 2026-11-01\nstatus: rejected", True, None),  # no `closed`: no day
        ("applied: 2026-11-01\nstatus: rejected\nclosed: 2026-11-11", True, 10),
        ("applied: 2026-11-01\nstatus: declined", True, None),  # their offer, turned down
        ("applied: 2026-11-01\ninterview: 2026-11-30", True, None),  # invited: the day is unknown
        ("interview: 2026-11-10\nreplied: 2026-11-02", True, None),  # no `applied`: no days
        ("applied: 2026-11-05\nreplied: 2026-11-02", True, None),  # a reply before applying: no days
    ],
)
def test_what_counts_as_an_answer(front: str, answered: bool, days: int | None) -> None:
    stats, _ = _stats(vault={"a.md": f"---\ntype: application\n{front}\n---\n"})
    (app,) = stats.applications
    assert (app.answered, app.days_to_answer) == (answered, days)


@pytest.mark.parametrize(
    ("front", "done", "ghosted"),
    [
        ("applied: 2026-11-01", ["confirm 2026-11-05"], True),  # 15 days, no answer
        ("applied: 2026-11-01", ["confirm 2026-11-13"], False),  # 7 days: still a chance
        ("applied: 2026-11-01\nreplied: 2026-11-14", ["confirm 2026-11-05"], False),
        ("applied: 2026-11-01\nstatus: rejected\nclosed: 2026-11-02", ["confirm 2026-11-05"], False),
        ("interview: 2026-10-01", ["check-in-1 2026-10-06"], False),  # one of two check-ins
        ("interview: 2026-10-01", ["check-in-1 2026-10-06", "check-in-2 2026-10-13"], True),
        ("interview: 2026-10-01\nmax_followups: 1", ["check-in-1 2026-10-06"], True),
        ("interview: [2026-10-01, 2026-11-01]", ["check-in-1 2026-10-06", "check-in-2 2026-10-13"], False),
        (
            "interview: 2026-10-01\nreplied: 2026-10-20",
            ["check-in-1 2026-10-06", "check-in-2 2026-10-13"],
            False,
        ),
        ("interview: [2026-10-01, 2026-11-30]", ["check-in-1 2026-10-06", "check-in-2 2026-10-13"], False),
        (  # the last round's chain counts: one of two done
            "interview: [2026-10-01, 2026-10-20]",
            ["check-in-1 2026-10-06", "check-in-2 2026-10-13", "r20261020-check-in-1 2026-10-25"],
            False,
        ),
        (
            "interview: [2026-10-01, 2026-10-20]",
            ["r20261020-check-in-1 2026-10-25", "r20261020-check-in-2 2026-11-01"],
            True,
        ),
    ],
)
def test_ghosted_means_no_answer_after_every_check_in_the_rules_allow(
    front: str, done: list[str], ghosted: bool
) -> None:
    lines = [_done(*item.split()) for item in done]
    stats, _ = _stats(vault={"a.md": f"---\ntype: application\n{front}\n---\n" + _block(*lines)})
    assert stats.count("ghosted") == int(ghosted)


def test_a_reply_after_the_last_check_in_is_no_ghosting() -> None:
    vault = {
        **VAULT,
        "a5.md": VAULT["a5.md"].replace(
            "interview: 2026-10-12\n", "interview: 2026-10-12\nreplied: 2026-10-30\n"
        ),
    }
    stats, _ = _stats(vault=vault)
    assert [app.path for app in stats.applications if app.ghosted] == ["a8.md"]
    assert stats.check_ins.replied == 1  # 2026-10-30 is within 7 days of 2026-10-24


def _open(step: str, day: str) -> str:
    return f"- [ ] Check in #followup 📅 {day} ^fu-{step}"


@pytest.mark.parametrize(
    ("front", "block", "reason"),
    [
        # their reply closed the open check-in: it was never sent
        (
            "interview: 2026-11-05\nreplied: 2026-11-10",
            [_open("r20261105-check-in-1", "2026-11-10")],
            "they replied",
        ),
        # a later round superseded the first round's open check-in
        (
            "interview: [2026-11-02, 2026-11-12]",
            [_open("r20261102-check-in-1", "2026-11-07")],
            "next round",
        ),
    ],
)
def test_a_check_in_a_fact_closed_was_never_sent(front: str, block: list[str], reason: str) -> None:
    """A check-in closed by their reply was credited with earning that reply
    (and one closed by a next round, or an outcome, counted as activity): only
    a step ticked, logged or `contacted` sent a message."""
    stats, plan = _stats(vault={"a.md": f"---\ntype: interview\n{front}\n---\n" + _block(*block)})
    closed = [step for step in plan.steps if "check-in" in step.id and step.status == "done"]
    assert [step.reason.split(" 2")[0] for step in closed] == [reason]  # the case is what it says
    assert (stats.check_ins.done, stats.check_ins.replied) == (0, 0)
    assert sum(week.followups for week in stats.weeks) == 0
    synced = {change.path: change.new.decode() for change in plan.changes}
    stats, _ = _stats(vault=synced)  # the block shows it ticked now, with the fact after a "—"
    assert (stats.check_ins.done, stats.check_ins.replied) == (0, 0)
    assert sum(week.followups for week in stats.weeks) == 0


def test_a_tick_of_a_line_whose_own_words_hold_a_dash_and_a_date_is_sent() -> None:
    """Only a fact the rules write after a done step's " — " (their reply, a
    next round…) marks it unsent: a user's words with a dash and a date in
    them (`Thank Dana — the 2026-11-11 chat`) are theirs, and the tick is a
    thank-you sent."""
    line = "- [x] Thank Dana — the 2026-11-11 chat #followup ✅ 2026-11-12 ^fu-thank-you-20261111"
    stats, _ = _stats(vault={"a.md": "---\ntype: interview\ninterview: 2026-11-11\n---\n" + _block(line)})
    assert stats.thank_yous.done == 1


@pytest.mark.parametrize(
    "words",
    ["interview went well ✅ 2026-11-12", "connected with her on 2026-11-11 ✅ 2026-11-12"],
)
def test_a_tick_with_words_after_the_tag_that_start_like_a_fact_is_sent(words: str) -> None:
    """A fact the rules write is one word or two and its day (`interview
    2026-11-11`); the user's words after the tag (kept there by sync) that
    only start like one (`— interview went well`) are theirs: the tick is a
    thank-you sent."""
    line = f"- [x] Send a thank-you #followup — {words} ^fu-thank-you-20261111"
    stats, _ = _stats(vault={"a.md": "---\ntype: interview\ninterview: 2026-11-11\n---\n" + _block(line)})
    assert stats.thank_yous.done == 1


@pytest.mark.parametrize(
    ("front", "done", "replied"),
    [
        ("replied: 2026-11-19", "2026-11-12", True),  # the 7th day counts
        ("replied: 2026-11-20", "2026-11-12", False),  # the 8th does not
        ("replied: 2026-11-12", "2026-11-12", True),  # the same day counts
        ("replied: 2026-11-11", "2026-11-12", False),  # a reply before is not one to it
        ("replied: 2026-11-22", "2026-11-18", False),  # a date ahead of today records nothing yet
        ("replied: 2026-11-19", "2026-11-25", False),  # nor a tick dated ahead
    ],
)
def test_a_reply_within_7_days_counts_for_a_thank_you(front: str, done: str, replied: bool) -> None:
    note = f"---\ntype: interview\ninterview: 2026-11-11\n{front}\n---\n" + _block(_done("thank-you", done))
    stats, _ = _stats(vault={"a.md": note})
    assert (stats.thank_yous.done, stats.thank_yous.replied) == (
        (0, 0) if done > "2026-11-20" else (1, int(replied))
    )


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (0, 0, "no data yet"),
        (3, 4, "3 of 4"),  # no percentage of fewer than 5
        (0, 5, "0 of 5 (0%)"),
        (5, 8, "5 of 8 (63%)"),  # 62.5 rounds half up
        (1, 3, "1 of 3"),
    ],
)
def test_small_numbers_are_shown_honestly(part: int, whole: int, shown: str) -> None:
    assert share(part, whole) == shown


def test_an_empty_vault_says_no_data_yet() -> None:
    stats, plan = _stats(vault={"n.md": "---\ntype: contact\nmet: 2026-11-10\n---\n"})
    text = "\n".join(render_stats(stats, plan.notes))
    assert "No applications yet — as of 2026-11-20" in text
    assert "| Any answer | 0 | no data yet |" in text
    assert "No activity in the last 12 weeks yet." in text  # the meeting's reconnect is not done
    assert "```mermaid" not in text
    assert "%" not in text


def _golden(name: str, got: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def test_sync_writes_stats_md_like_due_md(make_vault: MakeVault, update_golden: bool) -> None:
    root = make_vault({**VAULT, "followup-md.toml": 'stats_file = "Reports/Stats.md"\n'})
    runner = CliRunner()
    assert runner.invoke(cli, ["sync", str(root), "--today", str(TODAY)]).exit_code == 0
    stats_md = root / "Reports" / "Stats.md"
    _golden("Stats.md", stats_md.read_text(encoding="utf-8"), update_golden)
    # the user's text above and below the markers is kept; an unchanged file is not written
    text = stats_md.read_text(encoding="utf-8")
    stats_md.write_text(f"My notes on the search.\n\n{text}\nMore of mine.\n", encoding="utf-8")
    mtime = stats_md.stat().st_mtime_ns
    assert runner.invoke(cli, ["sync", str(root), "--today", str(TODAY)]).exit_code == 0
    assert stats_md.read_text(encoding="utf-8") == f"My notes on the search.\n\n{text}\nMore of mine.\n"
    assert stats_md.stat().st_mtime_ns == mtime
    assert runner.invoke(cli, ["sync", str(root), "--today", str(TODAY), "--check"]).exit_code == 0
    # a new day moves the figures: --check sees it
    later = runner.invoke(cli, ["sync", str(root), "--today", "2026-11-30", "--check"])
    assert later.exit_code == 1 and "would update Reports/Stats.md" in later.output


def test_stats_md_is_off_by_default_and_never_read_as_a_note(make_vault: MakeVault) -> None:
    root = make_vault(VAULT)
    assert CliRunner().invoke(cli, ["sync", str(root), "--today", str(TODAY)]).exit_code == 0
    assert not (root / "Stats.md").exists()
    _write(root, {"followup-md.toml": 'stats_file = "Stats.md"\n'})
    assert CliRunner().invoke(cli, ["sync", str(root), "--today", str(TODAY)]).exit_code == 0
    assert "Stats.md" not in (root / "Due.md").read_text(encoding="utf-8")
    check = CliRunner().invoke(cli, ["check", str(root), "--today", str(TODAY)])
    assert "14 follow-up notes checked" in check.output  # Stats.md is not one of them


def test_broken_stats_md_markers_are_a_problem_and_it_is_not_written(make_vault: MakeVault) -> None:
    broken = "<!-- followup-md:begin -->\nmine\n"
    root = make_vault({**VAULT, "followup-md.toml": 'stats_file = "Stats.md"\n', "Stats.md": broken})
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", str(TODAY)])
    assert result.exit_code == 0
    assert result.stderr.startswith("Stats.md:1: ")
    assert (root / "Stats.md").read_text(encoding="utf-8") == broken


@pytest.mark.parametrize("bad", ["../Stats.md", "Stats.txt", ".Stats.md", "Due.md"])
def test_stats_file_must_be_a_markdown_note_of_its_own(make_vault: MakeVault, bad: str) -> None:
    root = make_vault({"followup-md.toml": f'stats_file = "{bad}"\n'})
    result = CliRunner().invoke(cli, ["stats", str(root)])
    assert result.exit_code == 2, result.output
    assert "stats_file" in result.stderr


def test_stats_command_text_and_json(make_vault: MakeVault) -> None:
    root = make_vault(VAULT)
    runner = CliRunner()
    text = runner.invoke(cli, ["stats", str(root), "--today", str(TODAY)])
    assert text.exit_code == 0, text.output
    assert text.stdout.startswith(
        "8 applications · 6 answered · 3 interviewed · 1 offer — as of 2026-11-20\n"
    )
    assert "  Any answer      6             6 of 8 (75%)" in text.stdout
    assert "  Old Friend  2026-10-01    cadence 2w: due 2026-10-15" in text.stdout
    got = runner.invoke(cli, ["stats", str(root), "--today", str(TODAY), "--since", "2026-11-01", "--json"])
    data = json.loads(got.stdout)
    keys = ("applications", "replied", "interviewed", "offers", "rejected", "ghosted")
    assert all(type(data[key]) is int for key in keys)
    assert (data["applications"], data["since"], data["median_days_to_reply"]) == (3, "2026-11-01", 5)
    bad = runner.invoke(cli, ["stats", str(root), "--since", "November"])
    assert bad.exit_code == 2 and "--since" in bad.stderr


Render = Callable[[Sequence[str]], list[Rendered]]


def _chart(markdown: str) -> str:
    found = re.search(r"```mermaid\n(.*?)```", markdown, re.S)
    assert found, "no mermaid chart"
    return found.group(1)


def test_the_activity_chart_draws_every_bar_on_a_counting_axis(mermaid: Render) -> None:
    charts = [
        _chart((GOLDEN / "Stats.md").read_text(encoding="utf-8")),
        _chart((REPO / "example_vault" / "Stats.md").read_text(encoding="utf-8")),
    ]
    # the fixture has checked that both releases are installed
    for release, results in (("11", mermaid(charts)), ("10.2", render_mermaid(charts, OLDER))):
        for chart, drawn in zip(charts, results, strict=True):
            assert drawn.error is None, release
            bars = [line.strip().rsplit(" :", 1)[0] for line in chart.splitlines() if " :" in line]
            assert bars and all(bar in drawn.labels for bar in bars), release
            counts = [int(bar.rsplit(" ", 1)[1]) for bar in bars]
            ticks = [label for label in drawn.labels if label.isdigit()]
            # the axis counts 0, 1, 2… up to the largest bar: no repeated or fractional ticks
            assert ticks == [str(n) for n in range(max(counts) + 1)], release


def test_the_older_mermaid_has_no_xychart_which_is_why_the_chart_is_a_gantt(mermaid: Render) -> None:
    xychart = 'xychart-beta\n    x-axis ["Nov 09", "Nov 16"]\n    bar [3, 1]\n'
    ((newer,), (older,)) = mermaid([xychart]), render_mermaid([xychart], OLDER)
    assert newer.error is None
    assert older.error is not None


def test_a_deleted_or_edited_stats_md_is_rewritten_past_the_cache(make_vault: MakeVault) -> None:
    root = make_vault({**VAULT, "followup-md.toml": 'stats_file = "Stats.md"\n'})
    runner = CliRunner()

    def sync() -> None:
        assert runner.invoke(cli, ["sync", str(root), "--today", str(TODAY)]).exit_code == 0

    sync()
    stats_md = root / "Stats.md"
    text = stats_md.read_text(encoding="utf-8")
    stats_md.unlink()
    sync()
    assert stats_md.read_text(encoding="utf-8") == text
    stats_md.write_text(text.replace("| Applied | 8 |", "| Applied | 80 |"), encoding="utf-8")
    sync()
    assert stats_md.read_text(encoding="utf-8") == text


def test_watch_keeps_stats_md_and_its_own_write_is_no_change(make_vault: MakeVault) -> None:
    from followup_md.watcher import Watcher

    root = make_vault({"followup-md.toml": 'stats_file = "Stats.md"\n'})
    watcher = Watcher(root, today=lambda: TODAY, echo=lambda _: None, note_quiet=0.0)
    watcher.scan()
    watcher.sync()
    assert "No applications yet" in (root / "Stats.md").read_text(encoding="utf-8")
    (root / "a1.md").write_text(VAULT["a1.md"], encoding="utf-8")
    assert watcher.apply_batch({"a1.md": False})
    watcher.sync()
    assert "1 application · 1 answered" in (root / "Stats.md").read_text(encoding="utf-8")
    assert not watcher.apply_batch({"Stats.md": False})  # our own write
    assert "Stats.md" not in watcher.read


@pytest.mark.parametrize("style", ["wikilink", "markdown"])
def test_hostile_names_stay_in_their_table_cell(style: str) -> None:
    name = 'name: "A | B <b>x</b> [[Evil]] #tag ^id `code`"\n'
    front = f"---\ntype: contact\n{name}last_contact: 2026-10-01\ncadence: 2w\n---\n"
    stats, plan = _stats(vault={"people/x|y.md": front})
    lines = render_stats(stats, plan.notes, style)
    row = next(line for line in lines if "2026-10-01" in line)
    assert len(re.findall(r"(?<!\\)\|", row)) == 4  # three cells
    # each of them escaped, so it shows as written and opens nothing
    assert not re.search(r"(?<!\\)(<b>|\[\[Evil|#tag)", row), row
