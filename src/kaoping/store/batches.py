"""Review of a whole import in one decision: approve or reject every row still awaiting review.

The rows of an import stay separate revisions (each with its own decision, shown and
decidable one by one as before); a batch decision writes the same decision for each of
the import's rows that is still the latest revision of its cell and undecided, in one
transaction, audited as one entry that lists the cells.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import UsageError
from .db import from_db, to_db
from .errors import Conflict, NotFound, ReasonRequired
from .schema import decisions as d
from .schema import imports
from .schema import observations as o

if TYPE_CHECKING:
    from .base import StoreBase, UserRef

DECISIONS = {"approve": "approved", "approved": "approved", "reject": "rejected"}
DECISIONS["rejected"] = "rejected"
AUDIT_CELLS = 1000  # at most this many cells are listed in the audit entry


def _undecided_and_latest() -> Any:
    """A revision with no decision yet that is the latest of its cell (a batch decision
    decides exactly these)."""
    newer = sa.alias(o, "newer")
    return sa.and_(
        d.c.observation_id.is_(None),
        ~sa.exists().where(
            newer.c.plan_id == o.c.plan_id,
            newer.c.indicator == o.c.indicator,
            newer.c.area == o.c.area,
            newer.c.year == o.c.year,
            newer.c.revision > o.c.revision,
        ),
    )


def _awaiting(import_id: Any) -> Any:
    """The import's revisions still awaiting review: undecided and the latest of their cell."""
    return (
        sa.select(o.c.id, o.c.indicator, o.c.area, o.c.year, o.c.revision, o.c.value)
        .select_from(o.outerjoin(d, d.c.observation_id == o.c.id))
        .where(o.c.import_id == import_id, _undecided_and_latest())
        .order_by(o.c.indicator, o.c.area, o.c.year)
    )


class ImportReviewMixin:
    def pending_imports(self: StoreBase, plan_id: str | None = None) -> list[dict[str, Any]]:
        """The plan's imports with rows awaiting review, newest first: id, filename,
        username, at, row_count and ``pending`` (rows a batch decision would decide)."""
        pending = (
            sa.select(o.c.import_id, sa.func.count().label("pending"))
            .select_from(o.outerjoin(d, d.c.observation_id == o.c.id))
            .where(o.c.import_id.is_not(None), _undecided_and_latest())
            .group_by(o.c.import_id)
            .subquery()
        )
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            rows = (
                conn.execute(
                    sa.select(imports, pending.c.pending)
                    .join(pending, pending.c.import_id == imports.c.id)
                    .where(imports.c.plan_id == pid)
                    .order_by(imports.c.id.desc())
                )
                .mappings()
                .all()
            )
        return [
            {
                "id": r["id"],
                "plan_id": r["plan_id"],
                "filename": r["filename"],
                "username": r["username"],
                "at": from_db(r["at"]),
                "row_count": r["row_count"],
                "pending": int(r["pending"]),
            }
            for r in rows
        ]

    def review_import(
        self: StoreBase,
        user: UserRef,
        import_id: int,
        decision: str,
        reason: str = "",
        plan_id: str | None = None,
    ) -> dict[str, Any]:
        """Approve or reject, in one decision, every row of import ``import_id`` still
        awaiting review (reviewers and administrators; a rejection needs a reason; with
        four-eyes review, not one's own import). Rows decided one by one already, or
        superseded by a newer revision, are left as they are. Returns import_id, plan_id,
        decision, decided (rows) and skipped (rows of the import not decided now)."""
        what = DECISIONS.get((decision or "").strip().lower())
        if what is None:
            raise UsageError(f"decision={decision!r}: choose approve or reject")
        reason = (reason or "").strip()
        if what == "rejected" and not reason:
            raise ReasonRequired("a rejection needs a reason")
        now = self.now()
        with self._write() as conn:
            who = self._actor(conn, user, system_if_none=False)
            self._require(who, who.can_review, "review values")
            row = conn.execute(sa.select(imports).where(imports.c.id == int(import_id)))
            imp = row.mappings().first()
            if imp is None or (plan_id and imp["plan_id"] != plan_id):
                raise NotFound(
                    f"no import {import_id}" + (f" in plan {plan_id}" if plan_id else "")
                )
            pid = imp["plan_id"]
            self._lock_plan(conn, pid)
            self._four_eyes(who, imp["username"], f"import {import_id} ({imp['filename']})")
            cells = conn.execute(_awaiting(imp["id"])).mappings().all()
            if not cells:
                raise Conflict(f"import {import_id} has no rows awaiting review")
            total = conn.execute(
                sa.select(sa.func.count()).where(o.c.import_id == imp["id"])
            ).scalar_one()
            at = to_db(now)
            conn.execute(
                d.insert(),
                [
                    {
                        "observation_id": c["id"],
                        "decision": what,
                        "decided_by": who.username,
                        "decided_at": at,
                        "reason": reason,
                    }
                    for c in cells
                ],
            )
            if what == "approved":
                self._bump(conn, pid)
            keys = [f"{c['indicator']}/{c['area']}/{c['year']}" for c in cells]
            self._audit(
                conn,
                who,
                "import.approve" if what == "approved" else "import.reject",
                "import",
                str(imp["id"]),
                pid,
                {
                    "import_id": imp["id"],
                    "filename": imp["filename"],
                    "decided": len(cells),
                    "reason": reason or None,
                    "cells": keys if len(keys) <= AUDIT_CELLS else f"{len(keys)} cells",
                },
                now,
            )
        return {
            "import_id": imp["id"],
            "plan_id": pid,
            "decision": what,
            "decided": len(cells),
            "skipped": int(total) - len(cells),
        }
