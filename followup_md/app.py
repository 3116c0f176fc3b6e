"""The pipeline every command shares: read (through the cache) → plan (pure) →
apply → record. Commands differ only in what they do with the plan.

Two rules hold here for every caller:

* The cache decides what to read, never what to write: a note served from the
  cache whose text would change is read again from the disk and planned from
  those bytes (the writer checks them once more just before its replace).
* A tick in Due.md is consumed only once it is in its note: Due.md is written
  after the notes, and not at all while a note that takes one of its ticks is
  deferred (the watcher) or could not be written; the line of a tick whose
  note's block does not hold its step yet (no block, or a write of it deferred
  or failed) stays ticked (`SyncPlan.held`), and a run that writes such a note
  is not recorded as clean: a second pass takes the tick (`sync`, `watch`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from followup_md.cached_read import Probe, read_from_disk, read_vault
from followup_md.config import Config
from followup_md.errors import WriteError
from followup_md.model import R, ReadFile, T, VaultSettings
from followup_md.parallel import collector_paused, fork_map
from followup_md.sync import PlanMemo, SyncPlan, plan_read
from followup_md.write import apply_changes

PLAN_SHARE = 100  # notes or lines: fewer a core than this are done faster than a fork is made


@dataclass
class Planned:
    """One run's reading and its plan."""

    probe: Probe
    read: dict[str, ReadFile]
    plan: SyncPlan


def plan_vault(
    root: Path,
    config: Config,
    settings: VaultSettings,
    probe: Probe,
    reader: Callable[[Probe], dict[str, ReadFile]] | None = None,
    as_written: bool = True,
) -> Planned:
    """Read the vault through the cache (`reader`: read_vault with a progress
    bar) and plan as of the probe's day; notes whose text would change are
    planned from what is on disk now. Reading and planning make objects by the
    million and no cycle among them (a recruiter's full rescan leaves none to
    collect), so the cycle collector is off meanwhile, in the forked children
    too: it walked the growing heap again and again, a tenth of the parent's
    time. What they leave lives as long as the run (the notes, the plan, the
    cache): it is then frozen out of the collector's walks (`gc.freeze`; it is
    still freed when no longer referenced). `as_written`: see `plan_read`."""
    with collector_paused(freeze=True):
        read = reader(probe) if reader is not None else read_vault(root, config, settings, probe)
        try:
            planned = Planned(probe, read, _plan(read, probe, config, settings, as_written))
        except Exception:
            if not probe.cached:
                raise  # a bug: nothing the cache served
            # What a crafted or damaged notes tier served (its objects of the
            # allowed types, their fields of any) made the plan fail: the
            # cache only ever saves time, so every note it served is read
            # again, and its plans and lines go with it (none is copied).
            probe.memo, probe.tier_file = PlanMemo(), None
            return read_again(root, config, settings, probe, read, sorted(probe.cached), as_written)
        owed = [change.path for change in planned.plan.changes if change.path in probe.cached]
        return read_again(root, config, settings, probe, read, owed, as_written) if owed else planned


def read_again(
    root: Path,
    config: Config,
    settings: VaultSettings,
    probe: Probe,
    read: dict[str, ReadFile],
    paths: Collection[str],
    as_written: bool = True,
) -> Planned:
    """Read `paths` again from the disk (just written, or about to be) into
    `read` and `probe`, and plan anew."""
    for rel in paths:
        if not read_from_disk(root, rel, config, settings, probe, read):
            probe.stats.pop(rel, None)
    return Planned(probe, read, _plan(read, probe, config, settings, as_written))


def _plan(
    read: dict[str, ReadFile], probe: Probe, config: Config, settings: VaultSettings, as_written: bool = True
) -> SyncPlan:
    """The plan as of the probe's day, with our own files as the probe found them."""
    return plan_read(
        read,
        probe.due,
        config,
        settings,
        probe.today,
        probe.memo,
        ics=probe.ics,
        stats_md=probe.stats_md,
        paths=probe.stats,
        mapper=_on_every_core,
        moved=probe.moved,
        as_written=as_written,
    )


def _on_every_core(
    func: Callable[[T], R], items: Sequence[T], /, meanwhile: Callable[[], object] | None = None
) -> list[R]:
    """The per-note work of planning (each note's plan and Due.md lines; a
    Due.md line the memo holds no more), shared among the machine's cores."""
    return fork_map(func, items, min_share=PLAN_SHARE, meanwhile=meanwhile)


@dataclass
class Applied:
    """What a plan's writes did."""

    written: dict[str, bytes]
    skipped: list[WriteError]
    held: list[str]  # planned, not written: deferred notes, and Due.md while one of its ticks waits


def apply_plan(
    root: Path, plan: SyncPlan, due_file: str, defer: Collection[str] = (), grace: bool = True
) -> Applied:
    """Write the plan's changes but `defer`, the notes first and Due.md last."""
    first = [c for c in plan.changes if c.path != due_file and c.path not in defer]
    skipped = apply_changes(root, first, grace)
    failed = {error.path for error in skipped}
    written = {c.path: c.new for c in first if c.path not in failed}
    held = [c.path for c in plan.changes if c.path in defer]
    waiting_ticks = (plan.ticked - written.keys()) & {c.path for c in plan.changes}
    for change in plan.changes:
        if change.path != due_file:
            continue
        if waiting_ticks:
            held.append(due_file)
            continue
        errors = apply_changes(root, [change], grace)
        skipped += errors
        if not errors:
            written[due_file] = change.new
    return Applied(written, skipped, held)
