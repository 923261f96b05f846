"""The scorecard: an evaluation arranged for reading, in one language.

Every view (terminal, JSON, CSV, and later the web and printed reports) renders this
structure; none of them computes anything the engine computes.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, Any

from ..i18n import label
from ..i18n.formats import format_number
from ..i18n.targets import plan_names, schedule_text, spec_text
from .labels import (
    BREAK,
    CENSOR,
    NATURE,
    PACE_BAND,
    REASON,
    STATUS,
    STATUS_ORDER,
    TREND,
    censored_text,
    data_age_text,
    nature_label,
    status_legend,
    t,
    word,
)
from .paths import number

if TYPE_CHECKING:
    from ..engine.result import Evaluation
    from ..plan.model import Plan


def _year(v: Any) -> int | None:
    try:
        return None if v is None or v != v else int(v)
    except (TypeError, ValueError):
        return None


def fmt_number(v: float | None, unit: str = "", censor: str | None = "", lang: str = "en") -> str:
    """A value for reading, by :func:`kaoping.i18n.formats.format_number` (the one digit rule:
    grouped thousands, none from 10,000, at most one decimal from 100, two from 1, three
    significant digits below 1); a censored value (``censor`` ``>`` or ``<``) with its bound:
    "> 25" (zh "超过25"). ``unit`` is not shown (the callers place it)."""
    shown = format_number(v, lang)
    return censored_text(shown, censor, lang) if censor else shown


def fmt_pct(v: float | None, digits: int = 0) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{100 * v:.{digits}f}%"


def fmt_score(v: float | None) -> str:
    """A score (0–100, as the engine gives it) with one decimal; "—" when not given."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{v:.1f}"


def reached_text(i: dict) -> str:
    """When a target was met or is projected to be met: the observed year ("2022") for a
    met target, the projected year marked as such ("~2023") for one not met, else "—"."""
    if i.get("year_reached") is not None:
        return str(i["year_reached"])
    year = i["projection"]["year"]
    if i["met"] or year is None:
        return "—"
    return f"~{year}"


def _text(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def _censor(v: Any) -> str:
    """The censor of a row ('>', '<'), '' for an exact value or none given."""
    c = _text(v)
    return c if c in CENSOR else ""


def break_entry(r: dict, lang: str) -> dict | None:
    """The latest series break up to the as-of year (row ``break_year``, ``rebased``), or
    None (no break, or an evaluation without these columns)."""
    year = _year(r.get("break_year"))
    if not year:
        return None
    rebased = bool(r.get("rebased"))
    how = "spliced" if rebased else "restarted"
    return {"year": year, "rebased": rebased, "how": how, "label": t(BREAK, how, lang)}


def schedule_entry(r: dict, lang: str) -> dict | None:
    """How the year-by-year targets fared (rows ``schedule_years``: scheduled years with a
    value checked, ``schedule_held``: of them met, ``schedule_met``: the latest checked
    year met), or None (no schedule checked yet, or an evaluation without these columns)."""
    n = number(r.get("schedule_years"))
    if n is None or n <= 0:
        return None
    held = number(r.get("schedule_held"))
    held_n = int(held) if held is not None else None
    return {
        "years": int(n),
        "held": held_n,
        "share": held_n / n if held_n is not None else None,
        "latest_met": bool(r.get("schedule_met")),
        "latest_year": _year(r.get("schedule_year")),
        "text": word("schedule_held", lang).format(met=held_n, n=int(n))
        if held_n is not None
        else None,
    }


def target_words(ind, target_year: int | None, lang: str, names: dict[str, str]) -> str | None:
    """The indicator's target in words (:mod:`kaoping.i18n.targets`): the target of
    ``target_year`` (else the last one), else its schedule; None without a target."""
    specs = [s for s in ind.targets if s.year == target_year] or list(ind.targets[-1:])
    if specs:
        return spec_text(specs[-1], lang, unit=ind.unit, names=names)
    schedule = getattr(ind, "scheduled", None) or []
    if schedule:
        return schedule_text([(s.year, s.expr) for s in schedule], lang, unit=ind.unit, names=names)
    return None


def conditions_entry(r: dict) -> dict | None:
    """An all-of target's conditions (rows ``conditions``, ``conditions_met``,
    ``condition_texts``), or None for a target of one expression."""
    n = number(r.get("conditions"))
    if n is None or n <= 1:
        return None
    texts = [x.strip() for x in _text(r.get("condition_texts")).split(";") if x.strip()]
    met = number(r.get("conditions_met"))
    return {"n": int(n), "met": int(met) if met is not None else None, "texts": texts}


def natures_of(ev: Evaluation, area: str, lang: str) -> list[dict]:
    """Per nature stated in the plan (binding, anticipatory): how many targets and how many
    of them are off track, as the core counts them ("binding targets: 3 of 8 lagging")."""
    from ..engine.summary import nature_summary

    out = []
    for nature, counts in nature_summary(ev, area).items():
        if nature not in NATURE:
            continue  # indicators whose nature the plan does not state
        n, off = int(counts.get("total", 0)), int(counts.get("off_track", 0))
        name = nature_label(nature, lang)
        out.append(
            {
                "nature": nature,
                "label": name,
                "total": n,
                "off_track": off,
                "text": word("nature_summary", lang).format(nature=name, n=n, lagging=off),
                "status_counts": {k: int(v) for k, v in counts.items() if k in STATUS},
            }
        )
    return out


def scorecard(plan: Plan, ev: Evaluation, area: str | None = None, lang: str = "en") -> dict:
    """The evaluation of one area as nested, JSON-ready data in ``lang`` (en or zh)."""
    area = area or ev.areas[0]
    it = ev.indicator_table
    by_key = {r["indicator"]: r for r in it.where(it["area"] == area).rows()}
    th = ev.options.thresholds
    pace_measure = "progress_ratio" if th.measure == "progress" else "rate_ratio"
    max_age = getattr(ev.options, "max_data_age", None)
    names = plan_names(plan, lang)

    def indicator_entry(ind) -> dict:
        r = by_key[ind.key]
        latest_year = _year(r["latest_year"])
        data_age = number(r.get("data_age"))
        if data_age is None and latest_year is not None and "data_age" not in r:
            data_age = float(ev.as_of - latest_year)
        reason = r["reason"] or None
        if reason == "data_too_old":
            reason_label = data_age_text(latest_year, ev.as_of, lang)
        else:
            reason_label = t(REASON, reason, lang) if reason else None
        nature = getattr(ind, "nature", None) or _text(r.get("nature")) or None
        return {
            "key": ind.key,
            "name": ind.name.get(lang),
            "unit": ind.unit,
            "unit_label": label("unit", ind.unit, lang),
            "nature": nature,
            "nature_label": nature_label(nature, lang),
            "headline": ind.headline,
            "articles": ind.articles,
            "kind": r["kind"],
            "target": r["target"],
            "target_year": _year(r["target_year"]),
            "target_text": next(
                (s.text.get(lang) for s in reversed(ind.targets) if s.text is not None), None
            ),
            "target_words": target_words(ind, _year(r["target_year"]), lang, names),
            "base": {
                "year": _year(r["base_year"]),
                "value": number(r["base_value"]),
                "nearby": bool(r["base_nearby"]),
            },
            "latest": {
                "year": latest_year,
                "value": number(r["latest_value"]),
                "censor": _censor(r.get("censor")),
            },
            "data_age": data_age,
            "data_age_text": data_age_text(latest_year, ev.as_of, lang)
            if latest_year is not None
            else None,
            "stale": r["status"] == "stale",
            "attainment": number(r["attainment"]),
            "attainment_method": r["method_used"] or None,
            "completion": number(r["completion"]),
            "met": bool(r["met"]),
            "expected": number(r["expected_value"]),
            "target_level": number(r["target_level"]),
            "pace": {
                "measure": pace_measure,
                "value": number(r["pace"]),
                "band": r["pace_band"] or None,
                "band_label": t(PACE_BAND, r["pace_band"], lang) if r["pace_band"] else None,
                "progress_ratio": number(r["progress_ratio"]),
                "observed_rate": number(r["observed_rate"]),
                "required_rate": number(r["required_rate"]),
                "required_rate_now": number(r["required_rate_now"]),
                "rate_ratio": number(r["rate_ratio"]),
                "compound": bool(r["compound"]),
            },
            "year_reached": _year(r.get("year_reached")),
            "projection": {
                "value": number(r["projected_value"]),
                "met": bool(r["projected_met"]),
                "year": _year(r["projected_year"]),
            },
            "every_year": (
                {"checked": int(r["years_checked"]), "held": int(r["years_held"])}
                if r["kind"] == "every_year" or int(r["years_checked"]) > 0
                else None
            ),
            "trend": r["trend"] or None,
            "trend_label": t(TREND, r["trend"], lang) if r["trend"] else None,
            "status": r["status"],
            "status_label": t(STATUS, r["status"], lang),
            "reason": reason,
            "reason_label": reason_label,
            "evidence": r["evidence"] or None,
            "weight_effective": number(r["weight_effective"]),
            "series_break": break_entry(r, lang),
            "schedule": schedule_entry(r, lang),
            "conditions": conditions_entry(r),
        }

    st = ev.score_table
    scores = {(r["level"], r["key"]): r for r in st.where(st["area"] == area).rows()}

    def score_of(level: str, key: str) -> dict:
        s = scores[(level, key)]
        return {
            "score": number(s["score"]),
            "coverage": number(s["coverage"]),
            "n_scored": int(s["n_scored"]),
            "n_with_data": int(s["n_with_data"]),
        }

    groups = []
    for g in plan.groups:
        inds = [indicator_entry(i) for i in plan.indicators if i.group == g.key]
        groups.append(
            {"key": g.key, "name": g.name.get(lang), **score_of("group", g.key), "indicators": inds}
        )
    lenses = []
    for lens in plan.lenses:
        lenses.append(
            {
                "key": lens.key,
                "name": lens.name.get(lang),
                "categories": [
                    {"key": c.key, "name": c.name.get(lang), **score_of("lens", c.key)}
                    for c in lens.categories
                ],
            }
        )
    steps = []
    for s in ev.step_table.rows():
        steps.append(
            {
                "key": s["key"],
                "year": int(s["year"]),
                "name": s.get(f"name_{lang}") or s["name_en"],
                "goal": s.get(f"goal_{lang}") or s["goal_en"],
                "due": bool(s["due"]),
                "verdict": s["verdict"] or None,
                "verdict_label": t(STATUS, s["verdict"], lang) if s["verdict"] else None,
                "evidence": s["evidence"] or None,
            }
        )
    mt = ev.milestone_table
    ms_rows = mt.where(mt["area"] == area).rows()
    milestones = []
    for year in sorted({r["year"] for r in ms_rows}):
        m = [r for r in ms_rows if r["year"] == year]
        judged = [r for r in m if r["met"] is not None]
        milestones.append(
            {
                "year": int(year),
                "indicators": len(m),
                "with_data": len(judged),
                "met": sum(1 for r in judged if r["met"]),
                "rows": [
                    {
                        "key": r["indicator"],
                        "expected": number(r["expected"]),
                        "explicit": bool(r["explicit"]),
                        "observed": number(r["observed"]),
                        "met": None if r["met"] is None else bool(r["met"]),
                    }
                    for r in m
                ],
            }
        )
    area_name = next((a.name.get(lang) for a in plan.areas if a.key == area), area)
    n_status = Counter(str(r["status"]) for r in by_key.values())
    status_counts = {s: n_status.get(s, 0) for s in STATUS_ORDER} | {
        s: n for s, n in sorted(n_status.items()) if s not in STATUS_ORDER
    }
    ahead = getattr(th, "ahead", None)
    thresholds = {"on": th.on, "moderate": th.moderate, "floor": th.floor}
    if ahead is not None:
        thresholds = {"ahead": ahead, **thresholds}
    return {
        "plan": {
            "id": plan.id,
            "title": plan.title.get(lang),
            "short_title": (plan.short_title or plan.title).get(lang),
            "version": ev.plan_version,
            "period": [plan.period.start, plan.period.end],
            "base_year": plan.base_year,
        },
        "as_of": ev.as_of,
        "area": {"key": area, "name": area_name},
        "lang": lang,
        "method": {
            "attainment": ev.options.attainment,
            "status": ev.options.status,
            "status_measure": pace_measure,
            "thresholds": thresholds,
            "aggregation": ev.options.aggregation,
            "min_coverage": ev.options.min_coverage,
            "max_data_age": max_age,
        },
        "overall": score_of("overall", "overall"),
        "status_counts": status_counts,
        "natures": natures_of(ev, area, lang),
        "groups": groups,
        "lenses": lenses,
        "steps": steps,
        "milestones": milestones,
        "labels": {k: word(k, lang) for k in ("overall", "score", "coverage", "status")},
        "meanings": {
            "score": word("score_meaning", lang),
            "status": word("status_meaning", lang),
            "score_vs_status": word("score_vs_status", lang),
        },
        "legend": status_legend(lang, ahead=ahead, on=th.on, floor=th.floor, max_age=max_age),
    }


CSV_COLUMNS = [
    "group",
    "key",
    "name",
    "unit",
    "kind",
    "target",
    "target_year",
    "base_year",
    "base_value",
    "latest_year",
    "latest_value",
    "data_age",
    "attainment",
    "attainment_method",
    "completion",
    "pace_measure",
    "pace",
    "pace_band",
    "observed_rate",
    "required_rate",
    "required_rate_now",
    "year_reached",
    "projected_value",
    "projected_year",
    "status",
    "status_label",
    "reason",
    # added later: kept at the end, so that the columns before stay where they were
    "nature",
    "latest_censor",
]


def scorecard_rows(card: dict) -> list[dict]:
    """The scorecard's indicators as flat rows (for CSV and spreadsheets)."""
    out = []
    for g in card["groups"]:
        for i in g["indicators"]:
            out.append(
                {
                    "group": g["key"],
                    "key": i["key"],
                    "name": i["name"],
                    "unit": i["unit"],
                    "kind": i["kind"],
                    "target": i["target"],
                    "target_year": i["target_year"],
                    "base_year": i["base"]["year"],
                    "base_value": i["base"]["value"],
                    "latest_year": i["latest"]["year"],
                    "latest_value": i["latest"]["value"],
                    "data_age": i["data_age"],
                    "attainment": i["attainment"],
                    "attainment_method": i["attainment_method"],
                    "completion": i["completion"],
                    "pace_measure": i["pace"]["measure"],
                    "pace": i["pace"]["value"],
                    "pace_band": i["pace"]["band"],
                    "observed_rate": i["pace"]["observed_rate"],
                    "required_rate": i["pace"]["required_rate"],
                    "required_rate_now": i["pace"]["required_rate_now"],
                    "year_reached": i["year_reached"],
                    "projected_value": i["projection"]["value"],
                    "projected_year": i["projection"]["year"],
                    "status": i["status"],
                    "status_label": i["status_label"],
                    "reason": i["reason"],
                    "nature": i["nature"],
                    "latest_censor": i["latest"]["censor"],
                }
            )
    return out
