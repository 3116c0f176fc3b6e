"""File events to batches: the watchdog handler that filters and enqueues paths,
the observer (inotify, or polling) that feeds it, and a quiet-period debouncer.

The handler runs on watchdog's thread, which dies on an exception: it only
filters and enqueues, and never raises. The debouncer takes an injectable
clock, so it is tested without sleeping.
"""

from __future__ import annotations

import contextlib
import errno
import os
import queue
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from followup_md.layout import SETTINGS_FILES

# (path relative to the vault, is a folder); an empty path asks the loop to stop
Events = queue.SimpleQueue[tuple[str, bool]]

QUIET = 0.2  # seconds without events before a batch is processed
LONGEST = 2.0  # a steady stream of events is still processed this often
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


class Handler:
    """watchdog handler: filter and enqueue, never raise (it would kill the thread)."""

    def __init__(self, root: Path, sink: Events) -> None:
        self.root = str(root)
        self.sink = sink

    def dispatch(self, event: Any) -> None:
        try:
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


def make_observer(poll: bool) -> Any:
    if poll:
        from watchdog.observers.polling import PollingObserver

        return PollingObserver(timeout=POLL_INTERVAL)
    from watchdog.observers import Observer

    return Observer()


def start_observer(root: Path, handler: Handler, poll: bool, echo: Callable[[str], None]) -> Any:
    """The observer, started; only writes, moves, deletions and changes of
    permissions are asked of the kernel: a file read (by an editor, git, a
    script polling Due.md, or this tool) wakes no thread."""
    from watchdog import events

    observer = make_observer(poll)
    changes = [
        events.FileCreatedEvent,
        events.FileModifiedEvent,
        events.FileAttribEvent,  # permissions: a note that could not be read may now be
        events.FileClosedEvent,
        events.FileMovedEvent,
        events.FileDeletedEvent,
        events.DirCreatedEvent,
        events.DirMovedEvent,
        events.DirDeletedEvent,
    ]
    observer.schedule(handler, str(root), recursive=True, event_filter=changes)
    try:
        observer.start()
    except OSError as error:
        if poll or error.errno not in (errno.ENOSPC, errno.EMFILE):
            raise
        echo(f"followup-md: {INOTIFY_HELP}; polling instead")
        with contextlib.suppress(Exception):
            observer.stop()
        return start_observer(root, handler, True, echo)
    return observer


def watching(observer: Any) -> bool:
    """The observer and every emitter thread are alive (an emitter dies when,
    say, a new folder cannot get an inotify watch: that folder would go unseen)."""
    return bool(observer.is_alive()) and all(e.is_alive() for e in observer.emitters)
