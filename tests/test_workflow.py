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
        "---\ntype: contact\nname: Jane Doe\nmet: 2026-11-20\nrole:\nemail:\ntopics:\n"
        'company: "Acme: Labs"\nwhere: "PyData #3"\n---\n'
    )
    again = in_vault(root, "new", "contact", "Jane Doe")
    assert again.exit_code == 2
    assert "already exists; followup-md never overwrites a note" in again.stderr
    assert in_vault(root, "new", "person", "X").exit_code == 2


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
        "Subject: Thank you for the interview\n\nHi Dana,\n\nThank you for taking the time to speak with me "
        "on November 19. I enjoyed our conversation about metrics layer and I am excited about the "
        "Analytics Engineer role at Globex.\n\nBest regards,\n"
    )
    link = in_vault(example, "draft", "Omar Haddad", "thank-introducer", "--mailto")
    assert link.stdout.startswith(
        "mailto:maya.chen@brightline.example?subject=Thank%20you%20for%20the%20introduction"
    )
    no_email = in_vault(example, "draft", "Initech - Platform Engineer", "--mailto")
    assert no_email.exit_code == 2


def test_draft_uses_the_vaults_own_template(example: Path) -> None:
    folder = example / ".followup-md" / "templates"
    folder.mkdir(parents=True)
    (folder / "thank-you.txt").write_text(
        "Subject: Thanks, {first_name}!\n\nDear {recipient} at {company}: {nope}\n"
    )
    result = in_vault(example, "draft", "Globex - Analytics Engineer", "thank-you")
    assert result.stdout == "Subject: Thanks, Dana!\n\nDear Dana at Globex: {nope}\n"


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
    thanks = next(e for e in events if "Dana" in str(e["SUMMARY"]))
    assert thanks.decoded("DTSTART").isoformat() == "2026-11-20"
    assert "Note: applications/Globex - Analytics Engineer.md" in str(thanks["DESCRIPTION"])
    assert "Window: 2026-11-19 to 2026-11-20" in str(thanks["DESCRIPTION"])
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
    assert invoke(root, "init", str(root)).exit_code == 0
    config = (root / "followup-md.toml").read_text()
    assert '\ntimezone = "America/Los_Angeles"\n' in config
    assert parse_config(config).timezone == "America/Los_Angeles"


def test_the_config_template_shows_every_setting_with_its_default() -> None:
    from followup_md.config import OPTIONS

    names = {o.name for o in OPTIONS if o.kind != "map"}
    top: list[str] = []
    rules: list[str] = []
    mail: list[str] = []
    section = top
    for line in config_text(None).splitlines():
        if line in ("# [rules]", "# [mail]"):
            section = rules if line == "# [rules]" else mail
        elif line.startswith("# ") and line[2:].split(" = ")[0] in names:
            section.append(line[2:].split("  # ")[0])
    text = "\n".join(top) + "\n[rules]\n" + "\n".join(rules) + "\n[mail]\n" + "\n".join(mail) + "\n"
    assert parse_config(text) == Config()
    assert {line.split(" = ")[0] for line in top + rules + mail} == names
    assert tomllib.loads(text)["rules"]["confirm_due"] == 7


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

    from followup_md import cli as module
    from followup_md.cache import probe_vault
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
