"""Censored values and old-basis values in the store (migration 0004), on both databases."""

from __future__ import annotations

import math

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from kaoping.errors import DataError
from kaoping.settings import Settings
from kaoping.store import Store
from kaoping.store.db import ANY_TEXT, MIGRATIONS
from kaoping.store.schema import observations


def _downgrade(store: Store, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.connect() as conn:
        conn.execution_options(**ANY_TEXT)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
        conn.commit()


def _columns(store: Store) -> set[str]:
    return {c["name"] for c in sa.inspect(store.engine).get_columns("observations")}


def test_migration_0004_keeps_existing_values(store: Store, db_url: str, tmp_path):
    a = store.submit("ann", "share", "city", 2021, 40, status="final", flags=["break"])
    store.approve("rita", a["id"])
    b = store.submit("ann", "share", "city", 2022, 42.5, status="provisional", source="y")
    store.approve("rita", b["id"])
    store.submit("eve", "count", "east", 2022, 7)  # awaiting review
    _downgrade(store, "0003")
    assert {"censor", "previous_basis"}.isdisjoint(_columns(store))
    with store.engine.connect() as conn:  # the rows as a 0003 database holds them
        held = conn.execute(sa.text("SELECT COUNT(*) FROM observations")).scalar_one()
    assert held == 3
    store.close()

    again = Store.open(db_url, Settings(data_dir=tmp_path))
    try:
        assert again.schema_revision == "0004"
        assert {"censor", "previous_basis"} <= _columns(again)
        t = again.observations()
        assert t["value"].tolist() == [40.0, 42.5]
        assert t["censor"].tolist() == ["", ""]
        assert t["break"].tolist() == [True, False]
        assert all(math.isnan(x) for x in t["previous_basis"].tolist())
        staff = again.observations(approved_only=False)
        assert staff.n_rows == 3 and staff["state"].tolist().count("submitted") == 1
        # the locked value is still locked, and a new bound on it is a new revision
        hist = again.history("share", "city", 2021)
        assert hist[0]["locked"] and hist[0]["censor"] == "" and hist[0]["previous_basis"] is None
    finally:
        again.close()


def test_a_bound_is_stored_with_its_censor(store: Store):
    r = store.submit("ann", "share", "city", 2021, ">25", status="final")
    assert (r["value"], r["censor"]) == (25.0, ">")
    store.approve("rita", r["id"])
    r2 = store.submit("ann", "share", "city", 2022, "0.5以下")
    assert (r2["value"], r2["censor"]) == (0.5, "<")
    r3 = store.submit("ann", "share", "city", 2023, 30, censor="<")
    assert (r3["value"], r3["censor"]) == (30.0, "<")
    t = store.observations()
    assert t["censor"].tolist() == [">"] and t["value"].tolist() == [25.0]
    with store.engine.connect() as conn:
        stored = conn.execute(
            sa.select(observations.c.year, observations.c.censor).order_by(observations.c.year)
        ).all()
    assert [tuple(x) for x in stored] == [(2021, ">"), (2022, "<"), (2023, "<")]


def test_a_change_of_censor_alone_is_a_revision(store: Store):
    r = store.submit("ann", "share", "city", 2021, 25, status="final")
    r2 = store.submit("ann", "share", "city", 2021, ">25", status="final", base_revision=1)
    assert r2["revision"] == 2 and r2["censor"] == ">" and r["censor"] == ""
    log = store.audit(action="observation.submit")
    after = log[0]["detail"]["after"]
    before = log[0]["detail"]["before"]
    assert after["censor"] == ">" and before["censor"] == ""
    changes = store.changes_since_approval()
    assert "censor" in changes[0]["changed"]


@pytest.mark.parametrize(
    ("value", "censor", "code"),
    [(">>5", "", "bad-censor"), ("5", "=", "bad-censor"), (">5", ">", "bad-censor")],
)
def test_a_bad_bound_writes_nothing(store: Store, value: str, censor: str, code: str):
    with pytest.raises(DataError) as e:
        store.submit("ann", "share", "city", 2021, value, censor=censor)
    assert [p.code for p in e.value.problems] == [code]
    assert store.history("share") == []


def test_previous_basis_needs_a_break(store: Store):
    r = store.submit("ann", "share", "city", 2021, 48, flags=["break"], previous_basis=45)
    assert r["previous_basis"] == 45.0 and r["flags"] == ["break"]
    store.approve("rita", r["id"])
    t = store.observations()
    assert t["break"].tolist() == [True] and t["previous_basis"].tolist() == [45.0]
    with pytest.raises(DataError) as e:
        store.submit("ann", "share", "city", 2022, 50, previous_basis=46)
    (p,) = e.value.problems
    assert (p.code, p.field) == ("previous-basis-without-break", "previous_basis")
    with pytest.raises(DataError) as e:  # the bounds of the indicator hold for it too
        store.submit("ann", "share", "city", 2022, 50, flags=["break"], previous_basis=140)
    assert [(p.code, p.field) for p in e.value.problems] == [("out-of-range", "previous_basis")]
