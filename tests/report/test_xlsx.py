"""The Excel workbooks: sheets and cells."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from kaoping.core import evaluate_loaded, load
from kaoping.report.build import evaluation_from_files, render
from kaoping.report.documents import Provenance, assessment_document, to_text


@pytest.fixture(scope="module")
def loaded():
    return load(None)


def _book(doc):
    return load_workbook(io.BytesIO(render(doc, "xlsx")))


def test_evaluation_workbook(loaded):
    wb = _book(evaluation_from_files(None, None, 2020, "en", "xlsx"))
    assert wb.sheetnames == ["Summary", "Indicators", "Scores", "Sources", "Statuses"]
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
    assert wb.sheetnames == ["摘要", "指标", "得分", "来源", "状态说明"]
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
            "coverage": {"counted": 1, "current": 1, "missing": 0, "share": 1.0},
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
    assert res[1] == ("部门", "统计局", 80.0, 90.0, 1.0, 0.0, 82.0, "良好", 1, "100% (1/1)")
    unit = [r for r in wb["统计局"].iter_rows(min_row=2, values_only=True)]
    assert any(r[0] == "扣分" and "迟报" in r[1] for r in unit)  # the kind in words
    assert any("地区生产总值" in r[1] for r in unit)
    rules = {r[0]: r[1] for r in wb["规则"].iter_rows(min_row=2, values_only=True)}
    assert rules["定量得分权重"] == "0.7"
    codes = {r[2]: r[1] for r in wb["规则"].iter_rows(min_row=2, values_only=True)}
    assert codes["weights.quantitative"] == "0.7"  # the code column, for machines
    assert rules["规划版本"] == "v1"


def test_assessment_workbook_with_insufficient_data(loaded):
    """A unit below min_coverage: "insufficient data" in place of a grade, no total or
    rank, its coverage and the indicators missing (with why) in its sheet."""
    env = {
        "kind": "department",
        "key": "env",
        "name": {"zh": "生态环境局", "en": "Environment bureau"},
        "quantitative": None,
        "indicators": [],
        "coverage": {"counted": 4, "current": 1, "missing": 3, "share": 0.2, "required": 0.5},
        "qualitative": None,
        "ratings": [],
        "deductions": [],
        "deduction_total": 0.0,
        "adjustments": [],
        "adjustment_total": 0.0,
        "total": None,
        "grade": None,
        "rank": None,
        "notes": ["insufficient_data"],
        "insufficient_data": True,
        "missing": [
            {
                "indicator": "forest",
                "name": {"zh": "森林覆盖率", "en": "Forest coverage"},
                "status": "no_data",
                "latest_year": None,
                "data_age": None,
            },
            {
                "indicator": "income",
                "name": {"zh": "城镇居民收入", "en": "Urban income"},
                "status": "stale",
                "latest_year": 2009,
                "data_age": 11,
            },
        ],
    }
    result = {**RESULT, "rules": {**RESULT["rules"], "min_coverage": 0.5}, "units": [env]}
    prov = Provenance("store", "2021-01-01", "7", "kaoping report assessment")
    for lang, word, stale in (
        ("en", "insufficient data", "data too old: latest value 2009, 11 years before 2020"),
        ("zh", "数据不足", "数据过旧：最新数据为2009年，早于2020年11年"),
    ):
        doc = assessment_document(loaded.plan, result, lang, prov)
        wb = _book(doc)
        res = list(wb[wb.sheetnames[0]].iter_rows(values_only=True))
        assert res[1][2:] == (None, None, 0.0, 0.0, None, word, None, "20% (1/4)")
        unit = list(wb[wb.sheetnames[1]].iter_rows(min_row=2, values_only=True))
        assert any(stale in r[1] for r in unit)
        text = to_text(doc)
        assert stale in text and ("50%" in text)
