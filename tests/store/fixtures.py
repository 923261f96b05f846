"""The store on SQLite and on PostgreSQL: every store test runs on both.

PostgreSQL is the server at 127.0.0.1:5432 (user postgres, database ``test``), or the
URL in ``KAOPING_TEST_POSTGRES``; each test gets a fresh schema, dropped afterwards. In CI
(``CI=true``) a missing server is an error; on a developer's machine without one, the
PostgreSQL half is skipped with the reason (and CI fails any run that skips a test).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from kaoping.plan import parse_plan
from kaoping.settings import Settings
from kaoping.store import Store
from kaoping.store import users as store_users

PG_URL = os.environ.get(
    "KAOPING_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

PLAN = """
id: mini
title: {zh: 小规划, en: Mini plan}
period: {start: 2021, end: 2025}
base_year: 2020
areas:
  - {key: city, name: {zh: 市, en: City}}
  - {key: east, name: {zh: 东区, en: East district}, parent: city}
milestones:
  - {year: 2023, key: mid, name: {zh: 中期, en: Mid-term}, goal: {zh: 过半, en: Halfway}}
groups: [{key: g, name: {zh: 组, en: Group}}]
departments:
  - {key: stats, name: {zh: 统计局, en: Statistics Bureau}}
  - {key: env, name: {zh: 生态环境局, en: Ecology Bureau}}
indicators:
  - key: share
    name: {zh: 比重, en: Share}
    unit: "%"
    definition: {zh: 某项占比, en: A share}
    group: g
    department: stats
    bounds: {min: 0, max: 100}
    targets: {2025: ">= 60"}
  - key: count
    name: {zh: 数量, en: Count}
    unit: count
    group: g
    department: env
    bounds: {min: 0}
    targets: {2025: ">= 10"}
  - key: gdp
    name: {zh: 地区生产总值, en: GDP}
    unit: yuan
    group: g
    direction: up
    targets: {2025: ">= 200"}
  - key: green
    name: {zh: 绿色城市, en: Green city}
    unit: verdict
    group: g
    department: env
    targets:
      2025:
        qualitative: {zh: 建成绿色城市, en: A green city}
"""

PASSWORD = "correct horse battery"


def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters: tests create many users."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(store_users, "hasher", lambda: cheap)


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[sa.Engine]:
    engine = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except sa.exc.OperationalError as e:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            raise
        pytest.skip(f"no PostgreSQL at {PG_URL} (set KAOPING_TEST_POSTGRES): {e.orig}")
    yield engine
    engine.dispose()


def _pg_url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kaoping.db'}"
        return
    admin = request.getfixturevalue("pg_admin")
    schema = f"kp_{secrets.token_hex(6)}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        yield _pg_url(schema)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))


@pytest.fixture
def empty_store(db_url: str, tmp_path, monkeypatch) -> Iterator[Store]:
    fast_hashing(monkeypatch)
    s = Store.open(db_url, Settings(data_dir=tmp_path))
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def store(empty_store: Store) -> Store:
    """The mini plan loaded, with an administrator, two reporters, a reviewer and a viewer."""
    s = empty_store
    s.load_plan(parse_plan(PLAN), PLAN)
    s.create_user("admin", PASSWORD, "admin")
    s.create_user("ann", PASSWORD, "reporter", department="stats")
    s.create_user("eve", PASSWORD, "reporter", department="env")
    s.create_user("rita", PASSWORD, "reviewer")
    s.create_user("vic", PASSWORD, "viewer")
    return s
