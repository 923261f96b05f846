"""Notices to users (due soon, overdue), their read marks and e-mail addresses."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ...errors import UsageError
from ..db import from_db, to_db
from ..errors import NotFound
from ..schema import (
    notices,
    user_emails,
    users,
)
from ._common import (
    _as_date,
    _notice_text,
    _system,
    log,
)

if TYPE_CHECKING:
    from ..base import StoreBase, UserRef


class NoticesMixin:
    # notices ------------------------------------------------------------------------------

    def set_email(self: StoreBase, username: str, email: str, actor: UserRef = None) -> None:
        """The address a user's notices are mailed to (the user or an administrator)."""
        email = (email or "").strip()
        if email and ("@" not in email or len(email) > 254 or any(c in email for c in " \r\n")):
            raise UsageError(f"{email!r} is not an e-mail address")
        with self._write() as conn:
            who = self._actor(conn, actor, system_if_none=True)
            self._require(who, who.is_admin or who.username == username, "set this address")
            if (
                conn.execute(sa.select(users.c.id).where(users.c.username == username)).first()
                is None
            ):
                raise NotFound(f"no user {username!r}")
            conn.execute(user_emails.delete().where(user_emails.c.username == username))
            if email:
                conn.execute(user_emails.insert().values(username=username, email=email))
            self._audit(conn, who, "user.email", "user", username, detail={"after": email})

    def generate_notices(
        self: StoreBase,
        as_of: date | None = None,
        *,
        before_days: int = 7,
        plan_id: str | None = None,
        smtp: Any = None,
    ) -> dict[str, Any]:
        """Notices for the users of every department with a task unreported for a period:
        ``due_soon`` from ``before_days`` before the due date to the due date, ``overdue``
        after it. Each user gets one notice of each kind per period; none once the plan's
        period and its reporting calendar have ended (:meth:`supervision_window`). E-mailed
        when SMTP is configured (``smtp``: :class:`~kaoping.assess.notices.SmtpSettings`;
        None: from the environment; False: never) to users with an address. Returns
        ``created`` (the new notices), ``emailed`` (how many) and ``email_error`` (None, or
        why sending failed).
        """
        from ...assess.notices import SmtpSettings, send_notices

        today = _as_date(as_of) or self.now().date()
        now = self.now()
        created: list[dict[str, Any]] = []
        if self.supervision_window(today, plan_id)["closed"]:
            # the plan's period and its reporting are over: nothing to remind anyone of
            return {"created": created, "emailed": 0, "email_error": None}
        with self._write() as conn:
            pid = self._plan_id(conn, plan_id)
            ts, periods, first = self._report_state(conn, pid)
            members: dict[str, list[str]] = {}
            for name, dept in conn.execute(
                sa.select(users.c.username, users.c.department).where(
                    users.c.active.is_(True), users.c.department.is_not(None)
                )
            ).all():
                members.setdefault(dept, []).append(name)
            have = {
                (u, k, p)
                for u, k, p in conn.execute(
                    sa.select(notices.c.username, notices.c.kind, notices.c.period).where(
                        notices.c.plan_id == pid
                    )
                ).all()
            }
            for p in periods:
                if today > p["due"]:
                    kind = "overdue"
                elif today >= p["due"] - timedelta(days=before_days):
                    kind = "due_soon"
                else:
                    continue
                missing: dict[str, list[str]] = {}
                for t in ts:
                    if self._due_in(t, p) and (t["key"], p["key"]) not in first:
                        for dk in t["departments"]:
                            missing.setdefault(dk, []).append(t["key"])
                for dept, keys in sorted(missing.items()):
                    for name in sorted(members.get(dept, [])):
                        if (name, kind, p["key"]) in have:
                            continue
                        text = _notice_text(kind, p, keys, today)
                        nid = conn.execute(
                            notices.insert()
                            .values(
                                plan_id=pid,
                                username=name,
                                kind=kind,
                                period=p["key"],
                                department=dept,
                                created_at=to_db(now),
                                **text,
                            )
                            .returning(notices.c.id)
                        ).scalar_one()
                        have.add((name, kind, p["key"]))
                        created.append(
                            {
                                "id": nid,
                                "username": name,
                                "kind": kind,
                                "period": p["key"],
                                "department": dept,
                                **text,
                            }
                        )
            if created:
                self._audit(
                    conn,
                    _system(),
                    "notices.generate",
                    "notice",
                    today.isoformat(),
                    pid,
                    {"created": len(created)},
                    now,
                )
        settings = SmtpSettings.from_env() if smtp is None else (smtp or None)
        emailed, error = 0, None
        if settings is not None and created:
            with self._read() as conn:
                addr = dict(
                    conn.execute(sa.select(user_emails.c.username, user_emails.c.email)).all()
                )
            items = [(n, addr[n["username"]]) for n in created if n["username"] in addr]
            try:
                sent = send_notices(settings, items)
            except (OSError, Exception) as e:  # smtplib errors are OSError or SMTPException
                log.warning("sending notices failed: %s", e)
                sent, error = [], str(e) or type(e).__name__
            if sent:
                with self._write() as conn:
                    conn.execute(
                        notices.update()
                        .where(notices.c.id.in_(sent))
                        .values(emailed_at=to_db(self.now()))
                    )
            emailed = len(sent)
        return {"created": created, "emailed": emailed, "email_error": error}

    def notices(
        self: StoreBase, user: UserRef, unread_only: bool = False, limit: int = 200
    ) -> list[dict[str, Any]]:
        """A user's notices, newest first."""
        with self._read() as conn:
            who = self._actor(conn, user, system_if_none=False)
            q = sa.select(notices).where(notices.c.username == who.username)
            if unread_only:
                q = q.where(notices.c.read_at.is_(None))
            rows = (
                conn.execute(
                    q.order_by(notices.c.created_at.desc(), notices.c.id.desc()).limit(int(limit))
                )
                .mappings()
                .all()
            )
        return [
            {
                **dict(r),
                "created_at": from_db(r["created_at"]),
                "read_at": from_db(r["read_at"]),
                "emailed_at": from_db(r["emailed_at"]),
                "read": r["read_at"] is not None,
            }
            for r in rows
        ]

    def unread_notices(self: StoreBase, user: UserRef) -> int:
        with self._read() as conn:
            who = self._actor(conn, user, system_if_none=False)
            return int(
                conn.execute(
                    sa.select(sa.func.count())
                    .select_from(notices)
                    .where(notices.c.username == who.username, notices.c.read_at.is_(None))
                ).scalar_one()
            )

    def mark_read(self: StoreBase, user: UserRef, notice_id: int | None = None) -> int:
        """Mark one of the user's notices (or all of them) read; returns how many changed."""
        with self._write() as conn:
            who = self._actor(conn, user, system_if_none=False)
            where = (notices.c.username == who.username) & notices.c.read_at.is_(None)
            if notice_id is not None:
                exists = conn.execute(
                    sa.select(notices.c.username).where(notices.c.id == int(notice_id))
                ).first()
                if exists is None or exists[0] != who.username:
                    raise NotFound(f"no notice {notice_id}")
                where = where & (notices.c.id == int(notice_id))
            done = conn.execute(notices.update().where(where).values(read_at=to_db(self.now())))
            return int(done.rowcount or 0)
