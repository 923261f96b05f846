"""Exports of observations and evaluations as CSV, Excel or JSON, in English or Chinese.

Column headers and the words in status columns are translated; keys (indicator, area,
group) stay as they are, so that an exported observation file imports back. A censored
value is written as the importer reads it (``>25``) in CSV and Excel; JSON keeps the value
a number and gives its ``censor`` beside it.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import UsageError
from ..report.labels import NATURE, PACE_BAND, REASON, TREND, t
from ..report.scorecard import CSV_COLUMNS
from .cells import escape_formula, format_value, set_text_cell

if TYPE_CHECKING:
    from ..engine.result import Evaluation
    from ..engine.table import Table
    from ..plan.model import Plan

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}

OBSERVATION_COLUMNS = [
    "indicator",
    "name",
    "area",
    "year",
    "value",
    "unit",
    "status",
    "flags",
    "previous_basis",
    "source",
    "note",
    "revision",
    "state",
    "approved_at",
]

HEADERS: dict[str, dict[str, str]] = {
    # observations
    "indicator": {"en": "indicator", "zh": "指标代码"},
    "name": {"en": "name", "zh": "指标名称"},
    "area": {"en": "area", "zh": "地区"},
    "year": {"en": "year", "zh": "年份"},
    "value": {"en": "value", "zh": "数值"},
    "censor": {"en": "censor", "zh": "数值界限"},
    "previous_basis": {"en": "previous_basis", "zh": "原口径数值"},
    "unit": {"en": "unit", "zh": "单位"},
    "status": {"en": "status", "zh": "数据状态"},
    "flags": {"en": "flags", "zh": "标记"},
    "source": {"en": "source", "zh": "来源"},
    "note": {"en": "note", "zh": "备注"},
    "revision": {"en": "revision", "zh": "修订版次"},
    "state": {"en": "state", "zh": "审核状态"},
    "approved_at": {"en": "approved_at", "zh": "审核通过时间"},
    # evaluations (kaoping.report.scorecard.CSV_COLUMNS)
    "group": {"en": "group", "zh": "分组"},
    "key": {"en": "key", "zh": "指标代码"},
    "kind": {"en": "kind", "zh": "目标类型"},
    "target": {"en": "target", "zh": "目标"},
    "target_year": {"en": "target_year", "zh": "目标年份"},
    "base_year": {"en": "base_year", "zh": "基期年份"},
    "base_value": {"en": "base_value", "zh": "基期值"},
    "latest_year": {"en": "latest_year", "zh": "最新年份"},
    "latest_value": {"en": "latest_value", "zh": "最新值"},
    "latest_censor": {"en": "latest_censor", "zh": "最新值界限"},
    "nature": {"en": "nature", "zh": "指标属性"},
    "data_age": {"en": "data_age", "zh": "数据时效（年）"},
    "year_reached": {"en": "year_reached", "zh": "达到目标年份"},
    "attainment": {"en": "attainment", "zh": "实现程度"},
    "attainment_method": {"en": "attainment_method", "zh": "实现程度算法"},
    "completion": {"en": "completion", "zh": "完成度"},
    "pace_measure": {"en": "pace_measure", "zh": "进度度量"},
    "pace": {"en": "pace", "zh": "进度"},
    "pace_band": {"en": "pace_band", "zh": "进度档次"},
    "observed_rate": {"en": "observed_rate", "zh": "实际年均增速"},
    "required_rate": {"en": "required_rate", "zh": "所需年均增速"},
    "required_rate_now": {"en": "required_rate_now", "zh": "当前所需年均增速"},
    "projected_value": {"en": "projected_value", "zh": "预计值"},
    "projected_year": {"en": "projected_year", "zh": "预计实现年份"},
    "status_label": {"en": "status_label", "zh": "状态"},
    "reason": {"en": "reason", "zh": "原因"},
    "trend": {"en": "trend", "zh": "趋势"},
}

VALUE_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "status": {
        "final": {"en": "final", "zh": "正式"},
        "provisional": {"en": "provisional", "zh": "初步"},
    },
    "flags": {
        "estimated": {"en": "estimated", "zh": "估计"},
        "imputed": {"en": "imputed", "zh": "插补"},
        "break": {"en": "break", "zh": "口径变化"},
    },
    "state": {
        "submitted": {"en": "submitted", "zh": "待审核"},
        "approved": {"en": "approved", "zh": "已通过"},
        "rejected": {"en": "rejected", "zh": "已退回"},
        "superseded": {"en": "superseded", "zh": "已被替代"},
    },
}


def header(column: str, lang: str) -> str:
    entry = HEADERS.get(column)
    return (entry.get(lang) or column) if entry else column


def label(column: str, value: str, lang: str) -> str:
    """A value of a coded column (status, flags, state) in ``lang``."""
    table = VALUE_LABELS.get(column)
    if table is None or not value:
        return value
    if column == "flags":
        sep = "、" if lang == "zh" else ","
        return sep.join(t(table, f, lang) for f in str(value).split(",") if f)
    return t(table, str(value), lang)


def _check(fmt: str, lang: str) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    if lang not in ("en", "zh"):
        raise UsageError(f"language {lang!r} is not en or zh")


def _cell(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, datetime):
        return v.isoformat()
    return v


def observation_rows(
    table: Table, plan: Plan | None = None, lang: str = "en", censor_in_value: bool = True
) -> list[dict]:
    """Observation rows with names and units from the plan and coded words in ``lang``.

    A censored value is the text ``>25`` (``censor_in_value``, for CSV and Excel), else
    the number with a ``censor`` column beside it (JSON)."""
    inds = {i.key: i for i in plan.indicators} if plan is not None else {}
    out = []
    cols = set(table.columns)
    columns = list(OBSERVATION_COLUMNS)
    if not censor_in_value and "censor" in cols:
        columns.insert(columns.index("value") + 1, "censor")
    for r in table.rows():
        ind = inds.get(r["indicator"])
        row = {c: _cell(r.get(c)) for c in columns if c in cols}
        censor = r.get("censor") or ""
        if censor_in_value and censor and row.get("value") is not None:
            row["value"] = format_value(row["value"], censor)
        row["name"] = ind.name.get(lang) if ind else ""
        row["unit"] = ind.unit if ind else r.get("unit", "")
        if row.get("approved_at") is not None and "approved_at" in row:
            row["approved_at"] = str(np.datetime64(r["approved_at"], "s")) + "Z"
        for c in ("status", "flags", "state"):
            if c in row and row[c] is not None:
                row[c] = label(c, row[c], lang)
        out.append({c: row.get(c) for c in columns if c in row})
    return out


def write_table(
    rows: list[dict], columns: list[str], fmt: str, lang: str, sheet: str = "data"
) -> bytes:
    """Rows as CSV (UTF-8 with BOM, so that spreadsheet programs read Chinese), Excel or JSON.

    CSV and Excel get translated headers; JSON keeps the column keys.
    """
    _check(fmt, lang)
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1, default=str).encode("utf-8")
    heads = [header(c, lang) for c in columns]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([escape_formula(h) for h in heads])
        for r in rows:
            w.writerow(["" if r.get(c) is None else escape_formula(r.get(c)) for c in columns])
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = sheet
    for j, h in enumerate(heads, start=1):
        set_text_cell(ws.cell(1, j), h)
        ws.cell(1, j).font = Font(bold=True)
    for n, r in enumerate(rows, start=2):
        for j, c in enumerate(columns, start=1):
            v = r.get(c)
            if v is not None:
                set_text_cell(ws.cell(n, j), v)  # a text is never a formula
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_observations(
    table: Table, plan: Plan | None = None, fmt: str = "csv", lang: str = "en"
) -> bytes:
    """Observations (e.g. ``Store.observations()``) as CSV, Excel or JSON in ``lang``."""
    _check(fmt, lang)
    rows = observation_rows(table, plan, lang, censor_in_value=fmt != "json")
    columns = [c for c in OBSERVATION_COLUMNS if not rows or c in rows[0]]
    return write_table(rows, columns, fmt, lang, sheet="observations" if lang == "en" else "观测值")


EVALUATION_COLUMNS = CSV_COLUMNS  # the scorecard's flat rows


def evaluation_rows(
    plan: Plan, ev: Evaluation, area: str | None = None, lang: str = "en"
) -> list[dict]:
    """The scorecard's rows with pace bands and reasons in ``lang``."""
    from ..report.scorecard import scorecard, scorecard_rows

    rows = scorecard_rows(scorecard(plan, ev, area, lang))
    for r in rows:
        if r.get("pace_band"):
            r["pace_band"] = t(PACE_BAND, r["pace_band"], lang)
        if r.get("reason"):
            r["reason"] = t(REASON, r["reason"], lang)
        if r.get("trend"):
            r["trend"] = t(TREND, r["trend"], lang)
        if r.get("nature"):
            r["nature"] = t(NATURE, r["nature"], lang)
    return rows


def export_evaluation(
    plan: Plan, ev: Evaluation, fmt: str = "csv", lang: str = "en", area: str | None = None
) -> bytes:
    """An evaluation: JSON is the whole scorecard; CSV and Excel its indicator rows."""
    _check(fmt, lang)
    if fmt == "json":
        from ..report.scorecard import scorecard

        card = scorecard(plan, ev, area, lang)
        return json.dumps(card, ensure_ascii=False, indent=1, default=str).encode("utf-8")
    rows = evaluation_rows(plan, ev, area, lang)
    return write_table(
        rows, EVALUATION_COLUMNS, fmt, lang, sheet="scorecard" if lang == "en" else "评价"
    )


def media_type(fmt: str) -> str:
    _check(fmt, "en")
    return FORMATS[fmt]
