"""Small plans and observation tables for the engine's hand-computed tests."""

from __future__ import annotations

import textwrap

import pandas as pd

from kaoping.engine.evaluate import evaluate
from kaoping.engine.options import Options
from kaoping.plan import parse_plan

HEAD = """\
id: t
title: {{zh: 测试}}
period: {{start: {start}, end: {end}}}
base_year: {base}
areas:
  - {{key: city, name: {{zh: 市}}}}
  - {{key: east, name: {{zh: 东区}}, parent: city}}
  - {{key: west, name: {{zh: 西区}}, parent: city}}
methods:
  about_tolerance: "{tol}"
  baseline_window: {window}
milestones:
  - {{year: 2010, key: step1, name: {{zh: 一}}, goal: {{zh: 一}}}}
  - {{year: 2015, key: step2, name: {{zh: 二}}, goal: {{zh: 二}}}}
  - {{year: 2020, key: step3, name: {{zh: 三}}, goal: {{zh: 三}}}}
"""

GROUPS = """\
groups:
  - {key: g, name: {zh: 组}}
"""


def plan(
    indicators: str,
    *,
    groups: str = GROUPS,
    extra: str = "",
    start: int = 2009,
    end: int = 2020,
    base: int = 2008,
    tol: str = "5%",
    window: int = 1,
):
    """A plan with areas city/east/west, milestones 2010/2015/2020 and the given indicators."""
    text = (
        HEAD.format(start=start, end=end, base=base, tol=tol, window=window)
        + textwrap.dedent(groups)
        + textwrap.dedent(extra)
        + "indicators:\n"
        + textwrap.indent(textwrap.dedent(indicators), "  ")
    )
    return parse_plan(text)


def obs(rows: dict | list) -> pd.DataFrame:
    """Observations from ``{(indicator, year): value}`` (area city) or a list of 4-tuples."""
    if isinstance(rows, dict):
        rows = [(k[0], k[2] if len(k) == 3 else "city", k[1], v) for k, v in rows.items()]
    return pd.DataFrame(rows, columns=["indicator", "area", "year", "value"])


def series(key: str, values: dict[int, float], area: str = "city") -> list[tuple]:
    return [(key, area, y, v) for y, v in values.items()]


def run(p, rows, as_of: int, verdicts: pd.DataFrame | None = None, **opts):
    o = Options.from_plan(p, **opts)
    data = rows if isinstance(rows, pd.DataFrame) else obs(rows)
    return evaluate(p, data, as_of, options=o, verdicts=verdicts)


def row(ev, key: str, area: str = "city") -> dict:
    return ev.indicator(key, area)
