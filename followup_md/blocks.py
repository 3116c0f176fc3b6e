"""The managed block of a note: found (its markers paired, strictly: a begin
without an end, two blocks or a nested marker is an error with its line) and
read (the windows its begin marker records, its task lines); step ids renamed.

Where the markers are is `markers.py`'s question.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache

from followup_md.errors import NoteError
from followup_md.markers import BEGIN, BEGIN_TEXT, BOM, MARKER_WORD, markers_by_lines, markers_by_tokens
from followup_md.model import Block, Problem, TaskLine, TaskStatus, TaskSyntax, in_range, shared

_PLAN = re.compile(r"([A-Za-z0-9-]+)=(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?")
# The begin marker as we write it, before its windows: no window can be in it
# or run into it (it holds no `=` and ends with `)`), so it is not searched.
_BEGIN_LINE = f"{BEGIN} {BEGIN_TEXT}"
# What a user may write after the block id and still have the line read as
# ours: comments (`%% sent from my phone %%`, `<!-- … -->`), kept where they are.
# A comment never holds `^fu-`: tried from each `^fu-` of a hostile line, one
# ends at the next, so a line is matched in time linear in its length (a
# comment running to the line's end from each was quadratic: 8 s at 44 KB).
_AFTER_ID = r"(?:[ \t]+(?:%%(?:(?!%%|\^fu-).)*%%|<!--(?:(?!-->|\^fu-).)*-->))*[ \t]*$"
TASK_LINE = re.compile(r"^- \[(?P<mark>.)\] (?P<body>.*?) ?\^fu-(?P<step>[A-Za-z0-9-]+)" + _AFTER_ID)
# TASK_LINE matched from the line's end: a greedy body backtracks to the one
# `^fu-` that can end the line (only comments may follow it) instead of trying
# every length of body from the start; the space TASK_LINE leaves out is dropped after.
_TASK_LINE_FROM_END = re.compile(r"- \[(.)\] (.*)\^fu-([A-Za-z0-9-]+)" + _AFTER_ID)
_ISO = r"(\d{4}-\d{2}-\d{2})"
# The fact render writes after a done step's action (` — interview 2026-11-19`),
# matched from the first " — " only, and bounded: a line is read in linear time.
_REASON = re.compile(r"[^—#\n]{1,80}? \d{4}-\d{2}-\d{2}(?![\d-])")


def _field_pattern(emoji: str, word: str) -> re.Pattern[str]:
    """A Tasks field's date in either format: after one of its `emoji`
    (`📅 2026-11-20`), or after `[word::` or `(word::` (Dataview's). Written to
    start with one character class, so the regex engine skips from one
    character that can start a field to the next."""
    return re.compile(rf"[{emoji}\[(](?:(?<=[{emoji}])\ufe0f? *|(?<=[\[(]){word}:: *){_ISO}")


_FIELDS = {
    "start": _field_pattern("🛫", "start"),
    "due": _field_pattern("📅📆🗓", "due"),
    "done": _field_pattern("✅", "completion"),
    "cancelled": _field_pattern("❌", "cancelled"),
}
# A field that ends the text, where the Tasks plugin reads fields from (and
# adds a ✅ as it ticks a line): one inside the text is the text's. Each try
# starts at a character that can start a field and stops at the next
# character that is no space after the day: linear in the text.
_FIELDS_AT_END = {name: re.compile(rf"(?:{found.pattern})[\])]?\s*$") for name, found in _FIELDS.items()}


_LINE = re.compile(r"[^\n]*\n|[^\n]+")
_BYTE_LINE = re.compile(rb"[^\n]*\n|[^\n]+")


def split_lines(text: str) -> list[str]:
    """Lines as Markdown and editors count them: ended by `\n` only (with their
    endings). str.splitlines also breaks at form feeds, U+2028 and other
    separators, which would put our line numbers out of step with markdown-it's:
    its lines are kept only when there are as many as `\n`s make (one such
    separator at the very end makes the same last line either way)."""
    lines = text.splitlines(keepends=True)
    if len(lines) == text.count("\n") + (text[-1:] not in ("", "\n")):
        return lines
    return _LINE.findall(text)


def decode_lines(data: bytes) -> list[str]:
    """`split_lines` of the UTF-8 text, each line decoded on its own (no UTF-8
    sequence holds a `\n` byte): the whole text of a large file is not made.
    UnicodeDecodeError as `bytes.decode` (without the position in the whole)."""
    return [line.decode("utf-8") for line in _BYTE_LINE.findall(data)]


def find_block(text: str, lines: list[str], path: str, body_start: int = 0) -> Block | None:
    """The note's managed block, None if it has none; NoteError if its markers
    are broken (begin without end, end without begin, two blocks, nesting)."""
    if MARKER_WORD not in text:
        return None
    first_line = text.count("\n", 0, body_start)
    markers = None
    if body_start or not text.startswith("---"):
        markers = markers_by_lines(lines, first_line)
    if markers is None:
        markers = markers_by_tokens(text, lines, first_line)
    return _paired(markers, lines, path)


def find_own_block(lines: list[str], path: str) -> Block | None:
    """`find_block` of a whole file given as its lines alone (Due.md, whose
    text of megabytes is two or four bytes a character with one wide one in
    it): the text is joined only if markdown-it must decide."""
    if not any(MARKER_WORD in line for line in lines):
        return None
    if lines[0].startswith(BOM):  # saved with a byte order mark (Windows): the marker is after it
        lines = [lines[0][len(BOM) :], *lines[1:]]
    markers = markers_by_lines(lines, 0) if not lines[0].startswith("---") else None
    if markers is None:
        markers = markers_by_tokens("".join(lines), lines, 0)
    return _paired(markers, lines, path)


def _paired(markers: list[tuple[int, str]], lines: list[str], path: str) -> Block | None:
    """The block the markers make (NoteError if they do not pair, strictly)."""
    begin: int | None = None
    found: tuple[int, int] | None = None
    for index, kind in markers:
        if kind == "begin":
            if begin is not None:
                raise NoteError(
                    f"a second followup-md begin marker inside the block from line {begin + 1}",
                    path,
                    index + 1,
                )
            if found is not None:
                raise NoteError(
                    f"a second followup-md block (the first begins on line {found[0] + 1}); "
                    "delete one of them",
                    path,
                    index + 1,
                )
            begin = index
        else:
            if begin is None:
                raise NoteError("followup-md end marker without a begin marker", path, index + 1)
            found = (begin, index)
            begin = None
    if begin is not None:
        raise NoteError(
            "followup-md begin marker without an end marker; add `<!-- followup-md:end -->`",
            path,
            begin + 1,
        )
    if found is None:
        return None
    start, end = found
    planned: dict[str, tuple[date, date]] = {}
    head = len(_BEGIN_LINE) if lines[start].startswith(_BEGIN_LINE) else 0
    for step, first, last in _PLAN.findall(lines[start], head):
        window = _day(first), _day(last or first)
        if window[0] is not None and window[1] is not None:
            planned[step] = (window[0], window[1])
    return Block(start, end, planned)


@lru_cache(maxsize=4096)  # a block's dates are few: the same days again and again
def _day(text: str) -> date | None:
    """An ISO date written in a block, None if it is no real day in range
    (the block is the user's to edit: a typo there is not an error)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return shared(day) if in_range(day) else None


def block_span(data: bytes, block: Block) -> tuple[int, int]:
    """Where a block's lines, its markers with them, lie in the note's bytes
    (start, stop: the end marker's line ending included), counted from the
    end: a block is most often a note's last lines, so few are walked (when
    many would be, the note's lines are split and measured in one go).
    ValueError for a block not within the note's lines (a crafted cache's:
    never walked, its count may be any)."""
    lines = data.count(b"\n") + (data[-1:] not in (b"", b"\n"))
    if not 0 <= block.begin <= block.end < lines:
        raise ValueError(block)
    after = lines - block.end - 1  # lines below the block
    if after + block.end - block.begin >= WALK_LIMIT:
        ends = data.split(b"\n")  # each line but its `\n`
        start = sum(map(len, ends[: block.begin])) + block.begin
        stop = start + sum(map(len, ends[block.begin : block.end + 1])) + block.end - block.begin + 1
        return start, min(stop, len(data))  # the last line may end without a `\n`
    at = len(data)
    for _ in range(after):
        at = data.rfind(b"\n", 0, at - 1) + 1  # where the line ending at `at` starts
    stop = at
    for _ in range(block.end - block.begin + 1):
        at = data.rfind(b"\n", 0, at - 1) + 1
    return at, stop


WALK_LIMIT = 256  # lines: more are found by one split of the note than walked one by one


def inner_lines(lines: list[str], block: Block) -> list[str]:
    """The lines between a block's markers, without their line endings."""
    return [line.rstrip("\r\n") for line in lines[block.begin + 1 : block.end]]


def field_day(body: str, name: str, at_end: bool = False) -> date | None:
    """The day of a Tasks field (`start`, `due`, `done`, `cancelled`) in a
    line's text, in either format (emoji or Dataview); `at_end`: only a field
    that ends the text."""
    found = (_FIELDS_AT_END if at_end else _FIELDS)[name].search(body)
    return _day(found.group(1)) if found is not None else None


def _task_parts(line: str) -> tuple[str, str, str] | None:
    """`TASK_LINE`'s (mark, body, step) of a line, or None."""
    found = _TASK_LINE_FROM_END.match(line)
    if found is None:
        return None
    mark, body, step = found.groups()
    return mark, body.removesuffix(" "), step


def parse_task(line: str, syntax: TaskSyntax) -> TaskLine | None:
    """A generated task line (one ending in ` ^fu-<step>`), or None."""
    parts = _task_parts(line)
    if parts is None:
        return None
    mark, body, step = parts
    status: TaskStatus = "open"
    done = None
    reason = ""
    if mark in syntax.done:
        status, done = "done", field_day(body, "done")
        at = body.find(" — ")
        found = _REASON.match(body, at + 3) if at >= 0 else None
        reason = found.group() if found is not None else ""
    elif mark in syntax.cancelled:
        status, done = "cancelled", field_day(body, "cancelled")
    return TaskLine(step, status, field_day(body, "start"), field_day(body, "due"), done, reason)


def read_tasks(lines: list[str], block: Block, syntax: TaskSyntax) -> dict[str, TaskLine]:
    """The generated task lines of a block by step id (the first of a repeated id)."""
    tasks: dict[str, TaskLine] = {}
    for line in inner_lines(lines, block):
        task = parse_task(line, syntax)
        if task is not None and task.step not in tasks:
            tasks[task.step] = task
    return tasks


# Tasks' "on completion: delete", in the emoji or the Dataview format.
_DELETED_WHEN_DONE = re.compile(r"🏁\ufe0f? *delete\b|[\[(]onCompletion:: *delete *[\])]", re.IGNORECASE)


def lost_ticks(
    lines: list[str], block: Block, syntax: TaskSyntax, path: str, tasks: Mapping[str, TaskLine]
) -> tuple[Problem, ...]:
    """A warning for each tick that would do nothing: a ticked (or cancelled)
    line that repeats the id of an open one above it (only the first is read;
    a second is a copy, the user's; a merge that kept both sides leaves such a
    pair), and an open line the Tasks plugin deletes when ticked (`🏁 delete`:
    the next sync puts the step back, open). `tasks`: the block's, as
    `read_tasks` read them; a block with no more ids than those and neither
    a 🏁 nor a Dataview key ending in "n" (onCompletion, in any case: Tasks
    reads `🏁 DELETE` too) is not parsed again (nearly every block: a tenth
    of a note's read)."""
    inner = "".join(lines[block.begin + 1 : block.end])
    if (
        inner.count("^fu-") <= len(tasks)
        and "🏁" not in inner
        and ("::" not in inner or ("n::" not in inner and "N::" not in inner))
    ):
        return ()
    first: dict[str, tuple[TaskLine, int]] = {}
    warnings = []
    for index in range(block.begin + 1, block.end):
        line = lines[index].rstrip("\r\n")
        task = parse_task(line, syntax)
        if task is None:
            continue
        if task.status == "open" and _DELETED_WHEN_DONE.search(line):
            message = (
                "🏁 delete: ticked in Obsidian, this line is deleted, and the next sync puts the step back, "
                "open; remove the 🏁 (or use 🏁 keep) on a follow-up task"
            )
            warnings.append(Problem(path, index + 1, message, warning=True))
        if task.step not in first:
            first[task.step] = (task, index)
        elif task.status != "open" and first[task.step][0].status == "open":
            at = first[task.step][1] + 1
            message = (
                f"this ticked line repeats the step {task.step} of line {at}, which is open; only that one "
                "is read, so the step is still open: tick it, or delete the line you do not want"
            )
            warnings.append(Problem(path, index + 1, message, warning=True))
    return tuple(warnings)


def rename_steps(lines: list[str], block: Block, renames: dict[str, str]) -> list[str]:
    """`lines` with the block's task lines of each old step id carrying the new
    one (` ^fu-thank-you-2` -> ` ^fu-thank-you-20261119`); nothing else changes."""
    out = list(lines)
    for index in range(block.begin + 1, block.end):
        found = TASK_LINE.match(out[index].rstrip("\r\n"))
        if found is not None and found.group(3) in renames:
            line = out[index]
            at, end = found.span("step")
            out[index] = line[:at] + renames[found.group(3)] + line[end:]
    return out
