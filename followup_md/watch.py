"""The watcher: watchdog glue, a quiet-period debouncer, and an in-memory vault.

The event handler only filters and enqueues paths (it runs on watchdog's
thread, which dies on an exception). The main loop collects a batch once the
vault has been quiet for a moment, re-reads only the files the batch names,
plans from the in-memory model exactly as `sync` does, writes Due.md at once
and a note only once it has been quiet for a couple of seconds (Obsidian merges
an external write into a note being typed in). Its own writes end in a fixed
point: re-reading them changes nothing, so nothing is written again.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
import os
import queue
import signal
import stat as stat_module
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from followup_md.app import apply_plan, plan_vault
from followup_md.cache import probe_vault, read_own, record_run
from followup_md.errors import ConfigError
from followup_md.layout import SETTINGS_FILES
from followup_md.model import Note, NoteFile, Problem, ReadFile, stat_of
from followup_md.output import problem_lines, quiet_line
from followup_md.parse import read_entry
from followup_md.sync import PlanMemo, SyncPlan, plan_read
from followup_md.vault import (
    is_note_path,
    load_config,
    read_file,
    read_settings,
    vault_today,
    walk_notes,
)
from followup_md.write import remove_leftovers

# (path relative to the vault, is a folder); an empty path asks the loop to stop
Events = queue.SimpleQueue[tuple[str, bool]]

QUIET = 0.2  # seconds without events before a batch is processed
LONGEST = 2.0  # a steady stream of events is still processed this often
NOTE_QUIET = 2.0  # a note is written only once it has been quiet this long
HOUSEKEEPING = 5.0  # wake this often to check the vault, the observer and the date
POLL_INTERVAL = 1.0
INOTIFY_HELP = (
    "the inotify watch limit is too low for this vault (fs.inotify.max_user_watches); "
    "raise it with `sudo sysctl fs.inotify.max_user_watches=524288` "
    "(and in /etc/sysctl.conf to keep it), or run `followup-md watch --poll`"
)


class Debouncer:
    """Collects paths; a batch is ready once none has arrived for `quiet`
    seconds, or `longest` seconds after the first (so a steady stream flushes)."""

    def __init__(
        self,
        quiet: float = QUIET,
        longest: float = LONGEST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.quiet = quiet
        self.longest = longest
        self.clock = clock
        self.paths: dict[str, bool] = {}
        self.first = 0.0
        self.last = 0.0

    def add(self, path: str, is_dir: bool = False) -> None:
        now = self.clock()
        if not self.paths:
            self.first = now
        self.last = now
        self.paths[path] = self.paths.get(path, False) or is_dir

    def timeout(self) -> float | None:
        """Seconds until the batch is ready; None when there is nothing."""
        if not self.paths:
            return None
        now = self.clock()
        return max(0.0, min(self.last + self.quiet, self.first + self.longest) - now)

    def take(self) -> dict[str, bool] | None:
        """The batch ({path: is a folder}) if it is ready, else None."""
        left = self.timeout()
        if left is None or left > 0:
            return None
        batch, self.paths = self.paths, {}
        return batch


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
        self.memo = PlanMemo()
        self.touched: dict[str, float] = {}
        self.written: dict[str, bytes] = {}
        self.deferred: set[str] = set()
        self.changed: list[str] = []
        self.plan: SyncPlan | None = None  # the last one, for the record left at the end
        self.today = self.today_of()
        self.stats = Stats()
        self.problems: set[str] = set()
        self.identity = self._identity()
        self.mail_every = mail_every  # seconds; None: `[mail] check_every` minutes
        self.next_mail = clock()  # the first check comes once the watch has started
        self.mail_since: date | None = None

    def _identity(self) -> tuple[int, int] | None:
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
            return self.read.pop(rel, None) is not None
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
            return self.read.pop(rel, None) is not None
        data, stat = got
        entry = read_entry(NoteFile(rel, data, stat), self.config, self.settings.syntax)
        if known is not None and entry.result == known.result:
            self.read[rel] = entry
            return False
        self.read[rel] = entry
        return True

    def scan(self, under: str = "") -> bool:
        """Read every note (of one folder): the start, a new or moved folder, new
        settings. True if anything changed."""
        prefix = under + "/" if under else ""
        seen = {rel for rel, _ in walk_notes(self.root, self.config, self.settings, under)}
        gone = [r for r in self.read if r.startswith(prefix) and r not in seen]
        for rel in gone:
            del self.read[rel]
        changed = [self._load(rel) for rel in sorted(seen)]
        return bool(gone) or any(changed)

    def start(self) -> None:
        """Read the whole vault the way `sync` does: through the cache, with the
        notes it would write read again from the disk."""
        probe = probe_vault(self.root, self.config, self.settings, self.today_of())
        remove_leftovers(self.root, probe.leftovers)
        self.read = plan_vault(self.root, self.config, self.settings, probe).read

    def record(self) -> None:
        """Leave the cache as a sync would, so that the next `sync` finds nothing
        to do (the model's entries carry the stat they were read at: a note that
        changed since is read again)."""
        if self.plan is None:
            return
        probe = probe_vault(self.root, self.config, self.settings, self.plan.today)
        output = (quiet_line(self.plan), problem_lines(self.plan))
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
                own = read_own(self.root, rel)
                dirty |= own is None or _digest(own.data) != self.written.get(rel)
            elif is_dir or (self.root / rel).is_dir():
                dirty |= self.scan(rel)
            elif is_note_path(rel, self.config, self.settings):
                self.touched[rel] = now
                if self._load(rel):
                    self.changed.append(rel)
                    dirty = True
        return dirty

    # Planning and writing

    def sync(self) -> SyncPlan:
        """Plan from the model; write Due.md now and quiet notes; defer the rest."""
        self.today = self.today_of()
        due = read_own(self.root, self.config.due_file)
        ics = read_own(self.root, self.config.ics_file) if self.config.ics_file else None
        stats_md = read_own(self.root, self.config.stats_file) if self.config.stats_file else None
        plan = plan_read(self.read, due, self.config, self.settings, self.today, self.memo, ics, stats_md)
        now = self.clock()
        self.touched = {p: t for p, t in self.touched.items() if now - t < self.note_quiet}
        self.deferred = {c.path for c in plan.changes if c.path in self.touched}
        applied = apply_plan(self.root, plan, self.config.due_file, self.deferred, grace=False)
        for error in applied.skipped:
            self.echo(f"followup-md: {error}")
        wrote = [change.path for change in plan.changes if change.path in applied.written]
        for rel in wrote:
            self.written[rel] = _digest(applied.written[rel])
            self.stats.writes[rel] = self.stats.writes.get(rel, 0) + 1
            if rel not in self.config.own_files:
                self._load(rel)
        self.plan = plan
        self.stats.syncs += 1
        if wrote:
            self.echo(f"{datetime.now():%H:%M:%S} {self._status(wrote)}")
        self.changed = []
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
        from followup_md.mailboxes import check_log_folder, open_sources, record_mail

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


class _Handler:
    """watchdog handler: filter and enqueue, never raise (it would kill the thread)."""

    def __init__(self, root: Path, sink: Events) -> None:
        self.root = str(root)
        self.sink = sink

    def dispatch(self, event: Any) -> None:
        try:
            if event.event_type in ("opened", "closed_no_write"):
                return  # reading a file emits these
            if event.is_directory and event.event_type == "modified":
                return  # the event for the file inside says more
            for path in (event.src_path, getattr(event, "dest_path", "")):
                if not path:
                    continue
                rel = os.path.relpath(os.fsdecode(path), self.root).replace(os.sep, "/")
                if rel.startswith("..") or rel == ".":
                    continue
                if rel not in SETTINGS_FILES and any(p.startswith(".") for p in rel.split("/")):
                    continue  # .git, .obsidian, .trash, our cache and temp files
                if event.is_directory or rel.endswith(".md") or rel in SETTINGS_FILES:
                    self.sink.put((rel, bool(event.is_directory)))
        except Exception:
            return


def _seconds_to_midnight(now: datetime) -> float:
    tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    return max(1.0, (tomorrow - now).total_seconds())


def _make_observer(poll: bool) -> Any:
    if poll:
        from watchdog.observers.polling import PollingObserver

        return PollingObserver(timeout=POLL_INTERVAL)
    from watchdog.observers import Observer

    return Observer()


def _start_observer(root: Path, handler: _Handler, poll: bool, echo: Callable[[str], None]) -> Any:
    observer = _make_observer(poll)
    observer.schedule(handler, str(root), recursive=True)
    try:
        observer.start()
    except OSError as error:
        if poll or error.errno not in (errno.ENOSPC, errno.EMFILE):
            raise
        echo(f"followup-md: {INOTIFY_HELP}; polling instead")
        with contextlib.suppress(Exception):
            observer.stop()
        return _start_observer(root, handler, True, echo)
    return observer


def run_watch(
    watcher: Watcher,
    *,
    poll: bool = False,
    stop: threading.Event | None = None,
    quiet: float = QUIET,
    longest: float = LONGEST,
    housekeeping: float = HOUSEKEEPING,
    ready: threading.Event | None = None,
) -> int:
    """Full sync, then re-sync batches until `stop` is set (or Ctrl-C / SIGTERM).
    Returns the exit code: 0 when stopped, 1 when the vault went away."""
    stop = stop or threading.Event()
    events: Events = queue.SimpleQueue()
    handler = _Handler(watcher.root, events)
    observer = _start_observer(watcher.root, handler, poll, watcher.echo)
    previous = _install_signals(events)
    try:
        watcher.start()
        watcher.sync()
        gc.freeze()  # the model is long-lived: keep the collector off it
        notes, ours = watcher.note_count, watcher.follow_up_count
        watcher.echo(
            f"watching {notes:,} note{'s' if notes != 1 else ''} "
            f"({ours:,} follow-up note{'s' if ours != 1 else ''}) in {watcher.root}"
            + (" (polling)" if poll else "")
        )
        if ready is not None:
            ready.set()
        return _loop(
            watcher, observer, handler, events, stop, Debouncer(quiet, longest, watcher.clock), housekeeping
        )
    except KeyboardInterrupt:
        return 0
    finally:
        with contextlib.suppress(Exception):
            observer.stop()
            observer.join(timeout=5)
        _restore_signals(previous)
        with contextlib.suppress(OSError):
            watcher.record()


def _loop(
    watcher: Watcher,
    observer: Any,
    handler: _Handler,
    events: Events,
    stop: threading.Event,
    debouncer: Debouncer,
    housekeeping: float,
) -> int:
    while not stop.is_set():
        waits = [debouncer.timeout(), watcher.deferred_timeout(), watcher.mail_timeout(), housekeeping]
        waits.append(_seconds_to_midnight(datetime.now()))
        timeout = min(w for w in waits if w is not None)
        try:
            first = events.get(timeout=timeout)
        except queue.Empty:
            first = None
        if first is not None and not _collect(first, events, debouncer):
            break  # Ctrl-C or SIGTERM
        if stop.is_set():
            break
        if watcher._identity() != watcher.identity:
            watcher.echo(f"followup-md: the vault {watcher.root} was moved or deleted; stopping")
            return 1
        if not _watching(observer):
            watcher.echo(f"followup-md: the file watcher stopped ({INOTIFY_HELP}); polling instead")
            observer = _start_observer(watcher.root, handler, True, watcher.echo)
            watcher.scan()
            watcher.sync()
            continue
        batch = debouncer.take()
        if batch is not None:
            try:
                if watcher.apply_batch(batch):
                    watcher.sync()
            except Exception as error:
                watcher.echo(f"followup-md: re-sync failed: {error!r}")
        elif watcher.deferred and watcher.deferred_timeout() == 0:
            watcher.sync()
        elif watcher.today_of() != watcher.today:
            watcher.sync()  # a new day (midnight, or waking from sleep)
        if watcher.mail_timeout() == 0:
            try:
                watcher.check_mail()
            except Exception as error:
                watcher.echo(f"followup-md: mail check failed: {error!r}")
    return 0


def _watching(observer: Any) -> bool:
    """The observer and every emitter thread are alive (an emitter dies when,
    say, a new folder cannot get an inotify watch: that folder would go unseen)."""
    return bool(observer.is_alive()) and all(e.is_alive() for e in observer.emitters)


def _collect(first: tuple[str, bool], events: Events, debouncer: Debouncer) -> bool:
    """Hand `first` and everything queued after it to the debouncer; False
    when one of them is the signal handler's request to stop (an empty path)."""
    rel, is_dir = first
    while rel:
        debouncer.add(rel, is_dir)
        try:
            rel, is_dir = events.get_nowait()
        except queue.Empty:
            return True
    return False


def _install_signals(events: Events) -> Any:
    """Ctrl-C and SIGTERM stop the loop between two steps (never inside a write)
    and wake it at once (an empty path in the queue). The handler runs in the
    main thread between any two bytecodes, possibly inside the loop's own queue
    call, so it only touches the SimpleQueue, whose put is reentrant; a signal
    mask inherited from the parent would leave SIGTERM pending forever."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def handle(signum: int, frame: FrameType | None) -> None:
        events.put(("", False))

    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, handle) for sig in signals}
    signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)
    return previous


def _restore_signals(previous: Any) -> None:
    for sig, handler in (previous or {}).items():
        signal.signal(sig, handler)
