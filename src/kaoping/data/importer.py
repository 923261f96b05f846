"""Import of observation files (CSV or Excel): read, check against the plan and the store,
and report what would change — errors per row and column, warnings that need a comment.

The store (:meth:`kaoping.store.Store.import_file`) supplies the current state and writes
the accepted rows in one transaction; this module decides, and writes nothing.

Error codes (row, column): ``unknown-indicator``, ``qualitative``, ``unknown-area``,
``bad-year``, ``year-outside-plan``, ``not-a-number``, ``wrong-unit``, ``out-of-range``,
``bad-status``, ``bad-flag``, ``duplicate``, ``permission``, ``locked``; for the file:
``missing-column``, ``bad-file``. Warning codes (need a comment): ``jump``, ``off-track``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import Problem
from .exports import HEADERS, VALUE_LABELS
from .observations import ALIASES, RowChecker

if TYPE_CHECKING:
    from ..engine.table import Table
    from ..plan.model import Plan

Cell = tuple[str, str, int]
REQUIRED = ("indicator", "year", "value")
OFF_TRACK = ("lagging", "regressing")
DEFAULT_JUMP = 0.5


@dataclass
class ImportWarning:
    row: int
    column: str
    code: str
    message: str
    needs_comment: bool = True
    comment: str = ""

    @property
    def satisfied(self) -> bool:
        return not self.needs_comment or bool(self.comment.strip())


@dataclass
class ImportReport:
    """What an import found and did. ``ok``: no error and every warning commented."""

    filename: str
    plan_id: str
    dry_run: bool
    errors: list[Problem] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    written: bool = False
    import_id: int | None = None

    @property
    def uncommented(self) -> list[ImportWarning]:
        return [w for w in self.warnings if not w.satisfied]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.uncommented

    def to_dict(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "plan_id": self.plan_id,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "written": self.written,
            "import_id": self.import_id,
            "errors": [
                {"row": p.line, "column": p.field, "code": p.code, "message": p.message}
                for p in self.errors
            ],
            "warnings": [asdict(w) for w in self.warnings],
            "changes": self.changes,
            "counts": self.counts,
        }


# reading ------------------------------------------------------------------------------------

_ZH_HEADERS = {v["zh"]: k for k, v in HEADERS.items()}
_WORDS = {
    col: {lab: code for code, labs in table.items() for lab in labs.values()}
    for col, table in VALUE_LABELS.items()
}


def normalise_header(h: Any) -> str:
    text = str(h or "").strip()
    if text in _ZH_HEADERS:
        text = _ZH_HEADERS[text]
    text = text.lower()
    return ALIASES.get(text, "indicator" if text == "key" else text)


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    return str(v).strip()


def read_table(
    data: bytes, filename: str
) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """Rows of a CSV or Excel (.xlsx) file as (row number, text by column); file problems.

    Row numbers are as a spreadsheet shows them (the header is row 1). Headers may be
    English or Chinese (as exported); coded words (正式, 初步, …) are read back as codes.
    """
    name = filename.lower()
    try:
        table = _read_xlsx(data) if name.endswith((".xlsx", ".xlsm")) else _read_csv(data)
    except Exception as e:  # a damaged or foreign file: one clear problem
        return [], [Problem("bad-file", f"the file cannot be read: {e}", filename, 1)]
    if not table:
        return [], [Problem("missing-column", "the file is empty", filename, 1)]
    head = [normalise_header(h) for h in table[0]]
    missing = [c for c in REQUIRED if c not in head]
    if missing:
        msg = f"no column {', '.join(missing)} in the header"
        return [], [Problem("missing-column", msg, filename, 1, missing[0])]
    rows = []
    for n, values in enumerate(table[1:], start=2):
        cells = [_text(v) for v in values]
        if not any(cells):
            continue
        raw = {h: (cells[j] if j < len(cells) else "") for j, h in enumerate(head) if h}
        for col, words in _WORDS.items():
            if raw.get(col):
                parts = [p.strip() for p in raw[col].replace("、", ",").split(",")]
                raw[col] = ",".join(words.get(p, p) for p in parts if p)
        rows.append((n, raw))
    return rows, []


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    return [r for r in csv.reader(io.StringIO(text, newline=""))]


def _read_xlsx(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = wb["data"] if "data" in wb.sheetnames else wb.worksheets[0]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


# checking -----------------------------------------------------------------------------------


@dataclass
class CellState:
    """What the store holds for a cell: the latest revision, and the value in force."""

    revision: int  # the latest revision number (any state)
    locked: bool  # the latest revision is approved and not unlocked
    value: float | None = None  # the latest revision that is not rejected
    status: str = ""
    flags: str = ""
    source: str = ""
    note: str = ""


@dataclass
class Accepted:
    """A row to write: its checked record and the revision it becomes."""

    row: int
    record: dict[str, Any]
    revision: int
    comment: str = ""


def _same(rec: dict[str, Any], cur: CellState) -> bool:
    if cur.value is None or rec["value"] != cur.value:
        return False
    if rec["status"] != cur.status or rec.get("flags", "") != cur.flags:
        return False
    return all(not rec.get(f) or rec[f] == getattr(cur, f) for f in ("source", "note"))


def check_import(
    plan: Plan,
    rows: list[tuple[int, dict[str, str]]],
    *,
    filename: str,
    years: tuple[int, int],
    state: dict[Cell, CellState],
    may_write: Callable[[str], bool],
    approved: Table | None = None,
    comments: dict[int, str] | None = None,
    jump_threshold: float | None = DEFAULT_JUMP,
    off_track: bool = True,
    dry_run: bool = True,
) -> tuple[ImportReport, list[Accepted]]:
    """Check the rows; return the report and the rows that would become new revisions."""
    comments = {int(k): str(v) for k, v in (comments or {}).items()}
    report = ImportReport(filename, plan.id, dry_run)
    checker = RowChecker(plan, filename, years=years, flags=True)
    counts = {"rows": 0, "skipped": 0, "new": 0, "changed": 0, "unchanged": 0}
    records: list[dict[str, Any]] = []
    for n, raw in rows:
        if not (raw.get("value") or "").strip():
            counts["skipped"] += 1  # a row left blank (e.g. in a template) says nothing
            continue
        counts["rows"] += 1
        rec = checker.check(n, raw)
        if rec is None:
            continue
        if not may_write(rec["indicator"]):
            checker.bad(
                n,
                "indicator",
                "permission",
                f"you may not write {rec['indicator']}: it belongs to another department",
            )
            continue
        records.append(rec)
    errors = checker.problems
    accepted: list[Accepted] = []
    changed_recs: list[dict[str, Any]] = []
    for rec in records:
        cell = (rec["indicator"], rec["area"], rec["year"])
        cur = state.get(cell)
        base = {
            "row": rec["row"],
            "indicator": rec["indicator"],
            "area": rec["area"],
            "year": rec["year"],
            "new": rec["value"],
        }
        if cur is not None and _same(rec, cur):
            counts["unchanged"] += 1
            report.changes.append(
                {**base, "change": "unchanged", "old": cur.value, "old_revision": cur.revision}
            )
            continue
        if cur is not None and cur.locked:
            errors.append(
                Problem(
                    "locked",
                    f"{cell[0]} {cell[1]} {cell[2]}: the approved value {cur.value:g} "
                    f"(revision {cur.revision}) is locked; a reviewer must unlock it first",
                    filename,
                    rec["row"],
                    "value",
                )
            )
            continue
        kind = "changed" if cur is not None and cur.value is not None else "new"
        counts[kind] += 1
        report.changes.append(
            {
                **base,
                "change": kind,
                "old": cur.value if cur is not None else None,
                "old_revision": cur.revision if cur is not None else None,
            }
        )
        changed_recs.append(rec)
        accepted.append(Accepted(rec["row"], rec, (cur.revision if cur else 0) + 1))
    warnings: list[ImportWarning] = []
    if jump_threshold is not None:
        warnings += _jumps(records, changed_recs, state, jump_threshold)
    if off_track and changed_recs and approved is not None:
        warnings += _off_track(plan, approved, changed_recs)
    seen: set[tuple[int, str]] = set()
    for w in sorted(warnings, key=lambda w: (w.row, w.code)):
        if (w.row, w.code) in seen:
            continue
        seen.add((w.row, w.code))
        w.comment = comments.get(w.row, "")
        report.warnings.append(w)
    by_row = {w.row: w.comment for w in report.warnings if w.comment}
    for a in accepted:
        a.comment = by_row.get(a.row) or comments.get(a.row, "")
    report.errors = sorted(errors, key=lambda p: (p.line or 0, p.field))
    counts["errors"] = len(report.errors)
    counts["warnings"] = len(report.warnings)
    counts["uncommented"] = len(report.uncommented)
    report.counts = counts
    return report, accepted


def _jumps(
    records: list[dict[str, Any]],
    changed: list[dict[str, Any]],
    state: dict[Cell, CellState],
    threshold: float,
) -> list[ImportWarning]:
    in_file = {(r["indicator"], r["area"], r["year"]): r["value"] for r in records}
    out = []
    for rec in changed:
        prev_cell = (rec["indicator"], rec["area"], rec["year"] - 1)
        prev = in_file.get(prev_cell)
        if prev is None and prev_cell in state:
            prev = state[prev_cell].value
        if prev is None:
            continue
        new = rec["value"]
        if prev == 0:
            jump = new != 0
            rel = math.inf
        else:
            rel = abs(new - prev) / abs(prev)
            jump = rel > threshold
        if jump:
            pct = "∞" if math.isinf(rel) else f"{100 * rel:.0f}%"
            out.append(
                ImportWarning(
                    rec["row"],
                    "value",
                    "jump",
                    f"{rec['indicator']} {rec['area']}: {prev:g} in {rec['year'] - 1} → "
                    f"{new:g} in {rec['year']} changes by {pct} (more than "
                    f"{100 * threshold:.0f}%); explain it in a comment",
                )
            )
    return out


def _off_track(plan: Plan, approved: Table, changed: list[dict[str, Any]]) -> list[ImportWarning]:
    """Rows that turn an indicator lagging or regressing (evaluating with and without them)."""
    import numpy as np

    from ..engine.compile import compile_plan
    from ..engine.evaluate import evaluate
    from ..engine.options import Options
    from ..engine.table import Table

    cells: dict[Cell, float] = {
        (i, a, int(y)): float(v)
        for i, a, y, v in zip(
            approved["indicator"].tolist(),
            approved["area"].tolist(),
            approved["year"].tolist(),
            approved["value"].tolist(),
            strict=True,
        )
    }
    before = Table({k: approved[k] for k in ("indicator", "area", "year", "value")})
    for r in changed:
        cells[(r["indicator"], r["area"], r["year"])] = r["value"]
    keys = list(cells)
    after = Table(
        {
            "indicator": np.array([k[0] for k in keys], dtype=object),
            "area": np.array([k[1] for k in keys], dtype=object),
            "year": np.array([k[2] for k in keys], dtype=np.int64),
            "value": np.array(list(cells.values()), dtype=float),
        }
    )
    cp = compile_plan(plan)
    opts = Options.from_plan(plan)
    years = sorted({min(max(r["year"], plan.base_year), plan.period.end) for r in changed})
    rows_of: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in changed:
        rows_of.setdefault((r["indicator"], r["area"]), []).append(r)
    out = []
    for y in years:
        st0 = _statuses(evaluate(plan, before, y, opts, compiled=cp))
        st1 = _statuses(evaluate(plan, after, y, opts, compiled=cp))
        for key, s1 in st1.items():
            if s1 not in OFF_TRACK or st0.get(key) in OFF_TRACK or key not in rows_of:
                continue
            mine = [r for r in rows_of[key] if r["year"] <= y]
            if not mine:
                continue
            r = max(mine, key=lambda r: r["year"])
            if min(max(r["year"], plan.base_year), plan.period.end) != y:
                continue  # reported for the year of the row that does it
            was = st0.get(key, "no_data")
            out.append(
                ImportWarning(
                    r["row"],
                    "value",
                    "off-track",
                    f"with this value {key[0]} {key[1]} becomes {s1.replace('_', ' ')} as of "
                    f"{y} (was {was.replace('_', ' ')}); explain it in a comment",
                )
            )
    return out


def _statuses(ev: Any) -> dict[tuple[str, str], str]:
    t = ev.indicator_table
    return {
        (i, a): s
        for i, a, s in zip(
            t["indicator"].tolist(), t["area"].tolist(), t["status"].tolist(), strict=True
        )
    }
