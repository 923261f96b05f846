"""The assessment rules: the plan file's section, its checks and docs, and each small rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from kaoping.assess import rules as R
from kaoping.errors import PlanError
from kaoping.plan import parse_plan
from kaoping.plan.bundled import PLANS_DIR
from kaoping.plan.loader import load_plan
from kaoping.plan.model import (
    Assessment,
    AssessmentWeights,
    Deduction,
    Deductions,
    GradeBand,
    QualitativeRule,
    QuantitativeRule,
    RatingScale,
    Text,
)

from ..plan.test_docs import _field_tables
from ..plan.test_loader import MINIMAL

ZZ = PLANS_DIR / "zhengzhou-2009-2020" / "plan.yaml"


def _with(section: str) -> str:
    return MINIMAL.read_text(encoding="utf-8") + "\nassessment:\n" + section


# -- the plan file -----------------------------------------------------------------------


def test_a_plan_without_assessment_gets_the_defaults() -> None:
    plan = load_plan(MINIMAL)
    assert plan.assessment is None
    rules = R.rules_of(plan)
    assert rules == Assessment()
    assert (rules.weights.quantitative, rules.weights.qualitative) == (0.7, 0.3)
    assert [(g.name.zh, g.min) for g in rules.grades] == [
        ("优秀", 90),
        ("良好", 80),
        ("合格", 60),
        ("不合格", 0),
    ]


def test_assessment_section_is_read() -> None:
    plan = parse_plan(
        _with(
            "  units: both\n"
            "  weights: {quantitative: 0.6, qualitative: 0.4}\n"
            "  qualitative: {scale: {min: 0, max: 10}}\n"
            "  deductions: {late_report: {points: 2}}\n"
            "  decimals: 2\n"
        )
    )
    a = plan.assessment
    assert a is not None and a.units == "both" and a.decimals == 2
    assert a.weights.qualitative == 0.4 and a.qualitative.scale.max == 10
    assert a.deductions.late_report == Deduction(points=2, cap=None)
    assert a.deductions.missing_report.points == 3  # the other kinds keep their defaults


@pytest.mark.parametrize(
    ("section", "code", "field"),
    [
        ("  weights: {quantitative: 0.5}\n", "assessment-weights", "assessment.weights"),
        ("  qualitative: {scale: {min: 3, max: 3}}\n", "bad-scale", "assessment.qualitative.scale"),
        (
            "  grades:\n    - {key: a, name: {zh: 甲}, min: 50}\n"
            "    - {key: b, name: {zh: 乙}, min: 50}\n"
            "    - {key: c, name: {zh: 丙}, min: 0}\n",
            "grade-order",
            "assessment.grades[1].min",
        ),
        (
            "  grades:\n    - {key: a, name: {zh: 甲}, min: 1}\n",
            "grade-coverage",
            "assessment.grades[0].min",
        ),
        ("  departments: [nobody]\n", "unknown-department", "assessment.departments[0]"),
        ("  units: both\n  districts: [nowhere]\n", "unknown-area", "assessment.districts[0]"),
        ("  units: everything\n", "bad-choice", "assessment.units"),
        (
            "  deductions: {late_report: {points: -1}}\n",
            "out-of-range",
            "assessment.deductions.late_report.points",
        ),
        ("  decimals: 7\n", "out-of-range", "assessment.decimals"),
        ("  grades: []\n", "empty-list", "assessment.grades"),
    ],
)
def test_problems_of_the_section(section: str, code: str, field: str) -> None:
    with pytest.raises(PlanError) as err:
        parse_plan(_with(section), "p.yaml")
    assert [(p.code, p.field) for p in err.value.problems] == [(code, field)]


def test_districts_are_known_in_the_minimal_plan() -> None:
    plan = parse_plan(_with("  units: districts\n"))
    assert plan.assessment is not None and plan.assessment.units == "districts"


def test_the_bundled_plan_implements_article_50() -> None:
    plan = load_plan(ZZ)
    a = plan.assessment
    assert a is not None
    assert a.weights.quantitative + a.weights.qualitative == pytest.approx(1)
    assert [g.name.zh for g in a.grades] == ["优秀", "良好", "合格", "不合格"]
    assert all(g.name.en for g in a.grades)
    assert a.grades[-1].min == 0
    text = ZZ.read_text(encoding="utf-8")
    assert "考评与奖惩相结合" in text and "定性考评与定量考评相结合" in text


def test_json_schema_has_the_section() -> None:
    from kaoping.plan import Plan

    schema = Plan.model_json_schema()
    assert "assessment" in schema["properties"]
    assert schema["$defs"]["Assessment"]["additionalProperties"] is False


MODELS: list[type[BaseModel]] = [
    Assessment,
    AssessmentWeights,
    QuantitativeRule,
    QualitativeRule,
    RatingScale,
    Deductions,
    Deduction,
    GradeBand,
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_is_documented(model: type[BaseModel]) -> None:
    fields = set(model.model_fields)
    tables = [t for t in _field_tables() if set(t) == fields]
    assert tables, f"docs/plan-file.md has no table of exactly {sorted(fields)}"
    for name, info in model.model_fields.items():
        cell = tables[0][name][2]
        assert (cell == "required") == info.is_required(), (model.__name__, name)


def test_assessment_doc_exists_and_states_every_rule() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "assessment.md").read_text("utf-8")
    for word in (
        "progress_ratio",
        "regressing",
        "no_data",
        "late_report",
        "missing_report",
        "returned_data",
        "max_adjustment",
        "competition",
        "Worked example",
        "min_coverage",
        "insufficient data",
        "数据不足",
        "stale",
        "achieved_early",
        "ahead",
    ):
        assert word in doc, word


# -- the small rules -----------------------------------------------------------------------

Q = QuantitativeRule()


@pytest.mark.parametrize(
    ("status", "ratio", "expected"),
    [
        ("achieved", 0.3, (100.0, "achieved")),
        ("regressing", -0.5, (0.0, "regressing")),
        ("on_track", 1.24, (100.0, "progress_ratio")),
        ("lagging", 0.8, (80.0, "progress_ratio")),
        ("lagging", -0.1, (0.0, "progress_ratio")),
        ("on_track", None, (100.0, "on_track_no_ratio")),
        ("lagging", float("nan"), (50.0, "lagging_no_ratio")),
        ("no_data", None, (None, "no_data_excluded")),
        ("monitoring", None, (None, "not_scored")),
    ],
)
def test_indicator_score(status: str, ratio: float | None, expected: tuple) -> None:
    assert R.indicator_score(status, ratio, Q) == expected


def test_indicator_score_with_other_rules() -> None:
    q = QuantitativeRule(achieved=95, regressing=10, no_data="zero", lagging_no_ratio=40)
    assert R.indicator_score("achieved", None, q) == (95, "achieved")
    assert R.indicator_score("regressing", None, q) == (10, "regressing")
    assert R.indicator_score("no_data", None, q) == (0.0, "no_data_zero")
    assert R.indicator_score("lagging", None, q) == (40, "lagging_no_ratio")


def test_indicator_score_sets_the_ratio_aside_when_the_status_does() -> None:
    # on track within the dead-band with a noisy ratio of −0.4: the on-track score, not 0
    assert R.indicator_score("on_track", -0.4, Q, "within_deadband") == (
        Q.on_track_no_ratio,
        "on_track_no_ratio",
    )
    # lagging by the dead-band (not regressing): the lagging score
    assert R.indicator_score("lagging", -0.2, Q, "within_deadband") == (
        Q.lagging_no_ratio,
        "lagging_no_ratio",
    )
    # a growth target met before its year, ratio 0.917: on track, scored as such
    assert R.indicator_score("on_track", 0.917, Q, "met_before_target_year") == (
        Q.on_track_no_ratio,
        "on_track_no_ratio",
    )
    # any other reason: the ratio
    assert R.indicator_score("on_track", 0.98, Q, "") == (98.0, "progress_ratio")


def test_weighted_mean() -> None:
    assert R.weighted_mean([(100, 2), (40, 1)]) == pytest.approx(80)
    assert R.weighted_mean([]) is None
    assert R.weighted_mean([(50, 0)]) is None


@pytest.mark.parametrize(
    ("rating", "scale", "score"),
    [
        (1, (1, 5), 0),
        (5, (1, 5), 100),
        (4, (1, 5), 75),
        (3.5, (1, 5), 62.5),
        (7, (0, 10), 70),
        (9, (1, 5), 100),
        (0, (1, 5), 0),
    ],
)
def test_rating_scale_maps_linearly(rating: float, scale: tuple, score: float) -> None:
    assert R.rating_score(rating, RatingScale(min=scale[0], max=scale[1])) == pytest.approx(score)


def test_each_deduction_and_its_cap() -> None:
    d = Deductions()  # late 1 (cap 5), missing 3 (cap 15), returned 0.5 (cap 5), all 20
    assert R.deduction_amount("late_report", 3, d) == 3
    assert R.deduction_amount("late_report", 7, d) == 5
    assert R.deduction_amount("missing_report", 4, d) == 12
    assert R.deduction_amount("missing_report", 6, d) == 15
    assert R.deduction_amount("returned_data", 3, d) == 1.5
    assert R.deduction_amount("returned_data", 11, d) == 5
    assert R.total_deduction([5, 15, 5], d) == 20
    assert R.total_deduction([5, 3], d) == 8
    uncapped = Deductions(late_report=Deduction(points=2), cap=None)
    assert R.deduction_amount("late_report", 30, uncapped) == 60
    assert R.total_deduction([60, 15], uncapped) == 75


def test_combine_weights_and_missing_parts() -> None:
    a = Assessment()
    assert R.combine(80, 60, a) == (pytest.approx(74), 0.7, 0.3)
    assert R.combine(80, None, a) == (80, 1.0, 0.0)
    assert R.combine(None, 60, a) == (60, 0.0, 1.0)
    assert R.combine(None, None, a) == (None, 0.0, 0.0)
    z = Assessment(missing_part="zero")
    assert R.combine(80, None, z) == (pytest.approx(56), 0.7, 0.3)


def test_adjustment_limit() -> None:
    assert R.clip_adjustment(12, 10) == 10
    assert R.clip_adjustment(-15, 10) == -10
    assert R.clip_adjustment(3, 10) == 3
    assert R.clip_adjustment(30, None) == 30


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (100, "excellent"),
        (90, "excellent"),
        (89.9, "good"),
        (80, "good"),
        (79.9, "pass"),
        (60, "pass"),
        (59.9, "fail"),
        (0, "fail"),
    ],
)
def test_grade_bands_at_their_boundaries(total: float, grade: str) -> None:
    band = R.grade_of(total, Assessment().grades)
    assert band is not None and band.key == grade


def test_grade_of_a_total_below_every_band() -> None:
    bands = [GradeBand(key="a", name=Text(zh="甲"), min=50)]
    assert R.grade_of(10, bands) is None


def test_competition_ranking() -> None:
    assert R.competition_ranks([90, 85, 90, 70, None, 85]) == [1, 3, 1, 5, None, 3]
    assert R.competition_ranks([]) == []


def test_rounding_is_half_up() -> None:
    assert R.round_half_up(84.25, 1) == 84.3
    assert R.round_half_up(84.35, 1) == 84.4
    assert R.round_half_up(2.5, 0) == 3
    assert R.round_half_up(77.77777, 2) == 77.78
