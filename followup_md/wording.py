"""Pure: a step's words, from the catalogue: its task's action and hint, and its
draft email, written from the catalogue's entry or from the vault's own
template (checked: named after an entry, with our placeholders only).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath

from followup_md.catalogue import CATALOGUE, CHANNEL_HINTS, entry_key, step_kind
from followup_md.errors import ConfigError
from followup_md.model import Note, Step
from followup_md.phrasing import FIELD, Sender, choose, fill, tidy
from followup_md.placeholders import PLACEHOLDERS, Words

_NO_SENDER = Sender()


def action_text(step_id: str, note: Note, channel: str = "") -> tuple[str, str]:
    """The task's action and hint for a step, by its channel (`email`, `call`,
    `linkedin`; the rules decide)."""
    key = entry_key(step_id, note)
    words = Words(key, step_id, note, _NO_SENDER, channel=channel)
    return choose(CATALOGUE[key].action, words), choose(CHANNEL_HINTS + CATALOGUE[key].hint, words)


def check_templates(texts: Mapping[str, str]) -> dict[str, str]:
    """The vault's draft templates ({path: text}) by catalogue entry, each
    checked: its file is named after an entry, its placeholders are ours."""
    templates: dict[str, str] = {}
    for path, text in texts.items():
        key = PurePosixPath(path).stem
        if key not in CATALOGUE:
            names = ", ".join(f"{name}.txt" for name in CATALOGUE)
            raise ConfigError(f"not a kind of step; draft templates are named {names}", path, 1)
        for number, line in enumerate(text.split("\n"), 1):
            for found in FIELD.finditer(line):
                if found.group(1) not in PLACEHOLDERS:
                    valid = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
                    raise ConfigError(f"unknown placeholder {found.group()}; valid: {valid}", path, number)
        templates[key] = text
    return templates


def template_for(step: Step, note: Note, templates: Mapping[str, str]) -> str | None:
    """The vault's template for a step: its entry's, else its kind's
    (`check-in.txt` serves the second check-in too)."""
    return templates.get(entry_key(step.id, note)) or templates.get(step_kind(step.id))


def draft_email(
    step: Step, note: Note, sender: Sender, template: str | None = None, cc: str = ""
) -> tuple[str, str]:
    """Subject and body of the email for `step`. `template` is the vault's own
    (a `Subject:` line, a blank line, the body; checked by `check_templates`);
    without it the catalogue's entry is used."""
    key = entry_key(step.id, note)
    entry = CATALOGUE[key]
    words = Words(key, step.id, note, sender, cc, step.channel)
    if template is not None:
        head, _, body = template.partition("\n")
        if not head.lower().startswith("subject:"):
            head, body = "Subject: " + choose(entry.subject, words), template
        lines = [tidy(fill(line, words)) if FIELD.search(line) else line for line in body.split("\n")]
        return tidy(fill(head[8:], words)).strip(), "\n".join(lines).strip("\n") + "\n"
    paragraph = " ".join(filter(None, [choose(texts, words) for texts in entry.body]))
    body = f"{words['greeting']}\n\n{paragraph}\n\n{words['signature']}\n"
    return choose(entry.subject, words), body
