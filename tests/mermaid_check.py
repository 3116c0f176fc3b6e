"""Render Mermaid charts with the real library, as Obsidian and GitHub do.

`tests/mermaid/render.mjs` loads mermaid from npm into headless Chromium
(Debian's `chromium`, driven by playwright-core) and returns, per chart, the
parse error or the labels actually drawn (and whether a today marker is
drawn, which labels fall outside the chart). `.ci/setup.d/20-mermaid.sh` installs
both; on a developer machine without them the tests that need it skip, in CI
they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

HERE = Path(__file__).resolve().parent / "mermaid"
# The releases package.json installs: the newest 11 (GitHub's), and 10.2.4, the
# last before xychart-beta, for the older Mermaid that Obsidian bundles.
CURRENT, OLDER = "mermaid", "mermaid-10.2"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@dataclass(frozen=True)
class Rendered:
    error: str | None
    labels: tuple[str, ...]
    today: bool = False
    clipped: tuple[str, ...] = ()


class Render(Protocol):
    """`render_mermaid`, as the `mermaid` fixture hands it to a test."""

    def __call__(
        self, charts: Sequence[str], release: str = CURRENT, today: date | None = None
    ) -> list[Rendered]: ...


def mermaid_missing() -> str | None:
    """Why charts cannot be rendered here, or None when they can."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    if not all((HERE / "node_modules" / release).is_dir() for release in (CURRENT, OLDER)):
        return "mermaid is not installed (cd tests/mermaid && npm ci)"
    return None


def render_mermaid(
    charts: Sequence[str], release: str = CURRENT, today: date | None = None
) -> list[Rendered]:
    """Parse and render each chart in one browser; one result per chart.
    `release` is the npm package to render with (CURRENT or OLDER); the
    browser's clock reads `today` (for the today marker) when given."""
    done = subprocess.run(
        ["node", str(HERE / "render.mjs")],
        input=json.dumps(list(charts)),
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
        env={
            **os.environ,
            "CHROMIUM": CHROMIUM,
            "MERMAID_PACKAGE": release,
            "MERMAID_TODAY": today.isoformat() if today else "",
        },
    )
    return [
        Rendered(item["error"], tuple(item["labels"]), item["today"], tuple(item["clipped"]))
        for item in json.loads(done.stdout)
    ]
