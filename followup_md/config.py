"""followup-md.toml -> Config: the TOML read against the option table
(`options`), each value checked (`config_values`), each path kept inside the
vault; every error at `file:line`. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import PurePosixPath
from typing import Any

from followup_md.config_values import MAP_TARGETS, check_map, check_value, line_of, time_zone
from followup_md.errors import ConfigError
from followup_md.layout import CONFIG_FILE, DRAFT_TEMPLATES
from followup_md.options import OPTIONS, Option, valid_names
from followup_md.phrasing import Sender
from followup_md.schema import KEY_KINDS


@dataclass(frozen=True, slots=True)
class MailSettings:
    """The `[mail]` section: where mail is read from and where log notes go."""

    me: tuple[str, ...] = ()
    folder: str = ""
    maildir: tuple[str, ...] = ()
    mbox: tuple[str, ...] = ()
    imap_host: str = ""
    imap_port: int = 0
    imap_security: str = "tls"
    imap_user: str = ""
    imap_folders: tuple[str, ...] = ("INBOX", "\\Sent")
    imap_cafile: str = ""
    password_env: str = "FOLLOWUP_MD_IMAP_PASSWORD"
    password_command: str = ""
    check_every: int = 5

    @property
    def sources(self) -> bool:
        """Whether any mailbox is configured."""
        return bool(self.maildir or self.mbox or self.imap_host)


@dataclass(frozen=True, slots=True)
class Config:
    """Every setting, defaulted; built by `parse_config` or directly in tests."""

    due_file: str = "Due.md"
    timezone: str = ""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    skip_weekends: bool = False
    max_followups: int = 2
    keep_in_touch_after: str = ""
    task_format: str = "auto"
    tag: str = "#followup"
    heading: str = "## Follow-ups"
    link_style: str = "wikilink"
    due_checkboxes: str = "auto"
    ics_file: str = ""
    stats_file: str = ""
    draft_templates: str = DRAFT_TEMPLATES
    sender: Sender = field(default_factory=Sender)  # [me] in the file
    keys: Mapping[str, str] = field(default_factory=dict)
    types: Mapping[str, str] = field(default_factory=dict)
    statuses: Mapping[str, str] = field(default_factory=dict)
    folders: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    directions: Mapping[str, str] = field(default_factory=dict)
    cadence: Mapping[str, str] = field(default_factory=dict)
    rules: Mapping[str, int] = field(
        default_factory=lambda: {o.name: o.default for o in OPTIONS if o.section == "rules"}
    )
    # The line of each `[section] name` in followup-md.toml ("section.name" -> line; ".name" at the
    # top), for messages.
    lines: Mapping[str, int] = field(default_factory=dict, compare=False)
    mail: MailSettings = field(default_factory=MailSettings)
    # Our keys by the vault's key, casefolded (`ours_for`): asked for every key of every note.
    _ours: Mapping[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ours", _reverse_keys(self.keys))

    def zone(self) -> tzinfo | None:
        """The vault's time zone, or None for the machine's local zone."""
        return time_zone(self.timezone) if self.timezone else None

    @property
    def own_files(self) -> frozenset[str]:
        """The files sync writes besides notes: Due.md, and the calendar and
        Stats.md when they are on (never read as notes)."""
        return frozenset(path for path in (self.due_file, self.ics_file, self.stats_file) if path)

    def key(self, name: str) -> str:
        """The front-matter key the vault uses for one of ours."""
        return self.keys.get(name, name)

    def ours_for(self, theirs: str) -> tuple[str, ...]:
        """Our keys that the vault's key `theirs` holds (two may share one, as
        a stage key that gives both type and status). Key names match in any
        case, as Obsidian's property names do."""
        return self._ours.get(theirs.casefold(), ())

    def line(self, section: str, name: str) -> int:
        """The line of a setting in followup-md.toml (1 when not known)."""
        return self.lines.get(f"{section}.{name}", 1)


def _reverse_keys(keys: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Our keys by the vault's key that holds them, casefolded (`[keys]` renames ours)."""
    reverse: dict[str, list[str]] = {}
    for ours in KEY_KINDS:
        reverse.setdefault(keys.get(ours, ours).casefold(), []).append(ours)
    return {theirs: tuple(names) for theirs, names in reverse.items()}


_BY_PLACE: Mapping[tuple[str, str], Option] = {(o.section, o.name): o for o in OPTIONS}


def parse_config(text: str, path: str = CONFIG_FILE) -> Config:
    """Validate the text of followup-md.toml against OPTIONS; errors carry file and line."""
    data = _load_toml(text, path)
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    sections: dict[str, dict[str, Any]] = {"rules": dict(Config().rules), "mail": {}}
    for name, value in data.items():
        if name in MAP_TARGETS:
            values[name] = check_map(name, value, text, path, lines)
        elif name in sections:
            sections[name].update(_check_section(name, value, text, path))
        elif name == "me":
            values["sender"] = Sender(**_check_section("me", value, text, path))
        elif ("", name) in _BY_PLACE:
            line = lines[f".{name}"] = line_of(text, "", name)
            values[name] = check_value(_BY_PLACE[("", name)], value, (path, line))
        else:
            line = line_of(text, name, None) if isinstance(value, dict) else line_of(text, "", name)
            raise ConfigError(f"unknown setting {name!r}; {_remedy('', name)}", path, line)
    config = Config(rules=sections["rules"], mail=MailSettings(**sections["mail"]), lines=lines, **values)
    _check_paths(config, text, path)
    return config


def _remedy(section: str, name: str) -> str:
    """The setting of `[section]` that `name` is a slip for, else all of them."""
    from difflib import get_close_matches

    valid = valid_names(section)
    meant = get_close_matches(name, valid.split(", "), n=1, cutoff=0.85)
    return f"did you mean {meant[0]!r}?" if meant else f"valid: {valid}"


def _load_toml(text: str, path: str) -> dict[str, Any]:
    """The TOML's tables and values; ConfigError at the line TOML names (tomllib
    is loaded only for a vault with a config file)."""
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        line = int(found.group(1)) if found else max(1, len(text.splitlines()))
        raise ConfigError(f"not valid TOML: {error}", path, line) from None


def _check_section(section: str, table: Any, text: str, path: str) -> dict[str, Any]:
    """A section of named settings (`[rules]`, `[mail]`, `[me]`), each value checked."""
    if not isinstance(table, dict):
        raise ConfigError(f"[{section}] must be a table", path, line_of(text, "", section))
    values: dict[str, Any] = {}
    for name, value in table.items():
        option = _BY_PLACE.get((section, name))
        line = line_of(text, section, name)
        if option is None:
            raise ConfigError(f"unknown setting {section}.{name}; {_remedy(section, name)}", path, line)
        values[name] = check_value(option, value, (path, line))
    return values


def stays_inside(rel: str) -> bool:
    """A relative path that stays inside the vault."""
    path = PurePosixPath(rel.replace("\\", "/"))
    return bool(rel.strip()) and not path.is_absolute() and ".." not in path.parts and ":" not in rel


def _check_paths(config: Config, text: str, path: str) -> None:
    """Every path setting names a place inside the vault, of the right kind."""
    for name, rel in (("due_file", config.due_file), ("stats_file", config.stats_file)):
        note = PurePosixPath(rel)
        if (rel or name == "due_file") and (
            not stays_inside(rel) or note.suffix != ".md" or note.name.startswith(".")
        ):
            raise ConfigError(
                f"{name} must be a .md path inside the vault, got {rel!r}", path, line_of(text, "", name)
            )
    if config.stats_file == config.due_file:
        raise ConfigError(
            f"stats_file and due_file are both {config.due_file!r}", path, line_of(text, "", "stats_file")
        )
    if config.ics_file and (not stays_inside(config.ics_file) or not config.ics_file.endswith(".ics")):
        raise ConfigError(
            f"ics_file must be a .ics path inside the vault, got {config.ics_file!r}",
            path,
            line_of(text, "", "ics_file"),
        )
    for section, name, folder in (
        *(("", "templates", folder) for folder in config.templates),
        *(("folders", folder, folder) for folder in config.folders),
        *((("", "draft_templates", config.draft_templates),) if config.draft_templates else ()),
        *((("mail", "folder", config.mail.folder),) if config.mail.folder else ()),
    ):
        if not stays_inside(folder):
            label = "mail.folder" if section == "mail" else section or name
            raise ConfigError(
                f"{label}: {folder!r} is not a folder inside the vault (use a relative path)",
                path,
                line_of(text, section, name),
            )
