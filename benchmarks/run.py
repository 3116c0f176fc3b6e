"""Measure followup-md against the floor and a naive peer, as whole processes.

    python benchmarks/run.py                       # 10k, 100k, 10k at 100 % ours
    python benchmarks/run.py --vaults 10000:0.1 --repeat 5
    python benchmarks/run.py --readme README.md    # and rewrite its measured table

Every figure is the median of `--repeat` whole-process runs, alternated with
the others in the same session (so a noisy neighbour hurts them all alike),
with the peak memory (max RSS) of the process. Floors: a Python walk+stat and a
walk+read of every `.md`. Naive peer: `frontmatter.load` on every note,
keeping those whose `type` is one of ours (a user's first attempt). Ours:
first sync (writes every block), no-op sync, full rescan (cache deleted,
nothing to write), sync after one note changed (a line added to its text),
after one note's facts changed (its company renamed: its tasks and Due.md
are written), `due --json`. Then the
targets of the performance issue, each marked met or missed. The package is
byte-compiled first, as an installed one is.
"""

from __future__ import annotations

import argparse
import compileall
import itertools
import os
import re
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

import followup_md
from followup_md.schema import TYPES

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
                post = frontmatter.load(os.path.join(folder, name))
            except Exception:
                continue
            if post.get("type") in TYPES:
                ours.append(post)"""
).replace("import os, sys", f"import os, sys, frontmatter\nTYPES = {TYPES!r}\nours = []")
OURS = (
    "first sync",
    "no-op sync",
    "full rescan",
    "one note changed",
    "one note's facts changed",
    "due --json",
)
ENV = {**os.environ, "FOLLOWUP_MD_TODAY": "2026-11-20"}
COMPANY = re.compile(r"^company: .*$", re.MULTILINE)
README_BLOCK = re.compile(r"(<!-- measured:begin -->\n).*?(<!-- measured:end -->)", re.DOTALL)


def run(command: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MB) of one whole process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{command} exited {process.returncode}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def ours(*args: str) -> list[str]:
    return [PY, "-m", "followup_md", *args]


Figures = dict[str, tuple[float, float, float]]  # run -> (median wall s, median CPU s, peak MB)


def measure(vault: Path, repeat: int) -> Figures:
    pristine = vault.with_name("pristine")
    shutil.copytree(vault, pristine, symlinks=True)
    note = next(p for p in sorted(vault.rglob("Person *.md")))

    def first_sync() -> list[str]:
        shutil.rmtree(vault)
        shutil.copytree(pristine, vault, symlinks=True)
        os.sync()  # the copy's own dirty pages are not ours to flush inside the timing
        return ours("sync", str(vault))

    def rescan() -> list[str]:
        shutil.rmtree(vault / ".followup-md", ignore_errors=True)
        return ours("sync", str(vault))

    def one_changed() -> list[str]:
        with note.open("a", encoding="utf-8") as handle:
            handle.write("\nanother line\n")
        return ours("sync", str(vault))

    renamed = itertools.count()

    def facts_changed() -> list[str]:
        """The company renamed: its tasks, Due.md's lines and the chart change."""
        text = note.read_text("utf-8")
        note.write_text(COMPANY.sub(f"company: Renamed {next(renamed)}", text, count=1), "utf-8")
        return ours("sync", str(vault))

    cases: dict[str, Callable[[], list[str]]] = {
        "floor walk+stat": lambda: [PY, "-c", FLOOR_STAT, str(vault)],
        "floor walk+read": lambda: [PY, "-c", FLOOR_READ, str(vault)],
        "naive frontmatter.load": lambda: [PY, "-c", NAIVE, str(vault)],
        "first sync": first_sync,
        "no-op sync": lambda: ours("sync", str(vault)),
        "full rescan": rescan,
        "one note changed": one_changed,
        "one note's facts changed": facts_changed,
        "due --json": lambda: ours("due", str(vault), "--json"),
    }
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, prepare in cases.items():
            command = prepare()
            if name in OURS[1:]:
                run(ours("sync", str(vault)))  # start from a synced vault
                command = prepare()
            results[name].append(run(command))
    shutil.rmtree(pristine)
    return {
        name: (
            statistics.median(r[0] for r in rows),
            statistics.median(r[1] for r in rows),
            max(r[2] for r in rows),
        )
        for name, rows in results.items()
    }


Verdict = tuple[str, float, float, bool]  # target, measured (wall), the same in CPU time, met


def targets(notes: int, share: float, got: Figures) -> list[Verdict]:
    """The targets set for this vault: ratios of wall-clock medians (with the
    same ratio of CPU medians, which a busy machine disturbs less)."""

    def ratio(text: str, a: str, b: str, limit: float) -> Verdict:
        wall, cpu = got[a][0] / got[b][0], got[a][1] / got[b][1]
        return text, wall, cpu, wall <= limit

    if notes == 10_000 and share < 1:
        return [
            ratio("full rescan ≤ 4.0× walk+read", "full rescan", "floor walk+read", 4.0),
            ratio("full rescan ≤ 1.0× naive peer", "full rescan", "naive frontmatter.load", 1.0),
            ratio("no-op sync ≤ 2.0× walk+stat", "no-op sync", "floor walk+stat", 2.0),
            ratio("one note changed ≤ 1.5× no-op sync", "one note changed", "no-op sync", 1.5),
        ]
    if notes == 10_000:
        return [ratio("full rescan ≤ 2.0× naive peer", "full rescan", "naive frontmatter.load", 2.0)]
    if notes == 100_000:
        memory = max(got[k][2] for k in OURS)
        first, noop = got["first sync"], got["no-op sync"]
        return [
            ("first sync ≤ 10 s", first[0], first[1], first[0] <= 10),
            ("no-op sync ≤ 0.5 s", noop[0], noop[1], noop[0] <= 0.5),
            ("peak memory ≤ 150 MB", memory, memory, memory <= 150),
        ]
    return []


def label(notes: int, share: float) -> str:
    return f"{notes:,} notes, {share * 100:.0f} % ours"


def report(name: str, got: Figures, verdicts: list[Verdict]) -> None:
    print(f"\n### {name}\n")
    print("| run | median | CPU | × walk+stat | × walk+read | peak memory |")
    print("|---|---|---|---|---|---|")
    stat, read = got["floor walk+stat"][0], got["floor walk+read"][0]
    for run_name, (seconds, cpu, memory) in got.items():
        ratios = f"{seconds / stat:.1f} | {seconds / read:.1f}"
        print(f"| {run_name} | {seconds:.3f} s | {cpu:.3f} s | {ratios} | {memory:.0f} MB |")
    for text, wall, cpu, met in verdicts:
        print(f"- {'met' if met else 'MISSED'}: {text} ({wall:.2f}; CPU {cpu:.2f})")


def readme_table(rows: list[tuple[str, Figures]], verdicts: list[tuple[str, Verdict]]) -> str:
    """The README's measured table and the targets, as Markdown."""
    lines = [
        "| vault | walk+stat | walk+read | naive peer | first sync | no-op sync | full rescan "
        "| one note changed | its facts changed | `due --json` | peak memory |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, got in rows:
        cells = [f"{got[key][0]:.3f} s" for key in list(got)[:3]]
        cells += [f"{got[key][0]:.3f} s" for key in OURS]
        memory = max(got[key][2] for key in OURS)
        lines.append(f"| {name} | {' | '.join(cells)} | {memory:.0f} MB |")
    lines += ["", "| vault | target | measured | in CPU time | |", "|---|---|---|---|---|"]
    for name, (text, wall, cpu, met) in verdicts:
        lines.append(f"| {name} | {text} | {wall:.2f} | {cpu:.2f} | {'met' if met else '**missed**'} |")
    return "\n".join(lines) + "\n"


def help_time(repeat: int) -> float:
    script = shutil.which("followup-md")
    command = [script, "--help"] if script else ours("--help")
    return statistics.median(run(command)[0] for _ in range(max(5, repeat)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vaults", nargs="+", default=["10000:0.1", "100000:0.1", "10000:1.0"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--readme", type=Path, help="rewrite the table between this file's measured markers")
    args = parser.parse_args()
    compileall.compile_dir(Path(followup_md.__file__).parent, quiet=1)
    rows: list[tuple[str, Figures]] = []
    verdicts: list[tuple[str, Verdict]] = []
    for spec in args.vaults:
        notes, share = int(spec.split(":")[0]), float(spec.split(":")[1])
        with tempfile.TemporaryDirectory() as folder:
            vault = Path(folder) / "vault"
            make_vault(vault, notes, share)
            got = measure(vault, args.repeat)
        found = targets(notes, share, got)
        report(label(notes, share), got, found)
        rows.append((label(notes, share), got))
        verdicts += [(label(notes, share), verdict) for verdict in found]
    seconds = help_time(args.repeat)
    verdict = "met" if seconds <= 0.08 else "MISSED"
    print(f"\n- {verdict}: `followup-md --help` ≤ 80 ms ({seconds * 1000:.0f} ms)")
    if args.readme:
        table = readme_table(rows, verdicts)
        text = README_BLOCK.sub(lambda m: m.group(1) + table + m.group(2), args.readme.read_text("utf-8"))
        args.readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
