"""Response schemas of the JSON API, for the OpenAPI document.

The responses are built from the scorecard (:mod:`kaoping.report.scorecard`) and the
page data (:mod:`kaoping.web.views`); these models describe them. A test validates real
responses against them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _M(BaseModel):
    model_config = ConfigDict(extra="allow")


class PlanRef(_M):
    id: str
    title: str
    short_title: str
    version: str
    period: list[int]
    base_year: int


class AreaRef(_M):
    key: str
    name: str


class Score(_M):
    score: float | None = Field(
        description="attainment of the targets on a scale of 0–100 (94.6 means 94.6 out of "
        "100); null when the data coverage is below the minimum"
    )
    coverage: float | None = Field(description="share (0–1) of the scored weight with data")
    n_scored: int
    n_with_data: int


class StatusCount(_M):
    status: str = Field(
        description="achieved, achieved_early, ahead, on_track, lagging, regressing, stale, "
        "no_data or monitoring"
    )
    label: str
    count: int


class YearValue(_M):
    year: int | None
    value: float | None
    censor: str | None = Field(
        default=None,
        description="the latest value only: '>' a lower bound (shown '> 25'), '<' an upper "
        "bound, '' exact",
    )


class Pace(_M):
    measure: str
    value: float | None
    band: str | None
    band_label: str | None
    progress_ratio: float | None
    observed_rate: float | None
    required_rate: float | None
    required_rate_now: float | None
    rate_ratio: float | None
    compound: bool


class Projection(_M):
    value: float | None
    met: bool
    year: int | None = Field(
        description="year the fitted trend is projected to meet the target: a projection, "
        "only for a target not met (null when met)"
    )


class Meanings(_M):
    score: str = Field(description="what a score measures: attainment of the targets (0–100)")
    status: str = Field(description="what a status measures: pace against the path")
    score_vs_status: str = Field(description="why score and status can disagree")


class LegendEntry(_M):
    status: str
    label: str
    symbol: str
    meaning: str


class IndicatorBrief(_M):
    key: str
    name: str
    unit: str
    nature: str | None = Field(
        default=None, description="binding (约束性), anticipatory (预期性), or null: not stated"
    )
    nature_label: str | None = None
    headline: bool
    kind: str
    target: str
    target_year: int | None
    target_text: str | None
    base: dict[str, Any]
    latest: YearValue
    data_age: float | None = Field(description="as-of year minus the latest value's year")
    data_age_text: str | None
    stale: bool = Field(description="true when the latest value is too old to judge pace")
    attainment: float | None = Field(description="share 0–1 (0.75 is 75%); null when stale")
    met: bool
    year_reached: int | None = Field(
        description="for a met target, the first observed year of the current run of years "
        "in which it is met; null when not met"
    )
    pace: Pace
    projection: Projection
    trend: str | None
    trend_label: str | None
    status: str
    status_label: str
    reason: str | None
    reason_label: str | None


class Page(_M):
    """What every page's data starts with."""

    plan: PlanRef
    as_of: int
    years: list[int]
    area: AreaRef
    areas: list[dict[str, Any]]
    lang: str
    approved_only: bool
    meanings: Meanings
    legend: list[LegendEntry]


class GroupScore(Score):
    key: str
    name: str


class OverviewGroup(GroupScore):
    status_counts: list[StatusCount]


class Category(Score):
    key: str
    name: str


class LensScores(_M):
    key: str
    name: str
    categories: list[Category]


class Step(_M):
    key: str
    year: int
    name: str
    goal: str
    due: bool
    verdict: str | None
    verdict_label: str | None
    evidence: str | None


class Coverage(_M):
    score_coverage: float | None
    indicators_scored: int
    indicators_with_data: int
    observations: int
    first_year: int | None
    last_year: int | None


class NatureSummary(_M):
    nature: str = Field(description="binding (约束性) or anticipatory (预期性)")
    label: str
    total: int = Field(description="indicators of this nature")
    off_track: int = Field(description="of them lagging or moving away")
    text: str = Field(description="e.g. 'binding targets: 3 of 8 lagging'")
    status_counts: dict[str, int]


class Overview(Page):
    overall: Score
    status_counts: list[StatusCount]
    natures: list[NatureSummary] | None = Field(
        default=None, description="per nature the plan states; null when it states none"
    )
    groups: list[OverviewGroup]
    lenses: list[LensScores]
    steps: list[Step]
    milestones: list[dict[str, Any]]
    coverage: Coverage
    method: dict[str, Any]


class GroupList(Page):
    groups: list[dict[str, Any]]


class GroupPage(Page):
    group: dict[str, Any]
    status_counts: list[StatusCount]
    indicators: list[IndicatorBrief]


class LensList(Page):
    lenses: list[LensScores]


class LensPage(Page):
    lens: dict[str, Any]
    category: Category
    chapter: int | None
    status_counts: list[StatusCount]
    indicators: list[IndicatorBrief]


class IndicatorList(Page):
    indicators: list[IndicatorBrief]


class Observation(_M):
    year: int
    value: float | None
    censor: str = Field(
        default="", description="'>' the value is a lower bound, '<' an upper bound, '' exact"
    )
    status: str
    flags: list[str]
    source: str
    note: str
    revision: Any = None
    approved: bool


class Numbers(_M):
    base_year: int | None
    base_value: float | None
    latest_year: int | None
    latest_value: float | None
    expected_value: float | None
    target_level: float | None
    progress_ratio: float | None
    observed_rate: float | None
    required_rate: float | None
    rate_ratio: float | None
    pace: float | None
    status: str
    thresholds: dict[str, Any] | None


class IndicatorPage(Page):
    indicator: dict[str, Any]
    series: list[Observation]
    expected_path: list[YearValue]
    milestones: list[dict[str, Any]]
    constraints: list[dict[str, Any]]
    target_band: dict[str, float | None] | None
    projection: dict[str, Any]
    numbers: Numbers
    history: list[dict[str, Any]] | None = Field(
        default=None, description="revision history (logged-in staff only)"
    )


class Scores(Page):
    overall: Score
    groups: list[GroupScore]
    lenses: list[LensScores]
    method: dict[str, Any]


class PlanInfo(_M):
    id: str
    version: str
    title: str
    period: list[int]
    base_year: int
    areas: list[dict[str, Any]]
    milestones: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    lenses: list[dict[str, Any]]
    indicators: int
    methods: dict[str, Any]


class ErrorBody(_M):
    error: str
    message: str
    problems: list[dict[str, Any]] | None = None


class Submission(BaseModel):
    indicator: str = Field(max_length=200)
    area: str | None = Field(default=None, max_length=200)
    year: int = Field(ge=1900, le=2200)
    value: (
        Annotated[float, Field(allow_inf_nan=False)]
        | Annotated[str, Field(min_length=1, max_length=200)]
    ) = Field(
        description="a number, or the text of a bound as a source gives it: '>25', '>=25', "
        "'超过25', '25以上' (at least), '<0.5', '0.5以下' (at most)",
    )
    censor: Literal["", ">", "<"] = Field(
        default="",
        description="'>' when the number is a lower bound (the value is over it), '<' an "
        "upper bound; the same as writing the sign in value",
    )
    previous_basis: float | None = Field(
        default=None,
        allow_inf_nan=False,
        description="at a value flagged 'break': the same year's value on the old basis",
    )
    status: str = Field(default="final", max_length=40)
    flags: list[str] = Field(default_factory=list, max_length=10)
    source: str = Field(default="", max_length=4000)
    note: str = Field(default="", max_length=4000)
    base_revision: int | None = Field(
        default=None,
        ge=0,
        le=2**53,
        description="the revision the value was edited from (optimistic lock)",
    )


class Reason(BaseModel):
    reason: str = Field(min_length=1, max_length=4000)


class Unlock(BaseModel):
    indicator: str = Field(max_length=200)
    area: str | None = Field(default=None, max_length=200)
    year: int = Field(ge=1900, le=2200)
    reason: str = Field(min_length=1, max_length=4000)


class NewUser(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str | None = Field(default=None, max_length=200)
    role: str = Field(max_length=40)
    department: str | None = Field(default=None, max_length=100)


class TokenRequest(BaseModel):
    username: str | None = Field(default=None, max_length=100)
    password: str | None = Field(default=None, max_length=200)
    name: str = Field(default="script", max_length=100)
    days: int | None = Field(
        default=None,
        ge=1,
        le=36500,
        description="days until the token expires (default KAOPING_TOKEN_DAYS, at most "
        "KAOPING_TOKEN_MAX_DAYS; more is refused with 400)",
    )


class NewToken(_M):
    token: str = Field(description="the token, shown once: send it as Authorization: Bearer")
    id: int
    username: str
    name: str
    created_at: str
    expires_at: str = Field(description="when the token stops working (UTC)")


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=200)
    new_password: str = Field(max_length=200)


class Result(_M):
    ok: bool = True


class ImportJob(_M):
    """An import in the background (imports engineer: docs/api.md, "Import jobs")."""

    id: str = Field(description="the job's id: poll GET /api/v1/imports/{id}")
    plan_id: str
    filename: str
    size: int
    dry_run: bool
    state: str = Field(description="queued, running, done or failed")
    stage: str = Field(description="reading, checking, writing, done or failed")
    progress: float = Field(description="0 to 1")
    report: dict[str, Any] | None = Field(
        default=None, description="the import report once done (errors, warnings, changes)"
    )
    error: str | None = Field(default=None, description="why a failed job failed")
    kept: bool = Field(description="the upload is kept on the server (a dry run to confirm)")
    expires_at: str


class ImportConfirm(BaseModel):
    comments: dict[str, str] = Field(
        default_factory=dict, description="comments on warnings, by row number"
    )
    approve: bool = False
