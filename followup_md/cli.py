"""The command line: the `followup-md` group, its commands gathered from the
`cli_*` modules, and the one place where errors become output."""

from __future__ import annotations

import importlib
from typing import Any

import click

from followup_md import __version__
from followup_md.cli_vault import _say
from followup_md.errors import FollowupError

# Each command's module, imported when the command is: `sync` never pays for
# the catalogue of words that `draft --help` shows.
COMMANDS = {
    "sync": "cli_sync",
    "check": "cli_sync",
    "watch": "cli_sync",
    "due": "cli_reports",
    "stats": "cli_reports",
    "export": "cli_reports",
    "new": "cli_create",
    "init": "cli_create",
    "done": "cli_notes",
    "draft": "cli_notes",
    "explain": "cli_notes",
    "mail": "cli_mail",
}


class _Commands(click.Group):
    """The one place where errors become output: a FollowupError is printed once
    (`path:line: message`, which editors and terminals link; `followup-md:
    message` when it has no place) and the process exits with its type's code.
    Commands are loaded from their modules when named (click's lazy group)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        command = getattr(importlib.import_module(f"followup_md.{COMMANDS[cmd_name]}"), cmd_name)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FollowupError as error:
            if error.message:
                _say(str(error) if error.path else f"followup-md: {error}", err=True)
            ctx.exit(error.exit_code)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="followup-md")
def cli() -> None:
    """Follow-up dates for a job search kept in Markdown notes.

    \b
    Example:
      followup-md sync ~/vault     compute every follow-up, update notes and Due.md
      followup-md due ~/vault      show the agenda
    """


def main() -> None:
    cli(prog_name="followup-md")
