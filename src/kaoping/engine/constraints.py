"""Every-year constraints (每年…以上), checked year by year."""

from __future__ import annotations

import numpy as np

from .compile import (
    GROWTH,
    LEVEL,
    REF_CHANGE,
    REF_GROWTH,
    REF_VALUE,
    TargetArrays,
)
from .measures import bounds_from_reference, inside_censored, measure


def _previous(values: np.ndarray, unlinked: np.ndarray | None = None) -> np.ndarray:
    """The value of the year before; none across a break without a previous-basis value."""
    prev = np.full(values.shape, np.nan)
    prev[..., 1:] = values[..., :-1]
    if unlinked is not None:
        prev = np.where(unlinked, np.nan, prev)
    return prev


def _yearly(
    code: np.ndarray,
    values: np.ndarray,
    years: np.ndarray,
    rate: np.ndarray | None,
    unlinked: np.ndarray | None,
) -> np.ndarray:
    """The year-on-year measure: the level, or the change or growth on the year before —
    for a rate indicator that is its published rate (negated for a decline)."""
    m = measure(code, values, years, _previous(values, unlinked), years - 1)
    if rate is None or not rate.any():
        return m
    r = rate[:, None, None]
    return np.where((r != 0) & (code != LEVEL), values * r, m)


def check_every_year(
    ta: TargetArrays,
    values: np.ndarray,
    y0: int,
    as_of: int,
    rate: np.ndarray | None = None,
    censor: np.ndarray | None = None,
    unlinked: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Per (indicator, area, year): the measure, the band and whether the constraint held.

    The measure of a level constraint is the year's value; a change or growth constraint
    compares each year with the year before (year-on-year; for a rate indicator, the year's
    published rate). A bound taken from another indicator is that indicator's value, change
    or growth in the same year. ``rate`` gives each indicator's rate sign (+1 growth, -1
    decline, 0 levels), ``censor`` the bound of each value, ``unlinked`` the breaks across
    which no year-on-year measure is taken.
    """
    n_i, n_a, n_y = values.shape
    # only the indicators with a constraint are checked: the per-year arrays hold their rows
    rows = np.flatnonzero(ta.present)
    years = np.arange(n_y)[None, None, :]
    code = ta.measure[rows, None, None]
    v = values[rows]
    rrate = None if rate is None else rate[rows]
    m = _yearly(code, v, years, rrate, None if unlinked is None else unlinked[rows])
    lo = np.broadcast_to(ta.lo[rows, None, None], v.shape).copy()
    hi = np.broadcast_to(ta.hi[rows, None, None], v.shape).copy()
    if ta.has_ref[rows].any():
        ref = ta.ref_idx[rows]
        kind = ta.ref_kind[rows, None, None]
        rcode = np.select(
            [kind == REF_VALUE, kind == REF_CHANGE, kind == REF_GROWTH],
            [0, np.where(code == GROWTH, GROWTH, code), GROWTH],
            default=0,
        )
        r_rate = None if rate is None else rate[ref]
        runlinked = None if unlinked is None else unlinked[ref]
        rhs = ta.ref_factor[rows, None, None] * _yearly(
            rcode, values[ref], years, r_rate, runlinked
        )
        rhs = rhs + ta.ref_offset[rows, None, None]
        lo, hi = bounds_from_reference(ta.subset(rows), rhs, lo, hi)
    last = np.minimum(ta.year[rows], as_of) - y0
    window = (years >= (ta.start[rows] - y0)[:, None, None]) & (years <= last[:, None, None])
    checked = window & ~np.isnan(m) & ~np.isnan(lo) & ~np.isnan(hi)
    c = None
    if censor is not None:
        sign = np.ones(len(rows), np.int8)
        if rrate is not None:
            sign = np.where((rrate != 0) & (ta.measure[rows] != LEVEL), rrate, 1).astype(np.int8)
        c = censor[rows] * sign[:, None, None]
    proven, _ = inside_censored(
        m,
        lo,
        hi,
        ta.lo_strict[rows, None, None],
        ta.hi_strict[rows, None, None],
        ta.exact[rows, None, None],
        c,
    )
    held = checked & proven
    last_checked = np.full((n_i, n_a), -1, np.int64)
    last_checked[rows] = last_true(checked)
    last_held = np.zeros((n_i, n_a), bool)
    last_held[rows] = np.take_along_axis(
        held, np.clip(last_checked[rows], 0, None)[..., None], axis=2
    )[..., 0]
    n_checked = np.zeros((n_i, n_a), np.int64)
    n_held = np.zeros((n_i, n_a), np.int64)
    n_checked[rows] = checked.sum(axis=2)
    n_held[rows] = held.sum(axis=2)
    return {
        "rows": rows,  # the indicator of each row of the per-year arrays below
        "measure": m,
        "lo": lo,
        "hi": hi,
        "checked": checked,
        "held": held,
        "n_checked": n_checked,
        "n_held": n_held,
        "last_checked": last_checked,
        "last_held": last_held & (last_checked >= 0),
    }


def last_true(mask: np.ndarray) -> np.ndarray:
    """The last index along the year axis where ``mask`` holds, -1 where it never does."""
    n = mask.shape[2]
    last = n - 1 - np.argmax(mask[..., ::-1], axis=2)
    return np.where(mask.any(axis=2), last, -1)
