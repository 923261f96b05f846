"""PDF reports built in the background: a browser gets a progress page at once, the status
endpoint reports the build's stage and progress, the file is served when it is ready, one
build per report at a time, and the previous file keeps serving while new data are built."""

from __future__ import annotations

import re
import threading
import time

import pytest

from kaoping.report import pdf
from kaoping.web import report_jobs, routes_reports
from kaoping.web.report_jobs import ReportJobs, Slot, build_evaluation_pdf

BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
URL = "/reports/evaluation.pdf?year=2020&lang=zh"
NAME = "zhengzhou-2009-2020-evaluation-2020-zh.pdf"


class SlowBuilder:
    """A builder that reports 40 % laid out, then waits until released; its file names
    the data version it was made from."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.calls: list[tuple] = []

    def __call__(self, app, slot, snap, progress) -> bytes:
        self.calls.append((slot, snap.key))
        progress("layout", 0.4)
        self.started.set()
        assert self.release.wait(30), "the test never released the build"
        return b"%PDF-1.7 data " + str(snap.key[2]).encode() + b" %%EOF"


@pytest.fixture
def slow(app, monkeypatch):
    builder = SlowBuilder()
    app.state.report_jobs = ReportJobs(app, builder, poll=0)  # no watcher thread: check()
    monkeypatch.setattr(routes_reports, "PAGE_WAIT", 0.05)
    # the time-based estimate stays below the builder's own 40 %
    monkeypatch.setattr(report_jobs, "DEFAULT_SECONDS", 1000.0)
    yield builder
    builder.release.set()
    app.state.report_jobs.close()


def _status_url(page: str) -> str:
    m = re.search(r'data-status="([^"]+)"', page)
    assert m, page
    return m.group(1)


def _wait_done(client, url: str) -> dict:
    for _ in range(200):
        s = client.get(url).json()
        if s["state"] in ("done", "failed"):
            return s
        time.sleep(0.05)
    raise AssertionError("the build did not end")


def test_a_browser_gets_a_progress_page_then_the_file(client, slow):
    t = time.perf_counter()
    r = client.get(URL, headers=BROWSER)
    assert time.perf_counter() - t < 5  # not held until the build ends (it never would)
    assert r.status_code == 202
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["cache-control"] == "no-store"
    page = r.text
    assert "正在生成PDF报告" in page
    assert '<progress id="report-progress" max="100"' in page
    # the poller is the site's own file: no inline script, and the page allows only it
    assert '<script src="/static/report-progress.js"></script>' in page
    assert "<script>" not in page and " style=" not in page
    [csp] = r.headers.get_list("content-security-policy")
    assert "script-src 'self'" in csp and "unsafe" not in csp
    assert "report-previous" not in page  # nothing older to offer

    status_url = _status_url(page)
    assert slow.started.wait(10)
    s = client.get(status_url).json()
    assert s["state"] == "running"
    assert s["stage"] == "layout" and s["stage_text"] == "正在排版"
    assert s["progress"] == 0.4
    assert s["download"] is None

    # asked again meanwhile: the same build, not a second one
    again = client.get(URL, headers=BROWSER)
    assert again.status_code == 202
    assert _status_url(again.text) == status_url
    assert len(slow.calls) == 1

    slow.release.set()
    s = _wait_done(client, status_url)
    assert s["state"] == "done" and s["progress"] == 1.0
    assert s["download"] == "/reports/evaluation.pdf?year=2020&lang=zh&area=zhengzhou"
    r = client.get(s["download"], headers=BROWSER)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == f'attachment; filename="{NAME}"'
    assert r.content.startswith(b"%PDF-1.7 data ")
    assert len(slow.calls) == 1  # served from the finished build


def test_a_script_waits_for_the_file(client, slow):
    slow.release.set()
    r = client.get(URL)  # accepts */*: it wants the file, not a page
    assert r.status_code == 200
    assert r.content.startswith(b"%PDF-1.7")
    assert r.headers["content-disposition"] == f'attachment; filename="{NAME}"'


def test_status_of_an_unknown_build_is_404(client):
    r = client.get("/reports/status/nothing-here", headers={"accept": "application/json"})
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"


def test_new_data_are_built_in_the_background_while_the_previous_file_serves(
    app, client, store, slow
):
    slow.release.set()
    first = client.get(URL)
    assert first.status_code == 200
    old_version = app.state.cache.snapshot(2020).key[2]
    assert first.content == b"%PDF-1.7 data " + str(old_version).encode() + b" %%EOF"
    jobs = app.state.report_jobs
    # the other language of the same year is wanted too
    assert Slot(None, 2020, "en", "zhengzhou") in jobs._wanted
    assert jobs.check() == 1  # the English file of 2020 (the Chinese is current)
    assert _until(lambda: jobs.builds == 2)

    slow.release.clear()
    rid = store.submit("admin", "gdp_per_capita", "zhengzhou", 2019, 99999, status="final")["id"]
    store.approve("rev", rid)
    new_version = app.state.cache.snapshot(2020).key[2]
    assert new_version != old_version
    assert jobs.check() == 2  # both languages of 2020, in the background
    assert slow.started.wait(10)

    # while it builds: a browser gets the progress page offering the previous file ...
    page = client.get(URL, headers=BROWSER)
    assert page.status_code == 202
    assert 'id="report-previous"' in page.text
    assert "previous=1" in page.text
    # ... which still serves
    prev = client.get(URL + "&previous=1", headers=BROWSER)
    assert prev.status_code == 200 and prev.content == first.content

    slow.release.set()
    assert _until(lambda: jobs.builds == 4)
    fresh = client.get(URL, headers=BROWSER)
    assert fresh.status_code == 200
    assert fresh.content == b"%PDF-1.7 data " + str(new_version).encode() + b" %%EOF"
    assert jobs.check() == 0  # nothing changed since


def test_one_build_per_report_at_a_time(app, slow):
    jobs = app.state.report_jobs
    snap = app.state.cache.snapshot(2020)
    slot = Slot(None, 2020, "zh", "zhengzhou")
    a = jobs.start(slot, ("v1",), snap)
    assert slow.started.wait(10)
    b = jobs.start(slot, ("v2",), snap)
    c = jobs.start(slot, ("v3",), snap)
    assert b is c and c.version == ("v3",) and c.state == "queued"  # the newest waits
    assert jobs.start(slot, ("v1",), snap) is a
    slow.release.set()
    assert a.done.wait(10) and c.done.wait(10)
    assert len(slow.calls) == 2  # v1, then v3; v2 never built
    assert jobs.previous(slot).version == ("v3",)


def test_the_real_build_reports_its_stages(app, monkeypatch):
    monkeypatch.setenv("KAOPING_PDF_CACHE", "off")
    pdf.clear_memory()  # laid out, not taken from an earlier test's PDF
    snap = app.state.cache.snapshot(2015)
    seen: list[tuple[str, float]] = []
    body = build_evaluation_pdf(
        app,
        Slot(None, 2015, "en", "zhengzhou"),
        snap,
        lambda stage, f: seen.append((stage, f)),
    )
    assert body.startswith(b"%PDF")
    stages = [s for s, _ in seen]
    assert stages[0] == "evaluation" and stages[-1] == "done"
    assert stages.index("layout") < stages.index("writing")
    fractions = [f for s, f in seen if s in ("layout", "writing")]
    # layout from 0 by pages laid out, then writing from the layout's share
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0 and fractions[-1] == pdf.LAYOUT_SHARE
    assert len([s for s in stages if s == "layout"]) > 10  # a page at a time


def _until(cond, seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.02)
    return False
