"""Public pages (overview, group, lens, indicator), each with its JSON twin (?format=json),
and logging in and out."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from . import views
from .auth import begin_session, client_address, end_session, principal
from .common import context, json_response, remember_lang
from .csrf import check_csrf
from .errors import CsrfFailed, NoStore
from .i18n import choose_lang, tr
from .render import cached_page, html, page_html, prepare_session, set_session
from .routes_api import cached_json, indicator_data

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])


def _json_twin(request: Request) -> bool:
    return request.query_params.get("format") == "json"


@router.get("/")
def overview(request: Request) -> Response:
    ctx = context(request)
    build = lambda: views.overview(ctx.snap, ctx.area, ctx.lang)  # noqa: E731
    if _json_twin(request):
        return remember_lang(ctx, cached_json(ctx, "overview", build))
    return cached_page(ctx, "overview", "overview.html", lambda: {"page": build()})


def _nature(request: Request) -> str | None:
    """The filter by nature (``?nature=binding``), checked: None shows every indicator."""
    return views.check_nature(request.query_params.get("nature"))


@router.get("/g/{key}")
def group(request: Request, key: str) -> Response:
    ctx = context(request)
    nature = _nature(request)
    build = lambda: views.group(ctx.snap, key, ctx.area, ctx.lang, nature)  # noqa: E731
    if _json_twin(request):
        return remember_lang(ctx, cached_json(ctx, ("group", key, nature), build))

    def data() -> dict:
        page = build()
        return {
            "page": page,
            "heading": page["group"]["name"],
            "kind": tr("group", ctx.lang),
            "summary": page["group"],
            "description": page["group"].get("description"),
            "here": f"/g/{key}",
        }

    return cached_page(ctx, ("group", key, nature), "list.html", data)


@router.get("/l/{category}")
def lens(request: Request, category: str) -> Response:
    ctx = context(request)
    nature = _nature(request)
    build = lambda: views.lens(ctx.snap, category, ctx.area, ctx.lang, nature)  # noqa: E731
    if _json_twin(request):
        return remember_lang(ctx, cached_json(ctx, ("lens", category, nature), build))

    def data() -> dict:
        page = build()
        return {
            "page": page,
            "heading": page["category"]["name"],
            "kind": page["lens"]["name"],
            "summary": page["category"],
            "description": None,
            "here": f"/l/{category}",
        }

    return cached_page(ctx, ("lens", category, nature), "list.html", data)


@router.get("/i/{key}")
def indicator(request: Request, key: str) -> Response:
    ctx = context(request)
    if ctx.who.is_staff:
        page = indicator_data(ctx, key)
        if _json_twin(request):
            return remember_lang(ctx, json_response(page))
        from .auth import WRITERS
        from .staff_view import HISTORY_VERBATIM, history_table, staff_view

        columns, history = history_table(
            staff_view(request, ctx.lang), page.get("history") or [], key
        )

        text = page_html(
            request,
            "indicator.html",
            ctx,
            ctx.lang,
            page=page,
            history=history,
            history_columns=columns,
            history_verbatim=HISTORY_VERBATIM,
            can_enter=ctx.who.can(WRITERS),
        )
        return remember_lang(ctx, html(text))
    build = lambda: views.indicator(ctx.snap, key, ctx.area, ctx.lang)  # noqa: E731
    if _json_twin(request):
        return remember_lang(ctx, cached_json(ctx, ("indicator", key), build))
    return cached_page(
        ctx,
        ("indicator", key),
        "indicator.html",
        lambda: {"page": build(), "history": None, "can_enter": False},
    )


# ---- logging in and out -------------------------------------------------------------


def _lang(request: Request) -> str:
    return choose_lang(
        request.query_params.get("lang"),
        request.cookies.get("lang"),
        request.headers.get("accept-language"),
    )


def _login_page(
    request: Request, error: str = "", status: int = 200, username: str = ""
) -> Response:
    new = prepare_session(request)
    lang = _lang(request)
    text = page_html(
        request,
        "login.html",
        None,
        lang,
        error=error,
        username=username,
        next=request.query_params.get("next", ""),
    )
    resp = html(text, status)
    if new:
        set_session(request, resp, principal(request).session)
    return resp


@router.get("/login")
def login_form(request: Request) -> Response:
    if request.app.state.source.store is None:
        raise NoStore("this site is read-only (plan and data files): there is nothing to log in to")
    if principal(request).user is not None:
        return RedirectResponse("/staff", status_code=303)
    return _login_page(request)


@router.post("/login")
async def login(request: Request) -> Response:
    store = request.app.state.source.store
    if store is None:
        raise NoStore("this site is read-only (plan and data files): there is nothing to log in to")
    who = principal(request)
    if not who.session.get("csrf"):
        raise CsrfFailed("the login form has expired; reload the page")
    form = await request.form()
    # the password check (argon2) and the store's work run in a worker thread
    return await run_in_threadpool(_login, request, store, form)


def _login(request: Request, store: Any, form: Any) -> Response:
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    limiter = request.app.state.limiter
    address = client_address(request)
    limiter.check(username, address)
    user = store.authenticate(username, password) if username and password else None
    if user is None:
        limiter.failed(username, address)
        lang = _lang(request)
        msg = "用户名或密码错误。" if lang == "zh" else "Wrong user name or password."
        return _login_page(request, msg, 401, username)
    limiter.succeeded(username, address)
    target = str(form.get("next", "") or "/staff")
    if not target.startswith("/") or target.startswith("//"):
        target = "/staff"
    resp = RedirectResponse(target, status_code=303)
    # a new server-side session (and CSRF token) at every login
    begin_session(request, resp, user)
    return resp


@router.post("/logout")
def logout(request: Request) -> Response:
    resp = RedirectResponse("/", status_code=303)
    end_session(request, resp)  # ended in the store: a copied cookie is worthless
    return resp
