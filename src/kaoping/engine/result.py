"""The evaluation: what the engine returns, as tables every view reads from."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from .options import Options
from .table import Table

if TYPE_CHECKING:
    import pandas as pd

# every status an indicator can have (docs/methods.md §7), in the order summaries list them
STATUSES = (
    "achieved",
    "achieved_early",
    "ahead",
    "on_track",
    "lagging",
    "regressing",
    "stale",
    "no_data",
    "monitoring",
)

# every reason the engine gives beside a status (docs/methods.md §7, §10 and §11)
REASONS = (
    "no_value",
    "no_baseline",
    "no_later_value",
    "no_reference_value",
    "no_value_for_reference",
    "target_year_passed",
    "baseline_met_target",
    "met_before_target_year",
    "within_deadband",
    "latest_year_failed",
    "some_years_failed",
    "data_too_old",
    "no_verdict",
    "series_break",
)

# the natures of a target (约束性 / 预期性), in the order summaries list them; '' is unstated
NATURES = ("binding", "anticipatory", "")


@dataclass
class Evaluation:
    """The state of a plan as of a year, in five tables (:class:`Table`, NumPy columns):

    - ``indicator_table``: one row per (indicator, area) with the numbers behind the status;
    - ``milestone_table``: per indicator, area and milestone year: expected, observed, met;
    - ``constraint_table``: per every-year constraint, area and year: measure, band, held;
    - ``score_table``: per level (group, lens, overall), key and area: score, coverage, counts;
    - ``step_table``: the plan's milestones (steps) with any recorded verdicts;
    - ``schedule_table``: per scheduled year (年度目标), area: the year's target, value, held.

    The properties ``indicators``, ``milestones``, ``constraints``, ``scores``, ``steps``
    and ``schedule`` give the same tables as pandas DataFrames.
    """

    plan_id: str
    plan_version: str
    as_of: int
    options: Options
    areas: list[str]
    indicator_table: Table
    milestone_table: Table
    constraint_table: Table
    score_table: Table
    step_table: Table
    schedule_table: Table = field(default_factory=lambda: Table({}))
    meta: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def indicators(self) -> pd.DataFrame:
        return self.indicator_table.to_pandas()

    @cached_property
    def milestones(self) -> pd.DataFrame:
        return self.milestone_table.to_pandas()

    @cached_property
    def constraints(self) -> pd.DataFrame:
        return self.constraint_table.to_pandas()

    @cached_property
    def scores(self) -> pd.DataFrame:
        return self.score_table.to_pandas()

    @cached_property
    def steps(self) -> pd.DataFrame:
        return self.step_table.to_pandas()

    @cached_property
    def schedule(self) -> pd.DataFrame:
        return self.schedule_table.to_pandas()

    def _area(self, area: str | None) -> str:
        return area or self.areas[0]

    def indicator(self, key: str, area: str | None = None) -> dict[str, Any]:
        """One indicator's row as a dict (the plan's default area unless named)."""
        t = self.indicator_table
        mask = (t["indicator"] == key) & (t["area"] == self._area(area))
        rows = t.where(mask).rows()
        if not rows:
            raise KeyError((key, area))
        return rows[0]

    def score(self, level: str, key: str, area: str | None = None) -> float:
        t = self.score_table
        mask = (t["level"] == level) & (t["key"] == key) & (t["area"] == self._area(area))
        if not mask.any():
            raise KeyError((level, key, area))
        return float(t["score"][mask][0])

    def status_counts(self, area: str | None = None) -> dict[str, int]:
        t = self.indicator_table
        st = t["status"][t["area"] == self._area(area)]
        return {k: int(np.sum(st == k)) for k in STATUSES}
