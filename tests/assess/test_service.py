"""run_assessment(): the store's evaluation, assignments, ratings, events and adjustments
gathered and assessed; adjust(): a reason is required and the store records it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kaoping.assess.service import STORE_METHODS, adjust, department_indicators, run_assessment
from kaoping.errors import UsageError
from kaoping.plan import parse_plan
from kaoping.settings import Settings
from kaoping.store import Store
from kaoping.store.errors import ReasonRequired

from ..store.fixtures import PLAN, fast_hashing


@pytest.fixture
def real_store(tmp_path, monkeypatch) -> Iterator[Store]:
    fast_hashing(monkeypatch)
    s = Store.open(f"sqlite:///{tmp_path / 'k.db'}", Settings(data_dir=tmp_path))
    s.load_plan(parse_plan(PLAN), PLAN)
    s.create_user("admin", "correct horse battery", "admin")
    s.create_user("rita", "correct horse battery", "reviewer")
    for year, share, count in ((2020, 40, 4), (2023, 50, 6)):
        for key, value in (("share", share), ("count", count)):
            rev = s.submit("admin", key, None, year, value, source="test")
            # four eyes: a second person approves
            s.approve("rita", rev["id"])
    try:
        yield s
    finally:
        s.close()


class SupervisedStore:
    """A store with the supervision methods, in memory (the real ones live in the store)."""

    def __init__(self, store: Store) -> None:
        self._s = store
        self.ratings_ = [
            {"task": "t1", "department": "stats", "rating": 4, "at": "2023-06-01", "rater": "rita"},
            {"task": "t2", "department": "stats", "rating": 5, "at": "2023-07-01", "rater": "rita"},
            {"task": "t3", "department": "x", "rating": 1, "at": "2023-07-01", "rater": "rita"},
        ]
        self.events_ = [
            {"unit": "stats", "kind": "late_report", "date": "2023-04-20", "reference": "Q1"}
        ]
        self.adjustments_: list[dict] = []
        self.asked: list[tuple] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._s, name)

    def tasks(self) -> list[dict]:
        return [{"key": "t3", "lead": "env", "co": ["stats"]}]

    def ratings(self, year: int) -> list[dict]:
        self.asked.append(("ratings", year))
        return self.ratings_

    def assessment_events(self, year: int) -> list[dict]:
        self.asked.append(("events", year))
        return self.events_

    def adjustments(self, year: int) -> list[dict]:
        self.asked.append(("adjustments", year))
        return [a for a in self.adjustments_ if a["year"] == year]

    def adjust(self, user: Any, unit: str, year: int, delta: float, reason: str) -> dict:
        row = {"unit": unit, "year": year, "delta": delta, "reason": reason, "user": user}
        self.adjustments_.append(row)
        return row


def test_department_indicators_follow_the_plan_and_the_assignments() -> None:
    plan = parse_plan(PLAN)
    assert department_indicators(plan, {}) == {"stats": ["share"], "env": ["count", "green"]}
    moved = department_indicators(plan, {"count": "stats", "gdp": "stats"})
    assert moved == {"stats": ["share", "count", "gdp"], "env": ["green"]}


def test_run_assessment_gathers_everything_from_the_store(real_store: Store) -> None:
    s = SupervisedStore(real_store)
    res = run_assessment(s, 2023)
    assert ("ratings", 2023) in s.asked and ("events", 2023) in s.asked
    assert res.year == 2023 and res.as_of == 2023 and res.plan_id == "mini"
    stats = res.unit("stats")
    assert stats.name == {"zh": "统计局", "en": "Statistics Bureau"}
    # share: 40 (2020) → 50 (2023), >= 60 by 2025: E(2023) = 40 + 20·3/5 = 52,
    # ratio 10/12 = 0.8333 → 83.3; ratings t1 4 → 75, t2 5 → 100: 87.5;
    # 0.7·83.3 + 0.3·87.5 = 58.31 + 26.25 = 84.56 → 84.6; one late report −1 → 83.6
    assert stats.quantitative == 83.3 and stats.qualitative == 87.5
    assert stats.base == 84.6 and stats.deduction_total == 1.0 and stats.total == 83.6
    assert stats.grade["key"] == "good"
    # t3's rating counts for its lead department (env), not for the one on the rating
    env = res.unit("env")
    assert [r["task"] for r in env.ratings] == ["t3"] and env.qualitative == 0.0
    with pytest.raises(KeyError):
        res.unit("x")


def test_adjust_needs_a_reason_and_goes_through_the_store(real_store: Store) -> None:
    s = SupervisedStore(real_store)
    with pytest.raises(ReasonRequired):
        adjust(s, "admin", "stats", 2023, 2, "  ")
    with pytest.raises(UsageError):
        adjust(s, "admin", "stats", 2023, "lots", "why")
    with pytest.raises(UsageError):
        adjust(s, "admin", "stats", 1990, 2, "why")
    adjust(s, "admin", "stats", 2023, 2, "flood relief work")
    res = run_assessment(s, 2023)
    stats = res.unit("stats")
    assert stats.adjustments[0]["reason"] == "flood relief work"
    assert stats.total == 85.6


def test_year_outside_the_plan(real_store: Store) -> None:
    with pytest.raises(UsageError):
        run_assessment(SupervisedStore(real_store), 2030)


def test_run_assessment_on_the_real_store(real_store: Store) -> None:
    missing = [m for m in STORE_METHODS if not hasattr(Store, m)]
    assert not missing, f"the store lacks {missing}"
    res = run_assessment(real_store, 2023)
    stats = res.unit("stats")
    assert stats.quantitative == 83.3 and stats.qualitative is None and stats.total == 83.3
    adjust(real_store, "admin", "stats", 2023, -2.5, "figures filed twice")
    stats = run_assessment(real_store, 2023).unit("stats")
    (a,) = stats.adjustments
    assert (a["delta"], a["reason"], a["user"]) == (-2.5, "figures filed twice", "admin")
    assert stats.total == 80.8
    (entry,) = real_store.audit(action="assessment.adjust")
    assert entry["detail"]["reason"] == "figures filed twice"


def test_cli_assess_and_adjust(real_store: Store, capsys: pytest.CaptureFixture) -> None:
    import json

    from kaoping.cli import main

    url = real_store.url
    assert main(["assess", "--db", url, "--year", "2023", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["year"] == 2023 and data["results"][0]["unit"] == "stats"
    assert main(["assess", "--db", url, "--year", "2023", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "统计局" in out and "良好" in out and "总分" in out
    args = ["assess", "adjust", "stats", "-1.5", "--reason", "late", "--year", "2023"]
    assert main([*args, "--as", "admin", "--db", url]) == 0
    assert "adjusted stats 2023 by -1.5" in capsys.readouterr().out
    assert main(["assess", "--db", url, "--year", "2023", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("kind,unit,") and ",81.8," in lines[1]
    # no reason, or an unknown unit: one clear error, exit status 1
    assert (
        main(
            [
                "assess",
                "adjust",
                "stats",
                "2",
                "--reason",
                " ",
                "--year",
                "2023",
                "--as",
                "admin",
                "--db",
                url,
            ]
        )
        == 1
    )
    assert (
        main(
            [
                "assess",
                "adjust",
                "nobody",
                "2",
                "--reason",
                "x",
                "--year",
                "2023",
                "--as",
                "admin",
                "--db",
                url,
            ]
        )
        == 1
    )
    assert "no unit 'nobody'" in capsys.readouterr().err


def test_cli_shows_coverage_and_insufficient_data(
    real_store: Store, capsys: pytest.CaptureFixture
) -> None:
    """2023: env has data for count but no verdict on green: 1 of 2, exactly min_coverage,
    so it is graded. 2021: nothing after the 2020 baseline: both units are short of data."""
    from kaoping.cli import main

    url = real_store.url
    assert main(["assess", "--db", url, "--year", "2023"]) == 0
    out = capsys.readouterr().out
    assert "Data coverage" in out and "50% (1/2)" in out and "100% (1/1)" in out
    assert "insufficient data" not in out
    assert main(["assess", "--db", url, "--year", "2021"]) == 0
    out = capsys.readouterr().out
    assert out.count("insufficient data") >= 4  # two in the table, two in the lines after
    assert (
        "Ecology Bureau: insufficient data (coverage 0% (0/2), 50% needed); "
        "missing: count (no data); green (no data)"
    ) in out
    assert main(["assess", "--db", url, "--year", "2021", "--lang", "zh"]) == 0
    zh = capsys.readouterr().out
    assert "统计局：数据不足（数据覆盖率 0% (0/1)，至少需要 50%），缺少：share (无数据)" in zh
    assert main(["assess", "--db", url, "--year", "2021", "--format", "csv"]) == 0
    header, *lines = capsys.readouterr().out.splitlines()
    assert "coverage,insufficient_data,missing" in header
    assert any(line.startswith("department,env,") and '"count, green"' in line for line in lines)
