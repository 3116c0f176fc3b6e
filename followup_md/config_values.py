"""One setting of followup-md.toml checked against its option: each kind's rule
(days, counts, text, paths, intervals, time zones, lists, choices) and the
maps (`[keys]`, `[types]`, `[cadence]`…), every error at the setting's line. Pure."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import tzinfo
from functools import cache
from typing import Any

from followup_md.errors import ConfigError
from followup_md.model import MAX_DAYS
from followup_md.options import Option
from followup_md.schema import DIRECTIONS, KEYS, LONGEST, STATUSES, TYPES, parse_duration, too_long

MAX_COUNT = 65535  # a port number, or minutes (45 days)
Where = tuple[str, int]  # (file, line) of a setting, for its error

# The sections that map a name of the vault's to one of ours, and what it may map to.
MAP_TARGETS: Mapping[str, tuple[str, ...]] = {
    "keys": KEYS,
    "types": TYPES,
    "statuses": STATUSES,
    "folders": TYPES,
    "tags": TYPES,
    "directions": DIRECTIONS,
    "cadence": (),
}


@cache
def time_zone(name: str) -> tzinfo:
    """The IANA time zone `name` (ZoneInfoNotFoundError, a KeyError, or
    ValueError if there is none). zoneinfo is loaded only by a vault that names
    its zone: a no-op sync does not pay for it."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def line_of(text: str, section: str, name: str | None) -> int:
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


def _whole(limit: int) -> Callable[[Any], bool]:
    """A test for a whole number from 0 to `limit` (a bool, an int to Python, is not one)."""
    return lambda value: not isinstance(value, bool) and isinstance(value, int) and 0 <= value <= limit


def _same(value: Any) -> Any:
    """The value as it was given."""
    return value


# Each plain kind of the option table: whether a value is one, what the error
# says it must be, and the value as the setting keeps it.
_PLAIN: Mapping[str, tuple[Callable[[Any], bool], str, Callable[[Any], Any]]] = {
    "int": (_whole(MAX_DAYS), f"must be a whole number of days from 0 to {MAX_DAYS}", _same),
    "count": (_whole(MAX_COUNT), f"must be a whole number from 0 to {MAX_COUNT}", _same),
    "text": (lambda value: isinstance(value, str), "must be a string", str.strip),
    "bool": (lambda value: isinstance(value, bool), "must be true or false", _same),
    "str": (
        lambda value: isinstance(value, str) and bool(value.strip()),
        "must be a non-empty string",
        _same,
    ),
    "path": (lambda value: isinstance(value, str), "must be a path inside the vault (a string)", str.strip),
    "list": (
        lambda value: isinstance(value, list) and all(isinstance(v, str) for v in value),
        "must be a list of strings",
        tuple,
    ),
}


def _interval(option: Option, value: Any, where: Where) -> Any:
    label = option.dotted
    if not isinstance(value, str) or (value.strip() and parse_duration(value) is None):
        raise ConfigError(f"{label} must be an interval like 10d, 3w, 2m or 1y (or empty)", *where)
    if (interval := parse_duration(value)) is not None and too_long(interval):
        raise ConfigError(f"{label} must be an interval of at most {LONGEST}", *where)
    return value.strip()


def _zone(option: Option, value: Any, where: Where) -> Any:
    label = option.dotted
    if not isinstance(value, str):
        raise ConfigError(f"{label} must be an IANA time zone name such as Europe/Paris", *where)
    try:
        if value.strip():
            time_zone(value.strip())
    except (KeyError, ValueError):  # ZoneInfoNotFoundError is a KeyError
        raise ConfigError(
            f"{label}: unknown time zone {value!r}; use an IANA name such as Europe/Paris", *where
        ) from None
    return value.strip()


# One Obsidian tag: `#`, then letters (of any script), digits, `_`, `-` and `/`
# (nested tags), not digits alone; a space or a punctuation mark ends a tag.
_TAG = re.compile(r"#(?!\d+$)[\w/-]+")


def _tag(option: Option, value: Any, where: Where) -> Any:
    if not isinstance(value, str) or not _TAG.fullmatch(value.strip()):
        raise ConfigError(f"{option.dotted} must be one tag like #followup (got {value!r})", *where)
    return value.strip()


def _choice(option: Option, value: Any, where: Where) -> Any:
    if value not in option.choices:
        choices = ", ".join(option.choices)
        raise ConfigError(f"{option.dotted} must be one of: {choices} (got {value!r})", *where)
    return value


# The kinds that take more than one test; "map" is a whole section (`check_map`).
_CHECKS: Mapping[str, Callable[[Option, Any, Where], Any]] = {
    "interval": _interval,
    "zone": _zone,
    "choice": _choice,
    "tag": _tag,
}


def check_value(option: Option, value: Any, where: Where) -> Any:
    """`value` as the setting holds it, or a ConfigError at `where`."""
    if option.kind not in _PLAIN:
        return _CHECKS[option.kind](option, value, where)
    accepts, must_be, kept = _PLAIN[option.kind]
    if not accepts(value):
        raise ConfigError(f"{option.dotted} {must_be}", *where)
    return kept(value)


def _check_cadence(name: str, value: Any, where: Where) -> None:
    """A `[cadence]` entry: a type, folder or tag, and an interval."""
    if not name.endswith("/") and not name.startswith("#") and name not in TYPES:
        raise ConfigError(
            f"[cadence] {name!r} is not a type ({', '.join(TYPES)}), a folder ending in / "
            "or a tag starting with #",
            *where,
        )
    interval = parse_duration(value)
    if interval is None:
        raise ConfigError(f"cadence.{name} must be an interval like 10d, 3w, 2m or 1y", *where)
    if too_long(interval):
        raise ConfigError(f"cadence.{name} must be an interval of at most {LONGEST}", *where)


def check_map(section: str, table: Any, text: str, path: str, lines: dict[str, int]) -> dict[str, str]:
    """A section of MAP_TARGETS as {their name: ours}; each entry's line goes into `lines`."""
    if not isinstance(table, dict):
        raise ConfigError(f"[{section}] must be a table", path, line_of(text, "", section))
    targets = MAP_TARGETS[section]
    result: dict[str, str] = {}
    for name, value in table.items():
        line = line_of(text, section, name)
        lines[f"{section}.{name}"] = line
        if section == "keys" and name not in KEYS:
            raise ConfigError(f"unknown key {name!r} in [keys]; valid keys: {', '.join(KEYS)}", path, line)
        if section == "cadence":
            _check_cadence(name, value, (path, line))
        elif not isinstance(value, str) or (section != "keys" and value not in targets):
            valid = "a key name" if section == "keys" else ", ".join(targets)
            raise ConfigError(f"{section}.{name} must be {valid} (got {value!r})", path, line)
        result[name] = value
    return result
