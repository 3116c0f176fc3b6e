"""The command line through click's CliRunner and through a real subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from followup_md import __version__
from followup_md.cli import cli

from .conftest import REPO, MakeVault

APPLICATION = "---\ntype: application\ncompany: Acme\napplied: 2026-11-18\n---\n"
BROKEN = "---\ntype: contact\nmet: 2026-13-45\n---\n"
T = ["--today", "2026-11-20"]


def test_version_and_help_on_every_command(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.stdout == f"followup-md, version {__version__}\n"
    for command in ("sync", "due", "check"):
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.stdout


def test_sync_exit_codes_and_messages(runner: CliRunner, make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": APPLICATION, "Bad.md": BROKEN})
    check = runner.invoke(cli, ["sync", str(root), *T, "--check"])
    assert check.exit_code == 1
    assert check.stdout == "would update Acme.md\nwould update Due.md\n"
    assert check.stderr == (
        "Bad.md:3: met: 2026-13-45 is not a real date\n"
        f"followup-md: run `followup-md sync {root}` to update them (then add them to the commit)\n"
    )
    assert not (root / "Due.md").exists()
    result = runner.invoke(cli, ["sync", str(root), *T])
    assert result.exit_code == 0
    assert (
        result.stdout
        == "followup-md: 1 follow-up note read, updated 1 note; 1 this week · 1 problem (as of 2026-11-20)\n"
    )
    assert result.stderr == "Bad.md:3: met: 2026-13-45 is not a real date\n"
    assert runner.invoke(cli, ["sync", str(root), *T, "--check"]).exit_code == 0
    again = runner.invoke(cli, ["sync", str(root), *T])
    assert (
        again.stdout
        == "followup-md: 1 follow-up note read, nothing to update; 1 this week · 1 problem (as of 2026-11-20)\n"
    )


def test_dry_run_prints_a_diff_and_writes_nothing(runner: CliRunner, make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": APPLICATION})
    result = runner.invoke(cli, ["sync", str(root), *T, "--dry-run"])
    assert result.exit_code == 0
    assert result.stdout.startswith("--- a/Acme.md\n+++ b/Acme.md\n")
    assert "+- [ ] Email the hiring team at Acme" in result.stdout
    assert "+++ b/Due.md" in result.stdout
    assert (root / "Acme.md").read_text() == APPLICATION
    assert not (root / "Due.md").exists()


def test_due_json_shape(runner: CliRunner, make_vault: MakeVault) -> None:
    root = make_vault({"jobs/Acme.md": APPLICATION})
    result = runner.invoke(cli, ["due", str(root), *T, "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {
            "note": "jobs/Acme.md",
            "name": "Acme",
            "type": "application",
            "step": "confirm",
            "action": "Email the hiring team at Acme to check that your application arrived, "
            "offer more materials and ask about next steps and timing",
            "start": "2026-11-20",
            "due": "2026-11-25",
            "state": "week",
        }
    ]


def test_due_json_says_waiting_where_due_md_does(runner: CliRunner, make_vault: MakeVault) -> None:
    """Seed 002: they said they would answer by the 26th; the check-in waits
    until 48 hours later; a paused note waits too."""
    promised = "---\ntype: interview\ninterview: 2026-11-19\nreply_by: 2026-11-26\n---\n"
    paused = "---\ntype: application\napplied: 2026-11-10\nstatus: paused\nsnooze: 2026-12-01\n---\n"
    root = make_vault({"Globex.md": promised, "Vandelay.md": paused})
    result = runner.invoke(cli, ["due", str(root), *T, "--json"])
    got = {(r["note"], r["step"]): (r["state"], r["action"][:30]) for r in json.loads(result.stdout)}
    assert got[("Globex.md", "r20261119-check-in-1")][0] == "waiting"
    assert got[("Vandelay.md", None)] == ("waiting", "paused until 2026-12-01")
    runner.invoke(cli, ["sync", str(root), *T])
    due_md = (root / "Due.md").read_text()
    waiting = due_md.split("## Waiting", 1)[1]
    assert "Globex#^fu-r20261119-check-in-1" in waiting and "[[Vandelay|Vandelay]]: paused" in waiting


def test_due_days_and_text(runner: CliRunner, make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": APPLICATION, "Met.md": "---\ntype: contact\nmet: 2026-11-19\n---\n"})
    result = runner.invoke(cli, ["due", str(root), *T, "--days", "3"])
    assert result.exit_code == 0
    assert "Met" in result.stdout and "Acme" not in result.stdout
    assert "\x1b[" not in result.stdout  # no colour when not a terminal
    empty = runner.invoke(cli, ["due", str(root), "--today", "2026-11-20", "--json", "--days", "0"])
    assert json.loads(empty.stdout) == []


def test_bad_today_is_a_usage_error(runner: CliRunner, make_vault: MakeVault) -> None:
    root = make_vault({})
    result = runner.invoke(cli, ["due", str(root), "--today", "tomorrow"])
    assert result.exit_code == 2
    assert "'tomorrow' is not a date like 2026-11-20" in result.stderr


def test_today_from_the_environment(runner: CliRunner, make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": APPLICATION})
    result = runner.invoke(cli, ["due", str(root), "--json"], env={"FOLLOWUP_MD_TODAY": "2026-11-26"})
    assert json.loads(result.stdout)[0]["state"] == "overdue"


def test_check_exit_codes(runner: CliRunner, make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": APPLICATION, "junk.md": b"---\ntype: book\n\xff\n---\n"})
    ok = runner.invoke(cli, ["check", str(root)])
    assert (ok.exit_code, ok.stdout) == (0, "followup-md: 1 follow-up note checked, no problems\n")
    assert "1 other file could not be read" in ok.stderr
    listed = runner.invoke(cli, ["check", str(root), "--all"])
    assert listed.exit_code == 1
    assert "junk.md: not UTF-8 text; save the note as UTF-8" in listed.stderr
    (root / "Bad.md").write_text(BROKEN)
    bad = runner.invoke(cli, ["check", str(root)])
    assert bad.exit_code == 1
    assert bad.stderr.startswith("Bad.md:3: met: 2026-13-45 is not a real date\n")


def test_check_as_of_index_judges_the_files_not_the_day(runner: CliRunner, make_vault: MakeVault) -> None:
    root = make_vault({"Acme.md": APPLICATION})
    assert runner.invoke(cli, ["sync", str(root), "--today", "2026-11-20"]).exit_code == 0
    stale = runner.invoke(cli, ["sync", str(root), "--check", "--today", "2026-11-22"])
    assert (stale.exit_code, stale.stdout) == (1, "would update Due.md\n")
    assert stale.stderr == (
        f"followup-md: run `followup-md sync {root}` to update them (then add them to the commit)\n"
    )
    agree = runner.invoke(cli, ["sync", str(root), "--check", "--as-of-index", "--today", "2026-11-22"])
    assert (agree.exit_code, agree.stdout, agree.stderr) == (0, "", "")
    (root / "Acme.md").write_text(APPLICATION.replace("2026-11-18", "2026-11-19"))
    edited = runner.invoke(cli, ["sync", str(root), "--check", "--as-of-index"])
    assert (edited.exit_code, edited.stdout) == (1, "would update Acme.md\nwould update Due.md\n")
    (root / "Due.md").unlink()
    missing = runner.invoke(cli, ["sync", str(root), "--check", "--as-of-index", "--today", "2026-11-22"])
    assert missing.exit_code == 1
    assert missing.stderr.startswith("followup-md: Due.md records no date; checking as of 2026-11-22\n")
    alone = runner.invoke(cli, ["sync", str(root), "--as-of-index"])
    assert alone.exit_code == 2 and "--as-of-index only goes with --check or --dry-run" in alone.stderr


def test_recorded_date_reads_the_summary_line_inside_the_block() -> None:
    from followup_md.agenda import recorded_date

    due = "I wrote — as of 2020-01-01\n<!-- followup-md:begin x -->\n\n# Follow-ups\n\n1 today — as of 2026-11-20\r\n"
    assert recorded_date(due) == date(2026, 11, 20)
    assert recorded_date("<!-- followup-md:begin x -->\nNothing — as of 2026-13-45\n") is None
    assert recorded_date("") is None


def test_config_errors_exit_2_with_file_and_line(runner: CliRunner, make_vault: MakeVault) -> None:
    root = make_vault({"followup-md.toml": 'due_file = "Due.md"\n\n[rules]\nconfirm_due = -1\n'})
    result = runner.invoke(cli, ["sync", str(root)])
    assert result.exit_code == 2
    assert result.stderr == (
        "followup-md.toml:4: rules.confirm_due must be a whole number of days from 0 to 3650\n"
    )


def test_missing_vault_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["sync", str(tmp_path / "nope")])
    assert result.exit_code == 2


def _command() -> list[str]:
    found = shutil.which("followup-md")
    return [found] if found else [sys.executable, "-m", "followup_md"]


@pytest.mark.parametrize("module", [False, True])
def test_real_subprocess(make_vault: MakeVault, module: bool) -> None:
    root = make_vault({"Acme.md": APPLICATION, "Bad.md": BROKEN})
    command = [sys.executable, "-m", "followup_md"] if module else _command()
    env = {**os.environ, "FOLLOWUP_MD_TODAY": "2026-11-20"}
    done = subprocess.run(
        [*command, "sync", str(root)], capture_output=True, text=True, env=env, check=False, cwd=REPO
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "Bad.md:3: met: 2026-13-45 is not a real date\n"
    assert "Traceback" not in done.stderr
    check = subprocess.run(
        [*command, "check", str(root)], capture_output=True, text=True, env=env, check=False
    )
    assert check.returncode == 1
    version = subprocess.run([*command, "--version"], capture_output=True, text=True, check=False)
    assert version.stdout == f"followup-md, version {__version__}\n"


def test_cli_import_is_light() -> None:
    code = (
        "import sys, followup_md.cli; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('watchdog', 'markdown_it', 'yaml')]; "
        "print(','.join(bad))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_a_note_that_cannot_be_read_is_said_so_by_done_draft_and_explain(
    runner: CliRunner, make_vault: MakeVault
) -> None:
    """A note in a merge conflict (or with a bad date) was "no follow-up note
    'Globex' ... did you mean 'Acme.md'?": the note is there, it is the
    conflict that stops it."""
    conflict = APPLICATION.replace("Acme", "Globex") + "<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> other\n"
    root = make_vault({"Acme.md": APPLICATION, "jobs/Globex.md": conflict, "people/Bad.md": BROKEN})
    said = "'Globex' cannot be read: jobs/Globex.md:6: unresolved merge conflict markers; resolve the conflict first"
    for args in (["done", "Globex", "confirm"], ["draft", "Globex"], ["explain", "Globex"]):
        result = runner.invoke(cli, [*args, "--vault", str(root), *T])
        assert (result.exit_code, result.stderr) == (2, f"followup-md: {said}\n"), args
    result = runner.invoke(cli, ["draft", "people/Bad.md", "--vault", str(root), *T])
    assert "people/Bad.md:3: met: 2026-13-45 is not a real date" in result.stderr
    assert "did you mean" not in result.stderr
    assert (root / "jobs/Globex.md").read_text() == conflict


def test_a_symlink_loop_named_like_the_note_asked_for_is_no_crash(
    runner: CliRunner, make_vault: MakeVault
) -> None:
    """A cloned vault can hold a link to itself (`loop.md -> loop.md`):
    resolving the names `draft loop` might mean raised RuntimeError (Python
    before 3.13 says a symlink loop so, not with an OSError): a traceback."""
    root = make_vault({"Acme.md": APPLICATION})
    (root / "loop.md").symlink_to("loop.md")
    for args in (["draft", "loop"], ["explain", "loop"], ["done", "loop", "confirm"]):
        result = runner.invoke(cli, [*args, "--vault", str(root), *T])
        assert result.exit_code == 2, (args, result.exception)
        assert "no follow-up note 'loop'" in result.stderr
