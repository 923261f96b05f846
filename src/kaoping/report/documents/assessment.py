"""The annual assessment report: the results table, a section per unit with the evidence
behind each number, the rules applied, and the workbook."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...assess.service import COLUMNS, INSUFFICIENT
from ..labels import STATUS, t
from ..paths import number
from ..scorecard import fmt_number, fmt_pct
from .blocks import (
    Provenance,
    h,
    kv,
    localised,
    p,
    plain,
    provenance_rows,
    reproduce,
    table,
)
from .words import w

if TYPE_CHECKING:
    from ...plan.model import Plan

#: the assessment report's own words
AS_W: dict[str, dict[str, str]] = {
    "data_coverage": COLUMNS["coverage"],
    "insufficient": INSUFFICIENT,
    "missing": {"en": "Indicators missing", "zh": "缺少数据的指标"},
    "why_missing": {"en": "Why", "zh": "原因"},
    "no_data": STATUS["no_data"],
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


# ---- a unit's numbers and evidence ----------------------------------------------------


def _columns(lang: str) -> list[str]:
    """The results table's columns: one a number of :func:`_values`."""
    return [
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


def _kind_label(kind: Any, lang: str) -> str:
    return t(KINDS, str(kind), lang) if kind else ""


def _coverage_text(u: dict) -> str | None:
    """A unit's data coverage: the weighted share with current data, and n of N."""
    c = u.get("coverage") or {}
    if c.get("share") is None:
        return None
    return f"{fmt_pct(c['share'])} ({c.get('current', 0)}/{c.get('counted', 0)})"


def _grade(u: dict, lang: str) -> str | None:
    if u.get("grade"):
        return localised(u.get("grade"), lang)
    return t(AS_W, "insufficient", lang) if u.get("insufficient_data") else None


def _values(u: dict, lang: str) -> list[Any]:
    """A unit's row of the results: kind, name, the scores, grade, rank and coverage."""
    return [
        _kind_label(u.get("kind"), lang),
        _unit_name(u, lang),
        number(u.get("quantitative")),
        number(u.get("qualitative")),
        number(u.get("deduction_total")),
        number(u.get("adjustment_total")),
        number(u.get("total")),
        _grade(u, lang),
        u.get("rank"),
        _coverage_text(u),
    ]


def _shown(v: Any) -> Any:
    return fmt_number(v) if isinstance(v, float) else ("—" if v is None else v)


def _unit_name(u: dict, lang: str) -> str:
    return localised(u.get("name") or u.get("key"), lang)


def _missing_name(m: dict, lang: str) -> str:
    return localised(m.get("name") or m.get("indicator"), lang)


def _missing_why(m: dict, as_of: Any, lang: str) -> str:
    """Why an indicator counts as missing: no data, or data too old (its year and age)."""
    year, age = number(m.get("latest_year")), number(m.get("data_age"))
    if m.get("status") != "stale" or year is None:
        return t(AS_W, "no_data", lang)
    if age is None and number(as_of) is not None:
        age = float(as_of) - year
    if lang == "zh":
        return f"数据过旧：最新数据为{year:.0f}年，早于{as_of}年{age:.0f}年"
    return f"data too old: latest value {year:.0f}, {age:.0f} years before {as_of}"


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
        return {"value": plain(r)}
    out: dict[str, Any] = {}
    for k, v in r.items():
        if isinstance(v, dict) and set(v) & {"en", "zh"}:
            out[k] = localised(v, lang)
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
            out[k] = plain(v)
    return out


def _flatten(d: Any, lang: str, prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if isinstance(d, dict) and set(d) <= {"en", "zh"} and d:
        return [(prefix or "—", localised(d, lang))]
    if isinstance(d, dict):
        for k, v in d.items():
            out += _flatten(v, lang, f"{prefix}.{k}" if prefix else str(k))
        return out
    if isinstance(d, list) and d and all(isinstance(x, dict) for x in d):
        for n, x in enumerate(d):
            out += _flatten(x, lang, f"{prefix}[{n + 1}]")
        return out
    return [(prefix, plain(d) if not isinstance(d, list) else ", ".join(map(str, d)))]


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28] or "unit"
    out, n = base, 2
    while out in used:
        out = f"{base[:26]}-{n}"
        n += 1
    used.add(out)
    return out


# ---- the sections and the workbook ----------------------------------------------------


def _results_section(result: dict, units: list[dict], lang: str) -> dict:
    """Every unit's numbers in one table, and how many have too little data."""
    zh = lang == "zh"
    year = result.get("year")
    as_of = result.get("as_of", year)
    short_units = [u for u in units if u.get("insufficient_data")]
    required = fmt_pct(number((result.get("rules") or {}).get("min_coverage")))
    short_text = (
        f"{len(short_units)}个单位数据不足（有效数据的指标加权占比低于{required}），"
        "不计总分、不评等次、不排名次。"
        if zh
        else f"{len(short_units)} of them have insufficient data (less than {required} of "
        "their indicators, by weight, with current data): no total, no grade and no rank."
    )
    rows = [[_shown(v) for v in _values(u, lang)] for u in units]
    return {
        "id": "results",
        "blocks": [
            h(w("results", lang), anchor="results"),
            p(
                f"{year}年度共考评{len(units)}个单位，依据截至{as_of}年的评估结果。"
                if zh
                else f"{len(units)} units were assessed for {year}, on the evaluation as of "
                f"{as_of}."
            ),
            table(_columns(lang), rows, [2, 3, 4, 5, 6, 8]),
            *([p(short_text)] if short_units else []),
        ],
    }


def _unit_section(u: dict, as_of: Any, lang: str) -> dict:
    """A unit's numbers, the indicators it misses, and the evidence behind each number."""
    anchor = f"unit-{u.get('kind')}-{u.get('key')}"
    rows = [(c, str(_shown(v))) for c, v in zip(_columns(lang), _values(u, lang), strict=True)]
    blocks: list[dict] = [h(_unit_name(u, lang), anchor=anchor, page_break=True), kv(rows)]
    if u.get("missing"):
        blocks.append(h(t(AS_W, "missing", lang), 3))
        blocks.append(
            table(
                [w("indicator", lang), t(AS_W, "why_missing", lang)],
                [[_missing_name(m, lang), _missing_why(m, as_of, lang)] for m in u["missing"]],
            )
        )
    for label, ev_rows in _evidence(u, lang):
        blocks.append(h(label, 3))
        if ev_rows:
            keys = [k for k in ev_rows[0] if k in SHOWN] or list(ev_rows[0])
            blocks.append(
                table(
                    [t(COLUMN_LABELS, k, lang) for k in keys],
                    [[r.get(k) for k in keys] for r in ev_rows],
                )
            )
        else:
            blocks.append(p("—"))
    return {"id": anchor, "blocks": blocks}


def _unit_sheet(u: dict, as_of: Any, lang: str, used: set[str]) -> dict:
    """A unit's evidence, one row an item."""
    rows: list[list[Any]] = []
    for m in u.get("missing") or []:
        why = _missing_why(m, as_of, lang)
        rows.append([t(AS_W, "missing", lang), f"{_missing_name(m, lang)}: {why}"])
    for label, ev_rows in _evidence(u, lang):
        for r in ev_rows:
            rows.append([label, "; ".join(f"{k}: {v}" for k, v in r.items() if v != "")])
    return {
        "name": _sheet_name(_unit_name(u, lang), used),
        "columns": [w("item", lang), w("evidence", lang)],
        "rows": rows,
    }


def _workbook(units: list[dict], as_of: Any, rows: list[tuple[str, str]], lang: str) -> list[dict]:
    """The results, a sheet per unit, and the rules with the provenance."""
    zh = lang == "zh"
    used: set[str] = set()
    results = {
        "name": _sheet_name("结果" if zh else "Results", used),
        "columns": _columns(lang),
        "rows": [_values(u, lang) for u in units],
    }
    sheets = [_unit_sheet(u, as_of, lang, used) for u in units]
    rules = {
        "name": _sheet_name("规则" if zh else "Rules", used),
        "columns": [w("item", lang), w("value", lang)],
        "rows": [list(r) for r in rows],
    }
    return [results, *sheets, rules]


def assessment_document(plan: Plan, result: dict, lang: str, provenance: Provenance) -> dict:
    """The annual assessment report from an assessment result (``AssessmentResult.to_dict()``):
    the results table, a sheet per unit with the evidence behind each number, the rules."""
    year = result.get("year")
    as_of = result.get("as_of", year)
    short = (plan.short_title or plan.title).get(lang)
    units = list(result.get("units", []))
    version = str(result.get("plan_version") or plan.version)
    rule_rows = _flatten(result.get("rules") or {}, lang)
    provenance_kv = provenance_rows(version, provenance, lang)
    rules = {
        "id": "rules",
        "blocks": [
            h(w("rules", lang), anchor="rules", page_break=True),
            kv(rule_rows) if rule_rows else p("—"),
            kv(provenance_kv),
            *reproduce(provenance, lang),
        ],
    }
    return {
        "kind": "assessment",
        "lang": lang,
        "title": f"{short} — {w('assessment_report', lang)} {year}",
        "running_header": f"{short} · {w('assessment_report', lang)} {year}",
        "cover": {
            "report": w("assessment_report", lang),
            "title": plan.title.get(lang),
            "short_title": short,
            "lines": [
                [w("year", lang), str(year)],
                [w("plan_version", lang), version],
                [w("data_as_of", lang), provenance.data_as_of],
                [w("data_version", lang), provenance.data_version],
            ],
        },
        "sections": [
            _results_section(result, units, lang),
            *[_unit_section(u, as_of, lang) for u in units],
            rules,
        ],
        "workbook": _workbook(units, as_of, rule_rows + provenance_kv, lang),
    }
