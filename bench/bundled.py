"""Evaluate the bundled Zhengzhou plan for every year of its period, in-process.

Goal: one evaluation under 50 ms. Run: uv run python bench/bundled.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    from kaoping.core import load
    from kaoping.engine.compile import compile_plan
    from kaoping.engine.evaluate import evaluate

    loaded = load(None)
    plan = loaded.plan
    years = list(range(plan.base_year, plan.period.end + 1))
    evaluate(plan, loaded.observations, plan.period.end)  # warm-up
    per_eval, per_sweep = [], []
    cp = compile_plan(plan)
    for _ in range(args.repeat):
        t_sweep = time.perf_counter()
        for y in years:
            t = time.perf_counter()
            evaluate(plan, loaded.observations, y, compiled=cp)
            per_eval.append(time.perf_counter() - t)
        per_sweep.append(time.perf_counter() - t_sweep)
    t = time.perf_counter()
    for _ in range(args.repeat):
        evaluate(plan, loaded.observations, plan.period.end)
    uncompiled = (time.perf_counter() - t) / args.repeat
    print(
        f"bundled plan {plan.id}: {len(plan.indicators)} indicators, "
        f"{loaded.observations.n_rows} observations, years {years[0]}–{years[-1]}"
    )
    print(
        f"one evaluation: median {1000 * statistics.median(per_eval):.1f} ms, "
        f"worst {1000 * max(per_eval):.1f} ms (goal: < 50 ms)"
    )
    print(f"one evaluation including plan compilation: {1000 * uncompiled:.1f} ms")
    print(f"all {len(years)} years: median {1000 * statistics.median(per_sweep):.1f} ms per sweep")


if __name__ == "__main__":
    main()
