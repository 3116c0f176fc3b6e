"""Work spread over forked processes (parallel.py) gives exactly what the same
work done in one process gives, whatever happens to a child."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import BinaryIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_md import parallel, vault
from followup_md.app import plan_vault
from followup_md.cached_read import probe_vault
from followup_md.config import Config
from followup_md.layout import LEFTOVER, TEMP_SUFFIX
from followup_md.links import LinkIndex
from followup_md.model import Mapper, NoteFile, R, Stat, T, TaskSyntax, VaultSettings, serially
from followup_md.parallel import fork_map, workers_for
from followup_md.parse import read_entry
from followup_md.vault import load_config, read_settings

from .conftest import REPO, TODAY, MakeVault


def _no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(max_size=20), max_size=40), st.integers(min_value=1, max_value=5))
def test_the_results_are_the_sequential_results_in_order(items: list[str], workers: int) -> None:
    ticks: list[int] = []
    assert fork_map(lambda text: text[::-1] + str(len(text)), items, workers, ticks.append) == [
        text[::-1] + str(len(text)) for text in items
    ]
    assert sum(ticks) == len(items)  # the progress told, once for each item
    assert _no_children_left()


def test_a_child_that_dies_is_made_up_for_by_the_parent() -> None:
    parent = os.getpid()

    def square(n: int) -> int:
        if os.getpid() != parent and n == 7:
            os._exit(3)  # a child killed mid-way (out of memory, a signal)
        return n * n

    assert fork_map(square, list(range(20)), 3) == [n * n for n in range(20)]
    assert _no_children_left()


def test_a_result_a_child_cannot_send_is_computed_by_the_parent() -> None:
    parent = os.getpid()

    def unpicklable_in_a_child(n: int) -> object:
        return (lambda: n) if os.getpid() != parent else n

    assert fork_map(unpicklable_in_a_child, list(range(6)), 2) == list(range(6))


def test_an_error_in_the_work_is_raised_as_one_process_would() -> None:
    def fail_on_three(n: int) -> int:
        if n == 3:
            raise ValueError("three")
        return n

    with pytest.raises(ValueError, match="three"):
        fork_map(fail_on_three, list(range(8)), 2)  # 3 is a child's: its share is redone here
    with pytest.raises(ValueError, match="three"):
        fork_map(fail_on_three, list(range(8)), 4)  # 3 is a child's, 0 and 4 the parent's
    assert _no_children_left()


def test_an_interrupt_in_the_parent_leaves_no_child_behind() -> None:
    def interrupted(done: int) -> None:
        raise KeyboardInterrupt  # Ctrl-C as the first items are in, the parent's or a child's

    with pytest.raises(KeyboardInterrupt):
        fork_map(lambda n: n, list(range(10)), 3, interrupted)
    assert _no_children_left()


def test_no_fork_with_another_thread_running_or_for_little_work() -> None:
    assert workers_for(parallel.MIN_SHARE - 1) == 1
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert workers_for(100 * parallel.MIN_SHARE) == 1
    finally:
        stop.set()
        thread.join()


def test_a_vault_read_and_planned_by_several_processes_plans_as_one_does(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = {
        path.relative_to(REPO / "example_vault").as_posix(): path.read_bytes()
        for path in (REPO / "example_vault").rglob("*.md")
        if ".followup-md" not in path.parts
    }
    root = make_vault(notes)

    def planned(workers: int) -> object:
        monkeypatch.setattr(parallel, "workers_for", lambda count, share=0: workers)
        config = load_config(root)
        settings_ = read_settings(root, config)
        probe = probe_vault(root, config, settings_, TODAY)
        got = plan_vault(root, config, settings_, probe)
        return got.read, got.plan, probe.stats

    one = planned(1)
    assert planned(2) == one and planned(3) == one


def test_a_first_sync_by_several_processes_writes_and_records_what_one_does(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from followup_md.cache import load_notes
    from followup_md.cli import cli

    files = {
        path.relative_to(REPO / "example_vault").as_posix(): path.read_bytes()
        for path in (REPO / "example_vault").rglob("*.md")
        if ".followup-md" not in path.parts and path.name != "Due.md"
    }
    results = []
    for workers in (1, 2):
        monkeypatch.setattr(parallel, "workers_for", lambda count, share=0, workers=workers: workers)
        root = tmp_path / f"vault{workers}"
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        done = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
        assert done.exit_code == 0, done.output
        written = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.md")}
        tier = load_notes(root)
        assert tier is not None
        entries, plans, lines = tier[0]
        results.append(
            (written, {rel: entry.result for rel, entry in entries.items()}, sorted(plans), len(lines))
        )
    assert results[0] == results[1]


def test_no_fork_to_be_had_means_the_work_is_done_here(monkeypatch: pytest.MonkeyPatch) -> None:
    forks: list[int] = []
    real_fork = os.fork

    def limited() -> int:
        if forks:
            raise BlockingIOError(11, "Resource temporarily unavailable")  # EAGAIN: a process limit
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", limited)
    assert fork_map(str, list(range(30)), 3) == [str(n) for n in range(30)]
    assert forks == [1] and _no_children_left()


def test_no_pipe_to_be_had_leaves_no_file_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """At the limit of open files a child's spool is made but not its pipe:
    the spool is closed (a watcher would leak one for every child, each run)."""
    pipes: list[int] = []
    real_pipe = os.pipe

    def limited() -> tuple[int, int]:
        if pipes:
            raise OSError(24, "Too many open files")  # EMFILE
        pipes.append(1)
        return real_pipe()

    before = sorted(os.listdir("/proc/self/fd"))
    monkeypatch.setattr(os, "pipe", limited)
    assert fork_map(str, list(range(30)), 3) == [str(n) for n in range(30)]
    monkeypatch.undo()
    assert sorted(os.listdir("/proc/self/fd")) == before and _no_children_left()


def _walk_vault(root: Path) -> None:
    """Folders of uneven sizes (more files than a batch), and what a walk leaves out."""
    for folder, count in (
        ("", 3),
        ("Big", vault.BATCH + 40),
        ("Big/Deeper", 7),
        ("Small", 1),
        (".hidden", 2),
    ):
        (root / folder).mkdir(parents=True, exist_ok=True)
        for index in range(count):
            (root / folder / f"n{index}.md").write_text("x" * index)
    (root / "Big" / "not a note.txt").write_text("x")
    (root / "Small" / "link.md").symlink_to(root / "n0.md")
    os.mkfifo(root / "Small" / "pipe.md")
    (root / "Small" / (".n0.md" + TEMP_SUFFIX)).write_text("left by a killed run")


@pytest.mark.parametrize("workers", [2, 3])
def test_the_walk_shared_among_processes_finds_what_one_finds(tmp_path: Path, workers: int) -> None:
    _walk_vault(tmp_path)
    config = load_config(tmp_path)
    settings_ = read_settings(tmp_path, config)

    def walked(mapper: Mapper) -> tuple[dict[str, Stat], list[tuple[str, str]]]:
        odd: list[tuple[str, str]] = []
        return dict(vault.walk_notes(tmp_path, config, settings_, odd=odd, mapper=mapper)), sorted(odd)

    one = walked(serially)
    assert len(one[0]) == 3 + vault.BATCH + 40 + 7 + 1
    assert [why for _, why in one[1]].count(LEFTOVER) == 1 and len(one[1]) == 3
    assert (
        walked(lambda func, items, meanwhile=None: fork_map(func, items, workers, meanwhile=meanwhile)) == one
    )
    assert _no_children_left()


def test_a_file_or_folder_gone_between_listing_and_stat_is_left_out(tmp_path: Path) -> None:
    _walk_vault(tmp_path)
    config = load_config(tmp_path)
    settings_ = read_settings(tmp_path, config)

    def removing(
        func: Callable[[T], R], items: Sequence[T], /, meanwhile: Callable[[], object] | None = None
    ) -> list[R]:
        (tmp_path / "n1.md").unlink()
        shutil.rmtree(tmp_path / "Big" / "Deeper")
        return serially(func, items)

    found = dict(vault.walk_notes(tmp_path, config, settings_, mapper=removing))
    assert "n0.md" in found and "n1.md" not in found and "Big/n0.md" in found
    assert not any(rel.startswith("Big/Deeper/") for rel in found)


@pytest.mark.parametrize("workers", [1, 2])
def test_the_callers_own_work_is_done_here_while_the_items_are_shared_out(workers: int) -> None:
    """`meanwhile` runs once, in the parent (what it does is kept), whether the
    items are shared out or not, and changes nothing of the results."""
    done: list[int] = []
    squares = fork_map(lambda n: n * n, range(2000), workers, meanwhile=lambda: done.append(os.getpid()))
    assert squares == [n * n for n in range(2000)] and done == [os.getpid()]
    assert _no_children_left()


def test_a_syncs_suggestions_are_made_while_its_notes_are_planned(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken link's "did you mean" search (a whole index each) is the
    parent's own work while the notes are planned on the other cores: it is
    searched once, in this process, and gives what a search on its own does."""
    from followup_md.sync import plan_read

    notes = {f"People/Person {n}.md": "---\ntype: contact\nmet: 2026-11-10\n---\n" for n in range(300)}
    notes["Log/Call.md"] = "---\ntype: log\ndate: 2026-11-12\nwith: ['[[Person 730421 (gone)]]']\n---\n"
    read = {
        path: read_entry(NoteFile(path, text.encode(), None), Config(), TaskSyntax())
        for path, text in notes.items()
    }
    searched: list[int] = []
    search = LinkIndex._search

    def counted(index: LinkIndex, key: str, limit: int) -> object:
        searched.append(os.getpid())
        return search(index, key, limit)

    monkeypatch.setattr(LinkIndex, "_search", counted)
    mapped: list[int] = []

    def forking(
        func: Callable[[T], R], items: Sequence[T], /, meanwhile: Callable[[], object] | None = None
    ) -> list[R]:
        mapped.append(len(items))
        return fork_map(func, items, 2, meanwhile=meanwhile)

    plan = plan_read(read, None, Config(), VaultSettings(), date(2026, 11, 20), mapper=forking)
    assert searched == [os.getpid()] and mapped == [len(notes), 0]  # then no Due.md line left to make
    alone = plan_read(read, None, Config(), VaultSettings(), date(2026, 11, 20))
    assert plan.problems == alone.problems and any("did you mean" in p.message for p in plan.problems)
    assert _no_children_left()


def test_a_cache_file_pickled_on_two_cores_is_the_bytes_one_core_pickles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from followup_md import cache

    parts: list[object] = [
        ({f"n{i}.md": ("x" * i, date(2026, 1, 1 + i % 28))}, {}, {}) for i in range(cache.SHARED_PARTS + 3)
    ]
    spawned: list[int] = []
    spawn = parallel._spawn_writer

    def counted(items: Sequence[T], write: Callable[[T, BinaryIO], None]) -> tuple[int, int] | None:
        spawned.append(len(items))
        return spawn(items, write)

    monkeypatch.setattr(parallel, "_spawn_writer", counted)

    def dumped(workers: int) -> bytes:
        monkeypatch.setattr(parallel, "workers_for", lambda count, share=0: workers)
        with tempfile.TemporaryFile() as handle:
            cache._dump(len(parts), parts)(handle)
            handle.seek(cache._STAMP.size)  # past the file's own inode number
            return handle.read()

    assert dumped(2) == dumped(1)
    assert spawned == [len(parts) - len(parts) // 2]
    assert _no_children_left()


def test_what_a_writing_child_leaves_undone_the_parent_writes() -> None:
    parent = os.getpid()

    def write(item: bytes, handle: BinaryIO) -> None:
        if os.getpid() != parent and item == b"item 7;":
            os._exit(3)  # a child killed mid-way, its spool half written
        handle.write(item)

    items = [f"item {n};".encode() for n in range(10)]
    handle = io.BytesIO()
    parallel.write_shared(items, write, handle)
    assert handle.getvalue() == b"".join(items)
    assert _no_children_left()
