"""Server-side sessions of the web (the browser's cookie holds the secret; only its
SHA-256 is kept): start, look up, end, list."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .db import from_db, to_db
from .schema import sessions, users
from .users import public_user, token_hash

if TYPE_CHECKING:
    from .base import StoreBase, UserRef


class SessionsMixin:
    def start_session(self: StoreBase, user: UserRef) -> str:
        """A new session for an active user; returns its secret (for the browser's cookie).

        The session lasts KAOPING_SESSION_HOURS; logout, deactivation and a password change
        end it before that."""
        secret = secrets.token_urlsafe(32)
        now = self._auth_now()
        with self._write() as conn:
            who = self._actor(conn, user, system_if_none=False)
            conn.execute(
                sessions.insert().values(
                    id_hash=token_hash(secret),
                    user_id=who.id,
                    created_at=to_db(now),
                    last_seen_at=to_db(now),
                    expires_at=to_db(now + timedelta(hours=max(1, self.settings.session_hours))),
                )
            )
            # sessions long over are not worth keeping
            conn.execute(
                sessions.delete().where(
                    sessions.c.user_id == who.id,
                    sessions.c.expires_at < to_db(now - timedelta(days=30)),
                )
            )
        return secret

    def session_user(self: StoreBase, secret: str) -> dict[str, Any] | None:
        """The active user of a live session (not ended, not expired), else None."""
        if not secret or not isinstance(secret, str):
            return None
        now = to_db(self._auth_now())
        q = (
            sa.select(users, sessions.c.id.label("session_id"), sessions.c.last_seen_at)
            .join(sessions, sessions.c.user_id == users.c.id)
            .where(
                sessions.c.id_hash == token_hash(secret),
                sessions.c.ended_at.is_(None),
                sessions.c.expires_at > now,
            )
        )
        with self._read() as conn:
            row = conn.execute(q).mappings().first()
        if row is None or not row["active"]:
            return None
        seen = from_db(row["last_seen_at"])
        if seen is None or from_db(now) - seen > timedelta(minutes=1):
            with self._write() as conn:
                conn.execute(
                    sessions.update()
                    .where(sessions.c.id == row["session_id"])
                    .values(last_seen_at=now)
                )
        return public_user(row)

    def end_session(self: StoreBase, secret: str, reason: str = "logout") -> bool:
        """End one session (logout); True if it was live."""
        if not secret:
            return False
        with self._write() as conn:
            done = conn.execute(
                sessions.update()
                .where(sessions.c.id_hash == token_hash(secret), sessions.c.ended_at.is_(None))
                .values(ended_at=to_db(self._auth_now()), ended_reason=reason[:32])
            )
            return bool(done.rowcount)

    def live_sessions(self: StoreBase, username: str) -> list[dict[str, Any]]:
        """A user's live sessions: id, created_at, last_seen_at, expires_at."""
        now = to_db(self._auth_now())
        with self._read() as conn:
            rows = conn.execute(
                sa.select(
                    sessions.c.id,
                    sessions.c.created_at,
                    sessions.c.last_seen_at,
                    sessions.c.expires_at,
                )
                .join(users, users.c.id == sessions.c.user_id)
                .where(
                    users.c.username == username,
                    sessions.c.ended_at.is_(None),
                    sessions.c.expires_at > now,
                )
                .order_by(sessions.c.id)
            ).mappings()
            return [{k: (v if k == "id" else from_db(v)) for k, v in r.items()} for r in rows]

    def _end_sessions(
        self: StoreBase,
        conn: sa.Connection,
        user_id: int,
        reason: str,
        now: Any,
        keep: str | None = None,
    ) -> int:
        """End a user's live sessions (except ``keep``, a session's secret) in ``conn``."""
        where = [sessions.c.user_id == user_id, sessions.c.ended_at.is_(None)]
        if keep:
            where.append(sessions.c.id_hash != token_hash(keep))
        done = conn.execute(
            sessions.update().where(*where).values(ended_at=to_db(now), ended_reason=reason[:32])
        )
        return int(done.rowcount or 0)
