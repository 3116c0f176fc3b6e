"""Pure: steps -> task lines, and the managed block of a note."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from datetime import date

from followup_md.blocks import (
    TASK_LINE,
    block_span,
    find_block,
    parse_task,
    split_lines,
)
from followup_md.errors import UsageError
from followup_md.markdown import task_text
from followup_md.markers import BEGIN, BEGIN_TEXT, END
from followup_md.model import Note, Step, TaskLine, TaskSyntax
from followup_md.parse import split_front_matter

_MARK = re.compile(r"^- \[.\]")


def _field_parts(syntax: TaskSyntax, start: date | None, due: date, done: date | None) -> dict[str, str]:
    """Our fields by kind ("start", "due", "done"), in the Tasks plugin's order."""
    if syntax.dataview:
        parts = {"start": f"  [start:: {start}]", "due": f"  [due:: {due}]"}
        parts["done"] = f"  [completion:: {done}]"
    else:
        parts = {"start": f" 🛫 {start}", "due": f" 📅 {due}", "done": f" ✅ {done}"}
    if not start or start == due:
        del parts["start"]
    if not done:
        del parts["done"]
    return parts


def _fields(syntax: TaskSyntax, start: date | None, due: date, done: date | None) -> str:
    return "".join(_field_parts(syntax, start, due, done).values())


def render_task(step: Step, syntax: TaskSyntax, tag: str) -> str:
    """A task line in the Tasks plugin's canonical order: open, or done by a
    fact or a log note (then ticked, with the reason after the action)."""
    prefix = syntax.global_filter if syntax.global_filter != tag else ""
    text = f"{step.action} — {step.reason}" if step.reason else step.action
    description = " ".join(part for part in (prefix, task_text(text), tag) if part)
    if step.status == "done":
        return f"- [x] {description}{_fields(syntax, step.start, step.due, step.done)} ^fu-{step.id}"
    return f"- [ ] {description}{_fields(syntax, step.start, step.due, None)} ^fu-{step.id}"


# Tasks fields as the Tasks plugin reads them: matched at the end of the line,
# one after another (emoji format, Dataview format), and trailing tags. The
# tool owns the start and due dates; every other field is the user's.
_TRAILING_FIELD = re.compile(
    r"\s*(?:(?P<start>🛫\ufe0f? *\d{4}-\d{2}-\d{2})|(?P<due>[📅📆🗓]\ufe0f? *\d{4}-\d{2}-\d{2})"
    r"|(?P<done>✅\ufe0f? *\d{4}-\d{2}-\d{2})|(?P<cancelled>❌\ufe0f? *\d{4}-\d{2}-\d{2})"
    r"|[🔺⏫🔼🔽⏬]\ufe0f?|[➕⏳⌛]\ufe0f? *\d{4}-\d{2}-\d{2}"
    r"|⏰\ufe0f? *\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?"
    r"|🔁\ufe0f? ?[a-zA-Z0-9, !]+|🏁\ufe0f? *[a-zA-Z]*|🆔\ufe0f? *[a-zA-Z0-9_-]+"
    r"|⛔\ufe0f? *[a-zA-Z0-9_-]+(?: *, *[a-zA-Z0-9_-]+ *)*"
    r"|[\[(](?:(?P<dv_start>start)|(?P<dv_due>due)|(?P<dv_done>completion)|(?P<dv_cancelled>cancelled)"
    r"|[a-zA-Z]+):: *[^\])]*[\])]"
    r"|(?<!\S)#[^ !@#$%^&*(),.?\":{}|<>]+)$"
)


_OURS = {
    "start": "start",
    "dv_start": "start",
    "due": "due",
    "dv_due": "due",
    "done": "done",
    "dv_done": "done",
    # a cancel's day (ours since a [-] in Due.md writes one) goes when the line
    # is open again, as a ✅ does: the Tasks plugin drops both as it reopens a line
    "cancelled": "done",
    "dv_cancelled": "done",
}


def split_fields(body: str) -> tuple[str, list[tuple[str, str]]]:
    """A task body as the Tasks plugin splits it: the description, and the
    trailing fields in line order as (kind, text with its leading space); kind
    is "start", "due", "done" (ours) or "" (the user's: priority, recurrence,
    ids, tags…). Fields are taken from the end without copying what is left."""
    fields: list[tuple[str, str]] = []
    starts = [found.start() for found in _FIELD_START.finditer(body)]
    hashes = [start for start in starts if body[start] == "#"]
    tags: dict[int, int] = {}
    end = len(body)
    while end and (found := _trailing_field(body, starts, end, (hashes, tags))):
        fields.append((_OURS.get(found.lastgroup or "", ""), found[0]))
        end = found.start()
        while starts and starts[-1] >= end:
            starts.pop()
    fields.reverse()
    return body[:end], fields


# The characters a trailing field can start with (after its leading space).
_FIELD_START = re.compile(r"[🛫📅📆🗓✅🔺⏫🔼🔽⏬➕⏳⌛❌⏰🔁🏁🆔⛔\[(#]")
# What ends a tag (`_TRAILING_FIELD`'s tag holds none of these).
_TAG_END = re.compile(r"[ !@#$%^&*(),.?\":{}|<>]")


def _trailing_field(
    body: str, starts: list[int], end: int, hashes: tuple[list[int], dict[int, int]]
) -> re.Match[str] | None:
    """`_TRAILING_FIELD.search(body[:end])`: the leftmost field start (of
    `starts`, those before `end`) whose field, with the white space before it,
    runs to `end`. In time linear in the line over all the calls of one body:
    the rightmost such start is sought from the end, and only two kinds of
    field can run over it from further left (no other holds a character a
    field starts with): a Dataview field (`[key:: …]`, no `]` or `)` in it)
    and a tag (no space or `#` in it). `hashes`: where each `#` is, and how
    far the tag there can run (found when first needed)."""
    at_hash, tags = hashes

    def reaching(start: int) -> re.Match[str] | None:
        at = start
        while at and body[at - 1].isspace():  # what `\s` matches in a str pattern
            at -= 1
        return _TRAILING_FIELD.match(body, at, end)

    closed = body[end - 1] in "])"
    after = max(body.rfind("]", 0, end - 1), body.rfind(")", 0, end - 1)) if closed else end

    def may_reach(start: int) -> bool:  # what a field starting there scans is no longer than its field
        if body[start] == "#":
            if start not in tags:
                stop = _TAG_END.search(body, start + 1)
                tags[start] = stop.start() if stop else len(body)
            return tags[start] >= end
        return body[start] not in "[(" or start > after

    last = next(
        (i for i in range(len(starts) - 1, -1, -1) if may_reach(starts[i]) and reaching(starts[i])), None
    )
    if last is None:
        return None
    earlier = []
    tag = at_hash[bisect_left(at_hash, starts[last]) - 1] if at_hash and at_hash[0] < starts[last] else -1
    if body[starts[last]] != "#" and tag >= 0 and may_reach(tag):
        earlier.append(tag)
    if closed:
        first = bisect_right(starts, after, 0, last)
        earlier += [start for start in starts[first:last] if body[start] in "[("]
    for start in sorted(earlier):
        found = reaching(start)
        if found:
            return found
    return reaching(starts[last])


def merge_task(line: str, step: Step, syntax: TaskSyntax, tag: str) -> str:
    """A generated line brought up to date with its step (open, or done by a
    fact): the description text, the dates and the block id are the tool's;
    the checkbox of an open line, the words written after the tag and every
    other field stay as the user left them."""
    found = TASK_LINE.match(line)
    assert found is not None  # parse_task only returns lines ending in a block id
    head, fields = split_fields(found["body"])
    prefix = f"{syntax.global_filter} " if syntax.global_filter and syntax.global_filter != tag else ""
    text = prefix + task_text(f"{step.action} — {step.reason}" if step.reason else step.action)
    at = head.rfind(f" {tag}")
    if at >= 0 and not head[at + len(tag) + 1 : at + len(tag) + 2].strip():
        head = f"{text} {tag}{head[at + len(tag) + 1 :]}"
    elif any(kind == "" and field.strip() == tag for kind, field in fields):
        head = text
    else:
        head = f"{text} {tag}"
    done = step.status == "done"
    parts = _field_parts(syntax, step.start, step.due, step.done if done else None)
    mark = "x" if done else found["mark"]
    after = line[found.end("step") :].rstrip(" \t")  # the user's comments after the id
    return f"- [{mark}] {head}{_merged_fields(fields, parts)} ^fu-{step.id}{after}"


def _merged_fields(fields: list[tuple[str, str]], parts: dict[str, str]) -> str:
    """The line's fields with ours brought up to date: when the line has each
    of our kinds, each stays where it is (a user's ⏳ between 🛫 and 📅, as the
    Tasks plugin writes it, stays there; a ✅ comes after 📅); otherwise our
    dates go together where the first of them was."""
    kinds = {kind for kind, _ in fields if kind}
    in_place = kinds.issubset(parts) and kinds.union({"done"}).issuperset(parts) and "due" in kinds
    ours = "".join(parts.values())
    merged: list[str] = []
    for kind, field in fields:
        if not kind:
            merged.append(field)
        elif in_place and kind in parts:
            added = parts.pop("done", "") if kind == "due" and "done" not in kinds else ""
            merged.append(parts.pop(kind) + added)
        elif not in_place and ours:  # our dates go where the first of them was
            merged.append(ours)
            ours = ""
    return "".join(merged) + ("".join(parts.values()) if in_place else ours)


def mark_done(line: str, task: TaskLine, done: date, syntax: TaskSyntax, cancelled: bool = False) -> str:
    """A ticked line with its done date added before the block id (Tasks'
    order); `cancelled`: an open line cancelled (`[-]`, ❌), as from Due.md."""
    mark, emoji, word = ("-", "❌", "cancelled") if cancelled else ("x", "✅", "completion")
    line = _MARK.sub(f"- [{mark}]", line) if task.status == "open" else line
    line = line.replace("- [X]", "- [x]", 1)
    found = TASK_LINE.match(line)
    assert found is not None  # parse_task only returns lines ending in a block id
    at = found.start("step") - len("^fu-")
    head = line[: at - 1] if line[at - 1] == " " else line[:at]
    block_id = line[at:].rstrip(" \t")  # with the user's comments after it
    field = f"  [{word}:: {done}]" if syntax.dataview else f" {emoji} {done}"
    return f"{head}{field} {block_id}"


def tick_step(text: str, path: str, step_id: str, day: date, syntax: TaskSyntax) -> str:
    """`text` with the open task line of `step_id` ticked and dated, as a tick
    in Obsidian would leave it; nothing else changes."""
    lines = split_lines(text)
    block = find_block(text, lines, path, split_front_matter(text)[1])
    if block is not None:
        for index in range(block.begin + 1, block.end):
            line = lines[index]
            body = line.rstrip("\r\n")
            task = parse_task(body, syntax)
            if task is not None and task.step == step_id and task.status == "open":
                lines[index] = mark_done(body, task, day, syntax) + line[len(body) :]
                return "".join(lines)
    raise UsageError(f"{path} has no open task line for {step_id}", path)


def begin_marker(steps: Sequence[Step]) -> str:
    """The begin marker, recording the computed window of every open step."""
    plan = []
    for step in steps:
        start, due = step.planned or (step.start, step.due)
        plan.append(f" {step.id}={start}" + (f"..{due}" if due != start else ""))
    return f"{BEGIN} {BEGIN_TEXT}{''.join(plan)} -->"


def _postponed(note: Note, task: TaskLine) -> tuple[date, date] | None:
    """The window the begin marker records for an open line whose dates the
    user changed (postponed); None if the line shows what was planned."""
    recorded = note.block.planned.get(task.step) if note.block is not None else None
    if recorded is None or task.due is None or (min(task.start or task.due, task.due), task.due) == recorded:
        return None
    return recorded


def render_inner(
    note: Note, existing: list[str], steps: Sequence[Step], syntax: TaskSyntax, tag: str
) -> tuple[list[str], list[Step]]:
    """The block's new inner lines (`existing`: its lines now, without their
    endings), keeping history and the user's own lines in place; a step a fact
    or a log note completed becomes a done line. Returns the lines and the open
    steps in the order they appear."""
    open_steps = {step.id: step for step in steps if step.status == "open"}
    settled = {step.id: step for step in steps if step.status == "done" and step.reason}
    out, shown, seen, last_task = _kept_lines(note, existing, open_steps, settled, syntax, tag)
    fresh = [step for step in steps if step.id not in seen and (step.id in open_steps or step.id in settled)]
    new = [step for step in fresh if step.status == "open"]
    out = _with_added(out, [render_task(step, syntax, tag) for step in fresh], last_task)
    order = {step.id: index for index, step in enumerate(shown + new)}
    return out, sorted(shown + new, key=lambda step: order[step.id])


def _kept_lines(
    note: Note,
    existing: list[str],
    open_steps: dict[str, Step],
    settled: dict[str, Step],
    syntax: TaskSyntax,
    tag: str,
) -> tuple[list[str], list[Step], set[str], int]:
    """The block's current lines, each generated one brought up to date or
    dropped: the lines, the open steps they show, the step ids they carry, and
    the index of the last task line (-1 when there is none)."""
    out: list[str] = []
    shown: list[Step] = []
    seen: set[str] = set()
    own = _own_lines(note, open_steps, syntax, tag)
    parsed = [(line, own.get(line) or parse_task(line, syntax)) for line in existing]
    copies = Counter(task.step if isinstance(task, TaskLine) else task.id for _, task in parsed if task)
    last_task = -1
    for line, task in parsed:
        if task is None:
            out.append(line)
            if _MARK.match(line):
                last_task = len(out) - 1
            continue
        step = task.step if isinstance(task, TaskLine) else task.id
        if step in seen:
            out.append(line)  # a second line with the same id is the user's (a copy they made)
            continue
        seen.add(step)
        if isinstance(task, Step):  # the open line its step renders: it stays
            kept: tuple[str, Step | None] | None = (line, task)
        else:
            kept = _kept_task(note, line, task, open_steps, settled, copies[step] > 1, syntax, tag)
        if kept is None:
            continue
        out.append(kept[0])
        if kept[1] is not None:
            shown.append(kept[1])
        last_task = len(out) - 1
    return out, shown, seen, last_task


def _own_lines(note: Note, open_steps: dict[str, Step], syntax: TaskSyntax, tag: str) -> dict[str, Step]:
    """The lines that are exactly what an open step renders, where its first
    line is open: `_kept_task` would keep such a line as it is, showing its
    step, so it need not be parsed."""
    return {
        render_task(step, syntax, tag): step
        for step in open_steps.values()
        if (task := note.tasks.get(step.id)) is not None and task.status == "open"
    }


def _kept_task(
    note: Note,
    line: str,
    task: TaskLine,
    open_steps: dict[str, Step],
    settled: dict[str, Step],
    copied: bool,
    syntax: TaskSyntax,
    tag: str,
) -> tuple[str, Step | None] | None:
    """A generated line as it stays, and the open step it shows (if any); None
    when it goes."""
    state = note.tasks.get(task.step, task)
    if state.status == "done":
        has_date = task.status == "done" and task.done is not None
        return (line if has_date or state.done is None else mark_done(line, task, state.done, syntax)), None
    if state.status == "cancelled":  # in the note, or in Due.md (`[-]`): then marked as in the note
        if task.status == "open" and state.done is not None:
            return mark_done(line, task, state.done, syntax, cancelled=True), None
        return line, None
    if task.step in open_steps:
        return _merged(line, open_steps[task.step], syntax, tag), open_steps[task.step]
    if task.step in settled:
        return _merged(line, settled[task.step], syntax, tag), None
    if copied:
        return line, None  # the rules no longer ask for it, but the user copied it: theirs
    if (recorded := _postponed(note, task)) is not None:
        # the user postponed it: kept (and its plan remembered) for when it returns
        return line, Step(note.path, task.step, recorded[0], recorded[1], "", planned=recorded)
    return None  # superseded: the rules no longer ask for it


def _merged(line: str, step: Step, syntax: TaskSyntax, tag: str) -> str:
    """`merge_task`, but a line that is already its step's own rendering (every
    line of a note in step with its facts) stays as it is without splitting
    its fields: merging gives it back, as a property test holds."""
    return line if line == render_task(step, syntax, tag) else merge_task(line, step, syntax, tag)


def _with_added(out: list[str], added: list[str], last_task: int) -> list[str]:
    """The lines with the new steps' lines inserted after the last task line (or
    at the top), a blank line after them; a block left empty holds only them."""
    if not any(line.strip() for line in out):
        return ["", *added, ""] if added else [""]
    if added:
        at = last_task + 1 if last_task >= 0 else (1 if out[0] == "" else 0)
        out[at:at] = added
        if at + len(added) >= len(out) or out[at + len(added)].strip():
            out.insert(at + len(added), "")
    return out


def render_note(note: Note, steps: Sequence[Step], syntax: TaskSyntax, tag: str, heading: str) -> bytes:
    """The note's new bytes (its `data` are its current ones): only the managed
    block changes, or is appended. Only the block's own lines are decoded and
    split; the bytes around it are copied (a note's text is often made of four
    bytes a character, one emoji in it is enough)."""
    if note.block is None:
        return _appended(note, steps, syntax, tag, heading)
    start, stop = block_span(note.data, note.block)
    lines = split_lines(note.data[start:stop].decode("utf-8"))
    inner, shown = render_inner(note, [line.rstrip("\r\n") for line in lines[1:-1]], steps, syntax, tag)
    nl = note.newline
    block = (nl.join([begin_marker(shown), *inner]) + nl + lines[-1]).encode("utf-8")
    return note.data if block == note.data[start:stop] else note.data[:start] + block + note.data[stop:]


def _appended(note: Note, steps: Sequence[Step], syntax: TaskSyntax, tag: str, heading: str) -> bytes:
    """The bytes of a note without a block, with one appended when it has a
    step to show."""
    inner, shown = render_inner(note, [], steps, syntax, tag)
    if not any(_MARK.match(line) for line in inner):
        return note.data
    text, nl = note.text, note.newline
    if text and not text.endswith("\n"):
        text += nl
    if text.strip() and not text.endswith(nl + nl) and not text.endswith("\n\n"):
        text += nl
    return (text + heading + nl + nl + nl.join([begin_marker(shown), *inner]) + nl + END + nl).encode("utf-8")
