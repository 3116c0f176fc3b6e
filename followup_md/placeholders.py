"""Pure: the placeholders a text may use: what each holds (for `draft --help`,
the README and the check of the vault's templates), and each one's value for
one step, computed from its note, the sender and the step's id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date

from followup_md.catalogue import CATALOGUE, ROUND, entry_key, informational
from followup_md.links import greeted_people
from followup_md.model import Moment, Note, Step
from followup_md.phrasing import Sender, join_words, shown, spoken_date

# The placeholders a draft template may use (ours and the vault's own), with
# what each holds. `draft --help`, the README and template validation read it.
PLACEHOLDERS: Mapping[str, str] = {
    "greeting": 'the greeting: "Hi Dana," or, when no person\'s name is known (a team, an address), "Hello,"',
    "first_name": "the first name of whom the email is to, or a title with the name it goes with "
    '("Dr. Connor", "Sir Patrick"; else "there")',
    "recipient": "the full name of whom the email is to (empty when unknown)",
    "who": 'whom the email is to, or who they are ("the hiring team")',
    "who_at": 'who, with their company ("the hiring team at Hooli")',
    "person": "the note's person (for an application, its interviewer or contact)",
    "name": "the note's name",
    "company": "the company",
    "role": "the role applied for",
    "the_role": '"the Analytics Engineer role" (empty when the role is not known)',
    "position": '"the Analytics Engineer role at Globex", as much of it as is known',
    "topics": 'what you talked about, as a person writes a list ("dbt and data pipelines")',
    "interview_date": 'the interview\'s day ("November 19")',
    "reply_by": "the day they said they would answer by",
    "contacted": "the day you reached out to a referral",
    "where": "where you met",
    "promise": "what someone offered to do for you",
    "source": "who referred you",
    "cc_name": "who referred you, when they are copied on the email (empty otherwise)",
    "introducer": "who introduced you",
    "interviewer": "who interviewed you",
    "next_action": "the note's next_action",
    "step_day": "the day a step is keyed by: when you last spoke (a dormant contact), the day they named",
    "my_name": "your name (name under [me] in followup-md.toml)",
    "signature": '"Best regards,", your name and your signature lines',
}

_PERSON_TYPES = frozenset({"contact", "introduction", "help", "referral"})
_PERSON_NAME = re.compile(r"^[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,3}$")


def note_person(note: Note) -> str:
    """The note's own person, never its file name or company: the interviewer
    or contact of an application, the name of a person's note."""
    facts = note.facts
    company = shown(facts.get("company"))
    if note.type in _PERSON_TYPES and note.name != company and " - " not in note.name:
        return note.name
    if informational(note) and _PERSON_NAME.match(note.name):
        return note.name  # an informational interview's note is named after the person
    for key in ("interviewer", "contact"):
        person = shown(_panel(note, key))
        if person and person != company:
            return person
    return ""


def _panel(note: Note, key: str) -> object:
    """A note's `interviewer` or `contact`, a panel without the company among
    it (`greeted_people`): one person left is that person."""
    people = note.facts.get(key)
    if not isinstance(people, tuple):
        return people
    left = greeted_people(note, key)
    return left[0] if len(left) == 1 else tuple(left)


_PER_ROUND = frozenset({"prepare", "thank-you", "loop-in-source"})


def _interview_day(step_id: str, rounds: Sequence[Moment]) -> date | None:
    """The day of the interview round a step is about. A round is named by its
    date (`thank-you-20261119`, `r20261119-check-in-1`) or by its number
    (`thank-you-2`, `r2-check-in-1`); `thank-you` and `check-in-1` are round 1."""
    found = ROUND.match(step_id)
    if not rounds or found is None:
        return None
    prefix, kind, number = found.groups()
    key = prefix or (number if kind in _PER_ROUND else None) or "1"
    if len(key) == 8:
        return next((r.day for r in rounds if f"{r.day:%Y%m%d}" == key), rounds[-1].day)
    return rounds[min(int(key), len(rounds)) - 1].day


def words_for(step: Step, note: Note, sender: Sender, cc: str = "") -> Words:
    """The placeholders' values for `step`. `cc` is the address the email
    copies (the referral's source), if known."""
    return Words(entry_key(step.id, note), step.id, note, sender, cc, step.channel)


class Words(Mapping[str, str]):
    """Every placeholder's value for one step ("" when the note does not say),
    each computed when first asked for: a task's action needs three or four."""

    def __init__(
        self, key: str, step_id: str, note: Note, sender: Sender, cc: str = "", channel: str = ""
    ) -> None:
        self.entry = CATALOGUE[key]
        self.step_id = step_id
        self.channel = channel
        self.note = note
        self.facts = note.facts
        self.sender = sender
        self.cc = cc
        self.known: dict[str, str] = {}

    def __getitem__(self, name: str) -> str:
        value = self.known.get(name)
        if value is None:
            value = self.known[name] = _WORDS[name](self)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(_WORDS)

    def __len__(self) -> int:
        return len(_WORDS)

    def fact(self, key: str) -> str:
        return shown(self.facts.get(key))

    def day(self, key: str) -> str:
        value = self.facts.get(key)
        return spoken_date(value) if isinstance(value, date) else ""


def _recipient(w: Words) -> str:
    to = w.entry.to
    return w["person"] if to == "person" else w["source"] if to == "source" else w["introducer"]


def _who_at(w: Words) -> str:
    who, company = w["who"], w["company"]
    return f"{who} at {company}" if w.entry.to == "person" and company and company not in who else who


def _role(w: Words) -> str:
    return w.fact("role") if w.note.type not in _PERSON_TYPES else ""


def _position(w: Words) -> str:
    what = w["the_role"] or "the role"
    if w["company"]:
        return f"{what} at {w['company']}"
    return what if w["role"] else ""


def _interview_date(w: Words) -> str:
    day = _interview_day(w.step_id, w.facts.get("interview", ()))
    return spoken_date(day) if day else ""


def _signature(w: Words) -> str:
    name = [w.sender.name] if w.sender.name else []
    return "\n".join(["Best regards,", *name, *w.sender.signature])


def _step_day(w: Words) -> str:
    found = re.search(r"-(\d{4})(\d{2})(\d{2})$", w.step_id)
    return spoken_date(date(*map(int, found.groups()))) if found else ""


_TITLES = frozenset({"mr", "mrs", "ms", "mx", "miss", "dr", "prof", "professor", "sir", "dame"})
_NO_NAME_START = frozenset({"the", "a", "an", "my", "our", "your", "their"})
# Words of a team's name, never of a person's ("jobs" is not one: Steve Jobs).
_TEAM_WORDS = frozenset({"hr", "recruiting", "recruitment", "careers", "team", "hiring", "talent"})


# What follows a name in the same value: a role or an address (`Sarah Lee
# (Hiring Manager)`, `Jane Doe, HR`, `Dana Ortiz - Globex`, `Jo Li <jo@li.example>`).
_ASIDE = re.compile(r"[(,<]| [-–—] ")
_FIRST_NAME_TITLES = frozenset({"sir", "dame"})  # Sir Patrick, Dame Judi
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md"})


def _first_name(w: Words) -> str:
    """How a greeting names whom the email is to: the first name, or a title
    with the last name (`Dr. Connor`), of each (a panel: "Dana and Sam"); ""
    when one is no person's name (an address, "the panel", "Hooli HR"), so
    no company or team is greeted as a person."""
    company = w["company"].casefold()
    firsts = [_greeted(name, company) for name in _recipients(w)]
    return join_words(firsts) if all(firsts) else ""


def _recipients(w: Words) -> list[str]:
    """The name of each person the email is to: the people of a note's
    `interviewer` or `contact` list (a panel), else the recipient."""
    if w.entry.to == "person":
        for key in ("interviewer", "contact"):
            people = _panel(w.note, key)
            if isinstance(people, tuple) and shown(people) == w["recipient"]:
                return [shown(person) for person in people]
    return [w["recipient"]]


def _greeted(recipient: str, company: str) -> str:
    """`_first_name` of one recipient (`company` casefolded). A role after
    the name (`Sarah Lee (Hiring Manager)`) is no part of it."""
    name = _ASIDE.split(recipient, maxsplit=1)[0]
    words = name.split()
    if (
        not words
        or "@" in name
        or words[0].casefold() in _NO_NAME_START
        or any(word.casefold() in _TEAM_WORDS for word in words)
        or (company and (name.casefold().startswith(f"{company} ") or name.strip().casefold() == company))
    ):
        return ""
    title = words[0].casefold().rstrip(".")
    if len(words) > 1 and title in _TITLES:
        return f"{words[0]} {_after_title(title, words[1:])}"
    return words[0]


def _after_title(title: str, names: list[str]) -> str:
    """The name a title goes with: the first name after Sir or Dame, else the
    last name with its particles (`de la Cruz`) and without a suffix (`Jr.`)."""
    if title in _FIRST_NAME_TITLES:
        return names[0]
    end = len(names)
    while end > 1 and names[end - 1].casefold().rstrip(".") in _SUFFIXES:
        end -= 1
    last = next((at for at in range(1, end) if names[at].islower()), end - 1)
    return " ".join(names[last:end])


def _status_is(status: str) -> Callable[[Words], str]:
    return lambda w: "yes" if w.facts.get("status") == status else ""


_WORDS: Mapping[str, Callable[[Words], str]] = {
    "greeting": lambda w: f"Hi {first}," if (first := _first_name(w)) else "Hello,",
    "first_name": lambda w: _first_name(w) or "there",
    "recipient": _recipient,
    "who": lambda w: w["recipient"] or w.entry.nobody,
    "who_at": _who_at,
    "person": lambda w: note_person(w.note),
    "name": lambda w: w.note.name,
    "company": lambda w: w.fact("company"),
    "role": _role,
    "the_role": lambda w: f"the {w['role']} role" if w["role"] else "",
    "position": _position,
    "topics": lambda w: join_words(w.facts.get("topics", ())),
    "interview_date": _interview_date,
    "reply_by": lambda w: w.day("reply_by"),
    "contacted": lambda w: w.day("contacted"),
    "where": lambda w: w.fact("where"),
    "promise": lambda w: w.fact("promise"),
    "source": lambda w: w.fact("referred_by"),
    "cc_name": lambda w: w["source"] if w.cc else "",
    "introducer": lambda w: w.fact("introduced_by"),
    "interviewer": lambda w: w.fact("interviewer"),
    "next_action": lambda w: w.fact("next_action"),
    "my_name": lambda w: w.sender.name,
    "signature": _signature,
    "?urgent": lambda w: "yes" if w.facts.get("urgent") else "",
    "?call": lambda w: "yes" if w.channel == "call" else "",
    "?linkedin": lambda w: "yes" if w.channel == "linkedin" else "",
    "?panel": lambda w: "yes" if len(_recipients(w)) > 1 else "",
    "step_day": _step_day,
    **{f"?{status}": _status_is(status) for status in ("hired", "rejected", "declined", "withdrawn")},
}


def placeholders_markdown() -> str:
    """The README's table of placeholders, generated from PLACEHOLDERS (a test keeps them equal)."""
    rows = ["| placeholder | holds |", "|---|---|"]
    rows += [f"| `{{{name}}}` | {text} |" for name, text in PLACEHOLDERS.items()]
    return "\n".join(rows) + "\n"
