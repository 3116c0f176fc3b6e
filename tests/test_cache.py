"""The cache only saves time: it is rebuilt silently and never changes output."""

from __future__ import annotations

import contextlib
import copyreg
import os
import pickle
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from followup_md import __version__
from followup_md.cache import RunRecord, load_run
from followup_md.cached_read import replay_edits  # as it is, whatever a test puts in its place
from followup_md.cli import cli

from .conftest import MakeVault

APPLICATION = "---\ntype: application\ncompany: Acme\napplied: 2026-11-18\n---\n"
FILES: dict[str, str | bytes] = {
    "Acme.md": APPLICATION,
    "Met.md": "---\ntype: contact\nmet: 2026-11-19\n---\n",
    "Bad.md": "---\ntype: contact\nmet: 2026-13-45\n---\n",
    "book.md": "---\ntype: book\n---\n",
}


def sync(root: Path, *args: str) -> tuple[str, str]:
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", "2026-11-20", *args])
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def age(root: Path) -> None:
    for path in root.rglob("*.md"):
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns - 10**10, info.st_mtime_ns - 10**10))


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".followup-md" not in p.parts
    }


def test_the_cache_ignores_itself_in_git(make_vault: MakeVault) -> None:
    root = make_vault(FILES)
    sync(root)
    assert (root / ".followup-md" / ".gitignore").read_text().endswith("*\n")


def test_a_no_op_sync_says_the_same_without_reading_notes(make_vault: MakeVault) -> None:
    root = make_vault(FILES)
    first_out, first_err = sync(root)
    age(root)  # older than the cache: within the same clock tick, a stat proves nothing
    sync(root)
    out, err = sync(root)
    assert out == first_out.replace("updated 2 notes", "nothing to update")
    assert err == first_err
    code = (
        "import sys; from followup_md.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "parser = ('yaml', 'markdown_it', 'followup_md.parse', 'followup_md.facts', 'followup_md.recognition',\n"
        "    'followup_md.cli_notes', 'followup_md.cli_create', 'followup_md.cli_mail', 'followup_md.cli_reports',\n"
        "    'followup_md.catalogue', 'followup_md.placeholders', 'followup_md.sync', 'followup_md.rules',\n"
        "    'hashlib', 'zoneinfo', 'tomllib')  # the last three: for a vault without a config file\n"
        "print(sorted(m for m in sys.modules if m in parser))"
    )
    env = {**os.environ, "FOLLOWUP_MD_TODAY": "2026-11-20"}
    done = subprocess.run(
        [sys.executable, "-c", code, "sync", str(root)], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.splitlines()[-1] == "[]"


def test_deleting_or_damaging_the_cache_changes_no_output(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault(FILES)
    sync(root)
    (root / "Acme.md").write_text((root / "Acme.md").read_text().replace("- [ ]", "- [x]"))
    cached = tmp_path / "cached"
    shutil.copytree(root, cached)
    sync(cached)
    shutil.rmtree(root / ".followup-md")
    sync(root)
    assert snapshot(root) == snapshot(cached)
    for name in ("run.pickle", "notes.pickle"):
        (cached / ".followup-md" / name).write_bytes(b"not a pickle")
    out, _ = sync(cached)
    assert snapshot(root) == snapshot(cached)
    assert "nothing to update" in out
    assert load_run(cached) is not None  # rebuilt


def test_a_changed_config_or_day_is_not_a_no_op(make_vault: MakeVault) -> None:
    root = make_vault(FILES)
    sync(root)
    (root / "followup-md.toml").write_text("[rules]\nconfirm_due = 9\n")
    sync(root)
    assert "📅 2026-11-27 ^fu-confirm" in (root / "Acme.md").read_text()
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", "2026-11-21"])
    assert "as of 2026-11-21" in (root / "Due.md").read_text()
    assert result.exit_code == 0


def test_an_edited_note_is_read_again(make_vault: MakeVault) -> None:
    root = make_vault(FILES)
    sync(root)
    (root / "Met.md").write_text("---\ntype: contact\nmet: 2026-11-19\ncompany: Initech\n---\n")
    sync(root)
    assert "(Initech)" in (root / "Due.md").read_text()
    (root / "Met.md").unlink()
    sync(root)
    assert "Met" not in (root / "Due.md").read_text()


def test_a_note_as_new_as_the_cache_is_not_trusted_to_its_stat() -> None:
    run = RunRecord(b"k", date(2026, 11, 20), {"a.md": (100, 5)}, (None, None), saved_ns=200)
    assert run.trusted({"a.md": (100, 5), "b.md": (100, 5)}) == {"a.md"}
    assert not run.trusted({"a.md": (101, 5)})
    fresh = RunRecord(b"k", date(2026, 11, 20), {"a.md": (200, 5)}, (None, None), saved_ns=200)
    assert not fresh.trusted({"a.md": (200, 5)})
    assert not fresh.unchanged(b"k", date(2026, 11, 20), {"a.md": (200, 5)}, (None, None))
    assert run.unchanged(b"k", date(2026, 11, 20), {"a.md": (100, 5)}, (None, None))
    assert not run.unchanged(b"k", date(2026, 11, 21), {"a.md": (100, 5)}, (None, None))


def test_check_and_dry_run_write_no_cache(make_vault: MakeVault) -> None:
    root = make_vault(FILES)
    result = CliRunner().invoke(cli, ["sync", str(root), "--check"])
    assert result.exit_code == 1
    CliRunner().invoke(cli, ["sync", str(root), "--dry-run"])
    assert not (root / ".followup-md").exists()


def test_a_hostile_pickle_in_the_cache_runs_nothing(make_vault: MakeVault, tmp_path: Path) -> None:
    import pickle

    root = make_vault(FILES)
    sync(root)
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    for name in ("run.pickle", "notes.pickle"):
        (root / ".followup-md" / name).write_bytes(pickle.dumps(((1, "x"), Exploit())))
    out, _ = sync(root)
    assert not marker.exists()
    assert "nothing to update" in out


def test_the_cache_format_follows_the_fields_of_the_types_it_stores(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Note or RunRecord that gains a field (a new release, a branch) makes
    older pickles unreadable as such: they are rebuilt, never half-loaded."""
    from dataclasses import dataclass

    from followup_md import cache

    assert cache._layout() == cache.FORMAT

    @dataclass
    class RunRecord(cache.RunRecord):
        extra: int = 0

    monkeypatch.setattr(cache, "RunRecord", RunRecord)
    assert cache._layout() != cache.FORMAT


def test_a_new_front_matter_key_reads_every_note_again(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log note cached before `message_id` was a key would hide the id `mail`
    needs to record a message once: the key table is part of the cache's key."""
    from followup_md import cache, schema

    root = make_vault(FILES)
    before = cache.fingerprint(root)
    monkeypatch.setattr(cache, "KEY_KINDS", {**schema.KEY_KINDS, "new_key": "text"})
    assert cache.fingerprint(root) != before


def test_a_cache_made_by_other_code_is_not_trusted(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plans the cache keeps hold the texts and rules of the code that made
    them: a `git pull` of an editable install (new wording, the version number
    the same) said "nothing to update" and kept the old texts while the vault
    did not change. The package's files are part of the record's key."""
    from followup_md import cache, catalogue

    root = make_vault({"Acme.md": APPLICATION})
    sync(root)
    age(root)
    sync(root)  # recorded as aged: the next run is a no-op
    entry = catalogue.CATALOGUE["confirm"]
    monkeypatch.setitem(catalogue.CATALOGUE, "confirm", replace(entry, action=("Write to {who_at}",)))
    sync(root)
    assert (
        "Write to the hiring team at Acme" not in (root / "Due.md").read_text()
    )  # the code's files are the same
    monkeypatch.setattr(cache, "_code", lambda: b"files of another version")
    sync(root)
    assert "Write to the hiring team at Acme" in (root / "Due.md").read_text()


def test_the_code_in_the_cache_key_is_each_source_file_as_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from followup_md import cache

    (tmp_path / "rules.py").write_text("A = 1\n")
    (tmp_path / "notes.txt").write_text("not code\n")
    monkeypatch.setattr(cache, "__file__", str(tmp_path / "cache.py"))
    cache._code.cache_clear()
    try:
        before = cache._code()
        (tmp_path / "notes.txt").write_text("still not code\n")
        cache._code.cache_clear()
        assert cache._code() == before
        (tmp_path / "rules.py").write_text("A = 22\n")
        cache._code.cache_clear()
        assert cache._code() != before and b"rules.py" in before
    finally:
        cache._code.cache_clear()


def test_a_note_read_into_other_facts_is_not_served_from_an_older_cache() -> None:
    """An unquoted `[[Jane Doe|Jane]]` was read as the name `Jane Doe|Jane`;
    it is now read as the quoted link. The same bytes read into other facts
    need a new reading version, or a cache kept before serves the old name
    (greeted as "Hi Jane Doe|Jane,", linked to no note) until the note is edited."""
    from followup_md import cache
    from followup_md.facts import parse_link
    from followup_md.model import Link

    assert parse_link([["Jane Doe|Jane"]]) == Link("Jane Doe", "Jane")
    assert cache.READING >= 6


def test_every_type_the_cache_stores_comes_back_equal_through_its_unpickler(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The model's types pickle as calls to themselves with their fields (see
    `model.pickled_by_fields`): each comes back equal, and only these types
    (and dates) are built."""
    import io
    import pickle

    from followup_md import cache, model

    link = model.Link("people/Jane", "Jane Doe")
    problem = model.Problem("a.md", 3, "bad", warning=True)
    task = model.TaskLine("check-in-1", "open", date(2026, 11, 20), date(2026, 11, 22), None)
    block = model.Block(4, 9, {"check-in-1": (date(2026, 11, 20), date(2026, 11, 22))})
    note = model.Note(
        "a.md", "contact", "Jane", {"met": date(2026, 11, 19), "referred_by": link}, b"x", "\n", block,
        {"check-in-1": task}, sources={"met": ("met", 3)}, warnings=(problem,), uses=frozenset({("types", "x")}),
    )  # fmt: skip
    entry = model.Entry(date(2026, 11, 18), "sent", "2026-11-18 hello")
    values = [
        model.ReadFile(model.NoteFile("a.md", b"", (1, 2)), note),
        model.Moment(date(2026, 11, 19), date(2026, 11, 20)),
        model.Step("a.md", "check-in-1", date(2026, 11, 20), date(2026, 11, 22), "Ask", via="people/Jane"),
        model.Waiting("a.md", "they answer by Friday"),
        model.Exchange((entry,), (("people/Jane", (entry,)),)),
    ]
    assert {type(value) for value in values} | {
        model.Link,
        model.Problem,
        model.TaskLine,
        model.Block,
        model.Note,
    } | {
        model.Entry,
        model.NoteFile,
    } == set(model.PICKLED)
    import dataclasses

    asked: list[object] = []
    real_fields = dataclasses.fields

    def counted(of: Any) -> Any:
        asked.append(of)
        return real_fields(of)

    monkeypatch.setattr(dataclasses, "fields", counted)
    data = pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)
    assert cache._Unpickler(io.BytesIO(data)).load() == values
    assert asked == []  # not once for every object, as a slotted dataclass's own pickling does


@pytest.mark.parametrize("damage", ["delete", "garble"])
def test_a_lost_notes_tier_reads_every_note_again(make_vault: MakeVault, damage: str) -> None:
    """The run record trusts a note's stat only with the notes tier beside it:
    without it (deleted, damaged) every note is read again, never left out."""
    root = make_vault(FILES)
    sync(root)
    age(root)
    sync(root)
    tier = root / ".followup-md" / "notes.pickle"
    if damage == "delete":
        tier.unlink()
    else:
        tier.write_bytes(tier.read_bytes()[:100])
    (root / "book.md").write_text("---\ntype: book\n---\nedited\n")  # not a no-op
    sync(root)
    due = (root / "Due.md").read_text()
    assert "[[Acme" in due and "[[Met" in due and "Bad.md:3" in due


def test_a_part_of_the_notes_tier_that_did_not_change_is_copied_not_pickled_again(
    make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After one note changed, the save copies the bytes of every other part of
    the notes tier, and the tier loads as the one a save pickling every part
    leaves; a tier file replaced since it was loaded lends nothing."""
    from followup_md import cache

    monkeypatch.setattr(cache, "PART", 2)
    files: dict[str, str | bytes] = {
        f"P{n}.md": f"---\ntype: contact\nmet: 2026-11-1{n}\n---\n" for n in range(7)
    }
    root = make_vault(files)
    sync(root)
    age(root)
    sync(root)  # the notes the first sync wrote are read and planned again
    plain = tmp_path / "plain"
    shutil.copytree(root, plain)
    copied: list[bool] = []
    as_loaded = cache._as_loaded

    @contextlib.contextmanager
    def counted(root: Path, source: Any) -> Iterator[Any]:
        with as_loaded(root, source) as same:

            def counting(index: int, part: Any) -> bytes | None:
                data = same(index, part) if same is not None and root != plain else None  # `plain`: pickled
                copied.append(data is not None)
                return data

            yield counting

    monkeypatch.setattr(cache, "_as_loaded", counted)
    for vault in (root, plain):
        (vault / "P3.md").write_text(f"{files['P3.md']!s}Notes: coffee\n")
        sync(vault)
    # P3 is in the second part (P2, P3); the last is the link index's suggestions (none here)
    assert copied == [True, False, True, True, True] + [False] * 5
    tier, plain_tier = cache.load_notes(root), cache.load_notes(plain)
    assert tier is not None and plain_tier is not None
    notes, plans, lines = tier[0]
    plain_notes, plain_plans, plain_lines = plain_tier[0]
    assert {rel: entry.result for rel, entry in notes.items()} == {
        rel: entry.result for rel, entry in plain_notes.items()
    }  # the files' stats aside: P3 was written at another time there
    assert (plans, lines) == (plain_plans, plain_lines)
    assert {"P0.md", "P1.md", "P4.md", "P5.md", "P6.md"} <= plans.keys()  # the copied parts' plans
    assert all(plan[0] is notes[path].result for path, plan in plans.items())  # matched to their notes
    os.utime(root / ".followup-md" / "notes.pickle", ns=(0, 0))  # another run saved since it was loaded
    with as_loaded(root, tier[2]) as same:
        assert same is None


LOG = "---\ntype: log\ndate: 2026-11-18\nwith: '[[Jane Doo]]'\ndirection: sent\n---\n"
JANE = "---\ntype: contact\nmet: 2026-11-17\n---\n"


def test_a_sync_after_an_edit_takes_broken_links_suggestions_from_the_cache(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The "did you mean" search for a broken link is not run again by the next
    sync while no note it could change was added; a near one makes it run."""
    from followup_md import links

    root = make_vault({"Jane Doe.md": JANE, "Log.md": LOG, "book.md": "---\ntype: book\n---\n"})
    searched: list[str] = []
    search = links.LinkIndex._search

    def counted(self: links.LinkIndex, key: str, limit: int) -> links.Suggested:
        searched.append(key)
        return search(self, key, limit)

    monkeypatch.setattr(links.LinkIndex, "_search", counted)
    _, first = sync(root)
    assert searched == ["jane doo"] and "did you mean 'Jane Doe'?" in first
    (root / "Jane Doe.md").write_text(JANE + "Notes: coffee\n")
    (root / "Zed.md").write_text(JANE)  # a note added, nothing like the broken link
    _, again = sync(root)
    assert searched == ["jane doo"] and "did you mean 'Jane Doe'?" in again
    (root / "Jane Dox.md").write_text(JANE)
    _, near = sync(root)
    assert searched == ["jane doo", "jane doo"] and "did you mean 'Jane Dox', 'Jane Doe'?" in near


@pytest.mark.parametrize(
    ("forged", "added"),
    [
        (lambda s: replace(s, paths=["Evil.md"]), False),  # a note the vault does not have
        (lambda s: replace(s, paths=[3]), False),
        (lambda s: replace(s, floor=("x", 1), room=0), True),  # checked against a note added
        (lambda s: replace(s, key=5), True),
        (lambda s: "not a suggestion", True),
    ],
)
def test_a_crafted_suggestion_in_the_cache_is_never_shown(
    make_vault: MakeVault, forged: Callable[[Any], Any], added: bool
) -> None:
    from followup_md import cache

    root = make_vault({"Jane Doe.md": JANE, "Log.md": LOG})
    sync(root)
    loaded, run = cache.load_notes(root), load_run(root)
    assert loaded is not None and run is not None
    tier, (basis, suggested), _ = loaded
    suggested = {key: forged(found) for key, found in suggested.items()}
    cache.save(root, run, tier, (basis, suggested))  # shipped with a cloned vault
    (root / "Jane Doe.md").write_text(JANE + "Notes: coffee\n")  # not a no-op
    if added:
        (root / "Jan Zed.md").write_text(JANE)
    _, err = sync(root)
    assert "did you mean 'Jane Doe'" in err and "Evil" not in err


NEWOBJ = copyreg.__dict__["__newobj__"]  # pickled as the NEWOBJ opcode: an object made without its fields


@pytest.mark.parametrize("where", ["a note", "a suggestion", "the run record"])
def test_an_object_without_its_fields_in_a_crafted_cache_is_refused(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """Every type the cache stores is rebuilt by its constructor: a pickle
    asking for one without its fields (`NEWOBJ`, no state) makes the file
    count as damaged."""
    from followup_md import cache, links, model

    root = make_vault({"Jane Doe.md": JANE, "Log.md": LOG})
    _, first = sync(root)
    loaded, run = cache.load_notes(root), load_run(root)
    assert loaded is not None and run is not None
    (read, plans, lines), (basis, suggested), _ = loaded
    kind: Any = {"a note": model.ReadFile, "a suggestion": links.Suggested, "the run record": RunRecord}[
        where
    ]
    hollow = object.__new__(kind)
    with monkeypatch.context() as patched:
        patched.setattr(kind, "__reduce_ex__", lambda self, protocol: (NEWOBJ, (kind,)))
        patched.setattr(cache, "_run_parts", lambda run: (1, iter([run])))  # the record alone, crafted
        if where == "a note":
            read = dict.fromkeys(read, hollow)
        elif where == "a suggestion":
            suggested = dict.fromkeys(suggested, hollow)
        cache.save(
            root, hollow if where == "the run record" else run, (read, plans, lines), (basis, suggested)
        )
    assert (cache.load_notes(root) is None) == (where != "the run record")
    assert (load_run(root) is None) == (where == "the run record")
    (root / "Other.md").write_text("not ours\n")  # not a no-op
    _, err = sync(root)
    assert err == first and "did you mean 'Jane Doe'?" in err


def test_the_run_record_is_stored_with_its_stats_in_parts(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Peak memory: the record's stats are pickled a part at a time (the
    pickler's table of the objects seen is held for one part, not 100,000
    files) and come back whole."""
    from followup_md import cache

    monkeypatch.setattr(cache, "STATS_PART", 2)
    files = {**FILES, **{f"Notes/{i}.md": "" for i in range(3)}}
    root = make_vault(files)
    sync(root)
    parts = cache._load(root, "run.pickle")
    assert parts is not None and len(parts) == 1 + 4  # the record, then 7 stats in 4 parts
    assert parts[0].stats == {} and [len(part) for part in parts[1:]] == [2, 2, 2, 1]
    run = load_run(root)
    assert run is not None and sorted(run.stats) == sorted(files)


# A vault for edits a plan may or may not see: notes with blocks, a log note
# linking to one, a broken link, a file that is not ours.
EDITED: dict[str, str | bytes] = {
    "Acme.md": APPLICATION + "# Acme\n\nNotes on the role.\n",
    "People/Jane.md": "---\ntype: contact\nmet: 2026-11-12\ncompany: Initech\n---\nMet at the meetup.\n",
    "People/Raj.md": "---\ntype: interview\ncompany: Hooli\ninterview: 2026-11-16\n---\n",
    "Log/call.md": "---\ntype: log\ndate: 2026-11-17\nwith: '[[Jane]]'\ndirection: sent\n---\nCalled.\n",
    "Log/lost.md": "---\ntype: log\ndate: 2026-11-17\nwith: '[[Jan]]'\ndirection: sent\n---\n",
    "book.md": "---\ntype: book\n---\nA good read.\n",
}
# Each edit: (note, what it does to the text). Some leave the plan as it was
# (text after the block or in a body without one, a file not ours staying so);
# the others change it (front matter, the block's lines, a type, a line count
# above the block).
EDITS: dict[str, Callable[[str], str]] = {
    "append": lambda text: text + "\nanother line\n",
    "append, no newline": lambda text: text + "tail",
    "body line above": lambda text: text.replace("\n---\n", "\n---\nA first line.\n", 1),
    "body word": lambda text: text.replace("Met at", "Saw at").replace("Notes on", "Notes of"),
    "front matter": lambda text: text.replace("company: ", "company: New "),
    "block words": lambda text: text.replace("#followup", "#followup call first", 1),
    "block action": lambda text: re.sub(r"^(- \[.\] )", r"\1Please ", text, count=1, flags=re.MULTILINE),
    "block date": lambda text: text.replace("📅 2026-11-", "📅 2026-12-", 1),
    "block line": lambda text: text.replace(
        "<!-- followup-md:end", "a line of mine\n<!-- followup-md:end", 1
    ),
    "ours now": lambda text: text.replace("type: book", "type: contact\nmet: 2026-11-10"),
    "crlf": lambda text: text.replace("\n", "\r\n"),
}


def _synced_in_parts(make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, tuple[str, str]]:
    """The EDITED vault synced twice (the second run plans the notes the first
    wrote), its notes tier in parts of two notes; and what the second run said."""
    from followup_md import cache

    monkeypatch.setattr(cache, "PART", 2)
    root = make_vault(EDITED)
    sync(root)
    age(root)
    return root, sync(root)


def _edited(root: Path, edits: list[tuple[str, str]]) -> None:
    for rel, edit in edits:
        path = root / rel
        path.write_bytes(EDITS[edit](path.read_text("utf-8")).encode("utf-8"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.sampled_from(sorted(EDITED)), st.sampled_from(sorted(EDITS))), min_size=1, max_size=3
    )
)
@example([("People/Raj.md", "block action")])  # the same note, but not the same block
@example([("People/Raj.md", "append"), ("book.md", "body word")])  # replayed
@example([("book.md", "ours now")])
def test_a_run_that_replays_an_edit_says_and_records_what_a_full_run_does(
    make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edits: list[tuple[str, str]]
) -> None:
    """`replay_edits` is a shortcut only: after any edits, a sync that may take
    it prints and writes what one that plans every note does, and leaves a
    cache from which the next runs do the same."""
    from followup_md import cache, cached_read
    from followup_md.cache import load_notes

    monkeypatch.setattr(cache, "PART", 2)  # a note's part is found among several, and read alone
    base = tmp_path / "base"
    if not base.exists():
        root = make_vault(EDITED)
        sync(root)
        age(root)
        sync(root)  # the notes the first sync wrote, planned again
        shutil.copytree(root, base)
    results = []
    for may_replay in (True, False):
        vault = tmp_path / f"replayed {may_replay}"
        shutil.rmtree(vault, ignore_errors=True)
        shutil.copytree(base, vault)
        _edited(vault, edits)
        monkeypatch.setattr(cached_read, "replay_edits", replay_edits if may_replay else lambda *args: False)
        said = [sync(vault)]
        tier = load_notes(vault)
        assert tier is not None
        entries, plans, lines = tier[0]
        kept = ({rel: entry.result for rel, entry in entries.items()}, plans, lines, tier[1])
        said.append(sync(vault))  # a no-op, or the run the record says is owed
        shutil.rmtree(vault / ".followup-md")
        said.append(sync(vault))
        results.append((said, snapshot(vault), kept))
    assert results[0] == results[1]


def test_an_edit_outside_front_matter_and_block_is_replayed_without_planning(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    from followup_md import cache, cached_read
    from followup_md import sync as planning

    monkeypatch.setattr(cache, "PART", 2)  # the notes edited are in several parts, each read alone
    root = make_vault(EDITED)
    sync(root)
    age(root)
    said = sync(root)
    planned: list[str] = []
    plan_note = planning._plan_note

    def counted(note: Any, *args: Any) -> Any:
        planned.append(note.path)
        return plan_note(note, *args)

    monkeypatch.setattr(planning, "_plan_note", counted)
    before = snapshot(root)
    _edited(root, [("People/Jane.md", "append"), ("book.md", "body word"), ("Acme.md", "body word")])
    assert sync(root) == said and planned == []
    assert snapshot(root) == {
        **before,
        **{rel: (root / rel).read_bytes() for rel in ("People/Jane.md", "book.md", "Acme.md")},
    }
    _edited(root, [("People/Jane.md", "front matter")])
    sync(root)
    assert planned == ["People/Jane.md"]
    planned.clear()
    monkeypatch.setattr(cached_read, "REPLAY_LIMIT", 1)
    _edited(root, [("People/Jane.md", "append"), ("Acme.md", "append")])
    sync(root)
    assert sorted(planned) == ["Acme.md", "People/Jane.md"]  # more edits than the limit: planned


def test_closing_the_fence_a_note_ends_in_is_never_replayed(make_vault: MakeVault) -> None:
    """A note without a block that ends inside an open code fence plans no
    write, only a problem; closing the fence (an edit below the front matter,
    with no block) lets the block be added: it must be, not the problem replayed."""
    root = make_vault({"Acme.md": APPLICATION + "# Acme\n\n```\ncode\n"})
    sync(root)
    age(root)
    assert "unclosed code fence" in sync(root)[1]
    with (root / "Acme.md").open("a") as handle:
        handle.write("```\n")
    out, err = sync(root)
    assert "updated 1 note" in out and err == ""
    assert "followup-md:begin" in (root / "Acme.md").read_text()


@pytest.mark.parametrize("edited", [False, True])
def test_a_symlink_or_fifo_named_like_a_note_is_seen_by_the_next_sync(
    make_vault: MakeVault, edited: bool
) -> None:
    """A `.md` name that is not a regular file is reported (and counted in
    Due.md), though it has no stat in the run record: one added since the
    last run is never left out, by a no-op run or a replayed edit."""
    root = make_vault(EDITED)
    sync(root)
    age(root)
    sync(root)
    os.symlink("Acme.md", root / "Link.md")
    os.mkfifo(root / "Pipe.md")
    if edited:
        _edited(root, [("People/Jane.md", "append")])
    _, err = sync(root)
    assert "2 other files could not be read" in err
    shutil.rmtree(root / ".followup-md")
    assert sync(root)[1] == err


CRAFTED_RUNS: dict[str, Callable[[RunRecord], RunRecord]] = {
    "an index of strings": lambda run: replace(run, tier=("abc", "def")),  # type: ignore[arg-type]
    "an index that is a number": lambda run: replace(run, tier=5),  # type: ignore[arg-type]
    "a part reaching far": lambda run: replace(run, tier=((run.tier[0][0], 0, 1 << 62), *run.tier[1:])),
    "a part at a fraction": lambda run: replace(run, tier=(("", 0.5, 3.5), *run.tier[1:])),  # type: ignore[arg-type]
    "a part ending before it starts": lambda run: replace(
        run, tier=((run.tier[0][0], run.tier[0][2], run.tier[0][1]), *run.tier[1:])
    ),
    "a part without its offsets": lambda run: replace(run, tier=(("",), *run.tier[1:])),  # type: ignore[arg-type]
    "stats that are a list": lambda run: replace(run, stats=[]),  # type: ignore[arg-type]
    "a saved time that is text": lambda run: replace(run, saved_ns="x"),  # type: ignore[arg-type]
    "an output that is a number": lambda run: replace(run, stdout=5),  # type: ignore[arg-type]
    "errors that are a number": lambda run: replace(run, stderr=5),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("edited", [False, True])
@pytest.mark.parametrize("crafted", sorted(CRAFTED_RUNS))
def test_a_run_record_of_the_wrong_types_is_thrown_away(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch, crafted: str, edited: bool
) -> None:
    """A crafted run.pickle is built by the constructor of anything: a field
    of another type, or an index of the notes tier pointing out of its file,
    makes it not ours (a no-op run, or a replayed edit, would crash on it)."""
    from followup_md import cache
    from followup_md.write import write_own

    root, said = _synced_in_parts(make_vault, monkeypatch)
    run = load_run(root)
    assert run is not None and len(run.tier) == 4
    write_own(root, ".followup-md/run.pickle", cache._dump(1, [CRAFTED_RUNS[crafted](run)]))
    if edited:
        _edited(root, [("book.md", "body word")])  # not ours, in the last part of three
    assert sync(root) == said


def test_a_run_record_whose_parts_are_out_of_order_is_thrown_away(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index's first paths are searched as sorted: out of order, a note is
    looked for in a part that does not hold it, and one that is no longer ours
    looks as if it never was (its exchange would still count, from the tier)."""
    from followup_md import cache
    from followup_md.write import write_own

    root, _ = _synced_in_parts(make_vault, monkeypatch)
    run = load_run(root)
    assert run is not None and [first for first, _, _ in run.tier] == [
        "Acme.md",
        "Log/lost.md",
        "People/Raj.md",
        "",
    ]
    (first, start, end), (second, after, last) = run.tier[:2]
    crafted = replace(run, tier=((second, start, end), (first, after, last), *run.tier[2:]))
    write_own(root, ".followup-md/run.pickle", cache._dump(1, [crafted]))
    path = root / "Log" / "call.md"
    path.write_text(path.read_text().replace("type: log", "type: book"))
    said = sync(root)
    shutil.rmtree(root / ".followup-md")
    assert sync(root) == said


def _crafted_tier(name: str, tier: Any) -> None:
    """The notes tier with the entry, plan or a Due.md line of People/Raj.md
    replaced by what a crafted pickle may hold."""
    entries, plans, lines = tier
    rel = "People/Raj.md"
    if name == "an entry that is a number":
        entries[rel] = 5
    elif name == "an entry that is a note":
        entries[rel] = entries[rel].result
    elif name == "a note whose bytes are text":
        entries[rel] = replace(entries[rel], result=replace(entries[rel].result, data="x"))
    elif name == "a plan cut short":
        plans[rel] = plans[rel][:1]
    elif name == "a line that is a number":
        lines[next(key for key in lines if key[0] == rel)] = 5
    else:  # a field of the note of another type: "<field> that is/are <kind>"
        field, kind = name.split(" that ")
        value = {"a number": 5, "text": "x", "none": None, "a tuple": (1,)}[kind.split(" ", 1)[1]]
        note = replace(entries[rel].result, **{field.replace("its ", ""): value})
        entries[rel] = replace(entries[rel], result=note)


CRAFTED = [
    "an entry that is a number",
    "an entry that is a note",
    "a note whose bytes are text",
    "a plan cut short",
    "a line that is a number",
    "its facts that are a number",
    "its tasks that are text",
    "its block that is a tuple",
    "its warnings that are none",
    "its name that is a number",
]


@pytest.mark.parametrize("crafted", CRAFTED)
def test_a_replay_from_a_crafted_notes_tier_never_crashes(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch, crafted: str
) -> None:
    """The part of the notes tier that holds an edited note is what a crafted
    pickle made it (objects of any allowed type): it may only not serve."""
    root, said = _crafted_and_edited(make_vault, monkeypatch, crafted, ("People/Raj.md", "append"))
    assert sync(root) == said


def _crafted_and_edited(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch, crafted: str, edit: tuple[str, str]
) -> tuple[Path, tuple[str, str]]:
    """The EDITED vault synced in parts (see `_synced_in_parts`), its notes tier
    crafted (`_crafted_tier`), then one note edited; and what the last sync said."""
    from followup_md import cache

    root, said = _synced_in_parts(make_vault, monkeypatch)
    run, loaded = load_run(root), cache.load_notes(root)
    assert run is not None and loaded is not None
    _crafted_tier(crafted, loaded[0])
    cache.save(root, run, loaded[0], loaded[1])
    _edited(root, [edit])
    return root, said


@pytest.mark.parametrize("crafted", CRAFTED)
def test_a_full_run_from_a_crafted_notes_tier_says_and_writes_what_one_without_it_does(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, crafted: str
) -> None:
    """Another note's front matter edited (no replay: the notes are planned,
    most of them served from the tier): an entry of the crafted tier without
    the shape of a file read is read again, and a plan that fails on a served
    note's fields is made again from the disk, with none of the tier's plans
    and lines; then the next run serves from a sound tier."""
    root, _ = _crafted_and_edited(make_vault, monkeypatch, crafted, ("People/Jane.md", "front matter"))
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns(".followup-md"))
    assert sync(root) == sync(clean)
    assert _files(root) == _files(clean)
    (root / "book.md").write_text("---\ntype: book\n---\nread\n")  # not a no-op
    (clean / "book.md").write_text("---\ntype: book\n---\nread\n")
    assert sync(root) == sync(clean)


def _files(root: Path) -> dict[str, bytes]:
    """Every file of the vault but the cache's, by path."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".followup-md" not in path.parts
    }


def test_a_notes_tier_not_the_one_its_record_indexed_is_never_read_in_part(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    from followup_md.cache import load_part

    root, said = _synced_in_parts(make_vault, monkeypatch)
    run = load_run(root)
    assert run is not None and len(run.tier) == 4  # three parts of notes and the link index's
    assert all(load_part(root, run, index) is not None for index in range(3))
    tier = root / ".followup-md" / "notes.pickle"
    os.utime(tier, ns=(run.saved_ns, run.saved_ns + 1))  # saved again by another run since
    assert load_part(root, run, 1) is None
    _edited(root, [("People/Jane.md", "append")])
    assert sync(root) == said  # planned as usual
    run = load_run(root)
    assert run is not None and all(load_part(root, run, index) is not None for index in range(3))
    crafted = replace(run, tier=((run.tier[0][0], run.tier[0][1] + 1, run.tier[0][2]), *run.tier[1:]))
    assert load_part(root, crafted, 0) is None


@pytest.mark.timeout(60)
@pytest.mark.parametrize("empty", [False, True])
@pytest.mark.parametrize("lines", [(0, 10**12), (-(10**12), -(10**12)), (3, 1), (50, 60), (-1, 2), (0, 0)])
def test_a_crafted_block_reaching_out_of_its_note_neither_hangs_nor_crashes(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch, lines: tuple[int, int], empty: bool
) -> None:
    """A note served from a crafted notes tier whose block's lines are not
    within its bytes: the block is never looked for line by line (a count of
    10**12 lines walked was a hang), and nothing is written of it."""
    from followup_md import cache
    from followup_md.model import Block

    root, _ = _synced_in_parts(make_vault, monkeypatch)
    run, loaded = load_run(root), cache.load_notes(root)
    assert run is not None and loaded is not None
    entries, plans, _ = loaded[0]
    rel = "People/Raj.md"
    note = entries[rel].result
    block = Block(*lines, note.block.planned)
    entries[rel] = replace(entries[rel], result=replace(note, block=block, data=b"" if empty else note.data))
    del plans[rel]  # planned again
    cache.save(root, run, loaded[0], loaded[1])
    before = (root / rel).read_bytes()
    _edited(root, [("People/Jane.md", "front matter")])
    sync(root)
    assert (root / rel).read_bytes() == before


def _crafted_again(root: Path, craft: Callable[[Any], None]) -> None:
    """The vault's notes tier made what `craft` makes of it, by the cache's own writer."""
    from followup_md import cache

    run, loaded = load_run(root), cache.load_notes(root)
    assert run is not None and loaded is not None
    craft(loaded[0])
    cache.save(root, run, loaded[0], loaded[1])


def test_a_replay_from_a_tier_whose_block_bounds_only_equal_the_notes_never_crashes(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crafted note equal to the one read again (a block starting at 1.0
    where the note's starts at 1) passed `_plans_alike`'s comparison, then
    its block's lines were cut by those bounds: a TypeError, every sync."""
    root, said = _synced_in_parts(make_vault, monkeypatch)
    rel = "People/Raj.md"

    def craft(tier: Any) -> None:
        entries, plans, _ = tier
        note = entries[rel].result
        crafted = replace(note, block=replace(note.block, begin=float(note.block.begin)))
        entries[rel] = replace(entries[rel], result=crafted)
        plans[rel] = (crafted, *plans[rel][1:])

    _crafted_again(root, craft)
    _edited(root, [(rel, "append")])
    assert sync(root) == said


def test_a_due_line_no_plan_renders_is_never_kept_by_its_shape(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Due.md line of the tier for no step (a number, in a crafted one) is
    dropped when Due.md is rendered; with a Due.md that cannot be (not UTF-8)
    it reached the record, which took it for a line: a TypeError, every sync."""
    root, _ = _synced_in_parts(make_vault, monkeypatch)
    rel = "People/Raj.md"
    (root / "Due.md").write_bytes((root / "Due.md").read_bytes() + b"\xff\n")
    sync(root)

    def craft(tier: Any) -> None:
        lines = tier[2]
        lines[(rel, "fu-none", next(key for key in lines if key[0] == rel)[2])] = 5

    _crafted_again(root, craft)
    _edited(root, [("People/Jane.md", "front matter")])
    clean = sync(root)
    shutil.rmtree(root / ".followup-md")
    assert sync(root) == clean


def test_a_tier_nested_too_deep_to_pickle_again_is_not_saved(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A crafted tier's note holding an object nested deeper than the
    recursion limit (loaded, as unpickling does not recurse) served into a
    part pickled again (a new day plans it again): the save's RecursionError
    crashed every sync. The cache is then not saved; the output stands."""
    root, _ = _synced_in_parts(make_vault, monkeypatch)
    rel = "People/Raj.md"
    deep: Any = ()
    for _ in range(3 * sys.getrecursionlimit()):
        deep = (deep,)

    def craft(tier: Any) -> None:
        entries, plans, _ = tier
        crafted = replace(entries[rel].result, sources={"deep": deep})
        entries[rel] = replace(entries[rel], result=crafted)
        plans[rel] = (crafted, *plans[rel][1:])

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(5 * limit)  # the crafting pickler recurses
    try:
        _crafted_again(root, craft)
    finally:
        sys.setrecursionlimit(limit)
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns(".followup-md"))
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", "2026-11-21"])
    assert result.exit_code == 0, result.exception
    assert result.stdout == CliRunner().invoke(cli, ["sync", str(clean), "--today", "2026-11-21"]).stdout
    assert _files(root) == _files(clean)


def test_a_watch_started_from_a_crafted_tier_plans_its_notes_again_from_the_disk(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crafted note served with its own plan (so `start`'s plan reuses it,
    and does not fail) is kept in the watcher's model: the next day plans it
    again, and its facts (an interview that is a number) crashed the watch.
    The watcher then reads again what the cache served, as `sync` does."""
    from followup_md.watcher import Watcher

    root, _ = _synced_in_parts(make_vault, monkeypatch)
    rel = "People/Raj.md"

    def craft(tier: Any) -> None:
        entries, plans, _ = tier
        crafted = replace(entries[rel].result, facts={**entries[rel].result.facts, "interview": 5})
        entries[rel] = replace(entries[rel], result=crafted)
        plans[rel] = (crafted, *plans[rel][1:])

    _crafted_again(root, craft)
    day = [date(2026, 11, 20)]
    watcher = Watcher(root, today=lambda: day[0], echo=lambda _: None)
    watcher.start()
    watcher.sync()
    day[0] = date(2026, 11, 21)
    plan = watcher.sync()
    shutil.rmtree(root / ".followup-md")
    fresh = Watcher(root, today=lambda: day[0], echo=lambda _: None)
    fresh.start()
    assert replace(fresh.sync(), changes=()) == replace(plan, changes=())  # Due.md: written by the first


def _nested_key() -> bytes:
    """A pickle of a dict keyed by a tuple of 2**64 leaves, made of 64 shared
    pairs (a few hundred bytes): hashing it, as unpickling a dict key does,
    never ends."""
    ops = [pickle.PROTO + b"\x05", pickle.EMPTY_DICT, pickle.EMPTY_TUPLE, pickle.MEMOIZE]
    for index in range(64):
        get = pickle.LONG_BINGET + index.to_bytes(4, "little")
        ops += [get, get, pickle.TUPLE2, pickle.MEMOIZE]
    ops += [pickle.BININT1 + b"\x01", pickle.SETITEM, pickle.STOP]
    return b"".join(ops)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", ["run.pickle", "notes.pickle"])
def test_a_cache_file_not_written_in_its_place_is_never_unpickled(
    make_vault: MakeVault, tmp_path: Path, name: str
) -> None:
    """A cache shipped with a cloned vault, copied or extracted: each file
    begins with its own inode number, which only its writer knows, so a file
    that is not the one written there is rebuilt, never unpickled (one crafted
    to make unpickling hash a tuple for ever would hang every command)."""
    from followup_md import cache

    root = make_vault({"Jane Doe.md": JANE, "Log.md": LOG})
    sync(root)
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)  # new files, new inode numbers: nothing of the cache serves
    assert load_run(copy) is None and cache.load_notes(copy) is None
    assert load_run(root) is not None and cache.load_notes(root) is not None
    crafted = tmp_path / name
    with crafted.open("wb") as handle:  # as the cache's writer would: stamped for this very file
        handle.write(cache._STAMP.pack(cache._MARK, os.fstat(handle.fileno()).st_ino))
        handle.write(pickle.dumps(((cache.FORMAT, __version__), 1)) + _nested_key())
    shutil.copyfile(crafted, root / ".followup-md" / name)  # shipped with the vault
    (root / "Jane Doe.md").write_text(JANE + "Notes: coffee\n")
    (copy / "Jane Doe.md").write_text(JANE + "Notes: coffee\n")
    assert sync(root) == sync(copy)


def test_a_due_line_kept_from_the_last_run_follows_an_address_in_another_note(make_vault: MakeVault) -> None:
    """An interview whose interviewer links to a person note is written to at
    that note's address: its Due.md line, kept from the last run while the
    interview is unchanged, takes the address as it is now (the shortcut for
    a note's own addresses does not hold for it)."""
    root = make_vault(
        {
            "people/Dana Ortiz.md": "---\ntype: contact\nemail: dana@globex.example\n---\n",
            "Globex.md": '---\ntype: interview\ncompany: Globex\ninterviewer: "[[Dana Ortiz]]"\n'
            "interview: 2026-11-19\n---\n",
        }
    )
    sync(root)
    age(root)
    sync(root)  # the interview's plan and lines, as written, kept
    dana = root / "people" / "Dana Ortiz.md"
    dana.write_text(dana.read_text().replace("dana@globex.example", "dana@hooli.example"))
    sync(root)
    due = (root / "Due.md").read_text()
    assert "mailto:dana@hooli.example" in due and "globex.example" not in due
