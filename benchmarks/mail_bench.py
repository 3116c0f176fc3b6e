"""Time `followup-md mail --dry-run` on a large Maildir and mbox, as whole processes.

    python benchmarks/mail_bench.py                  # 100,000 messages
    python benchmarks/mail_bench.py --messages 2000

The messages carry the header a real one has (Received, DKIM, ARC lines: about
3 KB), a body, one in 50 an attachment; one in 200 is from or to a person of a
20-note vault, the rest from strangers, mailing lists and newsletters; a few
are junk (no header, broken dates, 8-bit bytes). Prints the time to scan each
mailbox and what the run said.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
ENV = {**os.environ, "FOLLOWUP_MD_TODAY": "2026-11-25"}
RECEIVED = (
    "Received: from mx{n}.mail.example.net (mx{n}.mail.example.net [192.0.2.{m}])\n"
    "\tby mail.example.org (Postfix) with ESMTPS id 4Ab{n}xyz\n"
    "\tfor <riley@example.org>; Tue, 24 Nov 2026 09:{mm}:00 -0500 (EST)\n"
)
DKIM = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.net; s=s{n};\n" + "".join(
    f"\tb={'A' * 70}\n" for _ in range(8)
)


def message(n: int) -> bytes:
    """The n-th message of the mailbox."""
    if n % 997 == 0:
        return b"\xff\xfe junk without a header\n\nbody\n"
    person = f"person{n % 20}@company{n % 20}.example"
    sender, to = (
        (f'"Person {n % 20}" <{person}>', "Riley <riley@example.org>")
        if n % 200 == 0
        else (f'"=?UTF-8?Q?Stranger_{n}_=C3=A9?=" <s{n}@lists.example.com>', "riley@example.org")
    )
    date = "yesterday" if n % 1009 == 0 else f"Tue, {1 + n % 28} Nov 2026 09:{n % 60:02d}:00 -0500"
    head = "".join(RECEIVED.format(n=n, m=n % 250, mm=f"{n % 60:02d}") for _ in range(4))
    head += DKIM.format(n=n)
    head += (
        f"From: {sender}\nTo: {to}\nCc: team{n % 7}@lists.example.com\nDate: {date}\n"
        f"Subject: Re: [list] thread number {n % 5000} about \xe9t\xe9\n"
        f"Message-ID: <{n}.{n * 7}@mail.example.net>\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
    )
    body = "Lorem ipsum dolor sit amet. " * 40 + "\n"
    if n % 50 == 0:
        body += "A" * 60_000 + "\n"  # an attachment, base64-like
    return head.encode("utf-8", "surrogateescape") + body.encode()


def make_vault(root: Path) -> None:
    (root / "people").mkdir(parents=True)
    for i in range(20):
        (root / "people" / f"Person {i}.md").write_text(
            f"---\ntype: contact\nemail: person{i}@company{i}.example\nmet: 2026-11-01\n---\n"
        )


def make_maildir(root: Path, count: int) -> None:
    """Files as a delivery agent writes them (straight to cur/, as mbsync does)."""
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    for n in range(count):
        (root / "cur" / f"{1_790_000_000 + n}.M{n}P1.host:2,S").write_bytes(message(n))


def make_mbox(path: Path, count: int) -> None:
    with path.open("wb") as out:
        for n in range(count):
            out.write(b"From MAILER-DAEMON Tue Nov 24 09:12:00 2026\n")
            data = message(n).replace(b"\nFrom ", b"\n>From ")
            out.write(data if data.endswith(b"\n") else data + b"\n")
            out.write(b"\n")


def timed(args: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=ENV, check=True)
    return time.perf_counter() - start, done.stderr.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=100_000)
    count = parser.parse_args().messages
    tmp = Path(tempfile.mkdtemp(prefix="fmd-mail-bench-"))
    try:
        make_vault(tmp / "vault")
        make_maildir(tmp / "Maildir", count)
        make_mbox(tmp / "mbox", count)
        size = sum(p.stat().st_size for p in (tmp / "Maildir" / "cur").iterdir()) >> 20
        print(f"{count:,} messages, {size:,} MB\n")
        print("| mailbox | `mail --dry-run` | said |")
        print("|---|---|---|")
        command = [PY, "-m", "followup_md", "mail", str(tmp / "vault"), "--dry-run"]
        for label, option, path in (("Maildir", "--maildir", "Maildir"), ("mbox", "--mbox", "mbox")):
            seconds, said = timed([*command, option, str(tmp / path)])
            print(f"| {label} | {seconds:.1f} s | {said} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
