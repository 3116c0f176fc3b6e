"""Orchestration: vault contents + config + today -> SyncPlan. Writes nothing.

`sync`, `sync --check`, `sync --dry-run`, `due`, `check` and `watch` all build
the same plan and differ only in what they do with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, tzinfo

from followup_md.agenda import DueLineMemo, DueTick, due_ticks, orphan_number
from followup_md.blocks import block_span, rename_steps, split_lines
from followup_md.config import Config
from followup_md.diagnose import broken_links, contradictions, lost_log, unresolved_links, unused_settings
from followup_md.journal import exchanges
from followup_md.links import LinkIndex, Lookups, Suggested, link_index
from followup_md.model import (
    Exchange,
    FileChange,
    Mapper,
    Note,
    NoteFile,
    Problem,
    ReadFile,
    Step,
    TaskLine,
    TaskSyntax,
    VaultSettings,
    Waiting,
    serially,
)
from followup_md.own_files import (
    UNCLOSED_AT_END,
    OwnRead,
    block_found,
    due_change,
    due_lines,
    ics_change,
    outside_block,
    read_own,
    stats_change,
)
from followup_md.parse import read_entry, written_warnings
from followup_md.render import render_note
from followup_md.rules import merge_exchange, plan_note
from followup_md.rules_interviews import round_renames


@dataclass(frozen=True)
class SyncPlan:
    """Everything one sync would do and show."""

    today: date
    notes: Mapping[str, Note]
    steps: tuple[Step, ...]
    waiting: tuple[Waiting, ...]
    problems: tuple[Problem, ...]
    unreadable: tuple[Problem, ...]
    changes: tuple[FileChange, ...] = field(default=())
    ticked: frozenset[str] = frozenset()  # notes that take a tick from Due.md: written before it
    # Ticks that stay in Due.md, their note's block without that step yet: (note, step)
    held: frozenset[tuple[str, str]] = frozenset()


def _ticked(note: Note, ticks: Mapping[tuple[str, str], DueTick], today: date, syntax: TaskSyntax) -> Note:
    """The note's tasks with Due.md ticks (done or cancelled on the day the
    tick says, never after today; else today) and undated ticks done today.
    A `[-]` is done where the Tasks plugin's settings make `-` a done status:
    a cancel written `[-]` in the note would read as done there."""
    tasks: dict[str, TaskLine] = {}
    for step, task in note.tasks.items():
        if task.status == "open" and (tick := ticks.get((note.path, step))) is not None:
            status = tick.status if tick.status == "done" or "-" in syntax.cancelled else "done"
            task = replace(task, status=status, done=min(tick.day or today, today))
        elif task.status == "done" and task.done is None:
            task = replace(task, done=today)
        tasks[step] = task
    return replace(note, tasks=tasks) if tasks != note.tasks else note


def renamed_steps(note: Note, renames: dict[str, str]) -> Note:
    """The note with some step ids renamed in its block, its tasks and the
    windows its begin marker recorded."""
    assert note.block is not None  # only a block's tasks are renamed
    block = replace(note.block, planned={renames.get(k, k): v for k, v in note.block.planned.items()})
    text = "".join(rename_steps(split_lines(note.text), note.block, renames))
    tasks = {renames.get(k, k): replace(v, step=renames.get(k, k)) for k, v in note.tasks.items()}
    return replace(note, data=text.encode("utf-8"), block=block, tasks=tasks)


def _guarded(note: Note, old: bytes, new: bytes) -> bytes:
    """The hard guarantee: every byte outside the block is what was read."""
    if new == old:
        return new
    if note.block is None:
        ok = new.startswith(old)
    else:
        start, stop = block_span(old, note.block)
        before, after = old[:start], old[stop:]
        ok = new.startswith(before) and new.endswith(after) and len(new) >= len(before) + len(after)
    if not ok:  # pragma: no cover - a bug, never user input
        raise AssertionError(f"{note.path}: refusing to write bytes outside the managed block")
    return new


def plan_sync(
    files: Iterable[NoteFile],
    due: NoteFile | None,
    config: Config,
    settings: VaultSettings,
    today: date,
    tz: tzinfo | None = None,
) -> SyncPlan:
    """Read every file, compute every step, render every changed file."""
    read = {file.path: read_entry(file, config, settings.syntax, tz) for file in files}
    return plan_read(read, due, config, settings, today)


@dataclass
class PlanMemo:
    """What planning each note gave, for a caller that plans the same notes again
    and again (the watcher; the next run, through the cache): a note whose
    object, exchanges and date are the same is not planned twice. Valid for one
    config and one set of settings."""

    notes: dict[str, tuple[Note, Exchange, date, NoteOutcome]] = field(default_factory=dict)
    lines: DueLineMemo = field(default_factory=dict)
    # The link index with the paths and aliases it was built from: it keeps
    # what it resolved and suggested (a broken link's suggestions cost a
    # search). The index itself is kept in memory (the watcher's); the cache
    # keeps the paths and aliases with its suggestions (`links`), never where
    # a link leads (a plan, and so what is written, follows from that).
    index: tuple[dict[str, tuple[str, ...]], LinkIndex] | None = None
    links: tuple[dict[str, tuple[str, ...]], dict[tuple[str, int], Suggested]] | None = None

    def link_lookups(self) -> tuple[dict[str, tuple[str, ...]], Lookups] | None:
        """The paths and aliases of the last index, with its lookups."""
        if self.index is not None:
            return self.index[0], self.index[1].lookups
        return (self.links[0], ({}, self.links[1])) if self.links is not None else None


NoteOutcome = tuple[list[Step], list[Waiting], bytes | None, Problem | None, list[Problem]]


NO_EXCHANGE = Exchange()  # one for every note no log note is about (most of them)


def _plan_note(
    note: Note, exchange: Exchange, config: Config, syntax: TaskSyntax, today: date
) -> NoteOutcome:
    """One note's steps, why it waits, its new bytes (None: unchanged, or never
    to be written), a problem, and the warnings its facts and steps call for
    (`diagnose.contradictions`: kept with the plan, as they follow from the
    same note, exchanges and day)."""
    steps, waiting, new, problem = _planned(note, exchange, config, syntax, today)
    facts = dict(note.facts)
    merge_exchange(facts, exchange, today)
    return steps, waiting, new, problem, contradictions(note, facts, steps)


def _planned(
    note: Note, exchange: Exchange, config: Config, syntax: TaskSyntax, today: date
) -> tuple[list[Step], list[Waiting], bytes | None, Problem | None]:
    """`_plan_note` but the warnings."""
    if note.type == "log":
        return [], [], None, None
    old = note.data
    renames = round_renames(note)
    if renames:  # a vault from before round ids were dates: the ✅ stay with their rounds
        note = renamed_steps(note, renames)
    try:
        steps, waiting = plan_note(note, exchange, config, today)
    except (OverflowError, ValueError):  # a bound missed where dates are read: this note only
        return [], [], None, Problem(note.path, 1, f"a date is too far from {today} to compute with")
    try:
        new = _guarded(note, old, render_note(note, steps, syntax, config.tag, config.heading))
    except ValueError:  # a block not within the note's lines: a crafted cache's note, never one read
        return (
            [],
            [],
            None,
            Problem(note.path, 1, "the cache's copy of this note is not the note; delete .followup-md"),
        )
    if note.block is None and new != old and not block_found(new.decode("utf-8"), note.path):
        return steps, waiting, None, Problem(note.path, old.count(b"\n") + 1, UNCLOSED_AT_END)
    return steps, waiting, (new if new != old else None), None


def plan_read(
    read: Mapping[str, ReadFile],
    due: NoteFile | None,
    config: Config,
    settings: VaultSettings,
    today: date,
    memo: PlanMemo | None = None,
    ics: NoteFile | None = None,
    stats_md: NoteFile | None = None,
    paths: Iterable[str] = (),
    mapper: Mapper = serially,
    moved: Mapping[str, str] | None = None,
    as_written: bool = True,
) -> SyncPlan:
    """Compute every step from files already read (the watcher keeps them).
    `ics` and `stats_md` are the calendar and Stats.md as read, when
    `ics_file` and `stats_file` are set; `paths` are all the vault's Markdown
    files, ours or not (to suggest the folder a setting meant); `mapper` plans
    the notes the memo does not hold, and renders the Due.md lines it does not;
    `moved`: the notes moved since the last run (old path -> new, see
    `cached_read.moved_notes`), for Due.md's ticks to follow them.
    `as_written`: a note's warnings about its block's lines are said of it as
    the sync writes it (False: as it is, for a command that writes nothing)."""
    notes, problems, unreadable = _sorted_read(read)
    # Due.md: its ticks are input; a broken one is reported and not written.
    due_read = read_own(due, config.due_file)
    ticks = _due_md_ticks(due_read, config.due_file)
    ticks, orphans = _placed(ticks, notes, moved or {})
    orphan_lines, orphaned = _orphans(orphans, due_read, read, config.due_file, today)
    problems += orphaned
    due_read = outside_block(due_read)  # its ticks taken, the lines between its markers can go
    stats_read = read_own(stats_md, config.stats_file)
    problems += [problem for problem in (due_read[2], stats_read[2]) if problem is not None]
    ticked = _notes_ticked(ticks, notes)
    names = _link_index(notes, memo)
    found = exchanges(notes, names)
    problems += unused_settings(config, notes.values(), paths)
    lines: DueLineMemo = memo.lines if memo is not None else {}  # filled as notes are planned
    steps, waiting, noted, changes, held, said = _plan_notes(
        read, notes, ticks, found, names, config, settings, today, memo, lines, mapper, as_written
    )
    problems += noted

    def due_md(
        numbers: Mapping[tuple[str, str], int], where: dict[tuple[str, str], int] | None = None
    ) -> tuple[list[Problem], list[FileChange]]:
        """Every problem (the held ticks said at these lines), and Due.md's change."""
        said_at = [*problems, *(_tick_held(config.due_file, numbers[key], key) for key in said)]
        said_at.sort(key=lambda problem: (problem.path, problem.line))
        return said_at, due_change(
            due,
            due_read,
            steps,
            notes,
            waiting,
            said_at,
            len(unreadable),
            today,
            config,
            settings,
            lines,
            names,
            mapper,
            held,
            orphan_lines,
            where,
        )

    where: dict[tuple[str, str], int] = {}
    final, due_changes = due_md(said, where)
    # A held tick is said at the line it is written to, not the one it was
    # read at (the orphans put first, or a step new above it, move it down):
    # else the next sync says it elsewhere, and a cached run's output is stale
    block = due_read[1]
    written = {
        key: block.begin + 2 + where[key] if block is not None and key in where else said[key] for key in said
    }
    if written != said:
        final, due_changes = due_md(written)
    problems = final
    changes += due_changes
    changes += stats_change(stats_md, stats_read, notes, steps, found, config, today)
    changes += ics_change(ics, steps, notes, today, config)
    return SyncPlan(
        today,
        notes,
        tuple(steps),
        tuple(waiting),
        tuple(problems),
        tuple(unreadable),
        tuple(changes),
        ticked,
        frozenset(held),
    )


def _link_index(notes: Mapping[str, Note], memo: PlanMemo | None) -> LinkIndex:
    """The notes' link index: the memo's while the paths and aliases it was
    built from are the same. When notes were only added since the memo's (or
    the cache's) index, the new one keeps what it resolved and suggested that
    they cannot change."""
    if memo is None:
        return link_index(notes)
    basis = {path: note.facts.get("aliases", ()) for path, note in notes.items()}
    if memo.index is not None and memo.index[0] == basis:
        return memo.index[1]
    index = link_index(notes)
    older = memo.link_lookups()
    if older is not None and older[0].items() <= basis.items():
        index.learn_from(older[1], {path: basis[path] for path in basis.keys() - older[0].keys()})
    memo.index = (basis, index)
    return index


def _sorted_read(read: Mapping[str, ReadFile]) -> tuple[dict[str, Note], list[Problem], list[Problem]]:
    """The notes read, the problems with a line, and the files that could not be read at all."""
    notes: dict[str, Note] = {}
    problems: list[Problem] = []
    unreadable: list[Problem] = []
    for path, entry in read.items():
        result = entry.result
        if isinstance(result, Note):
            notes[path] = result
        elif isinstance(result, Problem):
            (problems if result.line else unreadable).append(result)
    unreadable.sort(key=lambda problem: problem.path)
    return notes, problems, unreadable


def _due_md_ticks(due_read: OwnRead, due_file: str) -> dict[tuple[str, str], DueTick]:
    """The lines ticked in Due.md's block: (note, step) -> line."""
    due_lines, due_block, _ = due_read
    if due_block is None or due_lines is None:
        return {}
    return due_ticks(due_lines[due_block.begin + 1 : due_block.end], due_block.begin + 2, due_file)


def _placed(
    ticks: dict[tuple[str, str], DueTick], notes: Mapping[str, Note], moved: Mapping[str, str]
) -> tuple[dict[tuple[str, str], DueTick], dict[tuple[str, str], DueTick]]:
    """Due.md's ticks by the note each goes to (a note `moved` since the last
    run: its new path), and the ticks that have no note to go to."""
    if all(path in notes for path, _ in ticks):
        return ticks, {}
    placed: dict[tuple[str, str], DueTick] = {}
    orphans: dict[tuple[str, str], DueTick] = {}
    for (path, step), tick in ticks.items():
        if path not in notes and moved.get(path) in notes:
            path = moved[path]
        (placed if path in notes else orphans)[(path, step)] = tick
    return placed, orphans


def _orphans(
    orphans: Mapping[tuple[str, str], DueTick],
    due_read: OwnRead,
    read: Mapping[str, ReadFile],
    due_file: str,
    today: date,
) -> tuple[list[str], list[Problem]]:
    """Due.md's ticked lines that have no note to go to, kept as they are (a
    tick is never lost without a word: a note renamed or deleted outside
    Obsidian, or one that cannot be read), with the problem each is, at
    the line where Due.md will hold it. A line without a day (or with one
    after today) is given the day it was read: the note takes that day."""
    lines, block, _ = due_read
    if not orphans or lines is None or block is None:
        return [], []
    kept, problems = [], []
    for index, ((path, step), tick) in enumerate(sorted(orphans.items(), key=lambda item: item[1].number)):
        line = lines[tick.number - 1].rstrip("\r\n")
        if tick.day is None or tick.day > today:
            line += f" {'❌' if tick.status == 'cancelled' else '✅'} {today}"
        kept.append(line)
        message = (
            f"your tick of {step} waits for {path} to be read (see its problem): "
            "it is taken once the note is fixed"
            if path in read
            and isinstance(read[path].result, Problem)  # the watcher's read holds files not ours
            else f"your tick of {step} cannot be recorded: there is no follow-up note {path} (renamed, "
            "deleted, or no longer a follow-up?); tick the step in its note, then delete this line"
        )
        problems.append(Problem(due_file, orphan_number(block.begin, index), message))
    return kept, problems


def _notes_ticked(ticks: Mapping[tuple[str, str], DueTick], notes: Mapping[str, Note]) -> frozenset[str]:
    """The notes that take a tick from Due.md (an open line of theirs ticked there)."""
    return frozenset(
        path
        for path, step in ticks
        if path in notes and (task := notes[path].tasks.get(step)) is not None and task.status == "open"
    )


def _plan_notes(
    read: Mapping[str, ReadFile],
    notes: dict[str, Note],
    ticks: Mapping[tuple[str, str], DueTick],
    found: Mapping[str, Exchange],
    names: LinkIndex,
    config: Config,
    settings: VaultSettings,
    today: date,
    memo: PlanMemo | None,
    lines: DueLineMemo,
    mapper: Mapper,
    as_written: bool = True,
) -> tuple[
    list[Step],
    list[Waiting],
    list[Problem],
    list[FileChange],
    dict[tuple[str, str], DueTick],
    dict[tuple[str, str], int],
]:
    """Every note planned in path order, Due.md's ticks applied first (`notes`
    is updated with them): the steps, why notes wait, problems, changed notes,
    and the ticks that stay in Due.md (their note's block does not hold the
    step yet), with those said as problems (the note cannot take a block: see
    `_tick_held`) and their line as read; `lines` takes the Due.md lines of
    the notes planned."""
    steps: list[Step] = []
    waiting: list[Waiting] = []
    problems: list[Problem] = []
    changes: list[FileChange] = []
    held: dict[tuple[str, str], DueTick] = {}
    said: dict[tuple[str, str], int] = {}
    by_note: dict[str, dict[tuple[str, str], DueTick]] = {}
    for key, tick in ticks.items():
        by_note.setdefault(key[0], {})[key] = tick
    for path in sorted(notes):
        notes[path] = _ticked(notes[path], ticks, today, settings.syntax)
    broken = broken_links(notes.values(), names)
    outcomes = _outcomes(
        notes, found, names, config, settings, today, memo, lines, mapper, lambda: names.suggest_ahead(broken)
    )
    for path in sorted(notes):
        note = notes[path]
        note_steps, note_waiting, new, problem, checked = outcomes[path]
        problems += [
            *(
                note.warnings
                if new is None or not as_written
                else written_warnings(note, new, settings.syntax)
            ),
            *unresolved_links(note, names),
            *lost_log(note, config),
            *checked,
        ]
        steps += note_steps
        waiting += note_waiting
        # A tick for a step its note's block does not hold yet (no block, or a
        # write of it deferred or failed) stays in Due.md: taken by a second
        # pass once the step is written into the note
        kept = {key: tick for key, tick in by_note.get(path, {}).items() if key[1] not in note.tasks}
        held.update(kept)
        if problem is not None:
            problems.append(problem)
            if note.block is None:  # it cannot take one: each tick is said
                said.update((key, tick.number) for key, tick in kept.items())
        if new is not None:
            changes.append(FileChange(path, note.data, new, read[path].file.stat))
    return steps, waiting, problems, changes, held, said


def _outcomes(
    notes: Mapping[str, Note],
    found: Mapping[str, Exchange],
    names: LinkIndex,
    config: Config,
    settings: VaultSettings,
    today: date,
    memo: PlanMemo | None,
    lines: DueLineMemo,
    mapper: Mapper,
    meanwhile: Callable[[], object],
) -> dict[str, NoteOutcome]:
    """Each note's outcome: what the memo kept of planning the same note before,
    or planned now (all of them by one `mapper` call, each with its Due.md
    lines, which go to `lines`, while this process does `meanwhile`); the memo
    is left holding this round's."""
    outcomes: dict[str, NoteOutcome] = {}
    todo: list[str] = []
    for path, note in notes.items():
        known = memo.notes.get(path) if memo is not None else None
        if known is not None and known[0] is note and known[1:3] == (found.get(path, NO_EXCHANGE), today):
            outcomes[path] = known[3]
        else:
            todo.append(path)

    def plan(path: str) -> tuple[NoteOutcome, list[tuple[Step, tuple[str | None, str], str]]]:
        outcome = _plan_note(notes[path], found.get(path, NO_EXCHANGE), config, settings.syntax, today)
        return outcome, due_lines(outcome[0], notes, today, config, settings, names)

    planned = mapper(plan, todo, meanwhile=meanwhile)
    for path, (outcome, made) in zip(todo, planned, strict=True):
        outcomes[path] = outcome
        for step, emails, line in made:
            lines[(step.note, step.id, today)] = (notes[path], emails, line, step)
        if memo is not None:
            memo.notes[path] = (notes[path], found.get(path, NO_EXCHANGE), today, outcome)
    if memo is not None:
        for gone in memo.notes.keys() - notes.keys():
            del memo.notes[gone]
    return outcomes


def _tick_held(due_file: str, number: int, key: tuple[str, str]) -> Problem:
    """Due.md's tick (on line `number`) for a note that cannot take its block: said, and kept there."""
    path, step = key
    return Problem(
        due_file,
        number,
        f"your tick of {step} for {path} cannot be recorded until that note "
        f"can take its follow-up block (see {path})",
    )
