"""Time `kaoping evaluate --year 2020` end to end as a new process (goal: under 0.4 s).

The floor is a Python process that only imports NumPy (``python -c 'import numpy'``),
which every evaluation needs; the two are timed in turn, pair by pair. The scorecard's
output is read through a pipe, as a script or a file would read it (plain text: no
terminal, no colours). Run it after ``./uv sync`` (or a first ``./uv run``), which
installs bytecode: without bytecode every run compiles about 350 modules again.

Run: uv run python bench/cli.py [--repeat N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

GOAL_S = 0.4


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    exe = shutil.which("kaoping")
    cmd = [exe] if exe else [sys.executable, "-m", "kaoping.cli"]
    floor = [sys.executable, "-c", "import numpy"]
    runs = {
        "kaoping evaluate --year 2020": [*cmd, "evaluate", "--year", "2020"],
        "kaoping evaluate --year 2020 --format json": [
            *cmd,
            "evaluate",
            "--year",
            "2020",
            "--format",
            "json",
        ],
    }
    for c in (*runs.values(), floor):  # warm the file cache
        timed(c)
    times: dict[str, list[float]] = {k: [] for k in (*runs, "floor")}
    for _ in range(args.repeat):
        for name, c in runs.items():
            times[name].append(timed(c))
        times["floor"].append(timed(floor))
    f = statistics.median(times["floor"])
    print(f"floor, python -c 'import numpy': median {f:.3f} s over {args.repeat} runs")
    for name in runs:
        m = statistics.median(times[name])
        print(
            f"{name}: median {m:.3f} s, best {min(times[name]):.3f} s over {args.repeat} runs, "
            f"{m / f:.1f}x the floor (goal: < {GOAL_S} s: {'met' if m < GOAL_S else 'MISSED'})"
        )


if __name__ == "__main__":
    main()
