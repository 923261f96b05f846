"""Supervision pages: tasks, progress updates with evidence, ratings, the reporting calendar
with completeness, overdue lists (a closed plan's final record), notices and the off-track
loop. Their JSON twins are in :mod:`.routes_supervision_api`; :data:`router` serves both.

Every page needs a signed-in user; every request is role-checked here and again by the
store (a reporter files only on tasks of its department; reviewers rate; admins do all).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ..errors import KaopingError
from .auth import ADMIN, REVIEWERS, STAFF, Principal, principal
from .csrf import check_csrf
from .errors import error_body, http_status
from .i18n import STATUS, choose_lang
from .render import html, page_html
from .routes_staff_api import changed, store_of
from .routes_supervision_api import RowId, TaskKey, _off_track, api
from .staff_view import period_text, staff_view

pages = APIRouter(
    prefix="/supervision", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
router = APIRouter()

MAX_UPLOAD = 20 * 1024 * 1024


def _lang(request: Request) -> str:
    q = request.query_params.get("lang")
    return choose_lang(
        q if q in ("en", "zh") else None,
        request.cookies.get("lang"),
        request.headers.get("accept-language"),
    )


def _page(request: Request, template: str, status: int = 200, **data: Any) -> Response:
    if "window" not in data:  # the sub-navigation names the final record of a closed plan
        data["window"] = store_of(request).supervision_window()
    lang = _lang(request)
    data.setdefault("fmt", staff_view(request, lang))  # names, times to the minute
    data.setdefault("period_name", lambda code: period_text(str(code or ""), lang))
    return html(page_html(request, template, None, lang, **data), status)


def _who(request: Request, roles: frozenset[str] | set[str] = STAFF) -> tuple[Principal, dict]:
    who = principal(request)
    return who, who.require(roles)


def _err(e: KaopingError) -> dict:
    body = error_body(e)
    body["status"] = http_status(e)
    return body


def _dept_names(store: Any) -> dict[str, dict[str, str]]:
    return {
        d["key"]: {"zh": d["name_zh"], "en": d["name_en"] or d["name_zh"]}
        for d in store.departments()
    }


def _int(v: Any, default: int | None = None) -> int | None:
    try:
        return int(str(v).strip())
    except (TypeError, ValueError):
        return default


def _current_period(periods: list[dict], today: date) -> str | None:
    """The period being reported now: the first not yet due, else the last one."""
    if not periods:
        return None
    for p in sorted(periods, key=lambda p: (p["due"], p["key"])):
        if p["start"] <= today <= p["due"]:
            return p["key"]
    past = [p for p in periods if p["due"] < today]
    return (past[-1] if past else periods[0])["key"]


# ---- pages: tasks ---------------------------------------------------------------------------


@pages.get("")
def tasks_page(request: Request) -> Response:
    who, _user = _who(request)
    store = store_of(request)
    plan = request.app.state.cache.plan()
    q = request.query_params
    dept = q.get("department") or None
    chapter = _int(q.get("chapter"))
    text = (q.get("q") or "").strip().lower()
    chapter_of = {a.number: a.chapter for a in plan.articles}
    rows = []
    for t in store.tasks(department=dept):
        if chapter is not None and chapter_of.get(t["article"]) != chapter:
            continue
        if text and not any(
            text in s.lower() for s in (t["key"], t["title"]["zh"], t["title"]["en"])
        ):
            continue
        t["chapter"] = chapter_of.get(t["article"])
        rows.append(t)
    return _page(
        request,
        "supervision/tasks.html",
        tasks=rows,
        departments=store.departments(),
        names=_dept_names(store),
        chapters=plan.chapters,
        f_department=dept or "",
        f_chapter=chapter,
        f_q=q.get("q", ""),
        info=store.assignment_info(),
        my_department=(who.user or {}).get("department"),
    )


def _task_page(
    request: Request,
    key: str,
    status: int = 200,
    error: dict | None = None,
    conflict: dict | None = None,
    values: dict | None = None,
    saved: dict | None = None,
) -> Response:
    who, user = _who(request)
    store = store_of(request)
    plan = request.app.state.cache.plan()
    task = store.task(key)
    history = store.task_history(key)
    periods = store.calendar()
    today = store.now().date()
    v = dict(values or {})
    period = (
        v.get("period")
        or request.query_params.get("period")
        or (_current_period(periods, today) or "")
    )
    v["period"] = period
    latest_rev = max((h["revision"] for h in history if h["period"] == period), default=0)
    v.setdefault("base_revision", latest_rev)
    if conflict is None and not values:
        v["base_revision"] = latest_rev
    indicators = []
    for k in task["indicators"]:
        try:
            indicators.append(plan.indicator(k))
        except KeyError:
            continue
    article = next((a for a in plan.articles if a.number == task["article"]), None)
    return _page(
        request,
        "supervision/task.html",
        status,
        task=task,
        article=article,
        history=history,
        periods=periods,
        names=_dept_names(store),
        indicators=indicators,
        can_file=store.may_file(user, key) and task["active"],
        can_rate=who.can(REVIEWERS),
        v=v,
        error=error,
        conflict=conflict,
        saved=saved,
        statuses=("green", "amber", "red"),
    )


@pages.get("/tasks/{key}")
def task_page(request: Request, key: TaskKey) -> Response:
    return _task_page(request, key)


@pages.post("/tasks/{key}/updates")
async def file_update(request: Request, key: TaskKey) -> Response:
    _, user = _who(request)
    form = await request.form()
    v = {k: str(form.get(k, "")).strip() for k in ("period", "status", "percent", "narrative")}
    v["links"] = str(form.get("links", ""))
    base = _int(form.get("base_revision"))
    v["base_revision"] = base
    files = []
    for up in form.getlist("files"):
        if hasattr(up, "read"):
            data = await up.read(MAX_UPLOAD + 1)
            if data:
                files.append((up.filename or "evidence", up.content_type or "", data))
    # the store's work runs in a worker thread: never on the event loop
    return await run_in_threadpool(_file_update, request, user, key, v, base, files)


def _file_update(
    request: Request, user: Any, key: str, v: dict, base: Any, files: list
) -> Response:
    store = store_of(request)
    try:
        saved = store.file_update(
            user,
            key,
            v["period"],
            v["status"],
            v["percent"],
            v["narrative"],
            links=[x for x in v["links"].splitlines() if x.strip()],
            files=files,
            base_revision=base,
        )
    except KaopingError as e:
        if type(e).__name__ == "Conflict":
            cur = getattr(e, "current", None)
            v["base_revision"] = cur["revision"] if cur else 0
            return _task_page(
                request, key, 409, conflict={"current": cur, "message": str(e)}, values=v
            )
        return _task_page(request, key, http_status(e), error=_err(e), values=v)
    changed(request)
    return _task_page(request, key, saved=saved, values={"period": saved["period"]})


@pages.get("/evidence/{evidence_id}")
def evidence(request: Request, evidence_id: RowId) -> Response:
    _who(request)
    ev = store_of(request).evidence(evidence_id)
    name = ev["name"]
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    from ..store.filetypes import served_type

    return Response(
        ev["data"],
        media_type=served_type(name, ev["media_type"]),  # never the uploader's declared type
        headers={  # X-Content-Type-Options: nosniff comes with every response (app.py)
            "Content-Disposition": f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(name)}",
            "X-Content-SHA256": ev["sha256"],
        },
    )


@pages.post("/updates/{update_id}/rating")
async def rate(request: Request, update_id: RowId) -> Response:
    _, user = _who(request, REVIEWERS)
    form = await request.form()
    return await run_in_threadpool(_rate, request, user, update_id, form)


def _rate(request: Request, user: Any, update_id: int, form: Any) -> Response:
    store = store_of(request)
    task = str(form.get("task", ""))
    lo, hi = _int(form.get("scale_min"), 1), _int(form.get("scale_max"), 5)
    try:
        r = store.rate(
            user, update_id, str(form.get("score", "")), str(form.get("comment", "")), (lo, hi)
        )
    except KaopingError as e:
        if not task:
            raise
        return _task_page(request, task, http_status(e), error=_err(e))
    return RedirectResponse(f"/supervision/tasks/{quote(r['task'])}#update-{update_id}", 303)


# ---- pages: calendar, completeness, overdue ----------------------------------------------------


@pages.get("/calendar")
def calendar_page(request: Request) -> Response:
    who, _ = _who(request)
    store = store_of(request)
    plan = request.app.state.cache.plan()
    window = store.supervision_window()
    day = window["as_of"]  # lateness is judged within the plan's period, never after it
    all_periods = store.calendar()
    years = sorted({p["year"] for p in all_periods})
    year = _int(request.query_params.get("year"))
    if year is None:
        year = day.year if day.year in years else (years[-1] if years else plan.period.end)
    periods = [p for p in all_periods if p["year"] == year]
    period = request.query_params.get("period") or _current_period(periods, day)
    by_dept = by_group = by_chapter = []
    if period and any(p["key"] == period for p in periods):
        by_dept = store.completeness(period, "department")
        by_group = store.completeness(period, "group")
        by_chapter = store.completeness(period, "chapter")
    else:
        period = None
    return _page(
        request,
        "supervision/calendar.html",
        years=years,
        year=year,
        periods=periods,
        period=period,
        by_dept=by_dept,
        by_group=by_group,
        by_chapter=by_chapter,
        can_set=who.role == ADMIN,
        plan_years=list(range(plan.period.start, plan.period.end + 1)),
        today=day,
        window=window,
    )


@pages.post("/calendar")
async def set_calendar(request: Request) -> Response:
    _, user = _who(request, {ADMIN})
    form = await request.form()
    return await run_in_threadpool(_set_calendar, request, user, form)


def _set_calendar(request: Request, user: Any, form: Any) -> Response:
    year = _int(form.get("year"))
    plan = request.app.state.cache.plan()
    if year is None or not plan.period.start <= year <= plan.period.end:
        from .errors import WebError

        raise WebError(f"choose a year from {plan.period.start} to {plan.period.end}")
    store_of(request).set_calendar(user, year)
    return RedirectResponse(f"/supervision/calendar?year={year}", 303)


def _year_of(request: Request, plan: Any) -> int | None:
    """``?year=`` when it is one of the plan's years; None (every year) otherwise."""
    year = _int(request.query_params.get("year"))
    return year if year is not None and plan.period.start <= year <= plan.period.end else None


@pages.get("/overdue")
def overdue_page(request: Request) -> Response:
    """What is late — or, once the plan's period has ended, its final record: each task
    done on time, done late (how late) or not done by the end, and the reports filed."""
    _who(request)
    store = store_of(request)
    plan = request.app.state.cache.plan()
    dept = request.query_params.get("department") or None
    year = _year_of(request, plan)
    window = store.supervision_window()
    common = {
        "departments": store.departments(),
        "names": _dept_names(store),
        "f_department": dept or "",
        "f_year": year,
        "window": window,
        "today": window["as_of"],
    }
    if window["closed"]:
        record = store.task_record(year=year, department=dept)
        return _page(request, "supervision/record.html", record=record, **common)
    rows = store.overdue(department=dept, year=year)
    return _page(request, "supervision/overdue.html", rows=rows, **common)


# ---- pages: notices ---------------------------------------------------------------------------


@pages.get("/notices")
def notices_page(request: Request) -> Response:
    _, user = _who(request)
    return _page(request, "supervision/notices.html", notices=store_of(request).notices(user))


@pages.post("/notices/read")
async def notices_read(request: Request) -> Response:
    _, user = _who(request)
    form = await request.form()
    await run_in_threadpool(store_of(request).mark_read, user, _int(form.get("id")))
    return RedirectResponse("/supervision/notices", 303)


# ---- pages: the off-track loop ------------------------------------------------------------------


@pages.get("/off-track")
def off_track_page(request: Request) -> Response:
    return _off_track_view(request)


def _off_track_view(
    request: Request, status: int = 200, error: dict | None = None, v: dict | None = None
) -> Response:
    who, _user = _who(request)
    store = store_of(request)
    year = _int(request.query_params.get("year")) if v is None else _int(v.get("year"))
    snap, rows, year = _off_track(request, year)
    owners = store.assignments()
    mine = (who.user or {}).get("department")
    lang = _lang(request)
    for r in rows:
        r["status_label"] = STATUS.get(r["status"], {}).get(lang, r["status"])
        r["can_explain"] = who.role == ADMIN or (
            who.role == "reporter" and mine is not None and owners.get(r["indicator"]) == mine
        )
    show_all = request.query_params.get("all") in ("1", "true")
    listed = rows if show_all else [r for r in rows if r["missing"]]
    return _page(
        request,
        "supervision/off_track.html",
        status,
        rows=listed,
        total=len(rows),
        open_count=sum(1 for r in rows if r["missing"]),
        show_all=show_all,
        year=year,
        plan=snap.plan,
        tasks=(tasks := store.tasks()),
        task_titles={t["key"]: t["title"].get(lang) or t["title"].get("zh") for t in tasks},
        area_names={a.key: a.name.get(lang) for a in snap.plan.areas},
        names=_dept_names(store),
        error=error,
        v=v or {},
    )


@pages.post("/off-track")
async def explain(request: Request) -> Response:
    _, user = _who(request)
    form = await request.form()
    return await run_in_threadpool(_explain, request, user, form)


def _explain(request: Request, user: Any, form: Any) -> Response:
    v = {
        k: str(form.get(k, "")).strip()
        for k in ("indicator", "area", "year", "text", "corrective_task")
    }
    year = _int(v["year"])
    try:
        if year is None:
            from ..errors import UsageError

            raise UsageError("the year must be a whole number")
        store_of(request).explain(
            user,
            v["indicator"],
            v["area"] or None,
            year,
            v["text"],
            v["corrective_task"] or None,
        )
    except KaopingError as e:
        err = _err(e)
        return _off_track_view(request, err["status"], err, v)
    return RedirectResponse(f"/supervision/off-track?year={year}", 303)


router.include_router(api)
router.include_router(pages)
