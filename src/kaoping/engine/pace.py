"""The expected path, pace against it, the required rates and the projection.

Everything is on the level scale of the indicator: a change or growth target is first
turned into the level it implies in its target year (see ``measures.level_of``).
"""

from __future__ import annotations

import numpy as np


def path_value(
    knot_t: np.ndarray, knot_x: np.ndarray, geometric: np.ndarray, t: np.ndarray
) -> np.ndarray:
    """The expected value in year ``t`` on the path through the knots.

    ``knot_t``/``knot_x`` are (I, A, K) with NaN for absent knots, sorted by year; the
    path is linear between knots, or geometric (constant growth rate) where
    ``geometric`` is set and both ends are positive. Before the first knot the path is
    undefined; after the last it stays at the last knot's value.
    """
    out = np.full(t.shape, np.nan)
    k = knot_t.shape[2]
    geo = np.broadcast_to(geometric[:, None], t.shape)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for j in range(k - 1):
            ta, tb = knot_t[..., j], knot_t[..., j + 1]
            xa, xb = knot_x[..., j], knot_x[..., j + 1]
            seg = (t >= ta) & (t <= tb) & (tb > ta) & np.isnan(out)
            frac = (t - ta) / (tb - ta)
            lin = xa + frac * (xb - xa)
            use_geo = geo & (xa > 0) & (xb > 0)
            gv = xa * np.power(xb / xa, frac)
            out = np.where(seg, np.where(use_geo, gv, lin), out)
        last_t = np.nanmax(np.where(np.isnan(knot_t), -np.inf, knot_t), axis=2)
        idx_last = np.argmax(np.where(np.isnan(knot_t), -np.inf, knot_t), axis=2)
        last_x = np.take_along_axis(knot_x, idx_last[..., None], axis=2)[..., 0]
        out = np.where(np.isnan(out) & (t > last_t), last_x, out)
        first_t = knot_t[..., 0]
        out = np.where(t == first_t, knot_x[..., 0], out)
    return out


def rates(
    x0: np.ndarray,
    t0: np.ndarray,
    x: np.ndarray,
    t: np.ndarray,
    target_x: np.ndarray,
    target_t: np.ndarray,
    geometric: np.ndarray,
) -> dict[str, np.ndarray]:
    """Observed and required annual change, linear or compound.

    Linear: observed ``(x − x0)/(t − t0)``, required ``(T − x0)/(T_year − t0)``.
    Compound (geometric indicators with positive values): observed
    ``(x/x0)^(1/(t − t0)) − 1``, required ``(T/x0)^(1/(T_year − t0)) − 1``, in percent.
    Also the rate now needed from the latest value to reach the target in time.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        geo = geometric[:, None] & (x0 > 0) & (x > 0) & (target_x > 0)
        dt = t - t0
        dT = target_t - t0
        left = target_t - t
        lin_obs = (x - x0) / dt
        lin_req = (target_x - x0) / dT
        lin_now = (target_x - x) / left
        geo_obs = 100 * (np.power(x / x0, 1 / dt) - 1)
        geo_req = 100 * (np.power(target_x / x0, 1 / dT) - 1)
        geo_now = 100 * (np.power(target_x / x, 1 / left) - 1)
        obs = np.where(geo, geo_obs, lin_obs)
        req = np.where(geo, geo_req, lin_req)
        now = np.where(geo, geo_now, lin_now)
        obs = np.where(dt > 0, obs, np.nan)
        req = np.where(dT > 0, req, np.nan)
        now = np.where(left > 0, now, np.nan)
        ratio = np.where(req != 0, obs / req, np.nan)
    return {
        "observed_rate": obs,
        "required_rate": req,
        "required_rate_now": now,
        "rate_ratio": ratio,
        "compound": geo,
    }


def trend_fit(
    values: np.ndarray, t0: np.ndarray, t: np.ndarray, x0: np.ndarray, geometric: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least-squares line through the observations from the baseline to the latest year.

    Returns intercept, slope (per year, on ``ln x`` for geometric indicators whose values
    are all positive) and the number of points. The baseline counts as a point even when
    it comes from the plan rather than an observation.
    """
    n_y = values.shape[2]
    years = np.arange(n_y, dtype=float)[None, None, :]
    in_span = (years >= t0[..., None]) & (years <= t[..., None]) & (t0[..., None] >= 0)
    has = in_span & ~np.isnan(values)
    vals = np.where(has, values, np.nan)
    # the baseline point, where the cube lacks it (a baseline given by the plan)
    base_missing = ~np.take_along_axis(has, np.clip(t0, 0, n_y - 1)[..., None], axis=2)[..., 0]
    base_missing &= ~np.isnan(x0) & (t0 >= 0)
    positive = np.all(np.where(has, vals > 0, True), axis=2) & np.where(base_missing, x0 > 0, True)
    geo = geometric[:, None] & positive
    with np.errstate(divide="ignore", invalid="ignore"):
        y_all = np.where(geo[..., None], np.log(np.where(has, vals, 1.0)), vals)
        yb = np.where(geo, np.log(np.where(x0 > 0, x0, 1.0)), x0)
    y_all = np.where(has, y_all, 0.0)
    w = has.astype(float)
    tb = t0.astype(float)
    extra = base_missing.astype(float)
    n = w.sum(axis=2) + extra
    st = (w * years).sum(axis=2) + extra * tb
    sy = y_all.sum(axis=2) + extra * np.nan_to_num(yb)
    stt = (w * years**2).sum(axis=2) + extra * tb**2
    sty = (w * years * y_all).sum(axis=2) + extra * tb * np.nan_to_num(yb)
    with np.errstate(divide="ignore", invalid="ignore"):
        den = n * stt - st**2
        slope = np.where((n >= 2) & (den > 0), (n * sty - st * sy) / den, np.nan)
        icpt = (sy - slope * st) / n
    return icpt, slope, geo


def project(icpt: np.ndarray, slope: np.ndarray, geo: np.ndarray, year: np.ndarray) -> np.ndarray:
    """The fitted trend's value in ``year`` (a year index)."""
    with np.errstate(over="ignore", invalid="ignore"):
        lin = icpt + slope * year
        return np.where(geo, np.exp(lin), lin)


def year_reached(
    icpt: np.ndarray, slope: np.ndarray, geo: np.ndarray, target_x: np.ndarray
) -> np.ndarray:
    """The (fractional) year index at which the fitted trend reaches ``target_x``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        goal = np.where(geo, np.log(np.where(target_x > 0, target_x, np.nan)), target_x)
        return (goal - icpt) / slope
