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
    # the index of the cube's first area among all areas (a cube of some areas only):
    # the plan's own baselines apply to the plan's default area, index 0
    area0: int = 0

    @property
    def years(self) -> np.ndarray:
        return np.arange(self.y0, self.y0 + self.values.shape[2])

    @property
    def lev(self) -> np.ndarray:
        return self.values if self.level is None else self.level


def _codes(values: np.ndarray, index: dict[str, int]) -> np.ndarray:
    """Map labels to codes (-1 for unknown labels)."""
    codes, labels = _factorize(np.asarray(values))
    return _lookup(labels, index)[codes]


def _factorize(values: np.ndarray) -> tuple[np.ndarray, list]:
    """Codes (int32, indices into ``labels``) and the distinct labels in order of appearance.

    Observations come in runs of one label (indicator by indicator, area by area): every
    row is compared with the one before it in one array operation, and only the first row
    of each run is looked up; its code is repeated over the run. Data in no order at all
    cost one lookup per row, in NumPy's loop rather than Python's."""
    n = len(values)
    if n == 0:
        return np.zeros(0, np.int32), []
    starts = _run_starts(values)
    heads = values[starts]
    head_list = heads.tolist()
    labels = list(dict.fromkeys(head_list))
    where = {label: j for j, label in enumerate(labels)}
    head_codes = np.fromiter(map(where.__getitem__, head_list), np.int32, len(head_list))
    return np.repeat(head_codes, np.diff(starts, append=n)), labels


def _run_starts(values: np.ndarray) -> np.ndarray:
    """The rows where a run of equal labels starts.

    Rows that hold the very same object (labels taken from one list, as most tables do)
    are compared by address first, a machine word per row; only the starts of those runs
    are compared as text, so labels repeated as distinct but equal objects still join."""
    n = len(values)
    cand = None
    if values.dtype == object and n > 1:
        import ctypes

        values = np.ascontiguousarray(values)
        address = np.ctypeslib.as_array(
            ctypes.cast(values.ctypes.data, ctypes.POINTER(ctypes.c_ssize_t)), shape=(n,)
        )
        head = np.ones(n, dtype=bool)
        np.not_equal(address[1:], address[:-1], out=head[1:])
        cand = np.flatnonzero(head)
        del head, address
    if cand is None:
        v, cand = values, np.arange(n)
    elif cand.size <= 1:
        return cand
    else:
        v = values[cand]
    head = np.ones(cand.size, dtype=bool)
    np.not_equal(v[1:], v[:-1], out=head[1:])
    return cand[head]


def _label_codes(obs: Any, name: str) -> tuple[np.ndarray, list] | None:
    """A label column as codes and labels: a pandas categorical column's own codes (-1 for
    none) and categories, else :func:`_factorize`. None: no such column."""
    try:
        v = obs[name]
    except (KeyError, IndexError):
        return None
    cat = getattr(v, "cat", None)
    if cat is not None:
        return np.asarray(cat.codes.to_numpy(), dtype=np.int32), list(cat.categories)
    return _factorize(np.asarray(v.to_numpy() if hasattr(v, "to_numpy") else v))


def _lookup(labels: list, index: dict) -> np.ndarray:
    """Each label's code in ``index`` (-1 unknown), and -1 last for the code -1 (none)."""
    return np.array([*(index.get(label, -1) for label in labels), -1], dtype=np.int32)


@dataclass
class Rows:
    """The observations up to the as-of year, coded once: per kept row the indicator's
    code, the area's code (into ``areas``) and the year's index from ``y0``. Cubes of any
    range of areas are filled from them (:func:`fill_cube`)."""

    ii: np.ndarray  # int32
    aa: np.ndarray  # int32
    yy: np.ndarray  # int16 (or int32 for very long spans)
    values: np.ndarray  # float64
    areas: list[str]
    y0: int
    n_years: int
    censor: np.ndarray | None = None  # int8 per row, None: no censored value
    brk: np.ndarray | None = None  # bool per row, None: no break
    prev: np.ndarray | None = None  # float per row, None: no previous-basis value

    @property
    def n(self) -> int:
        return len(self.ii)


def first_year(cp: CompiledPlan, as_of: int, window: int) -> int:
    """The year of the cube's index 0: early enough for every baseline and reference year."""
    start_candidates = [cp.base_year - window, *cp.ref_years]
    given = cp.baseline_year[cp.baseline_year > 0]
    if given.size:
        start_candidates.append(int(given.min()))
    if as_of < cp.base_year:
        raise UsageError(f"the as-of year {as_of} is before the plan's base year {cp.base_year}")
    return min(start_candidates)


def code_rows(cp: CompiledPlan, obs: Any, as_of: int, window: int) -> Rows:
    """Code the observations' labels once; rows of unknown indicators and of years outside
    the cube are dropped.

    ``obs`` is a pandas DataFrame, a :class:`~kaoping.engine.table.Table` or a mapping of
    columns indicator, area (optional: the plan's default area), year and value. A
    categorical column keeps its codes. The areas are the plan's, in plan order (the default
    first), then others found in the data, sorted.
    """
    y0 = first_year(cp, as_of, window)
    n_years = as_of - y0 + 1
    ind = _label_codes(obs, "indicator") or (np.zeros(0, np.int32), [])
    n = len(ind[0])
    ii = _lookup(ind[1], cp.index)[ind[0]]
    del ind
    year_col = column(obs, "year")
    years = (year_col if year_col is not None else np.zeros(0)).astype(np.int64, copy=False)
    keep = ii >= 0
    keep &= years >= y0
    keep &= years <= as_of
    every = bool(keep.all())
    area = _label_codes(obs, "area")
    if area is None:
        # no area column: every row is the plan's default area
        area = (np.zeros(n, np.int32), [cp.default_area])
    acodes, alabels = area
    if not every:
        acodes = acodes[keep]
        ii = ii[keep]
    found = np.bincount(acodes[acodes >= 0], minlength=len(alabels)) > 0
    plan_areas = set(cp.areas)
    extra = sorted(
        a for a, f in zip(alabels, found.tolist(), strict=True) if f and a not in plan_areas
    )
    areas = [*cp.areas, *extra]
    aindex = {a: j for j, a in enumerate(areas)}
    # an area left empty in a categorical column is the plan's default
    aa = _lookup(alabels, aindex)[acodes]
    np.maximum(aa, 0, out=aa)
    del acodes
    small = np.int16 if n_years < 2**15 else np.int32
    yy = (years if every else years[keep]) - y0
    yy = yy.astype(small)
    value_col = column(obs, "value")
    vals = (value_col if value_col is not None else np.zeros(0)).astype(float, copy=False)
    if not every:
        vals = vals[keep]
    rows = Rows(ii, aa, yy, vals, areas, y0, n_years)
    censor = _censor_codes(column(obs, "censor"), keep)
    if censor is not None and censor.any():
        rows.censor = censor
    brk = _break_flags(obs, keep)
    if brk is not None and brk.any():
        rows.brk = brk
        prev = _floats(column(obs, "previous_basis"), keep)
        if prev is not None and (~np.isnan(prev) & brk).any():
            rows.prev = np.where(brk, prev, np.nan)
    return rows


def build_cube(cp: CompiledPlan, obs: Any, as_of: int, window: int) -> Cube:
    """Place observations up to ``as_of`` in a cube of every area; rows of unknown
    indicators are ignored (see :func:`code_rows`)."""
    rows = code_rows(cp, obs, as_of, window)
    return fill_cube(cp, rows, 0, len(rows.areas))


def fill_cube(cp: CompiledPlan, rows: Rows, lo: int, hi: int) -> Cube:
    """The cube of the areas ``lo``..``hi - 1`` (indices into ``rows.areas``). Two rows for
    the same (indicator, area, year) are an error: the caller chooses the revision."""
    whole = lo == 0 and hi == len(rows.areas)
    sel = None if whole else np.flatnonzero((rows.aa >= lo) & (rows.aa < hi))

    def pick(a: np.ndarray) -> np.ndarray:
        return a if sel is None else a[sel]

    shape = (cp.n, hi - lo, rows.n_years)
    flat = pick(rows.ii).astype(np.int64)
    flat *= shape[1]
    aa = pick(rows.aa)
    flat += aa
    if lo:
        flat -= lo
    del aa
    flat *= shape[2]
    flat += pick(rows.yy)
    cube = np.full(shape, np.nan)
    # rows in cell order have no duplicate; otherwise count the rows per cell
    if flat.size > 1 and not bool((flat[1:] > flat[:-1]).all()):
        counts = np.bincount(flat, minlength=cube.size)
        if (counts > 1).any():
            i, a, y = np.unravel_index(int(np.argmax(counts > 1)), cube.shape)
            raise UsageError(
                f"two observations for {cp.keys[i]} {rows.areas[a + lo]} {y + rows.y0}; "
                "pass one value per indicator, area and year"
            )
        del counts
    cube.ravel()[flat] = pick(rows.values)
    out = Cube(cube, rows.areas[lo:hi], rows.y0, area0=lo)
    if rows.censor is not None:
        censor = pick(rows.censor)
        if censor.any():
            out.censor = np.zeros(cube.shape, np.int8)
            out.censor.ravel()[flat] = censor
    if rows.brk is not None:
        brk = pick(rows.brk)
        if brk.any():
            out.brk = np.zeros(cube.shape, bool)
            out.brk.ravel()[flat] = brk
            if rows.prev is not None:
                prev = pick(rows.prev)
                if (~np.isnan(prev) & brk).any():
                    out.prev = np.full(cube.shape, np.nan)
                    out.prev.ravel()[flat] = prev
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
    n_i, n_a, n_years = values.shape
    idx = np.broadcast_to(idx, (n_i, n_a))
    ok = (idx >= 0) & (idx < n_years)
    flat = np.where(ok, idx, 0).astype(np.int64)
    flat += np.arange(0, n_i * n_a * n_years, n_years, dtype=np.int64).reshape(n_i, n_a)
    out = np.take(values.reshape(-1), flat)
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
    if not given.any() or cube.area0 != 0:
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
