"""Import 100,000 observation rows into the store, on SQLite and on PostgreSQL (goal: < 10 s).

Run: uv run python bench/store_import.py [--indicators 100] [--areas 100] [--years 10]
     [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test] [--no-postgres]

A synthetic plan (indicators × areas × years) is loaded into a fresh store; one CSV file
with every value is imported by an administrator (checked row by row, jumps and
off-track values evaluated, all rows approved) in one transaction. The script then reads
the evaluation's input back (the latest approved revision of every cell) and evaluates it.
PostgreSQL gets a schema of its own, dropped at the end.
"""

from __future__ import annotations

import argparse
import io
import secrets
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import sqlalchemy as sa
import yaml


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


def run(label: str, url: str, text: str, data: bytes, n_rows: int) -> None:
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
        store.evaluation()
        t3 = time.perf_counter()
        assert obs.n_rows == n_rows == store.revisions_count()
        print(
            f"{label:10s} import {n_rows:,} rows: {t1 - t0:6.2f} s "
            f"({report.counts['warnings']:,} warnings, all commented)   "
            f"read back: {t2 - t1:5.2f} s   evaluate: {t3 - t2:5.2f} s"
        )
    finally:
        store.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--indicators", type=int, default=100)
    ap.add_argument("--areas", type=int, default=100)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--no-postgres", action="store_true")
    args = ap.parse_args()
    start = 2016
    years = range(start - 1, start - 1 + args.years)
    text = plan_text(args.indicators, args.areas, start, start - 2 + max(args.years, 2))
    data = data_csv(args.indicators, args.areas, years)
    n_rows = args.indicators * args.areas * len(years)
    with tempfile.TemporaryDirectory() as d:
        run("sqlite", f"sqlite:///{d}/bench.db", text, data, n_rows)
    if not args.no_postgres:
        admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        schema = f"bench_{secrets.token_hex(4)}"
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        try:
            sep = "&" if "?" in args.postgres else "?"
            run(
                "postgresql",
                f"{args.postgres}{sep}options=-csearch_path%3D{schema}",
                text,
                data,
                n_rows,
            )
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
