#!/usr/bin/env bash
# git, for the tests that commit through pre-commit (tests/test_precommit.py).
set -euo pipefail
if ! command -v git >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq git >/dev/null
fi
