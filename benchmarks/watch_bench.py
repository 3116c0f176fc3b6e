"""Benchmark `followup-md watch`: save -> Due.md latency, idle CPU, memory over edits.

    python benchmarks/watch_bench.py --notes 2000 10000 [--saves 20] [--soak 60]

For each vault size: generate a vault, start `followup-md watch` as a real
process, then
  * save a new follow-up note `--saves` times and time until Due.md lists it
    (median and p95; the debounce window is part of it);
  * measure the process's CPU over 10 s of idleness;
  * edit a note every half second for `--soak` seconds and report memory
    (RSS) before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_vault import make_vault

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def listed(due: Path, name: str) -> bool:
    return name in due.read_text()


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if predicate():
            return time.perf_counter() - start
        time.sleep(0.002)
    raise TimeoutError("Due.md was not updated")


def bench(notes: int, saves: int, soak: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "vault"
        make_vault(root, notes, 0.1)
        env = {**os.environ, "FOLLOWUP_MD_TODAY": "2026-11-20"}
        command = [sys.executable, "-m", "followup_md", "watch", str(root), "--quiet"]
        with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as process:
            due = root / "Due.md"
            wait_for(lambda: due.exists() and "as of" in due.read_text(), 120)
            time.sleep(3)  # let the first sync's note writes settle
            latencies = []
            for index in range(saves):
                name = f"Bench Person {index}"
                start = time.perf_counter()
                (root / f"{name}.md").write_text(f"---\ntype: contact\nmet: 2026-11-19\nname: {name}\n---\n")
                wait_for(partial(listed, due, name))
                latencies.append(time.perf_counter() - start)
                time.sleep(0.3)
            time.sleep(3)
            before = cpu_seconds(process.pid)
            time.sleep(10)
            idle = (cpu_seconds(process.pid) - before) / 10 * 100
            rss_start = rss_mb(process.pid)
            note = root / "Bench Person 0.md"
            stop = time.monotonic() + soak
            count = 0
            while time.monotonic() < stop:
                note.write_text(note.read_text() + f"\nedit {count}\n")
                count += 1
                time.sleep(0.5)
            time.sleep(3)
            rss_end = rss_mb(process.pid)
            process.terminate()
            process.wait(10)
        latencies.sort()
        return {
            "median_s": statistics.median(latencies),
            "p95_s": latencies[max(0, int(len(latencies) * 0.95) - 1)],
            "idle_cpu_pct": idle,
            "rss_start_mb": rss_start,
            "rss_end_mb": rss_end,
            "soak_edits": count,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--soak", type=float, default=60.0)
    args = parser.parse_args()
    print("| notes | save->Due.md median | p95 | idle CPU | RSS start | RSS end (edits) |")
    print("|---|---|---|---|---|---|")
    for notes in args.notes:
        row = bench(notes, args.saves, args.soak)
        print(
            f"| {notes:,} | {row['median_s'] * 1000:.0f} ms | {row['p95_s'] * 1000:.0f} ms "
            f"| {row['idle_cpu_pct']:.2f} % | {row['rss_start_mb']:.0f} MB "
            f"| {row['rss_end_mb']:.0f} MB ({row['soak_edits']:.0f}) |",
            flush=True,
        )


if __name__ == "__main__":
    main()
