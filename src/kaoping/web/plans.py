"""Several plans served side by side: ``/p/<plan>/…`` for every route, the default at ``/``.

A request under ``/p/<plan>/`` is served as the same route without the prefix, for that
plan: :data:`~kaoping.web.source.CURRENT_PLAN` names it for the request, the application's
source, cache and store answer for it, and the links and redirects of the response keep
the prefix. Without a prefix a request is for the default plan (``serve --plan``, else the
store's default), so the URLs of a one-plan site are unchanged.
"""

from __future__ import annotations

import re
import threading
from typing import Any
from urllib.parse import quote, unquote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from .cache import EvaluationCache
from .common import json_response
from .source import CURRENT_PLAN, PlanSources

PREFIX = "/p/"
# an absolute link of a page: not protocol-relative, not already a plan's, not a static file
_LINK = re.compile(rb"""(\s(?:href|action|src|formaction)=["'])/(?!/|p/|static/)""")


def plan_prefix(plan_id: str) -> str:
    return f"{PREFIX}{quote(plan_id, safe='')}"


def plan_url(plan_id: str, path: str = "/") -> str:
    """A path of ``plan_id``'s site, e.g. ``plan_url("p", "/i/gdp")`` → ``/p/p/i/gdp``."""
    return plan_prefix(plan_id) + path


class PlanCaches:
    """One :class:`EvaluationCache` per plan; attribute access goes to the current plan's."""

    def __init__(self, sources: Any, ttl: float = 1.0):
        self.sources = sources
        self.ttl = ttl
        self._caches: dict[str | None, EvaluationCache] = {}
        self._lock = threading.Lock()

    def for_plan(self, plan_id: str | None) -> EvaluationCache:
        if not isinstance(self.sources, PlanSources):
            plan_id = None
        else:
            plan_id = plan_id or self.sources.default_id()
        with self._lock:
            cache = self._caches.get(plan_id)
            if cache is None:
                src = self.sources.for_plan(plan_id) if plan_id else self.sources
                cache = self._caches[plan_id] = EvaluationCache(src, ttl=self.ttl)
        return cache

    def current(self) -> EvaluationCache:
        pid = self.sources.current_id() if isinstance(self.sources, PlanSources) else None
        return self.for_plan(pid)

    def invalidate(self) -> None:
        """Forget every plan's data version (a write may touch what several plans read)."""
        with self._lock:
            caches = list(self._caches.values())
        for c in caches:
            c.invalidate()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.current(), name)


class PlanPrefix:
    """ASGI middleware: ``/p/<plan>/rest`` is served as ``/rest`` for that plan."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(PREFIX):
            token = CURRENT_PLAN.set(None)
            try:
                await self.app(scope, receive, send)
            finally:
                CURRENT_PLAN.reset(token)
            return
        raw, _, rest = path[len(PREFIX) :].partition("/")
        plan_id = unquote(raw)
        if not rest and not path.endswith("/"):
            # /p/<plan> → /p/<plan>/
            await _redirect(send, plan_prefix(plan_id) + "/")
            return
        prefix = plan_prefix(plan_id)
        scope = dict(scope)
        scope["path"] = "/" + rest
        scope["raw_path"] = scope["path"].encode()
        scope["kaoping.plan_prefix"] = prefix
        if not _known(scope, plan_id):
            await _unknown(scope, receive, send, plan_id)
            return
        token = CURRENT_PLAN.set(plan_id)
        try:
            rewrite = _Rewriter(send, prefix.encode(), scope.get("method") != "HEAD")
            await self.app(scope, receive, rewrite)
        finally:
            CURRENT_PLAN.reset(token)


def _known(scope: dict, plan_id: str) -> bool:
    app = scope.get("app")
    sources = getattr(getattr(app, "state", None), "source", None)
    if isinstance(sources, PlanSources):
        return plan_id in sources.known_ids()
    try:
        return sources is not None and sources.plan().id == plan_id
    except Exception:
        return False


async def _unknown(scope: dict, receive: Any, send: Any, plan_id: str) -> None:
    """404 for a plan the store does not hold, as the API or a page (of the default plan)."""
    from .app import error_response

    request = Request(scope, receive)
    body = {"error": "not-found", "message": f"no plan {plan_id!r} in the store"}
    token = CURRENT_PLAN.set(None)
    try:
        response = error_response(request, 404, body)
    finally:
        CURRENT_PLAN.reset(token)
    await response(scope, receive, send)


async def _redirect(send: Any, location: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 308,
            "headers": [(b"location", location.encode()), (b"content-length", b"0")],
        }
    )
    await send({"type": "http.response.body", "body": b""})


class _Rewriter:
    """Keeps a plan's prefix on the links of its pages and on its redirects."""

    def __init__(self, send: Any, prefix: bytes, pages: bool = True) -> None:
        self.send = send
        self.prefix = prefix
        self.pages = pages  # rewrite the links of pages (not for HEAD: no body)
        self.start: dict | None = None
        self.body: list[bytes] = []

    def _location(self, value: bytes) -> bytes:
        if value.startswith(b"/") and not value.startswith((b"//", b"/p/", b"/static/")):
            return self.prefix + value
        return value

    async def __call__(self, message: dict) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (k, self._location(v) if k.lower() == b"location" else v)
                for k, v in message.get("headers", [])
            ]
            ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
            message = {**message, "headers": headers}
            if self.pages and ctype.startswith(b"text/html"):
                self.start = message  # held until the whole page is read
                return
            await self.send(message)
            return
        if message["type"] == "http.response.body" and self.start is not None:
            self.body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = _LINK.sub(
                rb"\1" + self.prefix.replace(b"\\", b"\\\\") + b"/", b"".join(self.body)
            )
            headers = [(k, v) for k, v in self.start["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await self.send({**self.start, "headers": headers})
            await self.send({"type": "http.response.body", "body": body})
            return
        await self.send(message)


def plans_menu(request: Request) -> list[dict[str, Any]]:
    """The plans of the store for the switcher (empty for a store with one plan)."""
    sources = request.app.state.source
    if not isinstance(sources, PlanSources):
        return []
    try:
        ids = sources.plan_ids()
        if len(ids) < 2:
            return []
        current = sources.current_id()
        store = sources.raw_store
        out = []
        for pid in ids:
            plan = store.plan(pid)
            out.append(
                {
                    "id": pid,
                    "title": plan.short_title or plan.title,
                    "url": plan_url(pid),
                    "current": pid == current,
                }
            )
        return out
    except Exception:  # the switcher never breaks a page
        return []


class PlanTitle(BaseModel):
    zh: str
    en: str


class PlanEntry(BaseModel):
    """A plan the site serves."""

    id: str
    title: PlanTitle
    version: str
    url: str
    api: str
    default: bool


router = APIRouter()


@router.get(
    "/api/v1/plans",
    tags=["public"],
    summary="The plans in the store",
    response_model=list[PlanEntry],
)
def list_plans(request: Request) -> Response:
    """Every plan the site serves: id, title (zh, en), version, the URL of its site
    (``/p/<plan>/``; its API is under ``/p/<plan>/api/v1/``) and whether it is the default
    plan (also served at ``/``)."""
    sources = request.app.state.source
    if isinstance(sources, PlanSources):
        store = sources.raw_store
        default = sources.default_id()
        plans = [(pid, store.plan(pid)) for pid in sources.plan_ids()]
    else:
        plan = sources.plan()
        default = plan.id
        plans = [(plan.id, plan)]
    return json_response(
        [
            {
                "id": pid,
                "title": {"zh": p.title.zh, "en": p.title.en or ""},
                "version": p.version,
                "url": plan_url(pid),
                "api": plan_url(pid, "/api/v1/"),
                "default": pid == default,
            }
            for pid, p in plans
        ]
    )
