"""Supervision in the store, on SQLite and PostgreSQL: tasks, updates, ratings, calendar,
completeness, overdue lists, notices, the off-track loop and the assessment's inputs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kaoping.errors import DataError
from kaoping.store import Conflict, NotFound, PermissionDenied, ReasonRequired, Store

ASSIGNMENT = """
plan: mini
label: {zh: 示例, en: Example}
departments:
  - {key: stats, name: {zh: 统计局, en: Statistics Bureau}}
  - {key: env, name: {zh: 生态环境局, en: Ecology Bureau}}
  - {key: fin, name: {zh: 财政局, en: Finance Bureau}}
indicators:
  gdp: stats
tasks:
  - key: t1
    article: 1
    title: {zh: 任务一, en: Task one}
    lead: stats
    co: [fin]
    deadline: 2023-12-31
    milestones:
      - {date: 2022-06-30, text: {zh: 中期, en: Midway}}
    indicators: [share, gdp]
  - key: t2
    article: 2
    title: {zh: 任务二, en: Task two}
    lead: env
    deadline: 2025-06-30
    indicators: [count]
"""


def at(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 9, 0, tzinfo=UTC)


@pytest.fixture
def sup(store: Store) -> Store:
    store.load_assignment(ASSIGNMENT)
    store.set_calendar("admin", 2022)
    return store


def test_load_assignment_is_versioned_and_audited(store: Store):
    done = store.load_assignment(ASSIGNMENT)
    assert done["loaded"] and done["added"] == ["t1", "t2"]
    assert store.load_assignment(ASSIGNMENT)["loaded"] is False
    assert store.assignments()["gdp"] == "stats"
    assert {d["key"] for d in store.departments()} >= {"stats", "env", "fin"}
    info = store.assignment_info()
    assert info["version"] == done["version"] and info["label"]["en"] == "Example"
    [t1] = store.tasks(department="fin")
    assert t1["key"] == "t1" and t1["departments"] == ["stats", "fin"]
    assert t1["deadline"] == date(2023, 12, 31) and t1["milestones"][0]["text"]["en"] == "Midway"
    # a new version without t2 retires it (kept, inactive)
    smaller = ASSIGNMENT.split("  - key: t2")[0]
    again = store.load_assignment(smaller)
    assert again["retired"] == ["t2"]
    assert [t["key"] for t in store.tasks()] == ["t1"]
    assert store.task("t2")["active"] is False
    assert [e["action"] for e in store.audit(action="assignment.load")] == [
        "assignment.load",
        "assignment.load",
    ]
    with pytest.raises(PermissionDenied):
        store.load_assignment(ASSIGNMENT, actor="ann")


def test_updates_are_revisions_with_evidence_and_locking(sup: Store):
    s = sup
    u1 = s.file_update(
        "ann",
        "t1",
        "2022-Q1",
        "amber",
        20,
        "started",
        links=["https://example.org/report"],
        files=[("report.pdf", "application/pdf", b"%PDF-1.4 evidence")],
        base_revision=0,
    )
    assert u1["revision"] == 1 and u1["department"] == "stats"
    [ev] = u1["evidence"]
    assert ev["size"] == 17 and len(ev["sha256"]) == 64
    assert s.evidence(ev["id"])["data"] == b"%PDF-1.4 evidence"
    # the co-department may file too; a stale base revision is a conflict
    with pytest.raises(Conflict) as err:
        s.file_update("admin", "t1", "2022-Q1", "green", 30, base_revision=0)
    assert err.value.current["revision"] == 1
    assert s.audit(action="task.conflict")
    u2 = s.file_update("ann", "t1", "2022-Q1", "green", 35, "on course", base_revision=1)
    assert u2["revision"] == 2
    hist = s.task_history("t1")
    assert [h["revision"] for h in hist] == [2, 1]
    assert hist[1]["links"] == ["https://example.org/report"]
    assert s.tasks()[0]["latest"]["percent"] == 35
    # another department's reporter, a reviewer, a viewer may not file
    for who in ("eve", "rita", "vic"):
        with pytest.raises(PermissionDenied):
            s.file_update(who, "t1", "2022-Q1", "green", 40)
    with pytest.raises(DataError) as bad:
        s.file_update("ann", "t1", "2022-Q5", "blue", 140, links=["javascript:alert(1)"])
    assert {p.code for p in bad.value.problems} == {
        "bad-status",
        "bad-percent",
        "bad-period",
        "bad-link",
    }
    with pytest.raises(DataError):  # a period not in the year's calendar
        s.file_update("ann", "t1", "2022-H1", "green", 40)
    assert s.audit(action="task.update")[0]["key"] == "t1/2022-Q1"


def test_ratings(sup: Store):
    u = sup.file_update("eve", "t2", "2022-Q2", "red", 10, "late")
    r = sup.rate("rita", u["id"], 2, "needs work")
    assert r["scale"] == [1, 5] and r["normalised"] == 0.25
    with pytest.raises(PermissionDenied):
        sup.rate("eve", u["id"], 5)
    with pytest.raises(DataError):
        sup.rate("rita", u["id"], 6)
    sup.rate("admin", u["id"], 8, scale=(0, 10))
    got = sup.ratings(2022)
    assert [(x["unit"], x["score"], x["scale"]) for x in got] == [
        ("env", 2.0, [1, 5]),
        ("env", 8.0, [0, 10]),
    ]
    assert sup.ratings(2021) == []
    assert sup.task_history("t2")[0]["ratings"][0]["comment"] == "needs work"
    assert sup.audit(action="task.rate")


def test_calendar_completeness_overdue(sup: Store):
    s = sup
    cal = s.calendar(2022)
    assert [p["key"] for p in cal] == ["2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4", "2022-A"]
    assert cal[0]["due"] == date(2022, 4, 15) and cal[-1]["due"] == date(2023, 1, 31)
    with pytest.raises(PermissionDenied):
        s.set_calendar("ann", 2023)
    s.clock = lambda: at(2022, 4, 10)  # filed before the due date (15 April)
    s.file_update("ann", "t1", "2022-Q1", "green", 25)
    by_dept = {r["key"]: r for r in s.completeness("2022-Q1")}
    assert by_dept["stats"]["share"] == 1.0 and by_dept["fin"]["share"] == 1.0
    assert by_dept["env"]["share"] == 0.0 and by_dept["env"]["missing"] == ["t2"]
    assert by_dept["stats"]["name"]["en"] == "Statistics Bureau"
    [g] = s.completeness("2022-Q1", by="group")
    assert (g["key"], g["tasks"], g["updated"]) == ("g", 2, 1)
    with pytest.raises(NotFound):
        s.completeness("2030-Q1")
    late = s.overdue(as_of=date(2022, 5, 1))
    assert [(x["kind"], x["task"], x["period"]) for x in late] == [("report", "t2", "2022-Q1")]
    assert late[0]["days_late"] == 16
    assert s.overdue(as_of=date(2022, 5, 1), department="stats") == []
    # past t1's deadline below 100 %
    kinds = {(x["kind"], x["task"]) for x in s.overdue(as_of=date(2024, 2, 1))}
    assert ("deadline", "t1") in kinds


def test_notices_before_and_after_due(sup: Store):
    s = sup
    s.create_user("fay", "correct horse battery", "reporter", department="fin")
    s.clock = lambda: at(2022, 4, 10)
    made = s.generate_notices(smtp=False)
    kinds = {(n["username"], n["kind"], n["period"]) for n in made["created"]}
    assert kinds == {
        ("ann", "due_soon", "2022-Q1"),
        ("eve", "due_soon", "2022-Q1"),
        ("fay", "due_soon", "2022-Q1"),
    }
    assert s.generate_notices(smtp=False)["created"] == []  # once per user and period
    s.file_update("ann", "t1", "2022-Q1", "green", 25)
    s.clock = lambda: at(2022, 4, 20)
    after = s.generate_notices(smtp=False)["created"]
    assert {(n["username"], n["kind"]) for n in after} == {("eve", "overdue")}
    mine = s.notices("eve")
    assert [n["kind"] for n in mine] == ["overdue", "due_soon"]
    assert "2022-Q1" in mine[0]["title_en"] and mine[0]["read"] is False
    assert s.unread_notices("eve") == 2
    with pytest.raises(NotFound):
        s.mark_read("ann", mine[0]["id"])  # not hers
    assert s.mark_read("eve", mine[0]["id"]) == 1
    assert s.unread_notices("eve") == 1
    assert s.mark_read("eve") == 1 and s.unread_notices("eve") == 0


class FakeEvaluation:
    """The part of an evaluation the loop reads."""

    plan_id = "mini"
    as_of = 2023

    class indicator_table:
        @staticmethod
        def rows():
            return [
                {"indicator": "share", "area": "city", "status": "lagging"},
                {"indicator": "count", "area": "city", "status": "regressing"},
                {"indicator": "gdp", "area": "city", "status": "on_track"},
            ]


def test_the_off_track_loop(sup: Store):
    s = sup
    ev = FakeEvaluation()
    open_ = s.unexplained_off_track(ev)
    assert [(x["indicator"], x["missing"]) for x in open_] == [
        ("share", ["explanation", "corrective_task"]),
        ("count", ["explanation", "corrective_task"]),
    ]
    with pytest.raises(PermissionDenied):  # share belongs to stats
        s.explain("eve", "share", None, 2023, "drought")
    with pytest.raises(ReasonRequired):
        s.explain("ann", "share", None, 2023, "  ")
    with pytest.raises(NotFound):
        s.explain("ann", "share", None, 2023, "why", corrective_task="nope")
    s.explain("ann", "share", None, 2023, "survey delayed")
    assert [x["missing"] for x in s.unexplained_off_track(ev)] == [
        ["corrective_task"],
        ["explanation", "corrective_task"],
    ]
    e = s.explain("ann", "share", "city", 2023, "survey delayed; see t1", corrective_task="t1")
    assert e["revision"] == 2 and e["department"] == "stats"
    s.explain("eve", "count", None, 2023, "plant closed", corrective_task="t2")
    assert s.unexplained_off_track(ev) == []
    assert [x["corrective_task"] for x in s.off_track(ev)] == ["t1", "t2"]
    assert len(s.explanations(latest_only=False)) == 3
    assert s.audit(action="explanation.record")


def test_assessment_events_and_adjustments(sup: Store):
    s = sup
    s.clock = lambda: at(2022, 4, 20)  # Q1 due on 15 April
    s.file_update("ann", "t1", "2022-Q1", "green", 25)  # late
    s.clock = lambda: at(2022, 5, 1)
    rev = s.submit("ann", "gdp", None, 2022, 150, base_revision=0)
    s.reject("rita", rev["id"], "wrong unit")
    events = s.assessment_events(2022)
    got = [(e["unit"], e["kind"], e["reference"]) for e in events]
    assert got == [
        ("env", "missing_report", "t2/2022-Q1"),
        ("stats", "late_report", "t1/2022-Q1"),
        ("stats", "returned_data", "gdp/city/2022#1"),
    ]
    assert events[1]["date"] == date(2022, 4, 20) and events[1]["detail"]["days_late"] == 5
    with pytest.raises(ReasonRequired):
        s.adjust("rita", "stats", 2022, 2, "")
    with pytest.raises(PermissionDenied):
        s.adjust("ann", "stats", 2022, 2, "bonus")
    a = s.adjust("rita", "stats", 2022, -1.5, "data returned twice")
    assert a["delta"] == -1.5 and a["created_by"] == "rita"
    assert [x["reason"] for x in s.adjustments(2022)] == ["data returned twice"]
    assert s.adjustments(2021) == []
    assert s.audit(action="assessment.adjust")[0]["key"] == "stats/2022"
