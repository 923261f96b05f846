"""``kaoping coverage``: the data coverage per group and year, from files and from the store."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kaoping.cli import cli, main
from kaoping.plan import parse_plan
from kaoping.settings import Settings
from kaoping.store import Store

from .data.test_coverage import PLAN
from .store.fixtures import PASSWORD, fast_hashing

FLAGSHIP = Path(__file__).parents[1] / "src" / "kaoping" / "plans" / "zhengzhou-2009-2020"
# the tiny plan's data (see tests/data/test_coverage.py): a in 2020 twice, b and c in 2021
DATA = "indicator,area,year,value\na,city,2020,1\na,east,2020,2\nb,city,2021,3\nc,city,2021,4\n"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def tiny(tmp_path) -> tuple[Path, Path]:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    data = tmp_path / "obs.csv"
    data.write_text(DATA, encoding="utf-8")
    return plan, data


def test_flagship_by_default_counts_the_bundled_file(capsys):
    code, out, err = run(capsys, "coverage", "--format", "json")
    assert code == 0, err
    cov = json.loads(out)
    assert cov["plan"] == "zhengzhou-2009-2020"
    assert cov["data_source"].endswith("observations.csv")
    # the expected numbers, counted independently from the two files
    with (FLAGSHIP / "observations.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    plan = yaml.safe_load((FLAGSHIP / "plan.yaml").read_text(encoding="utf-8"))
    total = cov["cells"][-1]
    assert (total["group"], total["year"]) == (None, None)
    assert total["values"] == len(rows)
    assert total["covered"] == len({r["key"] for r in rows})
    assert total["indicators"] == len(plan["indicators"])
    group_of = {i["key"]: i["group"] for i in plan["indicators"]}
    for cell in cov["cells"]:
        if cell["group"] is None or cell["year"] is None:
            continue
        mine = [
            r
            for r in rows
            if group_of[r["key"]] == cell["group"] and int(r["year"]) == cell["year"]
        ]
        assert cell["values"] == len(mine)
        assert cell["covered"] == len({r["key"] for r in mine})
    assert cov["years"] == sorted({int(r["year"]) for r in rows})


def test_a_plan_file_and_data_file_as_csv(capsys, tiny):
    plan, data = tiny
    code, out, err = run(
        capsys, "coverage", "--plan", str(plan), "--data", str(data), "--format", "csv"
    )
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "group,year,covered,indicators,share,values"
    assert lines[1:] == [
        "g1,2020,1,3,0.3333,2",
        "g1,2021,1,3,0.3333,1",
        "g1,all,2,3,0.6667,3",
        "g2,2020,0,1,0.0,0",
        "g2,2021,1,1,1.0,1",
        "g2,all,1,1,1.0,1",
        "all,2020,1,4,0.25,2",
        "all,2021,2,4,0.5,2",
        "all,all,3,4,0.75,4",
    ]


def test_the_table_in_both_languages(capsys, tiny):
    plan, data = tiny
    code, out, _ = run(capsys, "coverage", "--plan", str(plan), "--data", str(data))
    assert code == 0
    assert "Group one" in out and "2/3 (3)" in out and "3/4 (4)" in out
    assert "4 values for 3 of 4 indicators (75%)" in out
    code, out, _ = run(capsys, "coverage", "--plan", str(plan), "--data", str(data), "--lang", "zh")
    assert code == 0
    assert "第一组" in out and "共4个数值，覆盖4项指标中的3项（75%）" in out


def test_one_area(capsys, tiny):
    plan, data = tiny
    code, out, _ = run(
        capsys, "coverage", "--plan", str(plan), "--data", str(data), "--area", "east",
        "--format", "json",
    )  # fmt: skip
    assert code == 0
    cov = json.loads(out)
    assert cov["area"] == "east" and cov["years"] == [2020]
    assert cov["cells"][-1]["covered"] == 1 and cov["cells"][-1]["values"] == 1


def test_mistakes_are_one_line_errors(capsys, tiny, tmp_path):
    plan, data = tiny
    code, _, err = run(capsys, "coverage", "--plan", str(plan), "--area", "mars")
    assert code == 1 and "no area 'mars'" in err
    code, _, err = run(capsys, "coverage", "--db", "sqlite:///x.db", "--data", str(data))
    assert code == 1 and "either --db or --data" in err
    code, _, err = run(capsys, "coverage", "--data", str(tmp_path / "none.csv"))
    assert code == 1 and "no data file" in err
    assert "Traceback" not in err


def test_the_store_counts_approved_values_only(tmp_path, monkeypatch):
    fast_hashing(monkeypatch)
    url = f"sqlite:///{tmp_path / 'k.db'}"
    monkeypatch.setenv("KAOPING_DATA_DIR", str(tmp_path))
    with Store.open(url, Settings(data_dir=tmp_path)) as s:
        s.load_plan(parse_plan(PLAN), PLAN)
        s.create_user("ada", PASSWORD, "admin")
        s.create_user("rita", PASSWORD, "reviewer")
        r = s.submit("ada", "a", "city", 2021, 12, status="final")
        s.approve("rita", r["id"])
        s.submit("ada", "c", "city", 2021, 7)  # awaiting review: not counted
    result = CliRunner().invoke(
        cli, ["coverage", "--db", url, "--plan", "tiny-coverage", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    cov = json.loads(result.output)
    assert cov["years"] == [2021]
    cells = {(c["group"], c["year"]): (c["covered"], c["values"]) for c in cov["cells"]}
    assert cells[("g1", 2021)] == (1, 1)
    assert cells[("g2", 2021)] == (0, 0)
    assert cells[(None, None)] == (1, 1)
    assert "approved data" in cov["data_source"]
