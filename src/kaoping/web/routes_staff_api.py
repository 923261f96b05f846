"""Staff endpoints of the JSON API: submit, approve, reject, unlock, import, review queue,
changes since approval, audit log, users, tokens. Every request is role-checked here and
again by the store."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response

from ..errors import KaopingError
from . import schemas
from .auth import ADMIN, REVIEWERS, STAFF, WRITERS, Principal, client_address, current
from .common import json_response
from .csrf import check_csrf
from .errors import AuthRequired, NoStore

ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": schemas.ErrorBody, "description": d}
    for s, d in (
        (400, "bad request"),
        (401, "not logged in, or the token is unknown"),
        (403, "not allowed for this user, or CSRF token missing"),
        (404, "no such record"),
        (409, "conflict: the value was changed meanwhile"),
        (422, "invalid data"),
        (423, "the value is approved and locked"),
    )
}

router = APIRouter(
    prefix="/api/v1", tags=["staff"], dependencies=[Depends(check_csrf)], responses=ERRORS
)

Who = Annotated[Principal, Depends(current)]
RevisionId = Annotated[int, Path(ge=1, le=2**53, description="a revision's id")]


def store_of(request: Request) -> Any:
    store = request.app.state.source.store
    if store is None:
        raise NoStore("this site is read-only (plan and data files): no staff functions")
    return store


def changed(request: Request) -> None:
    """After a write: the next request reads the new data version."""
    request.app.state.cache.invalidate()


@router.get("/me")
def me(request: Request, who: Who) -> Response:
    """The user behind the request (401 if anonymous)."""
    user = who.require(STAFF)
    return json_response({"user": user, "via": who.via, "csrf_token": who.session.get("csrf")})


@router.post("/observations", status_code=201)
def submit(request: Request, body: schemas.Submission, who: Who) -> Response:
    """Submit a value (a new revision awaiting review). Send ``base_revision`` (the revision
    you edited, 0 for a new value) to get 409 instead of overwriting someone else's change.
    A value known only as a bound is sent as ``">25"`` (or ``25`` with ``censor: ">"``)."""
    user = who.require(WRITERS)
    rev = store_of(request).submit(
        user,
        body.indicator,
        body.area,
        body.year,
        body.value,
        status=body.status,
        flags=body.flags,
        source=body.source,
        note=body.note,
        base_revision=body.base_revision,
        censor=body.censor,
        previous_basis=body.previous_basis,
    )
    changed(request)
    return json_response(rev, 201)


@router.get("/revisions/{revision_id}")
def revision(request: Request, revision_id: RevisionId, who: Who) -> Response:
    """One revision with its state."""
    who.require(STAFF)
    return json_response(store_of(request).revision(revision_id))


@router.post("/revisions/{revision_id}/approve")
def approve(request: Request, revision_id: RevisionId, who: Who) -> Response:
    """Approve a submitted revision (reviewers, administrators); the value is then locked."""
    user = who.require(REVIEWERS)
    rev = store_of(request).approve(user, revision_id)
    changed(request)
    return json_response(rev)


@router.post("/revisions/{revision_id}/reject")
def reject(request: Request, revision_id: RevisionId, body: schemas.Reason, who: Who) -> Response:
    """Reject a submitted revision with a reason (reviewers, administrators)."""
    user = who.require(REVIEWERS)
    rev = store_of(request).reject(user, revision_id, body.reason)
    changed(request)
    return json_response(rev)


@router.post("/unlock")
def unlock(request: Request, body: schemas.Unlock, who: Who) -> Response:
    """Unlock an approved value so that it can be corrected (with a reason; audited)."""
    user = who.require(REVIEWERS)
    rev = store_of(request).unlock(user, body.indicator, body.area, body.year, body.reason)
    changed(request)
    return json_response(rev)


@router.get("/history/{indicator}")
def history(
    request: Request,
    indicator: str,
    who: Who,
    area: Annotated[str | None, Query(max_length=100)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
) -> Response:
    """Every revision of an indicator's values, newest first."""
    who.require(STAFF)
    return json_response(store_of(request).history(indicator, area, year))


@router.get("/review-queue")
def review_queue(
    request: Request, who: Who, department: Annotated[str | None, Query(max_length=100)] = None
) -> Response:
    """Revisions awaiting review, each with the approved value it would replace."""
    who.require(STAFF)
    return json_response(store_of(request).review_queue(department=department))


@router.get("/changes")
def changes(
    request: Request, who: Who, department: Annotated[str | None, Query(max_length=100)] = None
) -> Response:
    """Cells whose latest revision differs from the latest approved one."""
    who.require(STAFF)
    return json_response(store_of(request).changes_since_approval(department=department))


@router.get("/audit")
def audit(
    request: Request,
    who: Who,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    user: Annotated[str | None, Query(max_length=100)] = None,
    action: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """The audit log, newest first (reviewers and administrators)."""
    who.require(REVIEWERS)
    return json_response(
        store_of(request).audit(limit=limit, offset=offset, user=user, action=action)
    )


def report_dict(report: Any) -> dict:
    """An import report as JSON-ready data."""
    if isinstance(report, dict):
        return report
    if hasattr(report, "to_dict"):
        return report.to_dict()
    import dataclasses

    if dataclasses.is_dataclass(report):
        return dataclasses.asdict(report)
    return {k: getattr(report, k) for k in ("errors", "warnings", "changes", "counts")}


def parse_comments(text: str | None) -> dict[int, str]:
    """Comments on warnings: a JSON object, or lines ``row: comment``."""
    if not text or not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        data = {}
        for line in text.splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                data[k.strip()] = v.strip()
    if not isinstance(data, dict):
        from ..errors import UsageError

        raise UsageError("comments must be a JSON object {row: comment}")
    out: dict[int, str] = {}
    for k, v in data.items():
        try:
            out[int(k)] = str(v)
        except (TypeError, ValueError):
            from ..errors import UsageError

            raise UsageError(f"comments: {k!r} is not a row number") from None
    return out


JobId = Annotated[str, Path(max_length=64, description="an import job's id")]
JOB_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"model": schemas.ImportJob, "description": "the job runs: poll it"},
    413: {"model": schemas.ErrorBody, "description": "the file is over KAOPING_MAX_UPLOAD_MB"},
}


def _job_response(job: dict, status: int = 200) -> Response:
    """A job: 200 once it has ended, 202 (with its address) while it runs."""
    if job["state"] in ("queued", "running"):
        r = json_response(job, 202)
        r.headers["Location"] = f"/api/v1/imports/{job['id']}"
        return r
    return json_response(job, status)


@router.post("/import", response_model=schemas.ImportJob, responses=JOB_RESPONSES)
async def import_file(
    request: Request,
    who: Who,
    file: Annotated[UploadFile, File(description="CSV or Excel (.xlsx) file")],
    dry_run: Annotated[bool, Form()] = True,
    comments: Annotated[str | None, Form(description="JSON {row: comment} for warnings")] = None,
    approve: Annotated[bool, Form(description="approve at once (reviewers)")] = False,
    wait: Annotated[
        float, Form(ge=0, le=60, description="seconds to wait for the job to end")
    ] = 2.0,
) -> Response:
    """Import observations from CSV or Excel, all or nothing, as a job in the background.

    ``dry_run`` (default) only reports what would change, with row errors and warnings that
    need a comment. The answer is the job: 200 with its ``report`` if it ended within
    ``wait`` seconds, else 202 — poll ``GET /api/v1/imports/{id}``. A finished dry run is
    written by ``POST /api/v1/imports/{id}/confirm`` (the file is kept on the server)."""
    user = who.require(WRITERS)
    data = await file.read()  # at most KAOPING_MAX_UPLOAD_MB: checked while it streamed
    from .import_jobs import start_job

    job = await start_job(
        request,
        user,
        data,
        file.filename or "upload.csv",
        dry_run=dry_run,
        comments=parse_comments(comments),
        approve=approve,
        wait=wait,
    )
    return _job_response(job)


@router.get("/imports/{job_id}", response_model=schemas.ImportJob, responses=JOB_RESPONSES)
async def import_job(request: Request, job_id: JobId, who: Who) -> Response:
    """An import job: its state, stage, progress and, once done, its report (its owner and
    administrators)."""
    user = who.require(WRITERS)
    from .import_jobs import job_status

    return _job_response(await job_status(request, user, job_id))


@router.post("/imports/{job_id}/confirm", response_model=schemas.ImportJob, responses=JOB_RESPONSES)
async def import_confirm(
    request: Request, job_id: JobId, body: schemas.ImportConfirm, who: Who
) -> Response:
    """Write a finished dry run's file (kept on the server), with comments on its warnings."""
    user = who.require(WRITERS)
    from .import_jobs import confirm_job

    comments = parse_comments(json.dumps(body.comments))
    return _job_response(await confirm_job(request, user, job_id, comments, approve=body.approve))


@router.get("/users")
def users(request: Request, who: Who) -> Response:
    """Every user (administrators)."""
    who.require({ADMIN})
    return json_response(store_of(request).users())


@router.post("/users", status_code=201)
def create_user(request: Request, body: schemas.NewUser, who: Who) -> Response:
    """Create a user (administrators). Without a password, one is generated and returned once."""
    import secrets

    admin = who.require({ADMIN})
    password = body.password or secrets.token_urlsafe(12)
    user = store_of(request).create_user(
        body.username, password, body.role, body.department, actor=admin
    )
    out = {"user": user}
    if not body.password:
        out["password"] = password
    return json_response(out, 201)


@router.post("/tokens", status_code=201, response_model=schemas.NewToken)
def create_token(request: Request, body: schemas.TokenRequest, who: Who) -> Response:
    """A new API token, shown once. Logged in: for yourself. Otherwise send username and
    password (rate-limited like the login form)."""
    store = store_of(request)
    user = who.user
    if user is None:
        if not body.username or not body.password:
            raise AuthRequired("send username and password, or log in first")
        limiter = request.app.state.limiter
        address = client_address(request)
        limiter.check(body.username, address)
        user = store.authenticate(body.username, body.password)
        if user is None:
            limiter.failed(body.username, address)
            raise AuthRequired("wrong user name or password")
        limiter.succeeded(body.username, address)
    made = store.issue_token(user, body.name, days=body.days)
    return json_response(made, 201)


@router.post("/me/password", responses={429: {"model": schemas.ErrorBody}})
def change_password(request: Request, body: schemas.PasswordChange, who: Who) -> Response:
    """Change your own password (the current one is required). Every other session of
    yours ends; API tokens stay. Wrong current passwords count against the login limit."""
    user = who.require(STAFF)
    store = store_of(request)
    limiter = request.app.state.limiter
    address = client_address(request)
    limiter.check(user["username"], address)
    keep = who.session.get("s") if who.via == "session" else None
    try:
        ended = store.set_password(
            user["username"],
            body.new_password,
            actor=user,
            current=body.current_password,
            keep_session=keep,
        )
    except KaopingError as e:
        if "current password" in str(e):
            limiter.failed(user["username"], address)
        raise
    return json_response({"ok": True, "sessions_ended": ended})


@router.get("/template")
def template(
    request: Request,
    who: Who,
    department: Annotated[str | None, Query(max_length=100)] = None,
    years: Annotated[str | None, Query(max_length=20, description="2019 or 2015-2020")] = None,
) -> Response:
    """The Excel template of a department's indicators and the years due (a reporter: their
    own department)."""
    user = who.require(STAFF)
    from .staff_files import template_response

    return template_response(request, user, department)
