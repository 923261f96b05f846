"""Report downloads: the plan evaluation report and the annual assessment report as HTML,
PDF or Excel (``/reports/evaluation.pdf?year=&lang=``).

The public get reports on approved data only; the assessment report is for logged-in
staff unless the plan's assessment rules make it public.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..errors import UsageError
from ..report.build import (
    MEDIA_TYPES,
    document_filename,
    render,
    report_filename,
    store_provenance,
)
from ..report.documents import Provenance, command_line, evaluation_document
from .auth import STAFF
from .common import context
from .errors import AuthRequired, NoStore

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
def evaluation_report(request: Request, fmt: str) -> Response:
    """The plan evaluation report of the year shown, on the data the visitor may see."""
    fmt = _format(fmt)
    ctx = context(request)
    snap = ctx.snap
    plan = snap.plan
    source = request.app.state.source
    year = snap.year

    def build() -> bytes:
        if source.store is not None:
            prov = store_provenance(
                source.store,
                plan.id,
                snap.observations,
                year=year,
                lang=ctx.lang,
                fmt=fmt,
                approved_only=snap.approved_only,
            )
        else:
            prov = Provenance(
                data_source=source.describe(),
                data_as_of=_latest_year(snap.observations),
                data_version=source.data_version(),
                command=command_line("evaluation", plan.id, year, ctx.lang, fmt),
            )
        doc = evaluation_document(
            plan,
            snap.evaluation,
            snap.observations,
            ctx.lang,
            prov,
            area=ctx.area,
            supervision=source.store,
        )
        return render(doc, fmt)

    body = snap.memo(("report", "evaluation", ctx.area, ctx.lang, fmt), build)
    return _download(body, fmt, report_filename(plan.id, "evaluation", year, ctx.lang, fmt))


def _latest_year(obs) -> str:
    if obs.n_rows == 0:
        return "—"
    return str(int(max(int(y) for y in obs["year"].tolist())))


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
