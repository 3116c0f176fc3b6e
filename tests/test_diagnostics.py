"""Nothing the user wrote is dropped without a word: settings that match
nothing, links to no note, contradicting facts, the wrong folder, ambiguous
names, and a summary that shows how many notes were read."""

from __future__ import annotations

import difflib
import random
import string
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from unittest.mock import patch
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from followup_md import links
from followup_md.cli import cli
from followup_md.config import parse_config
from followup_md.diagnose import contradictions, unused_settings
from followup_md.links import (
    LinkIndex,
    _grams,
    _key,
    _most_shared,
    _shared_runs,
    close_matches,
    percent_encoded,
)
from followup_md.model import Exchange
from followup_md.rules import merge_exchange, plan_note

from .conftest import TODAY, MakeVault
from .helpers import note_from

DAY = ["--today", TODAY.isoformat()]


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


CONFIG = """\
[folders]
"20 People" = "contact"

[types]
Lead = "contact"
Applied = "application"

[statuses]
Offered = "active"

[keys]
applied = "Applied-Date"
company = "Employer"

[tags]
"job/lead" = "contact"

[directions]
out = "sent"
"""


def test_settings_that_match_nothing_are_warnings_with_their_line(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "followup-md.toml": CONFIG,
            "30 Records/20 People/Ann.md": "---\nmet: 2026-11-19\n---\n",
            "Acme.md": "---\ntype: Applied\nApplied-Date: 2026-11-18\n---\n",
        }
    )
    code, out, err = run("check", root, *DAY)
    assert err.splitlines() == [
        "followup-md.toml:2: warning: [folders] '20 People': no follow-up note is in the folder '20 People'; "
        "did you mean '30 Records/20 People'?",
        "followup-md.toml:5: warning: [types] 'Lead': no follow-up note has the type 'Lead'",
        "followup-md.toml:9: warning: [statuses] 'Offered': no follow-up note has the status 'Offered'",
        "followup-md.toml:13: warning: [keys] 'company': no follow-up note has the key 'Employer'",
        "followup-md.toml:16: warning: [tags] 'job/lead': no follow-up note has the tag 'job/lead'",
        "followup-md.toml:19: warning: [directions] 'out': no log note has the direction 'out'",
    ]
    assert (code, out) == (0, "followup-md: 1 follow-up note checked, no problems, 6 warnings\n")
    code, out, err = run("sync", root, *DAY)
    assert code == 0 and "followup-md.toml:2: warning: [folders]" in err
    due = (root / "Due.md").read_text()
    # the message's brackets escaped, so Markdown shows them as written
    assert "- `followup-md.toml:5`: warning: \\[types\\] 'Lead': no follow-up note has the type 'Lead'" in due


def test_an_include_that_matches_no_file_is_a_warning(make_vault: MakeVault) -> None:
    # `include = ["People/**"]` in a vault whose folder is `people`: every
    # note was left out and check said "0 follow-up notes checked, no problems"
    root = make_vault(
        {
            "followup-md.toml": 'timezone = "UTC"\ninclude = ["People/**", "people/**"]\n',
            "people/Ann.md": "---\ntype: contact\nmet: 2026-11-19\n---\n",
        }
    )
    code, out, err = run("check", root, *DAY)
    assert (
        err
        == "followup-md.toml:2: warning: include 'People/**': no Markdown file read matches it (check its folder's name and case, and exclude)\n"
    )
    assert (code, out) == (0, "followup-md: 1 follow-up note checked, no problems, 1 warning\n")


def test_include_globs_are_matched_against_folders_before_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each plan (each sync, each batch of the watcher) matched every path and
    each folder above it, one glob at a time, until one matched: a second
    glob whose files the walk gave last took a second on 100,000 notes."""
    from fnmatch import fnmatchcase

    calls: list[str] = []

    def counted(name: str, pattern: str) -> bool:
        calls.append(name)
        return fnmatchcase(name, pattern)

    monkeypatch.setattr("followup_md.layout.fnmatchcase", counted)
    config = parse_config('include = ["People/**", "Jobs/**", "Job/**"]\n')
    paths = [f"People/Team {i % 20}/Person {i}.md" for i in range(2000)] + ["Jobs/Acme.md"]
    warnings = unused_settings(config, [], paths)
    assert [problem.message for problem in warnings] == [
        "include 'Job/**': no Markdown file read matches it (check its folder's name and case, and exclude)"
    ]
    assert len(calls) < 3 * len(paths)  # each file once or twice for the glob that matches none


def test_without_include_the_paths_are_not_read_for_it() -> None:
    """Every plan passes the vault's paths: with no `include` (most vaults)
    they were still listed and their folders gathered, 100,000 of them."""

    def paths() -> Iterator[str]:
        raise AssertionError("the paths were read")
        yield ""

    assert unused_settings(parse_config(""), [], paths()) == []


def test_settings_in_use_are_silent() -> None:
    config = parse_config(CONFIG)
    notes = [
        note_from("met: 2026-11-19\n", path="20 People/Ann.md", config=config),
        note_from("type: Lead\ntags: [job/lead]\nEmployer: Initech\nstatus: Offered\n", config=config),
        note_from("type: Applied\nApplied-Date: 2026-11-18\n", config=config),
        note_from("type: log\ndirection: out\n", config=config),
    ]
    assert unused_settings(config, notes) == []


def _index() -> LinkIndex:
    paths = [
        "people/Ivy Chen.md",
        "logs/Ivy Chen.md",
        "work/people/Sam Lee.md",
        "Dana Ortiz.md",
        "a/b/Deep.md",
    ]
    return LinkIndex(paths, {"Dana Ortiz.md": ["Dana", "D. Ortiz"]})


@pytest.mark.parametrize(
    ("target", "source", "path"),
    [
        ("Ivy Chen", "Due.md", "logs/Ivy Chen.md"),  # the shallowest of two by name (then by path)
        ("Ivy Chen", "people/x.md", "people/Ivy Chen.md"),  # the linking note's own folder first
        ("ivy chen.md", "Due.md", "logs/Ivy Chen.md"),
        ("people/Ivy Chen", "logs/x.md", "people/Ivy Chen.md"),  # a path from the vault root
        ("people/Sam Lee", "x.md", "work/people/Sam Lee.md"),  # the end of a path
        ("../people/Ivy Chen.md", "logs/x.md", "people/Ivy Chen.md"),  # relative to the linking note
        ("Dana", "x.md", "Dana Ortiz.md"),  # an alias
        ("d. ortiz", "x.md", "Dana Ortiz.md"),
        ("Deep#Heading", "x.md", "a/b/Deep.md"),
        ("<a/b/Deep.md>", "x.md", "a/b/Deep.md"),
        ("Nobody", "x.md", None),
        ("../../Deep", "a/x.md", None),  # outside the vault
    ],
)
def test_links_resolve_the_way_obsidian_resolves_them(target: str, source: str, path: str | None) -> None:
    assert _index().resolve(target, source) == path


def test_names_match_across_unicode_normal_forms() -> None:
    decomposed = unicodedata.normalize("NFD", "people/Zoë Müller.md")
    index = LinkIndex([decomposed])
    assert index.resolve("Zoë Müller") == decomposed
    assert index.resolve(unicodedata.normalize("NFD", "Zoë Müller")) == decomposed


LOG = "---\ntype: log\ndate: 2026-11-14\ndirection: received\nwith: {with_}\n---\n"


def test_a_relative_percent_encoded_markdown_link_in_a_log_counts(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "people/Ivy Chen.md": "---\ntype: contact\nmet: 2026-11-01\ncadence: 3w\n---\n",
            "logs/2026-11-14 Ivy.md": LOG.format(with_='"[Ivy](../people/Ivy%20Chen.md)"'),
        }
    )
    code, _, err = run("sync", root, *DAY)
    assert (code, err) == (0, "")
    assert "📅 2026-12-05 ^fu-keep-in-touch" in (root / "people/Ivy Chen.md").read_text()  # 11-14 + 3w


def test_a_log_whose_link_reaches_no_note_is_a_problem(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "people/Ivy Chen.md": "---\ntype: contact\nmet: 2026-11-19\n---\n",
            "logs/call.md": LOG.format(with_='["[[Ivy Chen]]", "[[Ivy Chan]]"]'),
        }
    )
    code, out, err = run("check", root, *DAY)
    assert err == (
        "logs/call.md:5: with: 'Ivy Chan' is no follow-up note, so this exchange counts for nobody; "
        "did you mean 'Ivy Chen'?\n"
    )
    assert (code, out) == (1, "followup-md: 2 follow-up notes checked, 1 problem\n")


_LOG_LINES = {
    "date": "date: 2026-11-19\n",
    "with": 'with: "[[Ivy Chen]]"\n',
    "direction": "direction: sent\n",
}


@pytest.mark.parametrize(
    ("missing", "written", "message", "renamed", "checked"),
    [
        # each was silent: the exchange counted for nobody, or (no direction) counted as a
        # contact but completed no step and answered no check-in
        (
            "date",
            "",
            "a log note without `date:`, so this exchange counts for nobody; add the day it happened",
            "When",
            (1, "1 problem"),
        ),
        *(
            (
                "with",
                written,
                "a log note without `with:`, so this exchange counts for nobody; "
                'add the people it was with (`with: "[[Name]]"`)',
                "People",
                (1, "1 problem"),
            )
            for written in ("", "with:\n", "with: []\n")
        ),
        (
            "direction",
            "",
            "warning: a log note without `direction:`, so it completes no step and is no reply; "
            "add `direction: sent`, `received` or `exchanged`",
            "Way",
            (0, "no problems, 1 warning"),
        ),
    ],
)
def test_a_log_note_missing_a_key_is_said_not_a_silent_miss(
    make_vault: MakeVault, missing: str, written: str, message: str, renamed: str, checked: tuple[int, str]
) -> None:
    log = "---\ntype: log\n" + "".join(
        line if key != missing else written for key, line in _LOG_LINES.items()
    )
    root = make_vault(
        {"people/Ivy Chen.md": "---\ntype: contact\nmet: 2026-11-19\n---\n", "logs/call.md": log + "---\n"}
    )
    code, out, err = run("check", root, *DAY)
    assert err == f"logs/call.md:2: {message}\n"
    assert (code, out) == (checked[0], f"followup-md: 2 follow-up notes checked, {checked[1]}\n")
    (root / "followup-md.toml").write_text(f'[keys]\n{missing} = "{renamed}"\n')
    assert f"without `{renamed}:`" in run("check", root, *DAY)[2]  # said by the vault's name for it


def _contradictions(front: str) -> list[str]:
    note = note_from(front)
    facts = dict(note.facts)
    merge_exchange(facts, Exchange(), TODAY)
    steps, _ = plan_note(note, Exchange(), parse_config(""), TODAY)
    return [str(p) for p in contradictions(note, facts, steps)]


@pytest.mark.parametrize(
    ("front", "message"),
    [
        (
            "type: interview\ninterview: 2026-11-12\nreply_by: 2026-11-10\n",
            "note.md:4: warning: reply_by: 2026-11-10 is before the interview on 2026-11-12; check-ins count "
            "from the interview instead. Set it to the day they said they would answer by",
        ),
        (
            "type: application\napplied: 2026-11-01\nStatus: rejected\n",
            "note.md:4: warning: Status: rejected, but no `closed:` date, so no stay-in-touch step; "
            "add `closed: YYYY-MM-DD` (the day the answer came)",
        ),
        (
            "type: referral\nreferred: 2026-11-12\ncontacted: 2026-11-10\nreferred_by: Priya\n",
            "note.md:4: warning: contacted: 2026-11-10 is before the referral on 2026-11-12; the reach-out "
            "counts as done anyway. Fix whichever date is wrong",
        ),
        (
            "type: contact\ncadence: 3w\n",
            "note.md:3: warning: cadence: no date to count the interval from, so no keep-in-touch step; "
            "add `last_contact: YYYY-MM-DD` (or a dated fact, or a log note that links here)",
        ),
        (  # was silent: no email link, and `draft --mailto` said to add the `email:` it had
            "type: contact\nemail: [jane@x.example, jane at y dot example]\n",
            "note.md:3: warning: email: 'jane at y dot example' is not an address, so no email link; "
            "write it as name@example.org",
        ),
        (  # was silent: status check-ins for a conversation with no job behind it
            "type: interview\ninterview: 2026-11-12\nformat: informationnal\n",
            "note.md:4: warning: format: 'informationnal' is not `informational`, so this interview is "
            "followed up as one for a job (status check-ins); write `format: informational` if no job is "
            "behind it",
        ),
        (  # was silent: no thank-introducer and no reach-out, and no word why
            'type: contact\nintroduced_by: "[[Dana]]"\n',
            "note.md:3: warning: introduced_by: no `introduced:` date, so no step thanks the introducer or "
            "reaches out; add `introduced: YYYY-MM-DD` (the day of the introduction)",
        ),
        (  # was silent: no nudge, and no word why
            "type: help\npromise: an intro to their CTO\nexpected: 2026-11-20\n",
            "note.md:3: warning: promise: no `asked:` date, so no reminder of their offer to help; "
            "add `asked: YYYY-MM-DD` (the day they agreed to help)",
        ),
    ],
)
def test_contradictions_are_reported_with_the_fix(front: str, message: str) -> None:
    assert _contradictions(front) == [message]


@pytest.mark.parametrize(
    "front",
    [
        "type: interview\ninterview: 2026-11-12\nreply_by: 2026-11-19\n",
        "type: application\nstatus: rejected\nclosed: 2026-11-19\n",
        "type: referral\nreferred: 2026-11-12\ncontacted: 2026-11-13\n",
        "type: contact\ncadence: 3w\nmet: 2026-11-01\n",
        "type: contact\ncadence: 3w\nstatus: paused\n",
        "type: interview\ninterview: 2026-11-12\nformat: Informational\n",
        "type: interview\ninterview: 2026-11-12\nformat: zoom\n",
        'type: contact\nintroduced: 2026-11-12\nintroduced_by: "[[Dana]]"\n',
        "type: help\nasked: 2026-11-12\npromise: an intro\nurgent: true\n",
        'type: log\ndate: 2026-11-19\nwith: "[[Dana]]"\ndirection: sent\n',
    ],
)
def test_consistent_facts_are_silent(front: str) -> None:
    assert _contradictions(front) == []


def test_a_long_format_is_no_near_miss_and_is_not_matched_letter_by_letter() -> None:
    # SequenceMatcher.ratio() takes time in the value's length (30 ms a note at 64 KB,
    # every run); a value this long is no near miss of "informational" by its length alone
    front = f"type: interview\ninterview: 2026-11-12\nformat: {'zoom call ' * 6000}\n"
    with patch.object(difflib.SequenceMatcher, "get_matching_blocks", side_effect=AssertionError("matched")):
        assert _contradictions(front) == []


def test_the_vault_is_found_upward_like_git(make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_vault(
        {
            ".obsidian/app.json": "{}",
            "people/Ann.md": "---\ntype: contact\nmet: 2026-11-10\n---\n",
            "people/Bo.md": "---\ntype: contact\nmet: 2026-11-11\n---\n",
        }
    )
    monkeypatch.chdir(root / "people")
    code, out, _ = run("sync", *DAY)
    assert code == 0 and out.startswith("followup-md: 2 follow-up notes read, updated 2 notes; 2 overdue")
    assert (root / "Due.md").exists() and not (root / "people/Due.md").exists()
    assert not (root / "people/.followup-md").exists()
    code, out, _ = run("done", "Ann", "reconnect", *DAY)
    assert code == 0 and "people/Ann.md: reconnect done on 2026-11-20" in out


def test_a_folder_without_markdown_is_refused_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "cat.jpg").write_bytes(b"\xff\xd8")
    for command in ("sync", "check", "due"):
        code, _, err = run(command, folder, *DAY)
        assert code == 2 and "photos holds no Markdown notes" in err, (command, err)
    assert sorted(p.name for p in folder.iterdir()) == ["cat.jpg"]
    (folder / "followup-md.toml").write_text("")  # a vault set up before its first note
    assert run("sync", folder, *DAY)[0] == 0


def test_an_ambiguous_name_lists_the_paths_and_a_miss_suggests(make_vault: MakeVault) -> None:
    front = "---\ntype: application\napplied: 2026-11-18\n---\n"
    root = make_vault({"a/Sam Lee.md": front, "b/Sam Lee.md": front, "Zoë Park.md": front})
    code, _, err = run("done", "Sam Lee", "confirm", "--vault", root, *DAY)
    assert code == 2
    assert (
        err == "followup-md: 'Sam Lee' names more than one note: a/Sam Lee.md, b/Sam Lee.md; give its path\n"
    )
    assert "[x]" not in (root / "a/Sam Lee.md").read_text() + (root / "b/Sam Lee.md").read_text()
    code, _, err = run("done", "Sam Le", "confirm", "--vault", root, *DAY)
    assert code == 2 and err.endswith("; did you mean 'a/Sam Lee.md' or 'b/Sam Lee.md'?\n")
    code, out, _ = run("done", "a/Sam Lee", "confirm", "--vault", root, *DAY)
    assert code == 0 and "a/Sam Lee.md: confirm done" in out
    code, out, _ = run("done", unicodedata.normalize("NFD", "zoë park"), "confirm", "--vault", root, *DAY)
    assert code == 0 and "Zoë Park.md: confirm done" in out


def test_the_sync_summary_says_a_silent_zero(make_vault: MakeVault) -> None:
    root = make_vault({"Book.md": "---\ntype: book\n---\n", "Other.md": "no front matter\n"})
    code, out, _ = run("sync", root, *DAY)
    assert (code, out) == (
        0,
        "followup-md: 0 follow-up notes read, updated Due.md; nothing due (as of 2026-11-20)\n",
    )
    # a new day rewrites Due.md alone: said as such, never "updated 0 notes"
    (root / "Acme.md").write_text("---\ntype: application\ncompany: Acme\napplied: 2026-11-18\n---\n")
    assert "updated 1 note;" in run("sync", root, *DAY)[1]
    code, out, _ = run("sync", root, "--today", "2026-11-21")
    assert (code, out) == (
        0,
        "followup-md: 1 follow-up note read, updated Due.md; 1 this week (as of 2026-11-21)\n",
    )
    (root / "followup-md.toml").write_text('stats_file = "Stats.md"\nics_file = "F.ics"\n')
    assert "read, updated F.ics and Stats.md; " in run("sync", root, "--today", "2026-11-21")[1]
    out = run("sync", root, "--today", "2026-11-22")[1]
    assert out.startswith("followup-md: 1 follow-up note read, updated Due.md, F.ics and Stats.md; ")


def test_near_miss_keys_reach_check_and_due_md(make_vault: MakeVault) -> None:
    root = make_vault({"Globex.md": "---\ntype: interview\nintervew: 2026-11-12\nInterviewer: Dana\n---\n"})
    code, out, err = run("check", root, *DAY)
    assert (
        err == "Globex.md:3: warning: 'intervew' is not a key followup-md reads; did you mean 'interview'?\n"
    )
    assert (code, out) == (0, "followup-md: 1 follow-up note checked, no problems, 1 warning\n")
    run("sync", root, *DAY)
    assert (
        "- `Globex.md:3`: warning: 'intervew' is not a key followup-md reads" in (root / "Due.md").read_text()
    )


def test_notes_that_are_not_ours_give_no_false_problems(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "Deal.md": "---\ntype: contract\nsigned: 2026-11-01\n---\n",
            "Role.md": "---\ntype: interviewer\n---\n",
            "Book.md": '---\n"type": book\ntags: [reading]\n---\n',
            "List.md": "---\ntype: [book, article]\n---\n",
            "Flow.md": "---\n{type: article, Intervew: x}\n---\n",
            "Daily.md": "---\ndate: {{date}}\n---\n",
            "Ann.md": "---\ntype: contact\nmet: 2026-11-19\nnotes: my own\nsalary: 100\n---\n",
        }
    )
    code, out, err = run("check", root, *DAY)
    assert (code, out, err) == (0, "followup-md: 1 follow-up note checked, no problems\n", "")


@given(
    st.lists(st.text(alphabet="abcdeéfghij klmn", min_size=1, max_size=14), min_size=1, max_size=60),
    st.text(alphabet="abcdeéfghij klmn", min_size=1, max_size=14),
)
def test_suggestions_from_the_trigram_pool_are_difflibs_own(names: list[str], wanted: str) -> None:
    """Where the pool holds every name, the suggestions are exactly difflib's over all
    names (a name with no three-letter run in common with the link is never offered)."""
    index = LinkIndex(f"people/{name}.md" for name in names)
    near = difflib.get_close_matches(_key(wanted), list(index.names), n=3, cutoff=0.6)
    expected = list(dict.fromkeys(path for key in near for path in index.names[key]))[:3]
    if all(_grams(key) & _grams(_key(wanted)) for key in near):
        assert index.suggest(wanted) == expected


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.text(alphabet="abcde ", min_size=0, max_size=9), max_size=40, unique=True),
    st.text(alphabet="abcde ", min_size=0, max_size=9),
    st.integers(1, 5),
)
@example(["cbacc", "bcbb", "bcbc", "aab", "caa", "aa"], "bbcba", 1)  # a bound equal to the least chosen
def test_close_matches_are_difflibs_own(names: list[str], key: str, limit: int) -> None:
    """Comparing in full only the names whose upper bound can still win gives
    difflib's own answer, its order and its ties included."""
    assert close_matches(key, names, limit) == difflib.get_close_matches(key, names, n=limit, cutoff=0.6)


@given(st.dictionaries(st.text(alphabet="abc", max_size=4), st.integers(1, 6)), st.integers(1, 30))
def test_the_pool_is_the_plain_sorts_head(counts: dict[str, int], size: int) -> None:
    """The fast path (sort the counts, then only the names above the floor) picks
    what sorting every name by (most shared, name) would."""
    shared = Counter(counts)
    plain = [name for name, _ in sorted(shared.items(), key=lambda item: (-item[1], item[0]))[:size]]
    assert _most_shared(shared, size) == plain


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.one_of(st.integers(0, 99).map("p {}".format), st.text(alphabet="ab", min_size=2, max_size=5)),
        min_size=30,
        max_size=120,
    ),
    st.one_of(st.integers(0, 999).map("p {} x".format), st.text(alphabet="ab", min_size=2, max_size=6)),
    st.integers(1, 6),
)
@example(["aba", "acab", "abc", "abd", "abe"], "ab", 1)  # `aba` holds every common run: it ties, first
def test_the_pool_counts_common_runs_where_they_can_matter(names: list[str], wanted: str, size: int) -> None:
    """The pool that counts the common runs only for the names a rarer run
    found is the pool of every name's full count."""
    index = LinkIndex(f"people/{name}.md" for name in names)
    key = _key(wanted)
    postings = [index._by_gram().get(gram, ()) for gram in _grams(key)]
    with patch.object(links, "SUGGEST_POOL", size):
        pool, floor = index._pool(key)
        full = _shared_runs(postings)
        assert pool == _most_shared(full, size)
        assert floor == ((full[pool[-1]], pool[-1]) if len(pool) == size else None)


NAMES = st.one_of(
    st.integers(0, 30).map("p {}".format),
    st.text(alphabet="abé #<.", min_size=1, max_size=5),
    st.sampled_from(["Jane Doe", "jane doe", "Jane Doé", "Jnae Doe", "Jane", " Jane Doe", "<a", "C"]),
)
FOLDERS = st.sampled_from(["", "people/", "people/old/", "work/", "C# jobs/", "x/ a/"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(FOLDERS, NAMES, st.lists(NAMES, max_size=2)), min_size=1, max_size=25),
    st.lists(st.tuples(FOLDERS, NAMES, st.lists(NAMES, max_size=2)), min_size=1, max_size=4),
    st.lists(
        st.tuples(
            st.one_of(NAMES, st.tuples(FOLDERS, NAMES).map("".join), st.just("../people/Jane Doe")),
            FOLDERS,
        ),
        min_size=1,
        max_size=12,
    ),
    st.integers(1, 8),
)
def test_an_index_that_learns_from_the_last_one_answers_as_a_new_one(
    before: list[tuple[str, str, list[str]]],
    added: list[tuple[str, str, list[str]]],
    looked_up: list[tuple[str, str]],
    pool: int,
) -> None:
    """The watcher's index after notes were added keeps what the last index
    resolved and suggested that they cannot change: it answers every lookup
    as an index built from nothing does (pools small enough to fill up)."""

    def notes(rows: list[tuple[str, str, list[str]]]) -> dict[str, tuple[str, ...]]:
        return {f"{folder}{name.strip() or 'x'}.md": tuple(aliases) for folder, name, aliases in rows}

    old = notes(before)
    new = {**old, **{path: aliases for path, aliases in notes(added).items() if path not in old}}
    with patch.object(links, "SUGGEST_POOL", pool):
        older = LinkIndex(old, old)
        for target, folder in looked_up:
            older.resolve(target, folder + "Log.md")
            older.suggest(target)
        learnt, plain = LinkIndex(new, new), LinkIndex(new, new)
        learnt.learn_from(older.lookups, {path: new[path] for path in new.keys() - old.keys()})
        for target, folder in looked_up:
            assert learnt.resolve(target, folder + "Log.md") == plain.resolve(target, folder + "Log.md")
            assert learnt.suggest(target) == plain.suggest(target)


def test_a_typo_is_found_among_ten_thousand_names() -> None:
    rng = random.Random(7)
    paths = [
        f"people/{''.join(rng.choices(string.ascii_lowercase, k=6))} "
        f"{''.join(rng.choices(string.ascii_lowercase, k=8))}.md"
        for _ in range(10_000)
    ]
    assert LinkIndex([*paths, "people/Jane Doe.md"]).suggest("Jnae Doe") == ["people/Jane Doe.md"]


def test_suggestions_are_the_same_in_every_process() -> None:
    """Set and dict orders vary with the hash seed; the suggestions must not."""
    import os
    import subprocess
    import sys

    code = (
        "from followup_md.links import LinkIndex\n"
        "index = LinkIndex([f'people/Person {n}.md' for n in range(3000)])\n"
        "print([index.suggest(f'Person {q} (gone)') for q in range(100000, 1000000, 9173)])\n"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(seen) == 1


@given(
    st.one_of(st.text(), st.text(alphabet=string.printable + "é—\u2028\ud800")),
    st.sampled_from(["", "@", "/"]),
)
@example("".join(map(chr, range(128))), "@")  # every ASCII character
@example("100% %25 %%", "")  # a percent sign first, so none written is encoded again
def test_percent_encoding_is_quotes_own(text: str, safe: str) -> None:
    """The replacements for ASCII texts write what urllib's quote writes,
    and other texts go to quote itself (a lone surrogate still raises)."""
    try:
        expected = quote(text, safe=safe)
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            percent_encoded(text, safe)
        return
    assert percent_encoded(text, safe) == expected
