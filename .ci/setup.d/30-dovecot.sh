#!/usr/bin/env bash
# A real IMAP server for the mail tests (tests/dovecot.py starts a private
# instance on localhost): Debian's dovecot-imapd, and openssl for its certificate.
set -euo pipefail
if ! command -v dovecot >/dev/null || ! command -v openssl >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd openssl >/dev/null
fi
