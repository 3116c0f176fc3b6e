"""A real IMAP server for the tests: Debian's dovecot, a private instance on
free localhost ports, with a self-signed certificate, one user and an inbox and
a Sent folder (marked `\\Sent`). `.ci/setup.d/30-dovecot.sh` installs it; on a
developer machine without it the tests that need it skip, in CI they fail.
"""

from __future__ import annotations

import contextlib
import grp
import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "riley", "correct horse battery staple"


@dataclass(frozen=True)
class ImapServer:
    host: str
    port_starttls: int
    port_imaps: int
    cafile: Path
    user: str
    password: str
    log: Path

    def client(self) -> imaplib.IMAP4_SSL:
        """A logged-in client of our own (to seed messages and check flags)."""
        context = ssl.create_default_context(cafile=str(self.cafile))
        conn = imaplib.IMAP4_SSL(self.host, self.port_imaps, ssl_context=context, timeout=30)
        kind, text = conn.login(self.user, self.password)
        if kind != "OK" or b"initialization failed" in b" ".join(text):
            raise RuntimeError(f"dovecot login: {text!r}; see {self.log}")
        return conn


def dovecot_missing() -> str | None:
    """Why a server cannot be started here, or None when it can."""
    if not Path(DOVECOT).exists():
        return "dovecot is not installed (apt-get install dovecot-imapd)"
    if not shutil.which("openssl"):
        return "openssl is not installed"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _config(tmp: Path, port_starttls: int, port_imaps: int) -> str:
    if os.geteuid() == 0:  # mail access never runs as root: dovecot switches to `mail`
        users = "mail_uid = mail\nmail_gid = mail\n"
    else:  # everything as the user running the tests
        me = pwd.getpwuid(os.geteuid()).pw_name
        group = grp.getgrgid(os.getegid()).gr_name
        users = (
            f"default_login_user = {me}\ndefault_internal_user = {me}\n"
            f"default_internal_group = {group}\n"
            "service anvil {\n  chroot =\n}\nservice imap-login {\n  chroot =\n}\n"
        )
    return f"""base_dir = {tmp}/run
state_dir = {tmp}/state
log_path = {tmp}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{tmp}/cert.pem
ssl_key = <{tmp}/key.pem
mail_location = maildir:{tmp}/mail/%u
first_valid_uid = 1
first_valid_gid = 1
{users}passdb {{
  driver = passwd-file
  args = scheme=PLAIN {tmp}/users
}}
userdb {{
  driver = passwd-file
  args = {tmp}/users
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox "Sent Items" {{
    special_use = \\Sent
    auto = create
  }}
}}
service imap-login {{
  inet_listener imap {{
    port = {port_starttls}
  }}
  inet_listener imaps {{
    port = {port_imaps}
    ssl = yes
  }}
}}
"""


@contextlib.contextmanager
def running_dovecot() -> Iterator[ImapServer]:
    """Start dovecot in the foreground as a child; stop it with SIGTERM."""
    tmp = Path(tempfile.mkdtemp(prefix="fmd-imap-", dir="/tmp"))  # short: it holds Unix sockets
    tmp.chmod(0o755)  # dovecot's own users read the password file and the mail folder
    try:
        subprocess.run(
            [
                *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
                *("-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem"), "-subj", "/CN=localhost"),
                *("-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"),
            ],
            check=True,
            capture_output=True,
        )
        (tmp / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::{tmp}/mail/{USER}::\n")
        (tmp / "mail").mkdir()
        if os.geteuid() == 0:
            shutil.chown(tmp / "mail", "mail", "mail")
        ports = (_free_port(), _free_port())
        (tmp / "dovecot.conf").write_text(_config(tmp, *ports))
        process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(tmp / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            server = ImapServer("127.0.0.1", *ports, tmp / "cert.pem", USER, PASSWORD, tmp / "dovecot.log")
            deadline = time.monotonic() + 15
            while True:
                try:
                    with socket.create_connection((server.host, ports[1]), timeout=1):
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log = (tmp / "dovecot.log").read_text() if (tmp / "dovecot.log").exists() else ""
                        raise RuntimeError(f"dovecot did not start: {log}") from None
                    time.sleep(0.05)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
