"""The one core that the command line and the web call: load, read data, evaluate."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UsageError
from .plan.bundled import bundled_data, find_plan
from .plan.cache import load_plan

if TYPE_CHECKING:
    from .engine.result import Evaluation
    from .engine.table import Table
    from .plan.model import Plan


@dataclass
class Loaded:
    plan: Plan
    observations: Table
    data_source: str
    verdicts: list[dict] = field(default_factory=list)


def open_plan(name: str | None) -> Plan:
    """A bundled plan by id, or a plan file or folder by path (the flagship plan if None)."""
    return load_plan(find_plan(name))


def load(
    plan_name: str | None, data: str | Path | None = None, verdicts: str | Path | None = None
) -> Loaded:
    """The plan, its observations and verdicts: the files given, else those bundled with it."""
    from .data.observations import empty_observations, read_observations
    from .data.verdicts import read_verdicts

    plan_file = find_plan(plan_name)
    plan = load_plan(plan_file)
    source = Path(data) if data else bundled_data(plan_file)
    obs = read_observations(source, plan) if source is not None else empty_observations()
    vfile = Path(verdicts) if verdicts else bundled_data(plan_file, "verdicts.csv")
    judged = read_verdicts(vfile, plan) if vfile is not None else []
    return Loaded(plan, obs, str(source or ""), judged)


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
    return evaluate(plan, loaded.observations, year, opts, verdicts=loaded.verdicts)


def check_area(plan: Plan, ev: Evaluation, area: str | None) -> str:
    area = area or ev.areas[0]
    if area not in ev.areas:
        known = {a.key for a in plan.areas} | set(ev.areas)
        raise UsageError(f"no area {area!r}; areas: {', '.join(sorted(known))}")
    return area


def nature_summary(ev: Evaluation, area: str | None = None) -> dict[str, dict[str, int]]:
    """Counts by status per nature of target (binding 约束性, anticipatory 预期性, unstated):
    ``{nature: {"total": n, "off_track": n, status: n, ...}}`` (see
    :func:`kaoping.engine.summary.nature_summary`)."""
    from .engine.summary import nature_summary as summary

    return summary(ev, area)
