"""Swagger UI at /docs in Debian's Chromium, against `kaoping serve`: it renders the API's
operations from local files only, under the site's Content-Security-Policy, with no
violation reported."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect, sync_playwright

from kaoping.store import Store

from .server import serve
from .test_browser_flow import ARGS, CHROMIUM


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("api-docs")
    db_url = f"sqlite:///{tmp / 'kaoping.db'}"
    with Store.open(db_url) as store:
        store.import_bundled("zhengzhou-2009-2020")
    with serve(tmp, db_url) as server:
        yield server


def test_swagger_ui_renders_the_operations(site):
    url = site.url
    origin = urlparse(url).netloc
    requests: list[str] = []
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context().new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on(
            "console",
            lambda m: (
                problems.append(m.text)
                if m.type == "error" or "Content Security Policy" in m.text
                else None
            ),
        )
        page.on("pageerror", lambda e: problems.append(str(e)))
        # from the footer of an ordinary page to the documentation
        page.goto(f"{url}/")
        page.click("#api-docs-link")
        page.wait_for_url(f"{url}/docs")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("kaoping")
        ops = page.locator(".opblock")
        expect(ops.first).to_be_visible(timeout=20_000)
        assert ops.count() >= 20
        expect(page.locator("#operations-public-plan_api_v1_plan_get")).to_be_visible()
        # an operation opens and shows its parameters
        page.click("#operations-public-overview_api_v1_overview_get .opblock-summary")
        expect(page.locator(".parameters-container").first).to_contain_text("year")
        browser.close()
    assert requests and all(urlparse(r).netloc == origin for r in requests), requests
    assert not problems, problems


def test_the_html_report_opens_in_the_browser_with_its_styles(site):
    url = site.url
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context().new_page()
        page.on(
            "console",
            lambda m: (
                problems.append(m.text)
                if m.type == "error" or "Content Security Policy" in m.text
                else None
            ),
        )
        r = page.goto(f"{url}/reports/evaluation.html?year=2020&lang=zh")
        assert r.ok and r.headers["content-disposition"].startswith("inline;")
        expect(page.locator("h1").first).to_be_visible()
        # the report's own stylesheet applies (the site's policy alone would block it)
        collapse = page.evaluate(
            "getComputedStyle(document.querySelector('table.data')).borderCollapse"
        )
        assert collapse == "collapse"
        browser.close()
    assert not problems, problems
