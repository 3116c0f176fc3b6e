"""The rules engine, one table row per rule of the guidance, naming its seed.

Seeds (in ../shared/seeds/): 000 follow-up is key (channels, thank the source),
001 follow-ups in every area (second note the next week), 002 the art of
follow-up (the windows), 003 the old follow through (referral sources),
004 following up after an interview (don't hound).
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date
from typing import Any, NamedTuple, cast

import pytest

from followup_md.config import Config
from followup_md.model import Entry, Exchange, Step
from followup_md.planner import add_interval, before_weekend, skip_weekend

from .helpers import note_from, steps_of, windows

D = date(2026, 11, 20)  # a Friday


class Rule(NamedTuple):
    """One row: the seed, what the guidance says, the note, today, and every step
    expected: `(start, due)` of an open one, `("done", day)` of a done one
    (done steps are left out of rows that name none). `logs` are the log notes
    about the note: (day, direction, person) with person "" for the note's own."""

    seed: str
    rule: str
    front: str
    today: date
    expected: dict[str, tuple[str, str]]
    body: str = ""
    logs: tuple[tuple[str, str, str], ...] = ()
    config: Config = Config()


def _exchange(logs: tuple[tuple[str, str, str], ...]) -> Exchange:
    own = tuple(Entry(date.fromisoformat(day), way, f"log {day}") for day, way, who in logs if not who)
    via: dict[str, list[Entry]] = {}
    for day, way, who in logs:
        if who:
            via.setdefault(who, []).append(Entry(date.fromisoformat(day), way, f"log {day}"))
    return Exchange(own, tuple((who, tuple(entries)) for who, entries in via.items()))


RULES = [
    # Rule(seed, what the guidance says, front matter, today, expected steps, body, logs)
    Rule(
        "002",
        "after meeting someone new: 1-3 days",
        "type: contact\nmet: 2026-11-20\n",
        D,
        {"reconnect": ("2026-11-21", "2026-11-23")},
    ),
    Rule(
        "002",
        "met, and in touch since (`last_contact` after the meeting): the reconnection happened",
        "type: contact\nmet: 2026-10-01\nlast_contact: 2026-11-04\n",
        D,
        {"reconnect": ("done", "2026-11-04")},
    ),
    Rule(
        "002",
        "introduced via network: no longer than 2 days; thank the introducer, reach out",
        "type: introduction\nintroduced: 2026-11-20\nintroduced_by: '[[Maya]]'\n",
        D,
        {
            "thank-introducer": ("2026-11-20", "2026-11-22"),
            "reach-out": ("2026-11-20", "2026-11-22"),
        },
    ),
    Rule(
        "002",
        "introduced without a known introducer: still reach out within 2 days",
        "type: introduction\nintroduced: 2026-11-20\n",
        D,
        {"reach-out": ("2026-11-20", "2026-11-22")},
    ),
    Rule(
        "002",
        "someone agreed to help, no time given: a gentle reminder in about a week",
        "type: help\nasked: 2026-11-20\n",
        D,
        {"nudge": ("2026-11-27", "2026-11-27")},
    ),
    Rule(
        "002",
        "someone agreed to help by a date: remind the day after",
        "type: help\nasked: 2026-11-20\nexpected: 2026-11-24\n",
        D,
        {"nudge": ("2026-11-25", "2026-11-25")},
    ),
    Rule(
        "002",
        "a time-sensitive request may be followed up sooner",
        "type: help\nasked: 2026-11-20\nurgent: true\n",
        D,
        {"nudge": ("2026-11-23", "2026-11-23")},
    ),
    Rule(
        "002",
        "resume submitted: 2-7 days",
        "type: application\napplied: 2026-11-20\n",
        D,
        {"confirm": ("2026-11-22", "2026-11-27")},
    ),
    Rule(
        "003",
        "draft the thank-you before the interview",
        "type: interview\ninterview: 2026-11-23\n",
        D,
        {"prepare-20261123": ("2026-11-22", "2026-11-23")},
    ),
    Rule(
        "002",
        "thank-you within 24 hours; check in 3-5 days after when no time frame was given",
        "type: interview\ninterview: 2026-11-20\n",
        D,
        {
            "prepare-20261120": ("2026-11-19", "2026-11-20"),
            "thank-you-20261120": ("2026-11-20", "2026-11-21"),
            "r20261120-check-in-1": ("2026-11-23", "2026-11-25"),
        },
    ),
    Rule(
        "002",
        "contact them 48 hours after the date they said they would get back",
        "type: interview\ninterview: 2026-11-20\nreply_by: 2026-11-25\n",
        D,
        {
            "prepare-20261120": ("2026-11-19", "2026-11-20"),
            "thank-you-20261120": ("2026-11-20", "2026-11-21"),
            "r20261120-check-in-1": ("2026-11-27", "2026-11-27"),
        },
    ),
    Rule(
        "001",
        "all the interviews, not just the final: every round gets its thank-you",
        "type: interview\ninterview: [2026-11-10, 2026-11-19]\n",
        D,
        {
            "thank-you-20261110": ("2026-11-10", "2026-11-11"),
            "thank-you-20261119": ("2026-11-19", "2026-11-20"),
            "r20261119-check-in-1": ("2026-11-22", "2026-11-24"),
        },
    ),
    Rule(
        "003",
        "reach out to a referral soon, copying the source",
        "type: referral\nreferred: 2026-11-20\nreferred_by: '[[Maya]]'\n",
        D,
        {"reach-out": ("2026-11-20", "2026-11-22")},
    ),
    Rule(
        "003",
        "tell the source once contact is established",
        "type: referral\nreferred: 2026-11-10\nreferred_by: Maya\ncontacted: 2026-11-12\n"
        "connected: 2026-11-20\n",
        D,
        {"update-source": ("2026-11-20", "2026-11-21")},
    ),
    Rule(
        "003",
        "let the source know if you cannot reach the referral",
        "type: referral\nreferred: 2026-11-10\nreferred_by: Maya\ncontacted: 2026-11-12\n",
        D,
        {"no-contact": ("2026-11-19", "2026-11-19")},
    ),
    Rule(
        "000",
        "thank the person that referred you after the interview",
        "type: interview\nreferred_by: Maya\ninterview: 2026-11-20\n",
        D,
        {
            "prepare-20261120": ("2026-11-19", "2026-11-20"),
            "thank-you-20261120": ("2026-11-20", "2026-11-21"),
            "loop-in-source-20261120": ("2026-11-20", "2026-11-22"),
            "r20261120-check-in-1": ("2026-11-23", "2026-11-25"),
        },
    ),
    Rule(
        "001",
        "after a rejection, the relationship may get you hired elsewhere",
        "type: application\napplied: 2026-11-01\nstatus: rejected\nclosed: 2026-11-20\n",
        D,
        {"stay-in-touch": ("2026-11-20", "2026-11-22")},
    ),
    Rule(
        "001",
        "reminders are a constant fixture: keep in touch on a cadence",
        "type: contact\nlast_contact: 2026-11-01\ncadence: 3w\n",
        D,
        {"keep-in-touch": ("2026-11-22", "2026-11-22")},
    ),
    Rule(
        "001",
        "reminders count from the last contact that happened: a log note dated ahead hides none",
        "type: contact\nlast_contact: 2026-10-01\ncadence: 10d\n",
        D,
        {"keep-in-touch": ("2026-11-22", "2026-11-22")},
        logs=(("2026-11-12", "sent", ""), ("2026-11-25", "exchanged", "")),  # a call logged ahead
    ),
    Rule(
        "001",
        "a reminder a message answered is done, and the next counts from that day, in the same sync"
        " (here a last_contact dated ahead hides the messages from the last contact)",
        "type: contact\nlast_contact: 2026-12-01\nreplied: 2026-10-01\ncadence: 10d\n",
        D,
        {
            "keep-in-touch": ("done", "2026-11-01"),
            "keep-in-touch-2": ("done", "2026-11-12"),
            "keep-in-touch-3": ("2026-11-22", "2026-11-22"),
        },
        logs=(("2026-11-01", "sent", ""), ("2026-11-12", "sent", "")),
    ),
    Rule(
        "001",
        "a manual follow-up date",
        "type: contact\nnext: 2026-11-24\nnext_action: Send the portfolio\n",
        D,
        {"manual-20261124": ("2026-11-24", "2026-11-24")},
    ),
    # Evidence from the journal: log notes (type: log, with, direction).
    Rule(
        "002",
        "a thank-you within 24 hours: a `sent` log note on the day completes it",
        "type: interview\ninterview: 2026-11-19\n",
        D,
        {"thank-you-20261119": ("done", "2026-11-19"), "r20261119-check-in-1": ("2026-11-22", "2026-11-24")},
        logs=(("2026-11-19", "sent", ""),),
    ),
    Rule(
        "002",
        "one message completes one step: the oldest open one",
        "type: interview\ninterview: 2026-11-10\n",
        D,
        {"thank-you-20261110": ("done", "2026-11-14"), "r20261110-check-in-1": ("2026-11-13", "2026-11-15")},
        logs=(("2026-11-14", "sent", ""),),
    ),
    Rule(
        "002",
        "a log note before a step's window does not complete it",
        "type: contact\nmet: 2026-11-18\n",
        D,
        {"reconnect": ("2026-11-19", "2026-11-21")},
        logs=(("2026-11-18", "sent", ""),),
    ),
    Rule(
        "003",
        "reaching out to the referral, logged, starts the no-contact clock",
        "type: referral\nreferred: 2026-11-10\nreferred_by: Maya\n",
        D,
        {"reach-out": ("done", "2026-11-11"), "no-contact": ("2026-11-18", "2026-11-18")},
        logs=(("2026-11-11", "sent", ""),),
    ),
    Rule(
        "003",
        "a ticked reach-out starts the no-contact clock, as `contacted` does",
        "type: referral\nreferred: 2026-11-10\nreferred_by: Maya\n",
        D,
        {"reach-out": ("done", "2026-11-12"), "no-contact": ("2026-11-19", "2026-11-19")},
        body="\n<!-- followup-md:begin -->\n\n- [x] Email #followup 📅 2026-11-12 ✅ 2026-11-12 ^fu-reach-out\n\n"
        "<!-- followup-md:end -->\n",
    ),
    Rule(
        "000",
        "a `sent` log note to the source completes thanking them after the interview",
        "type: interview\nreferred_by: Maya\ninterview: 2026-11-19\n",
        D,
        {
            "thank-you-20261119": ("2026-11-19", "2026-11-20"),
            "loop-in-source-20261119": ("done", "2026-11-20"),
            "r20261119-check-in-1": ("2026-11-22", "2026-11-24"),
        },
        logs=(("2026-11-20", "sent", "Maya"),),
    ),
    Rule(
        "002",
        "someone who promised help and answered needs no reminder",
        "type: help\nasked: 2026-11-10\n",
        D,
        {"nudge": ("done", "2026-11-12")},
        logs=(("2026-11-12", "received", ""),),
    ),
    Rule(
        "002",
        "an answer before the promised date is news on the way: the reminder stays",
        "type: help\nasked: 2026-11-10\nexpected: 2026-11-17\n",
        D,
        {"nudge": ("2026-11-18", "2026-11-18")},
        logs=(("2026-11-12", "received", ""),),
    ),
    # A reply ends the chain of check-ins it answers.
    Rule(
        "004",
        "a reply after the first check-in ends the chain: no second note, no 'no answer'",
        "type: interview\ninterview: 2026-11-10\nreplied: 2026-11-16\n",
        D,
        {"thank-you-20261110": ("2026-11-10", "2026-11-11"), "r20261110-check-in-1": ("done", "2026-11-13")},
        body="\n<!-- followup-md:begin -->\n\n- [x] a #followup 📅 2026-11-13 ✅ 2026-11-13 ^fu-r20261110-check-in-1\n\n"
        "<!-- followup-md:end -->\n",
    ),
    Rule(
        "002",
        "they said they would get back by a date and did: no check-in at all",
        "type: interview\ninterview: 2026-11-19\nreply_by: 2026-11-26\nreplied: 2026-11-26\n",
        date(2026, 11, 27),
        {"thank-you-20261119": ("2026-11-19", "2026-11-20")},
    ),
    Rule(
        "002",
        "a reply on a check-in's day closes it as history, done on the reply",
        "type: interview\ninterview: 2026-11-10\nreplied: 2026-11-14\n",
        D,
        {"thank-you-20261110": ("2026-11-10", "2026-11-11"), "r20261110-check-in-1": ("done", "2026-11-14")},
    ),
    # A round's steps are keyed by its date.
    Rule(
        "001",
        "all the interviews: a forgotten earlier round added later takes no round's tick",
        "type: interview\ninterview: [2026-11-05, 2026-11-10]\n",
        D,
        {
            "thank-you-20261105": ("2026-11-05", "2026-11-06"),
            "thank-you-20261110": ("done", "2026-11-10"),
            "r20261110-check-in-1": ("2026-11-13", "2026-11-15"),
        },
        body="\n<!-- followup-md:begin -->\n\n- [x] a #followup 📅 2026-11-11 ✅ 2026-11-10 ^fu-thank-you-20261110\n\n"
        "<!-- followup-md:end -->\n",
    ),
    # A fact that makes a shown step unnecessary keeps it as history (SPEC 5).
    Rule(
        "003",
        "reaching out to the referral, recorded as `contacted`, stays as a done line",
        "type: referral\nreferred: 2026-11-10\nreferred_by: Maya\ncontacted: 2026-11-12\n",
        D,
        {"reach-out": ("done", "2026-11-12"), "no-contact": ("2026-11-19", "2026-11-19")},
    ),
    Rule(
        "001",
        "a rejection ends the check-ins; the one shown stays, done on the outcome's day",
        "type: interview\ninterview: 2026-11-10\nstatus: rejected\nclosed: 2026-11-16\n",
        D,
        {
            "thank-you-20261110": ("done", "2026-11-10"),
            "r20261110-check-in-1": ("done", "2026-11-16"),
            "stay-in-touch": ("2026-11-16", "2026-11-18"),
        },
        body="\n<!-- followup-md:begin -->\n\n- [x] a #followup 📅 2026-11-11 ✅ 2026-11-10 ^fu-thank-you-20261110\n"
        "- [ ] b #followup 📅 2026-11-15 ^fu-r20261110-check-in-1\n\n<!-- followup-md:end -->\n",
    ),
    Rule(
        "002",
        "an interview invitation answers 'did my application arrive?': confirm stays as history",
        "type: application\napplied: 2026-11-10\ninterview: 2026-11-25\n",
        D,
        {"confirm": ("done", "2026-11-20"), "prepare-20261125": ("2026-11-24", "2026-11-25")},
        body="\n<!-- followup-md:begin -->\n\n- [ ] a #followup 📅 2026-11-17 ^fu-confirm\n\n<!-- followup-md:end -->\n",
    ),
    # The interview day (seed 003: draft the thank-you before; seed 002: within 24 hours).
    Rule(
        "003",
        "on the interview day the drafted thank-you is still at hand; sending it starts that day",
        "type: interview\ninterview: 2026-11-20T17:30:00\n",
        D,
        {
            "prepare-20261120": ("2026-11-19", "2026-11-20"),
            "thank-you-20261120": ("2026-11-20", "2026-11-21"),
            "r20261120-check-in-1": ("2026-11-23", "2026-11-25"),
        },
    ),
    Rule(
        "003",
        "the day after, the draft is history and the thank-you is due",
        "type: interview\ninterview: 2026-11-19T17:30:00\n",
        D,
        {
            "prepare-20261119": ("done", "2026-11-19"),
            "thank-you-20261119": ("2026-11-19", "2026-11-20"),
            "r20261119-check-in-1": ("2026-11-22", "2026-11-24"),
        },
        body="\n<!-- followup-md:begin -->\n\n- [ ] a #followup 📅 2026-11-19 ^fu-prepare-20261119\n\n<!-- followup-md:end -->\n",
    ),
    Rule(
        "003",
        "the thank-you sent on the interview day (the sooner the better) is logged: the draft is no message",
        "type: interview\ninterview: 2026-11-19T10:00:00\n",
        D,
        {
            "prepare-20261119": ("done", "2026-11-19"),
            "thank-you-20261119": ("done", "2026-11-19"),
            "r20261119-check-in-1": ("2026-11-22", "2026-11-24"),
        },
        body="\n<!-- followup-md:begin -->\n\n- [ ] a #followup 📅 2026-11-19 ^fu-prepare-20261119\n\n<!-- followup-md:end -->\n",
        logs=(("2026-11-19", "sent", ""),),
    ),
    Rule(
        "003",
        "the interview closed the open confirm, which sent nothing: the log of that day is the thank-you",
        "type: application\napplied: 2026-11-10\ninterview: 2026-11-19T10:00:00\n",
        D,
        {
            "confirm": ("done", "2026-11-19"),
            "thank-you-20261119": ("done", "2026-11-19"),
            "r20261119-check-in-1": ("2026-11-22", "2026-11-24"),
        },
        body="\n<!-- followup-md:begin -->\n\n- [ ] a #followup 📅 2026-11-17 ^fu-confirm\n\n<!-- followup-md:end -->\n",
        logs=(("2026-11-19", "sent", ""),),
    ),
    Rule(
        "003",
        "the interview shows the referral's reach-out happened, not on its day: that day's log is the thank-you",
        "type: referral\nreferred: 2026-11-10\nreferred_by: Maya\ninterview: 2026-11-19T10:00:00\n",
        D,
        {
            "reach-out": ("done", "2026-11-19"),
            "thank-you-20261119": ("done", "2026-11-19"),
            "loop-in-source-20261119": ("2026-11-19", "2026-11-21"),
            "r20261119-check-in-1": ("2026-11-22", "2026-11-24"),
        },
        logs=(("2026-11-19", "sent", ""),),
    ),
    Rule(
        "003",
        "the reach-out the interview closed, ticked by sync with the interview as its reason, sent nothing",
        "type: referral\nreferred: 2026-11-10\nreferred_by: Maya\ninterview: 2026-11-19T10:00:00\n",
        D,
        {
            "reach-out": ("done", "2026-11-19"),
            "thank-you-20261119": ("done", "2026-11-19"),
            "loop-in-source-20261119": ("2026-11-19", "2026-11-21"),
            "r20261119-check-in-1": ("2026-11-22", "2026-11-24"),
        },
        body="\n<!-- followup-md:begin -->\n\n- [x] a — interview 2026-11-19 #followup 📅 2026-11-12 ✅ 2026-11-19 "
        "^fu-reach-out\n\n<!-- followup-md:end -->\n",
        logs=(("2026-11-19", "sent", ""),),
    ),
    # Informational interviews: no job behind them.
    Rule(
        "003",
        "an informational interview gets a thank-you (001: email, call or card), never a status check-in",
        "type: interview\ninterview: 2026-11-10\nformat: informational\n",
        D,
        {"thank-you-20261110": ("2026-11-10", "2026-11-11")},
    ),
    Rule(
        "001",
        "an informational interview: keeping in touch is the follow-up, with a cadence",
        "type: interview\ninterview: 2026-11-10\nformat: Informational\ncadence: 1m\n",
        D,
        {"thank-you-20261110": ("done", "2026-11-10"), "keep-in-touch": ("2026-12-10", "2026-12-10")},
        logs=(("2026-11-10", "sent", ""),),
    ),
    # The referral chain (seed 003: keep the source in the loop).
    Rule(
        "003",
        "contact established with the referral means you reached out",
        "type: referral\nreferred: 2026-11-10\nreferred_by: Maya\nconnected: 2026-11-13\n",
        D,
        {"reach-out": ("done", "2026-11-13"), "update-source": ("2026-11-13", "2026-11-14")},
    ),
    Rule(
        "003",
        "an interview with the referral: no more 'could not reach them', only how it went",
        "type: referral\nreferred: 2026-11-01\nreferred_by: Maya\ncontacted: 2026-11-03\ninterview: 2026-11-12\n",
        D,
        {
            "reach-out": ("done", "2026-11-03"),
            "no-contact": ("done", "2026-11-12"),
            "thank-you-20261112": ("2026-11-12", "2026-11-13"),
            "loop-in-source-20261112": ("2026-11-12", "2026-11-14"),
            "r20261112-check-in-1": ("2026-11-15", "2026-11-17"),
        },
        body="\n<!-- followup-md:begin -->\n\n- [ ] a #followup 📅 2026-11-10 ^fu-no-contact\n\n<!-- followup-md:end -->\n",
    ),
    Rule(
        "003",
        "a reply from the referral: never tell the source you could not reach them",
        "type: referral\nreferred: 2026-11-01\nreferred_by: Maya\ncontacted: 2026-11-03\nreplied: 2026-11-05\n",
        D,
        {},
    ),
    Rule(
        "003",
        "a reply from the referral ends a no-contact step already shown",
        "type: referral\nreferred: 2026-11-01\nreferred_by: Maya\ncontacted: 2026-11-03\nreplied: 2026-11-12\n",
        D,
        {"reach-out": ("done", "2026-11-03"), "no-contact": ("done", "2026-11-12")},
        body="\n<!-- followup-md:begin -->\n\n- [ ] a #followup 📅 2026-11-10 ^fu-no-contact\n\n<!-- followup-md:end -->\n",
    ),
    Rule(
        "000",
        "thank the source and tell them the outcome: hired",
        "type: interview\nreferred_by: Maya\ninterview: 2026-11-10\nstatus: hired\nclosed: 2026-11-19\n",
        D,
        {"source-outcome": ("2026-11-19", "2026-11-21")},
    ),
    Rule(
        "003",
        "thank the source and tell them the outcome: rejected, beside staying in touch",
        "type: interview\nreferred_by: Maya\ninterview: 2026-11-10\nstatus: rejected\nclosed: 2026-11-19\n",
        D,
        {"stay-in-touch": ("2026-11-19", "2026-11-21"), "source-outcome": ("2026-11-19", "2026-11-21")},
    ),
    # Dormant relationships (seed 001: former bosses, retired relatives, old coworkers).
    Rule(
        "001",
        "a former boss silent for six months: reconnect",
        "type: contact\nname: Ruth\nlast_contact: 2026-05-01\n",
        D,
        {"reconnect-since-20260501": ("2026-10-28", "2026-10-30")},
    ),
    Rule(
        "001",
        "a contact spoken to last month is not dormant",
        "type: contact\nlast_contact: 2026-10-01\n",
        D,
        {},
    ),
    Rule(
        "001",
        "a log note with them ends the silence",
        "type: contact\nlast_contact: 2026-05-01\n",
        D,
        {},
        logs=(("2026-11-02", "sent", ""),),
    ),
    Rule(
        "001",
        "a vault adopts a cadence per type in config, without editing each note",
        "type: contact\nlast_contact: 2026-11-01\n",
        D,
        {"keep-in-touch": ("2026-12-01", "2026-12-01")},
        config=Config(cadence={"contact": "1m", "People/": "2w"}),
    ),
    Rule(
        "001",
        "a folder's cadence wins over the type's, a tag's over the folder's",
        "type: contact\nlast_contact: 2026-11-01\ntags: [mentor]\n",
        D,
        {"keep-in-touch": ("2026-11-08", "2026-11-08")},
        config=Config(cadence={"contact": "1m", "#mentor": "1w"}),
    ),
    Rule(
        "001",
        "a tag counts as Obsidian reads it: in any case, in a comma-separated text",
        "type: contact\nlast_contact: 2026-11-01\ntags: 'job, #Mentor'\n",
        D,
        {"keep-in-touch": ("2026-11-08", "2026-11-08")},
        config=Config(cadence={"contact": "1m", "#mentor": "1w"}),
    ),
    Rule(
        "002",
        "a meeting logged as `exchanged` is the follow-up and their answer",
        "type: contact\nmet: 2026-11-18\n",
        D,
        {"reconnect": ("done", "2026-11-19")},
        logs=(("2026-11-19", "exchanged", ""),),
    ),
    # "Follow up with me on ..." (seeds 001 and 004).
    Rule(
        "001",
        "the employer said to follow up on a date: a step due that day, no guessed check-ins",
        "type: interview\ninterview: 2026-11-10\nfollow_up_on: 2026-11-24\n",
        D,
        {
            "thank-you-20261110": ("2026-11-10", "2026-11-11"),
            "follow-up-20261124": ("2026-11-24", "2026-11-24"),
        },
    ),
    Rule(
        "004",
        "a recruiter said to call back on a day, before any interview",
        "type: application\napplied: 2026-11-10\nfollow_up_on: 2026-11-23\nchannel: call\n",
        D,
        {"confirm": ("2026-11-12", "2026-11-17"), "follow-up-20261123": ("2026-11-23", "2026-11-23")},
    ),
    # Keeping the flame alive (seeds 000 and 001), once keep_in_touch_after is set.
    Rule(
        "001",
        "after a rejection's stay-in-touch, the relationship goes on at the default cadence",
        "type: interview\ninterview: 2026-11-01\nstatus: rejected\nclosed: 2026-11-10\n",
        D,
        {"keep-in-touch": ("2027-02-11", "2027-02-11")},
        body="\n<!-- followup-md:begin -->\n\n- [x] a #followup 📅 2026-11-12 ✅ 2026-11-11 ^fu-stay-in-touch\n\n"
        "<!-- followup-md:end -->\n",
        config=Config(keep_in_touch_after="3m"),
    ),
    Rule(
        "000",
        "hired: thank the source, then keep in touch with the interviewer and the source",
        "type: interview\nreferred_by: Maya\ninterview: 2026-11-01\nstatus: hired\nclosed: 2026-11-10\n",
        D,
        {"source-outcome": ("2026-11-10", "2026-11-12"), "keep-in-touch": ("2027-02-10", "2027-02-10")},
        config=Config(keep_in_touch_after="3m"),
    ),
    Rule(
        "004",
        "no answer after the last check-in: no more hounding, but the relationship stays",
        "type: interview\ninterview: 2026-11-01\n",
        D,
        {"thank-you-20261101": ("2026-11-01", "2026-11-02"), "keep-in-touch": ("2027-02-12", "2027-02-12")},
        body="\n<!-- followup-md:begin -->\n\n- [x] a #followup 📅 2026-11-05 ✅ 2026-11-05 ^fu-r20261101-check-in-1\n"
        "- [x] b #followup 📅 2026-11-12 ✅ 2026-11-12 ^fu-r20261101-check-in-2\n\n<!-- followup-md:end -->\n",
        config=Config(keep_in_touch_after="3m"),
    ),
    Rule(
        "004",
        "keeping the flame alive is off by default: without it, nothing recurs",
        "type: interview\ninterview: 2026-11-01\nstatus: withdrawn\nclosed: 2026-11-10\n",
        D,
        {},
    ),
    Rule(
        "003",
        "an informational interview, thanked: keeping in touch follows at the default cadence",
        "type: interview\ninterview: 2026-11-10\nformat: informational\n",
        D,
        {"thank-you-20261110": ("done", "2026-11-11"), "keep-in-touch": ("2027-02-11", "2027-02-11")},
        logs=(("2026-11-11", "sent", ""),),
        config=Config(keep_in_touch_after="3m"),
    ),
    Rule(
        "002",
        "thanking the introducer, logged in a note `with` them, completes it",
        "type: introduction\nintroduced: 2026-11-19\nintroduced_by: '[[Maya]]'\n",
        D,
        {"thank-introducer": ("done", "2026-11-19"), "reach-out": ("2026-11-19", "2026-11-21")},
        logs=(("2026-11-19", "sent", "Maya"),),
    ),
    Rule(
        "004",
        "a call with them (`exchanged`) is your message and their answer: the chain ends",
        "type: interview\ninterview: 2026-11-10\n",
        D,
        {"thank-you-20261110": ("done", "2026-11-17"), "r20261110-check-in-1": ("done", "2026-11-13")},
        body="\n<!-- followup-md:begin -->\n\n- [x] a #followup 📅 2026-11-15 ✅ 2026-11-13 ^fu-r20261110-check-in-1\n\n"
        "<!-- followup-md:end -->\n",
        logs=(("2026-11-17", "exchanged", ""),),
    ),
]


@pytest.mark.parametrize("row", RULES, ids=[f"{r.seed}: {r.rule}" for r in RULES])
def test_rule(row: Rule) -> None:
    steps, _ = steps_of(row.front, row.today, row.body, row.config, _exchange(row.logs))
    done = any(want[0] == "done" for want in row.expected.values())
    got = {
        s.id: ("done", str(s.done)) if s.status == "done" else (s.start.isoformat(), s.due.isoformat())
        for s in steps
        if s.status == "open" or (done and s.status == "done")
    }
    assert got == row.expected


CHANNELS = [
    # (seed, what the guidance says, front matter, step, its channel, its action, its hint)
    (
        "002",
        "email is preferred in most situations: an action that names no channel says email",
        "type: help\nname: Priya\nasked: 2026-11-10\nemail: p@x.example\n",
        "nudge",
        "email",
        "Email Priya a light, clear reminder about their offer to help",
        "",
    ),
    (
        "004",
        "they said they would call on Wednesday; it is Friday: call, key points written down first",
        "type: interview\ncompany: Acme\ninterviewer: Sam\ninterview: 2026-11-16\nreply_by: 2026-11-18\n"
        "channel: call\n",
        "r20261116-check-in-1",
        "call",
        "Call Sam at Acme: restate your interest and ask for the status",
        "write down the key points first, in case you reach their voicemail",
    ),
    (
        "000",
        "ask to connect on LinkedIn when that is all you have",
        "type: contact\nname: Chris\nmet: 2026-11-19\nlinkedin: https://www.linkedin.com/in/chris\n",
        "reconnect",
        "linkedin",
        "Send Chris a LinkedIn request with a personal line recalling your meeting",
        "a connection request or message with a personal line",
    ),
    (
        "001",
        "a thank-you by email, a call or a card",
        "type: interview\ncompany: Acme\ninterviewer: Sam\ninterview: 2026-11-19\n",
        "thank-you-20261119",
        "email",
        "Send Sam at Acme a thank-you email within 24 hours, relating it to what you discussed",
        "or a handwritten note, or an article on something you talked about",
    ),
    (
        "001",
        "the second note the next week may carry an article on what you talked about",
        "type: interview\ncompany: Acme\ninterviewer: Sam\ninterview: 2026-11-05\ntopics: [dbt]\n",
        "r20261105-check-in-2",
        "email",
        "Send Sam at Acme a second short note asking for an update, perhaps with an article on dbt",
        "if you call, write down the key points first; email is the least intrusive",
    ),
    (
        "001",
        "the employer said to call on a day: call that day",
        "type: application\ncompany: Acme\ncontact: Sam\napplied: 2026-11-01\nfollow_up_on: 2026-11-23\nchannel: call\n",
        "follow-up-20261123",
        "call",
        "Call Sam at Acme on the day they named: restate your interest and ask about next steps",
        "write down the key points first, in case you reach their voicemail",
    ),
    (
        "000",
        "keep in touch with the interviewer and the source, with an article on the topics",
        "type: interview\ncompany: Acme\ninterviewer: Sam\nreferred_by: Maya\ninterview: 2026-11-01\n"
        "status: hired\nclosed: 2026-11-10\ncadence: 3m\ntopics: [dbt]\n",
        "keep-in-touch",
        "email",
        "Keep in touch with Sam and with Maya, who referred you, by email: share some news or an article "
        "on dbt, and ask how they are",
        "a call or a LinkedIn message work as well",
    ),
]


@pytest.mark.parametrize(
    ("seed", "rule", "front", "step", "channel", "action", "hint"),
    CHANNELS,
    ids=[f"{r[0]}: {r[1]}" for r in CHANNELS],
)
def test_every_action_names_its_channel(
    seed: str, rule: str, front: str, step: str, channel: str, action: str, hint: str
) -> None:
    body = _block(
        "- [x] a #followup 📅 2026-11-09 ✅ 2026-11-09 ^fu-r20261105-check-in-1",
    )
    steps, _ = steps_of(front, D, body)
    got = next(s for s in steps if s.id == step)
    assert (got.channel, got.action, got.hint) == (channel, action, hint)


def test_every_rule_option_names_its_seed() -> None:
    from followup_md.options import OPTIONS

    for option in OPTIONS:
        if option.section == "rules":
            assert option.seed in {"000", "001", "002", "003", "004"}, option.name


TICKED = """
## Follow-ups

<!-- followup-md:begin (generated; tick boxes or change dates freely) -->

{lines}

<!-- followup-md:end -->
"""


def _block(*lines: str) -> str:
    return TICKED.format(lines="\n".join(lines))


def test_second_check_in_comes_a_week_after_the_first_was_done() -> None:  # seed 001
    body = _block("- [x] Check in #followup 📅 2026-11-12 ✅ 2026-11-13 ^fu-r20261107-check-in-1")
    got = windows("type: interview\ninterview: 2026-11-07\n", D, body)
    assert got["r20261107-check-in-2"] == ("2026-11-20", "2026-11-20")
    assert "r20261107-check-in-1" not in got


def test_a_reply_after_the_last_check_in_means_no_waiting_for_an_answer() -> None:  # seed 004
    body = _block(
        "- [x] a #followup 📅 2026-11-05 ✅ 2026-11-05 ^fu-r20261101-check-in-1",
        "- [x] b #followup 📅 2026-11-12 ✅ 2026-11-12 ^fu-r20261101-check-in-2",
    )
    _, waiting = steps_of("type: interview\ninterview: 2026-11-01\nreplied: 2026-11-13\n", D, body)
    assert waiting == []


def test_no_more_check_ins_after_max_followups_and_the_note_waits() -> None:  # seed 004
    body = _block(
        "- [x] a #followup 📅 2026-11-05 ✅ 2026-11-05 ^fu-r20261101-check-in-1",
        "- [x] b #followup 📅 2026-11-12 ✅ 2026-11-12 ^fu-r20261101-check-in-2",
    )
    steps, waiting = steps_of("type: interview\ninterview: 2026-11-01\n", D, body)
    assert [s.id for s in steps if s.status == "open"] == ["thank-you-20261101"]
    assert [w.reason for w in waiting] == ["no answer after 2 check-ins"]


def test_max_followups_from_the_note() -> None:
    body = _block("- [x] a #followup 📅 2026-11-05 ✅ 2026-11-05 ^fu-r20261101-check-in-1")
    steps, waiting = steps_of("type: interview\ninterview: 2026-11-01\nmax_followups: 1\n", D, body)
    assert [s.id for s in steps if s.status == "open"] == ["thank-you-20261101"]
    assert [w.reason for w in waiting] == ["no answer after 1 check-in"]


def test_replied_after_a_check_in_started_ends_the_chain() -> None:
    assert windows("type: interview\ninterview: 2026-11-10\nreplied: 2026-11-14\n", D) == {
        "thank-you-20261110": ("2026-11-10", "2026-11-11")
    }


def test_replied_before_the_chain_started_does_not_end_it() -> None:
    got = windows("type: interview\ninterview: 2026-11-19\nreplied: 2026-11-20\n", D)
    assert "r20261119-check-in-1" in got


def test_received_log_counts_as_replied_and_as_last_contact() -> None:
    note = note_from("type: interview\ninterview: 2026-11-10\ncadence: 10d\n")
    from followup_md.rules import plan_note

    steps, _ = plan_note(note, _exchange((("2026-11-15", "received", ""),)), Config(), D)
    ids = {s.id: s.due.isoformat() for s in steps}
    check_in = next(
        s for s in steps if s.id == "r20261110-check-in-1"
    )  # the reply on the 15th ended the chain
    assert (check_in.status, check_in.done, check_in.reason) == (
        "done",
        date(2026, 11, 15),
        "they replied 2026-11-15",
    )
    assert ids["keep-in-touch"] == "2026-11-25"  # 10 days after the latest contact


def test_a_later_round_supersedes_check_ins_of_the_one_before() -> None:
    body = _block("- [ ] a #followup 📅 2026-11-15 ^fu-r20261110-check-in-1")
    steps, _ = steps_of("type: interview\ninterview: [2026-11-10, 2026-11-25]\n", D, body)
    got = {s.id: (s.status, s.done, s.reason) for s in steps}
    assert got["r20261110-check-in-1"] == ("done", D, "next round 2026-11-25")
    assert got["prepare-20261125"][0] == "open"


def test_an_interview_supersedes_confirming_the_application() -> None:
    got = windows("type: application\napplied: 2026-11-01\ninterview: 2026-11-25\n", D)
    assert list(got) == ["prepare-20261125"]


def test_contacted_completes_the_referral_reach_out() -> None:
    steps, _ = steps_of("type: referral\nreferred: 2026-11-10\nreferred_by: Maya\ncontacted: 2026-11-11\n", D)
    reach = next(s for s in steps if s.id == "reach-out")
    assert (reach.status, reach.done) == ("done", date(2026, 11, 11))


@pytest.mark.parametrize("status", ["closed", "hired", "withdrawn", "declined"])
def test_ending_statuses_keep_only_keep_in_touch(status: str) -> None:
    got = windows(f"type: interview\ninterview: 2026-11-19\nstatus: {status}\ncadence: 1m\n", D)
    assert list(got) == ["keep-in-touch"]


def test_rejected_keeps_stay_in_touch_and_keep_in_touch() -> None:
    front = "type: interview\ninterview: 2026-11-10\nstatus: rejected\nclosed: 2026-11-19\ncadence: 2m\n"
    assert sorted(windows(front, D)) == ["keep-in-touch", "stay-in-touch"]


def test_paused_hides_everything_until_snooze() -> None:
    front = "type: application\napplied: 2026-11-10\nstatus: paused\nsnooze: 2026-12-01\n"
    steps, waiting = steps_of(front, D)
    assert steps == []
    assert [w.reason for w in waiting] == ["paused until 2026-12-01"]
    assert windows(front, date(2026, 12, 1)) == {"confirm": ("2026-12-01", "2026-12-01")}


def test_snooze_delays_starts_and_dues() -> None:
    front = "type: contact\nmet: 2026-11-20\nsnooze: 2026-11-22\n"
    assert windows(front, D) == {"reconnect": ("2026-11-22", "2026-11-23")}


def test_cadence_counts_from_the_latest_done_step() -> None:
    body = _block("- [x] Keep in touch #followup 📅 2026-11-10 ✅ 2026-11-18 ^fu-keep-in-touch")
    got = windows("type: contact\nlast_contact: 2026-10-01\ncadence: 2w\n", D, body)
    assert got == {"keep-in-touch-2": ("2026-12-02", "2026-12-02")}


WEEKENDS = [
    # (seed, what the guidance says, front matter, open windows with skip_weekends)
    (
        "002",
        "after meeting someone: within 1-3 days, so a Saturday deadline becomes Friday",
        "type: contact\nmet: 2026-11-18\n",
        {"reconnect": ("2026-11-19", "2026-11-20")},
    ),
    (
        "002",
        "a Friday-evening interview is thanked within 24 hours: by Friday, not Monday",
        "type: interview\ninterview: 2026-11-20T18:00:00\n",
        {
            "prepare-20261120": ("2026-11-19", "2026-11-20"),
            "thank-you-20261120": ("2026-11-20", "2026-11-20"),
            "r20261120-check-in-1": ("2026-11-23", "2026-11-25"),
        },
    ),
    (
        "002",
        "check in about 3-5 days after: a wait that ends on Sunday ends on Monday",
        "type: interview\ninterview: 2026-11-17\n",
        {
            "thank-you-20261117": ("2026-11-17", "2026-11-18"),
            "r20261117-check-in-1": ("2026-11-20", "2026-11-23"),
        },
    ),
    (
        "002",
        "a gentle reminder in about a week: a Saturday becomes Monday",
        "type: help\nasked: 2026-11-14\n",
        {"nudge": ("2026-11-23", "2026-11-23")},
    ),
]


@pytest.mark.parametrize(
    ("seed", "rule", "front", "expected"), WEEKENDS, ids=[f"{r[0]}: {r[1]}" for r in WEEKENDS]
)
def test_skip_weekends_never_moves_a_date_past_the_guidance(
    seed: str, rule: str, front: str, expected: dict[str, tuple[str, str]]
) -> None:
    assert windows(front, D, config=Config(skip_weekends=True)) == expected


def test_every_window_is_configurable() -> None:
    rules = dict(Config().rules, confirm_start=1, confirm_due=3)
    got = windows("type: application\napplied: 2026-11-20\n", D, config=Config(rules=rules))
    assert got == {"confirm": ("2026-11-21", "2026-11-23")}


@pytest.mark.parametrize(
    ("start", "interval", "expected"),
    [
        (date(2026, 1, 31), (1, "m"), date(2026, 2, 28)),
        (date(2028, 1, 31), (1, "m"), date(2028, 2, 29)),  # leap year
        (date(2028, 2, 29), (1, "y"), date(2029, 2, 28)),
        (date(2026, 11, 30), (3, "m"), date(2027, 2, 28)),
        (date(2026, 11, 20), (10, "d"), date(2026, 11, 30)),
        (date(2026, 11, 20), (3, "w"), date(2026, 12, 11)),
    ],
)
def test_month_arithmetic_clamps(start: date, interval: tuple[int, str], expected: date) -> None:
    assert add_interval(start, interval) == expected


def test_skip_weekend() -> None:
    assert skip_weekend(date(2026, 11, 21)) == date(2026, 11, 23)
    assert skip_weekend(date(2026, 11, 22)) == date(2026, 11, 23)
    assert skip_weekend(date(2026, 11, 23)) == date(2026, 11, 23)
    assert before_weekend(date(2026, 11, 21)) == date(2026, 11, 20)
    assert before_weekend(date(2026, 11, 22)) == date(2026, 11, 20)
    assert before_weekend(date(2026, 11, 20)) == date(2026, 11, 20)


def test_user_postponement_is_kept_until_done() -> None:
    body = (
        "\n<!-- followup-md:begin (generated; tick boxes or change dates freely) "
        "confirm=2026-11-22..2026-11-27 -->\n\n"
        "- [ ] Confirm #followup 🛫 2026-11-22 📅 2026-12-02 ^fu-confirm\n\n<!-- followup-md:end -->\n"
    )
    got = windows("type: application\napplied: 2026-11-20\n", D, body)
    assert got == {"confirm": ("2026-11-22", "2026-12-02")}


def test_changed_facts_move_a_step_the_user_did_not_touch() -> None:
    body = (
        "\n<!-- followup-md:begin (generated; tick boxes or change dates freely) "
        "confirm=2026-11-22..2026-11-27 -->\n\n"
        "- [ ] Confirm #followup 🛫 2026-11-22 📅 2026-11-27 ^fu-confirm\n\n<!-- followup-md:end -->\n"
    )
    got = windows("type: application\napplied: 2026-11-18\n", D, body)
    assert got == {"confirm": ("2026-11-20", "2026-11-25")}


def test_actions_name_the_person_the_source_and_what_to_ask() -> None:
    steps, _ = steps_of(
        "type: referral\nname: Lena\nreferred: 2026-11-20\nreferred_by: '[[Maya Chen|Maya]]'\n", D
    )
    assert steps[0].action == "Email Lena about the referral and copy Maya on it"
    steps, _ = steps_of(
        "type: application\napplied: 2026-11-20\ncompany: Acme\nrole: Analyst\ncontact: Sam\n", D
    )
    assert steps[0].action == (
        "Email Sam at Acme to check that your application for Analyst arrived, "
        "offer more materials and ask about next steps and timing"
    )


def test_an_informational_interview_never_waits_for_an_answer() -> None:  # seed 003
    front = "type: interview\nname: Ana\ninterview: 2026-10-01\nformat: informational\n"
    steps, waiting = steps_of(front, D)
    assert waiting == []
    assert [(s.id, s.action) for s in steps] == [
        (
            "thank-you-20261001",
            "Thank Ana for the conversation within 24 hours, mentioning something you learned: "
            "by email, a call or a card",
        )
    ]


def test_a_folders_cadence_applies_to_the_notes_in_it() -> None:  # seed 001
    config = Config(cadence={"contact": "1m", "People/Former bosses/": "2w"})
    note = note_from("type: contact\nlast_contact: 2026-11-01\n", path="People/Former bosses/Ruth.md")
    from followup_md.rules import plan_note

    steps, _ = plan_note(note, Exchange(), config, D)
    assert [(s.id, s.due) for s in steps] == [("keep-in-touch", date(2026, 11, 15))]


def test_a_dormant_contact_is_drafted_a_catch_up_not_a_nice_to_meet_you() -> None:  # seed 001
    from followup_md.phrasing import Sender
    from followup_md.wording import draft_email

    note = note_from("type: contact\nname: Ruth Okafor\nlast_contact: 2026-05-01\n")
    steps, _ = steps_of("type: contact\nname: Ruth Okafor\nlast_contact: 2026-05-01\n", D)
    subject, body = draft_email(steps[0], note, Sender())
    assert subject == "It has been a while"
    assert body.startswith("Hi Ruth,\n\nI hope you are well; it has been a while since we last spoke.")


def test_log_notes_get_no_steps() -> None:
    steps, waiting = steps_of("type: log\ndate: 2026-11-20\nwith: '[[Maya]]'\n", D)
    assert (steps, waiting) == ([], [])


def test_a_step_moved_is_the_step_replaced() -> None:
    """`Step.moved` writes every field out: one field added to Step and not
    to it would be lost from every step the rules make."""
    values: dict[str, object] = {}
    for number, field in enumerate(fields(Step)):
        day = date(2026, 1, 1 + number)
        values[field.name] = (
            (day, day) if field.name == "planned" else day if "date" in str(field.type) else f"v{number}"
        )
    step = Step(**cast(dict[str, Any], values))
    window = (date(2026, 2, 1), date(2026, 2, 2), (date(2026, 2, 3), date(2026, 2, 4)))
    assert step.moved(*window) == replace(step, start=window[0], due=window[1], planned=window[2])
