"""Evaluations cached in memory per (plan version, data version, year) for approved data.

A :class:`Snapshot` is one evaluation with everything derived from it (scorecards,
page data, rendered pages and JSON bytes), so that a page asked for twice is built
once. The data version is asked of the source at most every ``ttl`` seconds; a write
made through this process invalidates it at once.

Readers never wait for writers: when the data change under an evaluation of more than
``inline_rows`` observations (one that takes long to rebuild: reading 90,000 observations
and evaluating them takes seconds), the previous snapshot keeps being served while a
background thread builds the new one, one rebuild at a time per plan. The new snapshot is
served once it is built, with the data of the overview pages built from it (the first
readers of a new snapshot would otherwise all wait for them). A smaller evaluation takes
milliseconds and is rebuilt at once, so that whoever changed the data sees the change on
the next page. The first evaluation of a plan, year or plan version has nothing to fall
back on and is built at once.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:
    from ..engine.result import Evaluation
    from ..engine.table import Table
    from ..plan.model import Plan
    from .source import Source

log = logging.getLogger(__name__)

#: evaluations of more observations than this are rebuilt in the background after a change
INLINE_ROWS = 2000
#: a rebuild that failed is tried again after this many seconds (meanwhile the previous serves)
RETRY_AFTER = 5.0
#: seconds: sys.setswitchinterval while a rebuild runs (the default, 5 ms, adds up over a request)
SWITCH_INTERVAL = 0.0005
#: seconds a reader waits for another's build of the same page before building it itself
MEMO_WAIT = 60.0
#: the observation columns the engine reads (a store's table carries more)
ENGINE_COLUMNS = ("indicator", "area", "year", "value", "censor", "break", "previous_basis")

#: evaluate(plan, observations, verdicts, year) -> Evaluation
Evaluator = Callable[["Plan", "Table", list, int], "Evaluation"]


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
        self.rows = _rows(observations)
        self._memo: dict[Hashable, Any] = {}
        self._lock = threading.Lock()
        self._building: dict[Hashable, threading.RLock] = {}

    @property
    def year(self) -> int:
        return self.evaluation.as_of

    def memo(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """``build()`` once per key for the life of the snapshot: a reader asking while
        another builds it waits for that build instead of making its own."""
        try:
            return self._memo[key]
        except KeyError:
            pass
        with self._lock:
            building = self._building.setdefault(key, threading.RLock())
        # bounded: builds that waited on each other would otherwise wait for ever
        waited = building.acquire(timeout=MEMO_WAIT)
        try:
            try:
                return self._memo[key]
            except KeyError:
                pass
            value = build()
            with self._lock:
                value = self._memo.setdefault(key, value)
                self._building.pop(key, None)
            return value
        finally:
            if waited:
                building.release()


class EvaluationCache:
    """Snapshots by key, least recently used dropped beyond ``size``; stale ones served
    while their successors are built in the background (see the module's doc)."""

    def __init__(
        self,
        source: Source,
        ttl: float = 1.0,
        size: int = 48,
        *,
        inline_rows: int = INLINE_ROWS,
        evaluate: Evaluator | None = None,
        warm: Callable[[Snapshot], None] | None = None,
    ):
        self.source = source
        self.ttl = ttl
        self.size = size
        self.inline_rows = inline_rows
        self._evaluate = evaluate or _evaluate
        self._warm = warm if warm is not None else warm_pages
        self._snaps: OrderedDict[tuple, Snapshot] = OrderedDict()
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()  # one build at a time (per plan: one cache each)
        self._state: tuple[str, Plan] | None = None
        self._state_at = 0.0
        # (plan id, plan version, year) -> the newest snapshot built for it
        self._latest: dict[tuple, Snapshot] = {}
        # (plan id, plan version, year) -> (key, plan) waiting for the background rebuild
        self._pending: OrderedDict[tuple, tuple[tuple, Plan]] = OrderedDict()
        self._rebuilding: tuple | None = None
        self._worker: threading.Thread | None = None
        self._idle = threading.Condition(self._lock)
        self._failed: dict[tuple, float] = {}
        self.rebuilds = 0  # background rebuilds done (for tests and benchmarks)

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
        year = int(year)
        key = (plan.id, plan.version, version, year, bool(approved_only))
        if not approved_only:
            # submissions and rejections do not change the data version: a view with
            # data awaiting review (staff only) is evaluated afresh every time
            return self._build(key, plan, year, approved_only)
        snap = self._snaps.get(key)
        if snap is not None:
            with self._lock:
                if key in self._snaps:
                    self._snaps.move_to_end(key)
            return snap
        slot = (plan.id, plan.version, year)
        previous = self._latest.get(slot)
        if previous is not None and previous.rows > self.inline_rows:
            self._schedule(slot, key, plan)
            return previous
        with self._build_lock:
            snap = self._snaps.get(key)
            if snap is None:
                snap = self._build(key, plan, year, approved_only)
                self._keep(slot, snap)
        return snap

    def settle(self, timeout: float | None = None) -> bool:
        """Wait until no rebuild is queued or running; False if ``timeout`` s passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._worker is None, timeout)

    # ---- building ---------------------------------------------------------------------

    def _build(self, key: tuple, plan: Plan, year: int, approved_only: bool) -> Snapshot:
        obs = self.source.observations(approved_only=approved_only)
        ev = self._evaluate(plan, _engine_columns(obs), self.source.verdicts(), year)
        return Snapshot(key, plan, ev, obs, approved_only)

    def _keep(self, slot: tuple, snap: Snapshot) -> None:
        """Cache ``snap`` as the newest of its slot; drop the least recently used."""
        with self._lock:
            self._snaps[snap.key] = snap
            self._latest[slot] = snap
            while len(self._snaps) > self.size:
                _, old = self._snaps.popitem(last=False)
                for s, kept in list(self._latest.items()):
                    if kept is old:
                        del self._latest[s]

    def _warm_up(self, snap: Snapshot) -> None:
        """Build what the first pages will ask of ``snap`` before it is served (readers keep
        the previous snapshot meanwhile); a failure here only leaves it to the readers."""
        try:
            self._warm(snap)
        except Exception:
            log.exception("warming the evaluation %s failed", snap.key)

    def _schedule(self, slot: tuple, key: tuple, plan: Plan) -> None:
        """Queue the rebuild of ``key`` (the newest wanted for its slot replaces an older
        one still queued) and start the rebuild thread if it is not running."""
        with self._lock:
            if key == self._rebuilding or self._pending.get(slot, (None,))[0] == key:
                return
            failed = self._failed.get(key)
            if failed is not None and time.monotonic() - failed < RETRY_AFTER:
                return
            self._pending[slot] = (key, plan)
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._rebuild_all, name=f"kaoping-rebuild-{plan.id}", daemon=True
                )
                self._worker.start()

    def _rebuild_all(self) -> None:
        """The rebuild thread: build what is queued, one at a time, then end."""
        while True:
            with self._lock:
                if not self._pending:
                    self._worker = None
                    self._idle.notify_all()
                    return
                slot, (key, plan) = self._pending.popitem(last=False)
                self._rebuilding = key
            try:
                with self._build_lock, _yielding():
                    if key not in self._snaps:
                        snap = self._build(key, plan, slot[2], True)
                        self._warm_up(snap)
                        self._keep(slot, snap)
                        self.rebuilds += 1
            except Exception:
                log.exception("rebuilding the evaluation %s failed; the previous one serves", key)
                with self._lock:
                    self._failed[key] = time.monotonic()
                    if len(self._failed) > 64:
                        self._failed.pop(next(iter(self._failed)))
            finally:
                with self._lock:
                    self._rebuilding = None


_yield_lock = threading.Lock()
_yield_state: dict[str, Any] = {"depth": 0}


@contextmanager
def _yielding() -> Iterator[None]:
    """While rebuilds run, the requests served beside them get the interpreter back sooner:
    the interpreter switches threads every half millisecond, and the cyclic garbage
    collector waits (a pass over the hundreds of thousands of objects a rebuild makes
    holds every thread up for a tenth of a second or more). Restored after the last one."""
    with _yield_lock:
        if _yield_state["depth"] == 0:
            _yield_state["interval"] = sys.getswitchinterval()
            _yield_state["gc"] = gc.isenabled()
            sys.setswitchinterval(min(SWITCH_INTERVAL, _yield_state["interval"]))
            gc.disable()
        _yield_state["depth"] += 1
    try:
        yield
    finally:
        with _yield_lock:
            _yield_state["depth"] -= 1
            if _yield_state["depth"] == 0:
                sys.setswitchinterval(_yield_state["interval"])
                if _yield_state["gc"]:
                    gc.enable()


def warm_pages(snap: Snapshot) -> None:
    """The overview of the default area in both languages, with what it is built from
    (the scorecards, and the index of observations that every indicator page reads)."""
    from .views import check_area, overview

    area = check_area(snap, None)
    for lang in ("en", "zh"):
        overview(snap, area, lang)


def _rows(obs: Any) -> int:
    n = getattr(obs, "n_rows", None)
    if n is not None:
        return int(n)
    try:
        return len(obs["indicator"])
    except (KeyError, TypeError):
        return 0


def _evaluate(plan: Plan, observations: Table, verdicts: list, year: int) -> Evaluation:
    from ..core import Loaded, evaluate_loaded

    return evaluate_loaded(Loaded(plan, observations, "", verdicts), year)


def _engine_columns(obs: Table) -> Table:
    """The columns the engine reads (a store's table carries more)."""
    from ..engine.table import Table

    return Table({k: obs[k] for k in ENGINE_COLUMNS if k in obs})
