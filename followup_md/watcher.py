"""The in-memory vault the watcher keeps: batches of changed paths re-read,
planned exactly as `sync` plans, and written; the periodic mail check.

Due.md is written at once and a note only once it has been quiet for a couple
of seconds (Obsidian merges an external write into a note being typed in).
Its own writes end in a fixed point: re-reading them changes nothing, so
nothing is written again.
"""

from __future__ import annotations

import hashlib
import os
import stat as stat_module
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from followup_md.app import apply_plan, plan_vault
from followup_md.cached_read import moved_notes, probe_vault, read_own, record_run
from followup_md.errors import ConfigError
from followup_md.layout import SETTINGS_FILES
from followup_md.model import FileChange, Note, NoteFile, Problem, ReadFile, Stat, stat_of
from followup_md.output import problem_lines, quiet_line
from followup_md.parse import read_entry
from followup_md.safe_read import read_file
from followup_md.sync import PlanMemo, SyncPlan, plan_read
from followup_md.vault import (
    is_note_path,
    load_config,
    read_settings,
    vault_today,
    walk_notes,
)
from followup_md.write import remove_leftovers

NOTE_QUIET = 2.0  # a note is written only once it has been quiet this long


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


@dataclass
class Stats:
    """What the watcher has done (for status lines and tests)."""

    syncs: int = 0
    writes: dict[str, int] = field(default_factory=dict)


class Watcher:
    """The vault in memory, kept current from batches of changed paths."""

    def __init__(
        self,
        root: Path,
        *,
        today: Callable[[], date] | None = None,
        echo: Callable[[str], None] = print,
        verbose: bool = False,
        note_quiet: float = NOTE_QUIET,
        clock: Callable[[], float] = time.monotonic,
        on_sync: Callable[[SyncPlan], None] | None = None,
        mail_every: float | None = None,
    ) -> None:
        self.root = root
        self.today_of: Callable[[], date] = today or (lambda: vault_today(self.config))  # config reloads
        self.echo = echo
        self.verbose = verbose
        self.note_quiet = note_quiet
        self.clock = clock
        self.on_sync = on_sync
        self.config = load_config(root)
        self.settings = read_settings(root, self.config)
        self.read: dict[str, ReadFile] = {}
        # Each file's stat as `start` read it (most are not ours, so not in `read`).
        self.walked: dict[str, Stat] = {}
        self.memo = PlanMemo()
        self.touched: dict[str, float] = {}
        self.due_seen: bytes | None = None  # Due.md's digest as the last plan read it or we wrote it
        self.failed = False  # a change of the last plan could not be written
        self.deferred: set[str] = set()
        self.changed: list[str] = []
        self.plan: SyncPlan | None = None  # the last one, for the record left at the end
        self.pending: tuple[FileChange, ...] = ()  # its changes held back, for `write_quiet`
        self.today = self.today_of()
        self.stats = Stats()
        self.problems: set[str] = set()
        self.identity = self.current_identity()
        self.mail_every = mail_every  # seconds; None: `[mail] check_every` minutes
        self.next_mail = clock()  # the first check comes once the watch has started
        self.mail_since: date | None = None
        # Served from the notes tier by `start`: read again from the disk if a
        # plan fails on them (a crafted tier's fields, planned again: a new day)
        self.cached: set[str] = set()
        # Notes gone and new since the last plan, with their stat: the moves
        # among them (`moved_notes`) take Due.md's ticks along
        self.gone: dict[str, Stat] = {}
        self.arrived: dict[str, Stat] = {}
        # The moves Due.md's ticks follow (old path -> new): told by the cache's
        # record at `start` (made while no watch ran) or by `gone` and `arrived`,
        # kept until Due.md is written (till then its ticks name the old paths)
        self.moved: dict[str, str] = {}

    def current_identity(self) -> tuple[int, int] | None:
        """The vault folder's (device, inode) now; None when it is gone."""
        try:
            found = os.stat(self.root)
        except OSError:
            return None
        return (found.st_dev, found.st_ino)

    # Reading

    def _load(self, rel: str) -> bool:
        """Re-read one note into the model; True if what we know of it changed."""
        path = self.root / rel
        try:
            found = path.lstat()
        except OSError:
            found = None
        if found is None or not stat_module.S_ISREG(found.st_mode):
            return self._forget(rel)
        known = self.read.get(rel)
        if known is not None and known.file.stat == stat_of(found):
            return False  # our own write, read back: nothing new
        try:
            got = read_file(self.root, rel)
        except OSError as error:
            problem = Problem(rel, 0, f"cannot be read: {error.strerror}")
            self.read[rel] = ReadFile(NoteFile(rel, b"", None), problem)
            return True
        if got is None:
            return self._forget(rel)
        data, stat = got
        entry = read_entry(NoteFile(rel, data, stat), self.config, self.settings.syntax)
        if known is None:
            self.arrived[rel] = stat
        if known is not None and entry.result == known.result:
            self.read[rel] = entry
            return False
        self.read[rel] = entry
        return True

    def _forget(self, rel: str) -> bool:
        """A note gone from the model; True if it was in it."""
        known = self.read.pop(rel, None)
        if known is not None and known.file.stat is not None:
            self.gone[rel] = known.file.stat
        return known is not None

    def scan(self, under: str = "") -> bool:
        """Read every note (of one folder): the start, a new or moved folder, new
        settings. True if anything changed."""
        prefix = under + "/" if under else ""
        seen = {rel for rel, _ in walk_notes(self.root, self.config, self.settings, under)}
        gone = [r for r in self.read if r.startswith(prefix) and r not in seen]
        for rel in gone:
            self._forget(rel)
        changed = [self._load(rel) for rel in sorted(seen)]
        return bool(gone) or any(changed)

    def start(self) -> None:
        """Read the whole vault the way `sync` does: through the cache, with the
        notes it would write read again from the disk."""
        probe = probe_vault(self.root, self.config, self.settings, self.today_of())
        remove_leftovers(self.root, probe.leftovers)
        self.read = plan_vault(self.root, self.config, self.settings, probe).read
        self.walked = dict(probe.stats)
        self.memo = probe.memo or PlanMemo()
        self.cached = set(probe.cached)
        self.moved = dict(probe.moved)

    def record(self) -> None:
        """Leave the cache as a sync would, so that the next `sync` finds nothing
        to do (the model's entries carry the stat they were read at: a note that
        changed since is read again)."""
        if self.plan is None or self.pending or self.failed or self._due_changed():
            return  # a write owed (a note not quiet yet, a tick not taken) must not look like a clean run
        probe = probe_vault(self.root, self.config, self.settings, self.plan.today)
        for rel, stat in list(probe.stats.items()):
            if rel not in self.read and self.walked.get(rel) != stat:
                del probe.stats[rel]  # new or changed since read (its event not taken): read next time
        output = (quiet_line(self.plan), problem_lines(self.plan))
        probe.memo = self.memo
        record_run(self.root, probe, dict(self.read), {}, self.config, self.settings, output)

    def reload_settings(self) -> None:
        try:
            self.config = load_config(self.root)
        except ConfigError as error:
            self.echo(f"followup-md: {error} (keeping the previous settings)")
            return
        self.settings = read_settings(self.root, self.config)
        self.read.clear()
        self.memo = PlanMemo()
        self.scan()

    def apply_batch(self, batch: dict[str, bool]) -> bool:
        """Bring the model up to date with the batch; True if a sync is needed."""
        now = self.clock()
        dirty = False
        if any(rel in SETTINGS_FILES for rel in batch):
            self.reload_settings()
            return True
        for rel, is_dir in sorted(batch.items()):
            if rel == self.config.due_file:
                dirty |= self._due_changed()
            elif is_dir or (self.root / rel).is_dir():
                dirty |= self.scan(rel)
            elif is_note_path(rel, self.config, self.settings):
                self.touched[rel] = now
                if self._load(rel):
                    self.changed.append(rel)
                    dirty = True
        return dirty

    def _due_changed(self) -> bool:
        """Whether Due.md is not as the last plan read it or we then wrote it (a
        tick, an edit, an undone tick, gone)."""
        own = read_own(self.root, self.config.due_file)
        return (_digest(own.data) if own is not None else None) != self.due_seen

    def news(self, rel: str, is_dir: bool) -> bool:
        """Whether an event on `rel` may tell something new: not when the file
        is as we last read or wrote it (our own write, echoed back), so that
        an echo never holds back the batch of a save made just before it.
        Stats.md, ours too, is rewritten by the next sync whatever it holds."""
        if rel in self.config.own_files:
            return rel == self.config.due_file and self._due_changed()
        known = self.read.get(rel)
        if is_dir or known is None or known.file.stat is None:
            return True
        try:
            found = (self.root / rel).lstat()
        except OSError:
            return True
        return not stat_module.S_ISREG(found.st_mode) or stat_of(found) != known.file.stat

    # Planning and writing

    def sync(self, again: bool = True) -> SyncPlan:
        """Plan from the model; write Due.md now and quiet notes; defer the rest.
        `again`: a tick Due.md held for a step just written into its note is
        taken by a second plan, at once (never a third: see `cli_sync._sync`)."""
        self.today = self.today_of()
        due = read_own(self.root, self.config.due_file)
        ics = read_own(self.root, self.config.ics_file) if self.config.ics_file else None
        stats_md = read_own(self.root, self.config.stats_file) if self.config.stats_file else None
        self.moved.update(moved_notes(self.gone, self.arrived))
        moved = self.moved
        try:
            plan = plan_read(
                self.read, due, self.config, self.settings, self.today, self.memo, ics, stats_md, moved=moved
            )
        except Exception:
            if not self.cached:
                raise  # a bug: nothing the cache served
            self._read_cached_again()
            plan = plan_read(
                self.read, due, self.config, self.settings, self.today, self.memo, ics, stats_md, moved=moved
            )
        self.gone.clear()
        self.arrived.clear()
        self.plan = plan
        self.due_seen = _digest(due.data) if due is not None else None
        self.stats.syncs += 1
        if self._write(plan) and again:
            return self.sync(again=False)
        problems = [str(problem) for problem in plan.problems]
        if self.verbose:
            for line in problems:
                self.echo(line)
        else:  # a problem is named once, when it appears (Due.md lists them all)
            for line in problems:
                if line not in self.problems:
                    self.echo(f"followup-md: {line}")
        self.problems = set(problems)
        if self.on_sync is not None:
            self.on_sync(plan)
        return plan

    def _read_cached_again(self) -> None:
        """Every note `start` served from the notes tier read again from the
        disk, and the plans of the tier forgotten (as `app.plan_vault` does)."""
        for rel in sorted(self.cached):
            self.read.pop(rel, None)
            self._load(rel)
        self.cached = set()
        self.memo = PlanMemo()

    def write_quiet(self) -> None:
        """Write the deferred notes that have gone quiet. Anything new since the
        last plan is synced at once (Due.md as well: see `news`), so its changes
        still hold: the vault is not planned again (30 ms at 10,000 notes, with
        no save seen meanwhile), unless the day has changed or a change of the
        last plan could not be written (a tick it carried must still hold
        Due.md back)."""
        if self.plan is None or self.failed or self.today_of() != self.today:
            self.sync()
            return
        if self._write(replace(self.plan, changes=self.pending)):
            self.sync()
            return
        if self.on_sync is not None:
            self.on_sync(self.plan)

    def _write(self, plan: SyncPlan) -> bool:
        """Apply the plan's changes but those of notes touched too lately
        (`deferred`); what is held back is kept in `pending`. True when a
        note was written while Due.md held a tick for a step its block did
        not hold: a plan of the notes as written takes the tick."""
        now = self.clock()
        self.touched = {p: t for p, t in self.touched.items() if now - t < self.note_quiet}
        self.deferred = {c.path for c in plan.changes if c.path in self.touched}
        applied = apply_plan(self.root, plan, self.config.due_file, self.deferred, grace=False)
        for error in applied.skipped:
            self.echo(f"followup-md: {error}")
        self.failed = bool(applied.skipped)
        if self.config.due_file in applied.written:
            self.due_seen = _digest(applied.written[self.config.due_file])
        if self.config.due_file in applied.written or all(
            c.path != self.config.due_file for c in plan.changes
        ):
            self.moved = {}  # Due.md names the notes where they are now
        wrote = [change.path for change in plan.changes if change.path in applied.written]
        for rel in wrote:
            self.stats.writes[rel] = self.stats.writes.get(rel, 0) + 1
            if rel not in self.config.own_files:
                self._load(rel)
        self.pending = tuple(change for change in plan.changes if change.path in applied.held)
        if wrote:
            self.echo(f"{datetime.now():%H:%M:%S} {self._status(wrote)}")
        self.changed = []
        return any(path in applied.written for path, _ in plan.held)

    def _status(self, wrote: list[str]) -> str:
        """`Jane.md changed: updated Due.md and 1 note` (every path with --verbose)."""
        changed = ""
        if self.changed:
            shown = self.changed if self.verbose else self.changed[:3]
            more = len(self.changed) - len(shown)
            changed = ", ".join(shown) + (f" and {more} more" if more else "") + " changed: "
        if self.verbose:
            return f"{changed}wrote {', '.join(wrote)}"
        notes = sum(1 for p in wrote if p not in self.config.own_files)
        parts = ["Due.md"] if self.config.due_file in wrote else []
        parts += [f"{notes} note{'s' if notes != 1 else ''}"] if notes else []
        return f"{changed}updated {' and '.join(parts)}"

    # Mail

    def mail_timeout(self) -> float | None:
        """Seconds until the next mailbox check; None when there is none to do."""
        every = self.config.mail.check_every * 60 if self.mail_every is None else self.mail_every
        if not self.config.mail.sources or every <= 0:
            return None
        return max(0.0, self.next_mail - self.clock())

    def check_mail(self) -> None:
        """Record new exchanges from the configured mailboxes; sync if any.
        After the first check, IMAP is asked only for mail since the day before
        the last check (local mailboxes are read whole: it takes seconds)."""
        from followup_md.errors import FollowupError
        from followup_md.mail import describe
        from followup_md.mail_check import check_log_folder, open_sources, record_mail

        every = self.config.mail.check_every * 60 if self.mail_every is None else self.mail_every
        self.next_mail = self.clock() + every
        notes = {rel: entry.result for rel, entry in self.read.items() if isinstance(entry.result, Note)}
        started = self.today_of()
        try:
            check_log_folder(self.config, self.settings)
            sources = open_sources(self.config, self.root, ((), (), False), self.mail_since, os.environ)
            recorded, _, failed = record_mail(self.root, self.config, notes, sources, None)
        except (FollowupError, OSError) as error:
            self.echo(f"followup-md: mail check failed: {error}")
            return
        self.mail_since = started - timedelta(days=1)
        for skipped in failed:
            self.echo(f"followup-md: {skipped}")
        for record in recorded:
            self.echo(f"{datetime.now():%H:%M:%S} {describe(record, notes)}")
        if recorded and self.apply_batch({record.change.path: False for record in recorded}):
            self.sync()

    def deferred_timeout(self) -> float | None:
        if not self.deferred:
            return None
        now = self.clock()
        return max(0.0, min(self.touched.get(p, 0.0) + self.note_quiet for p in self.deferred) - now)

    @property
    def note_count(self) -> int:
        return len(self.read)

    @property
    def follow_up_count(self) -> int:
        return sum(1 for entry in self.read.values() if isinstance(entry.result, Note))
