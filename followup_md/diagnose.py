"""Pure checks for input that would otherwise shape nothing, silently: a
setting that matches no note, a log note's link to no note, facts that
contradict each other. Each is reported with its place and the fix."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import PurePosixPath

from followup_md.config import Config
from followup_md.layout import CONFIG_FILE, unmatched_globs
from followup_md.links import LinkIndex
from followup_md.model import Note, Problem, Step

_WHAT = {
    "keys": "no follow-up note has the key {value!r}",
    "types": "no follow-up note has the type {name!r}",
    "statuses": "no follow-up note has the status {name!r}",
    "folders": "no follow-up note is in the folder {name!r}",
    "tags": "no follow-up note has the tag {name!r}",
    "directions": "no log note has the direction {name!r}",
}


def unused_settings(config: Config, notes: Iterable[Note], paths: Iterable[str] = ()) -> list[Problem]:
    """A warning for each `[keys]`, `[types]`, `[statuses]`, `[folders]`,
    `[tags]` and `[directions]` entry of followup-md.toml that no note answers to, and each
    `include` glob that no file matches (`paths`: the vault's Markdown files, to match the globs
    and suggest the folder meant)."""
    paths = tuple(paths) if config.include else paths  # read once more for the globs
    used = set().union(*(note.uses for note in notes))
    folders: set[str] | None = None  # every folder of `paths`, made only if a folder entry is unused
    warnings = []
    for section in _WHAT:
        for name, value in getattr(config, section).items():
            if (section, name) in used:
                continue
            message = f"[{section}] {name!r}: " + _WHAT[section].format(name=name, value=value)
            if section == "folders":
                if folders is None:
                    folders = {str(parent) for path in paths for parent in PurePosixPath(path).parents}
                meant = sorted(f for f in folders if f.endswith("/" + name.strip("/")))
                if meant:
                    message += f"; did you mean {meant[0]!r}?"
            warnings.append(Problem(CONFIG_FILE, config.line(section, name), message, warning=True))
    for pattern in unmatched_globs(config.include, paths):  # it may leave every note out, unsaid
        message = (
            f"include {pattern!r}: no Markdown file read matches it (check its folder's name and case, "
            "and exclude)"
        )
        warnings.append(Problem(CONFIG_FILE, config.line("", "include"), message, warning=True))
    return warnings


def broken_links(notes: Iterable[Note], index: LinkIndex) -> list[str]:
    """The targets of log notes' `with` links that reach no note."""
    return [target for note in notes for target in _broken(note, index)]


def _broken(note: Note, index: LinkIndex) -> list[str]:
    if note.type != "log":
        return []
    targets = [link.target for link in note.facts.get("with", ())]
    return [target for target in targets if index.resolve(target, note.path) is None]


def unresolved_links(note: Note, index: LinkIndex) -> list[Problem]:
    """A log note's `with` links that reach no note: the exchange is lost to them."""
    problems = []
    for target in _broken(note, index):
        key, line = note.sources.get("with", ("with", 1))
        hint = index.suggest(target)
        near = f"; did you mean {', '.join(repr(PurePosixPath(p).stem) for p in hint)}?" if hint else ""
        problems.append(
            Problem(
                note.path,
                line,
                f"{key}: {target!r} is no follow-up note, so this exchange counts for nobody{near}",
            )
        )
    return problems


def lost_log(note: Note, config: Config) -> list[Problem]:
    """A log note without a date or without anyone `with` it: its exchange
    would count for nobody, unsaid (a problem); or without a `direction`:
    it completes no step and is no reply (a warning). Each said by the
    vault's name for the key."""
    if note.type != "log":
        return []
    line = note.sources.get("type", ("type", 1))[1]
    lost = "a log note without `{key}:`, so this exchange counts for nobody; "
    problems = []
    if note.facts.get("date") is None:
        problems.append(
            Problem(note.path, line, lost.format(key=config.key("date")) + "add the day it happened")
        )
    if not note.facts.get("with"):
        fix = f'add the people it was with (`{config.key("with")}: "[[Name]]"`)'
        problems.append(Problem(note.path, line, lost.format(key=config.key("with")) + fix))
    if "direction" not in note.facts:
        key = config.key("direction")
        message = (
            f"a log note without `{key}:`, so it completes no step and is no reply; "
            f"add `{key}: sent`, `received` or `exchanged`"
        )
        problems.append(Problem(note.path, line, message, warning=True))
    return problems


def _near_informational(shape: str) -> bool:
    """Whether a format is a near miss of `informational`. Its length alone
    rules out a long one (`real_quick_ratio`): matching letter by letter takes
    time in its length (30 ms a note at 64 KB, on every run)."""
    matcher = difflib.SequenceMatcher(None, shape, "informational")
    return matcher.real_quick_ratio() >= 0.8 and matcher.ratio() >= 0.8


def contradictions(note: Note, facts: Mapping[str, object], steps: Sequence[Step]) -> list[Problem]:
    """Facts that contradict each other or leave a rule with nothing to count
    from: what is wrong, what the rules did instead, and the fix. `facts` are
    the note's with what its log notes add; `steps` are what the rules made."""
    warnings = []

    def warn(key: str, message: str) -> None:
        theirs, line = note.sources.get(key, (key, 1))
        warnings.append(Problem(note.path, line, message.format(key=theirs), warning=True))

    reply_by, rounds = facts.get("reply_by"), facts.get("interview")
    if isinstance(reply_by, date) and isinstance(rounds, tuple) and rounds and reply_by < rounds[-1].day:
        warn(
            "reply_by",
            f"{{key}}: {reply_by} is before the interview on {rounds[-1].day}; check-ins count from the "
            "interview instead. Set it to the day they said they would answer by",
        )
    if facts.get("status") == "rejected" and "closed" not in facts:
        warn(
            "status",
            "{key}: rejected, but no `closed:` date, so no stay-in-touch step; "
            "add `closed: YYYY-MM-DD` (the day the answer came)",
        )
    contacted, referred = facts.get("contacted"), facts.get("referred")
    if isinstance(contacted, date) and isinstance(referred, date) and contacted < referred:
        warn(
            "contacted",
            f"{{key}}: {contacted} is before the referral on {referred}; the reach-out counts as done "
            "anyway. Fix whichever date is wrong",
        )
    shape = str(facts.get("format", "")).strip().lower()  # most notes have none: no matcher is made
    if shape and shape != "informational" and ("informational" in shape or _near_informational(shape)):
        warn(
            "format",
            f"{{key}}: {facts['format']!r} is not `informational`, so this interview is followed up as "
            "one for a job (status check-ins); write `format: informational` if no job is behind it",
        )
    emails = facts.get("email", ())
    odd = [email for email in emails if "@" not in email] if isinstance(emails, tuple) else []
    if odd:
        warn(
            "email", f"{{key}}: {odd[0]!r} is not an address, so no email link; write it as name@example.org"
        )
    if "introduced_by" in facts and "introduced" not in facts:
        warn(
            "introduced_by",
            "{key}: no `introduced:` date, so no step thanks the introducer or reaches out; "
            "add `introduced: YYYY-MM-DD` (the day of the introduction)",
        )
    offer = next((key for key in ("promise", "expected", "urgent") if key in facts), None)
    if offer is not None and "asked" not in facts:
        warn(
            offer,
            "{key}: no `asked:` date, so no reminder of their offer to help; "
            "add `asked: YYYY-MM-DD` (the day they agreed to help)",
        )
    recurring = any(step.id.startswith("keep-in-touch") for step in steps)
    if "cadence" in facts and facts.get("status") != "paused" and not recurring:
        warn(
            "cadence",
            "{key}: no date to count the interval from, so no keep-in-touch step; "
            "add `last_contact: YYYY-MM-DD` (or a dated fact, or a log note that links here)",
        )
    return warnings
