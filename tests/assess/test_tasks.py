"""The assignment file: the bundled example validates; every problem is reported at once
with its line, field and code; the reporting calendar's standard periods."""

from __future__ import annotations

from datetime import date

import pytest

from kaoping.assess.calendar import make_period, period_year, standard_periods
from kaoping.assess.tasks import (
    AssignmentError,
    example_assignment_path,
    load_assignment,
    parse_assignment,
)
from kaoping.errors import UsageError
from kaoping.plan.bundled import find_plan
from kaoping.plan.loader import load_plan

PLAN = load_plan(find_plan("zhengzhou-2009-2020"))


def test_bundled_example_is_valid_and_labelled():
    path = example_assignment_path(PLAN.id)
    assert path is not None
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# EXAMPLE ASSIGNMENT")
    asg = load_assignment(path, PLAN)
    assert "EXAMPLE" in asg.label_en and "示例" in asg.label_zh
    # every chapter of measures (2–7) has tasks; every indicator has a department
    chapter_of = {a.number: a.chapter for a in PLAN.articles}
    assert {chapter_of[t.article] for t in asg.tasks} == {2, 3, 4, 5, 6, 7}
    assert set(asg.indicators) == {i.key for i in PLAN.indicators}
    for art in (6, 7, 11, 13, 19, 21, 22, 31, 33, 34, 38, 40, 46, 50):
        assert any(t.article == art for t in asg.tasks), art
    t = asg.task("a19-airport")
    assert t.lead == "aviation" and "transport" in t.co
    assert t.milestones[0].date < t.deadline and "airport_passengers" in t.indicators
    assert example_assignment_path("no-such-plan") is None


BAD = """\
plan: zhengzhou-2009-2020
colour: blue
departments:
  - {key: stats, name: {zh: 统计局}}
  - {key: stats, name: {zh: 统计局二}}
  - {key: Bad Key, name: {zh: 坏}}
indicators:
  gdp_per_capita: stats
  no_such_indicator: stats
  forest_coverage: nobody
tasks:
  - key: t1
    article: 99
    title: {zh: 任务}
    lead: stats
    deadline: 2030-01-01
  - key: t1
    article: 6
    title: {zh: 任务}
    lead: nobody
    co: [stats]
    deadline: not-a-date
    milestones:
      - {date: 2012-01-01, text: {zh: 节点}}
  - key: t3
    article: 6
    title: {zh: 任务}
    lead: stats
    co: [stats]
    deadline: 2012-12-31
    milestones:
      - {date: 2013-06-30, text: {zh: 晚于时限}}
    indicators: [nope]
    owner: me
  - key: t4
    article: 7
"""


def test_every_problem_at_once_with_lines_fields_and_codes():
    with pytest.raises(AssignmentError) as err:
        parse_assignment(BAD, PLAN, "bad.yaml")
    got = {(p.code, p.line, p.field) for p in err.value.problems}
    expected = {
        ("unknown-field", 2, "colour"),
        ("duplicate-department", 5, "departments[1].key"),
        ("bad-key", 6, "departments[2].key"),
        ("unknown-indicator", 9, "indicators.no_such_indicator"),
        ("unknown-department", 10, "indicators.forest_coverage"),
        ("unknown-article", 13, "tasks[0].article"),
        ("deadline-outside-plan", 16, "tasks[0].deadline"),
        ("duplicate-task", 17, "tasks[1].key"),
        ("unknown-department", 20, "tasks[1].lead"),
        ("bad-date", 22, "tasks[1].deadline"),
        ("duplicate-department", 29, "tasks[2].co[0]"),
        ("milestone-after-deadline", 32, "tasks[2].milestones[0].date"),
        ("unknown-indicator", 33, "tasks[2].indicators[0]"),
        ("unknown-field", 34, "tasks[2].owner"),
        ("missing-field", 35, "tasks[3]"),
    }
    assert expected <= got, sorted(got - expected)
    assert all(p.file == "bad.yaml" for p in err.value.problems)
    lines = [p.line for p in err.value.problems]
    assert lines == sorted(lines)
    assert "bad.yaml:13: [unknown-article] tasks[0].article:" in str(
        next(p for p in err.value.problems if p.code == "unknown-article")
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("plan: [unclosed\n", "yaml-syntax"),
        ("- a list\n", "not-a-mapping"),
        ("plan: other\ndepartments: []\ntasks: []\n", "wrong-plan"),
        ("plan: zhengzhou-2009-2020\ndepartments: []\ntasks: []\ntasks: []\n", "duplicate-key"),
        ("plan: zhengzhou-2009-2020\n", "missing-field"),
    ],
)
def test_file_level_problems(text: str, code: str):
    with pytest.raises(AssignmentError) as err:
        parse_assignment(text, PLAN)
    assert code in {p.code for p in err.value.problems}


def test_version_is_the_text_hash(tmp_path):
    text = "plan: zhengzhou-2009-2020\ndepartments: []\ntasks: []\n"
    a = parse_assignment(text, PLAN)
    assert len(a.version) == 12 and a.tasks == []
    p = tmp_path / "a.yaml"
    p.write_text(text, encoding="utf-8")
    assert load_assignment(p, PLAN).version == a.version
    with pytest.raises(UsageError):
        load_assignment(tmp_path / "missing.yaml", PLAN)


def test_standard_calendar():
    q = standard_periods(2015)
    assert [p.key for p in q] == ["2015-Q1", "2015-Q2", "2015-Q3", "2015-Q4", "2015-A"]
    assert (q[0].start, q[0].end, q[0].due) == (
        date(2015, 1, 1),
        date(2015, 3, 31),
        date(2015, 4, 15),
    )
    assert q[3].end == date(2015, 12, 31) and q[3].due == date(2016, 1, 15)
    assert q[4].due == date(2016, 1, 31) and q[4].kind == "annual"
    assert [p.key for p in standard_periods(2015, quarterly=False)] == ["2015-A"]
    p = make_period(
        {"key": "2015-H1", "start": "2015-01-01", "end": "2015-06-30", "due": "2015-07-20"}, 2015
    )
    assert p.kind == "half"
    assert period_year("2016-M03") == 2016
    for bad in ("2015-Q5", "15-Q1", ""):
        with pytest.raises(UsageError):
            period_year(bad)
    with pytest.raises(UsageError):  # due before the end
        make_period(
            {"key": "2015-A", "start": "2015-01-01", "end": "2015-12-31", "due": "2015-06-01"}, 2015
        )
    with pytest.raises(UsageError):  # another year
        make_period(q[0], 2016)
