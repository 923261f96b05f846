"""The whole data loop in Debian's Chromium, driven by Playwright, against `kaoping serve`.

A reporter logs in, imports a file and sees its row error, submits a value; a reviewer
approves it; the public sees it on the indicator's chart in both languages.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from kaoping.store import Store

from .server import serve

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
KEY, AREA, YEAR, VALUE = "airport_passengers", "zhengzhou", 2019, "29,129,328"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    db_url = f"sqlite:///{tmp / 'kaoping.db'}"
    with Store.open(db_url) as store:
        store.import_bundled("zhengzhou-2009-2020")
        store.add_department("transport", "交通运输局", "Transport bureau")
        store.assign(KEY, "transport")
        store.create_user("reporter", "reporter-password-1", "reporter", department="transport")
        store.create_user("reviewer", "reviewer-password-1", "reviewer")
    with serve(tmp, db_url) as server:
        yield server, tmp


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def login(page: Page, url: str, user: str, password: str) -> None:
    page.goto(f"{url}/login")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#login-submit")
    expect(page.locator("#logout")).to_be_visible()


def test_report_review_publish(site, browser):
    server, tmp = site
    url = server.url

    # 1. a reporter imports a file with a bad row and sees the row error; nothing is written
    reporter = browser.new_context().new_page()
    login(reporter, url, "reporter", "reporter-password-1")
    bad = tmp / "upload.csv"
    bad.write_text(
        "indicator,area,year,value,source\n"
        f"{KEY},{AREA},2018,27334730,CAAC bulletin 2018\n"
        f"{KEY},{AREA},2016,lots,CAAC bulletin 2016\n",
        encoding="utf-8",
    )
    reporter.goto(f"{url}/staff/import")
    reporter.set_input_files("#file", str(bad))
    reporter.click("#import-dry-run")
    errors = reporter.locator("#import-errors")
    expect(errors).to_be_visible()
    row = errors.locator("tr.row-error").first
    expect(row).to_contain_text("3")
    expect(row).to_contain_text("value")
    expect(reporter.locator("#import-submit")).to_have_count(0)

    # 2. the reporter submits a value through the entry form
    reporter.goto(f"{url}/staff/entry?indicator={KEY}&area={AREA}&year={YEAR}")
    reporter.fill("#value", VALUE)
    reporter.select_option("#status", "final")
    reporter.fill("#source", "CAAC airport statistics bulletin 2019")
    reporter.click("#entry-submit")
    expect(reporter.locator("#saved")).to_be_visible()

    # the public does not see a value awaiting review
    public = browser.new_context().new_page()
    public.goto(f"{url}/i/{KEY}?lang=en")
    expect(public.locator("#series-table")).to_be_visible()
    expect(public.locator(f"#obs-{YEAR}")).to_have_count(0)

    # 3. a reviewer approves it
    reviewer = browser.new_context().new_page()
    login(reviewer, url, "reviewer", "reviewer-password-1")
    reviewer.goto(f"{url}/staff/review")
    approve = reviewer.locator("button[id^='approve-']")
    expect(approve).to_have_count(1)
    approve.click()
    expect(reviewer.locator("button[id^='approve-']")).to_have_count(0)

    # 4. the public sees it in the table and on the chart, in English and in Chinese
    public.goto(f"{url}/i/{KEY}?lang=en")
    expect(public.locator("html")).to_have_attribute("lang", "en")
    expect(public.locator(f"#obs-{YEAR}")).to_contain_text(VALUE)
    point = public.locator("#series-chart circle.point title", has_text=f"{YEAR}:")
    expect(point).to_have_count(1)
    public.goto(f"{url}/i/{KEY}?lang=zh")
    expect(public.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(public.locator("#series-h")).to_contain_text("历年数值")
    expect(public.locator(f"#obs-{YEAR}")).to_contain_text(VALUE)
    expect(public.locator("#series-chart circle.point title", has_text=f"{YEAR}:")).to_have_count(1)
    public.screenshot(path=str(tmp / "indicator-zh.png"), full_page=True)
