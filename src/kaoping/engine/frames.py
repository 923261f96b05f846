"""The evaluation's tables: one row per indicator and area, the milestones and the
every-year checks."""

from __future__ import annotations

import numpy as np

from .compile import K_TARGET, KIND_NAMES, MEASURE_NAMES, CompiledPlan
from .cube import Cube, take
from .indicators import slot_level
from .measures import METHOD_NAMES, band, inside_censored, level_of, measure
from .pace import path_value
from .series import censor_for, reference_point, values_for
from .table import Table

OBSERVED_NAMES = {0: "level", 1: "growth", -1: "decline"}


def year_col(idx: np.ndarray, y0: int) -> np.ndarray:
    """Year indices as calendar years (float, NaN for none)."""
    idx = np.asarray(idx, dtype=float)
    return np.where(idx >= 0, idx + y0, np.nan)


def indicator_frame(cp: CompiledPlan, areas: list[str], y0: int, core: dict, as_of: int) -> Table:
    n_i, n_a = core["latest_value"].shape
    flat = lambda a: np.asarray(a).reshape(n_i * n_a)  # noqa: E731
    per_ind = lambda a: np.repeat(np.asarray(a, dtype=object), n_a)  # noqa: E731
    target_text = list(cp.shown_text)
    target_year = np.array(cp.shown_year, dtype=float)
    for i, entries in cp.shown_schedule.items():
        # a schedule-only indicator shows the as-of year's entry, else the latest before it,
        # else the first
        before = [e for e in entries if e[0] <= as_of]
        year, text = before[-1] if before else entries[0]
        target_text[i], target_year[i] = text, year
    df: dict[str, np.ndarray] = dict(
        {
            "indicator": per_ind(cp.keys),
            "area": np.tile(np.asarray(areas, dtype=object), n_i),
            "group": per_ind([cp.group_keys[g] for g in cp.group]),
            "kind": per_ind([KIND_NAMES[k] for k in cp.kind]),
            "measure": per_ind(
                [
                    MEASURE_NAMES[m] if cp.final.present[i] else ""
                    for i, m in enumerate(cp.final.measure)
                ]
            ),
            "target": per_ind(target_text),
            "target_year": np.repeat(target_year, n_a),
            "base_year": year_col(flat(core["base_year"]), y0),
            "base_value": flat(core["base_value"]),
            "base_nearby": flat(core["base_nearby"]),
            "latest_year": year_col(flat(core["latest_year"]), y0),
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
        df[col] = flat(core[col]).astype(float, copy=False)
    df["met"] = flat(core["met"]).astype(bool, copy=False)
    df["compound"] = flat(core["compound"]).astype(bool, copy=False)
    df["projected_met"] = flat(core["projected_met"]).astype(bool, copy=False)
    names = np.array(METHOD_NAMES, dtype=object)
    df["method_used"] = np.where(
        np.isnan(flat(core["attainment"]).astype(float)),
        "",
        names[flat(core["method_used"]).astype(int, copy=False)],
    ).astype(object, copy=False)
    py = flat(core["projected_year"]).astype(float)
    df["projected_year"] = np.where(np.isfinite(py), np.ceil(py - 1e-9) + y0, np.nan)
    df["year_reached"] = year_col(np.nan_to_num(flat(core["year_reached"]), nan=-1), y0)
    df["data_age"] = as_of - df["latest_year"]
    df["stale"] = flat(core["stale"]).astype(bool, copy=False)
    df["years_checked"] = flat(core["years_checked"]).astype(int, copy=False)
    df["years_held"] = flat(core["years_held"]).astype(int, copy=False)
    df["constraint_last_year"] = year_col(flat(core["constraint_last_year"]), y0)
    df["constraint_last_held"] = flat(core["constraint_last_held"]).astype(bool, copy=False)
    df["verdict_year"] = year_col(flat(core["verdict_year"]), y0)
    for col in ("pace_band", "trend", "status", "reason", "evidence"):
        df[col] = flat(core[col]).astype(object, copy=False)
    # issue 9: nature, rates, breaks, bounds, schedules and all-of targets
    df["nature"] = per_ind(cp.nature)
    df["observed"] = per_ind([OBSERVED_NAMES[r] for r in cp.rate])
    df["index_base"] = flat(core["index_base"]).astype(float)
    df["index_latest"] = flat(core["index_latest"]).astype(float)
    df["censor"] = flat(core["censor"]).astype(object, copy=False)
    df["break_year"] = np.where(
        flat(core["break_idx"]) >= 0, flat(core["break_idx"]) + y0, 0
    ).astype(np.int64, copy=False)
    df["rebased"] = flat(core["rebased"]).astype(bool, copy=False)
    df["schedule_met"] = flat(core["schedule_met"]).astype(bool, copy=False)
    df["schedule_years"] = flat(core["schedule_years"]).astype(np.int64, copy=False)
    df["schedule_held"] = flat(core["schedule_held"]).astype(np.int64, copy=False)
    df["schedule_year"] = year_col(flat(core["schedule_year"]), y0)
    df["schedule_target"] = flat(core["schedule_target"]).astype(object, copy=False)
    df["conditions"] = flat(core["conditions"]).astype(np.int64, copy=False)
    df["conditions_met"] = flat(core["conditions_met"]).astype(np.int64, copy=False)
    df["condition_texts"] = per_ind(["; ".join(t) for t in cp.condition_text])
    df["condition_statuses"] = flat(core["condition_statuses"]).astype(object, copy=False)
    df["deciding_condition"] = flat(core["deciding_condition"]).astype(np.int64, copy=False)
    return Table(df)


def milestones(cp: CompiledPlan, cube: Cube, core: dict, as_of: int) -> tuple[Table, np.ndarray]:
    """Expected and observed values at each milestone year up to the as-of year, and each
    row's order without its area (the year's rank, then the indicator: see
    :func:`merge_tables`)."""
    years = set(cp.milestone_years)
    for slot in cp.targets:
        years.update(int(y) for y in slot.year[slot.present])
    years = sorted(y for y in years if cp.base_year < y <= as_of)
    V = values_for(cp, cube, cp.final)
    n_i, n_a = core["latest_value"].shape
    x0, t0 = core["_base_value"], core["_base_year"]
    frames = []
    order = []
    target_rows = np.broadcast_to((cp.kind == K_TARGET)[:, None], (n_i, n_a))
    for y in years:
        yi = np.full((n_i, n_a), y - cube.y0)
        obs = take(V, yi) if y - cube.y0 < V.shape[2] else np.full((n_i, n_a), np.nan)
        exp = path_value(core["_knot_t"], core["_knot_x"], cp.geometric, yi.astype(float))
        sdir = np.sign(core["_target_level"] - x0)
        with np.errstate(invalid="ignore"):
            met = sdir * (obs - exp) >= -1e-9 * np.maximum(1, np.abs(exp))
        explicit = np.zeros((n_i, n_a), bool)
        for slot in cp.targets:
            here = (slot.present & (slot.year == y))[:, None] & np.ones((1, n_a), bool)
            if not here.any():
                continue
            Vs = values_for(cp, cube, slot)
            obs_s = take(Vs, yi) if y - cube.y0 < Vs.shape[2] else np.full((n_i, n_a), np.nan)
            xr, tr, _ = reference_point(slot, cube, Vs, x0, t0)
            lo, hi = band(slot, cube.lev, yi, tr, cube.values)
            ms = measure(slot.measure[:, None], obs_s, yi, xr, tr)
            C = censor_for(cp, cube, slot)
            c = None if C is None else np.nan_to_num(take(C, yi)).astype(np.int8)
            ok, _ = inside_censored(
                ms, lo, hi, slot.lo_strict[:, None], slot.hi_strict[:, None], slot.exact[:, None], c
            )
            met = np.where(here, ok, met)
            obs = np.where(here, obs_s, obs)
            lvl = slot_level(slot, cube, Vs, x0, t0, yi)
            finite_lo, finite_hi = np.isfinite(lo), np.isfinite(hi)
            with np.errstate(invalid="ignore"):
                mid = (lo + hi) / 2
            edge = np.where(finite_lo & finite_hi, mid, np.where(finite_lo, lo, hi))
            edge = level_of(slot.measure[:, None], edge, yi, xr, tr)
            exp = np.where(here, np.where(np.isfinite(lvl), lvl, edge), exp)
            explicit |= here
        keep = target_rows & (explicit | ~np.isnan(exp))
        ii, aa = np.nonzero(keep)
        order.append(len(order) * n_i + ii)
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
        return Table({n: np.zeros(0, dtype=object) for n in names}, names), np.zeros(0, np.int64)
    table = Table(
        {
            n: np.concatenate([np.broadcast_to(f[n], len(f["indicator"])) for f in frames])
            for n in names
        },
        names,
    )
    return table, np.concatenate(order)


def constraint_frame(cp: CompiledPlan, cube: Cube, ev: dict) -> tuple[Table, np.ndarray]:
    """The every-year checks per indicator, area and year, and each row's indicator."""
    rr, aa, yy = np.nonzero(ev["checked"])
    ii = ev["rows"][rr]
    table = Table(
        {
            "indicator": np.asarray(cp.keys, dtype=object)[ii],
            "area": np.asarray(cube.areas, dtype=object)[aa],
            "year": (yy + cube.y0).astype(float),
            "measure": ev["measure"][rr, aa, yy],
            "lo": ev["lo"][rr, aa, yy],
            "hi": ev["hi"][rr, aa, yy],
            "held": ev["held"][rr, aa, yy],
        }
    )
    return table, ii


def merge_tables(parts: list[tuple[Table, np.ndarray]]) -> Table:
    """The tables of consecutive ranges of areas as one: rows are put in order by their
    key (the order of a row without its area), the ranges' rows in range order for equal
    keys, so that the result is the table of all areas at once."""
    full = [p for p in parts if p[0].n_rows] or parts[:1]
    if len(full) == 1:
        return full[0][0]
    parts = full
    first = parts[0][0]
    order = np.argsort(np.concatenate([k for _, k in parts]), kind="stable")
    out = {}
    for n in first.columns:  # one column at a time: one column's copy at most at once
        col = np.concatenate([t[n] for t, _ in parts])
        out[n] = col[order]
        del col
    return Table(out, first.columns)
