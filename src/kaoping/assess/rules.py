"""The assessment rules, one small pure function each (see ``docs/assessment.md``).

The rules themselves are the plan's ``assessment:`` section
(:class:`kaoping.plan.model.Assessment`); a plan without one is assessed with its defaults.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from ..plan.model import Assessment, GradeBand, QuantitativeRule, RatingScale

if TYPE_CHECKING:
    from ..plan.model import Deductions, Plan

DEDUCTION_KINDS = ("late_report", "missing_report", "returned_data")
UNIT_KINDS = ("department", "district")


def rules_of(plan: Plan) -> Assessment:
    """The plan's assessment rules, or the defaults when it has none."""
    return plan.assessment if plan.assessment is not None else Assessment()


def is_number(v: Any) -> bool:
    """A finite real number (Python's or NumPy's), not a bool."""
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) and math.isfinite(v)


def round_half_up(x: float, decimals: int) -> float:
    """``x`` rounded to ``decimals`` places, halves away from zero (84.25 → 84.3)."""
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP))


#: statuses of a met target: both score ``quantitative.achieved``
MET = ("achieved", "achieved_early")
#: statuses scored on the progress ratio (capped at 100)
PACED = ("ahead", "on_track", "lagging")
#: statuses without current data: no value, or a value older than ``methods.max_data_age``
MISSING = ("no_data", "stale")


#: reasons for which the progress ratio does not measure the pace: the value is within the
#: dead-band of the path (noise), or it already meets a target judged on pace
RATIO_SET_ASIDE = ("within_deadband", "met_before_target_year")


def indicator_score(
    status: str, progress_ratio: float | None, rule: QuantitativeRule, reason: str | None = None
) -> tuple[float | None, str]:
    """The score (0–100) of one indicator and the rule that gave it.

    ``None`` means the indicator is left out of the unit's mean (no data or stale data,
    excluded; or no target). ``achieved_early`` scores as ``achieved``; ``ahead`` as
    ``on_track``; ``stale`` as ``no_data``. When the status was set by the dead-band or by
    a target met before its year (``reason``), the ratio is set aside and the status's
    no-ratio score is used.
    """
    if status in MET:
        return float(rule.achieved), "achieved"
    if status == "regressing":
        return float(rule.regressing), "regressing"
    if status in PACED:
        if is_number(progress_ratio) and reason not in RATIO_SET_ASIDE:
            return 100.0 * min(1.0, max(0.0, float(progress_ratio))), "progress_ratio"  # type: ignore[arg-type]
        if status == "lagging":
            return float(rule.lagging_no_ratio), "lagging_no_ratio"
        return float(rule.on_track_no_ratio), "on_track_no_ratio"
    if status in MISSING:
        if rule.no_data == "zero":
            return 0.0, f"{status}_zero"
        return None, f"{status}_excluded"
    return None, "not_scored"  # monitoring only


def data_coverage(items: Sequence[tuple[bool, float]]) -> float | None:
    """The share of a unit's scored indicators with current data, over (current, weight)
    pairs: Σ wᵢ over the current ones / Σ wᵢ. When every weight is 0 the indicators count
    equally; with no indicator at all the share is None."""
    if not items:
        return None
    total = sum(w for _, w in items)
    if total <= 0:
        return sum(1 for c, _ in items if c) / len(items)
    return sum(w for c, w in items if c) / total


def enough_data(share: float | None, min_coverage: float) -> bool:
    """Whether a unit may be graded: its data coverage reaches ``min_coverage`` (exactly at
    the threshold is enough). A unit without scored indicators is not held back by it."""
    return share is None or share >= min_coverage - 1e-9


def weighted_mean(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Σ wᵢsᵢ / Σ wᵢ over (score, weight) pairs; None when the weights sum to 0."""
    total = sum(w for _, w in pairs)
    if total <= 0:
        return None
    return sum(s * w for s, w in pairs) / total


def rating_score(rating: float, scale: RatingScale) -> float:
    """A rating on the scale as 0–100: ``100·(r − min)/(max − min)``, clipped to the scale."""
    r = min(scale.max, max(scale.min, float(rating)))
    return 100.0 * (r - scale.min) / (scale.max - scale.min)


def deduction_amount(kind: str, count: int, deductions: Deductions) -> float:
    """Points taken off for ``count`` events of ``kind``: ``min(cap, count·points)``."""
    rule = getattr(deductions, kind)
    amount = count * rule.points
    return amount if rule.cap is None else min(rule.cap, amount)


def total_deduction(amounts: Sequence[float], deductions: Deductions) -> float:
    """The sum of the deductions, at most the overall cap."""
    s = sum(amounts)
    return s if deductions.cap is None else min(deductions.cap, s)


def combine(
    quantitative: float | None, qualitative: float | None, rules: Assessment
) -> tuple[float | None, float, float]:
    """The weighted score before deductions and the weights actually used.

    With ``missing_part: reweight`` a missing part's weight goes to the other part; with
    ``zero`` the missing part scores 0. No evidence at all gives ``None``.
    """
    wq, wl = rules.weights.quantitative, rules.weights.qualitative
    if quantitative is None and qualitative is None:
        return None, 0.0, 0.0
    if rules.missing_part == "reweight":
        if quantitative is None:
            return qualitative, 0.0, 1.0  # type: ignore[return-value]
        if qualitative is None:
            return quantitative, 1.0, 0.0
    q = quantitative or 0.0
    ll = qualitative or 0.0
    return wq * q + wl * ll, wq, wl


def clip_adjustment(total: float, limit: float | None) -> float:
    """The sum of a unit's adjustments, limited to ±``limit``."""
    return total if limit is None else max(-limit, min(limit, total))


def grade_of(total: float, grades: Sequence[GradeBand]) -> GradeBand | None:
    """The first band (highest first) whose ``min`` the total reaches."""
    for band in grades:
        if total >= band.min:
            return band
    return None


def competition_ranks(totals: Sequence[float | None]) -> list[int | None]:
    """Standard competition ranking (1, 2, 2, 4), highest first; None is not ranked."""
    out: list[int | None] = []
    for t in totals:
        out.append(None if t is None else 1 + sum(1 for u in totals if u is not None and u > t))
    return out
