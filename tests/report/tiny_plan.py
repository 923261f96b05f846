"""A tiny plan with complete data, so that every group is scored, and known scores.

Three level targets, baseline 2020, data 2020–2025, evaluated as of 2025 with the ratio
method (attainment = latest value / target, at most 1; docs/methods.md):

| indicator | group | lens | base | 2025 | target | attainment |
|---|---|---|---|---|---|---|
| a | g1 | k1 | 0 | 47 | >= 100 | 0.47 |
| b | g1 | — | 10 | 18 | >= 24 | 0.75 |
| c | g2 | k1 | 0 | 9 | >= 10 | 0.9 |

Group scores (arithmetic mean × 100): g1 = (0.47 + 0.75) / 2 × 100 = 61.0, g2 = 90.0; the
overall score is the mean of the group scores, (61 + 90) / 2 = 75.5; the lens category
k1 = (0.47 + 0.9) / 2 × 100 = 68.5.

:func:`constructed` rewrites the evaluation's rows so that the display code can be tested on
statuses, reasons and years set by hand (achieved early, ahead, stale).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

PLAN = """\
id: tiny-scored
title: {zh: 计分测试规划, en: Scored test plan}
short_title: {zh: 计分测试, en: Scored test}
period: {start: 2021, end: 2030}
base_year: 2020
areas:
  - {key: city, name: {zh: 测试市, en: Test City}}
methods:
  attainment: ratio
  status: time_half
  aggregation: arithmetic
  min_coverage: 0.5
milestones:
  - {year: 2025, key: mid, name: {zh: 中期, en: Mid-term}, goal: {zh: 过半, en: Halfway}}
groups:
  - {key: g1, name: {zh: 第一组, en: Group one}}
  - {key: g2, name: {zh: 第二组, en: Group two}}
lenses:
  - key: lz
    name: {zh: 视角, en: Lens}
    categories:
      - {key: k1, name: {zh: 类别一, en: Category one}}
indicators:
  - key: a
    name: {zh: 指标甲, en: Indicator A}
    unit: "%"
    group: g1
    tags: [k1]
    targets: {2030: ">= 100"}
  - key: b
    name: {zh: 指标乙, en: Indicator B}
    unit: "%"
    group: g1
    targets: {2030: ">= 24"}
  - key: c
    name: {zh: 指标丙, en: Indicator C}
    unit: "%"
    group: g2
    tags: [k1]
    targets: {2030: ">= 10"}
"""

SERIES = {
    "a": [0, 9.4, 18.8, 28.2, 37.6, 47],
    "b": [10, 11.6, 13.2, 14.8, 16.4, 18],
    "c": [0, 1.8, 3.6, 5.4, 7.2, 9],
}
YEAR = 2025

#: the scores as shown everywhere (one decimal)
OVERALL = "75.5"
GROUPS = {"g1": "61.0", "g2": "90.0"}
LENS = {"k1": "68.5"}


def write_plan(folder: Path) -> tuple[Path, Path]:
    """The plan file and its observations CSV in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    plan = folder / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    data = folder / "observations.csv"
    lines = ["indicator,area,year,value,source"]
    for key, values in SERIES.items():
        for n, v in enumerate(values):
            lines.append(f"{key},city,{2020 + n},{v},test bulletin {2020 + n}")
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return plan, data


#: rows set by hand: (indicator) -> columns of the evaluation's indicator table
CONSTRUCTED = {
    "a": {
        "status": "achieved_early",
        "met": True,
        "reason": "",
        "year_reached": 2024.0,
        "projected_year": np.nan,
    },
    "b": {
        "status": "ahead",
        "met": False,
        "reason": "",
        "year_reached": np.nan,
        "projected_year": 2027.0,
    },
    "c": {
        "status": "stale",
        "met": False,
        "reason": "data_too_old",
        "latest_year": 2021.0,
        "latest_value": 1.8,
        "data_age": 4.0,
        "attainment": np.nan,
        "pace": np.nan,
        "pace_band": "",
        "year_reached": np.nan,
        "projected_year": np.nan,
    },
}


def constructed(ev, rows: dict[str, dict] = CONSTRUCTED):
    """The evaluation with the given columns of the given indicators' rows replaced."""
    from kaoping.engine.table import Table

    it = ev.indicator_table
    cols = {k: np.array(it[k], copy=True) for k in it.columns}
    order = list(it.columns)
    n = it.n_rows
    for key, values in rows.items():
        mask = cols["indicator"] == key
        for col, v in values.items():
            if col not in cols:
                cols[col] = np.full(n, np.nan)
                order.append(col)
            if cols[col].dtype.kind in "UO" and isinstance(v, str) and len(v) > 0:
                cols[col] = cols[col].astype(object)
            cols[col][mask] = v
    return dataclasses.replace(ev, indicator_table=Table(cols, order))


def patch_evaluation(monkeypatch, rows: dict[str, dict] = CONSTRUCTED) -> None:
    """Make every view (web, report, command line) evaluate to the constructed rows."""
    import kaoping.core

    original = kaoping.core.evaluate_loaded

    def evaluate_loaded(*args, **kwargs):
        return constructed(original(*args, **kwargs), rows)

    monkeypatch.setattr(kaoping.core, "evaluate_loaded", evaluate_loaded)
