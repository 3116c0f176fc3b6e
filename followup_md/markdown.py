"""Pure: user text written into Markdown so that every reader shows it verbatim.

Names, companies, actions and messages come from the user's notes and may hold
anything. Written into Due.md, a task line or Stats.md, they must read back as
the same text and never as structure: no emphasis, code, link, autolink, HTML
or entity in CommonMark, no strikethrough or bare-URL autolink in GitHub's
Markdown, no tag, comment, highlight, math or inline field in Obsidian. Each
character that could open such a construct is backslash-escaped (CommonMark
lets any ASCII punctuation be escaped, and a renderer shows it without the
backslash). The text always follows something of ours on its line, so
line-start constructs (headings, lists, quotes) cannot arise. One thing no
escape prevents: GitHub links an email address in the text (`me@x.example`),
escaped or not.
"""

from __future__ import annotations

import re

# One character to escape. The pattern starts with the class of every
# character that may need it, so the regex engine skips from one to the next;
# a lookaround after it says whether this one does.
_SPECIAL = re.compile(
    r"[\\`*_~\[\]<>#|$^&%=:.]"
    r"(?:(?<=[\\`*_~\[\]<>#|$^])"  # escapes, code, emphasis, strikethrough, links, HTML, tags, math
    r"|(?<=&)(?=#?\w+;)"  # an entity reference
    r"|(?<=%)(?=%)|(?<=%%)|(?<==)(?==)|(?<===)"  # Obsidian's %% comments and == highlights
    r"|(?<=:)(?=//)|(?<=::)|(?i:(?<=www\.)))"  # bare URLs (GFM) and Dataview's :: fields
)


def one_line(text: str) -> str:
    """`text` as one line of text: control and other unprintable characters and
    runs of white space become one space; no space at either end."""
    if text.isprintable() and "  " not in text:
        return text.strip()
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def escape_markdown(text: str) -> str:
    """Inline text that CommonMark, GFM and Obsidian render as exactly `text`
    (`text` is one line, see `one_line`)."""
    return _SPECIAL.sub(lambda found: "\\" + found.group(), text)


# Characters the Tasks plugin reads as fields (and the variation selector that
# may follow them): never let user text carry them into a task line.
TASK_FIELD_CHARS = re.compile("[🔺⏫🔼🔽⏬🛫➕⏳⌛📅📆🗓⏰✅❌🔁🏁⛔🆔\ufe0f]")


def task_text(text: str) -> str:
    """User text for a task line (a note's, or Due.md's): one line, without the
    emoji the Tasks plugin reads as fields (they cannot be escaped; ASCII holds
    none), Markdown-escaped."""
    return escape_markdown(one_line(text if text.isascii() else TASK_FIELD_CHARS.sub("", text)))


def code_span(text: str) -> str:
    """`text` as an inline code span, verbatim whatever backticks it holds."""
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"
