"""Year-by-year targets (年度目标, docs/methods.md §14): each scheduled year's value against
that year's expression only. Vectorised over (indicator, area); one pass per schedule slot."""

from __future__ import annotations

import numpy as np

from .compile import K_SCHEDULE, CompiledPlan
from .cube import Cube, baseline, take
from .measures import band, inside_censored, measure
from .options import Options
from .series import censor_for, on_index, reference_point, restart, values_for
from .table import Table

TABLE_COLUMNS = [
    "indicator",
    "area",
    "year",
    "target",
    "value",
    "censor",
    "measure",
    "lo",
    "hi",
    "held",
]


def check_schedule(
    cp: CompiledPlan, cube: Cube, as_of: int, opts: Options
) -> tuple[dict[str, np.ndarray], Table, np.ndarray]:
    """The schedule's result per (indicator, area), one row per scheduled year up to
    ``as_of`` (``held`` is None when the year has no value to check) and each row's order
    without its area (slot, then indicator)."""
    shape = cube.values.shape[:2]
    n_checked = np.zeros(shape, np.int64)
    n_held = np.zeros(shape, np.int64)
    last = np.full(shape, -1, np.int64)
    last_held = np.zeros(shape, bool)
    frames = []
    order = []
    # rows for the areas where the indicator has a value at all
    seen = ~np.isnan(cube.values).all(axis=2) if cp.schedule else None
    for k, S in enumerate(cp.schedule):
        valid = S.present & (S.year <= as_of) & (S.year >= cube.y0)
        if not valid.any():
            continue
        t = np.broadcast_to(np.where(valid, S.year - cube.y0, -1)[:, None], shape)
        V = values_for(cp, cube, S)
        x0, t0, nearby = baseline(cp, cube, opts.baseline_window, V, ~on_index(cp, S))
        x0, t0, _, _ = restart(cube, V, x0, t0, nearby)
        xr, tr, _ = reference_point(S, cube, V, x0, t0)
        x = take(V, t)
        m = measure(S.measure[:, None], x, t, xr, tr)
        lo, hi = band(S, cube.lev, t, tr, cube.values)
        C = censor_for(cp, cube, S)
        c = None if C is None else np.nan_to_num(take(C, t)).astype(np.int8)
        proven, _ = inside_censored(
            m, lo, hi, S.lo_strict[:, None], S.hi_strict[:, None], S.exact[:, None], c
        )
        checked = valid[:, None] & ~np.isnan(m) & ~np.isnan(lo) & ~np.isnan(hi)
        held = checked & proven
        n_checked += checked
        n_held += held
        last = np.where(checked, t, last)  # the slots run from the earliest year
        last_held = np.where(checked, held, last_held)
        ii, aa = np.nonzero(valid[:, None] & seen)
        order.append(k * cp.n + ii)
        shown_c = (
            np.zeros(shape, np.int8)
            if cube.censor is None
            else np.nan_to_num(take(cube.censor, t)).astype(np.int8)
        )
        frames.append(
            {
                "indicator": np.asarray(cp.keys, dtype=object)[ii],
                "area": np.asarray(cube.areas, dtype=object)[aa],
                "year": (S.year[ii]).astype(float),
                "target": np.asarray(cp.schedule_text[k], dtype=object)[ii],
                "value": take(cube.values, t)[ii, aa],
                "censor": censor_text(shown_c[ii, aa]),
                "measure": m[ii, aa],
                "lo": lo[ii, aa],
                "hi": hi[ii, aa],
                "held": np.where(checked[ii, aa], held[ii, aa], None).astype(object),
            }
        )
    if frames:
        table = Table(
            {n: np.concatenate([f[n] for f in frames]) for n in TABLE_COLUMNS}, TABLE_COLUMNS
        )
        key = np.concatenate(order)
    else:
        table = Table({n: np.zeros(0, dtype=object) for n in TABLE_COLUMNS}, TABLE_COLUMNS)
        key = np.zeros(0, np.int64)
    here = np.full(cp.n, "", dtype=object)  # the as-of year's expression
    for k, S in enumerate(cp.schedule):
        now = S.present & (S.year == as_of)
        here[now] = np.asarray(cp.schedule_text[k], dtype=object)[now]
    result = {
        "schedule_years": n_checked,
        "schedule_held": n_held,
        "schedule_met": last_held & (n_checked > 0),
        "schedule_year": last,
        "schedule_target": np.repeat(here[:, None], shape[1], axis=1),
    }
    return result, table, key


def censor_text(c: np.ndarray) -> np.ndarray:
    """+1, -1, 0 as '>', '<', ''."""
    return np.where(c > 0, ">", np.where(c < 0, "<", "")).astype(object)


def last_scheduled_year(cp: CompiledPlan) -> np.ndarray:
    """Per indicator, the last year of its schedule (0 without one)."""
    last = np.zeros(cp.n, np.int64)
    for S in cp.schedule:
        last = np.where(S.present, np.maximum(last, S.year), last)
    return last


def apply_schedule(cp: CompiledPlan, core: dict, y0: int) -> None:
    """An indicator whose only targets are its schedule is judged on it: the latest scheduled
    year with a value decides (held: ``on_track``, or ``achieved`` in the last scheduled
    year; failed: ``lagging``, reason ``latest_year_failed``); earlier failures give reason
    ``some_years_failed``; the attainment is the share of scheduled years held."""
    only = np.broadcast_to((cp.kind == K_SCHEDULE)[:, None], core["status"].shape)
    if not only.any():
        return
    n = core["schedule_years"]
    held = core["schedule_held"]
    ok = core["schedule_met"]
    ended = core["schedule_year"] == (last_scheduled_year(cp) - y0)[:, None]
    st = np.where(ok, np.where(ended, "achieved", "on_track"), "lagging")
    why = np.where(ok, np.where(held < n, "some_years_failed", ""), "latest_year_failed")
    st = np.where(n == 0, "no_data", st)
    why = np.where(n == 0, "no_value", why)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n > 0, held / np.maximum(n, 1), np.nan)
    core["status"] = np.where(only, st, core["status"]).astype(object)
    core["reason"] = np.where(only, why, core["reason"]).astype(object)
    core["attainment"] = np.where(only, share, core["attainment"])
    core["met"] = np.where(only, ok, core["met"])
