"""Measure followup-md against the floor and a naive peer, as whole processes.

    python benchmarks/run.py                       # 10k, 100k, 10k at 100 % ours
    python benchmarks/run.py --vaults 10000:0.1 --repeat 5

Every figure is the median of `--repeat` whole-process runs, alternated with
the others in the same session (so a noisy neighbour hurts them all alike),
with the peak memory (max RSS) of the process. Floors: a Python walk+stat and a
walk+read of every `.md`. Naive peer: `frontmatter.load` on every note. Ours:
first sync (writes every block), no-op sync, full rescan (cache deleted,
nothing to write), sync after one note changed, `due --json`. Then the
targets of the performance issue, each marked met or missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_vault import make_vault

PY = sys.executable
WALK = """
import os, sys
for folder, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for name in files:
        if name.endswith(".md"):
            {action}
"""
FLOOR_STAT = WALK.format(action="os.stat(os.path.join(folder, name))")
FLOOR_READ = WALK.format(action="open(os.path.join(folder, name), 'rb').read()")
NAIVE = WALK.format(
    action="""try:
                frontmatter.load(os.path.join(folder, name))
            except Exception:
                pass"""
).replace("import os, sys", "import os, sys, frontmatter")
OURS = ("first sync", "no-op sync", "full rescan", "one note changed", "due --json")
ENV = {**os.environ, "FOLLOWUP_MD_TODAY": "2026-11-20"}


def run(command: list[str]) -> tuple[float, float]:
    """(seconds, peak MB) of one whole process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{command} exited {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def ours(*args: str) -> list[str]:
    return [PY, "-m", "followup_md", *args]


def measure(vault: Path, repeat: int) -> dict[str, tuple[float, float]]:
    pristine = vault.with_name("pristine")
    shutil.copytree(vault, pristine, symlinks=True)
    note = next(p for p in sorted(vault.rglob("Person *.md")))

    def first_sync() -> list[str]:
        shutil.rmtree(vault)
        shutil.copytree(pristine, vault, symlinks=True)
        return ours("sync", str(vault))

    def rescan() -> list[str]:
        shutil.rmtree(vault / ".followup-md", ignore_errors=True)
        return ours("sync", str(vault))

    def one_changed() -> list[str]:
        with note.open("a", encoding="utf-8") as handle:
            handle.write("\nanother line\n")
        return ours("sync", str(vault))

    cases: dict[str, Callable[[], list[str]]] = {
        "floor walk+stat": lambda: [PY, "-c", FLOOR_STAT, str(vault)],
        "floor walk+read": lambda: [PY, "-c", FLOOR_READ, str(vault)],
        "naive frontmatter.load": lambda: [PY, "-c", NAIVE, str(vault)],
        "first sync": first_sync,
        "no-op sync": lambda: ours("sync", str(vault)),
        "full rescan": rescan,
        "one note changed": one_changed,
        "due --json": lambda: ours("due", str(vault), "--json"),
    }
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, prepare in cases.items():
            command = prepare()
            if name in OURS[1:]:
                run(ours("sync", str(vault)))  # start from a synced vault
                command = prepare()
            results[name].append(run(command))
    shutil.rmtree(pristine)
    return {
        name: (statistics.median(t for t, _ in rows), max(m for _, m in rows))
        for name, rows in results.items()
    }


def report(label: str, got: dict[str, tuple[float, float]], targets: list[tuple[str, bool]]) -> None:
    print(f"\n### {label}\n")
    print("| run | median | × walk+stat | × walk+read | peak memory |")
    print("|---|---|---|---|---|")
    stat, read = got["floor walk+stat"][0], got["floor walk+read"][0]
    for name, (seconds, memory) in got.items():
        print(f"| {name} | {seconds:.3f} s | {seconds / stat:.1f} | {seconds / read:.1f} | {memory:.0f} MB |")
    for text, met in targets:
        print(f"- {'met' if met else 'MISSED'}: {text}")


def help_time(repeat: int) -> float:
    script = shutil.which("followup-md")
    command = [script, "--help"] if script else ours("--help")
    return statistics.median(run(command)[0] for _ in range(max(5, repeat)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vaults", nargs="+", default=["10000:0.1", "100000:0.1", "10000:1.0"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for spec in args.vaults:
        notes, share = spec.split(":")
        with tempfile.TemporaryDirectory() as folder:
            vault = Path(folder) / "vault"
            make_vault(vault, int(notes), float(share))
            got = measure(vault, args.repeat)
        stat, read, naive = (
            got[k][0] for k in ("floor walk+stat", "floor walk+read", "naive frontmatter.load")
        )
        targets: list[tuple[str, bool]] = []
        if int(notes) == 10_000 and float(share) < 1:
            targets = [
                ("full rescan ≤ 5× walk+read", got["full rescan"][0] <= 5 * read),
                ("no-op sync ≤ 3× walk+stat", got["no-op sync"][0] <= 3 * stat),
                ("full rescan ≤ 0.5× naive peer", got["full rescan"][0] <= 0.5 * naive),
            ]
        elif int(notes) == 100_000:
            targets = [
                ("first sync ≤ 15 s", got["first sync"][0] <= 15),
                ("no-op sync ≤ 0.7 s", got["no-op sync"][0] <= 0.7),
                ("memory ≤ 150 MB", max(got[k][1] for k in OURS) <= 150),
            ]
        report(f"{int(notes):,} notes, {float(share):.0%} follow-up notes", got, targets)
    seconds = help_time(args.repeat)
    verdict = "met" if seconds <= 0.08 else "MISSED"
    print(f"\n- {verdict}: `followup-md --help` ≤ 80 ms ({seconds * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
