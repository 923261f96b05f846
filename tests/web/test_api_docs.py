"""Swagger UI at /docs from local files (no CDN), /openapi.json, the footer's links, and the
Content-Security-Policy: only /docs may run scripts, and only the site's own."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kaoping.plan import parse_plan
from kaoping.web import create_app

from ..store.test_many_plans import LAKE
from .conftest import PLAN

SRC = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"')


def test_docs_page_is_local_and_keeps_the_policy(client):
    r = client.get("/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert "http://" not in page and "https://" not in page and "//" not in page.replace("://", "")
    # every script is a file of the site: none inline
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assets = SRC.findall(page)
    assert "/static/swagger-ui/swagger-ui-bundle.js" in assets
    assert "/static/swagger-ui/swagger-ui.css" in assets
    assert "/static/swagger-init.js" in assets
    for url in assets:
        a = client.get(url)
        assert a.status_code == 200, url
        assert "nosniff" in a.headers["x-content-type-options"]
    bundle = client.get("/static/swagger-ui/swagger-ui-bundle.js")
    assert "javascript" in bundle.headers["content-type"] and len(bundle.content) > 500_000
    init = client.get("/static/swagger-init.js").text
    assert "SwaggerUIBundle(" in init and "validatorUrl: null" in init
    assert 'id="openapi-url"' in page and 'href="/api/v1/openapi.json"' in page

    # one policy: the site's, with scripts from the site itself and nothing else
    csp = r.headers.get_list("content-security-policy")
    assert len(csp) == 1
    rules = dict(x.strip().split(" ", 1) for x in csp[0].split(";"))
    assert rules["script-src"] == "'self'"
    assert rules["style-src"] == "'self'" and rules["default-src"] == "'self'"
    assert rules["frame-ancestors"] == "'none'" and rules["object-src"] == "'none'"
    assert "unsafe" not in csp[0]
    assert r.headers["x-frame-options"] == "DENY"

    # every other page keeps the site's policy: no script at all
    for path in ("/", "/login", "/api/v1/plan"):
        other = client.get(path).headers.get_list("content-security-policy")
        assert len(other) == 1 and "script-src 'none'" in other[0], path


def test_openapi_json_and_the_footer_links(client):
    r = client.get("/openapi.json", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/api/v1/openapi.json"
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.") and "/api/v1/plan" in doc["paths"]
    for lang, words in (("en", "API (interactive)"), ("zh", "接口文档")):
        page = client.get("/", params={"lang": lang}).text
        footer = page[page.index("<footer") :]
        assert 'href="/docs"' in footer and 'href="/openapi.json"' in footer
        assert words in footer
    zh = client.get("/docs", params={"lang": "zh"}).text
    assert '<html lang="zh-CN">' in zh and "OpenAPI 描述文件" in zh


@pytest.fixture
def two_plans(store, settings):
    store.load_plan(parse_plan(LAKE), LAKE)
    return TestClient(create_app(store, settings, plan_id=PLAN, version_ttl=0.0))


def test_another_plan_has_its_own_docs(two_plans):
    c = two_plans
    page = c.get("/p/lake/docs").text
    assert 'href="/p/lake/api/v1/openapi.json"' in page
    # the assets are the site's, shared by every plan
    assert 'src="/static/swagger-ui/swagger-ui-bundle.js"' in page
    r = c.get("/p/lake/openapi.json", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/p/lake/api/v1/openapi.json"
    doc = c.get("/p/lake/openapi.json").json()
    # the lake plan's years (2020–2025) bound its as-of year, not the default plan's
    year = next(
        p for p in doc["paths"]["/api/v1/overview"]["get"]["parameters"] if p["name"] == "year"
    )
    bounds = year["schema"].get("anyOf", [year["schema"]])[0]
    assert (bounds["minimum"], bounds["maximum"]) == (2020, 2025)
    footer = c.get("/p/lake/").text.split("<footer", 1)[1]
    assert 'href="/p/lake/docs"' in footer and 'href="/p/lake/openapi.json"' in footer
