"""Expiring API tokens (sent as ``Authorization: Bearer``); only their SHA-256 is kept."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import UsageError
from .db import from_db, to_db
from .errors import NotFound
from .schema import api_tokens, users
from .users import public_user, token_hash

if TYPE_CHECKING:
    from .base import StoreBase, UserRef


class TokensMixin:
    def _token_expiry(self: StoreBase, days: int | None) -> int:
        most = max(1, int(self.settings.token_max_days))
        if days is None:
            return min(max(1, int(self.settings.token_days)), most)
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise UsageError(f"a token lasts 1 to {most} days, not {days!r}")
        if days > most:
            raise UsageError(f"a token lasts at most {most} days (KAOPING_TOKEN_MAX_DAYS)")
        return days

    def issue_token(
        self: StoreBase,
        user: UserRef,
        name: str,
        actor: UserRef = None,
        days: int | None = None,
    ) -> dict[str, Any]:
        """A new API token for ``user``: ``token`` (returned once; only its SHA-256 is kept),
        ``id``, ``name``, ``created_at`` and ``expires_at`` (after ``days``, by default
        KAOPING_TOKEN_DAYS, at most KAOPING_TOKEN_MAX_DAYS)."""
        days = self._token_expiry(days)
        token = secrets.token_urlsafe(32)
        now = self._auth_now()
        expires = now + timedelta(days=days)
        name = (name or "token").strip()[:128] or "token"
        with self._write() as conn:
            owner = self._actor(conn, user, system_if_none=False)
            who = self._actor(conn, actor, system_if_none=True) if actor is not None else owner
            self._require(who, who.is_admin or who.username == owner.username, "create this token")
            new_id = conn.execute(
                api_tokens.insert()
                .values(
                    user_id=owner.id,
                    name=name,
                    token_hash=token_hash(token),
                    created_at=to_db(now),
                    expires_at=to_db(expires),
                )
                .returning(api_tokens.c.id)
            ).scalar_one()
            self._audit(
                conn,
                who,
                "token.create",
                "user",
                owner.username,
                detail={"name": name, "expires_at": to_db(expires)},
            )
        return {
            "token": token,
            "id": new_id,
            "name": name,
            "username": owner.username,
            "created_at": from_db(to_db(now)),
            "expires_at": from_db(to_db(expires)),
        }

    def create_token(
        self: StoreBase, user: UserRef, name: str, actor: UserRef = None, days: int | None = None
    ) -> str:
        """A new API token for ``user``, returned once (see :meth:`issue_token`)."""
        return self.issue_token(user, name, actor, days)["token"]

    def tokens(self: StoreBase, user: UserRef) -> list[dict[str, Any]]:
        """A user's tokens (id, name, created_at, expires_at, revoked_at, expired) — never
        the token itself."""
        now = from_db(to_db(self._auth_now()))
        with self._read() as conn:
            owner = self._actor(conn, user, system_if_none=False)
            rows = conn.execute(
                sa.select(
                    api_tokens.c.id,
                    api_tokens.c.name,
                    api_tokens.c.created_at,
                    api_tokens.c.expires_at,
                    api_tokens.c.revoked_at,
                )
                .where(api_tokens.c.user_id == owner.id)
                .order_by(api_tokens.c.id)
            ).mappings()
            out = []
            for r in rows:
                expires = from_db(r["expires_at"])
                out.append(
                    {
                        **r,
                        "created_at": from_db(r["created_at"]),
                        "expires_at": expires,
                        "revoked_at": from_db(r["revoked_at"]),
                        "expired": expires is None or expires <= now,
                    }
                )
            return out

    def user_for_token(self: StoreBase, token: str) -> dict[str, Any] | None:
        """The active user a valid token belongs to (not revoked, not expired), else None."""
        if not token:
            return None
        q = (
            sa.select(users)
            .join(api_tokens, api_tokens.c.user_id == users.c.id)
            .where(
                api_tokens.c.token_hash == token_hash(token),
                api_tokens.c.revoked_at.is_(None),
                api_tokens.c.expires_at > to_db(self._auth_now()),
            )
        )
        with self._read() as conn:
            row = conn.execute(q).mappings().first()
        if row is None or not row["active"]:
            return None
        return public_user(row)

    def revoke_token(self: StoreBase, token_id: int | str, actor: UserRef = None) -> None:
        """Revoke a token by its id (or by the token itself)."""
        now = self.now()
        with self._write() as conn:
            who = self._actor(conn, actor, system_if_none=True)
            where = (
                api_tokens.c.token_hash == token_hash(token_id)
                if isinstance(token_id, str)
                else api_tokens.c.id == token_id
            )
            row = (
                conn.execute(
                    sa.select(api_tokens.c.id, api_tokens.c.name, users.c.username)
                    .join(users, users.c.id == api_tokens.c.user_id)
                    .where(where)
                )
                .mappings()
                .first()
            )
            if row is None:
                raise NotFound("no such token")
            self._require(who, who.is_admin or who.username == row["username"], "revoke this token")
            conn.execute(
                api_tokens.update()
                .where(api_tokens.c.id == row["id"], api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=to_db(now))
            )
            self._audit(
                conn,
                who,
                "token.revoke",
                "user",
                row["username"],
                detail={"name": row["name"]},
                at=now,
            )
