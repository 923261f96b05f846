"""``kaoping import FILE --plan P``: the web import's checks, all or nothing, from the shell;
and ``serve``'s first start with several plans in one database."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kaoping.cli import _first_start, cli
from kaoping.plan import parse_plan
from kaoping.settings import Settings
from kaoping.store import Store

from .store.fixtures import PLAN, fast_hashing
from .store.test_many_plans import LAKE, OBS

GOOD = "indicator,area,year,value,status,source\nclean_water,lakeside,2021,88,final,bulletin\n"
BAD = GOOD + "clean_water,lakeside,2021,101,final,bulletin\nnope,lakeside,2021,1,final,x\n"


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    fast_hashing(monkeypatch)
    url = f"sqlite:///{tmp_path / 'k.db'}"
    monkeypatch.setenv("KAOPING_DATA_DIR", str(tmp_path))
    with Store.open(url, Settings(data_dir=tmp_path)) as s:
        s.load_plan(parse_plan(PLAN), PLAN)
        s.load_plan(parse_plan(LAKE), LAKE)
        s.create_user("ann", "correct horse battery", "reporter", department="water")
        s.create_user("rita", "correct horse battery", "reviewer")
    return url


def _run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _lake(url: str, tmp_path) -> Store:
    return Store.open(url, Settings(data_dir=tmp_path))


def test_dry_run_writes_nothing(db, tmp_path):
    f = tmp_path / "obs.csv"
    f.write_text(GOOD)
    r = _run("import", str(f), "--plan", "lake", "--dry-run", "--db", db)
    assert r.exit_code == 0, r.output
    assert "dry run: nothing written (the file is acceptable)" in r.output
    with _lake(db, tmp_path) as s:
        assert s.revisions_count("lake") == 0


def test_a_bad_file_is_refused_whole_with_every_problem(db, tmp_path):
    f = tmp_path / "obs.csv"
    f.write_text(BAD)
    r = _run("import", str(f), "--plan", "lake", "--as", "ann", "--db", db)
    assert r.exit_code == 1
    assert "row 3" in r.output and "row 4" in r.output and "nothing written" in r.output
    assert "Traceback" not in r.output
    with _lake(db, tmp_path) as s:
        assert s.revisions_count("lake") == 0


def test_import_into_a_named_plan_then_review_the_batch(db, tmp_path):
    f = tmp_path / "obs.csv"
    f.write_text(GOOD)
    r = _run("import", str(f), "--plan", "lake", "--as", "ann", "--format", "json", "--db", db)
    assert r.exit_code == 0, r.output
    report = json.loads(r.output)
    assert report["written"] and report["plan_id"] == "lake"
    with _lake(db, tmp_path) as s:
        assert s.revisions_count("lake") == 1 and s.revisions_count("mini") == 0
        [q] = s.review_queue("lake")
        assert q["created_by"] == "ann" and q["state"] == "submitted"
        assert s.audit(action="import")[0]["user"] == "ann"
        s.review_import("rita", report["import_id"], "approve")
        assert s.observations("lake")["value"].tolist() == [88]


def test_unknown_plan_and_user_are_clear_errors(db, tmp_path):
    f = tmp_path / "obs.csv"
    f.write_text(GOOD)
    from kaoping.cli import main

    assert main(["import", str(f), "--plan", "nope", "--db", db]) == 1
    assert main(["import", str(f), "--plan", "lake", "--as", "ghost", "--db", db]) == 1
    assert main(["import", str(f), "--plan", "lake", "--comment", "x", "--db", db]) == 1


def test_first_start_of_a_plan_beside_another(tmp_path, capsys, monkeypatch):
    """``serve --plan lake/`` on a database holding the bundled plan, then ``serve``
    again: each plan keeps its data; the lake plan's observations were loaded once."""
    fast_hashing(monkeypatch)
    folder = tmp_path / "lake"
    folder.mkdir()
    (folder / "plan.yaml").write_text(LAKE)
    (folder / "observations.csv").write_text(OBS)
    url = f"sqlite:///{tmp_path / 'k.db'}"
    with Store.open(url, Settings(data_dir=tmp_path)) as s:
        s.load_plan(parse_plan(PLAN), PLAN)
        assert _first_start(s, str(folder)) == "lake"
        err = capsys.readouterr().err
        assert "loaded plan lake with 2 observations" in err and "also holds mini" in err
        assert _first_start(s, str(folder)) == "lake"
        assert "loaded plan" not in capsys.readouterr().err
        assert s.revisions_count("lake") == 2
        assert s.default_plan_id() == "mini"
