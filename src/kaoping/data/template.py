"""The Excel template a department fills in: its indicators, the years due, one row each.

Sheet ``data`` has the columns the importer reads (indicator, area, year, value, unit,
status, flags, previous_basis, source, note) plus the indicator's name for reading;
``value`` carries a data validation from the indicator's bounds that warns but accepts a
bound written as text (``>25``, ``0.5以下``); ``previous_basis`` is for a row flagged
``break`` (the same year's value on the old basis). Sheet ``indicators`` lists each indicator's
key, names, unit, definition and bounds. A filled template imports back as it is; rows
left without a value are skipped.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from .cells import set_text_cell

if TYPE_CHECKING:
    from ..plan.model import Indicator, Plan

DATA_COLUMNS = [
    "indicator",
    "name_zh",
    "name_en",
    "area",
    "year",
    "value",
    "unit",
    "status",
    "flags",
    "previous_basis",
    "source",
    "note",
]
INFO_COLUMNS = [
    "indicator",
    "name_zh",
    "name_en",
    "unit",
    "definition_zh",
    "definition_en",
    "min",
    "max",
]


def _append(ws: Any, values: list[Any]) -> None:
    """Append a row; a text is never a formula (a plan's name may start with "=")."""
    ws.append([None if isinstance(v, str) else v for v in values])
    row = ws.max_row
    for j, v in enumerate(values, start=1):
        if isinstance(v, str):
            set_text_cell(ws.cell(row, j), v)


def _num(v: float) -> str:
    return f"{v:.15g}"


def _owned(store_or_plan: Any, department: str) -> tuple[Plan, list[Indicator]]:
    if hasattr(store_or_plan, "assignments") and hasattr(store_or_plan, "plan"):
        plan = store_or_plan.plan()
        owners = store_or_plan.assignments(plan.id)
    else:
        plan = store_or_plan
        owners = {i.key: i.department for i in plan.indicators if i.department}
    inds = [i for i in plan.indicators if owners.get(i.key) == department and not i.is_qualitative]
    return plan, inds


def department_template(
    store_or_plan: Any,
    department: str,
    years: Iterable[int],
    areas: Iterable[str] | None = None,
) -> bytes:
    """An .xlsx template for ``department``: its indicators × ``areas`` (all) × ``years``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    plan, inds = _owned(store_or_plan, department)
    if not inds:
        raise UsageError(f"department {department!r} owns no indicator of plan {plan.id}")
    years = sorted({int(y) for y in years})
    area_keys = list(areas) if areas is not None else [a.key for a in plan.areas]
    known = {a.key for a in plan.areas}
    if unknown := [a for a in area_keys if a not in known]:
        raise UsageError(f"no area {unknown[0]!r} in plan {plan.id}")

    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(DATA_COLUMNS)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for c in ws[1]:
        c.font = bold
    value_col = "F"
    status_dv = DataValidation(type="list", formula1='"final,provisional"', allow_blank=True)
    ws.add_data_validation(status_dv)
    row = 2
    for ind in inds:
        first = row
        for area in area_keys:
            for y in years:
                _append(
                    ws,
                    [
                        ind.key,
                        ind.name.zh,
                        ind.name.en or "",
                        area,
                        y,
                        None,
                        ind.unit,
                        "final",
                        "",
                        None,
                        "",
                        "",
                    ],
                )
                ws[f"{value_col}{row}"].fill = fill
                row += 1
        b = ind.bounds
        lo = b.min if b is not None and b.min is not None else None
        hi = b.max if b is not None and b.max is not None else None
        if lo is not None and hi is not None:
            dv = DataValidation(
                type="decimal", operator="between", formula1=_num(lo), formula2=_num(hi)
            )
        elif lo is not None:
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=_num(lo))
        elif hi is not None:
            dv = DataValidation(type="decimal", operator="lessThanOrEqual", formula1=_num(hi))
        else:
            dv = DataValidation(
                type="decimal", operator="between", formula1="-1E+300", formula2="1E+300"
            )
        dv.allow_blank = True
        dv.error = (
            f"{ind.key}: a number"
            + (f" from {lo:g}" if lo is not None else "")
            + (f" to {hi:g}" if hi is not None else "")
            + "; a value known only as a bound is written >25 or <0.5 (超过25, 25以上, 0.5以下)"
        )
        # a warning, not a stop: a bound is text (">25"), which the importer reads and checks
        dv.errorStyle = "warning"
        dv.showErrorMessage = True
        ws.add_data_validation(dv)
        dv.add(f"{value_col}{first}:{value_col}{row - 1}")
        status_dv.add(f"H{first}:H{row - 1}")
    ws.freeze_panes = "A2"
    widths = (24, 20, 28, 12, 8, 14, 12, 12, 12, 14, 30, 30)
    for col, width in zip("ABCDEFGHIJKL", widths, strict=True):
        ws.column_dimensions[col].width = width

    info = wb.create_sheet("indicators")
    info.append(INFO_COLUMNS)
    for c in info[1]:
        c.font = bold
    for ind in inds:
        b = ind.bounds
        _append(
            info,
            [
                ind.key,
                ind.name.zh,
                ind.name.en or "",
                ind.unit,
                ind.definition.zh if ind.definition else "",
                (ind.definition.en or "") if ind.definition else "",
                b.min if b is not None else None,
                b.max if b is not None else None,
            ],
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
