"""The managed block's markers: what they say, and where they are in a note.

Markers are top-level `html_block` tokens from markdown-it-py, so a marker
shown inside a code fence, an HTML block, a list or an Obsidian `%% %%`
comment is text, not a marker. Most notes need no markdown-it parse: a line
scan finds the same markers (a property test holds it to markdown-it's
answer), and says when it cannot tell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from itertools import compress, product
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

BOM = "\ufeff"  # a byte order mark, as some editors on Windows save UTF-8
BEGIN = "<!-- followup-md:begin"
END = "<!-- followup-md:end -->"
BEGIN_TEXT = "(generated; tick boxes or change dates freely)"
MARKER_WORD = "followup-md:"


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


def _comment_spans(lines: list[str], percent: list[int]) -> list[range]:
    """The lines that start inside an Obsidian `%% … %%` comment, given the
    lines outside code that hold a `%%`, in order (no other line opens or
    closes one)."""
    spans: list[range] = []
    opened = -1  # the first line inside the comment open, if one is
    for index in percent:
        inside = opened >= 0
        if _ends_inside(lines[index], inside) != inside:
            if inside:
                spans.append(range(opened, index + 1))
            opened = -1 if inside else index + 1
    if opened >= 0:
        spans.append(range(opened, len(lines)))
    return spans


def _uncommented(found: list[tuple[int, str]], lines: list[str], percent: list[int]) -> list[tuple[int, str]]:
    """The markers of `found` outside `%% … %%` comments (`percent`: see `_comment_spans`)."""
    spans = _comment_spans(lines, percent)
    return [(index, kind) for index, kind in found if not any(index in span for span in spans)]


def _toggles(line: str) -> bool:
    """Whether a line outside code opens or closes a `%%` comment, on whichever
    side of one it starts."""
    return _ends_inside(line, False) or not _ends_inside(line, True)


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


def _is_blank(line: str) -> bool:
    return not line.strip(" \t\r\n")


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
        if _is_blank(text):
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
    applies. Only the lines `_candidates` picks are looked at one by one: an HTML
    comment's or block's end is sought from its first line."""
    scan = _LineScan(code=[range(first_line)])
    for index in _candidates(lines, first_line):
        line = lines[index]
        if "\r" in line and line.find("\r") != len(line) - 2:
            return None  # markdown-it counts a lone \r as a line break
        if index <= scan.skip:
            continue
        if scan.fence:
            _close_fence(scan, index, line)
        elif not _scan_top_level(scan, lines, index, line):
            return None
    if scan.unsure:
        return _either_way(scan, lines)
    return _uncommented(scan.found, lines, scan.percent) if scan.percent else scan.found


MAX_UNSURE = 4  # runs of lines that may or may not open or close a comment: 16 readings at most


def _either_way(scan: _LineScan, lines: list[str]) -> list[tuple[int, str]] | None:
    """The markers outside `%%` comments if every reading of the unsure lines
    (in an indented code block, where they would not open or close one, or
    not) gives the same; None when markdown-it must decide. Unsure lines with
    only lines indented four columns or more between them are read alike: a
    line like that after an indented code block's line continues it, and after
    any other text it is text too (an indented code block interrupts no
    paragraph)."""
    runs = _runs(scan.unsure, lines)
    if len(runs) > MAX_UNSURE:
        return None
    readings = set()
    for toggles in product((False, True), repeat=len(runs)):
        toggling = [index for run in compress(runs, toggles) for index in run]
        readings.add(tuple(_uncommented(scan.found, lines, sorted([*scan.percent, *toggling]))))
    return list(readings.pop()) if len(readings) == 1 else None


def _runs(unsure: list[int], lines: list[str]) -> list[list[int]]:
    """The unsure lines (each indented four columns or more) grouped into runs
    of lines indented so, blank lines between them ending a run."""
    runs: list[list[int]] = []
    for index in unsure:
        if runs and all(
            lines[between].strip(" \t\r\n") and _columns(lines[between]) >= 4
            for between in range(runs[-1][-1] + 1, index)
        ):
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


# What a line outside any block must start with to be more than text to the
# scan (a marker, an HTML block, a fence, a risky line), if it holds no `%%`.
_OPENERS = " <`~"


def _candidates(lines: list[str], first_line: int) -> list[int]:
    """The lines of the body that may matter to the scan: any other line is
    text that changes nothing outside a block, and closes no fence (a closing
    fence starts with a space or its own character)."""
    return [
        index
        for index in range(first_line, len(lines))
        if (line := lines[index])[:1] in _OPENERS or "%%" in line or "\r" in line
    ]


@dataclass(slots=True)
class _LineScan:
    """Where `markers_by_lines` is: the markers found, and the block it is in."""

    code: list[range]  # the front matter, fences and HTML blocks, up to the line scanned
    found: list[tuple[int, str]] = field(default_factory=list)
    fence: str = ""  # the opening run of the fence we are in
    opened: int = 0  # the line that fence opened on
    # The lines outside code holding `%%` that may open or close a comment (an
    # indented fence is looked through only if none of its lines can).
    percent: list[int] = field(default_factory=list)
    # Lines like those that may sit in an indented code block (where they would not).
    unsure: list[int] = field(default_factory=list)
    skip: int = -1  # the last line of a block looked through from its first


def _close_fence(scan: _LineScan, index: int, line: str) -> None:
    """A line inside a top-level fence: perhaps its end (then all of it is code)."""
    if _closes(line, scan.fence):
        scan.code.append(range(scan.opened, index + 1))
        scan.fence = ""


def _look_through(scan: _LineScan, start: int, end: int) -> None:
    """Lines `start` to `end` are one HTML block (a comment is one too): code, looked through."""
    scan.code.append(range(start, end + 1))
    scan.skip = end


def _comment_end(lines: list[str], start: int) -> int:
    """The line on which an HTML comment opened on line `start` ends (the last line if none)."""
    for index in range(start, len(lines)):
        if "-->" in lines[index]:
            return index
    return len(lines) - 1


def _html_block_end(lines: list[str], start: int) -> int:
    """The last line of an HTML block opened on line `start`: the one before a blank line."""
    for index in range(start + 1, len(lines)):
        if _is_blank(lines[index]):
            return index - 1
    return len(lines) - 1


def _scan_top_level(scan: _LineScan, lines: list[str], index: int, line: str) -> bool:
    """A line outside any block: a marker, the start of a block, or a `%%`;
    False when markdown-it must decide. A line that starts with none of
    `_OPENERS` and holds no `%%` is text: it changes nothing."""
    if line.startswith("<!--"):
        _look_through(scan, index, _comment_end(lines, index))
        if line.startswith(BEGIN):
            scan.found.append((index, "begin"))
        elif line.startswith(END):
            scan.found.append((index, "end"))
    elif line[0] == "<":
        if not _HTML_BLOCK.match(line):
            return False  # other HTML
        _look_through(scan, index, _html_block_end(lines, index))
    elif opening := _FENCE.match(line):
        return _open_fence(scan, lines, index, opening)
    elif _RISKY.match(line):
        return False  # a fence or HTML that is indented: it may sit in a list
    elif "%%" in line:
        if line[0] in " \t" and _toggles(line) and not _no_indented_code(lines, index, scan.code):
            scan.unsure.append(index)  # perhaps in an indented code block, where it would not
        else:
            scan.percent.append(index)
    return True


_LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
_THEMATIC_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")


def _columns(line: str) -> int:
    """How far a line is indented, tabs to the next multiple of four (CommonMark)."""
    column = 0
    for char in line:
        if char == " ":
            column += 1
        elif char == "\t":
            column += 4 - column % 4
        else:
            break
    return column


def _no_indented_code(lines: list[str], index: int, code: list[range]) -> bool:
    """Whether an indented line outside fences and HTML blocks is surely no
    top-level indented code block: it is indented less than four columns, or,
    with no blank line between, the nearest line above it indented less is
    paragraph text or a list item with text. An indented code block cannot
    interrupt a paragraph, and in a list item the line is not at the top level."""
    if _columns(lines[index]) < 4:
        return True
    for above in range(index - 1, -1, -1):
        line = lines[above].rstrip("\r\n")
        if any(above in span for span in code) or not line.strip(" \t"):
            return False
        if _columns(line) < 4:
            if _THEMATIC_BREAK.match(line):
                return False
            return bool(_LIST_ITEM.match(line)) or line.lstrip(" ")[:1].isalnum()
    return False


def _open_fence(scan: _LineScan, lines: list[str], index: int, opening: re.Match[str]) -> bool:
    """A line that opens a code fence: followed at column 0, skipped whole when
    indented and read alike in a list item or not; False when markdown-it must decide."""
    indent, run, info = opening.groups()
    if run[0] == "`" and "`" in info:
        return False  # not a fence: markdown-it reads it as text
    if not indent:
        scan.fence, scan.opened = run, index
    elif _toggles(lines[index]) or (end := _indented_fence_end(lines, index, run, len(indent))) is None:
        return False
    else:
        scan.skip = end
    return True


# markdown-it also ends a line at a carriage return alone; a note's lines end
# at "\n" only (`blocks.split_lines`), so it reads a space in its place: the
# same lines, numbered alike (a marker after one was looked up past the end).
_LONE_CR = re.compile(r"\r(?!\n)")


def markers_by_tokens(text: str, lines: list[str], first_line: int) -> list[tuple[int, str]]:
    """The markers as top-level `html_block` tokens, outside `%% %%` comments."""
    code: set[int] = set()
    markers: list[tuple[int, str]] = []
    for token in _markdown().parse(_LONE_CR.sub(" ", text) if "\r" in text else text):
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
    return _uncommented(markers, lines, [i for i, line in enumerate(lines) if "%%" in line and i not in code])
