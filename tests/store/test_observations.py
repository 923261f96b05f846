from __future__ import annotations

import math
import threading
from datetime import timedelta

import numpy as np
import pytest
import sqlalchemy as sa

from kaoping.errors import DataError, UsageError
from kaoping.store import Conflict, Locked, PermissionDenied, ReasonRequired, Store
from kaoping.store.schema import observations


def rows(store: Store) -> list[tuple]:
    with store.engine.connect() as conn:
        q = sa.select(observations.c.id, observations.c.revision, observations.c.value)
        return [tuple(r) for r in conn.execute(q.order_by(observations.c.id))]


def test_submit_approve_and_read(store: Store):
    r = store.submit("ann", "share", "city", 2021, 40, status="final", source="yearbook")
    assert (r["revision"], r["state"], r["created_by"]) == (1, "submitted", "ann")
    assert store.observations().n_rows == 0  # not approved yet
    staff = store.observations(approved_only=False)
    assert staff.n_rows == 1 and staff["state"][0] == "submitted"
    dv = store.data_version()
    a = store.approve("rita", r["id"])
    assert a["state"] == "approved" and a["locked"] and a["reviewed_by"] == "rita"
    assert store.data_version() > dv
    t = store.observations()
    row = t.rows()[0]
    assert math.isnan(row.pop("previous_basis"))  # none given
    assert row | {"approved_at": None} == {
        "indicator": "share",
        "area": "city",
        "year": 2021,
        "value": 40.0,
        "censor": "",
        "break": False,
        "status": "final",
        "flags": "",
        "source": "yearbook",
        "note": "",
        "scope": "",
        "derived": "",
        "revision": 1,
        "state": "approved",
        "approved_at": None,
    }
    assert not np.isnat(t["approved_at"][0])


def test_revisions_are_append_only(store: Store):
    r1 = store.submit("ann", "share", "city", 2021, 40)
    store.approve("rita", r1["id"])
    with pytest.raises(Locked):
        store.submit("ann", "share", "city", 2021, 41, base_revision=1)
    store.unlock("rita", "share", "city", 2021, "the bureau revised the yearbook")
    r2 = store.submit("ann", "share", "city", 2021, 42, base_revision=1)
    store.reject("rita", r2["id"], "no source given")
    r3 = store.submit("ann", "share", "city", 2021, 43, base_revision=2, source="yearbook 2022")
    before = rows(store)
    store.approve("rita", r3["id"])
    assert rows(store) == before  # a review adds no observation row and changes none
    assert before == [(r1["id"], 1, 40.0), (r2["id"], 2, 42.0), (r3["id"], 3, 43.0)]
    hist = store.history("share", "city", 2021)
    assert [(h["revision"], h["value"], h["state"]) for h in hist] == [
        (3, 43.0, "approved"),
        (2, 42.0, "rejected"),
        (1, 40.0, "approved"),
    ]
    assert hist[1]["review_reason"] == "no source given"
    assert hist[2]["unlock_reason"] == "the bureau revised the yearbook"
    assert hist[0]["locked"] and not hist[2]["locked"]
    assert store.observations()["value"].tolist() == [43.0]


def test_latest_approved_as_of_a_time(store: Store):
    r1 = store.submit("ann", "share", "city", 2021, 40)
    a1 = store.approve("rita", r1["id"])
    store.unlock("rita", "share", "city", 2021, "correction")
    r2 = store.submit("ann", "share", "city", 2021, 45)
    assert store.observations()["value"].tolist() == [40.0]  # r2 not approved yet
    store.clock = lambda: a1["reviewed_at"] + timedelta(days=30)
    store.approve("rita", r2["id"])
    assert store.observations()["value"].tolist() == [45.0]
    t1 = a1["reviewed_at"]
    assert store.observations(as_of=t1)["value"].tolist() == [40.0]
    assert store.observations(as_of=t1 + timedelta(days=29))["value"].tolist() == [40.0]
    assert store.observations(as_of=t1 + timedelta(days=31))["value"].tolist() == [45.0]
    assert store.observations(as_of=t1 - timedelta(seconds=1)).n_rows == 0


def test_optimistic_locking_one_wins_the_other_loses_nothing(store: Store):
    base = store.submit("ann", "share", "city", 2021, 40)
    assert base["revision"] == 1
    win = store.submit("admin", "share", "city", 2021, 41, base_revision=1)
    with pytest.raises(Conflict) as e:
        store.submit("ann", "share", "city", 2021, 99, base_revision=1)
    assert e.value.current["revision"] == 2 and e.value.current["value"] == 41
    assert e.value.attempted["value"] == 99
    assert [r[2] for r in rows(store)] == [40.0, 41.0]
    assert store.history("share", "city", 2021)[0]["id"] == win["id"]
    lost = store.audit(action="observation.conflict")[0]
    assert lost["user"] == "ann" and lost["detail"]["attempted"]["value"] == 99
    # a new cell: base revision 0 means "no value yet"
    store.submit("ann", "share", "city", 2022, 1, base_revision=0)
    with pytest.raises(Conflict):
        store.submit("ann", "share", "city", 2022, 2, base_revision=0)


def test_concurrent_writers_on_separate_connections(store: Store):
    store.submit("ann", "share", "city", 2021, 40)
    results: list[str] = []
    barrier = threading.Barrier(4)

    def write(v: float) -> None:
        barrier.wait()
        try:
            store.submit("ann", "share", "city", 2021, v, base_revision=1)
            results.append("ok")
        except Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=write, args=(50 + i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict"] * 3 + ["ok"]
    assert [r[1] for r in rows(store)] == [1, 2]


def test_permissions(store: Store):
    with pytest.raises(PermissionDenied):
        store.submit("ann", "count", "city", 2021, 3)  # env's indicator
    with pytest.raises(PermissionDenied):
        store.submit("vic", "share", "city", 2021, 3)
    with pytest.raises(PermissionDenied):
        store.submit("rita", "share", "city", 2021, 3)
    with pytest.raises(PermissionDenied):
        store.submit(None, "share", "city", 2021, 3)
    with pytest.raises(PermissionDenied):
        store.submit("ghost", "share", "city", 2021, 3)
    r = store.submit("eve", "count", "east", 2021, 3)
    with pytest.raises(PermissionDenied):
        store.approve("eve", r["id"])
    with pytest.raises(PermissionDenied):
        store.approve("ann", r["id"])
    with pytest.raises(PermissionDenied):
        store.reject("vic", r["id"], "no")
    with pytest.raises(ReasonRequired):
        store.reject("rita", r["id"], "  ")
    store.approve("admin", r["id"])
    with pytest.raises(ReasonRequired):
        store.unlock("rita", "count", "east", 2021, "")
    with pytest.raises(PermissionDenied):
        store.unlock("eve", "count", "east", 2021, "mine")
    store.unlock("rita", "count", "east", 2021, "mine")
    with pytest.raises(UsageError):
        store.unlock("rita", "count", "east", 2021, "again")  # not locked any more
    store.deactivate_user("eve", actor="admin")
    with pytest.raises(PermissionDenied):
        store.submit("eve", "count", "east", 2021, 4)
    assert len(rows(store)) == 1


def test_review_rules(store: Store):
    r1 = store.submit("ann", "share", "city", 2021, 40)
    r2 = store.submit("ann", "share", "city", 2021, 41)
    with pytest.raises(Conflict):
        store.approve("rita", r1["id"])  # superseded
    assert store.history("share", "city", 2021)[1]["state"] == "superseded"
    store.approve("rita", r2["id"])
    with pytest.raises(Conflict):
        store.approve("rita", r2["id"])
    with pytest.raises(Conflict):
        store.reject("rita", r2["id"], "late")


def test_validation(store: Store):
    cases = [
        (("nope", "city", 2021, 1), "unknown-indicator"),
        (("share", "west", 2021, 1), "unknown-area"),
        (("share", "city", 2030, 1), "year-outside-plan"),
        (("share", "city", 2018, 1), "year-outside-plan"),
        (("share", "city", 2021, 120), "out-of-range"),
        (("count", "city", 2021, -1), "out-of-range"),
        (("share", "city", 2021, math.nan), "not-a-number"),
        (("share", "city", 2021, math.inf), "not-a-number"),
        (("green", "city", 2021, 1), "qualitative"),
    ]
    for args, code in cases:
        with pytest.raises(DataError) as e:
            store.submit("admin", *args)
        assert e.value.problems[0].code == code, args
    with pytest.raises(DataError) as e:
        store.submit("admin", "share", "city", 2021, 1, flags=("guessed",))
    assert e.value.problems[0].code == "bad-flag"
    r = store.submit("admin", "share", "city", 2020, 1, flags=("estimated", "break"))
    assert r["flags"] == ["break", "estimated"]
    assert store.submit("admin", "share", None, 2021, 1)["area"] == "city"
    assert len(rows(store)) == 2


def test_every_write_is_audited_with_user_and_time(store: Store):
    r = store.submit("ann", "share", "city", 2021, 40)
    store.approve("rita", r["id"])
    store.unlock("rita", "share", "city", 2021, "fix")
    r2 = store.submit("ann", "share", "city", 2021, 44)
    store.reject("rita", r2["id"], "wrong")
    store.record_verdict("rita", "green", None, 2023, "on_track", "report 2023")
    log = store.audit(limit=6)
    assert [e["action"] for e in log] == [
        "verdict.record",
        "observation.reject",
        "observation.submit",
        "observation.unlock",
        "observation.approve",
        "observation.submit",
    ]
    assert [e["user"] for e in log] == ["rita", "rita", "ann", "rita", "rita", "ann"]
    assert all(e["at"].tzinfo is not None for e in log)
    submit = log[2]
    assert submit["key"] == "share/city/2021"
    assert submit["detail"]["before"]["value"] == 40 and submit["detail"]["after"]["value"] == 44
    assert store.audit(user="ann", action="observation.submit", limit=10)[0]["id"] == submit["id"]
    assert len(store.audit(action="observation.", limit=10)) == 5
    assert store.audit(limit=2, offset=1)[0]["id"] == log[1]["id"]


def test_review_queue_and_changes_since_approval(store: Store):
    r = store.submit("ann", "share", "city", 2021, 40)
    store.approve("rita", r["id"])
    store.unlock("rita", "share", "city", 2021, "fix")
    store.submit("ann", "share", "city", 2021, 44, note="revised")
    store.submit("eve", "count", "city", 2021, 7)
    queue = store.review_queue()
    assert [(q["indicator"], q["value"]) for q in queue] == [("count", 7.0), ("share", 44.0)]
    assert queue[1]["previous"]["value"] == 40.0 and queue[0]["previous"] is None
    assert queue[1]["department"] == "stats"
    assert [q["indicator"] for q in store.review_queue(department="env")] == ["count"]
    changes = {c["indicator"]: c for c in store.changes_since_approval()}
    assert changes["share"]["approved"]["value"] == 40.0
    assert changes["share"]["latest"]["value"] == 44.0
    assert changes["share"]["changed"] == ["value", "note"]
    assert changes["count"]["approved"] is None


def test_verdicts_latest_wins(store: Store):
    with pytest.raises(PermissionDenied):
        store.record_verdict("ann", "green", None, 2023, "on_track", "x")
    with pytest.raises(DataError):
        store.record_verdict("rita", "share", None, 2023, "on_track", "x")
    with pytest.raises(DataError):
        store.record_verdict("rita", "green", None, 2023, "on_track", " ")
    dv = store.data_version()
    store.record_verdict("rita", "green", None, 2023, "lagging", "first report")
    store.record_verdict("rita", "green", None, 2023, "on_track", "second report")
    store.record_verdict("admin", "mid", None, 2023, "achieved", "mid-term review")
    assert store.data_version() == dv + 3
    latest = {(v["target"], v["year"]): v for v in store.verdicts()}
    assert latest[("green", 2023)]["verdict"] == "on_track"
    assert len(store.verdicts(history=True)) == 3
    ev = store.evaluation(year=2023)
    assert ev.indicator("green")["status"] == "on_track"
