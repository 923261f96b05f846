"""The OpenAPI document, exercised by schemathesis: no request gets a server error, and the
server keeps the contract the document states (status codes, media types, response bodies
and headers, invalid data refused, ``Allow`` on 405, the years it accepts).

The applications are built at import (schemathesis reads their schemas at collection) with
the bundled plan and an administrator's API token: one on a temporary SQLite file, one on
a fresh schema of the PostgreSQL test server (skipped, with the reason, without one; CI
fails a skipped test).
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
import sqlalchemy as sa
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import checks

from kaoping.store import Store
from kaoping.web import create_app

from .conftest import PLAN, settings_for

PG_URL = os.environ.get(
    "KAOPING_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

# every check of what the document promises; whether data the schema allows is accepted
# is asked of the reading (GET) endpoints only: a write may still be refused for what no
# schema can say (an unknown indicator, a locked value, a wrong password), with the 4xx
# the document lists for it
CONTRACT = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.negative_data_rejection,
    checks.unsupported_method,
    checks.missing_required_header,
]


def _build(url: str | None):
    folder = Path(tempfile.mkdtemp(prefix="kaoping-schemathesis-"))
    atexit.register(shutil.rmtree, folder, True)
    s = settings_for(folder)
    if url:
        s.database_url = url
    s.login_attempts = 10_000  # generated wrong passwords must not lock the token's user out
    s.login_attempts_per_address = 10_000
    store = Store.open(settings=s)
    atexit.register(store.close)
    store.import_bundled(PLAN)
    store.create_user("admin", "correct horse battery", "admin")
    token = store.create_token("admin", "schemathesis")
    return create_app(store, s, version_ttl=0.0), token


def _pg_app():
    """The application on a new PostgreSQL schema, or the reason there is none."""
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            schema = f"kp_st_{secrets.token_hex(6)}"
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as e:
        admin.dispose()
        return None, None, f"no PostgreSQL at {PG_URL} (set KAOPING_TEST_POSTGRES): {e.orig}"

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()

    atexit.register(drop)  # registered first: runs after the store is closed
    sep = "&" if "?" in PG_URL else "?"
    app, token = _build(f"{PG_URL}{sep}options=-csearch_path%3D{schema}")
    return app, token, ""


APP, TOKEN = _build(None)
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)
PG_APP, PG_TOKEN, NO_PG = _pg_app()
if PG_APP is not None:
    pg_schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", PG_APP)
else:  # the same operations, each skipped with the reason
    pg_schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)

RUN = settings(
    max_examples=6, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


# a reading endpoint whose parameters need what no schema says: an administrator names a
# department, and the years must be the plan's (the documented 400 with the choices)
SEMANTIC = {"/api/v1/template"}


def _validate(case, token: str) -> None:
    reading = case.method.upper() == "GET" and case.operation.path not in SEMANTIC
    extra = [checks.positive_data_acceptance] if reading else []
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CONTRACT + extra)


@schema.parametrize()
@RUN
def test_sqlite_contract(case):
    _validate(case, TOKEN)


@pg_schema.parametrize()
@RUN
def test_postgresql_contract(case):
    if PG_APP is None:
        pytest.skip(NO_PG)
    _validate(case, PG_TOKEN)


# -- the findings, one by one --------------------------------------------------------------


def _year_schema(path: str) -> dict:
    doc = TestClient(APP).get("/api/v1/openapi.json").json()
    [year] = [p for p in doc["paths"][path]["get"]["parameters"] if p["name"] == "year"]
    [integer] = [s for s in year["schema"]["anyOf"] if s.get("type") == "integer"]
    return integer


def test_the_schema_offers_exactly_the_years_the_server_accepts():
    bounds = _year_schema("/api/v1/overview")
    plan = APP.state.cache.plan()
    assert (bounds["minimum"], bounds["maximum"]) == (plan.base_year, plan.period.end)
    c = TestClient(APP)
    assert c.get("/api/v1/overview", params={"year": bounds["minimum"]}).status_code == 200
    assert c.get("/api/v1/overview", params={"year": bounds["maximum"]}).status_code == 200
    assert c.get("/api/v1/overview", params={"year": bounds["minimum"] - 1}).status_code == 400


def test_exports_document_their_404_and_file_types():
    doc = TestClient(APP).get("/api/v1/openapi.json").json()
    for path in ("/api/v1/export/observations", "/api/v1/export/evaluation"):
        responses = doc["paths"][path]["get"]["responses"]
        assert "404" in responses
        content = responses["200"]["content"]
        assert "text/csv" in content and "application/json" in content
        assert any("spreadsheetml" in k for k in content)


@pytest.mark.parametrize("path", ["/api/v1/plan", "/api/v1/tokens", "/", "/staff/tokens"])
def test_405_says_which_methods_are_allowed(path):
    r = TestClient(APP).request("TRACE", path)
    assert r.status_code == 405
    assert r.headers.get("allow"), r.headers
