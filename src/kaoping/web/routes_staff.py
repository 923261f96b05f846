"""Staff pages: data entry, import, review queue, changes since approval, unlock, audit
log, users and tokens. Every request is checked for its role here (and by the store)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ..data.verdicts import VERDICTS
from ..errors import DataError, KaopingError, UsageError
from .auth import ADMIN, REVIEWERS, STAFF, WRITERS, Principal, principal
from .csrf import check_csrf
from .errors import error_body, http_status
from .i18n import STATUS, choose_lang, label, tr
from .import_jobs import confirm_job, job_status, start_job
from .render import html, page_html
from .routes_staff_api import changed, parse_comments, store_of
from .staff_view import ACTIONS, staff_view

router = APIRouter(prefix="/staff", include_in_schema=False, dependencies=[Depends(check_csrf)])

FLAGS = ("estimated", "imputed", "break")
ENTRY_FIELDS = ("indicator", "area", "year", "value", "previous_basis", "status", "source", "note")


def _lang(request: Request) -> str:
    return choose_lang(
        request.query_params.get("lang")
        if request.query_params.get("lang") in ("en", "zh")
        else None,
        request.cookies.get("lang"),
        request.headers.get("accept-language"),
    )


def _page(request: Request, template: str, status: int = 200, **data: Any) -> Response:
    """A staff page; ``h`` gives the templates names, values and times in human terms."""
    lang = _lang(request)
    data.setdefault("h", staff_view(request, lang))
    return html(page_html(request, template, None, lang, **data), status)


def _who(request: Request, roles: frozenset[str] | set[str] = STAFF) -> tuple[Principal, dict]:
    who = principal(request)
    return who, who.require(roles)


def _form_error(e: KaopingError) -> dict:
    body = error_body(e)
    body["status"] = http_status(e)
    return body


@router.get("")
def home(request: Request) -> Response:
    who, _user = _who(request)
    store = store_of(request)
    queue = store.review_queue()
    return _page(
        request,
        "staff/home.html",
        queue=len(queue),
        departments=store.departments(),
        department=(who.user or {}).get("department"),
    )


# ---- data entry ---------------------------------------------------------------------------


def _writable(request: Request, who: Principal) -> list[Any]:
    """The indicators this user may write (a reporter: their department's)."""
    plan = request.app.state.cache.plan()
    quantitative = [i for i in plan.indicators if not i.is_qualitative]
    if who.role == ADMIN:
        return quantitative
    owners = store_of(request).assignments(plan.id)
    dept = (who.user or {}).get("department")
    return [i for i in quantitative if owners.get(i.key) == dept]


def _entry_page(
    request: Request,
    who: Principal,
    values: dict[str, Any],
    status: int = 200,
    error: dict | None = None,
    conflict: dict | None = None,
    saved: dict | None = None,
) -> Response:
    plan = request.app.state.cache.plan()
    current = None
    key, area, year = values.get("indicator"), values.get("area"), values.get("year")
    if key and year:
        try:
            hist = store_of(request).history(key, area or plan.default_area, int(year))
        except (KaopingError, ValueError):
            hist = []
        current = hist[0] if hist else None
    if conflict is None and current is not None and "base_revision" not in values:
        values = {**values, "base_revision": current["revision"]}
    values.setdefault("base_revision", 0 if current is None else current["revision"])
    return _page(
        request,
        "staff/entry.html",
        status,
        indicators=_writable(request, who),
        areas=plan.areas,
        years=list(range(plan.base_year - plan.methods.baseline_window, plan.period.end + 1)),
        flags=FLAGS,
        v=values,
        current=current,
        error=error,
        conflict=conflict,
        saved=saved,
    )


@router.get("/entry")
def entry_form(request: Request) -> Response:
    who, _ = _who(request, WRITERS)
    q = request.query_params
    plan = request.app.state.cache.plan()
    values: dict[str, Any] = {
        "indicator": q.get("indicator", ""),
        "area": q.get("area") or plan.default_area,
        "year": q.get("year", ""),
        "status": "final",
        "flags": [],
    }
    return _entry_page(request, who, values)


@router.post("/entry")
async def entry_submit(request: Request) -> Response:
    who, user = _who(request, WRITERS)
    form = await request.form()
    # the store's work runs in a worker thread: never on the event loop
    return await run_in_threadpool(_entry_submit, request, who, user, form)


def _entry_submit(request: Request, who: Principal, user: dict, form: Any) -> Response:
    values: dict[str, Any] = {k: str(form.get(k, "")).strip() for k in ENTRY_FIELDS}
    values["flags"] = [f for f in form.getlist("flags") if isinstance(f, str)]
    base = str(form.get("base_revision", "")).strip()
    try:
        base_revision = int(base) if base else None
        year = int(values["year"])
    except ValueError:
        err = {"message": "the year and the revision must be whole numbers", "status": 422}
        return _entry_page(request, who, values, 422, error=err)
    values["base_revision"] = base_revision
    store = store_of(request)
    try:
        rev = store.submit(
            user,
            values["indicator"],
            values["area"] or None,
            year,
            values["value"],
            status=values["status"] or "final",
            flags=values["flags"],
            source=values["source"],
            note=values["note"],
            base_revision=base_revision,
            previous_basis=values["previous_basis"] or None,
        )
    except KaopingError as e:
        kind = type(e).__name__
        if kind == "Conflict":
            cur = getattr(e, "current", None)
            # the user's values stay in the form; the lock moves to the current revision
            values["base_revision"] = cur["revision"] if cur else 0
            return _entry_page(
                request, who, values, 409, conflict={"current": cur, "message": str(e)}
            )
        return _entry_page(request, who, values, http_status(e), error=_form_error(e))
    changed(request)
    return _entry_page(
        request,
        who,
        {
            "indicator": rev["indicator"],
            "area": rev["area"],
            "year": rev["year"],
            "status": "final",
            "flags": [],
        },
        saved=rev,
    )


# ---- import -------------------------------------------------------------------------------
# An upload becomes an import job (kaoping.web.import_jobs): the file stays on the server,
# the job runs in a worker thread, and /staff/import/<job> shows its progress, then its
# report; a dry run is confirmed there by the job's id (the file is not sent again).


@router.get("/import")
def import_form(request: Request) -> Response:
    _who(request, WRITERS)
    return _page(request, "staff/import.html", report=None)


def _import_error(request: Request, status: int, message: str) -> Response:
    return _page(request, "staff/import.html", status, report=None, error={"message": message})


def _comments_of(form: Any) -> dict[int, str]:
    comments = {
        int(k[len("comment-") :]): str(v)
        for k, v in form.multi_items()
        if k.startswith("comment-") and k[len("comment-") :].isdigit() and str(v).strip()
    }
    comments.update(parse_comments(str(form.get("comments", "") or "")))
    return comments


@router.post("/import")
async def import_upload(request: Request) -> Response:
    _, user = _who(request, WRITERS)
    form = await request.form()  # the size limit is checked while it streams (UploadLimit)
    upload = form.get("file")
    data = await upload.read() if upload is not None and hasattr(upload, "read") else b""
    if not data:
        return _import_error(request, 422, tr("file", _lang(request)) + ": —")
    filename = getattr(upload, "filename", None) or "upload.csv"
    try:
        job = await start_job(
            request,
            user,
            data,
            filename,
            dry_run=str(form.get("action", "dry_run")) != "import",
            comments=_comments_of(form),
        )
    except KaopingError as e:
        return _page(
            request, "staff/import.html", http_status(e), report=None, error=_form_error(e)
        )
    return RedirectResponse(f"/staff/import/{job['id']}", 303)


@router.get("/import/{job_id}")
async def import_job_page(request: Request, job_id: str) -> Response:
    _, user = _who(request, WRITERS)
    job = await job_status(request, user, job_id[:64])
    return await run_in_threadpool(_import_job_page, request, job)


def _import_job_page(request: Request, job: dict) -> Response:
    rep = job.get("report")
    if job["state"] == "failed":
        status = 409 if "changed" in (job.get("error") or "") else 422
        return _page(
            request,
            "staff/import.html",
            status,
            report=None,
            job=job,
            error={"message": job.get("error") or ""},
        )
    status = 422 if rep and rep.get("errors") else 200
    return _page(
        request,
        "staff/import.html",
        status,
        report=rep,
        job=job,
        filename=job["filename"],
        comments={w["row"]: w["comment"] for w in (rep or {}).get("warnings", []) if w["comment"]},
    )


@router.post("/import/{job_id}")
async def import_confirm(request: Request, job_id: str) -> Response:
    _, user = _who(request, WRITERS)
    form = await request.form()
    try:
        job = await confirm_job(request, user, job_id[:64], _comments_of(form))
    except KaopingError as e:
        return _page(
            request, "staff/import.html", http_status(e), report=None, error=_form_error(e)
        )
    return RedirectResponse(f"/staff/import/{job['id']}", 303)


# ---- review ---------------------------------------------------------------------------------


def review_page(request: Request, status: int = 200, **data: Any) -> Response:
    """The review queue and the imports awaiting review. With four-eyes review on
    (``KAOPING_FOUR_EYES``, the default) the signed-in user's own submissions and imports
    show "another reviewer decides" instead of the buttons: the store would refuse them."""
    who, _ = _who(request)
    store = store_of(request)
    four_eyes = getattr(store.settings, "four_eyes", True)
    return _page(
        request,
        "staff/review.html",
        status,
        queue=store.review_queue(),
        batches=store.pending_imports(),
        can_review=who.can(REVIEWERS),
        own=who.username if four_eyes else None,
        **data,
    )


@router.get("/review")
def review(request: Request) -> Response:
    return review_page(request, decided=request.query_params.get("decided"))


@router.post("/review/{revision_id}")
async def decide(request: Request, revision_id: int) -> Response:
    _, user = _who(request, REVIEWERS)
    form = await request.form()
    # the store's work runs in a worker thread: never on the event loop
    return await run_in_threadpool(_decide, request, user, revision_id, form)


def _decide(request: Request, user: dict, revision_id: int, form: Any) -> Response:
    action = str(form.get("action", ""))
    store = store_of(request)
    try:
        if action == "approve":
            store.approve(user, revision_id)
        elif action == "reject":
            store.reject(user, revision_id, str(form.get("reason", "")))
        else:
            raise DataError([])
    except KaopingError as e:
        err = _form_error(e) if str(e) else {"message": "choose approve or reject", "status": 400}
        return review_page(request, err["status"], error=err)
    changed(request)
    return RedirectResponse("/staff/review", status_code=303)


@router.get("/changes")
def changes(request: Request) -> Response:
    _who(request)
    return _page(request, "staff/changes.html", changes=store_of(request).changes_since_approval())


# ---- unlock ---------------------------------------------------------------------------------


@router.get("/unlock")
def unlock_form(request: Request) -> Response:
    _who(request, REVIEWERS)
    q = request.query_params
    plan = request.app.state.cache.plan()
    v = {
        "indicator": q.get("indicator", ""),
        "area": q.get("area") or plan.default_area,
        "year": q.get("year", ""),
        "reason": "",
    }
    return _page(
        request, "staff/unlock.html", v=v, plan_indicators=plan.indicators, areas=plan.areas
    )


@router.post("/unlock")
async def unlock(request: Request) -> Response:
    _, user = _who(request, REVIEWERS)
    form = await request.form()
    return await run_in_threadpool(_unlock, request, user, form)


def _unlock(request: Request, user: dict, form: Any) -> Response:
    plan = request.app.state.cache.plan()
    v = {k: str(form.get(k, "")).strip() for k in ("indicator", "area", "year", "reason")}
    try:
        year = int(v["year"])
        rev = store_of(request).unlock(user, v["indicator"], v["area"] or None, year, v["reason"])
    except ValueError:
        err = {"message": "the year must be a whole number", "status": 422}
        return _page(
            request,
            "staff/unlock.html",
            422,
            v=v,
            plan_indicators=plan.indicators,
            areas=plan.areas,
            error=err,
        )
    except KaopingError as e:
        err = _form_error(e)
        return _page(
            request,
            "staff/unlock.html",
            err["status"],
            v=v,
            plan_indicators=plan.indicators,
            areas=plan.areas,
            error=err,
        )
    changed(request)
    return _page(
        request,
        "staff/unlock.html",
        v={**v, "reason": ""},
        plan_indicators=plan.indicators,
        areas=plan.areas,
        done=rev,
    )


# ---- audit, users, tokens ---------------------------------------------------------------------


@router.get("/audit")
def audit(request: Request) -> Response:
    _who(request, REVIEWERS)
    q = request.query_params
    try:
        page = max(1, int(q.get("page", "1") or 1))
    except ValueError:
        page = 1
    size = 50
    user = q.get("user") or None
    action = q.get("action") or None
    rows = store_of(request).audit(
        limit=size + 1, offset=(page - 1) * size, user=user, action=action
    )
    return _page(
        request,
        "staff/audit.html",
        rows=rows[:size],
        page=page,
        more=len(rows) > size,
        f_user=user or "",
        f_action=action or "",
        actions=list(ACTIONS),
    )


@router.get("/users")
def users(request: Request) -> Response:
    _who(request, {ADMIN})
    return _users_page(request)


def _users_page(request: Request, status: int = 200, **data: Any) -> Response:
    from ..store.users import MIN_PASSWORD

    store = store_of(request)
    return _page(
        request,
        "staff/users.html",
        status,
        users=store.users(),
        departments=store.all_departments(),  # the city's register: users serve every plan
        roles=("admin", "reviewer", "reporter", "viewer"),
        min_length=MIN_PASSWORD,
        **data,
    )


@router.post("/users")
async def create_user(request: Request) -> Response:
    _, admin = _who(request, {ADMIN})
    form = await request.form()
    return await run_in_threadpool(_create_user, request, admin, form)


def _create_user(request: Request, admin: dict, form: Any) -> Response:
    import secrets

    v = {k: str(form.get(k, "")).strip() for k in ("username", "role", "department", "password")}
    password = v["password"] or secrets.token_urlsafe(12)
    try:
        created = store_of(request).create_user(
            v["username"], password, v["role"], v["department"] or None, actor=admin
        )
    except KaopingError as e:
        err = _form_error(e)
        return _users_page(request, err["status"], error=err, v=v)
    return _users_page(request, created=created, password=None if v["password"] else password, v={})


@router.post("/users/{username}")
async def change_user(request: Request, username: str) -> Response:
    """Change a user's role and department, or deactivate the user (administrators)."""
    _, admin = _who(request, {ADMIN})
    form = await request.form()
    return await run_in_threadpool(_change_user, request, admin, username, form)


def _change_user(request: Request, admin: dict, username: str, form: Any) -> Response:
    action = str(form.get("action", ""))
    store = store_of(request)
    try:
        if action == "deactivate":
            store.deactivate_user(username, actor=admin)
            done = {"username": username, "action": "deactivate"}
        elif action == "role":
            role = str(form.get("role", "")).strip()
            department = str(form.get("department", "")).strip() or None
            store.set_role(username, role, department, actor=admin)
            done = {"username": username, "action": "role"}
        else:
            raise UsageError(f"unknown action {action!r}: use 'role' or 'deactivate'")
    except KaopingError as e:
        err = _form_error(e)
        return _users_page(request, err["status"], error=err, v={})
    return _users_page(request, changed=done, v={})


def _verdicts_page(request: Request, status: int = 200, **data: Any) -> Response:
    """Qualitative targets and the plan's steps, each with its latest recorded verdict."""
    store = store_of(request)
    plan = store.plan()
    latest = {(v["target"], v["area"]): v for v in store.verdicts()}
    area = plan.default_area
    targets = [
        {
            "key": i.key,
            "name": i.name,
            "year": i.targets[-1].year,
            "kind": "indicator",
            "goal": i.targets[-1].qualitative,
            "verdict": latest.get((i.key, area)),
        }
        for i in plan.indicators
        if i.is_qualitative
    ] + [
        {
            "key": m.key,
            "name": m.name,
            "year": m.year,
            "kind": "step",
            "goal": m.goal,
            "verdict": latest.get((m.key, area)),
        }
        for m in plan.milestones
    ]
    return _page(
        request,
        "staff/verdicts.html",
        status,
        targets=targets,
        verdicts=VERDICTS,
        areas=plan.areas,
        status_label=lambda k: label(STATUS, k, _lang(request)),
        **data,
    )


@router.get("/verdicts")
def verdicts(request: Request) -> Response:
    _who(request, REVIEWERS)
    return _verdicts_page(request)


@router.post("/verdicts")
async def record_verdict(request: Request) -> Response:
    """Record a verdict with its evidence on a qualitative target or a step (reviewers)."""
    _, user = _who(request, REVIEWERS)
    form = await request.form()
    return await run_in_threadpool(_record_verdict, request, user, form)


def _record_verdict(request: Request, user: dict, form: Any) -> Response:
    v = {k: str(form.get(k, "")).strip() for k in ("target", "area", "year", "verdict", "evidence")}
    try:
        if not v["year"].isdigit():
            raise UsageError(f"{v['year']!r} is not a year")
        saved = store_of(request).record_verdict(
            user, v["target"], v["area"] or None, int(v["year"]), v["verdict"], v["evidence"]
        )
    except KaopingError as e:
        err = _form_error(e)
        return _verdicts_page(request, err["status"], error=err)
    changed(request)
    return _verdicts_page(request, saved=saved)


def _tokens_page(request: Request, user: dict, status: int = 200, **data: Any) -> Response:
    settings = request.app.state.settings
    data.setdefault("new", None)
    return _page(
        request,
        "staff/tokens.html",
        status,
        tokens=store_of(request).tokens(user),
        default_days=min(settings.token_days, settings.token_max_days),
        max_days=settings.token_max_days,
        **data,
    )


@router.get("/tokens")
def tokens(request: Request) -> Response:
    _, user = _who(request)
    return _tokens_page(request, user)


@router.post("/tokens")
async def create_token(request: Request) -> Response:
    _, user = _who(request)
    form = await request.form()
    return await run_in_threadpool(_create_token, request, user, form)


def _create_token(request: Request, user: dict, form: Any) -> Response:
    store = store_of(request)
    name = str(form.get("name", "")).strip() or "script"
    days_text = str(form.get("days", "")).strip()
    try:
        days = int(days_text) if days_text else None
    except ValueError:
        days = -1  # refused below with the allowed range
    try:
        made = store.issue_token(user, name, days=days)
    except KaopingError as e:
        err = _form_error(e)
        return _tokens_page(request, user, err["status"], error=err)
    return _tokens_page(request, user, new=made)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: int) -> Response:
    """Revoke one of the user's own tokens (administrators: anyone's)."""
    _, user = _who(request)
    store = store_of(request)
    store.revoke_token(token_id, actor=user)
    return _tokens_page(request, user, revoked=token_id)


# ---- one's own password -------------------------------------------------------------------


def _password_page(request: Request, status: int = 200, **data: Any) -> Response:
    from ..store.users import MIN_PASSWORD

    return _page(request, "staff/password.html", status, min_length=MIN_PASSWORD, **data)


@router.get("/password")
def password_form(request: Request) -> Response:
    _who(request)
    return _password_page(request)


@router.post("/password")
async def change_password(request: Request) -> Response:
    """Change one's own password: the current one is required (and counted by the login
    limit when wrong); every other session of the user ends; audited by the store."""
    who, user = _who(request)
    form = await request.form()
    return await run_in_threadpool(_change_password, request, who, user, form)


def _change_password(request: Request, who: Principal, user: dict, form: Any) -> Response:
    from .auth import client_address

    current = str(form.get("current_password", ""))
    new, again = str(form.get("new_password", "")), str(form.get("new_password_2", ""))
    if new != again:
        err = {"message": tr("passwords_differ", _lang(request)), "status": 400}
        return _password_page(request, 400, error=err)
    limiter = request.app.state.limiter
    address = client_address(request)
    try:
        limiter.check(user["username"], address)
        store_of(request).set_password(
            user["username"], new, actor=user, current=current, keep_session=who.session.get("s")
        )
    except KaopingError as e:
        if "current password" in str(e):
            limiter.failed(user["username"], address)
        err = _form_error(e)
        return _password_page(request, err["status"], error=err)
    return _password_page(request, done=True)


@router.get("/template")
def template(request: Request) -> Response:
    _, user = _who(request)
    from .staff_files import template_response

    return template_response(request, user, request.query_params.get("department") or None)
