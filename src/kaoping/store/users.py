"""Users, roles, passwords (argon2id) and API tokens (stored as SHA-256 hashes only)."""

from __future__ import annotations

import hashlib
import secrets
from functools import cache
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import UsageError
from .base import ROLES, SYSTEM_NAME
from .db import from_db, to_db
from .errors import NotFound
from .schema import api_tokens, departments, users

if TYPE_CHECKING:
    from .base import StoreBase, UserRef

MIN_PASSWORD = 10
_PUBLIC = ("id", "username", "role", "department", "active", "created_at", "created_by")


@cache
def hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's current recommended parameters."""
    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    return hasher().hash(secrets.token_urlsafe(16))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _public(row: Any) -> dict[str, Any]:
    d = {k: row[k] for k in _PUBLIC}
    d["created_at"] = from_db(d["created_at"])
    d["active"] = bool(d["active"])
    return d


def _check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise UsageError(f"a password needs at least {MIN_PASSWORD} characters")


class UsersMixin:
    def has_users(self: StoreBase) -> bool:
        with self._read() as conn:
            return conn.execute(sa.select(users.c.id).limit(1)).first() is not None

    def users(self: StoreBase) -> list[dict[str, Any]]:
        """Every user (never a password hash): id, username, role, department, active, …"""
        with self._read() as conn:
            rows = conn.execute(sa.select(users).order_by(users.c.username)).mappings().all()
        return [_public(r) for r in rows]

    def user(self: StoreBase, username: str) -> dict[str, Any] | None:
        with self._read() as conn:
            row = (
                conn.execute(sa.select(users).where(users.c.username == username))
                .mappings()
                .first()
            )
        return _public(row) if row else None

    def create_user(
        self: StoreBase,
        username: str,
        password: str,
        role: str,
        department: str | None = None,
        actor: UserRef = None,
    ) -> dict[str, Any]:
        """A new user. ``actor`` must be an administrator (None: the local system, e.g. the CLI)."""
        username = (username or "").strip()
        if not username or len(username) > 64 or username.lower() == SYSTEM_NAME:
            raise UsageError(f"{username!r} cannot be a user name")
        if role not in ROLES:
            raise UsageError(f"role {role!r} is not one of {', '.join(ROLES)}")
        if role == "reporter" and not department:
            raise UsageError("a reporter belongs to a department")
        _check_password(password)
        digest = hasher().hash(password)
        now = self.now()
        with self._write() as conn:
            who = self._actor(conn, actor, system_if_none=True)
            self._require(who, who.is_admin, "create users")
            if department is not None:
                known = conn.execute(
                    sa.select(departments.c.key).where(departments.c.key == department)
                ).first()
                if known is None:
                    raise NotFound(f"no department {department!r}")
            if conn.execute(sa.select(users.c.id).where(users.c.username == username)).first():
                raise UsageError(f"user {username!r} exists already")
            conn.execute(
                users.insert().values(
                    username=username,
                    password_hash=digest,
                    role=role,
                    department=department,
                    active=True,
                    created_at=to_db(now),
                    created_by=who.username,
                )
            )
            row = (
                conn.execute(sa.select(users).where(users.c.username == username)).mappings().one()
            )
            self._audit(
                conn,
                who,
                "user.create",
                "user",
                username,
                detail={"after": {"role": role, "department": department}},
                at=now,
            )
            return _public(row)

    def ensure_admin(self: StoreBase, username: str = "admin") -> str | None:
        """Create the first administrator with a random password and return it (once).

        None when the store has users already: there is no default password anywhere.
        """
        if self.has_users():
            return None
        password = secrets.token_urlsafe(15)
        self.create_user(username, password, "admin")
        return password

    def authenticate(self: StoreBase, username: str, password: str) -> dict[str, Any] | None:
        """The user if the password is right and the user active, else None.

        An unknown user costs one argon2 verification like a known one; a hash made
        with older parameters is replaced on success.
        """
        with self._read() as conn:
            row = (
                conn.execute(sa.select(users).where(users.c.username == username))
                .mappings()
                .first()
            )
        digest = row["password_hash"] if row is not None else _dummy_hash()
        try:
            hasher().verify(digest, password or "")
        except (VerificationError, InvalidHashError):
            return None
        if row is None or not row["active"]:
            return None
        if hasher().check_needs_rehash(digest):
            with self._write() as conn:
                conn.execute(
                    users.update()
                    .where(users.c.id == row["id"], users.c.password_hash == digest)
                    .values(password_hash=hasher().hash(password))
                )
        return _public(row)

    def set_password(self: StoreBase, username: str, password: str, actor: UserRef = None) -> None:
        """Set a password: the user themself or an administrator."""
        _check_password(password)
        digest = hasher().hash(password)
        with self._write() as conn:
            who = self._actor(conn, actor, system_if_none=True)
            self._require(who, who.is_admin or who.username == username, "change this password")
            done = conn.execute(
                users.update().where(users.c.username == username).values(password_hash=digest)
            )
            if done.rowcount == 0:
                raise NotFound(f"no user {username!r}")
            self._audit(conn, who, "user.password", "user", username)

    def set_role(
        self: StoreBase,
        username: str,
        role: str,
        department: str | None = None,
        actor: UserRef = None,
    ) -> dict[str, Any]:
        if role not in ROLES:
            raise UsageError(f"role {role!r} is not one of {', '.join(ROLES)}")
        if role == "reporter" and not department:
            raise UsageError("a reporter belongs to a department")
        with self._write() as conn:
            who = self._actor(conn, actor, system_if_none=True)
            self._require(who, who.is_admin, "change roles")
            before = (
                conn.execute(sa.select(users).where(users.c.username == username))
                .mappings()
                .first()
            )
            if before is None:
                raise NotFound(f"no user {username!r}")
            if before["role"] == "admin" and role != "admin":
                self._keep_an_admin(conn, username)
            conn.execute(
                users.update()
                .where(users.c.username == username)
                .values(role=role, department=department)
            )
            self._audit(
                conn,
                who,
                "user.role",
                "user",
                username,
                detail={
                    "before": {"role": before["role"], "department": before["department"]},
                    "after": {"role": role, "department": department},
                },
            )
            row = (
                conn.execute(sa.select(users).where(users.c.username == username)).mappings().one()
            )
            return _public(row)

    def _keep_an_admin(self: StoreBase, conn: sa.Connection, username: str) -> None:
        others = conn.execute(
            sa.select(sa.func.count())
            .select_from(users)
            .where(users.c.role == "admin", users.c.active.is_(True), users.c.username != username)
        ).scalar_one()
        if not others:
            raise UsageError("the last active administrator cannot be removed")

    def deactivate_user(self: StoreBase, username: str, actor: UserRef = None) -> None:
        """Deactivate a user (kept, for the audit log); their tokens stop working."""
        with self._write() as conn:
            who = self._actor(conn, actor, system_if_none=True)
            self._require(who, who.is_admin, "deactivate users")
            row = (
                conn.execute(sa.select(users).where(users.c.username == username))
                .mappings()
                .first()
            )
            if row is None:
                raise NotFound(f"no user {username!r}")
            if row["role"] == "admin":
                self._keep_an_admin(conn, username)
            conn.execute(users.update().where(users.c.username == username).values(active=False))
            self._audit(
                conn,
                who,
                "user.deactivate",
                "user",
                username,
                detail={"before": {"active": bool(row["active"])}, "after": {"active": False}},
            )

    # tokens -------------------------------------------------------------------------------

    def create_token(self: StoreBase, user: UserRef, name: str, actor: UserRef = None) -> str:
        """A new API token for ``user``, returned once; only its SHA-256 is kept."""
        token = secrets.token_urlsafe(32)
        now = self.now()
        with self._write() as conn:
            owner = self._actor(conn, user, system_if_none=False)
            who = self._actor(conn, actor, system_if_none=True) if actor is not None else owner
            self._require(who, who.is_admin or who.username == owner.username, "create this token")
            conn.execute(
                api_tokens.insert().values(
                    user_id=owner.id,
                    name=name or "token",
                    token_hash=token_hash(token),
                    created_at=to_db(now),
                )
            )
            self._audit(
                conn, who, "token.create", "user", owner.username, detail={"name": name}, at=now
            )
        return token

    def tokens(self: StoreBase, user: UserRef) -> list[dict[str, Any]]:
        """A user's tokens (id, name, created_at, revoked_at) — never the token itself."""
        with self._read() as conn:
            owner = self._actor(conn, user, system_if_none=False)
            rows = conn.execute(
                sa.select(
                    api_tokens.c.id,
                    api_tokens.c.name,
                    api_tokens.c.created_at,
                    api_tokens.c.revoked_at,
                )
                .where(api_tokens.c.user_id == owner.id)
                .order_by(api_tokens.c.id)
            ).mappings()
            return [
                {
                    **r,
                    "created_at": from_db(r["created_at"]),
                    "revoked_at": from_db(r["revoked_at"]),
                }
                for r in rows
            ]

    def user_for_token(self: StoreBase, token: str) -> dict[str, Any] | None:
        """The active user a valid, unrevoked token belongs to, else None."""
        if not token:
            return None
        q = (
            sa.select(users)
            .join(api_tokens, api_tokens.c.user_id == users.c.id)
            .where(api_tokens.c.token_hash == token_hash(token), api_tokens.c.revoked_at.is_(None))
        )
        with self._read() as conn:
            row = conn.execute(q).mappings().first()
        if row is None or not row["active"]:
            return None
        return _public(row)

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
