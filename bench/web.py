"""Load-test the web with wrk: the overview JSON and an indicator page at 50 connections.

Starts ``kaoping serve --workers N`` on a temporary SQLite database (or the database
given with --db, e.g. PostgreSQL), with the bundled plan and its data, then runs
``wrk -t2 -c50 -d10s --latency`` against each URL and prints requests/s and latency
percentiles, for one worker and for two. Goals on 2 cores: at least 1,000 requests/s with
p99 under 100 ms, and two workers serving at least 1.8 times what one serves.

Run: uv run python bench/web.py [--duration 10] [--db URL] [--workers 1,2]
(wrk is the Debian package ``wrk``.)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

URLS = ["/api/v1/overview", "/i/gdp_per_capita"]
GOAL_RPS, GOAL_P99_MS = 1000.0, 100.0
#: requests/s of two workers over one worker (on 2 cores)
GOAL_SCALING = 1.8


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(base: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"kaoping serve exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("kaoping serve did not start within a minute")


def to_ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not m:
        return float("nan")
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v


def run_wrk(url: str, duration: int, threads: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = {p: to_ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "pct": pct, "non2xx": int(errors.group(1)) if errors else 0}


def server_stack() -> str:
    """The event loop and HTTP parser uvicorn picks (uvloop and httptools when installed)."""
    import importlib.util

    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"uvicorn, {loop} event loop, {http} parser"


def bench_workers(args: argparse.Namespace, workers: int) -> dict[str, dict]:
    """Start ``kaoping serve --workers N`` and run wrk against every URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="kaoping-bench-") as tmp:
        env = {**os.environ, "KAOPING_DATA_DIR": tmp}
        if args.db:
            env["KAOPING_DATABASE_URL"] = args.db
        else:
            env.pop("KAOPING_DATABASE_URL", None)
        cmd = [sys.executable, "-m", "kaoping.cli", "serve", "--port", str(port)]
        cmd += ["--workers", str(workers)]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_up(base, proc)
            for path in URLS:  # warm the caches of every worker
                for _ in range(5 * workers):
                    urllib.request.urlopen(base + path, timeout=30).read()
            return {
                path: run_wrk(base + path, args.duration, args.threads, args.connections)
                for path in URLS
            }
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--duration", type=int, default=10, help="seconds per URL")
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    ap.add_argument(
        "--workers",
        default="1,2",
        help="server worker processes, a comma-separated list (default: 1,2)",
    )
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: install the Debian package (apt-get install wrk)")
        sys.exit(2)
    counts = [int(w) for w in args.workers.split(",") if w.strip()]
    db = args.db or "SQLite (temporary file)"
    print(f"kaoping web benchmark: {db}, {os.cpu_count()} CPUs, {server_stack()}")
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s (on the same machine)\n")
    print(f"{'URL':<24} {'workers':>7} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}  goal")
    results = {}
    ok_all = True
    for n in counts:
        results[n] = bench_workers(args, n)
        for path, r in results[n].items():
            p = r["pct"]
            ok = r["rps"] >= GOAL_RPS and p.get("99", 1e9) < GOAL_P99_MS and not r["non2xx"]
            ok_all &= ok
            print(
                f"{path:<24} {n:>7} {r['rps']:>9.0f} {p.get('50', float('nan')):>8.1f} "
                f"{p.get('99', float('nan')):>8.1f}  "
                f"{'met' if ok else 'MISSED'} (≥ {GOAL_RPS:,.0f} req/s, p99 < {GOAL_P99_MS:.0f} ms)"
                + (f" ({r['non2xx']} non-2xx)" if r["non2xx"] else "")
            )
    if 1 in results:
        for n in (c for c in counts if c > 1):
            for path in URLS:
                ratio = results[n][path]["rps"] / results[1][path]["rps"]
                goal = GOAL_SCALING
                print(
                    f"{path:<24} {n} workers / 1 worker: {ratio:.2f}x  "
                    f"{'met' if ratio >= goal else 'MISSED'} (goal ≥ {goal:.1f}x)"
                )
    print(f"\nsteady-state goal (every worker count): {'met' if ok_all else 'missed'}")


if __name__ == "__main__":
    main()
