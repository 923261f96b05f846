"""The coded values kaoping translates, by kind (each kind is a msgctxt of the catalogs).

Each :class:`Table` lists its codes only; the words are in the ``.po`` catalogs. ``N_`` marks
every code so that ``pybabel extract`` keeps it in the catalogs although the code is only
known at run time. A table reads like the old bilingual dictionaries —
``STATUS["lagging"] == {"en": "lagging", "zh": "滞后"}``, ``"lagging" in STATUS`` — so that
code written against them keeps working.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from . import LANGS, N_, label


class Table(Mapping[str, dict[str, str]]):
    """The codes of one kind; ``table[code]`` is ``{lang: words}`` from the catalogs."""

    def __init__(self, kind: str, codes: tuple[str, ...]):
        self.kind = kind
        self.codes = codes

    def __getitem__(self, code: str) -> dict[str, str]:
        if code not in self.codes:
            raise KeyError(code)
        return {lang: label(self.kind, code, lang) for lang in LANGS}

    def __iter__(self) -> Iterator[str]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def text(self, code: str, lang: str, **kw: object) -> str:
        """The words of ``code`` in ``lang`` (the code itself when unknown)."""
        return label(self.kind, code, lang, **kw)


WORDS = Table(
    "words",
    (
        N_("words", "overall"),
        N_("words", "score"),
        N_("words", "coverage"),
        N_("words", "indicator"),
        N_("words", "base"),
        N_("words", "latest"),
        N_("words", "target"),
        N_("words", "attainment"),
        N_("words", "pace"),
        N_("words", "reached"),
        N_("words", "status"),
        N_("words", "as_of"),
        N_("words", "version"),
        N_("words", "method"),
        N_("words", "groups"),
        N_("words", "lenses"),
        N_("words", "steps"),
        N_("words", "milestones"),
        N_("words", "verdict"),
        N_("words", "not_yet_due"),
        N_("words", "no_verdict"),
        N_("words", "not_scored"),
        N_("words", "counts"),
        N_("words", "area"),
        N_("words", "met"),
        N_("words", "missed"),
        N_("words", "every_year"),
        N_("words", "projected"),
        N_("words", "with_data"),
        N_("words", "with_milestone"),
        N_("words", "year_reached"),
        N_("words", "score_meaning"),
        N_("words", "status_meaning"),
        N_("words", "score_vs_status"),
        N_("words", "legend"),
        N_("words", "stale_mark"),
        N_("words", "nature"),
        N_("words", "all_natures"),
        N_("words", "series_break"),
        N_("words", "schedule"),
        N_("words", "schedule_held"),
        N_("words", "bound_note"),
        N_("words", "nature_summary"),
        N_("words", "age_none"),
        N_("words", "age_current"),
        N_("words", "age_one"),
        N_("words", "age_years"),
    ),
)

REPORT = Table(
    "report",
    (
        N_("report", "evaluation_report"),
        N_("report", "assessment_report"),
        N_("report", "as_of"),
        N_("report", "area"),
        N_("report", "plan_version"),
        N_("report", "data_as_of"),
        N_("report", "data_source"),
        N_("report", "data_version"),
        N_("report", "period"),
        N_("report", "base_year"),
        N_("report", "summary"),
        N_("report", "scores"),
        N_("report", "lenses"),
        N_("report", "lens_scores"),
        N_("report", "steps"),
        N_("report", "milestones"),
        N_("report", "off_track"),
        N_("report", "no_data_indicators"),
        N_("report", "no_data_lead"),
        N_("report", "no_data_in_group"),
        N_("report", "method"),
        N_("report", "sources"),
        N_("report", "reproduce"),
        N_("report", "overall"),
        N_("report", "overall_score"),
        N_("report", "group"),
        N_("report", "category"),
        N_("report", "score"),
        N_("report", "score_means"),
        N_("report", "status_means"),
        N_("report", "meaning"),
        N_("report", "note"),
        N_("report", "statuses"),
        N_("report", "data_age"),
        N_("report", "year_reached"),
        N_("report", "max_data_age"),
        N_("report", "coverage"),
        N_("report", "scored"),
        N_("report", "with_data"),
        N_("report", "indicators"),
        N_("report", "indicator"),
        N_("report", "unit"),
        N_("report", "status"),
        N_("report", "count"),
        N_("report", "step"),
        N_("report", "year"),
        N_("report", "goal"),
        N_("report", "verdict"),
        N_("report", "evidence"),
        N_("report", "not_yet_due"),
        N_("report", "no_verdict"),
        N_("report", "met"),
        N_("report", "base"),
        N_("report", "latest"),
        N_("report", "target"),
        N_("report", "expected"),
        N_("report", "attainment"),
        N_("report", "pace"),
        N_("report", "projection"),
        N_("report", "reason"),
        N_("report", "latest_source"),
        N_("report", "explanation"),
        N_("report", "corrective"),
        N_("report", "department"),
        N_("report", "no_explanation"),
        N_("report", "no_task"),
        N_("report", "none_off_track"),
        N_("report", "attainment_method"),
        N_("report", "status_method"),
        N_("report", "thresholds"),
        N_("report", "aggregation"),
        N_("report", "min_coverage"),
        N_("report", "values"),
        N_("report", "years"),
        N_("report", "source"),
        N_("report", "key"),
        N_("report", "name"),
        N_("report", "level"),
        N_("report", "value"),
        N_("report", "item"),
        N_("report", "unit_col"),
        N_("report", "quantitative"),
        N_("report", "qualitative"),
        N_("report", "deductions"),
        N_("report", "adjustments"),
        N_("report", "total"),
        N_("report", "grade"),
        N_("report", "rank"),
        N_("report", "results"),
        N_("report", "rules"),
        N_("report", "kind"),
        N_("report", "page"),
    ),
)

STATUS = Table(
    "status",
    (
        N_("status", "achieved"),
        N_("status", "achieved_early"),
        N_("status", "ahead"),
        N_("status", "on_track"),
        N_("status", "lagging"),
        N_("status", "regressing"),
        N_("status", "stale"),
        N_("status", "no_data"),
        N_("status", "monitoring"),
    ),
)

STATUS_MEANING = Table(
    "status_meaning",
    (
        N_("status_meaning", "achieved"),
        N_("status_meaning", "achieved_early"),
        N_("status_meaning", "ahead"),
        N_("status_meaning", "on_track"),
        N_("status_meaning", "lagging"),
        N_("status_meaning", "regressing"),
        N_("status_meaning", "stale"),
        N_("status_meaning", "no_data"),
        N_("status_meaning", "monitoring"),
    ),
)

PACE_BAND = Table(
    "pace",
    (
        N_("pace", "ahead"),
        N_("pace", "on_track"),
        N_("pace", "moderate"),
        N_("pace", "insufficient"),
        N_("pace", "away"),
    ),
)

REASON = Table(
    "reason",
    (
        N_("reason", "no_value"),
        N_("reason", "no_baseline"),
        N_("reason", "no_later_value"),
        N_("reason", "target_year_passed"),
        N_("reason", "baseline_met_target"),
        N_("reason", "no_reference_value"),
        N_("reason", "no_value_for_reference"),
        N_("reason", "no_verdict"),
        N_("reason", "data_too_old"),
        N_("reason", "within_deadband"),
        N_("reason", "met_before_target_year"),
        N_("reason", "latest_year_failed"),
        N_("reason", "some_years_failed"),
        N_("reason", "series_break"),
    ),
)

TREND = Table(
    "trend",
    (
        N_("trend", "improving"),
        N_("trend", "worsening"),
        N_("trend", "stable"),
    ),
)

NATURE = Table(
    "nature",
    (
        N_("nature", "binding"),
        N_("nature", "anticipatory"),
    ),
)

CENSOR = Table(
    "censor",
    (
        N_("censor", ">"),
        N_("censor", "<"),
    ),
)

BREAK = Table(
    "break",
    (
        N_("break", "spliced"),
        N_("break", "restarted"),
    ),
)

METHOD_TEXT = Table(
    "method",
    (
        N_("method", "ratio"),
        N_("method", "distance"),
        N_("method", "time_half"),
    ),
)

CHART = Table(
    "chart",
    (
        N_("chart", "base"),
        N_("chart", "target"),
        N_("chart", "target_year"),
        N_("chart", "status"),
        N_("chart", "projection"),
        N_("chart", "series"),
        N_("chart", "chart_series"),
        N_("chart", "expected_path"),
        N_("chart", "milestone_targets"),
        N_("chart", "no_data_yet"),
        N_("chart", "not_scored"),
    ),
)

UNITS = Table(
    "unit",
    (
        N_("unit", "%"),
        N_("unit", "yuan"),
        N_("unit", "verdict"),
        N_("unit", "m2"),
        N_("unit", "count"),
        N_("unit", "100 million yuan"),
        N_("unit", "tonnes"),
        N_("unit", "per 10k people"),
        N_("unit", "years"),
        N_("unit", "person-times"),
        N_("unit", "permille"),
        N_("unit", "index"),
        N_("unit", "10k persons"),
        N_("unit", "µg/m3"),
        N_("unit", "volumes per 10k people"),
        N_("unit", "tce per 10k yuan"),
        N_("unit", "tce per 10000 yuan"),
        N_("unit", "ratio"),
        N_("unit", "projects/yr"),
        N_("unit", "m3 per 10k yuan"),
        N_("unit", "events/yr"),
        N_("unit", "beds per 1000"),
        N_("unit", "USD"),
        N_("unit", "10k mu"),
        N_("unit", "10k homes"),
        N_("unit", "100m mu"),
        N_("unit", "100m m3"),
        N_("unit", "100 million USD"),
        N_("unit", "10k yuan"),
        N_("unit", "yuan per person"),
        N_("unit", "people"),
        N_("unit", "persons"),
        N_("unit", "km"),
        N_("unit", "km2"),
        N_("unit", "hectares"),
        N_("unit", "days"),
        N_("unit", "kWh"),
        N_("unit", "10k tonnes"),
        N_("unit", "10k tce"),
        N_("unit", "10k people"),
        N_("unit", "billion yuan"),
        N_("unit", "years of schooling"),
        N_("unit", "per 1000 people"),
        N_("unit", "per 1000"),
        N_("unit", "mu"),
    ),
)

ROLES = Table(
    "role",
    (
        N_("role", "admin"),
        N_("role", "reporter"),
        N_("role", "reviewer"),
        N_("role", "viewer"),
    ),
)

#: the words of a target (:mod:`kaoping.i18n.targets`); ``op_>=`` … are format strings
TARGET = Table(
    "target",
    tuple(
        N_("target", k)
        for k in (
            "op_>=",
            "op_>",
            "op_<=",
            "op_<",
            "op_==",
            "about",
            "tolerance",
            "between",
            "points",
            "ref_value",
            "ref_growth",
            "ref_change",
            "ref_factor",
            "ref_plus",
            "ref_minus",
            "faster_>",
            "faster_>=",
            "faster_<",
            "faster_<=",
            "faster_>_every",
            "faster_>=_every",
            "faster_<_every",
            "faster_<=_every",
            "growth",
            "growth_every",
            "rise_least",
            "rise_more",
            "fall_least",
            "fall_more",
            "change",
            "every_year",
            "from",
            "since",
            "and",
            "year_entry",
            "list_sep",
            "qualitative",
        )
    ),
)
