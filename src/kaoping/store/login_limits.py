"""The login limit: failed logins counted per user name and per address in the database,
so that every worker shares them."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from .db import from_db, to_db
from .names import username_key
from .schema import login_failures

if TYPE_CHECKING:
    from .base import StoreBase


class LoginLimitsMixin:
    def _login_keys(self: StoreBase, username: str, address: str) -> list[tuple[str, str, int]]:
        s = self.settings
        return [
            ("user", username_key(username)[:255], max(1, int(s.login_attempts))),
            ("address", (address or "-")[:255], max(1, int(s.login_attempts_per_address))),
        ]

    def login_wait(self: StoreBase, username: str, address: str) -> int:
        """Seconds to wait before the next login try for this user name or from this
        address (0: go ahead). Counts are kept in the database, shared by every worker."""
        now = self._auth_now()
        window = timedelta(minutes=max(1, int(self.settings.login_window_minutes)))
        wait = 0
        with self._read() as conn:
            for kind, key, limit in self._login_keys(username, address):
                q = (
                    sa.select(login_failures.c.at)
                    .where(
                        login_failures.c.kind == kind,
                        login_failures.c.key == key,
                        login_failures.c.at > to_db(now - window),
                    )
                    .order_by(login_failures.c.at.desc())
                    .limit(limit)
                )
                times = [from_db(t) for (t,) in conn.execute(q)]
                if len(times) >= limit:
                    # the wait until the oldest of the last ``limit`` failures leaves the window
                    free = times[-1] + window - from_db(to_db(now))
                    wait = max(wait, int(free.total_seconds()) + 1)
        return wait

    def login_failed(self: StoreBase, username: str, address: str) -> None:
        """Count one failed login against the user name and the address."""
        now = self._auth_now()
        window = timedelta(minutes=max(1, int(self.settings.login_window_minutes)))
        with self._write() as conn:
            conn.execute(login_failures.delete().where(login_failures.c.at < to_db(now - window)))
            conn.execute(
                login_failures.insert(),
                [
                    {"kind": kind, "key": key, "at": to_db(now)}
                    for kind, key, _ in self._login_keys(username, address)
                ],
            )

    def login_succeeded(self: StoreBase, username: str, address: str) -> None:
        """A right password: the user name's failures are forgotten (the address's stay)."""
        kind, key, _ = self._login_keys(username, address)[0]
        with self._write() as conn:
            conn.execute(
                login_failures.delete().where(
                    login_failures.c.kind == kind, login_failures.c.key == key
                )
            )
