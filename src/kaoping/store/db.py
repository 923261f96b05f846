"""The database connection: engine set-up for SQLite and PostgreSQL, and migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from ..errors import UsageError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
WRITE = {"kaoping_write": True}


def normalise_url(url: str) -> str:
    """A SQLAlchemy URL: a bare path becomes SQLite, ``postgresql://`` uses psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> sa.Engine:
    """An engine; SQLite gets foreign keys, WAL, a busy timeout and ``BEGIN IMMEDIATE`` writes."""
    url = normalise_url(url)
    backend = sa.make_url(url).get_backend_name()
    if backend == "sqlite":
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        _sqlite_events(engine)
    elif backend == "postgresql":
        engine = sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    else:
        raise UsageError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")
    return engine


def _sqlite_events(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # let SQLAlchemy's "begin" event decide how a transaction starts
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # writers take the write lock at once: no upgrade deadlock between two writers
        immediate = conn.get_execution_options().get("kaoping_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def migrate(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with the package's Alembic migrations."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()


def current_revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_db(dt: datetime) -> datetime:
    """A time as stored: UTC without a zone (a naive time is taken as UTC)."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


def from_db(dt: datetime | str | None) -> datetime | None:
    """A stored time as an aware UTC datetime."""
    if dt is None:
        return None
    if isinstance(dt, str):
        dt = datetime.fromisoformat(dt)
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
