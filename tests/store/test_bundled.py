from __future__ import annotations

from kaoping.core import evaluate_loaded, load
from kaoping.store import Store


def test_import_bundled_evaluates_like_the_files(empty_store: Store):
    s = empty_store
    summary = s.import_bundled("zhengzhou-2009-2020")
    files = load(None)
    assert summary["observations"] == files.observations.n_rows
    assert s.import_bundled("zhengzhou-2009-2020") is None  # once only
    assert s.active_plan_id() == "zhengzhou-2009-2020"
    t = s.observations()
    assert set(t["state"].tolist()) == {"approved"} and set(t["status"].tolist()) == {"final"}
    assert all(t["source"])
    assert s.revisions_count() == files.observations.n_rows
    for year in (2010, 2015, 2020):
        ev = s.evaluation(year=year)
        ev0 = evaluate_loaded(files, year)
        assert ev.plan_version == ev0.plan_version
        got = dict(zip(ev.indicator_table["indicator"], ev.indicator_table["status"], strict=True))
        want = dict(
            zip(ev0.indicator_table["indicator"], ev0.indicator_table["status"], strict=True)
        )
        assert got == want
        assert ev.score("overall", "overall") == ev0.score("overall", "overall") or (
            ev.score("overall", "overall") != ev.score("overall", "overall")
        )
    entry = s.audit(action="import.bundled")[0]
    assert entry["user"] == "system" and entry["detail"]["observations"] == summary["observations"]
