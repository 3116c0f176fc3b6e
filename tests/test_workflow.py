"""The everyday commands: new, done, draft, export ics, init (CliRunner and a
real subprocess each), and the path from an empty folder to a working system."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from followup_md.cli import cli
from followup_md.config import Config, parse_config
from followup_md.skeletons import config_text, note_text, safe_file_name, yaml_scalar
from followup_md.yamlcore import load_mapping

from .conftest import REPO, TODAY, MakeVault

T = ["--today", TODAY.isoformat()]


def invoke(root: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli, [*args], catch_exceptions=False, env={"FOLLOWUP_MD_TODAY": TODAY.isoformat()}
    )


def in_vault(root: Path, *args: str) -> Result:
    return invoke(root, *args, "--vault", str(root))


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(REPO / "example_vault", root)
    assert invoke(root, "sync", str(root)).exit_code == 0
    return root


def test_new_writes_the_right_front_matter_where_config_says(make_vault: MakeVault) -> None:
    root = make_vault({"followup-md.toml": '[folders]\nPeople = "contact"\n'})
    result = in_vault(
        root, "new", "contact", "Jane Doe", "--set", "company=Acme: Labs", "--set", "where=PyData #3"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "People/Jane Doe.md\n"
    text = (root / "People" / "Jane Doe.md").read_text()
    assert text == (
        '---\ntype: contact\nname: Jane Doe\nmet: 2026-11-20\ncompany: "Acme: Labs"\nrole:\nemail:\n'
        'where: "PyData #3"\ntopics:\n---\n'
    )
    again = in_vault(root, "new", "contact", "Jane Doe")
    assert again.exit_code == 2
    assert "already exists; followup-md never overwrites a note" in again.stderr
    # in another case (or Unicode form) it is the same file where the file system
    # ignores case (macOS, Windows), and a link to either one is ambiguous
    for other in ("jane doe", "JANE DOE"):
        twin = in_vault(root, "new", "contact", other)
        assert twin.exit_code == 2
        assert twin.stderr == (
            "followup-md: People/Jane Doe.md exists, the same name in another case: one file where "
            "case is ignored (macOS, Windows), and a link to either is ambiguous; nothing written\n"
        )
    assert sorted(path.name for path in (root / "People").iterdir()) == ["Jane Doe.md"]
    # a type set as a value made a note of another type, with a contact's fields and date
    typed = in_vault(root, "new", "contact", "Kim", "--set", "Type=interview")
    assert typed.exit_code == 2
    assert (
        typed.stderr
        == "followup-md: --set Type=…: the type is the first argument (contact); nothing written\n"
    )
    assert in_vault(root, "new", "person", "X").exit_code == 2


@pytest.mark.parametrize(
    ("kind", "written", "said"),
    [
        ("Contact", "type: contact\n", ""),  # any case, as `type: Contact` in a note
        ("contacts", None, "followup-md: unknown type 'contacts'; did you mean 'contact'?\n"),
        ("interveiw", None, "followup-md: unknown type 'interveiw'; did you mean 'interview'?\n"),
    ],
)
def test_new_takes_a_type_in_any_case_and_names_a_misspelt_one(
    make_vault: MakeVault, kind: str, written: str | None, said: str
) -> None:
    root = make_vault({"followup-md.toml": ""})
    result = in_vault(root, "new", kind, "Kim")
    assert (result.exit_code, result.stderr) == ((0, said) if written else (2, said))
    assert (root / "Kim.md").exists() == bool(written)
    assert not written or (root / "Kim.md").read_text().startswith(f"---\n{written}")


def test_new_says_a_near_miss_key_it_was_given(make_vault: MakeVault) -> None:
    # `--set intervewer=Dana` was written without a word, leaving `interviewer:` empty
    root = make_vault({"followup-md.toml": ""})
    result = in_vault(root, "new", "interview", "Acme - Dev", "--set", "intervewer=Dana")
    assert result.exit_code == 0
    assert result.stdout == "Acme - Dev.md\n"
    assert result.stderr == (
        "Acme - Dev.md:11: warning: 'intervewer' is not a key followup-md reads; did you mean 'interviewer'?\n"
    )


def test_new_uses_the_vaults_template(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            ".obsidian/templates.json": '{"folder": "Templates"}',
            "Templates/Contact.md": "---\ntype: contact\nmet: {{date}}\ncompany:\n---\n# {{title}}\n",
        }
    )
    assert in_vault(root, "new", "contact", "Ann", "--set", "company=Initech").exit_code == 0
    assert (
        root / "Ann.md"
    ).read_text() == "---\ntype: contact\nmet: 2026-11-20\ncompany: Initech\n---\n# Ann\n"


@pytest.mark.parametrize(
    "value", ["plain", "a: b", "#tag", "yes", "12:30", "[[Jane]]", 'q"uote', "multi\nline", "-1"]
)
def test_set_values_read_back_exactly(value: str) -> None:
    text = note_text("contact", "X", [("company", value)], Config(), TODAY)
    values, _ = load_mapping(text.split("---\n")[1], "n.md", 2)
    assert values["company"] == value


def test_safe_file_names() -> None:
    assert safe_file_name('Acme / "EMEA": #1?') == "Acme EMEA 1"
    assert safe_file_name("..hidden..") == "hidden"
    assert yaml_scalar("2026-11-20") == "2026-11-20"


def test_done_ticks_the_step_and_syncs(example: Path) -> None:
    result = in_vault(example, "done", "Globex - Analytics Engineer", "thank-you", "--on", "2026-11-19")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "followup-md: applications/Globex - Analytics Engineer.md: thank-you-20261119 done on 2026-11-19\n"
    )
    note = (example / "applications" / "Globex - Analytics Engineer.md").read_text()
    assert "📅 2026-11-20 ✅ 2026-11-19 ^fu-thank-you-20261119" in note
    assert "- [x] Send Dana" in note
    assert "Globex - Analytics Engineer#^fu-thank-you" not in (example / "Due.md").read_text()


def test_done_refuses_a_day_that_has_not_come(example: Path) -> None:
    # `--on 2026-12-25` (a typo for 2025?) was written as a ✅ date five weeks ahead
    before = (example / "people" / "Maya Chen.md").read_bytes()
    result = in_vault(example, "done", "Maya Chen", "reconnect", "--on", "2026-12-25")
    assert result.exit_code == 2
    assert result.stderr == (
        "followup-md: --on 2026-12-25 is after today (2026-11-20); a step is done on a day that has come\n"
    )
    assert (example / "people" / "Maya Chen.md").read_bytes() == before


def test_done_by_path_and_unknown_steps(example: Path) -> None:
    result = in_vault(example, "done", str(example / "people" / "Maya Chen.md"), "nope")
    assert result.exit_code == 2
    assert result.stderr == (
        "followup-md: people/Maya Chen.md has no open step 'nope'; its open steps: reconnect, keep-in-touch\n"
    )
    assert in_vault(example, "done", "people/Maya Chen", "reconnect").exit_code == 0
    assert "✅ 2026-11-20 ^fu-reconnect" in (example / "people" / "Maya Chen.md").read_text()
    assert in_vault(example, "done", "Nobody", "x").exit_code == 2


def test_draft_prints_a_specific_email(example: Path) -> None:
    result = in_vault(example, "draft", "Globex - Analytics Engineer")
    assert result.exit_code == 0
    assert result.stdout == (
        "Subject: Thank you for the Analytics Engineer interview\n\nHi Dana,\n\nThank you for taking the "
        "time to speak with me on November 19. I enjoyed our conversation about metrics layer, and it "
        "confirmed my interest in the Analytics Engineer role at Globex. I look forward to hearing about "
        "the next steps.\n\nBest regards,\n"
    )
    link = in_vault(example, "draft", "Omar Haddad", "thank-introducer", "--mailto")
    assert link.stdout.startswith(
        "mailto:maya.chen@brightline.example?subject=Thank%20you%20for%20the%20introduction"
    )
    no_email = in_vault(example, "draft", "Initech - Platform Engineer", "--mailto")
    assert no_email.exit_code == 2
    assert no_email.stderr == (
        "followup-md: no email address for Bill Lumbergh, to whom the prepare-20261123 step is addressed; "
        "add `email:` to their note\n"
    )


@pytest.mark.parametrize(
    ("panel", "message"),
    [
        # the error named the whole panel when one of them had an address: the
        # user looked in the wrong note
        (
            '["[[Dana Ortiz]]", "[[Sam Lee]]", "[[Ann Bo]]"]',
            "no email address for Sam Lee and Ann Bo, of Dana Ortiz, Sam Lee and Ann Bo "
            "to whom the thank-you-20261119 step is addressed; add `email:` to their notes",
        ),
        # and when none of it has one, it is named once (it was twice)
        (
            '["[[Sam Lee]]", "[[Ann Bo]]"]',
            "no email address for Sam Lee and Ann Bo, to whom the thank-you-20261119 step is "
            "addressed; add `email:` to their note",
        ),
    ],
)
def test_a_draft_for_a_panel_names_whoever_has_no_address(
    make_vault: MakeVault, panel: str, message: str
) -> None:
    root = make_vault(
        {
            "Hooli.md": f"---\ntype: interview\ncompany: Hooli\ninterview: 2026-11-19\ninterviewer: {panel}\n---\n",
            "Dana Ortiz.md": "---\ntype: contact\nemail: dana@hooli.example\n---\n",
            "Sam Lee.md": "---\ntype: contact\n---\n",
        }
    )
    result = in_vault(root, "draft", "Hooli", "--mailto")
    assert (result.exit_code, result.stderr) == (2, f"followup-md: {message}\n")


def test_an_interviewer_linked_to_a_person_note_is_written_to_at_its_address(make_vault: MakeVault) -> None:
    # the interviewer's own note has the address (as `mail` matches it): the draft's
    # link and Due.md's used to have none, saying to add `email:` to a note that had it
    root = make_vault(
        {
            "people/Dana Ortiz.md": "---\ntype: contact\nemail: dana@globex.example\naliases: [DO]\n---\n",
            "Globex.md": '---\ntype: interview\ncompany: Globex\ninterviewer: "[[DO]]"\ninterview: 2026-11-19\n---\n',
        }
    )
    link = in_vault(root, "draft", "Globex", "--mailto")
    assert link.exit_code == 0, link.stderr
    assert link.stdout.startswith("mailto:dana@globex.example?subject=Thank%20you")
    assert invoke(root, "sync", str(root)).exit_code == 0
    assert "(mailto:dana@globex.example?subject=Thank%20you" in (root / "Due.md").read_text()


def test_a_referral_copies_its_source_and_says_who_referred_you(example: Path) -> None:
    result = in_vault(example, "draft", "Lena Novak", "reach-out")
    assert result.stdout.startswith(
        "Subject: Referred by Maya Chen\nCc: maya.chen@brightline.example\n\nHi Lena,\n\n"
        "Maya Chen suggested I get in touch with you about opportunities at Brightline Analytics"
    )
    link = in_vault(example, "draft", "Lena Novak", "reach-out", "--mailto").stdout
    assert link.startswith(
        "mailto:lena.novak@brightline.example?cc=maya.chen@brightline.example&subject=Referred%20by%20Maya"
    )
    assert "cc=maya.chen%40brightline.example" not in link


def test_drafts_sign_with_the_sender_from_config(example: Path) -> None:
    (example / "followup-md.toml").write_text(
        '[me]\nname = "Ada Lovelace"\nsignature = ["+1 555 0100", "linkedin.com/in/ada"]\n'
        'emails = ["ada@example.org"]\n'
    )
    result = in_vault(example, "draft", "Globex - Analytics Engineer")
    assert result.stdout.endswith("\n\nBest regards,\nAda Lovelace\n+1 555 0100\nlinkedin.com/in/ada\n")
    invoke(example, "sync", str(example))
    assert "Best%20regards%2C%0D%0AAda%20Lovelace%0D%0A%2B1%20555%200100" in (example / "Due.md").read_text()


def test_draft_uses_the_vaults_own_template(example: Path) -> None:
    folder = example / "followup-md templates"
    folder.mkdir()
    (folder / "thank-you.txt").write_text(
        "Subject: Thanks, {first_name}!\n\n{greeting}\n\nDear {recipient} at {company}: {topics}.\n\n{signature}\n"
    )
    result = in_vault(example, "draft", "Globex - Analytics Engineer", "thank-you")
    assert result.stdout == (
        "Subject: Thanks, Dana!\n\nHi Dana,\n\nDear Dana at Globex: metrics layer.\n\nBest regards,\n"
    )
    (folder / "check-in.txt").write_text("Subject: Hi\n\nDear {first_name},\n{frist_name}\n")
    wrong = in_vault(example, "draft", "Globex - Analytics Engineer", "thank-you")
    assert wrong.exit_code == 2
    assert wrong.stderr.startswith(
        "followup-md templates/check-in.txt:4: unknown placeholder {frist_name}; "
        "valid: {greeting}, {first_name}, {recipient},"
    )
    (folder / "check-in.txt").unlink()
    (folder / "thanks.txt").write_text("Subject: Hi\n")
    named = in_vault(example, "draft", "Globex - Analytics Engineer", "thank-you")
    assert named.exit_code == 2
    assert named.stderr.startswith(
        "followup-md templates/thanks.txt:1: not a kind of step; draft templates are named "
        "reconnect.txt, reconnect-since.txt, thank-introducer.txt,"
    )


def test_templates_in_the_cache_folder_still_work_with_a_notice_once(example: Path) -> None:
    folder = example / ".followup-md" / "templates"
    folder.mkdir(parents=True)
    (folder / "thank-you.txt").write_text("Subject: Thanks\n\nThanks, {first_name}.\n")
    first = in_vault(example, "draft", "Globex - Analytics Engineer", "thank-you")
    assert first.stdout == "Subject: Thanks\n\nThanks, Dana.\n"
    assert first.stderr == (
        "followup-md: your draft templates are in .followup-md/templates/, inside the cache folder that "
        "git ignores; move them to followup-md templates/ to keep them with the vault\n"
    )
    second = in_vault(example, "draft", "Globex - Analytics Engineer", "thank-you")
    assert (second.stdout, second.stderr) == (first.stdout, "")


def test_export_ics_is_valid_and_stable(example: Path, tmp_path: Path) -> None:
    from icalendar import Calendar

    out = tmp_path / "f.ics"
    result = invoke(example, "export", "ics", str(example), "-o", str(out))
    assert result.exit_code == 0
    first = out.read_bytes()
    calendar = Calendar.from_ical(first)
    events = calendar.walk("VEVENT")
    steps = [r for r in json.loads(invoke(example, "due", str(example), "--json").stdout) if r["step"]]
    assert len(events) == len(steps) == 18
    uids = {str(e["UID"]) for e in events}
    assert len(uids) == 18 and all(uid.endswith("@followup-md") for uid in uids)
    summaries = {str(e["SUMMARY"]) for e in events}
    # the action names the person; the note's name is added only where it does not
    assert (
        "Email Maya Chen: recall your meeting at the PyData NYC meetup and suggest a next step, such as a call or coffee"
        in summaries
    )
    assert (
        "Send Alice Wong at Umbrella a thank-you email within 24 hours, relating it to what you discussed"
        in summaries
    )
    assert "Chris Walker: Send Chris the portfolio link he asked for, on LinkedIn" in summaries
    assert not any(s.startswith(("Maya Chen: ", "Umbrella")) for s in summaries)
    thanks = next(e for e in events if "Dana" in str(e["SUMMARY"]))
    assert thanks.decoded("DTSTART").isoformat() == "2026-11-20"
    assert "Note: applications/Globex - Analytics Engineer.md" in str(thanks["DESCRIPTION"])
    assert "From 2026-11-19 to 2026-11-20" in str(thanks["DESCRIPTION"])
    invoke(example, "export", "ics", str(example), "-o", str(out))
    assert out.read_bytes() == first
    assert invoke(example, "export", "ics", str(example)).stdout_bytes == first


def test_ics_file_is_kept_by_sync(example: Path) -> None:
    (example / "followup-md.toml").write_text('ics_file = "Follow-ups.ics"\n')
    assert invoke(example, "sync", str(example)).exit_code == 0
    calendar = (example / "Follow-ups.ics").read_bytes()
    assert b"BEGIN:VCALENDAR" in calendar
    mtime = (example / "Follow-ups.ics").stat().st_mtime_ns
    invoke(example, "sync", str(example))
    assert (example / "Follow-ups.ics").stat().st_mtime_ns == mtime


def test_init_writes_config_and_templates_once(make_vault: MakeVault) -> None:
    root = make_vault({".obsidian/plugins/templater-obsidian/data.json": '{"templates_folder": "Meta/T"}'})
    result = invoke(root, "init", str(root))
    assert result.exit_code == 0
    assert "wrote followup-md.toml\n" in result.stdout
    assert (
        (root / "Meta/T/Follow-up interview.md")
        .read_text()
        .startswith('---\ntype: interview\ninterview: <% tp.date.now("YYYY-MM-DD") %>\n')
    )
    again = invoke(root, "init", str(root))
    assert "followup-md.toml exists; left as it is" in again.stdout


def test_init_writes_the_machines_time_zone(make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    root = make_vault({})
    result = invoke(root, "init", str(root))
    assert result.exit_code == 0
    # no template folder: none written, and said (it wrote them without a word elsewhere)
    assert result.stdout.splitlines()[:2] == [
        "wrote followup-md.toml",
        "followup-md: no note templates written: the vault has no template folder (Obsidian's "
        "Templates or Templater settings); `followup-md new` writes notes without one",
    ]
    config = (root / "followup-md.toml").read_text()
    assert '\ntimezone = "America/Los_Angeles"\n' in config
    assert parse_config(config).timezone == "America/Los_Angeles"


def test_the_config_template_shows_every_setting_with_its_default() -> None:
    from followup_md.options import OPTIONS

    names = {o.dotted for o in OPTIONS if o.kind != "map"}
    sections: dict[str, list[str]] = {"": []}
    section = ""
    for line in config_text(None).splitlines():
        if line in ("# [rules]", "# [mail]", "# [me]"):
            section = line[3:-1]
            sections[section] = []
        elif line.startswith("# ") and (f"{section}." if section else "") + line[2:].split(" = ")[0] in names:
            sections[section].append(line[2:].split("  # ")[0])
    text = "\n".join(f"[{name}]\n" * bool(name) + "\n".join(lines) for name, lines in sections.items()) + "\n"
    assert parse_config(text) == Config()
    shown = {
        (f"{name}." if name else "") + line.split(" = ")[0]
        for name, lines in sections.items()
        for line in lines
    }
    assert shown == names
    assert tomllib.loads(text)["rules"]["confirm_due"] == 7
    assert tomllib.loads(text)["me"] == {"name": "", "signature": [], "emails": []}


def test_from_an_empty_folder_to_a_working_system(tmp_path: Path) -> None:
    root = tmp_path / "search"
    root.mkdir()
    env = {**os.environ, "FOLLOWUP_MD_TODAY": TODAY.isoformat()}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "followup_md", *args],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done

    run("init")
    run(
        "new",
        "interview",
        "Globex",
        "--set",
        "interview=2026-11-19",
        "--set",
        "interviewer=Dana",
        "--set",
        "email=dana@globex.example",
    )
    run("new", "referral", "Lena", "--set", "referred_by=Maya")
    run("sync")
    assert "^fu-thank-you" in (root / "Globex.md").read_text()
    assert "Subject: Thank you for the interview" in run("draft", "Globex").stdout
    run("done", "Globex", "thank-you")
    assert "^fu-thank-you" not in (root / "Due.md").read_text()
    assert "BEGIN:VEVENT" in run("export", "ics").stdout
    for command in ("new", "done", "draft", "init", "export", "sync", "due", "check", "watch"):
        assert "Example" in run(command, "--help").stdout


def test_new_open_launches_the_note(make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch) -> None:
    import click

    launched: list[str] = []

    def launch(target: str, **_: object) -> int:
        launched.append(target)
        return 0

    monkeypatch.setattr(click, "launch", launch)
    root = make_vault({})
    assert in_vault(root, "new", "help", "Priya", "--open").exit_code == 0
    assert launched == [str(root / "Priya.md")]


def test_a_progress_bar_only_on_a_terminal(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from followup_md import cli_vault as module
    from followup_md.cached_read import probe_vault
    from followup_md.vault import load_config, read_settings

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    config = load_config(example)
    settings = read_settings(example, config)
    monkeypatch.setattr(module, "PROGRESS_FROM", 1)
    for stream, shown in ((io.StringIO(), False), (Terminal(), True)):
        monkeypatch.setattr(sys, "stderr", stream)
        probe = probe_vault(example, config, settings, TODAY)
        read = module._progress(example, config, settings)(probe)
        assert "people/Maya Chen.md" in read
        assert ("Reading notes" in stream.getvalue()) is shown


def test_new_fills_company_and_role_from_the_name_and_writes_lists(make_vault: MakeVault) -> None:
    root = make_vault({})
    result = in_vault(
        root, "new", "interview", "Hooli - Backend Engineer", "--set", "topics=[dbt, data pipelines]"
    )
    assert result.exit_code == 0, result.output
    text = (root / "Hooli - Backend Engineer.md").read_text()
    assert text == (
        "---\ntype: interview\nname: Hooli - Backend Engineer\ninterview: 2026-11-20\ncompany: Hooli\n"
        "role: Backend Engineer\ninterviewer:\nemail:\nreply_by:\nformat:\ntopics: [dbt, data pipelines]\n---\n"
    )
    values, _ = load_mapping(text.split("---\n")[1], "n.md", 2)
    assert values["topics"] == ["dbt", "data pipelines"]
    given = in_vault(root, "new", "application", "Stark - SRE", "--set", "company=Stark Industries")
    assert given.exit_code == 0
    assert "company: Stark Industries\nrole: SRE\n" in (root / "Stark - SRE.md").read_text()
    assert "company:\n" in note_text("contact", "Jane - Friend", [], Config(), TODAY)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("today", "2026-11-20"),
        ("tomorrow", "2026-11-21"),
        ("yesterday", "2026-11-19"),
        ("+3d", "2026-11-23"),
        ("-1w", "2026-11-13"),
        ("monday", "2026-11-23"),
        ("Fri", "2026-11-27"),  # the 20th is a Friday: the coming one is next week's
        ("2026-11-24T14:00", "2026-11-24T14:00"),
    ],
)
def test_new_writes_relative_dates_as_iso(value: str, written: str) -> None:
    text = note_text("interview", "X", [("interview", value), ("reply_by", value)], Config(), TODAY)
    assert f"\ninterview: {written}\n" in text
    assert f"\nreply_by: {written}\n" in text
    assert "\nformat: today\n" in note_text("interview", "X", [("format", "today")], Config(), TODAY)


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        (
            ["interview=tomorow"],
            "interview: expected a date like 2026-11-20 or 2026-11-20T14:30, got 'tomorow'",
        ),
        (["interview=2026-13-45"], "interview: 2026-13-45 is not a real date"),
        (["cadence=often"], "cadence: expected an interval like 10d, 3w, 2m or 1y, got 'often'"),
        (
            ["status=maybe"],
            "status: 'maybe' is not one of active, waiting, paused, closed, hired, withdrawn, "
            "declined, rejected (map it in followup-md.toml [statuses])",
        ),
    ],
)
def test_new_checks_every_value_as_the_reader_does(
    make_vault: MakeVault, sets: list[str], message: str
) -> None:
    root = make_vault({})
    result = in_vault(root, "new", "interview", "Hooli", *(f"--set={s}" for s in sets))
    assert result.exit_code == 2
    assert result.stderr == f"followup-md: {message}; nothing written\n"
    assert not (root / "Hooli.md").exists()


def test_new_from_a_template_fills_only_the_company_and_role_it_leaves_empty() -> None:
    template = "---\ntype: interview\ninterview: {{date}}\ncompany:\nrole: Engineer\n---\n# {{title}}\n"
    text = note_text("interview", "Hooli - Backend Engineer", [], Config(), TODAY, template)
    assert text == (
        "---\ntype: interview\ninterview: 2026-11-20\ncompany: Hooli\nrole: Engineer\n---\n"
        "# Hooli - Backend Engineer\n"
    )
