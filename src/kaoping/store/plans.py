"""Plans by version, their areas, the departments and who owns which indicator."""

from __future__ import annotations

import functools
import hashlib
import inspect
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..plan.loader import parse_plan
from .db import from_db, to_db
from .errors import NotFound
from .schema import areas, assignments, departments, plan_departments, plan_versions, plans

if TYPE_CHECKING:
    from ..plan.model import Plan
    from .base import Actor, StoreBase, UserRef


def text_version(text: str) -> str:
    """A plan text's version: the first 12 hex digits of its SHA-256 (as the loader computes)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


class PlansMixin:
    def load_plan(
        self: StoreBase, plan: Plan, text: str, activate: bool = True, actor: UserRef = None
    ) -> str:
        """Store a plan version (by content hash); return the version.

        Loading text already stored changes nothing (unless ``activate`` makes a stored,
        inactive version the active one). A revised plan is a new version; every version
        is kept. Areas, departments and the plan's own department assignments are taken
        from it; an assignment made in the store is kept.
        """
        with self._write() as conn:
            who = self._actor(conn, actor, system_if_none=True)
            self._require(who, who.is_admin, "load plans")
            return self._load_plan(conn, who, plan, text, activate)

    def open_plan(self: StoreBase, name: str, actor: UserRef = None) -> dict[str, Any]:
        """Load plan ``name`` (a bundled id, a plan file or a folder holding plan.yaml).

        On its first load the observations and verdicts beside the plan file
        (``observations.csv``, ``verdicts.csv``) are loaded with it, approved, by
        ``system``, in one transaction, audited as one import (``import.bundled``). Later a
        revised plan text becomes a new version of that plan; the data beside it are not
        read again (import them with ``kaoping import``). Other plans are never changed.
        Returns plan_id, version, ``first`` (whether the plan was new) and, on a first
        load, the import's observations and verdicts.
        """
        from ..plan.bundled import find_plan
        from ..plan.loader import parse_plan

        plan_file = find_plan(name)
        text = plan_file.read_text(encoding="utf-8")
        plan = parse_plan(text, str(plan_file))
        with self._read() as conn:
            known = conn.execute(
                sa.select(plans.c.plan_id).where(plans.c.plan_id == plan.id)
            ).first()
        if known is None:
            done = self.import_bundled(str(plan_file))
            if done is not None:
                return {**done, "first": True}
        version = self.load_plan(plan, text, actor=actor)
        return {"plan_id": plan.id, "version": version, "first": False}

    def _load_plan(
        self: StoreBase, conn: sa.Connection, who: Actor, plan: Plan, text: str, activate: bool
    ) -> str:
        version = plan.version or text_version(text)
        now = self.now()
        known = conn.execute(
            sa.select(plans.c.active_version).where(plans.c.plan_id == plan.id)
        ).first()
        stored = conn.execute(
            sa.select(plan_versions.c.version).where(
                plan_versions.c.plan_id == plan.id, plan_versions.c.version == version
            )
        ).first()
        if stored is not None and (not activate or (known and known[0] == version)):
            return version
        if known is None:
            conn.execute(
                plans.insert().values(
                    plan_id=plan.id, active_version=version, data_version=1, created_at=to_db(now)
                )
            )
        if stored is None:
            conn.execute(
                plan_versions.insert().values(
                    plan_id=plan.id,
                    version=version,
                    text=text,
                    loaded_at=to_db(now),
                    loaded_by=who.username,
                )
            )
            self._audit(
                conn,
                who,
                "plan.load",
                "plan",
                f"{plan.id}@{version}",
                plan.id,
                {"version": version, "indicators": len(plan.indicators)},
                now,
            )
        if activate or known is None:
            previous = known[0] if known else None
            conn.execute(
                plans.update().where(plans.c.plan_id == plan.id).values(active_version=version)
            )
            self._sync_plan(conn, plan)
            self._bump(conn, plan.id)
            self._audit(
                conn,
                who,
                "plan.activate",
                "plan",
                plan.id,
                plan.id,
                {"before": previous, "after": version},
                now,
            )
        return version

    def _sync_plan(self: StoreBase, conn: sa.Connection, plan: Plan) -> None:
        """Areas and departments of the plan; its assignments where none is set yet."""
        have = {
            r[0] for r in conn.execute(sa.select(areas.c.key).where(areas.c.plan_id == plan.id))
        }
        for pos, a in enumerate(plan.areas):
            values = {
                "name_zh": a.name.zh,
                "name_en": a.name.en or "",
                "parent": a.parent,
                "position": pos,
            }
            if a.key in have:
                conn.execute(
                    areas.update()
                    .where(areas.c.plan_id == plan.id, areas.c.key == a.key)
                    .values(**values)
                )
            else:
                conn.execute(areas.insert().values(plan_id=plan.id, key=a.key, **values))
        depts = {r[0] for r in conn.execute(sa.select(departments.c.key))}
        for d in plan.departments:
            if d.key not in depts:
                conn.execute(
                    departments.insert().values(
                        key=d.key, name_zh=d.name.zh, name_en=d.name.en or ""
                    )
                )
                depts.add(d.key)
            self._plan_department(conn, plan.id, d.key)
        assigned = {
            r[0]
            for r in conn.execute(
                sa.select(assignments.c.indicator).where(assignments.c.plan_id == plan.id)
            )
        }
        for ind in plan.indicators:
            if ind.department and ind.key not in assigned:
                if ind.department not in depts:
                    conn.execute(
                        departments.insert().values(key=ind.department, name_zh=ind.department)
                    )
                    depts.add(ind.department)
                self._plan_department(conn, plan.id, ind.department)
                conn.execute(
                    assignments.insert().values(
                        plan_id=plan.id, indicator=ind.key, department=ind.department
                    )
                )

    def _plan_department(
        self: StoreBase, conn: sa.Connection, plan_id: str, key: str, add: bool = False
    ) -> None:
        """Make ``key`` one of the plan's departments (added to the register if ``add``)."""
        if add and (
            conn.execute(sa.select(departments.c.key).where(departments.c.key == key)).first()
            is None
        ):
            conn.execute(departments.insert().values(key=key, name_zh=key))
        where = (plan_departments.c.plan_id == plan_id) & (plan_departments.c.department == key)
        if conn.execute(sa.select(plan_departments.c.department).where(where)).first() is None:
            n = conn.execute(
                sa.select(sa.func.count()).where(plan_departments.c.plan_id == plan_id)
            ).scalar_one()
            conn.execute(
                plan_departments.insert().values(plan_id=plan_id, department=key, position=n)
            )

    def default_plan_id(self: StoreBase) -> str | None:
        """The plan a call without a plan id means, or None for an empty store: the
        store's ``default_plan`` if set, else the settings' plan (``KAOPING_PLAN``) if the
        store holds it, else the plan loaded first. Loading a plan never changes it."""
        with self._read() as conn:
            return self._default_plan(conn)

    def active_plan_id(self: StoreBase) -> str | None:
        """The default plan (the former name of :meth:`default_plan_id`)."""
        return self.default_plan_id()

    def plan_ids(self: StoreBase) -> list[str]:
        with self._read() as conn:
            return [
                r[0] for r in conn.execute(sa.select(plans.c.plan_id).order_by(plans.c.plan_id))
            ]

    def plan(self: StoreBase, plan_id: str | None = None, version: str | None = None) -> Plan:
        """The active version's Plan (or the version named), parsed once per version."""
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            if version is None:
                version = conn.execute(
                    sa.select(plans.c.active_version).where(plans.c.plan_id == pid)
                ).scalar_one()
            cached = self._plans.get((pid, version))
            if cached is not None:
                return cached
            text = conn.execute(
                sa.select(plan_versions.c.text).where(
                    plan_versions.c.plan_id == pid, plan_versions.c.version == version
                )
            ).scalar_one_or_none()
        if text is None:
            raise NotFound(f"no version {version!r} of plan {pid!r}")
        parsed = parse_plan(text, f"{pid}@{version}")
        self._plans[(pid, version)] = parsed
        return parsed

    def plan_versions(self: StoreBase, plan_id: str | None = None) -> list[dict[str, Any]]:
        """Every stored version of a plan, oldest first: version, loaded_at, loaded_by, active."""
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            active = conn.execute(
                sa.select(plans.c.active_version).where(plans.c.plan_id == pid)
            ).scalar_one()
            rows = conn.execute(
                sa.select(
                    plan_versions.c.version, plan_versions.c.loaded_at, plan_versions.c.loaded_by
                )
                .where(plan_versions.c.plan_id == pid)
                .order_by(plan_versions.c.loaded_at, plan_versions.c.version)
            ).all()
        return [
            {"version": v, "loaded_at": from_db(at), "loaded_by": by, "active": v == active}
            for v, at, by in rows
        ]

    def data_version(self: StoreBase, plan_id: str | None = None) -> int:
        """A counter that grows with every write that can change what an evaluation reads."""
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            return int(
                conn.execute(
                    sa.select(plans.c.data_version).where(plans.c.plan_id == pid)
                ).scalar_one()
            )

    def areas(self: StoreBase, plan_id: str | None = None) -> list[dict[str, Any]]:
        """The plan's areas in plan order: key, name_zh, name_en, parent (None for the top)."""
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            rows = conn.execute(
                sa.select(areas.c.key, areas.c.name_zh, areas.c.name_en, areas.c.parent)
                .where(areas.c.plan_id == pid)
                .order_by(areas.c.position, areas.c.key)
            ).mappings()
            return [dict(r) for r in rows]

    # departments and assignments ------------------------------------------------------------

    def departments(self: StoreBase, plan_id: str | None = None) -> list[dict[str, Any]]:
        """The plan's departments (those it names or gives work to), in plan order: key,
        name_zh, name_en."""
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            rows = conn.execute(
                sa.select(departments)
                .join(plan_departments, plan_departments.c.department == departments.c.key)
                .where(plan_departments.c.plan_id == pid)
                .order_by(plan_departments.c.position, departments.c.key)
            ).mappings()
            return [dict(r) for r in rows]

    def all_departments(self: StoreBase) -> list[dict[str, Any]]:
        """The city's register of departments, every plan's (users belong to one)."""
        with self._read() as conn:
            rows = conn.execute(sa.select(departments).order_by(departments.c.key)).mappings()
            return [dict(r) for r in rows]

    def add_department(
        self: StoreBase,
        key: str,
        name_zh: str,
        name_en: str = "",
        actor: UserRef = None,
        plan_id: str | None = None,
    ) -> dict[str, Any]:
        """Add (or rename) a department in the register and make it one of the plan's."""
        with self._write() as conn:
            who = self._actor(conn, actor, system_if_none=True)
            self._require(who, who.is_admin, "add departments")
            pid = self._plan_id(conn, plan_id) if plan_id or self._default_plan(conn) else None
            row = {"key": key, "name_zh": name_zh, "name_en": name_en}
            before = (
                conn.execute(sa.select(departments).where(departments.c.key == key))
                .mappings()
                .first()
            )
            if before is None:
                conn.execute(departments.insert().values(**row))
            else:
                conn.execute(departments.update().where(departments.c.key == key).values(**row))
            if pid is not None:
                self._plan_department(conn, pid, key)
            self._audit(
                conn,
                who,
                "department.save",
                "department",
                key,
                pid,
                detail={"before": dict(before) if before else None, "after": row},
            )
        return row

    def assign(
        self: StoreBase,
        indicator: str,
        department: str,
        *,
        actor: UserRef = None,
        plan_id: str | None = None,
    ) -> None:
        """Make ``department`` responsible for ``indicator`` (an unknown department is added)."""
        plan = self.plan(plan_id)
        try:
            plan.indicator(indicator)
        except KeyError:
            raise NotFound(f"no indicator {indicator!r} in plan {plan.id}") from None
        with self._write() as conn:
            who = self._actor(conn, actor, system_if_none=True)
            self._require(who, who.is_admin, "assign indicators")
            self._plan_department(conn, plan.id, department, add=True)
            where = (assignments.c.plan_id == plan.id) & (assignments.c.indicator == indicator)
            before = conn.execute(
                sa.select(assignments.c.department).where(where)
            ).scalar_one_or_none()
            if before == department:
                return
            if before is None:
                conn.execute(
                    assignments.insert().values(
                        plan_id=plan.id, indicator=indicator, department=department
                    )
                )
            else:
                conn.execute(assignments.update().where(where).values(department=department))
            self._audit(
                conn,
                who,
                "assignment.set",
                "indicator",
                indicator,
                plan.id,
                {"before": before, "after": department},
            )

    def assignments(self: StoreBase, plan_id: str | None = None) -> dict[str, str]:
        """Indicator key → the department responsible for it."""
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            return self._assignments(conn, pid)

    def _assignments(self: StoreBase, conn: sa.Connection, plan_id: str) -> dict[str, str]:
        rows = conn.execute(
            sa.select(assignments.c.indicator, assignments.c.department).where(
                assignments.c.plan_id == plan_id
            )
        )
        return dict(rows.all())


@functools.lru_cache(maxsize=512)
def _plan_signature(cls: type, name: str) -> inspect.Signature | None:
    """The signature of a store method without ``self``, if it takes ``plan_id``."""
    fn = getattr(cls, name, None)
    if not callable(fn) or isinstance(inspect.getattr_static(cls, name, None), classmethod):
        return None
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    if "plan_id" not in sig.parameters:
        return None
    return sig.replace(parameters=list(sig.parameters.values())[1:])


class PlanStore:
    """A store bound to one plan: a method that takes ``plan_id`` gets this plan's when
    the caller names none. Everything else is the store's own."""

    def __init__(self, store: Any, plan_id: str):
        self._store = store
        self.plan_id = plan_id

    @property
    def unbound(self) -> Any:
        return self._store

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if name.startswith("__") or not callable(attr):
            return attr
        sig = _plan_signature(type(self._store), name)
        if sig is None:
            return attr
        pid = self.plan_id

        @functools.wraps(attr)
        def call(*args: Any, **kwargs: Any) -> Any:
            bound = sig.bind_partial(*args, **kwargs)
            if not bound.arguments.get("plan_id"):
                bound.arguments["plan_id"] = pid
            return attr(*bound.args, **bound.kwargs)

        return call
