"""Pure: the text of new things the user asks for: a note (`new`), a commented
config and note templates (`init`)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date, timedelta

from followup_md.config import Config
from followup_md.errors import UsageError
from followup_md.options import OPTIONS
from followup_md.schema import KEY_KINDS, TYPES

# The fact that starts each kind of note's follow-ups (SPEC 4), and what else is worth filling in.
TRIGGERS = {
    "contact": "met",
    "introduction": "introduced",
    "help": "asked",
    "application": "applied",
    "interview": "interview",
    "referral": "referred",
    "log": "date",
}
FIELDS = {
    "contact": ("company", "role", "email", "where", "topics"),
    "introduction": ("introduced_by", "company", "role", "email"),
    "help": ("promise", "expected", "email"),
    "application": ("company", "role", "contact", "email", "posting"),
    "interview": ("company", "role", "interviewer", "email", "reply_by", "format"),
    "referral": ("referred_by", "company", "role", "email", "contacted"),
    "log": ("with", "direction"),
}
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|#^\[\]]+')
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .,@/+_'-]*$")
_YAML_WORDS = re.compile(r"^(?:true|false|null|yes|no|on|off|~|[-+]?[0-9][0-9_.:eE+-]*)$", re.IGNORECASE)


def safe_file_name(name: str) -> str:
    """A file name for a note called `name` that every OS and Obsidian accept."""
    cleaned = _UNSAFE_NAME.sub(" ", name)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")[:120].strip(" .")
    if not cleaned:
        raise UsageError(f"{name!r} does not make a file name; give the note a name with letters in it")
    return cleaned


def yaml_scalar(value: str) -> str:
    """A YAML value that reads back as exactly `value` (a string; dates stay text)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?", value):
        return value
    if _PLAIN.match(value) and not _YAML_WORDS.match(value) and ": " not in value and " #" not in value:
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def parse_sets(pairs: Sequence[str]) -> list[tuple[str, str]]:
    """`key=value` options as pairs (the value may contain `=`)."""
    result = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set takes key=value, got {pair!r}")
        result.append((key.strip(), value.strip()))
    return result


def fill_template(text: str, name: str, today: date) -> str:
    """Obsidian's core `{{date}}`/`{{title}}` and Templater's commonest tags, filled."""
    day = today.isoformat()
    text = re.sub(r"\{\{\s*date(?::YYYY-MM-DD)?\s*\}\}", day, text)
    text = re.sub(r"\{\{\s*title\s*\}\}", name, text)
    text = re.sub(r"<%\s*tp\.date\.now\((?:\s*[\"']YYYY-MM-DD[\"']\s*)?\)\s*%>", day, text)
    return re.sub(r"<%\s*tp\.file\.title\s*%>", name, text)


_LIST = re.compile(r"^\[(?!\[)(.*)\]$", re.DOTALL)


def yaml_value(value: str) -> str:
    """`[a, b]` as a YAML list of strings, anything else as `yaml_scalar`
    (`[[Jane]]` is a link, not a list)."""
    found = _LIST.match(value)
    if found is None:
        return yaml_scalar(value)
    items = [item.strip() for item in found.group(1).split(",") if item.strip()]
    return "[" + ", ".join(yaml_scalar(item) for item in items) + "]"


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_OFFSET = re.compile(r"^([+-])(\d{1,4})([dw])$")


def relative_date(value: str, today: date) -> str | None:
    """`today`, `tomorrow`, `yesterday`, `+3d`, `-1w` or a weekday (the coming
    one: next week's on that very day) as an ISO date; None for anything else."""
    word = value.strip().lower()
    days = {"today": 0, "tomorrow": 1, "yesterday": -1}.get(word)
    found = _OFFSET.match(word)
    if found:
        sign, count, unit = found.groups()
        days = int(count) * (7 if unit == "w" else 1) * (-1 if sign == "-" else 1)
    elif len(word) >= 3 and days is None:
        weekday = next((n for n, name in enumerate(_WEEKDAYS) if name.startswith(word)), None)
        if weekday is not None:
            days = (weekday - today.weekday() - 1) % 7 + 1
    return (today + timedelta(days=days)).isoformat() if days is not None else None


def company_and_role(name: str) -> tuple[str, str] | None:
    """`Hooli - Backend Engineer` as (company, role), as people name application notes."""
    company, sep, role = name.partition(" - ")
    return (company.strip(), role.strip()) if sep and company.strip() and role.strip() else None


def set_front_matter(text: str, key: str, value: str) -> str:
    """`text` with `key: value` in its front matter (replaced, or added last)."""
    line = f"{key}: {yaml_value(value)}"
    if not text.startswith("---\n"):
        return f"---\n{line}\n---\n{text}"
    end = text.find("\n---", 3)
    if end == -1:
        raise UsageError("the template's front matter is never closed")
    front = text[4 : end + 1]
    pattern = re.compile(rf"^{re.escape(key)}[ \t]*:.*$", re.MULTILINE)
    if pattern.search(front):
        front = pattern.sub(lambda _: line, front, count=1)
    else:
        front += line + "\n"
    return "---\n" + front + text[end + 1 :]


def note_text(
    kind: str,
    name: str,
    sets: Sequence[tuple[str, str]],
    config: Config,
    today: date,
    template: str | None = None,
) -> str:
    """A new note of `kind`: the vault's template if it has one, else ours, with
    the triggering date set to today unless `sets` gives it."""
    if kind not in TYPES:
        from difflib import get_close_matches

        meant = get_close_matches(kind, TYPES, n=1, cutoff=0.8)
        hint = f"did you mean {meant[0]!r}?" if meant else f"one of: {', '.join(TYPES)}"
        raise UsageError(f"unknown type {kind!r}; {hint}")
    typed = [key for key, _ in sets if "type" in config.ours_for(key)]
    if typed:  # else a note of one type with another's fields and date
        raise UsageError(f"--set {typed[0]}=…: the type is the first argument ({kind}); nothing written")
    text = fill_template(template, name, today) if template is not None else ""
    sets = [(key, _dated(key, value, config, today)) for key, value in sets]
    given = dict(sets)
    trigger = config.key(TRIGGERS[kind])
    if template is None:
        lines = [f"{config.key('type')}: {kind}", f"{config.key('name')}: {yaml_scalar(name)}"]
        lines.append(f"{trigger}: {today.isoformat()}")
        lines += [f"{config.key(field)}:" for field in FIELDS[kind]]
        text = "---\n" + "\n".join(lines) + "\n---\n"
    else:
        text = set_front_matter(text, config.key("type"), kind)
        if trigger not in given and not _has_value(text, trigger):
            text = set_front_matter(text, trigger, today.isoformat())
    split = company_and_role(name) if kind in ("application", "interview") else None
    if split is not None:  # "Hooli - Backend Engineer" names the company and the role
        for field, value in zip((config.key("company"), config.key("role")), split, strict=True):
            if field not in given and not _has_value(text, field):
                sets.append((field, value))
    for key, value in sets:
        text = set_front_matter(text, key, value)
    return text


def _has_value(text: str, key: str) -> bool:
    front = text.split("\n---", 1)[0]
    return re.search(rf"^{re.escape(key)}[ \t]*:[ \t]*\S", front, re.MULTILINE) is not None


def _dated(key: str, value: str, config: Config, today: date) -> str:
    """A relative date given for a date key, written as the ISO date it means."""
    if any(KEY_KINDS[ours] in ("date", "moments") for ours in config.ours_for(key)):
        return relative_date(value, today) or value
    return value


def folder_for(kind: str, config: Config) -> str:
    """Where `new` puts a note of `kind`: the first folder config maps to it."""
    return next(
        (folder.strip("/") for folder, mapped in sorted(config.folders.items()) if mapped == kind), ""
    )


def note_template(kind: str, config: Config, templater: bool) -> str:
    """A note template for the vault's template folder (`init`)."""
    day = '<% tp.date.now("YYYY-MM-DD") %>' if templater else "{{date}}"
    lines = [f"{config.key('type')}: {kind}", f"{config.key(TRIGGERS[kind])}: {day}"]
    lines += [f"{config.key(field)}:" for field in FIELDS[kind]]
    return "---\n" + "\n".join(lines) + "\n---\n"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)  # a JSON string or list of strings is TOML too


def config_text(zone: str | None) -> str:
    """followup-md.toml with every setting at its default, commented out, but
    the vault's time zone set to `zone` (the machine's) when it is known."""
    out = [
        "# followup-md settings. Every line is the default; uncomment one to change it.",
        "# Reference: the Config section of followup-md's README.",
        "",
    ]
    for option in OPTIONS:
        if option.name == "timezone" and zone:
            out += [f"# {option.doc}", f"timezone = {_toml(zone)}", ""]
        elif option.section == "" and option.kind != "map":
            out += [f"# {option.doc}", f"# {option.name} = {_toml(option.default)}", ""]
    for option in OPTIONS:
        if option.kind == "map":
            out += [f"# {option.doc}", f"# [{option.section}]", ""]
    out.append("# Who you are: drafts sign with your name and signature lines.")
    out.append("# [me]")
    for option in OPTIONS:
        if option.section == "me":
            out.append(f"# {option.name} = {_toml(option.default)}  # {option.doc}")
    out.append("")
    out.append("# Rule windows, in days (each from the guidance in seeds/).")
    out.append("# [rules]")
    for option in OPTIONS:
        if option.section == "rules":
            out.append(f"# {option.name} = {option.default}  # {option.doc}")
    out += ["", "# Mailboxes for `followup-md mail` (see the README's Mail section).", "# [mail]"]
    for option in OPTIONS:
        if option.section == "mail":
            out.append(f"# {option.name} = {_toml(option.default)}  # {option.doc}")
    return "\n".join(out) + "\n"
