"""The evaluation's input read from the store, column by column, and the value of an entry
as the row checker reads it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import sqlalchemy as sa

from ..data.cells import CENSORS, NumberError, format_value, parse_value
from ..engine.table import Table
from ..errors import DataError, Problem
from .db import to_db
from .schema import decisions as d
from .schema import observations as o

CELL = (o.c.indicator, o.c.area, o.c.year)


#: a revision's entry: its cell, revision number and what was given for it
ENTRY_COLS = [
    o.c.indicator,
    o.c.area,
    o.c.year,
    o.c.revision,
    o.c.value,
    o.c.censor,
    o.c.previous_basis,
    o.c.status,
    o.c.flags,
    o.c.source,
    o.c.note,
    o.c.scope,
    o.c.derived,
]
#: what a read of the evaluation's input selects of a revision (no unlock, no staff detail)
FRAME_COLS = [*ENTRY_COLS, d.c.decision, d.c.decided_at]
ENGINE_COLS = [o.c.indicator, o.c.area, o.c.year, o.c.value, o.c.censor, o.c.previous_basis]


def frame_window(where: Any, cols: list[Any]) -> Any:
    """Per cell, the revisions matching ``where`` ranked newest first (``rn`` = 1 is the
    latest), as ``observations._latest_window`` ranks them; only ``cols`` (and ``flags``)
    of each revision are selected, and only the decisions are joined."""
    rn = sa.func.row_number().over(partition_by=CELL, order_by=o.c.revision.desc()).label("rn")
    if not any(c is o.c.flags for c in cols):
        cols = [*cols, o.c.flags]
    joined = o.outerjoin(d, d.c.observation_id == o.c.id)
    return sa.select(*cols, rn).select_from(joined).where(where).subquery()


def approved_where(plan_id: str, approved_only: bool, as_of: datetime | None) -> Any:
    """The revisions the evaluation's input is taken from (see ``Store.observations``)."""
    where = o.c.plan_id == plan_id
    if approved_only:
        where = where & (d.c.decision == "approved")
        if as_of is not None:
            where = where & (d.c.decided_at <= to_db(as_of))
    else:
        where = where & ((d.c.decision.is_(None)) | (d.c.decision == "approved"))
        if as_of is not None:
            where = where & (o.c.created_at <= to_db(as_of))
    return where


def latest_rows(
    conn: sa.Connection, where: Any, engine: bool = False, ordered: bool = True
) -> list[list[Any]]:
    """The columns of the latest revision of each cell matching ``where`` (see
    :func:`approved_where`): those of :func:`frame_columns`, or with ``engine`` those of
    :func:`engine_columns`; ordered by cell unless ``ordered`` is false."""
    w = frame_window(where, ENGINE_COLS if engine else FRAME_COLS)
    q = sa.select(*(engine_columns(w) if engine else frame_columns(w))).where(w.c.rn == 1)
    if ordered:
        q = q.order_by(w.c.indicator, w.c.area, w.c.year)
    return fetch_columns(conn, q)


def _is_break(w: Any) -> Any:
    """1 where a revision's stored flags (kept sorted and comma separated) name ``break``."""
    brk = (sa.literal(",") + w.c.flags + sa.literal(",")).like("%,break,%")
    return sa.case((brk, 1), else_=0).label("is_break")


def frame_columns(w: Any) -> list[Any]:
    """The columns of the evaluation's input, selected from a window of revisions.

    ``break`` is computed by the database from the stored flags, so that the table is
    built column by column, without a loop over rows."""
    return [
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
        w.c.censor,
        w.c.previous_basis,
        _is_break(w),
    ]


def engine_columns(w: Any) -> list[Any]:
    """The few columns the engine reads, selected from a window of revisions (in the order
    of :data:`ENGINE_COLUMNS`; ``break`` computed by the database as in :func:`frame_columns`)."""
    return [
        w.c.indicator,
        w.c.area,
        w.c.year,
        w.c.value,
        w.c.censor,
        _is_break(w),
        w.c.previous_basis,
    ]


#: the observation columns the engine reads, as :meth:`Store.engine_observations` gives them
ENGINE_COLUMNS = ("indicator", "area", "year", "value", "censor", "break", "previous_basis")


#: rows fetched and converted at a time: a web server's readers are served between chunks
CHUNK = 4096


def fetch_columns(conn: sa.Connection, query: Any) -> list[list[Any]]:
    """The columns of ``query``'s result as lists, read in bulk from the database driver.

    The driver's plain tuples are fetched ``CHUNK`` rows at a time and turned into columns
    (no result row object per row; times come back as the driver gives them: a
    ``datetime`` from PostgreSQL, ISO text from SQLite). Each step is short, so a thread
    doing this gives the interpreter back often to the requests served beside it."""
    result = conn.execute(query)
    try:
        cur = result.cursor
        cols: list[list[Any]] = [[] for _ in cur.description]
        while rows := cur.fetchmany(CHUNK):
            for col, part in zip(cols, zip(*rows, strict=True), strict=True):
                col.extend(part)
        return cols
    finally:
        result.close()


def _array(values: list[Any], dtype: Any) -> np.ndarray:
    """``np.array(values, dtype)`` converted ``CHUNK`` values at a time (see above)."""
    if len(values) <= CHUNK:
        return np.array(values, dtype=dtype)
    parts = [np.array(values[i : i + CHUNK], dtype=dtype) for i in range(0, len(values), CHUNK)]
    return np.concatenate(parts)


def engine_table(cols: list[list[Any]]) -> Table:
    """The engine's input from the columns of :func:`engine_columns`."""
    ind, area, year, value, censor, brk, previous = cols
    n = len(ind)
    return Table(
        {
            "indicator": _objects(ind, n),
            "area": _objects(area, n),
            "year": _array(year, np.int64),
            "value": _array(value, float),
            "censor": _objects([c or "" for c in censor], n),
            "break": _array(brk, bool),
            "previous_basis": _array(previous, float),  # NULL becomes NaN
        }
    )


def _objects(values: Any, n: int) -> np.ndarray:
    a = np.empty(n, dtype=object)
    a[:] = values
    return a


def value_text(value: float | str, censor: str | None) -> str:
    """The value as the checker reads it: a number given with ``censor`` becomes ``>25``."""
    text = value.strip() if isinstance(value, str) else format_value(float(value))
    if not censor:
        return text
    problem = None
    if censor not in CENSORS:
        problem = f"censor {censor!r} is not >, < or empty"
    else:
        try:
            if parse_value(text)[1]:
                problem = f"the value {text!r} is a bound already: give censor or a sign, not both"
        except NumberError:
            return text  # the checker says what is wrong with the value
    if problem:
        raise DataError([Problem("bad-censor", problem, "<entry>", None, "censor")])
    return censor + text


def obs_table(cols: list[list[Any]]) -> Table:
    """The evaluation's input with the staff's columns, from the columns of
    :func:`frame_columns` (see :func:`fetch_columns`)."""
    (ind, area, year, value, status, flags, source, note, scope, derived, rev, dec, at) = cols[:13]
    censor, previous, brk = cols[13:16]
    n = len(ind)

    def obj(c: Any) -> np.ndarray:
        return _objects(c, n)

    return Table(
        {
            "indicator": obj(ind),
            "area": obj(area),
            "year": _array(year, np.int64),
            "value": _array(value, float),
            "censor": obj(censor),
            "break": _array(brk, bool),
            "previous_basis": _array(previous, float),  # NULL becomes NaN
            "status": obj(status),
            "flags": obj(flags),
            "source": obj(source),
            "note": obj(note),
            "scope": obj(scope),
            "derived": obj(derived),
            "revision": _array(rev, np.int64),
            "state": obj([x or "submitted" for x in dec]),
            # a datetime (PostgreSQL) or its ISO text (SQLite); NULL becomes NaT
            "approved_at": _array(at, "datetime64[us]"),
        }
    )
