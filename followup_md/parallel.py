"""Pure work spread over the machine's cores: `fork_map(func, items)` is
`[func(item) for item in items]`, computed by forked copies of this process.

A fork shares everything the parent has built (the config, the vault read so
far, closures), so nothing but the results crosses a pipe, pickled. It is used
only where it cannot change a byte of output: the results come back in the
items' order, and any trouble with a child (it died, it was killed, it sent
nothing) makes the parent compute that child's share itself. It is never used
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
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import BinaryIO, TypeVar

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
) -> list[R]:
    """`[func(item) for item in items]`, in that order, shared among `workers`
    processes (default: what `workers_for` says of `min_share`). `func` must not write
    anything: a child's side effects are lost with it. `progress(n)` is told
    of n more items done, in the parent only: its own as they are done, the
    children's when they are in."""
    workers = workers_for(len(items), min_share) if workers is None else workers
    if workers < 2:
        return [_counted(func, item, progress) for item in items]
    shares = [items[start::workers] for start in range(workers)]  # interleaved: even loads
    pending: dict[int, int] = {}  # pid -> the read end of its pipe, until it is reaped
    try:
        for share in shares[1:]:
            try:
                pid, read_end = _spawn(func, share, pending.values())
            except OSError:  # no process or pipe to be had (a limit): all of it here
                return fork_map(func, items, 1, progress)
            pending[pid] = read_end
        done = [[_counted(func, item, progress) for item in shares[0]]]
        for pid, share in zip(list(pending), shares[1:], strict=True):
            done.append(_collect(pid, pending.pop(pid), func, share))
    finally:
        for pid, read_end in pending.items():  # an error or an interrupt in the parent
            os.close(read_end)
            _stop(pid)
    if progress is not None:
        progress(len(items) - len(shares[0]))
    results: list[R] = []
    for index in range(len(items)):
        results.append(done[index % workers][index // workers])
    return results


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


def _spawn(func: Callable[[T], R], share: Sequence[T], siblings: Iterable[int]) -> tuple[int, int]:
    """A child computing `share`: its pid and the pipe its pickled results come
    through (`siblings`: the pipes of the children before it, which it closes)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; what it sends is checked by the parent
        code = 1
        try:
            for end in (read_end, *siblings):
                os.close(end)
            for number in (signal.SIGINT, signal.SIGTERM):  # the parent decides what they do
                signal.signal(number, signal.SIG_DFL)
            data = pickle.dumps([func(item) for item in share], protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            code = 0
        finally:
            os._exit(code)  # never the parent's exit handlers, buffers or finally blocks
    os.close(write_end)
    return pid, read_end


def _collect(pid: int, read_end: int, func: Callable[[T], R], share: Sequence[T]) -> list[R]:
    """What a child computed (unpickled as it arrives, never held whole as
    bytes), or (when it failed) the same computed here."""
    results = None
    try:
        with os.fdopen(read_end, "rb") as pipe, collector_paused():
            results = pickle.load(pipe)
    except Exception:  # cut short: the child died; it is reaped below
        results = None
    except BaseException:
        _stop(pid)
        raise
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0 and isinstance(results, list) and len(results) == len(share):
        return results
    return [func(item) for item in share]


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
