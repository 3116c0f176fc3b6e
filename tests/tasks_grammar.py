"""An oracle: the Obsidian Tasks plugin's documented line grammar, in Python.

Tasks reads a line as `- [s] body`, takes a trailing block link ` ^id` off the
body, then repeatedly strips fields matched at the *end* of what is left
(priority, done, cancelled, due, scheduled, start, created, recurrence, tags)
until nothing matches. What remains, plus the trailing tags, is the
description. Field patterns as documented for the default (emoji) format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TASK = re.compile(r"^([\s\t>]*)([-*+]|[0-9]+[.)]) +\[(.)\] *(.*)$")
BLOCK_LINK = re.compile(r" \^[a-zA-Z0-9-]+$")
HASHTAGS_FROM_END = re.compile(r"(^|\s)#[^ !@#$%^&*(),.?\":{}|<>]+$")
FIELDS = {
    "priority": re.compile(r"([🔺⏫🔼🔽⏬])\ufe0f?$"),
    "done": re.compile(r"✅ *(\d{4}-\d{2}-\d{2})$"),
    "cancelled": re.compile(r"❌ *(\d{4}-\d{2}-\d{2})$"),
    "due": re.compile(r"[📅📆🗓] *(\d{4}-\d{2}-\d{2})$"),
    "scheduled": re.compile(r"[⏳⌛] *(\d{4}-\d{2}-\d{2})$"),
    "start": re.compile(r"🛫 *(\d{4}-\d{2}-\d{2})$"),
    "created": re.compile(r"➕ *(\d{4}-\d{2}-\d{2})$"),
    "recurrence": re.compile(r"🔁 ?([a-zA-Z0-9, !]+)$"),
}


@dataclass
class TasksLine:
    status: str
    description: str
    block_link: str
    fields: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)


def parse(line: str) -> TasksLine | None:
    found = TASK.match(line)
    if found is None:
        return None
    status, body = found.group(3), found.group(4)
    link = BLOCK_LINK.search(body)
    block_link = ""
    if link:
        block_link = link.group().strip()
        body = body[: link.start()]
    body = body.strip()
    fields: dict[str, str] = {}
    tags: list[str] = []
    for _ in range(20):
        matched = False
        for name, pattern in FIELDS.items():
            hit = pattern.search(body)
            if hit:
                fields.setdefault(name, hit.group(1))
                body = body[: hit.start()].strip()
                matched = True
        tag = HASHTAGS_FROM_END.search(body)
        if tag:
            tags.insert(0, tag.group().strip())
            body = body[: tag.start()].strip()
            matched = True
        if not matched:
            break
    description = " ".join([body, *tags]).strip()
    return TasksLine(status, description, block_link, fields, tags)
