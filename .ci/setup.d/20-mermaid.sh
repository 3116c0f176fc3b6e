#!/usr/bin/env bash
# The real Mermaid library in headless Chromium, for the chart tests
# (tests/mermaid_check.py): Debian's chromium, mermaid and playwright-core from npm.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v chromium >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
(cd tests/mermaid && npm ci --no-audit --no-fund --loglevel=error)
