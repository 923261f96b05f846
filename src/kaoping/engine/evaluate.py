"""evaluate(plan, observations, as_of, options) → Evaluation. Pure: no I/O, no globals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .aggregate import effective_weights, overall, weighted_scores
from .compile import CompiledPlan, compile_plan
from .constraints import check_every_year
from .cube import Cube, build_cube, take
from .frames import constraint_frame, indicator_frame, milestones
from .indicators import indicators
from .options import Options
from .result import Evaluation
from .schedule import apply_schedule, censor_text, check_schedule
from .series import prepare
from .status import apply_every_year, apply_stale
from .table import Table
from .verdicts import apply_verdicts, steps

if TYPE_CHECKING:
    from ..plan.model import Plan


def evaluate(
    plan: Plan,
    observations: Any,
    as_of: int | None = None,
    options: Options | None = None,
    verdicts: Any = None,
    compiled: CompiledPlan | None = None,
) -> Evaluation:
    """Evaluate ``plan`` on ``observations`` (columns indicator, area, year, value) as of a year.

    Optional columns: ``censor`` ('>' a lower bound, '<' an upper bound), ``break`` (the first
    value on a new statistical basis; or a ``flags`` column naming ``break``) and
    ``previous_basis`` (that year's value on the old basis). ``verdicts`` (columns target,
    area, year, verdict, evidence) judge qualitative targets and the plan's steps.
    ``compiled`` may be passed to reuse a compiled plan.
    """
    opts = options or Options.from_plan(plan)
    opts.check()
    as_of = plan.period.end if as_of is None else int(as_of)
    cp = compiled or compile_plan(plan)
    cube = prepare(cp, build_cube(cp, observations, as_of, opts.baseline_window))
    core = indicators(cp, cube, opts)
    _series_columns(cube, core)
    ev = check_every_year(
        cp.every, cube.values, cube.y0, as_of, cp.rate, cube.censor, cube.unlinked
    )
    core.update(_every_year_summary(cp, ev, as_of - cube.y0))
    apply_every_year(cp, core, as_of - cube.y0, cube.y0)
    sched, sched_table = check_schedule(cp, cube, as_of, opts)
    core.update(sched)
    apply_schedule(cp, core, cube.y0)
    apply_stale(cp, core, as_of - cube.y0, opts)
    apply_verdicts(plan, cp, cube, core, verdicts, as_of)
    scores, eff = _scores(cp, cube, core, opts)
    core["weight_effective"] = eff
    return Evaluation(
        plan_id=plan.id,
        plan_version=plan.version,
        as_of=as_of,
        options=opts,
        areas=cube.areas,
        indicator_table=indicator_frame(plan, cp, cube, core, as_of),
        milestone_table=milestones(cp, cube, core, as_of),
        constraint_table=constraint_frame(cp, cube, ev),
        score_table=scores,
        step_table=steps(plan, verdicts, as_of),
        schedule_table=sched_table,
        meta={"thresholds": opts.thresholds, "first_year": cube.y0},
    )


def _series_columns(cube: Cube, core: dict) -> None:
    """The latest value's bound, the latest break and whether the values before it were
    spliced."""
    shape = core["latest_year"].shape
    if cube.censor is None:
        core["censor"] = np.full(shape, "", dtype=object)
    else:
        c = np.nan_to_num(take(cube.censor, core["latest_year"])).astype(np.int8)
        core["censor"] = censor_text(c)
    none = cube.break_idx is None
    core["break_idx"] = np.full(shape, -1, np.int64) if none else cube.break_idx
    core["rebased"] = np.zeros(shape, bool) if none else cube.rebased


def _every_year_summary(cp: CompiledPlan, ev: dict, as_of_idx: int) -> dict[str, np.ndarray]:
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(ev["n_checked"] > 0, ev["n_held"] / ev["n_checked"], np.nan)
    return {
        "years_checked": ev["n_checked"],
        "years_held": ev["n_held"],
        "constraint_share": share,
        "constraint_last_year": ev["last_checked"],
        "constraint_last_held": ev["last_held"],
    }


def _scores(cp: CompiledPlan, cube: Cube, core: dict, opts: Options):
    att = np.where(
        np.broadcast_to(cp.weight[:, None] > 0, core["attainment"].shape),
        core["attainment"],
        np.nan,
    ).astype(float)
    n_g = len(cp.group_keys)
    gmember = np.zeros((n_g, cp.n), bool)
    gmember[cp.group, np.arange(cp.n)] = True
    g = weighted_scores(gmember, cp.weight, att, opts.aggregation, opts.min_coverage)
    lz = weighted_scores(cp.lens_member, cp.weight, att, opts.aggregation, opts.min_coverage)
    o = overall(g["score"], cp.group_weight, cp.weight, att, opts.aggregation, opts.min_coverage)
    eff = effective_weights(
        cp.group, cp.weight, att, g["den"], g["score"], cp.group_weight, o["den"]
    )
    rows = []
    for j, key in enumerate(cp.group_keys):
        for a, area in enumerate(cube.areas):
            rows.append(
                (
                    "group",
                    "",
                    key,
                    area,
                    g["score"][j, a],
                    g["coverage"][j, a],
                    int(g["n_scored"][j, a]),
                    int(g["n_with_data"][j, a]),
                )
            )
    for j, key in enumerate(cp.category_keys):
        for a, area in enumerate(cube.areas):
            rows.append(
                (
                    "lens",
                    cp.category_lens[j],
                    key,
                    area,
                    lz["score"][j, a],
                    lz["coverage"][j, a],
                    int(lz["n_scored"][j, a]),
                    int(lz["n_with_data"][j, a]),
                )
            )
    n_scored = int((cp.weight > 0).sum())
    for a, area in enumerate(cube.areas):
        n_data = int(((cp.weight > 0) & ~np.isnan(att[:, a])).sum())
        rows.append(
            ("overall", "", "overall", area, o["score"][a], o["coverage"][a], n_scored, n_data)
        )
    names = ["level", "lens", "key", "area", "score", "coverage", "n_scored", "n_with_data"]
    cols = list(zip(*rows, strict=True))
    table = Table(
        {
            name: np.array(col, dtype=object if j < 4 else float if j < 6 else np.int64)
            for j, (name, col) in enumerate(zip(names, cols, strict=True))
        },
        names,
    )
    return table, eff
