"""The reporting calendar (periods and due dates), completeness of reporting per
department, group or chapter, and the overdue list."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ...assess.calendar import Period, make_period, standard_periods
from ...errors import UsageError
from ..db import from_db
from ..errors import NotFound
from ..schema import (
    departments,
    report_periods,
    tasks,
)
from ._common import (
    _as_date,
    _period_dict,
    _task_dict,
    tu,
)

if TYPE_CHECKING:
    from ..base import StoreBase, UserRef


class CalendarMixin:
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
        update for ``period``, the share, the keys of the tasks missing and of those first
        reported after the period's due date (``late``)."""
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
                d = tally.setdefault(k, {"due": [], "done": [], "late": []})
                d["due"].append(t["key"])
                filed = first.get((t["key"], period))
                if filed is not None:
                    d["done"].append(t["key"])
                    if filed.date() > p["due"]:
                        d["late"].append(t["key"])
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
                    "late": d["late"],
                }
            )
        return out

    # the plan's window: lateness is judged within the plan's period ------------------------

    @staticmethod
    def _window(plan: Any, periods: list[dict[str, Any]], day: date) -> dict[str, Any]:
        start, end = date(plan.period.start, 1, 1), date(plan.period.end, 12, 31)
        dues = [p["due"] for p in periods if p["year"] <= plan.period.end]
        close = max([end, *dues])
        return {
            "start": start,
            "end": end,
            "close": close,
            "today": day,
            "as_of": min(day, close),
            "closed": day > close,
            "years": list(range(plan.period.start, plan.period.end + 1)),
        }

    def supervision_window(
        self: StoreBase, as_of: date | None = None, plan_id: str | None = None
    ) -> dict[str, Any]:
        """Where supervision judges lateness: ``start`` and ``end`` of the plan's period,
        ``close`` (the last due date of its reporting calendar, at least the period's last
        day), ``today`` (``as_of`` or today, UTC), ``as_of`` (the day lateness is measured
        on: today, never after the close) and ``closed`` (the period and its reporting are
        over: pages show the final record)."""
        today = _as_date(as_of) or self.now().date()
        plan = self.plan(plan_id)
        with self._read() as conn:
            periods = self._periods(conn, plan.id)
        return self._window(plan, periods, today)

    @staticmethod
    def _facts(conn: sa.Connection, pid: str, day: date) -> dict[str, dict]:
        """What the updates filed on or before ``day`` say: the day each (task, period) was
        first reported, the day each task first reached 100 %, and each task's latest
        percentage."""
        rows = conn.execute(
            sa.select(tu.c.task, tu.c.period, tu.c.percent, tu.c.created_at)
            .where(tu.c.plan_id == pid)
            .order_by(tu.c.created_at, tu.c.id)
        ).all()
        first: dict[tuple[str, str], date] = {}
        done: dict[str, date] = {}
        latest: dict[str, int] = {}
        for task, period, percent, at in rows:
            d = from_db(at).date()
            if d > day:
                break  # filed after the day: not part of the record as of it
            first.setdefault((task, period), d)
            if percent >= 100:
                done.setdefault(task, d)
            latest[task] = percent
        return {"first": first, "done": done, "latest": latest}

    def _judged(
        self: StoreBase, as_of: date | None, plan_id: str | None, year: int | None
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any], dict[str, dict], date]:
        """What :meth:`overdue` and :meth:`task_record` judge as of a day (today, never
        after the plan's close): the tasks, the reporting periods (of ``year``, or all), the
        window (:meth:`supervision_window`), the facts filed by its day (:meth:`_facts`) and
        the first day that is not over (:func:`_judged_on`)."""
        today = _as_date(as_of) or self.now().date()
        plan = self.plan(plan_id)
        with self._read() as conn:
            ts, periods, _first = self._report_state(conn, plan.id)
            window = self._window(plan, periods, today)
            facts = self._facts(conn, plan.id, window["as_of"])
        if year is not None:
            periods = [p for p in periods if p["year"] == int(year)]
        return ts, periods, window, facts, _judged_on(window)

    def overdue(
        self: StoreBase,
        as_of: date | None = None,
        department: str | None = None,
        plan_id: str | None = None,
        year: int | None = None,
    ) -> list[dict[str, Any]]:
        """What is late as of a day (today, UTC), judged within the plan's period: the day
        is never after the plan's close (:meth:`supervision_window`), so a plan whose period
        has ended is judged at its close, not today. ``report`` — a period's due date passed
        without an update on a task; ``deadline`` — a task's deadline passed and its latest
        update is below 100 %. ``year``: only the periods of that year and the deadlines
        in it. Each: kind, task, title, lead, departments, period, due, days_late."""
        ts, periods, _window, facts, day = self._judged(as_of, plan_id, year)
        first, latest = facts["first"], facts["latest"]
        out = []
        for t in ts:
            if department and department not in t["departments"]:
                continue
            base = _task_head(t)
            for p in periods:
                if p["due"] < day and self._due_in(t, p) and (t["key"], p["key"]) not in first:
                    out.append(
                        {
                            **base,
                            "kind": "report",
                            "period": p["key"],
                            "due": p["due"],
                            "days_late": (day - p["due"]).days,
                        }
                    )
            if year is not None and t["deadline"].year != int(year):
                continue
            percent = latest.get(t["key"])
            if t["deadline"] < day and (percent is None or percent < 100):
                out.append(
                    {
                        **base,
                        "kind": "deadline",
                        "period": None,
                        "due": t["deadline"],
                        "days_late": (day - t["deadline"]).days,
                        "percent": percent,
                    }
                )
        out.sort(key=lambda r: (r["due"], r["task"], r["kind"]))
        return out

    def task_record(
        self: StoreBase,
        year: int | None = None,
        department: str | None = None,
        plan_id: str | None = None,
        as_of: date | None = None,
    ) -> dict[str, Any]:
        """The record of supervision as of a day (today, never after the plan's close): for
        a plan whose period has ended, its final record.

        ``tasks`` (those with their deadline in ``year``, or all): ``outcome`` —
        ``done_on_time`` (100 % reported by the deadline), ``done_late`` (by the as-of day,
        after the deadline; ``days_late`` says how long after), ``not_done`` (the deadline
        passed without 100 %), ``open`` (neither done nor due yet); ``completed_on``,
        ``percent`` (the latest reported), and ``reports``: of the periods the task reports
        in that were due by the as-of day, how many were filed ``on_time``, ``late`` or are
        ``missing``. ``periods`` (of ``year``, or all): per reporting period the tasks due
        and how many were filed on time, late or not (``open`` while not yet due).
        ``window``: :meth:`supervision_window`."""
        ts, periods, window, facts, day = self._judged(as_of, plan_id, year)
        first, done, latest = facts["first"], facts["done"], facts["latest"]
        if department:
            ts = [t for t in ts if department in t["departments"]]
        tally = {p["key"]: {"on_time": 0, "late": 0, "missing": 0} for p in periods}
        tasks_out = []
        for t in ts:
            reports = {"due": 0, "on_time": 0, "late": 0, "missing": 0}
            for p in periods:
                filed = first.get((t["key"], p["key"]))
                if not self._due_in(t, p) or (filed is None and p["due"] >= day):
                    continue  # not reported in, or not yet due
                kind = "missing" if filed is None else "on_time" if filed <= p["due"] else "late"
                reports["due"] += 1
                reports[kind] += 1
                tally[p["key"]][kind] += 1
            if year is not None and t["deadline"].year != int(year):
                continue
            completed = done.get(t["key"])
            if completed is not None:
                late: int | None = max(0, (completed - t["deadline"]).days)
                outcome = "done_late" if late else "done_on_time"
            else:
                late = None
                outcome = "not_done" if t["deadline"] < day else "open"
            tasks_out.append(
                {
                    **_task_head(t),
                    "deadline": t["deadline"],
                    "outcome": outcome,
                    "completed_on": completed,
                    "days_late": late,
                    "percent": latest.get(t["key"]),
                    "reports": reports,
                }
            )
        periods_out = []
        for p in periods:
            n = sum(1 for t in ts if self._due_in(t, p))
            if not n:
                continue
            periods_out.append(
                {
                    "period": p["key"],
                    "year": p["year"],
                    "due": p["due"],
                    "tasks": n,
                    "open": p["due"] >= day,
                    **tally[p["key"]],
                }
            )
        return {"window": window, "year": year, "tasks": tasks_out, "periods": periods_out}


def _task_head(t: dict[str, Any]) -> dict[str, Any]:
    """What a row about a task says of it: key, title, lead, departments and article."""
    return {
        "task": t["key"],
        "title": t["title"],
        "lead": t["lead"],
        "departments": t["departments"],
        "article": t["article"],
    }


def _judged_on(window: dict[str, Any]) -> date:
    """The first day that is not over: what falls due before it is late. Today while the
    plan runs (what is due today is not late yet); the day after its close once it has
    ended (the close day is over)."""
    return window["as_of"] + timedelta(days=1) if window["closed"] else window["as_of"]
