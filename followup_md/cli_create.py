"""The commands that create files: `new` (a follow-up note) and `init` (the
commented config and a note template per type); neither overwrites."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from followup_md.cli_vault import TODAY, VAULT, VAULT_OPTION, _open, _say, _today


@click.command()
@click.argument("kind", metavar="TYPE")
@click.argument("name")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="A front-matter value (repeatable).")
@click.option("--open", "open_it", is_flag=True, help="Open the new note in its default app.")
@VAULT_OPTION
@TODAY
def new(
    kind: str, name: str, sets: tuple[str, ...], open_it: bool, vault: Path | None, today: str | None
) -> None:
    """Create a follow-up note with the right front matter.

    TYPE is contact, introduction, help, application, interview, referral or
    log. The triggering date (met, applied, interview…) is today unless
    --set gives it. Dates may be relative: today, tomorrow, yesterday, +3d,
    -1w, or a weekday (the coming one); `--set topics="[dbt, data pipelines]"`
    is a list. A name like "Hooli - Backend Engineer" fills company and role.
    Every value is checked as sync would read it. The note goes to the folder
    followup-md.toml maps to the type ([folders]), and uses the vault's own
    template for it when its template folder has one (`contact.md` or
    `Follow-up contact.md`).

    \b
    Example:
      followup-md new interview "Globex - Analyst" --set interview=2026-11-24T14:00 \\
        --set interviewer="[[Dana Ortiz]]"
    """
    from followup_md.model import FileChange
    from followup_md.skeletons import note_text, parse_sets
    from followup_md.write import write_atomic

    kind = kind.lower()  # any case, as a note's `type: Contact`
    root, config, settings = _open(vault)
    template = _vault_template(root, settings, kind)
    text = note_text(kind, name, parse_sets(sets), config, _today(today, vault), template)
    rel = _new_note_path(root, kind, name, config)
    warnings = _check_new_note(root, rel, text, config, settings)
    write_atomic(root, FileChange(rel, None, text.encode("utf-8"), None))
    _say(rel)
    for warning in warnings:  # a near-miss key (`--set intervewer=…`), said as sync would say it
        _say(str(warning), err=True)
    if open_it:
        click.launch(str(root / rel))


def _vault_template(root: Path, settings: Any, kind: str) -> str | None:
    """The vault's own template for a type (`contact.md` or `Follow-up
    contact.md` in a template folder; the last one found), if it has one."""
    from followup_md.vault import template_files

    template = None
    wanted = (kind.casefold(), f"follow-up {kind}".casefold())
    for folder in settings.template_folders:
        for rel, data in template_files(root, folder, ".md"):
            if rel.removesuffix(".md").rpartition("/")[2].casefold() in wanted:
                template = data.decode("utf-8", errors="replace")
    return template


def _new_note_path(root: Path, kind: str, name: str, config: Any) -> str:
    """Where a new note goes: its type's folder, its name made a file name
    the vault's file system takes."""
    from followup_md.errors import UsageError
    from followup_md.skeletons import folder_for, safe_file_name

    folder = folder_for(kind, config)
    rel = f"{folder}/{safe_file_name(name)}.md" if folder else f"{safe_file_name(name)}.md"
    size, limit = len(os.fsencode(rel.rpartition("/")[2])), _name_max(root)
    if size > limit:
        raise UsageError(
            f"the file name {rel.rpartition('/')[2]!r} is {size} bytes long; the file system allows {limit}; "
            "give the note a shorter name"
        )
    return rel


def _check_new_note(root: Path, rel: str, text: str, config: Any, settings: Any) -> list[Any]:
    """Refuse a new note that sync could not read, or whose file exists; the
    warnings sync would give it."""
    from followup_md.errors import UsageError
    from followup_md.model import Problem
    from followup_md.parse import read_note

    read = read_note(rel, text.encode("utf-8"), config, settings.syntax)
    if isinstance(read, Problem):  # the reader's own rules, before anything is written
        raise UsageError(f"{read.message}; nothing written")
    if (root / rel).exists():
        raise UsageError(f"{rel} already exists; followup-md never overwrites a note")
    twin = _same_name(root, rel)
    if twin is not None:  # one file where case is ignored (macOS, Windows); links to it ambiguous
        raise UsageError(
            f"{twin} exists, the same name in another case: one file where case is ignored "
            "(macOS, Windows), and a link to either is ambiguous; nothing written"
        )
    return list(read.warnings) if read is not None else []


def _same_name(root: Path, rel: str) -> str | None:
    """A file beside `rel` whose name is its name in another case or Unicode
    form (vault-relative), if there is one."""
    import unicodedata

    folder, _, name = rel.rpartition("/")

    def key(text: str) -> str:
        return unicodedata.normalize("NFC", text).casefold()

    try:
        entries = os.listdir(root / folder if folder else root)
    except OSError:
        return None  # no folder yet: it is made with the note
    found = sorted(entry for entry in entries if entry != name and key(entry) == key(name))
    return f"{folder}/{found[0]}" if folder and found else found[0] if found else None


def _name_max(root: Path) -> int:
    """The longest file name (in bytes) the vault's file system takes."""
    from followup_md.write import NAME_MAX

    try:
        return min(os.pathconf(root, "PC_NAME_MAX"), NAME_MAX)
    except (OSError, ValueError):
        return NAME_MAX


@click.command()
@VAULT
def init(vault: Path | None) -> None:
    """Write a commented followup-md.toml and a note template per type.

    Never overwrites: an existing config or template is left as it is. The
    templates go to the vault's template folder (Obsidian's Templates or
    Templater settings), in Templater syntax when Templater is installed.

    \b
    Example:
      followup-md init ~/vault
    """
    from followup_md.layout import CONFIG_FILE
    from followup_md.model import FileChange
    from followup_md.schema import TYPES
    from followup_md.skeletons import config_text, note_template
    from followup_md.write import write_atomic

    root, config, settings = _open(vault)
    wrote: list[str] = []
    from followup_md.vault import machine_zone

    files = [(CONFIG_FILE, config_text(machine_zone()))]
    if settings.template_folders:
        folder = settings.template_folders[0]
        templater = (root / ".obsidian" / "plugins" / "templater-obsidian").is_dir()
        files += [(f"{folder}/Follow-up {kind}.md", note_template(kind, config, templater)) for kind in TYPES]
    for rel, text in files:
        if (root / rel).exists():
            _say(f"followup-md: {rel} exists; left as it is")
            continue
        write_atomic(root, FileChange(rel, None, text.encode("utf-8"), None))
        wrote.append(rel)
    for rel in wrote:
        _say(f"wrote {rel}")
    if not settings.template_folders:
        _say(
            "followup-md: no note templates written: the vault has no template folder (Obsidian's "
            "Templates or Templater settings); `followup-md new` writes notes without one"
        )
    click.echo(
        'Next: create a note (`followup-md new contact "Jane Doe"`), then run '
        "`followup-md sync` (or leave `followup-md watch` running) and open Due.md."
    )
