"""Pure: the catalogue's machinery (STYLE "Words apart from dates"): the entry
type, the sender, a text's placeholders filled and its first complete
alternative chosen; facts, lists and days as a person writes them.

Every text is a tuple of alternatives: the first one whose placeholders
all have a value is used, so a note with few facts gets a shorter sentence,
never an empty slot ("Hello," rather than "Hi Hooli,", "the role" rather than
"the open role"). A `{?flag}` placeholder only chooses: it is filled with
nothing and needs its fact to be present.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from followup_md.model import Link

Texts = tuple[str, ...]

# A placeholder in a text: `{name}`, or `{?flag}` that only chooses.
FIELD = re.compile(r"\{(\??\w+)\}")


@dataclass(frozen=True, slots=True)
class Sender:
    """Who the drafts are from (`[me]` in followup-md.toml)."""

    name: str = ""
    signature: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Entry:
    """The words of one kind of step. `to` is whom it addresses (`person`, the
    note's own; `source`, who referred you; `introducer`), `nobody` how to name
    them when the note does not; `cc_source` copies the source on the email."""

    to: str
    nobody: str
    action: Texts
    subject: Texts
    body: tuple[Texts, ...]
    hint: Texts = ()
    cc_source: bool = False


# What `tidy` changes: white space after a word before more of it or a
# punctuation mark, or at a line's end. Written to start with `\s`, so the
# regex engine skips from one white-space character to the next.
_UNTIDY = re.compile(r"\s(?:(?<=\S\s)[\s,.;:?!]|$)", re.MULTILINE)


# Each ASCII character's class for `_surely_tidy`: white space (as `\s`
# means it), a punctuation mark `_UNTIDY` looks for after it, or another.
_TIDY_CLASSES = bytes(32 if chr(c).isspace() else 44 if chr(c) in ",.;:?!" else 120 for c in range(256))


def _surely_tidy(text: str) -> bool:
    """Whether `_UNTIDY` surely finds nothing in an ASCII `text`: no white
    space before more of it or a punctuation mark, nor at its end. Two scans
    of its characters' classes (a byte table), where the regex tries every space."""
    if not text.isascii():
        return False
    classes = text.encode().translate(_TIDY_CLASSES)
    return b"  " not in classes and b" ," not in classes and not classes.endswith(b" ")


# A value that ends a sentence of its own (`Foo, Inc.`, `an intro to their
# CTO.`) before our full stop: two stops ending a sentence, never an ellipsis
# nor two within a word (`v1..v2`, `main..dev`).
_DOUBLED_STOP = re.compile(r"(?<!\.)\.\.(?!\S)")


def tidy(text: str) -> str:
    """Single spaces, no space before punctuation, no doubled full stop, no
    trailing blanks (a line's indentation is kept)."""
    if ".." in text:
        text = _DOUBLED_STOP.sub(".", text)
    if _surely_tidy(text) or not _UNTIDY.search(text):
        return text
    lines = []
    for line in text.split("\n"):
        words = line.lstrip(" \t")
        tidied = re.sub(r" ([,.;:?!])", r"\1", re.sub(r"[ \t]+", " ", words)).rstrip()
        lines.append(line[: len(line) - len(words)] + tidied if tidied else "")
    return "\n".join(lines)


def fill(template: str, words: Mapping[str, str]) -> str:
    """`{name}` placeholders filled (`{?flag}` with nothing); unknown ones are
    the caller's to reject (see `check_templates`)."""
    return FIELD.sub(
        lambda m: "" if m.group(1).startswith("?") else words.get(m.group(1), m.group(0)), template
    )


class _Alternative(NamedTuple):
    """One alternative of a text, prepared once: the placeholders it needs,
    its flags first (the cheap test that most often rules it out), and a
    `str.format` string that writes it filled given their values in that
    order (literal braces doubled), or, when it has no value to write
    (`fixed`), the text itself, filled and tidied."""

    needs: tuple[str, ...]
    form: str
    fixed: bool


@cache
def _alternatives(texts: Texts) -> tuple[_Alternative, ...]:
    """Each alternative of `texts`, prepared (made once a text, not at each use)."""
    alternatives = []
    for text in texts:
        pieces = FIELD.split(text)  # literal, name, literal, ..., literal
        literals, names = pieces[::2], pieces[1::2]
        needs = sorted(dict.fromkeys(names), key=lambda name: not name.startswith("?"))
        slots = ["" if name.startswith("?") else f"{{{needs.index(name)}}}" for name in names]
        if not any(slots):
            alternatives.append(_Alternative(tuple(needs), tidy("".join(literals)), True))
            continue
        form = "".join(
            literal.replace("{", "{{").replace("}", "}}") + slot
            for literal, slot in zip(literals, [*slots, ""], strict=True)
        )
        alternatives.append(_Alternative(tuple(needs), form, False))
    return tuple(alternatives)


def choose(texts: Texts, words: Mapping[str, str]) -> str:
    """The first alternative whose placeholders all have a value, filled
    (`fill` and `tidy` do the same; see `_alternatives`)."""
    for needs, form, fixed in _alternatives(texts):
        values = []
        for name in needs:
            try:
                value = words[name]
            except KeyError:  # as Mapping.get, a frame less
                break
            if not value:
                break
            values.append(value)
        else:
            return form if fixed else tidy(form.format(*values))
    return ""


def shown(value: Any) -> str:
    """A fact as a person reads it: a link by its display text, several as a
    person lists them ("Dana Ortiz and Sam Lee")."""
    if isinstance(value, Link):
        return value.text
    if isinstance(value, tuple):
        return join_words([shown(item) for item in value])
    return "" if value is None else str(value).strip()


def join_words(items: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`: a list as a person writes it."""
    words = [item.strip() for item in items if item and item.strip()]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def spoken_date(day: date) -> str:
    """`November 19` (in English whatever the locale: the catalogue is English)."""
    return f"{_MONTHS[day.month - 1]} {day.day}"
