"""Typed facts: front-matter values under our key names, each read as its
key's kind says (dates, moments with their calendar day, links, lists, words,
intervals), and the status, direction and channel mapped to ours.

Pure: the local time zone, where a date-time must become a day, is an argument.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote

from followup_md.config import Config
from followup_md.errors import NoteError
from followup_md.model import YEARS, Link, Moment, in_range, shared
from followup_md.schema import CHANNELS, DIRECTIONS, KEY_KINDS, LONGEST, STATUSES, parse_duration, too_long

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
    r" ?(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_WIKILINK = re.compile(r"^\[\[([^\]|#^]*)(?:[#^][^\]|]*)?(?:\|([^\]]*))?\]\]$")
_MDLINK = re.compile(r"^\[([^\]]*)\]\(([^)]*)\)$")


def parse_date(value: Any, key: str, path: str, line: int, tz: tzinfo | None) -> date:
    """A local calendar date from a date, a date-time or an ISO string."""
    return _days(value, key, path, line, tz)[0]


def _local(moment: datetime, tz: tzinfo | None) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz) if tz is not None else moment.astimezone()
    return moment.astimezone(tz) if tz is not None else moment.astimezone()


def parse_moment(value: Any, key: str, path: str, line: int, tz: tzinfo | None) -> Moment:
    """A date or date-time as a local day and the local day 24 hours later."""
    return Moment(*_days(value, key, path, line, tz))


_DAY = timedelta(days=1)  # built once: building a timedelta costs more than adding one
_DAY_LONG = timedelta(hours=24)


def _days(value: Any, key: str, path: str, line: int, tz: tzinfo | None) -> tuple[date, date]:
    """`parse_moment`'s two days."""
    try:
        moment = _moment(value)
        if moment is not None and not in_range(moment.date() if isinstance(moment, datetime) else moment):
            raise OverflowError
        if isinstance(moment, datetime):
            local = _local(moment, tz)
            later = (local.astimezone(UTC) + _DAY_LONG).astimezone(tz)
            return shared(local.date()), shared(later.date())
        if moment is not None:
            return shared(moment), shared(moment + _DAY)
    except ValueError:
        raise NoteError(f"{key}: {_shown(value)} is not a real date", path, line) from None
    except OverflowError:
        raise NoteError(f"{key}: {_shown(value)} is outside {YEARS}", path, line) from None
    raise NoteError(f"{key}: expected a date like 2026-11-20 or 2026-11-20T14:30, got {value!r}", path, line)


def _shown(value: Any) -> str:
    return (
        value.strip()
        if isinstance(value, str)
        else value.isoformat()
        if isinstance(value, date)
        else repr(value)
    )


def _moment(value: Any) -> date | datetime | None:
    """A date or date-time from YAML's value, an ISO string or a link to a
    daily note (`linked_day`); None if it is none of them; ValueError if it
    names no real day."""
    if isinstance(value, date):
        return value
    text = value.strip() if isinstance(value, str) else ""
    found = _DATE.match(text)
    if found:
        year, month, day = found.groups()
        return date(int(year), int(month), int(day))
    found = _DATETIME.match(text)
    if not found:
        return linked_day(value)
    *parts, offset = found.groups()
    numbers = [int(part) if part else 0 for part in parts]
    moment = datetime.fromisoformat("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}".format(*numbers))
    if offset:
        moment = datetime.fromisoformat(moment.isoformat() + ("+00:00" if offset == "Z" else offset))
    return moment


def linked_day(value: Any) -> date | None:
    """The day a link to a daily note names (`[[2026-11-18]]`, quoted or not,
    `[[Daily/2026-11-18|Wed]]`, a Markdown link to the note), as Obsidian
    users write a date; None for any other value (a plain text, a link to a
    web page). ValueError if it names no real day."""
    link = parse_link(value) if isinstance(value, str | list) else None
    if link is None or link.target == value or ":" in link.target:  # a note's name holds no `:`: a URL
        return None
    found = _DATE.match(link.target.rsplit("/", 1)[-1])
    return date(*map(int, found.groups())) if found else None


def _offset(value: str) -> bool:
    """Whether a string is a date-time with a UTC offset (it holds a `:`; most values do not)."""
    return ":" in value and (found := _DATETIME.match(value.strip())) is not None and bool(found.group(7))


def has_offset(values: Any) -> bool:
    """Whether front-matter values hold a date-time with a UTC offset."""
    for value in values:
        if isinstance(value, list) and has_offset(value):
            return True
        if isinstance(value, datetime) and value.tzinfo is not None:
            return True
        if isinstance(value, str) and _offset(value):
            return True
    return False


def file_name(path: str) -> str:
    """`PurePosixPath(path).name` without making one (a few µs): the last part,
    unless that is empty or `.` (parts PurePosixPath drops)."""
    name = path[path.rfind("/") + 1 :]
    return name if name not in ("", ".") else PurePosixPath(path).name


def file_stem(path: str) -> str:
    """`PurePosixPath(path).stem` likewise: the name without its suffix (a
    name that starts or ends with its last `.` is left to PurePosixPath)."""
    name = file_name(path)
    dot = name.rfind(".")
    if dot == -1:
        return name
    return name[:dot] if 0 < dot < len(name) - 1 else PurePosixPath(name).stem


def parse_link(value: Any) -> Link | None:
    """A wikilink, aliased wikilink, Markdown link or plain name as a Link."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        # `key: [[Jane Doe]]` without quotes is a YAML list of a list.
        inner = value[0]
        if len(inner) == 1 and isinstance(inner[0], str):
            found = _WIKILINK.match(f"[[{inner[0]}]]")  # `[[Sam Lee|Sam]]`: its alias, as quoted
            if found is not None:
                target = found.group(1).strip()
                return Link(target, (found.group(2) or "").strip() or file_name(target))
            return Link(inner[0].strip(), inner[0].strip())
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text:
        return None
    found = _WIKILINK.match(text)
    if found:
        target = found.group(1).strip()
        shown = (found.group(2) or "").strip() or file_name(target)
        return Link(target, shown)
    found = _MDLINK.match(text)
    if found:
        target = unquote(found.group(2).strip()).removesuffix(".md")
        return Link(target, found.group(1).strip() or file_name(target))
    return Link(text, text)


def _wrong(key: str, what: str, value: Any, path: str, line: int) -> NoteError:
    return NoteError(f"{key}: expected {what}, got {value!r}", path, line)


def coerce_facts(
    raw: Mapping[str, Any],
    keys: Mapping[str, str],
    lines: Mapping[str, int],
    path: str,
    tz: tzinfo | None,
) -> tuple[dict[str, Any], dict[str, tuple[str, int]]]:
    """Our facts, under our key names, typed; empty values are absent. Also
    where each came from: our key -> (the note's key, its line). `keys`: our
    key -> the note's key holding it, in the note's order."""
    facts: dict[str, Any] = {}
    sources: dict[str, tuple[str, int]] = {}
    for ours, theirs in keys.items():
        value = raw[theirs]
        if value is None or value == "" or value == []:
            continue
        line = lines.get(theirs, 1)
        sources[ours] = (theirs, line)
        if ours != "type":  # read by `note_type`
            facts[ours] = _COERCE[KEY_KINDS[ours]](value, theirs, path, line, tz)
    return facts, sources


def _moments(value: Any, key: str, path: str, line: int, tz: tzinfo | None) -> tuple[Moment, ...]:
    rounds = value if isinstance(value, list) and parse_link(value) is None else [value]  # [[2026-11-18]]
    moments = [parse_moment(v, key, path, line, tz) for v in rounds if v not in ("", None)]
    return tuple(sorted(moments, key=lambda m: m.day))


def _link(value: Any, key: str, path: str, line: int, tz: tzinfo | None) -> Link:
    link = parse_link(value)
    if link is None:
        raise _wrong(key, "a name or a [[link]]", value, path, line)
    return link


def _links(value: Any, key: str, path: str, line: int, tz: tzinfo | None) -> tuple[Link, ...]:
    items = value if isinstance(value, list) and not parse_link(value) else [value]
    links = [parse_link(item) for item in items if item not in ("", None)]
    if not all(links):
        raise _wrong(key, "links to notes", value, path, line)
    return tuple(link for link in links if link)


def _people(value: Any, key: str, path: str, line: int, tz: tzinfo | None) -> Link | tuple[Link, ...]:
    """Whom an application or interview is with: one person (a name or a
    [[link]]) or several, as Obsidian writes a list property (a panel)."""
    if not isinstance(value, list) or parse_link(value) is not None:
        return _link(value, key, path, line, tz)
    once: dict[str, Link] = {}  # each person once (by the note named), not greeted twice
    for link in _links(value, key, path, line, tz):
        once.setdefault(link.target.casefold(), link)
    people = tuple(once.values())
    return people[0] if len(people) == 1 else people


def _words(value: Any, key: str, path: str, line: int, tz: tzinfo | None) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str | int | float) for item in items):
        raise _wrong(key, "a list of words", value, path, line)
    return tuple(str(item).strip() for item in items if str(item).strip())


def _label(value: Any, key: str, path: str, line: int, tz: tzinfo | None) -> str:
    label = parse_link(value)
    if label is not None:
        return label.text  # a link is shown by its display text everywhere
    return _text(value, key, path, line, tz)


def _bool(value: Any, key: str, path: str, line: int, tz: tzinfo | None) -> bool:
    if isinstance(value, str) and value.lower() in ("yes", "true", "no", "false"):
        value = value.lower() in ("yes", "true")
    if not isinstance(value, bool):
        raise _wrong(key, "true or false", value, path, line)
    return value


_COUNT_DIGITS = 18  # far more check-ins than anyone sends, far fewer digits than int() reads


def _count(value: Any, key: str, path: str, line: int, tz: tzinfo | None) -> int:
    text = value.strip() if isinstance(value, str) else ""
    # A text property holding a number (Obsidian writes `"3"`); int() refuses
    # (ValueError) a text of more digits than 4300, which is no count either.
    if text.isascii() and text.isdigit() and len(text) <= _COUNT_DIGITS:
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _wrong(key, "a whole number, 0 or more", value, path, line)
    return value


def _interval(value: Any, key: str, path: str, line: int, tz: tzinfo | None) -> tuple[int, str]:
    duration = parse_duration(value)
    if duration is None:
        raise _wrong(key, "an interval like 10d, 3w, 2m or 1y", value, path, line)
    if too_long(duration):
        raise NoteError(f"{key}: {_shown(value)} is longer than {LONGEST}", path, line)
    return duration


def _text(value: Any, key: str, path: str, line: int, tz: tzinfo | None) -> str:
    if isinstance(value, list | dict):
        raise _wrong(key, "a single value", value, path, line)
    return str(value).strip() if not isinstance(value, bool) else str(value).lower()


# How each kind of KEY_KINDS is read: (value, the note's key, path, line, zone) -> the fact.
_COERCE: Mapping[str, Callable[[Any, str, str, int, tzinfo | None], Any]] = {
    "date": parse_date,
    "moments": _moments,
    "link": _link,
    "links": _links,
    "people": _people,
    "list": _words,
    "label": _label,
    "bool": _bool,
    "count": _count,
    "interval": _interval,
    "text": _text,
}


def check_choices(
    facts: dict[str, Any], sources: Mapping[str, tuple[str, int]], config: Config, path: str
) -> set[tuple[str, str]]:
    """Map `status`, `direction` and `channel` to ours; the aliases used."""
    uses: set[tuple[str, str]] = set()
    choices: tuple[tuple[str, str, Mapping[str, str], tuple[str, ...], str], ...] = (
        (
            "status",
            "statuses",
            config.statuses,
            STATUSES,
            "{theirs}: {value!r} is not one of {known} (map it in followup-md.toml [statuses])",
        ),
        (
            "direction",
            "directions",
            config.directions,
            DIRECTIONS,
            "{theirs}: expected {known}, got {value!r} (map it in followup-md.toml [directions])",
        ),
        ("channel", "", {}, CHANNELS, "{theirs}: expected {known}, got {value!r}"),
    )
    for key, section, aliases, known, wrong in choices:
        value = facts.get(key)
        if value is None:
            continue
        if value in aliases:
            uses.add((section, value))
        mapped = aliases.get(value, value.lower())
        if mapped not in known:
            theirs, line = sources[key]
            near = difflib.get_close_matches(mapped, known, 1, 0.75)
            meant = f"; did you mean {near[0]!r}?" if near else ""
            raise NoteError(
                wrong.format(theirs=theirs, value=value, known=", ".join(known)) + meant, path, line
            )
        facts[key] = mapped
    return uses
