"""Time `kaoping evaluate` end to end as a new process (goal: under 1 s).

Run: uv run python bench/cli.py [--repeat N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    exe = shutil.which("kaoping")
    cmd = [exe, "evaluate"] if exe else [sys.executable, "-m", "kaoping.cli", "evaluate"]
    subprocess.run(cmd, capture_output=True, check=True)  # warm the file cache
    for fmt in ("table", "json"):
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            subprocess.run([*cmd, "--format", fmt], capture_output=True, check=True)
            times.append(time.perf_counter() - t)
        print(
            f"kaoping evaluate --format {fmt}: median {statistics.median(times):.3f} s, "
            f"best {min(times):.3f} s over {args.repeat} runs (goal: < 1 s)"
        )


if __name__ == "__main__":
    main()
