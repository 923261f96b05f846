"""Who is asking: server-side sessions, API tokens, roles and the login rate limit.

A session cookie holds a small JSON payload — the session's secret ``s`` (signed-in users)
and the CSRF token — with an HMAC-SHA256 signature made with the site's secret key. The
session itself lives in the store: logout, deactivation and a password change end it
there, so a copied cookie stops working at once. The user's role is read from the store
on every request, so a changed role or a removed user takes effect at once. Failed logins
are counted in the store too, so every worker process shares one limit.
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
from starlette.concurrency import run_in_threadpool

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
    """At most ``attempts`` failed logins per user name (and ``per_address`` per client
    address) in ``window`` seconds, counted in the store so that every worker process and
    every restart sees the same counts. Without a store (read-only sites, tests), in memory.
    """

    def __init__(
        self,
        attempts: int = 5,
        window: float = 900.0,
        store: Any = None,
        per_address: int | None = None,
    ):
        self.attempts = attempts
        self.window = window
        self.per_address = per_address if per_address is not None else attempts * 4
        self.store = store
        self._fails: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Any, store: Any = None) -> LoginLimiter:
        return cls(
            settings.login_attempts,
            60.0 * settings.login_window_minutes,
            store,
            settings.login_attempts_per_address,
        )

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        q = self._fails.setdefault(key, deque())
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def _wait(self, username: str, address: str) -> int:
        if self.store is not None:
            return int(self.store.login_wait(username, address))
        with self._lock:
            now, waits = time.monotonic(), [0]
            for key, limit in (
                (("user", username.casefold()), self.attempts),
                (("address", address), self.per_address),
            ):
                q = self._recent(key, now)
                if len(q) >= limit:
                    waits.append(int(self.window - (now - q[-limit])) + 1)
            return max(waits)

    def check(self, username: str, address: str) -> None:
        wait = self._wait(username, address)
        if wait > 0:
            raise TooManyAttempts(f"too many failed logins; try again in {wait} s")

    def failed(self, username: str, address: str) -> None:
        if self.store is not None:
            self.store.login_failed(username, address)
            return
        with self._lock:
            now = time.monotonic()
            for key in (("user", username.casefold()), ("address", address)):
                self._recent(key, now).append(now)

    def succeeded(self, username: str, address: str) -> None:
        if self.store is not None:
            self.store.login_succeeded(username, address)
            return
        with self._lock:
            self._fails.pop(("user", username.casefold()), None)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "-"


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


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
            secret = session.get("s")
            if isinstance(secret, str) and secret and store is not None:
                user = _active(store.session_user(secret))
            if user is None and (secret or session.get("u")):
                # an ended, expired or unknown session (or a cookie from before server-side
                # sessions) is no session: not even its CSRF token is accepted
                session = {}
            p = Principal(user=user, via="session" if user else None, session=session)
    request.state.principal = p
    return p


async def current(request: Request) -> Principal:
    """FastAPI dependency: the request's principal (its session or token is looked up in the
    store in a worker thread, never on the event loop)."""
    return await resolve_principal(request)


async def resolve_principal(request: Request) -> Principal:
    """:func:`principal`, with the store look-up run off the event loop."""
    found = getattr(request.state, "principal", None)
    if found is not None:
        return found
    return await run_in_threadpool(principal, request)


def begin_session(request: Request, response: Any, user: dict) -> None:
    """Log ``user`` in: a new server-side session and a new CSRF token in the cookie."""
    from .render import set_session

    store = request.app.state.source.store
    old = principal(request).session.get("s")
    if old:
        store.end_session(old, "replaced")
    secret = store.start_session(user)
    set_session(request, response, {"s": secret, "csrf": new_csrf()})


def end_session(request: Request, response: Any) -> None:
    """Log out: the session ends in the store (a copy of the cookie is worthless) and the
    browser forgets the cookie."""
    from .render import clear_session

    store = request.app.state.source.store
    raw = request.cookies.get(request.app.state.session_cookie)
    session = request.app.state.signer.loads(raw) or {} if raw else {}
    secret = session.get("s")
    if store is not None and isinstance(secret, str) and secret:
        store.end_session(secret, "logout")
    clear_session(request, response)
