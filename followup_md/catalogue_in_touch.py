"""Pure: the catalogue's words for keeping people in the loop and in touch: the
referral's source told how it goes, a hiring team after a no, a contact on a
cadence, and your own next action (in `CATALOGUE`'s order).
"""

from __future__ import annotations

from collections.abc import Mapping

from followup_md.phrasing import Entry

IN_TOUCH: Mapping[str, Entry] = {
    "loop-in-source": Entry(
        to="source",
        nobody="the person who referred you",
        action=(
            "Email {who} to thank them for the referral and tell them how the interview at {company} went",
            "Email {who} to thank them for the referral and tell them how the interview went",
        ),
        subject=("Thank you, and an update on {company}", "Thank you, and an update"),
        body=(
            ("Thank you again for referring me to {company}.", "Thank you again for the referral."),
            (
                "I had my interview with {person} on {interview_date} and wanted to keep you in the loop.",
                "I had my interview on {interview_date} and wanted to keep you in the loop.",
                "I had my interview and wanted to keep you in the loop.",
            ),
            ("I will let you know how it turns out; I really appreciate your help.",),
        ),
    ),
    "update-source": Entry(
        to="source",
        nobody="the person who referred you",
        action=(
            "Email {who} to say that things are moving forward with {person}",
            "Email {who} to say that things are moving forward",
        ),
        subject=("An update on {person}", "A quick update"),
        body=(
            (
                "A quick update: I have been in touch with {person}, and things are moving forward.",
                "A quick update: things are moving forward with your referral.",
            ),
            ("Thank you again for connecting us; I will keep you posted.",),
        ),
    ),
    "no-contact": Entry(
        to="source",
        nobody="the person who referred you",
        action=(
            "Email {who} to say you have not reached {person} yet, with an update on your efforts",
            "Email {who} to say you have not reached your contact yet, with an update on your efforts",
        ),
        subject=("An update on reaching {person}", "An update on your referral"),
        body=(
            (
                "A quick update: I reached out to {person} on {contacted} but have not been able "
                "to connect yet.",
                "A quick update: I reached out to {person} but have not been able to connect yet.",
                "A quick update: I reached out but have not been able to connect yet.",
            ),
            ("They may simply be away; I will try again in the coming days and keep you posted.",),
            ("Thank you again for the referral.",),
        ),
    ),
    "source-outcome": Entry(
        to="source",
        nobody="the person who referred you",
        action=(
            "Email {who} to thank them for the referral and tell them that you got the job "
            "at {company}{?hired}",
            "Email {who} to thank them for the referral and tell them that you got the job{?hired}",
            "Email {who} to thank them for the referral and tell them how it ended at {company}",
            "Email {who} to thank them for the referral and tell them how it ended",
        ),
        subject=("Good news, and thank you{?hired}", "Thank you for the referral"),
        body=(
            (
                "{?hired}I am glad to tell you that I have accepted an offer for {position}.",
                "{?hired}I am glad to tell you that I have accepted an offer.",
                "{?rejected}I wanted to let you know that {company} went with another candidate.",
                "{?rejected}I wanted to let you know that they went with another candidate.",
                "{?declined}I wanted to let you know that I received an offer for {position} "
                "but decided to decline it.",
                "{?declined}I wanted to let you know that I received an offer but decided to decline it.",
                "{?withdrawn}I wanted to let you know that I withdrew from the process for {position}.",
                "{?withdrawn}I wanted to let you know that I withdrew from the process.",
                "I wanted to let you know how things ended with {position}.",
                "I wanted to let you know how things ended.",
            ),
            ("Thank you again for referring me; your help made a real difference.",),
            ("I hope we can stay in touch, and please let me know if I can ever return the favour.",),
        ),
    ),
    "stay-in-touch": Entry(
        to="person",
        nobody="the hiring team",
        action=(
            "Call {who_at}{?call} to thank them for considering you "
            "and ask to stay in touch or for other leads",
            "Send {who_at} a LinkedIn message{?linkedin} to thank them for considering you "
            "and ask to stay in touch",
            "Email {who_at} to thank them for considering you and ask to stay in touch or for other leads",
        ),
        subject=("Thank you, and staying in touch",),
        body=(
            (
                "Thank you for letting me know, and for considering me for {position}.",
                "Thank you for letting me know, and for considering me.",
            ),
            ("I enjoyed learning about your team, and I would like to stay in touch.",),
            (
                "If you hear of another role where my experience could help, I would be grateful "
                "if you thought of me.",
            ),
        ),
    ),
    "keep-in-touch": Entry(
        to="person",
        nobody="your contact",
        action=(
            "Call {who}{?call} to keep in touch: share some news and ask how they are",
            "Keep in touch with {who} on LinkedIn{?linkedin}: share an article on {topics} "
            "and ask how they are",
            "Keep in touch with {who} on LinkedIn{?linkedin}: share some news and ask how they are",
            "Keep in touch with {who} and with {source}, who referred you, by email: share some news "
            "or an article on {topics}, and ask how they are",
            "Keep in touch with {who} and with {source}, who referred you, by email: share some news "
            "and ask how they are",
            "Keep in touch with {who} by email: share some news or an article on {topics}, "
            "and ask how they are",
            "Keep in touch with {who} by email: share some news and ask how they are",
        ),
        hint=("a call or a LinkedIn message work as well",),
        subject=("Catching up",),
        body=(
            ("I hope all is well.",),
            ("I came across an article on {topics} and thought of our conversation.", ""),
            ("How are things on your side? I would be glad to catch up over a call or a coffee.",),
        ),
    ),
    "manual": Entry(
        to="person",
        nobody="your contact",
        action=(
            "{next_action}, on LinkedIn{?linkedin}",
            "{next_action}, by phone{?call}",
            "{next_action}",
            "Call {who}{?call} to follow up",
            "Send {who} a LinkedIn message{?linkedin} to follow up",
            "Follow up with {who} by email",
        ),
        subject=("Following up",),
        body=(
            ("I wanted to follow up on our last conversation.",),
            ("Please let me know if there is anything you need from me.",),
        ),
    ),
}
