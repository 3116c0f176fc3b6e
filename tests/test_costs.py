"""The performance work's wins, guarded by counts (markdown-it parses, modules
loaded, read calls, objects held), never by a clock."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from followup_md import blocks, markers
from followup_md.config import Config
from followup_md.model import Exchange, Note, NoteFile, TaskSyntax, VaultSettings, stat_of
from followup_md.parse import read_note
from followup_md.rules import plan_note
from followup_md.safe_read import read_file
from followup_md.sync import plan_sync

from .conftest import REPO, TODAY, MakeVault
from .helpers import UTC_ZONE

sys.path.insert(0, str(REPO / "benchmarks"))
import make_vault as generator

# Every shape of body people commonly write, none of which needs markdown-it.
BODY = """# Jane Doe

Met at the **data** meetup; see [[Priya]] and `pipeline.py`. %% ask about the offsite %%

## Notes

- first point
    - nested point
        1. deeper
    - private:
      %%
      an aside kept out of reading view
      %%
- [ ] a task of my own 📅 2026-11-21
- [x] done

```python
print("<!-- followup-md:end -->")
```

~~~
%% not a comment in a fence
~~~

````text
```
````

> her words, quoted
>
> [!note] a callout
> more

| date | what |
|---|:---|
| 2026-11-19 | call |

<!-- a comment of mine -->

<!--
a comment over
several lines %%
-->

%%
private, hidden in Obsidian
%%

<details><summary>Raw notes</summary>
<!-- followup-md:begin (inside the HTML block: text) -->
</details>

---

![[diagram.png]]
"""


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text handed to markdown-it while the test runs."""
    seen: list[str] = []
    real = markers.markers_by_tokens

    def counting(text: str, lines: list[str], first_line: int) -> list[tuple[int, str]]:
        seen.append(text)
        return real(text, lines, first_line)

    monkeypatch.setattr(blocks, "markers_by_tokens", counting)
    return seen


def _synced(data: bytes, path: str = "n.md") -> bytes:
    plan = plan_sync([NoteFile(path, data)], None, Config(), VaultSettings(), TODAY, UTC_ZONE)
    return next(c.new for c in plan.changes if c.path == path)


def test_a_note_with_every_common_body_shape_is_read_without_markdown_it(parses: list[str]) -> None:
    data = ("---\ntype: contact\nmet: 2026-11-19\n---\n" + BODY).encode()
    synced = _synced(data)
    note = read_note("n.md", synced, Config(), TaskSyntax(), UTC_ZONE)
    assert isinstance(note, Note) and note.block is not None
    lines = synced.decode().splitlines()
    assert lines[note.block.begin].startswith(markers.BEGIN) and lines[note.block.end] == markers.END
    assert note.block.begin > len(("---\n---\n" + BODY).splitlines())  # appended after the body
    assert parses == []


def test_a_generated_vault_rarely_needs_markdown_it(parses: list[str], tmp_path: Path) -> None:
    generator.make_vault(tmp_path, 300, 1.0, seed=3)
    files = [
        NoteFile(path.relative_to(tmp_path).as_posix(), path.read_bytes()) for path in tmp_path.rglob("*.md")
    ]
    plan = plan_sync(files, None, Config(), VaultSettings(), TODAY, UTC_ZONE)
    parses.clear()
    read = [read_note(c.path, c.new, Config(), TaskSyntax(), UTC_ZONE) for c in plan.changes]
    with_blocks = [note for note in read if isinstance(note, Note) and note.block is not None]
    assert len(with_blocks) > 200
    assert len(parses) <= len(with_blocks) // 50  # bodies with an indented fence or other HTML


def test_a_note_is_recognised_by_yaml_alone_unless_it_has_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    """The `type:` line read without YAML (`recognition.type_hint`) only
    decides whether a broken note's problem is listed: a sound note never
    pays for it."""
    from followup_md import parse, recognition
    from followup_md.model import Problem

    hints: list[str] = []
    real = recognition.type_hint

    def counting(front: str, config: Config) -> str | None:
        hints.append(front)
        return real(front, config)

    monkeypatch.setattr(parse, "type_hint", counting)
    sound = ("---\ntype: contact\nmet: 2026-11-19\n---\n" + BODY).encode()
    assert isinstance(read_note("n.md", sound, Config(), TaskSyntax(), UTC_ZONE), Note)
    assert hints == []
    broken = b"---\ntype: contact\nmet: [2026-11-19\n---\n"
    problem = read_note("n.md", broken, Config(), TaskSyntax(), UTC_ZONE)
    assert isinstance(problem, Problem) and problem.line == 4  # listed: it looks ours
    assert hints == ["type: contact\nmet: [2026-11-19\n"]


def test_a_rescan_of_common_notes_never_loads_markdown_it_or_pyyaml(make_vault: MakeVault) -> None:
    """Common bodies need no CommonMark parser, `name: value` front matter no
    YAML library: neither is imported; front matter with a list loads PyYAML."""
    people = {
        f"People/Person {i}.md": f"---\ntype: contact\nmet: 2026-11-1{i}\n---\n{BODY}" for i in range(9)
    }
    root = make_vault({**people, "Notes/Book.md": "---\ntype: book\n---\n" + BODY})
    code = (
        "import sys; from followup_md.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('markdown_it' in sys.modules, 'yaml' in sys.modules)"
    )
    env = {**os.environ, "FOLLOWUP_MD_TODAY": TODAY.isoformat()}
    for said in ("updated 9 notes", "nothing to update"):  # a first sync, then a full rescan
        done = subprocess.run(
            [sys.executable, "-c", code, "sync", str(root)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        assert said in done.stdout and done.stderr == ""
        assert done.stdout.splitlines()[-1] == "False False"
        for path in (root / ".followup-md").iterdir():
            path.unlink()
    assert all(markers.BEGIN in (root / rel).read_text() for rel in people)
    (root / "People/Ann.md").write_text("---\ntype: contact\nmet: 2026-11-19\naliases: [Annie, A.]\n---\n")
    done = subprocess.run(
        [sys.executable, "-c", code, "sync", str(root)], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.splitlines()[-1] == "False True"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], list[int]]:
    """Record what each `os.read` call returns; each returns at most `most` bytes."""
    sizes: list[int] = []

    def install(most: int) -> list[int]:
        real = os.read

        def read(fd: int, size: int) -> bytes:
            data = real(fd, min(size, most))
            sizes.append(len(data))
            return data

        monkeypatch.setattr(os, "read", read)
        return sizes

    return install


def test_a_note_is_read_in_one_call(reads: Callable[[int], list[int]], tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b"x" * 5000)
    sizes = reads(1 << 30)
    assert read_file(tmp_path, "a.md") == (b"x" * 5000, stat_of((tmp_path / "a.md").stat()))
    assert sizes == [5000]


def test_a_short_read_is_read_on_to_the_end(reads: Callable[[int], list[int]], tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b"0123456789" * 100)
    sizes = reads(7)
    got = read_file(tmp_path, "a.md")
    assert got is not None and got[0] == b"0123456789" * 100
    assert sizes == [7] * 142 + [6]  # on to the size the file had when opened


def test_a_sync_after_one_edit_plans_that_note_alone(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last run's plans are kept in the cache with the notes they were made
    from: a sync after one edit plans that note and renders its Due.md lines,
    and takes the rest from the cache."""
    from click.testing import CliRunner

    from followup_md import agenda, own_files, sync
    from followup_md.cli import cli

    people = {
        f"People/Person {i}.md": f"---\ntype: contact\nmet: 2026-11-1{i}\n---\n{BODY}" for i in range(6)
    }
    root = make_vault({**people, "Notes/Book.md": "---\ntype: book\n---\n"})
    planned: list[str] = []
    lines: list[str] = []
    plan_note, agenda_line = sync._plan_note, agenda.agenda_line

    def counted_plan(note: Note, *args: object) -> object:
        planned.append(note.path)
        return plan_note(note, *args)  # type: ignore[arg-type]

    def counted_line(step: object, note: Note, *args: object) -> str:
        lines.append(note.path)
        return agenda_line(step, note, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(sync, "_plan_note", counted_plan)
    monkeypatch.setattr(agenda, "agenda_line", counted_line)  # the lines of notes served from the cache
    monkeypatch.setattr(own_files, "agenda_line", counted_line)  # those made where a note is planned

    def run() -> None:
        planned.clear()
        lines.clear()
        result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
        assert result.exit_code == 0, result.output

    run()  # writes every block: the notes written are read back, to be planned once more
    (root / "Notes/Film.md").write_text("---\ntype: film\n---\n", "utf-8")  # a new file: a run that plans
    run()
    assert sorted(planned) == sorted(people) and sorted(set(lines)) == sorted(people)
    person = root / "People/Person 3.md"
    person.write_text(person.read_text("utf-8").replace("met:", "company: Initech\nmet:"), "utf-8")
    run()
    assert planned == ["People/Person 3.md"] and set(lines) == {"People/Person 3.md"}
    assert "(Initech)" in (root / "Due.md").read_text("utf-8")
    planned.clear()
    lines.clear()
    from followup_md.watcher import Watcher

    watcher = Watcher(root, today=lambda: TODAY, echo=lambda _: None)
    watcher.start()  # from the cache, as sync starts
    watcher.sync()
    assert planned == [] and lines == []


def test_due_md_lines_are_made_where_their_notes_are_planned(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A note's Due.md lines are made beside its plan (on every core), not in a
    second round over every step once all are planned: rendering Due.md then
    only reads them back."""
    from followup_md import agenda, own_files
    from followup_md.sync import plan_sync

    made: list[str] = []
    agenda_line = agenda.agenda_line

    def counted(where: str) -> Callable[..., str]:
        def line(*args: Any) -> str:
            made.append(where)
            return agenda_line(*args)

        return line

    monkeypatch.setattr(agenda, "agenda_line", counted("after"))
    monkeypatch.setattr(own_files, "agenda_line", counted("planned"))
    files = [
        NoteFile(f"P{n}.md", f"---\ntype: contact\nmet: 2026-11-1{n}\n---\n".encode(), None) for n in range(5)
    ]
    plan = plan_sync(files, None, Config(), VaultSettings(), TODAY, UTC_ZONE)
    due = next(change.new for change in plan.changes if change.path == "Due.md").decode()
    assert made == ["planned"] * 5 and due.count("](P") + due.count("[[P") >= 5


def test_the_watcher_keeps_its_link_index_and_suggestions_while_names_stay(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit that changes no note's path or aliases reuses the link index and
    the suggestions for broken links; a new note builds a new index, which
    keeps the suggestions it cannot change and searches again for the rest."""
    from followup_md import links, sync
    from followup_md.watcher import Watcher

    log = "---\ntype: log\ndate: 2026-11-18\nwith: '[[Jane Doo]]'\ndirection: sent\n---\n"
    root = make_vault({"Jane Doe.md": "---\ntype: contact\nmet: 2026-11-17\n---\n", "Log.md": log})
    built: list[int] = []
    suggested: list[str] = []
    build, search = links.link_index, links.LinkIndex._search

    def counted_build(notes: Any) -> links.LinkIndex:
        built.append(len(notes))
        return build(notes)

    def counted_search(self: links.LinkIndex, key: str, limit: int) -> links.Suggested:
        suggested.append(key)
        return search(self, key, limit)

    monkeypatch.setattr(sync, "link_index", counted_build)
    monkeypatch.setattr(links.LinkIndex, "_search", counted_search)
    watcher = Watcher(root, today=lambda: TODAY, echo=lambda _: None, note_quiet=0.0)
    watcher.scan()
    first = watcher.sync()
    assert built == [2] and suggested == ["jane doo"]
    assert any("did you mean 'Jane Doe'" in problem.message for problem in first.problems)
    jane = root / "Jane Doe.md"
    jane.write_text(jane.read_text() + "Notes: coffee\n")
    watcher.apply_batch({"Jane Doe.md": False})
    again = watcher.sync()
    assert built == [2] and suggested == ["jane doo"] and again.problems == first.problems
    contact = "---\ntype: contact\nmet: 2026-11-19\n---\n"
    (root / "Zed Quill.md").write_text(contact)  # nothing like the broken link: kept
    watcher.apply_batch({"Zed Quill.md": False})
    kept = watcher.sync()
    assert built == [2, 3] and suggested == ["jane doo"] and kept.problems == first.problems
    (root / "Jane Dox.md").write_text(contact)  # as near as Jane Doe: searched again
    watcher.apply_batch({"Jane Dox.md": False})
    near = watcher.sync()
    assert built == [2, 3, 4] and suggested == ["jane doo", "jane doo"]
    assert any("did you mean 'Jane Dox', 'Jane Doe'" in problem.message for problem in near.problems)
    (root / "Jane Doo.md").write_text(contact)
    watcher.apply_batch({"Jane Doo.md": False})
    fixed = watcher.sync()
    assert built == [2, 3, 4, 5] and not any("Jane Doo" in problem.message for problem in fixed.problems)


def test_what_was_read_is_left_out_of_the_collectors_walks(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No collection runs while the vault is read and planned (objects by the
    million, no cycle among them), and once it is, its notes live through the
    run: the cycle collector never walks them (a recruiter's vault spent a
    quarter of a sync after one edit in full collections)."""
    import gc

    from followup_md import app
    from followup_md.cached_read import probe_vault, read_vault
    from followup_md.sync import plan_read
    from followup_md.vault import load_config, read_settings

    notes = {
        f"n{n}.md": f"---\ntype: application\ncompany: C{n}\napplied: 2026-11-18\n---\n" for n in range(300)
    }
    root = make_vault(notes)
    config = load_config(root)
    settings = read_settings(root, config)
    probe = probe_vault(root, config, settings, TODAY)
    working: list[str] = []  # the stage running now
    collections: list[str] = []

    def staged(name: str, work: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            working.append(name)
            try:
                return work(*args, **kwargs)
            finally:
                working.pop()

        return run

    monkeypatch.setattr(app, "read_vault", staged("read", read_vault))
    monkeypatch.setattr(app, "plan_read", staged("plan", plan_read))
    thresholds = gc.get_threshold()
    gc.callbacks.append(lambda phase, _: collections.extend(working) if phase == "start" else None)
    gc.set_threshold(10, 1, 1)  # a collection after every few objects made, while the collector runs
    try:
        planned = app.plan_vault(root, config, settings, probe)
        assert collections == []
        note = planned.read["n1.md"].result
        walked = {id(found) for generation in range(3) for found in gc.get_objects(generation)}
        assert isinstance(note, Note) and id(note) not in walked and id(note.facts) not in walked
    finally:
        gc.callbacks.pop()
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def test_a_sync_records_its_run_without_the_plan_or_the_notes_it_replaced(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Peak memory: when the notes just written are read back for the cache,
    the plan (every note's old and new bytes, Due.md's) is gone, and so are
    the notes as they were before the write; Due.md's bytes are not kept for
    the record either."""
    import gc

    from click.testing import CliRunner

    from followup_md import cached_read
    from followup_md.cli import cli
    from followup_md.sync import SyncPlan

    people = {
        f"People/Person {i}.md": f"---\ntype: contact\nmet: 2026-11-1{i}\n---\n{BODY}" for i in range(6)
    }
    root = make_vault(people)
    held: list[tuple[list[str], int, int]] = []
    read_written = cached_read._read_written

    def checked(now: Any, written: Any, *args: Any) -> list[Any]:
        gc.collect()
        alive = gc.get_objects()
        old = sum(1 for o in alive if isinstance(o, Note) and o.path in now)
        held.append((sorted(written), sum(1 for o in alive if isinstance(o, SyncPlan)), old))
        return read_written(now, written, *args)

    monkeypatch.setattr(cached_read, "_read_written", checked)
    monkeypatch.setattr(gc, "freeze", lambda: None)  # what was read stays where gc.get_objects looks
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert held == [(sorted(people), 0, 0)]  # every note written and read back; Due.md not among them


def test_due_md_is_encoded_without_its_whole_text_held_as_a_str() -> None:
    """Peak memory: Due.md (megabytes at 100,000 notes) is encoded piece by
    piece. One wide character (the summary's dash) would make its whole text
    two bytes a character, held beside the bytes: the bytes grow in one
    buffer from the lines, and take little more than their own size."""
    import tracemalloc

    from followup_md.own_files import own_change

    inner = ["8 overdue — as of 2026-11-20", *(f"- line {i} " + "x" * 500 for i in range(2000))]
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        [change] = own_change("Due.md", None, None, None, inner)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert (
        change.new.startswith(b"<!-- followup-md:begin") and b"\n8 overdue \xe2\x80\x94 as of" in change.new
    )
    # the bytes, grown in place (with their pieces held too: 2.2×; and the text: 5×)
    assert peak < 1.5 * len(change.new)


def test_files_not_ours_come_back_from_the_read_as_nothing(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Peak memory: a file that is not ours, read as the walk found it (most
    of a vault), comes back from the read (pickled, from a child) as None, not
    as its stat a second time."""
    from click.testing import CliRunner

    from followup_md import parallel
    from followup_md.cli import cli

    people = {f"People/Person {i}.md": f"---\ntype: contact\nmet: 2026-11-1{i}\n---\n" for i in range(3)}
    books = {f"Books/Book {i}.md": f"---\ntype: book\n---\n{BODY}" for i in range(5)}
    root = make_vault({**people, **books})
    calls: list[dict[str, object]] = []
    fork_map = parallel.fork_map

    def recorded(func: Any, items: Any, *args: Any, **kwargs: Any) -> list[Any]:
        results = fork_map(func, items, *args, **kwargs)
        if func.__name__ == "read_one":  # not the walk's stat calls
            calls.append(dict(zip(items, results, strict=True)))
        return results

    monkeypatch.setattr(parallel, "fork_map", recorded)
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    [read] = calls  # every file read
    assert sorted(read) == sorted([*people, *books])
    assert [rel for rel, found in read.items() if found is not None] == sorted(people)


def test_a_sync_writes_with_a_memo_of_only_what_the_cache_will_keep(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Peak memory: while a sync writes, the plan memo holds no link index
    (nor its runs for suggestions) and no plan or Due.md line of a note being
    written, only what the cache will keep: the plans of the notes left as they are."""
    import gc

    from click.testing import CliRunner

    from followup_md import app
    from followup_md.cli import cli
    from followup_md.sync import PlanMemo

    log = "---\ntype: log\ndate: 2026-11-18\nwith: '[[Person 7]]'\ndirection: sent\n---\n"
    people = {f"People/Person {i}.md": f"---\ntype: contact\nmet: 2026-11-1{i}\n---\n" for i in range(4)}
    root = make_vault({**people, "Log.md": log})
    memos: list[tuple[object, list[str], list[str]]] = []
    apply_plan = app.apply_plan

    def checked(root: Any, plan: Any, *args: Any) -> Any:
        gc.collect()
        for memo in (o for o in gc.get_objects() if isinstance(o, PlanMemo)):
            lines = sorted({known[0].path for known in memo.lines.values()})
            memos.append((memo.index, sorted(memo.notes), lines))
        return apply_plan(root, plan, *args)

    def run() -> None:
        memos.clear()
        result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
        assert result.exit_code == 0, result.output

    monkeypatch.setattr(app, "apply_plan", checked)
    monkeypatch.setattr(gc, "freeze", lambda: None)  # every memo stays where gc.get_objects looks
    run()  # every note gets its block; the log note has none to get
    assert memos == [(None, ["Log.md"], [])]
    (root / "People/Person 9.md").write_text("---\ntype: contact\nmet: 2026-11-19\n---\n", "utf-8")
    run()  # the new note alone is written; the others' plans and lines are kept
    assert memos == [(None, sorted([*people, "Log.md"]), sorted(people))]


def test_the_notes_tier_is_loaded_without_the_run_record(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Peak memory: the last run's record (a stat for every file of the vault)
    has served once the files it trusts are known, and is let go before the
    notes tier is loaded."""
    import gc

    from click.testing import CliRunner

    from followup_md import cached_read
    from followup_md.cache import RunRecord, load_notes
    from followup_md.cli import cli

    people = {f"People/Person {i}.md": f"---\ntype: contact\nmet: 2026-11-1{i}\n---\n" for i in range(4)}
    root = make_vault({**people, "Notes/Book.md": "---\ntype: book\n---\n"})
    records: list[int] = []

    def checked(root: Path) -> Any:
        gc.collect()
        records.append(sum(1 for o in gc.get_objects() if isinstance(o, RunRecord)))
        return load_notes(root)

    assert CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()]).exit_code == 0
    monkeypatch.setattr(cached_read, "load_notes", checked)
    monkeypatch.setattr(gc, "freeze", lambda: None)  # the record stays where gc.get_objects looks
    result = CliRunner().invoke(cli, ["due", str(root), "--json", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert records == [0]  # loaded, with no run record alive


def _due_md(inner: list[str]) -> bytes:
    from followup_md.own_files import own_change

    [change] = own_change("Due.md", None, None, None, inner)
    return b"My own line\n\n" + change.new + b"\nMine too\n"


def test_an_unchanged_due_md_is_compared_without_its_new_bytes_made() -> None:
    """Peak memory: an unchanged Due.md (megabytes at 100,000 notes) is
    compared piece by piece as it is encoded; a changed one is made whole."""
    import tracemalloc

    from followup_md.own_files import own_change, read_own

    inner = ["8 overdue — as of 2026-11-20", *(f"- line {i} " + "x" * 500 for i in range(2000))]
    data = _due_md(inner)
    lines, block, _ = read_own(NoteFile("Due.md", data, (1, len(data))), "Due.md")
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        same = own_change("Due.md", NoteFile("Due.md", data, (1, len(data))), lines, block, inner)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert same == [] and peak < 0.1 * len(data)
    [changed] = own_change("Due.md", NoteFile("Due.md", data, (1, len(data))), lines, block, inner[:-1])
    assert changed.new == _due_md(inner[:-1])


def test_due_md_is_planned_without_the_lines_inside_its_block() -> None:
    """Peak memory: once Due.md's ticks are read, the lines between its markers
    (megabytes at 100,000 notes) are let go; the user's lines around the block
    and the markers are all its new text is spliced from."""
    from followup_md.own_files import outside_block, own_change, read_own

    inner = ["8 overdue — as of 2026-11-20", *(f"- line {i}" for i in range(50))]
    data = _due_md(inner)
    file = NoteFile("Due.md", data, (1, len(data)))
    whole = read_own(file, "Due.md")
    lines, block, problem = outside_block(whole)
    assert whole[0] is not None
    assert lines == ["My own line\n", "\n", whole[0][2], "<!-- followup-md:end -->\n", "\n", "Mine too\n"]
    assert block is not None and (block.begin, block.end) == (2, 3) and problem is None
    new = ["Nothing to follow up"]
    assert own_change("Due.md", file, lines, block, new) == own_change("Due.md", file, *whole[:2], new)


def test_a_sync_records_its_run_without_due_md_as_read(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Peak memory: Due.md's bytes as read (megabytes at 100,000 notes) are
    let go before the run is recorded: only their stat is."""
    import gc

    from click.testing import CliRunner

    from followup_md import cached_read
    from followup_md.cli import cli

    root = make_vault(
        {f"People/Person {i}.md": f"---\ntype: contact\nmet: 2026-11-1{i}\n---\n" for i in range(3)}
    )
    held: list[int] = []
    read_written = cached_read._read_written

    def checked(now: Any, written: Any, *args: Any) -> list[Any]:
        gc.collect()
        held.append(sum(1 for o in gc.get_objects() if isinstance(o, NoteFile) and o.path == "Due.md"))
        return read_written(now, written, *args)

    def run() -> None:
        result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
        assert result.exit_code == 0, result.output

    run()
    monkeypatch.setattr(cached_read, "_read_written", checked)
    (root / "People/Person 9.md").write_text("---\ntype: contact\nmet: 2026-11-19\n---\n", "utf-8")
    run()  # Due.md, read and rewritten
    assert held == [0]


def test_the_runs_for_suggestions_take_a_pointer_a_name() -> None:
    """Peak memory: the three-letter runs that suggestions search (120,000 of
    them for 10,000 names) list their names in tuples, not sets (40 bytes
    or more a name)."""
    from followup_md.links import LinkIndex

    index = LinkIndex([f"People/Person {i}.md" for i in range(2000)])
    assert index.suggest("Person 1999 (gone)") == [
        "People/Person 1999.md",
        "People/Person 999.md",
        "People/Person 199.md",
    ]
    postings = index._by_gram().values()
    held = sum(len(names) for names in postings)
    assert held > 20_000 and sum(sys.getsizeof(names) for names in postings) < 12 * held


def test_lines_already_in_step_are_kept_without_splitting_their_fields(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rescan of notes whose blocks say what their steps say splits no task
    line into its fields (`render._merged`); a line the user changed is merged."""
    from click.testing import CliRunner

    from followup_md import render
    from followup_md.cli import cli
    from followup_md.layout import CACHE_DIR

    root = make_vault(
        {f"People/Person {i}.md": f"---\ntype: contact\nmet: 2026-11-1{i}\n---\n" for i in range(4)}
    )
    splits: list[str] = []
    split_fields = render.split_fields

    def counted(body: str) -> tuple[str, list[tuple[str, str]]]:
        splits.append(body)
        return split_fields(body)

    monkeypatch.setattr(render, "split_fields", counted)

    def rescan() -> None:
        shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
        result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
        assert result.exit_code == 0, result.output

    rescan()  # writes every block
    splits.clear()
    rescan()
    assert splits == []
    note = root / "People/Person 2.md"
    note.write_text(note.read_text("utf-8").replace(" #followup", " #followup ⏫", 1), "utf-8")
    rescan()
    assert len(splits) == 1 and "⏫" in note.read_text("utf-8")


def test_what_notes_repeat_is_held_once(make_vault: MakeVault) -> None:
    """The settings that shaped a note, where each key was written and every
    date are one object for all the notes that repeat them: as parsed, and as
    the notes tier loads (a 100,000-note vault holds them tens of thousands of
    times over)."""
    from click.testing import CliRunner

    from followup_md.cache import load_notes
    from followup_md.cli import cli

    people = {
        f"People/P{i:03}.md": f"---\ntype: contact\nmet: 2026-11-1{i % 2}\ncompany: C{i}\n---\n"
        for i in range(250)
    }
    config = Config()
    syntax = TaskSyntax()
    first, second = (read_note(rel, people[rel].encode(), config, syntax) for rel in sorted(people)[:2])
    assert isinstance(first, Note) and isinstance(second, Note)
    assert first.uses is second.uses
    assert all(first.sources[key] is second.sources[key] for key in ("type", "company"))
    third = read_note("People/P002.md", people["People/P002.md"].encode(), config, syntax)
    assert isinstance(third, Note) and third.facts["met"] is first.facts["met"]  # a day: one object
    mine, theirs = (plan_note(note, Exchange(), config, TODAY)[0][0] for note in (first, third))
    assert mine.due == theirs.due and mine.due is theirs.due  # and a step's day, however computed
    root = make_vault(people)
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    tier = load_notes(root)
    assert tier is not None
    notes = [entry.result for entry in tier[0][0].values()]
    assert len({id(note.facts["met"]) for note in notes}) == 2  # two days, from three parts
    assert len({id(note.uses) for note in notes}) <= 3  # one a part at most
