"""The status rules (进度状态) per target form; ``docs/methods.md`` §7 gives each with its source.

Statuses: ``achieved`` (已实现), ``achieved_early`` (提前实现), ``ahead`` (快于预期),
``on_track`` (基本符合预期), ``lagging`` (滞后), ``regressing`` (倒退), ``stale`` (数据过旧)
and ``no_data``. Everything here is vectorised over (indicator, area).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .compile import K_EVERY_YEAR, K_SCHEDULE, K_TARGET, CompiledPlan, TargetArrays
from .measures import EPS, band, inside, measure

if TYPE_CHECKING:
    from .options import Options

# statuses that mean the target is met
MET_STATUSES = ("achieved", "achieved_early")


def deadband(cp: CompiledPlan, opts: Options, expected: np.ndarray) -> np.ndarray:
    """The dead-band around the expected value: the indicator's own, else the plan's.

    ``d = abs + |E(t)|·rel/100`` with a relative (``"1%"``) or absolute (``"0.2"``) band.
    """
    own = ~np.isnan(cp.deadband_abs)
    p_val, p_rel = opts.deadband
    d_abs = np.where(own, cp.deadband_abs, 0.0 if p_rel else p_val)[:, None]
    d_rel = np.where(own, cp.deadband_rel, p_val if p_rel else 0.0)[:, None]
    with np.errstate(invalid="ignore"):
        return d_abs + np.abs(expected) * d_rel / 100.0


def pace_status(
    pace: np.ndarray,
    opts: Options,
    *,
    x: np.ndarray,
    x0: np.ndarray,
    expected: np.ndarray,
    target_x: np.ndarray,
    d: np.ndarray,
    has_pace_span: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Status, pace band and reason from the pace, with the dead-band applied.

    ``ahead`` (pace ≥ ahead), ``on_track`` (≥ on), ``lagging`` (≥ floor; band moderate or
    insufficient), ``regressing`` (< floor). A value whose shortfall against the expected
    path ``s·(E(t) − x)`` is within the dead-band ``d`` is on track whatever its ratio; one
    that moved away from the baseline by no more than ``d`` is lagging, not regressing.
    """
    th = opts.thresholds
    shape = pace.shape
    status = np.full(shape, "no_data", dtype=object)
    reason = np.full(shape, "", dtype=object)
    band_label = np.full(shape, "", dtype=object)
    with np.errstate(invalid="ignore"):
        s = np.sign(target_x - x0)
        shortfall = s * (expected - x)
        moved_away = s * (x0 - x)
        # decimal values such as 60 − 59.9 are not exact in binary: compare with a hair of slack
        slack = d + EPS * np.maximum(1.0, np.abs(x))
        within = has_pace_span & np.isfinite(shortfall) & (shortfall <= slack) & (s != 0)
        small_away = np.isfinite(moved_away) & (moved_away <= slack)
        # a pace on a threshold is on its upper side, whatever its last bits (CPUs differ there)
        p = pace + EPS
        ahead = p >= th.ahead
        on = (p >= th.on) & ~ahead
        moderate = (p >= th.moderate) & (p < th.on)
        some = (p >= th.floor) & (p < th.moderate)
        away = p < th.floor
    band_label[ahead] = "ahead"
    band_label[on] = "on_track"
    band_label[moderate] = "moderate"
    band_label[some] = "insufficient"
    band_label[away] = "away"
    status[ahead] = "ahead"
    status[on] = "on_track"
    status[moderate | some] = "lagging"
    status[away] = "regressing"
    # noise smaller than the dead-band does not make a target lag or regress
    rescue = within & ~ahead & ~on
    status[rescue] = "on_track"
    band_label[rescue] = "on_track"
    reason[rescue] = "within_deadband"
    soft = away & ~within & small_away
    status[soft] = "lagging"
    band_label[soft] = "insufficient"
    reason[soft] = "within_deadband"
    return status, band_label, reason


def year_reached(
    cp: CompiledPlan,
    values: np.ndarray,
    tl: np.ndarray,
    xr: np.ndarray,
    tr: np.ndarray,
    met: np.ndarray,
    target: TargetArrays | None = None,
    level: np.ndarray | None = None,
    observed: np.ndarray | None = None,
) -> np.ndarray:
    """The first observed year (index) of the current run of years in which the final target
    (or ``target``) is met, ending at the latest year; NaN where the latest value does not
    meet it. ``level`` and ``observed`` are the series a bound from another indicator is read
    on (by default ``values``).

    Years without a value neither break nor extend a run. One pass per year, vectorised over
    (indicator, area).
    """
    F: TargetArrays = cp.final if target is None else target
    level = values if level is None else level
    out = np.full(tl.shape, np.nan)
    rows = np.flatnonzero(met.any(axis=1))  # only indicators met somewhere need the history
    if rows.size == 0:
        return out
    n_y = values.shape[2]
    years = np.arange(n_y)
    v = values[rows]
    xr3, tr3 = xr[rows][..., None], tr[rows][..., None]
    m = measure(F.measure[rows, None, None], v, years[None, None, :], xr3, tr3)
    if F.has_ref[rows].any():
        lo = np.empty(values.shape)
        hi = np.empty(values.shape)
        for y in range(n_y):  # a bound from another indicator is read year by year
            lo[..., y], hi[..., y] = band(F, level, np.full(tl.shape, y), tr, observed)
        lo, hi = lo[rows], hi[rows]
    else:
        lo, hi = F.lo[rows, None, None], F.hi[rows, None, None]
    ok = inside(
        m,
        lo,
        hi,
        F.lo_strict[rows, None, None],
        F.hi_strict[rows, None, None],
        F.exact[rows, None, None],
    )
    observed = ~np.isnan(v) & (years <= tl[rows][..., None])
    unmet = observed & ~ok
    last_unmet = np.where(unmet.any(axis=2), n_y - 1 - np.argmax(unmet[..., ::-1], axis=2), -1)
    run = observed & ok & (years > last_unmet[..., None])
    first = np.where(run.any(axis=2), np.argmax(run, axis=2), -1)
    out[rows] = np.where(met[rows] & (first >= 0), first.astype(float), np.nan)
    return out


def apply_every_year(cp: CompiledPlan, core: dict, as_of_idx: int, y0: int) -> None:
    """Indicators whose only target is an every-year constraint take their status from it.

    Before the constraint's last year: the latest year checked held — ``on_track`` (reason
    ``some_years_failed`` if an earlier year failed), failed — ``lagging``
    (``latest_year_failed``). From its last year on: every year held — ``achieved``; any
    failed — ``lagging`` (``some_years_failed``). With ``early: true`` a constraint held in
    every year so far is ``achieved_early``. No year with data: ``no_data``.
    """
    only = np.broadcast_to((cp.kind == K_EVERY_YEAR)[:, None], core["status"].shape)
    n = core["years_checked"]
    held = core["years_held"]
    last_ok = core["constraint_last_held"]
    all_held = (held == n) & (n > 0)
    ended = np.broadcast_to(((cp.every.year - y0) <= as_of_idx)[:, None], n.shape)
    early = np.broadcast_to(cp.every_early[:, None], n.shape)
    st = np.where(
        ended,
        np.where(all_held, "achieved", "lagging"),
        np.where(all_held & early, "achieved_early", np.where(last_ok, "on_track", "lagging")),
    )
    why = np.where(
        all_held, "", np.where(ended | last_ok, "some_years_failed", "latest_year_failed")
    )
    st = np.where(n == 0, "no_data", st)
    why = np.where(n == 0, "no_value", why)
    core["status"] = np.where(only, st, core["status"]).astype(object)
    core["reason"] = np.where(only, why, core["reason"]).astype(object)
    core["attainment"] = np.where(only, core["constraint_share"], core["attainment"])
    core["met"] = np.where(only, all_held, core["met"])


def apply_stale(cp: CompiledPlan, core: dict, as_of_idx: int, opts: Options) -> None:
    """A latest value more than ``max_data_age`` years before the as-of year gives no pace
    status (``stale``, reason ``data_too_old``), no pace and no attainment, so it counts as
    missing. Its latest value and year, and the projection, stay."""
    tl = core["latest_year"]
    judged = np.broadcast_to(
        np.isin(cp.kind, (K_TARGET, K_EVERY_YEAR, K_SCHEDULE))[:, None], tl.shape
    )
    stale = judged & (tl >= 0) & (as_of_idx - tl > opts.max_data_age)
    core["status"] = np.where(stale, "stale", core["status"]).astype(object)
    core["reason"] = np.where(stale, "data_too_old", core["reason"]).astype(object)
    core["attainment"] = np.where(stale, np.nan, core["attainment"])
    for col in ("pace", "progress_ratio", "rate_ratio"):
        core[col] = np.where(stale, np.nan, core[col])
    core["pace_band"] = np.where(stale, "", core["pace_band"]).astype(object)
    core["stale"] = stale
