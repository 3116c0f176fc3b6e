"""What every command shares: the VAULT and --today arguments, the vault
found, opened and planned (through the cache), and text printed safely."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

PROGRESS_FROM = 5000  # files: below this a run is too quick for a progress bar

VAULT = click.argument("vault", required=False, type=click.Path(file_okay=False, path_type=Path))
TODAY = click.option(
    "--today",
    metavar="YYYY-MM-DD",
    envvar="FOLLOWUP_MD_TODAY",
    help="Compute as of this date (default: today in the vault's time zone; env FOLLOWUP_MD_TODAY).",
)
VAULT_OPTION = click.option(
    "--vault",
    type=click.Path(file_okay=False, path_type=Path),
    help="The vault (default: the one holding the current folder).",
)


def _today(value: str | None, vault: Path | None = None, option: str = "--today") -> date:
    """--today (or the date `option` gives), else today in the vault's time zone
    (see `vault_today`)."""
    if not value:
        from followup_md.vault import load_config, vault_today

        return (
            vault_today(load_config(vault.resolve()))
            if vault is not None and vault.is_dir()
            else date.today()
        )
    from followup_md.model import YEARS, in_range

    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-20", param_hint=option) from None
    if not in_range(day):
        raise click.BadParameter(f"{value!r} is outside {YEARS}", param_hint=option)
    return day


def _root(vault: Path | None) -> Path:
    """The vault named, or the one holding the current folder (found the way
    git finds its repository)."""
    from followup_md.vault import find_vault

    if vault is None:
        return find_vault(Path.cwd().resolve())
    if not vault.is_dir():
        raise click.BadParameter(f"{vault} is not a folder", param_hint="VAULT")
    return vault.resolve()


def _open(vault: Path | None) -> tuple[Path, Any, Any]:
    from followup_md.vault import load_config, read_settings

    root = _root(vault)
    config = load_config(root)
    return root, config, read_settings(root, config)


def _has_notes(root: Path, probe: Any) -> None:
    """Refuse a folder without a single Markdown file: it is not a vault (a
    typo in the path, or the wrong folder), and nothing is written there. A
    followup-md.toml says it is one, with no notes yet."""
    from followup_md.errors import UsageError
    from followup_md.layout import CONFIG_FILE

    if not probe.stats and probe.due is None and not (root / CONFIG_FILE).is_file():
        raise UsageError(
            f"{root} holds no Markdown notes; give the vault's folder "
            "(or run inside it: the nearest folder upward with followup-md.toml, .obsidian/ or .git/ is used)"
        )


def _plan(vault: Path | None, today: date) -> Any:
    """Read the vault (through the cache) and plan, writing nothing: a note's
    warnings are said at its lines as they are, not as a sync would write them."""
    from followup_md.app import plan_vault
    from followup_md.cached_read import probe_vault

    root, config, settings = _open(vault)
    probe = probe_vault(root, config, settings, today)
    _has_notes(root, probe)
    return plan_vault(root, config, settings, probe, _progress(root, config, settings), as_written=False).plan


def _progress(root: Path, config: Any, settings: Any) -> Callable[[Any], Any]:
    """read_vault, with a progress bar on stderr for a long first read on a terminal."""
    from followup_md.cached_read import read_vault

    def read(probe: Any) -> Any:
        if not sys.stderr.isatty() or len(probe.stats) < PROGRESS_FROM:
            return read_vault(root, config, settings, probe)
        bar_of = click.progressbar(
            length=len(probe.stats), label="Reading notes", file=sys.stderr, update_min_steps=500
        )
        with bar_of as bar:
            return read_vault(root, config, settings, probe, progress=bar.update)

    return read


def _say(text: str, err: bool = False, nl: bool = True, keep: str = "", color: bool | None = None) -> None:
    """Print text that may hold a stranger's words (a vault is often a cloned
    repository): control characters other than `keep` are escaped, so a name
    cannot clear the screen, retitle the window or hide what follows."""
    from followup_md.model import printable

    click.echo(printable(text, keep), err=err, nl=nl, color=color)


def _echo_err(lines: list[str]) -> None:
    """Lines on stderr, each made printable (a line break in one is escaped,
    never taken for the start of another), in one write."""
    from followup_md.model import printable

    if lines:
        click.echo("\n".join(printable(line) for line in lines), err=True)
