"""Evaluate a synthetic plan of 1,000 indicators × 30 years for 10 and 100 areas (270,000
and 2.7 million observations), paired with a plain pandas script on the same data.

The yardstick is what an analyst would write in pandas: per indicator and area, the base
value, the latest value, attainment (latest − base) / (target − base) clipped to 0–1 and
the time-half pace (attainment over the share of the period gone), from a DataFrame with
text keys, and again with categorical keys. kaoping computes far more (every target form,
statuses, projections, scores); the goal is to be faster than the pandas script at every
size all the same. The two are timed in turn, pair by pair, in one process.

For each size it prints kaoping's median, the pandas script's (text keys, categorical
keys), the paired ratios, the goals, and the memory of an evaluation: the peak of memory
allocated while ``evaluate`` runs (tracemalloc; the input table excluded, the result
included) per observation. The plan carries a version, as a plan loaded from a file does,
so that its compiled form is reused from the second evaluation on (the first one's
compilation is printed apart).

Run: uv run python bench/synthetic.py [--indicators N] [--areas 10,100] [--years N] [--repeat N]
     uv run python bench/synthetic.py --areas 1000 --no-pandas --repeat 1   # 27 million
The plan mixes every quantitative target form; values follow noisy trends.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import time
import tracemalloc
from collections.abc import Callable

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


GOAL_S = 2.0  # 1,000 indicators × 100 areas × 30 years
GOAL_BYTES = 48  # per observation
GOAL_LARGE_S = 10.0  # 27 million observations (1,000 areas)


def target_levels(n_ind: int) -> np.ndarray:
    """The level each indicator's final target names (the ``v`` of :data:`FORMS`)."""
    return np.array([100 + i % 50 for i in range(n_ind)], dtype=float)


def pandas_script(df, targets, base_year: int, end: int, as_of: int):
    """Attainment and time-half pace per indicator and area, the plain pandas way."""
    keys = ["indicator", "area"]
    seen = df[df["year"] <= as_of]
    base = seen[seen["year"] == base_year].set_index(keys)["value"].rename("base")
    # rows are in year order within a series, as the data hold them: the last is the latest
    latest = seen.groupby(keys, sort=False, observed=True)[["year", "value"]].last()
    out = latest.join(base).join(targets, on="indicator")
    gap = out["target"] - out["base"]
    out["attainment"] = ((out["value"] - out["base"]) / gap).clip(0, 1)
    out["pace"] = out["attainment"] / ((out["year"] - base_year) / (end - base_year))
    return out


def paired(fns: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Each function timed in turn, ``repeat`` rounds (after one warm-up round)."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    for r in range(repeat + 1):
        for k, fn in fns.items():
            t = time.perf_counter()
            fn()
            if r:
                times[k].append(time.perf_counter() - t)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--indicators", type=int, default=1000)
    ap.add_argument("--areas", default="10,100", help="area counts, comma-separated")
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-pandas", action="store_true", help="time kaoping only")
    args = ap.parse_args()
    for n_areas in (int(a) for a in args.areas.split(",")):
        bench_size(args, n_areas)


def peak_bytes(fn: Callable[[], object]) -> int:
    """The peak of memory allocated while ``fn`` runs (tracemalloc), its result included."""
    tracemalloc.start()
    try:
        result = fn()
        peak = tracemalloc.get_traced_memory()[1]
        del result
    finally:
        tracemalloc.stop()
    return peak


def bench_size(args: argparse.Namespace, n_areas: int) -> None:
    """kaoping and the pandas script on one size, paired; print the figures and ratios."""
    from kaoping.engine.compile import compile_plan
    from kaoping.engine.evaluate import evaluate

    start, end = 2001, 2000 + args.years
    years = np.arange(start - 1, end)  # base year + period: args.years values per series
    plan = make_plan(args.indicators, n_areas, start, end)
    # a version, as the loader gives a plan (the hash of its content)
    plan._version = hashlib.sha256(plan.model_dump_json().encode()).hexdigest()[:12]
    obs = make_observations(args.indicators, n_areas, years)
    cells = args.indicators * n_areas * len(years)
    t = time.perf_counter()
    compile_plan(plan)
    compile_s = time.perf_counter() - t
    fns: dict[str, Callable[[], object]] = {"kaoping": lambda: evaluate(plan, obs, end)}
    if not args.no_pandas:
        import pandas as pd

        df = pd.DataFrame({k: obs[k] for k in ("indicator", "area", "year", "value")})
        cat = df.astype({"indicator": "category", "area": "category"})
        keys = [f"i{i}" for i in range(args.indicators)]
        targets = pd.DataFrame({"target": target_levels(args.indicators)}, index=keys)
        cat_targets = targets.set_axis(targets.index.astype(cat["indicator"].dtype))
        fns["pandas"] = lambda: pandas_script(df, targets, start - 1, end, end)
        fns["pandas, categorical keys"] = lambda: pandas_script(
            cat, cat_targets, start - 1, end, end
        )
    times = paired(fns, args.repeat)
    med = {k: statistics.median(v) for k, v in times.items()}
    ev = evaluate(plan, obs, end)
    peak = peak_bytes(lambda: evaluate(plan, obs, end))
    print(
        f"synthetic plan: {args.indicators} indicators x {n_areas} areas x {len(years)} "
        f"years ({obs.n_rows:,} observations, {cells:,} cells)"
    )
    large = obs.n_rows >= 20_000_000
    goal = (
        f" (goal: < {GOAL_LARGE_S:.0f} s)"
        if large
        else f" (goal: < {GOAL_S:.0f} s)"
        if n_areas >= 100
        else ""
    )
    print(
        f"  kaoping evaluate: median {med['kaoping']:.3f} s, best {min(times['kaoping']):.3f} s"
        f" over {args.repeat} runs{goal}; compiling the plan (once per plan): "
        f"{compile_s * 1000:.0f} ms"
    )
    for k in fns:
        if k == "kaoping":
            continue
        ratios = [a / b for a, b in zip(times["kaoping"], times[k], strict=True)]
        r = statistics.median(ratios)
        print(
            f"  {k} script: median {med[k]:.3f} s; kaoping / pandas = {r:.2f} "
            f"(paired median; goal < 1: {'met' if r < 1 else 'MISSED'})"
        )
    per_obs = peak / obs.n_rows
    print(
        f"  memory: peak {peak / 1e6:,.0f} MB while evaluating, {per_obs:.0f} bytes per "
        f"observation (goal <= {GOAL_BYTES}: {'met' if per_obs <= GOAL_BYTES else 'MISSED'})"
    )
    print(
        f"  rows: {ev.indicator_table.n_rows:,} indicator-area results, "
        f"{ev.score_table.n_rows:,} scores, {ev.milestone_table.n_rows:,} milestone checks"
    )


if __name__ == "__main__":
    main()
