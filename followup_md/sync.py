"""Orchestration: vault contents + config + today -> SyncPlan. Writes nothing.

`sync`, `sync --check`, `sync --dry-run`, `due`, `check` and `watch` all build
the same plan and differ only in what they do with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, tzinfo

from followup_md.agenda import DUE_BEGIN_TEXT, due_ticks, own_text, render_due
from followup_md.blocks import find_block, rename_steps, split_lines
from followup_md.config import Config
from followup_md.diagnose import contradictions, unresolved_links, unused_settings
from followup_md.errors import NoteError
from followup_md.links import LinkIndex, link_index
from followup_md.model import (
    Block,
    Entry,
    Exchange,
    FileChange,
    Link,
    Note,
    NoteFile,
    Problem,
    ReadFile,
    Step,
    TaskLine,
    TaskSyntax,
    VaultSettings,
    Waiting,
)
from followup_md.parse import decode_note, read_entry, split_front_matter
from followup_md.render import render_note
from followup_md.rules import merge_exchange, plan_note
from followup_md.rules_contacts import VIA_KEYS
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


UNCLOSED_AT_END = (
    "the note ends inside an unclosed code fence or %% comment; close it so the follow-up block can be added"
)


def exchanges(notes: Mapping[str, Note], names: LinkIndex) -> dict[str, Exchange]:
    """What the log notes say about each note: the exchanges with its own person
    and with the people its steps write to (a referral's source, an introducer)."""
    entries: dict[str, list[Entry]] = {}
    for note in sorted(notes.values(), key=lambda note: (note.facts.get("date") or date.min, note.path)):
        day = note.facts.get("date")
        if note.type != "log" or day is None:
            continue
        for link in note.facts.get("with", ()):
            target = names.resolve(link.target, note.path)
            if target is not None and target != note.path:
                entries.setdefault(target, []).append(Entry(day, note.facts.get("direction", ""), note.name))
    found: dict[str, Exchange] = {}
    for path, note in notes.items():
        via = []
        for key in VIA_KEYS:
            link = note.facts.get(key)
            if not isinstance(link, Link):
                continue
            target = names.resolve(link.target, path)
            if target is not None and target in entries:
                via.append((link.target, tuple(entries[target])))
        if path in entries or via:
            found[path] = Exchange(tuple(entries.get(path, ())), tuple(via))
    return found


def _ticked(note: Note, ticks: Mapping[tuple[str, str], int], today: date) -> Note:
    """The note's tasks with Due.md ticks and undated ticks done today."""
    tasks: dict[str, TaskLine] = {}
    for step, task in note.tasks.items():
        if task.status == "open" and (note.path, step) in ticks:
            task = replace(task, status="done", done=today)
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


def _guarded(note: Note, old: str, new: str) -> str:
    """The hard guarantee: every byte outside the block is what was read."""
    if note.block is None:
        ok = new.startswith(old)
    else:
        lines = split_lines(old)
        before = "".join(lines[: note.block.begin])
        after = "".join(lines[note.block.end + 1 :])
        ok = new.startswith(before) and new.endswith(after) and len(new) >= len(before) + len(after)
    if not ok:  # pragma: no cover - a bug, never user input
        raise AssertionError(f"{note.path}: refusing to write bytes outside the managed block")
    return new


def _block_found(text: str, path: str, body: bool = True) -> bool:
    """Whether a block appended to `text` reads back as a block (it would not
    inside an unclosed fence or comment, and the next run would add another);
    `body`: only below the front matter (a note's; Due.md's markers may be anywhere)."""
    try:
        start = split_front_matter(text)[1] if body else 0
        return find_block(text, split_lines(text), path, start) is not None
    except (NoteError, ValueError):
        return False


def _read_own(file: NoteFile | None, rel: str) -> tuple[list[str] | None, Block | None, Problem | None]:
    """A file of ours (Due.md, Stats.md) as lines and its block; a broken one
    is a problem, reported and not written."""
    if file is None:
        return None, None, None
    try:
        text = decode_note(file.data, rel)
        lines = split_lines(text)
        block = find_block(text, lines, rel)
        if block is None and not _block_found(own_text(lines, [], None), rel, body=False):
            # a section appended inside an unclosed fence would be text: another one each run
            return None, None, Problem(rel, text.count("\n") + 1, UNCLOSED_AT_END)
        return lines, block, None
    except NoteError as error:
        return None, None, Problem(rel, error.line or 1, error.message)


def _own_change(
    rel: str,
    file: NoteFile | None,
    lines: list[str] | None,
    block: Block | None,
    inner: list[str],
    begin_text: str = DUE_BEGIN_TEXT,
) -> list[FileChange]:
    """The change to a file of ours, if its new text differs from what was read."""
    assert file is None or lines is not None  # a file that was read has lines
    encoded = own_text(lines, inner, block, begin_text).encode("utf-8")
    if file is not None and encoded == file.data:
        return []
    old = "".join(lines) if lines is not None else None
    return [FileChange(rel, old, encoded, file.stat if file else None)]


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
    and again (the watcher): a note whose object, exchanges and date are the same
    is not planned twice. Valid for one config and one set of settings."""

    notes: dict[str, tuple[Note, Exchange, date, NoteOutcome]] = field(default_factory=dict)
    lines: dict[tuple[Step, date], tuple[Note, tuple[str | None, str], str]] = field(default_factory=dict)


NoteOutcome = tuple[list[Step], list[Waiting], str | None, Problem | None]


def _plan_note(
    note: Note, exchange: Exchange, config: Config, syntax: TaskSyntax, today: date
) -> NoteOutcome:
    """One note's steps, why it waits, its new text (None: unchanged, or never
    to be written), and a problem."""
    if note.type == "log":
        return [], [], None, None
    old = note.text
    renames = round_renames(note)
    if renames:  # a vault from before round ids were dates: the ✅ stay with their rounds
        note = renamed_steps(note, renames)
    try:
        steps, waiting = plan_note(note, exchange, config, today)
    except (OverflowError, ValueError):  # a bound missed where dates are read: this note only
        return [], [], None, Problem(note.path, 1, f"a date is too far from {today} to compute with")
    new = _guarded(note, old, render_note(note, note.text, steps, syntax, config.tag, config.heading))
    if note.block is None and new != old and not _block_found(new, note.path):
        return steps, waiting, None, Problem(note.path, old.count("\n") + 1, UNCLOSED_AT_END)
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
) -> SyncPlan:
    """Compute every step from files already read (the watcher keeps them).
    `ics` and `stats_md` are the calendar and Stats.md as read, when
    `ics_file` and `stats_file` are set; `paths` are all the vault's Markdown
    files, ours or not (to suggest the folder a setting meant)."""
    syntax = settings.syntax
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
    # Due.md: its ticks are input; a broken one is reported and not written.
    due_lines, due_block, due_problem = _read_own(due, config.due_file)
    ticks: dict[tuple[str, str], int] = {}
    if due_block is not None and due_lines is not None:
        ticks = due_ticks(
            due_lines[due_block.begin + 1 : due_block.end], due_block.begin + 2, config.due_file
        )
    stats_lines, stats_block, stats_problem = _read_own(stats_md, config.stats_file)
    problems += [problem for problem in (due_problem, stats_problem) if problem is not None]
    ticked = frozenset(
        path
        for path, step in ticks
        if path in notes and (task := notes[path].tasks.get(step)) is not None and task.status == "open"
    )
    names = link_index(notes)
    found = exchanges(notes, names)
    problems += unused_settings(config, notes.values(), paths)
    steps: list[Step] = []
    waiting: list[Waiting] = []
    changes: list[FileChange] = []
    for path in sorted(notes):
        note = _ticked(notes[path], ticks, today)
        notes[path] = note
        exchange = found.get(path, Exchange())
        known = memo.notes.get(path) if memo is not None else None
        if known is not None and known[0] is note and known[1:3] == (exchange, today):
            outcome = known[3]
        else:
            outcome = _plan_note(note, exchange, config, syntax, today)
            if memo is not None:
                memo.notes[path] = (note, exchange, today, outcome)
        note_steps, note_waiting, new, problem = outcome
        facts = dict(note.facts)
        merge_exchange(facts, exchange)
        problems += [*note.warnings, *unresolved_links(note, names), *contradictions(note, facts, note_steps)]
        steps += note_steps
        waiting += note_waiting
        if problem is not None:
            problems.append(problem)
            for (target, step), number in ticks.items():
                if target == path and note.block is None:
                    problems.append(
                        Problem(
                            config.due_file,
                            number,
                            f"your tick of {step} for {path} cannot be recorded until that note "
                            f"can take its follow-up block (see {path})",
                        )
                    )
        if new is not None:
            changes.append(FileChange(path, note.text, new.encode("utf-8"), read[path].file.stat))
    if memo is not None:
        for gone in memo.notes.keys() - notes.keys():
            del memo.notes[gone]
    problems.sort(key=lambda problem: (problem.path, problem.line))
    checkboxes = config.due_checkboxes == "always" or (
        config.due_checkboxes == "auto" and not settings.tasks_plugin
    )
    inner = render_due(
        steps,
        notes,
        waiting,
        problems,
        len(unreadable),
        today,
        config.link_style,
        checkboxes,
        memo.lines if memo is not None else None,
        config.sender,
        config.due_file,
    )
    if due_problem is None:
        changes += _own_change(config.due_file, due, due_lines, due_block, inner)
    if config.stats_file and stats_problem is None:
        from followup_md.stats import compute_stats
        from followup_md.stats_text import STATS_BEGIN_TEXT, render_stats

        figures = render_stats(
            compute_stats(notes, steps, found, config, today), notes, config.link_style, config.stats_file
        )
        changes += _own_change(
            config.stats_file, stats_md, stats_lines, stats_block, figures, STATS_BEGIN_TEXT
        )
    if config.ics_file:
        from followup_md.ics import render_ics

        calendar = render_ics(steps, notes, today)
        if ics is None or calendar != ics.data:
            old = ics.data.decode("utf-8", errors="surrogateescape") if ics else None
            changes.append(FileChange(config.ics_file, old, calendar, ics.stat if ics else None))
    return SyncPlan(
        today,
        notes,
        tuple(steps),
        tuple(waiting),
        tuple(problems),
        tuple(unreadable),
        tuple(changes),
        ticked,
    )
