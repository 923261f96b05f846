"""What the annual assessment reads from supervision: late, missing and returned reports,
reviewers' ratings of task progress, and adjustments of a unit's result (with a reason)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import DataError, Problem
from .db import from_db, to_db
from .errors import ReasonRequired
from .schema import adjustments, decisions, observations, task_ratings, task_updates, tasks
from .supervision import _rating_dict

if TYPE_CHECKING:
    from .base import StoreBase, UserRef


class AssessmentDataMixin:
    def assessment_events(
        self: StoreBase, year: int, plan_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Events that may cost a unit points in ``year``, oldest first. Each: unit (the
        department), kind, date, reference, detail.

        - ``late_report``: the first update on a task for a period of ``year`` came after
          the period's due date (unit: the task's lead department);
        - ``missing_report``: a period of ``year`` is past due (as of today) with no update
          on a task that reports in it;
        - ``returned_data``: a reviewer rejected a revision of a value for ``year`` of an
          indicator the department is responsible for.
        """
        year = int(year)
        today = self.now().date()
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            ts, periods, first = self._report_state(conn, pid)  # type: ignore[attr-defined]
            owners = self._assignments(conn, pid)
            rejected = conn.execute(
                sa.select(
                    observations.c.indicator,
                    observations.c.area,
                    observations.c.year,
                    observations.c.revision,
                    decisions.c.decided_at,
                    decisions.c.reason,
                    decisions.c.decided_by,
                )
                .join(decisions, decisions.c.observation_id == observations.c.id)
                .where(
                    observations.c.plan_id == pid,
                    observations.c.year == year,
                    decisions.c.decision == "rejected",
                )
            ).all()
        out: list[dict[str, Any]] = []
        for p in periods:
            if p["year"] != year:
                continue
            for t in ts:
                if not p["start"] <= t["deadline"]:
                    continue
                ref = f"{t['key']}/{p['key']}"
                at = first.get((t["key"], p["key"]))
                if at is not None and at.date() > p["due"]:
                    out.append(
                        {
                            "unit": t["lead"],
                            "kind": "late_report",
                            "date": at.date(),
                            "reference": ref,
                            "detail": {
                                "task": t["key"],
                                "period": p["key"],
                                "due": p["due"],
                                "days_late": (at.date() - p["due"]).days,
                            },
                        }
                    )
                elif at is None and today > p["due"]:
                    out.append(
                        {
                            "unit": t["lead"],
                            "kind": "missing_report",
                            "date": p["due"],
                            "reference": ref,
                            "detail": {"task": t["key"], "period": p["key"], "due": p["due"]},
                        }
                    )
        for ind, area, yr, rev, at, reason, by in rejected:
            unit = owners.get(ind)
            if unit is None:
                continue
            out.append(
                {
                    "unit": unit,
                    "kind": "returned_data",
                    "date": from_db(at).date(),
                    "reference": f"{ind}/{area}/{yr}#{rev}",
                    "detail": {
                        "indicator": ind,
                        "area": area,
                        "year": yr,
                        "revision": rev,
                        "reason": reason,
                        "by": by,
                    },
                }
            )
        out.sort(key=lambda e: (e["date"], e["unit"], e["kind"], e["reference"]))
        return out

    def adjust(
        self: StoreBase,
        user: UserRef,
        unit: str,
        year: int,
        delta: float | int | str,
        reason: str,
        plan_id: str | None = None,
    ) -> dict[str, Any]:
        """Adjust a unit's assessment result for ``year`` by ``delta`` points, with a reason
        (administrators and reviewers); audited, never changed afterwards."""
        if not (reason or "").strip():
            raise ReasonRequired("an adjustment needs a reason")
        try:
            d = float(delta)
            if d != d or d in (float("inf"), float("-inf")):
                raise ValueError
        except (TypeError, ValueError):
            raise DataError(
                [Problem("not-a-number", f"{delta!r} is not a number", field="delta")]
            ) from None
        now = self.now()
        with self._write() as conn:
            who = self._actor(conn, user, system_if_none=False)
            self._require(who, who.can_review, "adjust assessment results")
            pid = self._plan_id(conn, plan_id)
            new_id = conn.execute(
                adjustments.insert()
                .values(
                    plan_id=pid,
                    unit=unit,
                    year=int(year),
                    delta=d,
                    reason=reason.strip(),
                    created_by=who.username,
                    created_at=to_db(now),
                )
                .returning(adjustments.c.id)
            ).scalar_one()
            self._audit(
                conn,
                who,
                "assessment.adjust",
                "unit",
                f"{unit}/{year}",
                pid,
                {"delta": d, "reason": reason.strip()},
                now,
            )
            row = (
                conn.execute(sa.select(adjustments).where(adjustments.c.id == new_id))
                .mappings()
                .one()
            )
        return _adjustment_dict(row)

    def adjustments(
        self: StoreBase, year: int, unit: str | None = None, plan_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Adjustments for ``year`` (one unit's, if named), oldest first."""
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            q = sa.select(adjustments).where(
                adjustments.c.plan_id == pid, adjustments.c.year == int(year)
            )
            if unit:
                q = q.where(adjustments.c.unit == unit)
            rows = conn.execute(q.order_by(adjustments.c.id)).mappings().all()
        return [_adjustment_dict(r) for r in rows]

    def ratings(self: StoreBase, year: int, plan_id: str | None = None) -> list[dict[str, Any]]:
        """Reviewers' ratings of progress updates for periods of ``year``: each with task,
        period, unit (the task's lead department), departments, score, scale, normalised
        (0–1), comment, rated_by, rated_at."""
        tu = task_updates
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            rows = (
                conn.execute(
                    sa.select(
                        task_ratings,
                        tu.c.task,
                        tu.c.period,
                        tu.c.revision,
                        tasks.c.lead,
                        tasks.c.co,
                    )
                    .join(tu, tu.c.id == task_ratings.c.update_id)
                    .join(tasks, (tasks.c.plan_id == tu.c.plan_id) & (tasks.c.key == tu.c.task))
                    .where(tu.c.plan_id == pid, tu.c.period.like(f"{int(year)}-%"))
                    .order_by(task_ratings.c.id)
                )
                .mappings()
                .all()
            )
        return [
            {
                **_rating_dict(r),
                "task": r["task"],
                "period": r["period"],
                "revision": r["revision"],
                "unit": r["lead"],
                "departments": [r["lead"], *[x for x in (r["co"] or "").split(",") if x]],
            }
            for r in rows
        ]


def _adjustment_dict(r: Any) -> dict[str, Any]:
    return {
        "id": r["id"],
        "unit": r["unit"],
        "year": r["year"],
        "delta": r["delta"],
        "reason": r["reason"],
        "created_by": r["created_by"],
        "created_at": from_db(r["created_at"]),
    }
