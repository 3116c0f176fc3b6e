"""Pure: a drafted email (subject, body) for a step, in our own words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from followup_md.model import Link, Note, Step

_ROUND = re.compile(r"^(?:r\d+-)?(.*?)(?:-\d+)?$")


def step_kind(step_id: str) -> str:
    """`r2-check-in-1` -> `check-in`, `thank-you-2` -> `thank-you`, `manual-20261125` -> `manual`."""
    base = _ROUND.match(step_id)
    kind = base.group(1) if base else step_id
    return "manual" if kind.startswith("manual") else kind


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
    "loop-in-source": "Loop in source",
    "update-source": "Update source",
    "no-contact": "Tell source",
    "stay-in-touch": "Stay in touch",
    "keep-in-touch": "Keep in touch",
    "manual": "Follow up",
}


def step_label(step_id: str) -> str:
    """A step's kind in a few words (`check-in-2` -> `Check in`), for a chart."""
    return _LABELS.get(step_kind(step_id), _LABELS["manual"])


def _text(value: Any) -> str:
    return value.text if isinstance(value, Link) else str(value or "")


_SUBJECTS = {
    "reconnect": "Great to meet you",
    "reconnect-since": "It has been a while",
    "thank-introducer": "Thank you for the introduction",
    "reach-out": "Introduction: {me_line}",
    "nudge": "Following up on {promise}",
    "confirm": "Application for {role_or_position}",
    "prepare": "Thank you for your time",
    "thank-you": "Thank you for the interview",
    "check-in": "Following up on the {role_or_position} interview",
    "loop-in-source": "Thank you, and an update",
    "update-source": "An update on {name}",
    "no-contact": "Update on reaching {name}",
    "stay-in-touch": "Thank you, and staying in touch",
    "source-outcome": "Thank you, and how it ended",
    "keep-in-touch": "Checking in",
    "manual": "Following up",
}

_BODIES = {
    "reconnect": "It was good to meet you{where}. I enjoyed our conversation{topics} and would "
    "like to keep in touch. Would you be open to a short call in the next couple of weeks?",
    "reconnect-since": "It has been a while since we last spoke, and I would love to hear how you "
    "are and share some news of my own. Would you have time for a short call or a coffee in the "
    "coming weeks?",
    "thank-introducer": "Thank you for introducing me to {name}. I will reach out shortly and "
    "let you know how it goes.",
    "reach-out": "{introducer_line}I am exploring my next role and would value your "
    "perspective{company_on}. Would you have 20 minutes for a call or a coffee in the coming days?",
    "nudge": "I hope you are well. I wanted to follow up gently on {promise}. {urgent_line}"
    "Thank you again for offering to help.",
    "confirm": "I recently applied for the {role_or_position} position{company_at} and wanted "
    "to make sure my application arrived. I am happy to send any additional materials. "
    "Could you tell me about the next steps and timing?",
    "prepare": "Thank you for taking the time to speak with me{when}. I enjoyed learning about "
    "{company_or_team} and remain very interested in the {role_or_position} role.",
    "thank-you": "Thank you for taking the time to speak with me{when}. I enjoyed our "
    "conversation{topics} and I am excited about the {role_or_position} role{company_at}.",
    "check-in": "I wanted to follow up on my interview for the {role_or_position} "
    "role{company_at}. I remain very interested and would appreciate an update on the status "
    "when you have a moment.",
    "loop-in-source": "Thank you again for referring me{company_at}. I had my interview and "
    "wanted to let you know how it went.",
    "update-source": "A quick update: I have been in touch with {name} and things are moving "
    "forward. Thank you again for connecting us.",
    "no-contact": "A quick update: I reached out to {name} but have not been able to connect "
    "yet. I will keep trying and let you know how it goes.",
    "stay-in-touch": "Thank you for considering me for the {role_or_position} role{company_at}. "
    "I would like to stay in touch, and I would be grateful for any other leads you may know of.",
    "source-outcome": "Thank you again for referring me{company_at}. I wanted to let you know "
    "how it ended, and to thank you for your help along the way.",
    "keep-in-touch": "I hope all is well. I came across something{topics} and thought of you. "
    "How are things on your side?",
    "manual": "I wanted to follow up on our last conversation.",
}


def _recipient(step: Step, note: Note) -> str:
    facts = note.facts
    kind = step_kind(step.id)
    if kind in ("thank-introducer",):
        return _text(facts.get("introduced_by"))
    if kind in ("loop-in-source", "update-source", "no-contact", "source-outcome"):
        return _text(facts.get("referred_by"))
    return _text(facts.get("interviewer") or facts.get("contact")) or note.name


_FIELD = re.compile(r"\{(\w+)\}")


def fill(template: str, fields: Mapping[str, str]) -> str:
    """`{name}`-style fields filled in (an unknown one is left as written)."""
    return _FIELD.sub(lambda m: fields.get(m.group(1), m.group(0)), template)


def draft_email(step: Step, note: Note, templates: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Subject and body of an email for `step`, filled from the note's facts.
    `templates` ({kind: text}) are the vault's own: a first line `Subject: …`,
    a blank line, then the body, with the fields of `fields_of` in braces."""
    facts = note.facts
    kind = step_kind(step.id)
    company = facts.get("company", "")
    role = facts.get("role", "")
    topics = facts.get("topics", ())
    interviews = facts.get("interview", ())
    introducer = _text(facts.get("introduced_by") or facts.get("referred_by"))
    fields: dict[str, str] = {
        "name": note.name,
        "me_line": f"via {introducer}" if introducer else "getting in touch",
        "promise": facts.get("promise") or "your kind offer to help",
        "role_or_position": role or "open",
        "company_on": f" on the work at {company}" if company else "",
        "company_at": f" at {company}" if company else "",
        "company_or_team": company or "the team",
        "where": f" at {facts['where']}" if facts.get("where") else "",
        "topics": f" about {', '.join(topics)}" if topics else "",
        "when": f" on {interviews[-1].day:%B} {interviews[-1].day.day}" if interviews else "",
        "introducer_line": f"{introducer} suggested I get in touch. " if introducer else "",
        "urgent_line": "It is a little time-sensitive on my side. " if facts.get("urgent") else "",
    }
    recipient = _recipient(step, note)
    fields.update(
        first_name=recipient.split(" ")[0] or "there",
        recipient=recipient,
        company=company,
        role=role,
        source=_text(facts.get("referred_by")),
        interviewer=_text(facts.get("interviewer")),
        interview_date=interviews[-1].day.isoformat() if interviews else "",
        topic_list=", ".join(topics),
    )
    template = (templates or {}).get(kind) or default_template(kind)
    head, _, body = template.partition("\n")
    if not head.lower().startswith("subject:"):
        head, body = "Subject: " + _SUBJECTS.get(kind, _SUBJECTS["manual"]), template
    return fill(head[8:].strip(), fields), fill(body.lstrip("\n"), fields)


def default_template(kind: str) -> str:
    """Our template for a kind of step, in the format the vault's own use."""
    subject = _SUBJECTS.get(kind, _SUBJECTS["manual"])
    body = _BODIES.get(kind, _BODIES["manual"])
    return f"Subject: {subject}\n\nHi {{first_name}},\n\n{body}\n\nBest regards,\n"
