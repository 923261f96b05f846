"""Imports: observation files (all or nothing, in one transaction) and the bundled plans."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import sqlalchemy as sa

from ..data.importer import DEFAULT_JUMP, CellState, ImportReport, check_import, read_table
from ..engine.table import Table
from .db import to_db
from .errors import Conflict
from .observations import JOINED, REV_COLS, _latest_window, _obs_table, accepted_years
from .schema import decisions, imports, plans
from .schema import observations as o
from .schema import verdicts as v

if TYPE_CHECKING:
    from .base import StoreBase, UserRef

CHUNK = 5000


def _bytes(data: str | Path | bytes | IO[bytes]) -> tuple[bytes, str]:
    if isinstance(data, bytes | bytearray):
        return bytes(data), ""
    if isinstance(data, str | Path):
        p = Path(data)
        return p.read_bytes(), p.name
    return data.read(), getattr(data, "name", "") or ""


class ImportsMixin:
    def _cell_state(self: StoreBase, conn: sa.Connection, plan_id: str) -> dict:
        """Per cell: the latest revision (and whether it is locked) and the value in force."""
        latest = _latest_window(o.c.plan_id == plan_id)
        q = sa.select(
            latest.c.indicator,
            latest.c.area,
            latest.c.year,
            latest.c.revision,
            latest.c.decision,
            latest.c.unlocked_by,
        ).where(latest.c.rn == 1)
        state: dict[tuple[str, str, int], CellState] = {}
        for ind, area, year, rev, dec, unl in conn.execute(q):
            state[(ind, area, year)] = CellState(rev, dec == "approved" and unl is None)
        from .schema import decisions as d

        eff = _latest_window(
            (o.c.plan_id == plan_id) & ((d.c.decision.is_(None)) | (d.c.decision == "approved"))
        )
        q = sa.select(
            eff.c.indicator,
            eff.c.area,
            eff.c.year,
            eff.c.value,
            eff.c.status,
            eff.c.flags,
            eff.c.source,
            eff.c.note,
        ).where(eff.c.rn == 1)
        for ind, area, year, value, status, flags, source, note in conn.execute(q):
            s = state[(ind, area, year)]
            s.value, s.status, s.flags, s.source, s.note = value, status, flags, source, note
        return state

    def _approved_table(self: StoreBase, conn: sa.Connection, plan_id: str) -> Table:
        from .schema import decisions as d

        w = _latest_window((o.c.plan_id == plan_id) & (d.c.decision == "approved"))
        q = sa.select(
            w.c.indicator,
            w.c.area,
            w.c.year,
            w.c.value,
            w.c.status,
            w.c.flags,
            w.c.source,
            w.c.note,
            w.c.scope,
            w.c.derived,
            w.c.revision,
            w.c.decision,
            w.c.decided_at,
        ).where(w.c.rn == 1)
        return _obs_table(conn.execute(q).all())

    def import_file(
        self: StoreBase,
        user: UserRef,
        data: str | Path | bytes | IO[bytes],
        filename: str | None = None,
        dry_run: bool = False,
        comments: dict[int, str] | None = None,
        *,
        plan_id: str | None = None,
        jump_threshold: float | None = DEFAULT_JUMP,
        off_track: bool = True,
        approve: bool = False,
    ) -> ImportReport:
        """Check a CSV or Excel file of observations and, unless ``dry_run``, write it.

        Every accepted row becomes a new revision (``submitted``, or ``approved`` with
        ``approve`` for reviewers and administrators); unchanged rows are not written. A
        real import writes only if the report is ``ok`` (no error, every warning
        commented in ``comments``, keyed by row number) and then all rows in one
        transaction. ``report.written`` says whether it did.
        """
        raw, name = _bytes(data)
        filename = filename or name or "upload.csv"
        rows, file_problems = read_table(raw, filename)
        plan = self.plan(plan_id)
        now = self.now()
        ctx = self._read() if dry_run else self._write()
        try:
            with ctx as conn:
                who = self._actor(conn, user, system_if_none=False)
                self._require(who, who.is_admin or who.role == "reporter", "import data")
                if approve:
                    self._require(who, who.can_review, "approve data")
                if not dry_run:
                    self._lock_plan(conn, plan.id)
                owners = self._assignments(conn, plan.id)
                state = self._cell_state(conn, plan.id)
                approved = self._approved_table(conn, plan.id) if off_track else None

                def may_write(key: str) -> bool:
                    return who.is_admin or (
                        who.role == "reporter" and owners.get(key) == who.department
                    )

                report, accepted = check_import(
                    plan,
                    rows,
                    filename=filename,
                    years=accepted_years(plan),
                    state=state,
                    may_write=may_write,
                    approved=approved,
                    comments=comments,
                    jump_threshold=jump_threshold,
                    off_track=off_track,
                    dry_run=dry_run,
                )
                report.errors = file_problems + report.errors
                report.counts["errors"] = len(report.errors)
                if dry_run or not report.ok:
                    return report
                digest = hashlib.sha256(raw).hexdigest()
                import_id = conn.execute(
                    imports.insert()
                    .values(
                        plan_id=plan.id,
                        username=who.username,
                        at=to_db(now),
                        filename=filename,
                        sha256=digest,
                        row_count=len(accepted),
                    )
                    .returning(imports.c.id)
                ).scalar_one()
                at = to_db(now)
                batch = [
                    {
                        "plan_id": plan.id,
                        "indicator": a.record["indicator"],
                        "area": a.record["area"],
                        "year": a.record["year"],
                        "revision": a.revision,
                        "value": a.record["value"],
                        "status": a.record["status"],
                        "flags": a.record.get("flags", ""),
                        "source": a.record.get("source", ""),
                        "note": a.record.get("note", ""),
                        "scope": a.record.get("scope", ""),
                        "derived": a.record.get("derived", ""),
                        "comment": a.comment,
                        "created_by": who.username,
                        "created_at": at,
                        "import_id": import_id,
                    }
                    for a in accepted
                ]
                _insert_many(conn, o, batch)
                if approve and batch:
                    _approve_import(conn, import_id, who.username, at)
                    self._bump(conn, plan.id)
                changed = [c for c in report.changes if c["change"] != "unchanged"]
                self._audit(
                    conn,
                    who,
                    "import",
                    "import",
                    filename,
                    plan.id,
                    {
                        "import_id": import_id,
                        "sha256": digest,
                        "approved": approve,
                        "counts": report.counts,
                        "comments": {w.row: w.comment for w in report.warnings if w.comment},
                        "changes": changed if len(changed) <= 1000 else f"{len(changed)} rows",
                    },
                    now,
                )
                report.written = True
                report.import_id = import_id
                return report
        except sa.exc.IntegrityError:
            raise Conflict(
                "the data changed while the file was imported; nothing was written — try again"
            ) from None

    def import_bundled(
        self: StoreBase, plan_id: str, activate: bool = True
    ) -> dict[str, Any] | None:
        """Load a bundled plan with its observations and verdicts, approved, by ``system``.

        Does nothing (returns None) when the store holds the plan already. Everything is
        written in one transaction and audited as one import.
        """
        from ..core import load
        from ..plan.bundled import find_plan
        from ..plan.loader import parse_plan
        from .base import SYSTEM

        with self._read() as conn:
            if conn.execute(sa.select(plans.c.plan_id).where(plans.c.plan_id == plan_id)).first():
                return None
        plan_file = find_plan(plan_id)
        text = plan_file.read_text(encoding="utf-8")
        plan = parse_plan(text, str(plan_file))
        loaded = load(str(plan_file))
        obs = loaded.observations
        now = self.now()
        at = to_db(now)
        with self._write() as conn:
            version = self._load_plan(conn, SYSTEM, plan, text, activate)
            import_id = conn.execute(
                imports.insert()
                .values(
                    plan_id=plan.id,
                    username=SYSTEM.username,
                    at=at,
                    filename=loaded.data_source or "",
                    sha256=hashlib.sha256(
                        Path(loaded.data_source).read_bytes() if loaded.data_source else b""
                    ).hexdigest(),
                    row_count=obs.n_rows,
                )
                .returning(imports.c.id)
            ).scalar_one()
            batch = [
                {
                    "plan_id": plan.id,
                    "indicator": r["indicator"],
                    "area": r["area"],
                    "year": int(r["year"]),
                    "revision": 1,
                    "value": float(r["value"]),
                    "status": r["status"] or "final",
                    "flags": r.get("flags") or "",
                    "source": r.get("source") or "",
                    "note": r.get("note") or "",
                    "scope": r.get("scope") or "",
                    "derived": r.get("derived") or "",
                    "comment": "",
                    "created_by": SYSTEM.username,
                    "created_at": at,
                    "import_id": import_id,
                }
                for r in obs.rows()
            ]
            _insert_many(conn, o, batch)
            _approve_import(conn, import_id, SYSTEM.username, at)
            verdict_rows = [
                {
                    "plan_id": plan.id,
                    "target": r["target"],
                    "area": r["area"],
                    "year": int(r["year"]),
                    "revision": 1,
                    "verdict": r["verdict"],
                    "evidence": r["evidence"],
                    "judged_by": r.get("judged_by") or "",
                    "created_by": SYSTEM.username,
                    "created_at": at,
                }
                for r in loaded.verdicts
            ]
            _insert_many(conn, v, verdict_rows)
            self._bump(conn, plan.id)
            summary = {
                "plan_id": plan.id,
                "version": version,
                "import_id": import_id,
                "observations": len(batch),
                "verdicts": len(verdict_rows),
            }
            self._audit(conn, SYSTEM, "import.bundled", "import", plan.id, plan.id, summary, now)
        return summary

    def revisions_count(self: StoreBase, plan_id: str | None = None) -> int:
        """How many observation revisions the store holds (for a plan, or in all)."""
        q = sa.select(sa.func.count()).select_from(o)
        if plan_id:
            q = q.where(o.c.plan_id == plan_id)
        with self._read() as conn:
            return int(conn.execute(q).scalar_one())


def _insert_many(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), CHUNK):
        conn.execute(table.insert(), rows[i : i + CHUNK])


def _approve_import(conn: sa.Connection, import_id: int, username: str, at: Any) -> None:
    conn.execute(
        decisions.insert().from_select(
            ["observation_id", "decision", "decided_by", "decided_at", "reason"],
            sa.select(
                o.c.id,
                sa.literal("approved"),
                sa.literal(username),
                sa.literal(at, sa.DateTime()),
                sa.literal(""),
            ).where(o.c.import_id == import_id),
        )
    )


__all__ = ["JOINED", "REV_COLS", "ImportsMixin"]
