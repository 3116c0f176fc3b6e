"""The benchmarks still run (on a small vault; their figures are not asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from run import OURS


def test_the_benchmark_runs_on_200_notes_and_writes_the_readme_table(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Before\n\n<!-- measured:begin -->\nold figures\n<!-- measured:end -->\n\nAfter.\n")
    done = subprocess.run(
        [
            *(sys.executable, str(REPO / "benchmarks" / "run.py"), "--vaults", "200:0.1", "--repeat", "1"),
            *("--readme", str(readme)),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    for row in ("floor walk+stat", "floor walk+read", "naive frontmatter.load", *OURS):
        assert f"| {row} |" in done.stdout
    assert "`followup-md --help` ≤ 80 ms" in done.stdout
    before, table, after = readme.read_text().split("measured:")
    assert before == "# Before\n\n<!-- " and after == "end -->\n\nAfter.\n"
    assert "\n| 200 notes, 10 % ours | " in table and "old figures" not in table
