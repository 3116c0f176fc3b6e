"""`followup-md explain NOTE`: every fact with its place and source, every
step with its rule and date, and why each other rule did not fire."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from followup_md.cli import cli

from .conftest import REPO, TODAY, MakeVault

DAY = ["--today", TODAY.isoformat()]

GLOBEX = """\
---
type: interview
company: Globex
Interviewer: "[[Dana Ortiz]]"
interview: [2026-11-05, 2026-11-12]
referred_by: "[[Priya]]"
snooze: 2026-11-24
---
Notes.

## Follow-ups

<!-- followup-md:begin (generated; tick boxes or change dates freely) -->

- [x] Send Dana Ortiz at Globex a thank-you email within 24 hours #followup 🛫 2026-11-05 📅 2026-11-06 ✅ 2026-11-06 ^fu-thank-you

<!-- followup-md:end -->
"""
LOG = '---\ntype: log\ndate: 2026-11-13\ndirection: received\nwith: "[[Globex]]"\n---\n'
DIRTY = "---\ntype: application\napplied: 2026-11-01\nstatus: rejected\n---\n"


def explain(root: object, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["explain", *args, "--vault", str(root), *DAY])
    return result.exit_code, result.stdout


def test_explain_tells_facts_steps_and_rules_that_did_not_fire(make_vault: MakeVault) -> None:
    root = make_vault({"Globex.md": GLOBEX, "logs/call.md": LOG, "Priya.md": "---\ntype: contact\n---\n"})
    code, out = explain(root, "Globex")
    assert code == 0
    assert out == (
        "Globex.md: interview note for Globex\n"
        "\n"
        "Facts read:\n"
        "  line 2    type: interview  [front matter]\n"
        "  line 3    company: Globex  [front matter]\n"
        "  line 4    interviewer: Dana Ortiz (as 'Interviewer')  [front matter]\n"
        "  line 5    interview: 2026-11-05, 2026-11-12  [front matter]\n"
        "  line 6    referred_by: Priya  [front matter]\n"
        "  line 7    snooze: 2026-11-24  [front matter]\n"
        "  -         replied: 2026-11-13 (as 'date')  [log note (received) logs/call.md:3]\n"
        "  line 15   thank-you: done on 2026-11-06  [tick]\n"
        "\n"
        "Steps:\n"
        "  thank-you-20261105: 2026-11-24..2026-11-24 done 2026-11-06 (thank-you rule from interview 2026-11-05)\n"
        "  loop-in-source-20261105: 2026-11-24..2026-11-24 open (loop-in-source rule from interview 2026-11-05)\n"
        "      snoozed until 2026-11-24: was 2026-11-05..2026-11-07\n"
        "  thank-you-20261112: 2026-11-24..2026-11-24 open (thank-you rule from interview 2026-11-12)\n"
        "      snoozed until 2026-11-24: was 2026-11-12..2026-11-13\n"
        "  loop-in-source-20261112: 2026-11-24..2026-11-24 open (loop-in-source rule from interview 2026-11-12)\n"
        "      snoozed until 2026-11-24: was 2026-11-12..2026-11-14\n"
        "  r20261112-check-in-1: 2026-11-24..2026-11-24 open (check-in rule from interview 2026-11-12)\n"
        "      snoozed until 2026-11-24: was 2026-11-15..2026-11-17\n"
        "\n"
        "Rules that did not fire:\n"
        "  dormant: no silence longer than `dormant_after` days with nothing else to do\n"
        "  reconnect: no `met`\n"
        "  thank-introducer: no `introduced`\n"
        "  reach-out: no `introduced` or `referred`\n"
        "  nudge: no `asked`\n"
        "  confirm: no `applied`\n"
        "  prepare: the interview on 2026-11-12 has happened\n"
        "  update-source: no `connected`\n"
        "  no-contact: no `contacted`\n"
        "  source-outcome: no `closed`\n"
        "  stay-in-touch: only after `status: rejected` (status is active)\n"
        "  keep-in-touch: no `cadence`\n"
        "  follow-up: no `follow_up_on`\n"
        "  manual: no `next`\n"
        "  check-in (2026-11-05): superseded by the later round on 2026-11-12\n"
    )


def test_explain_json_and_a_status_that_ended_steps(make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": DIRTY})
    code, out = explain(root, "Acme.md", "--json")
    report = json.loads(out)
    assert code == 0 and report["steps"] == []
    assert report["facts"][1] == {
        "key": "applied",
        "as": "applied",
        "value": "2026-11-01",
        "path": "Acme.md",
        "line": 3,
        "source": "front matter",
    }
    why = {item["rule"]: item["why"] for item in report["not_fired"]}
    assert why["confirm"] == "ended by status rejected"
    assert why["stay-in-touch"] == "no `closed`"
    assert report["problems"] == [
        "Acme.md:4: warning: status: rejected, but no `closed:` date, so no stay-in-touch step; "
        "add `closed: YYYY-MM-DD` (the day the answer came)"
    ]


def test_explain_says_why_a_file_is_not_a_follow_up_note(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "Book.md": "---\ntype: book\n---\n",
            "Plain.md": "# no front matter\n",
            "Templates/Contact.md": "---\ntype: contact\n---\n",
            ".obsidian/templates.json": '{"folder": "Templates"}',
            "Ann.md": "---\ntype: contact\nmet: 2026-11-19\n---\n",
        }
    )
    assert explain(root, "Book") == (
        1,
        "Book.md: not a follow-up note: type: 'book' is none of contact, introduction, help, "
        "application, interview, referral, log (map it in followup-md.toml [types])\n",
    )
    assert explain(root, "Plain.md") == (
        1,
        "Plain.md: not a follow-up note: no `type:` in its front matter "
        "(add one, or map its folder or tag to a type in followup-md.toml)\n",
    )
    assert explain(root, "Templates/Contact.md") == (
        1,
        "Templates/Contact.md: not read: followup-md skips its folder "
        "(hidden, templates, or exclude in followup-md.toml)\n",
    )


def test_the_readme_example_is_real_output(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = readme.split('$ followup-md explain "Maya Chen"\n', 1)[1].split("```", 1)[0]
    vault = tmp_path / "example_vault"
    shutil.copytree(REPO / "example_vault", vault)
    code, out = explain(vault, "Maya Chen")
    assert code == 0
    assert [line for line in shown.splitlines() if line.strip() != "…"] == [
        line for line in out.splitlines() if line in shown.splitlines()
    ]


def test_explain_a_log_note_shows_where_its_links_lead(make_vault: MakeVault) -> None:
    log = '---\ntype: log\ndate: 2026-11-13\nwith: ["[[Globex]]", "[[Globx]]"]\ndirection: received\n---\n'
    root = make_vault({"Globex.md": GLOBEX, "logs/call.md": log})
    code, out = explain(root, "logs/call.md")
    assert code == 0
    assert "  line 4    with: Globex -> Globex.md  [link resolved]\n" in out
    assert "  line 4    with: Globx -> no follow-up note  [link resolved]\n" in out
    assert "Problems:\n  logs/call.md:4: with: 'Globx' is no follow-up note" in out


def test_explain_shows_the_day_of_a_cancel(make_vault: MakeVault) -> None:
    # a cancel has a day now (a [-] in Due.md writes ❌ day): explain left it out
    note = "---\ntype: application\ncompany: Acme\napplied: 2026-11-01\n---\n"
    root = make_vault({"Acme.md": note})
    assert CliRunner().invoke(cli, ["sync", str(root), *DAY]).exit_code == 0
    text = (root / "Acme.md").read_text(encoding="utf-8")
    (root / "Acme.md").write_text(
        text.replace("- [ ] ", "- [-] ").replace(" ^fu-confirm", " ❌ 2026-11-04 ^fu-confirm")
    )
    code, out = explain(root, "Acme")
    assert code == 0
    assert "confirm: cancelled on 2026-11-04  [tick]" in out
    assert "..2026-11-08 cancelled 2026-11-04 (confirm rule" in out


def test_a_line_break_in_a_value_cannot_forge_a_line(make_vault: MakeVault) -> None:
    # explain printed a value's line break as is: a cloned vault's note could
    # add lines of its own making to what explain says (due and check escape it)
    note = '---\ntype: contact\ncompany: "Acme\\nline 9    met: 2026-11-19  [front matter]"\n---\n'
    root = make_vault({"Ann.md": note})
    code, out = explain(root, "Ann")
    assert code == 0
    assert (
        "  line 3    company: Acme\\u000aline 9    met: 2026-11-19  [front matter]  [front matter]\n" in out
    )
    assert "\nline 9" not in out
