"""Generate a realistic, messy vault: a personal knowledge base in which a share
of the notes are follow-up notes of every type, and the rest are books,
articles, daily notes, templates, Templater scripts and empty files.

    python benchmarks/make_vault.py /tmp/vault --notes 10000 --ours 0.1
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


def _day(rng: random.Random, spread: int = 40) -> str:
    return (BASE + timedelta(days=rng.randint(-spread, 10))).isoformat()


def follow_up(rng: random.Random, index: int) -> str:
    kind = rng.choice(["contact", "introduction", "help", "application", "interview", "referral", "log"])
    lines = [f"type: {kind}", f"company: Company {index % 97}", f"email: person{index}@example.com"]
    if kind == "contact":
        lines += [f"met: {_day(rng)}", "where: a meetup", f"cadence: {rng.choice(['3w', '1m', '2m'])}"]
    elif kind == "introduction":
        lines += [f"introduced: {_day(rng)}", f'introduced_by: "[[Person {index - 1}]]"']
    elif kind == "help":
        lines += [f"asked: {_day(rng)}", "promise: an introduction"]
    elif kind == "application":
        lines += [f"applied: {_day(rng)}", "role: Data Engineer"]
    elif kind == "interview":
        lines += [f"applied: {_day(rng, 60)}", f"interview: {_day(rng)}T14:00", f"reply_by: {_day(rng)}"]
    elif kind == "referral":
        lines += [
            f"referred: {_day(rng)}",
            f'referred_by: "[[Person {index - 2}]]"',
            f"contacted: {_day(rng)}",
        ]
    else:
        lines = ["type: log", f"date: {_day(rng)}", f'with: "[[Person {index - 3}]]"', "direction: received"]
    return "---\n" + "\n".join(lines) + "\n---\n" + LOREM + "\n"


def other(rng: random.Random, index: int) -> str:
    shape = rng.randrange(7)
    if shape == 0:
        return f"---\ntype: book\nauthor: Author {index}\nstatus: reading\nrating: 4\n---\n{LOREM}\n"
    if shape == 1:
        return f"---\ntype: article\nurl: https://example.com/{index}\ntags: [reading]\n---\n{LOREM}\n"
    if shape == 2:
        body = "\n".join(f"- [ ] unrelated task {i} 📅 2026-11-2{i % 10}" for i in range(5))
        return f"# Day {index}\n\n{body}\n\n```python\nprint('code fence')\n```\n" + LOREM * 20 + "\n"
    if shape == 3:
        return f"<% tp.file.cursor() %>\n---\ntype: contact\nmet: {{{{date}}}}\n---\n{LOREM}\n"
    if shape == 4:
        return ""
    if shape == 5:
        return f"---\ntitle: Note {index}\naliases: [n{index}]\ncreated: 2026-01-01\n---\n{LOREM * 5}\n"
    return LOREM * rng.randint(1, 30) + "\n"


def make_vault(root: Path, notes: int, ours: float, seed: int = 1) -> None:
    rng = random.Random(seed)
    (root / ".obsidian").mkdir(parents=True, exist_ok=True)
    (root / ".obsidian" / "templates.json").write_text('{"folder": "Templates"}')
    (root / "Templates").mkdir(exist_ok=True)
    (root / "Templates" / "Contact.md").write_text("---\ntype: contact\nmet: {{date}}\n---\n")
    for index in range(notes):
        folder = root / rng.choice(FOLDERS)
        folder.mkdir(parents=True, exist_ok=True)
        if rng.random() < ours:
            (folder / f"Person {index}.md").write_text(follow_up(rng, index), encoding="utf-8")
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
