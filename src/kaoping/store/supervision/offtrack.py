"""The off-track loop: an indicator lagging or regressing needs an explanation and a
corrective task."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ...errors import UsageError
from ..db import to_db
from ..errors import NotFound, ReasonRequired
from ..schema import (
    explanations,
)
from ._common import (
    OFF_TRACK,
    _explanation_dict,
)

if TYPE_CHECKING:
    from ...engine.result import Evaluation
    from ..base import StoreBase, UserRef


class OffTrackMixin:
    # the loop: off-track indicators need an explanation and a corrective task ------------------

    def explain(
        self: StoreBase,
        user: UserRef,
        indicator: str,
        area: str | None,
        year: int,
        text: str,
        corrective_task: str | None = None,
        *,
        plan_id: str | None = None,
    ) -> dict[str, Any]:
        """Record why an indicator is off track (as of ``year``) and the corrective task
        that answers it: reporters of the indicator's department, or administrators. A new
        explanation of the same indicator, area and year is a new revision."""
        if not (text or "").strip():
            raise ReasonRequired("an explanation needs a text")
        plan = self.plan(plan_id)
        try:
            plan.indicator(indicator)
        except KeyError:
            raise NotFound(f"no indicator {indicator!r} in plan {plan.id}") from None
        area = area or plan.default_area
        if area not in {a.key for a in plan.areas}:
            raise NotFound(f"no area {area!r} in plan {plan.id}")
        now = self.now()
        with self._write() as conn:
            who = self._actor(conn, user, system_if_none=False)
            owner = self._assignments(conn, plan.id).get(indicator)
            self._require(
                who,
                who.is_admin or (who.role == "reporter" and who.department == owner),
                f"explain {indicator}",
            )
            if corrective_task:
                t = self._task_row(conn, plan.id, corrective_task)
                if not t["active"]:
                    raise UsageError(f"task {corrective_task} is no longer in the assignment")
            self._lock_plan(conn, plan.id)
            cell = (
                (explanations.c.plan_id == plan.id)
                & (explanations.c.indicator == indicator)
                & (explanations.c.area == area)
                & (explanations.c.year == int(year))
            )
            rev = conn.execute(
                sa.select(sa.func.coalesce(sa.func.max(explanations.c.revision), 0)).where(cell)
            ).scalar_one()
            conn.execute(
                explanations.insert().values(
                    plan_id=plan.id,
                    indicator=indicator,
                    area=area,
                    year=int(year),
                    revision=rev + 1,
                    text=text.strip(),
                    corrective_task=corrective_task or None,
                    department=owner,
                    created_by=who.username,
                    created_at=to_db(now),
                )
            )
            key = f"{indicator}/{area}/{year}"
            self._audit(
                conn,
                who,
                "explanation.record",
                "indicator",
                key,
                plan.id,
                {"revision": rev + 1, "text": text.strip(), "corrective_task": corrective_task},
                now,
            )
            row = (
                conn.execute(
                    sa.select(explanations).where(cell, explanations.c.revision == rev + 1)
                )
                .mappings()
                .one()
            )
            return _explanation_dict(row)

    def explanations(
        self: StoreBase,
        indicator: str | None = None,
        year: int | None = None,
        area: str | None = None,
        *,
        latest_only: bool = True,
        plan_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Explanations (the latest revision per indicator, area and year unless
        ``latest_only=False``): indicator, area, year, revision, text, corrective_task,
        department, created_by, created_at."""
        e = explanations
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            where = e.c.plan_id == pid
            if indicator:
                where = where & (e.c.indicator == indicator)
            if year is not None:
                where = where & (e.c.year == int(year))
            if area:
                where = where & (e.c.area == area)
            rn = sa.func.row_number().over(
                partition_by=(e.c.indicator, e.c.area, e.c.year), order_by=e.c.revision.desc()
            )
            sub = sa.select(e, rn.label("rn")).where(where).subquery()
            q = sa.select(sub)
            if latest_only:
                q = q.where(sub.c.rn == 1)
            rows = (
                conn.execute(
                    q.order_by(sub.c.indicator, sub.c.area, sub.c.year, sub.c.revision.desc())
                )
                .mappings()
                .all()
            )
        return [_explanation_dict(r) for r in rows]

    def off_track(
        self: StoreBase,
        evaluation: Evaluation,
        year: int | None = None,
        plan_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Every indicator and area lagging or regressing in ``evaluation``, with its
        department, latest explanation (or None), corrective task (or None) and ``missing``:
        which of ``explanation`` and ``corrective_task`` it lacks."""
        year = int(year if year is not None else evaluation.as_of)
        found = {
            (x["indicator"], x["area"]): x
            for x in self.explanations(year=year, plan_id=plan_id or evaluation.plan_id)
        }
        owners = self.assignments(plan_id or evaluation.plan_id)
        out = []
        for row in evaluation.indicator_table.rows():
            if row.get("status") not in OFF_TRACK:
                continue
            ex = found.get((row["indicator"], row["area"]))
            missing = []
            if ex is None:
                missing.append("explanation")
            if ex is None or not ex["corrective_task"]:
                missing.append("corrective_task")
            out.append(
                {
                    "indicator": row["indicator"],
                    "area": row["area"],
                    "year": year,
                    "status": row["status"],
                    "department": owners.get(row["indicator"]),
                    "explanation": ex,
                    "corrective_task": ex["corrective_task"] if ex else None,
                    "missing": missing,
                }
            )
        return out

    def unexplained_off_track(
        self: StoreBase,
        evaluation: Evaluation,
        year: int | None = None,
        plan_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Off-track indicators that lack an explanation or a corrective task."""
        return [x for x in self.off_track(evaluation, year, plan_id) if x["missing"]]
