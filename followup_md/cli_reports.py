"""The commands that show the plan without changing a note: `due` (the
agenda), `stats` (the figures), `export ics` (the calendar)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from followup_md.cli_vault import TODAY, VAULT, _echo_err, _open, _plan, _say, _today


@click.command()
@VAULT
@TODAY
@click.option("--json", "as_json", is_flag=True, help="Print the steps as a JSON list.")
@click.option("--days", type=click.IntRange(min=0), help="Only steps due within N days.")
def due(vault: Path | None, today: str | None, as_json: bool, days: int | None) -> None:
    """Show the agenda: overdue, today, this week, later.

    \b
    Example:
      followup-md due ~/vault --days 7
      followup-md due ~/vault --json | jq '.[] | select(.state == "overdue")'
    """
    from followup_md.model import printable
    from followup_md.output import agenda_lines, agenda_records, problem_lines

    plan = _plan(vault, _today(today, vault))
    if as_json:
        _say(json.dumps(agenda_records(plan, days), indent=2, ensure_ascii=False), keep="\n")  # valid JSON
        return
    _echo_err(problem_lines(plan))
    color = None if not os.environ.get("NO_COLOR") else False
    for text, style in agenda_lines(plan, days):
        shown = printable(text)
        click.echo(click.style(shown, **style) if style else shown, color=color)


@click.command()
@VAULT
@TODAY
@click.option("--since", metavar="YYYY-MM-DD", help="Count only applications and follow-ups since D.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def stats(vault: Path | None, today: str | None, since: str | None, as_json: bool) -> None:
    """The search at a glance: funnel, answers, what follow-ups earn, activity.

    Every figure is computed from the notes; set stats_file in
    followup-md.toml to have every sync keep them in a note (`Stats.md`).

    \b
    Example:
      followup-md stats ~/vault --since 2026-10-01
      followup-md stats ~/vault --json | jq .median_days_to_reply
    """
    from followup_md.journal import exchanges
    from followup_md.links import link_index
    from followup_md.output import problem_lines
    from followup_md.stats import compute_stats
    from followup_md.stats_text import stats_json, stats_terminal

    start = _today(since, option="--since") if since else None
    plan = _plan(vault, _today(today, vault))
    _, config, _ = _open(vault)
    found = exchanges(plan.notes, link_index(plan.notes))
    figures = compute_stats(plan.notes, plan.steps, found, config, plan.today, start)
    if as_json:
        _say(json.dumps(stats_json(figures, plan.notes), indent=2, ensure_ascii=False), keep="\n")
        return
    _echo_err(problem_lines(plan))
    _say(stats_terminal(figures, plan.notes), nl=False, keep="\n")


@click.group()
def export() -> None:
    """Export the follow-ups to other tools.

    \b
    Example:
      followup-md export ics ~/vault -o ~/followups.ics
    """


@export.command("ics")
@VAULT
@TODAY
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
def export_ics(vault: Path | None, today: str | None, output: Path | None) -> None:
    """The open steps as an iCalendar file (stdout, or -o FILE).

    Each step is an all-day event on its due date with a stable UID; set
    ics_file in followup-md.toml to have every sync keep one in the vault.

    \b
    Example:
      followup-md export ics ~/vault -o ~/followups.ics
    """
    from followup_md.ics import render_ics
    from followup_md.write import write_export

    plan = _plan(vault, _today(today, vault))
    calendar = render_ics(plan.steps, plan.notes, plan.today)
    if output is None:
        click.echo(calendar, nl=False)  # bytes go out as they are: RFC 5545 lines end in CRLF
        return
    write_export(output, calendar)
    _say(f"followup-md: wrote {output}", err=True)
