"""Bulk writes in the caller's transaction: PostgreSQL ``COPY``, SQLite batched ``executemany``.

An import writes tens of thousands of rows at once. Row by row through SQLAlchemy's
``insert()`` each row costs a parameter dict, its compilation and (on PostgreSQL) a round
trip in a pipeline; here the rows are plain tuples in column order:

- PostgreSQL: ``COPY table (columns) FROM STDIN`` on the transaction's own connection
  (psycopg's ``Cursor.copy`` and ``write_row``), so the rows commit or roll back with
  everything else the transaction wrote;
- SQLite: one prepared ``INSERT`` run by the driver's ``executemany`` in batches.

Both refuse a text holding a NUL or another control character, as every other write
does (:func:`kaoping.store.db._refuse_control_text`; ``COPY`` and the driver's
``executemany`` pass beside that hook, so the check is made here, on whole columns).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from ..data.cells import text_problem
from .db import BadText
from .schema import decisions
from .schema import observations as o

#: rows written between two progress reports
BATCH = 5000

#: the observation columns an import writes, in this order (``id`` is the database's)
OBS_COLUMNS = (
    "plan_id",
    "indicator",
    "area",
    "year",
    "revision",
    "value",
    "censor",
    "previous_basis",
    "status",
    "flags",
    "source",
    "note",
    "scope",
    "derived",
    "comment",
    "created_by",
    "created_at",
    "import_id",
)


def check_text(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Raise :class:`BadText` if a text value holds a character the store refuses.

    A column at a time: the column's texts joined are checked with ``str.isprintable`` at
    C speed; only a column that fails (tabs and line feeds are allowed, and fail it) is
    looked at value by value with the store's rule (:func:`text_problem`)."""
    if not rows:
        return
    for j, name in enumerate(columns):
        texts = [r[j] for r in rows if r[j].__class__ is str]
        if not texts or "".join(texts).isprintable():
            continue
        for value in texts:
            if not value.isprintable():
                problem = text_problem(value, None)
                if problem:
                    raise BadText(f"{name}: {problem}")


def insert_rows(
    conn: sa.Connection,
    table: sa.Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    progress: Callable[[float], None] | None = None,
) -> None:
    """Insert ``rows`` (tuples, values in ``columns`` order) into ``table`` in the
    transaction of ``conn``: by ``COPY`` on PostgreSQL, by batched ``executemany`` on SQLite.

    ``progress`` is told the fraction written after each batch."""
    if not rows:
        return
    check_text(columns, rows)
    if conn.dialect.name == "postgresql":
        _copy(conn, table, columns, rows, progress)
    else:
        _executemany(conn, table, columns, rows, progress)


def insert_dicts(
    conn: sa.Connection,
    table: sa.Table,
    rows: Sequence[dict[str, Any]],
    progress: Callable[[float], None] | None = None,
) -> None:
    """:func:`insert_rows` for rows given as dicts (every dict with the first one's keys)."""
    if not rows:
        return
    columns = tuple(rows[0])
    insert_rows(conn, table, columns, [tuple(r[c] for c in columns) for r in rows], progress)


def _copy(
    conn: sa.Connection,
    table: sa.Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    progress: Callable[[float], None] | None,
) -> None:
    prep = conn.dialect.identifier_preparer
    names = ", ".join(prep.quote(c) for c in columns)
    sql = f"COPY {prep.format_table(table)} ({names}) FROM STDIN"
    raw = conn.connection.driver_connection  # the psycopg connection of this transaction
    assert raw is not None
    n = len(rows)
    with raw.cursor() as cur, cur.copy(sql) as cp:
        for i in range(0, n, BATCH):
            for row in rows[i : i + BATCH]:
                cp.write_row(row)
            if progress is not None:
                progress(min(1.0, (i + BATCH) / n))


def _executemany(
    conn: sa.Connection,
    table: sa.Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    progress: Callable[[float], None] | None,
) -> None:
    dialect = conn.dialect
    prep = dialect.identifier_preparer
    # values as SQLAlchemy would bind them (a time on SQLite is its text, as stored elsewhere)
    procs = [
        (j, p)
        for j, c in enumerate(columns)
        if (p := table.c[c].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    if procs:
        cache: dict[tuple[int, Any], Any] = {}

        def bound(row: Sequence[Any]) -> tuple:
            out = list(row)
            for j, p in procs:
                v = out[j]
                if v is not None:
                    key = (j, v)
                    if key not in cache:
                        cache[key] = p(v)
                    out[j] = cache[key]
            return tuple(out)

        rows = [bound(r) for r in rows]
    marks = ", ".join("?" for _ in columns)
    sql = (
        f"INSERT INTO {prep.format_table(table)} "
        f"({', '.join(prep.quote(c) for c in columns)}) VALUES ({marks})"
    )
    cur = conn.connection.driver_connection.cursor()  # the transaction's sqlite3 connection
    try:
        n = len(rows)
        for i in range(0, n, BATCH):
            cur.executemany(sql, rows[i : i + BATCH])
            if progress is not None:
                progress(min(1.0, (i + BATCH) / n))
    finally:
        cur.close()


def approve_import(conn: sa.Connection, import_id: int, username: str, at: Any) -> None:
    """Approve every row of import ``import_id`` in one statement run by the database."""
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
