"""Tasks from an assignment file (by version; a task left out of a newer version is kept,
inactive) and who may report on them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ...assess.tasks import Assignment, parse_assignment
from ...errors import UsageError
from ..db import from_db, to_db
from ..errors import NotFound
from ..schema import (
    assignment_versions,
    assignments,
    departments,
    tasks,
)
from ._common import (
    _task_dict,
    _update_dict,
    tu,
)

if TYPE_CHECKING:
    from ..base import Actor, StoreBase, UserRef


class TasksMixin:
    # assignment ---------------------------------------------------------------------------

    def load_assignment(
        self: StoreBase,
        source: Assignment | str,
        *,
        actor: UserRef = None,
        plan_id: str | None = None,
        file: str = "<assignment>",
    ) -> dict[str, Any]:
        """Load an assignment file (text, or an :class:`Assignment`) for the active plan.

        Departments are added (or renamed), indicators assigned, tasks added or changed; a
        task the file no longer names is kept, inactive. Loading the version in force again
        changes nothing. Returns version, added, changed, retired, indicators (counts of what
        changed) and ``loaded`` (False when nothing changed).
        """
        plan = self.plan(plan_id)
        asg = source if isinstance(source, Assignment) else parse_assignment(source, plan, file)
        if asg.plan_id != plan.id:
            raise UsageError(f"the assignment is for plan {asg.plan_id!r}, not {plan.id!r}")
        now = self.now()
        with self._write() as conn:
            who = self._actor(conn, actor, system_if_none=True)
            self._require(who, who.is_admin, "load assignments")
            self._lock_plan(conn, plan.id)
            current = self._assignment_version(conn, plan.id)
            if current == asg.version:
                return {
                    "version": asg.version,
                    "loaded": False,
                    "added": [],
                    "changed": [],
                    "retired": [],
                    "indicators": 0,
                }
            stored = conn.execute(
                sa.select(assignment_versions.c.version).where(
                    assignment_versions.c.plan_id == plan.id,
                    assignment_versions.c.version == asg.version,
                )
            ).first()
            if stored is None:
                conn.execute(
                    assignment_versions.insert().values(
                        plan_id=plan.id,
                        version=asg.version,
                        text=asg.text,
                        label_zh=asg.label_zh,
                        label_en=asg.label_en,
                        loaded_at=to_db(now),
                        loaded_by=who.username,
                    )
                )
            # departments
            have = {r["key"]: r for r in conn.execute(sa.select(departments)).mappings().all()}
            for key, zh, en in asg.departments:
                row = {"key": key, "name_zh": zh, "name_en": en}
                before = have.get(key)
                if before is not None and (before["name_zh"], before["name_en"]) == (zh, en):
                    self._plan_department(conn, plan.id, key)
                    continue
                if before is None:
                    conn.execute(departments.insert().values(**row))
                else:
                    conn.execute(departments.update().where(departments.c.key == key).values(**row))
                self._plan_department(conn, plan.id, key)
                self._audit(
                    conn,
                    who,
                    "department.save",
                    "department",
                    key,
                    detail={"before": dict(before) if before else None, "after": row},
                    at=now,
                )
            # indicators
            owners = self._assignments(conn, plan.id)
            n_ind = 0
            for ind, dept in sorted(asg.indicators.items()):
                before = owners.get(ind)
                if before == dept:
                    continue
                where = (assignments.c.plan_id == plan.id) & (assignments.c.indicator == ind)
                if before is None:
                    conn.execute(
                        assignments.insert().values(plan_id=plan.id, indicator=ind, department=dept)
                    )
                else:
                    conn.execute(assignments.update().where(where).values(department=dept))
                n_ind += 1
                self._audit(
                    conn,
                    who,
                    "assignment.set",
                    "indicator",
                    ind,
                    plan.id,
                    {"before": before, "after": dept},
                    now,
                )
            # tasks
            old = {
                r["key"]: r
                for r in conn.execute(sa.select(tasks).where(tasks.c.plan_id == plan.id))
                .mappings()
                .all()
            }
            added, changed = [], []
            for pos, t in enumerate(asg.tasks):
                values = {
                    "article": t.article,
                    "title_zh": t.title_zh,
                    "title_en": t.title_en,
                    "lead": t.lead,
                    "co": ",".join(t.co),
                    "deadline": t.deadline,
                    "milestones": json.dumps(
                        [m.to_dict() for m in t.milestones], ensure_ascii=False
                    ),
                    "indicators": ",".join(t.indicators),
                    "version": asg.version,
                    "position": pos,
                    "active": True,
                }
                before = old.get(t.key)
                if before is None:
                    conn.execute(tasks.insert().values(plan_id=plan.id, key=t.key, **values))
                    added.append(t.key)
                    continue
                same = all(
                    before[k] == v for k, v in values.items() if k not in ("version", "position")
                )
                conn.execute(
                    tasks.update()
                    .where(tasks.c.plan_id == plan.id, tasks.c.key == t.key)
                    .values(**values)
                )
                if not same:
                    changed.append(t.key)
            keep = {t.key for t in asg.tasks}
            retired = sorted(k for k, r in old.items() if k not in keep and r["active"])
            if retired:
                conn.execute(
                    tasks.update()
                    .where(tasks.c.plan_id == plan.id, tasks.c.key.in_(retired))
                    .values(active=False)
                )
            self._audit(
                conn,
                who,
                "assignment.load",
                "assignment",
                f"{plan.id}@{asg.version}",
                plan.id,
                {
                    "before": current,
                    "after": asg.version,
                    "file": asg.file,
                    "added": added,
                    "changed": changed,
                    "retired": retired,
                    "indicators": n_ind,
                },
                now,
            )
        return {
            "version": asg.version,
            "loaded": True,
            "added": added,
            "changed": changed,
            "retired": retired,
            "indicators": n_ind,
        }

    def _assignment_version(self: StoreBase, conn: sa.Connection, plan_id: str) -> str | None:
        return conn.execute(
            sa.select(tasks.c.version)
            .where(tasks.c.plan_id == plan_id, tasks.c.active.is_(True))
            .limit(1)
        ).scalar_one_or_none()

    def assignment_info(self: StoreBase, plan_id: str | None = None) -> dict[str, Any] | None:
        """The assignment in force: version, label (zh, en), loaded_at, loaded_by; or None."""
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            version = self._assignment_version(conn, pid)
            if version is None:
                return None
            r = (
                conn.execute(
                    sa.select(assignment_versions).where(
                        assignment_versions.c.plan_id == pid,
                        assignment_versions.c.version == version,
                    )
                )
                .mappings()
                .one()
            )
        return {
            "version": version,
            "label": {"zh": r["label_zh"], "en": r["label_en"]},
            "loaded_at": from_db(r["loaded_at"]),
            "loaded_by": r["loaded_by"],
        }

    # tasks --------------------------------------------------------------------------------

    def tasks(
        self: StoreBase,
        department: str | None = None,
        *,
        plan_id: str | None = None,
        include_inactive: bool = False,
    ) -> list[dict[str, Any]]:
        """Tasks in file order (a department's: those it leads or co-operates on), each with
        ``latest``: its newest progress update (or None)."""
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            q = sa.select(tasks).where(tasks.c.plan_id == pid).order_by(tasks.c.position)
            if not include_inactive:
                q = q.where(tasks.c.active.is_(True))
            rows = [_task_dict(r) for r in conn.execute(q).mappings().all()]
            latest = self._latest_updates(conn, pid)
        out = []
        for t in rows:
            if department and department not in t["departments"]:
                continue
            t["latest"] = latest.get(t["key"])
            out.append(t)
        return out

    def _latest_updates(self: StoreBase, conn: sa.Connection, pid: str) -> dict[str, dict]:
        rn = sa.func.row_number().over(
            partition_by=tu.c.task, order_by=(tu.c.created_at.desc(), tu.c.id.desc())
        )
        sub = sa.select(tu, rn.label("rn")).where(tu.c.plan_id == pid).subquery()
        rows = conn.execute(sa.select(sub).where(sub.c.rn == 1)).mappings().all()
        return {r["task"]: _update_dict(r) for r in rows}

    def _task_row(self: StoreBase, conn: sa.Connection, pid: str, key: str) -> dict[str, Any]:
        r = (
            conn.execute(sa.select(tasks).where(tasks.c.plan_id == pid, tasks.c.key == key))
            .mappings()
            .first()
        )
        if r is None:
            raise NotFound(f"no task {key!r}")
        return _task_dict(r)

    def task(self: StoreBase, key: str, plan_id: str | None = None) -> dict[str, Any]:
        """One task (active or not) with ``latest``."""
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            t = self._task_row(conn, pid, key)
            t["latest"] = self._latest_updates(conn, pid).get(key)
        return t

    def _may_file(self: StoreBase, who: Actor, task: dict[str, Any]) -> bool:
        if who.is_admin:
            return True
        return who.role == "reporter" and who.department in task["departments"]

    def may_file(self: StoreBase, user: UserRef, key: str, plan_id: str | None = None) -> bool:
        """Whether ``user`` may file progress updates on task ``key``."""
        with self._read() as conn:
            try:
                who = self._actor(conn, user, system_if_none=False)
            except Exception:
                return False
            pid = self._plan_id(conn, plan_id)
            return self._may_file(who, self._task_row(conn, pid, key))
