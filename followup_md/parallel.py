"""Pure work spread over the machine's cores: `fork_map(func, items)` is
`[func(item) for item in items]`, computed by forked copies of this process.

A fork shares everything the parent has built (the config, the vault read so
far, closures), so nothing but the results comes back, pickled. It is used
only where it cannot change a byte of output: the results come back in the
items' order, and any trouble with a child (it died, it was killed, it sent
nothing) makes the parent compute what that child did not send. It is never used
with another thread running (a fork copies only the calling thread, and a lock
another thread held would stay held forever in the child), off Linux, or for
less work than a fork costs.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import struct
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_SHARE = 500  # items: fewer a core than this (files to read) are not worth a fork
MAX_WORKERS = 8


def workers_for(count: int, min_share: int = MIN_SHARE) -> int:
    """How many processes (the parent included) `count` items are worth, at
    `min_share` items at least for each."""
    if sys.platform != "linux" or threading.active_count() > 1:
        return 1
    cores = len(os.sched_getaffinity(0))
    return max(1, min(cores, MAX_WORKERS, count // min_share))


def fork_map(
    func: Callable[[T], R],
    items: Sequence[T],
    workers: int | None = None,
    progress: Callable[[int], object] | None = None,
    min_share: int = MIN_SHARE,
    meanwhile: Callable[[], object] | None = None,
) -> list[R]:
    """`[func(item) for item in items]`, in that order, shared among `workers`
    processes (default: what `workers_for` says of `min_share`). `func` must not write
    anything: a child's side effects are lost with it. `progress(n)` is told
    of n more items done, in the parent only: its own as they are done, the
    children's when they are in. `meanwhile` is the caller's own work, done
    by the parent once the children are at the items (before the items, when
    there are no children), before it takes any of them.

    The items are cut into CHUNKS pieces a process, which the processes take
    in turn from a queue as they finish the last: a child pickles each piece's
    results into a file in memory and says where, and the parent loads them
    between pieces of its own, so that no one waits for a share too large
    (pickling makes a child's slower) and little is left to load at the end."""
    workers = workers_for(len(items), min_share) if workers is None else workers
    if workers < 2 or not items:
        if meanwhile is not None:
            meanwhile()
        return [_counted(func, item, progress) for item in items]
    size = -(-len(items) // (workers * CHUNKS))
    pieces = [items[start : start + size] for start in range(0, len(items), size)]
    done: dict[int, list[R]] = {}
    children: dict[int, _Child] = {}
    queue = _queue(len(pieces))
    try:
        for _ in range(workers - 1):
            with contextlib.suppress(OSError):  # no process or file to be had (a limit): less help
                child = _spawn(func, pieces, queue, children.values())
                children[child.pid] = child
        if meanwhile is not None:
            meanwhile()
        while (number := _taken(queue)) is not None:
            done[number] = [_counted(func, item, progress) for item in pieces[number]]
            _gather(children, done, progress, wait=False)
        _gather(children, done, progress, wait=True)
    finally:
        os.close(queue)
        for child in children.values():  # an error or an interrupt in the parent
            child.close()
            _stop(child.pid)
    for number, piece in enumerate(pieces):
        if number not in done:  # a child that died or could not send it
            done[number] = [_counted(func, item, progress) for item in piece]
    return [result for number in range(len(pieces)) for result in done[number]]


CHUNKS = 16  # pieces a process: enough to even out the loads, few enough to cost nothing
_NOTICE = struct.Struct("<IQQ")  # a piece done: its number, where its results are in the file, their length


@dataclass
class _Child:
    """A forked child: its pid, the pipe its notices come through, and the
    file in memory it writes its pickled results into."""

    pid: int
    notices: int
    spool: int
    pending: bytes = b""  # a notice read in part

    def close(self) -> None:
        for end in (self.notices, self.spool):
            with contextlib.suppress(OSError):
                os.close(end)


def _queue(count: int) -> int:
    """The read end of a pipe holding the pieces' numbers (a read of one takes
    it, whole: it is smaller than PIPE_BUF), its write end closed."""
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, b"".join(number.to_bytes(4, "little") for number in range(count)))
    finally:
        os.close(write_end)
    return read_end


def _taken(queue: int) -> int | None:
    """The next piece's number, or None when all are taken."""
    taken = os.read(queue, 4)
    return int.from_bytes(taken, "little") if len(taken) == 4 else None


def _spawn(
    func: Callable[[T], R], pieces: Sequence[Sequence[T]], queue: int, siblings: Iterable[_Child]
) -> _Child:
    """A child taking pieces from `queue` until none are left, each piece's
    results pickled into its spool, then a notice of where they are sent."""
    spool = os.memfd_create("followup-md", os.MFD_CLOEXEC)
    try:
        read_end, write_end = os.pipe()
    except OSError:
        os.close(spool)  # never left open at the limit of open files, once for every child
        raise
    try:
        pid = os.fork()
    except OSError:
        for end in (spool, read_end, write_end):
            os.close(end)
        raise
    if pid == 0:  # pragma: no cover - the child; what it sends is checked by the parent
        code = 1
        try:
            os.close(read_end)
            for sibling in siblings:
                sibling.close()
            for number in (signal.SIGINT, signal.SIGTERM):  # the parent decides what they do
                signal.signal(number, signal.SIG_DFL)
            at = 0
            while (taken := _taken(queue)) is not None:
                data = pickle.dumps([func(item) for item in pieces[taken]], protocol=pickle.HIGHEST_PROTOCOL)
                with memoryview(data) as left:
                    written = 0
                    while written < len(data):
                        written += os.pwrite(spool, left[written:], at + written)
                os.write(write_end, _NOTICE.pack(taken, at, len(data)))
                at += len(data)
            code = 0
        finally:
            os._exit(code)  # never the parent's exit handlers, buffers or finally blocks
    os.close(write_end)
    os.set_blocking(read_end, False)
    return _Child(pid, read_end, spool)


def _gather(
    children: dict[int, _Child],
    done: dict[int, list[R]],
    progress: Callable[[int], object] | None,
    wait: bool,
) -> None:
    """Load the pieces the children have finished; with `wait`, until each has
    finished all it took and is reaped. A piece whose results do not load
    (a child cut short) is left out: the parent computes it."""
    for pid, child in list(children.items()):
        if wait:
            os.set_blocking(child.notices, True)
        while True:
            try:
                got = os.read(child.notices, 1 << 16)
            except BlockingIOError:
                break
            data = child.pending + got
            whole = len(data) - len(data) % _NOTICE.size
            child.pending = data[whole:]
            for number, at, length in _NOTICE.iter_unpack(data[:whole]):
                results = _loaded(child.spool, at, length)
                if results is not None:
                    done[number] = results
                    if progress is not None:
                        progress(len(results))
            if not got:
                child.close()
                del children[pid]
                os.waitpid(pid, 0)
                break


def _loaded(spool: int, at: int, length: int) -> list[Any] | None:
    """A piece's results as a child pickled them into its spool."""
    try:
        data = os.pread(spool, length, at)
        if len(data) != length:
            return None
        with collector_paused():
            results = pickle.loads(data)
    except Exception:
        return None
    return results if isinstance(results, list) else None


def write_shared(items: Sequence[T], write: Callable[[T, BinaryIO], None], handle: BinaryIO) -> list[int]:
    """`for item in items: write(item, handle)`, and how many bytes each took:
    the second half of the items written meanwhile by a forked child into an
    anonymous file in memory, which is copied into `handle` after the parent's
    half. `write` writes each item whole, the same bytes in any process; a
    child in trouble (or no child to be had) leaves its half to the parent.
    Never with another thread running."""
    split = len(items) // 2
    child = _spawn_writer(items[split:], write) if split and workers_for(2, 1) > 1 else None
    if child is None:
        return _written(items, write, handle)
    pid, spool = child
    try:
        lengths = _written(items[:split], write, handle)
        _, status = os.waitpid(pid, 0)
        pid = 0
        theirs = _spooled(spool, len(items) - split) if os.waitstatus_to_exitcode(status) == 0 else None
        if theirs is None:
            return lengths + _written(items[split:], write, handle)
        handle.flush()
        left = sum(theirs)
        os.lseek(spool, 0, os.SEEK_SET)
        while left and (chunk := os.read(spool, min(left, 1 << 20))):
            handle.write(chunk)
            left -= len(chunk)
        return lengths + theirs
    finally:
        if pid:  # an error or an interrupt in the parent
            _stop(pid)
        os.close(spool)


def _written(items: Sequence[T], write: Callable[[T, BinaryIO], None], handle: BinaryIO) -> list[int]:
    """Each item written, and how many bytes each took."""
    lengths = []
    for item in items:
        start = handle.tell()
        write(item, handle)
        lengths.append(handle.tell() - start)
    return lengths


_LENGTH = 8  # bytes: each item's length, after what a writing child wrote


def _spooled(spool: int, count: int) -> list[int] | None:
    """The lengths of the `count` items a child wrote into `spool` (after them,
    as `_LENGTH`-byte numbers), if they account for all of it."""
    size = os.fstat(spool).st_size
    tail = os.pread(spool, _LENGTH * count, size - _LENGTH * count) if size >= _LENGTH * count else b""
    if len(tail) != _LENGTH * count:
        return None
    lengths = [int.from_bytes(tail[at : at + _LENGTH], "little") for at in range(0, len(tail), _LENGTH)]
    return lengths if sum(lengths) == size - len(tail) else None


def _spawn_writer(items: Sequence[T], write: Callable[[T, BinaryIO], None]) -> tuple[int, int] | None:
    """A child writing `items` into an anonymous file in memory: its pid and the
    file; None when there is no such file or process to be had."""
    try:
        spool = os.memfd_create("followup-md", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(spool)
        return None
    if pid == 0:  # pragma: no cover - the child; what it wrote is used only if it exits 0
        code = 1
        try:
            for number in (signal.SIGINT, signal.SIGTERM):
                signal.signal(number, signal.SIG_DFL)
            with open(spool, "wb", closefd=False) as out:
                lengths = _written(items, write, out)
                out.write(b"".join(length.to_bytes(_LENGTH, "little") for length in lengths))
            code = 0
        finally:
            os._exit(code)
    return pid, spool


def _counted(func: Callable[[T], R], item: T, progress: Callable[[int], object] | None) -> R:
    result = func(item)
    if progress is not None:
        progress(1)
    return result


@contextlib.contextmanager
def collector_paused(freeze: bool = False) -> Iterator[None]:
    """The cycle collector off while many objects are (un)pickled: it would walk
    the growing heap of acyclic objects again and again (a child's 5,000 notes
    load in 44 ms instead of 75; a 10,000-note cache tier in 0.16 s instead of
    0.38 s). With `freeze`, what is loaded is meant to live through the run: it
    is frozen out of the collector's walks (`gc.freeze`), which would otherwise
    start with all of it the moment the collector is back."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was:
            gc.enable()


def _stop(pid: int) -> None:
    """Kill a child not yet reaped, and reap it."""
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
