"""A report document as an Excel workbook (openpyxl): one sheet per table of its workbook."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..data.cells import set_text_cell


def render_xlsx(doc: dict) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for sheet in doc["workbook"]:
        ws = wb.create_sheet(sheet["name"][:31])
        for j, c in enumerate(sheet["columns"], start=1):
            set_text_cell(ws.cell(1, j), str(c))
            ws.cell(1, j).font = bold
        for n, row in enumerate(sheet["rows"], start=2):
            for j, v in enumerate(row, start=1):
                if (value := _cell(v)) is not None:
                    set_text_cell(ws.cell(n, j), value)  # a text is never a formula
        # number formats by column (0-based), e.g. scores with one decimal: {3: "0.0"}
        for n, fmt in (sheet.get("formats") or {}).items():
            for (cell,) in ws.iter_rows(min_row=2, min_col=n + 1, max_col=n + 1):
                if isinstance(cell.value, (int, float)):
                    cell.number_format = fmt
        ws.freeze_panes = "A2"
        for n, col in enumerate(sheet["columns"], start=1):
            width = max([len(str(col))] + [len(str(r[n - 1] or "")) for r in sheet["rows"][:200]])
            ws.column_dimensions[get_column_letter(n)].width = min(max(10, width * 1.3), 60)
        for r in ws.iter_rows(min_row=2):
            for cell in r:
                if isinstance(cell.value, str) and len(cell.value) > 60:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    props = wb.properties
    props.title = doc["title"]
    props.creator = "kaoping"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(v):
    if v is None:
        return None
    if isinstance(v, (int, float, str, bool)):
        return v
    if hasattr(v, "item"):
        return v.item()
    return str(v)
