"""Staff pages: data entry, import, review queue, changes since approval, unlock, audit
log, users and tokens. Every request is checked for its role here (and by the store)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from ..data.verdicts import VERDICTS
from ..errors import DataError, KaopingError, UsageError
from .auth import ADMIN, REVIEWERS, STAFF, WRITERS, Principal, principal
from .csrf import check_csrf
from .errors import error_body, http_status
from .i18n import STATUS, choose_lang, label, tr
from .render import html, page_html
from .routes_staff_api import changed, parse_comments, report_dict, store_of

router = APIRouter(prefix="/staff", include_in_schema=False, dependencies=[Depends(check_csrf)])

MAX_UPLOAD = 20 * 1024 * 1024
FLAGS = ("estimated", "imputed", "break")


def _lang(request: Request) -> str:
    return choose_lang(
        request.query_params.get("lang")
        if request.query_params.get("lang") in ("en", "zh")
        else None,
        request.cookies.get("lang"),
        request.headers.get("accept-language"),
    )


def _page(request: Request, template: str, status: int = 200, **data: Any) -> Response:
    lang = _lang(request)
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
    values: dict[str, Any] = {
        k: str(form.get(k, "")).strip()
        for k in ("indicator", "area", "year", "value", "status", "source", "note")
    }
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


@router.get("/import")
def import_form(request: Request) -> Response:
    _who(request, WRITERS)
    return _page(request, "staff/import.html", report=None)


@router.post("/import")
async def import_upload(request: Request) -> Response:
    _, user = _who(request, WRITERS)
    form = await request.form()
    upload = form.get("file")
    if upload is not None and hasattr(upload, "read"):
        data = await upload.read()
        filename = upload.filename or "upload.csv"
    else:
        try:
            data = base64.b64decode(str(form.get("content", "")), validate=True)
        except (binascii.Error, ValueError):
            data = b""
        filename = str(form.get("filename", "")) or "upload.csv"
    if not data:
        return _page(
            request,
            "staff/import.html",
            422,
            report=None,
            error={"message": tr("file", _lang(request)) + ": —"},
        )
    if len(data) > MAX_UPLOAD:
        return _page(
            request,
            "staff/import.html",
            413,
            report=None,
            error={"message": f"the file is larger than {MAX_UPLOAD // 2**20} MB"},
        )
    dry_run = str(form.get("action", "dry_run")) != "import"
    comments = {
        int(k[len("comment-") :]): str(v)
        for k, v in form.multi_items()
        if k.startswith("comment-") and k[len("comment-") :].isdigit() and str(v).strip()
    }
    comments.update(parse_comments(str(form.get("comments", "") or "")))
    try:
        report = store_of(request).import_file(
            user, data, filename, dry_run=dry_run, comments=comments
        )
    except DataError as e:
        return _page(request, "staff/import.html", 422, report=None, error=_form_error(e))
    rep = report_dict(report)
    if not dry_run and rep.get("written"):
        changed(request)
    status = 200 if not rep.get("errors") else 422
    return _page(
        request,
        "staff/import.html",
        status,
        report=rep,
        filename=filename,
        content=base64.b64encode(data).decode() if dry_run else "",
        comments=comments,
    )


# ---- review ---------------------------------------------------------------------------------


@router.get("/review")
def review(request: Request) -> Response:
    who, _ = _who(request)
    queue = store_of(request).review_queue()
    return _page(request, "staff/review.html", queue=queue, can_review=who.can(REVIEWERS))


@router.post("/review/{revision_id}")
async def decide(request: Request, revision_id: int) -> Response:
    _, user = _who(request, REVIEWERS)
    form = await request.form()
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
        queue = store.review_queue()
        err = _form_error(e) if str(e) else {"message": "choose approve or reject", "status": 400}
        return _page(
            request, "staff/review.html", err["status"], queue=queue, can_review=True, error=err
        )
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
    )


@router.get("/users")
def users(request: Request) -> Response:
    _who(request, {ADMIN})
    return _users_page(request)


def _users_page(request: Request, status: int = 200, **data: Any) -> Response:
    store = store_of(request)
    return _page(
        request,
        "staff/users.html",
        status,
        users=store.users(),
        departments=store.departments(),
        roles=("admin", "reviewer", "reporter", "viewer"),
        **data,
    )


@router.post("/users")
async def create_user(request: Request) -> Response:
    import secrets

    _, admin = _who(request, {ADMIN})
    form = await request.form()
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


@router.get("/tokens")
def tokens(request: Request) -> Response:
    _, user = _who(request)
    return _page(request, "staff/tokens.html", tokens=store_of(request).tokens(user), new=None)


@router.post("/tokens")
async def create_token(request: Request) -> Response:
    _, user = _who(request)
    form = await request.form()
    store = store_of(request)
    name = str(form.get("name", "")).strip() or "script"
    token = store.create_token(user, name)
    return _page(request, "staff/tokens.html", tokens=store.tokens(user), new=token)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: int) -> Response:
    """Revoke one of the user's own tokens (administrators: anyone's)."""
    _, user = _who(request)
    store = store_of(request)
    store.revoke_token(token_id, actor=user)
    return _page(
        request, "staff/tokens.html", tokens=store.tokens(user), new=None, revoked=token_id
    )


@router.get("/template")
def template(request: Request) -> Response:
    _, user = _who(request)
    from .staff_files import template_response

    return template_response(request, user, request.query_params.get("department") or None)
