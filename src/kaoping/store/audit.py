"""The audit log: one row per write, with who, when, what and the values before and after."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .db import from_db, to_db
from .schema import audit_log

if TYPE_CHECKING:
    from .base import StoreBase


def _plain(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, (set, tuple)):
        return list(v)
    return str(v)


def write_audit(
    conn: sa.Connection,
    at: datetime,
    username: str,
    action: str,
    entity: str,
    key: str = "",
    plan_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one audit entry in the caller's transaction (so it commits with the write)."""
    conn.execute(
        audit_log.insert().values(
            at=to_db(at),
            username=username,
            action=action,
            entity=entity,
            plan_id=plan_id,
            key=key,
            detail=json.dumps(detail or {}, ensure_ascii=False, default=_plain, sort_keys=True),
        )
    )


class AuditMixin:
    def audit(
        self: StoreBase,
        limit: int = 100,
        offset: int = 0,
        user: str | None = None,
        action: str | None = None,
        entity: str | None = None,
        plan_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Audit entries, newest first: at, user, action, entity, plan_id, key, detail."""
        q = sa.select(audit_log).order_by(audit_log.c.id.desc())
        if user:
            q = q.where(audit_log.c.username == user)
        if action:
            q = q.where(
                audit_log.c.action.startswith(action)
                if action.endswith(".")
                else audit_log.c.action == action
            )
        if entity:
            q = q.where(audit_log.c.entity == entity)
        if plan_id:
            q = q.where(audit_log.c.plan_id == plan_id)
        q = q.limit(max(0, int(limit))).offset(max(0, int(offset)))
        with self._read() as conn:
            rows = conn.execute(q).mappings().all()
        return [
            {
                "id": r["id"],
                "at": from_db(r["at"]),
                "user": r["username"],
                "action": r["action"],
                "entity": r["entity"],
                "plan_id": r["plan_id"],
                "key": r["key"],
                "detail": json.loads(r["detail"] or "{}"),
            }
            for r in rows
        ]
