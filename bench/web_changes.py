"""Readers of the dashboard while reviewers approve values, on a plan of 90,000 observations.

Starts ``kaoping serve`` on 127.0.0.1 (a free port, one worker) on a fresh SQLite database
(or the database given with --db, e.g. PostgreSQL: a schema of its own, dropped at the
end) holding a synthetic plan (100 indicators × 150 areas × 6 years, all approved). N
reader threads fetch the overview page, its JSON and indicator pages without pause while
a reviewer approves a new value every --every seconds through the API (submitted by an
administrator, approved by a reviewer; a new cell each time: an approved value is locked).
Each approval changes the data version: the evaluation (reading 90,000 observations,
evaluating them) is rebuilt.

Printed: the readers' latency during the approvals (p50, p99, max) and the latency of the
first page asked for after each approval; and how long after each approval the new value
was served. Goals: p99 < 100 ms for readers while reviewers approve; the first page after
a change < 300 ms.

Bounded: loopback only, --seconds of load (default 20), readers without pause but one
request at a time each.

Run: uv run python bench/web_changes.py [--readers 4] [--seconds 20] [--every 2]
     [--db postgresql+psycopg://postgres@127.0.0.1:5432/test | --both]

With --both, SQLite and then PostgreSQL (--db, default the local server's ``test``
database) in one run, each with its goals.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from harness import pct, postgres_schema, serving
from soak import data_csv, plan_text

GOAL_P99_MS, GOAL_FIRST_MS = 100.0, 300.0


def reader(base: str, stop: threading.Event, samples: list, k: int) -> None:
    paths = ["/", "/api/v1/overview", "/i/i{n}?lang=en", "/api/v1/indicators/i{n}"]
    with httpx.Client(base_url=base, timeout=120) as c:
        n = k
        while not stop.is_set():
            path = paths[n % len(paths)].format(n=n % 100)
            n += 1
            t = time.monotonic()
            r = c.get(path)
            samples.append((t, time.monotonic() - t, r.status_code))


def latest_served(c: httpx.Client, area: str) -> float | None:
    """The latest value of the changing indicator in ``area`` on its public JSON."""
    series = c.get("/api/v1/indicators/w0", params={"area": area}).json().get("series", [])
    years = [p for p in series if p.get("value") is not None]
    return max(years, key=lambda p: p["year"])["value"] if years else None


def run(label: str, url: str, args: argparse.Namespace) -> bool:
    from kaoping.plan import parse_plan
    from kaoping.settings import Settings
    from kaoping.store import Store

    n_ind, n_areas = 100, 150
    folder = Path(tempfile.mkdtemp(prefix="kaoping-changes-"))
    text = plan_text(n_ind, n_areas, 1)
    plan_file = folder / "soak.yaml"
    plan_file.write_text(text, encoding="utf-8")
    # the data are loaded approved, as published figures (no second reviewer at hand)
    store = Store.open(url, Settings(data_dir=folder, four_eyes=False))
    store.load_plan(parse_plan(text, str(plan_file)), text)
    store.create_user("boss", secrets.token_urlsafe(12), "admin")
    store.create_user("rev", secrets.token_urlsafe(12), "reviewer")
    report = store.import_file("boss", data_csv(n_ind, n_areas), "data.csv", approve=True)
    assert report.written, report.counts
    n_obs = store.observations().n_rows
    boss, rev = store.create_token("boss", "bench"), store.create_token("rev", "bench")
    store.close()

    samples: list[tuple[float, float, int]] = []
    changes: list[tuple[float, float, float]] = []  # approved at, first page after, new served
    stop = threading.Event()
    with serving(url, folder, plan_file) as base:
        try:
            t = time.monotonic()
            for path in ("/", "/api/v1/overview", "/i/i0", "/api/v1/indicators/w0"):
                httpx.get(base + path, timeout=300)
            first_build = time.monotonic() - t
            threads = [
                threading.Thread(target=reader, args=(base, stop, samples, k), daemon=True)
                for k in range(args.readers)
            ]
            for th in threads:
                th.start()
            start = time.monotonic()
            writer = httpx.Client(base_url=base, timeout=120)
            watcher = httpx.Client(base_url=base, timeout=120)
            n = 0
            while time.monotonic() - start < args.seconds and n < n_areas:
                # a new value each time (an approved value is locked): area by area
                area, value = f"a{n}", 1000.0 + n
                n += 1
                body = {"indicator": "w0", "area": area, "year": 2025, "value": value}
                body |= {"status": "final", "base_revision": 0}
                r = writer.post(
                    "/api/v1/observations", json=body, headers={"Authorization": f"Bearer {boss}"}
                )
                r.raise_for_status()
                r = writer.post(
                    f"/api/v1/revisions/{r.json()['id']}/approve",
                    headers={"Authorization": f"Bearer {rev}"},
                )
                r.raise_for_status()
                approved = time.monotonic()
                t = time.monotonic()
                watcher.get("/api/v1/overview").raise_for_status()
                first = time.monotonic() - t
                while latest_served(watcher, area) != value and time.monotonic() - approved < 60:
                    time.sleep(0.02)
                changes.append((approved, first, time.monotonic() - approved))
                time.sleep(max(0.0, args.every - (time.monotonic() - approved)))
            end = time.monotonic()
            stop.set()
            for th in threads:
                th.join(timeout=120)
            writer.close()
            watcher.close()
        finally:
            stop.set()

    during = [s for t, s, code in samples if start <= t <= end]
    errors = sum(1 for _, _, code in samples if code != 200)
    p99 = 1000 * pct(during, 99)
    first = [c[1] for c in changes]
    fresh = [c[2] for c in changes]
    print(f"\n{label}: {n_obs:,} observations, {args.readers} readers, one worker")
    print(f"  first evaluation at start: {first_build:.2f} s")
    print(
        f"  readers during {len(changes)} approvals: {len(during):,} requests, "
        f"p50 {1000 * pct(during, 50):.1f} ms, p99 {p99:.1f} ms, max {1000 * max(during):.1f} ms"
        f", {errors} errors  (goal: p99 < {GOAL_P99_MS:.0f} ms: "
        f"{'met' if p99 < GOAL_P99_MS else 'MISSED'})"
    )
    worst = 1000 * max(first)
    print(
        f"  first page after a change: median {1000 * statistics.median(first):.1f} ms, "
        f"max {worst:.1f} ms  (goal < {GOAL_FIRST_MS:.0f} ms: "
        f"{'met' if worst < GOAL_FIRST_MS else 'MISSED'})"
    )
    print(
        f"  the new value served after: median {statistics.median(fresh):.2f} s, "
        f"max {max(fresh):.2f} s (the previous evaluation serves meanwhile)"
    )
    return p99 < GOAL_P99_MS and worst < GOAL_FIRST_MS and not errors


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--readers", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=20.0, help="seconds of approvals")
    ap.add_argument("--every", type=float, default=2.0, help="seconds between approvals")
    ap.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    ap.add_argument("--both", action="store_true", help="SQLite, then PostgreSQL (--db)")
    args = ap.parse_args()
    ok = True
    if args.both or not args.db:
        with tempfile.TemporaryDirectory() as d:
            ok = run("SQLite", f"sqlite:///{d}/kaoping.db", args)
        if not args.both:
            return 0 if ok else 1
    url = args.db or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    with postgres_schema(url, "bench") as schema_url:
        ok = run("PostgreSQL", schema_url, args) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
