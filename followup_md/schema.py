"""Our vocabulary: the note types, statuses, directions and channels, every
front-matter key with the kind of value it holds, and intervals (`3w`). Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from followup_md.model import MAX_DAYS

TYPES = ("contact", "introduction", "help", "application", "interview", "referral", "log")
STATUSES = (
    "active",
    "waiting",
    "paused",
    "closed",
    "hired",
    "withdrawn",
    "declined",
    "rejected",
)
# A log note's direction: `exchanged` is both ways (a call, a meeting).
DIRECTIONS = ("sent", "received", "exchanged")
# How a follow-up goes out (seeds 000-002: email first; a call with the key
# points written down; a LinkedIn request).
CHANNELS = ("email", "call", "linkedin")
_DURATION = re.compile(r"^(\d{1,12})\s*(d|w|m|y|days?|weeks?|months?|years?)$", re.IGNORECASE)


def parse_duration(value: Any) -> tuple[int, str] | None:
    """`10d`, `3w`, `2m`, `1y` (or spelled out) as (count, unit letter)."""
    if not isinstance(value, str):
        return None
    found = _DURATION.match(value.strip())
    if found is None or int(found.group(1)) == 0:
        return None
    return int(found.group(1)), found.group(2)[0].lower()


def too_long(interval: tuple[int, str]) -> bool:
    """Whether an interval may exceed MAX_DAYS (months and years counted long)."""
    count, unit = interval
    return count * {"d": 1, "w": 7, "m": 31, "y": 366}[unit] > MAX_DAYS


LONGEST = f"{MAX_DAYS // 365} years"

_TAG_SEPARATORS = re.compile(r"[,\s]+")


def tag_names(value: Any) -> list[str]:
    """The tags a `tags` value holds, as Obsidian reads them: a list, or a text
    holding several (`job, mentor`, `job mentor`: a tag has no comma or space),
    each without its `#` and casefolded (Obsidian's tags ignore case)."""
    items = value if isinstance(value, list | tuple) else [value]
    texts = (item for item in items if isinstance(item, str))
    return [
        name.lstrip("#").casefold()
        for text in texts
        for name in _TAG_SEPARATORS.split(text)
        if name.lstrip("#")
    ]


# Every front-matter key the tool reads, with the kind of value it holds; each
# key can be renamed in [keys].
KEY_KINDS: Mapping[str, str] = {
    "type": "text",
    "name": "label",
    "company": "label",
    "role": "label",
    "email": "list",
    "phone": "text",
    "linkedin": "text",
    "status": "text",
    "last_contact": "date",
    "replied": "date",
    "next": "date",
    "next_action": "text",
    "snooze": "date",
    "cadence": "interval",
    "max_followups": "count",
    "referred_by": "link",
    "topics": "list",
    "met": "date",
    "where": "text",
    "introduced": "date",
    "introduced_by": "link",
    "asked": "date",
    "promise": "text",
    "expected": "date",
    "urgent": "bool",
    "applied": "date",
    "contact": "people",
    "posting": "text",
    "interview": "moments",
    "interviewer": "people",
    "reply_by": "date",
    "format": "text",
    "referred": "date",
    "contacted": "date",
    "connected": "date",
    "closed": "date",
    "tags": "list",
    "date": "date",
    "with": "links",
    "direction": "text",
    "channel": "text",
    "follow_up_on": "date",
    "aliases": "list",
    "subject": "text",
    "message_id": "text",
}
KEYS = tuple(KEY_KINDS)
