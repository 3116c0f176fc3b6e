"""followup-md.toml -> Config, driven by one declarative table of options."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import cache
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from followup_md.errors import ConfigError
from followup_md.layout import CONFIG_FILE, DRAFT_TEMPLATES
from followup_md.model import MAX_DAYS
from followup_md.phrasing import Sender

TYPES = ("contact", "introduction", "help", "application", "interview", "referral", "log")
STATUSES = (
    "active",
    "waiting",
    "paused",
    "closed",
    "hired",
    "withdrawn",
    "declined",
    "rejected",
)
# A log note's direction: `exchanged` is both ways (a call, a meeting).
DIRECTIONS = ("sent", "received", "exchanged")
# How a follow-up goes out (seeds 000-002: email first; a call with the key
# points written down; a LinkedIn request).
CHANNELS = ("email", "call", "linkedin")
_DURATION = re.compile(r"^(\d{1,12})\s*(d|w|m|y|days?|weeks?|months?|years?)$", re.IGNORECASE)


def parse_duration(value: Any) -> tuple[int, str] | None:
    """`10d`, `3w`, `2m`, `1y` (or spelled out) as (count, unit letter)."""
    if not isinstance(value, str):
        return None
    found = _DURATION.match(value.strip())
    if found is None or int(found.group(1)) == 0:
        return None
    return int(found.group(1)), found.group(2)[0].lower()


def too_long(interval: tuple[int, str]) -> bool:
    """Whether an interval may exceed MAX_DAYS (months and years counted long)."""
    count, unit = interval
    return count * {"d": 1, "w": 7, "m": 31, "y": 366}[unit] > MAX_DAYS


LONGEST = f"{MAX_DAYS // 365} years"
MAX_COUNT = 65535  # a port number, or minutes (45 days)


# Every front-matter key the tool reads, with the kind of value it holds; each
# key can be renamed in [keys].
KEY_KINDS: Mapping[str, str] = {
    "type": "text",
    "name": "label",
    "company": "label",
    "role": "label",
    "email": "list",
    "phone": "text",
    "linkedin": "text",
    "status": "text",
    "last_contact": "date",
    "replied": "date",
    "next": "date",
    "next_action": "text",
    "snooze": "date",
    "cadence": "interval",
    "max_followups": "count",
    "referred_by": "link",
    "topics": "list",
    "met": "date",
    "where": "text",
    "introduced": "date",
    "introduced_by": "link",
    "asked": "date",
    "promise": "text",
    "expected": "date",
    "urgent": "bool",
    "applied": "date",
    "contact": "link",
    "posting": "text",
    "interview": "moments",
    "interviewer": "link",
    "reply_by": "date",
    "format": "text",
    "referred": "date",
    "contacted": "date",
    "connected": "date",
    "closed": "date",
    "tags": "list",
    "date": "date",
    "with": "links",
    "direction": "text",
    "channel": "text",
    "follow_up_on": "date",
    "aliases": "list",
    "subject": "text",
    "message_id": "text",
}
KEYS = tuple(KEY_KINDS)


@dataclass(frozen=True, slots=True)
class Option:
    """One setting: where it lives, its kind, its default and what it does."""

    section: str
    name: str
    kind: str  # "int", "count", "bool", "str" (not empty), "text", "path", "list", "choice", "map"
    default: Any
    doc: str
    choices: tuple[str, ...] = ()
    seed: str = ""

    @property
    def dotted(self) -> str:
        return f"{self.section}.{self.name}" if self.section else self.name


def _rule(name: str, default: int, doc: str, seed: str) -> Option:
    return Option("rules", name, "int", default, doc, seed=seed)


OPTIONS: tuple[Option, ...] = (
    Option("", "due_file", "str", "Due.md", "Path of the generated index, relative to the vault."),
    Option(
        "",
        "timezone",
        "zone",
        "",
        "The vault's time zone, an IANA name (`Europe/Paris`): date-times become dates in it on "
        "every machine; empty: the machine's own zone. `init` writes the machine's.",
    ),
    Option("", "include", "list", [], "Globs of notes to read (default: every `.md`)."),
    Option("", "exclude", "list", [], "Globs of notes and folders never read."),
    Option("", "templates", "list", [], "Extra template folders (Obsidian's are read anyway)."),
    Option(
        "",
        "skip_weekends",
        "bool",
        False,
        "Keep dates off weekends without breaking the guidance: a deadline (thank-you within 24 hours) "
        "moves back to Friday, a date to wait for (check-in, nudge, keep-in-touch) on to Monday.",
    ),
    Option(
        "",
        "max_followups",
        "int",
        2,
        "Check-ins without an answer before the tool stops suggesting more.",
        seed="004",
    ),
    Option(
        "",
        "task_format",
        "choice",
        "auto",
        "Task line format; `auto` follows the Tasks plugin's setting.",
        choices=("auto", "emoji", "dataview"),
    ),
    Option(
        "",
        "keep_in_touch_after",
        "interval",
        "",
        "Keep-in-touch cadence (`3m`) once a process ends (an outcome, a rejection's stay-in-touch "
        "done, no answer after the last check-in) for notes without a `cadence`; empty: off.",
        seed="001",
    ),
    Option("", "tag", "str", "#followup", "Tag added to every generated task."),
    Option("", "heading", "str", "## Follow-ups", "Heading written above a new managed block."),
    Option(
        "",
        "link_style",
        "choice",
        "wikilink",
        "Links in Due.md: `wikilink` (Obsidian) or `markdown` (GitHub, other editors).",
        choices=("wikilink", "markdown"),
    ),
    Option(
        "",
        "due_checkboxes",
        "choice",
        "auto",
        "Checkboxes in Due.md: `auto` (only without the Tasks plugin), `always`, `never`.",
        choices=("auto", "always", "never"),
    ),
    Option(
        "",
        "ics_file",
        "path",
        "",
        "Also write the open steps to this iCalendar file on every sync (`Follow-ups.ics`), "
        "for a calendar app to subscribe to; empty: off.",
    ),
    Option(
        "",
        "stats_file",
        "path",
        "",
        "Also keep the search's figures (funnel, reply times, what follow-ups earn, activity "
        "per week, cooling relationships) in this note on every sync (`Stats.md`); empty: off.",
    ),
    Option(
        "",
        "draft_templates",
        "path",
        DRAFT_TEMPLATES,
        "Folder of your own email templates for `draft` (`thank-you.txt`, `check-in.txt`…), "
        "kept in git with the vault.",
    ),
    Option("me", "name", "text", "", "Your name, to sign the drafts with.", seed="002"),
    Option("me", "signature", "list", [], "Lines under your name (phone, LinkedIn…).", seed="002"),
    Option("me", "emails", "list", [], "Your own email addresses.", seed="002"),
    Option("keys", "*", "map", {}, 'Rename a front-matter key: `applied = "Applied-Date"`.'),
    Option("types", "*", "map", {}, 'Map a `type` value to one of ours: `Applied = "application"`.'),
    Option("statuses", "*", "map", {}, 'Map a status value to one of ours: `Offered = "active"`.'),
    Option("folders", "*", "map", {}, 'Every note in a folder has a type: `People = "contact"`.'),
    Option("tags", "*", "map", {}, 'A note with a tag has a type: `"job/contact" = "contact"`.'),
    Option(
        "directions", "*", "map", {}, 'Map a log `direction` value to one of ours: `Exchanged = "exchanged"`.'
    ),
    Option(
        "cadence",
        "*",
        "map",
        {},
        "Default `cadence` for notes without one, by type, folder (ends in `/`) or tag (starts with "
        '`#`): `contact = "3m"`, `"People/Mentors/" = "1m"`, `"#family" = "6m"`; a tag wins over a '
        "folder over a type.",
        seed="001",
    ),
    _rule("reconnect_start", 1, "Days after `met` to start reconnecting.", "002"),
    _rule("reconnect_due", 3, "Days after `met` to have reconnected.", "002"),
    _rule("introduction_due", 2, "Days after `introduced` to thank and reach out.", "002"),
    _rule("help_after_expected", 1, "Days after `expected` to nudge a helper.", "002"),
    _rule("help_urgent", 3, "Days after `asked` to nudge when `urgent`.", "002"),
    _rule("help_default", 7, "Days after `asked` to nudge otherwise.", "002"),
    _rule("confirm_start", 2, "Days after `applied` to start confirming receipt.", "002"),
    _rule("confirm_due", 7, "Days after `applied` to have confirmed receipt.", "002"),
    _rule("prepare_before", 1, "Days before an interview to draft the thank-you.", "003"),
    _rule("thank_you_days", 1, "Days after an interview to have sent thanks.", "002"),
    _rule("check_in_after_reply_by", 2, "Days after `reply_by` to check in.", "002"),
    _rule("check_in_start", 3, "Days after an interview to start checking in.", "002"),
    _rule("check_in_due", 5, "Days after an interview to have checked in.", "002"),
    _rule("check_in_repeat", 7, "Days after a check-in to send the next one.", "001"),
    _rule("referral_due", 2, "Days after `referred` to reach out.", "003"),
    _rule("update_source_due", 1, "Days after `connected` to update the source.", "003"),
    _rule("no_contact_after", 7, "Days after `contacted` to tell the source.", "003"),
    _rule("loop_in_source_due", 2, "Days after an interview to update the source.", "000"),
    _rule(
        "dormant_after",
        180,
        "Days of silence after which a contact with no cadence gets a `reconnect` (0: never).",
        "001",
    ),
    _rule("stay_in_touch_due", 2, "Days after a rejection to ask to stay in touch.", "001"),
    _rule("source_outcome_due", 2, "Days after the outcome (`closed`) to tell the source.", "000"),
    Option(
        "mail",
        "me",
        "list",
        [],
        "More of your own addresses for `mail` (besides `me.emails`): a message from one of them is `sent`.",
    ),
    Option(
        "mail",
        "folder",
        "path",
        "",
        "Folder for the log notes `mail` writes (default: the one `[folders]` maps to `log`, else `logs`).",
    ),
    Option("mail", "maildir", "list", [], "Maildir folders to read (a folder holding several is searched)."),
    Option("mail", "mbox", "list", [], "mbox files to read."),
    Option("mail", "imap_host", "text", "", "IMAP server (`imap.gmail.com`); empty: no IMAP."),
    Option("mail", "imap_port", "count", 0, "IMAP port; 0: 993 for `tls`, 143 for `starttls`."),
    Option(
        "mail",
        "imap_security",
        "choice",
        "tls",
        "`tls` (IMAPS), `starttls`, or `plain` (only to localhost, as a local Bridge or dovecot).",
        choices=("tls", "starttls", "plain"),
    ),
    Option("mail", "imap_user", "text", "", "IMAP login name (often your address)."),
    Option(
        "mail",
        "imap_folders",
        "list",
        ["INBOX", "\\Sent"],
        "IMAP folders to read; `\\Sent` is whichever folder the server marks as sent mail.",
    ),
    Option("mail", "imap_cafile", "text", "", "CA certificate file for a server with its own certificate."),
    Option(
        "mail",
        "password_env",
        "text",
        "FOLLOWUP_MD_IMAP_PASSWORD",
        "Environment variable holding the IMAP password.",
    ),
    Option(
        "mail",
        "password_command",
        "text",
        "",
        "Command printing the IMAP password (`pass show mail`), used when the variable is unset.",
    ),
    Option("mail", "check_every", "count", 5, "Minutes between mailbox checks in `watch`; 0: never."),
)


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


_MAP_TARGETS: Mapping[str, tuple[str, ...]] = {
    "keys": KEYS,
    "types": TYPES,
    "statuses": STATUSES,
    "folders": TYPES,
    "tags": TYPES,
    "directions": DIRECTIONS,
    "cadence": (),
}


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
    # The line of each `[section] name` in followup-md.toml ("section.name" -> line), for messages.
    lines: Mapping[str, int] = field(default_factory=dict, compare=False)
    mail: MailSettings = field(default_factory=MailSettings)

    def zone(self) -> tzinfo | None:
        """The vault's time zone, or None for the machine's local zone."""
        return _zone(self.timezone) if self.timezone else None

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
        return _reverse_keys(tuple(sorted(self.keys.items()))).get(theirs.casefold(), ())

    def line(self, section: str, name: str) -> int:
        """The line of a setting in followup-md.toml (1 when not known)."""
        return self.lines.get(f"{section}.{name}", 1)


@cache
def _zone(name: str) -> tzinfo:
    return ZoneInfo(name)


@cache
def _reverse_keys(renames: tuple[tuple[str, str], ...]) -> dict[str, tuple[str, ...]]:
    keys = dict(renames)
    reverse: dict[str, list[str]] = {}
    for ours in KEY_KINDS:
        reverse.setdefault(keys.get(ours, ours).casefold(), []).append(ours)
    return {theirs: tuple(names) for theirs, names in reverse.items()}


def _line_of(text: str, section: str, name: str | None) -> int:
    """Best-effort line of `name` in `[section]` (or of the section header)."""
    current = ""
    header = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
    for number, line in enumerate(text.splitlines(), 1):
        found = header.match(line)
        if found:
            current = found.group(1).strip("\"'")
            if name is None and current == section:
                return number
            continue
        if name is not None and current == section:
            key = re.match(r"^\s*[\"']?([^\"'=]+?)[\"']?\s*=", line)
            if key and key.group(1) == name:
                return number
    return 1


def _valid_names(section: str) -> str:
    names = [o.name for o in OPTIONS if o.section == section and o.name != "*"]
    if section == "":
        names += sorted({o.section for o in OPTIONS if o.section})
    return ", ".join(names)


def _check_value(option: Option, value: Any, where: tuple[str, int]) -> Any:
    path, line = where
    label = option.dotted
    if option.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
            raise ConfigError(f"{label} must be a whole number of days from 0 to {MAX_DAYS}", path, line)
        return value
    if option.kind == "count":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
            raise ConfigError(f"{label} must be a whole number from 0 to {MAX_COUNT}", path, line)
        return value
    if option.kind == "text":
        if not isinstance(value, str):
            raise ConfigError(f"{label} must be a string", path, line)
        return value.strip()
    if option.kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{label} must be true or false", path, line)
        return value
    if option.kind == "str":
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{label} must be a non-empty string", path, line)
        return value
    if option.kind == "text":
        if not isinstance(value, str):
            raise ConfigError(f"{label} must be a string", path, line)
        return value.strip()
    if option.kind == "path":
        if not isinstance(value, str):
            raise ConfigError(f"{label} must be a path inside the vault (a string)", path, line)
        return value.strip()
    if option.kind == "interval":
        if not isinstance(value, str) or (value.strip() and parse_duration(value) is None):
            raise ConfigError(f"{label} must be an interval like 10d, 3w, 2m or 1y (or empty)", path, line)
        if (interval := parse_duration(value)) is not None and too_long(interval):
            raise ConfigError(f"{label} must be an interval of at most {LONGEST}", path, line)
        return value.strip()
    if option.kind == "zone":
        if not isinstance(value, str):
            raise ConfigError(f"{label} must be an IANA time zone name such as Europe/Paris", path, line)
        try:
            if value.strip():
                _zone(value.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"{label}: unknown time zone {value!r}; use an IANA name such as Europe/Paris", path, line
            ) from None
        return value.strip()
    if option.kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{label} must be a list of strings", path, line)
        return tuple(value)
    if option.kind == "choice":
        if value not in option.choices:
            choices = ", ".join(option.choices)
            raise ConfigError(f"{label} must be one of: {choices} (got {value!r})", path, line)
        return value
    raise AssertionError(option.kind)  # pragma: no cover - the table has no other kinds


def _check_map(section: str, table: Any, text: str, path: str, lines: dict[str, int]) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ConfigError(f"[{section}] must be a table", path, _line_of(text, "", section))
    targets = _MAP_TARGETS[section]
    result: dict[str, str] = {}
    for name, value in table.items():
        line = _line_of(text, section, name)
        lines[f"{section}.{name}"] = line
        if section == "keys" and name not in KEYS:
            raise ConfigError(f"unknown key {name!r} in [keys]; valid keys: {', '.join(KEYS)}", path, line)
        if section == "cadence":
            if not name.endswith("/") and not name.startswith("#") and name not in TYPES:
                raise ConfigError(
                    f"[cadence] {name!r} is not a type ({', '.join(TYPES)}), a folder ending in / "
                    "or a tag starting with #",
                    path,
                    line,
                )
            interval = parse_duration(value)
            if interval is None:
                raise ConfigError(f"cadence.{name} must be an interval like 10d, 3w, 2m or 1y", path, line)
            if too_long(interval):
                raise ConfigError(f"cadence.{name} must be an interval of at most {LONGEST}", path, line)
        elif not isinstance(value, str) or (section != "keys" and value not in targets):
            valid = "a key name" if section == "keys" else ", ".join(targets)
            raise ConfigError(f"{section}.{name} must be {valid} (got {value!r})", path, line)
        result[name] = value
    return result


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
                f"{name} must be a .md path inside the vault, got {rel!r}", path, _line_of(text, "", name)
            )
    if config.stats_file == config.due_file:
        raise ConfigError(
            f"stats_file and due_file are both {config.due_file!r}", path, _line_of(text, "", "stats_file")
        )
    if config.ics_file and (not stays_inside(config.ics_file) or not config.ics_file.endswith(".ics")):
        raise ConfigError(
            f"ics_file must be a .ics path inside the vault, got {config.ics_file!r}",
            path,
            _line_of(text, "", "ics_file"),
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
                _line_of(text, section, name),
            )


def _check_sender(table: Any, text: str, path: str, by_place: Mapping[tuple[str, str], Option]) -> Sender:
    if not isinstance(table, dict):
        raise ConfigError("[me] must be a table", path, _line_of(text, "", "me"))
    values: dict[str, Any] = {}
    for name, value in table.items():
        option = by_place.get(("me", name))
        line = _line_of(text, "me", name)
        if option is None:
            raise ConfigError(f"unknown setting me.{name}; valid: {_valid_names('me')}", path, line)
        values[name] = _check_value(option, value, (path, line))
    return Sender(**values)


def parse_config(text: str, path: str = CONFIG_FILE) -> Config:
    """Validate the text of followup-md.toml against OPTIONS; errors carry file and line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        line = int(found.group(1)) if found else max(1, len(text.splitlines()))
        raise ConfigError(f"not valid TOML: {error}", path, line) from None
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    sections: dict[str, dict[str, Any]] = {"rules": dict(Config().rules), "mail": {}}
    by_place = {(o.section, o.name): o for o in OPTIONS}
    for name, value in data.items():
        if name in _MAP_TARGETS:
            values[name] = _check_map(name, value, text, path, lines)
        elif name in sections:
            if not isinstance(value, dict):
                raise ConfigError(f"[{name}] must be a table", path, _line_of(text, "", name))
            for setting, item in value.items():
                option = by_place.get((name, setting))
                line = _line_of(text, name, setting)
                if option is None:
                    valid = _valid_names(name)
                    raise ConfigError(f"unknown setting {name}.{setting}; valid: {valid}", path, line)
                sections[name][setting] = _check_value(option, item, (path, line))
        elif name == "me":
            values["sender"] = _check_sender(value, text, path, by_place)
        elif ("", name) in by_place:
            line = _line_of(text, "", name)
            values[name] = _check_value(by_place[("", name)], value, (path, line))
        else:
            line = _line_of(text, "", name)
            raise ConfigError(f"unknown setting {name!r}; valid: {_valid_names('')}", path, line)
    config = Config(rules=sections["rules"], mail=MailSettings(**sections["mail"]), lines=lines, **values)
    _check_paths(config, text, path)
    return config


def _shown(option: Option) -> str:
    if option.kind == "map":
        return "`{}`"
    if option.kind == "list":
        return f"`{json.dumps(option.default)}`"
    if option.kind == "bool":
        return f"`{str(option.default).lower()}`"
    if option.kind in ("int", "count"):
        return f"`{option.default}`"
    return f'`"{option.default}"`'


def options_markdown() -> str:
    """The README's config reference, generated from OPTIONS (a test keeps them equal)."""
    rows = ["| setting | default | what it does |", "|---|---|---|"]
    for option in OPTIONS:
        if option.section == "rules":
            continue
        name = f"[{option.section}]" if option.kind == "map" else option.dotted
        rows.append(f"| `{name}` | {_shown(option)} | {option.doc} |")
    rows += ["", "Rule windows, in days, under `[rules]`:", ""]
    rows += ["| setting | default | what it does | seed |", "|---|---|---|---|"]
    for option in OPTIONS:
        if option.section == "rules":
            rows.append(f"| `{option.name}` | `{option.default}` | {option.doc} | {option.seed} |")
    return "\n".join(rows) + "\n"
