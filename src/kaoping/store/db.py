"""The database connection: engine set-up for SQLite and PostgreSQL, and migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from ..data.cells import text_problem
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
        _private_sqlite_file(sa.make_url(url).database)
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        _sqlite_events(engine)
    elif backend == "postgresql":
        engine = sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
        event.listen(engine, "handle_error", _nul_text)
    else:
        raise UsageError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")
    # both databases: no text with a NUL or another control character is stored
    event.listen(engine, "before_cursor_execute", _refuse_control_text)
    return engine


def _private_sqlite_file(database: str | None) -> None:
    """Create a new SQLite file readable by its owner only (0600), before SQLite does.

    SQLite gives the -wal, -shm and journal files the database file's permissions, so
    they are private too. An existing file is left as it is (see docs/deployment.md)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    import os

    path = Path(database).expanduser()
    if path.exists() or not path.parent.is_dir():
        return
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, 0o600)  # whatever the umask


class BadText(UsageError):
    """A text holding a NUL or another control character (other than tab, line feed and
    carriage return): refused alike on SQLite and PostgreSQL (400)."""

    code = "bad_text"


ANY_TEXT = {"kaoping_any_text": True}  # migrations: they move what is stored already


def _refuse_control_text(
    conn: sa.Connection,
    _cursor: Any,
    _statement: str,
    parameters: Any,
    context: Any,
    executemany: bool,
) -> None:
    """The store's one guard on free text, for every write on both databases.

    PostgreSQL cannot store a NUL and SQLite would store it, with the other invisible
    control characters: a text parameter of an INSERT or UPDATE holding one (the rule of
    ``bad-text`` in :mod:`kaoping.data.cells`) is refused here with :class:`BadText`,
    before the database sees it, whatever the path (task updates, verdicts, explanations,
    adjustments, user names, comments, reasons). Imports and data entry refuse such text
    row by row before they get here. A lookup is left alone: it finds nothing, since no
    such text is stored (PostgreSQL refuses a NUL in it: :func:`_nul_text`). Cheap: only a
    text that ``str.isprintable`` rejects is looked at again."""
    if not parameters or not (
        getattr(context, "isinsert", False) or getattr(context, "isupdate", False)
    ):
        return
    if conn.get_execution_options().get("kaoping_any_text"):
        return
    rows = parameters if executemany else (parameters,)
    for row in rows:
        for value in row.values() if isinstance(row, dict) else row:
            if value.__class__ is str and not value.isprintable():
                problem = text_problem(value, None)
                if problem:
                    field = _field_of(context, value)
                    raise BadText(f"{field}: {problem}" if field else problem)


def _field_of(context: Any, value: str) -> str | None:
    """The column (or bound name) ``value`` was given for, to name it in the message."""
    import re

    for row in getattr(context, "compiled_parameters", None) or ():
        for name, v in row.items():
            if v is value or v == value:
                name = re.sub(r"_\d+$", "", str(name))
                return None if name in ("param", "") else name
    return None


def _nul_text(context: Any) -> Exception | None:
    """PostgreSQL cannot take a NUL character in text: a clear error, not a server error.

    (A write meets :func:`_refuse_control_text` first; this answers a lookup with a NUL,
    e.g. a user name given at login, with the same :class:`BadText`.)
    """
    if "NUL (0x00)" not in str(context.original_exception):
        return None
    params = context.parameters
    rows = params if isinstance(params, list) else (params,)
    for row in rows:
        for value in row.values() if isinstance(row, dict) else row or ():
            if isinstance(value, str) and "\x00" in value:
                problem = text_problem(value, None)
                field = _field_of(context.execution_context, value)
                return BadText(f"{field}: {problem}" if field else problem)
    return BadText("a text contains a NUL character (0x00), which cannot be stored")


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
        conn.execution_options(**ANY_TEXT)
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
