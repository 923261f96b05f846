"""The one core that the command line and the web call: load, read data, evaluate."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UsageError
from .plan.bundled import bundled_data, find_plan
from .plan.loader import load_plan

if TYPE_CHECKING:
    import pandas as pd

    from .engine.result import Evaluation
    from .plan.model import Plan


@dataclass
class Loaded:
    plan: Plan
    observations: pd.DataFrame
    data_source: str


def open_plan(name: str | None) -> Plan:
    """A bundled plan by id, or a plan file or folder by path (the flagship plan if None)."""
    return load_plan(find_plan(name))


def load(plan_name: str | None, data: str | Path | None = None) -> Loaded:
    """The plan and its observations: ``data`` if given, else the data bundled with the plan."""
    from .data.observations import empty_observations, read_observations

    plan_file = find_plan(plan_name)
    plan = load_plan(plan_file)
    source = Path(data) if data else bundled_data(plan_file)
    if source is None:
        return Loaded(plan, empty_observations(), "")
    return Loaded(plan, read_observations(source, plan), str(source))


def evaluate_loaded(
    loaded: Loaded,
    year: int | None = None,
    attainment: str | None = None,
    status: str | None = None,
    aggregation: str | None = None,
    min_coverage: float | None = None,
) -> Evaluation:
    """Evaluate with the plan's default methods, overridden where asked."""
    from .engine.evaluate import evaluate
    from .engine.options import Options

    plan = loaded.plan
    if year is not None and not plan.base_year <= year <= plan.period.end:
        raise UsageError(
            f"year {year} is outside plan {plan.id}: choose {plan.base_year}–{plan.period.end}"
        )
    opts = Options.from_plan(
        plan,
        attainment=attainment,
        status=status,
        aggregation=aggregation,
        min_coverage=min_coverage,
    )
    return evaluate(plan, loaded.observations, year, opts)


def check_area(plan: Plan, ev: Evaluation, area: str | None) -> str:
    area = area or ev.areas[0]
    if area not in ev.areas:
        known = {a.key for a in plan.areas} | set(ev.areas)
        raise UsageError(f"no area {area!r}; areas: {', '.join(sorted(known))}")
    return area
