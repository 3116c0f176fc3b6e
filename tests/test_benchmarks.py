"""The benchmarks still run (on a small vault; their figures are not asserted)."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO


def test_the_benchmark_runs_on_200_notes() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--vaults", "200:0.1", "--repeat", "1"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    for row in (
        "floor walk+stat",
        "naive frontmatter.load",
        "first sync",
        "no-op sync",
        "full rescan",
        "one note changed",
        "due --json",
    ):
        assert f"| {row} |" in done.stdout
    assert "`followup-md --help` ≤ 80 ms" in done.stdout
