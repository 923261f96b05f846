"""Import of CSV and Excel files through the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from kaoping.data.importer import read_table
from kaoping.data.template import department_template
from kaoping.errors import UsageError
from kaoping.store import PermissionDenied, Store
from tests.store import fixtures

# the store fixtures (SQLite and PostgreSQL), shared with tests/store
db_url, empty_store, pg_admin, store = (
    fixtures.db_url,
    fixtures.empty_store,
    fixtures.pg_admin,
    fixtures.store,
)

HEAD = "indicator,area,year,value,unit,status,flags,source,note\n"


def csv(*lines: str) -> bytes:
    return (HEAD + "\n".join(lines) + "\n").encode("utf-8")


def test_every_error_kind_with_row_and_column(store: Store):
    data = csv(
        "share,city,2021,50,%,final,,yearbook,",  # 2 fine
        "nope,city,2021,1,,,,,",  # 3 unknown indicator
        "share,west,2021,1,,,,,",  # 4 unknown area
        "share,city,2021,1,‰,,,,",  # 5 wrong unit
        "share,city,2022,lots,,,,,",  # 6 not a number
        "share,city,2023,120,,,,,",  # 7 share above 100
        "count,city,2021,-3,,,,,",  # 8 negative count (and env's indicator)
        "share,city,2030,10,,,,,",  # 9 year outside the plan
        "share,city,2021,51,,,,,",  # 10 duplicate of row 2
        "share,city,2024,5,,guess,,,",  # 11 bad status
        "share,city,2025,5,,,maybe,,",  # 12 bad flag
        "count,east,2022,3,,,,,",  # 13 permission: env's indicator
    )
    before = store.revisions_count()
    report = store.import_file("ann", data, "obs.csv")
    got = {(p.line, p.field, p.code) for p in report.errors}
    assert got == {
        (3, "indicator", "unknown-indicator"),
        (4, "area", "unknown-area"),
        (5, "unit", "wrong-unit"),
        (6, "value", "not-a-number"),
        (7, "value", "out-of-range"),
        (8, "value", "out-of-range"),
        (9, "year", "year-outside-plan"),
        (10, "year", "duplicate"),
        (11, "status", "bad-status"),
        (12, "flags", "bad-flag"),
        (13, "indicator", "permission"),
    }
    assert not report.ok and not report.written
    assert store.revisions_count() == before  # all or nothing: the good row 2 is not written
    assert all(str(p).startswith("obs.csv:") for p in report.errors)


def test_base_year_allowed_and_good_file_written_in_one_go(store: Store):
    data = csv("share,city,2020,30,%,final,,yearbook 2021,", "share,east,2021,31,,provisional,,,")
    report = store.import_file("ann", data, "obs.csv")
    assert report.ok and report.written and report.counts["new"] == 2
    hist = store.history("share")
    assert {(h["area"], h["year"], h["state"]) for h in hist} == {
        ("city", 2020, "submitted"),
        ("east", 2021, "submitted"),
    }
    assert {h["import_id"] for h in hist} == {report.import_id}
    entry = store.audit(action="import")[0]
    assert entry["user"] == "ann" and entry["detail"]["counts"]["new"] == 2


def test_missing_column_and_bad_file(store: Store):
    report = store.import_file("ann", b"indicator,year\nshare,2021\n", "x.csv")
    assert [(p.code, p.line) for p in report.errors] == [("missing-column", 1)]
    report = store.import_file("ann", b"not a spreadsheet", "x.xlsx")
    assert report.errors[0].code == "bad-file" and not report.written


def test_dry_run_writes_nothing_and_reports_changes(store: Store):
    first = csv("share,city,2021,40,,,,,", "share,city,2022,42,,,,,")
    assert store.import_file("ann", first, "a.csv", off_track=False).written
    n = store.revisions_count()
    audit_n = len(store.audit(limit=1000))
    data = csv("share,city,2021,40,,,,,", "share,city,2022,45,,,,,", "share,city,2023,46,,,,,")
    report = store.import_file("ann", data, "b.csv", dry_run=True, off_track=False)
    assert report.dry_run and not report.written and report.ok
    assert store.revisions_count() == n and len(store.audit(limit=1000)) == audit_n
    changes = {c["year"]: c for c in report.changes}
    assert changes[2021]["change"] == "unchanged"
    assert (changes[2022]["change"], changes[2022]["old"], changes[2022]["new"]) == (
        "changed",
        42.0,
        45.0,
    )
    assert changes[2023]["change"] == "new" and changes[2023]["old"] is None
    assert report.counts | {} == {
        **report.counts,
        "rows": 3,
        "new": 1,
        "changed": 1,
        "unchanged": 1,
    }
    real = store.import_file("ann", data, "b.csv", off_track=False)
    assert real.written and store.revisions_count() == n + 2
    assert store.history("share", "city", 2022)[0]["revision"] == 2


def test_locked_values_cannot_be_imported_over(store: Store):
    assert store.import_file(
        "ann", csv("share,city,2021,40,,,,,"), "a.csv", off_track=False
    ).written
    store.approve("rita", store.history("share", "city", 2021)[0]["id"])
    report = store.import_file("ann", csv("share,city,2021,41,,,,,"), "b.csv")
    assert [(p.line, p.field, p.code) for p in report.errors] == [(2, "value", "locked")]
    same = store.import_file("ann", csv("share,city,2021,40,,,,,"), "c.csv")
    assert same.ok and same.counts["unchanged"] == 1


def test_warnings_need_comments(store: Store):
    store.settings.four_eyes = False  # an administrator's own backfill, approved at once
    store.import_file("admin", csv("share,city,2021,40,,,,,"), "a.csv", approve=True)
    # a jump of 100% vs 2021; and count: 2020 baseline 20, then down to 2 → regressing
    data = csv("share,city,2022,80,,,,,", "count,city,2020,20,,,,,", "count,city,2021,2,,,,,")
    report = store.import_file("admin", data, "b.csv")
    codes = {(w.row, w.code) for w in report.warnings}
    assert (2, "jump") in codes
    assert (4, "jump") in codes
    assert (4, "off-track") in codes
    assert all(w.needs_comment and not w.comment for w in report.warnings)
    assert not report.ok and not report.written and not report.errors
    n = store.revisions_count()
    partial = store.import_file("admin", data, "b.csv", comments={2: "new survey method"})
    assert not partial.written and store.revisions_count() == n
    comments = {2: "new survey method", 4: "a factory closed"}
    done = store.import_file("admin", data, "b.csv", comments=comments)
    assert done.ok and done.written
    assert store.history("share", "city", 2022)[0]["comment"] == "new survey method"
    assert store.history("count", "city", 2021)[0]["comment"] == "a factory closed"
    # the threshold is configurable
    quiet = store.import_file(
        "admin", csv("share,city,2023,100,,,,,"), "c.csv", jump_threshold=None, off_track=False
    )
    assert quiet.written and not quiet.warnings


def test_viewer_and_reviewer_cannot_import(store: Store):
    with pytest.raises(PermissionDenied):
        store.import_file("vic", csv("share,city,2021,40,,,,,"), "a.csv")
    with pytest.raises(PermissionDenied):
        store.import_file("ann", csv("share,city,2021,40,,,,,"), "a.csv", approve=True)


def test_excel_round_trip_via_the_template(store: Store):
    blob = department_template(store, "stats", [2021, 2022])
    wb = load_workbook(io.BytesIO(blob))
    ws = wb["data"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:6] == ("indicator", "name_zh", "name_en", "area", "year", "value")
    assert {(r[0], r[3], r[4]) for r in rows[1:]} == {
        ("share", a, y) for a in ("city", "east") for y in (2021, 2022)
    }
    dv = [d for d in ws.data_validations.dataValidation if d.type == "decimal"]
    assert dv and dv[0].formula1 == "0" and dv[0].formula2 == "100"
    assert wb["indicators"]["E2"].value == "某项占比"
    # the untouched template reads cleanly (every row is blank) but is not an import
    empty = store.import_file("ann", blob, "stats.xlsx", dry_run=True)
    assert empty.counts["rows"] == 0 and empty.counts["skipped"] == 4
    assert [(p.code, p.line, p.field) for p in empty.errors] == [("empty-file", 2, "value")]
    for r, v in zip(range(2, 6), (40, 42, 41.5, 43), strict=True):
        ws[f"F{r}"] = v
    buf = io.BytesIO()
    wb.save(buf)
    dry = store.import_file("ann", buf.getvalue(), "stats.xlsx", dry_run=True)
    assert dry.errors == [] and dry.counts["new"] == 4
    comments = {w.row: "below pace: see the bureau's note" for w in dry.warnings}
    report = store.import_file("ann", buf.getvalue(), "stats.xlsx", comments=comments)
    assert report.errors == [] and report.written, report.to_dict()
    t = store.observations(approved_only=False)
    assert sorted(t["value"].tolist()) == [40.0, 41.5, 42.0, 43.0]
    with pytest.raises(UsageError):
        department_template(store, "nobody", [2021])


def test_template_from_a_plan_and_chinese_headers(store: Store):
    plan = store.plan()
    blob = department_template(plan, "env", [2021], areas=["east"])
    rows, problems = read_table(blob, "env.xlsx")
    assert not problems and [(n, r["indicator"], r["area"]) for n, r in rows] == [
        (2, "count", "east")
    ]
    zh = "指标代码,地区,年份,数值,数据状态\nshare,city,2021,40,初步\n".encode()
    rows, problems = read_table(zh, "zh.csv")
    assert rows[0][1]["status"] == "provisional" and rows[0][1]["indicator"] == "share"
    gbk = "indicator,year,value,note\nshare,2021,40,统计年鉴\n".encode("gb18030")
    rows, _ = read_table(gbk, "gbk.csv")
    assert rows[0][1]["note"] == "统计年鉴"
