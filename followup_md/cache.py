"""The cache under `.followup-md/`: it only ever saves time.

Two tiers, each a file written atomically: its version and the number of its
parts, then each part pickled on its own (see `_dump`):

* `run.pickle`, small and read on every run: what the inputs looked like after
  the last run (every note's `(mtime_ns, size)`, Due.md's, the config and the
  Obsidian settings we read as they were, today and the time zone) and what
  that run printed, its stats in parts of STATS_PART files. When nothing
  differs, nothing can: a sync has nothing to do and says what it said last
  time, without reading a note.
* `notes.pickle`: what each of our notes (and each problem) was read as, so a
  run re-reads only the files whose stat changed; and what planning each
  unchanged note gave, and its Due.md lines (`sync.PlanMemo`), so a run plans
  only the notes that changed. It is stored in parts of PART notes, each
  with those notes' plans and lines, so a plan holds the very note object
  read beside it (one pickle keeps them identical), which is what a plan is
  matched by: a note read again is planned again. A save copies the bytes of
  each part that is as it was loaded (`TierFile`) and pickles the others. A
  run record without its notes tier serves no note: every note is read again.

Both are versioned and thrown away silently when stale, unreadable, from
another version or not the very file written there (see `_STAMP`); deleting
the folder changes no output but one: a tick in Due.md for a note moved since
the last run follows it only when the run record shows the move
(`cached_read.moved_notes`); without it the tick waits, said as a problem.
A file modified within a second of the save is never trusted to its stat
(its next change could keep the same mtime and size). The folder carries its own `.gitignore`.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import lru_cache, partial
from itertools import chain, islice
from pathlib import Path
from typing import Any, BinaryIO

from followup_md import __version__, model
from followup_md.errors import WriteError
from followup_md.layout import CACHE_DIR, SETTINGS_FILES
from followup_md.model import Stat, pickled_by_fields
from followup_md.parallel import collector_paused, write_shared
from followup_md.safe_read import open_regular, read_inside
from followup_md.schema import KEY_KINDS

CACHE_LIMIT = 1 << 30  # bytes: a pickle larger than this is not ours

# Bumped when the same bytes are read into different facts (2: company, role
# and name hold a link's display text), or a kept plan or the notes tier
# changes shape (3: a plan holds its warnings; 4: the tier ends with the link
# index's suggestions; 5: a Due.md line is kept by its step's note and id, with
# the step; 6: an unquoted `[[Jane Doe|Jane]]` keeps its alias apart from the
# name; a panel read once per person), which the types' fields cannot show.
READING = 6


def _layout() -> str:
    """The shape of every type the cache stores (each field's name): a pickle
    made by code with other fields is never unpickled into this code's types,
    even when the version number did not change."""
    shapes = [f"reading {READING}"]
    for name in sorted(n for m, n in _Unpickler.ALLOWED if m == "followup_md.model"):
        shapes.append(f"{name}({','.join(f.name for f in fields(getattr(model, name)))})")
    shapes.append(f"RunRecord({','.join(f.name for f in fields(RunRecord))})")
    return " ".join(shapes)


def fingerprint(root: Path) -> bytes:
    """Everything besides the notes and the date that reading a note depends on,
    verbatim (the settings files are small, and comparing them is cheaper
    than loading a hash function on every run)."""
    parts = [f"{FORMAT} {__version__} {time.tzname} {time.timezone}".encode(), _code()]
    parts.append(repr(sorted(KEY_KINDS.items())).encode())  # the facts a note is read into
    for name in SETTINGS_FILES:
        data = read_inside(root, name)
        parts.append(name.encode() + b"\0" + (data if data is not None else b"-") + b"\0")
    return b"".join(parts)


@lru_cache(maxsize=1)
def _code() -> bytes:
    """The package's own source files as installed (name, mtime, size): a
    record made by other code (an upgrade, a `git pull` of an editable
    install) is never trusted, even when the version number did not change:
    its plans hold the texts and rules of that code."""
    try:
        with os.scandir(Path(__file__).parent) as entries:
            found = sorted(
                (entry.name, entry.stat().st_mtime_ns, entry.stat().st_size)
                for entry in entries
                if entry.name.endswith(".py")
            )
    except OSError:
        return b"-"
    return repr(found).encode()


@dataclass
class RunRecord:
    """The inputs and outputs of the last complete sync. `saved_ns` is the mtime
    of the notes tier as written, on the vault's own file system: a note whose
    mtime is not older than that may have changed again within the same tick
    (git's "racily clean" rule), so its stat is not trusted."""

    key: bytes
    today: date
    stats: dict[str, Stat]
    own: tuple[Stat | None, ...]  # Due.md's, the calendar's and Stats.md's, as we left them
    saved_ns: int
    stdout: str = ""
    stderr: list[str] = field(default_factory=list)
    # Where each part of the notes tier saved with it lies in its file: (the
    # part's first path, start, end), the last one the link index's ("").
    tier: tuple[tuple[str, int, int], ...] = ()

    def unchanged(
        self, key: bytes, today: date, stats: Mapping[str, Stat], own: tuple[Stat | None, ...]
    ) -> bool:
        """True when this run would see exactly what the last one left."""
        if (key, today, own) != (self.key, self.today, self.own) or stats != self.stats:
            return False
        return max(stats.values(), default=(0, 0))[0] < self.saved_ns  # the newest mtime

    def edited(
        self, key: bytes, today: date, stats: Mapping[str, Stat], own: tuple[Stat | None, ...]
    ) -> set[str] | None:
        """The files changed since the last run, when they are the same files
        and nothing else changed (our own files as we left them); else None."""
        if (key, today, own) != (self.key, self.today, self.own) or stats.keys() != self.stats.keys():
            return None
        return stats.keys() - self.trusted(stats)

    def trusted(self, stats: Mapping[str, Stat]) -> set[str]:
        """The files whose cached results still hold, of these with their stat
        now: the same stat, older than the save."""
        known, saved = self.stats, self.saved_ns
        return {rel for rel, stat in stats.items() if known.get(rel) == stat and stat[0] < saved}


pickled_by_fields(RunRecord)


class _Unpickler(pickle.Unpickler):
    """Builds only our own data types: the cache lives in the vault, which may be
    shared or synced, so a pickle found there must never run code."""

    ALLOWED = frozenset(
        {
            ("datetime", "date"),
            ("followup_md.cache", "RunRecord"),
            ("followup_md.links", "Suggested"),
            *(("followup_md.model", kind.__name__) for kind in model.PICKLED),
        }
    )

    def find_class(self, module: str, name: str) -> Any:
        """The type, as a plain callable: it builds an object only through its
        constructor, whole (each is pickled as a call to itself), while a
        crafted pickle asking for an object without its fields (`NEWOBJ`)
        is refused, as `NEWOBJ` takes a type."""
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
        if (module, name) == ("datetime", "date"):
            return _day
        return partial(super().find_class(module, name))


@lru_cache(maxsize=1 << 12)
def _day(*state: Any) -> date:
    """A date as the cache stores it: one object for each day, while each
    part of a tier would make its own (100,000 notes hold 85,000 dates of a
    few hundred days)."""
    return date(*state)


FORMAT = _layout()


def _load(root: Path, name: str, ends: list[int] | None = None) -> list[Any] | None:
    """A cache file's parts: None if it is missing, not a regular file inside
    the vault's own cache folder, unreadable or stale. `ends` is given the
    file's identity (`_identity`), then where its header and each part end."""
    folder = root / CACHE_DIR
    try:
        if folder.is_symlink():
            return None
        handle = open_regular(folder / name, CACHE_LIMIT)
        if handle is None:
            return None
        with handle, collector_paused(freeze=True):
            if not _stamped(handle):
                return None
            version, count = _Unpickler(handle).load()
            if version != (FORMAT, __version__) or not isinstance(count, int):
                return None
            if ends is not None:
                ends += [*_identity(os.fstat(handle.fileno())), handle.tell()]
            parts = []
            for _ in range(count):
                parts.append(_Unpickler(handle).load())  # each its own pickle
                if ends is not None:
                    ends.append(handle.tell())
            return parts
    except Exception:
        return None


# A cache file's first bytes: a mark and the file's own inode number, which its
# writer knows (the temp file's, kept by the rename into place) and no one
# shipping a file can: a cache file copied, extracted or cloned with a vault
# holds another file's number, and is never unpickled. (A crafted pickle runs
# no code, but one of a few kilobytes can make unpickling hash a tuple for
# ever, and a vault is untrusted input.)
_STAMP = struct.Struct("<8sQ")
_MARK = b"fu-md\x00c\x01"


def _stamp(handle: BinaryIO) -> None:
    """Begin a cache file being written with its stamp (see `_STAMP`)."""
    handle.write(_STAMP.pack(_MARK, os.fstat(handle.fileno()).st_ino))


def _stamped(handle: BinaryIO) -> bool:
    """Whether an open cache file begins with its own stamp (read past it)."""
    return handle.read(_STAMP.size) == _STAMP.pack(_MARK, os.fstat(handle.fileno()).st_ino)


def _identity(found: os.stat_result) -> tuple[int, int, int, int]:
    """A file as it is now: a file replaced or rewritten since differs."""
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns)


def load_run(root: Path) -> RunRecord | None:
    parts = _load(root, "run.pickle")
    if not parts or not isinstance(run := parts[0], RunRecord) or not _well_formed(run):
        return None
    for stats in parts[1:]:  # see `_run_parts`
        if not isinstance(stats, dict):
            return None
        run.stats.update(stats)
    return run


def _well_formed(run: RunRecord) -> bool:
    """Whether a record's fields have the types a run gives them (a crafted
    one is built whole by its constructor, of anything): what is printed, the
    mtime compared with, and the index of the notes tier, whose parts each
    start where the one before ends (so a part is never read out of the file),
    their first paths in order (else a note is looked for in a part that does
    not hold it, and a note that is no longer ours would look as if it never was)."""
    if not (
        isinstance(run.key, bytes)
        and isinstance(run.today, date)
        and isinstance(run.stats, dict)
        and isinstance(run.own, tuple)
        and type(run.saved_ns) is int
        and isinstance(run.stdout, str)
        and isinstance(run.stderr, list)
        and all(isinstance(line, str) for line in run.stderr)
        and isinstance(run.tier, tuple)
    ):
        return False
    end, first = None, None
    for entry in run.tier[:-1]:  # the notes' parts, by their first paths (see `part_of`)
        if not (isinstance(entry, tuple) and entry and isinstance(entry[0], str)):
            return False
        if first is not None and entry[0] <= first:
            return False
        first = entry[0]
    for entry in run.tier:
        if not (isinstance(entry, tuple) and len(entry) == 3 and isinstance(entry[0], str)):
            return False
        _, start, stop = entry
        if type(start) is not int or type(stop) is not int or end not in (None, start):
            return False
        if not 0 <= start < stop:
            return False
        end = stop
    return True


STATS_PART = 10_000  # files


def _run_parts(run: RunRecord) -> tuple[int, Iterator[Any]]:
    """run.pickle's parts, and their count: the record without its stats, then
    its stats in dicts of STATS_PART files, each made as it is written. Pickled
    as one, the stats of 100,000 files take a table of the objects seen (strings
    and tuples, which never repeat) of 12 MB."""
    items = iter(run.stats.items())
    count = -(-len(run.stats) // STATS_PART)
    chunks = (dict(islice(items, STATS_PART)) for _ in range(count))
    return 1 + count, chain([replace(run, stats={})], chunks)


# The notes tier: each note as read (path -> ReadFile), then the plan memo's
# two dicts (see `sync.PlanMemo`). It is stored in parts of a hundred notes,
# each with its notes' plans and lines, each pickled on its own: a plan's note
# is the very object in its part, and the pickler's table of the objects seen
# (which keeps identity) stays small (for 500 notes and their plans, 9 MB).
NotesTier = tuple[dict[str, Any], dict[str, Any], dict[Any, Any]]
PART = 100  # notes


@dataclass
class TierFile:
    """The notes tier's file as it was loaded: its identity, and each part with
    the bytes it was read from (start, end), so that a save can copy a part
    that is still the same instead of pickling it again."""

    identity: tuple[int, int, int, int]
    parts: list[tuple[NotesTier, int, int]]


def load_notes(root: Path) -> tuple[NotesTier, Any, TierFile] | None:
    """The notes tier, what was kept of the link index with it (see `save`)
    and where they came from; None when it is missing, damaged or stale (then the run
    record's stats cannot serve a note: it has nothing to serve it from)."""
    ends: list[int] = []
    parts = _load(root, "notes.pickle", ends)
    if not parts or not _lookups(parts[-1]):
        return None
    tier: NotesTier = ({}, {}, {})
    for part in parts[:-1]:
        if not _is_part(part):
            return None
        for whole, piece in zip(tier, part, strict=True):
            whole.update(piece)
    offsets = ends[4:]
    return (
        tier,
        parts[-1],
        TierFile((ends[0], ends[1], ends[2], ends[3]), list(zip(parts, offsets, offsets[1:], strict=False))),
    )


def _is_part(part: Any) -> bool:
    """Whether `part` has the shape of a part of the notes tier."""
    return isinstance(part, tuple) and len(part) == 3 and all(isinstance(half, dict) for half in part)


def part_of(run: RunRecord, rel: str) -> int | None:
    """The index of the part of the notes tier saved with `run` that holds
    `rel` if any part does (the parts are in path order); None without an index."""
    if len(run.tier) < 2:
        return None
    return max(0, bisect_right([first for first, _, _ in run.tier[:-1]], rel) - 1)


def load_part(root: Path, run: RunRecord, index: int) -> NotesTier | None:
    """One part of the notes tier saved with `run`, read alone from where the
    run's index says it is; None unless the file is the one saved with it
    and the part is where and what it should be."""
    try:
        with _tier_file(root, run) as handle:
            _, start, end = run.tier[index]
            if handle is None or not 0 <= start < end <= run.tier[-1][2]:
                return None
            handle.seek(start)
            with collector_paused(freeze=True):
                part = _Unpickler(handle).load()
            return part if handle.tell() == end and _is_part(part) else None
    except Exception:
        return None


@contextlib.contextmanager
def _tier_file(root: Path, run: RunRecord) -> Iterator[BinaryIO | None]:
    """The notes tier's file, open, if it is the one saved with `run` (its
    mtime, and the size its index says); else None."""
    folder = root / CACHE_DIR
    handle = None
    with contextlib.suppress(OSError):
        if run.tier and not folder.is_symlink():
            handle = open_regular(folder / "notes.pickle", CACHE_LIMIT)
    if handle is not None:
        found = os.fstat(handle.fileno())
        if (found.st_mtime_ns, found.st_size) != (run.saved_ns, run.tier[-1][2]) or not _stamped(handle):
            handle.close()
            handle = None
    if handle is None:
        yield None
        return
    with handle:
        yield handle


def _lookups(links: Any) -> bool:
    """Whether `links` has the shape of what `save` keeps of the link index."""
    if links is None:
        return True
    return isinstance(links, tuple) and len(links) == 2 and all(isinstance(half, dict) for half in links)


def _parts(tier: NotesTier) -> list[NotesTier]:
    """The tier in parts of PART notes by path, each with its notes' plans and
    lines (a line goes with its step's note; one whose note is not in the tier
    is dropped, as it could never be used)."""
    read, plans, lines = tier
    by_note: dict[str, dict[Any, Any]] = {}
    for key, line in lines.items():
        by_note.setdefault(key[0], {})[key] = line
    paths = sorted(read)
    parts: list[NotesTier] = []
    for start in range(0, len(paths), PART):
        chunk = paths[start : start + PART]
        part_lines = {key: line for path in chunk for key, line in by_note.get(path, {}).items()}
        parts.append(({p: read[p] for p in chunk}, {p: plans[p] for p in chunk if p in plans}, part_lines))
    return parts


SHARED_PARTS = 20  # parts: fewer (2,000 notes) are pickled faster than a fork is made


def _dump(
    count: int,
    parts: Iterable[Any],
    same: Callable[[int, Any], bytes | None] | None = None,
    ends: list[int] | None = None,
) -> Callable[[BinaryIO], None]:
    """A writer of the cache file holding the `count` `parts`: the version and
    their count, then each part pickled on its own (or, when `same` has it, the
    very bytes it was loaded from), streamed into the file; `ends` is given
    where the header and each part end. Parts that are all to be pickled, and
    many, are pickled on two cores (`write_shared`)."""
    ends = [] if ends is None else ends

    def dump(handle: BinaryIO) -> None:
        _stamp(handle)
        with collector_paused():
            pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(((FORMAT, __version__), count))
            ends.append(handle.tell())
            if same is None and isinstance(parts, list) and len(parts) >= SHARED_PARTS:
                for length in write_shared(parts, _pickled, handle):
                    ends.append(ends[-1] + length)
                return
            for index, part in enumerate(parts):
                data = same(index, part) if same is not None else None
                if data is not None:
                    handle.write(data)
                else:
                    _pickled(part, handle)
                ends.append(handle.tell())

    return dump


def _pickled(part: Any, handle: BinaryIO) -> None:
    """One part pickled on its own (the bytes `_dump`'s pickler writes for it)."""
    pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(part)


@contextlib.contextmanager
def _as_loaded(root: Path, source: TierFile | None) -> Iterator[Callable[[int, Any], bytes | None] | None]:
    """For a part that holds the very objects loaded at its place (notes that
    no run read, planned or wrote again), the bytes it was loaded from, while
    the tier's file is still the one loaded; else None. None instead of that
    when nothing was loaded, or the file is no longer the one loaded."""
    folder = root / CACHE_DIR
    handle = None
    with contextlib.suppress(OSError):
        if source is not None and not folder.is_symlink():
            handle = open_regular(folder / "notes.pickle", CACHE_LIMIT)
    if handle is None or source is None or _identity(os.fstat(handle.fileno())) != source.identity:
        if handle is not None:
            handle.close()
        yield None
        return
    loaded = source.parts

    def same(index: int, part: Any) -> bytes | None:
        if index >= len(loaded) or not _same_objects(loaded[index][0], part):
            return None
        _, start, end = loaded[index]
        data = os.pread(handle.fileno(), end - start, start)
        return data if len(data) == end - start else None

    with handle:
        yield same


def _same_objects(loaded: Any, part: Any) -> bool:
    """Whether two parts (tuples of dicts) hold the very same objects under the
    same keys. Never compared by value: a part from a crafted pickle may hold
    objects that cannot even be compared."""
    if not (isinstance(loaded, tuple) and isinstance(part, tuple) and len(loaded) == len(part)):
        return False
    for old, new in zip(loaded, part, strict=True):
        if not (isinstance(old, dict) and isinstance(new, dict) and len(old) == len(new)):
            return False
        if any(old.get(key, _MISSING) is not value for key, value in new.items()):
            return False
    return True


_MISSING = object()


def save(
    root: Path, run: RunRecord, notes: NotesTier, links: Any = None, source: TierFile | None = None
) -> None:
    """Write the cache (notes, then the run stamped with the notes tier's own
    mtime and index: see `_save`). The notes tier
    ends with `links`, the paths and aliases of the last link index with its
    suggestions for broken links (`sync.PlanMemo.links`). Its parts that are as
    they were loaded (from `source`) are copied."""
    from followup_md.write import write_own

    parts = [*_parts(notes), links]
    firsts = [next(iter(part[0]), "") for part in parts[:-1]] + [""]

    def write(ends: list[int]) -> None:
        with _as_loaded(root, source) as same:
            write_own(root, NOTES_FILE, _dump(len(parts), parts, same, ends))
        parts.clear()  # the notes' chunks go before the run is pickled

    _save(root, run, firsts, write)


def save_edited(root: Path, run: RunRecord, last: RunRecord, parts: Mapping[int, NotesTier]) -> None:
    """Save the notes tier saved with `last` with these `parts` (by index) in
    place of its own, the others' bytes copied, then `run`; nothing is saved
    when the file is no longer the one saved with `last`."""
    from followup_md.write import write_own

    def write(ends: list[int]) -> None:
        with _tier_file(root, last) as handle:
            if handle is None:
                raise OSError("the notes tier changed")
            write_own(root, NOTES_FILE, _spliced(last.tier, parts, handle, ends))

    _save(root, run, [first for first, _, _ in last.tier], write)


def _spliced(
    index: Sequence[tuple[str, int, int]], parts: Mapping[int, NotesTier], source: BinaryIO, ends: list[int]
) -> Callable[[BinaryIO], None]:
    """A writer of the notes tier indexed by `index` in `source`, with `parts`
    pickled in place of their own (`ends`: as `_dump` gives them)."""

    def dump(handle: BinaryIO) -> None:
        _stamp(handle)
        pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(((FORMAT, __version__), len(index)))
        ends.append(handle.tell())
        for number, (_, start, end) in enumerate(index):
            if number in parts:
                _pickled(parts[number], handle)
            else:
                data = os.pread(source.fileno(), end - start, start)
                if len(data) != end - start:
                    raise OSError("the notes tier is cut short")
                handle.write(data)
            ends.append(handle.tell())

    return dump


NOTES_FILE = f"{CACHE_DIR}/notes.pickle"


def _save(root: Path, run: RunRecord, firsts: list[str], notes: Callable[[list[int]], None]) -> None:
    """The cache written through the one writer: its `.gitignore`, the notes
    tier (by `notes`, which is given the list to fill with where its header
    and each part end; `firsts`: each part's first path), then the run with
    the tier's mtime and index; a failure (read-only vault, full disk, a cache
    file that is a link or a FIFO, a crafted tier's object nested too deep to
    pickle again) is not an error."""
    from followup_md.write import write_own

    ignore = f"{CACHE_DIR}/.gitignore"
    try:
        if not os.path.lexists(root / ignore):
            write_own(root, ignore, b"# followup-md's cache: safe to delete, never worth committing\n*\n")
        ends: list[int] = []
        notes(ends)
        run.saved_ns = os.lstat(root / NOTES_FILE).st_mtime_ns
        run.tier = tuple(zip(firsts, ends[:-1], ends[1:], strict=True))
        write_own(root, f"{CACHE_DIR}/run.pickle", _dump(*_run_parts(run)))
    except (OSError, WriteError, RecursionError):  # RecursionError: a crafted tier's nesting, kept
        return


def first_time(root: Path, name: str) -> bool:
    """True the first time `name` is asked for in this vault (a notice shown
    once); a marker in the cache folder, written through the one writer,
    remembers it (deleting the cache shows the notice again)."""
    from followup_md.write import write_own

    rel = f"{CACHE_DIR}/{name}.shown"
    if os.path.lexists(root / rel):
        return False
    with contextlib.suppress(OSError, WriteError):  # a read-only vault: shown again next time
        write_own(root, rel, b"")
    return True
