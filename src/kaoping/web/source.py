"""Where the web reads a plan and its data from: a store, or plan and CSV files.

A source answers four questions: the plan, its observations (approved only, or with
pending revisions), the verdicts, and a data version that changes whenever any of
them changes. Only a :class:`StoreSource` can be written to.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

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
        return list(self.store.verdicts())

    def data_version(self) -> str:
        return str(self.store.data_version())

    def describe(self) -> str:
        return f"store: plan {self.plan_id}"


def as_source(obj: Any, plan_id: str | None = None) -> Source:
    """A source from a source, or from a Store."""
    if isinstance(obj, (FileSource, StoreSource)):
        return obj
    if hasattr(obj, "observations") and hasattr(obj, "submit"):
        return StoreSource(obj, plan_id)
    if isinstance(obj, Source):
        return obj
    raise TypeError(f"not a source or a store: {type(obj).__name__}")
