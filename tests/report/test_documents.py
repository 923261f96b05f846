"""The reports' content: golden text renderings of both documents in both languages, for
the bundled plan as of 2020; what every report states so that it can be reproduced."""

from __future__ import annotations

import pytest

from kaoping.core import evaluate_loaded, load
from kaoping.report.build import evaluation_from_files, render
from kaoping.report.documents import (
    Provenance,
    assessment_document,
    evaluation_document,
    to_text,
)
from kaoping.report.documents.blocks import Data


@pytest.fixture(scope="module")
def loaded():
    return load(None)


@pytest.fixture(scope="module")
def assessment_result(tmp_path_factory) -> dict:
    """The assessment of the bundled plan for 2020 on a fresh store (no ratings yet)."""
    from kaoping.assess.service import run_assessment
    from kaoping.settings import Settings
    from kaoping.store import Store

    folder = tmp_path_factory.mktemp("assess")
    settings = Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'kaoping.db'}",
        secret_key="test-secret-key-" + "x" * 32,
    )
    with Store.open(settings=settings) as store:
        store.import_bundled("zhengzhou-2009-2020")
        owned = {
            "stats": ["gdp_per_capita", "urbanization_rate", "airport_passengers"],
            "env": ["forest_coverage", "tertiary_share_gdp"],
        }
        for dept, keys in owned.items():
            store.add_department(dept, dept, dept)
            for key in keys:
                store.assign(key, dept)
        return run_assessment(store, 2020).to_dict()


PROVENANCE = Provenance(
    data_source="store (approved data)",
    data_as_of="2024-01-01 00:00:00 UTC",
    data_version="1",
    command="kaoping report assessment zhengzhou-2009-2020 --year 2020 --lang en --format pdf "
    "--db $KAOPING_DATABASE_URL",
)


def _normalised(text: str, plan_version: str) -> str:
    """The text with the plan version (a digest of the plan file) as a placeholder, so that
    the golden files follow the report's content rather than every edit of the plan file."""
    return text.replace(plan_version, "<plan-version>")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_golden_evaluation_report(golden, loaded, lang):
    doc = evaluation_from_files(None, None, 2020, lang)
    text = _normalised(to_text(doc), loaded.plan.version)
    golden(f"reports/evaluation-zhengzhou-2020-{lang}.txt", text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_golden_assessment_report(golden, loaded, assessment_result, lang):
    doc = assessment_document(loaded.plan, assessment_result, lang, PROVENANCE)
    text = _normalised(to_text(doc), loaded.plan.version)
    golden(f"reports/assessment-zhengzhou-2020-{lang}.txt", text)


def test_the_evaluation_report_states_how_to_reproduce_it(loaded):
    doc = evaluation_from_files(None, None, 2020, "en", "xlsx")
    text = to_text(doc)
    ev = evaluate_loaded(loaded, 2020)
    assert f"Plan version: {ev.plan_version}" in text
    assert "Data as of: 2023 (latest year with a value)" in text
    assert "Data version: sha256:" in text
    assert (
        "$ kaoping report evaluation zhengzhou-2009-2020 --year 2020 --lang en --format xlsx"
        in text
    )
    assert "bundled with the plan: zhengzhou-2009-2020/observations.csv" in text
    # with other data, the command names the file
    other = evaluation_from_files(None, str(loaded.data_source), 2015, "zh")
    assert f"--year 2015 --lang zh --format pdf --data {loaded.data_source}" in to_text(other)


def test_sections_of_the_evaluation_report(loaded):
    doc = evaluation_from_files(None, None, 2020, "en")
    ids = [s["id"] for s in doc["sections"]]
    groups = [f"group-{g.key}" for g in loaded.plan.groups]
    assert ids == [
        "summary",
        "scores",
        "lenses",
        "steps",
        *groups,
        "no-data",
        "off-track",
        "method",
    ]
    # each group starts a page; every indicator with data has its chart, and those without
    # data are gathered in one table (no page of empty charts each)
    for s in doc["sections"]:
        if s["id"] in groups:
            assert s["blocks"][0]["break"] is True
    no_data = next(s for s in doc["sections"] if s["id"] == "no-data")
    [tbl] = [b for b in no_data["blocks"] if b["t"] == "table"]
    names = {i.name.en: i.key for i in loaded.plan.indicators}
    empty = {names[r[1]] for r in tbl["rows"]}
    ev = evaluate_loaded(loaded, 2020)
    obs = loaded.observations
    for key in empty:
        row = ev.indicator(key, "zhengzhou")
        assert row["status"] in ("no_data", "monitoring")
        mine = obs.where((obs["indicator"] == key) & (obs["year"] <= 2020))
        assert mine.n_rows == 0, key
    assert 0 < len(empty) < len(loaded.plan.indicators)
    assert f"{len(empty)} indicators have no value up to 2020" in no_data["blocks"][1]["text"]
    charts = [b for s in doc["sections"] for b in s["blocks"] if b["t"] == "indicator"]
    assert [b["id"] for b in charts] == [
        f"ind-{i.key}"
        for g in loaded.plan.groups
        for i in loaded.plan.indicators
        if i.group == g.key and i.key not in empty
    ]


def test_the_summary_is_generated_from_the_numbers(loaded):
    ev = evaluate_loaded(loaded, 2020)
    counts = ev.status_counts()
    doc = evaluation_from_files(None, None, 2020, "en")
    first = doc["sections"][0]["blocks"][1]["text"]
    met = counts["achieved"] + counts.get("achieved_early", 0)  # "achieved" counts both
    assert f"{met} achieved" in first
    assert f"{counts['lagging']} lagging" in first
    if counts.get("achieved_early"):
        assert f"({counts['achieved_early']} of them early)" in first
    zh = evaluation_from_files(None, None, 2020, "zh")
    assert f"已实现{met}项" in zh["sections"][0]["blocks"][1]["text"]


class FakeSupervision:
    """The supervision methods of the store the report reads."""

    def off_track(self, evaluation, year=None, plan_id=None):
        rows = [r for r in evaluation.indicator_table.rows() if r["status"] == "lagging"]
        first = rows[0]
        return [
            {
                "indicator": first["indicator"],
                "area": first["area"],
                "year": year,
                "status": first["status"],
                "department": "stats",
                "explanation": {
                    "text": "The census revised the population base.",
                    "department": "stats",
                    "created_at": "2021-03-01T00:00:00",
                },
                "corrective_task": "t1",
                "missing": [],
            }
        ] + [
            {
                "indicator": r["indicator"],
                "area": r["area"],
                "year": year,
                "status": r["status"],
                "department": None,
                "explanation": None,
                "corrective_task": None,
                "missing": ["explanation", "corrective_task"],
            }
            for r in rows[1:]
        ]

    def tasks(self, department=None, *, plan_id=None, include_inactive=False):
        return [{"key": "t1", "title": {"zh": "加快城镇化", "en": "Speed up"}, "deadline": None}]


def test_off_track_indicators_carry_their_explanations(loaded):
    ev = evaluate_loaded(loaded, 2020)
    prov = Provenance("files", "2023", "x", "kaoping report evaluation")
    doc = evaluation_document(
        loaded.plan, ev, loaded.observations, "en", prov, supervision=FakeSupervision()
    )
    off = next(s for s in doc["sections"] if s["id"] == "off-track")
    rows = [dict(b["rows"]) for b in off["blocks"] if b["t"] == "kv"]
    assert rows[0]["Explanation"].startswith("The census revised the population base.")
    assert rows[0]["Corrective task"] == "Speed up"  # the title in words
    assert rows[0]["Task id"] == "t1" and isinstance(rows[0]["Task id"], Data)
    assert all(r["Explanation"] == "no explanation recorded" for r in rows[1:])
    assert all(r["Corrective task"] == "no corrective task recorded" for r in rows[1:])
    # without supervision records, every off-track indicator says so explicitly
    bare = evaluation_document(loaded.plan, ev, loaded.observations, "zh", prov)
    off = next(s for s in bare["sections"] if s["id"] == "off-track")
    rows = [dict(b["rows"]) for b in off["blocks"] if b["t"] == "kv"]
    assert rows and all(r["情况说明"] == "尚无情况说明" for r in rows)


def test_html_is_self_contained():
    doc = evaluation_from_files(None, None, 2020, "zh")
    text = render(doc, "html").decode("utf-8")
    assert "<style>" in text and "<svg" in text
    assert 'lang="zh-Hans"' in text
    assert "<link" not in text and "<script" not in text and " src=" not in text
    no_data = next(s for s in doc["sections"] if s["id"] == "no-data")
    [tbl] = [b for b in no_data["blocks"] if b["t"] == "table"]
    assert text.count('class="indicator"') == 67 - len(tbl["rows"])
    assert 'class="data no-data"' in text


def test_the_report_command(tmp_path, capsys, monkeypatch):
    from kaoping.cli import main

    out = tmp_path / "r.html"
    assert (
        main(
            [
                "report",
                "evaluation",
                "--year",
                "2015",
                "--lang",
                "zh",
                "--format",
                "html",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    text = out.read_text(encoding="utf-8")
    assert "规划实施评估报告" in text
    assert (
        "kaoping report evaluation zhengzhou-2009-2020 --year 2015 --lang zh --format html" in text
    )
    # the assessment report reads the default database, as `kaoping assess` does: here
    # an empty one in the data folder, which holds no plan yet
    monkeypatch.delenv("KAOPING_DATABASE_URL", raising=False)
    monkeypatch.setenv("KAOPING_DATA_DIR", str(tmp_path / "data"))
    capsys.readouterr()
    assert main(["report", "assessment", "--format", "html", "-o", str(out)]) == 1
    assert "the store holds no plan yet" in capsys.readouterr().err
    assert (tmp_path / "data" / "kaoping.db").is_file()


def test_the_report_command_on_the_store(tmp_path):
    from kaoping.cli import main
    from kaoping.store import Store

    url = f"sqlite:///{tmp_path / 'kaoping.db'}"
    with Store.open(url) as store:
        store.import_bundled("zhengzhou-2009-2020")
    ev_out, as_out = tmp_path / "e.xlsx", tmp_path / "a.html"
    assert main(["report", "evaluation", "--db", url, "--format", "xlsx", "-o", str(ev_out)]) == 0
    assert ev_out.read_bytes()[:2] == b"PK"
    assert (
        main(
            [
                "report",
                "assessment",
                "--db",
                url,
                "--year",
                "2020",
                "--format",
                "html",
                "-o",
                str(as_out),
            ]
        )
        == 0
    )
    text = as_out.read_text(encoding="utf-8")
    assert "Annual assessment report" in text
    assert "--db $KAOPING_DATABASE_URL" in text
