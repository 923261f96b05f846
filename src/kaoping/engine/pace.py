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
    it comes from the plan rather than an observation. The sums over years are products
    with the year vector (exact: whole numbers); logarithms are taken for geometric indicators only.
    """
    n_i, n_a, n_y = values.shape
    years = np.arange(n_y, dtype=float)
    t0 = np.broadcast_to(t0, (n_i, n_a))
    with np.errstate(invalid="ignore"):
        has = ~np.isnan(values)
        has &= years >= t0[..., None]
        has &= years <= np.asarray(t)[..., None]
        has &= (t0 >= 0)[..., None]
    # the baseline point, where the cube lacks it (a baseline given by the plan)
    t0c = np.clip(t0, 0, n_y - 1).astype(np.int64)
    lin = np.arange(0, n_i * n_a * n_y, n_y, dtype=np.int64).reshape(n_i, n_a) + t0c
    base_missing = ~np.take(has.reshape(-1), lin)
    base_missing &= ~np.isnan(x0) & (t0 >= 0)
    y_all = np.where(has, values, 0.0)
    geo = np.zeros((n_i, n_a), bool)
    rows = np.flatnonzero(geometric)
    if rows.size:
        h, v = has[rows], values[rows]
        with np.errstate(invalid="ignore"):
            positive = ~(h & ~(v > 0)).any(axis=2) & np.where(
                base_missing[rows], x0[rows] > 0, True
            )
            geo[rows] = positive
            y_all[rows] = np.where(
                positive[..., None] & h, np.log(np.where(h & (v > 0), v, 1.0)), y_all[rows]
            )
    with np.errstate(divide="ignore", invalid="ignore"):
        yb = np.where(geo, np.log(np.where(x0 > 0, x0, 1.0)), x0)
    w = has.astype(float)
    del has
    tb = t0.astype(float)
    extra = base_missing.astype(float)
    n = w.sum(axis=2) + extra
    st = w @ years + extra * tb
    stt = w @ (years * years) + extra * tb**2
    del w
    sy = y_all.sum(axis=2) + extra * np.nan_to_num(yb)
    # a sum along each series (not a matrix product, whose order of additions depends on
    # the number of series): a series gives the same fit in a cube of any size
    y_all *= years
    sty = y_all.sum(axis=2) + extra * tb * np.nan_to_num(yb)
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
