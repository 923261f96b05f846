"""Values known only as a bound (``>25``) and values on an old basis, from a cell to the
engine's input: the cell parser, imports (CSV, Excel), exports, the template and data
files; the store half runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv as csvmod
import io
import json
import math

import pytest
from openpyxl import load_workbook

from kaoping.data.cells import CensorError, NumberError, format_value, parse_value
from kaoping.data.exports import export_observations
from kaoping.data.observations import read_observations
from kaoping.data.template import department_template
from kaoping.store import Store
from tests.store import fixtures

db_url, empty_store, pg_admin, store = (
    fixtures.db_url,
    fixtures.empty_store,
    fixtures.pg_admin,
    fixtures.store,
)

HEAD = "indicator,area,year,value,unit,status,flags,previous_basis,source,note\n"


def csv(*lines: str) -> bytes:
    return (HEAD + "\n".join(lines) + "\n").encode("utf-8")


@pytest.mark.parametrize(
    ("text", "value", "censor"),
    [
        (">25", 25.0, ">"),
        (">=25", 25.0, ">"),
        ("≥25", 25.0, ">"),
        ("超25", 25.0, ">"),
        ("超过25", 25.0, ">"),
        ("25以上", 25.0, ">"),
        ("<0.5", 0.5, "<"),
        ("<=0.5", 0.5, "<"),
        ("≤0.5", 0.5, "<"),
        ("0.5以下", 0.5, "<"),
        ("＞25", 25.0, ">"),  # full-width signs
        ("＞＝25", 25.0, ">"),
        ("＜0.5", 0.5, "<"),
        ("≧1,250.5", 1250.5, ">"),
        ("≦-3", -3.0, "<"),
        ("> 25", 25.0, ">"),
        ("25 以上", 25.0, ">"),
        ("25", 25.0, ""),
        ("-0.5", -0.5, ""),
        (12.5, 12.5, ""),  # a number from a spreadsheet cell
    ],
)
def test_accepted_forms(text, value, censor):
    assert parse_value(text) == (value, censor)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (">>5", "more than one sign"),
        ("<>5", "more than one sign"),
        (">25以上", "more than one sign"),
        (">", "no number"),
        ("超过", "no number"),
        ("以下", "no number"),
        ("25>", "the sign before the number"),
        (">2,5", "decimal comma"),
        (">abc", "not a number"),
        ("＞２５", "0-9"),  # the digits stay ASCII
    ],
)
def test_malformed_bounds_say_why(text, reason):
    with pytest.raises(CensorError) as e:
        parse_value(text)
    assert e.value.code == "bad-censor" and reason in str(e.value)


def test_a_plain_bad_number_is_still_not_a_number():
    with pytest.raises(NumberError) as e:
        parse_value("lots")
    assert e.value.code == "not-a-number"


def test_format_value_reads_back():
    for v, c in ((25.0, ">"), (0.1, "<"), (-3.25, ""), (1e-05, ">"), (123456789.123, "")):
        assert parse_value(format_value(v, c)) == (v, c)
    assert format_value(25.0, ">") == ">25" and format_value(0.5) == "0.5"


def test_import_writes_the_censor(store: Store):
    data = csv(
        "share,city,2021,>25,%,final,,,yearbook,",
        "share,city,2022,30以上,,final,,,,",
        "share,east,2021,<0.5,,provisional,,,,",
        "share,east,2022,40,,final,break,38.5,,",
    )
    report = store.import_file("admin", data, "obs.csv", off_track=False, jump_threshold=None)
    assert report.errors == [] and report.written, report.to_dict()
    assert [(c["row"], c["new"], c["new_censor"]) for c in report.changes] == [
        (2, 25.0, ">"),
        (3, 30.0, ">"),
        (4, 0.5, "<"),
        (5, 40.0, ""),
    ]
    t = store.observations(approved_only=False)
    got = {
        (i, a, y): (v, c, b, None if math.isnan(p) else p)
        for i, a, y, v, c, b, p in zip(
            t["indicator"].tolist(),
            t["area"].tolist(),
            t["year"].tolist(),
            t["value"].tolist(),
            t["censor"].tolist(),
            t["break"].tolist(),
            t["previous_basis"].tolist(),
            strict=True,
        )
    }
    assert got == {
        ("share", "city", 2021): (25.0, ">", False, None),
        ("share", "city", 2022): (30.0, ">", False, None),
        ("share", "east", 2021): (0.5, "<", False, None),
        ("share", "east", 2022): (40.0, "", True, 38.5),
    }
    # the same file again changes nothing; 25 over >25 is a change
    again = store.import_file("admin", data, "obs.csv", dry_run=True, off_track=False)
    assert again.counts["unchanged"] == 4 and again.counts["changed"] == 0
    exact = store.import_file(
        "admin", csv("share,city,2021,25,,final,,,yearbook,"), "x.csv", dry_run=True
    )
    (change,) = exact.changes
    assert change["change"] == "changed" and (change["old_censor"], change["new_censor"]) == (
        ">",
        "",
    )


def test_a_bad_bound_names_row_column_and_reason_and_writes_nothing(store: Store):
    data = csv(
        "share,city,2021,>25,,final,,,,",
        "share,city,2022,>>5,,final,,,,",
        "share,east,2021,40,,final,,39,,",
    )
    report = store.import_file("admin", data, "obs.csv")
    assert not report.written
    got = [(p.line, p.field, p.code) for p in report.errors]
    assert got == [
        (3, "value", "bad-censor"),
        (4, "previous_basis", "previous-basis-without-break"),
    ]
    assert "more than one sign" in report.errors[0].message
    assert "'>>5'" in report.errors[0].message
    assert store.revisions_count() == 0


def test_export_round_trip_keeps_the_bound(store: Store):
    rows = csv(
        "share,city,2021,>25,,final,,,yearbook,",
        "share,east,2022,40,,final,break,38.5,,",
    )
    written = store.import_file("admin", rows, "obs.csv", off_track=False)
    assert written.written
    store.review_import("rita", written.import_id, "approve")
    t = store.observations()
    plan = store.plan()
    for lang in ("en", "zh"):
        blob = export_observations(t, plan, "csv", lang)
        table = list(csvmod.reader(io.StringIO(blob.decode("utf-8-sig"))))
        head = table[0]
        value = head.index("value" if lang == "en" else "数值")
        prev = head.index("previous_basis" if lang == "en" else "原口径数值")
        assert [r[value] for r in table[1:]] == [">25", "40.0"]
        assert [r[prev] for r in table[1:]] == ["", "38.5"]
    xlsx = export_observations(t, plan, "xlsx", "en")
    ws = load_workbook(io.BytesIO(xlsx)).active
    assert ws["E2"].value == ">25" and ws["E3"].value == 40
    data = json.loads(export_observations(t, plan, "json", "en"))
    assert [(d["value"], d["censor"], d["previous_basis"]) for d in data] == [
        (25.0, ">", None),
        (40.0, "", 38.5),
    ]
    # every export imports back unchanged (the approved values are unlocked first)
    store.unlock("rita", "share", "city", 2021, "round trip")
    store.unlock("rita", "share", "east", 2022, "round trip")
    for fmt, lang in (("csv", "en"), ("csv", "zh"), ("xlsx", "zh")):
        blob = export_observations(t, plan, fmt, lang)
        report = store.import_file("admin", blob, f"back.{fmt}", dry_run=True)
        assert report.errors == [] and report.counts["unchanged"] == 2, (fmt, lang)
    # a file with the JSON's censor column beside the value reads the same
    side = b"indicator,area,year,value,censor\nshare,city,2021,25,>\n"
    report = store.import_file("admin", side, "side.csv", dry_run=True)
    assert report.errors == [] and report.counts["unchanged"] == 1


def test_the_template_takes_a_bound_and_an_old_basis_value(store: Store):
    blob = department_template(store, "stats", [2021])
    wb = load_workbook(io.BytesIO(blob))
    ws = wb["data"]
    head = [c.value for c in ws[1]]
    assert head[5] == "value" and "previous_basis" in head
    dv = [d for d in ws.data_validations.dataValidation if d.type == "decimal"]
    assert dv and {d.errorStyle for d in dv} == {"warning"}  # a bound (text) may be typed
    prev = head.index("previous_basis") + 1
    ws.cell(2, 6).value = ">25"
    ws.cell(3, 6).value = 48
    ws.cell(3, head.index("flags") + 1).value = "break"
    ws.cell(3, prev).value = 45
    buf = io.BytesIO()
    wb.save(buf)
    report = store.import_file("ann", buf.getvalue(), "t.xlsx", off_track=False)
    assert report.errors == [] and report.written, report.to_dict()
    hist = {h["area"]: h for h in store.history("share")}
    assert (hist["city"]["value"], hist["city"]["censor"]) == (25.0, ">")
    assert (hist["east"]["previous_basis"], hist["east"]["flags"]) == (45.0, ["break"])


def test_a_data_file_with_bounds_flags_and_old_basis(tmp_path):
    from kaoping.plan import parse_plan

    plan = parse_plan(fixtures.PLAN)
    f = tmp_path / "observations.csv"
    f.write_text(
        "key,area,year,value,unit,flags,previous_basis,source\n"
        "share,city,2020,>25,%,,,a\n"
        "share,city,2021,0.5以下,%,,,b\n"
        "share,city,2022,48,%,Break,45,c\n"
        "gdp,city,2022,120,yuan,estimated,,d\n",
        encoding="utf-8",
    )
    t = read_observations(f, plan)
    assert t["value"].tolist() == [25.0, 0.5, 48.0, 120.0]
    assert t["censor"].tolist() == [">", "<", "", ""]
    assert t["break"].tolist() == [False, False, True, False]
    prev = t["previous_basis"].tolist()
    assert math.isnan(prev[0]) and prev[2] == 45.0 and math.isnan(prev[3])
