"""What every part of the store shares: the engine, transactions, the acting user, the clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..settings import Settings
from .audit import write_audit
from .db import WRITE, utcnow
from .errors import NotFound, PermissionDenied
from .schema import meta, plans, users

if TYPE_CHECKING:
    from ..plan.model import Plan

ROLES = ("admin", "reporter", "reviewer", "viewer")
SYSTEM_NAME = "system"


@dataclass(frozen=True)
class Actor:
    """The user a write is done for, as read from the database for this very request."""

    username: str
    role: str  # admin, reporter, reviewer, viewer; "system" for the store's own imports
    department: str | None = None
    id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role in ("admin", "system")

    @property
    def can_review(self) -> bool:
        return self.role in ("admin", "reviewer", "system")


SYSTEM = Actor(SYSTEM_NAME, "system")

UserRef = dict[str, Any] | str | Actor | None


class StoreBase:
    engine: sa.Engine
    settings: Settings
    clock: Callable[[], datetime]

    def __init__(self, engine: sa.Engine, settings: Settings | None = None) -> None:
        self.engine = engine
        self.settings = settings or Settings.from_env()
        self.clock = utcnow
        self._write_engine = engine.execution_options(**WRITE)
        self._plans: dict[tuple[str, str], Plan] = {}

    # transactions -------------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        """One transaction: committed when the block ends, rolled back on any error."""
        with self._write_engine.begin() as conn:
            yield conn

    def now(self) -> datetime:
        return self.clock()

    def close(self) -> None:
        self.engine.dispose()

    # users --------------------------------------------------------------------------------

    def _actor(self, conn: sa.Connection, user: UserRef, *, system_if_none: bool) -> Actor:
        """The acting user, re-read from the database: role and activity as they are now."""
        if isinstance(user, Actor):
            if user.role == "system":
                return user
            user = user.username
        if user is None:
            if system_if_none:
                return SYSTEM
            raise PermissionDenied("sign in first")
        name = user.get("username") if isinstance(user, dict) else user
        row = conn.execute(sa.select(users).where(users.c.username == name)).mappings().first()
        if row is None or not row["active"]:
            raise PermissionDenied(f"no active user {name!r}")
        return Actor(row["username"], row["role"], row["department"], row["id"])

    @staticmethod
    def _require(actor: Actor, ok: bool, what: str) -> None:
        if not ok:
            raise PermissionDenied(f"{actor.username} ({actor.role}) may not {what}")

    # plans --------------------------------------------------------------------------------

    def _plan_id(self, conn: sa.Connection, plan_id: str | None) -> str:
        if plan_id:
            exists = conn.execute(sa.select(plans.c.plan_id).where(plans.c.plan_id == plan_id))
            if exists.first() is None:
                raise NotFound(f"no plan {plan_id!r} in the store")
            return plan_id
        active = conn.execute(sa.select(meta.c.value).where(meta.c.key == "active_plan")).first()
        if active is None:
            raise NotFound("the store holds no plan yet")
        return active[0]

    def _lock_plan(self, conn: sa.Connection, plan_id: str) -> None:
        """Serialise writes to one plan's data (a row lock on PostgreSQL; SQLite locks all)."""
        q = sa.select(plans.c.data_version).where(plans.c.plan_id == plan_id).with_for_update()
        if conn.execute(q).first() is None:
            raise NotFound(f"no plan {plan_id!r} in the store")

    def _bump(self, conn: sa.Connection, plan_id: str) -> None:
        conn.execute(
            plans.update()
            .where(plans.c.plan_id == plan_id)
            .values(data_version=plans.c.data_version + 1)
        )

    def _audit(
        self,
        conn: sa.Connection,
        actor: Actor,
        action: str,
        entity: str,
        key: str = "",
        plan_id: str | None = None,
        detail: dict[str, Any] | None = None,
        at: datetime | None = None,
    ) -> None:
        write_audit(conn, at or self.now(), actor.username, action, entity, key, plan_id, detail)
