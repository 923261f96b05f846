"""Each indicator's final target against its latest value: measure, attainment, expected
path, pace and status (docs/methods.md §1–§7), vectorised over (indicator, area).

An all-of target (§16) is evaluated once per condition; the worst condition decides.
"""

from __future__ import annotations

import numpy as np

from .compile import GROWTH, K_TARGET, CompiledPlan, TargetArrays
from .cube import Cube, baseline, latest_index, take
from .measures import (
    attainment,
    band,
    base_edge,
    completion,
    inside,
    inside_censored,
    level_of,
    measure,
)
from .options import Options
from .pace import path_value, project, rates, trend_fit, year_reached
from .series import (
    censor_for,
    geometric_for,
    on_index,
    reference_point,
    restart,
    values_for,
)
from .status import deadband, pace_status
from .status import year_reached as first_met_year

# how good a status is, for the worst condition of an all-of target
RANK = {
    "no_data": 0,
    "regressing": 1,
    "lagging": 2,
    "on_track": 3,
    "ahead": 4,
    "achieved_early": 5,
    "achieved": 5,
}


def base_measure(ta: TargetArrays, x0, t0, xr, tr) -> np.ndarray:
    m0 = measure(ta.measure[:, None], x0, t0, xr, tr)
    return np.where(ta.measure[:, None] == GROWTH, 0.0, m0)


def slot_level(ta: TargetArrays, cube: Cube, values, x0, t0, tl) -> np.ndarray:
    """A target's edge seen from the baseline, as a level in its target year (NaN if met)."""
    xr, tr, _ = reference_point(ta, cube, values, x0, t0)
    lo, hi = band(ta, cube.lev, tl, tr, cube.values)
    m0 = base_measure(ta, x0, t0, xr, tr)
    e0 = base_edge(m0, lo, hi)
    t_year = np.broadcast_to((ta.year - cube.y0)[:, None], x0.shape)
    return level_of(ta.measure[:, None], e0, t_year, xr, tr)


def indicators(cp: CompiledPlan, cube: Cube, opts: Options) -> dict[str, np.ndarray]:
    """The final target of every indicator; all-of targets combined over their conditions."""
    tl = latest_index(cube.values)
    core = target_core(cp, cube, cp.final, cp.early, tl, opts)
    shape = tl.shape
    n_cond = np.where(cp.final.present, 1, 0)
    for ta in cp.conditions:
        n_cond = n_cond + ta.present
    core["conditions"] = np.broadcast_to(n_cond[:, None], shape).astype(np.int64)
    core["conditions_met"] = np.where(core["conditions"] > 0, core["met"], False).astype(np.int64)
    core["condition_statuses"] = np.full(shape, "", dtype=object)
    core["deciding_condition"] = np.zeros(shape, np.int64)
    if cp.conditions:
        cores = [core]
        for ta, early in zip(cp.conditions, cp.conditions_early, strict=True):
            cores.append(target_core(cp, cube, ta, early, tl, opts))
        core = combine(cp, cores)
    return core


def combine(cp: CompiledPlan, cores: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """All-of: met iff every condition is met, attainment the least, and the status (with its
    numbers) of the worst condition, the first of equals."""
    shape = cores[0]["status"].shape
    present = [np.ones(shape, bool)] + [
        np.broadcast_to(ta.present[:, None], shape) for ta in cp.conditions
    ]
    ranks = []
    for c, p in zip(cores, present, strict=True):
        r = np.full(shape, 99)
        for name, value in RANK.items():
            r[c["status"] == name] = value
        ranks.append(np.where(p, r, 100))
    decide = np.argmin(np.stack(ranks), axis=0)
    out: dict[str, np.ndarray] = {}
    for key, first in cores[0].items():
        if key.startswith("_") or key not in cores[1]:
            # the milestones follow the first condition's path
            out[key] = first
            continue
        stack = np.stack([np.broadcast_to(c[key], first.shape) for c in cores])
        index = decide.reshape(1, *shape, *([1] * (first.ndim - len(shape))))
        index = np.broadcast_to(index, (1, *first.shape))
        out[key] = np.take_along_axis(stack, index, axis=0)[0]
    pairs = list(zip(cores, present, strict=True))
    att = np.stack([np.where(p, c["attainment"], np.inf) for c, p in pairs])
    out["attainment"] = np.min(att, axis=0)
    out["attainment"] = np.where(np.isinf(out["attainment"]), np.nan, out["attainment"])
    # the formula of the attainment is that of the condition that gives it
    least = np.argmin(np.where(np.isnan(att), -1.0, att), axis=0)
    used = np.stack([c["method_used"] for c in cores])
    out["method_used"] = np.take_along_axis(used, least[None], axis=0)[0]
    mets = [np.where(p, c["met"], True) for c, p in zip(cores, present, strict=True)]
    out["met"] = np.logical_and.reduce(mets) & (cores[0]["conditions"] > 0)
    out["conditions_met"] = sum(
        (p & c["met"]).astype(np.int64) for c, p in zip(cores, present, strict=True)
    )
    statuses = cores[0]["status"].astype(object)
    for c, p in zip(cores[1:], present[1:], strict=True):
        statuses = np.where(p, statuses + "; " + c["status"].astype(object), statuses)
    many = out["conditions"] > 1
    out["condition_statuses"] = np.where(many, statuses, "").astype(object)
    out["deciding_condition"] = np.where(many, decide + 1, 0).astype(np.int64)
    return out


def target_core(
    cp: CompiledPlan,
    cube: Cube,
    F: TargetArrays,
    early_ok: np.ndarray,
    tl: np.ndarray,
    opts: Options,
) -> dict[str, np.ndarray]:
    V = values_for(cp, cube, F)
    geo = geometric_for(cp, F)
    index_rows = on_index(cp, F)
    x0, t0, nearby = baseline(cp, cube, opts.baseline_window, V, ~index_rows)
    x0, t0, nearby, moved = restart(cube, V, x0, t0, nearby)
    x = take(V, tl)
    xr, tr, broken = reference_point(F, cube, V, x0, t0)
    m = measure(F.measure[:, None], x, tl, xr, tr)
    m0 = base_measure(F, x0, t0, xr, tr)
    lo, hi = band(F, cube.lev, tl, tr, cube.values)
    C = censor_for(cp, cube, F)
    c = None if C is None else np.nan_to_num(take(C, tl)).astype(np.int8)
    strict = (F.lo_strict[:, None], F.hi_strict[:, None], F.exact[:, None])
    met, at_bound = inside_censored(m, lo, hi, *strict, c)
    att, used = attainment(opts.attainment, m, m0, lo, hi, at_bound, cp.goal_worst, cp.goal_best)
    comp = completion(m, m0, lo, hi)
    e0 = base_edge(m0, lo, hi)
    T = np.broadcast_to((F.year - cube.y0)[:, None], x.shape).astype(float)
    target_x = level_of(F.measure[:, None], e0, T, xr, tr)

    # the expected path through the baseline and every target's level (piecewise); the
    # final's own slot is this target, and a slot on another series (the published rate
    # against the chained index) is left out
    k = len(cp.targets)
    knot_t = np.full((*x.shape, k + 1), np.nan)
    knot_x = np.full((*x.shape, k + 1), np.nan)
    knot_t[..., 0] = np.where(t0 >= 0, t0, np.nan)
    knot_x[..., 0] = x0
    for j, slot in enumerate(cp.targets):
        own = (slot.present & F.present & (slot.year == F.year))[:, None]
        lvl = np.where(own, target_x, slot_level(slot, cube, V, x0, t0, tl))
        same = (on_index(cp, slot) == index_rows)[:, None]
        ty = np.broadcast_to((slot.year - cube.y0)[:, None], x.shape).astype(float)
        ok = slot.present[:, None] & same & (ty > t0) & np.isfinite(lvl)
        knot_t[..., j + 1] = np.where(ok, ty, np.nan)
        knot_x[..., j + 1] = np.where(ok, lvl, np.nan)
    order = np.argsort(np.where(np.isnan(knot_t), np.inf, knot_t), axis=2, kind="stable")
    knot_t = np.take_along_axis(knot_t, order, axis=2)
    knot_x = np.take_along_axis(knot_x, order, axis=2)
    expected = path_value(knot_t, knot_x, geo, tl.astype(float))

    with np.errstate(divide="ignore", invalid="ignore"):
        progress = (x - x0) / (target_x - x0)
        progress_ratio = np.where((tl > t0) & (expected != x0), (x - x0) / (expected - x0), np.nan)
    r = rates(x0, t0.astype(float), x, tl.astype(float), target_x, T, geo)
    pace = progress_ratio if opts.thresholds.measure == "progress" else r["rate_ratio"]

    icpt, slope, geo_fit = trend_fit(V, t0, tl, x0, geo)
    proj_x = project(icpt, slope, geo_fit, T)
    proj_m = measure(F.measure[:, None], proj_x, T, xr, tr)
    proj_met = inside(proj_m, lo, hi, *strict)
    reach = year_reached(icpt, slope, geo_fit, target_x)
    toward = np.sign(slope) == np.sign(target_x - x)
    reach = np.where(toward & np.isfinite(reach), np.maximum(reach, tl), np.nan)
    reach = np.where(met, np.nan, reach)
    reached = first_met_year(cp, V, tl, xr, tr, met, F, cube.lev, cube.values)

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
    reason[no_pace & ~passed & moved] = "series_break"
    # once the target year has passed an unmet target cannot be on track
    late = np.isin(status, ("ahead", "on_track")) & passed & ~met
    status[late] = "lagging"
    reason[late] = "target_year_passed"
    status[maintain & ~met] = "regressing"
    reason[maintain] = "baseline_met_target"
    # met: achieved from the target year on; before it, early for a level target, and on
    # pace (at least on track) for growth, change and relative targets
    early = np.broadcast_to(early_ok[:, None], x.shape)
    final = met & passed
    early_met = met & ~passed & early
    on_pace = met & ~passed & ~early
    status[final] = "achieved"
    reason[final] = ""
    status[early_met] = "achieved_early"
    reason[early_met] = ""
    status[on_pace] = np.where(status[on_pace] == "ahead", "ahead", "on_track")
    reason[on_pace] = "met_before_target_year"
    status[~has_value] = "no_data"
    reason[np.isnan(x)] = "no_value"
    reason[~np.isnan(x) & ~has_value] = np.where(
        np.isnan(xr[~np.isnan(x) & ~has_value]), "no_reference_value", "no_value_for_reference"
    )
    reason[~np.isnan(x) & broken] = "series_break"
    not_target = np.broadcast_to(cp.kind[:, None] != K_TARGET, x.shape) | ~F.present[:, None]
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

    idx = index_rows[:, None]
    return {
        "base_value": _shown_base(cp, cube, idx, x0, t0),
        "base_year": t0,
        "base_nearby": nearby,
        "latest_value": take(cube.values, tl),
        "latest_year": tl,
        "index_base": np.where(idx, x0, np.nan),
        "index_latest": np.where(idx, x, np.nan),
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
        "_target_level": target_x,
        "_base_value": x0,
        "_base_year": t0,
    }


def _shown_base(cp: CompiledPlan, cube: Cube, idx: np.ndarray, x0, t0) -> np.ndarray:
    """The baseline as shown: for a target on the chained index, the published rate of the
    baseline year (the plan's own baseline, a rate, where it gives one for that year)."""
    if not idx.any():
        return x0
    shown = take(cube.values, t0)
    if cube.area0 != 0:  # the plan's baseline is the default area's
        return np.where(idx, shown, x0)
    given = ~np.isnan(cp.baseline_value)
    plan_year = cp.baseline_year - cube.y0
    own = given & (plan_year == t0[:, 0])
    shown[own, 0] = cp.baseline_value[own]
    return np.where(idx, shown, x0)
