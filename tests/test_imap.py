"""followup-md mail --imap against a real IMAP server (dovecot on localhost):
TLS or STARTTLS, an inbox and the folder marked \\Sent, headers only, nothing
marked as seen, the password never stored."""

from __future__ import annotations

import imaplib
import os
import ssl
import sys
from collections.abc import Iterator
from datetime import date
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from followup_md import imap
from followup_md.cli import cli
from followup_md.config import MailSettings
from followup_md.errors import ConfigError, MailError
from followup_md.imap import connect_imap, open_imap
from followup_md.mail_check import scan_sources

from .conftest import MakeVault
from .dovecot import ImapServer, dovecot_missing, running_dovecot
from .mailmessages import thread
from .test_mail import VAULT

PASSWORD_ENV = "FOLLOWUP_MD_IMAP_PASSWORD"


@pytest.fixture(scope="module")
def server() -> Iterator[ImapServer]:
    missing = dovecot_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}; .ci/setup.d/30-dovecot.sh installs it")
        pytest.skip(missing)
    with running_dovecot() as running:
        conn = running.client()
        messages = thread()
        for folder, items in (("INBOX", messages[1:]), ('"Sent Items"', messages[:1])):
            for item in items:
                delivered = parsedate_to_datetime(str(item["Date"]))  # as a server stamps arrival
                kind, _ = conn.append(folder, "", imaplib.Time2Internaldate(delivered), item.as_bytes())
                assert kind == "OK"
        conn.logout()
        yield running


def settings_for(server: ImapServer, **changes: object) -> MailSettings:
    values: dict[str, object] = {
        "me": ("riley@example.org",),
        "imap_host": server.host,
        "imap_port": server.port_imaps,
        "imap_user": server.user,
        "imap_cafile": str(server.cafile),
    }
    values.update(changes)
    return MailSettings(**values)  # type: ignore[arg-type]


def toml_for(server: ImapServer, **extra: str) -> str:
    lines = [
        "[mail]",
        'me = ["riley@example.org"]',
        f'imap_host = "{server.host}"',
        f"imap_port = {server.port_imaps}",
        f'imap_user = "{server.user}"',
        f'imap_cafile = "{server.cafile}"',
        *(f"{key} = {value}" for key, value in extra.items()),
    ]
    return "\n".join(lines) + "\n"


def flags(server: ImapServer) -> dict[str, list[bytes]]:
    """Each folder's message flags, as another client sees them."""
    conn = server.client()
    seen = {}
    for folder in ("INBOX", '"Sent Items"'):
        conn.select(folder, readonly=True)
        _, data = conn.fetch("1:*", "(FLAGS)")
        seen[folder] = [item for item in data if isinstance(item, bytes)]
    conn.logout()
    return seen


def test_imaps_and_starttls_are_tls_and_plain_is_refused_off_localhost(server: ImapServer) -> None:
    conn = connect_imap(settings_for(server))
    assert isinstance(conn.sock, ssl.SSLSocket)
    conn.logout()
    conn = connect_imap(settings_for(server, imap_security="starttls", imap_port=server.port_starttls))
    assert isinstance(conn.sock, ssl.SSLSocket)
    conn.logout()
    with pytest.raises(ConfigError, match=r"only allowed to localhost, not 'imap\.example\.com'"):
        connect_imap(settings_for(server, imap_security="plain", imap_host="imap.example.com"))
    with pytest.raises(MailError, match=r"cannot connect to 127\.0\.0\.1: .*CERTIFICATE_VERIFY_FAILED"):
        connect_imap(settings_for(server, imap_cafile=""))  # a certificate nobody vouches for


def test_headers_of_the_inbox_and_the_sent_folder_are_read_and_nothing_is_marked_seen(
    server: ImapServer,
) -> None:
    before = flags(server)
    source = open_imap(settings_for(server), server.password, None)
    assert source.count == 4
    scan = scan_sources([source])
    assert scan.bad == []
    assert sorted(e.message_id for e in scan.envelopes) == [
        "<fwd-1@example.org>",
        "<news-1@jobs.example>",
        "<reply-1@globex.example>",
        "<thanks-1@example.org>",
    ]
    assert "SECRET" not in repr(scan)
    assert flags(server) == before
    assert not any(b"\\Seen" in line for lines in before.values() for line in lines)
    # the server's own account of every session: headers fetched, never a body
    logouts = [line for line in server.log.read_text().splitlines() if "Logged out" in line]
    assert logouts and all(" body_count=0 body_bytes=0" in line for line in logouts)
    assert any(" hdr_count=4 " in line for line in logouts)


def test_since_asks_the_server_only_for_newer_mail(server: ImapServer) -> None:
    scan = scan_sources([open_imap(settings_for(server), server.password, date(2026, 11, 24))])
    assert scan.scanned == 2
    assert sorted(e.message_id for e in scan.envelopes) == ["<fwd-1@example.org>", "<reply-1@globex.example>"]


def test_a_wrong_password_or_folder_is_an_error_not_a_traceback(server: ImapServer) -> None:
    with pytest.raises(MailError, match=r"^127\.0\.0\.1: .*AUTHENTICATIONFAILED"):
        open_imap(settings_for(server), "wrong", None)
    with pytest.raises(MailError, match=r"127\.0\.0\.1: no folder 'Archive'"):
        open_imap(settings_for(server, imap_folders=("INBOX", "Archive")), server.password, None)
    with pytest.raises(MailError, match=r"the server marks no folder as \\Junk"):
        open_imap(settings_for(server, imap_folders=("\\Junk",)), server.password, None)


def test_mail_imap_records_once_with_the_password_from_a_command_and_never_stores_it(
    server: ImapServer, make_vault: MakeVault, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(server.password + "\n")
    command = f"{sys.executable} -c 'import sys; print(open(sys.argv[1]).read().strip())' {secret}"
    vault = make_vault({**VAULT, "followup-md.toml": toml_for(server, password_command=repr(command))})
    runner = CliRunner()
    env = {"FOLLOWUP_MD_TODAY": "2026-11-25", PASSWORD_ENV: None}
    result = runner.invoke(cli, ["mail", str(vault)], env=env)
    assert result.exit_code == 0, result.output
    assert result.stderr == "followup-md: 4 messages read; 3 new exchanges recorded\n"
    assert sorted(os.listdir(vault / "logs")) == [
        "2026-11-19 Thank you for today's conversation.md",
        "2026-11-24 Fwd Re Thank you for today's conversation.md",
        "2026-11-24 Re Thank you for today's conversation.md",
    ]
    every = b"".join(p.read_bytes() for p in vault.rglob("*") if p.is_file())
    assert server.password.encode() not in every
    again = runner.invoke(cli, ["mail", str(vault), "--imap"], env={**env, PASSWORD_ENV: server.password})
    assert again.exit_code == 0
    assert again.stderr == "followup-md: 4 messages read; 0 new exchanges recorded\n"


def test_without_a_password_the_error_says_where_to_put_one(
    server: ImapServer, make_vault: MakeVault
) -> None:
    vault = make_vault({**VAULT, "followup-md.toml": toml_for(server)})
    result = CliRunner().invoke(cli, ["mail", str(vault)], env={PASSWORD_ENV: None})
    assert result.exit_code == 1
    assert result.stderr == (
        "followup-md: no IMAP password: set the environment variable FOLLOWUP_MD_IMAP_PASSWORD "
        "or mail.password_command in followup-md.toml (an app password for Gmail)\n"
    )


def test_a_large_folder_is_fetched_in_batches_by_range_or_by_uid(
    server: ImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imap, "FETCH_BATCH", 2)  # 3 messages in the inbox: two batches
    everything = scan_sources([open_imap(settings_for(server), server.password, None)])
    newer = scan_sources([open_imap(settings_for(server), server.password, date(2026, 11, 23))])
    assert everything.scanned == 4 and everything.bad == []
    assert len({e.message_id for e in everything.envelopes}) == 4
    assert sorted(e.message_id for e in newer.envelopes) == [
        "<fwd-1@example.org>",
        "<news-1@jobs.example>",
        "<reply-1@globex.example>",
    ]


def test_starttls_to_a_server_whose_certificate_nobody_vouches_for_is_refused(server: ImapServer) -> None:
    settings = settings_for(server, imap_security="starttls", imap_port=server.port_starttls, imap_cafile="")
    with pytest.raises(MailError, match=r"cannot connect to 127\.0\.0\.1: .*CERTIFICATE_VERIFY_FAILED"):
        connect_imap(settings)
