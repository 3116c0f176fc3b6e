"""User text written into Markdown reads back verbatim, as text, in every
renderer: markdown-it-py (CommonMark, plus GFM's strikethrough and tables)
renders each generated line; Obsidian's own constructs are checked on the raw
text; the Tasks grammar still reads our fields."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from followup_md.agenda import render_due
from followup_md.markdown import code_span, escape_markdown, one_line
from followup_md.model import Note, Problem, Step, TaskSyntax, Waiting
from followup_md.render import render_task

from . import tasks_grammar

TODAY = date(2026, 11, 20)
MARKDOWN = MarkdownIt("commonmark").enable(["strikethrough", "table"])
OURS = {"text", "strong_open", "strong_close", "link_open", "link_close"}

PIECES = st.sampled_from(
    [
        "*Star*",
        "_Under_",
        "`tick`",
        "<https://evil.example>",
        "<b>bold</b>",
        "<!-- x -->",
        "[a](b)",
        "![img](x.png)",
        "[[Wiki|link]]",
        "&amp;",
        "&#35;",
        "&copy",
        "\\",
        "\\*",
        "~~gone~~",
        "https://bare.example",
        "www.example.com",
        "me@mail.example",
        "#tag",
        "%%comment%%",
        "==mark==",
        "$x$",
        "^block",
        "a | b",
        "key:: value",
        "**",
        "__",
        " ",
        "\t",
        "\n",
        "2026-11-20",
        "- ",
        "> ",
        "1. ",
        "# ",
    ]
)
USER_TEXT = st.lists(st.one_of(PIECES, st.text(max_size=5)), min_size=1, max_size=8).map("".join)


def inline(line: str) -> list[Token]:
    """The inline tokens markdown-it makes of one list line."""
    tokens = [t for t in MARKDOWN.parse(line) if t.type == "inline"]
    assert len(tokens) == 1, line
    return tokens[0].children or []


def shown(tokens: list[Token]) -> str:
    return "".join(t.content for t in tokens if t.type == "text")


@settings(max_examples=300, deadline=None)
@given(USER_TEXT)
def test_escaped_text_is_verbatim_text_for_every_reader(text: str) -> None:
    line = one_line(text)
    escaped = escape_markdown(line)
    tokens = inline(f"- x {escaped}")
    assert {t.type for t in tokens} == {"text"}, escaped
    assert shown(tokens) == f"x {line}".rstrip()
    # Obsidian (tags, comments, highlights, math, block ids, Dataview fields) and
    # GFM bare autolinks read the raw text: none can start outside an escape
    bare = re.sub(r"\\.", "\0", escaped)
    assert not re.search(r"[\\`*_~\[\]<>#$^|]|%%|==|::|://|(?i:www\.)|&#?\w+;", bare), escaped


@settings(max_examples=200, deadline=None)
@given(USER_TEXT, USER_TEXT, USER_TEXT, USER_TEXT, st.sampled_from(["wikilink", "markdown"]))
def test_due_lines_show_user_text_verbatim_and_nothing_else(
    name: str, company: str, action: str, reason: str, style: str
) -> None:
    notes = {
        "a.md": Note("a.md", "contact", name, {"company": company}, b"", "\n", None),
        "b.md": Note("b.md", "contact", "Bea", {}, b"", "\n", None),
    }
    steps = [Step("a.md", "reconnect", TODAY, TODAY, action)]
    problems = [Problem("b`ad`.md", 3, f"met: {reason}")]
    lines = render_due(steps, notes, [Waiting("b.md", reason)], problems, 0, TODAY, style)
    label = one_line(name) or "a.md"
    # a wikilink (text to CommonMark) only where its alias needs no escape
    wikilink = style == "wikilink" and escape_markdown(label) == label
    link = f"[[a#^fu-reconnect|{label}]]" if wikilink else label
    shown_company = f" ({one_line(company)})" if one_line(company) and company != name else ""
    expected = {
        "## Today": (f"{TODAY} {link}{shown_company}: {one_line(action)}", not wikilink),
        "## Waiting": (
            f"{'[[b|Bea]]' if style == 'wikilink' else 'Bea'}: {one_line(reason)}",
            style == "markdown",
        ),
    }
    for heading, (text, linked) in expected.items():
        line = lines[lines.index(heading) + 2]
        tokens = inline(line)
        assert {t.type for t in tokens} <= OURS, line
        assert sum(t.type == "link_open" for t in tokens) == linked, line
        assert shown(tokens) == text.rstrip()
    problem = inline(lines[lines.index("## Problems") + 2])
    assert [t.type for t in problem] == ["code_inline", "text"]
    assert problem[0].content == "b`ad`.md:3"
    assert problem[1].content == f": met: {one_line(reason)}".rstrip()


@settings(max_examples=150, deadline=None)
@given(USER_TEXT)
def test_task_lines_show_user_text_verbatim_and_keep_the_tasks_grammar(action: str) -> None:
    step = Step("n.md", "thank-you", TODAY, date(2026, 11, 21), action)
    line = render_task(step, TaskSyntax(), "#followup")
    fields = "#followup 🛫 2026-11-20 📅 2026-11-21 ^fu-thank-you"
    visible = one_line(re.sub("[🔺⏫🔼🔽⏬🛫➕⏳⌛📅📆🗓⏰✅❌🔁⛔🆔\ufe0f]", "", action))
    tokens = inline(line)
    assert {t.type for t in tokens} == {"text"}, line
    assert shown(tokens) == " ".join(part for part in ("[ ]", visible, fields) if part)
    parsed = tasks_grammar.parse(line)
    assert parsed is not None
    assert parsed.fields == {"start": "2026-11-20", "due": "2026-11-21"}
    assert parsed.tags == ["#followup"]
    assert parsed.block_link == "^fu-thank-you"


class _Item(HTMLParser):
    """The tags and the text of the first list item of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.tags: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.tags.append(tag)
        self.depth += tag == "li"

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag == "li"

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text += data


def github(markdown: str) -> _Item:
    """`markdown` rendered by cmark-gfm, GitHub's renderer, with GitHub's extensions."""
    found = shutil.which("cmark-gfm")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI must render with GitHub's cmark-gfm (.ci/setup.d/30-tools.sh)")
        pytest.skip("cmark-gfm is not installed (apt-get install cmark-gfm)")
    extensions = ["-e", "autolink", "-e", "strikethrough", "-e", "table", "-e", "tagfilter", "-e", "tasklist"]
    html = subprocess.run([found, *extensions], input=markdown, capture_output=True, text=True, check=True)
    item = _Item()
    item.feed(html.stdout)
    return item


# an email address is the one thing GitHub links, escaped or not
NO_EMAIL = USER_TEXT.filter(lambda text: "@" not in text)


@settings(max_examples=100, deadline=None)
@given(NO_EMAIL, NO_EMAIL, NO_EMAIL)
def test_github_shows_due_lines_verbatim_with_no_element_of_the_users(
    name: str, company: str, action: str
) -> None:
    notes = {"a.md": Note("a.md", "contact", name, {"company": company}, b"", "\n", None)}
    lines = render_due([Step("a.md", "reconnect", TODAY, TODAY, action)], notes, [], [], 0, TODAY, "markdown")
    line = lines[lines.index("## Today") + 2]
    item = github(line + "\n")
    assert item.tags == ["strong", "a"], line
    details = f" ({one_line(company)})" if one_line(company) and company != name else ""
    assert item.text == f"{TODAY} {one_line(name) or 'a.md'}{details}: {one_line(action)}".rstrip()


def test_the_issues_example_is_plain_text() -> None:
    name = "*Star* _Under_ `tick` <https://evil.example>"
    assert escape_markdown(name) == r"\*Star\* \_Under\_ \`tick\` \<https\://evil.example\>"
    assert shown(inline(f"- {escape_markdown(name)}")) == name


@pytest.mark.parametrize(
    ("text", "span"),
    [("a.md:3", "`a.md:3`"), ("a`b.md:1", "``a`b.md:1``"), ("`x`", "`` `x` ``"), ("a``b", "```a``b```")],
)
def test_code_spans_hold_any_backticks(text: str, span: str) -> None:
    assert code_span(text) == span
    (token,) = inline(f"- {span}")
    assert token.type == "code_inline" and token.content == text


# The escaped characters as first written, one branch each (the oracle).
PLAIN_SPECIAL = re.compile(
    r"[\\`*_~\[\]<>#|$^]"
    r"|&(?=#?\w+;)"
    r"|%(?=%)|(?<=%)%|=(?==)|(?<==)="
    r"|:(?=//)|(?<=:):|(?i:(?<=www)\.)"
)


@settings(max_examples=1000)
@given(
    st.one_of(
        st.text(),
        st.text(alphabet="\\`*_~[]<>#|$^&%=:./wW; ab1é"),
        st.lists(
            st.sampled_from(["www", "WwW", ".", "://", "::", "%%", "==", "&amp;", "&#1;", "a", " "])
        ).map("".join),
    )
)
def test_escapes_are_where_the_plain_pattern_puts_them(text: str) -> None:
    """`_SPECIAL` is written to start with one character class, for speed; it
    escapes exactly the characters the plain pattern's branches match."""
    assert escape_markdown(text) == PLAIN_SPECIAL.sub(lambda found: "\\" + found.group(), text)
