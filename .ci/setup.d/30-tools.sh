#!/usr/bin/env bash
# git, for the tests that commit through pre-commit (tests/test_precommit.py), and
# cmark-gfm, GitHub's Markdown renderer (tests/test_markdown.py).
set -euo pipefail
missing=()
command -v git >/dev/null || missing+=(git)
command -v cmark-gfm >/dev/null || missing+=(cmark-gfm)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
