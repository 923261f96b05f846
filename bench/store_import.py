"""Import 100,000 observation rows into the store, on SQLite and on PostgreSQL (goal: < 5 s).

Run: uv run python bench/store_import.py [--indicators 100] [--areas 100] [--years 10]
     [--runs 3] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test] [--no-postgres]

A synthetic plan (indicators × areas × years) is loaded into a fresh store; one CSV file
with every value is imported by an administrator (checked row by row, jumps and
off-track values evaluated, all rows approved) in one transaction. The script then reads
the evaluation's input back (the latest approved revision of every cell) and evaluates it.
PostgreSQL gets a schema of its own, dropped at the end. The rows are written by ``COPY``
on PostgreSQL and by batched ``executemany`` on SQLite (see docs/store.md).

Printed per database and run: the import's time, the read back of every column
(``Store.observations``), the read of the engine's columns only
(``Store.engine_observations``) and the evaluation; then per database the median import
time over --runs fresh stores, the goal and whether it is met.
"""

from __future__ import annotations

import argparse
import io
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml
from harness import postgres_schema


def plan_text(n_ind: int, n_areas: int, start: int, end: int) -> str:
    areas = [{"key": "a0", "name": {"zh": "市", "en": "City"}}] + [
        {"key": f"a{j}", "name": {"zh": f"区{j}", "en": f"District {j}"}, "parent": "a0"}
        for j in range(1, n_areas)
    ]
    forms = [">= {v}", "<= {v}", "~ {v}", "growth >= 5%", "change <= -15%"]
    inds = [
        {
            "key": f"i{i}",
            "name": {"zh": f"指标{i}", "en": f"Indicator {i}"},
            "unit": "u",
            "group": f"g{i % 5}",
            "department": f"d{i % 10}",
            "bounds": {"min": 0},
            "targets": {end: forms[i % len(forms)].format(v=100 + i % 50)},
        }
        for i in range(n_ind)
    ]
    plan = {
        "id": "bench",
        "title": {"zh": "基准规划", "en": "Benchmark plan"},
        "period": {"start": start, "end": end},
        "base_year": start - 1,
        "areas": areas,
        "groups": [
            {"key": f"g{j}", "name": {"zh": f"组{j}", "en": f"Group {j}"}} for j in range(5)
        ],
        "departments": [
            {"key": f"d{j}", "name": {"zh": f"部门{j}", "en": f"Dept {j}"}} for j in range(10)
        ],
        "indicators": inds,
    }
    return yaml.safe_dump(plan, allow_unicode=True, sort_keys=False)


def data_csv(n_ind: int, n_areas: int, years: range, seed: int = 1) -> bytes:
    rng = np.random.default_rng(seed)
    out = io.StringIO()
    out.write("indicator,area,year,value,unit,status,source\n")
    for i in range(n_ind):
        for a in range(n_areas):
            level = 50 + 10 * rng.random()
            for y in years:
                level *= 1 + 0.04 + 0.02 * (rng.random() - 0.5)
                out.write(f"i{i},a{a},{y},{level:.4f},u,final,bench\n")
    return out.getvalue().encode()


GOAL_S = 5.0


def run(label: str, url: str, text: str, data: bytes, n_rows: int) -> float:
    from kaoping.plan import parse_plan
    from kaoping.settings import Settings
    from kaoping.store import Store

    # one administrator imports and approves (as published figures): no four-eyes review
    store = Store.open(url, Settings(data_dir=Path(tempfile.mkdtemp()), four_eyes=False))
    try:
        store.load_plan(parse_plan(text), text)
        store.create_user("admin", secrets.token_urlsafe(12), "admin")
        rows = [n for n in range(2, n_rows + 2)]
        comments = dict.fromkeys(rows, "benchmark")
        t0 = time.perf_counter()
        report = store.import_file("admin", data, "bench.csv", comments=comments, approve=True)
        t1 = time.perf_counter()
        assert report.written, report.counts
        obs = store.observations()
        t2 = time.perf_counter()
        few = store.engine_observations()
        t3 = time.perf_counter()
        store.evaluation()
        t4 = time.perf_counter()
        assert obs.n_rows == few.n_rows == n_rows == store.revisions_count()
        print(
            f"{label:10s} import {n_rows:,} rows: {t1 - t0:6.2f} s "
            f"({report.counts['warnings']:,} warnings, all commented)   "
            f"read back: {t2 - t1:5.2f} s   engine columns: {t3 - t2:5.2f} s   "
            f"evaluate: {t4 - t3:5.2f} s",
            flush=True,
        )
        return t1 - t0
    finally:
        store.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--indicators", type=int, default=100)
    ap.add_argument("--areas", type=int, default=100)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--runs", type=int, default=1, help="fresh stores per database")
    ap.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--no-postgres", action="store_true")
    args = ap.parse_args()
    start = 2016
    years = range(start - 1, start - 1 + args.years)
    text = plan_text(args.indicators, args.areas, start, start - 2 + max(args.years, 2))
    data = data_csv(args.indicators, args.areas, years)
    n_rows = args.indicators * args.areas * len(years)
    times: dict[str, list[float]] = {"sqlite": [], "postgresql": []}
    for _ in range(max(1, args.runs)):
        with tempfile.TemporaryDirectory() as d:
            times["sqlite"].append(run("sqlite", f"sqlite:///{d}/bench.db", text, data, n_rows))
        if not args.no_postgres:
            times["postgresql"].append(run_postgres(args.postgres, text, data, n_rows))
    ok = True
    for label, got in times.items():
        if got:
            median = statistics.median(got)
            met = median < GOAL_S
            ok &= met
            print(
                f"{label:10s} import of {n_rows:,} rows: median {median:.2f} s over {len(got)} "
                f"run(s), range {min(got):.2f}–{max(got):.2f} s  (goal < {GOAL_S:.0f} s: "
                f"{'met' if met else 'MISSED'})"
            )
    return 0 if ok else 1


def run_postgres(url: str, text: str, data: bytes, n_rows: int) -> float:
    """One run on PostgreSQL, in a schema of its own (dropped at the end)."""
    with postgres_schema(url, "bench") as schema_url:
        return run("postgresql", schema_url, text, data, n_rows)


if __name__ == "__main__":
    sys.exit(main())
