"""Reading notes: front matter the way Obsidian reads it, and every bad input."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from followup_md.config import Config
from followup_md.errors import NoteError
from followup_md.facts import file_name, file_stem, parse_link, parse_moment
from followup_md.model import Link, Moment, Problem, TaskSyntax
from followup_md.parse import _CONFLICT, _first_conflict, read_note, split_front_matter
from followup_md.recognition import near_miss
from followup_md.yamlcore import (
    MAX_DEPTH,
    _flow_too_deep,
    _load_with_yaml,
    _too_deep,
    _widest_indent,
    load_mapping,
    simple_mapping,
)

from .helpers import UTC_ZONE, note_from, problem_from

NEW_YORK = ZoneInfo("America/New_York")


def test_libyaml_c_loader_is_used() -> None:
    assert yaml.__with_libyaml__, "PyYAML without libyaml: install a wheel built with it"
    from followup_md.yamlcore import core_loader

    assert issubclass(core_loader(), yaml.CSafeLoader)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("12:30", "12:30"),
        ("2026-11-20", "2026-11-20"),
        ("true", True),
        ("False", False),
        ("~", None),
        ("", None),
        ("012", 12),
        ("0o17", 15),
        ("0x1f", 31),
        ("1.5", 1.5),
        ("1_000", "1_000"),
    ],
)
def test_yaml_1_2_core_schema(text: str, value: object) -> None:
    values, _ = load_mapping(f"k: {text}\n", "n.md", 2)
    assert values["k"] == value


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("a: 1\na: 2\n", "n.md:3: duplicate key 'a' (first on line 2)"),
        (
            "a: &x 1\nb: *x\n",
            "n.md:2: YAML anchors and aliases are not supported in front matter; write the value out",
        ),
        ("a: [1\n", "n.md:3: front matter is not valid YAML: did not find expected ',' or ']'"),
        ("- a\n", "n.md:2: front matter must be a list of `key: value` lines"),
        (
            "a: b: c\n",
            "n.md:2: front matter is not valid YAML: mapping values are not allowed in this context",
        ),
    ],
)
def test_yaml_problems_name_the_line(front: str, message: str) -> None:
    with pytest.raises(NoteError) as caught:
        load_mapping(front, "n.md", 2)
    assert str(caught.value) == message


def test_split_front_matter() -> None:
    assert split_front_matter("---\na: 1\n---\nbody") == ("a: 1\n", 13)
    assert split_front_matter("no front matter\n") == (None, 0)
    assert split_front_matter("\ufeff---\r\na: 1\r\n---\r\n") == ("a: 1\r\n", 17)
    with pytest.raises(ValueError):
        split_front_matter("---\na: 1\n")


def test_facts_are_typed_by_key() -> None:
    note = note_from(
        "type: interview\nname: Jane Doe\ninterview: 2026-11-19T14:00\nreferred_by: '[[Maya Chen|Maya]]'\n"
        "topics: [dbt, streaming]\nurgent: yes\nmax_followups: 3\ncadence: 2w\nphone: 5551234\n"
    )
    assert note.type == "interview"
    assert note.name == "Jane Doe"
    assert note.facts["interview"] == (Moment(date(2026, 11, 19), date(2026, 11, 20)),)
    assert note.facts["referred_by"] == Link("Maya Chen", "Maya")
    assert note.facts["topics"] == ("dbt", "streaming")
    assert note.facts["urgent"] is True
    assert note.facts["max_followups"] == 3
    assert note.facts["cadence"] == (2, "w")
    assert note.facts["phone"] == "5551234"


def test_a_count_written_as_text_is_read_as_obsidian_shows_it() -> None:
    assert note_from('type: interview\nmax_followups: "3"\n').facts["max_followups"] == 3


def test_a_count_as_text_of_more_digits_than_python_reads_is_a_problem_not_a_crash() -> None:
    # int() refuses a text of over 4300 digits (ValueError): a hostile note crashed every command
    data = f'---\ntype: interview\nmax_followups: "{"1" * 5000}"\n---\n'.encode()
    assert "max_followups: expected a whole number, 0 or more" in problem_from(data).message


@pytest.mark.parametrize("more", ["", "topics: [a, b]\n"], ids=["plain lines", "libyaml"])
def test_an_integer_of_more_digits_than_python_reads_stays_its_text(more: str) -> None:
    # int() refuses over 4300 decimal digits (ValueError): a hostile note crashed every command
    digits = "1" * 5000
    assert note_from(f"type: contact\n{more}phone: {digits}\n").facts["phone"] == digits


def test_name_defaults_to_the_file_stem() -> None:
    assert note_from("type: contact\n", path="people/Ann Lee.md").name == "Ann Lee"


def test_empty_values_are_absent() -> None:
    note = note_from("type: contact\ncompany:\nmet: ''\ntopics: []\n")
    assert dict(note.facts) == {}


@pytest.mark.parametrize(
    ("value", "link"),
    [
        ("[[Jane Doe]]", Link("Jane Doe", "Jane Doe")),
        ("[[people/Jane Doe|Jane]]", Link("people/Jane Doe", "Jane")),
        ("[[Jane Doe#Work]]", Link("Jane Doe", "Jane Doe")),
        ("[Jane](people/Jane%20Doe.md)", Link("people/Jane Doe", "Jane")),
        ("Jane Doe", Link("Jane Doe", "Jane Doe")),
        ([["Jane Doe"]], Link("Jane Doe", "Jane Doe")),  # unquoted [[Jane Doe]] in YAML
        # unquoted, its alias and heading were part of the name ("Jane Doe|Jane")
        ([["people/Jane Doe|Jane"]], Link("people/Jane Doe", "Jane")),
        ([["Jane Doe#Work"]], Link("Jane Doe", "Jane Doe")),
    ],
)
def test_links(value: object, link: Link) -> None:
    assert parse_link(value) == link


@pytest.mark.parametrize(
    ("value", "day", "next_day"),
    [
        ("2026-11-20", date(2026, 11, 20), date(2026, 11, 21)),
        (date(2026, 11, 20), date(2026, 11, 20), date(2026, 11, 21)),
        ("2026-11-20T09:30", date(2026, 11, 20), date(2026, 11, 21)),
        ("2026-11-20 09:30:15", date(2026, 11, 20), date(2026, 11, 21)),
        # 23:30 in Tokyo is 09:30 in New York the same day
        ("2026-11-20T23:30+09:00", date(2026, 11, 20), date(2026, 11, 21)),
        # 01:00 UTC is the evening before in New York
        ("2026-11-20T01:00Z", date(2026, 11, 19), date(2026, 11, 20)),
        (datetime(2026, 11, 20, 1, 0, tzinfo=UTC_ZONE), date(2026, 11, 19), date(2026, 11, 20)),
        # 24 hours after 23:30 the night before clocks spring forward is 00:30 two days on
        ("2026-03-07T23:30", date(2026, 3, 7), date(2026, 3, 9)),
        # and the night they fall back, 24 hours later is still the next day
        ("2026-10-31T23:30", date(2026, 10, 31), date(2026, 11, 1)),
    ],
)
def test_dates_and_date_times_become_local_days(value: object, day: date, next_day: date) -> None:
    assert parse_moment(value, "interview", "n.md", 2, NEW_YORK) == Moment(day, next_day)


@pytest.mark.parametrize(
    "value",
    [
        '"[[2026-11-18]]"',
        "[[2026-11-18]]",
        '"[[Daily/2026-11-18|Wed 18]]"',
        "'[[2026-11-18#Lunch]]'",
        "[[2026-11-18|Wed]]",
    ],
)
def test_a_date_linked_to_its_daily_note_is_that_day(value: str) -> None:
    """Obsidian users link a date to its daily note (`met: "[[2026-11-18]]"`):
    it was "expected a date", and the note had no step from it."""
    note = note_from(f"type: contact\nmet: {value}\ninterview: {value}\n")
    assert note.facts["met"] == date(2026, 11, 18)


BAD = [
    (b"---\ntype: contact\nmet: 2026-13-45\n---\n", "note.md:3: met: 2026-13-45 is not a real date"),
    (
        b"---\ntype: contact\nmet: soon\n---\n",
        "note.md:3: met: expected a date like 2026-11-20 or 2026-11-20T14:30, got 'soon'",
    ),
    (
        b"---\ntype: contact\nmet: '[[Coffee with Dana]]'\n---\n",
        "note.md:3: met: expected a date like 2026-11-20 or 2026-11-20T14:30, got '[[Coffee with Dana]]'",
    ),
    (
        b"---\ntype: contact\nmet: '[[2026-02-30]]'\n---\n",
        "note.md:3: met: [[2026-02-30]] is not a real date",
    ),
    (  # a link to a web page is no daily note, whatever its last part
        b"---\ntype: contact\nmet: '[meetup](https://x.example/events/2026-11-18)'\n---\n",
        "note.md:3: met: expected a date like 2026-11-20 or 2026-11-20T14:30, "
        "got '[meetup](https://x.example/events/2026-11-18)'",
    ),
    (
        b"---\ntype: contact\ncompany: [A, B]\n---\n",
        "note.md:3: company: expected a single value, got ['A', 'B']",
    ),
    (
        b"---\ntype: interview\ninterviewer: [Dana, {a: b}]\n---\n",
        "note.md:3: interviewer: expected links to notes, got ['Dana', {'a': 'b'}]",
    ),
    (
        b"---\ntype: contact\nmax_followups: two\n---\n",
        "note.md:3: max_followups: expected a whole number, 0 or more, got 'two'",
    ),
    (
        b"---\ntype: contact\nmax_followups: -1\n---\n",
        "note.md:3: max_followups: expected a whole number, 0 or more, got -1",  # was "a whole number"
    ),
    (
        b"---\ntype: contact\ncadence: often\n---\n",
        "note.md:3: cadence: expected an interval like 10d, 3w, 2m or 1y, got 'often'",
    ),
    (
        b"---\ntype: contact\nstatus: actve\n---\n",
        "note.md:3: status: 'actve' is not one of active, waiting, paused, closed, hired, withdrawn, "
        "declined, rejected (map it in followup-md.toml [statuses]); did you mean 'active'?",
    ),
    (
        b"---\ntype: log\ndate: 2026-11-19\ndirection: recieved\n---\n",
        "note.md:4: direction: expected sent, received, exchanged, got 'recieved' "
        "(map it in followup-md.toml [directions]); did you mean 'received'?",
    ),
    (b"---\ntype: contact\nname: J\xe9r\xf4me\n---\n", "note.md:3: not UTF-8 text; save the note as UTF-8"),
    (
        b"---\ntype: contact\n---\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> other\n",
        "note.md:4: unresolved merge conflict markers; resolve the conflict first",
    ),
    (
        b"---\ntype: contact\nmet: 2026-11-20\n",
        "note.md:1: front matter opened with --- on line 1 is never closed",
    ),
    (
        b"---\ntype: interveiw\n---\n",
        "note.md:2: type: 'interveiw' is not a type we know; did you mean 'interview'?",
    ),
    (
        b"---\ntype: contact\na: 1\na: 2\n---\n",
        "note.md:4: duplicate key 'a' (first on line 3)",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD, ids=[m.split(": ", 1)[1][:40] for _, m in BAD])
def test_bad_input_is_a_problem_with_its_line(data: bytes, message: str) -> None:
    assert str(problem_from(data)) == message


@pytest.mark.parametrize(
    "data",
    [
        b"---\ntype: book\nauthor: [unclosed\n---\n",  # not ours: never YAML-parsed
        b"---\ntype: blog\n---\n",  # 'blog' is no near miss of 'log'
        b"no front matter at all\n",
        b"",
        b"<% tp.file.cursor() %>\n---\ntype: contact\n---\n",  # Templater script first
        b"---\ntitle: x\n---\n",
    ],
)
def test_notes_that_are_not_ours_are_left_alone_silently(data: bytes) -> None:
    assert read_note("n.md", data, Config(), TaskSyntax()) is None


def test_bom_and_crlf_are_tolerated() -> None:
    data = "\ufeff---\r\ntype: contact\r\nmet: 2026-11-20\r\n---\r\nbody\r\n".encode()
    note = read_note("n.md", data, Config(), TaskSyntax())
    assert not isinstance(note, type(None))
    assert note.facts["met"] == date(2026, 11, 20)  # type: ignore[union-attr]
    assert note.newline == "\r\n"  # type: ignore[union-attr]


def test_type_is_matched_in_any_case() -> None:
    assert note_from("type: Interview\n").type == "interview"


@pytest.mark.parametrize(
    ("value", "guess"),
    [
        ("interveiw", "interview"),
        ("aplication", "application"),
        ("contacts", "contact"),
        ("blog", None),
        ("book", None),
        ("article", None),
        ("referal", "referral"),
        ("person", None),
    ],
)
def test_near_miss(value: str, guess: str | None) -> None:
    assert near_miss(value) == guess


def test_config_adopts_a_vault_without_editing_notes() -> None:
    config = Config(
        keys={"type": "App-Stage", "applied": "Applied-Date", "company": "Company"},
        types={"Applied": "application"},
    )
    note = note_from("App-Stage: Applied\nApplied-Date: 2026-11-18\nCompany: Initech\n", config=config)
    assert (note.type, note.facts["applied"], note.facts["company"]) == (
        "application",
        date(2026, 11, 18),
        "Initech",
    )


def test_folder_and_tag_map_to_types() -> None:
    config = Config(folders={"People": "contact"}, tags={"job/lead": "contact"})
    assert note_from("met: 2026-11-20\n", path="People/Ann.md", config=config).type == "contact"
    assert note_from("tags: [job/lead]\n", path="Ann.md", config=config).type == "contact"
    untagged = read_note("Ann.md", b"---\ntags: [job/other]\n---\n", config, TaskSyntax())
    assert untagged is None


@pytest.mark.parametrize(
    "tags",
    ["job/lead", "'#job/lead'", "Job/Lead", "[other, '#JOB/lead']", "other, job/lead", "other job/lead"],
)
def test_a_tag_rule_reads_tags_as_obsidian_does(tags: str) -> None:
    """Obsidian's tags ignore case, and a text value holds several, split at
    commas and spaces: each form is the tag the `[tags]` rule names."""
    config = Config(tags={"job/lead": "contact"})
    assert note_from(f"tags: {tags}\n", path="Ann.md", config=config).type == "contact"


def test_direction_values_map_through_config() -> None:
    """A vault's own pick-list (`Exchanged`, `Outgoing`) maps onto ours."""
    config = Config(directions={"Exchanged": "exchanged", "Outgoing": "sent"})
    for value, ours in (("Exchanged", "exchanged"), ("Outgoing", "sent"), ("Received", "received")):
        data = f"---\ntype: log\ndate: 2026-11-20\nwith: '[[Maya]]'\ndirection: {value}\n---\n".encode()
        note = read_note("log.md", data, config, TaskSyntax(), ZoneInfo("UTC"))
        assert note is not None and not isinstance(note, Problem)
        assert note.facts["direction"] == ours
    data = b"---\ntype: log\ndate: 2026-11-20\ndirection: Phoned\n---\n"
    problem = read_note("log.md", data, config, TaskSyntax(), ZoneInfo("UTC"))
    assert problem == Problem(
        "log.md",
        4,
        "direction: expected sent, received, exchanged, got 'Phoned' (map it in followup-md.toml [directions])",
    )


def test_channel_is_one_of_ours() -> None:
    data = b"---\ntype: interview\ninterview: 2026-11-20\nchannel: Call\n---\n"
    note = read_note("n.md", data, Config(), TaskSyntax(), ZoneInfo("UTC"))
    assert note is not None and not isinstance(note, Problem) and note.facts["channel"] == "call"
    data = b"---\ntype: interview\ninterview: 2026-11-20\nchannel: fax\n---\n"
    problem = read_note("n.md", data, Config(), TaskSyntax(), ZoneInfo("UTC"))
    assert problem == Problem("n.md", 4, "channel: expected email, call, linkedin, got 'fax'")


# Front matter lines near the simple form's edges: keys that are not names,
# values YAML types or rejects, quotes, comments, colons, spaces, indentation.
KEYS = [
    "type",
    "a",
    "_k",
    "x-y",
    "A1",
    "null",
    "Null",
    "true",
    "FALSE",
    "~",
    "1",
    "a b",
    "k" * 130,
    "k" * 1030,
    "é",
]
VALUES = [
    *["", " ", "x", "Company 10", "a  b", "person10@example.com", "2026-11-19", "2026-11-19T14:00-05:00"],
    *["12:30", "~", "null", "NULL", "nulls", "true", "True", "tRUE", "no", "012", "0o17", "0x1f", "0x"],
    *["1.5", "1e3", "1_000", "+1", "-0", ".5", ".inf", "-.Inf", ".nan", "nan", "1 2", "a :b", "a: b"],
    *["b:", "a #c", "a#c", "O'Brien", "(x), y", "a=b", "a/b+c", "@x", "-x", "- x", "? x", "&a x", "*a"],
    *["!x", "|", ">", "%x", "`x`", "[a]", "{a: 1}", '"[[Person 4]]"', '"a\\"b"', '""', '"a" b', "'q'"],
    *["x ", "\tx", "é", "a\u2028b", "a\x85b", "a\rb", '"a\x00"', "x\n  y", "x\n- y"],
]
EDGY_VALUE = st.one_of(
    st.sampled_from(VALUES),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ._@/+,()'=:#-]{0,10}", fullmatch=True),  # plain, or nearly
    st.from_regex(r'"[ -~]{0,8}"', fullmatch=True),  # double-quoted, escapes and all
)
VALUE = st.one_of(EDGY_VALUE, st.text(max_size=8))
FRONT_LINE = st.one_of(
    st.builds(lambda k, v: f"{k}:{v and ' ' + v}", st.sampled_from(KEYS), VALUE),
    st.sampled_from(["", "# comment", "  indented: x", "---", "...", "- item", "k:v", "k : v", "k:\tv"]),
)
NAMED = st.builds(lambda k, v: f"{k}: {v}", st.sampled_from([*KEYS[:5], "name", "met"]), EDGY_VALUE)
FRONT = st.one_of(
    NAMED.map(lambda line: [line]),  # one value at a time: most are simple
    st.lists(NAMED, max_size=4, unique_by=lambda line: line.split(":")[0]),
    st.lists(FRONT_LINE, max_size=8),  # any lines
)


@settings(max_examples=3000, deadline=None)
@given(FRONT, st.sampled_from([True, True, True, False]))
@example(["type: referral", 'referred_by: "[[Person 4]]"', "interview: 2026-11-19T14:00"], True)
@example([], True)
def test_simple_front_matter_reads_as_libyaml_reads_it(lines: list[str], ended: bool) -> None:
    """The fast reading of simple front matter answers what libyaml answers
    (values, their types, key order and lines), or leaves the text to it."""
    text = "\n".join(lines) + ("\n" if ended and lines else "")
    fast = simple_mapping(text, 2)
    if fast is not None:
        assert repr(fast) == repr(_load_with_yaml(text, "n.md", 2))


@settings(max_examples=2000)
@given(
    st.one_of(
        st.text(),
        st.lists(st.sampled_from(["/", ".", "..", "a", "b.md", " ", ".md", "\\"]), max_size=8).map("".join),
    )
)
@example("a/.")
@example("a/")
@example(".md")
@example("a.")
def test_file_names_are_read_as_pathlib_reads_them(path: str) -> None:
    assert (file_name(path), file_stem(path)) == (PurePosixPath(path).name, PurePosixPath(path).stem)


def _split_by_lines(text: str) -> tuple[str | None, int]:
    """`split_front_matter` read line by line (the oracle for its search)."""
    lines = text.split("\n")
    if len(lines) < 2 or lines[0].lstrip("\ufeff").rstrip() != "---":
        return None, 0
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
    if closing is None:
        raise ValueError(0)
    body = sum(len(line) + 1 for line in lines[:closing])
    return text[len(lines[0]) + 1 : body], min(body + len(lines[closing]) + 1, len(text))


@settings(max_examples=2000)
@given(
    st.lists(
        st.sampled_from(["---", "--- ", "----", "-", "\n", "\r", "a: b", " ", "\ufeff", "\t"]), max_size=12
    ).map("".join)
)
@example("---\n---")
@example("---\n---\n")
@example("---\na\n--- \t\r\nb")
def test_front_matter_is_split_as_line_by_line(text: str) -> None:
    try:
        expected: object = _split_by_lines(text)
    except ValueError:
        expected = ValueError
    try:
        assert split_front_matter(text) == expected
    except ValueError:
        assert expected is ValueError


NESTING = ["[", "{", "]", "}", "[" * 16, "{" * 16, '"', "'", "\n", "x", " ", " " * 128, "\r", "\u2028"]


@settings(max_examples=2000)
@given(st.one_of(st.text(), st.lists(st.sampled_from(NESTING), max_size=30).map("".join)))
@example("[" * 33)
@example("[" * 32 + "]" + "{")
@example('"' + "[" * 40)
@example(" " * 257 + "x")
@example("x\r" + " " * 257 + "x")
def test_front_matter_too_deep_is_found_as_the_full_scan_finds_it(text: str) -> None:
    """The shortcut (too few brackets, no run of spaces that wide) never hides what the full scan finds."""
    assert _too_deep(text) == (_flow_too_deep(text) or _widest_indent(text) > 2 * MAX_DEPTH * 4)


@settings(max_examples=1000)
@given(
    st.one_of(
        st.text(),
        st.lists(st.sampled_from(["<<<<<<<", ">>>>>>>", "<", ">", "=", " ", "\n", "x"])).map("".join),
    )
)
def test_a_text_without_seven_angles_in_a_row_has_no_conflict(text: str) -> None:
    """The shortcut finds the conflict marker the full search finds."""
    found = _CONFLICT.search(text)
    assert _first_conflict(text) == (found.start() if found else None)


@pytest.mark.parametrize(
    ("value", "people"),
    [
        ("Dana Ortiz", Link("Dana Ortiz", "Dana Ortiz")),
        ("[[Dana Ortiz]]", Link("Dana Ortiz", "Dana Ortiz")),  # YAML's list of a list, unquoted
        ("[Dana Ortiz]", Link("Dana Ortiz", "Dana Ortiz")),  # a list of one
        (
            '["[[Dana Ortiz|Dana]]", Sam Lee]',
            (Link("Dana Ortiz", "Dana"), Link("Sam Lee", "Sam Lee")),
        ),
        ("\n  - Dana Ortiz\n  - Sam Lee", (Link("Dana Ortiz", "Dana Ortiz"), Link("Sam Lee", "Sam Lee"))),
        # the same person twice was greeted twice ("Hi Dana and Dana,")
        ('[Dana Ortiz, "[[Dana Ortiz]]"]', Link("Dana Ortiz", "Dana Ortiz")),
        ('["[[Dana Ortiz|Dana]]", dana ortiz]', Link("Dana Ortiz", "Dana")),
        ("[Dana Ortiz, Sam Lee, Dana Ortiz]", (Link("Dana Ortiz", "Dana Ortiz"), Link("Sam Lee", "Sam Lee"))),
    ],
)
def test_an_interviewer_or_contact_is_one_person_or_a_panel(value: str, people: object) -> None:
    """A list of people, as Obsidian writes a list property, was a problem that
    cost the note every step; it is a panel, each by name or link."""
    for key in ("interviewer", "contact"):
        note = note_from(f"type: interview\n{key}: {value}\n")
        assert note.facts[key] == people
