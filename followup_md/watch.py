"""The watch loop: a full sync, then each batch of changed paths handed to the
in-memory vault (`watcher.Watcher`), until Ctrl-C or SIGTERM.

File events arrive from watchdog's thread through a queue (`watch_events`);
the loop collects a batch once the vault has been quiet for a moment, and
wakes on its own for deferred notes, the mail check, a new day, and to check
that the vault and the observer are still there.
"""

from __future__ import annotations

import contextlib
import gc
import queue
import signal
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from followup_md.watch_events import (
    INOTIFY_HELP,
    LONGEST,
    QUIET,
    Debouncer,
    Events,
    Handler,
    start_observer,
    watching,
)
from followup_md.watcher import Watcher

HOUSEKEEPING = 5.0  # wake this often to check the vault, the observer and the date


def _seconds_to_midnight(now: datetime) -> float:
    tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    return max(1.0, (tomorrow - now).total_seconds())


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
    handler = Handler(watcher.root, events)
    observer = _observe(watcher, handler, poll)
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
    handler: Handler,
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
        if first is not None and not _collect(first, events, debouncer, watcher.news):
            break  # Ctrl-C or SIGTERM
        if stop.is_set():
            break
        if watcher.current_identity() != watcher.identity:
            watcher.echo(f"followup-md: the vault {watcher.root} was moved or deleted; stopping")
            return 1
        if not watching(observer):
            watcher.echo(f"followup-md: the file watcher stopped ({INOTIFY_HELP}); polling instead")
            observer = _observe(watcher, handler, True)
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
            watcher.write_quiet()
        elif watcher.today_of() != watcher.today:
            watcher.sync()  # a new day (midnight, or waking from sleep)
        if watcher.mail_timeout() == 0:
            try:
                watcher.check_mail()
            except Exception as error:
                watcher.echo(f"followup-md: mail check failed: {error!r}")
    return 0


def _collect(
    first: tuple[str, bool], events: Events, debouncer: Debouncer, news: Callable[[str, bool], bool]
) -> bool:
    """Hand `first` and everything queued after it that may be `news` to the
    debouncer; False when one of them is the signal handler's request to
    stop (an empty path)."""
    rel, is_dir = first
    while rel:
        if news(rel, is_dir):
            debouncer.add(rel, is_dir)
        try:
            rel, is_dir = events.get_nowait()
        except queue.Empty:
            return True
    return False


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _observe(watcher: Watcher, handler: Handler, poll: bool) -> Any:
    """`start_observer` with Ctrl-C and SIGTERM blocked while watchdog starts its
    threads. They inherit the mask, so the kernel hands those signals to the
    main thread, whose wait they interrupt; a signal taken by another thread
    would be noticed only when the main thread's wait timed out, seconds later."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        return start_observer(watcher.root, handler, poll, watcher.echo)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


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

    previous = {sig: signal.signal(sig, handle) for sig in STOP_SIGNALS}
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    return previous


def _restore_signals(previous: Any) -> None:
    for sig, handler in (previous or {}).items():
        signal.signal(sig, handler)
