"""The interactive API documentation: Swagger UI at ``/docs``, served from local files.

The Swagger UI scripts and stylesheet come from the ``swagger-ui-py`` package (its copy of
the swagger-ui distribution) at ``/static/swagger-ui/``; nothing is loaded from another
site, so the page works offline. The site's Content-Security-Policy allows no inline
script: the page loads Swagger UI and ``/static/swagger-init.js``, which starts it on the
API description linked from the page. Only this page may run scripts (``script-src
'self'``); every other rule of the site's policy stays.

``/openapi.json`` redirects to the API description at ``/api/v1/openapi.json`` (under
``/p/<plan>/`` for another plan of the store, whose API lives at ``/p/<plan>/api/v1/``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from markupsafe import escape

OPENAPI_URL = "/api/v1/openapi.json"
ASSETS = "/static/swagger-ui"
#: the site's policy (app.HEADERS) with scripts from the site itself allowed
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

router = APIRouter(include_in_schema=False)


def swagger_ui_dir() -> Path:
    """The folder of the swagger-ui distribution shipped by ``swagger-ui-py``."""
    import swagger_ui

    return Path(swagger_ui.__file__).parent / "static"


def docs_html(title: str, lang: str = "en") -> str:
    """The page: Swagger UI's stylesheet and scripts (local), and the link to the API
    description that ``swagger-init.js`` reads (an ordinary link, so that it keeps a
    plan's ``/p/<plan>`` prefix and works without scripts too)."""
    t = escape(title)
    label = "OpenAPI 描述文件" if lang == "zh" else "OpenAPI description"
    return f"""<!doctype html>
<html lang="{"zh-CN" if lang == "zh" else "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{t} · API</title>
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<p class="swagger-ui"><a href="/" id="home-link">{t}</a> ·
<a href="{OPENAPI_URL}" id="openapi-url">{label}</a></p>
<div id="swagger-ui"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>
"""


@router.get("/docs")
def docs(request: Request) -> Response:
    """Swagger UI on this site's API (its own Content-Security-Policy: scripts from here)."""
    from .i18n import choose_lang

    q = request.query_params.get("lang")
    lang = choose_lang(
        q if q in ("en", "zh") else None,
        request.cookies.get("lang"),
        request.headers.get("accept-language"),
    )
    resp = HTMLResponse(docs_html(request.app.title, lang))
    resp.headers["Content-Security-Policy"] = DOCS_CSP
    return resp


@router.get("/openapi.json")
def openapi_json() -> Response:
    """Where the API description is (a plan's prefix is kept on the redirect)."""
    return RedirectResponse(OPENAPI_URL, status_code=307)


def install(app: FastAPI) -> None:
    """``/docs``, ``/openapi.json`` and the Swagger UI files (mount before ``/static``)."""
    app.include_router(router)
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_dir())), name="swagger-ui")
