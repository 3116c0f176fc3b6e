"""Pure: the catalogue of words (SPEC 4; STYLE "Words apart from dates"), one
entry per kind of step: who it is addressed to, the action text of its task, a
hint naming the guidance's other channels, and the draft's subject and body.
The entries live by situation in `catalogue_reaching_out`,
`catalogue_interviews` and `catalogue_in_touch`; here they are put in order,
and a step finds its entry, its kind and its label. A translation is a new
catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from followup_md.catalogue_in_touch import IN_TOUCH
from followup_md.catalogue_interviews import INTERVIEWS
from followup_md.catalogue_reaching_out import REACHING_OUT
from followup_md.model import Note
from followup_md.phrasing import Entry

# A channel's own hint comes before an entry's (the step's channel, from the rules).
CHANNEL_HINTS = (
    "{?call}write down the key points first, in case you reach their voicemail",
    "{?linkedin}a connection request or message with a personal line",
)

# Every entry in a search's course, the order the README and the template
# errors list them in.
CATALOGUE: Mapping[str, Entry] = {**REACHING_OUT, **INTERVIEWS, **IN_TOUCH}

# A step id: an optional round (`r2-`, `r20261119-`), the kind, an optional number.
ROUND = re.compile(r"^(?:r(\d+)-)?(.*?)(?:-(\d+))?$")


@lru_cache(maxsize=4096)  # a vault's ids repeat (`nudge`, a day's `thank-you-20261119`)
def step_kind(step_id: str) -> str:
    """`r2-check-in-1` -> `check-in`, `thank-you-2` -> `thank-you`, `manual-20261125` -> `manual`."""
    found = ROUND.match(step_id)
    kind = found.group(2) if found else step_id
    return "manual" if kind.startswith("manual") else kind


# Each kind of step in a few words, for the bars of Due.md's chart.
_LABELS = {
    "reconnect": "Reconnect",
    "reconnect-since": "Reconnect",
    "thank-introducer": "Thank introducer",
    "reach-out": "Reach out",
    "nudge": "Nudge",
    "confirm": "Confirm application",
    "prepare": "Prepare thank-you",
    "thank-you": "Thank-you note",
    "check-in": "Check in",
    "follow-up": "Follow up",
    "loop-in-source": "Loop in source",
    "update-source": "Update source",
    "no-contact": "Tell source",
    "source-outcome": "Tell source outcome",
    "stay-in-touch": "Stay in touch",
    "keep-in-touch": "Keep in touch",
    "manual": "Follow up",
}


def step_label(step_id: str) -> str:
    """A step's kind in a few words (`r20261117-check-in-1` -> `Check in`)."""
    return _LABELS.get(step_kind(step_id), _LABELS["manual"])


def informational(note: Note) -> bool:
    """An informational interview's note (`format: informational`)."""
    return str(note.facts.get("format", "")).lower() == "informational"


def entry_key(step_id: str, note: Note) -> str:
    """The catalogue entry for a step: its kind, or the kind's variant for the
    note's situation (a referral's reach-out, an informational interview's
    thank-you, a second check-in)."""
    kind = step_kind(step_id)
    facts = note.facts
    if kind == "reach-out" and "referred" in facts:
        return "reach-out-referral"
    if kind in ("prepare", "thank-you") and informational(note):
        return f"{kind}-informational"
    if kind == "check-in":
        found = ROUND.match(step_id)
        if found and found.group(3) and int(found.group(3)) > 1:
            return "check-in-again"
    return kind if kind in CATALOGUE else "manual"
