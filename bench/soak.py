"""Soak test: readers and writers on a live server while a 100,000-row import runs.

Starts ``kaoping serve`` on 127.0.0.1 (a free port, one worker) on a fresh SQLite database
and on a fresh PostgreSQL schema, with a synthetic plan. N reader threads fetch
``/healthz`` and public pages (the overview page, indicator pages, the overview JSON)
and M writer threads submit values through the API, while an administrator imports a
100,000-row CSV file through ``POST /api/v1/import``: first the dry run, then its
confirmation (the file kept on the server), each polled as a job until it ends.

Printed per database: requests served; p50/p99/max latency of ``/healthz`` and of the
public pages during the import, and under the same load before it, for comparison; errors
(any failed request or non-2xx answer); lost writes (a write the server acknowledged that
the database does not hold afterwards).
Goal: p99 < 200 ms during the import, 0 errors, 0 lost writes.

Bounded: loopback only, at most --max-seconds per database, readers and writers pause
between requests (--pause), and everything stops when the import's confirmation ends.

Run: uv run python bench/soak.py [--readers 4] [--writers 2] [--rows 100000]
     [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test] [--no-postgres]
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml
from harness import pct, postgres_schema, serving

START, END = 2021, 2025
YEARS = range(START - 1, END + 1)  # 6 years
GOAL_P99_MS = 200.0


def plan_text(n_ind: int, n_areas: int, n_writers: int) -> str:
    areas = [{"key": "a0", "name": {"zh": "市", "en": "City"}}] + [
        {"key": f"a{j}", "name": {"zh": f"区{j}", "en": f"District {j}"}, "parent": "a0"}
        for j in range(1, n_areas)
    ]
    inds = [
        {
            "key": k,
            "name": {"zh": f"指标{k}", "en": f"Indicator {k}"},
            "unit": "u",
            "group": "g",
            "bounds": {"min": 0},
            "targets": {END: ">= 10"},
        }
        for k in [f"i{i}" for i in range(n_ind)] + [f"w{m}" for m in range(n_writers)]
    ]
    plan = {
        "id": "soak",
        "title": {"zh": "压力测试规划", "en": "Soak plan"},
        "period": {"start": START, "end": END},
        "base_year": START - 1,
        "methods": {"baseline_window": 0},
        "areas": areas,
        "groups": [{"key": "g", "name": {"zh": "组", "en": "Group"}}],
        "indicators": inds,
    }
    return yaml.safe_dump(plan, allow_unicode=True, sort_keys=False)


def data_csv(n_ind: int, n_areas: int) -> bytes:
    """Steady values above target: no warning needs a comment."""
    lines = ["indicator,area,year,value,unit,status,source"]
    for i in range(n_ind):
        for a in range(n_areas):
            for y in YEARS:
                lines.append(f"i{i},a{a},{y},{50 + (i + a) % 7}.5,u,final,soak")
    return ("\n".join(lines) + "\n").encode()


@dataclass
class Log:
    samples: list[tuple[float, str, float]] = field(default_factory=list)  # start, kind, secs
    errors: list[str] = field(default_factory=list)
    acked: list[tuple[str, int, int, float]] = field(default_factory=list)  # key, year, rev, v
    lock: threading.Lock = field(default_factory=threading.Lock)

    def sample(self, t: float, kind: str, secs: float) -> None:
        with self.lock:
            self.samples.append((t, kind, secs))

    def error(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)


def reader(base: str, log: Log, stop: threading.Event, pause: float, n_ind: int, k: int) -> None:
    paths = [("healthz", "/healthz"), ("page", "/"), ("page", "/api/v1/overview")]
    with httpx.Client(base_url=base, timeout=60) as c:
        n = k
        while not stop.is_set():
            kind, path = paths[n % len(paths)]
            if n % 4 == 3:
                kind, path = "page", f"/i/i{n % n_ind}?lang=en"
            n += 1
            t = time.monotonic()
            try:
                r = c.get(path)
                secs = time.monotonic() - t
                if r.status_code != 200:
                    log.error(f"GET {path}: {r.status_code}")
                else:
                    log.sample(t, kind, secs)
            except httpx.HTTPError as e:
                log.error(f"GET {path}: {e!r}")
            stop.wait(pause)


def writer(base: str, token: str, log: Log, stop: threading.Event, pause: float, m: int) -> None:
    key = f"w{m}"
    revs: dict[int, int] = {}
    n = 0
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, timeout=120, headers=headers) as c:
        while not stop.is_set():
            year = START + n % (END - START + 1)
            value = float(n + 1)
            body = {
                "indicator": key,
                "area": "a0",
                "year": year,
                "value": value,
                "status": "final",
                "base_revision": revs.get(year, 0),
            }
            t = time.monotonic()
            try:
                r = c.post("/api/v1/observations", json=body)
                if r.status_code == 201:
                    rev = r.json()["revision"]
                    revs[year] = rev
                    with log.lock:
                        log.acked.append((key, year, rev, value))
                    log.sample(t, "write", time.monotonic() - t)
                else:
                    log.error(f"POST observations {key} {year}: {r.status_code} {r.text[:200]}")
            except httpx.HTTPError as e:
                log.error(f"POST observations {key} {year}: {e!r}")
            n += 1
            stop.wait(pause)


def run_job(c: httpx.Client, first: httpx.Response, log: Log, limit: float) -> dict:
    if first.status_code not in (200, 202):
        log.error(f"import: {first.status_code} {first.text[:300]}")
        return {}
    job = first.json()
    end = time.monotonic() + limit
    while job["state"] in ("queued", "running") and time.monotonic() < end:
        time.sleep(0.25)
        r = c.get(f"/api/v1/imports/{job['id']}")
        if r.status_code not in (200, 202):
            log.error(f"poll import: {r.status_code}")
            continue
        job = r.json()
    if job["state"] != "done":
        log.error(f"import {job['id']}: {job['state']} {job.get('error')}")
    return job


def soak(label: str, url: str, args: argparse.Namespace) -> bool:
    from kaoping.plan import parse_plan
    from kaoping.settings import Settings
    from kaoping.store import Store

    n_areas = max(1, -(-args.rows // (args.indicators * len(YEARS))))  # at least --rows
    n_rows = args.indicators * n_areas * len(YEARS)
    text = plan_text(args.indicators, n_areas, args.writers)
    data = data_csv(args.indicators, n_areas)
    folder = Path(tempfile.mkdtemp(prefix="kaoping-soak-"))
    plan_file = folder / "soak.yaml"
    plan_file.write_text(text, encoding="utf-8")
    store = Store.open(url, Settings(data_dir=folder))
    store.load_plan(parse_plan(text, str(plan_file)), text)
    store.create_user("boss", secrets.token_urlsafe(12), "admin")
    tokens = [store.create_token("boss", f"soak-{k}") for k in range(args.writers + 1)]
    store.close()

    log = Log()
    stop = threading.Event()
    windows: list[tuple[float, float]] = []
    deadline = time.monotonic() + args.max_seconds
    upload = {"KAOPING_MAX_UPLOAD_MB": "64"}
    with serving(url, folder, plan_file, upload, args.max_seconds) as base:
        try:
            # warm the caches (the first evaluation of the plan), then start the load
            for path in ("/", "/api/v1/overview", "/i/i0"):
                httpx.get(base + path, timeout=120)
            threads = [
                threading.Thread(
                    target=reader, args=(base, log, stop, args.pause, args.indicators, k)
                )
                for k in range(args.readers)
            ] + [
                threading.Thread(
                    target=writer, args=(base, tokens[m + 1], log, stop, args.pause, m)
                )
                for m in range(args.writers)
            ]
            for t in threads:
                t.start()
            time.sleep(1.0)
            baseline = (time.monotonic(), time.monotonic() + args.baseline)
            time.sleep(args.baseline)
            auth = {"Authorization": f"Bearer {tokens[0]}"}
            with httpx.Client(base_url=base, timeout=300, headers=auth) as c:
                t0 = time.monotonic()
                first = c.post(
                    "/api/v1/import",
                    data={"dry_run": "true", "wait": "0"},
                    files={"file": ("soak.csv", data, "text/csv")},
                )
                dry = run_job(c, first, log, deadline - time.monotonic())
                t1 = time.monotonic()
                windows.append((t0, t1))
                if dry.get("state") == "done" and dry["report"]["ok"]:
                    t2 = time.monotonic()
                    first = c.post(f"/api/v1/imports/{dry['id']}/confirm", json={})
                    run_job(c, first, log, deadline - time.monotonic())
                    t3 = time.monotonic()
                    windows.append((t2, t3))
                elif dry:
                    log.error(f"dry run not ok: {dry.get('report', {}).get('counts')}")
            time.sleep(1.0)
            stop.set()
            for t in threads:
                t.join(timeout=120)
        finally:
            stop.set()

    # lost writes: every acknowledged revision must be in the database with its value
    store = Store.open(url, Settings(data_dir=folder))
    lost = 0
    held = {}
    for m in range(args.writers):
        for h in store.history(f"w{m}", "a0"):
            held[(h["indicator"], h["year"], h["revision"])] = h["value"]
    for key, year, rev, value in log.acked:
        if held.get((key, year, rev)) != value:
            lost += 1
    imported = store.revisions_count("soak") - len(held)
    store.close()

    def during(kind: str, spans: list[tuple[float, float]] = windows) -> list[float]:
        return [s for t, k, s in log.samples if k == kind and any(a <= t <= b for a, b in spans)]

    served = len(log.samples)
    print(f"\n{label}: {n_rows:,}-row import, {args.readers} readers, {args.writers} writers")
    print(
        f"  dry run {windows[0][1] - windows[0][0]:.1f} s"
        + (f", confirmed import {windows[1][1] - windows[1][0]:.1f} s" if len(windows) > 1 else "")
        + f"; rows written {imported:,}"
    )
    print(f"  requests served: {served:,} (writes acknowledged: {len(log.acked):,})")
    ok = True
    for kind in ("healthz", "page", "write"):
        v = during(kind)
        p99 = 1000 * pct(v, 99)
        print(
            f"  during the import, {kind:8s}: {len(v):6,} requests, p50 "
            f"{1000 * pct(v, 50):7.1f} ms, p99 {p99:7.1f} ms, max {1000 * max(v or [0]):7.1f} ms"
        )
        if kind != "write" and not p99 < GOAL_P99_MS:
            ok = False
    for kind in ("healthz", "page"):
        v = during(kind, [baseline])
        print(
            f"  before the import, {kind:7s}: {len(v):6,} requests, p50 "
            f"{1000 * pct(v, 50):7.1f} ms, p99 {1000 * pct(v, 99):7.1f} ms (same load, no import)"
        )
    print(f"  errors: {len(log.errors)}" + (f" (first: {log.errors[0]})" if log.errors else ""))
    print(f"  lost writes: {lost}")
    ok = ok and not log.errors and lost == 0 and imported == n_rows
    print(f"  goal (p99 < {GOAL_P99_MS:.0f} ms, 0 errors, 0 lost): {'met' if ok else 'NOT met'}")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--readers", type=int, default=4)
    ap.add_argument("--writers", type=int, default=2)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--indicators", type=int, default=100)
    ap.add_argument("--pause", type=float, default=0.02, help="seconds between requests")
    ap.add_argument("--max-seconds", type=float, default=600.0)
    ap.add_argument("--baseline", type=float, default=8.0, help="seconds of load before")
    ap.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-sqlite", action="store_true")
    args = ap.parse_args()
    ok = True
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as d:
            ok &= soak("sqlite", f"sqlite:///{d}/soak.db", args)
    if not args.no_postgres:
        with postgres_schema(args.postgres, "soak") as url:
            ok &= soak("postgresql", url, args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
