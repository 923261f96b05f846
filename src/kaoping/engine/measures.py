"""Measures, target bands and attainment (实现程度), vectorised over (indicator, area).

A target's *measure* is the level ``x``, the change against a reference
(``100·(x − x_ref)/|x_ref|`` relative, ``x − x_ref`` absolute) or the average annual
growth ``100·((x/x_ref)^(1/(t − t_ref)) − 1)``. A target is a band ``[lo, hi]`` on that
scale. See ``docs/methods.md`` for every formula and its source.
"""

from __future__ import annotations

import numpy as np

from .compile import (
    CHANGE_ABS,
    CHANGE_REL,
    GROWTH,
    REF_CHANGE,
    REF_GROWTH,
    REF_VALUE,
    SIDE_BOTH,
    SIDE_HI,
    SIDE_LO,
    TargetArrays,
)
from .cube import take_rows

EPS = 1e-9

# which formula gave an attainment
M_INSIDE, M_RATIO, M_DISTANCE, M_GOALPOSTS = 0, 1, 2, 3
METHOD_NAMES = ("met", "ratio", "distance", "goalposts")


def _by_row(code: np.ndarray, shape: tuple[int, ...]) -> np.ndarray | None:
    """The per-row code when ``code`` varies along the first axis only (else None)."""
    if code.ndim != len(shape) or code.shape[0] != shape[0] or any(d != 1 for d in code.shape[1:]):
        return None
    return code.reshape(-1)


def _rows(a: np.ndarray, rows: np.ndarray, n: int, ndim: int) -> np.ndarray:
    """``a`` restricted to ``rows`` of the first axis where it has that axis, else as is."""
    return a[rows] if a.ndim == ndim and a.shape[0] == n else a


def _split(code: np.ndarray, args: tuple, formulas: dict, default) -> np.ndarray:
    """``formulas[c](*args)`` where ``code == c``, ``default(*args)`` elsewhere.

    Codes are per indicator (the first axis): each formula runs on the rows that use it
    only, so a cube of level measures costs one copy and a growth formula one power per
    value that needs it."""
    code = np.asarray(code)
    shape = np.broadcast_shapes(code.shape, *(a.shape for a in args))
    per_row = _by_row(code, shape)
    if per_row is None:
        return np.select(
            [code == c for c in formulas],
            [f(*args) for f in formulas.values()],
            default=default(*args),
        )
    out = np.empty(shape)
    out[...] = default(*args)
    n, ndim = shape[0], len(shape)
    for c, f in formulas.items():
        rows = np.flatnonzero(per_row == c)
        if rows.size:
            out[rows] = f(*(_rows(a, rows, n, ndim) for a in args))
    return out


def _rel(x, t, xr, tr):
    r = 100.0 * (x - xr) / np.abs(xr)
    return np.where(xr == 0, np.nan, r)


def _growth(x, t, xr, tr):
    dt = t - tr
    q = x / xr
    g = 100.0 * (np.power(q, 1.0 / dt) - 1.0)
    return np.where((dt > 0) & (q > 0), g, np.nan)


_MEASURES = {CHANGE_REL: _rel, CHANGE_ABS: lambda x, t, xr, tr: x - xr, GROWTH: _growth}
_LEVELS = {
    CHANGE_REL: lambda m, t, xr, tr: xr + np.abs(xr) * m / 100.0,
    CHANGE_ABS: lambda m, t, xr, tr: xr + m,
    GROWTH: lambda m, t, xr, tr: xr * np.power(1.0 + m / 100.0, t - tr),
}


def measure(code: np.ndarray, x, t, xr, tr) -> np.ndarray:
    """The measure of value ``x`` in year ``t`` against reference ``xr`` in year ``tr``."""
    args = tuple(np.asarray(a, dtype=float) for a in (x, t, xr, tr))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return _split(code, args, _MEASURES, lambda x, t, xr, tr: x)


def level_of(code: np.ndarray, m, t, xr, tr) -> np.ndarray:
    """The inverse of :func:`measure`: the level whose measure at year ``t`` is ``m``."""
    args = tuple(np.asarray(a, dtype=float) for a in (m, t, xr, tr))
    with np.errstate(invalid="ignore", over="ignore"):
        return _split(code, args, _LEVELS, lambda m, t, xr, tr: m)


def reference_measure(
    ta: TargetArrays,
    values: np.ndarray,
    t_idx: np.ndarray,
    tr_idx: np.ndarray,
    observed: np.ndarray | None = None,
) -> np.ndarray:
    """factor · (the referenced indicator's value/change/growth over the same span) + offset.

    ``values`` is the level series (the chained index of a rate indicator) that change and
    growth are read on; ``value(KEY)`` reads ``observed`` (the published rate) when given.
    """
    rows = ta.ref_idx
    x = take_rows(values, rows, t_idx)
    xr = take_rows(values, rows, tr_idx)
    kind = ta.ref_kind[:, None]
    if observed is not None and observed is not values:
        x = np.where(kind == REF_VALUE, take_rows(observed, rows, t_idx), x)
    code = np.select(
        [kind == REF_VALUE, kind == REF_CHANGE, kind == REF_GROWTH],
        [0, CHANGE_REL, GROWTH],
        default=0,
    )
    m = measure(code, x, t_idx, xr, tr_idx)
    return ta.ref_factor[:, None] * m + ta.ref_offset[:, None]


def band(
    ta: TargetArrays,
    values: np.ndarray,
    t_idx: np.ndarray,
    tr_idx: np.ndarray,
    observed: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The target band per (i, a); a bound from another indicator is read at ``t_idx``."""
    shape = t_idx.shape
    lo = np.broadcast_to(ta.lo[:, None], shape).copy()
    hi = np.broadcast_to(ta.hi[:, None], shape).copy()
    if ta.has_ref.any():
        rhs = reference_measure(ta, values, t_idx, tr_idx, observed)
        lo, hi = bounds_from_reference(ta, rhs, lo, hi)
    return lo, hi


def bounds_from_reference(
    ta: TargetArrays, rhs: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Put a referenced value ``rhs`` (shape (I, ...)) in the bound(s) its target names.

    ``>=``/``>`` set the lower bound, ``<=``/``<`` the upper one, ``==`` both, and ``~``
    a band of the target's tolerance around it.
    """

    def col(a: np.ndarray) -> np.ndarray:
        return a.reshape(-1, *([1] * (rhs.ndim - 1)))

    side, has = col(ta.ref_side), col(ta.has_ref)
    half = col(ta.tol_abs) + np.abs(rhs) * col(ta.tol_rel) / 100.0
    about = has & (side == SIDE_BOTH) & ~col(ta.exact)
    lo = np.where(has & (side == SIDE_LO), rhs, lo)
    hi = np.where(has & (side == SIDE_HI), rhs, hi)
    lo = np.where(has & (side == SIDE_BOTH), np.where(about, rhs - half, rhs), lo)
    hi = np.where(has & (side == SIDE_BOTH), np.where(about, rhs + half, rhs), hi)
    return lo, hi


def inside(m, lo, hi, lo_strict, hi_strict, exact) -> np.ndarray:
    """Whether the measure meets the band (strict bounds for > and <, a tolerance for ==).

    A missing measure (NaN) fails every comparison, so it never meets a band."""
    m, lo, hi = np.asarray(m), np.asarray(lo), np.asarray(hi)
    lo_strict, hi_strict, exact = (np.asarray(a, bool) for a in (lo_strict, hi_strict, exact))
    with np.errstate(invalid="ignore"):
        tol = EPS * np.maximum(1.0, np.abs(np.where(np.isfinite(lo), lo, 0.0)))
        tol_hi = EPS * np.maximum(1.0, np.abs(np.where(np.isfinite(hi), hi, 0.0)))
        ok = _compare(m, lo_strict, np.greater, lo, np.greater_equal, lo - tol)
        ok &= _compare(m, hi_strict, np.less, hi, np.less_equal, hi + tol_hi)
        if exact.any():
            ok = np.where(exact, np.abs(m - lo) <= tol, ok)
    return ok


def _compare(m, strict, strict_op, edge, loose_op, loose_edge) -> np.ndarray:
    """``strict_op(m, edge)`` where ``strict``, else ``loose_op(m, loose_edge)``; one
    comparison per value when ``strict`` is the same everywhere."""
    if not strict.any():
        return loose_op(m, loose_edge)
    if strict.all():
        return strict_op(m, edge)
    return np.where(strict, strict_op(m, edge), loose_op(m, loose_edge))


def inside_censored(m, lo, hi, lo_strict, hi_strict, exact, c) -> tuple[np.ndarray, np.ndarray]:
    """Whether a bound proves the band met, and whether the band holds at the bound.

    ``c`` is +1 where the measure is a lower bound (the true value is above it), -1 where it
    is an upper bound, 0 (or None for all) where it is the value. A lower bound at or above
    ``lo`` proves ``>= lo`` and ``> lo``, but never a finite upper edge (nor ``==``).
    """
    if c is None:
        ok = inside(m, lo, hi, lo_strict, hi_strict, exact)
        return ok, ok
    lower, upper = c > 0, c < 0
    at = inside(m, lo, hi, lo_strict & ~lower, hi_strict & ~upper, exact)
    unproven = (lower & (np.isfinite(hi) | exact)) | (upper & (np.isfinite(lo) | exact))
    return at & ~unproven, at


def base_edge(m0, lo, hi) -> np.ndarray:
    """The edge of the band seen from the baseline; NaN when the baseline already meets it."""
    with np.errstate(invalid="ignore"):
        return np.where(m0 < lo, lo, np.where(m0 > hi, hi, np.nan))


def attainment(
    method: str,
    m: np.ndarray,
    m0: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    met: np.ndarray,
    worst: np.ndarray,
    best: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Attainment in [0, 1] and the formula used, per (i, a).

    ``ratio`` (NBS): ``min(x/T, T/x)`` against the nearest edge of the band, i.e.
    ``x/T`` for a target to reach from below and ``T/x`` for one to stay under;
    ``distance``: ``(x − x0)/(T − x0)`` from the baseline to the band's edge;
    ``goalposts``: ``(x − worst)/(best − worst)`` with fixed bounds (best defaults to
    the target). Formulas that cannot apply fall back to ``ratio``.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        below = m < lo
        edge = np.where(below, lo, hi)
        ratio = np.clip(np.minimum(m / edge, edge / m), 0.0, 1.0)
        ratio = np.where(m == 0, 0.0, ratio)
        e0 = base_edge(m0, lo, hi)
        dist = np.clip((m - m0) / (e0 - m0), 0.0, 1.0)
        # far side of a band (overshoot) and "maintain" targets use the ratio
        far = np.where(m0 < lo, m > hi, m < lo)
        dist_ok = ~np.isnan(dist) & ~far & np.isfinite(e0)
        # best defaults to the target: its edge seen from the baseline, or, when the
        # baseline already met it, the edge the value has left
        b = np.where(np.isnan(best[:, None]), np.where(np.isfinite(e0), e0, edge), best[:, None])
        w = worst[:, None]
        gp = np.clip((m - w) / (b - w), 0.0, 1.0)
        gp_ok = ~np.isnan(gp) & (b != w)
    # a ratio against a zero edge is undefined: use the distance there
    ratio_ok = np.isfinite(ratio) & (edge != 0)
    ratio_val = np.where(ratio_ok, ratio, np.where(dist_ok, dist, np.nan))
    ratio_used = np.where(ratio_ok, M_RATIO, M_DISTANCE)
    if method == "distance":
        val = np.where(dist_ok, dist, ratio_val)
        used = np.where(dist_ok, M_DISTANCE, ratio_used)
    elif method == "goalposts":
        val = np.where(gp_ok, gp, ratio_val)
        used = np.where(gp_ok, M_GOALPOSTS, ratio_used)
    else:
        val, used = ratio_val, ratio_used
    val = np.where(met, 1.0, val)
    used = np.where(met, M_INSIDE, used)
    val = np.where(np.isnan(m), np.nan, val)
    return val, used


def completion(m, m0, lo, hi) -> np.ndarray:
    """Uncapped completion (x − x0)/(T − x0) from the baseline to the band's edge."""
    e0 = base_edge(m0, lo, hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (m - m0) / (e0 - m0)
