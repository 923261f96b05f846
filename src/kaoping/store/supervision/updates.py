"""Progress updates on tasks (revisions per task and period, never replaced), their evidence
files and reviewers' ratings."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ...assess.calendar import period_year
from ...assess.tasks import STATUSES
from ...errors import DataError, Problem, UsageError
from ..db import to_db
from ..errors import Conflict, NotFound
from ._common import (
    _check_links,
    _files,
    _rating_dict,
    _update_dict,
    te,
    tr_,
    tu,
)

if TYPE_CHECKING:
    from ..base import StoreBase, UserRef


class UpdatesMixin:
    # progress updates -----------------------------------------------------------------------

    def file_update(
        self: StoreBase,
        user: UserRef,
        task: str,
        period: str,
        status: str,
        percent: int | float | str,
        narrative: str = "",
        *,
        links: Iterable[str] = (),
        files: Iterable[Any] = (),
        base_revision: int | None = None,
        plan_id: str | None = None,
    ) -> dict[str, Any]:
        """File a progress update on a task for a reporting period (a new revision).

        Only reporters of the task's lead or co-departments, and administrators, may file.
        ``files``: (name, media type, bytes) or dicts with those keys, kept in the database
        with size and SHA-256. ``base_revision`` is the latest revision the user saw for this
        task and period (0 for none): if another was filed since, :class:`Conflict` is
        raised and nothing is written.
        """
        problems: list[Problem] = []
        status = (status or "").strip().lower()
        if status not in STATUSES:
            problems.append(
                Problem(
                    "bad-status", f"status {status!r}: choose green, amber or red", field="status"
                )
            )
        try:
            pct = float(percent)
            if not 0 <= pct <= 100 or pct != int(pct):
                raise ValueError
            pct_i = int(pct)
        except (TypeError, ValueError):
            problems.append(
                Problem(
                    "bad-percent", f"{percent!r}: a whole number from 0 to 100", field="percent"
                )
            )
            pct_i = 0
        try:
            year = period_year(period)
        except UsageError as e:
            problems.append(Problem("bad-period", str(e), field="period"))
            year = None
        good_links, p2 = _check_links(links)
        evidence, p3 = _files(files)
        problems += p2 + p3
        if problems:
            raise DataError(problems)
        now = self.now()
        attempted = {
            "status": status,
            "percent": pct_i,
            "narrative": narrative or "",
            "links": good_links,
            "files": [f["name"] for f in evidence],
            "base_revision": base_revision,
        }
        key = f"{task}/{period}"
        try:
            with self._write() as conn:
                who = self._actor(conn, user, system_if_none=False)
                pid = self._plan_id(conn, plan_id)
                t = self._task_row(conn, pid, task)
                self._require(who, self._may_file(who, t), f"file updates on task {task}")
                if not t["active"]:
                    raise UsageError(f"task {task} is no longer in the assignment")
                periods = self._periods(conn, pid, year)
                if periods and period not in {p["key"] for p in periods}:
                    raise DataError(
                        [
                            Problem(
                                "unknown-period",
                                f"{period} is not in the {year} calendar",
                                field="period",
                            )
                        ]
                    )
                self._lock_plan(conn, pid)
                cur = (
                    conn.execute(
                        sa.select(tu)
                        .where(tu.c.plan_id == pid, tu.c.task == task, tu.c.period == period)
                        .order_by(tu.c.revision.desc())
                        .limit(1)
                    )
                    .mappings()
                    .first()
                )
                cur_rev = cur["revision"] if cur else 0
                if base_revision is not None and int(base_revision) != cur_rev:
                    raise Conflict(
                        f"{key} was updated meanwhile: revision {cur_rev} is the latest, "
                        f"not {base_revision}",
                        _update_dict(cur) if cur else None,
                        attempted,
                    )
                dept = who.department if who.department in t["departments"] else t["lead"]
                new_id = conn.execute(
                    tu.insert()
                    .values(
                        plan_id=pid,
                        task=task,
                        period=period,
                        revision=cur_rev + 1,
                        status=status,
                        percent=pct_i,
                        narrative=narrative or "",
                        links=json.dumps(good_links, ensure_ascii=False),
                        department=dept,
                        created_by=who.username,
                        created_at=to_db(now),
                    )
                    .returning(tu.c.id)
                ).scalar_one()
                for f in evidence:
                    conn.execute(te.insert().values(update_id=new_id, **f))
                self._audit(
                    conn,
                    who,
                    "task.update",
                    "task",
                    key,
                    pid,
                    {
                        "revision": cur_rev + 1,
                        "before": None
                        if cur is None
                        else {
                            "revision": cur_rev,
                            "status": cur["status"],
                            "percent": cur["percent"],
                        },
                        "after": {
                            "status": status,
                            "percent": pct_i,
                            "links": good_links,
                            "files": [
                                {"name": f["name"], "size": f["size"], "sha256": f["sha256"]}
                                for f in evidence
                            ],
                        },
                    },
                    now,
                )
                row = conn.execute(sa.select(tu).where(tu.c.id == new_id)).mappings().one()
                out = _update_dict(row)
                out["evidence"] = self._evidence_meta(conn, [new_id]).get(new_id, [])
                return out
        except IntegrityError:
            err = Conflict(f"{key} was updated meanwhile", None, attempted)
            self._audit_task_conflict(user, key, err)
            raise err from None
        except Conflict as err:
            self._audit_task_conflict(user, key, err)
            raise

    def _audit_task_conflict(self: StoreBase, user: UserRef, key: str, err: Conflict) -> None:
        with self._write() as conn:
            who = self._actor(conn, user, system_if_none=False)
            cur = err.current
            self._audit(
                conn,
                who,
                "task.conflict",
                "task",
                key,
                None,
                {
                    "attempted": err.attempted,
                    "current": None
                    if cur is None
                    else {k: cur[k] for k in ("revision", "status", "percent", "created_by")},
                },
            )

    def _evidence_meta(
        self: StoreBase, conn: sa.Connection, update_ids: list[int]
    ) -> dict[int, list[dict]]:
        if not update_ids:
            return {}
        rows = conn.execute(
            sa.select(te.c.id, te.c.update_id, te.c.name, te.c.media_type, te.c.size, te.c.sha256)
            .where(te.c.update_id.in_(update_ids))
            .order_by(te.c.id)
        ).mappings()
        out: dict[int, list[dict]] = {}
        for r in rows:
            out.setdefault(r["update_id"], []).append(
                {k: r[k] for k in ("id", "name", "media_type", "size", "sha256")}
            )
        return out

    def _ratings_of(
        self: StoreBase, conn: sa.Connection, update_ids: list[int]
    ) -> dict[int, list[dict]]:
        if not update_ids:
            return {}
        rows = conn.execute(
            sa.select(tr_).where(tr_.c.update_id.in_(update_ids)).order_by(tr_.c.id)
        ).mappings()
        out: dict[int, list[dict]] = {}
        for r in rows:
            out.setdefault(r["update_id"], []).append(_rating_dict(r))
        return out

    def task_history(
        self: StoreBase, task: str, period: str | None = None, plan_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Every update of a task (one period, if given), newest first, each with its
        ``evidence`` (without the bytes) and its ``ratings``."""
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            self._task_row(conn, pid, task)
            q = sa.select(tu).where(tu.c.plan_id == pid, tu.c.task == task)
            if period:
                q = q.where(tu.c.period == period)
            rows = conn.execute(q.order_by(tu.c.created_at.desc(), tu.c.id.desc())).mappings().all()
            ids = [r["id"] for r in rows]
            ev = self._evidence_meta(conn, ids)
            ra = self._ratings_of(conn, ids)
        out = []
        for r in rows:
            d = _update_dict(r)
            d["evidence"] = ev.get(r["id"], [])
            d["ratings"] = ra.get(r["id"], [])
            out.append(d)
        return out

    def evidence(self: StoreBase, evidence_id: int) -> dict[str, Any]:
        """One file of evidence with its bytes (``data``) and the task it belongs to."""
        with self._read() as conn:
            r = (
                conn.execute(
                    sa.select(te, tu.c.task, tu.c.period, tu.c.plan_id)
                    .join(tu, tu.c.id == te.c.update_id)
                    .where(te.c.id == int(evidence_id))
                )
                .mappings()
                .first()
            )
        if r is None:
            raise NotFound(f"no evidence {evidence_id}")
        return dict(r)

    # ratings ------------------------------------------------------------------------------

    def rate(
        self: StoreBase,
        user: UserRef,
        update_id: int,
        score: float | int | str,
        comment: str = "",
        scale: tuple[int, int] = (1, 5),
    ) -> dict[str, Any]:
        """A reviewer's rating of a progress update on a stated scale (default 1–5)."""
        lo, hi = int(scale[0]), int(scale[1])
        if lo >= hi:
            raise UsageError(f"the scale {lo}–{hi} is empty")
        try:
            s = float(score)
        except (TypeError, ValueError):
            s = float("nan")
        if not lo <= s <= hi:
            raise DataError(
                [Problem("bad-score", f"{score!r}: a score from {lo} to {hi}", field="score")]
            )
        now = self.now()
        with self._write() as conn:
            who = self._actor(conn, user, system_if_none=False)
            self._require(who, who.can_review, "rate task progress")
            up = conn.execute(sa.select(tu).where(tu.c.id == int(update_id))).mappings().first()
            if up is None:
                raise NotFound(f"no update {update_id}")
            new_id = conn.execute(
                tr_.insert()
                .values(
                    update_id=up["id"],
                    score=s,
                    scale_min=lo,
                    scale_max=hi,
                    comment=(comment or "").strip(),
                    rated_by=who.username,
                    rated_at=to_db(now),
                )
                .returning(tr_.c.id)
            ).scalar_one()
            self._audit(
                conn,
                who,
                "task.rate",
                "task",
                f"{up['task']}/{up['period']}",
                up["plan_id"],
                {
                    "update": up["id"],
                    "revision": up["revision"],
                    "score": s,
                    "scale": [lo, hi],
                    "comment": (comment or "").strip(),
                },
                now,
            )
            r = conn.execute(sa.select(tr_).where(tr_.c.id == new_id)).mappings().one()
            return {**_rating_dict(r), "task": up["task"], "period": up["period"]}
