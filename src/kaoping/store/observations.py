"""Observation revisions: submit, approve, reject, unlock; the evaluation's input; history.

A cell is (plan, indicator, area, year). Every write to a cell adds a revision (1, 2, …);
no row is ever updated or deleted. A revision's state comes from the review tables:

- ``submitted``: no decision yet (``superseded`` once a later revision exists);
- ``approved`` / ``rejected``: a row in ``decisions`` (one per revision, never changed);
- an approved latest revision is *locked* until a reviewer unlocks it (a row in ``unlocks``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..data.observations import RowChecker
from ..errors import DataError, UsageError
from .db import from_db, to_db
from .errors import Conflict, Locked, NotFound, ReasonRequired
from .frame import CELL, ENTRY_COLS, value_text
from .schema import decisions as d
from .schema import observations as o
from .schema import unlocks as u

if TYPE_CHECKING:
    from ..plan.model import Plan
    from .base import Actor, StoreBase, UserRef

REV_COLS = [
    o.c.id,
    o.c.plan_id,
    *ENTRY_COLS,
    o.c.comment,
    o.c.created_by,
    o.c.created_at,
    o.c.import_id,
    d.c.decision,
    d.c.decided_by,
    d.c.decided_at,
    d.c.reason,
    u.c.unlocked_by,
    u.c.unlocked_at,
    u.c.reason.label("unlock_reason"),
]
JOINED = o.outerjoin(d, d.c.observation_id == o.c.id).outerjoin(u, u.c.observation_id == o.c.id)


def accepted_years(plan: Plan) -> tuple[int, int]:
    """Years a value may be given for: the base year (and its baseline window) to the end."""
    return plan.base_year - plan.methods.baseline_window, plan.period.end


def revision_dict(r: Any, latest: int | None = None) -> dict[str, Any]:
    """A revision row as a plain dict, with its state and whether it is locked."""
    decision = r["decision"]
    is_latest = latest is None or r["revision"] >= latest
    state = decision or ("submitted" if is_latest else "superseded")
    return {
        "id": r["id"],
        "plan_id": r["plan_id"],
        "indicator": r["indicator"],
        "area": r["area"],
        "year": r["year"],
        "revision": r["revision"],
        "value": r["value"],
        "censor": r["censor"] or "",
        "previous_basis": r["previous_basis"],
        "status": r["status"],
        "flags": [f for f in (r["flags"] or "").split(",") if f],
        "source": r["source"],
        "note": r["note"],
        "scope": r["scope"],
        "derived": r["derived"],
        "comment": r["comment"],
        "created_by": r["created_by"],
        "created_at": from_db(r["created_at"]),
        "import_id": r["import_id"],
        "state": state,
        "reviewed_by": r["decided_by"],
        "reviewed_at": from_db(r["decided_at"]),
        "review_reason": r["reason"] or None,
        "unlocked_by": r["unlocked_by"],
        "unlocked_at": from_db(r["unlocked_at"]),
        "unlock_reason": r["unlock_reason"],
        "locked": bool(is_latest and decision == "approved" and r["unlocked_by"] is None),
    }


def is_locked(r: Any) -> bool:
    """Whether a cell's latest revision (row) is approved and not unlocked."""
    return r is not None and r["decision"] == "approved" and r["unlocked_by"] is None


def _cell(plan_id: str, indicator: str, area: str, year: int) -> Any:
    return (
        (o.c.plan_id == plan_id)
        & (o.c.indicator == indicator)
        & (o.c.area == area)
        & (o.c.year == year)
    )


def _latest_window(where: Any, *extra: Any) -> Any:
    """Per cell, the revisions matching ``where`` ranked newest first (``rn`` = 1 is the latest)."""
    rn = sa.func.row_number().over(partition_by=CELL, order_by=o.c.revision.desc()).label("rn")
    return sa.select(*REV_COLS, *extra, rn).select_from(JOINED).where(where).subquery()


class ObservationsMixin:
    # checks -------------------------------------------------------------------------------

    def _may_write(
        self: StoreBase, conn: sa.Connection, who: Actor, plan_id: str, key: str
    ) -> bool:
        if who.is_admin:
            return True
        if who.role != "reporter" or not who.department:
            return False
        return self._assignments(conn, plan_id).get(key) == who.department

    def _latest(
        self: StoreBase, conn: sa.Connection, plan_id: str, indicator: str, area: str, year: int
    ) -> Any:
        q = (
            sa.select(*REV_COLS)
            .select_from(JOINED)
            .where(_cell(plan_id, indicator, area, year))
            .order_by(o.c.revision.desc())
            .limit(1)
        )
        return conn.execute(q).mappings().first()

    # writes -------------------------------------------------------------------------------

    def submit(
        self: StoreBase,
        user: UserRef,
        indicator: str,
        area: str | None,
        year: int,
        value: float | str,
        *,
        status: str = "provisional",
        flags: tuple[str, ...] | list[str] | str = (),
        source: str = "",
        note: str = "",
        base_revision: int | None = None,
        comment: str = "",
        plan_id: str | None = None,
        censor: str = "",
        previous_basis: float | str | None = None,
    ) -> dict[str, Any]:
        """Add a revision in state ``submitted`` and return it.

        ``value`` is a number or its text, which may be a bound (``">25"``, ``"0.5以下"``,
        see :func:`kaoping.data.cells.parse_value`); ``censor`` (``">"`` or ``"<"``) makes
        a number a bound too. ``previous_basis`` is the same year's value on the old
        basis, for a value flagged ``break``.

        ``base_revision`` is the revision the user saw as the latest (0 for none); if
        another revision was written since, :class:`Conflict` is raised and nothing is
        written. A locked (approved) value raises :class:`Locked`; a value the plan does
        not accept raises :class:`DataError`; a user who may not write it,
        :class:`PermissionDenied`.
        """
        plan = self.plan(plan_id)
        checker = RowChecker(plan, "<entry>", years=accepted_years(plan), flags=True)
        flag_text = flags if isinstance(flags, str) else ",".join(flags)
        raw = {
            "indicator": indicator,
            "area": area or "",
            "year": str(year),
            "value": value_text(value, censor),
            "previous_basis": "" if previous_basis is None else str(previous_basis),
            "status": status,
            "flags": flag_text,
            "source": source or "",
            "note": note or "",
            "comment": comment or "",
        }
        rec = checker.check(None, raw)  # type: ignore[arg-type]
        if rec is None:
            raise DataError(checker.problems)
        attempted = {
            "value": rec["value"],
            "censor": rec.get("censor", ""),
            "previous_basis": rec.get("previous_basis"),
            "status": rec["status"],
            "flags": rec.get("flags", ""),
            "source": rec.get("source", ""),
            "note": rec.get("note", ""),
            "base_revision": base_revision,
        }
        key = f"{rec['indicator']}/{rec['area']}/{rec['year']}"
        now = self.now()
        try:
            with self._write() as conn:
                who = self._actor(conn, user, system_if_none=False)
                self._require(
                    who, self._may_write(conn, who, plan.id, rec["indicator"]), f"write {indicator}"
                )
                self._lock_plan(conn, plan.id)
                cur = self._latest(conn, plan.id, rec["indicator"], rec["area"], rec["year"])
                cur_rev = cur["revision"] if cur is not None else 0
                if base_revision is not None and int(base_revision) != cur_rev:
                    raise Conflict(
                        f"{key} was changed meanwhile: revision {cur_rev} is the latest, "
                        f"not {base_revision}",
                        revision_dict(cur) if cur is not None else None,
                        attempted,
                    )
                if is_locked(cur):
                    raise Locked(
                        f"{key} is approved and locked (revision {cur_rev}); "
                        "a reviewer must unlock it first",
                        revision_dict(cur),
                    )
                new_id = conn.execute(
                    o.insert()
                    .values(
                        plan_id=plan.id,
                        indicator=rec["indicator"],
                        area=rec["area"],
                        year=rec["year"],
                        revision=cur_rev + 1,
                        value=rec["value"],
                        censor=rec.get("censor", ""),
                        previous_basis=rec.get("previous_basis"),
                        status=rec["status"],
                        flags=rec.get("flags", ""),
                        source=rec.get("source", ""),
                        note=rec.get("note", ""),
                        comment=comment or "",
                        created_by=who.username,
                        created_at=to_db(now),
                    )
                    .returning(o.c.id)
                ).scalar_one()
                self._audit(
                    conn,
                    who,
                    "observation.submit",
                    "observation",
                    key,
                    plan.id,
                    {
                        "revision": cur_rev + 1,
                        "before": _brief(cur),
                        "after": {k: v for k, v in attempted.items() if k != "base_revision"},
                    },
                    now,
                )
                row = (
                    conn.execute(sa.select(*REV_COLS).select_from(JOINED).where(o.c.id == new_id))
                    .mappings()
                    .one()
                )
                return revision_dict(row)
        except IntegrityError:
            with self._read() as conn:
                cur = self._latest(conn, plan.id, rec["indicator"], rec["area"], rec["year"])
            now_rev = cur["revision"] if cur else 0
            err = Conflict(
                f"{key} was changed meanwhile: revision {now_rev} is the latest",
                revision_dict(cur) if cur is not None else None,
                attempted,
            )
            self._audit_conflict(user, plan.id, key, err)
            raise err from None
        except Conflict as err:
            self._audit_conflict(user, plan.id, key, err)
            raise

    def _audit_conflict(
        self: StoreBase, user: UserRef, plan_id: str, key: str, err: Conflict
    ) -> None:
        """Keep a lost write's value in the audit log (its own transaction)."""
        with self._write() as conn:
            who = self._actor(conn, user, system_if_none=False)
            cur = err.current
            self._audit(
                conn,
                who,
                "observation.conflict",
                "observation",
                key,
                plan_id,
                {
                    "attempted": err.attempted,
                    "current": None
                    if cur is None
                    else {k: cur[k] for k in ("revision", "value", "state", "created_by")},
                },
            )

    def _decide(
        self: StoreBase, user: UserRef, revision_id: int, decision: str, reason: str
    ) -> dict[str, Any]:
        now = self.now()
        try:
            with self._write() as conn:
                who = self._actor(conn, user, system_if_none=False)
                self._require(who, who.can_review, "review values")
                row = (
                    conn.execute(
                        sa.select(*REV_COLS).select_from(JOINED).where(o.c.id == revision_id)
                    )
                    .mappings()
                    .first()
                )
                if row is None:
                    raise NotFound(f"no revision {revision_id}")
                pid = row["plan_id"]
                self._lock_plan(conn, pid)
                key = f"{row['indicator']}/{row['area']}/{row['year']}"
                self._four_eyes(who, row["created_by"], f"{key} (revision {row['revision']})")
                cur = self._latest(conn, pid, row["indicator"], row["area"], row["year"])
                if cur["revision"] != row["revision"]:
                    raise Conflict(
                        f"{key}: revision {row['revision']} is superseded by revision "
                        f"{cur['revision']}",
                        revision_dict(cur),
                    )
                if row["decision"] is not None:
                    raise Conflict(
                        f"{key}: revision {row['revision']} is {row['decision']} already",
                        revision_dict(row),
                    )
                before = self._approved_before(conn, row) if decision == "approved" else None
                conn.execute(
                    d.insert().values(
                        observation_id=revision_id,
                        decision=decision,
                        decided_by=who.username,
                        decided_at=to_db(now),
                        reason=reason,
                    )
                )
                if decision == "approved":
                    self._bump(conn, pid)
                self._audit(
                    conn,
                    who,
                    "observation.approve" if decision == "approved" else "observation.reject",
                    "observation",
                    key,
                    pid,
                    {
                        "revision": row["revision"],
                        "reason": reason or None,
                        "before": before,
                        "after": _brief(row),
                    },
                    now,
                )
                out = (
                    conn.execute(
                        sa.select(*REV_COLS).select_from(JOINED).where(o.c.id == revision_id)
                    )
                    .mappings()
                    .one()
                )
                return revision_dict(out)
        except IntegrityError:
            raise Conflict(f"revision {revision_id} was decided meanwhile") from None

    def _approved_before(self: StoreBase, conn: sa.Connection, row: Any) -> dict | None:
        q = (
            sa.select(*REV_COLS)
            .select_from(JOINED)
            .where(
                _cell(row["plan_id"], row["indicator"], row["area"], row["year"]),
                d.c.decision == "approved",
            )
            .order_by(o.c.revision.desc())
            .limit(1)
        )
        return _brief(conn.execute(q).mappings().first())

    def approve(self: StoreBase, user: UserRef, revision_id: int) -> dict[str, Any]:
        """Approve the latest revision of a cell (reviewers and administrators); it is locked."""
        return self._decide(user, revision_id, "approved", "")

    def reject(self: StoreBase, user: UserRef, revision_id: int, reason: str) -> dict[str, Any]:
        """Reject the latest revision of a cell, with a reason (reviewers and administrators)."""
        if not (reason or "").strip():
            raise ReasonRequired("a rejection needs a reason")
        return self._decide(user, revision_id, "rejected", reason.strip())

    def unlock(
        self: StoreBase,
        user: UserRef,
        indicator: str,
        area: str | None,
        year: int,
        reason: str,
        plan_id: str | None = None,
    ) -> dict[str, Any]:
        """Unlock a cell's approved value so that a new revision may be submitted."""
        if not (reason or "").strip():
            raise ReasonRequired("unlocking needs a reason")
        now = self.now()
        with self._write() as conn:
            who = self._actor(conn, user, system_if_none=False)
            self._require(who, who.can_review, "unlock values")
            pid = self._plan_id(conn, plan_id)
            area = area or self.plan(pid).default_area
            self._lock_plan(conn, pid)
            cur = self._latest(conn, pid, indicator, area, int(year))
            key = f"{indicator}/{area}/{year}"
            if not is_locked(cur):
                raise UsageError(f"{key} is not locked")
            conn.execute(
                u.insert().values(
                    observation_id=cur["id"],
                    unlocked_by=who.username,
                    unlocked_at=to_db(now),
                    reason=reason.strip(),
                )
            )
            self._bump(conn, pid)
            self._audit(
                conn,
                who,
                "observation.unlock",
                "observation",
                key,
                pid,
                {
                    "revision": cur["revision"],
                    "reason": reason.strip(),
                    "value": cur["value"],
                    "censor": cur["censor"] or "",
                },
                now,
            )
            return revision_dict(self._latest(conn, pid, indicator, area, int(year)))


def _brief(r: Any) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "revision": r["revision"],
        "value": r["value"],
        "censor": r["censor"] or "",
        "previous_basis": r["previous_basis"],
        "status": r["status"],
        "flags": r["flags"],
        "state": r["decision"] or "submitted",
    }
