"""Every-year constraints (每年…以上), checked year by year."""

from __future__ import annotations

import numpy as np

from .compile import (
    GROWTH,
    REF_CHANGE,
    REF_GROWTH,
    REF_VALUE,
    TargetArrays,
)
from .measures import bounds_from_reference, inside, measure


def _previous(values: np.ndarray) -> np.ndarray:
    prev = np.full(values.shape, np.nan)
    prev[..., 1:] = values[..., :-1]
    return prev


def check_every_year(
    ta: TargetArrays, values: np.ndarray, y0: int, as_of: int
) -> dict[str, np.ndarray]:
    """Per (indicator, area, year): the measure, the band and whether the constraint held.

    The measure of a level constraint is the year's value; a change or growth constraint
    compares each year with the year before (year-on-year). A bound taken from another
    indicator is that indicator's value, change or growth in the same year.
    """
    n_y = values.shape[2]
    years = np.arange(n_y)[None, None, :]
    prev = _previous(values)
    code = ta.measure[:, None, None]
    m = measure(code, values, years, prev, years - 1)
    lo = np.broadcast_to(ta.lo[:, None, None], values.shape).copy()
    hi = np.broadcast_to(ta.hi[:, None, None], values.shape).copy()
    if ta.has_ref.any():
        r = values[ta.ref_idx]
        rp = _previous(r)
        kind = ta.ref_kind[:, None, None]
        rcode = np.select(
            [kind == REF_VALUE, kind == REF_CHANGE, kind == REF_GROWTH],
            [
                0,
                np.where(ta.measure[:, None, None] == GROWTH, GROWTH, ta.measure[:, None, None]),
                GROWTH,
            ],
            default=0,
        )
        rhs = ta.ref_factor[:, None, None] * measure(rcode, r, years, rp, years - 1)
        rhs = rhs + ta.ref_offset[:, None, None]
        lo, hi = bounds_from_reference(ta, rhs, lo, hi)
    last = np.minimum(ta.year, as_of) - y0
    window = (
        ta.present[:, None, None]
        & (years >= (ta.start - y0)[:, None, None])
        & (years <= last[:, None, None])
    )
    checked = window & ~np.isnan(m) & ~np.isnan(lo) & ~np.isnan(hi)
    held = checked & inside(
        m, lo, hi, ta.lo_strict[:, None, None], ta.hi_strict[:, None, None], ta.exact[:, None, None]
    )
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
