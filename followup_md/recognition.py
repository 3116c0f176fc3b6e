"""Which notes are ours: a cheap test on the raw bytes, the sure one on parsed
front matter (a `type` value, a folder or a tag rule), and the near misses of
our words (a misspelt type is an error, a misspelt key a warning). Pure."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from pathlib import PurePosixPath
from typing import Any

from followup_md.config import Config
from followup_md.errors import NoteError
from followup_md.facts import linked_day, parse_link
from followup_md.model import Problem
from followup_md.schema import KEY_KINDS, TYPES, tag_names

_HINT = re.compile(r"^([\"']?)([^\"':\n]+)\1[ \t]*:[ \t]*(.*?)[ \t]*\r?$", re.MULTILINE)


def type_hint(front: str, config: Config) -> str | None:
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


@lru_cache(maxsize=4096)  # the vault's type values: bounded over a long watch
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
    if config.tags and any(_folded(tag.lstrip("#").encode()) in folded for tag in config.tags):
        return False  # a rule's `#` is not in `tags: job/lead` (`_tag_type` matches without it)
    key = config.key("type")
    spelled = _folded(key.encode())
    if folded.count(spelled) != 1:  # twice: let YAML see which
        # absent: not ours, unless a type of ours is named (a key one edit from
        # `type` may hold it: `mistyped`)
        return folded.count(spelled) == 0 and not _may_name_a_type(folded, config)
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
    if map_type(value, config) is not None or value in config.types or near_miss(value) is not None:
        return False
    # The line may be one of a quoted or flow value going on over lines (`note: "a\ntype: book\nb"`):
    # then the note has no `type`, and a slip of the key may hold one of ours (`mistyped`).
    return not (_OPENS_A_VALUE.search(front) and _may_name_a_type(folded, config))


_OPENS_A_VALUE = re.compile(rb"[\"'\[{]")  # a quoted or flow value, which may go on over lines


# One of our types as a word of its own: `map_type` takes a value, or a link's
# target, that is one exactly, so a letter, digit or `_` beside it (`blog`,
# `helpful`) makes another word.
_TYPE_WORD = re.compile(
    rb"(?<![a-z0-9_])(?:" + b"|".join(kind.encode() for kind in TYPES) + rb")(?![a-z0-9_])"
)


def _may_name_a_type(folded: bytes, config: Config) -> bool:
    """Whether `_folded` front matter may name one of our types or the vault's
    words for them: each word of one is in it (YAML folds a line break between
    two words to a space, a Markdown link writes `%20`), or a Markdown link's
    `%` may encode a letter of one (`map_type` reads its target unquoted; a
    URL's `%` alone is no link)."""
    if (b"%" in folded and b"](" in folded) or _TYPE_WORD.search(folded):
        return True
    return any(all(word in folded for word in _folded(alias.encode()).split()) for alias in config.types)


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


def folder_type(path: str, config: Config) -> tuple[str, str] | None:
    """(folder, type) of the configured folder the note is in."""
    if not config.folders:
        return None
    parents = PurePosixPath(path).parents
    for folder, kind in config.folders.items():
        if any(str(parent) == folder.strip("/") for parent in parents):
            return folder, kind
    return None


def our_keys(raw: Mapping[str, Any], lines: Mapping[str, int], config: Config, path: str) -> dict[str, str]:
    """our key -> the note's key holding it, in the note's order. Obsidian's
    property names ignore case, so `Met` and `met` in one note are the same
    property twice: a NoteError."""
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
    keys: Mapping[str, str],
    lines: Mapping[str, int],
    path: str,
    config: Config,
    folder: tuple[str, str] | None = None,
) -> tuple[str | None, set[tuple[str, str]]]:
    """Our type for a note from its parsed front matter, and the settings that
    gave it (the slow, sure path that `surely_not_ours` must agree with). A
    `type` value decides (a list: the one value of ours in it); without one, a
    folder or tag rule. NoteError for two types, or a near miss of one.
    `keys` are the note's `our_keys`."""
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
    if not config.tags:
        return None  # no tag rules (most vaults)
    rules = {name.lstrip("#").casefold(): name for name in config.tags}
    names = [rules[name] for name in tag_names(tags) if name in rules]
    kinds = [(name, config.tags[name]) for name in names]
    uses |= {("tags", name) for name, _ in kinds}
    return kinds[0][1] if kinds else None


def key_warnings(
    raw: Mapping[str, Any],
    keys: Mapping[str, str],
    lines: Mapping[str, int],
    config: Config,
    path: str,
    kind: str,
) -> tuple[Problem, ...]:
    """A key of the note (of type `kind`) that is no key of ours but a near
    miss of one (or of a renamed one) is probably a typo that silently changes
    the steps."""
    ours = set(keys.values())
    unknown = [theirs for theirs in raw if theirs not in ours]
    if not unknown:
        return ()
    known = sorted({config.key(ours) for ours in KEY_KINDS})
    # a short key is a slip of one the note's type reads: `data: 2026-11-18` in
    # a contact (an Italian template's key) is no `date`, which log notes read
    telling = ("type", *(key for key in _TELLING if (key in _LOG_KEYS) == (kind == "log")))
    warnings = []
    for theirs in unknown:
        if guess := nearest(theirs, known) or _short_slip(theirs, raw[theirs], config, telling):
            warnings.append(
                Problem(
                    path,
                    lines[theirs],
                    f"{theirs!r} is not a key followup-md reads; did you mean {guess!r}?",
                    warning=True,
                )
            )
    return tuple(warnings)


def mistyped(
    raw: Mapping[str, Any], keys: Mapping[str, str], lines: Mapping[str, int], config: Config, path: str
) -> Problem | None:
    """A note without a `type` whose key one edit from it holds one of ours
    (`typ: interview`): it meant to be a follow-up note, and is not one until
    the key is mended (said as a problem, at the key's line). Only a note
    with a fact of a follow-up's (`_FOLLOW_UP_KEYS`) is: `Typ: Interview` is
    a German podcast note's own."""
    if "type" in keys or not any(key in keys for key in _FOLLOW_UP_KEYS):
        return None  # a note with no fact of a follow-up's (`Typ: Interview` on a podcast) is the user's
    for theirs, value in raw.items():
        if _short_slip(theirs, value, config, ("type",)):
            return Problem(
                path,
                lines[theirs],
                f"{theirs!r} is not a key followup-md reads; did you mean {config.key('type')!r}? "
                "Without it this note is no follow-up note",
            )
    return None


# Keys of ours whose values tell a slip of them from a word of the user's own
# (`_slip` leaves keys under five letters: one edit of `met` or `with` is some
# other word): a date, a wikilink, or one of our types.
_TELLING = tuple(key for key, kind in KEY_KINDS.items() if kind in ("date", "link", "links", "people"))
_LOG_KEYS = frozenset({"date", "with"})  # of those, the keys only log notes read
# The keys of ours that only a follow-up note holds (not `date`, `name`, `tags`…).
_FOLLOW_UP_KEYS = (
    *(key for key in _TELLING if key not in _LOG_KEYS),
    *(key for key, kind in KEY_KINDS.items() if kind == "moments"),
    "with",
    "company",
    "email",
)
_ISO_DAY = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:[T ]|$)")


def _short_slip(theirs: str, value: Any, config: Config, among: Iterable[str]) -> str | None:
    """The key of ours (among `among`, as the vault spells it, under five
    letters) that `theirs` is one edit from (a letter left out, added, wrong
    or swapped), when `value` is one that key holds: a date for a date key
    (`mett: 2026-11-12`), a wikilink for a link key (`wiht: "[[Dana]]"`),
    one of our types for `type` (`typ: interview`)."""
    slipped = _SEPARATORS.sub("", theirs.casefold())
    if not 2 <= len(slipped) <= 5:
        return None
    for ours in among:
        key = config.key(ours)
        folded = _SEPARATORS.sub("", key.casefold())
        if (
            len(folded) < 5
            and folded != slipped
            and _damerau(slipped, folded) == 1
            and _holds(ours, value, config)
        ):
            return key
    return None


def _holds(ours: str, value: Any, config: Config) -> bool:
    """Whether `value` is one our key `ours` holds (for `_short_slip`)."""
    items = value if isinstance(value, list) else [value]
    if ours == "type":
        return any(map_type(_unquoted_link(item), config) for item in items)
    if KEY_KINDS[ours] == "date":
        with contextlib.suppress(ValueError):  # a link to a day that is none is no date
            if linked_day(value) is not None:
                return True
        return isinstance(value, str) and _ISO_DAY.match(value) is not None
    return bool(items) and all(
        isinstance(item, list) or (isinstance(item, str) and item.startswith("[[")) for item in items
    )
