"""User accounts: names, roles, passwords (argon2id), activity, and four-eyes review.

The rest of signing in is beside it, each a mixin of :class:`~kaoping.store.Store`:
:mod:`.sessions` (server-side sessions), :mod:`.tokens` (expiring API tokens) and
:mod:`.login_limits` (the login limit shared by every worker). Sessions and tokens are
stored as SHA-256 hashes only (:func:`token_hash`); they run on the real clock
(``_auth_now``)."""

from __future__ import annotations

import hashlib
import secrets
from functools import cache
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import UsageError
from .base import ROLES
from .db import from_db, to_db, utcnow
from .errors import NotFound, OwnSubmission, PermissionDenied
from .names import check_username, username_key
from .schema import departments, users

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
    """What is kept of a session's or an API token's secret."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def public_user(row: Any) -> dict[str, Any]:
    """A user's row as the store hands it out (never the password hash)."""
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
        return [public_user(r) for r in rows]

    def user(self: StoreBase, username: str) -> dict[str, Any] | None:
        with self._read() as conn:
            row = (
                conn.execute(sa.select(users).where(users.c.username == username))
                .mappings()
                .first()
            )
        return public_user(row) if row else None

    def create_user(
        self: StoreBase,
        username: str,
        password: str,
        role: str,
        department: str | None = None,
        actor: UserRef = None,
    ) -> dict[str, Any]:
        """A new user. ``actor`` must be an administrator (None: the local system, e.g. the CLI)."""
        username = check_username(username)
        key = username_key(username)
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
            clash = conn.execute(
                sa.select(users.c.username).where(
                    sa.or_(users.c.username == username, users.c.username_key == key)
                )
            ).first()
            if clash:
                same = clash[0] == username
                raise UsageError(
                    f"user {username!r} exists already"
                    if same
                    else f"{username!r} is too like the existing user {clash[0]!r}"
                )
            conn.execute(
                users.insert().values(
                    username=username,
                    username_key=key,
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
            return public_user(row)

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
            row = self._user_row(conn, username)
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
        return public_user(row)

    def _auth_now(self: StoreBase) -> Any:
        """The time for sessions, tokens and the login limit: the real clock (``auth_clock``),
        not the store's business clock, which tests and reports may set to another date."""
        return getattr(self, "auth_clock", utcnow)()

    def _user_row(self: StoreBase, conn: sa.Connection, username: str) -> Any:
        """A user's row by name, as typed at login (any case, width or look-alike)."""
        row = (
            conn.execute(sa.select(users).where(users.c.username_key == username_key(username)))
            .mappings()
            .first()
        )
        if row is None:
            row = (
                conn.execute(sa.select(users).where(users.c.username == username))
                .mappings()
                .first()
            )
        return row

    def set_password(
        self: StoreBase,
        username: str,
        password: str,
        actor: UserRef = None,
        *,
        current: str | None = None,
        keep_session: str | None = None,
    ) -> int:
        """Set a password: the user themself (with ``current``, their password now) or an
        administrator (or the command line, ``actor`` None). Every session of the user ends
        except ``keep_session`` (the one the change was made in); returns how many ended."""
        _check_password(password)
        digest = hasher().hash(password)
        now = self.now()
        with self._write() as conn:
            who = self._actor(conn, actor, system_if_none=True)
            row = (
                conn.execute(sa.select(users).where(users.c.username == username))
                .mappings()
                .first()
            )
            if row is None:
                raise NotFound(f"no user {username!r}")
            self_service = who.username == row["username"]
            self._require(who, who.is_admin or self_service, "change this password")
            if current is not None or (self_service and not who.is_admin):
                try:
                    hasher().verify(row["password_hash"], current or "")
                except (VerificationError, InvalidHashError):
                    raise PermissionDenied("the current password is wrong") from None
            if current is not None and current == password:
                raise UsageError("the new password must differ from the current one")
            conn.execute(users.update().where(users.c.id == row["id"]).values(password_hash=digest))
            ended = self._end_sessions(conn, row["id"], "password", now, keep=keep_session)
            self._audit(
                conn,
                who,
                "user.password",
                "user",
                row["username"],
                detail={"sessions_ended": ended},
                at=now,
            )
            return ended

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
            return public_user(row)

    def _keep_an_admin(self: StoreBase, conn: sa.Connection, username: str) -> None:
        others = conn.execute(
            sa.select(sa.func.count())
            .select_from(users)
            .where(users.c.role == "admin", users.c.active.is_(True), users.c.username != username)
        ).scalar_one()
        if not others:
            raise UsageError("the last active administrator cannot be removed")

    def deactivate_user(self: StoreBase, username: str, actor: UserRef = None) -> None:
        """Deactivate a user (kept, for the audit log); their sessions end and their tokens
        stop working."""
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
            ended = self._end_sessions(conn, row["id"], "deactivated", self.now())
            self._audit(
                conn,
                who,
                "user.deactivate",
                "user",
                username,
                detail={
                    "before": {"active": bool(row["active"])},
                    "after": {"active": False},
                    "sessions_ended": ended,
                },
            )

    def _four_eyes(self: StoreBase, who: Any, submitted_by: str, what: str) -> None:
        """Four-eyes review (KAOPING_FOUR_EYES, on by default): nobody approves or rejects
        their own submission. Call it in the deciding transaction, for every decision."""
        if self.settings.four_eyes and who.role != "system" and who.username == submitted_by:
            raise OwnSubmission(
                f"{who.username} submitted {what} and may not review it themself: another "
                "reviewer or administrator must approve or reject it (four-eyes review)"
            )
