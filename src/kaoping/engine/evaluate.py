"""evaluate(plan, observations, as_of, options) → Evaluation. Pure: no I/O, no globals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import UsageError
from .aggregate import effective_weights, overall, weighted_scores
from .compile import (
    GROWTH,
    K_MONITOR,
    K_QUALITATIVE,
    K_TARGET,
    KIND_NAMES,
    MEASURE_NAMES,
    CompiledPlan,
    TargetArrays,
    compile_plan,
)
from .constraints import check_every_year
from .cube import Cube, baseline, build_cube, latest_index, take
from .measures import (
    METHOD_NAMES,
    attainment,
    band,
    base_edge,
    completion,
    inside,
    level_of,
    measure,
)
from .options import Options
from .pace import path_value, project, rates, trend_fit, year_reached
from .result import Evaluation
from .status import apply_every_year, apply_stale, deadband, pace_status
from .status import year_reached as first_met_year
from .table import Table

if TYPE_CHECKING:
    from ..plan.model import Plan

# the verdicts a qualitative target or a step can be given (as kaoping.data.verdicts)
VERDICTS = ("achieved", "achieved_early", "ahead", "on_track", "lagging", "regressing")


def evaluate(
    plan: Plan,
    observations: Any,
    as_of: int | None = None,
    options: Options | None = None,
    verdicts: Any = None,
    compiled: CompiledPlan | None = None,
) -> Evaluation:
    """Evaluate ``plan`` on ``observations`` (columns indicator, area, year, value) as of a year.

    ``verdicts`` (columns target, area, year, verdict, evidence) judge qualitative
    targets and the plan's steps. ``compiled`` may be passed to reuse a compiled plan.
    """
    opts = options or Options.from_plan(plan)
    opts.check()
    as_of = plan.period.end if as_of is None else int(as_of)
    cp = compiled or compile_plan(plan)
    cube = build_cube(cp, observations, as_of, opts.baseline_window)
    core = _indicators(cp, cube, as_of, opts)
    ev = check_every_year(cp.every, cube.values, cube.y0, as_of)
    core.update(_every_year_summary(cp, ev, as_of - cube.y0))
    apply_every_year(cp, core, as_of - cube.y0, cube.y0)
    apply_stale(cp, core, as_of - cube.y0, opts)
    _apply_verdicts(plan, cp, cube, core, verdicts, as_of)
    scores, eff = _scores(cp, cube, core, opts)
    core["weight_effective"] = eff
    indicators = _indicator_frame(plan, cp, cube, core, as_of)
    return Evaluation(
        plan_id=plan.id,
        plan_version=plan.version,
        as_of=as_of,
        options=opts,
        areas=cube.areas,
        indicator_table=indicators,
        milestone_table=_milestones(cp, cube, core, as_of),
        constraint_table=_constraint_frame(cp, cube, ev),
        score_table=scores,
        step_table=_steps(plan, verdicts, as_of),
        meta={"thresholds": opts.thresholds, "first_year": cube.y0},
    )


def _reference_point(ta: TargetArrays, cube: Cube, x0, t0):
    """The value and year index that change and growth are measured against."""
    has = ta.ref_year[:, None] >= 0
    tr = np.where(has, ta.ref_year[:, None] - cube.y0, t0)
    xr = np.where(has, take(cube.values, tr), x0)
    return xr, tr


def _base_measure(ta: TargetArrays, x0, t0, xr, tr):
    m0 = measure(ta.measure[:, None], x0, t0, xr, tr)
    return np.where(ta.measure[:, None] == GROWTH, 0.0, m0)


def _slot_level(ta: TargetArrays, cube: Cube, x0, t0, tl):
    """A target's edge seen from the baseline, as a level in its target year (NaN if met)."""
    xr, tr = _reference_point(ta, cube, x0, t0)
    lo, hi = band(ta, cube.values, tl, tr)
    m0 = _base_measure(ta, x0, t0, xr, tr)
    e0 = base_edge(m0, lo, hi)
    t_year = np.broadcast_to((ta.year - cube.y0)[:, None], x0.shape)
    return level_of(ta.measure[:, None], e0, t_year, xr, tr)


def _indicators(cp: CompiledPlan, cube: Cube, as_of: int, opts: Options) -> dict[str, np.ndarray]:
    V = cube.values
    x0, t0, nearby = baseline(cp, cube, opts.baseline_window)
    tl = latest_index(V)
    x = take(V, tl)
    F = cp.final
    xr, tr = _reference_point(F, cube, x0, t0)
    m = measure(F.measure[:, None], x, tl, xr, tr)
    m0 = _base_measure(F, x0, t0, xr, tr)
    lo, hi = band(F, V, tl, tr)
    met = inside(m, lo, hi, F.lo_strict[:, None], F.hi_strict[:, None], F.exact[:, None])
    att, used = attainment(opts.attainment, m, m0, lo, hi, met, cp.goal_worst, cp.goal_best)
    comp = completion(m, m0, lo, hi)
    e0 = base_edge(m0, lo, hi)
    T = np.broadcast_to((F.year - cube.y0)[:, None], x.shape).astype(float)
    target_x = level_of(F.measure[:, None], e0, T, xr, tr)

    # the expected path through the baseline and every target's level (piecewise)
    k = len(cp.targets)
    knot_t = np.full((*x.shape, k + 1), np.nan)
    knot_x = np.full((*x.shape, k + 1), np.nan)
    knot_t[..., 0] = np.where(t0 >= 0, t0, np.nan)
    knot_x[..., 0] = x0
    for j, slot in enumerate(cp.targets):
        lvl = _slot_level(slot, cube, x0, t0, tl)
        ty = np.broadcast_to((slot.year - cube.y0)[:, None], x.shape).astype(float)
        ok = slot.present[:, None] & (ty > t0) & np.isfinite(lvl)
        knot_t[..., j + 1] = np.where(ok, ty, np.nan)
        knot_x[..., j + 1] = np.where(ok, lvl, np.nan)
    order = np.argsort(np.where(np.isnan(knot_t), np.inf, knot_t), axis=2, kind="stable")
    knot_t = np.take_along_axis(knot_t, order, axis=2)
    knot_x = np.take_along_axis(knot_x, order, axis=2)
    expected = path_value(knot_t, knot_x, cp.geometric, tl.astype(float))

    with np.errstate(divide="ignore", invalid="ignore"):
        progress = (x - x0) / (target_x - x0)
        progress_ratio = np.where((tl > t0) & (expected != x0), (x - x0) / (expected - x0), np.nan)
    r = rates(x0, t0.astype(float), x, tl.astype(float), target_x, T, cp.geometric)
    pace = progress_ratio if opts.thresholds.measure == "progress" else r["rate_ratio"]

    icpt, slope, geo = trend_fit(V, t0, tl, x0, cp.geometric)
    proj_x = project(icpt, slope, geo, T)
    proj_m = measure(F.measure[:, None], proj_x, T, xr, tr)
    proj_met = inside(proj_m, lo, hi, F.lo_strict[:, None], F.hi_strict[:, None], F.exact[:, None])
    reach = year_reached(icpt, slope, geo, target_x)
    toward = np.sign(slope) == np.sign(target_x - x)
    reach = np.where(toward & np.isfinite(reach), np.maximum(reach, tl), np.nan)
    reach = np.where(met, np.nan, reach)
    reached = first_met_year(cp, V, tl, xr, tr, met)

    # status (docs/methods.md §7)
    # a NaN bound means the referenced indicator has no value: nothing to compare with
    has_value = ~np.isnan(m) & ~np.isnan(lo) & ~np.isnan(hi)
    att = np.where(has_value, att, np.nan)
    comp = np.where(has_value, comp, np.nan)
    maintain = ~np.isnan(x0) & np.isnan(e0) & has_value
    d = deadband(cp, opts, expected)
    status, band_label, reason = pace_status(
        pace,
        opts,
        x=x,
        x0=x0,
        expected=expected,
        target_x=target_x,
        d=d,
        has_pace_span=(tl > t0) & (t0 >= 0),
    )
    judged = status != "no_data"
    no_pace = ~judged & has_value
    passed = tl >= T
    status[no_pace & passed] = "lagging"
    reason[no_pace & passed] = "target_year_passed"
    reason[no_pace & ~passed & np.isnan(x0)] = "no_baseline"
    reason[no_pace & ~passed & ~np.isnan(x0)] = "no_later_value"
    # once the target year has passed an unmet target cannot be on track
    late = np.isin(status, ("ahead", "on_track")) & passed & ~met
    status[late] = "lagging"
    reason[late] = "target_year_passed"
    status[maintain & ~met] = "regressing"
    reason[maintain] = "baseline_met_target"
    # met: achieved from the target year on; before it, early for a level target, and on
    # pace (at least on track) for growth, change and relative targets
    early = np.broadcast_to(cp.early[:, None], x.shape)
    final = met & passed
    early_ok = met & ~passed & early
    on_pace = met & ~passed & ~early
    status[final] = "achieved"
    reason[final] = ""
    status[early_ok] = "achieved_early"
    reason[early_ok] = ""
    status[on_pace] = np.where(status[on_pace] == "ahead", "ahead", "on_track")
    reason[on_pace] = "met_before_target_year"
    status[~has_value] = "no_data"
    reason[np.isnan(x)] = "no_value"
    reason[~np.isnan(x) & ~has_value] = np.where(
        np.isnan(xr[~np.isnan(x) & ~has_value]), "no_reference_value", "no_value_for_reference"
    )
    not_target = np.broadcast_to(cp.kind[:, None] != K_TARGET, x.shape)
    for arr in (status, reason, band_label):
        arr[not_target] = ""
    # indicators without a level/change/growth target have none of these numbers
    for arr in (
        att,
        comp,
        lo,
        hi,
        target_x,
        expected,
        progress,
        progress_ratio,
        pace,
        proj_x,
        reach,
        reached,
        m,
        m0,
    ):
        arr[not_target] = np.nan
    for arr in (r["observed_rate"], r["required_rate"], r["required_rate_now"], r["rate_ratio"]):
        arr[not_target] = np.nan
    met = met & ~not_target
    proj_met = proj_met & ~not_target

    with np.errstate(invalid="ignore"):
        sdir = np.where(cp.direction[:, None] != 0, cp.direction[:, None], np.sign(target_x - x0))
        trend = np.where(
            np.isnan(slope),
            "",
            np.where(
                slope * sdir > 0, "improving", np.where(slope * sdir < 0, "worsening", "stable")
            ),
        )
        trend = np.where((sdir == 0) & ~np.isnan(slope), "", trend)

    return {
        "base_value": x0,
        "base_year": t0,
        "base_nearby": nearby,
        "latest_value": x,
        "latest_year": tl,
        "measure_value": m,
        "base_measure": m0,
        "target_lo": lo,
        "target_hi": hi,
        "met": met & has_value,
        "attainment": att,
        "method_used": used,
        "completion": comp,
        "target_level": target_x,
        "expected_value": expected,
        "progress": progress,
        "progress_ratio": progress_ratio,
        "pace": pace,
        "pace_band": band_label,
        "observed_rate": r["observed_rate"],
        "required_rate": r["required_rate"],
        "required_rate_now": r["required_rate_now"],
        "rate_ratio": r["rate_ratio"],
        "compound": r["compound"],
        "projected_value": proj_x,
        "projected_met": proj_met & ~np.isnan(proj_x),
        "projected_year": reach,
        "year_reached": reached,
        "trend": trend.astype(object),
        "slope": slope,
        "status": status,
        "reason": reason,
        "_knot_t": knot_t,
        "_knot_x": knot_x,
    }


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


def _apply_verdicts(
    plan: Plan, cp: CompiledPlan, cube: Cube, core: dict, verdicts, as_of: int
) -> None:
    qual = np.broadcast_to((cp.kind == K_QUALITATIVE)[:, None], core["status"].shape)
    mon = np.broadcast_to((cp.kind == K_MONITOR)[:, None], core["status"].shape)
    core["status"] = np.where(mon, "monitoring", core["status"])
    status = np.where(qual, "no_data", core["status"]).astype(object)
    reason = np.where(qual, "no_verdict", core["reason"]).astype(object)
    evidence = np.full(status.shape, "", dtype=object)
    vyear = np.full(status.shape, -1, dtype=np.int64)
    aindex = {a: j for j, a in enumerate(cube.areas)}
    for row in _latest_verdicts(verdicts, cube.areas[0], as_of):
        i, a = cp.index.get(row["target"]), aindex.get(row["area"])
        if i is None or a is None or cp.kind[i] != K_QUALITATIVE:
            continue
        verdict = str(row["verdict"])
        if verdict not in VERDICTS:
            raise UsageError(
                f"verdict {verdict!r} for {row['target']} is not one of {', '.join(VERDICTS)}"
            )
        status[i, a] = verdict
        reason[i, a] = ""
        evidence[i, a] = str(row.get("evidence") or "")
        vyear[i, a] = int(row["year"]) - cube.y0
    core["status"] = status
    core["reason"] = reason
    core["evidence"] = evidence
    core["verdict_year"] = vyear


def _verdict_rows(verdicts: Any, default_area: str) -> list[dict]:
    """Verdict records (target, area, year, verdict, evidence) from any table form."""
    if verdicts is None:
        return []
    if isinstance(verdicts, list):
        rows = [dict(r) for r in verdicts]
    elif hasattr(verdicts, "to_dict"):
        rows = verdicts.to_dict("records")
    else:
        rows = Table(verdicts).rows()
    for r in rows:
        if not r.get("area") or r.get("area") != r.get("area"):
            r["area"] = default_area
    return rows


def _latest_verdicts(verdicts: Any, default_area: str, as_of: int) -> list[dict]:
    """The latest verdict up to ``as_of`` per (target, area)."""
    latest: dict[tuple[str, str], dict] = {}
    for r in sorted(_verdict_rows(verdicts, default_area), key=lambda r: int(r["year"])):
        if int(r["year"]) <= as_of:
            latest[(r["target"], r["area"])] = r
    return list(latest.values())


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


def _year_col(idx: np.ndarray, y0: int) -> np.ndarray:
    """Year indices as calendar years (float, NaN for none)."""
    idx = np.asarray(idx, dtype=float)
    return np.where(idx >= 0, idx + y0, np.nan)


def _indicator_frame(plan: Plan, cp: CompiledPlan, cube: Cube, core: dict, as_of: int) -> Table:
    n_i, n_a = core["latest_value"].shape
    flat = lambda a: np.asarray(a).reshape(n_i * n_a)  # noqa: E731
    per_ind = lambda a: np.repeat(np.asarray(a, dtype=object), n_a)  # noqa: E731
    target_text, target_year = [], []
    for ind in plan.indicators:
        quant = [t for t in ind.quantitative if not t.parsed.every_year]  # type: ignore[union-attr]
        every = [t for t in ind.quantitative if t.parsed.every_year]  # type: ignore[union-attr]
        spec = (
            quant[-1]
            if quant
            else every[-1]
            if every
            else (ind.targets[-1] if ind.targets else None)
        )
        target_text.append("" if spec is None else (spec.expr or "qualitative"))
        target_year.append(spec.year if spec is not None else None)
    y0 = cube.y0
    df: dict[str, np.ndarray] = dict(
        {
            "indicator": per_ind(cp.keys),
            "area": np.tile(np.asarray(cube.areas, dtype=object), n_i),
            "group": per_ind([cp.group_keys[g] for g in cp.group]),
            "kind": per_ind([KIND_NAMES[k] for k in cp.kind]),
            "measure": per_ind(
                [
                    MEASURE_NAMES[m] if cp.final.present[i] else ""
                    for i, m in enumerate(cp.final.measure)
                ]
            ),
            "target": per_ind(target_text),
            "target_year": np.repeat(np.array(target_year, dtype=float), n_a),
            "base_year": _year_col(flat(core["base_year"]), y0),
            "base_value": flat(core["base_value"]),
            "base_nearby": flat(core["base_nearby"]),
            "latest_year": _year_col(flat(core["latest_year"]), y0),
            "latest_value": flat(core["latest_value"]),
        }
    )
    for col in (
        "measure_value",
        "target_lo",
        "target_hi",
        "target_level",
        "attainment",
        "completion",
        "expected_value",
        "progress",
        "progress_ratio",
        "pace",
        "observed_rate",
        "required_rate",
        "required_rate_now",
        "rate_ratio",
        "projected_value",
        "slope",
        "constraint_share",
        "weight_effective",
    ):
        df[col] = flat(core[col]).astype(float)
    df["met"] = flat(core["met"]).astype(bool)
    df["compound"] = flat(core["compound"]).astype(bool)
    df["projected_met"] = flat(core["projected_met"]).astype(bool)
    names = np.array(METHOD_NAMES, dtype=object)
    df["method_used"] = np.where(
        np.isnan(flat(core["attainment"]).astype(float)),
        "",
        names[flat(core["method_used"]).astype(int)],
    ).astype(object)
    py = flat(core["projected_year"]).astype(float)
    df["projected_year"] = np.where(np.isfinite(py), np.ceil(py - 1e-9) + y0, np.nan)
    df["year_reached"] = _year_col(np.nan_to_num(flat(core["year_reached"]), nan=-1), y0)
    df["data_age"] = as_of - df["latest_year"]
    df["stale"] = flat(core["stale"]).astype(bool)
    df["years_checked"] = flat(core["years_checked"]).astype(int)
    df["years_held"] = flat(core["years_held"]).astype(int)
    df["constraint_last_year"] = _year_col(flat(core["constraint_last_year"]), y0)
    df["constraint_last_held"] = flat(core["constraint_last_held"]).astype(bool)
    df["verdict_year"] = _year_col(flat(core["verdict_year"]), y0)
    for col in ("pace_band", "trend", "status", "reason", "evidence"):
        df[col] = flat(core[col]).astype(object)
    return Table(df)


def _milestones(cp: CompiledPlan, cube: Cube, core: dict, as_of: int) -> Table:
    """Expected and observed values at each milestone year up to the as-of year."""
    years = set(cp.milestone_years)
    for slot in cp.targets:
        years.update(int(y) for y in slot.year[slot.present])
    years = sorted(y for y in years if cp.base_year < y <= as_of)
    V = cube.values
    n_i, n_a = core["latest_value"].shape
    x0, t0 = core["base_value"], core["base_year"]
    frames = []
    target_rows = np.broadcast_to((cp.kind == K_TARGET)[:, None], (n_i, n_a))
    for y in years:
        yi = np.full((n_i, n_a), y - cube.y0)
        obs = take(V, yi) if y - cube.y0 < V.shape[2] else np.full((n_i, n_a), np.nan)
        exp = path_value(core["_knot_t"], core["_knot_x"], cp.geometric, yi.astype(float))
        sdir = np.sign(core["target_level"] - x0)
        with np.errstate(invalid="ignore"):
            met = sdir * (obs - exp) >= -1e-9 * np.maximum(1, np.abs(exp))
        explicit = np.zeros((n_i, n_a), bool)
        for slot in cp.targets:
            here = (slot.present & (slot.year == y))[:, None] & np.ones((1, n_a), bool)
            if not here.any():
                continue
            xr_has = slot.ref_year[:, None] >= 0
            tr = np.where(xr_has, slot.ref_year[:, None] - cube.y0, t0)
            xr = np.where(xr_has, take(V, tr), x0)
            lo, hi = band(slot, V, yi, tr)
            ms = measure(slot.measure[:, None], obs, yi, xr, tr)
            ok = inside(
                ms, lo, hi, slot.lo_strict[:, None], slot.hi_strict[:, None], slot.exact[:, None]
            )
            met = np.where(here, ok, met)
            lvl = _slot_level(slot, cube, x0, t0, yi)
            finite_lo, finite_hi = np.isfinite(lo), np.isfinite(hi)
            with np.errstate(invalid="ignore"):
                mid = (lo + hi) / 2
            edge = np.where(finite_lo & finite_hi, mid, np.where(finite_lo, lo, hi))
            edge = level_of(slot.measure[:, None], edge, yi, xr, tr)
            exp = np.where(here, np.where(np.isfinite(lvl), lvl, edge), exp)
            explicit |= here
        keep = target_rows & (explicit | ~np.isnan(exp))
        ii, aa = np.nonzero(keep)
        frames.append(
            {
                "indicator": np.asarray(cp.keys, dtype=object)[ii],
                "area": np.asarray(cube.areas, dtype=object)[aa],
                "year": np.full(len(ii), float(y)),
                "expected": exp[ii, aa],
                "explicit": explicit[ii, aa],
                "observed": obs[ii, aa],
                "met": np.where(np.isnan(obs[ii, aa]), None, met[ii, aa]).astype(object),
            }
        )
    names = ["indicator", "area", "year", "expected", "explicit", "observed", "met"]
    if not frames:
        return Table({n: np.zeros(0, dtype=object) for n in names}, names)
    return Table(
        {
            n: np.concatenate([np.broadcast_to(f[n], len(f["indicator"])) for f in frames])
            for n in names
        },
        names,
    )


def _constraint_frame(cp: CompiledPlan, cube: Cube, ev: dict) -> Table:
    ii, aa, yy = np.nonzero(ev["checked"])
    return Table(
        {
            "indicator": np.asarray(cp.keys, dtype=object)[ii],
            "area": np.asarray(cube.areas, dtype=object)[aa],
            "year": (yy + cube.y0).astype(float),
            "measure": ev["measure"][ii, aa, yy],
            "lo": ev["lo"][ii, aa, yy],
            "hi": ev["hi"][ii, aa, yy],
            "held": ev["held"][ii, aa, yy],
        }
    )


def _steps(plan: Plan, verdicts: Any, as_of: int) -> Table:
    keys = {m.key for m in plan.milestones}
    latest = {
        r["target"]: r
        for r in _latest_verdicts(verdicts, plan.default_area, as_of)
        if r["target"] in keys
    }
    names = [
        "key",
        "year",
        "name_zh",
        "name_en",
        "goal_zh",
        "goal_en",
        "due",
        "verdict",
        "evidence",
    ]
    rows = []
    for m in plan.milestones:
        v = latest.get(m.key, {})
        rows.append(
            [
                m.key,
                float(m.year),
                m.name.zh,
                m.name.en or m.name.zh,
                m.goal.zh,
                m.goal.en or m.goal.zh,
                m.year <= as_of,
                v.get("verdict", "") or "",
                v.get("evidence", "") or "",
            ]
        )
    cols = list(zip(*rows, strict=True)) if rows else [[] for _ in names]
    return Table(
        {
            n: np.array(c, dtype=float if n == "year" else bool if n == "due" else object)
            for n, c in zip(names, cols, strict=True)
        },
        names,
    )
