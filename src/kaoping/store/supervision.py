"""Supervision (督查): tasks from an assignment file, progress updates with evidence, ratings,
the reporting calendar, completeness, overdue lists, notices and the off-track loop.

Progress updates are revisions: per (plan, task, period) they are numbered 1, 2, …; a new
update never replaces an old one. Ratings, explanations and evidence are only inserted.
Every write checks the user's permission here, runs in one transaction and is audited.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..assess.calendar import Period, make_period, period_year, standard_periods
from ..assess.tasks import STATUSES, Assignment, parse_assignment
from ..errors import DataError, Problem, UsageError
from .db import from_db, to_db
from .errors import Conflict, NotFound, ReasonRequired
from .schema import (
    assignment_versions,
    assignments,
    departments,
    explanations,
    notices,
    report_periods,
    task_evidence,
    task_ratings,
    task_updates,
    tasks,
    user_emails,
    users,
)

if TYPE_CHECKING:
    from ..engine.result import Evaluation
    from .base import Actor, StoreBase, UserRef

log = logging.getLogger("kaoping.supervision")

MAX_EVIDENCE = 20 * 1024 * 1024
OFF_TRACK = ("lagging", "regressing")
tu, te, tr_ = task_updates, task_evidence, task_ratings


def _split(text: str) -> list[str]:
    return [x for x in (text or "").split(",") if x]


def _task_dict(r: Any) -> dict[str, Any]:
    co = _split(r["co"])
    return {
        "key": r["key"],
        "plan_id": r["plan_id"],
        "article": r["article"],
        "title": {"zh": r["title_zh"], "en": r["title_en"] or ""},
        "lead": r["lead"],
        "co": co,
        "departments": [r["lead"], *co],
        "deadline": r["deadline"],
        "milestones": [
            {"date": date.fromisoformat(m["date"]), "text": m["text"]}
            for m in json.loads(r["milestones"] or "[]")
        ],
        "indicators": _split(r["indicators"]),
        "version": r["version"],
        "active": bool(r["active"]),
    }


def _update_dict(r: Any) -> dict[str, Any]:
    return {
        "id": r["id"],
        "task": r["task"],
        "period": r["period"],
        "revision": r["revision"],
        "status": r["status"],
        "percent": r["percent"],
        "narrative": r["narrative"],
        "links": json.loads(r["links"] or "[]"),
        "department": r["department"],
        "created_by": r["created_by"],
        "created_at": from_db(r["created_at"]),
    }


def _period_dict(r: Any) -> dict[str, Any]:
    return {
        "key": r["key"],
        "year": r["year"],
        "kind": r["kind"],
        "start": r["start"],
        "end": r["end"],
        "due": r["due"],
    }


def _as_date(d: date | datetime | None) -> date | None:
    if d is None or (isinstance(d, date) and not isinstance(d, datetime)):
        return d
    return d.date()


def _check_links(links: Iterable[str]) -> tuple[list[str], list[Problem]]:
    out, problems = [], []
    for i, link in enumerate(links or ()):
        link = (link or "").strip()
        if not link:
            continue
        p = urlparse(link)
        if p.scheme not in ("http", "https") or not p.netloc:
            problems.append(
                Problem("bad-link", f"{link!r} is not an http(s) address", field=f"links[{i}]")
            )
        else:
            out.append(link)
    return out, problems


def _files(files: Iterable[Any]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Evidence files as dicts: name, media_type, data (bytes); size and sha256 added."""
    out, problems = [], []
    for i, f in enumerate(files or ()):
        if isinstance(f, dict):
            name, mtype, data = f.get("name"), f.get("media_type"), f.get("data")
        else:
            name, mtype, data = f
        name = (str(name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip() or "evidence"
        data = bytes(data or b"")
        if not data:
            continue
        if len(data) > MAX_EVIDENCE:
            problems.append(
                Problem(
                    "too-large",
                    f"{name}: a file of evidence may have at most {MAX_EVIDENCE // 2**20} MB",
                    field=f"files[{i}]",
                )
            )
            continue
        out.append(
            {
                "name": name[:255],
                "media_type": (mtype or "application/octet-stream")[:128],
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "data": data,
            }
        )
    return out, problems


class SupervisionMixin:
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
                    continue
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

    # calendar -----------------------------------------------------------------------------

    def _periods(
        self: StoreBase, conn: sa.Connection, pid: str, year: int | None = None
    ) -> list[dict[str, Any]]:
        q = sa.select(report_periods).where(report_periods.c.plan_id == pid)
        if year is not None:
            q = q.where(report_periods.c.year == int(year))
        q = q.order_by(report_periods.c.due, report_periods.c.key)
        return [_period_dict(r) for r in conn.execute(q).mappings().all()]

    def set_calendar(
        self: StoreBase,
        user: UserRef,
        year: int,
        periods: Iterable[dict[str, Any] | Period] | None = None,
        *,
        plan_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Set a year's reporting periods (administrators). ``periods``: mappings with key
        (``2015-Q1`` … ``2015-A``), start, end and due; None: the four quarters (due 15 days
        after each) and the year (due 31 January). Periods of the year not named are removed
        unless updates were filed for them."""
        year = int(year)
        items = [
            make_period(p, year)
            for p in (periods if periods is not None else standard_periods(year))
        ]
        keys = [p.key for p in items]
        if len(set(keys)) != len(keys):
            raise UsageError("a period is named twice")
        now = self.now()
        with self._write() as conn:
            who = self._actor(conn, user, system_if_none=True)
            self._require(who, who.is_admin, "set the reporting calendar")
            pid = self._plan_id(conn, plan_id)
            self._lock_plan(conn, pid)
            before = self._periods(conn, pid, year)
            gone = [p["key"] for p in before if p["key"] not in keys]
            if gone:
                used = conn.execute(
                    sa.select(tu.c.period)
                    .where(tu.c.plan_id == pid, tu.c.period.in_(gone))
                    .limit(1)
                ).first()
                if used:
                    raise UsageError(f"period {used[0]} has updates and cannot be removed")
                conn.execute(
                    report_periods.delete().where(
                        report_periods.c.plan_id == pid, report_periods.c.key.in_(gone)
                    )
                )
            old = {p["key"] for p in before}
            for p in items:
                vals = {
                    "year": p.year,
                    "kind": p.kind,
                    "start": p.start,
                    "end": p.end,
                    "due": p.due,
                }
                if p.key in old:
                    conn.execute(
                        report_periods.update()
                        .where(report_periods.c.plan_id == pid, report_periods.c.key == p.key)
                        .values(**vals)
                    )
                else:
                    conn.execute(report_periods.insert().values(plan_id=pid, key=p.key, **vals))
            self._audit(
                conn,
                who,
                "calendar.set",
                "calendar",
                str(year),
                pid,
                {
                    "before": [{k: str(v) for k, v in p.items()} for p in before],
                    "after": [p.to_dict() for p in items],
                },
                now,
            )
            return self._periods(conn, pid, year)

    def calendar(
        self: StoreBase, year: int | None = None, plan_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Reporting periods (of one year, or all), by due date: key, year, kind, start,
        end, due."""
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            return self._periods(conn, pid, year)

    # completeness and overdue ----------------------------------------------------------------

    def _report_state(
        self: StoreBase, conn: sa.Connection, pid: str
    ) -> tuple[list[dict], list[dict], dict[tuple[str, str], datetime]]:
        """Active tasks, all periods, and when each (task, period) was first reported."""
        ts = [
            _task_dict(r)
            for r in conn.execute(
                sa.select(tasks)
                .where(tasks.c.plan_id == pid, tasks.c.active.is_(True))
                .order_by(tasks.c.position)
            ).mappings()
        ]
        periods = self._periods(conn, pid)
        first = {
            (t, p): from_db(at)
            for t, p, at in conn.execute(
                sa.select(tu.c.task, tu.c.period, sa.func.min(tu.c.created_at))
                .where(tu.c.plan_id == pid)
                .group_by(tu.c.task, tu.c.period)
            ).all()
        }
        return ts, periods, first

    @staticmethod
    def _due_in(task: dict[str, Any], period: dict[str, Any]) -> bool:
        """A task reports in every period that starts on or before its deadline."""
        return period["start"] <= task["deadline"]

    def completeness(
        self: StoreBase, period: str, by: str = "department", plan_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Per department (the tasks it leads or co-operates on), per plan group (the groups
        of a task's indicators) or per chapter (its article's): tasks due, tasks with an
        update for ``period``, the share, and the keys of the tasks missing."""
        if by not in ("department", "group", "chapter"):
            raise UsageError(f"by={by!r}: choose department, group or chapter")
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            ts, periods, first = self._report_state(conn, pid)
            names = {r["key"]: r for r in conn.execute(sa.select(departments)).mappings()}
        p = next((x for x in periods if x["key"] == period), None)
        if p is None:
            raise NotFound(f"no reporting period {period!r} in the calendar")
        plan = self.plan(pid)
        groups: dict[str, dict[str, Any]] = {}
        order: list[str] = []
        if by == "group":
            group_of = {i.key: i.group for i in plan.indicators}
            for g in plan.groups:
                order.append(g.key)
                groups[g.key] = {"key": g.key, "name": {"zh": g.name.zh, "en": g.name.en or ""}}
        elif by == "chapter":
            chapter_of = {a.number: a.chapter for a in plan.articles}
            for ch in plan.chapters:
                k = str(ch.number)
                order.append(k)
                groups[k] = {"key": k, "name": {"zh": ch.title.zh, "en": ch.title.en or ""}}
        tally: dict[str, dict[str, list[str]]] = {}
        for t in ts:
            if not self._due_in(t, p):
                continue
            if by == "department":
                keys = t["departments"]
            elif by == "group":
                keys = sorted({group_of[i] for i in t["indicators"] if i in group_of})
            else:
                ch = chapter_of.get(t["article"])
                keys = [str(ch)] if ch is not None else []
            for k in keys:
                d = tally.setdefault(k, {"due": [], "done": []})
                d["due"].append(t["key"])
                if (t["key"], period) in first:
                    d["done"].append(t["key"])
        if by == "department":
            order = sorted(tally)
            for k in order:
                n = names.get(k)
                groups[k] = {
                    "key": k,
                    "name": {
                        "zh": n["name_zh"] if n else k,
                        "en": (n["name_en"] if n else "") or "",
                    },
                }
        out = []
        for k in order:
            d = tally.get(k)
            if not d:
                continue
            n_due, n_done = len(d["due"]), len(d["done"])
            out.append(
                {
                    **groups[k],
                    "period": period,
                    "tasks": n_due,
                    "updated": n_done,
                    "share": n_done / n_due if n_due else None,
                    "missing": [x for x in d["due"] if x not in d["done"]],
                }
            )
        return out

    def overdue(
        self: StoreBase,
        as_of: date | None = None,
        department: str | None = None,
        plan_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """What is late as of a day (today, UTC): ``report`` — a period's due date passed
        without an update on a task; ``deadline`` — a task's deadline passed and its latest
        update is below 100 %. Each: kind, task, title, lead, departments, period, due,
        days_late."""
        today = _as_date(as_of) or self.now().date()
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            ts, periods, first = self._report_state(conn, pid)
            latest = self._latest_updates(conn, pid)
        out = []
        for t in ts:
            if department and department not in t["departments"]:
                continue
            base = {
                "task": t["key"],
                "title": t["title"],
                "lead": t["lead"],
                "departments": t["departments"],
                "article": t["article"],
            }
            for p in periods:
                if p["due"] < today and self._due_in(t, p) and (t["key"], p["key"]) not in first:
                    out.append(
                        {
                            **base,
                            "kind": "report",
                            "period": p["key"],
                            "due": p["due"],
                            "days_late": (today - p["due"]).days,
                        }
                    )
            last = latest.get(t["key"])
            if t["deadline"] < today and (last is None or last["percent"] < 100):
                out.append(
                    {
                        **base,
                        "kind": "deadline",
                        "period": None,
                        "due": t["deadline"],
                        "days_late": (today - t["deadline"]).days,
                        "percent": last["percent"] if last else None,
                    }
                )
        out.sort(key=lambda r: (r["due"], r["task"], r["kind"]))
        return out

    # notices ------------------------------------------------------------------------------

    def set_email(self: StoreBase, username: str, email: str, actor: UserRef = None) -> None:
        """The address a user's notices are mailed to (the user or an administrator)."""
        email = (email or "").strip()
        if email and ("@" not in email or len(email) > 254 or any(c in email for c in " \r\n")):
            raise UsageError(f"{email!r} is not an e-mail address")
        with self._write() as conn:
            who = self._actor(conn, actor, system_if_none=True)
            self._require(who, who.is_admin or who.username == username, "set this address")
            if (
                conn.execute(sa.select(users.c.id).where(users.c.username == username)).first()
                is None
            ):
                raise NotFound(f"no user {username!r}")
            conn.execute(user_emails.delete().where(user_emails.c.username == username))
            if email:
                conn.execute(user_emails.insert().values(username=username, email=email))
            self._audit(conn, who, "user.email", "user", username, detail={"after": email})

    def generate_notices(
        self: StoreBase,
        as_of: date | None = None,
        *,
        before_days: int = 7,
        plan_id: str | None = None,
        smtp: Any = None,
    ) -> dict[str, Any]:
        """Notices for the users of every department with a task unreported for a period:
        ``due_soon`` from ``before_days`` before the due date to the due date, ``overdue``
        after it. Each user gets one notice of each kind per period. E-mailed when SMTP is
        configured (``smtp``: :class:`~kaoping.assess.notices.SmtpSettings`; None: from the
        environment; False: never) to users with an address. Returns ``created`` (the new
        notices), ``emailed`` (how many) and ``email_error`` (None, or why sending failed).
        """
        from ..assess.notices import SmtpSettings, send_notices

        today = _as_date(as_of) or self.now().date()
        now = self.now()
        created: list[dict[str, Any]] = []
        with self._write() as conn:
            pid = self._plan_id(conn, plan_id)
            ts, periods, first = self._report_state(conn, pid)
            members: dict[str, list[str]] = {}
            for name, dept in conn.execute(
                sa.select(users.c.username, users.c.department).where(
                    users.c.active.is_(True), users.c.department.is_not(None)
                )
            ).all():
                members.setdefault(dept, []).append(name)
            have = {
                (u, k, p)
                for u, k, p in conn.execute(
                    sa.select(notices.c.username, notices.c.kind, notices.c.period).where(
                        notices.c.plan_id == pid
                    )
                ).all()
            }
            for p in periods:
                if today > p["due"]:
                    kind = "overdue"
                elif today >= p["due"] - timedelta(days=before_days):
                    kind = "due_soon"
                else:
                    continue
                missing: dict[str, list[str]] = {}
                for t in ts:
                    if self._due_in(t, p) and (t["key"], p["key"]) not in first:
                        for dk in t["departments"]:
                            missing.setdefault(dk, []).append(t["key"])
                for dept, keys in sorted(missing.items()):
                    for name in sorted(members.get(dept, [])):
                        if (name, kind, p["key"]) in have:
                            continue
                        text = _notice_text(kind, p, keys, today)
                        nid = conn.execute(
                            notices.insert()
                            .values(
                                plan_id=pid,
                                username=name,
                                kind=kind,
                                period=p["key"],
                                department=dept,
                                created_at=to_db(now),
                                **text,
                            )
                            .returning(notices.c.id)
                        ).scalar_one()
                        have.add((name, kind, p["key"]))
                        created.append(
                            {
                                "id": nid,
                                "username": name,
                                "kind": kind,
                                "period": p["key"],
                                "department": dept,
                                **text,
                            }
                        )
            if created:
                self._audit(
                    conn,
                    _system(),
                    "notices.generate",
                    "notice",
                    today.isoformat(),
                    pid,
                    {"created": len(created)},
                    now,
                )
        settings = SmtpSettings.from_env() if smtp is None else (smtp or None)
        emailed, error = 0, None
        if settings is not None and created:
            with self._read() as conn:
                addr = dict(
                    conn.execute(sa.select(user_emails.c.username, user_emails.c.email)).all()
                )
            items = [(n, addr[n["username"]]) for n in created if n["username"] in addr]
            try:
                sent = send_notices(settings, items)
            except (OSError, Exception) as e:  # smtplib errors are OSError or SMTPException
                log.warning("sending notices failed: %s", e)
                sent, error = [], str(e) or type(e).__name__
            if sent:
                with self._write() as conn:
                    conn.execute(
                        notices.update()
                        .where(notices.c.id.in_(sent))
                        .values(emailed_at=to_db(self.now()))
                    )
            emailed = len(sent)
        return {"created": created, "emailed": emailed, "email_error": error}

    def notices(
        self: StoreBase, user: UserRef, unread_only: bool = False, limit: int = 200
    ) -> list[dict[str, Any]]:
        """A user's notices, newest first."""
        with self._read() as conn:
            who = self._actor(conn, user, system_if_none=False)
            q = sa.select(notices).where(notices.c.username == who.username)
            if unread_only:
                q = q.where(notices.c.read_at.is_(None))
            rows = (
                conn.execute(
                    q.order_by(notices.c.created_at.desc(), notices.c.id.desc()).limit(int(limit))
                )
                .mappings()
                .all()
            )
        return [
            {
                **dict(r),
                "created_at": from_db(r["created_at"]),
                "read_at": from_db(r["read_at"]),
                "emailed_at": from_db(r["emailed_at"]),
                "read": r["read_at"] is not None,
            }
            for r in rows
        ]

    def unread_notices(self: StoreBase, user: UserRef) -> int:
        with self._read() as conn:
            who = self._actor(conn, user, system_if_none=False)
            return int(
                conn.execute(
                    sa.select(sa.func.count())
                    .select_from(notices)
                    .where(notices.c.username == who.username, notices.c.read_at.is_(None))
                ).scalar_one()
            )

    def mark_read(self: StoreBase, user: UserRef, notice_id: int | None = None) -> int:
        """Mark one of the user's notices (or all of them) read; returns how many changed."""
        with self._write() as conn:
            who = self._actor(conn, user, system_if_none=False)
            where = (notices.c.username == who.username) & notices.c.read_at.is_(None)
            if notice_id is not None:
                exists = conn.execute(
                    sa.select(notices.c.username).where(notices.c.id == int(notice_id))
                ).first()
                if exists is None or exists[0] != who.username:
                    raise NotFound(f"no notice {notice_id}")
                where = where & (notices.c.id == int(notice_id))
            done = conn.execute(notices.update().where(where).values(read_at=to_db(self.now())))
            return int(done.rowcount or 0)

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


def _system() -> Actor:
    from .base import SYSTEM

    return SYSTEM


def _rating_dict(r: Any) -> dict[str, Any]:
    lo, hi = r["scale_min"], r["scale_max"]
    return {
        "id": r["id"],
        "update_id": r["update_id"],
        "score": r["score"],
        "scale": [lo, hi],
        "normalised": (r["score"] - lo) / (hi - lo),
        "comment": r["comment"],
        "rated_by": r["rated_by"],
        "rated_at": from_db(r["rated_at"]),
    }


def _explanation_dict(r: Any) -> dict[str, Any]:
    return {
        "id": r["id"],
        "indicator": r["indicator"],
        "area": r["area"],
        "year": r["year"],
        "revision": r["revision"],
        "text": r["text"],
        "corrective_task": r["corrective_task"],
        "department": r["department"],
        "created_by": r["created_by"],
        "created_at": from_db(r["created_at"]),
    }


def _notice_text(kind: str, p: dict[str, Any], keys: list[str], today: date) -> dict[str, str]:
    n, due, period = len(keys), p["due"].isoformat(), p["key"]
    shown = ", ".join(keys[:10]) + (" …" if len(keys) > 10 else "")
    if kind == "due_soon":
        days = (p["due"] - today).days
        return {
            "title_zh": f"{period} 进度报告将于 {due} 截止",
            "title_en": f"{period} progress reports are due on {due}",
            "message_zh": f"还有 {days} 天截止，{n} 项任务尚未报送进度：{shown}",
            "message_en": f"Due in {days} days; {n} task(s) have no progress update yet: {shown}",
        }
    days = (today - p["due"]).days
    return {
        "title_zh": f"{period} 进度报告已逾期",
        "title_en": f"{period} progress reports are overdue",
        "message_zh": f"已于 {due} 截止（逾期 {days} 天），{n} 项任务尚未报送进度：{shown}",
        "message_en": f"Due on {due} ({days} days ago); {n} task(s) have no progress update: "
        f"{shown}",
    }
