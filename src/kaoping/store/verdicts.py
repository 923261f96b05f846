"""Verdicts on qualitative targets and on the plan's steps: append-only, the latest wins."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..data.verdicts import VERDICTS
from ..errors import DataError, Problem
from .db import from_db, to_db
from .schema import verdicts as v

if TYPE_CHECKING:
    from ..plan.model import Plan
    from .base import StoreBase, UserRef


def check_verdict(
    plan: Plan, target: str, area: str, year: int, verdict: str, evidence: str
) -> None:
    targets = {i.key for i in plan.indicators if i.is_qualitative} | {
        m.key for m in plan.milestones
    }
    problems = []
    if target not in targets:
        problems.append(
            Problem(
                "unknown-target",
                f"{target!r} is not a qualitative target or a milestone of the plan",
                field="target",
            )
        )
    if area not in {a.key for a in plan.areas}:
        problems.append(Problem("unknown-area", f"no area {area!r}", field="area"))
    if not plan.base_year <= int(year) <= plan.period.end:
        problems.append(Problem("year-outside-plan", f"{year} is outside the plan", field="year"))
    if verdict not in VERDICTS:
        problems.append(
            Problem(
                "bad-verdict",
                f"verdict {verdict!r} is not one of {', '.join(VERDICTS)}",
                field="verdict",
            )
        )
    if not (evidence or "").strip():
        problems.append(Problem("no-evidence", "a verdict needs its evidence", field="evidence"))
    if problems:
        raise DataError(problems)


class VerdictsMixin:
    def record_verdict(
        self: StoreBase,
        user: UserRef,
        target: str,
        area: str | None,
        year: int,
        verdict: str,
        evidence: str,
        *,
        judged_by: str = "",
        plan_id: str | None = None,
    ) -> dict[str, Any]:
        """Record a verdict (reviewers and administrators); a later one for the same target,
        area and year wins, the earlier ones are kept."""
        plan = self.plan(plan_id)
        area = area or plan.default_area
        check_verdict(plan, target, area, int(year), verdict, evidence)
        now = self.now()
        with self._write() as conn:
            who = self._actor(conn, user, system_if_none=False)
            self._require(who, who.can_review, "record verdicts")
            self._lock_plan(conn, plan.id)
            cell = (
                (v.c.plan_id == plan.id)
                & (v.c.target == target)
                & (v.c.area == area)
                & (v.c.year == int(year))
            )
            before = (
                conn.execute(sa.select(v).where(cell).order_by(v.c.revision.desc()).limit(1))
                .mappings()
                .first()
            )
            rev = (before["revision"] if before else 0) + 1
            row = {
                "plan_id": plan.id,
                "target": target,
                "area": area,
                "year": int(year),
                "revision": rev,
                "verdict": verdict,
                "evidence": evidence.strip(),
                "judged_by": judged_by or who.username,
                "created_by": who.username,
                "created_at": to_db(now),
            }
            conn.execute(v.insert().values(**row))
            self._bump(conn, plan.id)
            self._audit(
                conn,
                who,
                "verdict.record",
                "verdict",
                f"{target}/{area}/{year}",
                plan.id,
                {
                    "before": {"verdict": before["verdict"], "evidence": before["evidence"]}
                    if before
                    else None,
                    "after": {"verdict": verdict, "evidence": row["evidence"]},
                },
                now,
            )
        return {**row, "created_at": now}

    def verdicts(
        self: StoreBase,
        plan_id: str | None = None,
        as_of: datetime | None = None,
        history: bool = False,
    ) -> list[dict[str, Any]]:
        """The latest verdict per (target, area, year) recorded at or before ``as_of``
        (every revision, newest first, with ``history``). Rows fit the engine's ``verdicts``."""
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            where = v.c.plan_id == pid
            if as_of is not None:
                where = where & (v.c.created_at <= to_db(as_of))
            rn = (
                sa.func.row_number()
                .over(partition_by=(v.c.target, v.c.area, v.c.year), order_by=v.c.revision.desc())
                .label("rn")
            )
            w = sa.select(v, rn).where(where).subquery()
            q = sa.select(w)
            if not history:
                q = q.where(w.c.rn == 1)
            q = q.order_by(w.c.target, w.c.area, w.c.year, w.c.revision.desc())
            rows = conn.execute(q).mappings().all()
        return [
            {
                "target": r["target"],
                "area": r["area"],
                "year": r["year"],
                "revision": r["revision"],
                "verdict": r["verdict"],
                "evidence": r["evidence"],
                "judged_by": r["judged_by"],
                "created_by": r["created_by"],
                "created_at": from_db(r["created_at"]),
            }
            for r in rows
        ]
