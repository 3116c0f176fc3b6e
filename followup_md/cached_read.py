"""The vault read through the cache: the probe (what changed since the last
run, by stat), the notes read from the disk or served from the cache, and
the run recorded for the next one. The cache may decide what needs reading,
never what gets written (see `app.plan_vault`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from followup_md.cache import (
    NotesTier,
    RunRecord,
    TierFile,
    fingerprint,
    load_notes,
    load_part,
    load_run,
    part_of,
    save,
    save_edited,
)
from followup_md.config import Config
from followup_md.layout import LEFTOVER
from followup_md.model import Note, NoteFile, Problem, R, ReadFile, Stat, T, VaultSettings
from followup_md.safe_read import read_file
from followup_md.vault import walk_notes

if TYPE_CHECKING:
    from followup_md.sync import PlanMemo


def stat_now(path: Path) -> Stat | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_mtime_ns, found.st_size)


@dataclass
class Probe:
    """A stat-only look at the vault: enough to tell that nothing changed."""

    key: bytes
    today: date
    stats: dict[str, Stat]
    due: NoteFile | None
    run: RunRecord | None
    odd: list[tuple[str, str]] = field(default_factory=list)
    ics: NoteFile | None = None
    stats_md: NoteFile | None = None
    cached: set[str] = field(default_factory=set)  # served from the notes tier, not read this run
    memo: PlanMemo | None = None  # what planning the notes served gave last time
    tier_file: TierFile | None = None  # where the notes served came from
    moved: dict[str, str] = field(default_factory=dict)  # files moved since the last run: old path -> new

    @property
    def leftovers(self) -> list[str]:
        return [rel for rel, why in self.odd if why == LEFTOVER]

    @property
    def own(self) -> tuple[Stat | None, ...]:
        return tuple(file.stat if file else None for file in (self.due, self.ics, self.stats_md))

    @property
    def unchanged(self) -> bool:
        return self.run is not None and self.run.unchanged(self.key, self.today, self.stats, self.own)


def probe_vault(root: Path, config: Config, settings: VaultSettings, today: date) -> Probe:
    odd: list[tuple[str, str]] = []
    stats = dict(walk_notes(root, config, settings, odd=odd, mapper=_stat_on_every_core))
    # The `.md` names that are not regular files (a symlink, a FIFO) are in the
    # output but not in `stats`: one added or gone is a change like any other.
    key = fingerprint(root) + repr(sorted(item for item in odd if item[1] != LEFTOVER)).encode()
    due = read_own(root, config.due_file)
    ics = read_own(root, config.ics_file) if config.ics_file else None
    stats_md = read_own(root, config.stats_file) if config.stats_file else None
    run = load_run(root)
    run = run if run is not None and run.key == key else None
    return Probe(key, today, stats, due, run, odd, ics, stats_md)


STAT_SHARE = 8  # batches of the walk's files (2,000 files): fewer a core than this are stat here


def _stat_on_every_core(
    func: Callable[[T], R], items: Sequence[T], /, meanwhile: Callable[[], object] | None = None
) -> list[R]:
    """The walk's stat calls shared among the cores: a no-op sync of 100,000
    notes took 0.43 s instead of 0.54 when this came (10,000: 0.107 instead of
    0.113). An item is a batch of the walk's files."""
    from followup_md.parallel import fork_map

    return fork_map(func, items, min_share=STAT_SHARE, meanwhile=meanwhile)


def read_own(root: Path, rel: str) -> NoteFile | None:
    """One of the files we write (Due.md, the calendar, Stats.md), if it is there."""
    try:
        got = read_file(root, rel)
    except OSError:
        got = None  # and a write would find it there: never clobbered
    return NoteFile(rel, *got) if got else None


def read_vault(
    root: Path,
    config: Config,
    settings: VaultSettings,
    probe: Probe,
    progress: Callable[[int], object] | None = None,
) -> dict[str, ReadFile]:
    """Our notes and problems as read (files that are not ours are left out):
    from the notes tier where the stat is trusted, from the disk otherwise
    (shared among the machine's cores when there are many: see `parallel`).
    Files that could not be read are dropped from `probe.stats`, so the next run
    tries them again, and the probe lets go of the last run's record. The
    probe takes the last run's plan memo (its plans of the notes served)."""
    from followup_md.parallel import fork_map  # a no-op run forks nothing
    from followup_md.sync import PlanMemo  # the planner stays unloaded on a no-op run

    served = _trusted(probe)  # the probe lets go of the run record before the tier loads
    loaded = load_notes(root) if served is not None else None
    entries, plans, lines = loaded[0] if loaded is not None else ({}, {}, {})
    probe.memo = PlanMemo(plans, lines, links=loaded[1] if loaded is not None else None)
    probe.tier_file = loaded[2] if loaded is not None else None
    if served is None or loaded is None:
        served = set()  # no notes tier: every note is read
    paths = sorted(probe.stats)
    if progress is not None:
        progress(len(served))
    unread = [rel for rel in paths if rel not in served]

    def read_one(rel: str) -> FromDisk | None:
        """`from_disk`, or None for a file that is not ours and was read as the
        walk found it (most of a vault: nothing to hold or send back)."""
        found = from_disk(root, rel, config, settings)
        return None if found == (None, probe.stats[rel]) else found

    found = iter(fork_map(read_one, unread, progress=progress))
    read: dict[str, ReadFile] = {}
    for rel in paths:  # in path order, as `unread` and what was found in it are
        if rel in served:
            if (entry := entries.get(rel)) is not None:
                read[rel] = entry
                probe.cached.add(rel)
        elif (got := next(found)) is not None and not take(rel, got, probe, read):
            del probe.stats[rel]
    for rel, why in probe.odd:
        if why != LEFTOVER:
            read[rel] = ReadFile(NoteFile(rel, b"", None), Problem(rel, 0, why))
    return read


REPLAY_LIMIT = 16  # files edited: more are read and planned as usual


def replay_edits(root: Path, config: Config, settings: VaultSettings, probe: Probe) -> bool:
    """When every file changed since the last run was edited only where a plan
    never looks (a note's text outside its front matter and managed block, or
    a file that is not ours and stays so), that run's plan and output stand:
    the notes are recorded as they are now, and True says the output is the
    record's. False (nothing recorded) when a full run must decide."""
    run = probe.run
    edited = run.edited(probe.key, probe.today, probe.stats, probe.own) if run is not None else None
    if run is None or not edited or len(edited) > REPLAY_LIMIT:
        return False
    at = {rel: part_of(run, rel) for rel in sorted(edited)}  # only the parts that hold them are read
    loaded = {index: load_part(root, run, index) for index in set(at.values()) if index is not None}
    if None in at.values() or None in loaded.values():
        return False
    parts = cast(dict[int, NotesTier], loaded)
    found = {rel: from_disk(root, rel, config, settings) for rel in at}
    for rel, (entry, stat) in found.items():
        entries, plans, _ = parts[cast(int, at[rel])]
        if stat is None or not _plans_alike(entries.get(rel), entry, plans.get(rel)):
            return False
    for rel, (entry, stat) in found.items():
        probe.stats[rel] = cast(Stat, stat)
        if entry is not None:
            _renew(parts[cast(int, at[rel])], rel, entry)
    recorded = RunRecord(probe.key, probe.today, probe.stats, run.own, 0, run.stdout, run.stderr)
    save_edited(root, recorded, run, parts)
    return True


def _renew(part: NotesTier, rel: str, entry: ReadFile) -> None:
    """`rel` read again as `entry` in its part of the notes tier: its plan and
    Due.md lines moved from the note as cached to the note as read."""
    entries, plans, lines = part
    old = entries[rel].result
    entries[rel] = entry
    for table in (plans, lines):
        for key, known in table.items():
            if isinstance(known, tuple) and known and known[0] is old:
                table[key] = (entry.result, *known[1:])


def _plans_alike(old: ReadFile | None, new: ReadFile | None, plan: Any) -> bool:
    """Whether a file read again plans as it did: it is not ours, as it was
    not; or it is the same note (the same facts, block, tasks, lines of each)
    with the same bytes in its managed block, and the plan made from it is kept."""
    if old is None or new is None:
        return old is None and new is None
    if not isinstance(old, ReadFile):  # a crafted notes tier holds anything
        return False
    before, after = old.result, new.result
    if not (isinstance(before, Note) and isinstance(after, Note) and isinstance(before.data, bytes)):
        return False
    if not (isinstance(plan, tuple) and len(plan) == 4 and plan[0] is before):
        return False
    outcome = plan[3]
    if not (isinstance(outcome, tuple) and len(outcome) == 5) or outcome[2] is not None:
        return False  # a plan is kept only if it wrote nothing
    if outcome[3] is not None:  # its problem (a note ending in an open fence) reads the text
        return False
    same_note = replace(before, data=b"") == replace(after, data=b"")
    # the block's lines by the bounds read (a crafted note's may only equal them: 1.0 for 1)
    return same_note and _block_bytes(replace(before, block=after.block)) == _block_bytes(after)


def _block_bytes(note: Note) -> list[bytes]:
    """The lines of a note's managed block, its markers with them."""
    if note.block is None:
        return []
    return note.data.split(b"\n")[note.block.begin : note.block.end + 1]


def _trusted(probe: Probe) -> set[str] | None:
    """The files whose stat the last run's record trusts (None: there is no
    record). The probe lets go of the record: its stat map has served, and is
    not held beside the notes tier (100,000 stats, held twice, are 16 MB),
    once it has told which files moved since (`moved_notes`)."""
    run, probe.run = probe.run, None
    if run is None:
        return None
    before, now = run.stats, probe.stats
    probe.moved = moved_notes(
        {rel: before[rel] for rel in before.keys() - now.keys()},
        {rel: now[rel] for rel in now.keys() - before.keys()},
    )
    return run.trusted(now)


def moved_notes(gone: Mapping[str, Stat], arrived: Mapping[str, Stat]) -> dict[str, str]:
    """Which files gone since the last run (path -> the stat it had) are which
    files new since (path -> stat now): the one new file with a gone one's stat
    (a move or a rename keeps a file's mtime, to the nanosecond, and its size:
    `mv`, `git mv`, a file manager). A stat two gone files or two new ones
    share is no evidence."""
    if not gone or not arrived:
        return {}
    olds = _by_stat(gone)
    news = _by_stat({path: stat for path, stat in arrived.items() if stat in olds})
    return {old: new for stat, new in news.items() if new is not None and (old := olds[stat]) is not None}


def _by_stat(stats: Mapping[str, Stat]) -> dict[Stat, str | None]:
    """Each stat's one path (None: more than one has it)."""
    paths: dict[Stat, str | None] = {}
    for path, stat in stats.items():
        paths[stat] = None if stat in paths else path
    return paths


# One file read from the disk: its entry (None: not ours, gone, or not a
# regular file) and the stat it was read at (None: it was not read, and the
# entry, if any, is a problem that says why).
FromDisk = tuple[ReadFile | None, Stat | None]


def from_disk(root: Path, rel: str, config: Config, settings: VaultSettings) -> FromDisk:
    """Read and parse one file."""
    from followup_md.parse import read_entry  # the parser stays unloaded on a no-op run

    try:
        got = read_file(root, rel)
    except OSError as error:
        return ReadFile(NoteFile(rel, b"", None), Problem(rel, 0, f"cannot be read: {error.strerror}")), None
    if got is None:
        return None, None
    entry = read_entry(NoteFile(rel, *got), config, settings.syntax)
    return (entry if entry.result is not None else None), got[1]


def take(rel: str, found: FromDisk, probe: Probe, read: dict[str, ReadFile]) -> bool:
    """Put what reading `rel` gave into `read` (left out when it is not ours) and
    its stat into `probe`; False when it could not be read, so the next run
    tries it again."""
    entry, stat = found
    probe.cached.discard(rel)
    if entry is not None:
        read[rel] = entry
    else:
        read.pop(rel, None)
    if stat is not None and stat != probe.stats.get(rel):
        probe.stats[rel] = stat  # it changed since the walk: remember what was read
    return stat is not None


def read_from_disk(
    root: Path, rel: str, config: Config, settings: VaultSettings, probe: Probe, read: dict[str, ReadFile]
) -> bool:
    """Read one note from the disk into `read` and its stat into `probe` (see `take`)."""
    return take(rel, from_disk(root, rel, config, settings), probe, read)


def record_run(
    root: Path,
    probe: Probe,
    read: dict[str, ReadFile],
    written: Mapping[str, bytes],
    config: Config,
    settings: VaultSettings,
    output: tuple[str, list[str]],
) -> None:
    """Save what this sync saw and left, so the next one can skip the work.
    It takes over `probe.stats` and `read` and updates them in place (a vault of
    100,000 notes should not be held twice), keeps what `probe.memo` holds
    of the notes as they are left, and lets go of our own files as read."""
    stats = probe.stats
    for rel, stat in [(rel, entry.file.stat) for rel, entry in read.items()]:  # no note left in a variable
        if stat is not None:
            stats[rel] = stat
        else:
            del read[rel]  # unreadable: tried again next time
    plans, lines = _kept_plans(probe.memo, read, written)
    links = _kept_links(probe.memo)
    probe.memo = None  # the plans of the notes written go before those notes are read again
    probe.due = probe.ics = probe.stats_md = None  # their bytes (Due.md's are megabytes) are not recorded
    now = {rel: stat_now(root / rel) for rel in written if rel not in config.own_files}
    for rel, stat in now.items():
        read.pop(rel, None)  # the note as it was goes before it is read again from what was written
        if stat is None:
            stats.pop(rel, None)
    present = {rel: stat for rel, stat in now.items() if stat is not None}
    for rel, entry in zip(present, _read_written(present, written, config, settings), strict=True):
        stats[rel], read[rel] = present[rel], entry
    stdout, stderr = output
    own = tuple(
        stat_now(root / rel) if rel else None for rel in (config.due_file, config.ics_file, config.stats_file)
    )
    run = RunRecord(probe.key, probe.today, stats, own, 0, stdout, stderr)
    save(root, run, (read, plans, lines), links, probe.tier_file)


def _read_written(
    now: Mapping[str, Stat], written: Mapping[str, bytes], config: Config, settings: VaultSettings
) -> list[ReadFile]:
    """The notes just written (`now`: their stat now), read from the bytes
    written, in `now`'s order (by `fork_map` when there are many: a child sends
    each note without the bytes the parent holds)."""
    from followup_md.parallel import fork_map
    from followup_md.parse import read_entry  # the parser stays unloaded on a no-op run

    def bare(rel: str) -> ReadFile:
        return _with_data(read_entry(NoteFile(rel, written[rel], now[rel]), config, settings.syntax), b"")

    paths = list(now)
    return [_with_data(entry, written[rel]) for rel, entry in zip(paths, fork_map(bare, paths), strict=True)]


def _with_data(entry: ReadFile, data: bytes) -> ReadFile:
    """`entry` with its note's bytes replaced (a problem has none)."""
    note = entry.result
    return replace(entry, result=replace(note, data=data)) if isinstance(note, Note) else entry


def keep_for_record(probe: Probe, read: Mapping[str, ReadFile], changing: Collection[str]) -> None:
    """Before a sync's writes, let the probe's plan memo go of all that
    `record_run` would not keep of it (`changing`: the notes about to be
    written): the link index (but its suggestions), and the plans and Due.md
    lines of the notes written, are megabytes at 100,000 notes."""
    from followup_md.sync import PlanMemo

    probe.memo = PlanMemo(*_kept_plans(probe.memo, read, changing), links=_kept_links(probe.memo))


def _kept_links(memo: PlanMemo | None) -> Any:
    """What the cache keeps of the memo's link index: its paths and aliases
    with its suggestions for broken links (see `sync.PlanMemo.links`)."""
    found = memo.link_lookups() if memo is not None else None
    return (found[0], found[1][1]) if found is not None else None


def _kept_plans(
    memo: PlanMemo | None, read: Mapping[str, ReadFile], written: Collection[str]
) -> tuple[dict[str, Any], dict[Any, Any]]:
    """The memo's plans and Due.md lines of notes that are still what was read
    and were not written (a note written is read again, and planned again next
    time); never a plan that changes its note (it will be planned again)."""
    if memo is None:
        return {}, {}

    # The notes as read and not written, by identity (`read` holds them alive)
    current = {id(entry.result) for rel, entry in read.items() if rel not in written}
    plans = {rel: plan for rel, plan in memo.notes.items() if id(plan[0]) in current and plan[3][2] is None}
    lines = {
        key: known  # a line a plan never rendered is what the cache held: anything
        for key, known in memo.lines.items()
        if isinstance(known, tuple) and known and id(known[0]) in current
    }
    return plans, lines
