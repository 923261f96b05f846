from __future__ import annotations

import json
import re
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
    # 4.73 ‰ (2020, birth rate minus death rate) <= 6: met in the target year
    assert status["natural_growth_rate"] == "achieved"
    assert status["gdp_per_capita"] == "achieved_early"  # > 100,000 yuan in 2018
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


# ---- scores, statuses and years as the terminal shows them ------------------------------


def _tiny(tmp_path) -> list[str]:
    from tests.report.tiny_plan import YEAR, write_plan

    plan, data = write_plan(tmp_path / "tiny")
    return ["evaluate", str(plan), "--data", str(data), "--year", str(YEAR)]


def test_the_terminal_shows_scores_out_of_100(capsys, tmp_path):
    """Hand-computed scores of tests/report/tiny_plan.py: overall 75.5, groups 61.0 and 90.0,
    lens category 68.5; each with what it measures."""
    from tests.report.tiny_plan import GROUPS, LENS, OVERALL

    code, out, err = run(capsys, *_tiny(tmp_path))
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("Overall score:"))
    assert line.split()[2] == OVERALL
    assert "attainment of the targets (0–100)" in line
    groups = {
        x.split()[1]: x.split()[2]
        for x in out.splitlines()
        if x.startswith("Group ") and "·" not in x  # the summary table, not the group titles
    }
    assert "Group one · score 61.0" in out
    assert groups == {"one": GROUPS["g1"], "two": GROUPS["g2"]}
    lens = next(x for x in out.splitlines() if x.strip().startswith("Category one"))
    assert lens.split()[2] == LENS["k1"]
    assert "score — attainment of the targets (0–100)" in out
    assert "pace against the path to the target" in out
    assert "The score measures attainment" in out and "disagree" in out
    for wrong in ("7550.0", "6100.0", "9000.0"):
        assert wrong not in out
    code, out, _ = run(capsys, *_tiny(tmp_path), "--lang", "zh")
    line = next(x for x in out.splitlines() if x.startswith("总体 得分:"))
    assert OVERALL in line and "目标实现程度（0–100）" in line
    code, out, _ = run(capsys, *_tiny(tmp_path), "--format", "json")
    card = json.loads(out)
    assert f"{card['overall']['score']:.1f}" == OVERALL
    assert card["meanings"]["score"] == "attainment of the targets (0–100)"


def test_the_terminal_shows_new_statuses_years_and_a_legend(capsys, tmp_path, monkeypatch):
    from kaoping.report.labels import STATUS, STATUS_ORDER, SYMBOL
    from tests.report.tiny_plan import patch_evaluation

    patch_evaluation(monkeypatch)  # a achieved early (2024), b ahead (~2027), c stale (2021)
    code, out, err = run(capsys, *_tiny(tmp_path))
    assert code == 0, err
    rows = {}
    for x in out.splitlines():
        m = re.match(r"│ Indicator ([ABC]) .*", x)
        if m:
            rows[m.group(1)] = [c.strip() for c in x.split("│")[1:-1]]
    assert rows["A"][6] == "2024" and rows["A"][7] == "✓+ achieved early"
    assert rows["B"][6] == "~2027" and rows["B"][7] == "» ahead of schedule"
    assert rows["C"][6] == "—" and rows["C"][7] == "◷ data too old"
    assert rows["C"][2] == "1.8 [2021]"
    assert "latest value 2021, 4 years before 2025" in out
    counts = next(x for x in out.splitlines() if x.startswith("Status counts"))
    assert "✓+ achieved early 1" in counts and "◷ data too old 1" in counts
    legend = out[out.index("What the statuses mean") :]
    for status in STATUS_ORDER:
        assert f"{SYMBOL[status]} {STATUS[status]['en']}: " in legend
    assert "~ marks a projected year" in out
