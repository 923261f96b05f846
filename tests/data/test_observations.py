from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kaoping.data.observations import read_observations
from kaoping.errors import DataError, UsageError
from kaoping.plan import load_plan, parse_plan
from kaoping.plan.bundled import bundled_data, find_plan

PLAN = """
id: mini
title: {zh: 小规划, en: Mini plan}
period: {start: 2021, end: 2025}
base_year: 2020
areas:
  - {key: city, name: {zh: 市, en: City}}
  - {key: east, name: {zh: 东区, en: East district}, parent: city}
groups: [{key: g, name: {zh: 组, en: Group}}]
indicators:
  - key: share
    name: {zh: 比重, en: Share}
    unit: "%"
    group: g
    bounds: {min: 0, max: 100}
    targets: {2025: ">= 60"}
  - key: count
    name: {zh: 数量, en: Count}
    unit: count
    group: g
    bounds: {min: 0}
    targets: {2025: ">= 10"}
"""


def write(
    tmp_path: Path, rows: list[list[str]], header=("indicator", "area", "year", "value", "unit")
) -> Path:
    p = tmp_path / "obs.csv"
    with p.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return p


def test_reads_good_rows_with_default_area(tmp_path):
    plan = parse_plan(PLAN)
    p = write(tmp_path, [["share", "", "2020", "50", "%"], ["count", "east", "2021", "1,200", ""]])
    t = read_observations(p, plan)
    assert t.n_rows == 2
    assert list(t["area"]) == ["city", "east"]
    assert list(t["value"]) == [50.0, 1200.0]
    assert list(t["year"]) == [2020, 2021]


def test_every_bad_row_is_reported_with_row_and_column(tmp_path):
    plan = parse_plan(PLAN)
    rows = [
        ["share", "city", "2020", "50", "%"],  # row 2: fine
        ["nope", "city", "2020", "1", ""],  # row 3: unknown indicator
        ["share", "west", "2020", "1", ""],  # row 4: unknown area
        ["share", "city", "20x0", "1", ""],  # row 5: bad year
        ["share", "city", "2021", "lots", ""],  # row 6: not a number
        ["share", "city", "2022", "120", ""],  # row 7: above max
        ["count", "city", "2022", "-3", ""],  # row 8: negative count
        ["share", "city", "2023", "10", "‰"],  # row 9: wrong unit
        ["share", "city", "2020", "51", ""],  # row 10: duplicate of row 2
    ]
    with pytest.raises(DataError) as e:
        read_observations(write(tmp_path, rows), plan)
    got = {(p.line, p.field, p.code) for p in e.value.problems}
    assert got == {
        (3, "indicator", "unknown-indicator"),
        (4, "area", "unknown-area"),
        (5, "year", "bad-year"),
        (6, "value", "not-a-number"),
        (7, "value", "out-of-range"),
        (8, "value", "out-of-range"),
        (9, "unit", "wrong-unit"),
        (10, "year", "duplicate"),
    }
    assert all(str(p).startswith(str(tmp_path / "obs.csv")) for p in e.value.problems)


def test_missing_column_and_missing_file(tmp_path):
    plan = parse_plan(PLAN)
    p = write(tmp_path, [["share", "2020"]], header=("indicator", "year"))
    with pytest.raises(DataError) as e:
        read_observations(p, plan)
    assert e.value.problems[0].code == "missing-column"
    with pytest.raises(UsageError):
        read_observations(tmp_path / "absent.csv", plan)


def test_bom_and_key_alias(tmp_path):
    plan = parse_plan(PLAN)
    p = tmp_path / "obs.csv"
    p.write_text("\ufeffkey,year,value\nshare,2021,55\n", encoding="utf-8")
    t = read_observations(p, plan)
    assert list(t["indicator"]) == ["share"] and list(t["area"]) == ["city"]


def test_bundled_zhengzhou_data_keeps_every_row_and_source():
    plan_file = find_plan(None)
    plan = load_plan(plan_file)
    data = bundled_data(plan_file)
    with data.open(encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh))
    t = read_observations(data, plan)
    assert t.n_rows == len(raw)
    rows = {(r["indicator"], r["year"]): r for r in t.rows()}
    air = rows[("airport_passengers", 2020)]
    assert air["value"] == 21406700
    assert air["source"].startswith("https://")
    assert all(r["source"] for r in t.rows())
