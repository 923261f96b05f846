"""Data coverage: how many of a plan's indicators have values, per group and year.

A cell of the coverage table is a group (or all groups) and a year (or all years):
``covered`` is the number of the group's indicators with at least one value in that year
(in any area), ``indicators`` the number of indicators in the group, ``values`` the number
of values (one per indicator, area and year). Every indicator of the plan counts in its
group, those judged by a verdict too (a verdict is not a value, so they are never covered).
Observations of indicators not in the plan and values that are NaN are not counted.

Pure: the plan and an observation table (the bundled file's or the store's approved
values) in, the table out; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..engine.table import Table
    from ..plan.model import Plan

ALL = None  # the group or year of a total


@dataclass(frozen=True)
class Cell:
    """One group (``None``: all groups) in one year (``None``: all years)."""

    group: str | None
    year: int | None
    covered: int
    indicators: int
    values: int

    @property
    def share(self) -> float:
        """Covered indicators as a share of the group's indicators (0 for an empty group)."""
        return self.covered / self.indicators if self.indicators else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "year": self.year,
            "covered": self.covered,
            "indicators": self.indicators,
            "share": round(self.share, 4),
            "values": self.values,
        }


@dataclass(frozen=True)
class Coverage:
    plan_id: str
    groups: list[str]  # group keys in the plan's order
    years: list[int]  # the years with at least one value, ascending
    cells: list[Cell] = field(repr=False)

    def cell(self, group: str | None, year: int | None) -> Cell:
        for c in self.cells:
            if c.group == group and c.year == year:
                return c
        raise KeyError((group, year))

    @property
    def total(self) -> Cell:
        return self.cell(ALL, ALL)

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan_id,
            "groups": self.groups,
            "years": self.years,
            "cells": [c.to_dict() for c in self.cells],
        }


def coverage(plan: Plan, observations: Table, area: str | None = None) -> Coverage:
    """The coverage of ``plan`` by ``observations`` (only ``area``'s values when given).

    Cells come group by group (the plan's order, then all groups), each group's years
    ascending and then all years.
    """
    keys = np.array([i.key for i in plan.indicators], dtype=object)
    group_of = np.array([i.group for i in plan.indicators], dtype=object)
    groups = [g.key for g in plan.groups]

    ind = np.asarray(observations["indicator"], dtype=object)
    years = np.asarray(observations["year"])
    values = np.asarray(observations["value"], dtype=float)
    keep = np.isin(ind, keys) & ~np.isnan(values)
    if area is not None:
        keep &= np.asarray(observations["area"], dtype=object) == area
    ind, years = ind[keep], years[keep].astype(np.int64)

    # observation -> position of its indicator in the plan, then of its group
    order = np.argsort(keys)
    pos = order[np.searchsorted(keys[order], ind)] if ind.size else np.zeros(0, dtype=np.int64)
    gidx = {g: n for n, g in enumerate(groups)}
    group_pos = np.array([gidx[g] for g in group_of], dtype=np.int64)
    obs_group = group_pos[pos]

    year_list = np.unique(years)
    ny, ng, ni = len(year_list), len(groups), len(keys)
    obs_year = np.searchsorted(year_list, years)

    # values per (group, year), and whether an indicator has a value in a year
    counts = np.zeros((ng, ny), dtype=np.int64)
    np.add.at(counts, (obs_group, obs_year), 1)
    has = np.zeros((ni, ny), dtype=bool)
    has[pos, obs_year] = True
    # per group: indicators with a value in each year, and in any year
    member = group_pos[:, None] == np.arange(ng)[None, :]  # indicator x group
    covered = member.T.astype(np.int64) @ has.astype(np.int64)  # group x year
    covered_any = member.T.astype(np.int64) @ has.any(axis=1).astype(np.int64)
    sizes = member.sum(axis=0)

    cells: list[Cell] = []
    for g in range(ng):
        for y in range(ny):
            cells.append(
                Cell(
                    groups[g],
                    int(year_list[y]),
                    int(covered[g, y]),
                    int(sizes[g]),
                    int(counts[g, y]),
                )
            )
        cells.append(Cell(groups[g], ALL, int(covered_any[g]), int(sizes[g]), int(counts[g].sum())))
    for y in range(ny):
        cells.append(
            Cell(ALL, int(year_list[y]), int(has[:, y].sum()), ni, int(counts[:, y].sum()))
        )
    cells.append(Cell(ALL, ALL, int(has.any(axis=1).sum()), ni, int(counts.sum())))
    return Coverage(plan.id, groups, [int(y) for y in year_list], cells)
