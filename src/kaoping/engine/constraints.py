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
    n_y = values.shape[2]
    years = np.arange(n_y)[None, None, :]
    code = ta.measure[:, None, None]
    m = _yearly(code, values, years, rate, unlinked)
    lo = np.broadcast_to(ta.lo[:, None, None], values.shape).copy()
    hi = np.broadcast_to(ta.hi[:, None, None], values.shape).copy()
    if ta.has_ref.any():
        r = values[ta.ref_idx]
        kind = ta.ref_kind[:, None, None]
        rcode = np.select(
            [kind == REF_VALUE, kind == REF_CHANGE, kind == REF_GROWTH],
            [0, np.where(code == GROWTH, GROWTH, code), GROWTH],
            default=0,
        )
        rrate = None if rate is None else rate[ta.ref_idx]
        runlinked = None if unlinked is None else unlinked[ta.ref_idx]
        rhs = ta.ref_factor[:, None, None] * _yearly(rcode, r, years, rrate, runlinked)
        rhs = rhs + ta.ref_offset[:, None, None]
        lo, hi = bounds_from_reference(ta, rhs, lo, hi)
    last = np.minimum(ta.year, as_of) - y0
    window = (
        ta.present[:, None, None]
        & (years >= (ta.start - y0)[:, None, None])
        & (years <= last[:, None, None])
    )
    checked = window & ~np.isnan(m) & ~np.isnan(lo) & ~np.isnan(hi)
    c = None
    if censor is not None:
        sign = np.ones(ta.n, np.int8)
        if rate is not None:
            sign = np.where((rate != 0) & (ta.measure != LEVEL), rate, 1).astype(np.int8)
        c = censor * sign[:, None, None]
    proven, _ = inside_censored(
        m,
        lo,
        hi,
        ta.lo_strict[:, None, None],
        ta.hi_strict[:, None, None],
        ta.exact[:, None, None],
        c,
    )
    held = checked & proven
    n_checked = checked.sum(axis=2)
    n_held = held.sum(axis=2)
    last_checked = np.where(
        checked.any(axis=2), n_y - 1 - np.argmax(checked[..., ::-1], axis=2), -1
    )
    last_held = np.take_along_axis(held, np.clip(last_checked, 0, None)[..., None], axis=2)[..., 0]
    return {
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
