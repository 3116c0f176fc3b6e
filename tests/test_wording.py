"""The catalogue of words: every draft of every step, for the example vault and
for a sparse vault made only with `new`, against golden files (read them as a
recruiter would), and the rules no text may break."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_md import phrasing
from followup_md.catalogue import CATALOGUE, entry_key
from followup_md.cli import cli
from followup_md.links import copy_email, link_index, recipient_email
from followup_md.model import Note, NoteFile, Step
from followup_md.phrasing import _UNTIDY, FIELD, Sender, _surely_tidy, choose, fill, join_words, shown, tidy
from followup_md.placeholders import PLACEHOLDERS, note_person, words_for
from followup_md.safe_read import read_file
from followup_md.sync import SyncPlan, plan_sync
from followup_md.vault import load_config, read_settings, walk_notes
from followup_md.wording import action_text, draft_email

from .conftest import REPO, TODAY, MakeVault
from .helpers import note_from

GOLDEN = REPO / "tests" / "golden" / "drafts"
# A new user's notes: `new` with as few values as people give.
SPARSE = (
    ("contact", "Jane Doe"),
    (
        "contact",
        "Rosa Diaz",
        "--set",
        "met=-40d",
        "--set",
        "cadence=1m",
        "--set",
        "topics=[dbt, data pipelines]",
    ),
    ("contact", "Chris Walker", "--set", "next=+4d"),
    ("introduction", "Omar Haddad", "--set", "introduced_by=[[Maya Chen]]"),
    ("introduction", "Nadia"),
    ("help", "Priya Raman", "--set", "promise=an introduction to the platform lead"),
    ("help", "Sam", "--set", "urgent=true"),
    ("application", "Stark - SRE"),
    ("application", "Initrode"),
    ("interview", "Hooli - Backend Engineer", "--set", "interview=yesterday"),
    ("interview", "Coffee with Lee", "--set", "interview=yesterday", "--set", "format=informational"),
    ("interview", "Chat with Ana Reyes", "--set", "interview=+3d", "--set", "format=informational"),
    (
        "interview",
        "Acme - ML Engineer",
        "--set",
        "interview=-10d",
        "--set",
        "status=rejected",
        "--set",
        "closed=yesterday",
    ),
    (
        "interview",
        "Umbrella - Data Scientist",
        "--set",
        "interview=-2d",
        "--set",
        "referred_by=[[Lena Novak]]",
    ),
    ("interview", "Globex - Analyst", "--set", "interview=friday"),
    ("referral", "Lena Novak", "--set", "referred_by=[[Maya Chen]]"),
    ("referral", "Jon Park", "--set", "referred_by=Priya Raman", "--set", "contacted=-8d"),
    ("referral", "Ravi", "--set", "referred_by=Priya Raman", "--set", "connected=today"),
    ("referral", "Kim"),
    (
        "application",
        "Wayne - Analyst",
        "--set",
        "referred_by=[[Lena Novak]]",
        "--set",
        "status=hired",
        "--set",
        "closed=yesterday",
    ),
    (
        "interview",
        "Initech - Platform Engineer",
        "--set",
        "interview=-1d",
        "--set",
        "follow_up_on=+2d",
        "--set",
        "channel=call",
    ),
)
SPARSE_CONFIG = '[me]\nname = "Ada Lovelace"\nsignature = ["+1 555 0100"]\n'
DAYS = (0, 4, 9, 16, 30)  # every step a vault goes through in its first month


def _plan(root: Path, today: date) -> SyncPlan:
    config = load_config(root)
    settings = read_settings(root, config)
    files = []
    for rel, _ in walk_notes(root, config, settings):
        found = read_file(root, rel)
        if found is not None:
            files.append(NoteFile(rel, found[0], found[1]))
    return plan_sync(files, None, config, settings, today)


def _all_drafts(root: Path) -> list[tuple[Note, Step, str, str, str, str]]:
    """(note, step, to, cc, subject, body) of every step the vault shows over a month."""
    sender = load_config(root).sender
    seen: set[tuple[str, str]] = set()
    out = []
    for days in DAYS:
        plan = _plan(root, TODAY + timedelta(days=days))
        names = link_index(plan.notes)
        for step in sorted(plan.steps, key=lambda s: (s.note, s.start, s.id)):
            if (step.note, step.id) in seen or step.status != "open":
                continue
            seen.add((step.note, step.id))
            note = plan.notes[step.note]
            cc = copy_email(step, plan.notes, names)
            subject, body = draft_email(step, note, sender, cc=cc)
            to = recipient_email(step, plan.notes, names) or "(no address)"
            out.append((note, step, to, cc, subject, body))
    return out


def _transcript(drafts: list[tuple[Note, Step, str, str, str, str]]) -> str:
    parts = []
    for note, step, to, cc, subject, body in sorted(drafts, key=lambda d: (d[0].path, d[1].start, d[1].id)):
        head = [f"## {note.path} · {step.id} · {entry_key(step.id, note)} · {step.start}..{step.due}", ""]
        head += [f"Action: {step.action}", *([f"Hint: {step.hint}"] if step.hint else []), ""]
        head += [f"To: {to}", *([f"Cc: {cc}"] if cc else []), f"Subject: {subject}", ""]
        parts.append("\n".join(head) + "\n" + body)
    return "\n".join(parts)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = tmp_path / "example_vault"
    shutil.copytree(REPO / "example_vault", root)
    return root


@pytest.fixture
def sparse(tmp_path: Path) -> Path:
    root = tmp_path / "sparse"
    root.mkdir()
    (root / "followup-md.toml").write_text(SPARSE_CONFIG)
    runner = CliRunner()
    for kind, name, *sets in SPARSE:
        result = runner.invoke(cli, ["new", kind, name, *sets, "--vault", str(root), "--today", str(TODAY)])
        assert result.exit_code == 0, result.output
    return root


@pytest.mark.parametrize("vault", ["example", "sparse"])
def test_every_draft_matches_its_golden_file(
    vault: str, request: pytest.FixtureRequest, update_golden: bool
) -> None:
    root: Path = request.getfixturevalue(vault)
    text = _transcript(_all_drafts(root))
    golden = GOLDEN / f"{vault}.md"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_the_golden_files_cover_every_entry_of_the_catalogue() -> None:
    used = set()
    for vault in ("example", "sparse"):
        used |= set(
            re.findall(r"^## .+? · .+? · (\S+) · ", (GOLDEN / f"{vault}.md").read_text(), re.MULTILINE)
        )
    assert used == set(CATALOGUE)


KIND_OF_NOTE = {
    "reconnect": "contact",
    "reconnect-since": "contact",
    "keep-in-touch": "contact",
    "manual": "contact",
    "thank-introducer": "introduction",
    "reach-out": "introduction",
    "reach-out-referral": "referral",
    "update-source": "referral",
    "no-contact": "referral",
    "nudge": "help",
    "confirm": "application",
}
FULL = (
    "company: Globex\nrole: Analytics Engineer\ninterviewer: '[[Dana Ortiz|Dana]]'\n"
    "topics: [metrics layer, dbt]\nwhere: the PyData meetup\npromise: an introduction to the data team\n"
    "urgent: true\nreferred_by: '[[Maya Chen]]'\nintroduced_by: Omar Haddad\n"
    "reply_by: 2026-11-26\ncontacted: 2026-11-12\ninterview: 2026-11-19\nnext_action: Send the portfolio\n"
)


def test_every_entry_of_the_catalogue_matches_its_golden_file(update_golden: bool) -> None:
    """Each entry drafted from a note with every fact and from one with none:
    the catalogue as one document, for review."""
    parts = []
    for key in CATALOGUE:
        kind = KIND_OF_NOTE.get(key, "interview")
        extra = "format: informational\n" if key.endswith("-informational") else ""
        extra += "referred: 2026-11-10\n" if key == "reach-out-referral" else ""
        outcomes = ("hired", "rejected", "declined", "withdrawn") if key == "source-outcome" else ("active",)
        texts = " ".join(CATALOGUE[key].action)
        channels = [c for c in ("call", "linkedin") if f"{{?{c}}}" in texts]
        variants = [(FULL, s) for s in outcomes] + [(FULL, c) for c in channels]
        for facts, status in [*variants, ("", "active")]:
            name = "Lena Novak" if kind != "interview" and kind != "application" else "Globex - Analyst"
            state = status if status not in ("call", "linkedin") else "active"
            note = note_from(f"type: {kind}\nname: {name}\nstatus: {state}\n{extra}" + (facts or ""))
            channel = status if status in ("call", "linkedin") else "email"
            step = Step(note.path, STEP_OF.get(key, key), TODAY, TODAY, channel=channel)
            assert entry_key(step.id, note) == key
            action, hint = action_text(step.id, note, channel)
            cc = "maya.chen@example.org" if CATALOGUE[key].cc_source and facts else ""
            subject, body = draft_email(step, note, Sender("Ada Lovelace", ("+1 555 0100",)), cc=cc)
            label = f"{'every fact' if facts else 'no facts'}" + (f", {status}" if status != "active" else "")

            head = [f"## {key} · {kind} note with {label}", "", f"Action: {action}"]
            head += [f"Hint: {hint}"] if hint else []
            head += ["", *([f"Cc: {cc}"] if cc else []), f"Subject: {subject}", ""]
            parts.append("\n".join(head) + "\n" + body)
    text = "\n".join(parts)
    golden = GOLDEN / "catalogue.md"
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
    for line in text.splitlines():
        assert not _BROKEN.search(line), line


_BROKEN = re.compile(r"\[\[|\(\(|[{}]|open position|  | [,.;:!?]|\(\s*\)|,\s*[,.]|\.\.| \bopen role\b")


@pytest.mark.parametrize("vault", ["example", "sparse"])
def test_no_text_has_a_slot_left_empty_or_greets_a_company(
    vault: str, request: pytest.FixtureRequest
) -> None:
    root: Path = request.getfixturevalue(vault)
    for note, step, _, _, subject, body in _all_drafts(root):
        for text in (step.action, step.hint, subject, *body.split("\n")):
            assert not _BROKEN.search(text), (note.path, step.id, text)
            assert text == text.strip(), (note.path, step.id, text)
        greeting = body.split("\n", 1)[0]
        people = [
            shown(note.facts.get(key)) for key in ("interviewer", "contact", "introduced_by", "referred_by")
        ]
        people.append(note_person(note))
        allowed = {"Hello,"} | {f"Hi {person.split()[0]}," for person in people if person}
        assert greeting in allowed, (note.path, step.id, greeting)
        stem, company = Path(note.path).stem, shown(note.facts.get("company"))
        if note.type in ("application", "interview") or " - " in stem:
            assert greeting != f"Hi {stem.split()[0]},", (note.path, step.id, greeting)
        if company:
            assert not step.action.startswith((f"Email {company} ", f"Send {company} ")), step.action
            assert greeting != f"Hi {company.split()[0]},", (note.path, step.id, greeting)


@pytest.mark.parametrize(
    ("contact", "greeting"),
    [
        ("Dana Ortiz", "Hi Dana,"),
        ("Dr. Sarah Connor", "Hi Dr. Connor,"),  # was "Hi Dr.,"
        ("Mr. Smith", "Hi Mr. Smith,"),  # was "Hi Mr.,"
        ("Steve Jobs", "Hi Steve,"),
        ("Hooli HR", "Hello,"),  # was "Hi Hooli,": the company greeted as a person
        ("Talent Acquisition", "Hello,"),
        ("recruiting@hooli.example", "Hello,"),  # was "Hi recruiting@hooli.example,"
        ("the panel", "Hello,"),  # was "Hi the,"
        # a role after the name was read as a team ("Hello,"), its last word as a surname
        ("Sarah Lee - Hiring Manager", "Hi Sarah,"),  # was "Hello,"
        ("Jane Doe, HR", "Hi Jane,"),
        ("Dr. Jane Doe (Recruiter)", "Hi Dr. Doe,"),  # was "Hi Dr. (Recruiter),"
        ("Ms. Ana de la Cruz", "Hi Ms. de la Cruz,"),  # was "Hi Ms. Cruz,"
        ("Dr. Martin Luther King Jr.", "Hi Dr. King,"),  # was "Hi Dr. Jr.,"
        ("Sir Patrick Stewart", "Hi Sir Patrick,"),  # was "Hi Sir Stewart,"
    ],
)
def test_a_greeting_names_a_person_never_a_title_alone_a_team_or_an_address(
    contact: str, greeting: str
) -> None:
    note = note_from(f"type: application\ncompany: Hooli\ncontact: {contact}\napplied: 2026-11-16\n")
    _, body = draft_email(Step(note.path, "confirm", TODAY, TODAY), note, Sender())
    assert body.split("\n", 1)[0] == greeting


@pytest.mark.parametrize(
    ("panel", "greeting", "whom"),
    [
        ("[Dana Ortiz, Sam Lee]", "Hi Dana and Sam,", "Dana Ortiz and Sam Lee at Hooli"),
        (
            "[Dr. Sarah Connor, Sam Lee, Ana Ruiz]",
            "Hi Dr. Connor, Sam and Ana,",
            "Dr. Sarah Connor, Sam Lee and Ana Ruiz at Hooli",
        ),
        # a team among them: no one is greeted as a person, the company not said twice
        ("[Dana Ortiz, Hooli HR]", "Hello,", "Dana Ortiz and Hooli HR"),
        # the company among them is no one to thank: was "Hi Hooli and Dana,", "Send Hooli and Dana Ortiz"
        ("[Hooli, Dana Ortiz]", "Hi Dana,", "Dana Ortiz at Hooli"),
        ("[hooli, Dana Ortiz, Sam Lee]", "Hi Dana and Sam,", "Dana Ortiz and Sam Lee at Hooli"),
        ("[Dana Ortiz]", "Hi Dana,", "Dana Ortiz at Hooli"),
    ],
)
def test_a_panel_is_thanked_together_and_greeted_by_each_name(panel: str, greeting: str, whom: str) -> None:
    note = note_from(f"type: interview\ncompany: Hooli\ninterview: 2026-11-19\ninterviewer: {panel}\n")
    step = Step(note.path, "thank-you-20261119", TODAY, TODAY)
    _, body = draft_email(step, note, Sender())
    assert body.split("\n", 1)[0] == greeting
    action, hint = action_text(step.id, note, "email")
    assert action.startswith(f"Send {whom} a thank-you email within 24 hours")
    assert hint.startswith("or a separate one to each" if " and " in whom else "or a handwritten note")


def test_a_value_ending_in_a_full_stop_is_not_followed_by_another() -> None:
    # "the work at Foo, Inc.." and "follow up gently on an intro to their CTO.."
    note = note_from('type: introduction\nintroduced: 2026-11-19\ncompany: "Foo, Inc."\n', path="Cy Pan.md")
    _, body = draft_email(Step(note.path, "reach-out", TODAY, TODAY), note, Sender())
    assert "the work at Foo, Inc. Would you" in body
    help_note = note_from(
        'type: help\nasked: 2026-11-10\npromise: "an intro to their CTO."\n', path="Ann Lee.md"
    )
    _, body = draft_email(Step(help_note.path, "nudge", TODAY, TODAY), help_note, Sender())
    assert "on an intro to their CTO. Thank you" in body
    assert tidy("Wait... and see.") == "Wait... and see."
    assert tidy("the v1..v2 move and main..dev") == "the v1..v2 move and main..dev"  # was "v1.v2", "main.dev"


def test_every_placeholder_of_the_catalogue_is_known_and_computed() -> None:
    used = {
        name
        for entry in CATALOGUE.values()
        for texts in (entry.action, entry.hint, entry.subject, *entry.body)
        for text in texts
        for name in re.findall(r"\{(\w+)\}", text)
    }
    words = words_for(Step("n.md", "thank-you", TODAY, TODAY), note_from("type: interview\n"), Sender())
    assert used <= set(PLACEHOLDERS) and set(PLACEHOLDERS) <= set(words)


@pytest.mark.parametrize(
    ("items", "joined"),
    [
        ((), ""),
        (("dbt",), "dbt"),
        (("dbt", "data pipelines"), "dbt and data pipelines"),
        (("a", "b", "c"), "a, b and c"),
    ],
)
def test_lists_are_joined_as_a_person_writes_them(items: tuple[str, ...], joined: str) -> None:
    assert join_words(items) == joined


def test_the_second_check_in_is_a_different_note_with_an_article_hint() -> None:
    note = note_from(
        "type: interview\ncompany: Globex\nrole: Analyst\ninterviewer: Dana Ortiz\ntopics: [dbt, data pipelines]\n"
    )
    first = Step(note.path, "check-in-1", TODAY, TODAY)
    second = Step(note.path, "check-in-2", TODAY, TODAY)
    sender = Sender()
    assert draft_email(first, note, sender) != draft_email(second, note, sender)
    assert (
        "Since we talked about dbt and data pipelines, here is an article"
        in draft_email(second, note, sender)[1]
    )
    assert entry_key(second.id, note) == "check-in-again"


def test_link_fields_are_shown_by_their_text_everywhere(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "int.md": '---\ntype: interview\ncompany: "[[Acme Corp]]"\nrole: "[[Data Engineer]]"\n'
            'interviewer: "[[Jane Roe|Jane]]"\nemail: jane@acme.example\ninterview: 2026-11-19\n---\n',
            "bo-li.md": '---\ntype: contact\nname: "[[Bo Li]]"\ncompany: [[Acme Corp]]\nmet: 2026-11-19\n---\n',
        }
    )
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, [*args, "--today", str(TODAY)])
        assert result.exit_code == 0, result.output
        return result.stdout

    run("sync", str(root))
    texts = {
        "task": (root / "int.md").read_text().split("\n---\n", 1)[1],
        "Due.md": (root / "Due.md").read_text(),
        "draft": run("draft", "int", "--vault", str(root)),
        "mailto": unquote(run("draft", "int", "--mailto", "--vault", str(root))),
        "ics": run("export", "ics", str(root)).replace("\r\n ", ""),
        "due": run("due", str(root)),
        "json": run("due", str(root), "--json"),
        "contact": (root / "bo-li.md").read_text().split("\n---\n", 1)[1],
    }
    for where, text in texts.items():
        assert "Acme Corp" in text or where == "contact", where
        assert not re.search(r"\[\[(?:Acme|Data|Jane|Bo)|\(\((?:Acme|Data|Jane|Bo)", text), (where, text)
    assert "Send Jane at Acme Corp a thank-you email" in texts["task"]
    assert "Subject: Thank you for the Data Engineer interview\n\nHi Jane," in texts["draft"]
    assert "Email Bo Li: recall your meeting" in texts["contact"]


@pytest.mark.parametrize(
    ("step_id", "day"),
    [
        ("thank-you", "November 5"),
        ("thank-you-2", "November 12"),
        ("r2-check-in-1", "November 12"),
        ("check-in-1", "November 5"),
        ("thank-you-20261112", "November 12"),
        ("r20261105-check-in-2", "November 5"),
    ],
)
def test_a_rounds_step_speaks_of_its_own_interview(step_id: str, day: str) -> None:
    note = note_from("type: interview\ninterview: [2026-11-05, 2026-11-12]\n")
    assert words_for(Step(note.path, step_id, TODAY, TODAY), note, Sender())["interview_date"] == day


OPTIONAL = (
    "company: Hooli\n",
    "role: Backend Engineer\n",
    "interviewer: '[[Gavin Belson]]'\n",
    "contact: Sam Lee\n",
    "topics: [dbt, data pipelines]\n",
    "where: PyData\n",
    "promise: an introduction\n",
    "referred_by: '[[Maya Chen]]'\n",
    "introduced_by: Omar\n",
    "reply_by: 2026-11-26\n",
    "urgent: true\n",
    "interview: 2026-11-19\n",
    "contacted: 2026-11-12\n",
    "next_action: Send the portfolio\n",
)
STEP_OF = {
    "reach-out-referral": "reach-out",
    "thank-you-informational": "thank-you",
    "prepare-informational": "prepare",
    "check-in": "check-in-1",
    "check-in-again": "check-in-2",
    "manual": "manual-20261124",
    "reconnect-since": "reconnect-since-20260801",
    "follow-up": "follow-up-20261124",
}


@pytest.mark.parametrize("kind", ["interview", "application", "contact", "referral"])
@pytest.mark.parametrize("key", list(CATALOGUE))
def test_every_entry_reads_well_with_any_facts_missing(kind: str, key: str) -> None:
    """Every entry, for every type of note, with each fact there or not (a
    sample of the combinations): no empty slot, no company or file name greeted."""
    extra = "referred: 2026-11-10\n" if key == "reach-out-referral" else ""
    extra += "format: informational\n" if key.endswith("-informational") else ""
    for mask in range(0, 1 << len(OPTIONAL), 97):
        front = f"type: {kind}\n{extra}" + "".join(f for bit, f in enumerate(OPTIONAL) if mask >> bit & 1)
        note = note_from(front, path="Hooli - Backend Engineer.md")
        step = Step(
            note.path, STEP_OF.get(key, key), TODAY, TODAY, channel=("email", "call", "linkedin")[mask % 3]
        )
        if entry_key(step.id, note) != key:
            continue
        action, hint = action_text(step.id, note, step.channel)
        subject, body = draft_email(step, note, Sender(name="Ada"), cc="maya@example.org")
        for text in (action, hint, subject, *body.split("\n")):
            assert not _BROKEN.search(text), (front, text)
        assert body.split("\n", 1)[0] in {"Hello,", "Hi Gavin,", "Hi Sam,", "Hi Maya,", "Hi Omar,"}, (
            front,
            body,
        )


def test_a_user_template_keeps_its_own_layout_and_tidies_only_filled_lines() -> None:
    note = note_from("type: interview\ncompany: Globex\ninterviewer: Dana Ortiz\ninterview: 2026-11-19\n")
    template = "Subject: Thanks {first_name}\n\n{greeting}\n\n  - point  one\n  - about {topics}, noted\n\n{signature}\n"
    subject, body = draft_email(Step(note.path, "thank-you", TODAY, TODAY), note, Sender("Ada"), template)
    assert subject == "Thanks Dana"
    assert body == "Hi Dana,\n\n  - point  one\n  - about, noted\n\nBest regards,\nAda\n"


@settings(max_examples=1000)
@given(st.one_of(st.text(), st.text(alphabet=" \t\n\r\x0b\xa0\u2028,.;:?!ab")))
def test_untidy_text_is_found_as_the_plain_pattern_finds_it(text: str) -> None:
    """`_UNTIDY` is written to start with white space for speed; it finds
    untidy text exactly where the plain pattern does."""
    plain = re.compile(r"\S\s[\s,.;:?!]|\s$", re.MULTILINE)
    assert bool(_UNTIDY.search(text)) == bool(plain.search(text))


@settings(max_examples=1000)
@given(st.one_of(st.text(), st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x1f\x85\xa0,.;:?!ab")))
def test_text_surely_tidy_is_text_the_pattern_finds_tidy(text: str) -> None:
    """`_surely_tidy` (a byte scan of ASCII texts) never passes a text that
    `_UNTIDY` would find untidy, and turns an ASCII text away only for white
    space before more of it or a punctuation mark, or at its end."""
    if _surely_tidy(text):
        assert not _UNTIDY.search(text)
    elif text.isascii():
        assert re.search(r"\s[\s,.;:?!]|\s$", text, re.MULTILINE)


# Texts and values for `choose`'s differential test: placeholders (known or
# not, flags, a digit's name), braces, spacing and punctuation `tidy` sees.
_PIECES = ("{a}", "{b}", "{?c}", "{?d}", "{e}", "{0}", "{?}", "{", "}", " ", "  ", ",", "?", "x", "\n", "\t")
_VALUES = ("", "x", " y ", "a,b", "{a}", "{0}", "  ", "\n", ", z")


@settings(max_examples=500)
@given(
    st.lists(st.lists(st.sampled_from(_PIECES), max_size=8).map("".join), max_size=4),
    st.dictionaries(st.sampled_from(("a", "b", "?c", "?d", "0")), st.sampled_from(_VALUES)),
)
def test_choose_writes_what_fill_and_tidy_write(texts: list[str], words: dict[str, str]) -> None:
    """`choose` prepares each text once (a format string, its flags tested
    first); it picks and writes what the plain way does."""

    def plain() -> str:
        for text in texts:
            if all(words.get(name) for name in FIELD.findall(text)):
                return tidy(fill(text, words))
        return ""

    assert choose(tuple(texts), words) == plain()


class _Counted:
    """A compiled pattern whose uses are counted (under `name` in `uses`)."""

    def __init__(self, name: str, pattern: re.Pattern[str], uses: Counter[str]) -> None:
        self.name, self.pattern, self.uses = name, pattern, uses

    def __getattr__(self, attr: str) -> Any:
        self.uses[self.name] += 1
        return getattr(self.pattern, attr)


def test_the_words_of_a_vault_match_no_pattern_once_each_text_is_prepared(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counts, not a clock: a text is split at its placeholders once, when
    first chosen from (not filled by a regex each time), and the example
    vault's actions and drafts are tidy ASCII that no regex has to test."""
    uses: Counter[str] = Counter()
    monkeypatch.setattr(phrasing, "FIELD", _Counted("FIELD", phrasing.FIELD, uses))
    monkeypatch.setattr(phrasing, "_UNTIDY", _Counted("_UNTIDY", phrasing._UNTIDY, uses))
    phrasing._alternatives.cache_clear()
    first = _all_drafts(example)
    assert uses["FIELD"] > 0 and uses["_UNTIDY"] == 0
    uses.clear()
    assert _all_drafts(example) == first
    assert uses == {}


def test_a_panel_is_written_to_by_every_address_or_none() -> None:
    """One of a panel without an address (no note, or a note without `email`)
    made the email greet them all but go to the others only, without a word;
    it now has no address, as a single person without one does."""
    people = {
        "Dana Ortiz.md": "type: contact\nemail: dana@hooli.example\n",
        "Sam Lee.md": "type: contact\nemail: sam@hooli.example\n",
        "Ana Ruiz.md": "type: contact\n",
    }
    for panel, to in [
        ('["[[Dana Ortiz]]", "[[Sam Lee]]"]', "dana@hooli.example,sam@hooli.example"),
        ('["[[Dana Ortiz]]", "[[Ana Ruiz]]"]', None),  # was dana@hooli.example alone
        ('["[[Dana Ortiz]]", "[[Cy Pan]]"]', None),  # no note for Cy Pan
        ('["[[Dana Ortiz]]", Hooli]', "dana@hooli.example"),  # the company is no one to write to
        ('["[[Dana Ortiz]]", HOOLI]', "dana@hooli.example"),  # nor in other letters
    ]:
        front = f"type: interview\ncompany: Hooli\ninterview: 2026-11-19\ninterviewer: {panel}\n"
        notes = {path: note_from(text, path=path) for path, text in {**people, "Hooli.md": front}.items()}
        step = Step("Hooli.md", "thank-you-20261119", TODAY, TODAY)
        assert recipient_email(step, notes, link_index(notes)) == to, panel


def test_only_the_greeted_panel_is_written_to_at_every_address_of_the_note() -> None:
    """A `contact` list made the note's every `email` the address of the
    thank-you to its one `interviewer`, who alone is greeted."""
    front = (
        "type: application\ncompany: Hooli\napplied: 2026-11-01\ncontact: [Ana Ruiz, Bo Chen]\n"
        "interviewer: Cy Pan\ninterview: 2026-11-19\nemail: [cy@hooli.example, jobs@hooli.example]\n"
    )
    notes = {"Hooli.md": note_from(front, path="Hooli.md")}
    step = Step("Hooli.md", "thank-you-20261119", TODAY, TODAY)
    assert recipient_email(step, notes, link_index(notes)) == "cy@hooli.example"
    panel = front.replace("interviewer: Cy Pan", "interviewer: [Cy Pan, Di Wu]")
    notes = {"Hooli.md": note_from(panel, path="Hooli.md")}
    assert recipient_email(step, notes, link_index(notes)) == "cy@hooli.example,jobs@hooli.example"
    twice = panel.replace("jobs@hooli.example", "cy@hooli.example")  # was cy@hooli.example twice
    notes = {"Hooli.md": note_from(twice, path="Hooli.md")}
    assert recipient_email(step, notes, link_index(notes)) == "cy@hooli.example"


def test_an_email_written_as_mail_headers_write_it_is_linked_at_its_bare_address() -> None:
    """`mail` reads `Dana Ortiz <dana@x>`, `mailto:dana@x` or `dana@x (work)`
    as dana@x, but the drafts' and Due.md's mailto: links used the value as it
    was: `mailto:mailto%3Adana@…` gave the mail client a To it cannot send to."""
    step = Step("Dana.md", "reconnect", TODAY, TODAY)
    for value, to in (
        ("'Dana Ortiz <Dana@globex.example>'", "Dana@globex.example"),
        ("'mailto:dana@globex.example'", "dana@globex.example"),
        ("'mailto:dana@globex.example?subject=hi'", "dana@globex.example"),  # was the To, query and all
        ("'dana@globex.example (work)'", "dana@globex.example"),
        ("dana@globex.example", "dana@globex.example"),
        ("'\"a,b\"@globex.example'", '"a,b"@globex.example'),
        ("'dana@'", "dana@"),  # no address in it: as written
    ):
        notes = {"Dana.md": note_from(f"type: contact\nmet: 2026-11-19\nemail: {value}\n", path="Dana.md")}
        assert recipient_email(step, notes, link_index(notes)) == to, value
