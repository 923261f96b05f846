"""The evaluation: what the engine returns, as tables every view reads from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .options import Options

STATUSES = ("achieved", "on_track", "lagging", "regressing", "no_data", "monitoring")


@dataclass
class Evaluation:
    """The state of a plan as of a year.

    - ``indicators``: one row per (indicator, area) with the numbers behind the status;
    - ``milestones``: per indicator, area and milestone year: expected, observed, met;
    - ``constraints``: per every-year constraint, area and year: the measure and whether it held;
    - ``scores``: per level (group, lens, overall), key and area: score, coverage, counts;
    - ``steps``: the plan's milestones (steps) with any recorded verdicts.
    """

    plan_id: str
    plan_version: str
    as_of: int
    options: Options
    areas: list[str]
    indicators: pd.DataFrame
    milestones: pd.DataFrame
    constraints: pd.DataFrame
    scores: pd.DataFrame
    steps: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    def indicator(self, key: str, area: str | None = None) -> dict[str, Any]:
        """One indicator's row as a dict (the plan's default area unless named)."""
        df = self.indicators
        area = area or self.areas[0]
        row = df[(df["indicator"] == key) & (df["area"] == area)]
        if row.empty:
            raise KeyError((key, area))
        return row.iloc[0].to_dict()

    def score(self, level: str, key: str, area: str | None = None) -> float:
        df = self.scores
        area = area or self.areas[0]
        row = df[(df["level"] == level) & (df["key"] == key) & (df["area"] == area)]
        if row.empty:
            raise KeyError((level, key, area))
        return float(row.iloc[0]["score"])

    def status_counts(self, area: str | None = None) -> dict[str, int]:
        area = area or self.areas[0]
        s = self.indicators.loc[self.indicators["area"] == area, "status"].value_counts()
        return {k: int(s.get(k, 0)) for k in STATUSES}
