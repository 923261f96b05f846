"""The series the measures are read from: rates chained into an index, breaks spliced or
restarted, censored values as bounds (docs/methods.md §13–§15). Vectorised over the cube.

- A rate indicator (``observed: growth`` or ``decline``) publishes each year's growth (or
  decline) in percent over the year before. Its level series is the chained index of the
  latest unbroken run of rates: ``I = 100`` in the year before the run's first rate,
  ``I_t = I_{t−1}·(1 + r_t/100)`` (``r = −value`` for a decline). Its observed values (the
  rates) stay what level targets compare with.
- A break (the first value on a new statistical basis) with the year's value on the old
  basis ``p`` splices every earlier value onto the new basis: ``x·x_B/p`` (ratio) or
  ``x + (x_B − p)`` (shift). Without ``p`` the comparable stretch starts at the break.
- A censored value (``>25``) is a bound: +1 lower, -1 upper.
"""

from __future__ import annotations

import numpy as np

from .compile import GROWTH, LEVEL, CompiledPlan, TargetArrays
from .cube import Cube, take


def last_true(mask: np.ndarray) -> np.ndarray:
    """The last index along the year axis where ``mask`` holds, -1 where it never does."""
    n = mask.shape[2]
    last = n - 1 - np.argmax(mask[..., ::-1], axis=2)
    return np.where(mask.any(axis=2), last, -1)


def prepare(cp: CompiledPlan, cube: Cube) -> Cube:
    """Splice the observed values at breaks and chain the rates of rate indicators (in place)."""
    if cube.brk is not None:
        _breaks(cp, cube)
    if cp.has_rates:
        cube.level = chain(cube.values, cp.rate)
    return cube


def _breaks(cp: CompiledPlan, cube: Cube) -> None:
    v, brk = cube.values, cube.brk
    assert brk is not None
    level_rows = (cp.rate == 0)[:, None, None]
    shift_rows = cp.rebase_shift[:, None, None]
    prev = cube.prev if cube.prev is not None else np.full(v.shape, np.nan)
    has_prev = brk & ~np.isnan(prev)
    # a ratio needs a non-zero old-basis value and a value on the new basis
    spliced = has_prev & level_rows & ~np.isnan(v) & (shift_rows | (prev != 0))
    # a rate series needs no splicing: each rate compares a year with the one before
    linked = spliced | (has_prev & ~level_rows)
    cube.break_idx = last_true(brk)
    cube.unlinked = brk & ~linked
    cube.restart_idx = last_true(cube.unlinked)
    cube.rebased = (cube.break_idx >= 0) & (cube.break_idx != cube.restart_idx)
    if not spliced.any():
        return
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(spliced, v / prev, 1.0)
        a = np.where(spliced, v - prev, 0.0)
    # a value of year y goes onto the newest basis through every break after y
    mult = np.ones(v.shape)
    mult[..., :-1] = np.cumprod(f[..., ::-1], axis=2)[..., ::-1][..., 1:]
    add = np.zeros(v.shape)
    add[..., :-1] = np.cumsum(a[..., ::-1], axis=2)[..., ::-1][..., 1:]
    mult = np.where(shift_rows, 1.0, mult)
    add = np.where(shift_rows, add, 0.0)
    cube.values = v * mult + add
    cube.splice_mult, cube.splice_add = mult, add


def chain(values: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """The level series: the chained index of each rate indicator's latest run of rates
    (100 in the year before the run's first rate), the values themselves for the others."""
    rows = np.flatnonzero(rate != 0)
    out = values.copy()
    r = values[rows] * rate[rows].astype(float)[:, None, None]
    has = ~np.isnan(r)
    n_y = values.shape[2]
    years = np.arange(n_y)
    tl = last_true(has)
    # the run ends at the latest rate and starts after the last missing year before it
    gap = ~has & (years <= tl[..., None])
    start = np.where(gap, years, -1).max(axis=2) + 1
    in_run = (years >= start[..., None]) & (years <= tl[..., None]) & (tl[..., None] >= 0)
    factor = np.where(in_run, 1.0 + r / 100.0, 1.0)
    index = 100.0 * np.cumprod(factor, axis=2)
    span = in_run | ((years == (start - 1)[..., None]) & (tl[..., None] >= 0))
    out[rows] = np.where(span, index, np.nan)
    return out


def on_index(cp: CompiledPlan, ta: TargetArrays) -> np.ndarray:
    """Per indicator: whether the target's measure is read on the chained index (a change or
    growth of a rate indicator) rather than on the observed values."""
    return (cp.rate != 0) & (ta.measure != LEVEL)


def values_for(cp: CompiledPlan, cube: Cube, ta: TargetArrays) -> np.ndarray:
    """The series a target is measured on: the observed values for a level measure (the
    published rate of a rate indicator), the level series for a change or growth."""
    if cube.level is None:
        return cube.values
    idx = on_index(cp, ta)
    if idx.all():
        return cube.level
    return np.where(idx[:, None, None], cube.level, cube.values)


def censor_for(cp: CompiledPlan, cube: Cube, ta: TargetArrays) -> np.ndarray | None:
    """The direction of each value's bound on the target's series: a lower bound of a
    decline rate is an upper bound of the index."""
    if cube.censor is None:
        return None
    sign = np.where(on_index(cp, ta), cp.rate, 1).astype(np.int8)
    return cube.censor * sign[:, None, None]


def geometric_for(cp: CompiledPlan, ta: TargetArrays) -> np.ndarray:
    """The expected path of a chained index is geometric (a constant rate)."""
    return cp.geometric | on_index(cp, ta)


def restart(
    cube: Cube, values: np.ndarray, x0: np.ndarray, t0: np.ndarray, nearby: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A break without a previous-basis value after the baseline moves the baseline to the
    break: progress is measured within the comparable stretch. Also returns where it moved."""
    bu = cube.restart_idx
    if bu is None:
        return x0, t0, nearby, np.zeros(x0.shape, bool)
    moved = (bu >= 0) & (t0 < bu)
    x0 = np.where(moved, take(values, bu), x0)
    t0 = np.where(moved, bu, t0)
    return x0, t0, nearby & ~moved, moved


def reference_point(
    ta: TargetArrays, cube: Cube, values: np.ndarray, x0: np.ndarray, t0: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The value and year index that change and growth are measured against, and whether a
    break makes the measure undefined.

    The reference is the baseline, or the year after ``vs``. Before a break without a
    previous-basis value a growth is measured from the break instead, and a change cannot
    be measured (``series_break``).
    """
    has = ta.ref_year[:, None] >= 0
    tr = np.where(has, ta.ref_year[:, None] - cube.y0, t0)
    xr = np.where(has, take(values, tr), x0)
    broken = np.zeros(x0.shape, bool)
    bu = cube.restart_idx
    if bu is None:
        return xr, tr, broken
    measure = ta.measure[:, None]
    before = (bu >= 0) & (tr < bu) & (measure != LEVEL)
    growth = before & (measure == GROWTH)
    tr = np.where(growth, bu, tr)
    xr = np.where(growth, take(values, bu), xr)
    broken = before & ~growth
    xr = np.where(broken, np.nan, xr)
    return xr, tr, broken
