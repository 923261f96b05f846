"""Who is asking: signed session cookies, API tokens, roles and the login rate limit.

A session cookie holds a small JSON payload (user name, CSRF token, issue time) and an
HMAC-SHA256 signature made with the site's secret key; the server keeps no session
state. The user's role is read from the store on every request, so a changed role or a
removed user takes effect at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from .errors import AuthRequired, Forbidden, TooManyAttempts

ADMIN, REVIEWER, REPORTER, VIEWER = "admin", "reviewer", "reporter", "viewer"
ROLES = (ADMIN, REVIEWER, REPORTER, VIEWER)
WRITERS = frozenset({ADMIN, REPORTER})
REVIEWERS = frozenset({ADMIN, REVIEWER})
STAFF = frozenset(ROLES)
SESSION_AGE = 12 * 3600


@dataclass
class Principal:
    """The user behind a request (None for the public) and how they proved it."""

    user: dict | None = None
    via: str | None = None  # "session", "token" or None
    session: dict = field(default_factory=dict)

    @property
    def username(self) -> str | None:
        return self.user.get("username") if self.user else None

    @property
    def role(self) -> str | None:
        return self.user.get("role") if self.user else None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF

    def can(self, roles: frozenset[str] | set[str]) -> bool:
        return self.role in roles

    def require(self, roles: frozenset[str] | set[str] = STAFF) -> dict:
        """The user, if logged in with one of ``roles``; else 401 or 403."""
        if self.user is None:
            raise AuthRequired("log in or send an API token (Authorization: Bearer …)")
        if self.role not in roles:
            raise Forbidden(
                f"user {self.username!r} (role {self.role}) may not do this; "
                f"it needs the role {' or '.join(sorted(roles))}"
            )
        return self.user


class Signer:
    """Sign and check cookie values with HMAC-SHA256."""

    def __init__(self, secret: str, purpose: str = "session", max_age: int = SESSION_AGE):
        self._key = hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()
        self.max_age = max_age

    def _sig(self, body: bytes) -> str:
        mac = hmac.new(self._key, body, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()

    def dumps(self, payload: dict) -> str:
        payload = {**payload, "t": int(time.time())}
        raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
        body = base64.urlsafe_b64encode(raw).rstrip(b"=")
        return f"{body.decode()}.{self._sig(body)}"

    def loads(self, value: str | None) -> dict | None:
        if not value or "." not in value:
            return None
        body, sig = value.rsplit(".", 1)
        if not hmac.compare_digest(sig, self._sig(body.encode())):
            return None
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            payload = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(payload, dict):
            return None
        if time.time() - float(payload.get("t", 0)) > self.max_age:
            return None
        return payload


class LoginLimiter:
    """At most ``attempts`` failed logins per (user name, address) in ``window`` seconds."""

    def __init__(self, attempts: int = 5, window: float = 900.0):
        self.attempts = attempts
        self.window = window
        self._fails: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        q = self._fails.setdefault(key, deque())
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def check(self, username: str, address: str) -> None:
        with self._lock:
            q = self._recent((username.lower(), address), time.monotonic())
            if len(q) >= self.attempts:
                wait = int(self.window - (time.monotonic() - q[0])) + 1
                raise TooManyAttempts(
                    f"too many failed logins for {username!r}; try again in {wait} s"
                )

    def failed(self, username: str, address: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent((username.lower(), address), now).append(now)

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._fails.pop((username.lower(), address), None)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "-"


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def _lookup_user(store: Any, username: str) -> dict | None:
    getter = getattr(store, "user", None)
    if callable(getter):
        try:
            return getter(username)
        except Exception:
            return None
    for u in store.users():
        if u.get("username") == username:
            return u
    return None


def _active(user: dict | None) -> dict | None:
    if user is None or user.get("active", True) is False or user.get("disabled"):
        return None
    return user


def principal(request: Request) -> Principal:
    """The request's principal, worked out once per request."""
    found = getattr(request.state, "principal", None)
    if found is not None:
        return found
    app = request.app
    store = app.state.source.store
    p = Principal()
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        token = auth[7:].strip()
        user = _active(store.user_for_token(token)) if store is not None and token else None
        if user is None:
            raise AuthRequired("the API token is unknown, expired or revoked")
        p = Principal(user=user, via="token")
    else:
        raw = request.cookies.get(app.state.session_cookie)
        if raw:
            session = app.state.signer.loads(raw) or {}
            user = None
            if session.get("u") and store is not None:
                user = _active(_lookup_user(store, session["u"]))
            if session.get("u") and user is None:
                session = {}  # a session of a removed user is no session
            p = Principal(user=user, via="session" if user else None, session=session)
    request.state.principal = p
    return p


async def current(request: Request) -> Principal:
    """FastAPI dependency: the request's principal."""
    return principal(request)
