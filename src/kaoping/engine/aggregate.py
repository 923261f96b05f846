"""Scores per group, per lens category and overall, with coverage and effective weights."""

from __future__ import annotations

import numpy as np


def weighted_scores(
    member: np.ndarray, weight: np.ndarray, att: np.ndarray, how: str, min_coverage: float
) -> dict[str, np.ndarray]:
    """Scores (0–100) of each set of indicators (rows of ``member``) per area.

    ``member`` is (S, I) bool, ``weight`` (I,), ``att`` (I, A) with NaN for no data.
    Arithmetic: ``Σ w·a / Σ w`` over indicators with data; geometric:
    ``exp(Σ w·ln a / Σ w)`` (a zero attainment makes the score zero). Coverage is the
    weight with data over the weight of all scored indicators of the set; below
    ``min_coverage`` no score is given.
    """
    wm = member * weight[None, :]  # (S, I)
    avail = ~np.isnan(att)  # (I, A)
    a = np.nan_to_num(att)
    total = wm.sum(axis=1)[:, None]  # (S, 1)
    den = wm @ avail.astype(float)  # (S, A)
    with np.errstate(divide="ignore", invalid="ignore"):
        if how == "geometric":
            loga = np.where(avail, np.log(np.clip(a, 0.0, None)), 0.0)
            # -inf · 0 weight must not poison the sum
            terms = np.where(wm[:, :, None] > 0, wm[:, :, None] * loga[None, :, :], 0.0)
            score = np.exp(terms.sum(axis=1) / den)
        else:
            score = (wm @ a) / den
        coverage = np.where(total > 0, den / total, np.nan)
    given = (den > 0) & (coverage >= min_coverage - 1e-12)
    return {
        "score": np.where(given, 100.0 * score, np.nan),
        "coverage": coverage,
        "n_scored": np.broadcast_to((wm > 0).sum(axis=1)[:, None], den.shape),
        "n_with_data": (wm > 0).astype(float) @ avail.astype(float),
        "den": den,
    }


def overall(
    group_score: np.ndarray,
    group_weight: np.ndarray,
    weight: np.ndarray,
    att: np.ndarray,
    how: str,
    min_coverage: float,
) -> dict[str, np.ndarray]:
    """The overall score per area: the weighted mean of the group scores that are given."""
    have = ~np.isnan(group_score)  # (G, A)
    gw = group_weight[:, None] * have
    den = gw.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if how == "geometric":
            logs = np.where(have, np.log(np.clip(group_score, 0, None) / 100.0), 0.0)
            logs = np.where(gw > 0, gw * logs, 0.0)
            score = 100.0 * np.exp(logs.sum(axis=0) / den)
        else:
            score = (gw * np.nan_to_num(group_score)).sum(axis=0) / den
        total = weight.sum()
        coverage = (weight[:, None] * ~np.isnan(att)).sum(axis=0) / total if total > 0 else None
    if coverage is None:
        coverage = np.full(group_score.shape[1], np.nan)
    given = (den > 0) & (coverage >= min_coverage - 1e-12)
    return {"score": np.where(given, score, np.nan), "coverage": coverage, "den": den}


def effective_weights(
    group: np.ndarray,
    weight: np.ndarray,
    att: np.ndarray,
    group_den: np.ndarray,
    group_score: np.ndarray,
    group_weight: np.ndarray,
    overall_den: np.ndarray,
) -> np.ndarray:
    """Each indicator's share in the overall score per area (0 where it does not count)."""
    avail = ~np.isnan(att)
    gd = group_den[group]  # (I, A)
    gs_given = ~np.isnan(group_score[group])
    with np.errstate(divide="ignore", invalid="ignore"):
        within = np.where(avail & gs_given & (gd > 0), weight[:, None] / gd, 0.0)
        share = np.where(overall_den > 0, group_weight[group][:, None] / overall_den, 0.0)
    return within * share
