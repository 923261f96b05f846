"""Page data: the scorecard and the evaluation arranged per page, JSON-ready.

Every HTML page renders one of these dicts and its JSON twin returns the same dict,
so the two can never disagree. Nothing here computes what the engine computes: the
numbers come from the evaluation's tables and the scorecard.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..i18n.targets import plan_names, spec_text, target_text
from ..report.labels import NATURE, NATURE_ORDER, STATUS, STATUS_ORDER, nature_label
from ..report.labels import t as label
from ..report.paths import expected_path, number, target_band
from ..report.scorecard import scorecard

if TYPE_CHECKING:
    from ..plan.model import Plan
    from .cache import Snapshot


class NotFound(UsageError):
    """A page or record that does not exist (HTTP 404)."""

    code = "not_found"


def check_nature(nature: str | None) -> str | None:
    """The nature asked for (``?nature=binding``), or None for every indicator."""
    if nature in (None, "", "all"):
        return None
    if nature not in NATURE:
        raise UsageError(f"nature={nature!r}: choose {', '.join(NATURE_ORDER)} (or all)")
    return nature


def _year(v: Any) -> int | None:
    f = number(v)
    return None if f is None else int(f)


def check_area(snap: Snapshot, area: str | None) -> str:
    areas = snap.evaluation.areas
    if area is None or area == "":
        return areas[0]
    if area not in areas:
        raise NotFound(f"no area {area!r}; areas: {', '.join(areas)}")
    return area


def card(snap: Snapshot, area: str, lang: str) -> dict:
    """The scorecard of one area in one language (built once per snapshot)."""
    return snap.memo(
        ("card", area, lang), lambda: scorecard(snap.plan, snap.evaluation, area, lang)
    )


def _context(snap: Snapshot, area: str, lang: str) -> dict:
    c = card(snap, area, lang)
    plan = snap.plan
    return {
        "plan": c["plan"],
        "as_of": c["as_of"],
        "years": list(range(plan.base_year, plan.period.end + 1)),
        "area": c["area"],
        "areas": [{"key": a.key, "name": a.name.get(lang), "parent": a.parent} for a in plan.areas],
        "lang": lang,
        "approved_only": snap.approved_only,
        "meanings": c["meanings"],
        "legend": c["legend"],
    }


def _counts(indicators: list[dict], lang: str) -> list[dict]:
    n = Counter(i["status"] for i in indicators)
    order = list(STATUS_ORDER) + sorted(s for s in n if s not in STATUS_ORDER)
    return [{"status": s, "label": label(STATUS, s, lang), "count": n.get(s, 0)} for s in order]


def _observation_index(snap: Snapshot) -> dict[tuple[str, str], list[dict]]:
    """Observations up to the year shown, by (indicator, area), sorted by year."""

    def build() -> dict[tuple[str, str], list[dict]]:
        out: dict[tuple[str, str], list[dict]] = defaultdict(list)
        obs = snap.observations
        if obs.n_rows == 0:
            return out
        for r in obs.rows():
            year = int(r["year"])
            if year > snap.year:
                continue
            out[(r["indicator"], r["area"])].append(
                {
                    "year": year,
                    "value": number(r["value"]),
                    "censor": _text(r.get("censor")),
                    "previous_basis": number(r.get("previous_basis")),
                    "status": _text(r.get("status")) or "final",
                    "flags": _flags(r.get("flags")),
                    "source": _text(r.get("source")),
                    "note": _text(r.get("note")),
                    "revision": _opt(r.get("revision")),
                    "approved": r.get("state", "approved") == "approved",
                }
            )
        for rows in out.values():
            rows.sort(key=lambda x: x["year"])
        return dict(out)

    return snap.memo("obs_index", build)


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def _opt(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def _flags(v: Any) -> list[str]:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return []
    if isinstance(v, (list, tuple, set)):
        return [str(x) for x in v if str(x)]
    return [f for f in re.split(r"[;,|\s]+", str(v)) if f]


def coverage(snap: Snapshot, area: str, lang: str) -> dict:
    c = card(snap, area, lang)
    idx = _observation_index(snap)
    n_obs = sum(len(v) for (_, a), v in idx.items() if a == area)
    years = [r["year"] for (_, a), v in idx.items() if a == area for r in v]
    return {
        "score_coverage": c["overall"]["coverage"],
        "indicators_scored": c["overall"]["n_scored"],
        "indicators_with_data": c["overall"]["n_with_data"],
        "observations": n_obs,
        "first_year": min(years) if years else None,
        "last_year": max(years) if years else None,
    }


def overview(snap: Snapshot, area: str, lang: str) -> dict:
    def build() -> dict:
        c = card(snap, area, lang)
        groups = []
        for g in c["groups"]:
            groups.append(
                {k: g[k] for k in ("key", "name", "score", "coverage", "n_scored", "n_with_data")}
                | {"status_counts": _counts(g["indicators"], lang)}
            )
        everything = [i for g in c["groups"] for i in g["indicators"]]
        return {
            **_context(snap, area, lang),
            "overall": c["overall"],
            "status_counts": _counts(everything, lang),
            "groups": groups,
            "lenses": c["lenses"],
            "steps": c["steps"],
            "milestones": [
                {k: m[k] for k in ("year", "indicators", "with_data", "met")}
                for m in c["milestones"]
            ],
            "coverage": coverage(snap, area, lang),
            "method": c["method"],
            "natures": nature_summary(snap, area, lang),
        }

    return snap.memo(("overview", area, lang), build)


def _brief(i: dict) -> dict:
    """An indicator's row on list pages."""
    keys = (
        "key",
        "name",
        "unit",
        "unit_label",
        "nature",
        "nature_label",
        "headline",
        "kind",
        "target",
        "target_year",
        "target_text",
        "target_words",
        "base",
        "latest",
        "data_age",
        "data_age_text",
        "stale",
        "attainment",
        "met",
        "year_reached",
        "pace",
        "projection",
        "trend",
        "trend_label",
        "status",
        "status_label",
        "reason",
        "reason_label",
    )
    return {k: i.get(k) for k in keys}


def natures(snap: Snapshot, lang: str, nature: str | None) -> list[dict] | None:
    """The choices of the filter by nature (binding, anticipatory), the one shown marked;
    None when no indicator of the plan has a nature."""
    held = {getattr(i, "nature", None) for i in snap.plan.indicators}
    if not held & set(NATURE):
        return None
    return [
        {"key": k, "label": label(NATURE, k, lang), "selected": k == nature}
        for k in NATURE_ORDER
        if k in held
    ]


def _of_nature(indicators: list[dict], nature: str | None) -> list[dict]:
    return indicators if nature is None else [i for i in indicators if i.get("nature") == nature]


def nature_summary(snap: Snapshot, area: str, lang: str) -> list[dict] | None:
    """Per nature, how many targets and how many of them are off track ("binding targets:
    3 of 8 lagging"), as the core counts them (the scorecard's ``natures``); None when no
    indicator of the plan has a nature."""
    return card(snap, area, lang).get("natures") or None


def groups(snap: Snapshot, area: str, lang: str) -> dict:
    def build() -> dict:
        c = card(snap, area, lang)
        return {
            **_context(snap, area, lang),
            "groups": [
                {k: g[k] for k in ("key", "name", "score", "coverage", "n_scored", "n_with_data")}
                | {"indicators": len(g["indicators"])}
                for g in c["groups"]
            ],
        }

    return snap.memo(("groups", area, lang), build)


def group(snap: Snapshot, key: str, area: str, lang: str, nature: str | None = None) -> dict:
    """A group's indicators (those of one nature, when ``nature`` is given)."""
    nature = check_nature(nature)

    def build() -> dict:
        c = card(snap, area, lang)
        for g in c["groups"]:
            if g["key"] == key:
                plan_group = next(x for x in snap.plan.groups if x.key == key)
                inds = _of_nature(g["indicators"], nature)
                return {
                    **_context(snap, area, lang),
                    "group": {
                        k: g[k]
                        for k in ("key", "name", "score", "coverage", "n_scored", "n_with_data")
                    }
                    | {
                        "description": plan_group.description.get(lang)
                        if plan_group.description
                        else None
                    },
                    "status_counts": _counts(inds, lang),
                    "indicators": [_brief(i) for i in inds],
                    "nature": nature,
                    "nature_label": nature_label(nature, lang),
                    "natures": natures(snap, lang, nature),
                }
        raise NotFound(f"no group {key!r} in plan {snap.plan.id}")

    return snap.memo(("group", key, area, lang, nature), build)


def lenses(snap: Snapshot, area: str, lang: str) -> dict:
    def build() -> dict:
        return {**_context(snap, area, lang), "lenses": card(snap, area, lang)["lenses"]}

    return snap.memo(("lenses", area, lang), build)


def lens(snap: Snapshot, category: str, area: str, lang: str, nature: str | None = None) -> dict:
    """A lens category's indicators (those of one nature, when ``nature`` is given)."""
    nature = check_nature(nature)

    def build() -> dict:
        c = card(snap, area, lang)
        found = snap.plan.categories.get(category)
        if found is None:
            raise NotFound(f"no lens category {category!r} in plan {snap.plan.id}")
        lens_, cat = found
        entry = next(
            x
            for lz in c["lenses"]
            if lz["key"] == lens_.key
            for x in lz["categories"]
            if x["key"] == category
        )
        tagged = {i.key for i in snap.plan.indicators if category in i.tags}
        inds = [i for g in c["groups"] for i in g["indicators"] if i["key"] in tagged]
        inds = _of_nature(inds, nature)
        return {
            **_context(snap, area, lang),
            "lens": {"key": lens_.key, "name": lens_.name.get(lang)},
            "category": entry,
            "chapter": cat.chapter,
            "status_counts": _counts(inds, lang),
            "indicators": [_brief(i) for i in inds],
            "nature": nature,
            "nature_label": nature_label(nature, lang),
            "natures": natures(snap, lang, nature),
        }

    return snap.memo(("lens", category, area, lang, nature), build)


def indicators(snap: Snapshot, area: str, lang: str, nature: str | None = None) -> dict:
    """Every indicator (those of one nature, when ``nature`` is given)."""
    nature = check_nature(nature)

    def build() -> dict:
        c = card(snap, area, lang)
        return {
            **_context(snap, area, lang),
            "indicators": [
                _brief(i) | {"group": g["key"]}
                for g in c["groups"]
                for i in _of_nature(g["indicators"], nature)
            ],
            "nature": nature,
            "nature_label": nature_label(nature, lang),
            "natures": natures(snap, lang, nature),
        }

    return snap.memo(("indicators", area, lang, nature), build)


def scores(snap: Snapshot, area: str, lang: str) -> dict:
    def build() -> dict:
        c = card(snap, area, lang)
        return {
            **_context(snap, area, lang),
            "overall": c["overall"],
            "groups": [
                {k: g[k] for k in ("key", "name", "score", "coverage", "n_scored", "n_with_data")}
                for g in c["groups"]
            ],
            "lenses": c["lenses"],
            "method": c["method"],
        }

    return snap.memo(("scores", area, lang), build)


def plan_info(plan: Plan, lang: str) -> dict:
    return {
        "id": plan.id,
        "version": plan.version,
        "title": plan.title.get(lang),
        "short_title": (plan.short_title or plan.title).get(lang),
        "issuer": plan.issuer.get(lang) if plan.issuer else None,
        "period": [plan.period.start, plan.period.end],
        "base_year": plan.base_year,
        "lang": lang,
        "areas": [{"key": a.key, "name": a.name.get(lang), "parent": a.parent} for a in plan.areas],
        "milestones": [
            {"key": m.key, "year": m.year, "name": m.name.get(lang), "goal": m.goal.get(lang)}
            for m in plan.milestones
        ],
        "groups": [
            {"key": g.key, "name": g.name.get(lang), "weight": g.weight} for g in plan.groups
        ],
        "lenses": [
            {
                "key": lz.key,
                "name": lz.name.get(lang),
                "categories": [{"key": c.key, "name": c.name.get(lang)} for c in lz.categories],
            }
            for lz in plan.lenses
        ],
        "departments": [{"key": d.key, "name": d.name.get(lang)} for d in plan.departments],
        "indicators": len(plan.indicators),
        "methods": plan.methods.model_dump(),
    }


def _schedule(snap: Snapshot, ind: Any, area: str, lang: str) -> list[dict]:
    """The year-by-year targets (年度目标): year, expression, the plan's words, and, for the
    years up to the one shown, the value and whether it met the year's target — as the
    evaluation's ``schedule_table`` says (``met`` None: no value to check)."""
    specs = getattr(ind, "scheduled", None) or []
    if not specs:
        return []
    checked: dict[int, dict] = {}
    table = getattr(snap.evaluation, "schedule_table", None)
    if table is not None and "indicator" in table and table.n_rows:
        mine = table.where((table["indicator"] == ind.key) & (table["area"] == area))
        checked = {int(r["year"]): r for r in mine.rows()}
    out = []
    for spec in specs:
        r = checked.get(spec.year, {})
        held = r.get("held")
        out.append(
            {
                "year": spec.year,
                "expr": spec.expr,
                "words": target_text(
                    spec.expr, lang, unit=ind.unit, names=plan_names(snap.plan, lang)
                ),
                "text": spec.text.get(lang) if spec.text else None,
                "value": number(r.get("value")),
                "censor": _text(r.get("censor")),
                "met": None if held is None or held != held else bool(held),
            }
        )
    return out


def indicator(snap: Snapshot, key: str, area: str, lang: str) -> dict:
    """One indicator: its scorecard entry, definition, series, path, milestones, numbers."""

    def build() -> dict:
        plan = snap.plan
        try:
            ind = plan.indicator(key)
        except KeyError:
            raise NotFound(f"no indicator {key!r} in plan {plan.id}") from None
        c = card(snap, area, lang)
        entry = next(i for g in c["groups"] for i in g["indicators"] if i["key"] == key)
        row = snap.memo(("row", key, area), lambda: snap.evaluation.indicator(key, area))
        ev = snap.evaluation
        mt = ev.milestone_table
        ms = [
            {
                "year": int(r["year"]),
                "expected": number(r["expected"]),
                "explicit": bool(r["explicit"]),
                "observed": number(r["observed"]),
                "met": r["met"],
            }
            for r in mt.where((mt["indicator"] == key) & (mt["area"] == area)).rows()
        ]
        ct = ev.constraint_table
        cons = [
            {
                "year": int(r["year"]),
                "measure": number(r["measure"]),
                "lo": number(r["lo"]),
                "hi": number(r["hi"]),
                "held": bool(r["held"]),
            }
            for r in ct.where((ct["indicator"] == key) & (ct["area"] == area)).rows()
        ]
        path = expected_path(entry, ms)
        th = ev.meta.get("thresholds")
        latest = entry["latest"]
        proj = entry["projection"]
        band = target_band(row)
        articles = {a.number: a for a in plan.articles}
        dept = next((d for d in plan.departments if d.key == ind.department), None)
        names = plan_names(plan, lang)
        return {
            **_context(snap, area, lang),
            "indicator": entry
            | {
                "group": ind.group,
                "group_name": next(g.name.get(lang) for g in plan.groups if g.key == ind.group),
                "tags": [
                    {"key": t, "name": plan.categories[t][1].name.get(lang)}
                    for t in ind.tags
                    if t in plan.categories
                ],
                "definition": ind.definition.get(lang) if ind.definition else None,
                "notes": ind.notes.get(lang) if ind.notes else None,
                "department": (
                    {"key": dept.key, "name": dept.name.get(lang)}
                    if dept
                    else (
                        {"key": ind.department, "name": ind.department} if ind.department else None
                    )
                ),
                "direction": ind.direction,
                "path": ind.path,
                "measure": row["measure"] or None,
                "article_titles": [
                    {"number": n, "title": articles[n].title.get(lang) if n in articles else ""}
                    for n in ind.articles
                ],
                "targets": [
                    {
                        "year": t.year,
                        "expr": t.expr,
                        "words": spec_text(t, lang, unit=ind.unit, names=names),
                        "all": list(getattr(t, "all", None) or []) or None,
                        "qualitative": t.qualitative.get(lang) if t.qualitative else None,
                        "text": t.text.get(lang) if t.text else None,
                    }
                    for t in ind.targets
                ],
                "baseline_given": (
                    {
                        "year": ind.baseline.year,
                        "value": ind.baseline.value,
                        "source": ind.baseline.source,
                    }
                    if ind.baseline
                    else None
                ),
            },
            "series": _observation_index(snap).get((key, area), []),
            "schedule": _schedule(snap, ind, area, lang),
            "expected_path": path,
            "milestones": ms,
            "constraints": cons,
            "target_band": band,
            "projection": {
                **proj,
                "from_year": latest["year"] if proj["value"] is not None else None,
                "from_value": latest["value"] if proj["value"] is not None else None,
                "to_year": entry["target_year"] if proj["value"] is not None else None,
            },
            "numbers": {
                "base_year": entry["base"]["year"],
                "base_value": entry["base"]["value"],
                "latest_year": latest["year"],
                "latest_value": latest["value"],
                "expected_value": entry["expected"],
                "target_level": entry["target_level"],
                "target_lo": number(row["target_lo"]),
                "target_hi": number(row["target_hi"]),
                "measure": row["measure"] or None,
                "measure_value": number(row["measure_value"]),
                "attainment": entry["attainment"],
                "attainment_method": entry["attainment_method"],
                "completion": entry["completion"],
                "progress": number(row["progress"]),
                "progress_ratio": entry["pace"]["progress_ratio"],
                "observed_rate": entry["pace"]["observed_rate"],
                "required_rate": entry["pace"]["required_rate"],
                "required_rate_now": entry["pace"]["required_rate_now"],
                "rate_ratio": entry["pace"]["rate_ratio"],
                "compound": entry["pace"]["compound"],
                "pace_measure": entry["pace"]["measure"],
                "pace": entry["pace"]["value"],
                "pace_band": entry["pace"]["band"],
                "pace_band_label": entry["pace"]["band_label"],
                "status": entry["status"],
                "status_label": entry["status_label"],
                "reason": entry["reason"],
                "reason_label": entry["reason_label"],
                "data_age": entry["data_age"],
                "max_data_age": getattr(ev.options, "max_data_age", None),
                "year_reached": entry["year_reached"],
                "projected_year": entry["projection"]["year"],
                "thresholds": (
                    {
                        "name": th.name,
                        "measure": th.measure,
                        "ahead": getattr(th, "ahead", None),
                        "on": th.on,
                        "moderate": th.moderate,
                        "floor": th.floor,
                        "source": th.source,
                    }
                    if th is not None
                    else None
                ),
            },
        }

    return snap.memo(("indicator", key, area, lang), build)
