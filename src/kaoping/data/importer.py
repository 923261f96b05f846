"""Import of observation files (CSV or Excel): read, check against the plan and the store,
and report what would change — errors per row and column, warnings that need a comment.

The store (:meth:`kaoping.store.Store.import_file`) supplies the current state and writes
the accepted rows in one transaction; this module decides, and writes nothing.

Error codes (row, column): ``unknown-indicator``, ``qualitative``, ``unknown-area``,
``bad-year``, ``year-outside-plan``, ``not-a-number``, ``bad-censor`` (a value written as
a bound in a form not accepted, e.g. ``>>5``), ``previous-basis-without-break``,
``wrong-unit``, ``out-of-range``, ``bad-status``, ``bad-flag``, ``bad-text``,
``duplicate``, ``permission``, ``locked``; for
the file: ``missing-column``, ``empty-file``, ``bad-file`` (also an unclosed quote, with its
row and column), ``formula`` (a formula cell without a saved value).
Warning codes (need a comment): ``jump``, ``off-track``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import Problem
from ..i18n import LANGS
from ..i18n import label as coded
from ..i18n.formats import format_list
from .exports import HEADERS, VALUE_CODES, header
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

#: a translated header -> its column, and a translated word -> its code, in every language of
#: the catalogs (a file exported in Chinese imports back)
_HEADERS = {
    header(code, lang): code for lang in LANGS for code in HEADERS if header(code, lang) != code
}
_WORDS = {
    col: {coded("observation", code, lang): code for code in codes for lang in LANGS}
    for col, codes in VALUE_CODES.items()
}
#: the separators of a list of flags as an export writes them ("、" in Chinese)
_SEPARATORS = {format_list(["", ""], lang) for lang in LANGS} - {","}


def normalise_header(h: Any) -> str:
    text = str(h or "").strip()
    if text in _HEADERS:
        text = _HEADERS[text]
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


MAX_COLUMNS = 64  # columns read from a spreadsheet row (the importer knows about a dozen)
MAX_ROWS = 1_000_000  # rows read from a file, header included
MAX_XLSX_XML = 512 * 2**20  # uncompressed size of an Excel file's parts


class FileProblem(ValueError):
    """A file that cannot be read as a table, with the row and column where it fails."""

    def __init__(self, message: str, row: int = 1, column: str = "") -> None:
        super().__init__(message)
        self.row, self.column = row, column


class FileProblems(ValueError):
    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def read_table(
    data: bytes, filename: str
) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """Rows of a CSV or Excel (.xlsx) file as (row number, text by column); file problems.

    Row numbers are as a spreadsheet shows them (the header is row 1). Headers may be
    English or Chinese (as exported); coded words (正式, 初步, …) are read back as codes.
    A file that cannot be read whole (an unclosed quote, a formula without a value, too
    many rows) gives one problem with its row and column, and no rows: nothing is imported.
    """
    name = filename.lower()
    try:
        table = _read_xlsx(data) if name.endswith((".xlsx", ".xlsm")) else _read_csv(data)
    except FileProblem as e:
        return [], [Problem("bad-file", str(e), filename, e.row, e.column)]
    except FileProblems as e:
        return [], [Problem("formula", str(p), filename, p.row, p.column) for p in e.problems]
    except Exception as e:  # a damaged or foreign file: one clear problem
        return [], [Problem("bad-file", f"the file cannot be read: {e}", filename, 1)]
    if not table or not any(_text(v) for v in table[0]):
        return [], [Problem("empty-file", "the file is empty: no header, no rows", filename, 1)]
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
                text = raw[col]
                for sep in _SEPARATORS:
                    text = text.replace(sep.strip(), ",")
                parts = [p.strip() for p in text.split(",")]
                raw[col] = ",".join(words.get(p, p) for p in parts if p)
        rows.append((n, raw))
    if not rows:
        return [], [Problem("empty-file", "the file has a header but no rows", filename, 2)]
    return rows, []


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _read_csv(data: bytes) -> list[list[str]]:
    """The records of a CSV file, strictly: an unclosed quote is an error, not a long field."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out: list[list[str]] = []
    width = 0
    line = 0  # the physical line the current record starts on
    lines: list[str] | None = None
    while True:
        start = reader.line_num + 1
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            lines = lines or text.splitlines()
            row, col = len(out) + 1, _open_quote_column(lines, start - 1)
            raise FileProblem(
                f"row {row}: a quote is not closed or is followed by other characters ({e}); "
                "close the quote (write a quote inside a quoted text as two quotes)",
                row,
                _column_name(out, col),
            ) from None
        line = start
        if len(out) >= MAX_ROWS:
            raise FileProblem(f"the file has more than {MAX_ROWS:,} rows", MAX_ROWS + 1)
        if not out:
            width = len(rec)
        elif width > 1:
            for j, field_ in enumerate(rec):
                # a quoted text that swallowed following rows: a line break followed by a
                # line with as many commas as a row of the file
                if "\n" in field_ or "\r" in field_:
                    tails = field_.splitlines()[1:]
                    if any(t.count(",") >= width - 1 for t in tails):
                        raise FileProblem(
                            f"row {len(out) + 1}: the quote opened in this cell runs over the "
                            f"following rows (from line {line} of the file); close the quote",
                            len(out) + 1,
                            _column_name(out, j),
                        )
        out.append(rec[:MAX_COLUMNS] if len(rec) > MAX_COLUMNS else rec)
    return out


def _open_quote_column(lines: list[str], index: int) -> int:
    """The 0-based column of the bad quote on physical line ``index`` (-1: unknown)."""
    if not 0 <= index < len(lines):
        return -1
    col, quoted, opened = 0, False, -1
    text = lines[index]
    i = 0
    while i < len(text):
        c = text[i]
        if quoted:
            if c == '"':
                if text[i + 1 : i + 2] == '"':
                    i += 1
                else:
                    quoted = False
        elif c == '"':
            quoted, opened = True, col
        elif c == ",":
            col += 1
        i += 1
    return opened  # the quote left open, else the last quoted cell (text after its quote)


def _column_name(table: list[list[str]], j: int) -> str:
    if j < 0 or not table or j >= len(table[0]):
        return ""
    return normalise_header(table[0][j])


def _read_xlsx(data: bytes) -> list[list[Any]]:
    """The rows of the sheet ``data`` (else the first), by their real extent.

    The sheet's declared dimension is ignored (a sheet may declare ``A1:XFD1048576`` and
    hold ten cells), at most :data:`MAX_COLUMNS` columns and :data:`MAX_ROWS` rows are
    read, and a formula cell without a saved value is an error in its row.
    """
    import zipfile

    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        size = sum(i.file_size for i in z.infolist())
        if size > MAX_XLSX_XML:
            raise FileProblem(
                f"the Excel file unpacks to {size / 2**20:,.0f} MB: "
                f"at most {MAX_XLSX_XML // 2**20} MB are accepted"
            )
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        title = "data" if "data" in wb.sheetnames else wb.sheetnames[0]
        ws = wb[title]
        ws.reset_dimensions()  # the real extent, not the declared one
        table: list[list[Any]] = []
        empty: list[Any] = []  # shared by the rows between rows (a sheet may skip many)
        for values in ws.iter_rows(values_only=True):  # no padding to a declared width
            if len(table) >= MAX_ROWS:
                raise FileProblem(f"the sheet has more than {MAX_ROWS:,} rows", MAX_ROWS + 1)
            table.append(list(values[:MAX_COLUMNS]) if values else empty)
        has_formulas = _has_formulas(data)
    finally:
        wb.close()
    if has_formulas:
        _check_formulas(data, title, table)
    return table


def _has_formulas(data: bytes) -> bool:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                with z.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        if b"<f>" in chunk or b"<f " in chunk or b":f>" in chunk:
                            return True
    return False


def _check_formulas(data: bytes, title: str, table: list[list[Any]]) -> None:
    """Refuse formulas whose value was not saved (e.g. in a file written by a program)."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    found: list[FileProblem] = []
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        ws = wb[title]
        ws.reset_dimensions()
        for i, formulas in enumerate(ws.iter_rows(values_only=True)):
            if i >= len(table) or len(found) >= 100:
                break
            values = table[i]
            for j, f in enumerate(formulas[:MAX_COLUMNS]):
                if not (isinstance(f, str) and f.startswith("=")):
                    continue
                if j < len(values) and values[j] is not None:
                    continue
                cell = f"{get_column_letter(j + 1)}{i + 1}"
                head = table[0][j] if i and j < len(table[0]) else ""
                found.append(
                    FileProblem(
                        f"cell {cell}: the formula {f[:60]} has no saved value; open the file "
                        "in a spreadsheet program, save it and import it again",
                        i + 1,
                        normalise_header(head),
                    )
                )
    finally:
        wb.close()
    if found:
        raise FileProblems(found)


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
    censor: str = ""
    previous_basis: float | None = None


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
    if rec.get("censor", "") != (cur.censor or ""):
        return False  # 25 and >25 are different values
    if rec.get("previous_basis") != _opt_float(cur.previous_basis):
        return False
    return all(not rec.get(f) or rec[f] == getattr(cur, f) for f in ("source", "note"))


def _opt_float(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


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
    progress: Callable[[float], None] | None = None,
) -> tuple[ImportReport, list[Accepted]]:
    """Check the rows; return the report and the rows that would become new revisions."""
    comments = {int(k): str(v) for k, v in (comments or {}).items()}
    report = ImportReport(filename, plan.id, dry_run)
    checker = RowChecker(plan, filename, years=years, flags=True)
    counts = {"rows": 0, "skipped": 0, "new": 0, "changed": 0, "unchanged": 0}
    records: list[dict[str, Any]] = []
    for i, (n, raw) in enumerate(rows):
        if progress is not None and i % 5000 == 4999:
            progress(0.8 * i / len(rows))
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
            "new_censor": rec.get("censor", ""),
        }
        old_censor = (cur.censor or "") if cur is not None and cur.value is not None else ""
        if cur is not None and _same(rec, cur):
            counts["unchanged"] += 1
            report.changes.append(
                {
                    **base,
                    "change": "unchanged",
                    "old": cur.value,
                    "old_censor": old_censor,
                    "old_revision": cur.revision,
                }
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
                "old_censor": old_censor,
                "old_revision": cur.revision if cur is not None else None,
            }
        )
        changed_recs.append(rec)
        accepted.append(Accepted(rec["row"], rec, (cur.revision if cur else 0) + 1))
    warnings: list[ImportWarning] = []
    if jump_threshold is not None:
        warnings += _jumps(records, changed_recs, state, jump_threshold)
    if progress is not None:
        progress(0.8)
    if off_track and changed_recs and approved is not None:
        from .off_track import off_track_warnings

        warnings += off_track_warnings(plan, approved, changed_recs)
    if progress is not None:
        progress(1.0)
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
    if rows and not counts["rows"] and not errors:
        msg = "no row has a value: fill in the value column (rows without one are skipped)"
        errors.append(Problem("empty-file", msg, filename, rows[0][0], "value"))
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
