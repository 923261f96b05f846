"""Report files on the web: HTML opens in the browser under a policy of its own (its inline
stylesheet allowed by hash, nothing else); PDF and Excel download; every file carries the
name the command line gives it."""

from __future__ import annotations

import base64
import hashlib
import re

from kaoping.report.build import report_filename


def test_html_opens_inline_with_its_own_policy(client):
    r = client.get("/reports/evaluation.html?year=2020&lang=en")
    assert r.status_code == 200
    name = report_filename("zhengzhou-2009-2020", "evaluation", 2020, "en", "html")
    assert r.headers["content-disposition"] == f'inline; filename="{name}"'
    [csp] = r.headers.get_list("content-security-policy")
    rules = dict(x.strip().split(" ", 1) for x in csp.split(";"))
    [css] = re.findall(rb"<style>(.*?)</style>", r.content, re.S)
    digest = base64.b64encode(hashlib.sha256(css).digest()).decode()
    assert rules["style-src"] == f"'sha256-{digest}'"
    assert rules["script-src"] == "'none'" and rules["default-src"] == "'none'"
    assert rules["frame-ancestors"] == "'none'" and "unsafe" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"


def test_pdf_and_excel_download_under_the_same_names(client, user_client):
    for fmt in ("pdf", "xlsx"):
        r = client.get(f"/reports/evaluation.{fmt}?year=2015&lang=zh")
        assert r.status_code == 200
        name = report_filename("zhengzhou-2009-2020", "evaluation", 2015, "zh", fmt)
        assert r.headers["content-disposition"] == f'attachment; filename="{name}"'
        # a download keeps the site's policy
        assert "script-src 'none'" in r.headers["content-security-policy"]
    staff = user_client("view")
    r = staff.get("/reports/assessment.xlsx?year=2020&lang=en")
    assert r.headers["content-disposition"] == (
        'attachment; filename="zhengzhou-2009-2020-assessment-2020-en.xlsx"'
    )
    r = staff.get("/reports/assessment.html?year=2020&lang=zh")
    assert r.headers["content-disposition"] == (
        'inline; filename="zhengzhou-2009-2020-assessment-2020-zh.html"'
    )
