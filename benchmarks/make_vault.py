"""Generate a realistic, messy vault: a personal knowledge base in which a share
of the notes are follow-up notes of every type, and the rest are books,
articles, daily notes, templates, Templater scripts and empty files. Bodies,
ours and not ours, are what people write: headings, lists and nested lists,
fenced code, quotes and callouts, tables, HTML and `%%` comments, and some long
notes.

    python benchmarks/make_vault.py /tmp/vault --notes 10000 --ours 0.1
    python benchmarks/make_vault.py /tmp/crm --notes 10000 --ours 1.0
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

BASE = date(2026, 11, 20)
FOLDERS = [
    "Areas/Career",
    "Areas/Health",
    "Resources/Books",
    "Resources/Articles",
    "Journal/2026",
    "Projects/x/y",
]
LOREM = (
    "Notes on the week. Ideas worth keeping, links to [[Other note]] and a #tag or two. "
    "Nothing here is a follow-up; it is what a vault is mostly made of."
)
SAID = (
    "the team talked about hiring plans for next quarter and a new data platform; she asked "
    "me to send my portfolio and mentioned [[Priya]] who runs analytics at **Initech** "
    "(see `pipeline.py`, https://example.com/post and #networking) before the offsite"
)
WORDS = SAID.split()


def _prose(rng: random.Random, sentences: int) -> str:
    words = [rng.choice(WORDS) for _ in range(sentences * 12)]
    return " ".join(words).capitalize() + "."


def _section(rng: random.Random, index: int) -> list[str]:
    """One stretch of a body, in one of the shapes people write."""
    shape = rng.randrange(12)
    if shape == 0:
        return [f"{'#' * rng.randint(2, 3)} {rng.choice(['Notes', 'Context', 'Call', 'Next'])} {index}", ""]
    if shape == 1:
        items = [f"- {_prose(rng, 1)}" for _ in range(rng.randint(2, 6))]
        items.insert(1, f"    - nested: {_prose(rng, 1)}")
        items.insert(2, f"        1. deeper {index}")
        if rng.random() < 0.1:  # numbered steps with a fence inside
            items += ["", "1. install", "   ```bash", "   make install", "   ```"]
        if rng.random() < 0.1:
            items.append("    - and %% a private aside %%")
        if rng.random() < 0.05:  # a comment over lines of a nested item: markdown-it must decide
            items += ["    - private:", "      %%", "      not for the follow-up", "      %%"]
        return [*items, ""]
    if shape == 2:
        lang = rng.choice(["python", "sql", "", "text"])
        code = ["def f(x):", "    return x  # <!-- not a marker -->", "", "SELECT * FROM t; -- %% no"]
        fence = rng.choice(["```", "~~~", "````"])
        return [fence + lang, *code[: rng.randint(1, 4)], fence, ""]
    if shape == 3:
        return [f"> {_prose(rng, 1)}", "> ", f"> {_prose(rng, 1)}", ""]
    if shape == 4:
        kind = rng.choice(["note", "tip", "warning", "quote"])
        return [f"> [!{kind}] {rng.choice(['Remember', 'Their words'])}", f"> {_prose(rng, 1)}", ""]
    if shape == 5:
        rows = [f"| 2026-1{i % 3}-0{1 + i} | {rng.choice(WORDS)} | {rng.choice(WORDS)} |" for i in range(4)]
        return ["| date | what | who |", "|---|:---|---|", *rows, ""]
    if shape == 6:
        if rng.random() < 0.1:
            return ["<details><summary>Raw notes</summary>", "", _prose(rng, 2), "", "</details>", ""]
        if rng.random() < 0.5:
            return [f"<!-- {_prose(rng, 1)} -->", ""]
        return ["<!--", _prose(rng, 1), "-->", ""]
    if shape == 7:
        if rng.random() < 0.5:
            return [f"{_prose(rng, 1)} %% private: {rng.choice(WORDS)} %% and on.", ""]
        return ["%%", _prose(rng, 1), "%%", ""]
    if shape == 8:
        task = f"- [ ] {rng.choice(WORDS)} task of my own 📅 2026-11-{10 + index % 20}"
        return [task, f"- [x] done {index}", ""]
    if shape == 9:
        return ["---", ""] if rng.random() < 0.3 else ["![[diagram.png]]", ""]
    return [_prose(rng, rng.randint(1, 6)), ""]


def body(rng: random.Random, index: int, long: bool = False) -> str:
    """A body like the ones people write: text, lists, code, quotes, callouts,
    tables, HTML and `%%` comments; some notes run to hundreds of lines."""
    count = rng.randint(40, 120) if long else rng.randint(1, 10)
    lines = [f"# {rng.choice(['Meeting', 'Person', 'Idea', 'Book'])} {index}", ""]
    for _ in range(count):
        lines += _section(rng, index)
    return "\n".join(lines) + "\n"


def _day(rng: random.Random, spread: int = 40) -> str:
    return (BASE + timedelta(days=rng.randint(-spread, 10))).isoformat()


def _someone(rng: random.Random, people: list[int]) -> str:
    """A link to an earlier follow-up note; now and then (3 %) to one that is not there."""
    if not people or rng.random() < 0.03:
        return f'"[[Person {rng.randrange(10**6)} (gone)]]"'
    return f'"[[Person {rng.choice(people)}]]"'


def follow_up(rng: random.Random, index: int, people: list[int]) -> str:
    kind = rng.choice(["contact", "introduction", "help", "application", "interview", "referral", "log"])
    lines = [f"type: {kind}", f"company: Company {index % 97}", f"email: person{index}@example.com"]
    if kind == "contact":
        lines += [f"met: {_day(rng)}", "where: a meetup", f"cadence: {rng.choice(['3w', '1m', '2m'])}"]
    elif kind == "introduction":
        lines += [f"introduced: {_day(rng)}", f"introduced_by: {_someone(rng, people)}"]
    elif kind == "help":
        lines += [f"asked: {_day(rng)}", "promise: an introduction"]
    elif kind == "application":
        lines += [f"applied: {_day(rng)}", "role: Data Engineer"]
    elif kind == "interview":
        lines += [f"applied: {_day(rng, 60)}", f"interview: {_day(rng)}T14:00", f"reply_by: {_day(rng)}"]
    elif kind == "referral":
        lines += [
            f"referred: {_day(rng)}",
            f"referred_by: {_someone(rng, people)}",
            f"contacted: {_day(rng)}",
        ]
    else:
        lines = ["type: log", f"date: {_day(rng)}", f"with: {_someone(rng, people)}", "direction: received"]
    text = body(rng, index, long=rng.random() < 0.05) if rng.random() < 0.9 else LOREM + "\n"
    return "---\n" + "\n".join(lines) + "\n---\n" + text


def other(rng: random.Random, index: int) -> str:
    shape = rng.randrange(7)
    if shape == 0:
        front = f"type: book\nauthor: Author {index}\nstatus: reading\nrating: 4"
        return f"---\n{front}\n---\n{body(rng, index)}"
    if shape == 1:
        front = f"type: article\nurl: https://example.com/{index}\ntags: [reading]"
        return f"---\n{front}\n---\n{body(rng, index)}"
    if shape == 2:
        tasks = "\n".join(f"- [ ] unrelated task {i} 📅 2026-11-2{i % 10}" for i in range(5))
        return f"# Day {index}\n\n{tasks}\n\n```python\nprint('code fence')\n```\n" + LOREM * 20 + "\n"
    if shape == 3:
        return f"<% tp.file.cursor() %>\n---\ntype: contact\nmet: {{{{date}}}}\n---\n{LOREM}\n"
    if shape == 4:
        return ""
    if shape == 5:
        front = f"title: Note {index}\naliases: [n{index}]\ncreated: 2026-01-01"
        return f"---\n{front}\n---\n{body(rng, index, long=rng.random() < 0.05)}"
    return body(rng, index) if rng.random() < 0.7 else LOREM * rng.randint(1, 30) + "\n"


def make_vault(root: Path, notes: int, ours: float, seed: int = 1) -> None:
    rng = random.Random(seed)
    (root / ".obsidian").mkdir(parents=True, exist_ok=True)
    (root / ".obsidian" / "templates.json").write_text('{"folder": "Templates"}')
    (root / "Templates").mkdir(exist_ok=True)
    (root / "Templates" / "Contact.md").write_text("---\ntype: contact\nmet: {{date}}\n---\n")
    people: list[int] = []
    for index in range(notes):
        folder = root / rng.choice(FOLDERS)
        folder.mkdir(parents=True, exist_ok=True)
        if rng.random() < ours:
            (folder / f"Person {index}.md").write_text(follow_up(rng, index, people), encoding="utf-8")
            people.append(index)
        else:
            (folder / f"Note {index}.md").write_text(other(rng, index), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--ours", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    make_vault(args.root, args.notes, args.ours, args.seed)


if __name__ == "__main__":
    main()
