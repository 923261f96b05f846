"""Bulk writes (PostgreSQL COPY, SQLite batched executemany) and the bulk read of the
engine's columns, on both databases."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from kaoping.plan import parse_plan
from kaoping.settings import Settings
from kaoping.store import Store, bulk
from kaoping.store.bulk import OBS_COLUMNS, insert_rows
from kaoping.store.db import BadText
from kaoping.store.schema import audit_log, decisions, imports, observations

from .fixtures import PASSWORD, PLAN, fast_hashing

CSV = (
    b"indicator,area,year,value,flags,previous_basis,source,note\n"
    b"share,city,2020,40,,,stats,base year\n"
    b"share,city,2021,>45,,,stats,\n"
    b"share,city,2022,48,break,45,stats,new survey\n"
    b"count,east,2021,12,,,env,\n"
    b"gdp,city,2021,150,,,,\n"
)

AT = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)  # no microseconds: stored text must match


@pytest.fixture
def admin_store(db_url: str, tmp_path, monkeypatch) -> Store:
    """The mini plan, one administrator who may approve his own import, a fixed clock."""
    fast_hashing(monkeypatch)
    s = Store.open(db_url, Settings(data_dir=tmp_path, four_eyes=False))
    s.load_plan(parse_plan(PLAN), PLAN)
    s.create_user("admin", PASSWORD, "admin")
    s.clock = lambda: AT
    yield s
    s.close()


def _count(store: Store, table: sa.Table) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _row(store: Store, **values) -> tuple:
    rec = {c: "" for c in OBS_COLUMNS}
    rec.update(plan_id="mini", indicator="count", area="city", year=2021, revision=1, value=1.0)
    rec.update(status="final", created_by="admin", created_at=AT.replace(tzinfo=None))
    rec.update(previous_basis=None, import_id=None)
    rec.update(values)
    return tuple(rec[c] for c in OBS_COLUMNS)


def test_an_approved_import_is_read_back_value_for_value(admin_store: Store):
    s = admin_store
    report = s.import_file(
        "admin", CSV, "d.csv", approve=True, jump_threshold=None, off_track=False
    )
    assert report.written and report.counts["rows"] == 5
    t = s.observations()
    e = s.engine_observations()
    # sorted by indicator, area, year
    assert t["indicator"].tolist() == ["count", "gdp", "share", "share", "share"]
    assert t["year"].tolist() == [2021, 2021, 2020, 2021, 2022]
    assert t["value"].tolist() == [12.0, 150.0, 40.0, 45.0, 48.0]
    assert t["censor"].tolist() == ["", "", "", ">", ""]
    assert t["break"].tolist() == [False, False, False, False, True]
    assert t["note"].tolist() == ["", "", "base year", "", "new survey"]
    assert t["state"].tolist() == ["approved"] * 5
    assert t["approved_at"].tolist() == [AT.replace(tzinfo=None)] * 5
    prev = t["previous_basis"].tolist()
    assert all(math.isnan(x) for x in prev[:4]) and prev[4] == 45.0
    assert e.columns == ["indicator", "area", "year", "value", "censor", "break", "previous_basis"]
    for name in ("indicator", "area", "year", "value", "censor", "break"):
        assert e[name].tolist() == t[name].tolist(), name
    ep = e["previous_basis"].tolist()
    assert all(math.isnan(x) for x in ep[:4]) and ep[4] == 45.0
    # the fixed clock has no microseconds: times written by COPY / executemany compare
    # equal to the same time given as a parameter (SQLite keeps times as text)
    assert s.observations(as_of=AT).n_rows == 5
    assert _count(s, decisions) == 5
    (entry,) = s.audit(action="import")
    assert entry["detail"]["import_id"] == report.import_id and entry["detail"]["approved"]


def test_a_failure_after_the_rows_are_written_leaves_nothing(admin_store: Store, monkeypatch):
    s = admin_store
    before = {t.name: _count(s, t) for t in (observations, decisions, imports, audit_log)}
    real = s._audit

    def failing(conn, actor, action, *a, **kw):
        if action == "import":
            # the rows were copied in this transaction already
            n = conn.execute(sa.select(sa.func.count()).select_from(observations)).scalar_one()
            assert n == 5
            raise RuntimeError("the disk is full")
        return real(conn, actor, action, *a, **kw)

    monkeypatch.setattr(s, "_audit", failing)
    with pytest.raises(RuntimeError, match="disk is full"):
        s.import_file("admin", CSV, "d.csv", approve=True, jump_threshold=None, off_track=False)
    after = {t.name: _count(s, t) for t in (observations, decisions, imports, audit_log)}
    assert after == before and before["observations"] == 0


def test_bulk_rows_refuse_control_characters_and_keep_tabs(admin_store: Store):
    s = admin_store
    with pytest.raises(BadText, match=r"^note: "), s._write() as conn:
        insert_rows(conn, observations, OBS_COLUMNS, [_row(s, note="a\x00b")])
    with pytest.raises(BadText, match=r"^source: "), s._write() as conn:
        rows = [_row(s, year=2021), _row(s, year=2022, source="x\x1by")]
        insert_rows(conn, observations, OBS_COLUMNS, rows)
    assert _count(s, observations) == 0
    with s._write() as conn:  # a tab and a line feed are text like any other
        insert_rows(conn, observations, OBS_COLUMNS, [_row(s, note="one\ttwo\nthree")])
    (rev,) = s.history("count", "city", 2021)
    assert rev["note"] == "one\ttwo\nthree" and rev["created_at"] == AT


def test_bulk_rows_are_written_in_batches_with_progress(admin_store: Store, monkeypatch):
    s = admin_store
    monkeypatch.setattr(bulk, "BATCH", 2)
    seen: list[float] = []
    rows = [_row(s, year=y, value=float(y - 2000)) for y in range(2020, 2025)]
    with s._write() as conn:
        insert_rows(conn, observations, OBS_COLUMNS, rows, seen.append)
    assert seen == [0.4, 0.8, 1.0]
    with s.engine.connect() as conn:
        got = conn.execute(
            sa.select(observations.c.year, observations.c.value, observations.c.created_at)
            .where(observations.c.created_at == AT.replace(tzinfo=None))
            .order_by(observations.c.year)
        ).all()
    want = [(2020, 20.0), (2021, 21.0), (2022, 22.0), (2023, 23.0), (2024, 24.0)]
    assert [(y, v) for y, v, _ in got] == want
