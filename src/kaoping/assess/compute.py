"""assess(plan, evaluation, year, …) → AssessmentResult. Pure: no I/O, no globals.

The annual assessment (考评) of departments and districts: a quantitative part (the
unit's indicators against their expected path), a qualitative part (reviewers' ratings of
the unit's tasks), deductions for reporting events, audited adjustments, a total, a grade
and a rank — with the evidence behind every number. The rules are the plan's
``assessment:`` section; ``docs/assessment.md`` states every formula.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from . import rules as R

if TYPE_CHECKING:
    from ..engine.result import Evaluation
    from ..plan.model import Assessment, Plan, RatingScale

_EVIDENCE_COLUMNS = (
    "status",
    "reason",
    "progress_ratio",
    "expected_value",
    "latest_value",
    "latest_year",
    "base_value",
    "base_year",
    "target",
    "target_year",
    "attainment",
    "data_age",
)


def _clean(v: Any) -> Any:
    """Plain JSON-ready values: NaN → None, NumPy scalars → Python, dates → ISO text."""
    if hasattr(v, "item"):
        v = v.item()
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


@dataclass
class UnitResult:
    """One assessed unit: both parts, deductions, adjustments, total, grade and rank."""

    kind: str  # "department" or "district"
    key: str
    name: dict[str, str]  # {"zh": …, "en": …}
    quantitative: float | None  # 0–100, rounded; None: no scored indicator, or too few
    indicators: list[dict[str, Any]]  # the rows behind the quantitative score
    # indicators, scored (in the mean), excluded; counted (with a target), current (with
    # current data), missing (no data or stale), share (weighted current/counted, 0–1),
    # required (the rules' min_coverage)
    coverage: dict[str, Any]
    qualitative: float | None  # 0–100, rounded; None: no rating
    ratings: list[dict[str, Any]]  # the ratings behind it (counted or superseded)
    weights_used: dict[str, float]  # the weights actually applied (after reweighting)
    base: float | None  # the weighted score before deductions, rounded
    deductions: list[dict[str, Any]]  # per kind: count, points, cap, amount, events
    deduction_total: float  # after the overall cap
    adjustments: list[dict[str, Any]]  # delta, reason, user, at
    adjustment_total: float  # after the ±max_adjustment limit
    total: float | None  # clip(base − deductions + adjustments, 0, 100), rounded
    grade: dict[str, str] | None  # {"key", "zh", "en"}
    rank: int | None  # among units of the same kind; ties share a rank
    notes: list[str] = field(default_factory=list)  # codes: no_indicators, no_ratings, …
    # too few indicators with current data (share < min_coverage): no total, grade or rank
    insufficient_data: bool = False
    missing: list[dict[str, Any]] = field(default_factory=list)  # the indicators missing

    @property
    def ref(self) -> str:
        """``department:KEY`` or ``district:KEY``: unique even if a key is both."""
        return f"{self.kind}:{self.key}"

    def row(self) -> dict[str, Any]:
        g = self.grade or {}
        return {
            "kind": self.kind,
            "unit": self.key,
            "name_zh": self.name.get("zh", self.key),
            "name_en": self.name.get("en", ""),
            "quantitative": self.quantitative,
            "qualitative": self.qualitative,
            "base": self.base,
            "deductions": self.deduction_total,
            "adjustments": self.adjustment_total,
            "total": self.total,
            "grade": g.get("key"),
            "grade_zh": g.get("zh"),
            "grade_en": g.get("en"),
            "rank": self.rank,
            "indicators_scored": self.coverage["scored"],
            "indicators": self.coverage["indicators"],
            "coverage": self.coverage["share"],
            "insufficient_data": self.insufficient_data,
            "missing": ", ".join(m["indicator"] for m in self.missing),
            "tasks_rated": sum(1 for r in self.ratings if r["counted"]),
        }

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class AssessmentResult:
    """The annual assessment of a plan's units for one year, as of the evaluation."""

    plan_id: str
    plan_version: str
    year: int
    as_of: int
    rules: dict[str, Any]  # the rules applied (the plan's assessment section, filled in)
    units: list[UnitResult]
    comparison: dict[str, Any]  # districts × indicators: {"districts": [...], "rows": [...]}

    def unit(self, key: str, kind: str | None = None) -> UnitResult:
        """A unit by key (``department:KEY`` / ``district:KEY`` when a key is both)."""
        if ":" in key and kind is None:
            kind, key = key.split(":", 1)
        found = [u for u in self.units if u.key == key and (kind is None or u.kind == kind)]
        if not found:
            raise KeyError(key)
        return found[0]

    def rows(self) -> list[dict[str, Any]]:
        """The results table: one flat row per unit, departments first, each by rank."""
        return [u.row() for u in self.units]

    def comparison_rows(self) -> list[dict[str, Any]]:
        """The district comparison as flat rows: indicator, district, status, ratio, score."""
        out = []
        for row in self.comparison["rows"]:
            for d in self.comparison["districts"]:
                cell = row["cells"].get(d["key"], {})
                out.append({"indicator": row["indicator"], "district": d["key"], **cell})
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "plan_version": self.plan_version,
            "year": self.year,
            "as_of": self.as_of,
            "rules": self.rules,
            "results": self.rows(),
            "units": [u.to_dict() for u in self.units],
            "comparison": self.comparison,
        }


# -- inputs ---------------------------------------------------------------------------------


def _eval_rows(evaluation: Evaluation) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["indicator"], r["area"]): r for r in evaluation.indicator_table.rows()}


_SCALE_TEXT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[-–~至]\s*(-?\d+(?:\.\d+)?)\s*$")


def _scale_of(value: Any, default: RatingScale) -> RatingScale:
    """A rating's own scale ({min, max}, (min, max) or "1-5"), else the rules' scale."""
    lo = hi = None
    if isinstance(value, Mapping):
        lo, hi = value.get("min"), value.get("max")
    elif isinstance(value, (list, tuple)) and len(value) == 2:
        lo, hi = value
    elif isinstance(value, str) and (m := _SCALE_TEXT.match(value)):
        lo, hi = float(m.group(1)), float(m.group(2))
    if R.is_number(lo) and R.is_number(hi) and lo < hi:  # type: ignore[operator]
        return type(default)(min=float(lo), max=float(hi))  # type: ignore[arg-type]
    return default


def _name(names: Mapping[str, Any], key: str, fallback: Any = None) -> dict[str, str]:
    v = names.get(key, fallback)
    if v is None:
        return {"zh": key, "en": key}
    if hasattr(v, "zh"):
        return {"zh": v.zh, "en": v.en or v.zh}
    if isinstance(v, Mapping):
        zh = v.get("zh") or v.get("name_zh") or key
        return {"zh": zh, "en": v.get("en") or v.get("name_en") or zh}
    return {"zh": str(v), "en": str(v)}


def _unit_of(item: Mapping[str, Any]) -> str | None:
    u = item.get("unit", item.get("department"))
    return str(u) if u is not None else None


# -- the parts -------------------------------------------------------------------------------


def _quantitative(
    plan: Plan,
    rows: Mapping[tuple[str, str], dict[str, Any]],
    keys: Iterable[str],
    area: str,
    rules: Assessment,
) -> tuple[float | None, list[dict[str, Any]], dict[str, Any], float | None]:
    """The quantitative score, its evidence, the coverage and the raw coverage share."""
    evidence: list[dict[str, Any]] = []
    pairs: list[tuple[float, float]] = []
    counted: list[tuple[bool, float]] = []
    for key in keys:
        try:
            ind = plan.indicator(key)
        except KeyError:
            continue
        if not ind.scored:
            continue
        row = rows.get((key, area))
        facts = {c: _clean(row.get(c)) if row else None for c in _EVIDENCE_COLUMNS}
        status = facts.get("status") or "no_data"
        facts["status"] = status
        if row is None:
            facts["reason"] = "no_value"
        score, basis = R.indicator_score(
            status, facts.get("progress_ratio"), rules.quantitative, facts.get("reason")
        )
        weight = ind.weight if rules.quantitative.weights == "plan" else 1.0
        if score is not None:
            pairs.append((score, weight))
        if basis != "not_scored":
            counted.append((status not in R.MISSING, weight))
        evidence.append(
            {
                "indicator": key,
                "name": {"zh": ind.name.zh, "en": ind.name.en or ind.name.zh},
                "unit": ind.unit,
                "area": area,
                **facts,
                "weight": weight,
                "score": None if score is None else R.round_half_up(score, rules.decimals),
                "basis": basis,
                "included": score is not None,
            }
        )
    mean = R.weighted_mean(pairs)
    n_in = sum(1 for e in evidence if e["included"])
    share = R.data_coverage(counted)
    n_current = sum(1 for c, _ in counted if c)
    coverage = {
        "indicators": len(evidence),
        "scored": n_in,
        "excluded": len(evidence) - n_in,
        "counted": len(counted),
        "current": n_current,
        "missing": len(counted) - n_current,
        "share": None if share is None else R.round_half_up(share, 4),
        "required": rules.min_coverage,
    }
    return mean, evidence, coverage, share


def _missing(evidence: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The unit's indicators without current data: no value, or a value too old."""
    keep = ("indicator", "name", "status", "reason", "latest_year", "data_age", "weight")
    return [{k: e.get(k) for k in keep} for e in evidence if e["status"] in R.MISSING]


def _qualitative(
    ratings: Sequence[Mapping[str, Any]], rules: Assessment
) -> tuple[float | None, list[dict[str, Any]]]:
    by_task: dict[str, list[tuple[int, Mapping[str, Any]]]] = {}
    for i, r in enumerate(ratings):
        if not R.is_number(r.get("rating")):
            continue
        by_task.setdefault(str(r.get("task")), []).append((i, r))
    evidence: list[dict[str, Any]] = []
    task_scores: list[float] = []
    for task in sorted(by_task):
        items = sorted(by_task[task], key=lambda x: (str(x[1].get("at") or ""), x[0]))
        scored = []
        for _, r in items:
            scale = _scale_of(r.get("scale"), rules.qualitative.scale)
            s = R.rating_score(float(r["rating"]), scale)
            scored.append((r, scale, s))
        counted = scored[-1:] if rules.qualitative.ratings == "latest" else scored
        task_scores.append(sum(s for _, _, s in counted) / len(counted))
        for r, scale, s in scored:
            evidence.append(
                {
                    "task": task,
                    "period": r.get("period"),
                    "rating": _clean(r["rating"]),
                    "scale": {"min": scale.min, "max": scale.max},
                    "score": R.round_half_up(s, rules.decimals),
                    "rater": r.get("rater"),
                    "at": _clean(r.get("at")),
                    "comment": r.get("comment"),
                    "counted": any(r is c for c, _, _ in counted),
                }
            )
    if not task_scores:
        return None, evidence
    return sum(task_scores) / len(task_scores), evidence


def _deductions(
    events: Sequence[Mapping[str, Any]], rules: Assessment
) -> tuple[list[dict[str, Any]], float, list[str]]:
    notes: list[str] = []
    items = []
    for kind in R.DEDUCTION_KINDS:
        mine = [e for e in events if e.get("kind") == kind]
        if not mine:
            continue
        rule = getattr(rules.deductions, kind)
        amount = R.deduction_amount(kind, len(mine), rules.deductions)
        if rule.cap is not None and len(mine) * rule.points > rule.cap:
            notes.append(f"cap_{kind}")
        items.append(
            {
                "kind": kind,
                "count": len(mine),
                "points": rule.points,
                "cap": rule.cap,
                "amount": amount,
                "events": [
                    {"date": _clean(e.get("date")), "reference": e.get("reference")} for e in mine
                ],
            }
        )
    if any(e.get("kind") not in R.DEDUCTION_KINDS for e in events):
        notes.append("unknown_event_kind")
    raw = sum(d["amount"] for d in items)
    total = R.total_deduction([d["amount"] for d in items], rules.deductions)
    if total < raw:
        notes.append("cap_deductions")
    return items, total, notes


def _adjustments(
    adjustments: Sequence[Mapping[str, Any]], rules: Assessment
) -> tuple[list[dict[str, Any]], float, list[str]]:
    items = [
        {
            "delta": float(a["delta"]),
            "reason": a.get("reason"),
            "user": a.get("user", a.get("by")),
            "at": _clean(a.get("at")),
        }
        for a in adjustments
        if R.is_number(a.get("delta"))
    ]
    raw = sum(a["delta"] for a in items)
    total = R.clip_adjustment(raw, rules.max_adjustment)
    return items, total, (["adjustment_limit"] if total != raw else [])


# -- the units -------------------------------------------------------------------------------


def _departments(
    plan: Plan,
    rules: Assessment,
    unit_indicators: Mapping[str, Sequence[str]],
    ratings: Sequence[Mapping[str, Any]],
) -> list[str]:
    if rules.departments is not None:
        return list(rules.departments)
    keys = [d.key for d in plan.departments]
    extra = set(unit_indicators) | {u for r in ratings if (u := _unit_of(r)) is not None}
    return keys + sorted(extra - set(keys))


def _districts(plan: Plan, rules: Assessment) -> list[str]:
    if rules.districts is not None:
        return list(rules.districts)
    return [a.key for a in plan.areas if a.parent is not None]


def _district_indicators(plan: Plan) -> list[str]:
    """Every scored indicator with a target: the same set for every district."""
    return [i.key for i in plan.indicators if i.scored and i.targets]


def _unit(
    kind: str,
    key: str,
    name: dict[str, str],
    plan: Plan,
    rows: Mapping[tuple[str, str], dict[str, Any]],
    indicator_keys: Sequence[str],
    area: str,
    ratings: Sequence[Mapping[str, Any]],
    events: Sequence[Mapping[str, Any]],
    adjustments: Sequence[Mapping[str, Any]],
    rules: Assessment,
) -> UnitResult:
    d = rules.decimals
    rnd = lambda x: None if x is None else R.round_half_up(x, d)  # noqa: E731
    notes: list[str] = []
    q_raw, evidence, coverage, share = _quantitative(plan, rows, indicator_keys, area, rules)
    if q_raw is None:
        notes.append("no_indicators" if not evidence else "no_indicator_data")
    insufficient = not R.enough_data(share, rules.min_coverage)
    if insufficient:
        # a grade on too few indicators is not a grade: no quantitative score, no total
        notes.append("insufficient_data")
        q_raw = None
    l_raw, rating_evidence = _qualitative(ratings, rules)
    if l_raw is None:
        notes.append("no_ratings")
    q, ql = rnd(q_raw), rnd(l_raw)
    base_raw, wq, wl = R.combine(q, ql, rules)
    base = None if insufficient else rnd(base_raw)
    if insufficient:
        wq = wl = 0.0
    deductions, d_total, d_notes = _deductions(events, rules)
    adj, a_total, a_notes = _adjustments(adjustments, rules)
    notes += d_notes + a_notes
    total = grade = None
    if base is not None:
        raw = base - d_total + a_total
        if raw < 0 or raw > 100:
            notes.append("total_clipped")
        total = rnd(max(0.0, min(100.0, raw)))
        band = R.grade_of(total, rules.grades)  # type: ignore[arg-type]
        if band is not None:
            grade = {"key": band.key, "zh": band.name.zh, "en": band.name.en or band.name.zh}
    return UnitResult(
        kind=kind,
        key=key,
        name=name,
        quantitative=q,
        indicators=evidence,
        coverage=coverage,
        qualitative=ql,
        ratings=rating_evidence,
        weights_used={"quantitative": wq, "qualitative": wl},
        base=base,
        deductions=deductions,
        deduction_total=rnd(d_total),  # type: ignore[arg-type]
        adjustments=adj,
        adjustment_total=rnd(a_total),  # type: ignore[arg-type]
        total=total,
        grade=grade,
        rank=None,
        notes=notes,
        insufficient_data=insufficient,
        missing=_missing(evidence),
    )


def _rank(units: list[UnitResult]) -> list[UnitResult]:
    ranks = R.competition_ranks([u.total for u in units])
    for u, r in zip(units, ranks, strict=True):
        u.rank = r
    big = 1 << 30
    return sorted(units, key=lambda u: (u.rank if u.rank is not None else big, u.key))


def _comparison(plan: Plan, units: list[UnitResult]) -> dict[str, Any]:
    districts = [u for u in units if u.kind == "district"]
    keys = _district_indicators(plan) if districts else []
    cells: dict[str, dict[str, Any]] = {k: {} for k in keys}
    for u in districts:
        for e in u.indicators:
            cells[e["indicator"]][u.key] = {
                "status": e["status"],
                "progress_ratio": e["progress_ratio"],
                "latest_value": e["latest_value"],
                "latest_year": e["latest_year"],
                "score": e["score"],
            }
    rows = []
    for k in keys:
        ind = plan.indicator(k)
        rows.append(
            {
                "indicator": k,
                "name": {"zh": ind.name.zh, "en": ind.name.en or ind.name.zh},
                "unit": ind.unit,
                "cells": cells[k],
            }
        )
    return {
        "districts": [
            {
                "key": u.key,
                "name": u.name,
                "total": u.total,
                "insufficient_data": u.insufficient_data,
            }
            for u in districts
        ],
        "rows": rows,
    }


def assess(
    plan: Plan,
    evaluation: Evaluation,
    year: int,
    *,
    unit_indicators: Mapping[str, Sequence[str]],
    ratings: Sequence[Mapping[str, Any]] = (),
    events: Sequence[Mapping[str, Any]] = (),
    adjustments: Sequence[Mapping[str, Any]] = (),
    unit_names: Mapping[str, Any] | None = None,
) -> AssessmentResult:
    """Assess the plan's units for ``year`` on an evaluation as of that year.

    - ``unit_indicators``: department key → the indicator keys assigned to it;
    - ``ratings``: reviewers' ratings of the year (task, department, rating, scale,
      comment, rater, at); a rating counts for the unit named by ``unit`` or
      ``department``;
    - ``events``: reporting events of the year (unit, kind in late_report |
      missing_report | returned_data, date, reference);
    - ``adjustments``: the year's audited adjustments (unit, delta, reason, user, at);
    - ``unit_names``: names of units the plan does not list (key → {zh, en}).
    """
    rules = R.rules_of(plan)
    rows = _eval_rows(evaluation)
    names: dict[str, Any] = {d.key: d.name for d in plan.departments}
    names.update({a.key: a.name for a in plan.areas})
    names.update(unit_names or {})

    def of(items: Sequence[Mapping[str, Any]], key: str) -> list[Mapping[str, Any]]:
        return [x for x in items if _unit_of(x) == key]

    groups: list[list[UnitResult]] = []
    if rules.units in ("departments", "both"):
        area = plan.default_area
        depts = [
            _unit(
                "department",
                k,
                _name(names, k),
                plan,
                rows,
                list(unit_indicators.get(k, ())),
                area,
                of(ratings, k),
                of(events, k),
                of(adjustments, k),
                rules,
            )
            for k in _departments(plan, rules, unit_indicators, ratings)
        ]
        groups.append(_rank(depts))
    if rules.units in ("districts", "both"):
        keys = _district_indicators(plan)
        dists = [
            _unit(
                "district",
                k,
                _name(names, k),
                plan,
                rows,
                keys,
                k,
                of(ratings, k),
                of(events, k),
                of(adjustments, k),
                rules,
            )
            for k in _districts(plan, rules)
        ]
        groups.append(_rank(dists))
    units = [u for g in groups for u in g]
    return AssessmentResult(
        plan_id=plan.id,
        plan_version=plan.version,
        year=int(year),
        as_of=int(evaluation.as_of),
        rules=rules.model_dump(mode="json"),
        units=units,
        comparison=_comparison(plan, units),
    )
