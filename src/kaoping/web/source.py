"""Where the web reads a plan and its data from: a store, or plan and CSV files.

A source answers four questions: the plan, its observations (approved only, or with
pending revisions), the verdicts, and a data version that changes whenever any of
them changes. Only a :class:`StoreSource` can be written to.
"""

from __future__ import annotations

import hashlib
import threading
import time
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..store.plans import PlanStore

if TYPE_CHECKING:
    from ..engine.table import Table
    from ..plan.model import Plan
    from ..store import Store


@runtime_checkable
class Source(Protocol):
    """What the public pages read."""

    #: the store behind the source, or None for a read-only source
    store: Store | None

    def plan(self) -> Plan: ...

    def observations(self, approved_only: bool = True) -> Table: ...

    def verdicts(self) -> list[dict]: ...

    def data_version(self) -> str: ...

    def describe(self) -> str: ...


class FileSource:
    """A plan file and its observation (and verdict) CSV files, read once; read-only."""

    store = None

    def __init__(
        self,
        plan: str | None = None,
        data: str | Path | None = None,
        verdicts: str | Path | None = None,
    ):
        from ..core import load

        loaded = load(plan, data, verdicts)
        self._plan = loaded.plan
        self._obs = loaded.observations
        self._verdicts = loaded.verdicts
        self._where = loaded.data_source or "(no data)"
        digest = hashlib.sha256()
        for name in ("indicator", "area", "year", "value", "status", "source"):
            if name in self._obs:
                digest.update(repr(self._obs[name].tolist()).encode())
        digest.update(repr(self._verdicts).encode())
        self._version = "files-" + digest.hexdigest()[:12]

    def plan(self) -> Plan:
        return self._plan

    def observations(self, approved_only: bool = True) -> Table:
        # files hold published data only: everything in them counts as approved
        return self._obs

    def verdicts(self) -> list[dict]:
        return self._verdicts

    def data_version(self) -> str:
        return self._version

    def describe(self) -> str:
        return f"files: plan {self._plan.path}, data {self._where}"


class StoreSource:
    """A :class:`kaoping.store.Store`, serving one plan (the active one unless named)."""

    def __init__(self, store: Store, plan_id: str | None = None):
        self.store = store
        self._plan_id = plan_id

    @property
    def plan_id(self) -> str | None:
        return self._plan_id or self.store.active_plan_id()

    def plan(self) -> Plan:
        return self.store.plan(self.plan_id)

    def observations(self, approved_only: bool = True) -> Table:
        return self.store.observations(self.plan_id, approved_only=approved_only)

    def verdicts(self) -> list[dict]:
        return list(self.store.verdicts(self.plan_id))

    def data_version(self) -> str:
        return str(self.store.data_version(self.plan_id))

    def describe(self) -> str:
        return f"store: plan {self.plan_id}"


#: the plan a request is for (set from its ``/p/<plan>/`` prefix); None: the default plan
CURRENT_PLAN: ContextVar[str | None] = ContextVar("kaoping_plan", default=None)


class PlanSources:
    """Every plan of a store, side by side: the plan of the request under way (its
    ``/p/<plan>/`` prefix), else the default plan (the one named when the application was
    made, else the store's default). Reads and writes go to that plan only."""

    def __init__(self, store: Store, default: str | None = None):
        self._store = store
        self._default = default
        self._sources: dict[str, StoreSource] = {}
        self._lock = threading.Lock()
        self._known: tuple[list[str], float] = ([], float("-inf"))

    @property
    def raw_store(self) -> Store:
        return self._store

    def default_id(self) -> str | None:
        return self._default or self._store.default_plan_id()

    def current_id(self) -> str | None:
        return CURRENT_PLAN.get() or self.default_id()

    def plan_ids(self) -> list[str]:
        return self._store.plan_ids()

    def known_ids(self, ttl: float = 1.0) -> list[str]:
        """The store's plan ids, asked at most every ``ttl`` seconds (a plan loaded by
        another process is served within that time)."""
        now = time.monotonic()
        ids, at = self._known
        if now - at >= ttl:
            ids = self._store.plan_ids()
            self._known = (ids, now)
        return ids

    def for_plan(self, plan_id: str | None) -> StoreSource:
        pid = plan_id or self.default_id() or ""
        with self._lock:
            src = self._sources.get(pid)
            if src is None:
                src = self._sources[pid] = StoreSource(self._store, pid or None)
        return src

    @property
    def store(self) -> Any:
        pid = self.current_id()
        return PlanStore(self._store, pid) if pid else self._store

    @property
    def plan_id(self) -> str | None:
        return self.current_id()

    def plan(self) -> Plan:
        return self.for_plan(self.current_id()).plan()

    def observations(self, approved_only: bool = True) -> Table:
        return self.for_plan(self.current_id()).observations(approved_only)

    def verdicts(self) -> list[dict]:
        return self.for_plan(self.current_id()).verdicts()

    def data_version(self) -> str:
        return self.for_plan(self.current_id()).data_version()

    def describe(self) -> str:
        return f"store: plans {', '.join(self.plan_ids())} (default {self.default_id()})"


def as_source(obj: Any, plan_id: str | None = None) -> Source:
    """A source from a source, or from a Store (every plan of it, ``plan_id`` the default)."""
    if isinstance(obj, StoreSource):
        return PlanSources(obj.store, obj._plan_id)
    if isinstance(obj, (FileSource, PlanSources)):
        return obj
    if hasattr(obj, "observations") and hasattr(obj, "submit"):
        return PlanSources(obj, plan_id)
    if isinstance(obj, Source):
        return obj
    raise TypeError(f"not a source or a store: {type(obj).__name__}")
