"""Observations as a value cube (indicator × area × year) and the lookups on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import UsageError
from .compile import CompiledPlan
from .table import column


@dataclass
class Cube:
    """The observations as (indicator, area, year) arrays.

    ``values`` are the observed values (after :func:`kaoping.engine.series.prepare`: spliced
    onto the newest basis at breaks); ``level`` the series that change and growth are measured
    on (the chained index of a rate indicator, else ``values`` itself). ``censor`` is +1 for a
    lower bound (``>25``), -1 for an upper bound, 0 otherwise; ``brk`` marks the first value on
    a new statistical basis and ``prev`` that year's value on the old basis (NaN: not given).
    """

    values: np.ndarray  # (I, A, Y) float, NaN where missing
    areas: list[str]
    y0: int  # year of index 0
    censor: np.ndarray | None = None  # (I, A, Y) int8, None: no censored value
    brk: np.ndarray | None = None  # (I, A, Y) bool, None: no break
    prev: np.ndarray | None = None  # (I, A, Y) float, None: no previous-basis value
    level: np.ndarray | None = None  # set by series.prepare; None: the same as values
    # set by series.prepare, per (I, A): the latest break (year index, -1 none), the latest
    # break without a previous-basis value (the comparable stretch starts there), and
    # whether the values before the latest break were spliced onto the new basis
    break_idx: np.ndarray | None = None
    restart_idx: np.ndarray | None = None
    rebased: np.ndarray | None = None
    unlinked: np.ndarray | None = None  # (I, A, Y): breaks without a previous-basis value
    # per (I, A, Y): the factor and the shift that put a value of that year onto the newest
    # basis (None: nothing spliced); the plan's own baseline is spliced with them
    splice_mult: np.ndarray | None = None
    splice_add: np.ndarray | None = None

    @property
    def years(self) -> np.ndarray:
        return np.arange(self.y0, self.y0 + self.values.shape[2])

    @property
    def lev(self) -> np.ndarray:
        return self.values if self.level is None else self.level


def _codes(values: np.ndarray, index: dict[str, int]) -> np.ndarray:
    """Map labels to codes (-1 for unknown labels).

    Observations come in runs of one label (indicator by indicator, area by area): every
    row is compared with the one before it in one array operation, and only the first row
    of each run is looked up in ``index``; its code is repeated over the run. Data in no
    order at all cost one lookup per row, in NumPy's loop rather than Python's."""
    values = np.asarray(values)
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    head = np.ones(n, dtype=bool)
    np.not_equal(values[1:], values[:-1], out=head[1:])
    starts = np.flatnonzero(head)
    codes = np.frompyfunc(index.get, 2, 1)(values[starts], -1).astype(np.int64)
    return np.repeat(codes, np.diff(starts, append=n))


def build_cube(cp: CompiledPlan, obs: Any, as_of: int, window: int) -> Cube:
    """Place observations up to ``as_of`` in a cube; rows of unknown indicators are ignored.

    ``obs`` is a pandas DataFrame, a :class:`~kaoping.engine.table.Table` or a mapping of
    columns indicator, area (optional: the plan's default area), year and value. The
    cube starts early enough to hold every baseline and reference year. Two rows for
    the same (indicator, area, year) are an error: the caller chooses the revision.
    """
    start_candidates = [cp.base_year - window, *cp.ref_years]
    given = cp.baseline_year[cp.baseline_year > 0]
    if given.size:
        start_candidates.append(int(given.min()))
    y0 = min(start_candidates)
    if as_of < cp.base_year:
        raise UsageError(f"the as-of year {as_of} is before the plan's base year {cp.base_year}")
    n_years = as_of - y0 + 1

    ind_col = column(obs, "indicator")
    if ind_col is None:
        ind_col = np.zeros(0, dtype=object)
    n = len(ind_col)
    area_col = column(obs, "area")
    if area_col is None:
        area_col = np.full(n, cp.default_area, dtype=object)
    year_col = column(obs, "year")
    value_col = column(obs, "value")
    years = (year_col if year_col is not None else np.zeros(0)).astype(np.int64)
    vals_all = (value_col if value_col is not None else np.zeros(0)).astype(float)
    ii = _codes(ind_col, cp.index)
    keep = (ii >= 0) & (years >= y0) & (years <= as_of)
    areas_kept = area_col[keep]
    data_areas = set(areas_kept.tolist())
    # every area of the plan, in plan order (the default first), then others found in the data
    areas = [*cp.areas, *sorted(a for a in data_areas if a not in set(cp.areas))]
    aindex = {a: j for j, a in enumerate(areas)}

    aa = _codes(areas_kept, aindex)
    ii = ii[keep]
    yy = years[keep] - y0
    vals = vals_all[keep]

    cube = np.full((cp.n, len(areas), n_years), np.nan)
    flat = np.ravel_multi_index((ii, aa, yy), cube.shape)
    counts = np.bincount(flat, minlength=cube.size)
    if (counts > 1).any():
        i, a, y = np.unravel_index(int(np.argmax(counts > 1)), cube.shape)
        raise UsageError(
            f"two observations for {cp.keys[i]} {areas[a]} {y + y0}; "
            "pass one value per indicator, area and year"
        )
    cube.ravel()[flat] = vals
    out = Cube(cube, areas, y0)
    censor = _censor_codes(column(obs, "censor"), keep)
    if censor is not None and censor.any():
        out.censor = np.zeros(cube.shape, np.int8)
        out.censor.ravel()[flat] = censor
    brk = _break_flags(obs, keep)
    if brk is not None and brk.any():
        out.brk = np.zeros(cube.shape, bool)
        out.brk.ravel()[flat] = brk
        prev = _floats(column(obs, "previous_basis"), keep)
        if prev is not None and (~np.isnan(prev) & brk).any():
            out.prev = np.full(cube.shape, np.nan)
            out.prev.ravel()[flat] = np.where(brk, prev, np.nan)
    return out


def _censor_codes(col: np.ndarray | None, keep: np.ndarray) -> np.ndarray | None:
    """'>' (also '>=', '≥') as +1, a lower bound; '<' ('<=', '≤') as -1; else 0."""
    if col is None:
        return None
    c = np.char.strip(np.asarray(col, dtype=object)[keep].astype(str))
    lower = np.isin(c, (">", ">=", "≥"))
    upper = np.isin(c, ("<", "<=", "≤"))
    return np.where(lower, 1, np.where(upper, -1, 0)).astype(np.int8)


_TRUE = ("True", "true", "TRUE", "1", "1.0", "yes")
_NONE = ("", "None", "nan", "NaN", "<NA>", "NA")


def _break_flags(obs: Any, keep: np.ndarray) -> np.ndarray | None:
    """The ``break`` column (true, 1, 'true', 'yes'), or a ``flags`` column naming 'break'."""
    col = column(obs, "break")
    if col is not None:
        c = np.asarray(col)[keep]
        if c.dtype == bool:
            return c
        return np.isin(np.char.strip(c.astype(object).astype(str)), _TRUE)
    flags = column(obs, "flags")
    if flags is None:
        return None
    text = np.asarray(flags, dtype=object)[keep].astype(str)
    return np.char.find(text, "break") >= 0


def _floats(col: np.ndarray | None, keep: np.ndarray) -> np.ndarray | None:
    """A column of numbers with None, NaN or '' for none, as floats with NaN."""
    if col is None:
        return None
    c = np.asarray(col)[keep]
    if c.dtype.kind in "fiub":
        return c.astype(float)
    text = np.char.strip(c.astype(object).astype(str))
    return np.where(np.isin(text, _NONE), "nan", text).astype(float)


def take(values: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """values[i, a, idx[i, a]] for every (i, a); NaN where idx < 0 or out of range."""
    n_years = values.shape[2]
    ok = (idx >= 0) & (idx < n_years)
    safe = np.where(ok, idx, 0)
    out = np.take_along_axis(values, safe[..., None], axis=2)[..., 0]
    return np.where(ok, out, np.nan)


def take_rows(values: np.ndarray, rows: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """values[rows[i], a, idx[i, a]]: the same lookup on another indicator's series."""
    return take(values[rows], idx)


def latest_index(values: np.ndarray) -> np.ndarray:
    """Index of the last non-missing year per (i, a); -1 where there is none."""
    has = ~np.isnan(values)
    n = values.shape[2]
    last = n - 1 - np.argmax(has[..., ::-1], axis=2)
    return np.where(has.any(axis=2), last, -1)


def baseline(
    cp: CompiledPlan,
    cube: Cube,
    window: int,
    values: np.ndarray | None = None,
    plan_given: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Baseline value, its year index and whether it was taken from a nearby year.

    The plan's own baseline wins (it applies to the plan's default area, and to the
    indicators ``plan_given`` marks, by default all); otherwise the observation in the base
    year of ``values`` (by default the cube's values); otherwise the nearest within ``window``
    years, the earlier one first. A plan baseline before a series break is spliced onto the
    new basis like the observations of its year.
    """
    v = cube.values if values is None else values
    n_i, n_a, n_y = v.shape
    x0 = np.full((n_i, n_a), np.nan)
    t0 = np.full((n_i, n_a), -1, np.int64)
    offsets = [0]
    for d in range(1, window + 1):
        offsets += [-d, d]
    base_idx = cp.base_year - cube.y0
    for d in offsets:
        idx = np.full((n_i, n_a), base_idx + d)
        got = take(v, idx)
        fill = np.isnan(x0) & ~np.isnan(got)
        x0 = np.where(fill, got, x0)
        t0 = np.where(fill, idx, t0)
    nearby = (t0 >= 0) & (t0 != base_idx)
    given = ~np.isnan(cp.baseline_value)
    if plan_given is not None:
        given &= plan_given
    if not given.any():
        return x0, t0, nearby
    gv = cp.baseline_value[given]
    gy = cp.baseline_year[given] - cube.y0
    ok = (gy >= 0) & (gy < n_y)
    rows = np.flatnonzero(given)
    safe = np.where(ok, gy, 0)
    if cube.splice_mult is not None:
        gv = np.where(ok, gv * cube.splice_mult[rows, 0, safe], gv)
    if cube.splice_add is not None:
        gv = np.where(ok, gv + cube.splice_add[rows, 0, safe], gv)
    x0[given, 0] = gv
    t0[given, 0] = gy
    nearby[given, 0] = False
    return x0, t0, nearby
