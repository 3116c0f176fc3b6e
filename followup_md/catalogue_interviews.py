"""Pure: the catalogue's words for an application and its interviews: confirming
it arrived, the thank-you prepared and sent, the check-ins, the day they named
(in `CATALOGUE`'s order).
"""

from __future__ import annotations

from collections.abc import Mapping

from followup_md.phrasing import Entry

_LATER_ROUND = ("if you call, write down the key points first; email is the least intrusive",)

INTERVIEWS: Mapping[str, Entry] = {
    "confirm": Entry(
        to="person",
        nobody="the hiring team",
        action=(
            "Call {who_at}{?call} to check that your application for {role} arrived "
            "and ask about next steps and timing",
            "Call {who_at}{?call} to check that your application arrived and ask about next steps and timing",
            "Send {who_at} a LinkedIn message{?linkedin} to check that your application arrived "
            "and ask about next steps and timing",
            "Email {who_at} to check that your application for {role} arrived, "
            "offer more materials and ask about next steps and timing",
            "Email {who_at} to check that your application arrived, "
            "offer more materials and ask about next steps and timing",
        ),
        subject=("Application for {role} at {company}", "Application for {role}", "My application"),
        body=(
            (
                "I recently applied for {position} and wanted to make sure my application arrived.",
                "I recently applied for a position with your team and wanted to make sure my "
                "application arrived.",
            ),
            ("I would be happy to send any additional materials you may need.",),
            ("Could you tell me about the next steps in the process and their timing?",),
        ),
    ),
    "prepare": Entry(
        to="person",
        nobody="your interviewer",
        action=(
            "Draft your thank-you note to {who_at} before the interview, "
            "and plan to ask about the timeline for next steps",
        ),
        hint=("at the end of the interview, ask when they expect to decide",),
        subject=("Thank you for your time today",),
        body=(
            (
                "Thank you for taking the time to speak with me today about {position}.",
                "Thank you for taking the time to speak with me today.",
            ),
            (
                "I enjoyed learning more about the team at {company}, and I am very interested "
                "in the opportunity.",
                "I enjoyed learning more about the team, and I am very interested in the opportunity.",
            ),
            ("I look forward to hearing about the next steps.",),
        ),
    ),
    "prepare-informational": Entry(
        to="person",
        nobody="the person you will talk with",
        action=(
            "Draft your thank-you note to {who_at} before the conversation, "
            "and prepare your questions about their work",
        ),
        hint=("ask how they got into their field and whom else they would suggest you talk to",),
        subject=("Thank you for your time and advice",),
        body=(
            ("Thank you for taking the time to talk with me today.",),
            (
                "I enjoyed hearing how you got into your field and your thoughts on {topics}.",
                "I enjoyed hearing how you got into your field.",
            ),
            ("Your advice gives me a clearer picture of where to go next, and I hope we can stay in touch.",),
        ),
    ),
    "thank-you": Entry(
        to="person",
        nobody="your interviewer",
        action=(
            "Call {who_at}{?call} within 24 hours to thank them, relating it to what you discussed",
            "Send {who_at} a thank-you message on LinkedIn{?linkedin} within 24 hours, "
            "relating it to what you discussed",
            "Send {who_at} a thank-you email within 24 hours, relating it to what you discussed "
            "about {topics}",
            "Send {who_at} a thank-you email within 24 hours, relating it to what you discussed",
        ),
        hint=(
            "{?panel}or a separate one to each, on what you talked about with them",
            "or a handwritten note, or an article on something you talked about",
        ),
        subject=("Thank you for the {role} interview", "Thank you for the interview"),
        body=(
            (
                "Thank you for taking the time to speak with me on {interview_date}.",
                "Thank you for taking the time to speak with me.",
            ),
            (
                "I enjoyed our conversation about {topics}, and it confirmed my interest in {position}.",
                "I enjoyed our conversation, and it confirmed my interest in {position}.",
                "I enjoyed our conversation about {topics}, and it confirmed my interest in "
                "joining your team.",
                "I enjoyed our conversation, and it confirmed my interest in joining your team.",
            ),
            ("I look forward to hearing about the next steps.",),
        ),
    ),
    "thank-you-informational": Entry(
        to="person",
        nobody="the person you talked with",
        action=(
            "Thank {who_at} for the conversation within 24 hours, mentioning something you learned: "
            "by email, a call or a card",
        ),
        hint=("a handwritten card stands out; an article on something you talked about is welcome",),
        subject=("Thank you for your time and advice",),
        body=(
            (
                "Thank you for taking the time to talk with me on {interview_date}.",
                "Thank you for taking the time to talk with me.",
            ),
            (
                "I enjoyed hearing your thoughts on {topics}, and your advice gave me a clearer "
                "picture of the field.",
                "Your advice gave me a clearer picture of the field, and I am grateful for it.",
            ),
            ("I hope we can stay in touch.",),
        ),
    ),
    "check-in": Entry(
        to="person",
        nobody="the hiring team",
        action=(
            "Call {who_at}{?call}: restate your interest in {the_role} and ask for the status",
            "Call {who_at}{?call}: restate your interest and ask for the status",
            "Send {who_at} a LinkedIn message{?linkedin}: restate your interest and ask for the status",
            "Check in with {who_at} by email: restate your interest in {the_role} and ask for the status",
            "Check in with {who_at} by email: restate your interest and ask for the status",
        ),
        hint=_LATER_ROUND,
        subject=("Following up on the {role} interview", "Following up on my interview"),
        body=(
            (
                "I wanted to follow up on my interview on {interview_date} for {position}.",
                "I wanted to follow up on my interview for {position}.",
                "I wanted to follow up on my interview on {interview_date}.",
            ),
            (
                "I remain very interested, and I believe my experience is a good match for "
                "what your team needs.",
            ),
            (
                "You mentioned you hoped to decide by {reply_by}; could you let me know where things stand?",
                "Could you let me know where things stand and what the next steps are?",
            ),
        ),
    ),
    "check-in-again": Entry(
        to="person",
        nobody="the hiring team",
        action=(
            "Call {who_at}{?call} a second time for an update on {the_role}",
            "Call {who_at}{?call} a second time for an update",
            "Send {who_at} a second short LinkedIn message{?linkedin} asking for an update",
            "Send {who_at} a second short note asking for an update on {the_role}, "
            "perhaps with an article on {topics}",
            "Send {who_at} a second short note asking for an update on {the_role}",
            "Send {who_at} a second short note asking for an update, perhaps with an article on {topics}",
            "Send {who_at} a second short note asking for an update",
        ),
        hint=_LATER_ROUND,
        subject=("Checking in on the {role} position", "Checking in on my application"),
        body=(
            ("I hope your week is going well.",),
            (
                "I am still very interested in {position}, and I would be grateful for a brief "
                "update on where things stand.",
                "I am still very interested in the position, and I would be grateful for a brief "
                "update on where things stand.",
            ),
            (
                "Since we talked about {topics}, here is an article on it that I thought you might enjoy.",
                "",
            ),
            ("If anything else would help your decision, I am happy to send it.",),
        ),
    ),
    "follow-up": Entry(
        to="person",
        nobody="the hiring team",
        action=(
            "Call {who_at}{?call} on the day they named: restate your interest in {the_role} "
            "and ask about next steps",
            "Call {who_at}{?call} on the day they named: restate your interest and ask about next steps",
            "Send {who_at} a LinkedIn message{?linkedin} on the day they named: restate your interest "
            "and ask about next steps",
            "Email {who_at} on the day they named: restate your interest in {the_role} "
            "and ask about next steps",
            "Email {who_at} on the day they named: restate your interest and ask about next steps",
        ),
        hint=("they asked you to: a follow-up on their day is expected, not pushy",),
        subject=("Following up as you suggested",),
        body=(
            (
                "As you suggested, I am following up today about {position}.",
                "As you suggested, I am following up today about the next steps.",
            ),
            (
                "I remain very interested, and I believe my experience is a good match for "
                "what your team needs.",
            ),
            ("Could you let me know where things stand and what the next steps are?",),
        ),
    ),
}
