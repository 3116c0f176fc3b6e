"""Frozen data passed between the pure stages: no IO here."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from operator import attrgetter
from typing import Any, Literal, Protocol, TypeVar, cast

# Dates outside these years are typos (0026 for 2026) or "never" (9999-12-31):
# refused where they are read, they keep every window's arithmetic far from
# date.min and date.max. MAX_DAYS bounds every window and interval.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
MAX_DAYS = 3650
YEARS = f"the years {FIRST_DAY.year} to {LAST_DAY.year}"


def in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


Stat = tuple[int, int]  # (st_mtime_ns, st_size): what a file looked like when read

T = TypeVar("T")
R = TypeVar("R")


_SHARED: dict[Any, Any] = {}
SHARED_MAX = 1 << 16  # values kept: far more than a vault's days, keys, lines and settings make


def shared(value: T) -> T:
    """One object for each value that notes and steps repeat (a day, a key's
    name, where it was written, the settings that shaped a note): a vault of
    10,000 notes holds the same few thousand of them again and again, in
    memory and in every pickle (the cache's, the forked children's), which
    writes an object once and refers to it after (a recruiter's 10,000 notes
    and plans held 78,510 day objects for 122 days: pickling a day costs as
    much as a task line's other fields)."""
    if len(_SHARED) >= SHARED_MAX:
        _SHARED.clear()
    return cast(T, _SHARED.setdefault(value, value))


class Mapper(Protocol):
    """`[func(item) for item in items]`, however it is computed: `serially`, or
    (chosen at the IO edge) shared among the machine's cores. The pure stages
    take one for their per-note work and must get what `serially` gives.
    `meanwhile` is the caller's own work, done in this process (its effects
    kept) while the items are shared out; before them when they are not."""

    def __call__(
        self, func: Callable[[T], R], items: Sequence[T], /, meanwhile: Callable[[], object] | None = None
    ) -> list[R]: ...


def serially(
    func: Callable[[T], R], items: Sequence[T], /, meanwhile: Callable[[], object] | None = None
) -> list[R]:
    """The plain mapper: `meanwhile`, then one item after the other, here."""
    if meanwhile is not None:
        meanwhile()
    return [func(item) for item in items]


TaskStatus = Literal["open", "done", "cancelled"]
State = Literal["overdue", "today", "week", "later"]


@dataclass(frozen=True, slots=True)
class Link:
    """A reference to another note or person: `target` resolves, `text` is shown."""

    target: str
    text: str


@dataclass(frozen=True, slots=True)
class Moment:
    """A calendar day, and the local day 24 hours later (differs from day+1 only
    for date-times near a daylight-saving change)."""

    day: date
    next_day: date


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one file, reported as `path:line: message`. A
    warning is input that cannot shape the output (a misspelt key, a setting
    that matches nothing): the file is still read, and `check` still passes."""

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        return f"{printable(self.path)}:{self.line}: {'warning: ' if self.warning else ''}{self.message}"


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str, keep: str = "") -> str:
    """`text` safe to print on a terminal, in a log or as one line of a file:
    control characters (escape sequences, bidi overrides, line breaks) other
    than those in `keep` are written as escapes like `\\u001b`, which JSON and
    Python read back as the same character."""
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub(lambda found: found[0] if found[0] in keep else f"\\u{ord(found[0]):04x}", text)


@dataclass(frozen=True, slots=True)
class TaskLine:
    """A generated task line found in a note's managed block."""

    step: str
    status: TaskStatus
    start: date | None
    due: date | None
    done: date | None
    # A done line's fact after " — ", as sync writes a step a fact or a log
    # closed (`they replied 2026-11-10`); "" when it carries none (a tick).
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Block:
    """A note's managed block: its marker lines (0-based indexes) and the windows
    the begin marker records. The lines between are read from the note's text
    when needed (see `blocks.inner_lines`), not kept twice."""

    begin: int
    end: int
    planned: Mapping[str, tuple[date, date]]


@dataclass(frozen=True, slots=True)
class Note:
    """One follow-up note, read: its facts and the state of its managed block."""

    path: str
    type: str
    name: str
    facts: Mapping[str, Any]
    data: bytes
    newline: str
    block: Block | None
    tasks: Mapping[str, TaskLine] = field(default_factory=dict)
    zoned: bool = False  # holds a date-time with a UTC offset (its day depends on the zone)
    # Where each fact came from: our key -> (the key as the note spells it, its line).
    sources: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    # Warnings about this note's own text (a misspelt key), reported with the problems.
    warnings: tuple[Problem, ...] = ()
    # The config entries this note answers to, ("section", "name"): see `unused_settings`.
    uses: frozenset[tuple[str, str]] = frozenset()

    @property
    def text(self) -> str:
        """The note as read (kept as UTF-8 bytes: a str with one emoji costs four
        bytes a character, and a vault holds thousands of notes)."""
        return self.data.decode("utf-8")


@dataclass(frozen=True, slots=True)
class Step:
    """One follow-up to do: a stable id, a window and what to do. `via` is the
    link target of the person it is addressed to when that is not the note's own
    person (a referral's source, an introducer). `reason` says which fact or log
    note completed it (empty when a tick did)."""

    note: str
    id: str
    start: date
    due: date
    action: str = ""
    hint: str = ""
    waiting: str = ""
    via: str = ""
    status: TaskStatus = "open"
    reason: str = ""
    channel: str = ""  # email, call or linkedin; "" for a step that writes to no one
    done: date | None = None
    planned: tuple[date, date] | None = None

    def moved(self, start: date, due: date, planned: tuple[date, date] | None) -> Step:
        """This step with another window: what `rules` makes of every step
        (`dataclasses.replace` takes twice as long; a test holds the two equal)."""
        return Step(
            self.note,
            self.id,
            start,
            due,
            self.action,
            self.hint,
            self.waiting,
            self.via,
            self.status,
            self.reason,
            self.channel,
            self.done,
            planned,
        )

    def state(self, today: date) -> State:
        if self.due < today:
            return "overdue"
        if self.due == today:
            return "today"
        if (self.due - today).days <= 6:
            return "week"
        return "later"


@dataclass(frozen=True, slots=True)
class Waiting:
    """A note with nothing to do yet, and why."""

    note: str
    reason: str


@dataclass(frozen=True, slots=True)
class FileChange:
    """The new bytes of one file, with its bytes as read (for a diff, and for
    the stale guard with the stat they were read at; None: the file did not
    exist). Bytes, not text: a note's text with one emoji costs four bytes a
    character, and a first sync holds every changed note at once."""

    path: str
    old: bytes | None
    new: bytes
    stat: tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class TaskSyntax:
    """How task lines are written and read in this vault (from the Tasks plugin)."""

    dataview: bool = False
    global_filter: str = ""
    done: frozenset[str] = frozenset("xX")
    cancelled: frozenset[str] = frozenset("-")


@dataclass(frozen=True, slots=True)
class Entry:
    """One log note's exchange with a person: its day, `sent`, `received`,
    `exchanged` (both ways: a call, a meeting) or "" (not said), and the log
    note's name (shown as the reason a step is done)."""

    day: date
    direction: str
    log: str


@dataclass(frozen=True, slots=True)
class Exchange:
    """What log notes say about a note: every exchange with its own person, oldest
    first, and with the people its steps write to (`via` link target -> entries)."""

    entries: tuple[Entry, ...] = ()
    via: tuple[tuple[str, tuple[Entry, ...]], ...] = ()

    def last(self, today: date) -> date | None:
        """The day of the latest exchange that has come to pass (a log note
        dated ahead records nothing yet, and hides no contact before it)."""
        return max((entry.day for entry in self.entries if entry.day <= today), default=None)

    @property
    def replies(self) -> tuple[date, ...]:
        """The day of every reply: received, or exchanged both ways (oldest first)."""
        return tuple(entry.day for entry in self.entries if entry.direction in ("received", "exchanged"))

    def received(self, today: date) -> date | None:
        """The day of the latest reply that has come to pass."""
        return max((day for day in self.replies if day <= today), default=None)

    def with_person(self, via: str) -> tuple[Entry, ...]:
        """The entries with whoever a step writes to ("": the note's own person)."""
        return self.entries if not via else dict(self.via).get(via, ())


@dataclass(frozen=True, slots=True)
class NoteFile:
    """One file as read: vault-relative POSIX path, bytes, stat."""

    path: str
    data: bytes
    stat: Stat | None = None


@dataclass(frozen=True, slots=True)
class ReadFile:
    """One file and what it is: a Note, a Problem, or None (not ours). Only our
    notes keep their bytes (they are what a write is checked against)."""

    file: NoteFile
    result: Note | Problem | None


@dataclass(frozen=True, slots=True)
class VaultSettings:
    """What the vault's Obsidian settings tell us."""

    syntax: TaskSyntax = field(default_factory=TaskSyntax)
    tasks_plugin: bool = False
    template_folders: tuple[str, ...] = ()


def pickled_by_fields(cls: type) -> None:
    """Pickle the dataclass `cls` as a call to itself with its fields in order:
    an object is only ever rebuilt by its constructor, whole (the cache's
    unpickler refuses any other way). A frozen, slotted dataclass's own
    pickling calls `fields()` for every object, which made a third of the time
    of saving and loading the cache's notes tier (10,000 notes: 0.53 → 0.36 s
    to save, 0.28 → 0.17 s to load)."""
    names = [item.name for item in fields(cls)]
    values = attrgetter(*names)

    def reduce(self: object) -> tuple[type, tuple[Any, ...]]:
        got = values(self)
        return cls, (got,) if len(names) == 1 else got

    setattr(cls, "__reduce__", reduce)  # noqa: B010 - a method set on a class made by @dataclass


PICKLED = (Link, Moment, Problem, TaskLine, Block, Note, Step, Waiting, Entry, Exchange, NoteFile, ReadFile)
for _pickled in PICKLED:  # what the cache and the forked children send
    pickled_by_fields(_pickled)


def stat_of(result: os.stat_result) -> Stat:
    """What the stale guard and the cache compare: (mtime in ns, size)."""
    return (result.st_mtime_ns, result.st_size)
