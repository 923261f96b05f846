"""Turn a plan into arrays over its indicators, so that the engine never loops per cell.

Each target becomes a band ``[lo, hi]`` on its measure's scale (the level, the change
against the reference year, or the average annual growth). A bound taken from another
indicator (``growth >= growth(gdp)``) is recorded as a reference and resolved per area
and year by the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

import numpy as np

from ..plan.expr import Between, Compare, Number, Ref, Target, Tolerance
from ..plan.model import parse_tolerance

if TYPE_CHECKING:
    from ..plan.model import Plan

# measure codes
LEVEL, CHANGE_REL, CHANGE_ABS, GROWTH = 0, 1, 2, 3
# reference kinds
REF_VALUE, REF_CHANGE, REF_GROWTH = 0, 1, 2
# which bound a reference sets
SIDE_LO, SIDE_HI, SIDE_BOTH = 1, 2, 3
# indicator kinds
K_TARGET, K_EVERY_YEAR, K_QUALITATIVE, K_MONITOR, K_SCHEDULE = 0, 1, 2, 3, 4
KIND_NAMES = ("target", "every_year", "qualitative", "monitoring", "schedule")
# what an indicator's observations are: levels, or annual growth (+1) or decline (-1) rates
OBSERVED = {"level": 0, "growth": 1, "decline": -1}
MEASURE_NAMES = ("level", "change", "change", "growth")


@dataclass
class TargetArrays:
    """One target slot for every indicator (``present`` says which have one)."""

    n: int
    present: np.ndarray = field(init=False)
    year: np.ndarray = field(init=False)
    measure: np.ndarray = field(init=False)
    ref_year: np.ndarray = field(init=False)
    lo: np.ndarray = field(init=False)
    hi: np.ndarray = field(init=False)
    lo_strict: np.ndarray = field(init=False)
    hi_strict: np.ndarray = field(init=False)
    exact: np.ndarray = field(init=False)
    has_ref: np.ndarray = field(init=False)
    ref_side: np.ndarray = field(init=False)
    ref_idx: np.ndarray = field(init=False)
    ref_kind: np.ndarray = field(init=False)
    ref_factor: np.ndarray = field(init=False)
    ref_offset: np.ndarray = field(init=False)
    tol_abs: np.ndarray = field(init=False)
    tol_rel: np.ndarray = field(init=False)
    start: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = self.n
        self.present = np.zeros(n, bool)
        self.year = np.zeros(n, np.int64)
        self.measure = np.zeros(n, np.int8)
        self.ref_year = np.full(n, -1, np.int64)
        self.lo = np.full(n, -np.inf)
        self.hi = np.full(n, np.inf)
        self.lo_strict = np.zeros(n, bool)
        self.hi_strict = np.zeros(n, bool)
        self.exact = np.zeros(n, bool)
        self.has_ref = np.zeros(n, bool)
        self.ref_side = np.zeros(n, np.int8)
        self.ref_idx = np.zeros(n, np.int64)
        self.ref_kind = np.zeros(n, np.int8)
        self.ref_factor = np.ones(n)
        self.ref_offset = np.zeros(n)
        self.tol_abs = np.zeros(n)
        self.tol_rel = np.zeros(n)
        self.start = np.zeros(n, np.int64)

    def subset(self, rows: np.ndarray) -> TargetArrays:
        """The same slot for the indicators ``rows`` only (ref_idx still names the plan's)."""
        out = TargetArrays.__new__(TargetArrays)
        out.n = len(rows)
        for f in fields(self):
            if f.name != "n":
                setattr(out, f.name, getattr(self, f.name)[rows])
        return out

    def set(self, i: int, t: Target, year: int, tol: Tolerance, index: dict[str, int]) -> None:
        self.present[i] = True
        self.year[i] = year
        if t.measure == "level":
            self.measure[i] = LEVEL
        elif t.measure == "growth":
            self.measure[i] = GROWTH
        else:
            self.measure[i] = CHANGE_REL if t.relative else CHANGE_ABS
        if t.ref_year is not None:
            self.ref_year[i] = t.ref_year
        c = t.condition
        if isinstance(c, Between):
            self.lo[i], self.hi[i] = c.lo, c.hi
            return
        operand = c.rhs if isinstance(c, Compare) else c.centre
        if isinstance(c, Compare):
            side = {">=": SIDE_LO, ">": SIDE_LO, "<=": SIDE_HI, "<": SIDE_HI, "==": SIDE_BOTH}[c.op]
            self.lo_strict[i] = c.op == ">"
            self.hi_strict[i] = c.op == "<"
            self.exact[i] = c.op == "=="
        else:
            side = SIDE_BOTH
            # the expression's own "± h" wins over the target's tolerance and the default
            tol = c.tol if c.tol is not None else tol
            self.tol_abs[i] = 0.0 if tol.relative else tol.value
            self.tol_rel[i] = tol.value if tol.relative else 0.0
        if isinstance(operand, Ref):
            self.has_ref[i] = True
            self.ref_side[i] = side
            self.ref_idx[i] = index[operand.key]
            self.ref_kind[i] = {"value": REF_VALUE, "change": REF_CHANGE, "growth": REF_GROWTH}[
                operand.kind
            ]
            self.ref_factor[i] = operand.factor
            self.ref_offset[i] = operand.offset
            return
        assert isinstance(operand, Number)
        v = operand.value
        half = self.tol_abs[i] + abs(v) * self.tol_rel[i] / 100.0
        if side in (SIDE_LO, SIDE_BOTH):
            self.lo[i] = v - half
        if side in (SIDE_HI, SIDE_BOTH):
            self.hi[i] = v + half


@dataclass
class CompiledPlan:
    """The plan's indicators as arrays (length ``n``) plus their target slots."""

    keys: list[str]
    index: dict[str, int]
    kind: np.ndarray
    direction: np.ndarray  # +1 up, -1 down, 0 two-sided / unknown
    geometric: np.ndarray
    weight: np.ndarray  # 0 for indicators that are not scored
    group: np.ndarray
    group_keys: list[str]
    group_weight: np.ndarray
    lens_member: np.ndarray  # (categories, n) bool
    category_keys: list[str]
    category_lens: list[str]
    goal_worst: np.ndarray
    goal_best: np.ndarray
    targets: list[TargetArrays]  # slots sorted by year; the last present one is the final
    final: TargetArrays
    every: TargetArrays
    base_year: int
    period: tuple[int, int]
    milestone_years: list[int]
    baseline_value: np.ndarray  # plan-given baseline (default area), NaN if none
    baseline_year: np.ndarray
    default_area: str
    areas: list[str]  # the plan's areas, in plan order
    ref_years: list[int]
    # whether the final target can be achieved before its year (提前实现)
    early: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    every_early: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    # the indicator's own dead-band (NaN: the plan's), absolute or relative (percent)
    deadband_abs: np.ndarray = field(default_factory=lambda: np.zeros(0))
    deadband_rel: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # binding / anticipatory ('' when the plan does not say)
    nature: list[str] = field(default_factory=list)
    # +1: observations are annual growth rates, -1: decline rates, 0: levels
    rate: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    # values before a break are spliced by a shift (True) or a ratio (False)
    rebase_shift: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    # the schedule (年度目标): slot k holds each indicator's k-th entry by year, with its text
    schedule: list[TargetArrays] = field(default_factory=list)
    schedule_text: list[list[str]] = field(default_factory=list)
    # the second and later conditions of an all-of final target, with their "early" flags
    conditions: list[TargetArrays] = field(default_factory=list)
    conditions_early: list[np.ndarray] = field(default_factory=list)
    # the text of every condition of the final target, per indicator
    condition_text: list[list[str]] = field(default_factory=list)
    # the target each indicator's row shows (text, year; NaN: none); a schedule-only
    # indicator shows the entry of the as-of year (``shown_schedule``: its (year, text))
    shown_text: list[str] = field(default_factory=list)
    shown_year: np.ndarray = field(default_factory=lambda: np.zeros(0))
    shown_schedule: dict[int, list[tuple[int, str]]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.keys)

    @property
    def has_rates(self) -> bool:
        return bool(self.rate.any())


def compile_plan(plan: Plan) -> CompiledPlan:
    """Compile the plan's indicators into arrays (pure; cached by the caller if wanted)."""
    inds = plan.indicators
    n = len(inds)
    index = {ind.key: i for i, ind in enumerate(inds)}
    default_tol = plan.default_tolerance
    group_keys = [g.key for g in plan.groups]
    gindex = {k: j for j, k in enumerate(group_keys)}
    cats = [(lens.key, c) for lens in plan.lenses for c in lens.categories]
    cindex = {c.key: j for j, (_, c) in enumerate(cats)}

    kind = np.zeros(n, np.int8)
    direction = np.zeros(n, np.int8)
    geometric = np.zeros(n, bool)
    weight = np.zeros(n)
    group = np.zeros(n, np.int64)
    member = np.zeros((len(cats), n), bool)
    worst = np.full(n, np.nan)
    best = np.full(n, np.nan)
    base_v = np.full(n, np.nan)
    base_y = np.zeros(n, np.int64)
    early = np.zeros(n, bool)
    every_early = np.zeros(n, bool)
    db_abs = np.full(n, np.nan)
    db_rel = np.full(n, np.nan)

    quant = [[t for t in ind.quantitative if not t.parsed.every_year] for ind in inds]  # type: ignore[union-attr]
    n_slots = max([len(q) for q in quant] + [1])
    slots = [TargetArrays(n) for _ in range(n_slots)]
    final = TargetArrays(n)
    every = TargetArrays(n)
    ref_years: set[int] = set()
    n_sched = max([len(ind.schedule) for ind in inds] + [0])
    sched = [TargetArrays(n) for _ in range(n_sched)]
    sched_text = [[""] * n for _ in range(n_sched)]
    n_cond = max([len(q[-1].conditions) for q in quant if q] + [1])
    conds = [TargetArrays(n) for _ in range(n_cond - 1)]
    conds_early = [np.zeros(n, bool) for _ in range(n_cond - 1)]
    cond_text: list[list[str]] = []
    rate = np.array([OBSERVED[ind.observed] for ind in inds], np.int8)

    for i, ind in enumerate(inds):
        tol_of = lambda spec: spec.tolerance_value or default_tol  # noqa: E731
        for k, spec in enumerate(quant[i]):
            slots[k].set(i, spec.parsed, spec.year, tol_of(spec), index)
        if quant[i]:
            last = quant[i][-1]
            final.set(i, last.parsed, last.year, tol_of(last), index)
            if last.parsed.ref_year is not None:
                ref_years.add(last.parsed.ref_year)
            early[i] = _can_be_early(last, final, i)
            for c, cond in enumerate(last.conditions[1:]):
                conds[c].set(i, cond, last.year, tol_of(last), index)
                conds_early[c][i] = _can_be_early(last, conds[c], i)
                if cond.ref_year is not None:
                    ref_years.add(cond.ref_year)
        cond_text.append(
            [str(c) for c in quant[i][-1].conditions] if quant[i] and quant[i][-1].all else []
        )
        for k, entry in enumerate(ind.scheduled):
            sched[k].set(i, entry.parsed, entry.year, tol_of(entry), index)
            sched_text[k][i] = entry.expr
            if entry.parsed.ref_year is not None:
                ref_years.add(entry.parsed.ref_year)
        ev = [t for t in ind.quantitative if t.parsed.every_year]  # type: ignore[union-attr]
        if ev:
            spec = ev[-1]
            every.set(i, spec.parsed, spec.year, tol_of(spec), index)
            every.start[i] = spec.start or plan.period.start
            every_early[i] = bool(spec.early)
        if quant[i]:
            kind[i] = K_TARGET
        elif ev:
            kind[i] = K_EVERY_YEAR
        elif ind.schedule:
            kind[i] = K_SCHEDULE
        elif ind.targets:
            kind[i] = K_QUALITATIVE
        else:
            kind[i] = K_MONITOR
        d = {"up": 1, "down": -1}.get(ind.direction or "", 0)
        decisive = quant[i][-1].parsed if quant[i] else None
        if decisive is None and not ev and ind.schedule:
            decisive = ind.scheduled[-1].parsed
        if d == 0 and decisive is not None:
            c = decisive.condition
            if isinstance(c, Compare) and c.op in (">", ">="):
                d = 1
            elif isinstance(c, Compare) and c.op in ("<", "<="):
                d = -1
        direction[i] = d
        geometric[i] = ind.path == "geometric"
        scorable = kind[i] in (K_TARGET, K_EVERY_YEAR, K_SCHEDULE)
        weight[i] = ind.weight if (ind.scored and scorable) else 0.0
        group[i] = gindex.get(ind.group, 0)
        for tag in ind.tags:
            if tag in cindex:
                member[cindex[tag], i] = True
        if ind.goalposts is not None:
            worst[i] = ind.goalposts.worst
            best[i] = np.nan if ind.goalposts.best is None else ind.goalposts.best
        if ind.baseline is not None:
            base_v[i] = ind.baseline.value
            base_y[i] = ind.baseline.year
        if ind.deadband is not None:
            tol = parse_tolerance(ind.deadband)
            (db_rel if tol.relative else db_abs)[i] = tol.value
            (db_abs if tol.relative else db_rel)[i] = 0.0

    years = sorted({m.year for m in plan.milestones})
    shown_text, shown_year, shown_schedule = _shown_targets(plan, quant)
    cp = CompiledPlan(
        keys=[ind.key for ind in inds],
        index=index,
        kind=kind,
        direction=direction,
        geometric=geometric,
        weight=weight,
        group=group,
        group_keys=group_keys,
        group_weight=np.array([g.weight for g in plan.groups], float),
        lens_member=member,
        category_keys=[c.key for _, c in cats],
        category_lens=[lk for lk, _ in cats],
        goal_worst=worst,
        goal_best=best,
        targets=slots,
        final=final,
        every=every,
        base_year=plan.base_year,
        period=(plan.period.start, plan.period.end),
        milestone_years=years,
        baseline_value=base_v,
        baseline_year=base_y,
        default_area=plan.default_area,
        areas=[a.key for a in plan.areas],
        ref_years=sorted(ref_years),
        early=early,
        every_early=every_early,
        deadband_abs=db_abs,
        deadband_rel=db_rel,
        nature=[ind.nature or "" for ind in inds],
        rate=rate,
        rebase_shift=np.array([ind.rebase == "shift" for ind in inds], bool),
        schedule=sched,
        schedule_text=sched_text,
        conditions=conds,
        conditions_early=conds_early,
        condition_text=cond_text,
        shown_text=shown_text,
        shown_year=shown_year,
        shown_schedule=shown_schedule,
    )
    _freeze(cp)
    return cp


def _freeze(cp: CompiledPlan) -> None:
    """Make every array read-only: a compiled plan is shared by the evaluations that reuse it."""
    slots = [*cp.targets, cp.final, cp.every, *cp.schedule, *cp.conditions]
    for obj in (cp, *slots):
        for value in vars(obj).values():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
    for a in cp.conditions_early:
        a.flags.writeable = False


def _shown_targets(plan: Plan, quant: list) -> tuple[list[str], np.ndarray, dict]:
    """The target text and year each indicator's row shows: the final target, else the
    every-year constraint, else (schedule only) the as-of year's entry, else the last
    qualitative target."""
    texts: list[str] = []
    years = np.full(len(plan.indicators), np.nan)
    sched: dict[int, list[tuple[int, str]]] = {}
    for i, ind in enumerate(plan.indicators):
        every = [t for t in ind.quantitative if t.parsed.every_year]  # type: ignore[union-attr]
        spec = quant[i][-1] if quant[i] else every[-1] if every else None
        if spec is None and ind.schedule:
            sched[i] = [(e.year, _text(e)) for e in ind.scheduled]
            texts.append("")
            continue
        if spec is None and ind.targets:
            spec = ind.targets[-1]
        texts.append("" if spec is None else _text(spec))
        if spec is not None and spec.year is not None:
            years[i] = spec.year
    return texts, years, sched


def _text(spec) -> str:
    text = getattr(spec, "expression", None) or getattr(spec, "expr", None)
    return text or "qualitative"


def _can_be_early(spec, final: TargetArrays, i: int) -> bool:
    """A level target can be achieved before its year; growth, change and targets relative
    to another indicator's change or growth are judged on pace until their year."""
    if spec.early is not None:
        return bool(spec.early)
    if final.measure[i] != LEVEL:
        return False
    return not (final.has_ref[i] and final.ref_kind[i] != REF_VALUE)
