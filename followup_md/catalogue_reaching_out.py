"""Pure: the catalogue's words for reaching people: someone you met, a contact you
lost touch with, an introduction, a referral, an offer of help (in `CATALOGUE`'s
order).
"""

from __future__ import annotations

from collections.abc import Mapping

from followup_md.phrasing import Entry

REACHING_OUT: Mapping[str, Entry] = {
    "reconnect": Entry(
        to="person",
        nobody="the person you met",
        action=(
            "Call {who}{?call}: recall your meeting at {where} and suggest a next step, such as a coffee",
            "Call {who}{?call}: recall your meeting and suggest a next step, such as a coffee",
            "Send {who} a LinkedIn request{?linkedin} with a personal line recalling your meeting at {where}",
            "Send {who} a LinkedIn request{?linkedin} with a personal line recalling your meeting",
            "Email {who}: recall your meeting at {where} and suggest a next step, such as a call or coffee",
            "Email {who}: recall your meeting and suggest a next step, such as a call or coffee",
        ),
        hint=("or send a LinkedIn request with a personal line",),
        subject=("Great to meet you at {where}", "Great to meet you"),
        body=(
            (
                "It was good to meet you at {where}, and I enjoyed our conversation about {topics}.",
                "It was good to meet you at {where}.",
                "It was good to meet you, and I enjoyed our conversation about {topics}.",
                "It was good to meet you.",
            ),
            (
                "I would like to keep in touch: would you have time for a short call or a coffee "
                "in the next couple of weeks?",
            ),
        ),
    ),
    "reconnect-since": Entry(
        to="person",
        nobody="your former contact",
        action=(
            "Call {who}{?call}: you last spoke on {step_day}; share your news, ask how they are "
            "and suggest a coffee",
            "Send {who} a LinkedIn message{?linkedin}: you last spoke on {step_day}; share your news "
            "and ask how they are",
            "Email {who}: you last spoke on {step_day}; share your news, ask how they are "
            "and suggest a call or a coffee",
        ),
        hint=("former bosses and coworkers often help when they hear from you",),
        subject=("It has been a while",),
        body=(
            ("I hope you are well; it has been a while since we last spoke.",),
            (
                "I wanted to share some news and hear how things are going for you at {company}.",
                "I wanted to share some news and hear how things are going for you.",
            ),
            ("Would you have time for a call or a coffee in the coming weeks?",),
        ),
    ),
    "thank-introducer": Entry(
        to="introducer",
        nobody="the person who introduced you",
        action=(
            "Email {who} to thank them for the introduction to {person}",
            "Email {who} to thank them for the introduction",
        ),
        subject=("Thank you for the introduction to {person}", "Thank you for the introduction"),
        body=(
            (
                "Thank you for introducing me to {person} at {company}.",
                "Thank you for introducing me to {person}.",
                "Thank you for the introduction.",
            ),
            ("I appreciate you making the connection, and I will let you know how our conversation goes.",),
        ),
    ),
    "reach-out": Entry(
        to="person",
        nobody="your new contact",
        action=(
            "Call {who_at}{?call}: say who you are and why you are connecting, and suggest a meeting",
            "Send {who_at} a LinkedIn message{?linkedin}: say who you are and why you are connecting, "
            "and suggest a call",
            "Email {who_at}, introduced by {introducer}: say who you are and why you are connecting, "
            "and suggest a call or a meeting",
            "Email {who_at}: say who you are and why you are connecting, and suggest a call or a meeting",
        ),
        hint=("keep it brief: who you are, why you are connecting, a next step",),
        subject=("{introducer} suggested we connect", "Getting in touch"),
        body=(
            (
                "{introducer} kindly introduced us, and I wanted to follow up.",
                "I am getting in touch to introduce myself.",
            ),
            (
                "I am exploring my next role and would value your perspective on the work at {company}.",
                "I am exploring my next role and would value your perspective.",
            ),
            ("Would you have 20 minutes for a call or a coffee in the coming days?",),
        ),
    ),
    "reach-out-referral": Entry(
        to="person",
        nobody="the person you were referred to",
        cc_source=True,
        action=(
            "Call {who_at}{?call} about the referral from {source}, and tell {source} you did",
            "Send {who_at} a LinkedIn message{?linkedin} about the referral from {source}",
            "Call {who_at}{?call} about the referral",
            "Send {who_at} a LinkedIn message{?linkedin} about the referral",
            "Email {who_at} about the referral and copy {source} on it",
            "Email {who_at} about the referral",
        ),
        hint=("copy your source on the email, so they know you followed up",),
        subject=("Referred by {source}", "Introduction"),
        body=(
            (
                "{cc_name} suggested I get in touch with you about opportunities at {company}, "
                "and I have copied them on this email.",
                "{cc_name} suggested I get in touch with you, and I have copied them on this email.",
                "{source} suggested I get in touch with you about opportunities at {company}.",
                "{source} suggested I get in touch with you.",
                "I was referred to you and wanted to introduce myself.",
            ),
            (
                "I am exploring my next role and would be grateful for 20 minutes of your time to "
                "learn about your team. Would a short call in the coming days work for you?",
            ),
        ),
    ),
    "nudge": Entry(
        to="person",
        nobody="the person who offered to help",
        action=(
            "Call {who}{?call} with a light, clear reminder about {promise}",
            "Call {who}{?call} with a light, clear reminder about their offer to help",
            "Send {who} a LinkedIn message{?linkedin} with a light, clear reminder about {promise}",
            "Send {who} a LinkedIn message{?linkedin} with a light, clear reminder about their offer to help",
            "Email {who} a light, clear reminder about {promise}{?urgent}, "
            "saying briefly why it is time-sensitive",
            "Email {who} a light, clear reminder about {promise}",
            "Email {who} a light, clear reminder about their offer to help{?urgent}, "
            "saying briefly why it is time-sensitive",
            "Email {who} a light, clear reminder about their offer to help",
        ),
        subject=("Following up on {promise}", "Following up on your kind offer"),
        body=(
            (
                "I hope you are well. I wanted to follow up gently on {promise}.",
                "I hope you are well. I wanted to follow up gently on your kind offer to help.",
            ),
            (
                "{?urgent}It has become a little time-sensitive on my side, "
                "so any news this week would help.",
                "",
            ),
            ("Thank you again for your help.",),
        ),
    ),
}
