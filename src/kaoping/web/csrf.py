"""CSRF protection: a per-session token in every form, checked on every unsafe request.

Requests authenticated by an API token (``Authorization: Bearer``) carry no ambient
credential and are exempt; every other POST, PUT, PATCH or DELETE that comes with a
session cookie must send the session's token as the form field ``csrf_token`` or the
header ``X-CSRF-Token``.
"""

from __future__ import annotations

import hmac

from fastapi import Request

from .auth import resolve_principal
from .errors import CsrfFailed

FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


async def submitted_token(request: Request) -> str:
    """The token the request sends (header, else form field)."""
    token = request.headers.get(HEADER, "")
    if token:
        return token
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def check_csrf(request: Request) -> None:
    """FastAPI dependency: refuse an unsafe cookie-session request without the right token."""
    if request.method in SAFE:
        return
    principal = await resolve_principal(request)
    if principal.via == "token":
        return
    expected = principal.session.get("csrf", "")
    ctype = request.headers.get("content-type", "")
    is_form = ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))
    if not expected and request.url.path == "/logout":
        return  # a session ended elsewhere (password change, deactivation): just sign out
    if not expected:
        # no session: a form must still come from one of our pages (login CSRF); a JSON
        # request without credentials carries nothing ambient and gets 401 from its route
        if is_form or request.cookies.get(request.app.state.session_cookie):
            raise CsrfFailed("the form's security token is missing or expired; reload the page")
        return
    got = await submitted_token(request)
    if not got or not hmac.compare_digest(expected, got):
        raise CsrfFailed("the form's security token is missing or wrong; reload the page")
