"""Find, read and splice the managed block of a note.

Markers are top-level `html_block` tokens from markdown-it-py, so a marker
shown inside a code fence, an HTML block, a list or an Obsidian `%% %%`
comment is text, not a marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from followup_md.errors import NoteError
from followup_md.model import Block, TaskLine, TaskStatus, TaskSyntax, in_range

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

BEGIN = "<!-- followup-md:begin"
END = "<!-- followup-md:end -->"
BEGIN_TEXT = "(generated; tick boxes or change dates freely)"
MARKER_WORD = "followup-md:"

_PLAN = re.compile(r"([A-Za-z0-9-]+)=(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?")
TASK_LINE = re.compile(r"^- \[(?P<mark>.)\] (?P<body>.*?) ?\^fu-(?P<step>[A-Za-z0-9-]+)[ \t]*$")
_ISO = r"(\d{4}-\d{2}-\d{2})"
_FIELDS = {
    "start": re.compile(rf"(?:🛫\ufe0f? *|[\[(]start:: *){_ISO}"),
    "due": re.compile(rf"(?:[📅📆🗓]\ufe0f? *|[\[(]due:: *){_ISO}"),
    "done": re.compile(rf"(?:✅\ufe0f? *|[\[(]completion:: *){_ISO}"),
    "cancelled": re.compile(rf"(?:❌\ufe0f? *|[\[(]cancelled:: *){_ISO}"),
}


@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    # Block structure is all we need: the inline pass is most of a full parse.
    return MarkdownIt("commonmark").use(front_matter_plugin).disable(["inline", "text_join"])


_BACKTICKS = re.compile(r"`+")


def _ends_inside(line: str, inside: bool) -> bool:
    """Whether a line that starts inside (or outside) a `%%` comment ends inside
    one. As in Obsidian: outside a comment, a code span (a run of backticks up
    to the next run of the same length) hides `%%`; inside one, only the next
    `%%` counts."""
    at = 0
    while True:
        if inside:
            end = line.find("%%", at)
            if end < 0:
                return True
            inside, at = False, end + 2
            continue
        opens, tick = line.find("%%", at), line.find("`", at)
        if opens < 0:
            return False
        if 0 <= tick < opens:
            run = _BACKTICKS.match(line, tick)
            assert run is not None
            closing = next(
                (m for m in _BACKTICKS.finditer(line, run.end()) if len(m[0]) == len(run[0])), None
            )
            at = closing.end() if closing is not None else run.end()
            continue
        inside, at = True, opens + 2


def _commented_lines(lines: list[str], code: set[int]) -> set[int]:
    """Indexes of lines that start inside an Obsidian `%% … %%` comment."""
    inside = False
    commented: set[int] = set()
    for index, line in enumerate(lines):
        if inside:
            commented.add(index)
        if index not in code and "%%" in line:
            inside = _ends_inside(line, inside)
    return commented


def _toggles(line: str) -> bool:
    """Whether a line outside code opens or closes a `%%` comment, on whichever
    side of one it starts."""
    return bool(_commented_lines([line, ""], set())) or 2 not in _commented_lines(["%%\n", line, ""], set())


_LINE = re.compile(r"[^\n]*\n|[^\n]+")


def split_lines(text: str) -> list[str]:
    """Lines as Markdown and editors count them: ended by `\n` only (with their
    endings). str.splitlines also breaks at form feeds, U+2028 and other
    separators, which would put our line numbers out of step with markdown-it's."""
    return _LINE.findall(text)


_FENCE = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)")
_RISKY = re.compile(r" {0,3}(?:```|~~~|<)")
# CommonMark's HTML blocks of kind 6 (spec 4.6): they run to the next blank line.
_HTML_BLOCK = re.compile(
    r"</?(?a:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd"
    r"|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset"
    r"|h1|h2|h3|h4|h5|h6|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav"
    r"|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th"
    r"|thead|title|tr|track|ul)(?=\s|/?>|$)",
    re.IGNORECASE,
)


def _closes(line: str, fence: str) -> bool:
    """Whether `line` closes a top-level code fence opened with `fence`."""
    stripped = line.lstrip(" ")
    return (
        len(line) - len(stripped) < 4
        and stripped.startswith(fence)
        and not stripped.rstrip("\r\n").lstrip(fence[0]).strip(" \t")
    )


def _indented_fence_end(lines: list[str], start: int, fence: str, indent: int) -> int | None:
    """The closing line of a fence opened on line `start` with 1-3 spaces, which
    may sit in a list item or at the top level; None unless both readings agree.

    They do when every line up to a closing fence as indented as the opening one
    is blank or indented at least as far (so it is inside the fence either way),
    and none opens or closes a `%%` comment (in a list item the fence is not
    top-level code, so it would)."""
    for index in range(start + 1, len(lines)):
        line = lines[index]
        text = line.lstrip(" \t")
        if not text.strip(" \t\r\n"):
            continue
        spaces = len(line) - len(line.lstrip(" "))
        if text.startswith(fence) and not text.rstrip("\r\n").lstrip(fence[0]).strip(" \t"):
            return index if spaces == len(line) - len(text) and indent <= spaces <= 3 else None
        if _toggles(line) or (spaces < indent and not line[spaces:].startswith("\t")):
            return None
    return None


def markers_by_lines(lines: list[str], first_line: int) -> list[tuple[int, str]] | None:
    """The markers of a note, by a line scan that follows top-level code fences,
    HTML comments and HTML blocks; None when markdown-it must decide (other
    HTML, a fence or an HTML block that is indented and may sit in a list, an
    indented line that opens or closes a `%%` comment, a lone carriage return).

    In CommonMark a line starting at column 0 with `<!--` opens an HTML block at
    the top level unless it lies inside a fence or another HTML block: a column-0
    line ends every list, quote and indented code block before it, and `<!--`,
    fences and the HTML blocks followed here interrupt a paragraph. Those are
    exactly what this scan follows; the `%%` rule is the one `markers_by_tokens`
    applies."""
    scan = _LineScan(code=set(range(first_line)))
    for index in range(first_line, len(lines)):
        line = lines[index]
        if "\r" in line and line.find("\r") != len(line) - 2:
            return None  # markdown-it counts a lone \r as a line break
        if index <= scan.skip:
            continue
        if scan.html and not line.strip(" \t\r\n"):
            scan.html = False  # the blank line is not part of the block
        elif scan.fence or scan.comment or scan.html:
            _continue_block(scan, index, line)
        elif not _scan_top_level(scan, lines, index, line):
            return None
    if not scan.percent:
        return scan.found
    commented = _commented_lines(lines, scan.code)
    return [(index, kind) for index, kind in scan.found if index not in commented]


@dataclass(slots=True)
class _LineScan:
    """Where `markers_by_lines` is: the markers found, and the block it is in."""

    code: set[int]  # the front matter, fences and HTML blocks
    found: list[tuple[int, str]] = field(default_factory=list)
    fence: str = ""  # the opening run of the fence we are in
    comment: bool = False  # inside an HTML comment block
    html: bool = False  # inside an HTML block that ends at a blank line
    percent: bool = False
    skip: int = -1  # the last line of an indented fence, all of it text


def _continue_block(scan: _LineScan, index: int, line: str) -> None:
    """A line inside a fence, an HTML comment or an HTML block: code, perhaps its end."""
    scan.code.add(index)
    if scan.fence and _closes(line, scan.fence):
        scan.fence = ""
    elif scan.comment and "-->" in line:
        scan.comment = False


def _scan_top_level(scan: _LineScan, lines: list[str], index: int, line: str) -> bool:
    """A line outside any block: a marker, the start of a block, or a `%%`;
    False when markdown-it must decide."""
    if _HTML_BLOCK.match(line):
        scan.code.add(index)
        scan.html = True
    elif line.startswith("<!--"):
        scan.code.add(index)
        scan.comment = "-->" not in line
        if line.startswith(BEGIN):
            scan.found.append((index, "begin"))
        elif line.startswith(END):
            scan.found.append((index, "end"))
    elif opening := _FENCE.match(line):
        return _open_fence(scan, lines, index, opening)
    elif _RISKY.match(line):
        return False  # other HTML, or a fence or HTML block that may sit in a list
    elif "%%" in line:
        if line[0] in " \t" and _toggles(line):
            return False  # perhaps in an indented code block, where it would not
        scan.percent = True
    return True


def _open_fence(scan: _LineScan, lines: list[str], index: int, opening: re.Match[str]) -> bool:
    """A line that opens a code fence: followed at column 0, skipped whole when
    indented and read alike in a list item or not; False when markdown-it must decide."""
    indent, run, info = opening.groups()
    if run[0] == "`" and "`" in info:
        return False  # not a fence: markdown-it reads it as text
    if not indent:
        scan.code.add(index)
        scan.fence = run
    elif _toggles(lines[index]) or (end := _indented_fence_end(lines, index, run, len(indent))) is None:
        return False
    else:
        scan.skip = end
    return True


def markers_by_tokens(text: str, lines: list[str], first_line: int) -> list[tuple[int, str]]:
    """The markers as top-level `html_block` tokens, outside `%% %%` comments."""
    code: set[int] = set()
    markers: list[tuple[int, str]] = []
    for token in _markdown().parse(text):
        if token.map is None or token.level != 0:
            continue
        if token.type in ("fence", "code_block", "html_block", "front_matter"):
            code.update(range(*token.map))
        if token.type == "html_block" and token.map[0] >= first_line:
            head = lines[token.map[0]].strip()
            if head.startswith(BEGIN):
                markers.append((token.map[0], "begin"))
            elif head.startswith(END):
                markers.append((token.map[0], "end"))
    commented = _commented_lines(lines, code)
    return [(index, kind) for index, kind in markers if index not in commented]


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
    for step, first, last in _PLAN.findall(lines[start]):
        window = _day(first), _day(last or first)
        if window[0] is not None and window[1] is not None:
            planned[step] = (window[0], window[1])
    return Block(start, end, planned)


def _day(text: str) -> date | None:
    """An ISO date written in a block, None if it is no real day in range
    (the block is the user's to edit: a typo there is not an error)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if in_range(day) else None


def inner_lines(lines: list[str], block: Block) -> list[str]:
    """The lines between a block's markers, without their line endings."""
    return [line.rstrip("\r\n") for line in lines[block.begin + 1 : block.end]]


def _field(body: str, name: str) -> date | None:
    found = _FIELDS[name].search(body)
    return _day(found.group(1)) if found is not None else None


def parse_task(line: str, syntax: TaskSyntax) -> TaskLine | None:
    """A generated task line (one ending in ` ^fu-<step>`), or None."""
    found = TASK_LINE.match(line)
    if found is None:
        return None
    mark, body, step = found.groups()
    status: TaskStatus = "open"
    done = None
    if mark in syntax.done:
        status, done = "done", _field(body, "done")
    elif mark in syntax.cancelled:
        status, done = "cancelled", _field(body, "cancelled")
    return TaskLine(step, status, _field(body, "start"), _field(body, "due"), done)


def read_tasks(lines: list[str], block: Block, syntax: TaskSyntax) -> dict[str, TaskLine]:
    """The generated task lines of a block by step id (the first of a repeated id)."""
    tasks: dict[str, TaskLine] = {}
    for line in inner_lines(lines, block):
        task = parse_task(line, syntax)
        if task is not None and task.step not in tasks:
            tasks[task.step] = task
    return tasks


def rename_steps(lines: list[str], block: Block, renames: dict[str, str]) -> list[str]:
    """`lines` with the block's task lines of each old step id carrying the new
    one (` ^fu-thank-you-2` -> ` ^fu-thank-you-20261119`); nothing else changes."""
    out = list(lines)
    for index in range(block.begin + 1, block.end):
        found = TASK_LINE.match(out[index].rstrip("\r\n"))
        if found is not None and found.group(3) in renames:
            line = out[index]
            at = line.rindex(f"^fu-{found.group(3)}")
            out[index] = line[:at] + f"^fu-{renames[found.group(3)]}" + line[at + 4 + len(found.group(3)) :]
    return out
