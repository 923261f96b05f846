"""Every page read as a user reads it, in Debian's Chromium: Chinese pages in Chinese, English
pages without Chinese punctuation; the reports (the HTML documents the PDFs are printed from)
likewise.

Both bundled plans are loaded (the flagship the default, cn-fyp13 under ``/p/cn-fyp13/``) with
the flagship's example assignment for supervision and assessment. Per language, an anonymous
visitor follows every same-site link breadth-first from the overview of each plan; then an
admin, a reviewer and a department's reporter follow every link from the overview, the staff
home, supervision and assessment (public pages: one of each kind, the anonymous crawl reads
them all). The words checked and what is allowed are in :mod:`tests.system.crawl`.

Every offending page is printed with the offending words in context.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from kaoping.assess.tasks import example_assignment_path
from kaoping.store import Store

from .crawl import TEXT_JS, Crawl, Page, en_offences, report, zh_offences
from .server import serve
from .test_browser_flow import ARGS, CHROMIUM, login

FLAGSHIP, OTHER, DEPT, YEAR = "zhengzhou-2009-2020", "cn-fyp13", "aviation", 2020
TASK = "a19-airport"  # the aviation department leads it
#: what staff write, in Chinese: data, shown as written on pages and in reports of either language
NARRATIVE = "第二跑道投入使用，新开国际货运航线。"
COMMENT = "按期推进"
EXPLANATION = "人口普查后口径调整。"
DATA = (NARRATIVE, COMMENT, EXPLANATION)
USERS = {  # user name: (role, department, password)
    "admin": ("admin", None, "admin-password-1"),
    "reviewer": ("reviewer", None, "reviewer-password-1"),
    "planner": ("reporter", DEPT, "planner-password-1"),
}
MISSING = "/i/no-such-indicator"
CHECKS = {"zh": zh_offences, "en": en_offences}
WHAT = {"zh": "English words or raw keys", "en": "Chinese punctuation"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crawl")
    db_url = f"sqlite:///{tmp / 'kaoping.db'}"
    with Store.open(db_url) as store:
        store.import_bundled(FLAGSHIP)
        store.import_bundled(OTHER)
        path = example_assignment_path(FLAGSHIP)
        store.load_assignment(path.read_text(encoding="utf-8"), plan_id=FLAGSHIP, file=str(path))
        store.set_calendar(None, YEAR, plan_id=FLAGSHIP)
        for name, (role, dept, password) in USERS.items():
            store.create_user(name, password, role, department=dept)
        # what staff write shows on the pages too: an update with evidence, its rating, an
        # explanation of an indicator off track (their words are data: shown as written)
        update = store.file_update(
            "planner",
            TASK,
            f"{YEAR}-Q4",
            "green",
            60,
            NARRATIVE,
            links=["https://example.org/zz-airport-2020"],
            files=[("进展报告.txt", "text/plain", "航空港2020年进展报告".encode())],
            plan_id=FLAGSHIP,
        )
        store.rate("reviewer", update["id"], 4, COMMENT)
        store.explain(
            "admin",
            "urbanization_rate",
            None,
            YEAR,
            EXPLANATION,
            "a11-transit",
            plan_id=FLAGSHIP,
        )
    with serve(tmp, db_url) as server:
        yield server, tmp


@pytest.fixture(scope="module")
def crawls(site):
    """lang -> every page read in that language, and the PDF reports' addresses linked."""
    server, _ = site
    url = server.url
    out: dict[str, tuple[list, set]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for lang in ("zh", "en"):
            pages, reports = [], set()
            host = url.split("//", 1)[1].split(":")[0]
            for user in (None, *USERS):
                context = browser.new_context(locale="zh-CN" if lang == "zh" else "en-US")
                context.add_cookies([{"name": "lang", "value": lang, "domain": host, "path": "/"}])
                page = context.new_page()
                starts = ["/", f"/p/{OTHER}/", MISSING]  # and a page that is not there
                if user:
                    login(page, url, user, USERS[user][2])
                    starts += ["/staff", "/supervision", "/assessment", f"/p/{OTHER}/staff"]
                crawl = Crawl(url, lang, collapse_public=user is not None)
                crawl.run(page, starts)
                for read in crawl.pages:
                    read.url = f"[{user or 'anonymous'}] {read.url}"
                pages += crawl.pages
                reports |= crawl.reports
                context.close()
            out[lang] = (pages, reports)
        browser.close()
    return out


def _fail(lines: list[str], what: str, n: int) -> None:
    if lines:
        pages = sum(1 for line in lines if not line.startswith(" "))
        pytest.fail(f"{pages} of {n} pages show {what}:\n" + "\n".join(lines), pytrace=False)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_reads_in_its_language(crawls, lang):
    pages, _ = crawls[lang]
    # the crawl reached the pages meant: both plans, staff, supervision, assessment
    urls = " ".join(p.url for p in pages)
    for part in ("/i/", f"/p/{OTHER}/i/", "/staff/users", "/supervision/tasks/", "/assessment/"):
        assert part in urls, part
    errors = [p.url for p in pages if p.status >= 400 and not p.url.endswith(MISSING)]
    assert errors == []
    assert any(p.url.endswith(MISSING) and p.status == 404 for p in pages)
    _fail(report(pages, CHECKS[lang], DATA), WHAT[lang], len(pages))


# -- the reports ------------------------------------------------------------------------------
# REPORT DOCUMENTS: the words of the reports come from report/documents/*, report/build.py and
# report/charts.py, not from the web pages. The HTML reports (they open in the browser) are
# read as a page.

REPORTS = [
    f"/reports/evaluation.{{}}?year={YEAR}",
    f"/p/{OTHER}/reports/evaluation.{{}}",
    f"/reports/assessment.{{}}?year={YEAR}",
]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_documents_read_in_their_language(site, crawls, lang):
    """REPORT DOCUMENTS (report/documents/*, report/build.py, report/charts.py)."""
    server, _ = site
    _, linked = crawls[lang]
    # the pages link the reports: the evaluation's on the overview, the assessment's for staff.
    # The reports are read as the HTML documents the PDFs are printed from (the PDF's own text,
    # as pdftotext lays out its tables, is not checked here).
    for name in ("evaluation.pdf", "evaluation.html", "assessment.pdf", "assessment.html"):
        assert any(name in u for u in linked), (name, linked)
    read = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context().new_page()
        login(page, server.url, "reviewer", USERS["reviewer"][2])
        for path in REPORTS:
            sep = "&" if "?" in path else "?"
            url = f"{server.url}{path.format('html')}{sep}lang={lang}"
            assert page.goto(url).status == 200, url
            read.append(Page(f"[HTML report] {url}", page.evaluate(TEXT_JS)["text"], 200))
        browser.close()
    _fail(report(read, CHECKS[lang], DATA), WHAT[lang] + " (REPORT DOCUMENTS)", len(read))
