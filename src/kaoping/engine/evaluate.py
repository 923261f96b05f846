"""evaluate(plan, observations, as_of, options) → Evaluation. Pure: no I/O, no globals."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import numpy as np

from .aggregate import effective_weights, overall, weighted_scores
from .compile import CompiledPlan, compile_plan
from .constraints import check_every_year
from .cube import Cube, Rows, code_rows, fill_cube, take
from .frames import constraint_frame, indicator_frame, merge_tables, milestones
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

# a cube of more cells is evaluated by ranges of areas, one range at a time: the same
# result, with the memory of one range's cube and its intermediate arrays
CHUNK_CELLS = 1 << 20


def evaluate(
    plan: Plan,
    observations: Any,
    as_of: int | None = None,
    options: Options | None = None,
    verdicts: Any = None,
    compiled: CompiledPlan | None = None,
    *,
    chunk_cells: int = CHUNK_CELLS,
) -> Evaluation:
    """Evaluate ``plan`` on ``observations`` (columns indicator, area, year, value) as of a year.

    Optional columns: ``censor`` ('>' a lower bound, '<' an upper bound), ``break`` (the first
    value on a new statistical basis; or a ``flags`` column naming ``break``) and
    ``previous_basis`` (that year's value on the old basis). ``verdicts`` (columns target,
    area, year, verdict, evidence) judge qualitative targets and the plan's steps.
    ``compiled`` may be passed to reuse a compiled plan; a plan loaded from a file (one
    with a version) is compiled once and reused while the plan object lives. The areas are
    taken in ranges of at most ``chunk_cells`` cells (indicators × areas × years) each;
    every range size gives the same evaluation.
    """
    opts = options or Options.from_plan(plan)
    opts.check()
    as_of = plan.period.end if as_of is None else int(as_of)
    cp = compiled or compiled_plan(plan)
    rows = code_rows(cp, observations, as_of, opts.baseline_window)
    n_areas = len(rows.areas)
    step = max(1, chunk_cells // max(1, cp.n * rows.n_years))
    parts = [
        _evaluate_areas(cp, rows, lo, min(lo + step, n_areas), as_of, opts)
        for lo in range(0, n_areas, step)
    ]
    del rows
    core = _merge_core([p[0] for p in parts])
    areas, y0 = [a for p in parts for a in p[5]], parts[0][4]
    tables = [merge_tables([p[j] for p in parts]) for j in (1, 2, 3)]
    del parts
    apply_every_year(cp, core, as_of - y0, y0)
    apply_schedule(cp, core, y0)
    apply_stale(cp, core, as_of - y0, opts)
    apply_verdicts(cp, areas, y0, core, verdicts, as_of)
    scores, eff = _scores(cp, areas, core, opts)
    core["weight_effective"] = eff
    return Evaluation(
        plan_id=plan.id,
        plan_version=plan.version,
        as_of=as_of,
        options=opts,
        areas=areas,
        indicator_table=indicator_frame(cp, areas, y0, core, as_of),
        milestone_table=tables[0],
        constraint_table=tables[1],
        score_table=scores,
        step_table=steps(plan, verdicts, as_of),
        schedule_table=tables[2],
        meta={"thresholds": opts.thresholds, "first_year": y0},
    )


def _merge_core(cores: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The per (indicator, area) results of consecutive ranges of areas, side by side (each
    range's arrays are let go as soon as they are joined)."""
    if len(cores) == 1:
        return cores[0]
    return {k: np.concatenate([c.pop(k) for c in cores], axis=1) for k in list(cores[0])}


def _evaluate_areas(cp: CompiledPlan, rows: Rows, lo: int, hi: int, as_of: int, opts: Options):
    """Everything that reads the cube, for the areas ``lo``..``hi - 1``: the per (indicator,
    area) results and the rows of the milestone, constraint and schedule tables."""
    cube = prepare(cp, fill_cube(cp, rows, lo, hi))
    core = indicators(cp, cube, opts)
    _series_columns(cube, core)
    ev = check_every_year(
        cp.every, cube.values, cube.y0, as_of, cp.rate, cube.censor, cube.unlinked
    )
    core.update(_every_year_summary(cp, ev, as_of - cube.y0))
    sched, sched_table, sched_key = check_schedule(cp, cube, as_of, opts)
    core.update(sched)
    mile = milestones(cp, cube, core, as_of)
    cons = constraint_frame(cp, cube, ev)
    del ev
    core = {k: v for k, v in core.items() if not k.startswith("_")}
    return core, mile, cons, (sched_table, sched_key), cube.y0, cube.areas


# compiled plans of versioned plan objects (a version is the content hash of the plan
# file), the most recently used first out: a bounded cache of pure results
_COMPILED: OrderedDict[int, tuple[weakref.ref, str, CompiledPlan]] = OrderedDict()
_COMPILED_MAX = 8
_COMPILED_LOCK = threading.Lock()


def compiled_plan(plan: Plan) -> CompiledPlan:
    """The plan compiled, reused for the same plan object and version. A plan without a
    version (built in code, which may change it) is compiled on every call."""
    version = plan.version
    if not version:
        return compile_plan(plan)
    key = id(plan)
    with _COMPILED_LOCK:
        hit = _COMPILED.get(key)
        if hit is not None and hit[0]() is plan and hit[1] == version:
            _COMPILED.move_to_end(key)
            return hit[2]
    cp = compile_plan(plan)
    with _COMPILED_LOCK:
        _COMPILED[key] = (weakref.ref(plan), version, cp)
        _COMPILED.move_to_end(key)
        while len(_COMPILED) > _COMPILED_MAX:
            _COMPILED.popitem(last=False)
    return cp


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


def _scores(cp: CompiledPlan, areas: list[str], core: dict, opts: Options):
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
        for a, area in enumerate(areas):
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
        for a, area in enumerate(areas):
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
    for a, area in enumerate(areas):
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
