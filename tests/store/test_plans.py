from __future__ import annotations

import pytest

from kaoping.plan import parse_plan
from kaoping.store import NotFound, PermissionDenied, Store

from .fixtures import PLAN


def test_same_text_is_a_no_op(store: Store):
    v = store.plan().version
    dv = store.data_version()
    n_audit = len(store.audit(limit=1000))
    assert store.load_plan(parse_plan(PLAN), PLAN) == v
    assert store.data_version() == dv
    assert len(store.audit(limit=1000)) == n_audit
    assert [p["version"] for p in store.plan_versions("mini")] == [v]


def test_revised_plan_keeps_both_versions_and_evaluation_reads_the_active(store: Store):
    old = store.plan()
    store.submit("admin", "share", "city", 2021, 50, status="final")
    store.approve("rita", store.history("share", "city", 2021)[0]["id"])
    ev_old = store.evaluation(year=2021)
    revised_text = PLAN.replace('{2025: ">= 60"}', '{2025: ">= 50"}')
    revised = parse_plan(revised_text)
    dv = store.data_version()
    assert store.load_plan(revised, revised_text) == revised.version != old.version
    assert store.data_version() > dv
    versions = store.plan_versions()
    assert [v["version"] for v in versions] == [old.version, revised.version]
    assert [v["active"] for v in versions] == [False, True]
    assert store.plan().version == revised.version
    assert store.plan(version=old.version).version == old.version
    ev_new = store.evaluation(year=2021)
    assert ev_new.plan_version == revised.version and ev_old.plan_version == old.version
    # 50 in 2021 meets ">= 50" (not ">= 60", which without a baseline has no pace), before
    # the target year 2025: achieved early
    assert ev_old.indicator("share")["status"] == "no_data"
    assert ev_new.indicator("share")["status"] == "achieved_early"
    # back to the old version: a stored version is activated, not stored again
    store.load_plan(old, PLAN)
    assert store.plan().version == old.version
    assert len(store.plan_versions()) == 2


def test_areas_form_a_hierarchy(store: Store):
    assert store.areas() == [
        {"key": "city", "name_zh": "市", "name_en": "City", "parent": None},
        {"key": "east", "name_zh": "东区", "name_en": "East district", "parent": "city"},
    ]


def test_departments_and_assignments(store: Store):
    assert store.assignments() == {"share": "stats", "count": "env", "green": "env"}
    assert {d["key"] for d in store.departments()} == {"stats", "env"}
    store.assign("gdp", "finance", actor="admin")
    assert store.assignments()["gdp"] == "finance"
    assert "finance" in {d["key"] for d in store.departments()}
    with pytest.raises(PermissionDenied):
        store.assign("gdp", "stats", actor="ann")
    with pytest.raises(NotFound):
        store.assign("nope", "stats", actor="admin")
    entry = store.audit(action="assignment.set")[0]
    assert entry["user"] == "admin" and entry["detail"] == {"before": None, "after": "finance"}
    # a reload keeps the assignment made in the store
    store.assign("share", "env", actor="admin")
    store.load_plan(parse_plan(PLAN), PLAN)
    assert store.assignments()["share"] == "env"


def test_empty_store(empty_store: Store):
    assert empty_store.active_plan_id() is None
    with pytest.raises(NotFound):
        empty_store.plan()
    with pytest.raises(PermissionDenied):
        empty_store.load_plan(parse_plan(PLAN), PLAN, actor="nobody")
