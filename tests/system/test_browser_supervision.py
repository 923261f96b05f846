"""Supervision and assessment in Debian's Chromium: a reporter files a task update with
evidence, a reviewer rates it, and the department's annual assessment changes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from kaoping.assess.tasks import example_assignment_path
from kaoping.store import Store

from .server import serve
from .test_browser_flow import ARGS, CHROMIUM, login

# the aviation department leads the airport task; as of 2020 two of its three indicators have
# current data, so it gets a total (a department below the coverage minimum would get none)
PLAN, TASK, DEPT, YEAR = "zhengzhou-2009-2020", "a19-airport", "aviation", 2020


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("supervision")
    db_url = f"sqlite:///{tmp / 'kaoping.db'}"
    with Store.open(db_url) as store:
        store.import_bundled(PLAN)
        path = example_assignment_path(PLAN)
        store.load_assignment(path.read_text(encoding="utf-8"), plan_id=PLAN, file=str(path))
        store.set_calendar(None, YEAR, plan_id=PLAN)
        store.create_user("planner", "planner-password-1", "reporter", department=DEPT)
        store.create_user("reviewer", "reviewer-password-1", "reviewer")
    with serve(tmp, db_url) as server:
        yield server, tmp


def unit_result(page, url: str) -> dict:
    r = page.request.get(f"{url}/api/v1/assessment?year={YEAR}")
    assert r.ok, r.text()
    units = r.json()["units"]
    return next(u for u in units if u["key"] == DEPT)


def test_update_rating_changes_the_assessment(site):
    server, tmp = site
    url = server.url
    evidence = tmp / "progress-report.txt"
    evidence.write_text("Aviation hub: 2020 progress report\n", encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        # a reporter of the lead department files an update with evidence
        reporter = browser.new_context().new_page()
        login(reporter, url, "planner", "planner-password-1")
        reporter.goto(f"{url}/supervision/tasks/{TASK}")
        expect(reporter.locator("#update-form")).to_be_visible()
        reporter.check("#u-status-green")
        reporter.fill("#u-percent", "60")
        reporter.fill("#u-narrative", "Second runway in use; new international cargo routes.")
        reporter.fill("#u-links", "https://example.org/zz-airport-2020")
        reporter.set_input_files("#u-files", str(evidence))
        reporter.click("#update-submit")
        expect(reporter.locator("#saved")).to_be_visible()
        expect(reporter.locator("#history a[id^='evidence-']")).to_contain_text(
            "progress-report.txt"
        )

        # a reviewer sees the assessment before and after rating the update
        reviewer = browser.new_context().new_page()
        login(reviewer, url, "reviewer", "reviewer-password-1")
        before = unit_result(reviewer, url)
        reviewer.goto(f"{url}/supervision/tasks/{TASK}")
        score = reviewer.locator("input[id^='score-']").first
        score.fill("2")
        reviewer.locator("button[id^='rate-']").first.click()
        expect(reviewer.locator("ul[id^='ratings-']").first).to_contain_text("2")
        after = unit_result(reviewer, url)
        assert after["qualitative"] != before["qualitative"]
        assert after["total"] != before["total"]
        assert any(r.get("counted") for r in after["ratings"])

        # and the unit's page shows the rating behind its qualitative score, in Chinese too
        reviewer.goto(f"{url}/assessment/department:{DEPT}?year={YEAR}&lang=zh")
        expect(reviewer.locator("html")).to_have_attribute("lang", "zh-CN")
        expect(reviewer.locator("main")).to_contain_text(TASK)
        browser.close()
