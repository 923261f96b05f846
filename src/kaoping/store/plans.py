"""Plans by version, their areas, the departments and who owns which indicator."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..plan.loader import parse_plan
from .db import from_db, to_db
from .errors import NotFound
from .schema import areas, assignments, departments, meta, plan_versions, plans

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
        active_plan = conn.execute(
            sa.select(meta.c.value).where(meta.c.key == "active_plan")
        ).first()
        if stored is not None and (
            not activate
            or (known and known[0] == version and active_plan and active_plan[0] == plan.id)
        ):
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
            if activate or active_plan is None:
                self._set_meta(conn, "active_plan", plan.id)
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

    def _set_meta(self: StoreBase, conn: sa.Connection, key: str, value: str) -> None:
        done = conn.execute(meta.update().where(meta.c.key == key).values(value=value))
        if done.rowcount == 0:
            conn.execute(meta.insert().values(key=key, value=value))

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
                conn.execute(
                    assignments.insert().values(
                        plan_id=plan.id, indicator=ind.key, department=ind.department
                    )
                )

    def active_plan_id(self: StoreBase) -> str | None:
        """The plan served by default (the one last activated), or None for an empty store."""
        with self._read() as conn:
            row = conn.execute(sa.select(meta.c.value).where(meta.c.key == "active_plan")).first()
        return row[0] if row else None

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

    def departments(self: StoreBase) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(sa.select(departments).order_by(departments.c.key)).mappings()
            return [dict(r) for r in rows]

    def add_department(
        self: StoreBase, key: str, name_zh: str, name_en: str = "", actor: UserRef = None
    ) -> dict[str, Any]:
        with self._write() as conn:
            who = self._actor(conn, actor, system_if_none=True)
            self._require(who, who.is_admin, "add departments")
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
            self._audit(
                conn,
                who,
                "department.save",
                "department",
                key,
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
            if (
                conn.execute(
                    sa.select(departments.c.key).where(departments.c.key == department)
                ).first()
                is None
            ):
                conn.execute(departments.insert().values(key=department, name_zh=department))
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
