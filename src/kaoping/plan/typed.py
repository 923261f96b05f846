"""The plan file as typed models (pydantic); their JSON Schema is what ``kaoping schema``
prints. Import them from :mod:`kaoping.plan.model`, which imports this module on first use.

What they derive from their fields (``Text.get``, a target's ``expression``, an indicator's
``quantitative`` targets, ``Plan.indicator`` …) is defined once in :mod:`.light`, shared with
the read-only views of stored plans.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .expr import ExprError, Target, Tolerance, parse_target
from .light import IndicatorMixin, PlanMixin, TargetMixin, TextMixin, ToleranceMixin
from .light import parse_tolerance as _parse_tolerance

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_\-]*$", max_length=64)]
Year = Annotated[int, Field(ge=1900, le=2200)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Text(_Model, TextMixin):
    """Bilingual text. Chinese is required, English is shown where Chinese is not wanted."""

    zh: str = Field(min_length=1)
    en: str | None = None


def parse_tolerance(text: str) -> Tolerance:
    """``"2"`` is an absolute tolerance, ``"5%"`` one relative to the target; anything else is
    a validation error ``bad_tolerance``."""
    try:
        return _parse_tolerance(text)
    except ValueError as e:
        # the message is formatted there: pydantic templates know no format specs
        raise PydanticCustomError("bad_tolerance", str(e)) from None


def _tolerance_text(v: Any) -> Any:
    """Accept a bare number (``tolerance: 2``) as the text ``"2"``."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return f"{v:g}" if isinstance(v, float) else str(v)
    return v


def _number_or_text(schema: dict[str, Any], *names: str) -> None:
    """In the JSON Schema, let a tolerance be a bare number as well as text."""
    for name in names:
        prop = schema["properties"][name]
        options = prop.get("anyOf", [{"type": prop.pop("type", "string")}])
        prop["anyOf"] = [*options[:1], {"type": "number"}, *options[1:]]


def _indicator_schema(schema: dict[str, Any]) -> None:
    """In the JSON Schema, allow the short form of targets and of the schedule: a mapping from
    year to target."""
    for name in ("targets", "schedule"):
        prop = schema["properties"][name]
        listed = {k: v for k, v in prop.items() if k in ("type", "items")}
        short = {
            "type": "object",
            "description": "short form: {YEAR: 'expression'} or {YEAR: {field: ...}}",
            "propertyNames": {"pattern": "^[0-9]{4}$"},
            "additionalProperties": {"anyOf": [{"type": "string"}, {"type": "object"}]},
        }
        for k in listed:
            del prop[k]
        prop["anyOf"] = [listed, short]


class Period(_Model):
    start: Year
    end: Year


class Area(_Model):
    key: Key
    name: Text
    parent: Key | None = None


class Milestone(_Model):
    """A step of the plan: a year and a qualitative goal judged by a verdict."""

    year: Year
    key: Key
    name: Text
    goal: Text
    article: int | None = None


class Group(_Model):
    key: Key
    name: Text
    weight: float = Field(default=1.0, ge=0)
    description: Text | None = None


class LensCategory(_Model):
    key: Key
    name: Text
    chapter: int | None = None


class Lens(_Model):
    """Another classification of the indicators and articles, scored like the groups."""

    key: Key
    name: Text
    categories: list[LensCategory] = Field(min_length=1)


class Chapter(_Model):
    number: int = Field(ge=1)
    title: Text


class Article(_Model):
    number: int = Field(ge=1)
    chapter: int | None = None
    title: Text
    text: Text | None = None
    tags: list[Key] = Field(default_factory=list)


class Department(_Model):
    key: Key
    name: Text


class Bounds(_Model):
    """The range a valid observation must lie in (a share 0–100, a count ≥ 0)."""

    min: float | None = None
    max: float | None = None


class Goalposts(_Model):
    """Fixed bounds for the ``goalposts`` attainment method: worst maps to 0, best to 1."""

    worst: float
    best: float | None = None


class Baseline(_Model):
    year: Year
    value: float
    source: str | None = None


class _WithTolerance(_Model, ToleranceMixin):
    """A spec with a ``tolerance``: a number or a percentage, also given as a bare number."""

    @field_validator("tolerance", mode="before", check_fields=False)
    @classmethod
    def _tol_number(cls, v: Any) -> Any:
        return _tolerance_text(v)

    @field_validator("tolerance", check_fields=False)
    @classmethod
    def _tol(cls, v: str | None) -> str | None:
        if v is not None:
            parse_tolerance(v)
        return v


class TargetSpec(_WithTolerance, TargetMixin):
    """One target of an indicator: a year and an expression, an all-of list of expressions,
    or a qualitative goal."""

    model_config = ConfigDict(json_schema_extra=lambda s: _number_or_text(s, "tolerance"))

    year: Year
    expr: str | None = Field(default=None, description="target expression, e.g. '>= 100000'")
    all: list[str] | None = Field(
        default=None,
        min_length=1,
        description="all-of target: expressions on this indicator that must all be met, "
        "e.g. ['growth >= 7% vs 2015', '>= 2.5']",
    )
    qualitative: Text | None = None
    tolerance: str | None = Field(default=None, description="'2' absolute or '5%' relative")
    start: Year | None = Field(default=None, description="first year of an every-year constraint")
    early: bool | None = Field(
        default=None,
        description="whether the target can be achieved before its year (提前实现); by default "
        "a level target can, an average-growth, change, relative or every-year target cannot",
    )
    text: Text | None = Field(default=None, description="the plan's own words for this target")
    _parsed: Target | None = PrivateAttr(default=None)
    _conditions: tuple[Target, ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _parse(self) -> TargetSpec:
        if self.expr is not None and self.all is not None:
            raise PydanticCustomError(
                "all_and_expr",
                "a target has either 'expr' (one condition) or 'all' (a list of conditions), "
                "not both: move the expression into the 'all' list",
            )
        given = sum(x is not None for x in (self.expr, self.all, self.qualitative))
        if given != 1:
            raise PydanticCustomError(
                "target_form", "a target has either 'expr', 'all' or 'qualitative', exactly one"
            )
        if self.expr is not None:
            self._parsed = _parse_expr(self.expr)
            self._conditions = (self._parsed,)
        if self.all is not None:
            conditions = []
            for j, text in enumerate(self.all):
                t = _parse_expr(text, j)
                if t.every_year:
                    raise PydanticCustomError(
                        "bad_all",
                        f"the condition {text!r} is an every-year constraint; the conditions "
                        "of 'all' are checked in the target's year: give the constraint as a "
                        "target of its own",
                        {"index": j},
                    )
                conditions.append(t)
            self._conditions = tuple(conditions)
            self._parsed = conditions[0]
        return self

    @property
    def parsed(self) -> Target | None:
        """The parsed expression (None for a qualitative target); the first condition of an
        all-of target."""
        return self._parsed

    @property
    def conditions(self) -> tuple[Target, ...]:
        """Every condition: one for an expression, each of ``all`` for an all-of target."""
        return self._conditions


def _parse_expr(text: str, index: int | None = None) -> Target:
    try:
        return parse_target(text)
    except ExprError as e:
        # formatted here: pydantic templates know no format specs such as !r
        what = "target" if index is None else "condition"
        raise PydanticCustomError(
            "bad_expression",
            f"the {what} {text!r} does not parse: {e}",
            None if index is None else {"index": index},
        ) from None


class ScheduleSpec(_WithTolerance):
    """One year of an indicator's schedule (年度目标): the year and its target expression."""

    model_config = ConfigDict(json_schema_extra=lambda s: _number_or_text(s, "tolerance"))

    year: Year
    expr: str = Field(description="the year's target expression, e.g. '>= 6'")
    tolerance: str | None = Field(default=None, description="'2' absolute or '5%' relative")
    text: Text | None = Field(default=None, description="the plan's own words for this year")
    _parsed: Target | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _parse(self) -> ScheduleSpec:
        self._parsed = _parse_expr(self.expr)
        return self

    @property
    def parsed(self) -> Target:
        assert self._parsed is not None
        return self._parsed


def _year_mapping(v: Any) -> Any:
    """The short form {2020: ">= 100000", 2015: {...}} as a list of specs with their year."""
    if isinstance(v, dict):
        out = []
        for year, spec in v.items():
            if isinstance(spec, dict):
                out.append({"year": year, **spec})
            else:
                out.append({"year": year, "expr": spec})
        return out
    return v


def _indicator_extra(schema: dict[str, Any]) -> None:
    _indicator_schema(schema)
    _number_or_text(schema, "deadband")


class Indicator(_Model, IndicatorMixin):
    model_config = ConfigDict(json_schema_extra=_indicator_extra)

    key: Key
    name: Text
    unit: str = Field(min_length=1)
    definition: Text | None = None
    group: Key
    tags: list[Key] = Field(default_factory=list)
    articles: list[int] = Field(default_factory=list)
    department: Key | None = None
    headline: bool = False
    direction: Literal["up", "down"] | None = None
    path: Literal["linear", "geometric"] = "linear"
    weight: float = Field(default=1.0, ge=0)
    scored: bool = True
    baseline: Baseline | None = None
    bounds: Bounds | None = None
    goalposts: Goalposts | None = None
    deadband: str | None = Field(
        default=None,
        description="noise band around the expected path: '0.2' absolute or '1%' relative; "
        "overrides methods.deadband",
    )
    nature: Literal["binding", "anticipatory"] | None = Field(
        default=None, description="binding (约束性) or anticipatory (预期性) target"
    )
    observed: Literal["level", "growth", "decline"] = Field(
        default="level",
        description="what each observation is: the level, or the year's growth or decline "
        "rate in percent over the year before (chained into an index for growth and change)",
    )
    rebase: Literal["ratio", "shift"] = Field(
        default="ratio",
        description="how values before a series break are spliced onto the new basis",
    )
    schedule: list[ScheduleSpec] = Field(
        default_factory=list, description="year-by-year targets (年度目标), checked year by year"
    )
    targets: list[TargetSpec] = Field(default_factory=list)
    notes: Text | None = None

    @field_validator("deadband", mode="before")
    @classmethod
    def _deadband_number(cls, v: Any) -> Any:
        return _tolerance_text(v)

    @field_validator("deadband")
    @classmethod
    def _deadband(cls, v: str | None) -> str | None:
        if v is not None:
            parse_tolerance(v)
        return v

    @field_validator("targets", "schedule", mode="before")
    @classmethod
    def _targets_mapping(cls, v: Any) -> Any:
        # short form: {2020: ">= 100000", 2015: {qualitative: {...}}}
        return _year_mapping(v)


class StatusThresholds(_Model):
    """Overrides of the named threshold set's pace thresholds (see docs/methods.md §7)."""

    ahead: float | None = Field(default=None, description="pace at or above: ahead (快于预期)")
    on_track: float | None = Field(
        default=None, description="pace at or above: on track (基本符合预期)"
    )
    moderate: float | None = Field(default=None, description="pace at or above: lagging, moderate")
    floor: float | None = Field(
        default=None, description="pace below: regressing (moving away from the target)"
    )

    @model_validator(mode="after")
    def _order(self) -> StatusThresholds:
        given = [v for v in (self.floor, self.moderate, self.on_track, self.ahead) if v is not None]
        if given != sorted(given):
            raise PydanticCustomError(
                "bad_thresholds",
                "the thresholds must not decrease: floor <= moderate <= on_track <= ahead",
            )
        return self


class Methods(_Model):
    """The plan's default methods; each can be overridden when evaluating."""

    model_config = ConfigDict(
        json_schema_extra=lambda s: _number_or_text(s, "about_tolerance", "deadband")
    )

    attainment: Literal["ratio", "distance", "goalposts"] = "ratio"
    status: Literal["time_half", "sdr", "eurostat"] = "time_half"
    thresholds: StatusThresholds = Field(default_factory=StatusThresholds)
    aggregation: Literal["arithmetic", "geometric"] = "arithmetic"
    min_coverage: float = Field(default=0.5, ge=0, le=1)
    about_tolerance: str = "5%"
    baseline_window: int = Field(default=1, ge=0, le=20)
    max_data_age: int = Field(
        default=2,
        ge=0,
        le=100,
        description="a latest value more than this many years before the as-of year is stale",
    )
    deadband: str = Field(
        default="1%",
        description="noise band around the expected path within which an indicator is on track: "
        "'1%' of the expected value, or an absolute '0.2'",
    )

    @field_validator("about_tolerance", "deadband", mode="before")
    @classmethod
    def _tol_number(cls, v: Any) -> Any:
        return _tolerance_text(v)

    @field_validator("about_tolerance", "deadband")
    @classmethod
    def _tol(cls, v: str) -> str:
        parse_tolerance(v)
        return v


# -- the annual assessment (考评) ------------------------------------------------------------


class AssessmentWeights(_Model):
    """How the two parts of a unit's score are combined; they must sum to 1."""

    quantitative: float = Field(default=0.7, ge=0, le=1)
    qualitative: float = Field(default=0.3, ge=0, le=1)


class QuantitativeRule(_Model):
    """How an indicator is scored against its expected path in the assessment year."""

    achieved: float = Field(default=100, ge=0, le=100)
    regressing: float = Field(default=0, ge=0, le=100)
    on_track_no_ratio: float = Field(default=100, ge=0, le=100)
    lagging_no_ratio: float = Field(default=50, ge=0, le=100)
    no_data: Literal["exclude", "zero"] = "exclude"
    weights: Literal["plan", "equal"] = "plan"


class RatingScale(_Model):
    """The scale reviewers rate task progress on; min maps to 0 and max to 100."""

    min: float = 1
    max: float = 5


class QualitativeRule(_Model):
    """How reviewers' ratings of a unit's tasks become its qualitative score."""

    scale: RatingScale = Field(default_factory=RatingScale)
    ratings: Literal["latest", "mean"] = "latest"


class Deduction(_Model):
    """Points taken off per event, up to a cap for the year."""

    points: float = Field(ge=0, le=100)
    cap: float | None = Field(default=None, ge=0, le=100)


class Deductions(_Model):
    """Deductions for the year's reporting events; ``cap`` limits their sum."""

    late_report: Deduction = Field(default_factory=lambda: Deduction(points=1, cap=5))
    missing_report: Deduction = Field(default_factory=lambda: Deduction(points=3, cap=15))
    returned_data: Deduction = Field(default_factory=lambda: Deduction(points=0.5, cap=5))
    cap: float | None = Field(default=20, ge=0, le=100)


class GradeBand(_Model):
    """A grade: a total at or above ``min`` (and below the next band's) gets it."""

    key: Key
    name: Text
    min: float = Field(ge=0, le=100)


def _default_grades() -> list[GradeBand]:
    return [
        GradeBand(key="excellent", name=Text(zh="优秀", en="Excellent"), min=90),
        GradeBand(key="good", name=Text(zh="良好", en="Good"), min=80),
        GradeBand(key="pass", name=Text(zh="合格", en="Pass"), min=60),
        GradeBand(key="fail", name=Text(zh="不合格", en="Fail"), min=0),
    ]


class Assessment(_Model):
    """The rules of the annual assessment of departments and districts (考评)."""

    units: Literal["departments", "districts", "both"] = "departments"
    departments: list[Key] | None = None
    districts: list[Key] | None = None
    weights: AssessmentWeights = Field(default_factory=AssessmentWeights)
    missing_part: Literal["reweight", "zero"] = "reweight"
    min_coverage: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="the least share of a unit's scored indicators (weighted as the "
        "quantitative part) with current data for the unit to get a total, a grade and a rank",
    )
    quantitative: QuantitativeRule = Field(default_factory=QuantitativeRule)
    qualitative: QualitativeRule = Field(default_factory=QualitativeRule)
    deductions: Deductions = Field(default_factory=lambda: Deductions())
    max_adjustment: float | None = Field(default=10, ge=0, le=100)
    grades: list[GradeBand] = Field(default_factory=_default_grades, min_length=1)
    decimals: int = Field(default=1, ge=0, le=4)


class Plan(_Model, PlanMixin):
    """A development plan: its targets, classifications and methods."""

    id: Key
    title: Text
    short_title: Text | None = None
    issuer: Text | None = None
    source: Text | None = None
    period: Period
    base_year: Year
    areas: list[Area] = Field(min_length=1)
    methods: Methods = Field(default_factory=Methods)
    milestones: list[Milestone] = Field(default_factory=list)
    groups: list[Group] = Field(min_length=1)
    lenses: list[Lens] = Field(default_factory=list)
    chapters: list[Chapter] = Field(default_factory=list)
    articles: list[Article] = Field(default_factory=list)
    departments: list[Department] = Field(default_factory=list)
    indicators: list[Indicator] = Field(min_length=1)
    assessment: Assessment | None = None
    _version: str = PrivateAttr(default="")
    _path: str = PrivateAttr(default="")
