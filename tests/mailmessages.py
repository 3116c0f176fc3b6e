"""Messages as real mail clients write them, built with the standard library."""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formataddr

RILEY = ("Riley Quinn", "riley@example.org")
DANA = ("Dana Ortíz", "Dana.Ortiz@globex.example")  # an accented name: sent as an encoded word


def message(
    sender: tuple[str, str],
    to: Sequence[tuple[str, str]],
    subject: str,
    date: str,
    message_id: str,
    cc: Sequence[tuple[str, str]] = (),
    reply_to: str = "",
    body: str = "SECRET BODY TEXT that must never reach the vault",
    attachment: bytes = b"",
) -> EmailMessage:
    """A message with the headers a client writes (threading ones too), a
    plain-text body and, optionally, an attachment."""
    mail = EmailMessage()
    mail["From"] = formataddr(sender)
    mail["To"] = ", ".join(formataddr(person) for person in to)
    if cc:
        mail["Cc"] = ", ".join(formataddr(person) for person in cc)
    mail["Subject"] = subject
    mail["Date"] = date
    mail["Message-ID"] = message_id
    if reply_to:
        mail["In-Reply-To"] = reply_to
        mail["References"] = reply_to
    mail["MIME-Version"] = "1.0"
    mail["User-Agent"] = "Mozilla Thunderbird"
    mail.set_content(body)
    if attachment:
        mail.add_attachment(attachment, maintype="application", subtype="pdf", filename="cv.pdf")
    return mail


def thread() -> list[EmailMessage]:
    """An interview thread: my thank-you (sent), Dana's reply with a colleague
    in Cc (received), a forward I sent on, and a newsletter nobody in the vault wrote."""
    return [
        message(
            RILEY,
            [DANA],
            "Thank you for today's conversation",
            "Thu, 19 Nov 2026 18:30:00 -0500",
            "<thanks-1@example.org>",
        ),
        message(
            DANA,
            [RILEY],
            "Re: Thank you for today's conversation",
            "Tue, 24 Nov 2026 09:12:00 -0500",
            "<reply-1@globex.example>",
            cc=[("Sam Lee", "sam.lee@globex.example"), ("HR", "hr@globex.example")],
            reply_to="<thanks-1@example.org>",
            attachment=b"%PDF-1.4 never opened",
        ),
        message(
            RILEY,
            [("Priya Raman", "priya.raman@initrode.example"), ("Mum", "mum@example.net")],
            "Fwd: Re: Thank you for today's conversation",
            "Tue, 24 Nov 2026 10:00:00 +0100",
            "<fwd-1@example.org>",
        ),
        message(
            ("Jobs Weekly", "news@jobs.example"),
            [RILEY],
            "Ten jobs for you",
            "Mon, 23 Nov 2026 06:00:00 +0000",
            "<news-1@jobs.example>",
        ),
    ]
