"""Which notes are ours is decided by what the YAML says, in every form YAML
allows; the raw-bytes fast path may only ever skip notes YAML would skip too.
And every key of a note of ours is read, or a near miss is reported."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from followup_md.config import Config
from followup_md.errors import NoteError
from followup_md.model import Note, Problem, TaskSyntax
from followup_md.parse import decode_note, read_note, split_front_matter
from followup_md.recognition import mistyped, note_type, our_keys, surely_not_ours
from followup_md.yamlcore import load_mapping

from .helpers import UTC_ZONE, note_from, problem_from

CONFIGS = {
    "default": Config(),
    "categories": Config(keys={"type": "categories"}, types={"[[People]]": "contact"}),
    "stage": Config(keys={"type": "Stage", "status": "Stage"}, types={"Applied": "application"}),
    "tags": Config(tags={"job/lead": "contact"}),
    "hash-tags": Config(tags={"#job/lead": "contact"}),  # a rule written as `[cadence]` writes tags
}
KEYS = [
    "type",
    "Type",
    "TYPE",
    "categories",
    "Stage",
    "stage",
    "tags",
    "subtype",
    "met",
    "title",
    "ſtage",
    "typ",
    "Tpye",
    "types",
    "stag",
]
VALUES = [
    "contact",
    "Contact",
    "book",
    "interveiw",
    "interviewer",
    "contract",
    "[[People]]",
    "[[Books]]",
    "Applied",
    "job/lead",
    "",
    "~",
    "null",
    "true",
    "123",
    "con tact",
    "contacts",
    "2026-11-20",
]


def _entry(key: str, value: str, form: str) -> str:
    """One `key: value` in one of the ways YAML can write it."""
    if form == "plain":
        return f"{key}: {value}\n"
    if form == "comment":
        return f"{key}: {value}   # a comment\n"
    if form == "quoted-key":
        return f'"{key}": {value}\n'
    if form == "single-key":
        return f"'{key}': '{value}'\n"
    if form == "quoted":
        return f'{key}: "{value}"\n'
    if form == "flow-list":
        return f'{key}: ["{value}"]\n'
    if form == "block-list":
        return f'{key}:\n  - "{value}"\n'
    if form == "compact-list":
        return f"{key}:\n- {value}\n"
    if form == "folded":
        return f"{key}: >-\n  {value}\n"
    if form == "literal":
        return f"{key}: |-\n  {value}\n"
    if form == "continued":
        head, _, tail = value.partition("t")
        return f"{key}: {head}\n  t{tail}\n"
    if form == "escaped":
        return f'"{key[:1]}\\x{ord(key[1]):02x}{key[2:]}": {value}\n' if len(key) > 1 else f"{key}: {value}\n"
    if form == "explicit":
        return f"? {key}\n: {value}\n"
    raise AssertionError(form)


FORMS = [
    "plain",
    "comment",
    "quoted-key",
    "single-key",
    "quoted",
    "flow-list",
    "block-list",
    "compact-list",
    "folded",
    "literal",
    "continued",
    "escaped",
    "explicit",
]


@st.composite
def front_matters(draw: st.DrawFn) -> bytes:
    entries = draw(
        st.lists(
            st.tuples(st.sampled_from(KEYS), st.sampled_from(VALUES), st.sampled_from(FORMS)),
            min_size=0,
            max_size=4,
        )
    )
    layout = draw(st.sampled_from(["block", "flow", "flow-lines", "indented", "commented"]))
    if layout == "block":
        front = "".join(_entry(k, v, f) for k, v, f in entries)
    elif layout == "commented":
        front = "# my note\n\n" + "".join(_entry(k, v, f) for k, v, f in entries)
    elif layout == "indented":
        front = "".join("  " + line + "\n" for k, v, f in entries for line in _entry(k, v, f).splitlines())
    else:
        joint = ",\n" if layout == "flow-lines" else ", "
        front = "{" + joint.join(f'{k}: "{v}"' for k, v, _ in entries) + "}\n"
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    text = bom + "---\n" + front + "---\nbody\n"
    return text.replace("\n", newline).encode("utf-8")


def _slow_verdict(data: bytes, config: Config) -> str | None:
    """What the full parse says: our type, "problem" (a near miss, two types),
    "unreadable" (YAML that does not parse: no verdict), or None: not ours."""
    try:
        front, _ = split_front_matter(decode_note(data, "n.md"))
    except (NoteError, ValueError):
        return "unreadable"
    if front is None:
        return None
    try:
        raw, lines = load_mapping(front, "n.md", 2)
    except NoteError:
        return "unreadable"
    try:
        keys = our_keys(raw, lines, config, "n.md")
        kind = note_type(raw, keys, lines, "n.md", config)[0]
    except NoteError:
        return "problem"
    return kind or ("problem" if mistyped(raw, keys, lines, config, "n.md") else None)


@settings(max_examples=400, deadline=None)
@given(front_matters(), st.sampled_from(sorted(CONFIGS)))
@example(b"---\ntype: contact   # a comment\n---\n", "default")
@example(b"---\n{type: contact, met: 2026-11-20}\n---\n", "default")
@example(b"---\n{a: 1,\ntype: con\ntact}\n---\n", "default")
@example(b"---\n\xef\xbb\xbf---\ntype: contact\n---\n", "default")
@example(b"---\ntags: job/lead\n---\n", "hash-tags")
@example(b'---\nsummary: "a\ntype: book\nb"\ntyp: interview\n---\n', "default")  # a line of a text
@example(b"---\nmeta: {a: 1,\ntype: book\nb}\ntyp: interview\n---\n", "default")
def test_the_fast_path_only_skips_what_yaml_skips(data: bytes, config_name: str) -> None:
    config = CONFIGS[config_name]
    if surely_not_ours(data, config):
        assert _slow_verdict(data, config) in (None, "unreadable")


@pytest.mark.parametrize(
    "front",
    [
        "type: contact   # a comment\nmet: 2026-11-20\n",
        '"type": contact\nmet: 2026-11-20\n',
        "'type': contact\nmet: 2026-11-20\n",
        "type: [contact]\nmet: 2026-11-20\n",
        "type:\n  - contact\nmet: 2026-11-20\n",
        "type:\n- contact\nmet: 2026-11-20\n",
        "type: >-\n  contact\nmet: 2026-11-20\n",
        "{type: contact, met: 2026-11-20}\n",
        "{type: contact,\n met: 2026-11-20}\n",
        "Type: contact\nmet: 2026-11-20\n",
        "TYPE: Contact\nMet: 2026-11-20\n",
        '"t\\x79pe": contact\nmet: 2026-11-20\n',
        "? type\n: contact\nmet: 2026-11-20\n",
    ],
)
def test_every_yaml_form_of_type_is_read(front: str) -> None:
    for newline in ("\n", "\r\n"):
        data = f"---\n{front}---\nbody\n".replace("\n", newline).encode()
        note = read_note("n.md", data, Config(), TaskSyntax(), UTC_ZONE)
        assert isinstance(note, Note), (front, note)
        assert (note.type, note.facts["met"].isoformat()) == ("contact", "2026-11-20")


def test_a_list_valued_type_key_is_ours_when_one_value_maps() -> None:
    config = Config(keys={"type": "categories"}, types={"People": "contact"})
    note = note_from('categories: ["[[People]]", "[[Friends]]"]\nmet: 2026-11-20\n', config=config)
    assert note.type == "contact"
    assert ("types", "People") in note.uses  # matched through the link's target
    unquoted = note_from("categories: [[People]]\nmet: 2026-11-20\n", config=config)
    assert unquoted.type == "contact"
    exact = Config(keys={"type": "categories"}, types={"[[People]]": "contact"})
    assert ("types", "[[People]]") in note_from('categories: ["[[People]]"]\n', config=exact).uses
    assert read_note("n.md", b'---\ncategories: ["[[Books]]"]\n---\n', config, TaskSyntax()) is None


def test_two_types_in_one_list_are_a_problem() -> None:
    problem = problem_from(b"---\nmet: 2026-11-20\ntype: [contact, application]\n---\n")
    assert str(problem) == "note.md:3: type: one note has one type, not application and contact"


def test_keys_match_in_any_case_and_twice_is_a_problem() -> None:
    note = note_from(
        "type: interview\nInterview: 2026-11-12\nInterviewer: '[[Dana]]'\nREPLY_BY: 2026-11-20\n"
    )
    assert note.facts["interviewer"].text == "Dana"
    assert note.facts["reply_by"].isoformat() == "2026-11-20"
    assert note.sources["interviewer"] == ("Interviewer", 4)
    problem = problem_from(b"---\ntype: contact\nmet: 2026-11-20\nMet: 2026-11-21\n---\n")
    assert str(problem) == (
        "note.md:4: 'Met' is 'met' again (property names ignore case; first on line 3); keep one"
    )


@pytest.mark.parametrize(
    ("key", "guess"),
    [
        ("intervew", "interview"),
        ("replyby", "reply_by"),
        ("Reply By", "reply_by"),
        ("last-contact", "last_contact"),
        ("interveiw", "interview"),
        ("refered_by", "referred_by"),
        ("appliedd", "applied"),
    ],
)
def test_a_near_miss_key_is_a_warning_with_its_line(key: str, guess: str) -> None:
    note = note_from(f"type: interview\nrole: Analyst\n{key}: 2026-11-12\n")
    assert [str(w) for w in note.warnings] == [
        f"note.md:4: warning: {key!r} is not a key followup-md reads; did you mean {guess!r}?"
    ]


@pytest.mark.parametrize(
    ("line", "guess"),
    [
        ("mett: 2026-11-12", "met"),
        ("Mte: 2026-11-12", "met"),
        ("nxet: 2026-11-30", "next"),
        ("dat: 2026-11-12", "date"),
        ('wiht: "[[Dana Ortiz]]"', "with"),
        ("wiht: [[Dana Ortiz]]", "with"),
        ("wth: ['[[Dana]]', '[[Sam]]']", "with"),
        ("typ: interview", "type"),
        ('mett: "[[2026-11-12]]"', "met"),  # a date linked to its daily note is a date too
        ("dat: [[Daily/2026-11-12|Thu]]", "date"),
    ],
)
def test_a_slip_of_a_short_key_is_a_warning_when_its_value_is_that_keys(line: str, guess: str) -> None:
    """A key of ours under five letters is one edit from many words (`_slip`
    leaves them), so `mett: 2026-11-12` was read as the user's own key without
    a word: a slip is said when the value is one that key holds, of a key the
    note's type reads (`date` and `with` are a log note's)."""
    key = line.split(":")[0]
    kind = "log" if guess in ("date", "with") else "interview"
    note = note_from(f"type: {kind}\nrole: Analyst\n{line}\n")
    assert [str(w) for w in note.warnings] == [
        f"note.md:4: warning: {key!r} is not a key followup-md reads; did you mean {guess!r}?"
    ]


@pytest.mark.parametrize(
    "line",
    [
        "mate: Sam",
        "data: [1, 2]",
        "rule: strict",
        "nest: 2",
        "wish: a raise",
        "tape: 2026",
        "typo: book",
        "ty: 3",
        "data: 2026-11-18",  # an Italian template's date: `date` is only a log note's
        'wiht: "[[Dana]]"',  # and so is `with`
    ],
)
def test_a_short_keys_neighbour_with_another_kind_of_value_stays_silent(line: str) -> None:
    assert note_from(f"type: contact\n{line}\n").warnings == ()


@pytest.mark.parametrize(
    ("front", "line", "key"),
    [
        ("typ: interview\ncompany: Acme\n", 2, "typ"),
        ("company: Acme\nTpye: Application\n", 3, "Tpye"),
        ("types: contact\nmet: 2026-11-18\n", 2, "types"),
        ("tyep: [contact]\nemail: kim@example.com\n", 2, "tyep"),
        ("Typ: log\nwith: '[[Kim]]'\n", 2, "Typ"),
    ],
)
def test_a_misspelt_type_key_with_a_type_of_ours_is_a_problem(front: str, line: int, key: str) -> None:
    """`typ: interview` made a note that silently never took part: without a
    `type`, the note is no follow-up note, and no other key was looked at."""
    problem = problem_from(f"---\n{front}---\n".encode())
    assert str(problem) == (
        f"note.md:{line}: {key!r} is not a key followup-md reads; did you mean 'type'? "
        "Without it this note is no follow-up note"
    )


@pytest.mark.parametrize(
    "front",
    [
        "Typ: Buch\n",
        "typ: interveiw\nmet: 2026-11-18\n",
        "types: [book, film]\n",
        "tip: contact\nmet: 2026-11-18\n",
        # a type of ours, but no fact a follow-up has: a German podcast note's own key
        "Typ: Interview\nGast: Sam Lee\n",
        "Typ: Interview\ndate: 2026-11-18\ntags: [podcast]\n",
    ],
)
def test_a_type_keys_neighbour_without_a_type_of_ours_is_not_ours(front: str) -> None:
    """Another word (`Typ: Buch`, a German user's own key) says nothing, nor
    does one of our types in a note with no fact of a follow-up's (`Typ:
    Interview` on a podcast); nor a slip of both the key and the type
    (`typ: interveiw`), which only YAML could tell, for every note of a vault."""
    assert read_note("n.md", f"---\n{front}---\n".encode(), Config(), TaskSyntax()) is None


@pytest.mark.parametrize(
    "front",
    [
        "tags: [blog, catalog]\n",
        "source: https://example.com/login\ncategory: technology\n",
        "rating: helpful\nmood: dialogue\n",
        'source: "https://example.com/why%20interviews%20fail"\n',  # a web clipping's URL
    ],
)
def test_a_type_of_ours_inside_another_word_keeps_a_note_on_the_fast_path(front: str) -> None:
    """Only a type of ours as a word of its own may be a misspelt type key's
    value (`mistyped`): `blog` or `helpful` sent a note to YAML, ten times the
    cost of the fast path."""
    assert surely_not_ours(f"---\ntitle: Note\n{front}---\nbody\n".encode(), Config())


@pytest.mark.parametrize(
    "front",
    [
        'typ: "[Stelle](Offene%20Stelle.md)"\n',  # a Markdown link, as Obsidian writes one
        "typ: >-\n  Offene\n  Stelle\n",
        "typ: Offene\n  Stelle\n",
        'typ: "[x](Kon%74akt)"\n',
    ],
)
def test_a_misspelt_type_key_holding_an_alias_in_any_form_is_a_problem(front: str) -> None:
    """The fast path looked for the alias as written in `[types]`: a link's
    `%20` or a line YAML folds between its words hid it, and the note was
    skipped unread where YAML says it meant to be a follow-up note."""
    config = Config(types={"Offene Stelle": "application", "Kontakt": "contact"})
    problem = problem_from(f"---\n{front}applied: 2026-11-18\n---\n".encode(), config=config)
    assert problem.line == 2 and "did you mean 'type'?" in problem.message


@pytest.mark.parametrize(
    "key",
    [
        "contract",
        "salary",
        "notes",
        "source",
        "rating",
        "position",
        "contacts_list",
        "date_added",
        "title",
    ],
)
def test_the_users_own_keys_stay_silent(key: str) -> None:
    assert note_from(f"type: contact\n{key}: x\n").warnings == ()


def test_a_near_miss_of_a_renamed_key_is_a_warning() -> None:
    config = Config(keys={"applied": "Applied-Date"})
    note = note_from("type: application\nApplied Dte: 2026-11-12\n", config=config)
    assert [w.message for w in note.warnings] == [
        "'Applied Dte' is not a key followup-md reads; did you mean 'Applied-Date'?"
    ]


@pytest.mark.parametrize("value", ["contract", "interviewer", "book", "person", "contacted"])
def test_real_words_near_our_types_are_not_near_misses(value: str) -> None:
    assert read_note("n.md", f"---\ntype: {value}\n---\n".encode(), Config(), TaskSyntax()) is None


def test_a_misspelt_type_in_a_list_is_reported() -> None:
    problem = read_note("n.md", b"---\ntype: [interveiw]\n---\n", Config(), TaskSyntax())
    assert isinstance(problem, Problem)
    assert str(problem) == "n.md:2: type: 'interveiw' is not a type we know; did you mean 'interview'?"
