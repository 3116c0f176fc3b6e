"""followup-md mail: Maildir and mbox files built with the standard library,
read headers only, matched to the vault, recorded once as log notes."""

from __future__ import annotations

import contextlib
import io
import json
import mailbox
import os
import pty
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import compat32
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from followup_md import mailboxes
from followup_md.cli import cli
from followup_md.config import Config, MailSettings
from followup_md.envelopes import AddressFilter, BadMessageError, Envelope, parse_addresses, read_envelope
from followup_md.links import link_index
from followup_md.mail import Recorded, address_book, known_message_ids, own_addresses, plan_mail
from followup_md.mail_check import scan_sources
from followup_md.mailboxes import open_maildir, open_mbox, read_header
from followup_md.model import Note
from followup_md.watcher import Watcher

from .conftest import REPO, MakeVault
from .helpers import note_from
from .mailmessages import DANA, RILEY, message, thread
from .test_watch import Running

CONFIG = '[mail]\nme = ["Riley Quinn <riley@example.org>"]\n'
INTERVIEW = """---
type: interview
company: Globex
role: Analytics Engineer
interview: 2026-11-19T14:00:00-05:00
interviewer: "[[Dana Ortiz]]"
---
"""
DANA_NOTE = "---\ntype: contact\nemail: dana.ortiz@globex.example\ncompany: Globex\n---\n"
PRIYA_NOTE = (
    "---\ntype: help\nasked: 2026-11-10\nemail: [priya@home.example, priya.raman@initrode.example]\n---\n"
)
VAULT = {
    "followup-md.toml": CONFIG,
    "applications/Globex - Analytics Engineer.md": INTERVIEW,
    "people/Dana Ortiz.md": DANA_NOTE,
    "people/Priya Raman.md": PRIYA_NOTE,
}


def maildir_with(path: Path, messages: list[EmailMessage]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    box = mailbox.Maildir(path, create=True)
    for item in messages:
        box.add(item)
    return path


def mbox_with(path: Path, messages: list[EmailMessage]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    box = mailbox.mbox(path, create=True)
    for item in messages:
        box.add(item)
    box.close()
    return path


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args), env={"FOLLOWUP_MD_TODAY": "2026-11-25"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def logs(vault: Path) -> dict[str, str]:
    folder = vault / "logs"
    return (
        {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())} if folder.is_dir() else {}
    )


# Reading headers


def test_an_envelope_keeps_addresses_date_subject_and_id_and_nothing_of_the_body() -> None:
    raw = thread()[1].as_bytes()
    envelope = read_envelope(raw)
    assert envelope.sender == ("dana.ortiz@globex.example",)
    assert envelope.recipients == ("hr@globex.example", "riley@example.org", "sam.lee@globex.example")
    assert envelope.subject == "Re: Thank you for today's conversation"
    assert envelope.sent_at.isoformat() == "2026-11-24T09:12:00-05:00"
    assert envelope.message_id == "<reply-1@globex.example>"
    assert "SECRET" not in repr(envelope)


@pytest.mark.parametrize(
    ("header", "subject"),
    [
        (b"Subject: =?UTF-8?Q?Caf=C3=A9_=E2=80=94_next_steps?=\n", "Café — next steps"),
        (b"Subject: =?ISO-8859-1?Q?Jos=E9?= wrote\n", "José wrote"),
        (b"Subject: raw UTF-8 \xc3\xa9t\xc3\xa9\n", "raw UTF-8 été"),
        (b"Subject: 8-bit junk \xff\xfe end\n", "8-bit junk \ufffd\ufffd end"),
        (b"Subject: =?x-unknown?Q?abc?=\n", "=?x-unknown?Q?abc?="),
        (b"Subject: a\x1b]0;pwned\x07title\n", "a ]0;pwned title"),
        (b"Subject: folded\n  over two lines\n", "folded over two lines"),
        (b"", ""),
    ],
)
def test_subjects_are_decoded_and_made_harmless(header: bytes, subject: str) -> None:
    raw = b"From: a@example.com\nDate: Tue, 24 Nov 2026 09:12:00 +0000\n" + header
    assert read_envelope(raw).subject == subject


def test_a_missing_or_broken_date_falls_back_to_the_delivery_time_or_is_refused() -> None:
    delivered = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    for date_line in (b"", b"Date: yesterday-ish\n", b"Date: Tue, 99 Nov 2026 25:61:00 +0000\n"):
        raw = b"From: a@example.com\n" + date_line
        assert read_envelope(raw, delivered).sent_at == delivered
        with pytest.raises(BadMessageError, match="no usable Date header"):
            read_envelope(raw)


def test_a_date_without_zone_is_utc_and_a_message_without_id_gets_a_stable_one() -> None:
    raw = b"From: a@example.com\nTo: b@example.com\nDate: Tue, 24 Nov 2026 09:12:00 -0000\nSubject: x\n"
    first, again = read_envelope(raw), read_envelope(raw + b"X-Mailer: other copy\n")
    assert first.sent_at.isoformat() == "2026-11-24T09:12:00+00:00"
    assert first.message_id == again.message_id
    assert first.message_id.endswith("@followup-md.invalid>")
    assert read_envelope(raw + b"Message-ID: bare@id.example\n").message_id == "<bare@id.example>"


def test_a_message_with_no_address_at_all_is_refused() -> None:
    with pytest.raises(BadMessageError, match="no From, To or Cc"):
        read_envelope(b"Date: Tue, 24 Nov 2026 09:12:00 +0000\nSubject: hello\n")


# Matching


def _notes(*items: tuple[str, str]) -> dict[str, Note]:
    return {path: note_from(front, path=path) for path, front in items}


def test_addresses_come_from_email_lists_and_from_the_linked_person_note() -> None:
    notes = _notes(
        ("applications/Globex.md", 'type: interview\ninterview: 2026-11-19\ninterviewer: "[[Dana Ortiz]]"\n'),
        ("people/Dana Ortiz.md", "type: contact\nemail: Dana <Dana.Ortiz@Globex.example>\n"),
        ("people/Priya.md", "type: help\nasked: 2026-11-10\nemail: [p@a.example, P@b.example]\n"),
        ("application.md", 'type: application\napplied: 2026-11-02\ncontact: "[[Nobody]]"\n'),
    )
    assert address_book(notes) == {
        "dana.ortiz@globex.example": ("applications/Globex.md", "people/Dana Ortiz.md"),
        "p@a.example": ("people/Priya.md",),
        "p@b.example": ("people/Priya.md",),
    }


def _plan(messages: list[EmailMessage], me: tuple[str, ...] = ("riley@example.org",)) -> list[str]:
    notes = _notes(
        ("people/Dana Ortiz.md", "type: contact\nemail: dana.ortiz@globex.example\n"),
        ("people/Priya Raman.md", "type: help\nasked: 2026-11-10\nemail: priya.raman@initrode.example\n"),
    )
    config = Config(mail=MailSettings(me=me))
    envelopes = [read_envelope(item.as_bytes()) for item in messages]
    return [f"{r.direction} {r.notes} {r.change.path}" for r in plan_mail(envelopes, notes, config, [])]


def test_direction_is_from_me_sent_and_to_me_received_and_strangers_are_ignored() -> None:
    assert _plan(thread()) == [
        "sent ('people/Dana Ortiz.md',) logs/2026-11-19 Thank you for today's conversation.md",
        "sent ('people/Priya Raman.md',) logs/2026-11-24 Fwd Re Thank you for today's conversation.md",
        "received ('people/Dana Ortiz.md',) logs/2026-11-24 Re Thank you for today's conversation.md",
    ]


def test_without_me_a_message_from_a_person_is_received_and_one_to_them_sent() -> None:
    assert [line.split(" ")[0] for line in _plan(thread(), me=())] == ["sent", "sent", "received"]


def test_the_imap_login_counts_as_one_of_my_addresses() -> None:
    config = Config(mail=MailSettings(imap_user="Riley@Example.org"))
    assert own_addresses(config) == {"riley@example.org"}
    assert own_addresses(Config(mail=MailSettings(imap_user="riley"))) == frozenset()


def test_someone_elses_thread_with_a_person_in_cc_is_not_an_exchange_of_mine() -> None:
    other = message(
        ("Boss", "boss@globex.example"),
        [("Team", "team@globex.example")],
        "Offsite",
        "Tue, 24 Nov 2026 09:00:00 +0000",
        "<offsite@globex.example>",
        cc=[DANA],
    )
    assert _plan([other]) == []
    on_a_list = message(
        DANA, [("Data list", "data@lists.example")], "Meetup", "Tue, 24 Nov 2026 09:00:00 +0000", "<l@x>"
    )
    assert _plan([on_a_list]) == []  # Dana wrote, but not to me: not an answer
    assert _plan([on_a_list], me=()) == ["received ('people/Dana Ortiz.md',) logs/2026-11-24 Meetup.md"]


def test_names_are_unique_case_insensitively_and_safe_and_one_message_is_one_note() -> None:
    same_day = [
        message(DANA, [RILEY], "Re: Next steps", "Tue, 24 Nov 2026 09:00:00 +0000", "<a@x>"),
        message(DANA, [RILEY], "RE: next steps", "Tue, 24 Nov 2026 10:00:00 +0000", "<b@x>"),
        message(DANA, [RILEY], 'a/b\\c:d*e?f"g<h>i|j#k^l[m]n', "Tue, 24 Nov 2026 11:00:00 +0000", "<c@x>"),
        message(DANA, [RILEY], "", "Tue, 24 Nov 2026 12:00:00 +0000", "<d@x>"),
        message(DANA, [RILEY], "é" * 300, "Tue, 24 Nov 2026 13:00:00 +0000", "<e@x>"),
        message(DANA, [RILEY], "Re: Next steps", "Tue, 24 Nov 2026 09:00:00 +0000", "<a@x>"),  # a copy
    ]
    paths = [line.split(" logs/")[1] for line in _plan(same_day)]
    assert paths[:4] == [
        "2026-11-24 Re Next steps.md",
        "2026-11-24 RE next steps (2).md",
        "2026-11-24 a b c d e f g h i j k l m n.md",
        "2026-11-24 no subject.md",
    ]
    assert len(paths) == 5
    assert len(paths[4].encode()) <= 210


# Mailboxes built with the standard library


def test_maildir_and_mbox_give_the_same_envelopes_without_reading_bodies(tmp_path: Path) -> None:
    messages = thread()
    maildir_with(tmp_path / "Maildir", messages)
    mbox = mbox_with(tmp_path / "mbox", messages)
    from_maildir = scan_sources([open_maildir(tmp_path / "Maildir")])
    from_mbox = scan_sources([open_mbox(mbox)])
    assert from_maildir.scanned == from_mbox.scanned == 4
    key = sorted((e.message_id, e.subject, e.sent_at) for e in from_maildir.envelopes)
    assert key == sorted((e.message_id, e.subject, e.sent_at) for e in from_mbox.envelopes)
    assert "SECRET" not in repr(from_maildir) + repr(from_mbox)


def test_a_tree_of_maildirs_is_searched_and_a_bad_message_is_counted(tmp_path: Path) -> None:
    maildir_with(tmp_path / "Mail" / "INBOX", thread()[1:2])
    maildir_with(tmp_path / "Mail" / "Archive" / "2026", thread()[0:1])
    junk = mailbox.Maildir(tmp_path / "Mail" / "INBOX")
    junk.add(b"\xff\xfe\x00garbage without any header\n\nbody")
    scan = scan_sources([open_maildir(tmp_path / "Mail")])
    assert scan.scanned == 3
    assert sorted(e.message_id for e in scan.envelopes) == [
        "<reply-1@globex.example>",
        "<thanks-1@example.org>",
    ]
    assert len(scan.bad) == 1
    assert scan.bad[0].endswith(": no From, To or Cc address")


def test_a_missing_mailbox_is_an_error_naming_it(
    make_vault: MakeVault, runner: CliRunner, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    code, _, err = run(runner, "mail", str(vault), "--maildir", str(tmp_path / "nope"))
    assert (code, err) == (
        1,
        f"{tmp_path / 'nope'}: not a Maildir (no cur/ and new/ folders in it or below it)\n",
    )
    code, _, err = run(runner, "mail", str(vault), "--mbox", str(tmp_path / "nope.mbox"))
    assert (code, err) == (1, f"{tmp_path / 'nope.mbox'}: no such mbox file\n")
    code, _, err = run(runner, "mail", str(make_vault({"followup-md.toml": ""})))
    assert code == 2
    assert "no mailbox to read: give --maildir, --mbox or --imap" in err


# The command


def test_mail_records_each_exchange_once_prints_it_and_syncs(
    make_vault: MakeVault, runner: CliRunner, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    inbox = maildir_with(tmp_path / "Mail" / "INBOX", thread()[1:])
    sent = mbox_with(tmp_path / "Sent.mbox", thread()[:1] + thread()[2:3])
    code, out, err = run(runner, "mail", str(vault), "--maildir", str(inbox), "--mbox", str(sent))
    assert code == 0, err
    assert out.splitlines()[:3] == [
        "2026-11-19 sent to Globex - Analytics Engineer (applications/Globex - Analytics Engineer.md), "
        "Dana Ortiz (people/Dana Ortiz.md): Thank you for today's conversation",
        "2026-11-24 sent to Priya Raman (people/Priya Raman.md): Fwd: Re: Thank you for today's conversation",
        "2026-11-24 received from Globex - Analytics Engineer (applications/Globex - Analytics Engineer.md), "
        "Dana Ortiz (people/Dana Ortiz.md): Re: Thank you for today's conversation",
    ]
    assert out.splitlines()[3].startswith("followup-md: 6 follow-up notes read, updated 2 notes; ")
    assert err == "followup-md: 5 messages read; 3 new exchanges recorded\n"
    shown = "\n".join([*out.splitlines()[:3], err.strip(), out.splitlines()[3].split(";")[0] + "; …"])
    assert shown in (REPO / "README.md").read_text(encoding="utf-8")  # the README shows this run
    assert logs(vault)["2026-11-24 Re Thank you for today's conversation.md"] == (
        "---\n"
        "type: log\n"
        "date: 2026-11-24T09:12:00-05:00\n"
        "with:\n"
        '  - "[[Globex - Analytics Engineer]]"\n'
        '  - "[[Dana Ortiz]]"\n'
        "direction: received\n"
        'subject: "Re: Thank you for today\'s conversation"\n'
        'message_id: "<reply-1@globex.example>"\n'
        "---\n"
    )
    every = "".join(logs(vault).values())
    assert "SECRET" not in every and "never opened" not in every and "Jobs" not in every
    # a second run, and the same messages in a second folder, record nothing new
    maildir_with(tmp_path / "Mail" / "Copies", thread())
    before = {p: p.stat().st_mtime_ns for p in (vault / "logs").iterdir()}
    code, out, err = run(runner, "mail", str(vault), "--maildir", str(tmp_path / "Mail"), "--mbox", str(sent))
    assert code == 0
    assert err == "followup-md: 9 messages read; 0 new exchanges recorded\n"
    assert out.startswith("followup-md: 6 follow-up notes read, nothing to update")
    assert {p: p.stat().st_mtime_ns for p in (vault / "logs").iterdir()} == before


def test_dry_run_prints_what_it_would_record_and_writes_nothing(
    make_vault: MakeVault, runner: CliRunner, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    inbox = maildir_with(tmp_path / "INBOX", thread()[1:2])
    files = sorted(p for p in vault.rglob("*"))
    code, out, err = run(runner, "mail", str(vault), "--maildir", str(inbox), "--dry-run")
    assert code == 0
    assert out == (
        "would record: 2026-11-24 received from Globex - Analytics Engineer "
        "(applications/Globex - Analytics Engineer.md), Dana Ortiz (people/Dana Ortiz.md): "
        "Re: Thank you for today's conversation\n"
    )
    assert err == "followup-md: 1 message read; 1 new exchange to record\n"
    assert sorted(p for p in vault.rglob("*")) == files


def test_sources_come_from_config_and_the_log_folder_follows_the_vault_rules(
    make_vault: MakeVault, runner: CliRunner, tmp_path: Path
) -> None:
    maildir_with(tmp_path / "vault" / "../Mail/INBOX", thread()[1:2])
    vault = make_vault(
        {**VAULT, "followup-md.toml": CONFIG + 'maildir = ["../Mail"]\nfolder = "Journal/Mail"\n'}
    )
    code, _, err = run(runner, "mail", str(vault))
    assert code == 0, err
    assert os.listdir(vault / "Journal" / "Mail") == ["2026-11-24 Re Thank you for today's conversation.md"]
    for folder, why in ((".hidden", "hidden"), ("Archive", "excluded")):
        toml = CONFIG + f'folder = "{folder}"\nmaildir = ["../Mail"]\n'
        vault = make_vault({**VAULT, "followup-md.toml": 'exclude = ["Archive"]\n' + toml})
        code, _, err = run(runner, "mail", str(vault))
        assert code == 2
        assert err == (
            f"followup-md.toml: mail.folder: {folder!r} is hidden, excluded or a "
            "template folder; log notes there would never be read\n"
        ), why
    vault = make_vault({**VAULT, "followup-md.toml": CONFIG + 'folder = "../outside"\n'})
    assert run(runner, "mail", str(vault))[0] == 2


# End to end: the rules see what the mailbox says


def open_steps(runner: CliRunner, vault: Path) -> list[str]:
    code, out, _ = run(runner, "due", str(vault), "--json")
    assert code == 0
    note = "applications/Globex - Analytics Engineer.md"
    return sorted(step["step"] for step in json.loads(out) if step["note"] == note)


def test_a_reply_ends_the_check_in_chain_and_a_sent_thank_you_completes_the_thank_you(
    make_vault: MakeVault, runner: CliRunner, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    note = vault / "applications" / "Globex - Analytics Engineer.md"
    assert open_steps(runner, vault) == ["r20261119-check-in-1", "thank-you-20261119"]
    inbox = maildir_with(tmp_path / "INBOX", thread()[1:2])
    sent = maildir_with(tmp_path / "Sent", thread()[0:1])
    assert run(runner, "mail", str(vault), "--maildir", str(inbox), "--maildir", str(sent))[0] == 0
    assert open_steps(runner, vault) == []
    text = note.read_text(encoding="utf-8")
    assert "✅ 2026-11-19 ^fu-thank-you-20261119\n" in text
    assert "they replied 2026-11-24 #followup" in text and "✅ 2026-11-24 ^fu-r20261119-check-in-1\n" in text
    assert "- [ ] " not in text
    # and nothing new on a second run: the notes stay as they are
    before = note.read_bytes()
    assert run(runner, "mail", str(vault), "--maildir", str(inbox), "--maildir", str(sent))[2].endswith(
        "0 new exchanges recorded\n"
    )
    assert note.read_bytes() == before


def test_since_limits_the_messages_recorded(make_vault: MakeVault, runner: CliRunner, tmp_path: Path) -> None:
    vault = make_vault(VAULT)
    inbox = maildir_with(tmp_path / "INBOX", thread())
    code, out, _ = run(
        runner, "mail", str(vault), "--maildir", str(inbox), "--since", "2026-11-20", "--dry-run"
    )
    assert code == 0
    assert [line.split(" ")[2] for line in out.splitlines()] == ["2026-11-24", "2026-11-24"]
    assert date(2026, 11, 20).isoformat() not in out
    code, _, err = run(runner, "mail", str(vault), "--maildir", str(inbox), "--since", "last week")
    assert code == 2
    assert "Error: Invalid value for --since: 'last week' is not a date like 2026-11-20\n" in err


# The fast path: AddressFilter never hides an address the parser would find

_ATOMS = [
    "jane",
    "Jane",
    "JANE",
    "doe",
    "globex",
    "example",
    "ja",
    "ne",
    "glo",
    "bex",
    "x",
    "Ölaf",
    "ölaf",
    "k\u212a",
]
_PIECES = [
    *_ATOMS,
    *'()<>@,:;."[]\\',
    " ",
    "\t",
    "\n ",
    "\r\n\t",
    "\xa0",
    "\x0b",
    "=?utf-8?q?J=C3=A9?=",
    "Jane Doe",
    '"Doe, Jane"',
]
_PLAIN = st.builds(
    lambda local, domain: ".".join(local) + "@" + ".".join(domain),
    st.lists(st.sampled_from(_ATOMS), min_size=1, max_size=3),
    st.lists(st.sampled_from(_ATOMS), min_size=1, max_size=3),
)
_VALUE = st.lists(st.sampled_from(_PIECES), max_size=14).map("".join)
_NAME = st.sampled_from(["From", "To", "Cc", "cc", "TO", "Reply-To", "Received", "From ", "To ", ""])


_AROUND = ["", " ", "<", "Jane <", '"Doe, Jane" <', ">", "x@y, ", ", x@y", " (Jane)", "\n "]
_SPLITS = ["", " ", "\t", "\n ", "\r\n\t", "(c)", "(a(b)c)", "\xa0", "\x0b", ".", '"', "\\"]


@st.composite
def _header(draw: st.DrawFn, wanted: list[str]) -> str:
    """Header fields whose values are noise, a wanted address cut at random
    places with white space, comments and specials put in, or both."""
    fields = []
    for _ in range(draw(st.integers(1, 4))):
        value = draw(st.one_of(_VALUE, st.sampled_from(_AROUND)))
        if draw(st.booleans()):
            address = draw(st.sampled_from(wanted))
            cuts = sorted(draw(st.lists(st.integers(0, len(address)), max_size=3)))
            pieces, last = [], 0
            for cut in cuts:
                pieces += [address[last:cut], draw(st.sampled_from(_SPLITS))]
                last = cut
            value += "".join([*pieces, address[last:]]) + draw(st.one_of(st.sampled_from(_AROUND), _VALUE))
        name = draw(_NAME)
        end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
        fields.append(f"{name}:{value}{end}" if name else f"{value}{end}")
    return "".join(fields)


@settings(max_examples=2500, deadline=None)
@given(data=st.data(), wanted=st.lists(_PLAIN, min_size=1, max_size=3))
@example(data=None, wanted=["jane@doe"])  # with the header below: a quote left open, an escape
def test_the_address_filter_never_hides_an_address_the_parser_finds(
    data: st.DataObject | None, wanted: list[str]
) -> None:
    raw = (data.draw(_header(wanted)) if data else 'From:"\\jane@doe\n').encode("utf-8")
    addresses = {a.casefold() for a in wanted}
    if AddressFilter(addresses).may_match(raw):
        return
    message = BytesHeaderParser(policy=compat32).parsebytes(raw, headersonly=True)
    found = {
        address
        for key, value in message.raw_items()
        if key.lower() in ("from", "to", "cc")
        for address in parse_addresses(value.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
    }
    assert not found & addresses


def test_the_address_filter_skips_strangers_and_keeps_the_forms_clients_write() -> None:
    wanted = AddressFilter(["dana.ortiz@globex.example"])
    for item in thread()[:2]:
        assert wanted.may_match(item.as_bytes())
    assert not wanted.may_match(thread()[3].as_bytes())
    assert wanted.may_match(b"To: dana . ortiz @ glo bex.example\n")
    assert wanted.may_match(b"Cc: x@y (a comment: parse it)\n")
    assert AddressFilter(['"odd one"@example.com']).may_match(b"To: nobody@example.com\n")


# watch


def test_watch_checks_the_configured_mailboxes_and_syncs_what_they_say(
    make_vault: MakeVault, tmp_path: Path
) -> None:
    inbox = maildir_with(tmp_path / "Mail" / "INBOX", thread()[3:])  # a newsletter only
    vault = make_vault({**VAULT, "followup-md.toml": CONFIG + f'maildir = ["{tmp_path / "Mail"}"]\n'})
    note = vault / "applications" / "Globex - Analytics Engineer.md"
    run = Running(vault, today=lambda: date(2026, 11, 25))
    run.watcher.mail_every = 0.2
    run.thread.start()
    try:
        assert run.ready.wait(10), run.lines
        assert run.until(
            lambda: "- [ ] " in note.read_text(encoding="utf-8") and run.watcher.mail_since is not None
        )
        assert not (vault / "logs").exists()
        maildir_with(inbox, thread()[:2])  # my thank-you and Dana's reply arrive
        assert run.until(lambda: "- [ ] " not in note.read_text(encoding="utf-8"), timeout=20), run.lines
        assert sorted(logs(vault)) == [
            "2026-11-19 Thank you for today's conversation.md",
            "2026-11-24 Re Thank you for today's conversation.md",
        ]
        assert any(
            line.endswith("Dana Ortiz (people/Dana Ortiz.md): Re: Thank you for today's conversation")
            for line in run.lines
        )
    finally:
        run.stop.set()
        run.thread.join(10)
    assert run.code == 0


def test_watch_does_not_check_mail_when_no_mailbox_is_configured(make_vault: MakeVault) -> None:
    watcher = Watcher(make_vault(VAULT))
    assert watcher.mail_timeout() is None
    watcher.config = replace(watcher.config, mail=MailSettings(maildir=("Mail",), check_every=0))
    assert watcher.mail_timeout() is None
    watcher.config = replace(watcher.config, mail=MailSettings(maildir=("Mail",)))
    assert watcher.mail_timeout() == 0
    lines: list[str] = []
    watcher.echo = lines.append
    watcher.check_mail()
    assert lines == [
        f"followup-md: mail check failed: {watcher.root / 'Mail'}: not a Maildir (no cur/ and new/ folders in it or below it)"
    ]
    assert 299 < (watcher.mail_timeout() or 0) <= 300


def test_a_progress_bar_on_a_terminal_only(make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault(VAULT)
    box = mailbox.Maildir(tmp_path / "INBOX", create=True)
    raw = thread()[3].as_bytes()  # a newsletter, 1,000 times (the bar starts at 1,000)
    for number in range(1000):
        box.add(raw.replace(b"<news-1@", f"<news-{number}@".encode()))
    command = [sys.executable, "-m", "followup_md", "mail", str(vault), "--maildir", str(tmp_path / "INBOX")]
    env = {**os.environ, "FOLLOWUP_MD_TODAY": "2026-11-25"}
    piped = subprocess.run(command, capture_output=True, text=True, env=env, check=True, timeout=120)
    assert piped.stderr == "followup-md: 1,000 messages read; 0 new exchanges recorded\n"
    main, terminal = pty.openpty()
    try:
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=terminal, env=env, check=True, timeout=120)
        os.close(terminal)
        shown = b""
        with contextlib.suppress(OSError):
            while chunk := os.read(main, 65536):
                shown += chunk
    finally:
        os.close(main)
    assert b"Reading mail headers" in shown
    assert b"100%" in shown


def test_a_message_without_a_date_takes_its_delivery_time_or_is_counted_and_skipped(
    make_vault: MakeVault, runner: CliRunner, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    inbox = maildir_with(tmp_path / "INBOX", [])
    undated = b"From: Dana <dana.ortiz@globex.example>\nTo: riley@example.org\nSubject: Quick \xff\xfe question\n\nbody\n"
    (inbox / "cur" / "1795950000.M1P1.host:2,S").write_bytes(undated)  # delivered 2026-11-29
    (inbox / "cur" / "no-time-here:2,S").write_bytes(undated.replace(b"Quick", b"Other"))
    mbox = tmp_path / "mbox"
    mbox.write_bytes(
        b"From dana.ortiz@globex.example Mon Nov 23 08:00:00 2026\n" + undated.replace(b"Quick", b"Mbox")
    )
    code, out, err = run(runner, "mail", str(vault), "--maildir", str(inbox), "--mbox", str(mbox))
    assert code == 0
    assert err == "followup-md: 3 messages read, 1 unreadable (skipped); 2 new exchanges recorded\n"
    assert out.splitlines()[:2] == [
        "2026-11-23 received from Globex - Analytics Engineer (applications/Globex - Analytics Engineer.md), "
        "Dana Ortiz (people/Dana Ortiz.md): Mbox \ufffd\ufffd question",
        "2026-11-29 received from Globex - Analytics Engineer (applications/Globex - Analytics Engineer.md), "
        "Dana Ortiz (people/Dana Ortiz.md): Quick \ufffd\ufffd question",
    ]


def test_the_mail_benchmark_runs_on_200_messages() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "mail_bench.py"), "--messages", "200"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "| Maildir |" in done.stdout and "| mbox |" in done.stdout
    assert "200 messages read" in done.stdout


@pytest.mark.parametrize(
    ("subject", "message_id"),
    [
        ('He said "yes": next #steps [[link]]', '<"quoted"\\id@x.example>'),
        ("- a list? {no}: & *anchor !tag %", "<a@b>"),
        ("日本語の件名 🎉 and ünïcödé", "<x'y@z>"),
        ("yes", "<123@456>"),
        ("2026-11-24", "<null@~>"),
    ],
)
def test_a_log_note_reads_back_as_the_message_it_records(subject: str, message_id: str) -> None:
    envelope = read_envelope(
        message(DANA, [RILEY], subject, "Tue, 24 Nov 2026 09:12:00 -0500", message_id).as_bytes()
    )
    (record,) = _records([envelope])
    note = note_from(
        record.change.new.decode().removeprefix("---\n").split("---\n", 1)[0], path=record.change.path
    )
    assert note.type == "log"
    assert note.facts["subject"] == subject
    assert note.facts["direction"] == "received"
    assert [link.target for link in note.facts["with"]] == ["Dana Ortiz"]
    assert known_message_ids({note.path: note}) == {message_id}
    assert _records([envelope], extra={note.path: note}) == []  # recorded once


def _records(envelopes: list[Envelope], extra: dict[str, Note] | None = None) -> list[Recorded]:
    notes = {
        **_notes(("people/Dana Ortiz.md", "type: contact\nemail: dana.ortiz@globex.example\n")),
        **(extra or {}),
    }
    return plan_mail(envelopes, notes, Config(mail=MailSettings(me=("riley@example.org",))), [])


def test_a_note_a_wikilink_cannot_name_is_linked_with_a_markdown_link_that_resolves() -> None:
    notes = _notes(
        ("people/Sam [QA] #2.md", "type: contact\nemail: sam@globex.example\n"),
        ("a/Dana Ortiz.md", "type: contact\nemail: dana.ortiz@globex.example\n"),
        ("b/Dana Ortiz.md", "type: contact\nemail: dana.ortiz@globex.example\n"),
    )
    sent = message(
        RILEY, [("Sam", "sam@globex.example"), DANA], "Hi", "Tue, 24 Nov 2026 09:00:00 +0000", "<h@x>"
    )
    (record,) = plan_mail(
        [read_envelope(sent.as_bytes())], notes, Config(mail=MailSettings(me=("riley@example.org",))), []
    )
    front = record.change.new.decode().removeprefix("---\n").split("---\n", 1)[0]
    assert '  - "[Sam  QA   2](people/Sam%20%5BQA%5D%20%232.md)"\n' in front
    assert '  - "[[a/Dana Ortiz]]"\n  - "[[b/Dana Ortiz]]"\n' in front  # two of that name: the path
    log = note_from(front, path=record.change.path)
    index = link_index(notes)
    assert sorted(index.resolve(link.target, log.path) or "" for link in log.facts["with"]) == sorted(notes)


def test_a_vault_without_any_email_is_told_why_nothing_matches(
    make_vault: MakeVault, runner: CliRunner, tmp_path: Path
) -> None:
    vault = make_vault({"followup-md.toml": CONFIG, "applications/Globex - Analytics Engineer.md": INTERVIEW})
    inbox = maildir_with(tmp_path / "INBOX", thread())
    code, _, err = run(runner, "mail", str(vault), "--maildir", str(inbox), "--dry-run")
    assert code == 0
    assert err == (
        "followup-md: 4 messages read; 0 new exchanges to record\n"
        "followup-md: no follow-up note has an email address, so no message can be matched; "
        "add `email:` to the notes of the people you write to\n"
    )


def _header_by_lines(data: bytes) -> bytes:
    """The slow, obvious way: lines (LF, CRLF or CR) up to the first empty one."""
    kept = []
    for line in data.splitlines(keepends=True):
        if line in (b"\n", b"\r\n", b"\r"):
            break
        kept.append(line)
    return b"".join(kept)


@settings(max_examples=500, deadline=None)
@given(
    lines=st.lists(
        st.sampled_from([b"From: a@b", b"X: y", b" folded", b"", b"body \xff", b"A" * 20]), max_size=12
    ),
    ends=st.lists(st.sampled_from([b"\n", b"\r\n", b"\r"]), min_size=12, max_size=12),
    block=st.integers(1, 16),
)
def test_reading_a_header_in_blocks_stops_where_reading_lines_would(
    lines: list[bytes], ends: list[bytes], block: int
) -> None:
    data = b"".join(line + end for line, end in zip(lines, ends, strict=False))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mailboxes, "HEADER_BLOCK", block)
        assert read_header(io.BytesIO(data)) == _header_by_lines(data)


def test_the_senders_own_addresses_decide_the_direction_too() -> None:
    from followup_md.config import parse_config
    from followup_md.mail import own_addresses

    config = parse_config('[me]\nemails = ["Riley@Example.org"]\n[mail]\nme = ["riley@work.example"]\n')
    assert own_addresses(config) == {"riley@example.org", "riley@work.example"}


def test_a_reply_from_any_of_a_panel_is_with_the_interview() -> None:
    notes = _notes(
        ("people/Dana Ortiz.md", "type: contact\nemail: dana@globex.example\n"),
        ("people/Sam Lee.md", "type: contact\nemail: sam@globex.example\n"),
        ("Globex.md", 'type: interview\ninterview: 2026-11-19\ninterviewer: ["[[Dana Ortiz]]", Sam Lee]\n'),
    )
    book = address_book(notes)
    assert book["dana@globex.example"] == ("Globex.md", "people/Dana Ortiz.md")
    assert book["sam@globex.example"] == ("Globex.md", "people/Sam Lee.md")
