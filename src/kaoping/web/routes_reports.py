"""Report downloads: the plan evaluation report and the annual assessment report as HTML,
PDF or Excel (``/reports/evaluation.pdf?year=&lang=``).

The public get reports on approved data only; the assessment report is for logged-in
staff unless the plan's assessment rules make it public.
"""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..errors import UsageError
from ..i18n import K_, _
from ..report.build import MEDIA_TYPES, document_filename, render, report_filename
from .auth import STAFF
from .common import context, json_response
from .errors import AuthRequired, NoStore, WebError
from .render import page_html
from .report_jobs import Slot, evaluation_doc, jobs_for, version_of
from .source import CURRENT_PLAN

#: the words of a build's stages (computed keys, marked for the catalogs)
STAGES = (
    K_("report_stage_queued"),
    K_("report_stage_evaluation"),
    K_("report_stage_layout"),
    K_("report_stage_writing"),
    K_("report_stage_done"),
    K_("report_stage_failed"),
)
#: seconds a browser's request waits for a PDF before it gets the progress page
PAGE_WAIT = 1.0
#: seconds a script's request waits for a PDF (then 503 with the build's status)
SCRIPT_WAIT = 120.0


class ReportFailed(WebError):
    """A report could not be built (the log has why)."""

    status = 500
    code = "report_failed"


class NoSuchBuild(WebError):
    status = 404
    code = "not_found"


router = APIRouter(include_in_schema=False)


def _format(fmt: str) -> str:
    if fmt not in MEDIA_TYPES:
        raise UsageError(f"format {fmt!r}: choose html, pdf or xlsx")
    return fmt


def _report_csp(body: bytes) -> str:
    """An HTML report's own policy: no script, nothing loaded, its inline stylesheet
    allowed by its hash (the site's ``style-src 'self'`` would block it)."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(css).digest()).decode() + "'"
        for css in re.findall(rb"<style>(.*?)</style>", body, re.S)
    )
    style = hashes or "'none'"
    return (
        f"default-src 'none'; style-src {style}; "
        "img-src data:; font-src data:; script-src 'none'; object-src 'none'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


def _download(body: bytes, fmt: str, name: str) -> Response:
    """The report: an HTML report opens in the browser, the others download; every one
    with the name :func:`~kaoping.report.build.report_filename` gives it."""
    disposition = "inline" if fmt == "html" else "attachment"
    headers = {
        "Content-Disposition": f'{disposition}; filename="{name}"',
        "Cache-Control": "private, max-age=60",
    }
    if fmt == "html":
        headers["Content-Security-Policy"] = _report_csp(body)
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)


@router.get("/reports/evaluation.{fmt}")
async def evaluation_report(request: Request, fmt: str) -> Response:
    """The plan evaluation report of the year shown, on the data the visitor may see.

    HTML and Excel are made at once. A PDF is built in the background
    (:mod:`~kaoping.web.report_jobs`): a script waits for it; a browser that would wait
    more than a moment gets a progress page that downloads the file when it is ready."""
    fmt = _format(fmt)
    ctx = await run_in_threadpool(context, request)
    snap = ctx.snap
    plan = snap.plan
    name = report_filename(plan.id, "evaluation", snap.year, ctx.lang, fmt)
    if fmt == "pdf":
        return await _pdf(request, ctx, name)

    def build() -> bytes:
        return render(evaluation_doc(request.app, snap, ctx.lang, ctx.area, fmt), fmt)

    key = ("report", "evaluation", ctx.area, ctx.lang, fmt)
    body = await run_in_threadpool(snap.memo, key, build)
    return _download(body, fmt, name)


def _wants_page(request: Request) -> bool:
    """A browser navigating (it accepts HTML) rather than a script asking for the file."""
    return "text/html" in request.headers.get("accept", "")


async def _pdf(request: Request, ctx, name: str) -> Response:
    jobs = jobs_for(request.app)
    snap = ctx.snap
    slot = Slot(CURRENT_PLAN.get(), snap.year, ctx.lang, ctx.area, snap.approved_only)
    version = await run_in_threadpool(version_of, snap)
    built = jobs.current(slot, version)
    if built is None and request.query_params.get("previous") in ("1", "true", "yes"):
        built = jobs.previous(slot)
    if built is not None:
        return _download(built.body, "pdf", name)
    job = jobs.start(slot, version, snap)
    if not job.download:
        job.download = _address(slot)
    browser = _wants_page(request)
    await jobs.wait(job, PAGE_WAIT if browser else SCRIPT_WAIT)
    if job.state == "done" and job.body is not None:
        return _download(job.body, "pdf", name)
    if job.state == "failed":
        raise ReportFailed(f"the PDF could not be built: {job.error}")
    if not browser:
        resp = json_response(jobs.status(job), 503)
        resp.headers["Retry-After"] = "5"
        return resp
    return progress_page(request, ctx, job, jobs.previous(slot))


def _address(slot: Slot) -> str:
    """The PDF's address (the same report whoever asks)."""
    q = {"year": slot.year, "lang": slot.lang, "area": slot.area}
    if not slot.approved_only:
        q["pending"] = 1
    return "/reports/evaluation.pdf?" + urlencode(q)


def _prefixed(request: Request, path: str) -> str:
    return request.scope.get("kaoping.plan_prefix", "") + path


def progress_page(request: Request, ctx, job, previous) -> Response:
    """The page a reader sees while the PDF is built: its progress, polled by
    ``report-progress.js`` from :func:`report_status`, then the download; the previous
    file (of older data) at once if there is one."""
    download = _prefixed(request, job.download)
    sep = "&" if "?" in download else "?"
    status = jobs_for(request.app).status(job)
    text = page_html(
        request,
        "report_progress.html",
        ctx,
        ctx.lang,
        job=status,
        status_url=_prefixed(request, f"/reports/status/{job.id}"),
        download_url=download,
        previous_url=(download + sep + "previous=1") if previous is not None else None,
        percent=round(status["progress"] * 100),
    )
    headers = {"Cache-Control": "no-store", "Content-Security-Policy": PROGRESS_CSP}
    return Response(text, 202, headers=headers, media_type="text/html; charset=utf-8")


#: the site's policy, with the site's own scripts allowed (the progress page's poller)
PROGRESS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)


@router.get("/reports/status/{job_id}")
def report_status(request: Request, job_id: str) -> Response:
    """A PDF build's state, stage and progress (0–1) as JSON, with the download's address
    once it is ready."""
    jobs = jobs_for(request.app)
    job = jobs.job(job_id)
    if job is None:
        raise NoSuchBuild(f"no report build {job_id!r} (finished builds are forgotten in time)")
    body = jobs.status(job)
    lang = job.slot.lang
    stage = job.stage if job.state == "running" else job.state
    body["stage_text"] = _(f"report_stage_{stage}", lang)
    body["download"] = _prefixed(request, job.download) if job.state == "done" else None
    resp = json_response(body)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@router.get("/reports/assessment.{fmt}")
def assessment_report(request: Request, fmt: str) -> Response:
    """The annual assessment report: staff only unless the plan makes it public."""
    from ..report.build import assessment_from_store

    fmt = _format(fmt)
    ctx = context(request)
    store = request.app.state.source.store
    if store is None:
        raise NoStore("the assessment report needs the store; this site serves files only")
    plan = ctx.snap.plan
    rules = getattr(plan, "assessment", None)
    public = bool(getattr(rules, "public", False))
    if not public and ctx.who.role not in STAFF:
        raise AuthRequired("log in to download the assessment report")
    year = ctx.snap.year
    doc = assessment_from_store(store, year, ctx.lang, fmt, plan.id)
    return _download(render(doc, fmt), fmt, document_filename(doc, fmt))
