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
    values: np.ndarray  # (I, A, Y) float, NaN where missing
    areas: list[str]
    y0: int  # year of index 0

    @property
    def years(self) -> np.ndarray:
        return np.arange(self.y0, self.y0 + self.values.shape[2])


def _codes(values: np.ndarray, index: dict[str, int]) -> np.ndarray:
    """Map labels to codes (-1 for unknown labels): one hash lookup per row."""
    get = index.get
    return np.fromiter((get(v, -1) for v in values.tolist()), dtype=np.int64, count=len(values))


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
    return Cube(cube, areas, y0)


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
    cp: CompiledPlan, cube: Cube, window: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Baseline value, its year index and whether it was taken from a nearby year.

    The plan's own baseline wins (it applies to the plan's default area); otherwise the
    observation in the base year; otherwise the nearest within ``window`` years, the
    earlier one first.
    """
    v = cube.values
    n_i, n_a, _ = v.shape
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
    x0[given, 0] = cp.baseline_value[given]
    t0[given, 0] = cp.baseline_year[given] - cube.y0
    nearby[given, 0] = False
    return x0, t0, nearby
