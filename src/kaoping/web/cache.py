"""Evaluations cached in memory per (plan version, data version, year) for approved data.

A :class:`Snapshot` is one evaluation with everything derived from it (scorecards,
page data, rendered pages and JSON bytes), so that a page asked for twice is built
once. The data version is asked of the source at most every ``ttl`` seconds; a write
made through this process invalidates it at once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:
    from ..engine.result import Evaluation
    from ..engine.table import Table
    from ..plan.model import Plan
    from .source import Source


class Snapshot:
    """One evaluation of the plan on one state of the data, and what is built from it."""

    def __init__(
        self,
        key: tuple,
        plan: Plan,
        evaluation: Evaluation,
        observations: Table,
        approved_only: bool,
    ):
        self.key = key
        self.plan = plan
        self.evaluation = evaluation
        self.observations = observations
        self.approved_only = approved_only
        self._memo: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    @property
    def year(self) -> int:
        return self.evaluation.as_of

    def memo(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """``build()`` once per key for the life of the snapshot."""
        try:
            return self._memo[key]
        except KeyError:
            pass
        value = build()
        with self._lock:
            return self._memo.setdefault(key, value)


class EvaluationCache:
    """Snapshots by key, least recently used dropped beyond ``size``."""

    def __init__(self, source: Source, ttl: float = 1.0, size: int = 48):
        self.source = source
        self.ttl = ttl
        self.size = size
        self._snaps: OrderedDict[tuple, Snapshot] = OrderedDict()
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._state: tuple[str, Plan] | None = None
        self._state_at = 0.0

    def _current(self) -> tuple[str, Plan]:
        """The data version and the plan, asked of the source at most every ``ttl`` s."""
        state = self._state
        now = time.monotonic()
        if state is None or now - self._state_at >= self.ttl:
            state = (self.source.data_version(), self.source.plan())
            self._state = state
            self._state_at = now
        return state

    def data_version(self) -> str:
        return self._current()[0]

    def invalidate(self) -> None:
        """Forget the data version and plan (call after every write)."""
        self._state = None

    def plan(self) -> Plan:
        return self._current()[1]

    def snapshot(self, year: int | None = None, approved_only: bool = True) -> Snapshot:
        version, plan = self._current()
        if year is None:
            year = plan.period.end
        if not plan.base_year <= year <= plan.period.end:
            raise UsageError(
                f"year {year} is outside plan {plan.id}: choose {plan.base_year}–{plan.period.end}"
            )
        key = (plan.id, plan.version, version, int(year), bool(approved_only))
        if not approved_only:
            # submissions and rejections do not change the data version: a view with
            # data awaiting review (staff only) is evaluated afresh every time
            return self._build(key, plan, int(year), approved_only)
        snap = self._snaps.get(key)
        if snap is not None:
            return snap
        with self._build_lock:
            snap = self._snaps.get(key)
            if snap is not None:
                return snap
            snap = self._build(key, plan, int(year), approved_only)
            with self._lock:
                self._snaps[key] = snap
                while len(self._snaps) > self.size:
                    self._snaps.popitem(last=False)
        return snap

    def _build(self, key: tuple, plan: Plan, year: int, approved_only: bool) -> Snapshot:
        from ..core import Loaded, evaluate_loaded

        obs = self.source.observations(approved_only=approved_only)
        loaded = Loaded(plan, _engine_columns(obs), "", self.source.verdicts())
        ev = evaluate_loaded(loaded, year)
        return Snapshot(key, plan, ev, obs, approved_only)


def _engine_columns(obs: Table) -> Table:
    """The four columns the engine reads (a store's table carries more)."""
    from ..engine.table import Table

    return Table({k: obs[k] for k in ("indicator", "area", "year", "value")})
