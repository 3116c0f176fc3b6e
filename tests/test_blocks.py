"""The managed block: found as top-level tokens, strict structure, exact messages."""

from __future__ import annotations

import re
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from followup_md import blocks
from followup_md.blocks import (
    _BEGIN_LINE,
    _FIELDS,
    _LINE,
    _PLAN,
    TASK_LINE,
    _task_parts,
    block_span,
    decode_lines,
    find_block,
    find_own_block,
    inner_lines,
    parse_task,
    split_lines,
)
from followup_md.errors import NoteError
from followup_md.markers import (
    _OPENERS,
    _candidates,
    _closes,
    _LineScan,
    _scan_top_level,
    markers_by_lines,
    markers_by_tokens,
)
from followup_md.model import Block, Problem, TaskSyntax

BEGIN = "<!-- followup-md:begin (generated; tick boxes or change dates freely) -->"
END = "<!-- followup-md:end -->"


def _find(text: str) -> object:
    return find_block(text, split_lines(text), "n.md")


def test_no_markers_no_block() -> None:
    assert _find("# Title\n\nbody\n") is None


@given(
    st.lists(
        st.text(alphabet="a\r\n\u2028é", max_size=4).map(lambda t: t.replace("\n", "") + "\n"), max_size=12
    ),
    st.text(alphabet="a\r\u2028", max_size=3),
    st.integers(0, 12),
    st.data(),
)
def test_a_blocks_span_is_where_its_lines_are(
    lines: list[str], last: str, walk: int, data: st.DataObject
) -> None:
    """The bytes `block_span` finds from the end (or, past `walk` lines, by
    splitting the note) are the block's lines as `split_lines` counts them,
    line endings and an unended last line included."""
    text = "".join(lines) + last
    counted = split_lines(text)
    if not counted:
        return
    begin = data.draw(st.integers(0, len(counted) - 1))
    end = data.draw(st.integers(begin, len(counted) - 1))
    encoded = text.encode("utf-8")
    with patch.object(blocks, "WALK_LIMIT", walk):
        start, stop = block_span(encoded, Block(begin, end, {}))
    assert stop <= len(encoded) and encoded[start:stop].decode("utf-8") == "".join(counted[begin : end + 1])
    assert encoded[:start].decode("utf-8") == "".join(counted[:begin])


def test_block_lines_and_plan() -> None:
    text = (
        "# T\n\n<!-- followup-md:begin (generated; tick boxes or change dates freely) "
        "confirm=2026-11-22..2026-11-27 nudge=2026-11-25 -->\n\n- [ ] x ^fu-confirm\n\n" + END + "\ntail\n"
    )
    block = find_block(text, split_lines(text), "n.md")
    assert block is not None
    assert (block.begin, block.end) == (2, 6)
    assert inner_lines(split_lines(text), block) == ["", "- [ ] x ^fu-confirm", ""]
    assert {k: (str(a), str(b)) for k, (a, b) in block.planned.items()} == {
        "confirm": ("2026-11-22", "2026-11-27"),
        "nudge": ("2026-11-25", "2026-11-25"),
    }


@pytest.mark.parametrize(
    "text",
    [
        f"```markdown\n{BEGIN}\n{END}\n```\n",  # a code fence shows them as text
        f"~~~\n{BEGIN}\n~~~\n",
        f"    {BEGIN}\n    {END}\n",  # an indented code block
        f"<div>\n{BEGIN}\n{END}\n</div>\n",  # inside an HTML block
        f"%%\n{BEGIN}\n{END}\n%%\n",  # an Obsidian comment
        f"- item\n\n  {BEGIN}\n  {END}\n",  # inside a list item
        f"> {BEGIN}\n> {END}\n",  # a quote
    ],
)
def test_markers_that_are_text_are_not_markers(text: str) -> None:
    assert _find(text) is None


def test_a_block_after_a_fenced_example_is_found() -> None:
    text = f"```\n{BEGIN}\n```\n\n{BEGIN}\n\n{END}\n"
    block = _find(text)
    assert block is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            f"x\n\n{BEGIN}\n\n- a\n",
            "n.md:3: followup-md begin marker without an end marker; add `<!-- followup-md:end -->`",
        ),
        (f"{END}\n", "n.md:1: followup-md end marker without a begin marker"),
        (
            f"{BEGIN}\n\n{END}\n\n{BEGIN}\n\n{END}\n",
            "n.md:5: a second followup-md block (the first begins on line 1); delete one of them",
        ),
        (
            f"{BEGIN}\n\n{BEGIN}\n\n{END}\n",
            "n.md:3: a second followup-md begin marker inside the block from line 1",
        ),
    ],
)
def test_broken_structure_is_an_error_with_its_line(text: str, message: str) -> None:
    with pytest.raises(NoteError) as caught:
        _find(text)
    assert str(caught.value) == message


def test_front_matter_lines_count() -> None:
    text = f"---\ntype: contact\n---\n\n{BEGIN}\n{END}\n"
    block = find_block(text, split_lines(text), "n.md", 20)
    assert block is not None and block.begin == 4


@pytest.mark.parametrize(
    ("line", "status", "start", "due", "done"),
    [
        ("- [ ] a #followup 🛫 2026-11-20 📅 2026-11-21 ^fu-x", "open", "2026-11-20", "2026-11-21", None),
        ("- [x] a #followup 📅 2026-11-21 ✅ 2026-11-22 ^fu-x", "done", None, "2026-11-21", "2026-11-22"),
        ("- [X] a #followup 📅 2026-11-21 ^fu-x", "done", None, "2026-11-21", None),
        (
            "- [-] a #followup 📅 2026-11-21 ❌ 2026-11-23 ^fu-x",
            "cancelled",
            None,
            "2026-11-21",
            "2026-11-23",
        ),
        ("- [/] a #followup 📅\ufe0f 2026-11-21 ^fu-x", "open", None, "2026-11-21", None),
        (
            "- [ ] a #followup  [start:: 2026-11-20]  [due:: 2026-11-21] ^fu-x",
            "open",
            "2026-11-20",
            "2026-11-21",
            None,
        ),
        (
            "- [x] a  [due:: 2026-11-21]  [completion:: 2026-11-22] ^fu-x",
            "done",
            None,
            "2026-11-21",
            "2026-11-22",
        ),
    ],
)
def test_parse_task(line: str, status: str, start: str | None, due: str | None, done: str | None) -> None:
    task = parse_task(line, TaskSyntax())
    assert task is not None
    got = (task.status, task.start, task.due, task.done)
    as_text = tuple(str(v) if v is not None and not isinstance(v, str) else v for v in got)
    assert as_text == (status, start, due, done)


def test_lines_without_our_block_id_are_not_generated_tasks() -> None:
    assert parse_task("- [ ] my own task 📅 2026-11-21", TaskSyntax()) is None
    assert parse_task("- [ ] my own task ^abc123", TaskSyntax()) is None


def test_custom_done_statuses_from_the_tasks_plugin() -> None:
    syntax = TaskSyntax(done=frozenset("xX!"))
    task = parse_task("- [!] a ^fu-x", syntax)
    assert task is not None and task.status == "done"


LINES = [
    "",
    "text",
    "# heading",
    "- item",
    "  - nested",
    "    - deeper",
    "1. one",
    "   continued",
    "> quote",
    "> [!note] a callout",
    ">",
    "    indented",
    "\tindented",
    "---",
    "| a | b |",
    "|---|:--|",
    "```",
    "```python",
    "```a`b",
    "````",
    "``` \t",
    "  ```",
    "   ```",
    "   ```sh %%",
    "   code",
    "  ~~~",
    "    ```",
    "     ```",
    "\t```",
    "- ```",
    "> ```",
    "~~~",
    "~~~~ text",
    "   ~~~",
    "<div>",
    "</div>",
    "<details><summary>More</summary>",
    "<DIV class=a>",
    "</table>",
    "<hr/>",
    "<p>text",
    "<divx>",
    "<pre>",
    "<script>",
    "<span>",
    " \t",
    "<https://example.com>",
    "%%",
    "a %% b",
    "%% hidden %%",
    "`%%` in code",
    "  %%",
    "\t%% x",
    "    - aside %% hidden %%",
    "      %%",
    "    %% x",
    "  text %%",
    "* * *",
    "- - -",
    "2. two",
    "[ref]: /url",
    "\t%% a %% b %%",
    BEGIN,
    END,
    "  " + BEGIN,
    "    " + BEGIN,
    "- " + BEGIN,
    "> " + END,
    "<!-- followup-md:begin",
    "<!-- followup-md:end",
    "-->",
    "text -->",
    "<!--",
    "<!-->",
    "<!-- a comment -->",
    "  <!-- indented comment -->",
    "- [ ] task ^fu-x",
    "a\rb",
    "trailing\r",
    "crlf\r",
]
FRAGMENTS = [
    "\r",  # not a line end for us, one for markdown-it unless it is told otherwise
    "<!--",
    "-->",
    "%%",
    "```",
    "~~~",
    "`",
    " ",
    "   ",
    "\t",
    "x",
    ">",
    "- ",
    "\r",
    "<p",
    "<li>",
    BEGIN,
    END,
]
LINE = st.one_of(
    st.sampled_from(LINES), st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=4).map("".join)
)
SHAPES = st.lists(LINE, max_size=16)
FRONTS = st.sampled_from(["", "---\ntype: x\n---\n", "---\ntype: x\n%% odd %%\n---\n"])


@settings(max_examples=1000, deadline=None)
@given(SHAPES, FRONTS)
@example([" ```", "    ```", BEGIN, END], "")  # a top-level fence: 4 spaces do not close it
@example(["- a", "  ```", "    ```", BEGIN, END], "")  # in a list item they do
@example(["- a", "  ```", "  %%", "  ```", BEGIN, END], "")  # a fence in a list is not code
@example(["1. a", "   ```", "   x", "```", BEGIN, "```", END], "")  # a column-0 fence ends the item
@example(["- a", "  ```%%", "  ```", BEGIN, END], "")
@example(["- a", "  ```", BEGIN, "  ```", END], "")  # a column-0 line ends the item and its fence
@example(["- a", "  ```", "\tb", "  ```", BEGIN, END], "")
@example(["%%", "", "    `%%` x", BEGIN, END], "")  # inside a comment a code span hides nothing
@example(
    ["- a", "    - private:", "      %%", "      secret", "      %%", BEGIN, END], ""
)  # a comment in a list
@example(  # a fence closing above: in a list or in indented code, the comment holds no marker
    [
        "1. install",
        "   ```bash",
        "   make",
        "   ```",
        "    - private:",
        "      %%",
        "      x",
        "      %%",
        BEGIN,
        END,
    ],
    "",
)
@example(["1. a", "   ```", "   ```", "    - b", "      %%", "", "      %%", BEGIN, END], "")  # two runs
@example(["1. a", "   ```", "   ```", "    - b", "      %%", BEGIN, "      %%", END], "")  # it matters
@example(["text", "      %%", BEGIN, "%%", END], "")  # paragraph continuation: the %% counts
@example(["# heading", "      %%", BEGIN, END], "")  # indented code after a heading: it does not
@example(["- - -", "      %%", BEGIN, END], "")  # a thematic break, not a list item
@example(["<!--", BEGIN, "-->", BEGIN, END], "")  # a comment is looked through to its `-->`
@example(["<div>", BEGIN, "%%", "", BEGIN, END], "")  # an HTML block, to the blank line
@example(["<!--", "a\rb", "-->", BEGIN, END], "")  # a lone \r in a block looked through
@example(["```", "text", " ```", BEGIN, "~~~", END], "")  # a fence closes on a line the scan picks
def test_the_line_scan_agrees_with_markdown_it(body: list[str], front: str) -> None:
    text = front + "\n".join(body) + "\n"
    lines = split_lines(text)
    first = front.count("\n")
    if not front and text.startswith("---"):
        return  # markdown-it reads that as front matter; find_block never scans it
    fast = markers_by_lines(lines, first)
    if fast is not None:
        assert fast == markers_by_tokens(text, lines, first)


@settings(max_examples=500, deadline=None)
@given(st.one_of(LINE, st.text()), st.lists(LINE, max_size=4), st.booleans())
def test_lines_the_scan_skips_change_nothing(line: str, others: list[str], percent: bool) -> None:
    """The line scan hands a line to `_scan_top_level` only if it starts with
    one of `_OPENERS` or holds `%%`: on any other, the scan's answer is True
    and its state is as before. Nor can such a line close a fence."""
    if not line or line[0] in _OPENERS or "%%" in line:
        return
    lines = [*others, line + "\n", *others]
    assert len(others) not in _candidates(lines, 0) or "\r" in line
    assert not any(_closes(lines[len(others)], fence) for fence in ("```", "~~~", "````"))
    scan = _LineScan(code=[range(1)], found=[(0, "begin")], percent=[0] if percent else [])
    before = repr(scan)
    assert _scan_top_level(scan, lines, len(others), lines[len(others)])
    assert repr(scan) == before


def test_only_newlines_end_lines() -> None:
    text = f"a\x0cb\u2028c\x1ed\n\n{BEGIN}\n\n{END}\n"
    assert split_lines(text) == ["a\x0cb\u2028c\x1ed\n", "\n", BEGIN + "\n", "\n", END + "\n"]
    block = find_block(text, split_lines(text), "n.md")
    assert block is not None and (block.begin, block.end) == (2, 4)


@settings(max_examples=1000)
@given(
    st.one_of(
        st.text(),
        st.lists(
            st.sampled_from(["\n", "\r", "x", " ", *"\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"]), max_size=12
        ).map("".join),
    )
)
@example("a\n\r")
@example("\r\r\n")
@example("a\x0bb\x0b")
def test_lines_are_split_as_the_plain_pattern_splits_them(text: str) -> None:
    """Every line separator str.splitlines knows, anywhere: only `\n` ends a line."""
    assert split_lines(text) == _LINE.findall(text)


@pytest.mark.parametrize(
    "text",
    [
        "---\ntype: contact\n---\n\r<!followup-md:\n",  # read past the last line, once
        f"a\rb\r\n```\rx\n```\n{BEGIN}\n\n{END}\n",
        f"%%\r%%\n{BEGIN}\r\n{END}\n",
    ],
)
def test_a_carriage_return_alone_ends_no_line(text: str) -> None:
    """markdown-it is given the note's own lines: a lone `\\r` is no line end."""
    lines = split_lines(text)
    try:
        block = find_block(text, lines, "n.md", text.find("---\n", 3) + 4 if text.startswith("---") else 0)
    except NoteError:
        return  # reported at its line, as any broken block
    assert block is None or lines[block.begin].startswith(BEGIN)


@settings(max_examples=1000)
@given(
    st.lists(
        st.sampled_from(["a", "-", "=", "2026-11-20", "..", " ", ")", "(", "<!--", "-->"]), max_size=10
    ).map("".join)
)
def test_the_windows_are_read_after_the_begin_marker_as_from_the_whole_line(after: str) -> None:
    line = _BEGIN_LINE + after
    assert _PLAN.findall(line, len(_BEGIN_LINE)) == _PLAN.findall(line)


TASK_PARTS = [
    "- [",
    "x",
    " ",
    "]",
    "] ",
    "^fu-",
    "^",
    "fu-",
    "a-1",
    "Z",
    "\t",
    "\n",
    "\r",
    "📅 2026-11-20",
    "-",
]


@settings(max_examples=2000)
@given(st.one_of(st.text(), st.lists(st.sampled_from(TASK_PARTS), max_size=12).map("".join)))
@example("- [ ]  ^fu-x")
@example("- [x] a ^fu-b ^fu-c \t")
@example("- [ ] a ^fu-b^fu-c")
@example("- [ ] a ^fu-b\n")
def test_task_lines_are_split_as_the_plain_pattern_splits_them(line: str) -> None:
    found = TASK_LINE.match(line)
    assert _task_parts(line) == (found and found.groups())


# The fields' patterns as first written (the oracle for the faster ones).
_ISO = r"(\d{4}-\d{2}-\d{2})"
PLAIN_FIELDS = {
    "start": re.compile(rf"(?:🛫\ufe0f? *|[\[(]start:: *){_ISO}"),
    "due": re.compile(rf"(?:[📅📆🗓]\ufe0f? *|[\[(]due:: *){_ISO}"),
    "done": re.compile(rf"(?:✅\ufe0f? *|[\[(]completion:: *){_ISO}"),
    "cancelled": re.compile(rf"(?:❌\ufe0f? *|[\[(]cancelled:: *){_ISO}"),
}
FIELD_PARTS = ["🛫", "📅", "📆", "🗓", "✅", "❌", "\ufe0f", " ", "[", "(", "start::", "due::", "completion::"]
FIELD_PARTS += ["cancelled::", "2026-11-20", "2026-1", "x", "]", "#tag", "⏳"]


@settings(max_examples=1000)
@given(st.one_of(st.text(), st.lists(st.sampled_from(FIELD_PARTS), max_size=10).map("".join)))
def test_task_fields_are_found_as_the_plain_patterns_find_them(body: str) -> None:
    for name, plain in PLAIN_FIELDS.items():
        fast, slow = _FIELDS[name].search(body), plain.search(body)
        assert (fast and (fast.start(1), fast.group(1))) == (slow and (slow.start(1), slow.group(1)))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(LINE, st.text()), max_size=12), FRONTS, st.sampled_from(["", "\n", "\r\n"]))
@example([BEGIN, END], "---\n", "\n")  # markdown-it decides: front matter, then our markers
def test_a_file_of_ours_found_from_its_lines_alone_as_from_its_text(
    body: list[str], front: str, end: str
) -> None:
    """`decode_lines` and `find_own_block` (Due.md, read without its whole
    text) give what `split_lines` of the decoded text and `find_block` give:
    the same block, or the same error."""
    text = front + "\n".join(body) + end
    lines = decode_lines(text.encode("utf-8"))
    assert lines == split_lines(text)
    assert _outcome(find_own_block, lines) == _outcome(find_block, text, split_lines(text))


def _outcome(find: Any, *args: Any) -> object:
    try:
        return find(*args, "Due.md")
    except Exception as error:  # a lone \r before a marker: IndexError in both (markdown-it's lines)
        return type(error), str(error)


def test_a_file_of_ours_that_is_not_utf8_is_a_problem_at_its_line() -> None:
    from followup_md.model import NoteFile
    from followup_md.own_files import read_own

    data = "# Follow-ups — mine\n\nok\n".encode() + b"\xff\n"
    assert read_own(NoteFile("Due.md", data, (1, len(data))), "Due.md")[2] == Problem(
        "Due.md", 4, "not UTF-8 text; save the note as UTF-8"
    )


@pytest.mark.parametrize(
    "field", ["🏁 DELETE", "🏁 Delete", "[onCompletion:: DELETE]", "(ONCOMPLETION:: delete)"]
)
def test_a_line_deleted_when_done_is_a_warning_in_any_case(field: str) -> None:
    """The Tasks plugin reads the on-completion action in any case (it lowers
    it): `🏁 DELETE` deletes the ticked line as `🏁 delete` does, but the
    check looked for a lower-case "elete" first and said nothing."""
    text = f"{BEGIN}\n- [ ] Call Ann #followup 📅 2026-11-20 {field} ^fu-call\n{END}\n"
    lines = split_lines(text)
    block = find_block(text, lines, "n.md")
    assert block is not None
    tasks = blocks.read_tasks(lines, block, TaskSyntax())
    warnings = blocks.lost_ticks(lines, block, TaskSyntax(), "n.md", tasks)
    assert [(w.line, w.message.split(":")[0]) for w in warnings] == [(2, "🏁 delete")]
