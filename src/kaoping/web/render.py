"""Pages: the Jinja2 environment, its helpers, and rendered pages cached per snapshot."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..errors import KaopingError
from ..i18n import gettext_for, label
from ..report import charts
from ..report.labels import SYMBOL
from ..report.scorecard import fmt_number, fmt_pct, fmt_score
from .auth import new_csrf
from .common import Ctx, remember_lang
from .i18n import tr
from .plans import plans_menu

HERE = Path(__file__).parent


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        num=fmt_number,
        pct=fmt_pct,
        score_text=fmt_score,
        status_symbol=SYMBOL,
        series_chart=charts.series_chart,
        bar_chart=charts.bar_chart,
    )
    env.filters["num"] = fmt_number
    env.filters["pct"] = fmt_pct
    return env


def gettext_callables(lang: str) -> dict[str, Any]:
    """The page language's gettext callables for a template: ``_``/``gettext``,
    ``pgettext``, ``ngettext`` (what ``{% trans %}`` calls) and ``label(kind, code)``."""
    tr_ = gettext_for(lang)
    return {
        "_": tr_.gettext,
        "gettext": tr_.gettext,
        "pgettext": tr_.pgettext,
        "ngettext": tr_.ngettext,
        "label": lambda kind, code, **kw: label(kind, code, lang, **kw),
    }


def _link_factory(ctx: Ctx | None, request: Request) -> Callable[..., str]:
    keep: dict[str, str] = {}
    if ctx is not None:
        if ctx.year is not None:
            keep["year"] = str(ctx.year)
        if ctx.area != ctx.snap.evaluation.areas[0]:
            keep["area"] = ctx.area
        if not ctx.approved_only:
            keep["pending"] = "1"

    def link(path: str, **params: Any) -> str:
        q = {**keep, **{k: str(v) for k, v in params.items() if v is not None}}
        return path + ("?" + urlencode(q) if q else "")

    return link


def _lang_url(request: Request, lang: str) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    params.append(("lang", lang))
    return request.url.path + "?" + urlencode(params)


def page_html(request: Request, template: str, ctx: Ctx | None, lang: str, **data: Any) -> str:
    """A page rendered to text."""
    app = request.app
    who = ctx.who if ctx is not None else getattr(request.state, "principal", None)
    session = who.session if who is not None else {}
    plan = ctx.snap.plan if ctx is not None else app.state.cache.plan()
    return (
        environment()
        .get_template(template)
        .render(
            lang=lang,
            t=lambda key, **kw: tr(key, lang, **kw),
            **gettext_callables(lang),
            link=_link_factory(ctx, request),
            lang_url=lambda code: _lang_url(request, code),
            path=request.url.path,
            json_url=_lang_url(request, lang).replace("?", "?format=json&", 1),
            user=who.user if who is not None else None,
            role=who.role if who is not None else None,
            csrf=session.get("csrf", ""),
            unread_notices=_unread(app, who),
            read_only=app.state.source.store is None,
            site_plan=plan,
            plans_menu=plans_menu(request),
            site_title=(plan.short_title or plan.title).get(lang),
            ctx=ctx,
            **data,
        )
    )


def _unread(app: Any, who: Any) -> int:
    """The signed-in user's unread notices (0 without a store or a user)."""
    store = app.state.source.store
    if store is None or who is None or who.user is None:
        return 0
    try:
        return int(store.unread_notices(who.user))
    except KaopingError:
        return 0


def html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status)


def cached_page(
    ctx: Ctx, name: str, template: str, build: Callable[[], dict[str, Any]]
) -> Response:
    """A public page: rendered once per snapshot for anonymous readers."""
    request = ctx.request
    if ctx.who.user is None and not ctx.who.session:
        key = ("html", name, *ctx.cache_key, ctx.year is None)
        body = ctx.snap.memo(
            key, lambda: page_html(request, template, ctx, ctx.lang, **build()).encode()
        )
        resp: Response = Response(body, media_type="text/html; charset=utf-8")
    else:
        resp = html(page_html(request, template, ctx, ctx.lang, **build()))
    return remember_lang(ctx, resp)


def prepare_session(request: Request) -> bool:
    """Give a visitor without a session one with a CSRF token; True if it is new.

    The caller renders its form and then sets the cookie with :func:`set_session`."""
    from .auth import principal

    who = principal(request)
    if who.session.get("csrf"):
        return False
    who.session = {**who.session, "csrf": new_csrf()}
    return True


def set_session(request: Request, response: Response, session: dict) -> None:
    app = request.app
    response.set_cookie(
        app.state.session_cookie,
        app.state.signer.dumps(session),
        max_age=app.state.signer.max_age,
        httponly=True,
        samesite="lax",
        secure=app.state.settings.secure_cookies,
        path="/",
    )


def clear_session(request: Request, response: Response) -> None:
    response.delete_cookie(
        request.app.state.session_cookie,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )
