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
from .schema import plans, users

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
        #: the plan meant when a call names none (None: settings' plan, else the first loaded)
        self.default_plan: str | None = None
        self._settings_plan: dict[str, str | None] = {}

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
        """The plan named, else the store's default plan (see :meth:`_default_plan`)."""
        if plan_id:
            exists = conn.execute(sa.select(plans.c.plan_id).where(plans.c.plan_id == plan_id))
            if exists.first() is None:
                raise NotFound(f"no plan {plan_id!r} in the store")
            return plan_id
        default = self._default_plan(conn)
        if default is None:
            raise NotFound("the store holds no plan yet")
        return default

    def _default_plan(self, conn: sa.Connection) -> str | None:
        """The plan a call without a plan id means: ``default_plan`` when set (it must be in
        the store), else the settings' plan (``KAOPING_PLAN``) when the store holds it, else
        the plan loaded first. Loading or serving a plan never changes it."""
        if self.default_plan:
            return self._plan_id(conn, self.default_plan)
        held = conn.execute(
            sa.select(plans.c.plan_id).order_by(plans.c.created_at, plans.c.plan_id)
        ).all()
        ids = [r[0] for r in held]
        if not ids:
            return None
        wanted = self._settings_plan_id()
        return wanted if wanted in ids else ids[0]

    def _settings_plan_id(self) -> str | None:
        """The id of the settings' plan (a bundled id, a plan id or a path), read once."""
        name = getattr(self.settings, "plan", None)
        if not name:
            return None
        if name not in self._settings_plan:
            pid: str | None = name
            try:
                from ..plan.bundled import bundled_plans, find_plan

                if name not in bundled_plans() and (
                    name.endswith((".yaml", ".yml")) or "/" in name or "\\" in name
                ):
                    from ..plan.loader import load_plan

                    pid = load_plan(find_plan(name)).id
            except Exception:  # an unreadable plan file names no plan in the store
                pid = None
            self._settings_plan[name] = pid
        return self._settings_plan[name]

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
