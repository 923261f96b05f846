"""The Excel workbooks: sheets and cells."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from kaoping.core import evaluate_loaded, load
from kaoping.report.build import evaluation_from_files, render
from kaoping.report.documents import Provenance, assessment_document


@pytest.fixture(scope="module")
def loaded():
    return load(None)


def _book(doc):
    return load_workbook(io.BytesIO(render(doc, "xlsx")))


def test_evaluation_workbook(loaded):
    wb = _book(evaluation_from_files(None, None, 2020, "en", "xlsx"))
    assert wb.sheetnames == ["Summary", "Indicators", "Scores", "Sources"]
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    ev = evaluate_loaded(loaded, 2020)
    assert summary["Plan version"] == ev.plan_version
    assert summary["As of"] == "2020"
    assert summary["achieved"] == ev.status_counts()["achieved"]
    assert summary["How to reproduce this report"].startswith("kaoping report evaluation")
    ind = wb["Indicators"]
    header = [c.value for c in ind[1]]
    assert header[:3] == ["group", "key", "name"]
    rows = list(ind.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(loaded.plan.indicators)
    by_key = {r[1]: dict(zip(header, r, strict=True)) for r in rows}
    row = ev.indicator("airport_passengers")
    got = by_key["airport_passengers"]
    assert got["latest_value"] == pytest.approx(float(row["latest_value"]))
    assert isinstance(got["attainment"], float)
    assert got["status"] == row["status"]
    scores = list(wb["Scores"].iter_rows(min_row=2, values_only=True))
    assert scores[0][:2] == ("overall", "overall")
    assert {r[1] for r in scores if r[0] == "group"} == {g.key for g in loaded.plan.groups}
    sources = list(wb["Sources"].iter_rows(min_row=2, values_only=True))
    assert sources and all(isinstance(r[2], int) for r in sources)


def test_evaluation_workbook_in_chinese():
    wb = _book(evaluation_from_files(None, None, 2020, "zh", "xlsx"))
    assert wb.sheetnames == ["摘要", "指标", "得分", "来源"]
    assert wb["摘要"]["A1"].value == "项目"
    assert wb["摘要"]["B2"].value.startswith("郑州市")


RESULT = {
    "plan_id": "zhengzhou-2009-2020",
    "plan_version": "v1",
    "year": 2020,
    "as_of": 2020,
    "rules": {"weights": {"quantitative": 0.7, "qualitative": 0.3}},
    "units": [
        {
            "kind": "department",
            "key": "stats",
            "name": {"zh": "统计局", "en": "Statistics bureau"},
            "quantitative": 80.0,
            "indicators": [
                {
                    "indicator": "gdp",
                    "name": {"zh": "地区生产总值", "en": "GDP"},
                    "status": "on_track",
                    "score": 80.0,
                    "included": True,
                }
            ],
            "qualitative": 90.0,
            "ratings": [{"task": "t1", "rating": 4.5, "counted": True}],
            "deductions": [
                {
                    "kind": "late_report",
                    "count": 1,
                    "points": 1.0,
                    "cap": 5.0,
                    "amount": 1.0,
                    "events": [{"date": "2020-04-20"}],
                }
            ],
            "deduction_total": 1.0,
            "adjustments": [],
            "adjustment_total": 0.0,
            "total": 82.0,
            "grade": {"key": "good", "zh": "良好", "en": "Good"},
            "rank": 1,
            "notes": [],
        }
    ],
}


def test_assessment_workbook(loaded):
    prov = Provenance("store", "2021-01-01", "7", "kaoping report assessment")
    wb = _book(assessment_document(loaded.plan, RESULT, "zh", prov))
    assert wb.sheetnames == ["结果", "统计局", "规则"]
    res = list(wb["结果"].iter_rows(values_only=True))
    assert res[0][:3] == ("类型", "考评对象", "定量得分")
    assert res[1] == ("部门", "统计局", 80.0, 90.0, 1.0, 0.0, 82.0, "良好", 1)
    unit = [r for r in wb["统计局"].iter_rows(min_row=2, values_only=True)]
    assert any(r[0] == "扣分" and "late_report" in r[1] for r in unit)
    assert any("地区生产总值" in r[1] for r in unit)
    rules = {r[0]: r[1] for r in wb["规则"].iter_rows(min_row=2, values_only=True)}
    assert rules["weights.quantitative"] == "0.7"
    assert rules["规划版本"] == "v1"
