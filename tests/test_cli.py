from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kaoping.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_evaluate_bundled_plan_json(capsys):
    code, out, err = run(capsys, "evaluate", "--format", "json")
    assert code == 0, err
    card = json.loads(out)
    assert card["plan"]["id"] == "zhengzhou-2009-2020" and card["as_of"] == 2020
    status = {i["key"]: i["status"] for g in card["groups"] for i in g["indicators"]}
    # published 2020 figures: cargo 639,400 t >= 600,000; passengers 21.4 m < 30 m
    assert status["air_cargo_mail_tonnes"] == "achieved"
    assert status["airport_passengers"] == "lagging"
    assert status["tertiary_share_gdp"] == "achieved"  # 59.0 within 60 ± 5 %
    assert status["urbanization_rate"] == "lagging"  # 78.4 < 80
    assert status["natural_growth_rate"] == "achieved"  # 5.5 ‰ (2019) <= 6
    assert card["data_source"].endswith("observations.csv")


def test_evaluate_table_in_both_languages(capsys):
    code, out, _ = run(capsys, "evaluate", "--year", "2015")
    assert code == 0
    assert "Economic development" in out and "as of 2015" in out
    code, out, _ = run(capsys, "evaluate", "--lang", "zh")
    assert code == 0
    assert "经济发展" in out and "已实现" in out


def test_evaluate_csv(capsys):
    code, out, _ = run(
        capsys, "evaluate", "--format", "csv", "--method", "distance", "--status", "sdr"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("group,key,name,unit,kind,target")
    assert len(lines) == 1 + 67
    assert any(line.startswith("construction,air_cargo_mail_tonnes,") for line in lines)


def test_bad_year_area_and_data_are_one_line_errors(capsys, tmp_path):
    code, _, err = run(capsys, "evaluate", "--year", "1990")
    assert code == 1 and err.startswith("error: year 1990 is outside")
    code, _, err = run(capsys, "evaluate", "--area", "mars")
    assert code == 1 and "no area 'mars'" in err
    code, _, err = run(capsys, "evaluate", "--data", str(tmp_path / "none.csv"))
    assert code == 1 and "no data file" in err
    assert "Traceback" not in err


def test_invalid_plan_reports_every_problem(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: x\ntitle: {zh: 坏}\nperiod: {start: 2021, end: 2025}\nbase_year: 2020\n"
        "areas: [{key: c, name: {zh: 市}}]\ngroups: [{key: g, name: {zh: 组}}]\n"
        "indicators:\n"
        "  - {key: a, name: {zh: 甲}, unit: '%', group: nope, targets: {2030: '>= 5'}}\n"
        "  - {key: a, name: {zh: 乙}, unit: t, group: g, targets: {2025: 'more than 5'}}\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "validate", str(bad))
    assert code == 1
    assert "Traceback" not in err
    assert "unknown-group" in err and "year-outside-period" in err
    assert "duplicate-key" in err and "bad-expression" in err
    assert f"{bad}:8" in err


def test_validate_schema_and_plans(capsys):
    code, out, _ = run(capsys, "validate")
    assert code == 0 and "is valid" in out and "67 indicators" in out
    code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    assert schema["title"] == "kaoping plan file"
    assert "indicators" in schema["properties"]
    code, out, _ = run(capsys, "plans")
    assert "zhengzhou-2009-2020" in out


def test_help_reads_well(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("evaluate", "validate", "schema", "plans"):
        assert command in out
    code, out, _ = run(capsys, "evaluate", "--help")
    assert "--year" in out and "--format" in out


@pytest.mark.parametrize("args", [["evaluate"], ["validate"]])
def test_installed_command_runs(args):
    proc = subprocess.run(
        [sys.executable, "-m", "kaoping.cli", *args], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()


def test_verdicts_judge_qualitative_targets_and_steps(capsys, tmp_path):
    v = tmp_path / "verdicts.csv"
    v.write_text(
        "target,year,verdict,evidence\n"
        "national_eco_city,2016,lagging,https://example.org/review-2016\n"
        "step1,2011,achieved,2010 review report\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "evaluate", "--verdicts", str(v), "--format", "json")
    assert code == 0, err
    card = json.loads(out)
    eco = next(
        i for g in card["groups"] for i in g["indicators"] if i["key"] == "national_eco_city"
    )
    assert eco["status"] == "lagging" and eco["evidence"] == "https://example.org/review-2016"
    step1 = next(s for s in card["steps"] if s["key"] == "step1")
    assert step1["verdict"] == "achieved"
    # a verdict recorded after the as-of year is not seen
    code, out, _ = run(
        capsys, "evaluate", "--verdicts", str(v), "--year", "2015", "--format", "json"
    )
    eco = next(
        i
        for g in json.loads(out)["groups"]
        for i in g["indicators"]
        if i["key"] == "national_eco_city"
    )
    assert eco["status"] == "no_data"


def test_bad_verdict_file_lists_every_row(capsys, tmp_path):
    v = tmp_path / "verdicts.csv"
    v.write_text(
        "target,year,verdict,evidence\n"
        "gdp_per_capita,2016,achieved,x\n"
        "national_eco_city,20x6,great,\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "evaluate", "--verdicts", str(v))
    assert code == 1
    for needle in ("verdicts.csv:2", "unknown-target", "bad-year", "bad-verdict", "no-evidence"):
        assert needle in err


def test_an_area_of_the_plan_without_data_evaluates_to_no_data(capsys, tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "id: two-areas\ntitle: {zh: 两区, en: Two areas}\nperiod: {start: 2021, end: 2025}\n"
        "base_year: 2020\nareas:\n  - {key: city, name: {zh: 市, en: City}}\n"
        "  - {key: east, name: {zh: 东区, en: East}, parent: city}\n"
        "groups: [{key: g, name: {zh: 组, en: Group}}]\n"
        "indicators:\n  - {key: a, name: {zh: 甲, en: A}, unit: t, group: g, "
        "targets: {2025: '>= 10'}}\n",
        encoding="utf-8",
    )
    data = tmp_path / "obs.csv"
    data.write_text("indicator,area,year,value\na,city,2020,5\na,city,2023,9\n", encoding="utf-8")
    code, out, err = run(
        capsys, "evaluate", str(plan), "--data", str(data), "--area", "east", "--format", "json"
    )
    assert code == 0, err
    card = json.loads(out)
    assert card["area"]["key"] == "east"
    assert card["groups"][0]["indicators"][0]["status"] == "no_data"
