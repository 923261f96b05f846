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
from ..i18n import N_
from ..i18n import label as words
from ..i18n.codes import Table
from ..i18n.formats import format_list
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

#: the columns whose headers are translated in CSV and Excel (msgctxt ``column``:
#: ``HEADERS["year"]`` is ``{"en": "year", "zh": "年份"}``); the English header is the key
HEADERS = Table(
    "column",
    (
        N_("column", "indicator"),
        N_("column", "name"),
        N_("column", "area"),
        N_("column", "year"),
        N_("column", "value"),
        N_("column", "censor"),
        N_("column", "previous_basis"),
        N_("column", "unit"),
        N_("column", "status"),
        N_("column", "flags"),
        N_("column", "source"),
        N_("column", "note"),
        N_("column", "revision"),
        N_("column", "state"),
        N_("column", "approved_at"),
        N_("column", "group"),
        N_("column", "key"),
        N_("column", "kind"),
        N_("column", "target"),
        N_("column", "target_year"),
        N_("column", "base_year"),
        N_("column", "base_value"),
        N_("column", "latest_year"),
        N_("column", "latest_value"),
        N_("column", "latest_censor"),
        N_("column", "nature"),
        N_("column", "data_age"),
        N_("column", "year_reached"),
        N_("column", "attainment"),
        N_("column", "attainment_method"),
        N_("column", "completion"),
        N_("column", "pace_measure"),
        N_("column", "pace"),
        N_("column", "pace_band"),
        N_("column", "observed_rate"),
        N_("column", "required_rate"),
        N_("column", "required_rate_now"),
        N_("column", "projected_value"),
        N_("column", "projected_year"),
        N_("column", "status_label"),
        N_("column", "reason"),
        N_("column", "trend"),
    ),
)

#: the coded columns of observations and their codes, translated in CSV and Excel (msgctxt
#: ``observation``)
VALUE_CODES: dict[str, tuple[str, ...]] = {
    "status": (N_("observation", "final"), N_("observation", "provisional")),
    "flags": (
        N_("observation", "estimated"),
        N_("observation", "imputed"),
        N_("observation", "break"),
    ),
    "state": (
        N_("observation", "submitted"),
        N_("observation", "approved"),
        N_("observation", "rejected"),
        N_("observation", "superseded"),
    ),
}


def header(column: str, lang: str) -> str:
    return HEADERS.text(column, lang) if column in HEADERS else column


def label(column: str, value: str, lang: str) -> str:
    """A value of a coded column (status, flags, state) in ``lang``."""
    if column not in VALUE_CODES or not value:
        return value
    if column == "flags":
        return format_list(
            [words("observation", f, lang) for f in str(value).split(",") if f], lang
        )
    return words("observation", str(value), lang)


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
    return write_table(
        rows, columns, fmt, lang, sheet=HEADERS.text(N_("column", "sheet_observations"), lang)
    )


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
    sheet = HEADERS.text(N_("column", "sheet_scorecard"), lang)
    return write_table(rows, EVALUATION_COLUMNS, fmt, lang, sheet=sheet)


def media_type(fmt: str) -> str:
    _check(fmt, "en")
    return FORMATS[fmt]
