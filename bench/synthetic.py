"""Evaluate a synthetic plan of 1,000 indicators × 100 areas × 30 years (goal: under 2 s).

Run: uv run python bench/synthetic.py [--indicators N] [--areas N] [--years N] [--repeat N]
The plan mixes every quantitative target form; values follow noisy trends.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

FORMS = [
    ">= {v}",
    "<= {v}",
    "~ {v}",
    "in [{lo}, {hi}]",
    "change <= -15%",
    "growth >= 5%",
    "> {v}",
    "every year >= {lo}",
]


def make_plan(n_ind: int, n_areas: int, start: int, end: int):
    from kaoping.plan.model import Plan

    groups = [{"key": f"g{j}", "name": {"zh": f"组{j}", "en": f"Group {j}"}} for j in range(10)]
    lenses = [
        {
            "key": "types",
            "name": {"zh": "类型", "en": "Types"},
            "categories": [
                {"key": f"c{j}", "name": {"zh": f"类{j}", "en": f"Type {j}"}} for j in range(5)
            ],
        }
    ]
    areas = [{"key": "a0", "name": {"zh": "市", "en": "City"}}] + [
        {"key": f"a{j}", "name": {"zh": f"区{j}", "en": f"District {j}"}, "parent": "a0"}
        for j in range(1, n_areas)
    ]
    inds = []
    for i in range(n_ind):
        form = FORMS[i % len(FORMS)]
        expr = form.format(v=100 + i % 50, lo=40, hi=60)
        targets = [{"year": end, "expr": expr}]
        if i % 5 == 0 and "every" not in expr and "change" not in expr and "growth" not in expr:
            targets.insert(
                0, {"year": start + (end - start) // 2, "expr": form.format(v=80, lo=30, hi=70)}
            )
        inds.append(
            {
                "key": f"i{i}",
                "name": {"zh": f"指标{i}", "en": f"Indicator {i}"},
                "unit": "u",
                "group": f"g{i % 10}",
                "tags": [f"c{i % 5}"],
                "path": "geometric" if i % 3 == 0 else "linear",
                "targets": targets,
            }
        )
    return Plan.model_validate(
        {
            "id": "synthetic",
            "title": {"zh": "合成", "en": "Synthetic"},
            "period": {"start": start, "end": end},
            "base_year": start - 1,
            "areas": areas,
            "groups": groups,
            "lenses": lenses,
            "indicators": inds,
        }
    )


def make_observations(n_ind: int, n_areas: int, years: np.ndarray, seed: int = 7):
    from kaoping.engine.table import Table

    rng = np.random.default_rng(seed)
    ii, aa, yy = np.meshgrid(np.arange(n_ind), np.arange(n_areas), years, indexing="ij")
    base = 50 + 50 * rng.random((n_ind, n_areas, 1))
    slope = rng.normal(1.5, 1.0, (n_ind, n_areas, 1))
    vals = base + slope * (years - years[0])[None, None, :] + rng.normal(0, 2, ii.shape)
    vals = np.abs(vals)
    keep = rng.random(ii.shape) > 0.1  # 10 % missing
    ind_keys = np.array([f"i{i}" for i in range(n_ind)], dtype=object)
    area_keys = np.array([f"a{j}" for j in range(n_areas)], dtype=object)
    return Table(
        {
            "indicator": ind_keys[ii[keep]],
            "area": area_keys[aa[keep]],
            "year": yy[keep],
            "value": vals[keep],
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--indicators", type=int, default=1000)
    ap.add_argument("--areas", type=int, default=100)
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from kaoping.engine.evaluate import evaluate

    start, end = 2001, 2000 + args.years
    years = np.arange(start - 1, end)  # base year + period: args.years values per series
    plan = make_plan(args.indicators, args.areas, start, end)
    obs = make_observations(args.indicators, args.areas, years)
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        ev = evaluate(plan, obs, end)
        times.append(time.perf_counter() - t)
    cells = args.indicators * args.areas * len(years)
    print(
        f"synthetic plan: {args.indicators} indicators x {args.areas} areas x {len(years)} years "
        f"({obs.n_rows:,} observations, {cells:,} cells)"
    )
    print(
        f"evaluate: median {statistics.median(times):.3f} s, best {min(times):.3f} s "
        f"over {args.repeat} runs (goal: < 2 s)"
    )
    print(
        f"rows: {ev.indicator_table.n_rows:,} indicator-area results, "
        f"{ev.score_table.n_rows:,} scores, {ev.milestone_table.n_rows:,} milestone checks"
    )


if __name__ == "__main__":
    main()
