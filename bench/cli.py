"""Time `kaoping evaluate --year 2020` end to end as a new process (goal: under 0.4 s).

The floor is a Python process that only imports NumPy (``python -c 'import numpy'``),
which every evaluation needs; each command and the floor are timed in turn, pair by pair,
and the medians of wall and CPU time (user + system, of the finished process) are printed
with the ratio to the floor. The scorecard's output is read through a pipe, as a script or a
file would read it (plain text: no terminal, no colours). Both bundled plans are timed with
the plan read back from the cache of validated plans (a cache folder of this run's own,
filled by a first run), and the flagship with the cache off (``KAOPING_CACHE_DIR=off``: YAML
and pydantic validation on every run). Run it after ``./uv sync`` (or a first ``./uv run``),
which installs bytecode: without bytecode every run compiles about 350 modules again.

Run: uv run python bench/cli.py [--repeat N]
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

GOAL_S = 0.4


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run; the CPU time from the process's own accounting."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=env, check=False)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=9)
    args = ap.parse_args()
    exe = shutil.which("kaoping")
    cmd = [exe] if exe else [sys.executable, "-m", "kaoping.cli"]
    floor = [sys.executable, "-c", "import numpy"]
    folder = tempfile.mkdtemp(prefix="kaoping-bench-cache-")
    cached = {**os.environ, "KAOPING_CACHE_DIR": folder}
    off = {**os.environ, "KAOPING_CACHE_DIR": "off"}
    runs = {
        "kaoping evaluate --year 2020": ([*cmd, "evaluate", "--year", "2020"], cached),
        "kaoping evaluate cn-fyp13 --year 2020": (
            [*cmd, "evaluate", "cn-fyp13", "--year", "2020"],
            cached,
        ),
        "kaoping evaluate --year 2020 --format json": (
            [*cmd, "evaluate", "--year", "2020", "--format", "json"],
            cached,
        ),
        "kaoping evaluate --year 2020, cache off": ([*cmd, "evaluate", "--year", "2020"], off),
    }
    try:
        for c, env in (*runs.values(), (floor, cached)):  # warm the file and plan caches
            run(c, env)
        times: dict[str, list[tuple[float, float]]] = {k: [] for k in runs}
        ratios: dict[str, list[float]] = {k: [] for k in runs}
        floors: list[tuple[float, float]] = []
        for _ in range(args.repeat):
            for name, (c, env) in runs.items():
                f = run(floor, cached)
                t = run(c, env)
                floors.append(f)
                times[name].append(t)
                ratios[name].append(t[0] / f[0])
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    def med(xs: list[tuple[float, float]], i: int) -> float:
        return statistics.median(x[i] for x in xs)

    print(
        f"floor, python -c 'import numpy': median {med(floors, 0):.3f} s wall, "
        f"{med(floors, 1):.3f} s CPU over {len(floors)} runs"
    )
    for name in runs:
        wall, cpu = med(times[name], 0), med(times[name], 1)
        print(
            f"{name}: median {wall:.3f} s wall (best {min(t[0] for t in times[name]):.3f} s), "
            f"{cpu:.3f} s CPU over {args.repeat} runs; {statistics.median(ratios[name]):.2f}x "
            f"the floor pair by pair (goal: < {GOAL_S} s wall: "
            f"{'met' if wall < GOAL_S else 'MISSED'})"
        )


if __name__ == "__main__":
    main()
