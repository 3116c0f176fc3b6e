"""The command line: the `followup-md` group, its commands gathered from the
`cli_*` modules, and the one place where errors become output."""

from __future__ import annotations

from typing import Any

import click

from followup_md import __version__
from followup_md.cli_create import init, new
from followup_md.cli_mail import mail
from followup_md.cli_notes import done, draft, explain
from followup_md.cli_reports import due, export, stats
from followup_md.cli_sync import check, sync, watch
from followup_md.cli_vault import _say
from followup_md.errors import FollowupError


class _Commands(click.Group):
    """The one place where errors become output: a FollowupError is printed once
    (`path:line: message`, which editors and terminals link; `followup-md:
    message` when it has no place) and the process exits with its type's code."""

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


for command in (sync, check, watch, due, stats, export, new, init, done, draft, explain, mail):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="followup-md")
