"""A closed plan reads as closed: the bundled 2009–2020 plan with its example assignment,
seen long after its period ended (its final record, no "days late" counted to today), and
the same plan seen while it ran (lateness as of that day)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from kaoping.assess.tasks import example_assignment_path

PLAN = "zhengzhou-2009-2020"


@pytest.fixture
def bundled(store):
    path = example_assignment_path(PLAN)
    store.load_assignment(path.read_text(encoding="utf-8"), plan_id=PLAN, file=str(path))
    store.set_calendar(None, 2020, plan_id=PLAN)
    return store


def test_a_closed_plan_shows_its_final_record(bundled, user_client):
    store = bundled
    store.clock = lambda: datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    tasks = store.tasks()
    # a task due in 2020 is reported done in April 2020, before its deadline
    t = next(x for x in tasks if x["deadline"] >= date(2020, 6, 30))
    store.clock = lambda: datetime(2020, 4, 10, 9, 0, tzinfo=UTC)
    store.file_update("admin", t["key"], "2020-Q1", "green", 100, "done")
    store.clock = lambda: datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    admin = user_client("admin")
    w = store.supervision_window()
    assert w["closed"] and w["close"] == date(2021, 1, 31)  # the 2020 annual report's due date
    for lang in ("en", "zh"):
        page = admin.get("/supervision/overdue", params={"lang": lang})
        assert page.status_code == 200
        text = page.text
        assert 'id="plan-closed"' in text and 'id="record-table"' in text
        assert 'id="overdue-table"' not in text  # no list of "days late"
        assert "2021-01-31" in text
        # every task once; the one done shows as done on time
        assert len(re.findall(r'<tr id="record-', text)) == len(tasks) + 5  # + 5 periods
        row = re.search(rf'<tr id="record-{t["key"]}".*?</tr>', text, re.S).group(0)
        assert "outcome-done_on_time" in row and "2020-04-10" in row
    en = admin.get("/supervision/overdue", params={"lang": "en"}).text
    assert "Final record" in en and "Days late" not in en
    assert "not done by the end of the plan" in en
    zh = admin.get("/supervision/overdue", params={"lang": "zh"}).text
    assert "终期记录" in zh and "逾期天数" not in zh and "规划期末未完成" in zh
    # the sub-navigation says so on every supervision page
    assert 'id="sv-link-overdue"' in admin.get("/supervision").text
    assert "Final record" in admin.get("/supervision", params={"lang": "en"}).text

    # the JSON: the overdue list and the record are judged at the close, not today
    late = admin.get("/api/v1/overdue").json()
    assert late and max(x["days_late"] for x in late) <= (date(2021, 2, 1) - date(2009, 1, 1)).days
    q1 = [x for x in late if x.get("period") == "2020-Q1"]
    assert q1 and {x["days_late"] for x in q1} == {(date(2021, 2, 1) - date(2020, 4, 15)).days}
    rec = admin.get("/api/v1/task-record").json()
    assert rec["window"]["closed"] is True and len(rec["tasks"]) == len(tasks)
    outcome = {x["task"]: x["outcome"] for x in rec["tasks"]}
    assert outcome[t["key"]] == "done_on_time"
    assert set(outcome.values()) == {"done_on_time", "not_done"}
    only_2020 = admin.get("/api/v1/task-record", params={"year": 2020}).json()
    assert {x["deadline"][:4] for x in only_2020["tasks"]} == {"2020"}
    assert [p["period"] for p in only_2020["periods"]] == [
        "2020-Q1",
        "2020-Q2",
        "2020-Q3",
        "2020-Q4",
        "2020-A",
    ]
    # the calendar judges within the plan too
    cal = admin.get("/supervision/calendar", params={"lang": "en"}).text
    assert 'id="plan-closed"' in cal and 'id="completeness-heading"' in cal
    assert admin.get("/api/v1/overdue", params={"year": 2015}).json() == [
        x for x in late if x["due"].startswith("2015")
    ]


def test_the_same_plan_while_it_ran(bundled, user_client):
    store = bundled
    store.clock = lambda: datetime(2020, 5, 1, 9, 0, tzinfo=UTC)
    admin = user_client("admin")
    w = store.supervision_window()
    assert not w["closed"] and w["as_of"] == date(2020, 5, 1)
    page = admin.get("/supervision/overdue", params={"lang": "en"}).text
    assert 'id="overdue-table"' in page and 'id="plan-closed"' not in page
    assert 'id="judged-as-of"' in page and "2020-05-01" in page
    late = admin.get("/api/v1/overdue").json()
    reports = [x for x in late if x["kind"] == "report"]
    # 2020-Q1 was due on 15 April 2020: 16 days late on 1 May 2020
    assert reports and {x["days_late"] for x in reports} == {16}
    deadlines = [x for x in late if x["kind"] == "deadline"]
    assert all(
        x["days_late"] == (date(2020, 5, 1) - date.fromisoformat(x["due"])).days for x in deadlines
    )
    # filtered to one year of the plan
    only = admin.get("/supervision/overdue", params={"year": 2020, "lang": "en"}).text
    assert 'id="o-year"' in only and '<option value="2020" selected>' in only
