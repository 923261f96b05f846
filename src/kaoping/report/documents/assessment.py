"""The annual assessment report: the results table, a section per unit with the evidence
behind each number, the rules applied, and the workbook."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ...assess.service import missing_text
from ...i18n import N_, _, label
from ...i18n.codes import Table
from ...i18n.formats import format_datetime
from ..labels import STATUS, t
from ..paths import number
from ..scorecard import fmt_number, fmt_pct
from .blocks import (
    Data,
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
from .words import join, period_text, w

if TYPE_CHECKING:
    from ...plan.model import Plan

#: the assessment report's own words (msgctxt ``assessment``, as the results table's columns)
AS_W = Table(
    "assessment",
    (
        N_("assessment", "coverage"),
        N_("assessment", "insufficient"),
        N_("assessment", "missing"),
        N_("assessment", "why_missing"),
        N_("assessment", "no_data"),
    ),
)

#: the evidence columns shown in the document (the workbook keeps every field)
COLUMN_LABELS = Table(
    "evidence",
    (
        N_("evidence", "name"),
        N_("evidence", "status"),
        N_("evidence", "latest_value"),
        N_("evidence", "latest_year"),
        N_("evidence", "expected_value"),
        N_("evidence", "progress_ratio"),
        N_("evidence", "weight"),
        N_("evidence", "score"),
        N_("evidence", "basis"),
        N_("evidence", "included"),
        N_("evidence", "task"),
        N_("evidence", "rating"),
        N_("evidence", "reviewer"),
        N_("evidence", "counted"),
        N_("evidence", "kind"),
        N_("evidence", "count"),
        N_("evidence", "points"),
        N_("evidence", "cap"),
        N_("evidence", "amount"),
        N_("evidence", "events"),
        N_("evidence", "delta"),
        N_("evidence", "reason"),
        N_("evidence", "user"),
        N_("evidence", "at"),
        N_("evidence", "part"),
        N_("evidence", "note"),
        N_("evidence", "comment"),
        N_("evidence", "period"),
    ),
)
SHOWN = set(COLUMN_LABELS)

#: the kinds of unit assessed
KINDS = Table("unit_kind", (N_("unit_kind", "department"), N_("unit_kind", "district")))

#: the parts of a unit's evidence, each with its heading (msgctxt ``evidence_part``)
EVIDENCE_PARTS = (
    N_("evidence_part", "indicators"),
    N_("evidence_part", "ratings"),
    N_("evidence_part", "deductions"),
    N_("evidence_part", "adjustments"),
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
        t(AS_W, "coverage", lang),
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
    return missing_text({"status": "stale", "latest_year": year, "data_age": age}, as_of, lang)


def _evidence(u: dict, lang: str) -> list[tuple[str, list[dict]]]:
    """The evidence behind a unit's numbers, part by part, as rows of plain cells."""
    out: list[tuple[str, list[dict]]] = []
    for key in EVIDENCE_PARTS:
        rows = u.get(key)
        if not isinstance(rows, list):
            continue
        out.append((label("evidence_part", key, lang), [_flat_row(r, lang) for r in rows]))
    weights = u.get("weights_used")
    if isinstance(weights, dict) and weights:
        heading = label("evidence_part", "weights_used", lang)
        rows = [{"part": k, "weight": fmt_number(v)} for k, v in weights.items()]
        out.append((heading, [_flat_row(r, lang) for r in rows]))
    notes = u.get("notes")
    if notes:
        rows = [_flat_row({"note": n}, lang) for n in notes]
        out.append((label("evidence_part", "notes", lang), rows))
    return out


def _word(lang: str, code: str, *keys: tuple[str | None, str]) -> str:
    """The first of ``keys`` (msgctxt or None, msgid) the catalogs translate; else ``code``."""
    for ctx, key in keys:
        text = _(key, lang) if ctx is None else label(ctx, key, lang)
        if text != key:
            return text
    return code


#: the evidence fields whose values are codes, and where their words are (the web's keys)
CODED: dict[str, Any] = {
    "basis": lambda v: ((None, f"basis_{v}"), ("reason", v)),
    "reason": lambda v: (("reason", v), (None, f"basis_{v}")),
    "kind": lambda v: ((None, v), ("report", v)),
    "part": lambda v: (("assessment", v), ("report", v)),
    "note": lambda v: ((None, f"note_{v}"),),
}


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
        elif k == "task" and isinstance(v, str):
            out[k] = Data(v)
        elif k == "period" and isinstance(v, str) and v:
            out[k] = period_text(v, lang)
        elif k == "at" and isinstance(v, str) and v:
            out[k] = format_datetime(v, lang)
        elif k in CODED and isinstance(v, str) and v:
            out[k] = _word(lang, v, *CODED[k](v))
        elif isinstance(v, bool):
            out[k] = w(N_("report", "yes") if v else N_("report", "no"), lang)
        elif isinstance(v, float):
            out[k] = fmt_number(v)
        elif isinstance(v, dict):
            out[k] = "; ".join(f"{a}={b}" for a, b in v.items())
        else:
            out[k] = plain(v)
    return out


def _leaves(d: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """The rules as (path, value) leaves: ``weights.quantitative``, ``grades[1].key`` …"""
    if isinstance(d, dict) and set(d) <= {"en", "zh"} and d:
        return [(prefix, d)]
    if isinstance(d, dict):
        out: list[tuple[str, Any]] = []
        for k, v in d.items():
            out += _leaves(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    if isinstance(d, list) and d and all(isinstance(x, dict) for x in d):
        out = []
        for n, x in enumerate(d):
            out += _leaves(x, f"{prefix}[{n + 1}]")
        return out
    return [(prefix, d)]


_INDEX = re.compile(r"\[(\d+)\]")


def _rule_label(path: str, lang: str) -> str:
    """A rule's name in words (msgctxt ``assessment_rule``): ``grades[2].min`` -> 等次2最低总分."""
    m = _INDEX.search(path)
    key = _INDEX.sub("", path)
    text = (
        label("assessment_rule", key, lang, n=m.group(1))
        if m
        else label("assessment_rule", key, lang)
    )
    return path if text == key else text


def _rule_value(path: str, v: Any, names: dict[str, str], lang: str) -> Any:
    """A rule's value in words: coded values from the catalogs (msgctxt
    ``assessment_rule_value``, msgid ``path:code``), unit keys as names, grade keys as data."""
    key = _INDEX.sub("", path)
    if v is None or v == []:
        return "—"
    if isinstance(v, dict):
        return localised(v, lang)
    if isinstance(v, list):
        return join([names.get(str(x), str(x)) for x in v], lang)
    if key == "grades.key":
        return Data(str(v))
    if isinstance(v, str):
        text = label("assessment_rule_value", f"{key}:{v}", lang)
        return v if text == f"{key}:{v}" else text
    return plain(v)


def _rule_rows(rules: dict, plan: Plan, lang: str) -> list[tuple[str, str, Any]]:
    """The rules applied, one a row: (code, name in words, value in words)."""
    names = {d.key: d.name.get(lang) for d in plan.departments}
    names.update({a.key: a.name.get(lang) for a in plan.areas})
    return [
        (path, _rule_label(path, lang), _rule_value(path, v, names, lang))
        for path, v in _leaves(rules)
    ]


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
    year = result.get("year")
    as_of = result.get("as_of", year)
    short_units = [u for u in units if u.get("insufficient_data")]
    required = fmt_pct(number((result.get("rules") or {}).get("min_coverage")))
    short_text = w("units_insufficient", lang, n=len(short_units), required=required)
    rows = [[_shown(v) for v in _values(u, lang)] for u in units]
    return {
        "id": "results",
        "blocks": [
            h(w("results", lang), anchor="results"),
            p(w("units_assessed", lang, n=len(units), year=year, as_of=as_of)),
            table(_columns(lang), rows, [2, 3, 4, 5, 6, 8], cls="results"),
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
    for heading, ev_rows in _evidence(u, lang):
        blocks.append(h(heading, 3))
        if ev_rows:
            keys = [k for k in ev_rows[0] if k in SHOWN] or list(ev_rows[0])
            blocks.append(
                table(
                    [t(COLUMN_LABELS, k, lang) for k in keys],
                    [[r.get(k) for k in keys] for r in ev_rows],
                    cls="evidence" + (" wide" if len(keys) > 5 else ""),
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
    for heading, ev_rows in _evidence(u, lang):
        for r in ev_rows:
            rows.append([heading, "; ".join(f"{k}: {v}" for k, v in r.items() if v != "")])
    return {
        "name": _sheet_name(_unit_name(u, lang), used),
        "columns": [w("item", lang), w("evidence", lang)],
        "rows": rows,
    }


def _workbook(
    units: list[dict], as_of: Any, rows: list[tuple[str, str, Any]], lang: str
) -> list[dict]:
    """The results, a sheet per unit, and the rules with the provenance."""
    used: set[str] = set()
    results = {
        "name": _sheet_name(w("sheet_results", lang), used),
        "columns": _columns(lang),
        "rows": [_values(u, lang) for u in units],
    }
    sheets = [_unit_sheet(u, as_of, lang, used) for u in units]
    rules = {
        "name": _sheet_name(w("sheet_rules", lang), used),
        "columns": [w("item", lang), w("value", lang), label("assessment_rule", "code", lang)],
        "rows": [[name, value, code] for code, name, value in rows],
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
    rule_rows = _rule_rows(result.get("rules") or {}, plan, lang)
    provenance_kv = provenance_rows(version, provenance, lang)
    rules = {
        "id": "rules",
        "blocks": [
            h(w("rules", lang), anchor="rules", page_break=True),
            kv([(name, value) for _code, name, value in rule_rows]) if rule_rows else p("—"),
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
                [w("plan_version", lang), Data(version)],
                [w("data_as_of", lang), provenance.data_as_of],
                [w("data_version", lang), Data(provenance.data_version)],
            ],
        },
        "sections": [
            _results_section(result, units, lang),
            *[_unit_section(u, as_of, lang) for u in units],
            rules,
        ],
        "workbook": _workbook(
            units, as_of, rule_rows + [("", k, v) for k, v in provenance_kv], lang
        ),
    }
