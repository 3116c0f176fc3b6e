"""The watcher: the debouncer on a fake clock, the real observer on real files
with bounded waits (threading.Event.wait, never bare sleeps)."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from followup_md import watch, watch_events
from followup_md.sync import SyncPlan
from followup_md.watch import run_watch
from followup_md.watch_events import Debouncer
from followup_md.watcher import Watcher

from .conftest import TODAY, MakeVault

APPLICATION = "---\ntype: application\ncompany: Acme\napplied: 2026-11-18\n---\n"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_debouncer_waits_for_quiet() -> None:
    clock = FakeClock()
    debouncer = Debouncer(quiet=0.2, longest=2.0, clock=clock)
    assert debouncer.timeout() is None and debouncer.take() is None
    debouncer.add("a.md")
    clock.now += 0.1
    debouncer.add("b.md")
    assert debouncer.timeout() == pytest.approx(0.2)
    clock.now += 0.19
    assert debouncer.take() is None
    clock.now += 0.01
    assert debouncer.take() == {"a.md": False, "b.md": False}
    assert debouncer.take() is None


def test_debouncer_flushes_a_steady_stream() -> None:
    clock = FakeClock()
    debouncer = Debouncer(quiet=0.2, longest=1.0, clock=clock)
    for _ in range(10):
        debouncer.add("a.md")
        clock.now += 0.15
    batch = debouncer.take()
    assert batch == {"a.md": False}


def test_debouncer_remembers_folders() -> None:
    debouncer = Debouncer(quiet=0, clock=FakeClock())
    debouncer.add("x", True)
    debouncer.add("x", False)
    assert debouncer.take() == {"x": True}


def _acme_not_yet_quiet(make_vault: MakeVault) -> tuple[Path, Watcher, FakeClock]:
    """A watcher of an empty vault that has just seen a new note, planned it
    into Due.md and holds its write until the note is quiet for 2 s."""
    root = make_vault({})
    clock = FakeClock()
    watcher = Watcher(root, today=lambda: TODAY, echo=lambda _: None, note_quiet=2.0, clock=clock)
    watcher.scan()
    watcher.sync()
    (root / "Acme.md").write_text(APPLICATION)
    assert watcher.apply_batch({"Acme.md": False})
    watcher.sync()
    return root, watcher, clock


def test_a_note_is_written_only_once_quiet_but_due_at_once(make_vault: MakeVault) -> None:
    root, watcher, clock = _acme_not_yet_quiet(make_vault)
    assert "Acme" in (root / "Due.md").read_text()
    assert (root / "Acme.md").read_text() == APPLICATION
    assert watcher.deferred == {"Acme.md"}
    assert watcher.deferred_timeout() == pytest.approx(2.0)
    clock.now += 2.0
    watcher.sync()
    assert "^fu-confirm" in (root / "Acme.md").read_text()
    assert not watcher.deferred
    assert not watcher.apply_batch({"Acme.md": False, "Due.md": False})  # our own writes


def test_a_note_the_watcher_has_not_read_yet_is_read_by_the_next_sync(make_vault: MakeVault) -> None:
    """The watcher stops (Ctrl-C) before it takes the events of a note just
    made and of a file just made ours: the record it leaves never says they
    are as it read them (not ours), so the next `sync` reads them."""
    from .test_cache import age, sync

    root = make_vault({"Acme.md": APPLICATION, "Other.md": "just text\n"})
    watcher = Watcher(root, today=lambda: TODAY, echo=lambda _: None)
    watcher.start()
    watcher.sync()
    (root / "New.md").write_text(APPLICATION.replace("Acme", "Initech"))
    (root / "Other.md").write_text(APPLICATION.replace("Acme", "Hooli"))
    age(root)  # older than the record: trusted if it says so
    watcher.record()
    out, _ = sync(root)
    assert "3 follow-up notes read, updated 2 notes" in out


def test_a_note_not_yet_quiet_when_the_watch_stops_is_written_by_the_next_sync(make_vault: MakeVault) -> None:
    """Ctrl-C while a new note waits to be quiet: its block is still owed, so
    the record left must not make the next `sync` a no-op."""
    from .test_cache import sync

    root, watcher, _ = _acme_not_yet_quiet(make_vault)
    assert watcher.deferred == {"Acme.md"}
    watcher.record()
    assert "updated 1 note" in sync(root)[0]
    assert "^fu-confirm" in (root / "Acme.md").read_text()


def test_a_tick_the_watcher_has_not_taken_is_taken_by_the_next_sync(make_vault: MakeVault) -> None:
    """Ctrl-C just after a tick in Due.md, its event not taken: the record
    left must not say Due.md is as the last plan read it."""
    from .test_cache import age, sync

    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    age(root)
    watcher = Watcher(root, today=lambda: TODAY, echo=lambda _: None, note_quiet=0)
    watcher.start()
    watcher.sync()
    due = root / "Due.md"
    due.write_text(due.read_text().replace("- [ ]", "- [x]", 1))
    watcher.record()
    assert "updated 1 note" in sync(root)[0]
    assert "- [x]" in (root / "Acme.md").read_text()


def test_a_quiet_note_is_written_from_the_last_plan_unless_the_day_changed(make_vault: MakeVault) -> None:
    root = make_vault({})
    clock = FakeClock()
    day = [TODAY]
    watcher = Watcher(root, today=lambda: day[0], echo=lambda _: None, note_quiet=2.0, clock=clock)
    watcher.scan()
    watcher.sync()
    for name in ("Acme.md", "Initech.md"):
        (root / name).write_text(APPLICATION)
        assert watcher.apply_batch({name: False})
        watcher.sync()
        clock.now += 1.0
    syncs = watcher.stats.syncs
    watcher.write_quiet()  # Acme has been quiet for 2 s, Initech for 1
    assert watcher.stats.syncs == syncs  # not planned again
    assert "^fu-confirm" in (root / "Acme.md").read_text()
    assert (root / "Initech.md").read_text() == APPLICATION and watcher.deferred == {"Initech.md"}
    clock.now += 1.0
    day[0] = TODAY + timedelta(days=1)
    watcher.write_quiet()
    assert watcher.stats.syncs == syncs + 1 and watcher.today == day[0]  # a new day: planned again
    assert "^fu-confirm" in (root / "Initech.md").read_text() and not watcher.deferred
    assert not watcher.apply_batch({"Acme.md": False, "Initech.md": False, "Due.md": False})


def test_our_own_writes_echoed_back_are_not_news_and_hold_back_no_batch(make_vault: MakeVault) -> None:
    import queue

    root = make_vault({"Acme.md": APPLICATION})
    clock = FakeClock()
    watcher = Watcher(root, today=lambda: TODAY, echo=lambda _: None, note_quiet=0, clock=clock)
    watcher.scan()
    watcher.sync()
    assert "^fu-confirm" in (root / "Acme.md").read_text()  # written by us, like Due.md
    assert not watcher.news("Acme.md", False) and not watcher.news("Due.md", False)
    watcher.config = replace(watcher.config, stats_file="Stats.md")
    (root / "Stats.md").write_text("edited by hand")  # rewritten by the next sync, whatever it holds
    assert not watcher.news("Stats.md", False)
    assert watcher.news("Notes", True) and watcher.news("New.md", False)
    (root / "New.md").write_text(APPLICATION)  # the user saves a note ...
    events: watch_events.Events = queue.SimpleQueue()
    debouncer = Debouncer(quiet=0.2, clock=clock)
    events.put(("New.md", False))
    assert watch._collect(events.get(), events, debouncer, watcher.news)
    clock.now += 0.15
    events.put(("Acme.md", False))  # ... and our last write's echo comes in just after
    events.put(("Due.md", False))
    assert watch._collect(events.get(), events, debouncer, watcher.news)
    clock.now += 0.05
    assert debouncer.take() == {"New.md": False}  # on time, not 0.2 s after the echo
    with (root / "Acme.md").open("a") as handle:
        handle.write("a line of my own\n")
    (root / "Due.md").write_text((root / "Due.md").read_text().replace("- [ ]", "- [x]", 1))
    assert watcher.news("Acme.md", False) and watcher.news("Due.md", False)
    (root / "Acme.md").unlink()
    assert watcher.news("Acme.md", False)


def test_handler_never_raises() -> None:
    import queue

    sink: watch_events.Events = queue.SimpleQueue()
    handler = watch_events.Handler(Path("/vault"), sink)
    handler.dispatch(object())  # not an event at all

    class Event:
        def __init__(self, kind: str, src: str, dest: str = "", is_dir: bool = False) -> None:
            self.event_type, self.src_path, self.dest_path, self.is_directory = kind, src, dest, is_dir

    for event in (
        Event("modified", "/vault/.git/index"),
        Event("created", "/vault/.obsidian/workspace.json"),
        Event("created", "/vault/people/.a.md.followup-md.tmp"),
        Event("modified", "/vault/a.md.swp"),
        Event("moved", "/vault/.a.md.tmp", "/vault/a.md"),
        Event("modified", "/vault/followup-md.toml"),
        Event("deleted", "/vault/old", is_dir=True),
        Event("modified", "/elsewhere/x.md"),
    ):
        handler.dispatch(event)
    got = []
    while not sink.empty():
        got.append(sink.get())
    assert got == [("a.md", False), ("followup-md.toml", False), ("old", True)]


def test_reading_files_wakes_no_thread(tmp_path: Path) -> None:
    """The kernel is asked for writes, moves and deletions only: an editor, git
    or a script reading the vault (polling Due.md, say) sends no event."""
    import queue

    (tmp_path / "people").mkdir()
    note = tmp_path / "people" / "a.md"
    note.write_text("x")
    seen: list[tuple[str, bool]] = []
    arrived = threading.Event()

    class Counting(watch_events.Handler):
        def dispatch(self, event: Any) -> None:
            seen.append((event.event_type, event.is_directory))
            arrived.set()
            super().dispatch(event)

    sink: watch_events.Events = queue.SimpleQueue()
    observer = watch_events.start_observer(tmp_path, Counting(tmp_path, sink), False, print)
    try:
        for _ in range(50):
            note.read_bytes()
            list(os.scandir(tmp_path / "people"))
        (tmp_path / "b.md").write_text("y")  # a write after the reads: its events end the wait
        assert arrived.wait(10)
        assert arrived.wait(0.3)  # let anything the reads caused arrive too
    finally:
        observer.stop()
        observer.join(5)
    assert {kind for kind, _ in seen} <= {"created", "modified", "closed"} and seen
    assert not any(is_dir for _, is_dir in seen)
    assert sink.get_nowait() == ("b.md", False)


@pytest.mark.parametrize("poll", [False, True])
def test_a_change_of_permissions_is_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, poll: bool) -> None:
    """A note that could not be read is read again once its permissions change."""
    import queue

    monkeypatch.setattr(watch_events, "POLL_INTERVAL", 0.1)
    note = tmp_path / "a.md"
    note.write_text("x")
    note.chmod(0o200)
    sink: watch_events.Events = queue.SimpleQueue()
    observer = watch_events.start_observer(tmp_path, watch_events.Handler(tmp_path, sink), poll, print)
    try:
        note.chmod(0o644)
        assert sink.get(timeout=10) == ("a.md", False)
    finally:
        observer.stop()
        observer.join(5)


class Running:
    """run_watch on a thread, with an Event set after every sync."""

    def __init__(
        self,
        root: Path,
        today: Callable[[], date] = lambda: TODAY,
        poll: bool = False,
        quiet: float = 0.1,
        longest: float = 2.0,
    ) -> None:
        self.quiet, self.longest = quiet, longest
        self.root = root
        self.synced = threading.Event()
        self.lines: list[str] = []
        self.watcher = Watcher(
            root, today=today, echo=self.lines.append, note_quiet=0.3, on_sync=self._synced
        )
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.code: int | None = None
        self.thread = threading.Thread(target=self._run, args=(poll,), daemon=True)

    def _synced(self, plan: SyncPlan) -> None:
        self.synced.set()

    def _run(self, poll: bool) -> None:
        self.code = run_watch(
            self.watcher,
            poll=poll,
            stop=self.stop,
            quiet=self.quiet,
            longest=self.longest,
            housekeeping=0.2,
            ready=self.ready,
        )

    def until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0 or (not self.synced.wait(min(left, 0.5)) and time.monotonic() >= deadline):
                return predicate()
            self.synced.clear()
        return True

    def quiet_for(self, seconds: float) -> bool:
        """True if no sync happens for `seconds`."""
        self.synced.clear()
        return not self.synced.wait(seconds)

    def settles(self, seconds: float, within: float = 10.0) -> bool:
        """True once `seconds` pass without a sync (a sync may still be finishing
        when a file it wrote is seen), within `within` seconds."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.quiet_for(seconds):
                return True
        return False

    def due(self) -> str:
        path = self.root / "Due.md"
        return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.fixture
def running(make_vault: MakeVault) -> Iterator[Callable[..., Running]]:
    started: list[Running] = []

    def start(files: dict[str, str | bytes], **options: Any) -> Running:
        run = Running(make_vault(files), **options)
        run.thread.start()
        assert run.ready.wait(10), run.lines
        started.append(run)
        return run

    yield start
    for run in started:
        run.stop.set()
        run.thread.join(10)
        assert not run.thread.is_alive()


def test_a_new_note_appears_in_due(running: Callable[..., Running]) -> None:
    run = running({"Acme.md": APPLICATION})
    assert "[[Acme#^fu-confirm|Acme]]" in run.due()
    (run.root / "Met.md").write_text("---\ntype: contact\nmet: 2026-11-19\n---\n")
    assert run.until(lambda: "[[Met#^fu-reconnect|Met]]" in run.due())
    assert run.until(lambda: "^fu-reconnect" in (run.root / "Met.md").read_text())
    assert f"watching 1 note (1 follow-up note) in {run.root}" in run.lines


def test_a_tick_is_recorded(running: Callable[..., Running]) -> None:
    run = running({"Acme.md": APPLICATION})
    note = run.root / "Acme.md"
    note.write_text(note.read_text().replace("- [ ] Email", "- [x] Email"))
    assert run.until(lambda: "✅ 2026-11-20 ^fu-confirm" in note.read_text())
    assert "^fu-confirm" not in run.due()


def test_a_burst_of_1000_writes_is_one_resync(running: Callable[..., Running]) -> None:
    # a pause of half a second ends a burst here (0.2 s in real use): a busy CI machine
    # may stall the writer for longer than that between two of its files
    run = running({"Acme.md": APPLICATION}, quiet=0.5, longest=60.0)
    before = run.watcher.stats.writes.get("Due.md", 0)
    for index in range(1000):
        (run.root / f"n{index:04}.md").write_text(
            f"---\ntype: contact\nmet: 2026-11-19\nname: P{index:04}\n---\n"
        )
    assert run.until(lambda: "P0999" in run.due(), timeout=20)
    notes = [run.root / f"n{index:04}.md" for index in range(1000)]
    assert run.until(lambda: all("^fu-reconnect" in note.read_text() for note in notes), timeout=30)
    assert run.settles(1.0)
    assert run.watcher.stats.writes["Due.md"] - before == 1


def test_an_editor_style_atomic_save(running: Callable[..., Running]) -> None:
    run = running({"Acme.md": APPLICATION})
    temp = run.root / ".Acme.md.swp"
    temp.write_text(APPLICATION.replace("Acme\n", "Initech\n"))
    os.replace(temp, run.root / "Acme.md")
    assert run.until(lambda: "(Initech)" in run.due())


def test_a_rename_keeps_the_history_and_moves_the_link(running: Callable[..., Running]) -> None:
    run = running({"Acme.md": APPLICATION})
    os.rename(run.root / "Acme.md", run.root / "Acme Corp.md")
    assert run.until(lambda: "[[Acme Corp#^fu-confirm" in run.due() and "[[Acme#" not in run.due())


def test_a_deleted_folder_leaves_due(running: Callable[..., Running]) -> None:
    run = running({"Acme.md": APPLICATION, "old/Met.md": "---\ntype: contact\nmet: 2026-11-19\n---\n"})
    assert "old/Met" in run.due()
    shutil.rmtree(run.root / "old")
    assert run.until(lambda: "old/Met" not in run.due())
    (run.root / "new").mkdir()
    (run.root / "new" / "Met.md").write_text("---\ntype: contact\nmet: 2026-11-19\n---\n")
    assert run.until(lambda: "new/Met" in run.due())


def test_the_watcher_converges_after_its_own_writes(running: Callable[..., Running]) -> None:
    run = running({"Acme.md": APPLICATION})
    (run.root / "Met.md").write_text("---\ntype: contact\nmet: 2026-11-19\n---\n")
    assert run.until(lambda: "^fu-reconnect" in (run.root / "Met.md").read_text())
    assert run.settles(0.5)
    writes = dict(run.watcher.stats.writes)
    assert run.quiet_for(1.5)  # no loop on its own writes
    assert run.watcher.stats.writes == writes


def test_a_config_change_reloads(running: Callable[..., Running]) -> None:
    run = running({"Acme.md": APPLICATION})
    (run.root / "followup-md.toml").write_text('due_file = "Agenda.md"\n')
    assert run.until(lambda: (run.root / "Agenda.md").exists())


def test_a_new_day_re_renders(running: Callable[..., Running], make_vault: MakeVault) -> None:
    day = [TODAY]
    run = running({"Acme.md": APPLICATION}, today=lambda: day[0])
    assert "as of 2026-11-20" in run.due()
    day[0] = date(2026, 11, 26)
    assert run.until(lambda: "as of 2026-11-26" in run.due())
    assert "1 day late" in run.due()


def test_a_deleted_vault_stops_with_a_message(running: Callable[..., Running]) -> None:
    run = running({"Acme.md": APPLICATION})
    shutil.rmtree(run.root)
    run.thread.join(10)
    assert run.code == 1
    assert any("was moved or deleted" in line for line in run.lines)


def test_polling_observer(running: Callable[..., Running]) -> None:
    run = running({"Acme.md": APPLICATION}, poll=True)
    (run.root / "Met.md").write_text("---\ntype: contact\nmet: 2026-11-19\n---\n")
    assert run.until(lambda: "[[Met#" in run.due())


def test_inotify_limit_falls_back_to_polling(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = watch_events.make_observer

    class Full:
        def schedule(self, *args: Any, **kwargs: Any) -> None:
            pass

        def start(self) -> None:
            raise OSError(errno.ENOSPC, "inotify watch limit reached")

        def stop(self) -> None:
            pass

    monkeypatch.setattr(watch_events, "make_observer", lambda poll: real(poll) if poll else Full())
    lines: list[str] = []
    observer = watch_events.start_observer(
        tmp_path, watch_events.Handler(tmp_path, __import__("queue").SimpleQueue()), False, lines.append
    )
    try:
        assert type(observer).__name__ == "PollingObserver"
        assert lines == [f"followup-md: {watch_events.INOTIFY_HELP}; polling instead"]
    finally:
        observer.stop()
        observer.join()


@pytest.mark.parametrize("blocked", [False, True], ids=["plain", "sigterm-blocked-by-the-parent"])
def test_sigterm_exits_promptly_with_0_and_leaves_no_temp_files(make_vault: MakeVault, blocked: bool) -> None:
    """Also while the loop is busy draining events (the handler must not wait
    for a lock the interrupted loop holds) and when the parent left SIGTERM in
    the signal mask (a mask survives exec); only the main thread takes it (a
    watchdog thread that did would leave the loop asleep until its timeout)."""
    root = make_vault({"Acme.md": APPLICATION, **{f"Person {n}.md": "# someone\n" for n in range(200)}})
    env = {**os.environ, "FOLLOWUP_MD_TODAY": TODAY.isoformat()}
    mask = (lambda: signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})) if blocked else None
    process = subprocess.Popen(
        [sys.executable, "-m", "followup_md", "watch", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        preexec_fn=mask,
    )
    try:
        started = threading.Event()

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                if line.startswith("watching"):
                    started.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        assert started.wait(20)
        assert _stop_signals_blocked(process.pid) == {"main": False, "others": True}
        for n in range(200):  # keep the loop busy with events
            (root / f"Person {n}.md").write_text(f"# someone {n}\n")
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
        assert time.monotonic() - sent < 3
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        reader.join(5)  # the pipe is at its end once the process is gone
        assert process.stdout is not None
        process.stdout.close()
    assert not [p for p in root.rglob("*") if p.name.endswith(".followup-md.tmp")]
    assert "^fu-confirm" in (root / "Acme.md").read_text()


def _stop_signals_blocked(pid: int) -> dict[str, bool]:
    """Whether SIGINT and SIGTERM are blocked in the main thread and in every
    other thread of a process (Linux's /proc): a process-directed signal goes
    to a thread that does not block it, and only the main thread can act on it
    at once."""
    wanted = (1 << (signal.SIGINT - 1)) | (1 << (signal.SIGTERM - 1))
    blocked = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        status = (task / "status").read_text()
        mask = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigBlk:")), 16)
        blocked[int(task.name)] = mask & wanted == wanted
    others = [value for tid, value in blocked.items() if tid != pid]
    return {"main": blocked[pid], "others": bool(others) and all(others)}


def test_a_vim_style_backup_and_rename_save(running: Callable[..., Running]) -> None:
    run = running({"Acme.md": APPLICATION})
    note = run.root / "Acme.md"
    text = note.read_text()
    os.rename(note, run.root / "Acme.md~")
    note.write_text(text.replace("Acme\n", "Initech\n"))
    (run.root / "Acme.md~").unlink()
    assert run.until(lambda: "(Initech)" in run.due())
    assert any(line.endswith("Acme.md changed: updated Due.md") for line in run.lines), run.lines


def test_a_dead_emitter_is_noticed() -> None:
    class Thread:
        def __init__(self, alive: bool) -> None:
            self.alive = alive

        def is_alive(self) -> bool:
            return self.alive

    class Observer(Thread):
        def __init__(self, *emitters: bool) -> None:
            super().__init__(True)
            self.emitters = [Thread(alive) for alive in emitters]

    assert not watch_events.watching(Observer(True, False))
    assert watch_events.watching(Observer(True, True))


def test_a_tick_waiting_in_due_md_for_a_notes_first_block_is_taken_once_it_has_one(
    make_vault: MakeVault,
) -> None:
    """A note that cannot take its block (an open fence at its end) leaves
    Due.md's tick there; once the fence is closed, the watcher writes the
    block and takes the tick into it in the same round, as two syncs would."""
    fenced = APPLICATION + "```\nunclosed fence\n"
    root = make_vault({"Acme.md": fenced})
    watcher, clock = _started(root)
    line, ticked = _ticked_in_due(root, "Acme")
    watcher.sync()
    assert ticked in (root / "Due.md").read_text()
    (root / "Acme.md").write_text(fenced + "```\n")
    assert watcher.apply_batch({"Acme.md": False})
    watcher.sync()  # the note is not quiet yet: its block waits, and so does the tick
    assert "^fu-confirm" not in (root / "Acme.md").read_text() and ticked in (root / "Due.md").read_text()
    clock.now += 2.0
    watcher.write_quiet()
    note = (root / "Acme.md").read_text()
    assert "- [x] " in note and "^fu-confirm" in note
    assert line not in (root / "Due.md").read_text() and ticked not in (root / "Due.md").read_text()


def test_a_tick_for_a_step_whose_note_write_is_deferred_is_kept_until_the_note_takes_it(
    make_vault: MakeVault,
) -> None:
    """A note with a block gains a step (a fact added); its write waits for the
    note to go quiet, Due.md shows the step at once, and the user ticks it
    there: the tick stays in Due.md until the note holds the step, then goes
    into it (it was lost: the note had a block, so the tick was not held)."""
    contact = "---\ntype: contact\nmet: 2026-11-18\n---\n"
    root = make_vault({"Ann.md": contact})
    watcher, clock = _started(root)
    text = (root / "Ann.md").read_text()
    (root / "Ann.md").write_text(text.replace("met: 2026-11-18\n", "met: 2026-11-18\nasked: 2026-11-20\n"))
    assert watcher.apply_batch({"Ann.md": False})
    watcher.sync()  # the note is not quiet yet: Due.md shows the nudge, the note not yet
    assert "^fu-nudge" not in (root / "Ann.md").read_text()
    _, ticked = _ticked_in_due(root, "fu-nudge")
    assert watcher.apply_batch({"Due.md": False})
    watcher.sync()
    assert ticked in (root / "Due.md").read_text()
    clock.now += 2.0
    watcher.write_quiet()
    note = (root / "Ann.md").read_text()
    assert any(row.startswith("- [x] ") and "^fu-nudge" in row for row in note.splitlines())
    assert "fu-nudge" not in (root / "Due.md").read_text()


def test_a_held_tick_is_planned_again_once_never_more(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that takes a note Due.md held a tick for has the watcher plan
    again at once, as `sync` does; a second pass that says so again (a tick
    its note never takes) is not followed by a third: the watcher waits for
    the next change, never plans in a loop."""
    root = make_vault({"Acme.md": APPLICATION})
    watcher, _ = _started(root)
    write = Watcher._write
    monkeypatch.setattr(Watcher, "_write", lambda self, plan: write(self, plan) or True)
    syncs = watcher.stats.syncs
    watcher.sync()
    assert watcher.stats.syncs == syncs + 2


def _started(root: Path) -> tuple[Watcher, FakeClock]:
    """A watcher of `root` that has read it and synced once; a note's write
    waits for it to be quiet for 2 s of its clock."""
    clock = FakeClock()
    watcher = Watcher(root, today=lambda: TODAY, echo=lambda _: None, note_quiet=2.0, clock=clock)
    watcher.start()
    watcher.sync()
    return watcher, clock


def _ticked_in_due(root: Path, mark: str) -> tuple[str, str]:
    """Tick the open line of Due.md that holds `mark`: the line, and as ticked."""
    due = (root / "Due.md").read_text()
    line = next(line for line in due.splitlines() if mark in line and line.startswith("- [ ]"))
    ticked = line.replace("- [ ]", "- [x]")
    (root / "Due.md").write_text(due.replace(line, ticked))
    return line, ticked


def test_a_tick_in_due_md_follows_its_note_moved_in_the_same_batch(make_vault: MakeVault) -> None:
    """Due.md ticked and the note renamed outside Obsidian before the watcher
    took the tick: the batch's gone and new files of one stat are a move,
    and the tick goes to the note where it is now, as `sync` does."""
    root = make_vault({"Acme.md": APPLICATION})
    watcher, clock = _ticked_and_moved(root)
    clock.now += 2.0
    watcher.write_quiet()
    confirm = next(line for line in (root / "Acme Corp.md").read_text().splitlines() if "^fu-confirm" in line)
    assert confirm.startswith("- [x] ")
    assert watcher.plan is not None and not watcher.plan.problems
    assert "Ticks waiting" not in (root / "Due.md").read_text()


def test_a_tick_in_due_md_follows_its_note_moved_while_no_watch_ran(make_vault: MakeVault) -> None:
    """Due.md ticked and the note renamed while the watch was off: the cache's
    record tells the move at the start, and the watch's first sync takes the
    tick into the note where it is now, as `sync` does (it was kept as a tick
    with no note to go to)."""
    root = make_vault({"Acme.md": APPLICATION})
    _started(root)[0].record()  # the cache a `sync` leaves
    _ticked_in_due(root, "[[Acme#^fu-confirm")
    (root / "Acme.md").rename(root / "Acme Corp.md")
    watcher = Watcher(root, today=lambda: TODAY, echo=lambda _: None, note_quiet=0.0)
    watcher.start()
    plan = watcher.sync()
    confirm = next(line for line in (root / "Acme Corp.md").read_text().splitlines() if "^fu-confirm" in line)
    assert confirm.startswith("- [x] ") and not plan.problems
    assert "Ticks waiting" not in (root / "Due.md").read_text()


def test_a_tick_in_due_md_for_a_note_no_longer_ours_is_said_as_sync_says_it(make_vault: MakeVault) -> None:
    """The watcher's model holds the files that are not ours too: a tick for a
    note whose type was removed was said to wait for the note "to be read (see
    its problem)", a problem there is not, where `sync` says there is no
    follow-up note (and rewrote Due.md's Problems section after the watch)."""
    root = make_vault({"Acme.md": APPLICATION})
    watcher, _ = _started(root)
    _ticked_in_due(root, "[[Acme#^fu-confirm")
    (root / "Acme.md").write_text((root / "Acme.md").read_text().replace("type: application\n", ""))
    assert watcher.apply_batch({"Acme.md": False, "Due.md": False})
    plan = watcher.sync()
    said = [problem.message for problem in plan.problems if problem.path == "Due.md"]
    assert len(said) == 1 and said[0].startswith(
        "your tick of confirm cannot be recorded: there is no follow-up note"
    )


def test_a_tick_that_follows_a_moved_note_is_kept_when_another_save_comes_first(
    make_vault: MakeVault,
) -> None:
    """The move and the tick are planned; the note's write waits for it to be
    quiet, Due.md's with it (it still names the old path). Another save before
    then is planned again from Due.md as it is: the move was forgotten, and the
    tick was said to have no note (and never reached it), where `sync` takes it."""
    root = make_vault({"Acme.md": APPLICATION, "Other.md": APPLICATION.replace("Acme", "Hooli")})
    watcher, clock = _ticked_and_moved(root)
    clock.now += 0.5
    (root / "Other.md").write_text((root / "Other.md").read_text() + "More notes.\n")
    watcher.apply_batch({"Other.md": False})
    plan = watcher.sync()
    assert not plan.problems
    clock.now += 2.0
    watcher.write_quiet()
    confirm = next(line for line in (root / "Acme Corp.md").read_text().splitlines() if "^fu-confirm" in line)
    assert confirm.startswith("- [x] ")
    assert "Ticks waiting" not in (root / "Due.md").read_text()


def _ticked_and_moved(root: Path) -> tuple[Watcher, FakeClock]:
    """A watcher of `root` that has synced once; then Acme's confirm ticked in
    Due.md, Acme.md renamed Acme Corp.md, that batch taken and planned."""
    watcher, clock = _started(root)
    _ticked_in_due(root, "[[Acme#^fu-confirm")
    (root / "Acme.md").rename(root / "Acme Corp.md")
    assert watcher.apply_batch({"Acme.md": False, "Acme Corp.md": False, "Due.md": False})
    watcher.sync()
    return watcher, clock
