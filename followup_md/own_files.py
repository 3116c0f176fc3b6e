"""The files wholly ours besides the notes' blocks: Due.md, Stats.md and the
calendar. Each is read back (a broken one is a problem, and is not written)
and rendered from the plan's steps into the change to write, if any; and
whether a block appended to a file (one of these, or a note) reads back. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from io import BytesIO

from followup_md.agenda import (
    DUE_BEGIN_TEXT,
    DueLineMemo,
    DueTick,
    agenda_line,
    is_waiting,
    own_pieces,
    own_text,
    render_due,
)
from followup_md.blocks import decode_lines, find_block, find_own_block, split_lines
from followup_md.config import Config
from followup_md.errors import NoteError
from followup_md.links import LinkIndex, copy_email, recipient_email
from followup_md.model import (
    Block,
    Exchange,
    FileChange,
    Mapper,
    Note,
    NoteFile,
    Problem,
    Step,
    VaultSettings,
    Waiting,
)
from followup_md.parse import decode_note, split_front_matter

UNCLOSED_AT_END = (
    "the note ends inside an unclosed code fence or %% comment; close it so the follow-up block can be added"
)

# A file of ours as read: its lines and block, or the problem that keeps it unwritten.
OwnRead = tuple[list[str] | None, Block | None, Problem | None]


def block_found(text: str, path: str, body: bool = True) -> bool:
    """Whether a block appended to `text` reads back as a block (it would not
    inside an unclosed fence or comment, and the next run would add another);
    `body`: only below the front matter (a note's; Due.md's markers may be anywhere)."""
    try:
        start = split_front_matter(text)[1] if body else 0
        return find_block(text, split_lines(text), path, start) is not None
    except (NoteError, ValueError):
        return False


def read_own(file: NoteFile | None, rel: str) -> OwnRead:
    """A file of ours (Due.md, Stats.md) as lines and its block (never its
    whole text: Due.md's is megabytes); a broken one is a problem, reported
    and not written."""
    if file is None:
        return None, None, None
    try:
        lines = _own_lines(file.data, rel)
        block = find_own_block(lines, rel)
        if block is None and not block_found(own_text(lines, [], None), rel, body=False):
            # a section appended inside an unclosed fence would be text: another one each run
            return None, None, Problem(rel, file.data.count(b"\n") + 1, UNCLOSED_AT_END)
        return lines, block, None
    except NoteError as error:
        return None, None, Problem(rel, error.line or 1, error.message)


def _own_lines(data: bytes, rel: str) -> list[str]:
    """The lines of a file of ours (`decode_lines`); NoteError at the line of
    the first byte that is not UTF-8."""
    try:
        return decode_lines(data)
    except UnicodeDecodeError:
        decode_note(data, rel)  # raises it, with the line
        raise


def outside_block(read_as: OwnRead) -> OwnRead:
    """A file of ours as read, without the lines inside its block (once
    Due.md's ticks are taken from them: megabytes at 100,000 notes); the
    block keeps its two marker lines, which is all `own_change` splices around."""
    lines, block, problem = read_as
    if lines is None or block is None:
        return read_as
    return [*lines[: block.begin + 1], *lines[block.end :]], replace(block, end=block.begin + 1), problem


def own_change(
    rel: str,
    file: NoteFile | None,
    lines: list[str] | None,
    block: Block | None,
    inner: list[str],
    begin_text: str = DUE_BEGIN_TEXT,
) -> list[FileChange]:
    """The change to a file of ours, if its new text differs from what was read."""
    assert file is None or lines is not None  # a file that was read has lines
    if file is not None and _encodes_to(own_pieces(lines, inner, block, begin_text), file.data):
        return []
    buffer = BytesIO()  # the bytes grow in one buffer: neither the whole text nor its pieces are held
    for piece in own_pieces(lines, inner, block, begin_text):
        buffer.write(piece.encode("utf-8"))
    return [FileChange(rel, file.data if file else None, buffer.getvalue(), file.stat if file else None)]


def _encodes_to(pieces: Iterable[str], data: bytes) -> bool:
    """Whether the pieces' UTF-8 is `data`, compared piece by piece: the new
    bytes of an unchanged Due.md (megabytes) are not made only to be dropped."""
    view, at = memoryview(data), 0
    for piece in pieces:
        encoded = piece.encode("utf-8")
        if view[at : at + len(encoded)] != encoded:
            return False
        at += len(encoded)
    return at == len(data)


def due_change(
    due: NoteFile | None,
    read_as: OwnRead,
    steps: Sequence[Step],
    notes: Mapping[str, Note],
    waiting: Sequence[Waiting],
    problems: Sequence[Problem],
    unreadable: int,
    today: date,
    config: Config,
    settings: VaultSettings,
    memo: DueLineMemo | None,
    names: LinkIndex,
    mapper: Mapper,
    held: Mapping[tuple[str, str], DueTick] | None = None,
    orphans: Sequence[str] = (),
    where: dict[tuple[str, str], int] | None = None,
) -> list[FileChange]:
    """Due.md rendered from every step, and its change (none, and nothing
    rendered, while the one read is broken); `held`: the (note, step) ticks
    that stay ticked in it; `orphans`: its ticked lines kept with no note;
    `where`: see `render_due`."""
    lines, block, problem = read_as
    if problem is not None:
        return []
    inner = render_due(
        steps,
        notes,
        waiting,
        problems,
        unreadable,
        today,
        config.link_style,
        _checkboxes(config, settings),
        memo,
        config.sender,
        config.due_file,
        names,
        mapper,
        held,
        orphans,
        where,
    )
    return own_change(config.due_file, due, lines, block, inner)


def _checkboxes(config: Config, settings: VaultSettings) -> bool:
    """Whether Due.md's lines are tasks: always, never, or when the Tasks plugin
    would not take them for the notes' own."""
    mode = config.due_checkboxes
    return mode == "always" or (mode == "auto" and not settings.tasks_plugin)


def due_lines(
    steps: Sequence[Step],
    notes: Mapping[str, Note],
    today: date,
    config: Config,
    settings: VaultSettings,
    names: LinkIndex,
) -> list[tuple[Step, tuple[str | None, str], str]]:
    """The Due.md lines of these steps (one note's) that Due.md shows, each with
    the addresses it was written for: what `render_due` would make of them, made
    where the note is planned (on every core), for its memo."""
    checkboxes = _checkboxes(config, settings)
    made = []
    for step in steps:
        if step.status == "open" and not is_waiting(step, today):
            emails = (recipient_email(step, notes, names), copy_email(step, notes, names))
            line = agenda_line(
                step,
                notes[step.note],
                emails,
                today,
                config.link_style,
                checkboxes,
                config.sender,
                config.due_file,
            )
            made.append((step, emails, line))
    return made


def stats_change(
    stats_md: NoteFile | None,
    read_as: OwnRead,
    notes: Mapping[str, Note],
    steps: Sequence[Step],
    found: Mapping[str, Exchange],
    config: Config,
    today: date,
) -> list[FileChange]:
    """Stats.md's figures and its change, when `stats_file` is set (and the one read is sound)."""
    lines, block, problem = read_as
    if not config.stats_file or problem is not None:
        return []
    from followup_md.stats import compute_stats
    from followup_md.stats_text import STATS_BEGIN_TEXT, render_stats

    figures = render_stats(
        compute_stats(notes, steps, found, config, today), notes, config.link_style, config.stats_file
    )
    return own_change(config.stats_file, stats_md, lines, block, figures, STATS_BEGIN_TEXT)


def ics_change(
    ics: NoteFile | None, steps: Sequence[Step], notes: Mapping[str, Note], today: date, config: Config
) -> list[FileChange]:
    """The calendar and its change, when `ics_file` is set."""
    if not config.ics_file:
        return []
    from followup_md.ics import render_ics

    calendar = render_ics(steps, notes, today)
    if ics is not None and calendar == ics.data:
        return []
    return [FileChange(config.ics_file, ics.data if ics else None, calendar, ics.stat if ics else None)]
