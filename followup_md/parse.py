"""bytes -> Note: decoding, front matter, and the Note assembled from what
`recognition` (is it ours?), `facts` (typed facts) and `blocks` (the managed
block) read.

Pure: every function takes the file's bytes (and the local time zone where a
date-time must become a calendar day) and reads nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from followup_md.blocks import find_block, lost_ticks, read_tasks, split_lines
from followup_md.config import Config
from followup_md.errors import NoteError
from followup_md.facts import check_choices, coerce_facts, file_stem, has_offset
from followup_md.model import Note, NoteFile, Problem, ReadFile, TaskSyntax, shared
from followup_md.recognition import (
    folder_type,
    key_warnings,
    mistyped,
    note_type,
    our_keys,
    surely_not_ours,
    type_hint,
)
from followup_md.yamlcore import MAX_FRONT_MATTER, load_mapping

MAX_NOTE_BYTES = 8 << 20  # a follow-up note is a few KB; a larger file is left alone
# Conflict copies made by sync tools: Syncthing's `x.sync-conflict-20261120-093000-ABCDEFG.md`,
# Dropbox's and Nextcloud's `x (conflicted copy 2026-11-20).md`, `x (Ann's conflicted copy …).md`;
# and git mergetool's `x_LOCAL_4242.md` (BACKUP, BASE, LOCAL, REMOTE), there while a merge lasts.
_CONFLICT_COPY = re.compile(
    r"\.sync-conflict-\d{8}-\d{6}-[A-Z0-9]{7}\.md$|\((?:[^()]*['’]s )?conflicted copy[^()]*\)\.md$"
    r"|(?-i:_(?:BACKUP|BASE|LOCAL|REMOTE)_\d+\.md)$",
    re.IGNORECASE,
)
_MERGETOOL_COPY = re.compile(r"_(?:BACKUP|BASE|LOCAL|REMOTE)_\d+\.md$")
_CONFLICT = re.compile(r"^(?:<{7}|>{7})(?: |$)", re.MULTILINE)


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
    opening = text.find("\n---", first)  # a closing line starts with ---: only those are looked at
    while opening != -1:
        position = opening + 1
        end = text.find("\n", position)
        line = text[position:] if end == -1 else text[position:end]
        if line.rstrip() == "---":
            return text[start:position], (len(text) if end == -1 else end + 1)
        if end == -1:
            break
        opening = text.find("\n---", end)
    raise ValueError(0)


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
    folder = folder_type(path, config)
    if _CONFLICT_COPY.search(path) or len(data) > MAX_NOTE_BYTES:
        return _left_alone(path, data, config, folder)
    if folder is None and surely_not_ours(data, config):
        return _not_ours(path, data)
    try:
        text = decode_note(data, path)
    except NoteError as error:
        return _not_utf8(path, data, config, folder, error)
    front = _read_front(path, text, config, folder)
    if not isinstance(front, _Front):
        return front  # not ours, or ours and broken
    try:
        keys = our_keys(front.raw, front.lines, config, path)
        kind, uses = note_type(front.raw, keys, front.lines, path, config, folder)
        if kind is None:
            return mistyped(front.raw, keys, front.lines, config, path)
        if front.conflict is not None:
            return _conflict_problem(path, text, front.conflict)
        return _assemble(path, data, front, keys, kind, uses, config, syntax, tz)
    except NoteError as error:
        return Problem(path, error.line or 1, error.message)


def _left_alone(path: str, data: bytes, config: Config, folder: tuple[str, str] | None) -> Problem | None:
    """A sync tool's conflict copy or a file too large to read: a Problem,
    unless its first bytes show it is surely not ours."""
    if folder is None and surely_not_ours(data[:MAX_FRONT_MATTER], config):
        return None
    if _MERGETOOL_COPY.search(path):
        return Problem(path, 1, "git mergetool's copy of a note being merged; it goes when the merge is done")
    if _CONFLICT_COPY.search(path):
        return Problem(
            path,
            1,
            "a sync tool's conflict copy; compare it with the note it copies, "
            "merge what you need by hand and delete it",
        )
    return Problem(path, 1, f"larger than {MAX_NOTE_BYTES >> 20} MiB; followup-md leaves it alone")


def _not_ours(path: str, data: bytes) -> Problem | None:
    """A file surely not ours: None, or a Problem on line 0 if it is not even UTF-8."""
    if not data.isascii():
        try:
            decode_note(data, path)
        except NoteError as error:
            return Problem(path, 0, error.message)  # counted, not listed
    return None


def _not_utf8(
    path: str, data: bytes, config: Config, folder: tuple[str, str] | None, error: NoteError
) -> Problem:
    """A file that is not UTF-8: listed at its first bad byte if it looks ours, else counted."""
    lossy = data.decode("utf-8", errors="replace")
    try:
        front, _ = split_front_matter(lossy)
    except ValueError:
        front = None
    return Problem(path, error.line or 1 if _looks_ours(front, config, folder) else 0, error.message)


def _looks_ours(front: str | None, config: Config, folder: tuple[str, str] | None) -> bool:
    """Whether a file looks ours without YAML's word (a folder rule, or a
    `type:` line of ours in `front`): then a problem with it is listed at its
    line, not only counted. Asked only of a file with a problem."""
    return folder is not None or (front is not None and type_hint(front, config) is not None)


@dataclass(frozen=True, slots=True)
class _Front:
    """A candidate's text and front matter as read by YAML."""

    text: str
    raw: dict[str, Any]
    lines: dict[str, int]
    body_start: int  # where the body starts in `text`
    conflict: int | None  # where the first merge conflict marker starts in `text`


def _read_front(
    path: str, text: str, config: Config, folder: tuple[str, str] | None
) -> _Front | Problem | None:
    """The front matter of a decoded file as YAML reads it, and where its body
    and its first merge conflict marker start; a Problem if it is broken and
    looks ours, None if it is broken and does not."""
    try:
        front, body_start = split_front_matter(text)
    except ValueError:
        if _looks_ours(text, config, folder):
            return Problem(path, 1, "front matter opened with --- on line 1 is never closed")
        return None
    # Only candidates get here: YAML has the last word on which notes are ours.
    conflict = _first_conflict(text)
    if conflict is not None and _looks_ours(front, config, folder):
        return _conflict_problem(path, text, conflict)
    try:
        raw, lines = load_mapping(front, path, 2) if front is not None else ({}, {})
    except NoteError as error:
        return Problem(path, error.line or 1 if _looks_ours(front, config, folder) else 0, error.message)
    return _Front(text, raw, lines, body_start, conflict)


def _first_conflict(text: str) -> int | None:
    """Where the first merge conflict marker line starts. A multi-line `^`
    is tried at every character, so a text without seven `<` or `>` in a
    row (most notes) is not searched."""
    if "<<<<<<<" not in text and ">>>>>>>" not in text:
        return None
    found = _CONFLICT.search(text)
    return found.start() if found else None


def _assemble(
    path: str,
    data: bytes,
    front: _Front,
    keys: dict[str, str],
    kind: str,
    uses: set[tuple[str, str]],
    config: Config,
    syntax: TaskSyntax,
    tz: tzinfo | None,
) -> Note:
    """The Note of a file that is ours: typed facts, the managed block and its
    tasks, near-miss keys, and every setting that shaped it."""
    text = front.text
    facts, sources = coerce_facts(front.raw, keys, front.lines, path, tz)
    uses |= check_choices(facts, sources, config, path)
    text_lines = split_lines(text)
    block = find_block(text, text_lines, path, front.body_start)
    uses |= {("keys", ours) for ours in sources if ours in config.keys}
    newline = "\r\n" if "\r\n" in text[: text.find("\n") + 1 or len(text)] else "\n"
    name = facts.get("name") or file_stem(path)
    tasks = read_tasks(text_lines, block, syntax) if block is not None else {}
    warnings = key_warnings(front.raw, keys, front.lines, config, path, kind)
    if block is not None:
        warnings += lost_ticks(text_lines, block, syntax, path, tasks)
    zoned = has_offset(front.raw.values())
    sources = {ours: shared(source) for ours, source in sources.items()}  # our names are shared already
    shaped_by = shared(frozenset(uses))
    return Note(path, kind, name, facts, data, newline, block, tasks, zoned, sources, warnings, shaped_by)


def written_warnings(note: Note, data: bytes, syntax: TaskSyntax) -> tuple[Problem, ...]:
    """`note`'s warnings once a sync writes it as `data`: those about its
    block's lines (`lost_ticks`, below the begin marker; the others are on
    front matter lines, which a sync never changes) read from `data`, as the
    write moves those lines and ticks some: said of the note as it is left,
    they are what the next run says, with the cache or without it."""
    block = note.block
    if block is None or all(warning.line <= block.begin + 1 for warning in note.warnings):
        return note.warnings  # nearly every note: no warning about its block
    kept = tuple(warning for warning in note.warnings if warning.line <= block.begin + 1)
    try:
        text = decode_note(data, note.path)
        lines = split_lines(text)
        found = find_block(text, lines, note.path, split_front_matter(text)[1])
    except (NoteError, ValueError):
        return note.warnings
    if found is None:
        return kept
    return kept + lost_ticks(lines, found, syntax, note.path, read_tasks(lines, found, syntax))


def _conflict_problem(path: str, text: str, at: int) -> Problem:
    line = text.count("\n", 0, at) + 1
    return Problem(path, line, "unresolved merge conflict markers; resolve the conflict first")


def read_entry(file: NoteFile, config: Config, syntax: TaskSyntax, tz: tzinfo | None = None) -> ReadFile:
    """Read one file; date-times become dates in the vault's `timezone` when the
    config sets one (then every machine computes the same), else in `tz` (None:
    the machine's local zone)."""
    result = read_note(file.path, file.data, config, syntax, config.zone() or tz)
    # The bytes are dropped: a note keeps its text, which encodes back to them exactly.
    return ReadFile(NoteFile(file.path, b"", file.stat), result)
