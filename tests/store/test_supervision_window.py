"""Supervision judges lateness within the plan's period: a running plan as of today, a plan
whose period has ended at its close — its final record, never "days late" counted to today.
On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kaoping.store import Store

from .test_supervision import ASSIGNMENT

# the mini plan runs 2021–2025; the calendar of 2025 makes its reporting close on the due
# date of the 2025 annual report, 31 January 2026
CLOSE = date(2026, 1, 31)


def at(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 9, 0, tzinfo=UTC)


@pytest.fixture
def history(store: Store) -> Store:
    """Tasks t1 (stats with fin, deadline 2023-12-31) and t2 (env, deadline 2025-06-30),
    the calendars of 2022 and 2025, and updates filed on the days the clock says."""
    s = store
    s.load_assignment(ASSIGNMENT)
    s.set_calendar("admin", 2022)
    s.set_calendar("admin", 2025)
    s.clock = lambda: at(2022, 4, 10)  # 2022-Q1 is due on 15 April: on time
    s.file_update("ann", "t1", "2022-Q1", "green", 25)
    s.clock = lambda: at(2022, 7, 20)  # 2022-Q2 was due on 15 July: 5 days late
    s.file_update("eve", "t2", "2022-Q2", "amber", 10)
    s.clock = lambda: at(2024, 3, 1)  # t1 done 61 days after its deadline (2024 is leap)
    s.file_update("ann", "t1", "2022-A", "green", 100)
    s.clock = lambda: at(2027, 3, 1)  # after the plan's close: not part of its record
    s.file_update("eve", "t2", "2025-Q2", "green", 100)
    return s


def test_the_window_of_a_running_and_of_a_closed_plan(history: Store):
    s = history
    s.clock = lambda: at(2022, 5, 1)
    w = s.supervision_window()
    assert (w["start"], w["end"], w["close"]) == (date(2021, 1, 1), date(2025, 12, 31), CLOSE)
    assert w["closed"] is False and w["as_of"] == date(2022, 5, 1)
    assert w["years"] == [2021, 2022, 2023, 2024, 2025]
    s.clock = lambda: at(2030, 6, 1)
    w = s.supervision_window()
    assert w["closed"] is True and w["today"] == date(2030, 6, 1) and w["as_of"] == CLOSE
    # the close day itself still belongs to the plan
    assert s.supervision_window(as_of=CLOSE)["closed"] is False


def test_a_running_plan_is_judged_today(history: Store):
    s = history
    s.clock = lambda: at(2022, 5, 1)
    late = s.overdue()
    # filed later than today: not counted as filed yet; t1's 2022-Q1 report was on time
    assert [(x["kind"], x["task"], x["period"], x["days_late"]) for x in late] == [
        ("report", "t2", "2022-Q1", 16)
    ]
    rec = s.task_record()
    assert [(t["task"], t["outcome"], t["percent"]) for t in rec["tasks"]] == [
        ("t1", "open", 25),
        ("t2", "open", None),
    ]
    assert rec["tasks"][0]["reports"] == {"due": 1, "on_time": 1, "late": 0, "missing": 0}
    q1 = next(p for p in rec["periods"] if p["period"] == "2022-Q1")
    assert (q1["tasks"], q1["on_time"], q1["late"], q1["missing"], q1["open"]) == (
        2,
        1,
        0,
        1,
        False,
    )
    q2 = next(p for p in rec["periods"] if p["period"] == "2022-Q2")
    assert q2["open"] is True and (q2["on_time"], q2["late"], q2["missing"]) == (0, 0, 0)


def test_a_closed_plan_is_judged_at_its_close(history: Store):
    s = history
    s.clock = lambda: at(2030, 6, 1)  # long after the plan ended
    late = s.overdue()
    reports = sorted((x["task"], x["period"]) for x in late if x["kind"] == "report")
    # t1 reports in the five periods of 2022 (its deadline is in 2023); t2 in those of 2022
    # and 2025-Q1, -Q2 and -A (2025-A falls due on the close day: late once that day is over)
    assert reports == [
        ("t1", "2022-Q2"),
        ("t1", "2022-Q3"),
        ("t1", "2022-Q4"),
        ("t2", "2022-A"),
        ("t2", "2022-Q1"),
        ("t2", "2022-Q3"),
        ("t2", "2022-Q4"),
        ("t2", "2025-A"),
        ("t2", "2025-Q1"),
        ("t2", "2025-Q2"),  # filed in 2027: after the close
    ]
    [deadline] = [x for x in late if x["kind"] == "deadline"]
    # t2 missed its deadline (2025-06-30): late by the 216 days to the end of the close
    # day (31 + 31 + 30 + 31 + 30 + 31 + 31 + 1), not by the 1,797 days to today; t1 was
    # completed (late) and is not overdue
    assert (deadline["task"], deadline["days_late"], deadline["percent"]) == ("t2", 216, 10)
    assert max(x["days_late"] for x in late) == (date(2026, 2, 1) - date(2022, 4, 15)).days
    # the periods of 2025 (its annual report falls due in 2026) and the deadlines in 2025
    assert [(x["kind"], x["period"], x["due"]) for x in s.overdue(year=2025)] == [
        ("report", "2025-Q1", date(2025, 4, 15)),
        ("deadline", None, date(2025, 6, 30)),
        ("report", "2025-Q2", date(2025, 7, 15)),
        ("report", "2025-A", date(2026, 1, 31)),
    ]

    rec = s.task_record()
    assert rec["window"]["closed"] is True
    t1, t2 = rec["tasks"]
    assert (t1["outcome"], t1["completed_on"], t1["days_late"], t1["percent"]) == (
        "done_late",
        date(2024, 3, 1),
        61,
        100,
    )
    assert t1["reports"] == {"due": 5, "on_time": 1, "late": 1, "missing": 3}
    # t2 reached 100 % only after the close: not done by the end of the plan
    assert (t2["outcome"], t2["completed_on"], t2["days_late"], t2["percent"]) == (
        "not_done",
        None,
        None,
        10,
    )
    assert t2["reports"] == {"due": 8, "on_time": 0, "late": 1, "missing": 7}
    by_period = {p["period"]: p for p in rec["periods"]}
    assert list(by_period) == [
        "2022-Q1",
        "2022-Q2",
        "2022-Q3",
        "2022-Q4",
        "2022-A",
        "2025-Q1",
        "2025-Q2",
        "2025-A",
    ]  # 2025-Q3 and -Q4 start after every deadline: no task reports in them
    assert {k: (p["on_time"], p["late"], p["missing"]) for k, p in by_period.items()} == {
        "2022-Q1": (1, 0, 1),
        "2022-Q2": (0, 1, 1),
        "2022-Q3": (0, 0, 2),
        "2022-Q4": (0, 0, 2),
        "2022-A": (0, 1, 1),
        "2025-Q1": (0, 0, 1),
        "2025-Q2": (0, 0, 1),
        "2025-A": (0, 0, 1),
    }
    assert not any(p["open"] for p in by_period.values())  # every period is over

    # one year of the plan: the tasks due in it and its periods only
    y = s.task_record(year=2025)
    assert [t["task"] for t in y["tasks"]] == ["t2"]
    assert y["tasks"][0]["reports"] == {"due": 3, "on_time": 0, "late": 0, "missing": 3}
    assert [p["period"] for p in y["periods"]] == ["2025-Q1", "2025-Q2", "2025-A"]
    assert s.task_record(year=2023)["tasks"][0]["task"] == "t1"
    assert [t["task"] for t in s.task_record(department="fin")["tasks"]] == ["t1"]

    # and nobody is reminded of reports of a plan that has ended
    assert s.generate_notices(smtp=False)["created"] == []


def test_completeness_counts_late_reports(history: Store):
    s = history
    s.clock = lambda: at(2030, 6, 1)
    by_dept = {r["key"]: r for r in s.completeness("2022-Q2")}
    assert by_dept["env"]["late"] == ["t2"] and by_dept["env"]["missing"] == []
    assert by_dept["stats"]["late"] == [] and by_dept["stats"]["missing"] == ["t1"]
