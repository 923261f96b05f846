"""Several plans in one store, side by side: loading one never changes another."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kaoping.plan import parse_plan
from kaoping.store import Conflict, NotFound, PermissionDenied, ReasonRequired, Store

from .fixtures import PLAN

LAKE = """
id: lake
title: {zh: 湖滨规划, en: Lakeside plan}
period: {start: 2021, end: 2025}
base_year: 2020
areas:
  - {key: lakeside, name: {zh: 湖滨, en: Lakeside}}
groups: [{key: w, name: {zh: 水, en: Water}}]
departments:
  - {key: water, name: {zh: 水务局, en: Water Bureau}}
indicators:
  - key: clean_water
    name: {zh: 水质达标率, en: Clean water}
    unit: "%"
    group: w
    department: water
    bounds: {min: 0, max: 100}
    targets: {2025: ">= 90"}
"""


@pytest.fixture
def two(store: Store) -> Store:
    """The mini plan loaded first, then the lake plan (as ``serve --plan lake.yaml`` does)."""
    store.load_plan(parse_plan(LAKE), LAKE)
    return store


def test_loading_another_plan_leaves_the_default(two: Store):
    assert two.plan_ids() == ["lake", "mini"]
    # the first plan stays the default: entry, review and evaluation without a plan id
    assert two.default_plan_id() == "mini"
    assert two.plan().id == "mini"
    rev = two.submit("ann", "share", "city", 2021, 40, status="final")
    two.approve("rita", rev["id"])
    assert two.evaluation(year=2021).plan_id == "mini"
    # and the other plan answers when named
    rev = two.submit("admin", "clean_water", "lakeside", 2021, 91, plan_id="lake", status="final")
    assert rev["plan_id"] == "lake"
    assert two.areas("lake") == [
        {"key": "lakeside", "name_zh": "湖滨", "name_en": "Lakeside", "parent": None}
    ]
    # reloading either plan changes neither default nor the other plan's data
    two.load_plan(parse_plan(LAKE), LAKE)
    two.load_plan(parse_plan(PLAN), PLAN)
    two.load_plan(parse_plan(LAKE), LAKE)
    assert two.default_plan_id() == "mini"
    assert two.history("share", "city", 2021)[0]["state"] == "approved"


def test_default_plan_from_the_settings_and_explicit(two: Store):
    two.settings.plan = "lake"
    assert two.default_plan_id() == "lake" and two.plan().id == "lake"
    two.settings.plan = "no-such-plan"  # a plan not in the store: the first loaded
    assert two.default_plan_id() == "mini"
    two.default_plan = "lake"
    assert two.plan().id == "lake"
    two.default_plan = "nope"
    with pytest.raises(NotFound):
        two.plan()


def test_departments_are_keyed_by_plan(two: Store):
    assert {d["key"] for d in two.departments("mini")} == {"stats", "env"}
    assert {d["key"] for d in two.departments("lake")} == {"water"}
    # the city's register holds every department (users belong to one of them)
    assert {d["key"] for d in two.all_departments()} == {"stats", "env", "water"}
    two.assign("clean_water", "stats", actor="admin", plan_id="lake")
    assert {d["key"] for d in two.departments("lake")} == {"water", "stats"}
    assert two.assignments("lake") == {"clean_water": "stats"}
    assert two.assignments("mini")["share"] == "stats"
    # an administrator adds a department to one plan only
    two.add_department("parks", "园林局", "Parks Bureau", actor="admin", plan_id="lake")
    assert "parks" not in {d["key"] for d in two.departments("mini")}
    assert "parks" in {d["key"] for d in two.departments("lake")}


def test_assessment_data_stay_with_their_plan(two: Store):
    two.adjust("admin", "stats", 2021, -5, "late report")
    assert [a["delta"] for a in two.adjustments(2021)] == [-5]
    assert two.adjustments(2021, plan_id="lake") == []
    two.adjust("admin", "water", 2021, -3, "late", plan_id="lake")
    assert [a["delta"] for a in two.adjustments(2021, plan_id="lake")] == [-3]
    assert [a["delta"] for a in two.adjustments(2021, plan_id="mini")] == [-5]


def test_migration_keys_departments_by_plan(db_url: str, tmp_path):
    """A database of the previous schema, with two plans loaded, upgrades: each plan keeps
    its departments, and the plan loaded first is the default again."""
    from kaoping.settings import Settings
    from kaoping.store.db import make_engine, migrate

    engine = make_engine(db_url)
    migrate(engine, "0002")
    now = "2026-01-01 00:00:00"
    with engine.begin() as conn:
        for i, (pid, text) in enumerate((("mini", PLAN), ("lake", LAKE))):
            conn.execute(
                sa.text(
                    "INSERT INTO plans (plan_id, active_version, data_version, created_at) "
                    "VALUES (:p, 'v1', 1, :t)"
                ),
                {"p": pid, "t": f"2026-01-0{i + 1} 00:00:00"},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO plan_versions (plan_id, version, text, loaded_at, loaded_by) "
                    "VALUES (:p, 'v1', :x, :t, 'system')"
                ),
                {"p": pid, "x": text, "t": now},
            )
        for key in ("stats", "env", "water", "finance"):
            conn.execute(
                sa.text("INSERT INTO departments (key, name_zh, name_en) VALUES (:k, :z, :e)"),
                {"k": key, "z": key, "e": key},
            )
        conn.execute(
            sa.text(
                "INSERT INTO assignments (plan_id, indicator, department) "
                "VALUES ('mini', 'gdp', 'finance')"
            )
        )
        conn.execute(sa.text("INSERT INTO meta (key, value) VALUES ('active_plan', 'lake')"))
    engine.dispose()
    s = Store.open(db_url, Settings(data_dir=tmp_path))
    try:
        assert s.default_plan_id() == "mini"
        assert {d["key"] for d in s.departments("mini")} == {"stats", "env", "finance"}
        assert {d["key"] for d in s.departments("lake")} == {"water"}
    finally:
        s.close()


def _folder(tmp_path, observations: str | None, verdicts: str | None = None):
    folder = tmp_path / "lake"
    folder.mkdir()
    (folder / "plan.yaml").write_text(LAKE, encoding="utf-8")
    if observations is not None:
        (folder / "observations.csv").write_text(observations, encoding="utf-8")
    if verdicts is not None:
        (folder / "verdicts.csv").write_text(verdicts, encoding="utf-8")
    return folder


OBS = (
    "indicator,area,year,value,status,source\n"
    "clean_water,lakeside,2020,80,final,bulletin 2020\n"
    "clean_water,lakeside,2021,85,final,bulletin 2021\n"
)


def test_first_load_of_a_plan_loads_the_data_beside_it(store: Store, tmp_path):
    folder = _folder(tmp_path, OBS)
    done = store.open_plan(str(folder / "plan.yaml"))
    assert done["first"] and done["plan_id"] == "lake" and done["observations"] == 2
    t = store.observations("lake")
    assert sorted(t["value"].tolist()) == [80, 85]
    assert set(t["state"].tolist()) == {"approved"}
    entry = store.audit(action="import.bundled")[0]
    assert entry["plan_id"] == "lake" and entry["detail"]["observations"] == 2
    # the default plan and its data are untouched
    assert store.default_plan_id() == "mini" and store.observations("mini").n_rows == 0
    # a second load reads the data beside it no more; a revised plan is a new version
    (folder / "observations.csv").write_text(OBS + "clean_water,lakeside,2022,99,final,x\n")
    again = store.open_plan(str(folder))
    assert again == {"plan_id": "lake", "version": done["version"], "first": False}
    assert store.observations("lake").n_rows == 2
    revised = LAKE.replace(">= 90", ">= 95")
    (folder / "plan.yaml").write_text(revised, encoding="utf-8")
    assert store.open_plan(str(folder))["version"] != done["version"]
    assert [v["active"] for v in store.plan_versions("lake")] == [False, True]
    assert store.plan().id == "mini"
    # KAOPING_PLAN as a path names the plan in that file
    fresh = Store(store.engine, store.settings)
    fresh.settings.plan = str(folder)
    assert fresh.default_plan_id() == "lake"


def test_first_load_refuses_bad_data_beside_the_plan_and_writes_nothing(store: Store, tmp_path):
    from kaoping.errors import KaopingError

    folder = _folder(tmp_path, OBS + "no_such_indicator,lakeside,2021,1,final,x\n")
    with pytest.raises(KaopingError):
        store.open_plan(str(folder))
    assert store.plan_ids() == ["mini"]


def _import_two(store: Store, user: str = "ann") -> int:
    csv = (
        "indicator,area,year,value,status,source\n"
        "share,city,2021,41,final,bulletin\n"
        "share,city,2022,42,final,bulletin\n"
        "share,east,2022,43,final,bulletin\n"
    )
    report = store.import_file(
        user, csv.encode(), "batch.csv", comments={2: "ok", 3: "ok", 4: "ok"}
    )
    assert report.written, report.to_dict()
    return report.import_id


def test_review_a_whole_import_in_one_decision(two: Store):
    import_id = _import_two(two)
    [pending] = two.pending_imports()
    assert pending["id"] == import_id and pending["pending"] == 3
    assert two.pending_imports("lake") == []
    # one row decided on its own first: the batch decides the others
    one = next(r for r in two.review_queue() if r["area"] == "east")
    two.reject("rita", one["id"], "wrong district")
    with pytest.raises(PermissionDenied):
        two.review_import("ann", import_id, "approve")
    with pytest.raises(ReasonRequired):
        two.review_import("rita", import_id, "reject")
    with pytest.raises(NotFound):
        two.review_import("rita", import_id, "approve", plan_id="lake")
    done = two.review_import("rita", import_id, "approve")
    assert done == {
        "import_id": import_id,
        "plan_id": "mini",
        "decision": "approved",
        "decided": 2,
        "skipped": 1,
    }
    states = {(h["area"], h["year"]): h["state"] for h in _history(two)}
    assert states == {
        ("city", 2021): "approved",
        ("city", 2022): "approved",
        ("east", 2022): "rejected",
    }
    entry = two.audit(action="import.approve")[0]
    assert entry["user"] == "rita" and entry["detail"]["cells"] == [
        "share/city/2021",
        "share/city/2022",
    ]
    assert two.pending_imports() == []
    with pytest.raises(Conflict):
        two.review_import("rita", import_id, "approve")


def test_reject_a_whole_import(two: Store):
    import_id = _import_two(two)
    done = two.review_import("rita", import_id, "reject", "wrong year")
    assert done["decided"] == 3 and done["decision"] == "rejected"
    assert {h["state"] for h in _history(two)} == {"rejected"}
    assert two.audit(action="import.reject")[0]["detail"]["reason"] == "wrong year"


def _history(s: Store) -> list[dict]:
    out = []
    for area, year in (("city", 2021), ("city", 2022), ("east", 2022)):
        out.append(s.history("share", area, year)[0])
    return out


def test_a_store_bound_to_a_plan(two: Store):
    """What the web hands to a request under /p/<plan>/: every plan-keyed call is for that
    plan unless it names another; calls by id and user calls pass through."""
    from kaoping.store.plans import PlanStore

    lake = PlanStore(two, "lake")
    assert lake.plan().id == "lake" and lake.plan(None).id == "lake"
    assert lake.plan("mini").id == "mini"
    rev = lake.submit("admin", "clean_water", "lakeside", 2021, 90, status="final")
    assert rev["plan_id"] == "lake"
    assert [r["id"] for r in lake.review_queue()] == [rev["id"]]
    assert two.review_queue() == []  # the default plan's queue
    lake.approve("rita", rev["id"])
    assert lake.observations()["value"].tolist() == [90]
    assert {d["key"] for d in lake.departments()} == {"water"}
    assert lake.user("ann")["username"] == "ann" and lake.settings is two.settings
