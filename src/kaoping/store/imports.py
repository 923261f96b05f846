"""Imports: observation files (all or nothing, in one transaction) and the bundled plans."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import sqlalchemy as sa

from ..data.importer import DEFAULT_JUMP, CellState, ImportReport, check_import, read_table
from ..data.observations import parse_flags
from ..engine.table import Table
from ..errors import KaopingError, UsageError
from .bulk import OBS_COLUMNS, approve_import, insert_dicts, insert_rows
from .db import from_db, to_db
from .errors import Conflict, NotFound
from .frame import approved_where, latest_rows, obs_table
from .observations import JOINED, REV_COLS, _latest_window, accepted_years
from .schema import import_jobs, imports, plans
from .schema import observations as o
from .schema import verdicts as v

if TYPE_CHECKING:
    from .base import StoreBase, UserRef

JOB_STATES = ("queued", "running", "done", "failed")
STALE_AFTER = timedelta(hours=1)  # a job not heard of for this long has lost its server
Progress = Callable[[str, float], None]


class TooLarge(UsageError):
    """An upload over the size limit (``KAOPING_MAX_UPLOAD_MB``); HTTP 413."""

    code = "too_large"
    status = 413


def too_large(limit_mb: int) -> TooLarge:
    return TooLarge(
        f"the file is larger than {limit_mb} MB, the limit of this site "
        "(KAOPING_MAX_UPLOAD_MB); split it into smaller files"
    )


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
            eff.c.censor,
            eff.c.previous_basis,
        ).where(eff.c.rn == 1)
        for ind, area, year, value, status, flags, source, note, cen, prev in conn.execute(q):
            s = state[(ind, area, year)]
            s.value, s.status, s.flags, s.source, s.note = value, status, flags, source, note
            s.censor, s.previous_basis = cen or "", prev
        return state

    def _approved_table(self: StoreBase, conn: sa.Connection, plan_id: str) -> Table:
        return obs_table(latest_rows(conn, approved_where(plan_id, True, None), ordered=False))

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
        progress: Progress | None = None,
    ) -> ImportReport:
        """Check a CSV or Excel file of observations and, unless ``dry_run``, write it.

        Every accepted row becomes a new revision (``submitted``, or ``approved`` with
        ``approve`` for reviewers and administrators); unchanged rows are not written. A
        real import writes only if the report is ``ok`` (no error, every warning
        commented in ``comments``, keyed by row number) and then all rows in one
        transaction. ``report.written`` says whether it did.
        """
        step = progress or (lambda stage, fraction: None)
        raw, name = _bytes(data)
        limit = self.max_upload_bytes()
        if len(raw) > limit:
            raise too_large(limit // 2**20)
        filename = filename or name or "upload.csv"
        step("reading", 0.0)
        rows, file_problems = read_table(raw, filename)
        step("checking", 0.1)
        plan = self.plan(plan_id)
        now = self.now()
        ctx = self._read() if dry_run else self._write()
        try:
            with ctx as conn:
                who = self._actor(conn, user, system_if_none=False)
                self._require(who, who.is_admin or who.role == "reporter", "import data")
                if approve:
                    self._require(who, who.can_review, "approve data")
                    self._four_eyes(who, who.username, "this import")
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
                    progress=lambda f: step("checking", 0.1 + 0.6 * f),
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
                    (
                        plan.id,
                        a.record["indicator"],
                        a.record["area"],
                        a.record["year"],
                        a.revision,
                        a.record["value"],
                        a.record.get("censor", ""),
                        a.record.get("previous_basis"),
                        a.record["status"],
                        a.record.get("flags", ""),
                        a.record.get("source", ""),
                        a.record.get("note", ""),
                        a.record.get("scope", ""),
                        a.record.get("derived", ""),
                        a.comment,
                        who.username,
                        at,
                        import_id,
                    )
                    for a in accepted
                ]
                step("writing", 0.7)
                insert_rows(conn, o, OBS_COLUMNS, batch, lambda f: step("writing", 0.7 + 0.25 * f))
                if approve and batch:
                    approve_import(conn, import_id, who.username, at)
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

    # import jobs: the upload kept on the server, run in the background ---------------------

    def max_upload_bytes(self: StoreBase) -> int:
        """The largest file an import accepts (``KAOPING_MAX_UPLOAD_MB``)."""
        return int(getattr(self.settings, "max_upload_mb", 20) or 20) * 2**20

    def start_import_job(
        self: StoreBase,
        user: UserRef,
        data: bytes,
        filename: str,
        *,
        dry_run: bool = True,
        comments: dict[int, str] | None = None,
        approve: bool = False,
        plan_id: str | None = None,
    ) -> dict[str, Any]:
        """Keep an uploaded file on the server as a queued import job and return the job.

        Run it with :meth:`run_import_job` (the web does, in the background); poll it with
        :meth:`import_job`. A dry run's upload stays until it expires
        (``KAOPING_IMPORT_KEEP_HOURS``) so that :meth:`confirm_import_job` can write it
        without the file being sent again. Expired jobs are removed here.
        """
        limit = self.max_upload_bytes()
        if len(data) > limit:
            raise too_large(limit // 2**20)
        if not data:
            raise UsageError("the file is empty")
        plan = self.plan(plan_id)
        now = self.now()
        keep = timedelta(hours=int(getattr(self.settings, "import_keep_hours", 24) or 24))
        job_id = secrets.token_urlsafe(16)
        with self._write() as conn:
            who = self._actor(conn, user, system_if_none=False)
            self._require(who, who.is_admin or who.role == "reporter", "import data")
            if approve:
                self._require(who, who.can_review, "approve data")
            conn.execute(import_jobs.delete().where(import_jobs.c.expires_at < to_db(now)))
            conn.execute(
                import_jobs.insert().values(
                    id=job_id,
                    plan_id=plan.id,
                    username=who.username,
                    filename=(filename or "upload.csv")[:255],
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    upload=data,
                    dry_run=dry_run,
                    approve=approve,
                    comments=json.dumps({str(k): v for k, v in (comments or {}).items()}),
                    state="queued",
                    stage="queued",
                    progress=0.0,
                    created_at=to_db(now),
                    updated_at=to_db(now),
                    expires_at=to_db(now + keep),
                )
            )
        return self.import_job(job_id, user)

    def confirm_import_job(
        self: StoreBase,
        user: UserRef,
        job_id: str,
        comments: dict[int, str] | None = None,
        approve: bool = False,
    ) -> dict[str, Any]:
        """Queue the real import of a finished dry run's upload (kept on the server)."""
        now = self.now()
        with self._write() as conn:
            who = self._actor(conn, user, system_if_none=False)
            row = self._job_row(conn, job_id, who)
            if approve:
                self._require(who, who.can_review, "approve data")
            if row["upload"] is None or from_db(row["expires_at"]) < now:
                raise UsageError("the uploaded file has expired or was imported; upload it again")
            if not (row["dry_run"] and row["state"] == "done"):
                raise Conflict(
                    f"import {job_id} is {row['state']}"
                    + ("" if row["dry_run"] else " (already confirmed)")
                    + ": only a finished dry run can be confirmed"
                )
            given = {str(k): v for k, v in json.loads(row["comments"] or "{}").items()}
            given.update({str(k): v for k, v in (comments or {}).items()})
            done = conn.execute(
                import_jobs.update()
                .where(
                    import_jobs.c.id == job_id,
                    import_jobs.c.state == "done",
                    import_jobs.c.dry_run.is_(True),
                )
                .values(
                    dry_run=False,
                    approve=approve,
                    comments=json.dumps(given),
                    state="queued",
                    stage="queued",
                    progress=0.0,
                    result=None,
                    error=None,
                    updated_at=to_db(now),
                )
            ).rowcount
            if not done:
                raise Conflict(f"import {job_id} was confirmed meanwhile")
        return self.import_job(job_id, user)

    def import_job(self: StoreBase, job_id: str, user: UserRef) -> dict[str, Any]:
        """An import job as data: state, stage, progress (0–1), and its report when done.

        Only its owner and administrators see it (others: :class:`NotFound`).
        """
        with self._read() as conn:
            who = self._actor(conn, user, system_if_none=False)
            row = self._job_row(conn, job_id, who)
        job = _job_dict(row)
        if job["state"] in ("queued", "running") and (
            self.now() - from_db(row["updated_at"]) > STALE_AFTER
        ):
            # its server stopped (a restart, a crash): the import's transaction never ended
            job.update(
                state="failed",
                stage="failed",
                error="the server stopped before the import ended; nothing was written — "
                "upload the file again",
            )
        return job

    def _job_row(self: StoreBase, conn: sa.Connection, job_id: str, who: Any) -> Any:
        row = (
            conn.execute(sa.select(import_jobs).where(import_jobs.c.id == str(job_id)[:32]))
            .mappings()
            .first()
        )
        if row is None or not (who.is_admin or row["username"] == who.username):
            raise NotFound(f"no import {job_id}")
        return row

    def run_import_job(self: StoreBase, job_id: str, progress: Progress | None = None) -> dict:
        """Run a queued import job to its end (in the caller's thread) and return it.

        The report is kept with the job; a real import that wrote drops the upload. A
        failure (e.g. the data changed meanwhile) is kept as the job's error. Progress is
        reported to ``progress`` and, for dry runs, saved with the job now and then.
        """
        import time

        with self._write() as conn:
            row = (
                conn.execute(sa.select(import_jobs).where(import_jobs.c.id == job_id))
                .mappings()
                .first()
            )
            if row is None or row["state"] != "queued":
                raise NotFound(f"no queued import {job_id}")
            conn.execute(
                import_jobs.update()
                .where(import_jobs.c.id == job_id)
                .values(state="running", stage="reading", updated_at=to_db(self.now()))
            )
        last = [0.0]

        def step(stage: str, fraction: float) -> None:
            if progress is not None:
                progress(stage, fraction)
            # a dry run holds no write lock: its progress can be saved for other workers
            if row["dry_run"] and time.monotonic() - last[0] > 1.0:
                last[0] = time.monotonic()
                with self._write() as c:
                    c.execute(
                        import_jobs.update()
                        .where(import_jobs.c.id == job_id)
                        .values(stage=stage, progress=fraction, updated_at=to_db(self.now()))
                    )

        values: dict[str, Any]
        try:
            report = self.import_file(
                row["username"],
                row["upload"],
                row["filename"],
                dry_run=bool(row["dry_run"]),
                comments={int(k): v for k, v in json.loads(row["comments"] or "{}").items()},
                plan_id=row["plan_id"],
                approve=bool(row["approve"]),
                progress=step,
            )
            values = {"state": "done", "stage": "done", "progress": 1.0}
            values["result"] = json.dumps(report.to_dict(), ensure_ascii=False, default=str)
            if report.written:
                values["upload"] = None
        except KaopingError as e:
            values = {"state": "failed", "stage": "failed", "error": str(e)}
        except Exception:  # kept with the job and logged; the server goes on
            logging.getLogger("kaoping.store").exception("import job %s failed", job_id)
            values = {
                "state": "failed",
                "stage": "failed",
                "error": "an internal error stopped the import; nothing was written",
            }
        values["updated_at"] = to_db(self.now())
        with self._write() as conn:
            conn.execute(import_jobs.update().where(import_jobs.c.id == job_id).values(**values))
            row = (
                conn.execute(sa.select(import_jobs).where(import_jobs.c.id == job_id))
                .mappings()
                .one()
            )
        return _job_dict(row)

    def fail_import_job(self: StoreBase, job_id: str, error: str) -> dict[str, Any]:
        """Mark a queued or running job as failed (its runner stopped) and return it."""
        with self._write() as conn:
            conn.execute(
                import_jobs.update()
                .where(import_jobs.c.id == job_id, import_jobs.c.state.in_(("queued", "running")))
                .values(state="failed", stage="failed", error=error, updated_at=to_db(self.now()))
            )
            row = (
                conn.execute(sa.select(import_jobs).where(import_jobs.c.id == job_id))
                .mappings()
                .one()
            )
        return _job_dict(row)

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
                (
                    plan.id,
                    r["indicator"],
                    r["area"],
                    int(r["year"]),
                    1,
                    float(r["value"]),
                    r.get("censor") or "",
                    _none_if_nan(r.get("previous_basis")),
                    r["status"] or "final",
                    ",".join(sorted(set(parse_flags(r.get("flags") or "")))),
                    r.get("source") or "",
                    r.get("note") or "",
                    r.get("scope") or "",
                    r.get("derived") or "",
                    "",
                    SYSTEM.username,
                    at,
                    import_id,
                )
                for r in obs.rows()
            ]
            insert_rows(conn, o, OBS_COLUMNS, batch)
            approve_import(conn, import_id, SYSTEM.username, at)
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
            insert_dicts(conn, v, verdict_rows)
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


def _none_if_nan(v: Any) -> float | None:
    return None if v is None or v != v else float(v)


def _job_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "plan_id": row["plan_id"],
        "username": row["username"],
        "filename": row["filename"],
        "size": row["size"],
        "sha256": row["sha256"],
        "dry_run": bool(row["dry_run"]),
        "approve": bool(row["approve"]),
        "state": row["state"],
        "stage": row["stage"],
        "progress": round(float(row["progress"]), 3),
        "report": json.loads(row["result"]) if row["result"] else None,
        "error": row["error"],
        "kept": row["upload"] is not None,
        "created_at": from_db(row["created_at"]).isoformat(),
        "updated_at": from_db(row["updated_at"]).isoformat(),
        "expires_at": from_db(row["expires_at"]).isoformat(),
    }


__all__ = ["JOINED", "REV_COLS", "ImportsMixin", "TooLarge"]
