"""bytes -> Note: decoding, front matter, which notes are ours, typed facts.

Pure: every function takes the file's bytes (and the local time zone where a
date-time must become a calendar day) and reads nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote

from followup_md.blocks import find_block, read_tasks, split_lines
from followup_md.config import Config
from followup_md.errors import NoteError
from followup_md.model import YEARS, Link, Moment, Note, NoteFile, Problem, ReadFile, TaskSyntax, in_range
from followup_md.schema import (
    CHANNELS,
    DIRECTIONS,
    KEY_KINDS,
    LONGEST,
    STATUSES,
    TYPES,
    parse_duration,
    too_long,
)
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


_HINT = re.compile(r"^([\"']?)([^\"':\n]+)\1[ \t]*:[ \t]*(.*?)[ \t]*\r?$", re.MULTILINE)


def _type_hint(front: str, config: Config) -> str | None:
    """Our type from a `type:` line read without YAML (for front matter YAML
    cannot read: is it recognisably ours, so worth a listed problem?)."""
    for found in _HINT.finditer(front):
        if "type" in config.ours_for(found.group(2).strip()):
            values = found.group(3).split(" #")[0].strip("[] ").split(",")
            kinds = {map_type(value.strip(" \"'"), config) for value in values} - {None}
            return kinds.pop() if len(kinds) == 1 else None
    return None


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


_SEPARATORS = re.compile(r"[\s_-]+")


def _slip(value: str, known: str) -> int | None:
    """How far `value` is from `known` when it is probably a slip of the keys
    for it, else None. The bar is closer than "one edit": another real word one
    letter longer (`contract` for contact, `interviewer` for interview) is a
    word of the user's own, so only these count: case, spaces, `_` and `-`
    (`replyby`, `Reply By`); a letter left out, wrong or swapped (one, or two
    in a long word); a doubled letter; a plural `s`."""
    v, k = _SEPARATORS.sub("", value.casefold()), _SEPARATORS.sub("", known.casefold())
    if v == k:
        return 0
    if len(k) < 5:
        return None  # short words are too close to everything
    if len(v) <= len(k):
        distance = _damerau(v, k)
        return distance if distance <= (1 if len(k) < 8 else 2) else None
    if len(v) == len(k) + 1 and (
        v == k + "s" or any(v[i] == v[i - 1] and v[:i] + v[i + 1 :] == k for i in range(1, len(v)))
    ):
        return 1
    return None


def nearest(value: str, known: Iterable[str]) -> str | None:
    """The word among `known` that `value` is most probably a slip for."""
    scored = [
        (distance, word) for word in known if word != value and (distance := _slip(value, word)) is not None
    ]
    return min(scored)[1] if scored else None


@cache
def near_miss(value: str) -> str | None:
    """One of our types that `value` is probably a misspelling of."""
    return None if value.lower() in TYPES else nearest(value, TYPES)


@cache
def _type_line(key: str) -> re.Pattern[bytes]:
    """`key: value` on a line of its own (any case), the value a one-line scalar
    that YAML reads as exactly its text (plain, or quoted without escapes), and
    the next line a new key or the closing `---`: only then is the value sure."""
    return re.compile(
        rb"^" + re.escape(key.encode()) + rb"[ \t]*:(?:[ \t]+(?:'([^'\r\n]*)'|\"([^\"\r\n]*)\"|"
        rb"([^-?:,\[\]{}#&*!|>'\"%@`\s][^:#,\[\]{}\r\n]*?)))?[ \t]*(?:[ \t]#[^\r\n]*)?\r?\n"
        rb"(?=[A-Za-z0-9_\"']|---[ \t]*\r?(?:\n|$))",
        re.IGNORECASE | re.MULTILINE,
    )


_CLOSE = re.compile(rb"[ \t]*\r?(?:\n|$)")
# The first line of front matter that is neither blank nor a comment, and what
# a line must start with to be a plain key of a block mapping.
_FIRST_CONTENT = re.compile(rb"[^\n]*\n(?:[ \t\r]*(?:#[^\n]*)?\n)*([^\n]*)")
_NEXT_KEY = re.compile(rb"^[A-Za-z0-9_\"']")


def _folded(data: bytes) -> bytes:
    """`data` case-folded the way key names are compared (ASCII cheaply)."""
    return data.lower() if data.isascii() else data.decode("utf-8", "replace").casefold().encode()


def surely_not_ours(data: bytes, config: Config) -> bool:
    """A cheap test on the raw bytes, before any decoding or YAML: True only for
    files `read_note` would certainly find are not ours (no front matter, or a
    `type` that is not ours and no near miss). Whenever the bytes could mean
    anything else (a quoted or flow key, a list, a value that goes on to the
    next line, an escape, a tag of ours) it says False and YAML decides; a
    property test holds it to that. Folder rules are checked first."""
    if not data.startswith((b"---", b"\xef\xbb\xbf---")):
        return True
    end = data.find(b"\n---", 3)
    if end == -1 or not _CLOSE.match(data, end + 4):
        return False  # unusual: let the full reader decide
    front = data[: end + 1]
    if b"\\" in front:
        return False  # a double-quoted escape can spell any key
    folded = _folded(front)
    if any(_folded(tag.encode()) in folded for tag in config.tags):
        return False
    key = config.key("type")
    spelled = _folded(key.encode())
    if folded.count(spelled) != 1:
        return folded.count(spelled) == 0  # absent: not ours; twice: let YAML see which
    first = _FIRST_CONTENT.match(front)
    if first is None or not _NEXT_KEY.match(first.group(1)):
        return False  # not a block mapping at the top (a flow `{type: contact}`, indented keys)
    found = _type_line(key).search(data, 0, end + 5)
    if found is None:
        return False  # quoted, a list, going on to the next line: YAML decides
    raw = next((group for group in found.groups() if group is not None), b"")
    try:
        value = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return map_type(value, config) is None and value not in config.types and near_miss(value) is None


def _type_words(value: str) -> list[str]:
    """A `type` value, and a link's target too (`"[[People]]"`, as Obsidian's
    list properties hold links)."""
    text = value.strip()
    link = parse_link(text) if text.startswith("[") else None
    return [text, link.target] if link is not None and link.target != text else [text]


def map_type(value: Any, config: Config) -> str | None:
    """Our type for one `type` value: config aliases first, then ours in any case."""
    if not isinstance(value, str) or not value.strip():
        return None
    for word in _type_words(value):
        if word in config.types:
            return config.types[word]
        if word.lower() in TYPES:
            return word.lower()
    return None


def _folder_type(path: str, config: Config) -> tuple[str, str] | None:
    """(folder, type) of the configured folder the note is in."""
    if not config.folders:
        return None
    parents = PurePosixPath(path).parents
    for folder, kind in config.folders.items():
        if any(str(parent) == folder.strip("/") for parent in parents):
            return folder, kind
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
) -> tuple[dict[str, Any], dict[str, tuple[str, int]]]:
    """Our facts, under our key names, typed; empty values are absent. Also
    where each came from: our key -> (the note's key, its line)."""
    facts: dict[str, Any] = {}
    sources: dict[str, tuple[str, int]] = {}
    for theirs, value in raw.items():
        if value is None or value == "" or value == []:
            continue
        for ours in config.ours_for(theirs):
            line = lines.get(theirs, 1)
            sources[ours] = (theirs, line)
            if ours != "type":  # read by `note_type`
                _coerce_one(facts, ours, theirs, value, line, path, tz)
    return facts, sources


def _coerce_one(
    facts: dict[str, Any],
    ours: str,
    theirs: str,
    value: Any,
    line: int,
    path: str,
    tz: tzinfo | None,
) -> None:
    kind = KEY_KINDS[ours]
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
    elif kind == "label" and (label := parse_link(value)) is not None:
        facts[ours] = label.text  # a link is shown by its display text everywhere
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


def _check_choices(
    facts: dict[str, Any], sources: Mapping[str, tuple[str, int]], config: Config, path: str
) -> set[tuple[str, str]]:
    """Map `status`, `direction` and `channel` to ours; the aliases used."""
    uses: set[tuple[str, str]] = set()
    status = facts.get("status")
    if status is not None:
        if status in config.statuses:
            uses.add(("statuses", status))
        mapped = config.statuses.get(status, status.lower())
        if mapped not in STATUSES:
            raise NoteError(
                f"{sources['status'][0]}: {status!r} is not one of {', '.join(STATUSES)} "
                "(map it in followup-md.toml [statuses])",
                path,
                sources["status"][1],
            )
        facts["status"] = mapped
    direction = facts.get("direction")
    if direction is not None:
        if direction in config.directions:
            uses.add(("directions", direction))
        mapped = config.directions.get(direction, direction.lower())
        if mapped not in DIRECTIONS:
            raise NoteError(
                f"{sources['direction'][0]}: expected {', '.join(DIRECTIONS)}, got {direction!r} "
                "(map it in followup-md.toml [directions])",
                path,
                sources["direction"][1],
            )
        facts["direction"] = mapped
    channel = facts.get("channel")
    if channel is not None:
        if channel.lower() not in CHANNELS:
            raise NoteError(
                f"{sources['channel'][0]}: expected {', '.join(CHANNELS)}, got {channel!r}",
                path,
                sources["channel"][1],
            )
        facts["channel"] = channel.lower()
    return uses


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
    folder = _folder_type(path, config)
    if _CONFLICT_COPY.search(path):
        if folder is None and surely_not_ours(data[:MAX_FRONT_MATTER], config):
            return None
        return Problem(
            path,
            1,
            "a sync tool's conflict copy; compare it with the note it copies, "
            "merge what you need by hand and delete it",
        )
    if len(data) > MAX_NOTE_BYTES:
        if folder is None and surely_not_ours(data[:MAX_FRONT_MATTER], config):
            return None
        return Problem(path, 1, f"larger than {MAX_NOTE_BYTES >> 20} MiB; followup-md leaves it alone")
    if folder is None and surely_not_ours(data, config):
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
        ours = folder is not None or (front is not None and _type_hint(front, config))
        return Problem(path, error.line or 1 if ours else 0, error.message)
    try:
        front, body_start = split_front_matter(text)
    except ValueError:
        if folder or _type_hint(text, config):
            return Problem(path, 1, "front matter opened with --- on line 1 is never closed")
        return None
    # Only candidates get here: YAML has the last word on which notes are ours.
    hinted = folder is not None or (front is not None and _type_hint(front, config) is not None)
    conflict = _CONFLICT.search(text)
    if conflict and hinted:
        return _conflict_problem(path, text, conflict.start())
    try:
        raw, lines = load_mapping(front, path, 2) if front is not None else ({}, {})
    except NoteError as error:
        return Problem(path, error.line or 1 if hinted else 0, error.message)
    try:
        kind, uses = note_type(raw, lines, path, config, folder)
        if kind is None:
            return None
        if conflict:
            return _conflict_problem(path, text, conflict.start())
        facts, sources = coerce_facts(raw, lines, config, path, tz)
        uses |= _check_choices(facts, sources, config, path)
        text_lines = split_lines(text)
        block = find_block(text, text_lines, path, body_start)
    except NoteError as error:
        return Problem(path, error.line or 1, error.message)
    uses |= {("keys", ours) for ours in sources if ours in config.keys}
    newline = "\r\n" if "\r\n" in text[: text.find("\n") + 1 or len(text)] else "\n"
    name = facts.get("name") or PurePosixPath(path).stem
    tasks = read_tasks(text_lines, block, syntax) if block is not None else {}
    warnings = _key_warnings(raw, lines, config, path)
    zoned = has_offset(raw.values())
    return Note(
        path, kind, name, facts, data, newline, block, tasks, zoned, sources, warnings, frozenset(uses)
    )


def _conflict_problem(path: str, text: str, at: int) -> Problem:
    line = text.count("\n", 0, at) + 1
    return Problem(path, line, "unresolved merge conflict markers; resolve the conflict first")


def _our_keys(raw: Mapping[str, Any], lines: Mapping[str, int], config: Config, path: str) -> dict[str, str]:
    """our key -> the note's key holding it. Obsidian's property names ignore
    case, so `Met` and `met` in one note are the same property twice."""
    keys: dict[str, str] = {}
    for theirs in raw:
        for ours in config.ours_for(theirs):
            if ours in keys:
                first = keys[ours]
                raise NoteError(
                    f"{theirs!r} is {first!r} again (property names ignore case; first on line "
                    f"{lines[first]}); keep one",
                    path,
                    lines[theirs],
                )
            keys[ours] = theirs
    return keys


def note_type(
    raw: Mapping[str, Any],
    lines: Mapping[str, int],
    path: str,
    config: Config,
    folder: tuple[str, str] | None = None,
) -> tuple[str | None, set[tuple[str, str]]]:
    """Our type for a note from its parsed front matter, and the settings that
    gave it (the slow, sure path that `surely_not_ours` must agree with). A
    `type` value decides (a list: the one value of ours in it); without one, a
    folder or tag rule. NoteError for two types, or a near miss of one."""
    keys = _our_keys(raw, lines, config, path)
    uses: set[tuple[str, str]] = {("folders", folder[0])} if folder else set()
    uses |= {("keys", ours) for ours in ("type", "tags") if ours in keys and ours in config.keys}
    tagged = _tag_type(raw.get(keys.get("tags", "")), config, uses)
    theirs = keys.get("type", "")
    value = raw.get(theirs)
    if value is None or value == "" or value == []:
        return folder[1] if folder else tagged, uses
    values = [_unquoted_link(item) for item in (value if isinstance(value, list) else [value])]
    uses |= {
        ("types", word)
        for item in values
        if isinstance(item, str)
        for word in _type_words(item)
        if word in config.types
    }
    kinds = sorted({kind for item in values if (kind := map_type(item, config))})
    if len(kinds) > 1:
        raise NoteError(f"{theirs}: one note has one type, not {' and '.join(kinds)}", path, lines[theirs])
    if kinds:
        return kinds[0], uses
    for item in values:
        if isinstance(item, str) and item not in config.types and (guess := near_miss(item.strip())):
            raise NoteError(
                f"{theirs}: {item!r} is not a type we know; did you mean {guess!r}?", path, lines[theirs]
            )
    return None, uses


def _unquoted_link(item: Any) -> Any:
    """`[[People]]` unquoted in a YAML list is a list in a list: the link it meant."""
    if isinstance(item, list) and len(item) == 1 and isinstance(item[0], str):
        return f"[[{item[0]}]]"
    return item


def _tag_type(tags: Any, config: Config, uses: set[tuple[str, str]]) -> str | None:
    """The type the first tag of ours gives (every tag of ours counts as used)."""
    names = [
        name.lstrip("#") for name in (tags if isinstance(tags, list) else [tags]) if isinstance(name, str)
    ]
    kinds = [(name, config.tags[name]) for name in names if name in config.tags]
    uses |= {("tags", name) for name, _ in kinds}
    return kinds[0][1] if kinds else None


def _key_warnings(
    raw: Mapping[str, Any], lines: Mapping[str, int], config: Config, path: str
) -> tuple[Problem, ...]:
    """A key of the note that is no key of ours but a near miss of one (or of a
    renamed one) is probably a typo that silently changes the steps."""
    known = sorted({config.key(ours) for ours in KEY_KINDS})
    warnings = []
    for theirs in raw:
        if not config.ours_for(theirs) and (guess := nearest(theirs, known)):
            warnings.append(
                Problem(
                    path,
                    lines[theirs],
                    f"{theirs!r} is not a key followup-md reads; did you mean {guess!r}?",
                    warning=True,
                )
            )
    return tuple(warnings)


def read_entry(file: NoteFile, config: Config, syntax: TaskSyntax, tz: tzinfo | None = None) -> ReadFile:
    """Read one file; date-times become dates in the vault's `timezone` when the
    config sets one (then every machine computes the same), else in `tz` (None:
    the machine's local zone)."""
    result = read_note(file.path, file.data, config, syntax, config.zone() or tz)
    # The bytes are dropped: a note keeps its text, which encodes back to them exactly.
    return ReadFile(NoteFile(file.path, b"", file.stat), result)
