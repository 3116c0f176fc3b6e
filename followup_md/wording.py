"""Pure: the words of every step, in one catalogue (SPEC 4; STYLE "Words apart
from dates").

One entry per kind of step: who it is addressed to, the action text of its
task, a hint naming the guidance's other channels, and the draft's subject and
body. Every text is a tuple of alternatives: the first one whose placeholders
all have a value is used, so a note with few facts gets a shorter sentence,
never an empty slot ("Hello," rather than "Hi Hooli,", "the role" rather than
"the open role"). A `{?flag}` placeholder only chooses: it is filled with
nothing and needs its fact to be present. A translation is a new catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import PurePosixPath
from typing import Any

from followup_md.errors import ConfigError
from followup_md.model import Link, Moment, Note, Step

Texts = tuple[str, ...]

# The placeholders a draft template may use (ours and the vault's own), with
# what each holds. `draft --help`, the README and template validation read it.
PLACEHOLDERS: Mapping[str, str] = {
    "greeting": 'the greeting: "Hi Dana," or, when no person is known, "Hello,"',
    "first_name": 'the first name of whom the email is to ("there" when unknown)',
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


@dataclass(frozen=True, slots=True)
class Sender:
    """Who the drafts are from (`[me]` in followup-md.toml)."""

    name: str = ""
    signature: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()


_NO_SENDER = Sender()


@dataclass(frozen=True, slots=True)
class Entry:
    """The words of one kind of step. `to` is whom it addresses (`person`, the
    note's own; `source`, who referred you; `introducer`), `nobody` how to name
    them when the note does not; `cc_source` copies the source on the email."""

    to: str
    nobody: str
    action: Texts
    subject: Texts
    body: tuple[Texts, ...]
    hint: Texts = ()
    cc_source: bool = False


# A channel's own hint comes before an entry's (the step's channel, from the rules).
_CHANNEL_HINTS = (
    "{?call}write down the key points first, in case you reach their voicemail",
    "{?linkedin}a connection request or message with a personal line",
)
_LATER_ROUND = ("if you call, write down the key points first; email is the least intrusive",)

CATALOGUE: Mapping[str, Entry] = {
    "reconnect": Entry(
        to="person",
        nobody="the person you met",
        action=(
            "Call {who}{?call}: recall your meeting at {where} and suggest a next step, such as a coffee",
            "Call {who}{?call}: recall your meeting and suggest a next step, such as a coffee",
            "Send {who} a LinkedIn request{?linkedin} with a personal line recalling your meeting at {where}",
            "Send {who} a LinkedIn request{?linkedin} with a personal line recalling your meeting",
            "Email {who}: recall your meeting at {where} and suggest a next step, such as a call or coffee",
            "Email {who}: recall your meeting and suggest a next step, such as a call or coffee",
        ),
        hint=("or send a LinkedIn request with a personal line",),
        subject=("Great to meet you at {where}", "Great to meet you"),
        body=(
            (
                "It was good to meet you at {where}, and I enjoyed our conversation about {topics}.",
                "It was good to meet you at {where}.",
                "It was good to meet you, and I enjoyed our conversation about {topics}.",
                "It was good to meet you.",
            ),
            (
                "I would like to keep in touch: would you have time for a short call or a coffee "
                "in the next couple of weeks?",
            ),
        ),
    ),
    "reconnect-since": Entry(
        to="person",
        nobody="your former contact",
        action=(
            "Call {who}{?call}: you last spoke on {step_day}; share your news, ask how they are "
            "and suggest a coffee",
            "Send {who} a LinkedIn message{?linkedin}: you last spoke on {step_day}; share your news "
            "and ask how they are",
            "Email {who}: you last spoke on {step_day}; share your news, ask how they are "
            "and suggest a call or a coffee",
        ),
        hint=("former bosses and coworkers often help when they hear from you",),
        subject=("It has been a while",),
        body=(
            ("I hope you are well; it has been a while since we last spoke.",),
            (
                "I wanted to share some news and hear how things are going for you at {company}.",
                "I wanted to share some news and hear how things are going for you.",
            ),
            ("Would you have time for a call or a coffee in the coming weeks?",),
        ),
    ),
    "thank-introducer": Entry(
        to="introducer",
        nobody="the person who introduced you",
        action=(
            "Email {who} to thank them for the introduction to {person}",
            "Email {who} to thank them for the introduction",
        ),
        subject=("Thank you for the introduction to {person}", "Thank you for the introduction"),
        body=(
            (
                "Thank you for introducing me to {person} at {company}.",
                "Thank you for introducing me to {person}.",
                "Thank you for the introduction.",
            ),
            ("I appreciate you making the connection, and I will let you know how our conversation goes.",),
        ),
    ),
    "reach-out": Entry(
        to="person",
        nobody="your new contact",
        action=(
            "Call {who_at}{?call}: say who you are and why you are connecting, and suggest a meeting",
            "Send {who_at} a LinkedIn message{?linkedin}: say who you are and why you are connecting, "
            "and suggest a call",
            "Email {who_at}, introduced by {introducer}: say who you are and why you are connecting, "
            "and suggest a call or a meeting",
            "Email {who_at}: say who you are and why you are connecting, and suggest a call or a meeting",
        ),
        hint=("keep it brief: who you are, why you are connecting, a next step",),
        subject=("{introducer} suggested we connect", "Getting in touch"),
        body=(
            (
                "{introducer} kindly introduced us, and I wanted to follow up.",
                "I am getting in touch to introduce myself.",
            ),
            (
                "I am exploring my next role and would value your perspective on the work at {company}.",
                "I am exploring my next role and would value your perspective.",
            ),
            ("Would you have 20 minutes for a call or a coffee in the coming days?",),
        ),
    ),
    "reach-out-referral": Entry(
        to="person",
        nobody="the person you were referred to",
        cc_source=True,
        action=(
            "Call {who_at}{?call} about the referral from {source}, and tell {source} you did",
            "Send {who_at} a LinkedIn message{?linkedin} about the referral from {source}",
            "Call {who_at}{?call} about the referral",
            "Send {who_at} a LinkedIn message{?linkedin} about the referral",
            "Email {who_at} about the referral and copy {source} on it",
            "Email {who_at} about the referral",
        ),
        hint=("copy your source on the email, so they know you followed up",),
        subject=("Referred by {source}", "Introduction"),
        body=(
            (
                "{cc_name} suggested I get in touch with you about opportunities at {company}, "
                "and I have copied them on this email.",
                "{cc_name} suggested I get in touch with you, and I have copied them on this email.",
                "{source} suggested I get in touch with you about opportunities at {company}.",
                "{source} suggested I get in touch with you.",
                "I was referred to you and wanted to introduce myself.",
            ),
            (
                "I am exploring my next role and would be grateful for 20 minutes of your time to "
                "learn about your team. Would a short call in the coming days work for you?",
            ),
        ),
    ),
    "nudge": Entry(
        to="person",
        nobody="the person who offered to help",
        action=(
            "Call {who}{?call} with a light, clear reminder about {promise}",
            "Call {who}{?call} with a light, clear reminder about their offer to help",
            "Send {who} a LinkedIn message{?linkedin} with a light, clear reminder about {promise}",
            "Send {who} a LinkedIn message{?linkedin} with a light, clear reminder about their offer to help",
            "Email {who} a light, clear reminder about {promise}{?urgent}, "
            "saying briefly why it is time-sensitive",
            "Email {who} a light, clear reminder about {promise}",
            "Email {who} a light, clear reminder about their offer to help{?urgent}, "
            "saying briefly why it is time-sensitive",
            "Email {who} a light, clear reminder about their offer to help",
        ),
        subject=("Following up on {promise}", "Following up on your kind offer"),
        body=(
            (
                "I hope you are well. I wanted to follow up gently on {promise}.",
                "I hope you are well. I wanted to follow up gently on your kind offer to help.",
            ),
            (
                "{?urgent}It has become a little time-sensitive on my side, "
                "so any news this week would help.",
                "",
            ),
            ("Thank you again for your help.",),
        ),
    ),
    "confirm": Entry(
        to="person",
        nobody="the hiring team",
        action=(
            "Call {who_at}{?call} to check that your application for {role} arrived "
            "and ask about next steps and timing",
            "Call {who_at}{?call} to check that your application arrived and ask about next steps and timing",
            "Send {who_at} a LinkedIn message{?linkedin} to check that your application arrived "
            "and ask about next steps and timing",
            "Email {who_at} to check that your application for {role} arrived, "
            "offer more materials and ask about next steps and timing",
            "Email {who_at} to check that your application arrived, "
            "offer more materials and ask about next steps and timing",
        ),
        subject=("Application for {role} at {company}", "Application for {role}", "My application"),
        body=(
            (
                "I recently applied for {position} and wanted to make sure my application arrived.",
                "I recently applied for a position with your team and wanted to make sure my "
                "application arrived.",
            ),
            ("I would be happy to send any additional materials you may need.",),
            ("Could you tell me about the next steps in the process and their timing?",),
        ),
    ),
    "prepare": Entry(
        to="person",
        nobody="your interviewer",
        action=(
            "Draft your thank-you note to {who_at} before the interview, "
            "and plan to ask about the timeline for next steps",
        ),
        hint=("at the end of the interview, ask when they expect to decide",),
        subject=("Thank you for your time today",),
        body=(
            (
                "Thank you for taking the time to speak with me today about {position}.",
                "Thank you for taking the time to speak with me today.",
            ),
            (
                "I enjoyed learning more about the team at {company}, and I am very interested "
                "in the opportunity.",
                "I enjoyed learning more about the team, and I am very interested in the opportunity.",
            ),
            ("I look forward to hearing about the next steps.",),
        ),
    ),
    "prepare-informational": Entry(
        to="person",
        nobody="the person you will talk with",
        action=(
            "Draft your thank-you note to {who_at} before the conversation, "
            "and prepare your questions about their work",
        ),
        hint=("ask how they got into their field and whom else they would suggest you talk to",),
        subject=("Thank you for your time and advice",),
        body=(
            ("Thank you for taking the time to talk with me today.",),
            (
                "I enjoyed hearing how you got into your field and your thoughts on {topics}.",
                "I enjoyed hearing how you got into your field.",
            ),
            ("Your advice gives me a clearer picture of where to go next, and I hope we can stay in touch.",),
        ),
    ),
    "thank-you": Entry(
        to="person",
        nobody="your interviewer",
        action=(
            "Call {who_at}{?call} within 24 hours to thank them, relating it to what you discussed",
            "Send {who_at} a thank-you message on LinkedIn{?linkedin} within 24 hours, "
            "relating it to what you discussed",
            "Send {who_at} a thank-you email within 24 hours, relating it to what you discussed "
            "about {topics}",
            "Send {who_at} a thank-you email within 24 hours, relating it to what you discussed",
        ),
        hint=("or a handwritten note, or an article on something you talked about",),
        subject=("Thank you for the {role} interview", "Thank you for the interview"),
        body=(
            (
                "Thank you for taking the time to speak with me on {interview_date}.",
                "Thank you for taking the time to speak with me.",
            ),
            (
                "I enjoyed our conversation about {topics}, and it confirmed my interest in {position}.",
                "I enjoyed our conversation, and it confirmed my interest in {position}.",
                "I enjoyed our conversation about {topics}, and it confirmed my interest in "
                "joining your team.",
                "I enjoyed our conversation, and it confirmed my interest in joining your team.",
            ),
            ("I look forward to hearing about the next steps.",),
        ),
    ),
    "thank-you-informational": Entry(
        to="person",
        nobody="the person you talked with",
        action=(
            "Thank {who_at} for the conversation within 24 hours, mentioning something you learned: "
            "by email, a call or a card",
        ),
        hint=("a handwritten card stands out; an article on something you talked about is welcome",),
        subject=("Thank you for your time and advice",),
        body=(
            (
                "Thank you for taking the time to talk with me on {interview_date}.",
                "Thank you for taking the time to talk with me.",
            ),
            (
                "I enjoyed hearing your thoughts on {topics}, and your advice gave me a clearer "
                "picture of the field.",
                "Your advice gave me a clearer picture of the field, and I am grateful for it.",
            ),
            ("I hope we can stay in touch.",),
        ),
    ),
    "check-in": Entry(
        to="person",
        nobody="the hiring team",
        action=(
            "Call {who_at}{?call}: restate your interest in {the_role} and ask for the status",
            "Call {who_at}{?call}: restate your interest and ask for the status",
            "Send {who_at} a LinkedIn message{?linkedin}: restate your interest and ask for the status",
            "Check in with {who_at} by email: restate your interest in {the_role} and ask for the status",
            "Check in with {who_at} by email: restate your interest and ask for the status",
        ),
        hint=_LATER_ROUND,
        subject=("Following up on the {role} interview", "Following up on my interview"),
        body=(
            (
                "I wanted to follow up on my interview on {interview_date} for {position}.",
                "I wanted to follow up on my interview for {position}.",
                "I wanted to follow up on my interview on {interview_date}.",
            ),
            (
                "I remain very interested, and I believe my experience is a good match for "
                "what your team needs.",
            ),
            (
                "You mentioned you hoped to decide by {reply_by}; could you let me know where things stand?",
                "Could you let me know where things stand and what the next steps are?",
            ),
        ),
    ),
    "check-in-again": Entry(
        to="person",
        nobody="the hiring team",
        action=(
            "Call {who_at}{?call} a second time for an update on {the_role}",
            "Call {who_at}{?call} a second time for an update",
            "Send {who_at} a second short LinkedIn message{?linkedin} asking for an update",
            "Send {who_at} a second short note asking for an update on {the_role}, "
            "perhaps with an article on {topics}",
            "Send {who_at} a second short note asking for an update on {the_role}",
            "Send {who_at} a second short note asking for an update, perhaps with an article on {topics}",
            "Send {who_at} a second short note asking for an update",
        ),
        hint=_LATER_ROUND,
        subject=("Checking in on the {role} position", "Checking in on my application"),
        body=(
            ("I hope your week is going well.",),
            (
                "I am still very interested in {position}, and I would be grateful for a brief "
                "update on where things stand.",
                "I am still very interested in the position, and I would be grateful for a brief "
                "update on where things stand.",
            ),
            (
                "Since we talked about {topics}, here is an article on it that I thought you might enjoy.",
                "",
            ),
            ("If anything else would help your decision, I am happy to send it.",),
        ),
    ),
    "follow-up": Entry(
        to="person",
        nobody="the hiring team",
        action=(
            "Call {who_at}{?call} on the day they named: restate your interest in {the_role} "
            "and ask about next steps",
            "Call {who_at}{?call} on the day they named: restate your interest and ask about next steps",
            "Send {who_at} a LinkedIn message{?linkedin} on the day they named: restate your interest "
            "and ask about next steps",
            "Email {who_at} on the day they named: restate your interest in {the_role} "
            "and ask about next steps",
            "Email {who_at} on the day they named: restate your interest and ask about next steps",
        ),
        hint=("they asked you to: a follow-up on their day is expected, not pushy",),
        subject=("Following up as you suggested",),
        body=(
            (
                "As you suggested, I am following up today about {position}.",
                "As you suggested, I am following up today about the next steps.",
            ),
            (
                "I remain very interested, and I believe my experience is a good match for "
                "what your team needs.",
            ),
            ("Could you let me know where things stand and what the next steps are?",),
        ),
    ),
    "loop-in-source": Entry(
        to="source",
        nobody="the person who referred you",
        action=(
            "Email {who} to thank them for the referral and tell them how the interview at {company} went",
            "Email {who} to thank them for the referral and tell them how the interview went",
        ),
        subject=("Thank you, and an update on {company}", "Thank you, and an update"),
        body=(
            ("Thank you again for referring me to {company}.", "Thank you again for the referral."),
            (
                "I had my interview with {person} on {interview_date} and wanted to keep you in the loop.",
                "I had my interview on {interview_date} and wanted to keep you in the loop.",
                "I had my interview and wanted to keep you in the loop.",
            ),
            ("I will let you know how it turns out; I really appreciate your help.",),
        ),
    ),
    "update-source": Entry(
        to="source",
        nobody="the person who referred you",
        action=(
            "Email {who} to say that things are moving forward with {person}",
            "Email {who} to say that things are moving forward",
        ),
        subject=("An update on {person}", "A quick update"),
        body=(
            (
                "A quick update: I have been in touch with {person}, and things are moving forward.",
                "A quick update: things are moving forward with your referral.",
            ),
            ("Thank you again for connecting us; I will keep you posted.",),
        ),
    ),
    "no-contact": Entry(
        to="source",
        nobody="the person who referred you",
        action=(
            "Email {who} to say you have not reached {person} yet, with an update on your efforts",
            "Email {who} to say you have not reached your contact yet, with an update on your efforts",
        ),
        subject=("An update on reaching {person}", "An update on your referral"),
        body=(
            (
                "A quick update: I reached out to {person} on {contacted} but have not been able "
                "to connect yet.",
                "A quick update: I reached out to {person} but have not been able to connect yet.",
                "A quick update: I reached out but have not been able to connect yet.",
            ),
            ("They may simply be away; I will try again in the coming days and keep you posted.",),
            ("Thank you again for the referral.",),
        ),
    ),
    "source-outcome": Entry(
        to="source",
        nobody="the person who referred you",
        action=(
            "Email {who} to thank them for the referral and tell them that you got the job "
            "at {company}{?hired}",
            "Email {who} to thank them for the referral and tell them that you got the job{?hired}",
            "Email {who} to thank them for the referral and tell them how it ended at {company}",
            "Email {who} to thank them for the referral and tell them how it ended",
        ),
        subject=("Good news, and thank you{?hired}", "Thank you for the referral"),
        body=(
            (
                "{?hired}I am glad to tell you that I have accepted an offer for {position}.",
                "{?hired}I am glad to tell you that I have accepted an offer.",
                "{?rejected}I wanted to let you know that {company} went with another candidate.",
                "{?rejected}I wanted to let you know that they went with another candidate.",
                "{?declined}I wanted to let you know that I received an offer for {position} "
                "but decided to decline it.",
                "{?declined}I wanted to let you know that I received an offer but decided to decline it.",
                "{?withdrawn}I wanted to let you know that I withdrew from the process for {position}.",
                "{?withdrawn}I wanted to let you know that I withdrew from the process.",
                "I wanted to let you know how things ended with {position}.",
                "I wanted to let you know how things ended.",
            ),
            ("Thank you again for referring me; your help made a real difference.",),
            ("I hope we can stay in touch, and please let me know if I can ever return the favour.",),
        ),
    ),
    "stay-in-touch": Entry(
        to="person",
        nobody="the hiring team",
        action=(
            "Call {who_at}{?call} to thank them for considering you "
            "and ask to stay in touch or for other leads",
            "Send {who_at} a LinkedIn message{?linkedin} to thank them for considering you "
            "and ask to stay in touch",
            "Email {who_at} to thank them for considering you and ask to stay in touch or for other leads",
        ),
        subject=("Thank you, and staying in touch",),
        body=(
            (
                "Thank you for letting me know, and for considering me for {position}.",
                "Thank you for letting me know, and for considering me.",
            ),
            ("I enjoyed learning about your team, and I would like to stay in touch.",),
            (
                "If you hear of another role where my experience could help, I would be grateful "
                "if you thought of me.",
            ),
        ),
    ),
    "keep-in-touch": Entry(
        to="person",
        nobody="your contact",
        action=(
            "Call {who}{?call} to keep in touch: share some news and ask how they are",
            "Keep in touch with {who} on LinkedIn{?linkedin}: share an article on {topics} "
            "and ask how they are",
            "Keep in touch with {who} on LinkedIn{?linkedin}: share some news and ask how they are",
            "Keep in touch with {who} and with {source}, who referred you, by email: share some news "
            "or an article on {topics}, and ask how they are",
            "Keep in touch with {who} and with {source}, who referred you, by email: share some news "
            "and ask how they are",
            "Keep in touch with {who} by email: share some news or an article on {topics}, "
            "and ask how they are",
            "Keep in touch with {who} by email: share some news and ask how they are",
        ),
        hint=("a call or a LinkedIn message work as well",),
        subject=("Catching up",),
        body=(
            ("I hope all is well.",),
            ("I came across an article on {topics} and thought of our conversation.", ""),
            ("How are things on your side? I would be glad to catch up over a call or a coffee.",),
        ),
    ),
    "manual": Entry(
        to="person",
        nobody="your contact",
        action=(
            "{next_action}, on LinkedIn{?linkedin}",
            "{next_action}, by phone{?call}",
            "{next_action}",
            "Call {who}{?call} to follow up",
            "Send {who} a LinkedIn message{?linkedin} to follow up",
            "Follow up with {who} by email",
        ),
        subject=("Following up",),
        body=(
            ("I wanted to follow up on our last conversation.",),
            ("Please let me know if there is anything you need from me.",),
        ),
    ),
}

_ROUND = re.compile(r"^(?:r(\d+)-)?(.*?)(?:-(\d+))?$")
_FIELD = re.compile(r"\{(\??\w+)\}")
_PERSON_TYPES = frozenset({"contact", "introduction", "help", "referral"})


def step_kind(step_id: str) -> str:
    """`r2-check-in-1` -> `check-in`, `thank-you-2` -> `thank-you`, `manual-20261125` -> `manual`."""
    found = _ROUND.match(step_id)
    kind = found.group(2) if found else step_id
    return "manual" if kind.startswith("manual") else kind


_PERSON_NAME = re.compile(r"^[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,3}$")


def _informational(note: Note) -> bool:
    return str(note.facts.get("format", "")).lower() == "informational"


def entry_key(step_id: str, note: Note) -> str:
    """The catalogue entry for a step: its kind, or the kind's variant for the
    note's situation (a referral's reach-out, an informational interview's
    thank-you, a second check-in)."""
    kind = step_kind(step_id)
    facts = note.facts
    if kind == "reach-out" and "referred" in facts:
        return "reach-out-referral"
    if kind in ("prepare", "thank-you") and _informational(note):
        return f"{kind}-informational"
    if kind == "check-in":
        found = _ROUND.match(step_id)
        if found and found.group(3) and int(found.group(3)) > 1:
            return "check-in-again"
    return kind if kind in CATALOGUE else "manual"


def shown(value: Any) -> str:
    """A fact as a person reads it: a link by its display text."""
    if isinstance(value, Link):
        return value.text
    return "" if value is None else str(value).strip()


def join_words(items: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`: a list as a person writes it."""
    words = [item.strip() for item in items if item and item.strip()]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def spoken_date(day: date) -> str:
    """`November 19` (in English whatever the locale: the catalogue is English)."""
    return f"{_MONTHS[day.month - 1]} {day.day}"


def note_person(note: Note) -> str:
    """The note's own person, never its file name or company: the interviewer
    or contact of an application, the name of a person's note."""
    facts = note.facts
    company = shown(facts.get("company"))
    if note.type in _PERSON_TYPES and note.name != company and " - " not in note.name:
        return note.name
    if _informational(note) and _PERSON_NAME.match(note.name):
        return note.name  # an informational interview's note is named after the person
    for key in ("interviewer", "contact"):
        person = shown(facts.get(key))
        if person and person != company:
            return person
    return ""


_PER_ROUND = frozenset({"prepare", "thank-you", "loop-in-source"})


def _interview_day(step_id: str, rounds: Sequence[Moment]) -> date | None:
    """The day of the interview round a step is about. A round is named by its
    date (`thank-you-20261119`, `r20261119-check-in-1`) or by its number
    (`thank-you-2`, `r2-check-in-1`); `thank-you` and `check-in-1` are round 1."""
    found = _ROUND.match(step_id)
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
        if name not in self.known:
            self.known[name] = _WORDS[name](self)
        return self.known[name]

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


def _status_is(status: str) -> Callable[[Words], str]:
    return lambda w: "yes" if w.facts.get("status") == status else ""


_WORDS: Mapping[str, Callable[[Words], str]] = {
    "greeting": lambda w: f"Hi {w['first_name']}," if w["recipient"] else "Hello,",
    "first_name": lambda w: w["recipient"].split()[0] if w["recipient"] else "there",
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
    "step_day": _step_day,
    **{f"?{status}": _status_is(status) for status in ("hired", "rejected", "declined", "withdrawn")},
}


_UNTIDY = re.compile(r"\S\s[\s,.;:?!]|\s$", re.MULTILINE)


def tidy(text: str) -> str:
    """Single spaces, no space before punctuation, no trailing blanks (a
    line's indentation is kept)."""
    if not _UNTIDY.search(text):
        return text
    lines = []
    for line in text.split("\n"):
        words = line.lstrip(" \t")
        tidied = re.sub(r" ([,.;:?!])", r"\1", re.sub(r"[ \t]+", " ", words)).rstrip()
        lines.append(line[: len(line) - len(words)] + tidied if tidied else "")
    return "\n".join(lines)


def fill(template: str, words: Mapping[str, str]) -> str:
    """`{name}` placeholders filled (`{?flag}` with nothing); unknown ones are
    the caller's to reject (see `check_templates`)."""
    return _FIELD.sub(
        lambda m: "" if m.group(1).startswith("?") else words.get(m.group(1), m.group(0)), template
    )


@cache
def _names(text: str) -> tuple[str, ...]:
    return tuple(_FIELD.findall(text))


def choose(texts: Texts, words: Mapping[str, str]) -> str:
    """The first alternative whose placeholders all have a value, filled."""
    for text in texts:
        if all(words.get(name) for name in _names(text)):
            return tidy(fill(text, words))
    return ""


def action_text(step_id: str, note: Note, channel: str = "") -> tuple[str, str]:
    """The task's action and hint for a step, by its channel (`email`, `call`,
    `linkedin`; the rules decide)."""
    key = entry_key(step_id, note)
    words = Words(key, step_id, note, _NO_SENDER, channel=channel)
    return choose(CATALOGUE[key].action, words), choose(_CHANNEL_HINTS + CATALOGUE[key].hint, words)


def check_templates(texts: Mapping[str, str]) -> dict[str, str]:
    """The vault's draft templates ({path: text}) by catalogue entry, each
    checked: its file is named after an entry, its placeholders are ours."""
    templates: dict[str, str] = {}
    for path, text in texts.items():
        key = PurePosixPath(path).stem
        if key not in CATALOGUE:
            names = ", ".join(f"{name}.txt" for name in CATALOGUE)
            raise ConfigError(f"not a kind of step; draft templates are named {names}", path, 1)
        for number, line in enumerate(text.split("\n"), 1):
            for found in _FIELD.finditer(line):
                if found.group(1) not in PLACEHOLDERS:
                    valid = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
                    raise ConfigError(f"unknown placeholder {found.group()}; valid: {valid}", path, number)
        templates[key] = text
    return templates


def template_for(step: Step, note: Note, templates: Mapping[str, str]) -> str | None:
    """The vault's template for a step: its entry's, else its kind's
    (`check-in.txt` serves the second check-in too)."""
    return templates.get(entry_key(step.id, note)) or templates.get(step_kind(step.id))


def draft_email(
    step: Step, note: Note, sender: Sender, template: str | None = None, cc: str = ""
) -> tuple[str, str]:
    """Subject and body of the email for `step`. `template` is the vault's own
    (a `Subject:` line, a blank line, the body; checked by `check_templates`);
    without it the catalogue's entry is used."""
    key = entry_key(step.id, note)
    entry = CATALOGUE[key]
    words = Words(key, step.id, note, sender, cc, step.channel)
    if template is not None:
        head, _, body = template.partition("\n")
        if not head.lower().startswith("subject:"):
            head, body = "Subject: " + choose(entry.subject, words), template
        lines = [tidy(fill(line, words)) if _FIELD.search(line) else line for line in body.split("\n")]
        return tidy(fill(head[8:], words)).strip(), "\n".join(lines).strip("\n") + "\n"
    sentences = [choose(texts, words) for texts in entry.body]
    paragraph = " ".join(sentence for sentence in sentences if sentence)
    body = f"{words['greeting']}\n\n{paragraph}\n\n{words['signature']}\n"
    return choose(entry.subject, words), body


def placeholders_markdown() -> str:
    """The README's table of placeholders, generated from PLACEHOLDERS (a test keeps them equal)."""
    rows = ["| placeholder | holds |", "|---|---|"]
    rows += [f"| `{{{name}}}` | {text} |" for name, text in PLACEHOLDERS.items()]
    return "\n".join(rows) + "\n"
