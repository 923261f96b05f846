"""The printed reports as content models: plain, JSON-ready documents.

A document is a cover, a list of sections made of blocks (heading, paragraph, list,
key–value rows, table, chart) and a workbook (named sheets of rows). The HTML, PDF,
Excel and text renderings are all drawn from it; none of them computes anything. The
numbers come from the scorecard (:mod:`kaoping.report.scorecard`) and the evaluation's
tables, never from a computation of their own.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .labels import STATUS, t, word
from .scorecard import fmt_number, fmt_pct, fmt_score, scorecard, scorecard_rows

if TYPE_CHECKING:
    from ..engine.result import Evaluation
    from ..engine.table import Table
    from ..plan.model import Plan

OFF_TRACK = ("lagging", "regressing")

W: dict[str, dict[str, str]] = {
    "evaluation_report": {"en": "Plan evaluation report", "zh": "规划实施评估报告"},
    "assessment_report": {"en": "Annual assessment report", "zh": "年度考评报告"},
    "as_of": {"en": "As of", "zh": "评估年份"},
    "area": {"en": "Area", "zh": "地区"},
    "plan_version": {"en": "Plan version", "zh": "规划版本"},
    "data_as_of": {"en": "Data as of", "zh": "数据截至"},
    "data_source": {"en": "Data source", "zh": "数据来源"},
    "data_version": {"en": "Data version", "zh": "数据版本"},
    "period": {"en": "Plan period", "zh": "规划期"},
    "base_year": {"en": "Base year", "zh": "基期年"},
    "summary": {"en": "Summary", "zh": "摘要"},
    "scores": {"en": "Overall and group scores", "zh": "总体与分组得分"},
    "lenses": {"en": "Scores by lens", "zh": "分类视角得分"},
    "lens_scores": {"en": "Scores by lens", "zh": "分类视角得分"},
    "steps": {"en": "The plan's steps and their verdicts", "zh": "发展步骤及评定"},
    "milestones": {"en": "Milestone values met", "zh": "阶段目标达成情况"},
    "off_track": {"en": "Off-track indicators", "zh": "进度滞后的指标"},
    "method": {"en": "Method and sources", "zh": "方法与数据来源"},
    "sources": {"en": "Data sources", "zh": "数据来源"},
    "reproduce": {"en": "How to reproduce this report", "zh": "如何复现本报告"},
    "overall": {"en": "Overall", "zh": "总体"},
    "overall_score": {"en": "Overall score", "zh": "总体得分"},
    "group": {"en": "Group", "zh": "分组"},
    "category": {"en": "Category", "zh": "类别"},
    "score": {"en": "Score", "zh": "得分"},
    "score_means": {
        "en": "Score: attainment of the targets (0–100)",
        "zh": "得分：目标实现程度（0–100）",
    },
    "status_means": {
        "en": "Status: pace against the path to the target",
        "zh": "状态：相对目标路径的进度",
    },
    "meaning": {"en": "Meaning", "zh": "含义"},
    "note": {"en": "Note", "zh": "说明"},
    "statuses": {"en": "Statuses", "zh": "状态说明"},
    "data_age": {"en": "Data age", "zh": "数据时效"},
    "year_reached": {"en": "Year the target was met", "zh": "达到目标的年份"},
    "max_data_age": {
        "en": "Data older than this many years before the as-of year are too old",
        "zh": "数据早于评估年超过此年数即为过旧",
    },
    "coverage": {"en": "Data coverage", "zh": "数据覆盖率"},
    "scored": {"en": "Scored", "zh": "参与评分"},
    "with_data": {"en": "With data", "zh": "有数据"},
    "indicators": {"en": "Indicators", "zh": "指标数"},
    "indicator": {"en": "Indicator", "zh": "指标"},
    "unit": {"en": "Unit", "zh": "单位"},
    "status": {"en": "Status", "zh": "状态"},
    "count": {"en": "Count", "zh": "数量"},
    "step": {"en": "Step", "zh": "步骤"},
    "year": {"en": "Year", "zh": "年份"},
    "goal": {"en": "Goal", "zh": "目标"},
    "verdict": {"en": "Verdict", "zh": "评定"},
    "evidence": {"en": "Evidence", "zh": "依据"},
    "not_yet_due": {"en": "not yet due", "zh": "未到期"},
    "no_verdict": {"en": "no verdict recorded", "zh": "尚无评定"},
    "met": {"en": "Met", "zh": "达到"},
    "base": {"en": "Baseline", "zh": "基期值"},
    "latest": {"en": "Latest", "zh": "最新值"},
    "target": {"en": "Target", "zh": "目标"},
    "expected": {"en": "Expected by now", "zh": "当前应达到"},
    "attainment": {"en": "Attainment", "zh": "实现程度"},
    "pace": {"en": "Pace", "zh": "进度"},
    "projection": {"en": "Projection", "zh": "预测"},
    "reason": {"en": "Why", "zh": "原因"},
    "latest_source": {"en": "Source of the latest value", "zh": "最新值来源"},
    "explanation": {"en": "Explanation", "zh": "情况说明"},
    "corrective": {"en": "Corrective task", "zh": "整改任务"},
    "department": {"en": "Department", "zh": "责任部门"},
    "no_explanation": {"en": "no explanation recorded", "zh": "尚无情况说明"},
    "no_task": {"en": "no corrective task recorded", "zh": "尚无整改任务"},
    "none_off_track": {
        "en": "No indicator is lagging or regressing.",
        "zh": "没有进度滞后或倒退的指标。",
    },
    "attainment_method": {"en": "Attainment method", "zh": "实现程度计算方法"},
    "status_method": {"en": "Status rule", "zh": "进度判定规则"},
    "thresholds": {
        "en": "Thresholds (ahead / on track / moderate / floor)",
        "zh": "阈值（快于预期/基本符合预期/一般/下限）",
    },
    "aggregation": {"en": "Aggregation of scores", "zh": "得分汇总方法"},
    "min_coverage": {"en": "Minimum data coverage to score", "zh": "评分所需最低数据覆盖率"},
    "values": {"en": "Values", "zh": "数值个数"},
    "years": {"en": "Years", "zh": "年份"},
    "source": {"en": "Source", "zh": "来源"},
    "key": {"en": "Key", "zh": "代码"},
    "name": {"en": "Name", "zh": "名称"},
    "level": {"en": "Level", "zh": "层级"},
    "value": {"en": "Value", "zh": "数值"},
    "item": {"en": "Item", "zh": "项目"},
    "unit_col": {"en": "Unit assessed", "zh": "考评对象"},
    "quantitative": {"en": "Quantitative", "zh": "定量得分"},
    "qualitative": {"en": "Qualitative", "zh": "定性得分"},
    "deductions": {"en": "Deductions", "zh": "扣分"},
    "adjustments": {"en": "Adjustments", "zh": "调整"},
    "total": {"en": "Total", "zh": "总分"},
    "grade": {"en": "Grade", "zh": "等次"},
    "rank": {"en": "Rank", "zh": "排名"},
    "results": {"en": "Results", "zh": "考评结果"},
    "rules": {"en": "Rules applied", "zh": "考评规则"},
    "kind": {"en": "Kind", "zh": "类型"},
    "page": {"en": "Page", "zh": "第"},
}

METHOD_TEXT = {
    "ratio": {
        "en": "attainment is the ratio of the latest value to the target (value/target for a "
        "target to reach, target/value for a ceiling), at most 100%; a score is the weighted "
        "mean attainment of its indicators on a scale of 0–100.",
        "zh": "实现程度为最新值与目标值之比（正指标为实际值/目标值，逆指标为目标值/实际值），"
        "最高100%；得分为各指标实现程度的加权平均，按0–100计。",
    },
    "distance": {
        "en": "attainment is the share of the way from the baseline to the target covered "
        "(distance to target), at most 100%; a score is the weighted mean attainment of its "
        "indicators on a scale of 0–100.",
        "zh": "实现程度为自基期向目标推进的距离占全程的比例（最高100%）；得分为各指标实现程度的"
        "加权平均，按0–100计。",
    },
    "time_half": {
        "en": "the status measures pace: an indicator is on track when its progress keeps up "
        "with the share of the plan period that has elapsed (“half the time, half the task”).",
        "zh": "状态衡量进度：指标完成进度不低于规划期时间进度即为基本符合预期"
        "（“时间过半、任务过半”）。",
    },
}


def w(key: str, lang: str) -> str:
    return t(W, key, lang)


def score_text(v: float | None) -> str:
    """A score as printed: 0–100 (as the engine gives it) with one decimal."""
    return fmt_score(v)


def _score_with_meaning(v: float | None, lang: str) -> str:
    """A score and what it measures: "77.5 — attainment of the targets (0–100)"."""
    if v is None:
        return score_text(v)
    return f"{score_text(v)} — {word('score_meaning', lang)}"


def _status_header(lang: str) -> str:
    m = word("status_meaning", lang)
    return f"{w('status', lang)}（{m}）" if lang == "zh" else f"{w('status', lang)} ({m})"


def _num(v: Any) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else f


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def _loc(v: Any, lang: str) -> str:
    """A bilingual value ({"en": …, "zh": …}) or plain text in ``lang``."""
    if isinstance(v, dict):
        return str(v.get(lang) or v.get("en") or v.get("zh") or "")
    if hasattr(v, "get") and not isinstance(v, str):
        try:
            return str(v.get(lang))
        except TypeError:
            pass
    return _text(v)


# ---- blocks -------------------------------------------------------------------------


def h(text: str, level: int = 2, *, anchor: str | None = None, page_break: bool = False) -> dict:
    return {"t": "h", "level": level, "text": text, "id": anchor, "break": page_break}


def p(text: str, cls: str | None = None) -> dict:
    return {"t": "p", "text": text, "class": cls}


def ul(items: list[str]) -> dict:
    return {"t": "list", "items": items}


def kv(rows: list[tuple[str, str]]) -> dict:
    return {"t": "kv", "rows": [[k, v] for k, v in rows]}


def table(
    columns: list[str], rows: list[list[Any]], numeric: list[int] | None = None, cls: str = ""
) -> dict:
    return {"t": "table", "columns": columns, "rows": rows, "numeric": numeric or [], "class": cls}


def chart(kind: str, title: str, data: Any, anchor: str, lang: str) -> dict:
    return {"t": "chart", "kind": kind, "title": title, "data": data, "id": anchor, "lang": lang}


# ---- provenance ---------------------------------------------------------------------


@dataclass
class Provenance:
    """Where a report's data came from, and the command that makes it again."""

    data_source: str
    data_as_of: str
    data_version: str
    command: str


def observations_digest(obs: Table) -> str:
    """A short digest of the observations (the data version of files)."""
    digest = hashlib.sha256()
    for name in ("indicator", "area", "year", "value", "source"):
        if name in obs:
            digest.update(repr([_text(x) for x in obs[name].tolist()]).encode())
    return digest.hexdigest()[:12]


def command_line(
    report: str,
    plan: str | None,
    year: int,
    lang: str,
    fmt: str = "pdf",
    data: str | None = None,
    db: bool = False,
) -> str:
    parts = ["kaoping", "report", report]
    if plan:
        parts.append(plan)
    parts += ["--year", str(year), "--lang", lang, "--format", fmt]
    if data:
        parts += ["--data", data]
    if db:
        parts += ["--db", "$KAOPING_DATABASE_URL"]
    return " ".join(parts)


# ---- the evaluation report ----------------------------------------------------------


def _series(obs: Table, key: str, area: str, year: int) -> list[dict]:
    out = []
    if obs.n_rows == 0:
        return out
    mask = (obs["indicator"] == key) & (obs["area"] == area)
    for r in obs.where(mask).rows():
        y = int(r["year"])
        if y > year:
            continue
        out.append(
            {
                "year": y,
                "value": _num(r["value"]),
                "status": _text(r.get("status")) or "final",
                "approved": r.get("state", "approved") in ("approved", None),
                "source": _text(r.get("source")),
            }
        )
    out.sort(key=lambda x: x["year"])
    return out


def _chart_data(ev: Evaluation, entry: dict, area: str, series: list[dict]) -> dict:
    """What :func:`kaoping.report.charts.series_chart` draws for one indicator: the values,
    the baseline, the expected path through the milestone values, the projection and the
    target — all read from the scorecard entry and the evaluation's tables."""
    key = entry["key"]
    mt = ev.milestone_table
    ms = [
        {
            "year": int(r["year"]),
            "expected": _num(r["expected"]),
            "explicit": bool(r["explicit"]),
        }
        for r in mt.where((mt["indicator"] == key) & (mt["area"] == area)).rows()
    ]
    base_y, base_v = entry["base"]["year"], entry["base"]["value"]
    path: list[dict] = []
    if base_y is not None and base_v is not None and entry["target_level"] is not None:
        path.append({"year": base_y, "value": base_v})
        path += [
            {"year": m["year"], "value": m["expected"]}
            for m in ms
            if m["expected"] is not None and m["year"] > base_y
        ]
        ty = entry["target_year"]
        if ty is not None and all(q["year"] < ty for q in path):
            path.append({"year": ty, "value": entry["target_level"]})
    row = ev.indicator(key, area)
    band = None
    if row["measure"] == "level":
        lo, hi = _num(row["target_lo"]), _num(row["target_hi"])
        if lo is not None or hi is not None:
            band = {"lo": lo, "hi": hi}
    proj = entry["projection"]
    latest = entry["latest"]
    has = proj["value"] is not None
    return {
        "indicator": {
            k: entry[k]
            for k in ("key", "name", "unit", "target_year", "target_level", "base", "status_label")
        },
        "series": [
            {k: s[k] for k in ("year", "value", "status", "approved")}
            for s in series
            if s["value"] is not None
        ],
        "expected_path": path,
        "target_band": band,
        "milestones": ms,
        "projection": {
            "value": proj["value"],
            "from_year": latest["year"] if has else None,
            "from_value": latest["value"] if has else None,
            "to_year": entry["target_year"] if has else None,
        },
    }


def _value(v: float | None, unit: str, year: int | None = None) -> str:
    if v is None:
        return "—"
    s = fmt_number(v)
    s = f"{s} {unit}".strip()
    return f"{s} ({year})" if year is not None else s


def _pace_text(i: dict, lang: str) -> str:
    pace = i["pace"]
    if pace["value"] is None:
        return "—"
    zh = lang == "zh"
    if pace["measure"] == "progress_ratio":
        label = "进度比" if zh else "progress ratio"
    else:
        label = "速度比" if zh else "rate ratio"
    band = (("，" if zh else ", ") + pace["band_label"]) if pace["band_label"] else ""
    return f"{label} {pace['value']:.2f}{band}"


def _projection_text(i: dict, lang: str) -> str:
    """The projection on the fitted trend: the value projected for the target year and,
    for a target not met, the year it is projected to be met, marked "~" as a projection
    (a met target's observed year is in its own row)."""
    pr = i["projection"]
    parts = []
    if pr["value"] is not None and i["target_year"] is not None:
        parts.append(f"{i['target_year']}: {_value(pr['value'], i['unit'])}")
    if not i["met"] and i["year_reached"] is None:
        if pr["year"] is not None:
            parts.append(
                f"预计约{pr['year']}年（~{pr['year']}）达到目标"
                if lang == "zh"
                else f"projected to meet the target ~{pr['year']}"
            )
        elif pr["value"] is not None:
            parts.append("预计未能如期实现" if lang == "zh" else "not projected to be met in time")
    if not parts:
        return "—"
    return "；".join(parts) if lang == "zh" else "; ".join(parts)


def _data_age_text(i: dict, lang: str) -> str:
    text = i["data_age_text"] or "—"
    if i["stale"]:
        text += "（数据过旧）" if lang == "zh" else " (data too old)"
    return text


def _indicator_rows(i: dict, lang: str, latest_source: str) -> list[tuple[str, str]]:
    target = i["target_text"] or i["target"] or "—"
    rows = [
        (
            _status_header(lang),
            i["status_label"] + (f" — {i['reason_label']}" if i["reason_label"] else ""),
        ),
        (w("base", lang), _value(i["base"]["value"], i["unit"], i["base"]["year"])),
        (w("latest", lang), _value(i["latest"]["value"], i["unit"], i["latest"]["year"])),
        (w("data_age", lang), _data_age_text(i, lang)),
        (w("target", lang), f"{target}" + (f" ({i['target_year']})" if i["target_year"] else "")),
        (w("expected", lang), _value(i["expected"], i["unit"])),
        (w("attainment", lang), fmt_pct(i["attainment"])),
        (w("pace", lang), _pace_text(i, lang)),
    ]
    if i["year_reached"] is not None:
        rows.append((w("year_reached", lang), str(i["year_reached"])))
    rows.append((w("projection", lang), _projection_text(i, lang)))
    if latest_source:
        rows.append((w("latest_source", lang), latest_source))
    return rows


def _join(names: list[str], lang: str) -> str:
    return "、".join(names) if lang == "zh" else "; ".join(names)


def _summary(card: dict, lang: str) -> list[dict]:
    c = {k: card["status_counts"].get(k, 0) for k in STATUS} | card["status_counts"]
    n = sum(c.values())
    o = card["overall"]
    area = card["area"]["name"]
    year = card["as_of"]
    min_cov = card["method"]["min_coverage"]
    met = c["achieved"] + c["achieved_early"]
    out: list[dict] = []
    if lang == "zh":
        early = f"（其中提前实现{c['achieved_early']}项）" if c["achieved_early"] else ""
        out.append(
            p(
                f"截至{year}年，本报告对{area}的{n}项指标进行了评估：已实现{met}项{early}，"
                f"快于预期{c['ahead']}项，基本符合预期{c['on_track']}项，滞后{c['lagging']}项，"
                f"倒退{c['regressing']}项，数据过旧{c['stale']}项，无数据{c['no_data']}项，"
                f"仅监测{c['monitoring']}项。"
            )
        )
        cover = (
            f"{o['n_scored']}项计分指标中{o['n_with_data']}项有数据"
            f"（数据覆盖率{fmt_pct(o['coverage'])}）"
        )
        if o["score"] is None:
            text = f"总体不予评分：{cover}，低于规划要求的{fmt_pct(min_cov)}。"
        else:
            text = (
                f"总体得分为{score_text(o['score'])}（满分100）——{word('score_meaning', lang)}；"
                f"{cover}。"
            )
        out.append(p(text))
    else:
        early = f" ({c['achieved_early']} of them early)" if c["achieved_early"] else ""
        out.append(
            p(
                f"As of {year}, this report evaluates {n} indicators for {area}: "
                f"{met} achieved{early}, {c['ahead']} ahead of schedule, "
                f"{c['on_track']} on track, {c['lagging']} lagging, "
                f"{c['regressing']} moving away from the target, {c['stale']} with data too old, "
                f"{c['no_data']} without data and {c['monitoring']} monitored only."
            )
        )
        cover = (
            f"{o['n_with_data']} of the {o['n_scored']} scored indicators have data "
            f"(data coverage {fmt_pct(o['coverage'])})"
        )
        if o["score"] is None:
            text = (
                f"No overall score is given: {cover}, below the plan's minimum of "
                f"{fmt_pct(min_cov)}."
            )
        else:
            text = (
                f"The overall score is {score_text(o['score'])} out of 100 — "
                f"{word('score_meaning', lang)}; {cover}."
            )
        out.append(p(text))
    out.append(p(word("score_vs_status", lang), "note"))
    scored = [g for g in card["groups"] if g["score"] is not None]
    if len(scored) >= 2:
        best = max(scored, key=lambda g: g["score"])
        worst = min(scored, key=lambda g: g["score"])
        out.append(
            p(
                f"得分最高的分组是“{best['name']}”（{score_text(best['score'])}），"
                f"最低的是“{worst['name']}”（{score_text(worst['score'])}）。"
                if lang == "zh"
                else f"The highest-scoring group is {best['name']} ({score_text(best['score'])}); "
                f"the lowest is {worst['name']} ({score_text(worst['score'])})."
            )
        )
    inds = [i for g in card["groups"] for i in g["indicators"]]
    early_mark = "（提前实现）" if lang == "zh" else " (early)"
    achieved = [
        i["name"] + (early_mark if i["status"] == "achieved_early" else "")
        for i in inds
        if i["status"] in ("achieved", "achieved_early")
    ]
    off = [
        f"{i['name']}（{i['status_label']}）"
        if lang == "zh"
        else f"{i['name']} ({i['status_label']})"
        for i in inds
        if i["status"] in OFF_TRACK
    ]
    stale = [
        f"{i['name']}（{i['data_age_text']}）"
        if lang == "zh"
        else f"{i['name']} ({i['data_age_text']})"
        for i in inds
        if i["status"] == "stale"
    ]
    if achieved:
        out.append(
            p(
                ("已实现的目标：" if lang == "zh" else "Achieved: ")
                + _join(achieved, lang)
                + ("。" if lang == "zh" else ".")
            )
        )
    if off:
        out.append(
            p(
                ("未按进度推进的指标：" if lang == "zh" else "Off track: ")
                + _join(off, lang)
                + ("。" if lang == "zh" else ".")
            )
        )
    else:
        out.append(p(w("none_off_track", lang)))
    if stale:
        out.append(
            p(
                ("数据过旧、不判断进度的指标：" if lang == "zh" else "Data too old to judge pace: ")
                + _join(stale, lang)
                + ("。" if lang == "zh" else ".")
            )
        )
    for s in card["steps"]:
        if not s["due"]:
            continue
        verdict = s["verdict_label"] or w("no_verdict", lang)
        out.append(
            p(
                f"第{s['year']}年步骤“{s['name']}”：{verdict}。"
                if lang == "zh"
                else f"Step {s['year']} ({s['name']}): {verdict}."
            )
        )
    return out


def _off_track_notes(
    supervision: Any, ev: Evaluation, plan: Plan, keys: list[str], area: str
) -> dict[str, dict]:
    """The explanation, department and corrective task of each off-track indicator, from
    the supervision records when the store keeps them (an empty dict when it does not)."""
    if supervision is None or not hasattr(supervision, "off_track"):
        return {}
    rows = supervision.off_track(ev, ev.as_of, plan_id=plan.id)
    tasks: dict[str, dict] = {}
    if hasattr(supervision, "tasks"):
        tasks = {x["key"]: x for x in supervision.tasks(plan_id=plan.id, include_inactive=True)}
    out: dict[str, dict] = {}
    for r in rows:
        if r["area"] != area or r["indicator"] not in keys:
            continue
        task_key = r.get("corrective_task")
        out[r["indicator"]] = {
            "explanation": r.get("explanation"),
            "department": r.get("department"),
            "task_key": task_key,
            "task": tasks.get(task_key) if task_key else None,
        }
    return out


def _sources(obs: Table, year: int, area: str, names: dict[str, str], lang: str) -> list[list[Any]]:
    by: dict[str, dict] = defaultdict(lambda: {"inds": set(), "n": 0, "years": set()})
    if obs.n_rows:
        for r in obs.rows():
            if int(r["year"]) > year or r["area"] != area:
                continue
            src = _text(r.get("source")) or "—"
            b = by[src]
            b["inds"].add(r["indicator"])
            b["n"] += 1
            b["years"].add(int(r["year"]))
    rows = []
    for src in sorted(by, key=lambda s: (-by[s]["n"], s)):
        b = by[src]
        ys = sorted(b["years"])
        span = f"{ys[0]}–{ys[-1]}" if ys[0] != ys[-1] else str(ys[0])
        inds = ("、" if lang == "zh" else ", ").join(names.get(k, k) for k in sorted(b["inds"]))
        rows.append([src, inds, b["n"], span])
    return rows


def evaluation_document(
    plan: Plan,
    ev: Evaluation,
    observations: Table,
    lang: str,
    provenance: Provenance,
    *,
    area: str | None = None,
    supervision: Any = None,
) -> dict:
    """The plan evaluation report for the evaluation's as-of year, in ``lang``."""
    area = area or ev.areas[0]
    card = scorecard(plan, ev, area, lang)
    year = ev.as_of
    title = card["plan"]["title"]
    zh = lang == "zh"

    cover = {
        "report": w("evaluation_report", lang),
        "title": title,
        "short_title": card["plan"]["short_title"],
        "lines": [
            [w("area", lang), card["area"]["name"]],
            [w("as_of", lang), str(year)],
            [w("period", lang), f"{plan.period.start}–{plan.period.end}"],
            [w("plan_version", lang), ev.plan_version],
            [w("data_as_of", lang), provenance.data_as_of],
            [w("data_version", lang), provenance.data_version],
        ],
    }
    sections: list[dict] = []

    # summary
    counts = card["status_counts"]
    meanings = {x["status"]: x["meaning"] for x in card["legend"]}
    sections.append(
        {
            "id": "summary",
            "blocks": [
                h(w("summary", lang), anchor="summary"),
                *_summary(card, lang),
                p(w("status_means", lang), "legend-title"),
                table(
                    [w("status", lang), w("count", lang), w("meaning", lang)],
                    [[t(STATUS, k, lang), v, meanings.get(k, "")] for k, v in counts.items()],
                    numeric=[1],
                    cls="legend",
                ),
            ],
        }
    )

    # scores
    o = card["overall"]
    bars = [{"name": w("overall", lang), "score": o["score"]}] + [
        {"name": g["name"], "score": g["score"]} for g in card["groups"]
    ]
    score_rows = [
        [
            w("overall", lang),
            score_text(o["score"]),
            fmt_pct(o["coverage"]),
            o["n_scored"],
            o["n_with_data"],
            sum(len(g["indicators"]) for g in card["groups"]),
        ]
    ] + [
        [
            g["name"],
            score_text(g["score"]),
            fmt_pct(g["coverage"]),
            g["n_scored"],
            g["n_with_data"],
            len(g["indicators"]),
        ]
        for g in card["groups"]
    ]
    score_cols = [
        w("group", lang),
        w("score_means", lang),
        w("coverage", lang),
        w("scored", lang),
        w("with_data", lang),
        w("indicators", lang),
    ]
    sections.append(
        {
            "id": "scores",
            "blocks": [
                h(w("scores", lang), anchor="scores", page_break=True),
                p(w("score_means", lang) + ("。" if zh else "."), "meaning"),
                chart("bar", w("scores", lang), bars, "chart-groups", lang),
                table(score_cols, score_rows, numeric=[1, 2, 3, 4, 5]),
            ],
        }
    )

    # lenses (the plan's own, e.g. the five types): headed by the lens's name when it is one
    one_lens = len(card["lenses"]) == 1
    heading = card["lenses"][0]["name"] if one_lens else w("lenses", lang)
    lens_blocks: list[dict] = [h(heading, anchor="lenses")]
    for lens in card["lenses"]:
        if len(card["lenses"]) > 1:
            lens_blocks.append(h(lens["name"], 3))
        lens_blocks.append(
            chart(
                "bar",
                lens["name"],
                [{"name": c["name"], "score": c["score"]} for c in lens["categories"]],
                f"chart-lens-{lens['key']}",
                lang,
            )
        )
        lens_blocks.append(
            table(
                [w("category", lang), *score_cols[1:5]],
                [
                    [
                        c["name"],
                        score_text(c["score"]),
                        fmt_pct(c["coverage"]),
                        c["n_scored"],
                        c["n_with_data"],
                    ]
                    for c in lens["categories"]
                ],
                numeric=[1, 2, 3, 4],
            )
        )
    if card["lenses"]:
        sections.append({"id": "lenses", "blocks": lens_blocks})

    # steps and milestones
    step_rows = []
    for s in card["steps"]:
        if not s["due"]:
            verdict = w("not_yet_due", lang)
        else:
            verdict = s["verdict_label"] or w("no_verdict", lang)
        step_rows.append([s["year"], s["name"], s["goal"], verdict, s["evidence"] or ""])
    sections.append(
        {
            "id": "steps",
            "blocks": [
                h(w("steps", lang), anchor="steps", page_break=True),
                table(
                    [
                        w("year", lang),
                        w("step", lang),
                        w("goal", lang),
                        w("verdict", lang),
                        w("evidence", lang),
                    ],
                    step_rows,
                    cls="steps",
                ),
                h(w("milestones", lang), 3),
                table(
                    [w("year", lang), w("indicators", lang), w("with_data", lang), w("met", lang)],
                    [
                        [m["year"], m["indicators"], m["with_data"], m["met"]]
                        for m in card["milestones"]
                    ],
                    numeric=[1, 2, 3],
                ),
            ],
        }
    )

    # a section per group
    for g in card["groups"]:
        blocks: list[dict] = [
            h(g["name"], anchor=f"group-{g['key']}", page_break=True),
            p(
                f"{w('score', lang)} {_score_with_meaning(g['score'], lang)}"
                + ("，" if zh else ", ")
                + f"{w('coverage', lang)} {fmt_pct(g['coverage'])}"
                + ("，" if zh else ", ")
                + (
                    f"{g['n_scored']}/{len(g['indicators'])} 项指标参与评分"
                    if zh
                    else f"{g['n_scored']} of {len(g['indicators'])} indicators scored"
                ),
                "lead",
            ),
            table(
                [
                    w("indicator", lang),
                    w("latest", lang),
                    w("target", lang),
                    w("attainment", lang),
                    _status_header(lang),
                ],
                [
                    [
                        i["name"],
                        _value(i["latest"]["value"], i["unit"], i["latest"]["year"]),
                        (i["target_text"] or i["target"] or "—"),
                        fmt_pct(i["attainment"]),
                        i["status_label"],
                    ]
                    for i in g["indicators"]
                ],
                numeric=[3],
                cls="group-table",
            ),
        ]
        for i in g["indicators"]:
            series = _series(observations, i["key"], area, year)
            latest_src = next((s["source"] for s in series if s["year"] == i["latest"]["year"]), "")
            blocks.append(
                {
                    "t": "indicator",
                    "id": f"ind-{i['key']}",
                    "title": f"{i['name']}（{i['unit']}）" if zh else f"{i['name']} ({i['unit']})",
                    "status": i["status"],
                    "status_label": i["status_label"],
                    "chart": chart(
                        "series",
                        i["name"],
                        _chart_data(ev, i, area, series),
                        f"chart-{i['key']}",
                        lang,
                    ),
                    "rows": [[k, v] for k, v in _indicator_rows(i, lang, latest_src)],
                }
            )
        sections.append({"id": f"group-{g['key']}", "blocks": blocks})

    # off-track indicators
    inds = [i for g in card["groups"] for i in g["indicators"]]
    off = [i for i in inds if i["status"] in OFF_TRACK]
    notes = _off_track_notes(supervision, ev, plan, [i["key"] for i in off], area)
    depts = {d.key: d.name.get(lang) for d in plan.departments}
    off_blocks: list[dict] = [h(w("off_track", lang), anchor="off-track", page_break=True)]
    if not off:
        off_blocks.append(p(w("none_off_track", lang)))
    for i in off:
        n = notes.get(i["key"], {})
        rows = [
            (
                _status_header(lang),
                i["status_label"] + (f" — {i['reason_label']}" if i["reason_label"] else ""),
            ),
            (w("latest", lang), _value(i["latest"]["value"], i["unit"], i["latest"]["year"])),
            (w("expected", lang), _value(i["expected"], i["unit"])),
            (w("pace", lang), _pace_text(i, lang)),
        ]
        if n.get("department"):
            rows.append((w("department", lang), depts.get(n["department"], n["department"])))
        ex = n.get("explanation")
        if ex:
            when = _text(ex.get("created_at"))[:10]
            by = depts.get(ex.get("department"), ex.get("department") or "")
            who = (
                "，".join(x for x in (by, when) if x)
                if zh
                else ", ".join(x for x in (by, when) if x)
            )
            rows.append(
                (w("explanation", lang), _text(ex.get("text")) + (f" ({who})" if who else ""))
            )
        else:
            rows.append((w("explanation", lang), w("no_explanation", lang)))
        task = n.get("task")
        if task:
            deadline = f" — {task['deadline']}" if task.get("deadline") else ""
            latest = task.get("latest") or {}
            state = f" [{latest['status']}]" if latest.get("status") else ""
            rows.append(
                (
                    w("corrective", lang),
                    f"{task['key']}: {_loc(task.get('title'), lang)}{deadline}{state}",
                )
            )
        elif n.get("task_key"):
            rows.append((w("corrective", lang), str(n["task_key"])))
        else:
            rows.append((w("corrective", lang), w("no_task", lang)))
        off_blocks.append(h(i["name"], 3, anchor=f"off-{i['key']}"))
        off_blocks.append(kv(rows))
    sections.append({"id": "off-track", "blocks": off_blocks})

    # method and sources
    m = card["method"]
    th = m["thresholds"]
    names = {i["key"]: i["name"] for i in inds}
    src_rows = _sources(observations, year, area, names, lang)
    method_rows = [
        (
            w("attainment_method", lang),
            f"{m['attainment']}: " + t(METHOD_TEXT, m["attainment"], lang)
            if m["attainment"] in METHOD_TEXT
            else m["attainment"],
        ),
        (
            w("status_method", lang),
            f"{m['status']} ({m['status_measure']}): " + t(METHOD_TEXT, m["status"], lang)
            if m["status"] in METHOD_TEXT
            else f"{m['status']} ({m['status_measure']})",
        ),
        (
            w("thresholds", lang),
            " / ".join(str(th[k]) for k in ("ahead", "on", "moderate", "floor") if k in th),
        ),
        (w("aggregation", lang), m["aggregation"]),
        (w("min_coverage", lang), fmt_pct(m["min_coverage"])),
        *(
            [(w("max_data_age", lang), str(m["max_data_age"]))]
            if m.get("max_data_age") is not None
            else []
        ),
        (w("plan_version", lang), ev.plan_version),
        (w("data_source", lang), provenance.data_source),
        (w("data_as_of", lang), provenance.data_as_of),
        (w("data_version", lang), provenance.data_version),
    ]
    sections.append(
        {
            "id": "method",
            "blocks": [
                h(w("method", lang), anchor="method", page_break=True),
                kv(method_rows),
                p(
                    "各项公式及其出处见 docs/methods.md。"
                    if zh
                    else "Every formula and its source is given in docs/methods.md."
                ),
                h(w("reproduce", lang), 3),
                {"t": "code", "text": provenance.command},
                h(w("sources", lang), 3),
                table(
                    [w("source", lang), w("indicator", lang), w("values", lang), w("years", lang)],
                    src_rows,
                    numeric=[2],
                    cls="sources",
                ),
            ],
        }
    )

    # the workbook
    rows = scorecard_rows(card)
    cols = list(rows[0].keys()) if rows else []
    summary_rows: list[list[Any]] = [
        [w("evaluation_report", lang), title],
        *cover["lines"],
        [w("data_source", lang), provenance.data_source],
        [
            w("overall_score", lang),
            _score(o["score"]),
            word("score_meaning", lang),
        ],
        [w("coverage", lang), _round(o["coverage"])],
        *[[t(STATUS, k, lang), v, meanings.get(k, "")] for k, v in counts.items()],
        [w("reproduce", lang), provenance.command],
    ]
    workbook = [
        {
            "name": "摘要" if zh else "Summary",
            "columns": [w("item", lang), w("value", lang), w("note", lang)],
            "rows": [list(r) + [None] * (3 - len(r)) for r in summary_rows],
        },
        {
            "name": "指标" if zh else "Indicators",
            "columns": cols,
            "rows": [[r[c] for c in cols] for r in rows],
        },
        {
            "name": "得分" if zh else "Scores",
            "columns": [
                "level",
                "key",
                w("name", lang),
                w("score_means", lang),
                w("coverage", lang),
                w("scored", lang),
                w("with_data", lang),
            ],
            "rows": [
                [
                    "overall",
                    "overall",
                    w("overall", lang),
                    _score(o["score"]),
                    _round(o["coverage"]),
                    o["n_scored"],
                    o["n_with_data"],
                ]
            ]
            + [
                [
                    "group",
                    g["key"],
                    g["name"],
                    _score(g["score"]),
                    _round(g["coverage"]),
                    g["n_scored"],
                    g["n_with_data"],
                ]
                for g in card["groups"]
            ]
            + [
                [
                    "lens",
                    c["key"],
                    c["name"],
                    _score(c["score"]),
                    _round(c["coverage"]),
                    c["n_scored"],
                    c["n_with_data"],
                ]
                for lens in card["lenses"]
                for c in lens["categories"]
            ],
            "formats": {3: "0.0"},
        },
        {
            "name": "来源" if zh else "Sources",
            "columns": [
                w("source", lang),
                w("indicator", lang),
                w("values", lang),
                w("years", lang),
            ],
            "rows": src_rows,
        },
        {
            "name": w("statuses", lang),
            "columns": ["status", w("status", lang), w("meaning", lang), w("count", lang)],
            "rows": [
                [x["status"], x["label"], x["meaning"], counts.get(x["status"], 0)]
                for x in card["legend"]
            ],
        },
    ]
    return {
        "kind": "evaluation",
        "lang": lang,
        "title": f"{card['plan']['short_title']} — {w('evaluation_report', lang)} {year}",
        "running_header": f"{card['plan']['short_title']} · {w('as_of', lang)} {year}",
        "cover": cover,
        "sections": sections,
        "workbook": workbook,
    }


def _round(v: float | None, scale: float = 1.0) -> float | None:
    return None if v is None else round(v * scale, 4)


def _score(v: float | None) -> float | None:
    """A score (0–100) in a workbook cell: one decimal, the number every view shows."""
    return None if v is None else round(v, 1)


# ---- the assessment report ----------------------------------------------------------

#: the assessment report's own words
AS_W: dict[str, dict[str, str]] = {
    "data_coverage": {"en": "Data coverage", "zh": "数据覆盖率"},
    "insufficient": {"en": "insufficient data", "zh": "数据不足"},
    "missing": {"en": "Indicators missing", "zh": "缺少数据的指标"},
    "why_missing": {"en": "Why", "zh": "原因"},
    "no_data": {"en": "no data", "zh": "无数据"},
}


def _coverage_text(u: dict) -> str | None:
    """A unit's data coverage: the weighted share with current data, and n of N."""
    c = u.get("coverage") or {}
    if c.get("share") is None:
        return None
    return f"{fmt_pct(c['share'])} ({c.get('current', 0)}/{c.get('counted', 0)})"


def _missing_why(m: dict, as_of: Any, lang: str) -> str:
    """Why an indicator counts as missing: no data, or data too old (its year and age)."""
    year, age = _num(m.get("latest_year")), _num(m.get("data_age"))
    if m.get("status") != "stale" or year is None:
        return t(AS_W, "no_data", lang)
    if age is None and _num(as_of) is not None:
        age = float(as_of) - year
    if lang == "zh":
        return f"数据过旧：最新数据为{year:.0f}年，早于{as_of}年{age:.0f}年"
    return f"data too old: latest value {year:.0f}, {age:.0f} years before {as_of}"


def assessment_document(plan: Plan, result: dict, lang: str, provenance: Provenance) -> dict:
    """The annual assessment report from an assessment result (``AssessmentResult.to_dict()``):
    the results table, a sheet per unit with the evidence behind each number, the rules."""
    zh = lang == "zh"
    year = result.get("year")
    title = plan.title.get(lang)
    short = (plan.short_title or plan.title).get(lang)
    units = list(result.get("units", []))
    version = str(result.get("plan_version") or plan.version)
    cols = [
        w("kind", lang),
        w("unit_col", lang),
        w("quantitative", lang),
        w("qualitative", lang),
        w("deductions", lang),
        w("adjustments", lang),
        w("total", lang),
        w("grade", lang),
        w("rank", lang),
        t(AS_W, "data_coverage", lang),
    ]

    def grade_of(u: dict) -> str | None:
        if u.get("grade"):
            return _loc(u.get("grade"), lang)
        return t(AS_W, "insufficient", lang) if u.get("insufficient_data") else None

    def values(u: dict) -> list[Any]:
        return [
            _kind_label(u.get("kind"), lang),
            _loc(u.get("name") or u.get("key"), lang),
            _num(u.get("quantitative")),
            _num(u.get("qualitative")),
            _num(u.get("deduction_total")),
            _num(u.get("adjustment_total")),
            _num(u.get("total")),
            grade_of(u),
            u.get("rank"),
            _coverage_text(u),
        ]

    def shown(v: Any) -> Any:
        return fmt_number(v) if isinstance(v, float) else ("—" if v is None else v)

    as_of = result.get("as_of", year)
    short_units = [u for u in units if u.get("insufficient_data")]
    required = fmt_pct(_num((result.get("rules") or {}).get("min_coverage")))
    short_text = (
        f"{len(short_units)}个单位数据不足（有效数据的指标加权占比低于{required}），"
        "不计总分、不评等次、不排名次。"
        if zh
        else f"{len(short_units)} of them have insufficient data (less than {required} of "
        "their indicators, by weight, with current data): no total, no grade and no rank."
    )
    sections: list[dict] = [
        {
            "id": "results",
            "blocks": [
                h(w("results", lang), anchor="results"),
                p(
                    f"{year}年度共考评{len(units)}个单位，依据截至{as_of}年的评估结果。"
                    if zh
                    else f"{len(units)} units were assessed for {year}, on the evaluation as of "
                    f"{as_of}."
                ),
                table(cols, [[shown(v) for v in values(u)] for u in units], [2, 3, 4, 5, 6, 8]),
                *([p(short_text)] if short_units else []),
            ],
        }
    ]
    for u in units:
        name = _loc(u.get("name") or u.get("key"), lang)
        anchor = f"unit-{u.get('kind')}-{u.get('key')}"
        blocks: list[dict] = [
            h(name, anchor=anchor, page_break=True),
            kv([(c, str(shown(v))) for c, v in zip(cols, values(u), strict=True)]),
        ]
        if u.get("missing"):
            blocks.append(h(t(AS_W, "missing", lang), 3))
            blocks.append(
                table(
                    [w("indicator", lang), t(AS_W, "why_missing", lang)],
                    [
                        [
                            _loc(m.get("name") or m.get("indicator"), lang),
                            _missing_why(m, as_of, lang),
                        ]
                        for m in u["missing"]
                    ],
                )
            )
        for label, rows in _evidence(u, lang):
            blocks.append(h(label, 3))
            if rows:
                keys = [k for k in rows[0] if k in SHOWN] or list(rows[0])
                blocks.append(
                    table(
                        [t(COLUMN_LABELS, k, lang) for k in keys],
                        [[r.get(k) for k in keys] for r in rows],
                    )
                )
            else:
                blocks.append(p("—"))
        sections.append({"id": anchor, "blocks": blocks})
    rule_rows = _flatten(result.get("rules") or {}, lang)
    provenance_rows = [
        (w("plan_version", lang), version),
        (w("data_source", lang), provenance.data_source),
        (w("data_as_of", lang), provenance.data_as_of),
        (w("data_version", lang), provenance.data_version),
    ]
    sections.append(
        {
            "id": "rules",
            "blocks": [
                h(w("rules", lang), anchor="rules", page_break=True),
                kv(rule_rows) if rule_rows else p("—"),
                kv(provenance_rows),
                h(w("reproduce", lang), 3),
                {"t": "code", "text": provenance.command},
            ],
        }
    )
    used: set[str] = set()
    workbook = [
        {
            "name": _sheet_name("结果" if zh else "Results", used),
            "columns": cols,
            "rows": [values(u) for u in units],
        }
    ]
    for u in units:
        rows: list[list[Any]] = []
        for m in u.get("missing") or []:
            name = _loc(m.get("name") or m.get("indicator"), lang)
            rows.append([t(AS_W, "missing", lang), f"{name}: {_missing_why(m, as_of, lang)}"])
        for label, ev_rows in _evidence(u, lang):
            for r in ev_rows:
                rows.append([label, "; ".join(f"{k}: {v}" for k, v in r.items() if v != "")])
        workbook.append(
            {
                "name": _sheet_name(_loc(u.get("name") or u.get("key"), lang), used),
                "columns": [w("item", lang), w("evidence", lang)],
                "rows": rows,
            }
        )
    workbook.append(
        {
            "name": _sheet_name("规则" if zh else "Rules", used),
            "columns": [w("item", lang), w("value", lang)],
            "rows": [list(r) for r in rule_rows + provenance_rows],
        }
    )
    return {
        "kind": "assessment",
        "lang": lang,
        "title": f"{short} — {w('assessment_report', lang)} {year}",
        "running_header": f"{short} · {w('assessment_report', lang)} {year}",
        "cover": {
            "report": w("assessment_report", lang),
            "title": title,
            "short_title": short,
            "lines": [
                [w("year", lang), str(year)],
                [w("plan_version", lang), version],
                [w("data_as_of", lang), provenance.data_as_of],
                [w("data_version", lang), provenance.data_version],
            ],
        },
        "sections": sections,
        "workbook": workbook,
    }


#: the evidence columns shown in the document (the workbook keeps every field)
COLUMN_LABELS = {
    "name": {"en": "Indicator", "zh": "指标"},
    "status": {"en": "Status", "zh": "状态"},
    "latest_value": {"en": "Latest", "zh": "最新值"},
    "latest_year": {"en": "Year", "zh": "年份"},
    "expected_value": {"en": "Expected", "zh": "应达到"},
    "progress_ratio": {"en": "Progress ratio", "zh": "进度比"},
    "weight": {"en": "Weight", "zh": "权重"},
    "score": {"en": "Score", "zh": "得分"},
    "basis": {"en": "Basis", "zh": "计分依据"},
    "included": {"en": "Counted", "zh": "计入"},
    "task": {"en": "Task", "zh": "任务"},
    "rating": {"en": "Rating", "zh": "评分"},
    "reviewer": {"en": "Reviewer", "zh": "评分人"},
    "counted": {"en": "Counted", "zh": "计入"},
    "kind": {"en": "Kind", "zh": "类型"},
    "count": {"en": "Count", "zh": "次数"},
    "points": {"en": "Points each", "zh": "每次扣分"},
    "cap": {"en": "Cap", "zh": "上限"},
    "amount": {"en": "Amount", "zh": "扣分"},
    "events": {"en": "Events", "zh": "事件数"},
    "delta": {"en": "Change", "zh": "调整分值"},
    "reason": {"en": "Reason", "zh": "理由"},
    "user": {"en": "By", "zh": "调整人"},
    "at": {"en": "At", "zh": "时间"},
    "part": {"en": "Part", "zh": "部分"},
    "note": {"en": "Note", "zh": "备注"},
    "comment": {"en": "Comment", "zh": "评语"},
    "period": {"en": "Period", "zh": "期次"},
}
SHOWN = set(COLUMN_LABELS)

KINDS = {
    "department": {"en": "department", "zh": "部门"},
    "district": {"en": "district", "zh": "区县"},
}

EVIDENCE_PARTS = (
    (
        "indicators",
        {"en": "Indicators behind the quantitative score", "zh": "定量得分依据（指标）"},
    ),
    ("ratings", {"en": "Ratings behind the qualitative score", "zh": "定性得分依据（评分）"}),
    ("deductions", {"en": "Deductions", "zh": "扣分"}),
    ("adjustments", {"en": "Adjustments", "zh": "调整"}),
)


def _kind_label(kind: Any, lang: str) -> str:
    return t(KINDS, str(kind), lang) if kind else ""


def _evidence(u: dict, lang: str) -> list[tuple[str, list[dict]]]:
    """The evidence behind a unit's numbers, part by part, as rows of plain cells."""
    out: list[tuple[str, list[dict]]] = []
    for key, label in EVIDENCE_PARTS:
        rows = u.get(key)
        if not isinstance(rows, list):
            continue
        out.append((t({"x": label}, "x", lang), [_flat_row(r, lang) for r in rows]))
    weights = u.get("weights_used")
    if isinstance(weights, dict) and weights:
        label = "实际权重" if lang == "zh" else "Weights applied"
        out.append((label, [{"part": k, "weight": fmt_number(v)} for k, v in weights.items()]))
    notes = u.get("notes")
    if notes:
        out.append(("备注" if lang == "zh" else "Notes", [{"note": n} for n in notes]))
    return out


def _flat_row(r: Any, lang: str) -> dict:
    if not isinstance(r, dict):
        return {"value": _text(r)}
    out: dict[str, Any] = {}
    for k, v in r.items():
        if isinstance(v, dict) and set(v) & {"en", "zh"}:
            out[k] = _loc(v, lang)
        elif isinstance(v, list):
            out[k] = str(len(v))
        elif k == "status" and isinstance(v, str) and v in STATUS:
            out[k] = t(STATUS, v, lang)
        elif isinstance(v, bool):
            out[k] = ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")
        elif isinstance(v, float):
            out[k] = fmt_number(v)
        elif isinstance(v, dict):
            out[k] = "; ".join(f"{a}={b}" for a, b in v.items())
        else:
            out[k] = _text(v)
    return out


def _flatten(d: Any, lang: str, prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if isinstance(d, dict) and set(d) <= {"en", "zh"} and d:
        return [(prefix or "—", _loc(d, lang))]
    if isinstance(d, dict):
        for k, v in d.items():
            out += _flatten(v, lang, f"{prefix}.{k}" if prefix else str(k))
        return out
    if isinstance(d, list) and d and all(isinstance(x, dict) for x in d):
        for n, x in enumerate(d):
            out += _flatten(x, lang, f"{prefix}[{n + 1}]")
        return out
    return [(prefix, _text(d) if not isinstance(d, list) else ", ".join(map(str, d)))]


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28] or "unit"
    out, n = base, 2
    while out in used:
        out = f"{base[:26]}-{n}"
        n += 1
    used.add(out)
    return out


# ---- the normalised text rendering (golden files) -----------------------------------


def to_text(doc: dict) -> str:
    """The document as plain text: what the golden files hold (charts by their data)."""
    lines = [f"# {doc['title']}", f"header: {doc['running_header']}", ""]
    c = doc["cover"]
    lines += [f"cover: {c['report']} / {c['title']}"] + [f"  {k}: {v}" for k, v in c["lines"]]
    for s in doc["sections"]:
        lines.append("")
        for b in s["blocks"]:
            lines += _block_text(b)
    lines.append("")
    for sheet in doc["workbook"]:
        lines.append(f"[sheet {sheet['name']}] {len(sheet['rows'])} rows")
        lines.append("  | " + " | ".join(str(x) for x in sheet["columns"]))
        for r in sheet["rows"][:3]:
            lines.append("  | " + " | ".join("" if x is None else str(x) for x in r))
    return "\n".join(lines) + "\n"


def _block_text(b: dict) -> list[str]:
    k = b["t"]
    if k == "h":
        return [
            ("=" * 0)
            + "#" * b["level"]
            + " "
            + b["text"]
            + ("  [page break]" if b["break"] else "")
        ]
    if k == "p":
        return [b["text"]]
    if k == "code":
        return [f"$ {b['text']}"]
    if k == "list":
        return [f"- {x}" for x in b["items"]]
    if k == "kv":
        return [f"  {a}: {v}" for a, v in b["rows"]]
    if k == "table":
        out = ["  | " + " | ".join(b["columns"])]
        out += ["  | " + " | ".join("" if x is None else str(x) for x in r) for r in b["rows"]]
        return out
    if k == "chart":
        if b["kind"] == "bar":
            return [
                f"[bar chart {b['title']}: "
                + ", ".join(f"{d['name']} {score_text(d['score'])}" for d in b["data"])
                + "]"
            ]
        d = b["data"]
        pts = ", ".join(f"{s['year']} {fmt_number(s['value'])}" for s in d["series"])
        path = ", ".join(f"{s['year']} {fmt_number(s['value'])}" for s in d["expected_path"])
        return [f"[series chart {b['title']}: values {pts or '—'}; expected path {path or '—'}]"]
    if k == "indicator":
        return [
            "### " + b["title"],
            *_block_text(b["chart"]),
            *[f"  {a}: {v}" for a, v in b["rows"]],
        ]
    raise ValueError(f"unknown block {k!r}")
