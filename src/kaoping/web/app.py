"""The web application: ``create_app(source_or_store, settings) -> FastAPI``."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import KaopingError
from ..settings import Settings
from .auth import LoginLimiter, Signer
from .common import json_response
from .errors import error_body, http_status
from .plans import PlanCaches, PlanPrefix
from .render import HERE, html, page_html
from .source import as_source

log = logging.getLogger("kaoping.web")

DESCRIPTION = """The kaoping JSON API: the state of a development plan (scores, indicators,
series, projections) for everyone, and data entry, review, import and administration for
staff. Public endpoints show approved data only. Authenticate scripts with an API token
(`Authorization: Bearer <token>`); browsers use the session cookie and send the form's
CSRF token. See docs/api.md."""


def create_app(
    source_or_store: Any,
    settings: Settings | None = None,
    *,
    plan_id: str | None = None,
    version_ttl: float = 1.0,
) -> FastAPI:
    """The application serving a :class:`~kaoping.web.source.Source` or a Store.

    ``version_ttl``: how often (seconds) the data version is asked of the source; writes
    made through this application take effect at once regardless.
    """
    settings = settings or Settings.from_env()
    source = as_source(source_or_store, plan_id)
    app = FastAPI(
        title="kaoping",
        version=__version__,
        description=DESCRIPTION,
        # Swagger UI is served from local files at /docs (api_docs), never from a CDN
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.source = source
    app.state.settings = settings
    # one evaluation cache per plan; attribute access goes to the request's plan's
    app.state.cache = PlanCaches(source, ttl=version_ttl)
    app.state.signer = Signer(settings.resolved_secret_key(), max_age=3600 * settings.session_hours)
    app.state.limiter = LoginLimiter.from_settings(settings, source.store)
    app.state.session_cookie = "kaoping_session"

    from . import plans, routes_api, routes_pages, routes_reports, routes_staff, routes_staff_api

    app.include_router(plans.router)
    from . import routes_batches

    app.include_router(routes_batches.router)
    app.include_router(routes_api.router)
    app.include_router(routes_staff_api.router)
    app.include_router(routes_pages.router)
    app.include_router(routes_staff.router)
    from . import routes_supervision

    app.include_router(routes_supervision.router)
    app.include_router(routes_reports.router)
    from . import routes_assessment

    app.include_router(routes_assessment.router)
    from . import api_docs

    api_docs.install(app)  # /docs, /openapi.json and the Swagger UI files, before /static
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> Response:
        return json_response({"ok": True})

    routes_api.year_range_in_schema(app)  # the OpenAPI years are the plan's
    _handlers(app)
    from .import_jobs import install as install_imports

    install_imports(app, settings)  # the upload size limit, checked while streaming
    app.add_middleware(SecurityHeaders)
    # outermost: /p/<plan>/… is served as /… for that plan
    app.add_middleware(PlanPrefix)
    return app


HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
        b"object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
]

_NO_CSP = [h for h in HEADERS if h[0] != b"content-security-policy"]


class SecurityHeaders:
    """Adds security headers to every response (a plain ASGI middleware: no overhead). A
    response that sets its own Content-Security-Policy keeps it (``/docs`` allows scripts
    from the site, an HTML report its own stylesheet); every other gets the site's."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                own = any(k.lower() == b"content-security-policy" for k, _ in headers)
                message["headers"] = headers + (_NO_CSP if own else HEADERS)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_api(request: Request) -> bool:
    return (
        request.url.path.startswith("/api/")
        or request.query_params.get("format") == "json"
        or (
            "application/json" in request.headers.get("accept", "")
            and "text/html" not in request.headers.get("accept", "")
        )
    )


def _lang(request: Request) -> str:
    from .i18n import choose_lang

    q = request.query_params.get("lang")
    return choose_lang(
        q if q in ("en", "zh") else None,
        request.cookies.get("lang"),
        request.headers.get("accept-language"),
    )


def error_response(request: Request, status: int, body: dict) -> Response:
    """An error as JSON (API) or as a page (browser); never a traceback."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if _is_api(request):
        resp = json_response(body, status)
        if headers:
            resp.headers.update(headers)
        return resp
    from .i18n import tr

    lang = _lang(request)
    heading = {404: tr("not_found", lang), 403: tr("forbidden", lang), 401: tr("login", lang)}.get(
        status, tr("error", lang)
    )
    try:
        text = page_html(
            request,
            "error.html",
            None,
            lang,
            heading=heading,
            # the store's and the engine's messages are English: a Chinese page says what
            # happened in its own words
            message=tr(f"error_{status}_text", lang)
            if lang != "en" and status in (403, 404)
            else body.get("message", ""),
            problems=body.get("problems"),
        )
    except Exception:
        log.exception("error page failed")
        text = f"<!doctype html><title>{status}</title><p>{body.get('message', '')}</p>"
    if status == 401 and not request.url.path.startswith("/api/"):
        from urllib.parse import quote

        from fastapi.responses import RedirectResponse

        if request.method == "GET":
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    return html(text, status)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(KaopingError)
    async def kaoping_error(request: Request, exc: KaopingError) -> Response:
        return error_response(request, http_status(exc), error_body(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http")
        resp = error_response(request, exc.status_code, {"error": code, "message": str(exc.detail)})
        if exc.headers:  # e.g. Allow on 405
            resp.headers.update(exc.headers)
        return resp

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {
                "code": e.get("type", ""),
                "message": e.get("msg", ""),
                "column": ".".join(str(x) for x in e.get("loc", ())),
                "row": None,
            }
            for e in exc.errors()
        ]
        return error_response(
            request,
            422,
            {"error": "invalid", "message": "the request is not valid", "problems": problems},
        )

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(
            request,
            500,
            {"error": "internal", "message": "an unexpected error occurred; it has been logged"},
        )


def app_from_env() -> FastAPI:
    """The application as ``kaoping serve`` configures it through the environment (used
    by every worker process when serving with several workers)."""
    import os

    settings = Settings.from_env()
    if os.environ.get("KAOPING_SERVE_FILES") == "1":
        from .source import FileSource

        source: Any = FileSource(
            settings.plan,
            os.environ.get("KAOPING_SERVE_DATA") or None,
            os.environ.get("KAOPING_SERVE_VERDICTS") or None,
        )
        return create_app(source, settings)
    from ..store import Store

    store = Store.open(settings=settings)
    plan_id = os.environ.get("KAOPING_SERVE_PLAN_ID") or None
    # the plan served at / is also what a call without a plan id means in this process
    store.default_plan = plan_id
    return create_app(store, settings, plan_id=plan_id)
