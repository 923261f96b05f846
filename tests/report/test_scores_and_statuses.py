"""The printed reports (text, HTML, PDF, Excel) on a tiny plan whose every group is scored
(hand-computed scores in tiny_plan.py): scores 0–100 with one decimal and what they
measure, the statuses with their meanings, the year met and the projected year, the age of
the data."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from openpyxl import load_workbook

from kaoping.report.build import evaluation_from_files, render
from kaoping.report.documents import to_text
from kaoping.report.labels import STATUS, STATUS_ORDER

from .tiny_plan import GROUPS, LENS, OVERALL, YEAR, patch_evaluation, write_plan

SCORE_MEANING = {"en": "attainment of the targets (0–100)", "zh": "目标实现程度（0–100）"}
STATUS_MEANING = {"en": "pace against the path to the target", "zh": "相对目标路径的进度"}
OVERALL_SENTENCE = {
    "en": f"The overall score is {OVERALL} out of 100 — attainment of the targets (0–100)",
    "zh": f"总体得分为{OVERALL}（满分100）——目标实现程度（0–100）",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return write_plan(tmp_path_factory.mktemp("tiny"))


def _doc(files, lang, fmt="pdf"):
    plan, data = files
    return evaluation_from_files(str(plan), str(data), YEAR, lang, fmt)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_text_and_html_show_scores_out_of_100(files, lang):
    doc = _doc(files, lang)
    text = to_text(doc)
    assert OVERALL_SENTENCE[lang] in text
    rows = {
        r[0]: r[1]
        for s in doc["sections"]
        for b in s["blocks"]
        if b["t"] == "table"
        for r in b["rows"]
        if b["columns"][1].startswith(("Score", "得分"))
    }
    overall = "Overall" if lang == "en" else "总体"
    group_names = {"g1": ("Group one", "第一组"), "g2": ("Group two", "第二组")}
    assert rows[overall] == OVERALL
    for key, shown in GROUPS.items():
        assert rows[group_names[key][lang == "zh"]] == shown
    assert rows["Category one" if lang == "en" else "类别一"] == LENS["k1"]
    # the score column says what it measures
    headers = [b["columns"][1] for s in doc["sections"] for b in s["blocks"] if b["t"] == "table"]
    assert any(SCORE_MEANING[lang] in h for h in headers)
    # each group's lead line: the score and its meaning
    lead = next(
        b["text"]
        for s in doc["sections"]
        if s["id"] == "group-g1"
        for b in s["blocks"]
        if b["t"] == "p"
    )
    assert f"{GROUPS['g1']} — {SCORE_MEANING[lang]}" in lead
    # the bar chart and the HTML hold the same numbers
    assert "[bar chart" in text and f" {OVERALL}," in text
    page = render(doc, "html").decode()
    assert OVERALL_SENTENCE[lang] in page
    assert re.findall(r'class="bar-value">([^<]+)<', page)[:3] == [OVERALL, *GROUPS.values()]
    for wrong in ("7550.0", "6100.0", "9000.0"):
        assert wrong not in text and wrong not in page


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_score_and_status_meanings_in_the_report(files, lang):
    text = to_text(_doc(files, lang))
    # one sentence: the score is attainment, the status is pace, they can disagree
    words = ("disagree", "attainment", "pace") if lang == "en" else ("不一致", "实现程度", "进度")
    assert any(all(x in line for x in words) for line in text.splitlines())
    # the status column and rows say what a status measures
    assert STATUS_MEANING[lang] in text
    # the summary's legend: every status with its meaning
    for status in STATUS_ORDER:
        assert re.search(r"\| " + re.escape(STATUS[status][lang]) + r" \| \d+ \| \S", text), status


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_text_shows_scores_out_of_100(files, lang, tmp_path):
    path = tmp_path / f"tiny-{lang}.pdf"
    path.write_bytes(render(_doc(files, lang), "pdf"))
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    text = _squash(out.stdout)
    if lang == "en":
        assert "The overall score is 75.5 out of 100" in text
        assert "attainment of the targets (0–100)" in text
    else:
        assert "总体得分为75.5（满分100）" in text.replace(" ", "")
        assert "目标实现程度（0–100）" in text.replace(" ", "")
    for shown in (OVERALL, *GROUPS.values(), *LENS.values()):
        assert re.search(r"(?<![\d.])" + re.escape(shown) + r"(?![\d])", text), shown
    for wrong in ("7550.0", "6100.0", "9000.0", "6850.0"):
        assert wrong not in text


def test_excel_cells_hold_the_score_out_of_100(files):
    wb = load_workbook(io.BytesIO(render(_doc(files, "en", "xlsx"), "xlsx")))
    assert wb.sheetnames == ["Summary", "Indicators", "Scores", "Sources", "Statuses"]
    summary = {r[0]: r[1:] for r in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Overall score"] == (75.5, SCORE_MEANING["en"])
    ws = wb["Scores"]
    header = [c.value for c in ws[1]]
    assert header[3] == "Score: attainment of the targets (0–100)"
    scores = {(r[0], r[1]): r[3] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert scores[("overall", "overall")] == 75.5
    assert scores[("group", "g1")] == 61.0 and scores[("group", "g2")] == 90.0
    assert scores[("lens", "k1")] == 68.5
    assert {ws.cell(row=n, column=4).number_format for n in range(2, ws.max_row + 1)} == {"0.0"}
    # attainment stays a share in the Indicators sheet
    ind = wb["Indicators"]
    cols = [c.value for c in ind[1]]
    a = next(r for r in ind.iter_rows(min_row=2, values_only=True) if r[1] == "a")
    assert dict(zip(cols, a, strict=True))["attainment"] == pytest.approx(0.47)


def test_excel_in_chinese(files):
    wb = load_workbook(io.BytesIO(render(_doc(files, "zh", "xlsx"), "xlsx")))
    assert wb.sheetnames == ["摘要", "指标", "得分", "来源", "状态说明"]
    summary = {r[0]: r[1:] for r in wb["摘要"].iter_rows(min_row=2, values_only=True)}
    assert summary["总体得分"] == (75.5, SCORE_MEANING["zh"])
    assert wb["得分"]["D1"].value == "得分：目标实现程度（0–100）"


# ---- statuses, reasons and years set by hand -------------------------------------------


@pytest.fixture
def constructed(files, monkeypatch):
    """a achieved early (met 2024), b ahead (projected 2027), c stale (latest 2021)."""
    patch_evaluation(monkeypatch)
    return files


def _indicator_rows(doc, key) -> dict[str, str]:
    block = next(b for s in doc["sections"] for b in s["blocks"] if b.get("id") == f"ind-{key}")
    return dict(block["rows"])


def test_new_statuses_in_the_report(constructed):
    doc = _doc(constructed, "en")
    text = to_text(doc)
    assert (
        "As of 2025, this report evaluates 3 indicators for Test City: 1 achieved (1 of them "
        "early), 1 ahead of schedule, 0 on track, 0 lagging, 0 moving away from the target, "
        "1 with data too old, 0 without data and 0 monitored only." in text
    )
    assert "Achieved: Indicator A (early)." in text
    stale = "Data too old to judge pace: Indicator C (latest value 2021, 4 years before 2025)."
    assert stale in text
    status = "Status (pace against the path to the target)"
    a = _indicator_rows(doc, "a")
    assert a[status] == "achieved early"
    assert a["Year the target was met"] == "2024"
    assert "projected" not in a["Projection"]
    b = _indicator_rows(doc, "b")
    assert b[status] == "ahead of schedule"
    assert "Year the target was met" not in b
    assert b["Projection"].endswith("projected to meet the target ~2027")
    c = _indicator_rows(doc, "c")
    assert c[status] == "data too old — latest value 2021, 4 years before 2025"
    assert c["Data age"] == "latest value 2021, 4 years before 2025 (data too old)"
    # the status classes of the printed report
    page = render(doc, "html").decode()
    for status in ("achieved_early", "ahead", "stale"):
        assert f'class="status status-{status}"' in page
    css = (render(doc, "html").decode().split("<style>")[1]).split("</style>")[0]
    for status in ("achieved_early", "ahead", "stale"):
        assert f".status-{status}" in css


def test_new_statuses_in_the_chinese_report(constructed):
    doc = _doc(constructed, "zh")
    text = to_text(doc)
    assert "已实现1项（其中提前实现1项），快于预期1项，基本符合预期0项" in text
    assert "数据过旧1项" in text
    c = _indicator_rows(doc, "c")
    assert c["数据时效"] == "最新值为2021年，早于2025年4年（数据过旧）"
    b = _indicator_rows(doc, "b")
    assert "预计约2027年（~2027）达到目标" in b["预测"]


def test_new_statuses_in_the_workbook(constructed):
    wb = load_workbook(io.BytesIO(render(_doc(constructed, "en", "xlsx"), "xlsx")))
    summary = {r[0]: r[1:] for r in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["achieved early"][0] == 1 and summary["ahead of schedule"][0] == 1
    assert summary["data too old"][0] == 1 and "no pace is judged" in summary["data too old"][1]
    legend = list(wb["Statuses"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in legend] == list(STATUS_ORDER)
    assert {r[0]: r[3] for r in legend}["stale"] == 1
    ind = wb["Indicators"]
    cols = [c.value for c in ind[1]]
    rows = {
        r[1]: dict(zip(cols, r, strict=True)) for r in ind.iter_rows(min_row=2, values_only=True)
    }
    assert rows["a"]["year_reached"] == 2024 and rows["a"]["status"] == "achieved_early"
    assert rows["b"]["projected_year"] == 2027 and rows["b"]["year_reached"] is None
    assert rows["c"]["data_age"] == 4 and rows["c"]["status_label"] == "data too old"


def test_new_statuses_in_the_pdf(constructed, tmp_path):
    path = tmp_path / "constructed.pdf"
    path.write_bytes(render(_doc(constructed, "en"), "pdf"))
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    text = _squash(out.stdout)
    for words in (
        "achieved early",
        "ahead of schedule",
        "data too old",
        "latest value 2021, 4 years before 2025",
        "projected to meet the target ~2027",
        "pace against the path to the target",
    ):
        assert words in text, words


# ---- the words ------------------------------------------------------------------------

CONTRACT = {
    "achieved": ("已实现", "achieved"),
    "achieved_early": ("提前实现", "achieved early"),
    "ahead": ("快于预期", "ahead of schedule"),
    "on_track": ("基本符合预期", "on track"),
    "lagging": ("滞后", "lagging"),
    "regressing": ("倒退", "moving away"),
    "stale": ("数据过旧", "data too old"),
    "no_data": ("无数据", "no data"),
    "monitoring": ("仅监测", "monitoring only"),
}


def test_every_status_has_its_words_a_symbol_and_a_meaning():
    from kaoping.report.labels import SYMBOL, status_legend

    assert tuple(CONTRACT) == STATUS_ORDER
    for code, (zh, en) in CONTRACT.items():
        assert STATUS[code] == {"en": en, "zh": zh}
        assert SYMBOL[code]
    assert len(set(SYMBOL.values())) == len(SYMBOL)  # no two statuses look alike
    legend = status_legend("en", ahead=1.2, on=0.95, floor=0.0, max_age=3)
    meaning = {x["status"]: x["meaning"] for x in legend}
    assert "1.2" in meaning["ahead"] and "0.95" in meaning["on_track"]
    assert "0.95" in meaning["lagging"] and "0" in meaning["regressing"]
    assert "more than 3 years" in meaning["stale"]
    assert all(x["meaning"] for x in status_legend("zh"))
    assert not any("{" in x["meaning"] for x in status_legend("zh"))


def test_new_reasons_have_words():
    from kaoping.report.labels import REASON

    for code in (
        "data_too_old",
        "within_deadband",
        "met_before_target_year",
        "latest_year_failed",
        "some_years_failed",
    ):
        assert REASON[code]["en"] and REASON[code]["zh"], code


def test_data_age_and_years_as_written():
    from kaoping.report.labels import data_age_text
    from kaoping.report.scorecard import fmt_score, reached_text

    assert data_age_text(2009, 2020, "en") == "latest value 2009, 11 years before 2020"
    assert data_age_text(2019, 2020, "en") == "latest value 2019, 1 year before 2020"
    assert data_age_text(2020, 2020, "en") == "latest value 2020, the as-of year"
    assert data_age_text(2009, 2020, "zh") == "最新值为2009年，早于2020年11年"
    assert fmt_score(94.597) == "94.6" and fmt_score(None) == "—"
    assert fmt_score(float("nan")) == "—"
    met = {"met": True, "year_reached": 2022, "projection": {"year": None}}
    assert reached_text(met) == "2022"
    assert reached_text({"met": False, "year_reached": None, "projection": {"year": 2027}}) == (
        "~2027"
    )
    assert reached_text({"met": False, "year_reached": None, "projection": {"year": None}}) == "—"


def test_the_scorecard_writes_the_age_of_stale_data(constructed):
    from kaoping.core import evaluate_loaded, load
    from kaoping.report.scorecard import scorecard

    plan, data = constructed
    loaded = load(str(plan), str(data))
    card = scorecard(loaded.plan, evaluate_loaded(loaded, YEAR), lang="en")
    c = next(i for g in card["groups"] for i in g["indicators"] if i["key"] == "c")
    assert c["stale"] and c["data_age"] == 4
    assert c["reason"] == "data_too_old"
    assert c["reason_label"] == "latest value 2021, 4 years before 2025"
    assert card["status_counts"] == {
        "achieved": 0,
        "achieved_early": 1,
        "ahead": 1,
        "on_track": 0,
        "lagging": 0,
        "regressing": 0,
        "stale": 1,
        "no_data": 0,
        "monitoring": 0,
    }
