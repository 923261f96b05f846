"""Report downloads on the web: content types, approved data only for the public, the
assessment report for staff."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from kaoping.report.build import MEDIA_TYPES


@pytest.mark.parametrize("fmt", ["html", "xlsx", "pdf"])
def test_evaluation_report_downloads(client, fmt):
    r = client.get(f"/reports/evaluation.{fmt}?year=2020&lang=zh")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == MEDIA_TYPES[fmt]
    # HTML opens in the browser; the name is the one the command line gives the same report
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("inline;" if fmt == "html" else "attachment;")
    assert f'filename="zhengzhou-2009-2020-evaluation-2020-zh.{fmt}"' in disposition
    if fmt == "pdf":
        assert r.content.startswith(b"%PDF")
    elif fmt == "xlsx":
        wb = load_workbook(io.BytesIO(r.content))
        assert wb.sheetnames[:4] == ["摘要", "指标", "得分", "来源"]
    else:
        assert "规划实施评估报告" in r.text
        assert "已审核数据" in r.text  # the public report says it reads approved data only


def test_unknown_format_is_a_clear_error(client):
    r = client.get("/reports/evaluation.docx", headers={"accept": "application/json"})
    assert r.status_code == 400
    assert "html, pdf or xlsx" in r.json()["message"]


def test_public_reports_show_approved_data_only(client, store, user_client):
    store.submit("rep", "gdp_per_capita", None, 2019, 123456.0, source="pending figure")
    public = client.get("/reports/evaluation.html?year=2020&lang=en").text
    assert "123,456" not in public
    assert "pending figure" not in public
    staff = user_client("rev")
    # staff asking for data awaiting review get it, and the report says so
    pending = staff.get("/reports/evaluation.html?year=2020&lang=en&pending=1").text
    assert "123,456" in pending
    assert "including revisions awaiting review" in pending


def test_assessment_report_is_for_staff(client, user_client):
    r = client.get("/reports/assessment.html?year=2020", follow_redirects=False)
    assert r.status_code in (303, 401)
    staff = user_client("view")
    r = staff.get("/reports/assessment.xlsx?year=2020&lang=en")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == MEDIA_TYPES["xlsx"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[0] == "Results"
    assert wb.sheetnames[-1] == "Rules"


def test_overview_links_to_the_report(client):
    text = client.get("/?lang=en").text
    assert "/reports/evaluation.pdf?" in text


def test_assessment_page_links_to_the_report(user_client):
    text = user_client("rev").get("/assessment?year=2020&lang=zh").text
    assert "/reports/assessment.pdf?" in text
    assert "考评报告下载" in text


def test_reports_from_files(settings):
    from fastapi.testclient import TestClient

    from kaoping.web import create_app
    from kaoping.web.source import FileSource

    client = TestClient(create_app(FileSource(), settings))
    r = client.get("/reports/evaluation.html?year=2015&lang=en")
    assert r.status_code == 200
    assert "files: plan" in r.text and "Data as of" in r.text
    r = client.get("/reports/assessment.pdf", headers={"accept": "application/json"})
    assert r.status_code == 404
