"""Glue between the store and the pure assessment: gather, then :func:`compute.assess`.

Store methods read: ``plan``, ``evaluation``, ``assignments``, ``departments``, ``tasks``,
``ratings(year)``, ``assessment_events(year)`` and ``adjustments(year)``; written:
``adjust(user, unit, year, delta, reason)`` (audited by the store).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..i18n import N_, label
from ..i18n.codes import Table
from .compute import AssessmentResult, assess

if TYPE_CHECKING:
    from ..plan.model import Plan

STORE_METHODS = ("ratings", "assessment_events", "adjustments", "adjust", "tasks")


def department_indicators(plan: Plan, assignments: Mapping[str, str]) -> dict[str, list[str]]:
    """Department → its indicators: the plan's ``department`` fields, overridden by the
    store's assignments (the assignment file beside the plan), in plan order."""
    owner = {i.key: i.department for i in plan.indicators if i.department}
    owner.update({k: v for k, v in assignments.items() if v})
    out: dict[str, list[str]] = {}
    for ind in plan.indicators:
        dept = owner.get(ind.key)
        if dept:
            out.setdefault(dept, []).append(ind.key)
    return out


def _task_leads(tasks: Any) -> dict[str, str]:
    """Task key → lead department, from ``store.tasks()`` (a list of dicts)."""
    out: dict[str, str] = {}
    for t in tasks or []:
        if not isinstance(t, Mapping):
            continue
        key = t.get("key", t.get("id", t.get("task")))
        lead = t.get("lead", t.get("lead_department"))
        if isinstance(lead, Mapping):
            lead = lead.get("key")
        if key is not None and lead:
            out[str(key)] = str(lead)
    return out


def _ratings(store: Any, year: int) -> list[dict[str, Any]]:
    """The year's ratings, each counted for its task's lead department."""
    leads = _task_leads(store.tasks()) if hasattr(store, "tasks") else {}
    out = []
    for r in store.ratings(year):
        lead = leads.get(str(r.get("task"))) or r.get("unit") or r.get("department")
        out.append(
            {
                "task": r.get("task"),
                "period": r.get("period"),
                "unit": lead,
                "rating": r.get("rating", r.get("score")),
                "scale": r.get("scale"),
                "comment": r.get("comment"),
                "rater": r.get("rater", r.get("rated_by")),
                "at": r.get("at", r.get("rated_at")),
            }
        )
    return out


def _adjustments(store: Any, year: int) -> list[dict[str, Any]]:
    return [
        {
            "unit": a.get("unit"),
            "delta": a.get("delta"),
            "reason": a.get("reason"),
            "user": a.get("user", a.get("created_by")),
            "at": a.get("at", a.get("created_at")),
        }
        for a in store.adjustments(year)
    ]


def _names(store: Any) -> dict[str, dict[str, str]]:
    out = {}
    for d in store.departments():
        zh = d.get("name_zh") or d["key"]
        out[d["key"]] = {"zh": zh, "en": d.get("name_en") or zh}
    return out


def _for_plan(store: Any, plan_id: str) -> Any:
    """A store whose every plan-keyed read is for ``plan_id`` (a store holds several)."""
    from ..store.base import StoreBase
    from ..store.plans import PlanStore

    if isinstance(store, PlanStore):
        store = store.unbound
    return PlanStore(store, plan_id) if isinstance(store, StoreBase) else store


def check_year(plan: Plan, year: int | None) -> int:
    y = plan.period.end if year is None else int(year)
    if not plan.base_year < y <= plan.period.end:
        raise UsageError(
            f"year {y} is outside plan {plan.id}: choose {plan.base_year + 1}–{plan.period.end}"
        )
    return y


def run_assessment(
    store: Any,
    year: int | None = None,
    plan_id: str | None = None,
    *,
    evaluation: Any = None,
) -> AssessmentResult:
    """The annual assessment of ``year`` (default: the plan's end year) from the store:
    the evaluation as of that year on approved data (or the ``evaluation`` given, e.g. the
    web's cached one), the assignments, the year's ratings, reporting events and
    adjustments."""
    plan = store.plan(plan_id)
    y = check_year(plan, year)
    store = _for_plan(store, plan.id)
    missing = [m for m in STORE_METHODS if not hasattr(store, m)]
    if missing:
        raise UsageError("this store cannot run the assessment yet: it lacks " + ", ".join(missing))
    if evaluation is None or evaluation.as_of != y or evaluation.plan_version != plan.version:
        evaluation = store.evaluation(plan.id, y)
    return assess(
        plan,
        evaluation,
        y,
        unit_indicators=department_indicators(plan, store.assignments(plan.id)),
        ratings=_ratings(store, y),
        events=[dict(e) for e in store.assessment_events(y)],
        adjustments=_adjustments(store, y),
        unit_names=_names(store),
    )


def adjust(
    store: Any,
    user: Any,
    unit: str,
    year: int,
    delta: float,
    reason: str | None,
    plan_id: str | None = None,
) -> Any:
    """Record an adjustment of a unit's total (audited by the store). A reason is required
    and the delta must be a finite number; the store checks the user's role."""
    from ..store.errors import ReasonRequired

    if not reason or not str(reason).strip():
        raise ReasonRequired("an adjustment needs a reason")
    try:
        d = float(delta)
    except (TypeError, ValueError):
        raise UsageError(f"the adjustment {delta!r} is not a number") from None
    if not math.isfinite(d) or d == 0:
        raise UsageError(f"the adjustment {delta!r} must be a number other than 0")
    from ..store.errors import NotFound

    result = run_assessment(store, year, plan_id)
    try:
        key = result.unit(unit).key
    except KeyError:
        raise NotFound(f"no unit {unit!r} is assessed in {int(year)}") from None
    store = _for_plan(store, result.plan_id)
    return store.adjust(user, key, int(year), d, str(reason).strip())


#: the results table's columns, for the command line and the web; their headings are in the
#: catalogs (msgctxt ``assessment``: ``COLUMNS["rank"]`` is ``{"en": "Rank", "zh": "名次"}``)
COLUMNS = Table(
    "assessment",
    (
        N_("assessment", "rank"),
        N_("assessment", "unit"),
        N_("assessment", "quantitative"),
        N_("assessment", "qualitative"),
        N_("assessment", "deductions"),
        N_("assessment", "adjustments"),
        N_("assessment", "total"),
        N_("assessment", "grade"),
        N_("assessment", "coverage"),
    ),
)


def insufficient_text(lang: str) -> str:
    """Shown in place of the grade of a unit below ``min_coverage``."""
    return label("assessment", "insufficient", lang)


def coverage_text(coverage: Mapping[str, Any]) -> str:
    """A unit's data coverage for reading: ``50% (1/2)``; ``—`` without scored indicators."""
    share = coverage.get("share")
    if share is None:
        return "—"
    return f"{100 * share:.0f}% ({coverage.get('current', 0)}/{coverage.get('counted', 0)})"


def missing_text(m: Mapping[str, Any], as_of: int, lang: str) -> str:
    """Why an indicator counts as missing: no data, or data too old (its year and age)."""
    year, age = m.get("latest_year"), m.get("data_age")
    if m.get("status") != "stale" or year is None:
        return label("assessment", "no_data", lang)
    age = as_of - year if age is None else age
    return label(
        "assessment", "stale_missing", lang, year=f"{year:.0f}", age=f"{age:.0f}", as_of=as_of
    )


def insufficient_lines(result: AssessmentResult, lang: str) -> list[str]:
    """One line per unit with insufficient data: its coverage and the indicators missing."""
    need = f"{100 * result.rules.get('min_coverage', 0.5):.0f}%"
    out = []
    for u in result.units:
        if not u.insufficient_data:
            continue
        name = u.name.get(lang) or u.name.get("zh")
        items = "; ".join(
            f"{m['indicator']} ({missing_text(m, result.as_of, lang)})" for m in u.missing
        )
        cov = coverage_text(u.coverage)
        out.append(
            label(
                "assessment",
                "insufficient_line",
                lang,
                name=name,
                coverage=cov,
                need=need,
                items=items,
            )
        )
    return out
