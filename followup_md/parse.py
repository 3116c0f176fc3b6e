"""bytes -> Note: decoding, front matter, which notes are ours, typed facts.

Pure: every function takes the file's bytes (and the local time zone where a
date-time must become a calendar day) and reads nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote

from followup_md.blocks import find_block, read_tasks, split_lines
from followup_md.config import (
    CHANNELS,
    DIRECTIONS,
    KEY_KINDS,
    LONGEST,
    STATUSES,
    TYPES,
    Config,
    parse_duration,
    too_long,
)
from followup_md.errors import NoteError
from followup_md.model import YEARS, Link, Moment, Note, NoteFile, Problem, ReadFile, TaskSyntax, in_range
from followup_md.yamlcore import MAX_FRONT_MATTER, load_mapping

MAX_NOTE_BYTES = 8 << 20  # a follow-up note is a few KB; a larger file is left alone
# Conflict copies made by sync tools: Syncthing's `x.sync-conflict-20261120-093000-ABCDEFG.md`,
# Dropbox's and Nextcloud's `x (conflicted copy 2026-11-20).md`, `x (Ann's conflicted copy …).md`.
_CONFLICT_COPY = re.compile(
    r"\.sync-conflict-\d{8}-\d{6}-[A-Z0-9]{7}\.md$|\((?:[^()]*['’]s )?conflicted copy[^()]*\)\.md$",
    re.IGNORECASE,
)
_CONFLICT = re.compile(r"^(?:<{7}|>{7})(?: |$)", re.MULTILINE)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
    r" ?(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_WIKILINK = re.compile(r"^\[\[([^\]|#^]*)(?:[#^][^\]|]*)?(?:\|([^\]]*))?\]\]$")
_MDLINK = re.compile(r"^\[([^\]]*)\]\(([^)]*)\)$")


def decode_note(data: bytes, path: str) -> str:
    """UTF-8 text (a BOM is kept: it is the user's byte); NoteError with the line of the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise NoteError("not UTF-8 text; save the note as UTF-8", path, line) from None
    return text


def split_front_matter(text: str) -> tuple[str | None, int]:
    """(front matter text or None, index where the body starts).

    Obsidian only reads front matter that opens on the very first line with
    `---` and closes with a `---` line. An opening without a close is reported
    by raising ValueError with the opening's index.
    """
    first = text.find("\n")
    if first == -1 or text[:first].lstrip("\ufeff").rstrip() != "---":
        return None, 0
    start = first + 1
    position = start
    while True:
        end = text.find("\n", position)
        line = text[position:] if end == -1 else text[position:end]
        if line.rstrip() == "---":
            return text[start:position], (len(text) if end == -1 else end + 1)
        if end == -1:
            raise ValueError(0)
        position = end + 1


def _key_value(front: str, key: str) -> str | None:
    """The raw scalar value of a top-level `key:` line, without a YAML parse."""
    found = re.search(rf"^{re.escape(key)}[ \t]*:[ \t]*(.*?)[ \t]*\r?$", front, re.MULTILINE)
    if found is None:
        return None
    return found.group(1).strip("\"'")


def _damerau(a: str, b: str) -> int:
    """Optimal string alignment distance (a transposition costs one)."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


@cache
def near_miss(value: str) -> str | None:
    """One of our types that `value` is probably a misspelling of."""
    lowered = value.lower()
    for known in TYPES:
        if len(known) >= 5 and lowered != known:
            limit = 1 if len(known) < 8 else 2
            if abs(len(lowered) - len(known)) <= limit and _damerau(lowered, known) <= limit:
                return known
    return None


@cache
def _type_line(key: str) -> re.Pattern[bytes]:
    return re.compile(rb"^" + re.escape(key.encode()) + rb"[ \t]*:[ \t]*([^\r\n]*)", re.MULTILINE)


_CLOSE = re.compile(rb"[ \t]*\r?(?:\n|$)")


def surely_not_ours(data: bytes, config: Config) -> bool:
    """A cheap test on the raw bytes, before any decoding or YAML: True only for
    files `read_note` would certainly find are not ours (no front matter, or a
    `type` that is not ours and no near miss). Folder rules are checked first."""
    if not data.startswith((b"---", b"\xef\xbb\xbf---")):
        return True
    end = data.find(b"\n---", 3)
    if end == -1 or not _CLOSE.match(data, end + 4):
        return False  # unusual: let the full reader decide
    found = _type_line(config.key("type")).search(data, 0, end + 1)
    if found is None:
        return not any(tag.encode() in data[:end] for tag in config.tags)
    raw = found.group(1).decode("utf-8", errors="replace").strip().strip("\"'")
    if not raw:
        return not any(tag.encode() in data[:end] for tag in config.tags)
    return map_type(raw, config) is None and (raw in config.types or near_miss(raw) is None)


def map_type(value: Any, config: Config) -> str | None:
    """Our type for a `type` value (config aliases first, then ours, any case)."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if value in config.types:
        return config.types[value]
    lowered = value.lower()
    return lowered if lowered in TYPES else None


def _folder_type(path: str, config: Config) -> str | None:
    if not config.folders:
        return None
    parents = PurePosixPath(path).parents
    for folder, kind in config.folders.items():
        folder = folder.strip("/")
        if any(str(parent) == folder for parent in parents):
            return kind
    return None


def _tag_type(tags: Any, config: Config) -> str | None:
    names = tags if isinstance(tags, list) else [tags]
    for name in names:
        if isinstance(name, str):
            kind = config.tags.get(name.lstrip("#"))
            if kind:
                return kind
    return None


def parse_date(value: Any, key: str, path: str, line: int, tz: tzinfo | None) -> date:
    """A local calendar date from a date, a date-time or an ISO string."""
    return parse_moment(value, key, path, line, tz).day


def _local(moment: datetime, tz: tzinfo | None) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz) if tz is not None else moment.astimezone()
    return moment.astimezone(tz) if tz is not None else moment.astimezone()


def parse_moment(value: Any, key: str, path: str, line: int, tz: tzinfo | None) -> Moment:
    """A date or date-time as a local day and the local day 24 hours later."""
    try:
        moment = _moment(value)
        if moment is not None and not in_range(moment.date() if isinstance(moment, datetime) else moment):
            raise OverflowError
        if isinstance(moment, datetime):
            local = _local(moment, tz)
            later = (local.astimezone(UTC) + timedelta(hours=24)).astimezone(tz)
            return Moment(local.date(), later.date())
        if moment is not None:
            return Moment(moment, moment + timedelta(days=1))
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
    """A date or date-time from YAML's value or an ISO string; None if it is
    neither; ValueError if it names no real day."""
    if isinstance(value, date):
        return value
    text = value.strip() if isinstance(value, str) else ""
    found = _DATE.match(text)
    if found:
        return date(*(int(part) for part in found.groups()))
    found = _DATETIME.match(text)
    if not found:
        return None
    *parts, offset = found.groups()
    numbers = [int(part) if part else 0 for part in parts]
    moment = datetime.fromisoformat("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}".format(*numbers))
    if offset:
        moment = datetime.fromisoformat(moment.isoformat() + ("+00:00" if offset == "Z" else offset))
    return moment


def has_offset(values: Any) -> bool:
    """Whether front-matter values hold a date-time with a UTC offset."""
    for value in values:
        if isinstance(value, list) and has_offset(value):
            return True
        if isinstance(value, datetime) and value.tzinfo is not None:
            return True
        if isinstance(value, str) and (found := _DATETIME.match(value.strip())) and found.group(7):
            return True
    return False


def parse_link(value: Any) -> Link | None:
    """A wikilink, aliased wikilink, Markdown link or plain name as a Link."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        # `key: [[Jane Doe]]` without quotes is a YAML list of a list.
        inner = value[0]
        if len(inner) == 1 and isinstance(inner[0], str):
            return Link(inner[0].strip(), inner[0].strip())
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text:
        return None
    found = _WIKILINK.match(text)
    if found:
        target = found.group(1).strip()
        shown = (found.group(2) or "").strip() or PurePosixPath(target).name
        return Link(target, shown)
    found = _MDLINK.match(text)
    if found:
        target = unquote(found.group(2).strip()).removesuffix(".md")
        return Link(target, found.group(1).strip() or PurePosixPath(target).name)
    return Link(text, text)


def _wrong(key: str, what: str, value: Any, path: str, line: int) -> NoteError:
    return NoteError(f"{key}: expected {what}, got {value!r}", path, line)


def coerce_facts(
    raw: Mapping[str, Any],
    lines: Mapping[str, int],
    config: Config,
    path: str,
    tz: tzinfo | None,
) -> tuple[dict[str, Any], dict[str, int]]:
    """Our facts, under our key names, typed; empty values are absent."""
    facts: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    for theirs, value in raw.items():
        if value is None or value == "" or value == []:
            continue
        for ours in config.ours_for(theirs):
            if ours != "type":
                _coerce_one(facts, key_lines, ours, theirs, value, lines.get(theirs, 1), path, tz)
    return facts, key_lines


def _coerce_one(
    facts: dict[str, Any],
    key_lines: dict[str, int],
    ours: str,
    theirs: str,
    value: Any,
    line: int,
    path: str,
    tz: tzinfo | None,
) -> None:
    kind = KEY_KINDS[ours]
    key_lines[ours] = line
    if kind == "date":
        facts[ours] = parse_date(value, theirs, path, line, tz)
    elif kind == "moments":
        rounds = value if isinstance(value, list) else [value]
        moments = [parse_moment(v, theirs, path, line, tz) for v in rounds if v not in ("", None)]
        facts[ours] = tuple(sorted(moments, key=lambda m: m.day))
    elif kind == "link":
        link = parse_link(value)
        if link is None:
            raise _wrong(theirs, "a name or a [[link]]", value, path, line)
        facts[ours] = link
    elif kind == "links":
        items = value if isinstance(value, list) and not parse_link(value) else [value]
        links = [parse_link(item) for item in items if item not in ("", None)]
        if not all(links):
            raise _wrong(theirs, "links to notes", value, path, line)
        facts[ours] = tuple(link for link in links if link)
    elif kind == "list":
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str | int | float) for item in items):
            raise _wrong(theirs, "a list of words", value, path, line)
        facts[ours] = tuple(str(item).strip() for item in items if str(item).strip())
    elif kind == "bool":
        if isinstance(value, str) and value.lower() in ("yes", "true", "no", "false"):
            value = value.lower() in ("yes", "true")
        if not isinstance(value, bool):
            raise _wrong(theirs, "true or false", value, path, line)
        facts[ours] = value
    elif kind == "count":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _wrong(theirs, "a whole number", value, path, line)
        facts[ours] = value
    elif kind == "interval":
        duration = parse_duration(value)
        if duration is None:
            raise _wrong(theirs, "an interval like 10d, 3w, 2m or 1y", value, path, line)
        if too_long(duration):
            raise NoteError(f"{theirs}: {_shown(value)} is longer than {LONGEST}", path, line)
        facts[ours] = duration
    else:
        if isinstance(value, list | dict):
            raise _wrong(theirs, "a single value", value, path, line)
        facts[ours] = str(value).strip() if not isinstance(value, bool) else str(value).lower()


def _check_choices(facts: dict[str, Any], key_lines: Mapping[str, int], config: Config, path: str) -> None:
    status = facts.get("status")
    if status is not None:
        mapped = config.statuses.get(status, status.lower())
        if mapped not in STATUSES:
            raise NoteError(
                f"status: {status!r} is not one of {', '.join(STATUSES)} "
                "(map it in followup-md.toml [statuses])",
                path,
                key_lines["status"],
            )
        facts["status"] = mapped
    direction = facts.get("direction")
    if direction is not None:
        mapped = config.directions.get(direction, direction.lower())
        if mapped not in DIRECTIONS:
            raise NoteError(
                f"direction: expected {', '.join(DIRECTIONS)}, got {direction!r} "
                "(map it in followup-md.toml [directions])",
                path,
                key_lines["direction"],
            )
        facts["direction"] = mapped
    channel = facts.get("channel")
    if channel is not None:
        if channel.lower() not in CHANNELS:
            raise NoteError(
                f"channel: expected {', '.join(CHANNELS)}, got {channel!r}", path, key_lines["channel"]
            )
        facts["channel"] = channel.lower()


def read_note(
    path: str,
    data: bytes,
    config: Config,
    syntax: TaskSyntax,
    tz: tzinfo | None = None,
) -> Note | Problem | None:
    """Read one file: a Note if it is ours, a Problem if it is ours but broken,
    None if it is not ours. Problems for files we cannot even tell are ours
    carry line 0 (they are counted, not listed)."""
    folder_kind = _folder_type(path, config)
    if _CONFLICT_COPY.search(path):
        if folder_kind is None and surely_not_ours(data[:MAX_FRONT_MATTER], config):
            return None
        return Problem(
            path,
            1,
            "a sync tool's conflict copy; compare it with the note it copies, "
            "merge what you need by hand and delete it",
        )
    if len(data) > MAX_NOTE_BYTES:
        if folder_kind is None and surely_not_ours(data[:MAX_FRONT_MATTER], config):
            return None
        return Problem(path, 1, f"larger than {MAX_NOTE_BYTES >> 20} MiB; followup-md leaves it alone")
    if folder_kind is None and surely_not_ours(data, config):
        if not data.isascii():
            try:
                decode_note(data, path)
            except NoteError as error:
                return Problem(path, 0, error.message)  # counted, not listed
        return None
    try:
        text = decode_note(data, path)
    except NoteError as error:
        lossy = data.decode("utf-8", errors="replace")
        try:
            front, _ = split_front_matter(lossy)
        except ValueError:
            front = None
        ours = front is not None and map_type(_key_value(front, config.key("type")), config)
        return Problem(path, error.line or 1 if ours else 0, error.message)
    try:
        front, body_start = split_front_matter(text)
    except ValueError:
        front, body_start = text, len(text)
        kind = folder_kind or map_type(_key_value(text, config.key("type")), config)
        if kind:
            return Problem(path, 1, "front matter opened with --- on line 1 is never closed")
        return None
    # A `type` value decides (YAML has the last word below); without one, a folder
    # or tag rule can make the note ours. Only candidates are YAML-parsed.
    raw_type = _key_value(front, config.key("type")) if front is not None else None
    hinted = map_type(raw_type, config) if raw_type else folder_kind
    tagged = not raw_type and front is not None and any(tag in front for tag in config.tags)
    if hinted is None and not tagged:
        if raw_type and raw_type not in config.types and (guess := near_miss(raw_type)):
            line = front[: front.find(raw_type)].count("\n") + 2 if front else 1
            return Problem(path, line, f"type: {raw_type!r} is not a type we know; did you mean {guess!r}?")
        return None
    conflict = _CONFLICT.search(text)
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1
        return Problem(path, line, "unresolved merge conflict markers; resolve the conflict first")
    try:
        raw, lines = load_mapping(front, path, 2) if front is not None else ({}, {})
        if raw_type:
            kind = map_type(raw.get(config.key("type")), config)
        else:
            kind = folder_kind or _tag_type(raw.get(config.key("tags")), config)
        if kind is None:
            return None
        facts, key_lines = coerce_facts(raw, lines, config, path, tz)
        _check_choices(facts, key_lines, config, path)
        text_lines = split_lines(text)
        block = find_block(text, text_lines, path, body_start)
    except NoteError as error:
        return Problem(path, error.line or 1, error.message)
    newline = "\r\n" if "\r\n" in text[: text.find("\n") + 1 or len(text)] else "\n"
    name = facts.get("name") or PurePosixPath(path).stem
    tasks = read_tasks(text_lines, block, syntax) if block is not None else {}
    return Note(path, kind, name, facts, data, newline, block, tasks, has_offset(raw.values()))


def read_entry(file: NoteFile, config: Config, syntax: TaskSyntax, tz: tzinfo | None = None) -> ReadFile:
    """Read one file; date-times become dates in the vault's `timezone` when the
    config sets one (then every machine computes the same), else in `tz` (None:
    the machine's local zone)."""
    result = read_note(file.path, file.data, config, syntax, config.zone() or tz)
    # The bytes are dropped: a note keeps its text, which encodes back to them exactly.
    return ReadFile(NoteFile(file.path, b"", file.stat), result)
