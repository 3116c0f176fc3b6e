"""`followup-md explain NOTE`: what was read from a note, what each rule made
of it, and why the others did not fire. Pure: it takes a planned note and
answers with plain data (for `--json`) and text lines.

Why a rule did not fire is found from outside the rules: a fact it needs is
missing, or planning the same note again without its status (or its snooze)
shows the step that status ended (or the window the snooze moved), or one of
a few named facts stopped it (a later interview, a reply).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from itertools import pairwise
from typing import Any

from followup_md.blocks import TASK_LINE, split_lines
from followup_md.config import Config
from followup_md.links import LinkIndex
from followup_md.model import Exchange, Link, Moment, Note, Problem, Step, Waiting, printable
from followup_md.rules import ENDED, merge_exchange, plan_note

# Each rule: its name, the step ids it makes (by prefix), and the facts it needs.
RULES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("dormant", ("reconnect-",), ()),
    ("reconnect", ("reconnect",), ("met",)),
    ("thank-introducer", ("thank-introducer",), ("introduced", "introduced_by")),
    ("reach-out", ("reach-out",), ("introduced|referred",)),
    ("nudge", ("nudge",), ("asked",)),
    ("confirm", ("confirm",), ("applied",)),
    ("prepare", ("prepare",), ("interview",)),
    ("thank-you", ("thank-you",), ("interview",)),
    ("check-in", ("check-in",), ("interview",)),
    ("loop-in-source", ("loop-in-source",), ("interview", "referred_by")),
    ("update-source", ("update-source",), ("connected", "referred_by")),
    ("no-contact", ("no-contact",), ("contacted", "referred_by")),
    ("source-outcome", ("source-outcome",), ("referred_by", "closed")),
    ("stay-in-touch", ("stay-in-touch",), ("status", "closed")),
    ("keep-in-touch", ("keep-in-touch",), ("cadence",)),
    ("follow-up", ("follow-up-",), ("follow_up_on",)),
    ("manual", ("manual",), ("next",)),
)


def rule_of(step_id: str) -> str:
    """The rule that makes a step (`r2-check-in-1` and `check-in-2` are check-ins)."""
    if "check-in" in step_id:
        return "check-in"
    for name, prefixes, _ in RULES:
        if any(step_id.startswith(prefix) for prefix in prefixes):
            return name
    return step_id


def shown(value: Any) -> Any:
    """A fact's value as text (lists stay lists, for JSON)."""
    if isinstance(value, Link):
        return value.text if value.text == value.target else f"{value.text} ({value.target})"
    if isinstance(value, Moment):
        return value.day.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[1], str)
        and isinstance(value[0], int)
    ):
        return f"{value[0]}{value[1]}"  # an interval
    if isinstance(value, tuple | list):
        return [shown(item) for item in value]
    return value


def _task_line(note: Note, step_id: str) -> int | None:
    """The 1-based line of a step's task in the note's block."""
    if note.block is None:
        return None
    lines = split_lines(note.text)
    for number in range(note.block.begin, note.block.end):
        found = TASK_LINE.match(lines[number].rstrip("\r\n"))
        if found is not None and found["step"] == step_id:
            return number + 1
    return None


def _where(note: Note, key: str) -> tuple[str, int | None]:
    """(the note's spelling of our key, its line), when the note has it."""
    theirs, line = note.sources.get(key, (key, 0))
    return theirs, line or None


def _fact(path: str, key: str, theirs: str, value: Any, line: int | None, source: str) -> dict[str, Any]:
    """One fact read: our key, the file's spelling of it, value, file, line, source."""
    return {"key": key, "as": theirs, "value": value, "path": path, "line": line, "source": source}


def _facts(note: Note, notes: Mapping[str, Note], index: LinkIndex) -> list[dict[str, Any]]:
    facts: list[dict[str, Any]] = []
    if "type" in note.sources:
        theirs, line = _where(note, "type")
        facts.append(_fact(note.path, "type", theirs, note.type, line, "front matter"))
    else:
        origin = next((f"{section} rule {name!r}" for section, name in sorted(note.uses)), "config")
        facts.append(_fact(note.path, "type", "", note.type, None, origin))
    for key, value in note.facts.items():
        theirs, line = _where(note, key)
        facts.append(_fact(note.path, key, theirs, shown(value), line, "front matter"))
    theirs, line = _where(note, "with")
    for link in note.facts.get("with", ()) if note.type == "log" else ():
        target = index.resolve(link.target, note.path) or "no follow-up note"
        facts.append(_fact(note.path, "with", theirs, f"{link.target} -> {target}", line, "link resolved"))
    for path in sorted(notes):
        log = notes[path]
        if log.type != "log" or "date" not in log.facts or path == note.path:
            continue
        if any(index.resolve(link.target, path) == note.path for link in log.facts.get("with", ())):
            direction = log.facts.get("direction", "")
            key = "replied" if direction == "received" else "last_contact"
            value = log.facts["date"].isoformat()
            source = f"log note ({direction})" if direction else "log note"
            facts.append(_fact(path, key, "date", value, _where(log, "date")[1], source))
    for step_id, task in sorted(note.tasks.items()):
        line = _task_line(note, step_id)
        if task.status != "open":
            done = task.done.isoformat() if task.done else "today"
            value = f"{task.status} on {done}" if task.status == "done" or task.done else task.status
            facts.append(_fact(note.path, step_id, "", value, line, "tick"))
        recorded = note.block.planned.get(step_id) if note.block is not None else None
        if task.status == "open" and recorded and task.due is not None and task.due != recorded[1]:
            value = f"moved to {task.due.isoformat()} (planned {recorded[1].isoformat()})"
            facts.append(_fact(note.path, step_id, "", value, line, "postponement"))
    return facts


def _trigger(step: Step, facts: Mapping[str, Any]) -> dict[str, Any]:
    """The fact a step counts from, as far as its rule says."""
    needs = next((needs for name, _, needs in RULES if name == rule_of(step.id)), ())
    for need in needs:
        for key in need.split("|"):
            if key in facts and key != "status":
                value = facts[key]
                if key == "interview":
                    value = _round(step.id, value)
                return {"key": key, "value": shown(value)}
    return {}


def _round(step_id: str, rounds: tuple[Moment, ...]) -> date:
    """The interview round a step belongs to: by the date in its id, by its
    number (`thank-you-2`), or the last round (check-ins)."""
    for moment in rounds:
        if f"{moment.day:%Y%m%d}" in step_id:
            return moment.day
    number = step_id.rsplit("-", 1)[-1]
    if "check-in" in step_id or not number.isdigit():
        return rounds[-1].day if "check-in" in step_id else rounds[0].day
    return rounds[min(int(number), len(rounds)) - 1].day


def _why_not(
    name: str,
    needs: tuple[str, ...],
    facts: Mapping[str, Any],
    config: Config,
    unstatused: Sequence[Step],
    today: date,
) -> str:
    """Why a rule made no step for this note."""
    status = facts.get("status", "active")
    if name == "stay-in-touch" and status != "rejected":
        return f"only after `status: rejected` (status is {status})"
    for need in needs:
        if not any(key in facts for key in need.split("|")):
            keys = " or ".join(f"`{config.key(key)}`" for key in need.split("|"))
            return f"no {keys}"
    if any(rule_of(step.id) == name for step in unstatused):
        return f"ended by status {status}"
    rounds = facts.get("interview", ())
    reasons: dict[str, Callable[[], str | None]] = {
        "confirm": lambda: f"superseded by the interview on {rounds[0].day}" if rounds else None,
        "thank-you": lambda: f"the interview on {rounds[0].day} is still ahead" if rounds else None,
        "prepare": lambda: f"the interview on {rounds[-1].day} has happened" if rounds else None,
        "check-in": lambda: _check_in_why(facts, today),
        "no-contact": lambda: (
            f"contact was made (`connected` {facts['connected']})" if "connected" in facts else None
        ),
        "keep-in-touch": lambda: "no date to count the interval from",
        "dormant": lambda: "no silence longer than `dormant_after` days with nothing else to do",
        "source-outcome": lambda: (
            f"status is {status}: the process has not ended" if status not in ENDED else None
        ),
        "reach-out": lambda: "a referral's reach-out comes from `referred`" if "referred" in facts else None,
    }
    why = reasons.get(name, lambda: None)()
    return why or "its conditions are not met"


def _check_in_why(facts: Mapping[str, Any], today: date) -> str | None:
    rounds = facts.get("interview", ())
    if rounds and rounds[-1].day > today:
        return f"the interview on {rounds[-1].day} is still ahead"
    if str(facts.get("format", "")).lower() == "informational":
        return "an informational interview gets a thank-you, never status check-ins"
    if "replied" in facts:
        return f"ended: they replied on {facts['replied']}"
    return None


def explain_note(
    note: Note,
    notes: Mapping[str, Note],
    index: LinkIndex,
    exchange: Exchange,
    config: Config,
    today: date,
    steps: Sequence[Step],
    waiting: Sequence[Waiting],
    problems: Sequence[Problem],
) -> dict[str, Any]:
    """Everything `explain` says about one planned note, as plain data."""
    facts = dict(note.facts)
    merge_exchange(facts, exchange, today)
    unstatused = _plan_without(note, "status", exchange, config, today)
    unsnoozed = {step.id: step for step in _plan_without(note, "snooze", exchange, config, today)}
    return {
        "note": note.path,
        "name": note.name,
        "type": note.type,
        "facts": _facts(note, notes, index),
        "steps": [_step_entry(step, facts, unsnoozed.get(step.id)) for step in steps],
        "not_fired": _not_fired(note, steps, facts, config, unstatused, today),
        "waiting": [item.reason for item in waiting],
        "problems": [str(problem) for problem in problems],
    }


def _plan_without(note: Note, key: str, exchange: Exchange, config: Config, today: date) -> list[Step]:
    """The steps the rules make when the note lacks one fact."""
    bare = {name: value for name, value in note.facts.items() if name != key}
    return plan_note(replace(note, facts=bare), exchange, config, today)[0]


def _step_entry(step: Step, facts: Mapping[str, Any], before: Step | None) -> dict[str, Any]:
    """One step made: its rule, the fact it counts from, its window and state,
    and notes on it (`before`: the same step planned without the snooze)."""
    entry: dict[str, Any] = {
        "step": step.id,
        "rule": rule_of(step.id),
        "from": _trigger(step, facts),
        "start": step.start.isoformat(),
        "due": step.due.isoformat(),
        "status": step.status,
        "done": step.done.isoformat() if step.done else None,
        "notes": [],
    }
    snooze = facts.get("snooze")
    moved = before is not None and (before.start, before.due) != (step.start, step.due)
    if snooze is not None and before is not None and moved and step.status == "open":
        entry["notes"].append(f"snoozed until {snooze}: was {before.start}..{before.due}")
    if step.planned is not None and step.planned != (step.start, step.due):
        entry["notes"].append(f"your dates; the rule says {step.planned[0]}..{step.planned[1]}")
    if step.waiting:
        entry["notes"].append(step.waiting)
    if step.reason:
        entry["notes"].append(f"done because: {step.reason}")
    return entry


def _not_fired(
    note: Note,
    steps: Sequence[Step],
    facts: Mapping[str, Any],
    config: Config,
    unstatused: Sequence[Step],
    today: date,
) -> list[dict[str, str]]:
    """Every rule that made no step, and why; and each earlier round's check-ins a later one superseded."""
    fired = {rule_of(step.id) for step in steps}
    silent = [
        {"rule": name, "why": _why_not(name, needs, facts, config, unstatused, today)}
        for name, _, needs in RULES
        if name not in fired and note.type != "log"
    ]
    for before, after in pairwise(facts.get("interview", ())):
        if not any(step.id.startswith(f"r{before.day:%Y%m%d}-check-in") for step in steps):
            why = f"superseded by the later round on {after.day}"
            silent.append({"rule": f"check-in ({before.day})", "why": why})
    return silent


def explain_lines(report: Mapping[str, Any]) -> list[str]:
    """The report as text for the terminal, a line per line (control
    characters in a value escaped)."""
    out = [f"{report['note']}: {report['type']} note for {report['name']}", "", "Facts read:"]
    for fact in report["facts"]:
        where = f"line {fact['line']}" if fact["line"] and fact["path"] == report["note"] else "-"
        source = fact["source"] if fact["path"] == report["note"] else f"{fact['source']} {fact['path']}"
        source += f":{fact['line']}" if fact["line"] and fact["path"] != report["note"] else ""
        value = ", ".join(fact["value"]) if isinstance(fact["value"], list) else fact["value"]
        spelled = f" (as {fact['as']!r})" if fact["as"] and fact["as"] != fact["key"] else ""
        out.append(f"  {where:<9} {fact['key']}: {value}{spelled}  [{source}]")
    out += ["", "Steps:" if report["steps"] else "Steps: none"]
    for step in report["steps"]:
        trigger = step["from"]
        origin = f" from {trigger['key']} {trigger['value']}" if trigger else ""
        dated = step["status"] == "done" or (step["status"] == "cancelled" and step["done"])
        state = f"{step['status']} {step['done']}" if dated else step["status"]
        out.append(f"  {step['step']}: {step['start']}..{step['due']} {state} ({step['rule']} rule{origin})")
        out += [f"      {line}" for line in step["notes"]]
    if report["not_fired"]:
        out += ["", "Rules that did not fire:"]
        out += [f"  {item['rule']}: {item['why']}" for item in report["not_fired"]]
    if report["waiting"]:
        out += ["", "Waiting:", *(f"  {reason}" for reason in report["waiting"])]
    if report["problems"]:
        out += ["", "Problems:", *(f"  {problem}" for problem in report["problems"])]
    return [printable(line) for line in out]  # a value's line break cannot start a line of its own
