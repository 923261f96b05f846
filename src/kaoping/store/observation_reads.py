"""Observation reads: the evaluation's input, a cell's history, the review queue."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..engine.table import Table
from .errors import NotFound
from .frame import CELL, approved_where, engine_table, latest_rows, obs_table
from .observations import JOINED, REV_COLS, _latest_window, revision_dict
from .schema import decisions as d
from .schema import observations as o

if TYPE_CHECKING:
    from .base import StoreBase


class ObservationReadsMixin:
    """Reads of observation revisions (the writes are in :mod:`.observations`)."""

    def observations(
        self: StoreBase,
        plan_id: str | None = None,
        approved_only: bool = True,
        as_of: datetime | None = None,
    ) -> Table:
        """The evaluation's input: one row per cell, the latest approved revision.

        With ``as_of``, the latest revision approved at or before that time. With
        ``approved_only=False`` (staff views), the latest revision that is not rejected,
        submitted or approved (created at or before ``as_of``). Columns: indicator, area,
        year, value, censor (``>``, ``<`` or empty), break (bool: flagged ``break``),
        previous_basis (NaN when not given), status, flags, source, note, scope, derived,
        revision, state, approved_at (UTC, ``datetime64[us]``; NaT when not approved).
        """
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            rows = latest_rows(conn, approved_where(pid, approved_only, as_of))
        return obs_table(rows)

    def engine_observations(
        self: StoreBase,
        plan_id: str | None = None,
        approved_only: bool = True,
        as_of: datetime | None = None,
    ) -> Table:
        """The columns of :meth:`observations` that the engine reads, and no others:
        indicator, area, year, value, censor, break, previous_basis (see
        :data:`~kaoping.store.frame.ENGINE_COLUMNS`), for the same rows in the same order.

        Read in bulk: the database selects the latest revision of each cell and derives
        ``break`` from the flags; the driver's rows become the table's columns at once."""
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            rows = latest_rows(conn, approved_where(pid, approved_only, as_of), engine=True)
        return engine_table(rows)

    def history(
        self: StoreBase,
        indicator: str,
        area: str | None = None,
        year: int | None = None,
        plan_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Every revision of an indicator's values (one area, one year if given), newest first."""
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            where = (o.c.plan_id == pid) & (o.c.indicator == indicator)
            if area:
                where = where & (o.c.area == area)
            if year is not None:
                where = where & (o.c.year == int(year))
            latest = sa.func.max(o.c.revision).over(partition_by=CELL).label("latest")
            q = (
                sa.select(*REV_COLS, latest)
                .select_from(JOINED)
                .where(where)
                .order_by(o.c.year.desc(), o.c.area, o.c.revision.desc())
            )
            rows = conn.execute(q).mappings().all()
        return [revision_dict(r, r["latest"]) for r in rows]

    def revision(self: StoreBase, revision_id: int) -> dict[str, Any]:
        with self._read() as conn:
            row = (
                conn.execute(sa.select(*REV_COLS).select_from(JOINED).where(o.c.id == revision_id))
                .mappings()
                .first()
            )
            if row is None:
                raise NotFound(f"no revision {revision_id}")
            cur = self._latest(conn, row["plan_id"], row["indicator"], row["area"], row["year"])
        return revision_dict(row, cur["revision"])

    def _pending(
        self: StoreBase, plan_id: str | None, department: str | None
    ) -> list[tuple[dict[str, Any], dict[str, Any] | None, str | None]]:
        """Cells whose latest revision awaits review, with the latest approved revision."""
        with self._read() as conn:
            pid = self._plan_id(conn, plan_id)
            owners = self._assignments(conn, pid)
            latest = _latest_window(o.c.plan_id == pid)
            appr = _latest_window((o.c.plan_id == pid) & (d.c.decision == "approved"))
            a_cols = [col.label(f"a_{col.name}") for col in appr.c]
            q = (
                sa.select(latest, *a_cols)
                .select_from(
                    latest.outerjoin(
                        appr,
                        (appr.c.indicator == latest.c.indicator)
                        & (appr.c.area == latest.c.area)
                        & (appr.c.year == latest.c.year)
                        & (appr.c.rn == 1),
                    )
                )
                .where(latest.c.rn == 1, latest.c.decision.is_(None))
                .order_by(latest.c.indicator, latest.c.area, latest.c.year)
            )
            rows = conn.execute(q).mappings().all()
        out = []
        for r in rows:
            dept = owners.get(r["indicator"])
            if department and dept != department:
                continue
            prev = None
            if r["a_id"] is not None:
                prev = revision_dict({k[2:]: r[k] for k in r if k.startswith("a_")})
            out.append((revision_dict(r), prev, dept))
        return out

    def review_queue(
        self: StoreBase, plan_id: str | None = None, department: str | None = None
    ) -> list[dict[str, Any]]:
        """Submitted revisions awaiting review, each with ``previous``: the approved value it
        would replace (None for a new cell) and ``department``."""
        return [
            {**rev, "department": dept, "previous": prev}
            for rev, prev, dept in self._pending(plan_id, department)
        ]

    def changes_since_approval(
        self: StoreBase, plan_id: str | None = None, department: str | None = None
    ) -> list[dict[str, Any]]:
        """Cells whose latest revision differs from the latest approved one: indicator, area,
        year, department, ``approved`` (or None), ``latest``, and the fields that differ."""
        out = []
        for rev, prev, dept in self._pending(plan_id, department):
            fields = ["value", "censor", "previous_basis", "status", "flags", "source", "note"]
            changed = fields if prev is None else [f for f in fields if rev[f] != prev[f]]
            out.append(
                {
                    "indicator": rev["indicator"],
                    "area": rev["area"],
                    "year": rev["year"],
                    "department": dept,
                    "approved": prev,
                    "latest": rev,
                    "changed": changed,
                }
            )
        return out
