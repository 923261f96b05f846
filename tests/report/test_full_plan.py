"""Both reports of the full test plan (tests/plans/full) — the evaluation report from its
files and the annual assessment report from a store — in HTML, PDF and Excel, in Chinese
and English, render without errors and show the engine's numbers."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from openpyxl import load_workbook

from kaoping.assess.service import run_assessment
from kaoping.core import evaluate_loaded
from kaoping.report.build import assessment_from_store, evaluation_from_files, render

from ..conftest import FULL_END, FULL_MID, FULL_PLAN

LANGS = ["en", "zh"]
GROUPS = ["economy", "society", "environment", "innovation"]
LENS = {"en": "New development philosophy", "zh": "新发展理念"}
OTHER_PLAN_LENS = {"en": "The five types", "zh": "五型城市"}  # the bundled plan's lens


def _one(x: float) -> str:
    return f"{x:.1f}"


def _html_text(html: str) -> str:
    body = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def _pdf_text(body: bytes, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(body)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout


@pytest.fixture(scope="module")
def ev(full_loaded):
    return evaluate_loaded(full_loaded, FULL_MID)


@pytest.fixture(scope="module")
def evaluation_docs():
    return {
        (lang, fmt): evaluation_from_files(str(FULL_PLAN), None, FULL_MID, lang, fmt)
        for lang in LANGS
        for fmt in ("html", "pdf", "xlsx")
    }


@pytest.fixture(scope="module")
def evaluation_pdfs(evaluation_docs, tmp_path_factory):
    return {
        lang: _pdf_text(render(evaluation_docs[(lang, "pdf")], "pdf"), tmp_path_factory)
        for lang in LANGS
    }


@pytest.fixture(scope="module")
def assessment_result(full_store):
    return run_assessment(full_store, FULL_MID).to_dict()


@pytest.fixture(scope="module")
def assessment_docs(full_store):
    return {
        (lang, fmt): assessment_from_store(full_store, FULL_MID, lang, fmt)
        for lang in LANGS
        for fmt in ("html", "pdf", "xlsx")
    }


# -- the evaluation report ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_evaluation_html(evaluation_docs, ev, lang):
    html = render(evaluation_docs[(lang, "html")], "html").decode("utf-8")
    text = _html_text(html)
    assert _one(ev.score("overall", "overall")) in text
    for key in GROUPS:
        assert _one(ev.score("group", key)) in text, key
    for cat in ("innovative", "green", "shared"):
        assert _one(ev.score("lens", cat)) in text, cat
    # the stale indicator is named with the year of its last value
    assert "2022" in text


@pytest.mark.parametrize("lang", LANGS)
def test_evaluation_pdf(evaluation_pdfs, ev, full_loaded, lang):
    text = evaluation_pdfs[lang]
    assert ("Plan evaluation report" if lang == "en" else "规划实施评估报告") in text
    lines = text.splitlines()
    overall = "Overall" if lang == "en" else "总体"
    names = {g.key: (g.name.en if lang == "en" else g.name.zh) for g in full_loaded.plan.groups}
    score_of = _row_numbers(lines)
    assert score_of[overall] == _one(ev.score("overall", "overall"))
    for key in GROUPS:
        assert score_of[names[key]] == _one(ev.score("group", key)), key
    assert re.search(r"\b\d+ / \d+\b", text)  # page numbers


@pytest.mark.parametrize("lang", LANGS)
def test_evaluation_report_names_the_plans_own_lens(evaluation_docs, evaluation_pdfs, lang):
    """The lens heading is this plan's lens, not the bundled plan's five types."""
    html = _html_text(render(evaluation_docs[(lang, "html")], "html").decode("utf-8"))
    for text in (html, evaluation_pdfs[lang]):
        assert LENS[lang] in text
        assert OTHER_PLAN_LENS[lang] not in text


@pytest.mark.parametrize("lang", LANGS)
def test_evaluation_workbook(evaluation_docs, ev, full_loaded, lang):
    wb = load_workbook(io.BytesIO(render(evaluation_docs[(lang, "xlsx")], "xlsx")))
    summary, indicators, scores = wb.worksheets[:3]
    shown = [r[1] for r in summary.iter_rows(min_row=2, values_only=True)]
    assert round(ev.score("overall", "overall"), 1) in shown
    rows = list(scores.iter_rows(min_row=2, values_only=True))
    by_key = {(r[0], r[1]): r[3] for r in rows}
    assert by_key[("overall", "overall")] == pytest.approx(
        ev.score("overall", "overall"), abs=0.051
    )
    for key in GROUPS:
        assert by_key[("group", key)] == pytest.approx(ev.score("group", key), abs=0.051), key
    for cat in ("innovative", "green", "shared"):
        assert by_key[("lens", cat)] == pytest.approx(ev.score("lens", cat), abs=0.051), cat
    header = [c.value for c in indicators[1]]
    table = [
        dict(zip(header, r, strict=True)) for r in indicators.iter_rows(min_row=2, values_only=True)
    ]
    assert len(table) == len(full_loaded.plan.indicators)
    for row in table:
        engine = ev.indicator(row["key"])
        assert row["status"] == engine["status"], row["key"]
        if row["latest_value"] is not None:
            assert row["latest_value"] == pytest.approx(engine["latest_value"]), row["key"]
    statuses = {row["status"] for row in table}
    assert {"achieved_early", "ahead", "on_track", "lagging", "regressing", "stale"} <= statuses


def test_the_end_year_report_has_achieved_targets(full_loaded):
    ev = evaluate_loaded(full_loaded, FULL_END)
    doc = evaluation_from_files(str(FULL_PLAN), None, FULL_END, "en", "html")
    text = _html_text(render(doc, "html").decode("utf-8"))
    assert ev.status_counts()["achieved"] >= 10
    assert _one(ev.score("overall", "overall")) in text


# -- the annual assessment report ---------------------------------------------------------------


def _totals(result: dict) -> dict[tuple[str, str], float | None]:
    return {(r["kind"], r["unit"]): r["total"] for r in result["results"]}


@pytest.mark.parametrize("lang", LANGS)
def test_assessment_workbook(assessment_docs, assessment_result, lang):
    wb = load_workbook(io.BytesIO(render(assessment_docs[(lang, "xlsx")], "xlsx")))
    rows = list(wb.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(assessment_result["results"]) == 9
    names = {
        (r["kind"], r["unit"]): (r["name_en"] if lang == "en" else r["name_zh"])
        for r in assessment_result["results"]
    }
    cells = {row[1]: row[6] for row in rows}
    for unit, total in _totals(assessment_result).items():
        shown = cells[names[unit]]
        if total is None:
            assert shown in (None, "", "—"), unit
        else:
            assert shown == pytest.approx(total), unit
    assert any(total is not None for total in cells.values())


@pytest.fixture(scope="module")
def assessment_texts(assessment_docs, tmp_path_factory):
    """(HTML text, PDF text) of the assessment report per language."""
    return {
        lang: (
            _html_text(render(assessment_docs[(lang, "html")], "html").decode("utf-8")),
            _pdf_text(render(assessment_docs[(lang, "pdf")], "pdf"), tmp_path_factory),
        )
        for lang in LANGS
    }


@pytest.mark.parametrize("lang", LANGS)
def test_assessment_pdf_shows_the_total(assessment_texts, assessment_result, lang):
    html, pdf = assessment_texts[lang]
    assert ("Annual assessment report" if lang == "en" else "年度考评报告") in pdf
    assert ("Annual assessment report" if lang == "en" else "年度考评报告") in html
    north = "North" if lang == "en" else "北区"
    line = next(ln for ln in pdf.splitlines() if north in ln and re.search(r"\d", ln))
    total = _totals(assessment_result)[("district", "north")]
    assert total is not None
    assert _one(total) in line.split()


@pytest.mark.parametrize("lang", LANGS)
def test_assessment_totals_are_shown_with_one_decimal(assessment_texts, assessment_result, lang):
    """Scores are displayed with one decimal everywhere (65.0, not 65)."""
    html, pdf = assessment_texts[lang]
    for unit, t in _totals(assessment_result).items():
        if t is not None:
            assert _one(t) in html, (unit, t)
            assert _one(t) in pdf, (unit, t)


def _row_numbers(lines: list[str]) -> dict[str, str]:
    """The first number after a row label in the PDF's score table (label → number text)."""
    out: dict[str, str] = {}
    for ln in lines:
        m = re.match(r"^\s*(\S(?:.*?\S)?)\s{2,}(\d+(?:\.\d+)?)(?:\s|$)", ln)
        if m and m.group(1) not in out:
            out[m.group(1)] = m.group(2)
    return out
