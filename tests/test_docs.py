"""Keep the README honest: its config reference and shown output come from the code."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from followup_md.cli import cli
from followup_md.options import options_markdown
from followup_md.placeholders import PLACEHOLDERS

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_config_reference_is_generated_from_the_options_table() -> None:
    section = README.split("<!-- options:begin -->\n", 1)[1].split("<!-- options:end -->", 1)[0]
    assert section == options_markdown()


def test_placeholder_table_is_generated_from_the_catalogue() -> None:
    from followup_md.placeholders import placeholders_markdown

    section = README.split("<!-- placeholders:begin -->\n", 1)[1].split("<!-- placeholders:end -->", 1)[0]
    assert section == placeholders_markdown()
    from followup_md.catalogue import CATALOGUE

    assert ", ".join(f"`{key}.txt`" for key in CATALOGUE) in README
    result = CliRunner().invoke(cli, ["draft", "--help"], terminal_width=200)
    for name in PLACEHOLDERS:
        assert f"{{{name}}}" in result.stdout


def test_before_and_after_are_the_example_note_without_and_with_its_block() -> None:
    after = (REPO / "example_vault" / "applications" / "Globex - Analytics Engineer.md").read_text("utf-8")
    before = after.split("\n## Follow-ups\n", 1)[0]
    assert f"```markdown\n{before}```" in README
    assert f"```markdown\n{after}```" in README


def test_quick_start_runs_the_main_job_on_the_example_vault(tmp_path: Path) -> None:
    assert "followup-md sync example_vault --today 2026-11-20" in README
    vault = tmp_path / "example_vault"
    shutil.copytree(REPO / "example_vault", vault)
    result = CliRunner().invoke(cli, ["sync", str(vault), "--today", "2026-11-20"])
    assert result.exit_code == 0
    assert result.stderr == "people/Broken Date.md:4: met: 2026-13-45 is not a real date\n"


def test_every_command_in_the_readme_exists_and_every_command_is_in_the_readme() -> None:
    import re

    import click

    shown = set(re.findall(r"^\| `followup-md (\w+)", README, re.MULTILINE))
    context = click.Context(cli)
    names = cli.list_commands(context)
    assert shown == set(names)
    assert all(cli.get_command(context, name) is not None for name in names)  # each loads from its module


def test_shell_completion_works_as_documented() -> None:
    import os
    import subprocess
    import sys

    assert "_FOLLOWUP_MD_COMPLETE=bash_source followup-md" in README
    env = {**os.environ, "_FOLLOWUP_MD_COMPLETE": "bash_source"}
    code = "from followup_md.cli import main; main()"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert "_followup_md_completion" in done.stdout


def test_the_example_vaults_stats_are_in_the_readme() -> None:
    golden = (REPO / "example_vault" / "Stats.md").read_text(encoding="utf-8")
    assert f"````markdown\n{golden}````" in README
    result = CliRunner().invoke(cli, ["stats", str(REPO / "example_vault"), "--today", "2026-11-20"])
    assert result.exit_code == 0
    assert f"```text\n{result.stdout}```" in README
