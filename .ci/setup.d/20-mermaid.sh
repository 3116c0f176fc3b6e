#!/usr/bin/env bash
# The real Mermaid library in headless Chromium, for the chart tests
# (tests/mermaid_check.py): Debian's chromium, mermaid and playwright-core from npm.
set -euo pipefail
cd "$(dirname "$0")/../.."
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
(cd tests/mermaid && npm ci --no-audit --no-fund --loglevel=error)
