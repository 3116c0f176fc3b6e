"""The cache under `.followup-md/`: it only ever saves time.

Two tiers, each a pickle written atomically:

* `run.pickle`, small and read on every run: what the inputs looked like after
  the last run (every note's `(mtime_ns, size)`, Due.md's, a fingerprint of
  the config, the Obsidian settings we read, today and the time zone) and what
  that run printed. When nothing differs, nothing can: a sync has nothing to
  do and says what it said last time, without reading a note.
* `notes.pickle`: what each of our notes (and each problem) was read as, so a
  run re-reads only the files whose stat changed.

Both are versioned and thrown away silently when stale, unreadable or from
another version; deleting the folder changes no output. A file modified within
a second of the save is never trusted to its stat (its next change could keep
the same mtime and size). The folder carries its own `.gitignore`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from followup_md import __version__, model
from followup_md.config import Config
from followup_md.errors import WriteError
from followup_md.layout import CACHE_DIR, LEFTOVER, SETTINGS_FILES
from followup_md.model import NoteFile, Problem, ReadFile, Stat, VaultSettings
from followup_md.safe_read import open_regular, read_file, read_inside
from followup_md.schema import KEY_KINDS
from followup_md.vault import walk_notes

CACHE_LIMIT = 1 << 30  # bytes: a pickle larger than this is not ours

# Bumped when the same bytes are read into different facts (2: company, role
# and name hold a link's display text), which the types' fields cannot show.
READING = 2


def _layout() -> str:
    """The shape of every type the cache stores (each field's name): a pickle
    made by code with other fields is never unpickled into this code's types,
    even when the version number did not change."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(f"reading {READING}".encode())
    for name in sorted(n for m, n in _Unpickler.ALLOWED if m == "followup_md.model"):
        digest.update(f"{name}({','.join(f.name for f in fields(getattr(model, name)))})".encode())
    digest.update(f"RunRecord({','.join(f.name for f in fields(RunRecord))})".encode())
    return digest.hexdigest()


def fingerprint(root: Path) -> str:
    """Everything besides the notes and the date that reading a note depends on."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{FORMAT} {__version__} {time.tzname} {time.timezone}".encode())
    digest.update(repr(sorted(KEY_KINDS.items())).encode())  # the facts a note is read into
    for name in SETTINGS_FILES:
        data = read_inside(root, name)
        digest.update(name.encode() + b"\0" + (data if data is not None else b"-") + b"\0")
    return digest.hexdigest()


@dataclass
class RunRecord:
    """The inputs and outputs of the last complete sync. `saved_ns` is the mtime
    of the notes tier as written, on the vault's own file system: a note whose
    mtime is not older than that may have changed again within the same tick
    (git's "racily clean" rule), so its stat is not trusted."""

    key: str
    today: date
    stats: dict[str, Stat]
    own: tuple[Stat | None, ...]  # Due.md's, the calendar's and Stats.md's, as we left them
    saved_ns: int
    stdout: str = ""
    stderr: list[str] = field(default_factory=list)

    def unchanged(
        self, key: str, today: date, stats: Mapping[str, Stat], own: tuple[Stat | None, ...]
    ) -> bool:
        """True when this run would see exactly what the last one left."""
        if (key, today, own) != (self.key, self.today, self.own) or stats != self.stats:
            return False
        return all(mtime < self.saved_ns for mtime, _ in stats.values())

    def trusted(self, rel: str, stat: Stat) -> bool:
        """Whether a cached result for `rel` still holds for a file with `stat`."""
        return self.stats.get(rel) == stat and stat[0] < self.saved_ns


class _Unpickler(pickle.Unpickler):
    """Builds only our own data types: the cache lives in the vault, which may be
    shared or synced, so a pickle found there must never run code."""

    ALLOWED = frozenset(
        {
            ("datetime", "date"),
            ("followup_md.cache", "RunRecord"),
            *(
                ("followup_md.model", name)
                for name in ("Block", "Link", "Moment", "Note", "NoteFile", "Problem", "ReadFile", "TaskLine")
            ),
        }
    )

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
        return super().find_class(module, name)


FORMAT = _layout()


def _load(root: Path, name: str) -> Any:
    """A cache file's value: None if it is missing, not a regular file inside
    the vault's own cache folder, unreadable or stale."""
    folder = root / CACHE_DIR
    try:
        if folder.is_symlink():
            return None
        handle = open_regular(folder / name, CACHE_LIMIT)
        if handle is None:
            return None
        with handle:
            version, value = _Unpickler(handle).load()
    except Exception:
        return None
    return value if version == (FORMAT, __version__) else None


def load_run(root: Path) -> RunRecord | None:
    value = _load(root, "run.pickle")
    return value if isinstance(value, RunRecord) else None


def load_notes(root: Path) -> dict[str, Any]:
    value = _load(root, "notes.pickle")
    return value if isinstance(value, dict) else {}


def _dump(value: Any) -> bytes:
    return pickle.dumps(((FORMAT, __version__), value), protocol=pickle.HIGHEST_PROTOCOL)


def save(root: Path, run: RunRecord, notes: Mapping[str, Any]) -> None:
    """Write the cache (notes, then the run stamped with the notes tier's own
    mtime) through the one writer; a failure (read-only vault, full disk, a
    cache file that is a link or a FIFO) is not an error."""
    from followup_md.write import write_own

    ignore = f"{CACHE_DIR}/.gitignore"
    try:
        if not os.path.lexists(root / ignore):
            write_own(root, ignore, b"# followup-md's cache: safe to delete, never worth committing\n*\n")
        write_own(root, f"{CACHE_DIR}/notes.pickle", _dump(dict(notes)))
        run.saved_ns = os.lstat(root / CACHE_DIR / "notes.pickle").st_mtime_ns
        write_own(root, f"{CACHE_DIR}/run.pickle", _dump(run))
    except (OSError, WriteError):
        return


def stat_now(path: Path) -> Stat | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_mtime_ns, found.st_size)


@dataclass
class Probe:
    """A stat-only look at the vault: enough to tell that nothing changed."""

    key: str
    today: date
    stats: dict[str, Stat]
    due: NoteFile | None
    run: RunRecord | None
    odd: list[tuple[str, str]] = field(default_factory=list)
    ics: NoteFile | None = None
    stats_md: NoteFile | None = None
    cached: set[str] = field(default_factory=set)  # served from the notes tier, not read this run

    @property
    def leftovers(self) -> list[str]:
        return [rel for rel, why in self.odd if why == LEFTOVER]

    @property
    def unchanged(self) -> bool:
        own = tuple(file.stat if file else None for file in (self.due, self.ics, self.stats_md))
        return self.run is not None and self.run.unchanged(self.key, self.today, self.stats, own)


def probe_vault(root: Path, config: Config, settings: VaultSettings, today: date) -> Probe:
    key = fingerprint(root)
    odd: list[tuple[str, str]] = []
    stats = dict(walk_notes(root, config, settings, odd=odd))
    due = read_own(root, config.due_file)
    ics = read_own(root, config.ics_file) if config.ics_file else None
    stats_md = read_own(root, config.stats_file) if config.stats_file else None
    run = load_run(root)
    run = run if run is not None and run.key == key else None
    return Probe(key, today, stats, due, run, odd, ics, stats_md)


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
    from the notes tier where the stat is trusted, from the disk otherwise.
    Files that could not be read are dropped from `probe.stats`, so the next run
    tries them again, and the probe lets go of the last run's record."""
    run = probe.run
    entries = load_notes(root) if run is not None else {}
    read: dict[str, ReadFile] = {}
    missed: set[str] = set()
    for count, rel in enumerate(sorted(probe.stats), 1):
        if progress is not None and count % 500 == 0:
            progress(500)
        stat = probe.stats[rel]
        entry = entries.get(rel)
        if run is not None and run.trusted(rel, stat):
            if entry is not None:
                read[rel] = entry
                probe.cached.add(rel)
            continue
        if not read_from_disk(root, rel, config, settings, probe, read):
            missed.add(rel)
    for rel in missed:
        del probe.stats[rel]
    for rel, why in probe.odd:
        if why != LEFTOVER:
            read[rel] = ReadFile(NoteFile(rel, b"", None), Problem(rel, 0, why))
    probe.run = None  # its stat map has served; do not hold two of them
    return read


def read_from_disk(
    root: Path, rel: str, config: Config, settings: VaultSettings, probe: Probe, read: dict[str, ReadFile]
) -> bool:
    """Read one note from the disk into `read` (left out when it is not ours),
    and note its stat in `probe`; False when it could not be read (gone, or an
    error: then its problem is in `read`), so the next run tries it again."""
    from followup_md.parse import read_entry  # the parser stays unloaded on a no-op run

    probe.cached.discard(rel)
    try:
        got = read_file(root, rel)
    except OSError as error:
        read[rel] = ReadFile(NoteFile(rel, b"", None), Problem(rel, 0, f"cannot be read: {error.strerror}"))
        return False
    if got is None:
        read.pop(rel, None)
        return False
    entry = read_entry(NoteFile(rel, *got), config, settings.syntax)
    if entry.result is not None:
        read[rel] = entry
    else:
        read.pop(rel, None)
    if got[1] != probe.stats.get(rel):
        probe.stats[rel] = got[1]  # it changed since the walk: remember what was read
    return True


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
    100,000 notes should not be held twice)."""
    from followup_md.parse import read_entry  # the parser stays unloaded on a no-op run

    stats = probe.stats
    for rel, entry in list(read.items()):
        if entry.file.stat is not None:
            stats[rel] = entry.file.stat
        else:
            del read[rel]  # unreadable: tried again next time
    for rel, data in written.items():
        if rel in config.own_files:
            continue
        stat = stat_now(root / rel)
        if stat is None:
            stats.pop(rel, None)
            read.pop(rel, None)
            continue
        stats[rel] = stat
        read[rel] = read_entry(NoteFile(rel, data, stat), config, settings.syntax)
    stdout, stderr = output
    own = tuple(
        stat_now(root / rel) if rel else None for rel in (config.due_file, config.ics_file, config.stats_file)
    )
    save(root, RunRecord(probe.key, probe.today, stats, own, 0, stdout, stderr), read)


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
