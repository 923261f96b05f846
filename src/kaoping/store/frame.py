"""The evaluation's input read from the store, column by column, and the value of an entry
as the row checker reads it."""

from __future__ import annotations

from typing import Any

import numpy as np
import sqlalchemy as sa

from ..data.cells import CENSORS, NumberError, format_value, parse_value
from ..engine.table import Table
from ..errors import DataError, Problem


def frame_columns(w: Any) -> list[Any]:
    """The columns of the evaluation's input, selected from a window of revisions.

    ``break`` is computed by the database from the stored flags (kept sorted and comma
    separated), so that the table is built column by column, without a loop over rows."""
    brk = (sa.literal(",") + w.c.flags + sa.literal(",")).like("%,break,%")
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
        sa.case((brk, 1), else_=0).label("is_break"),
    ]


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


def obs_table(rows: list[Any]) -> Table:
    n = len(rows)
    cols = list(zip(*rows, strict=True)) if n else [()] * 16
    (ind, area, year, value, status, flags, source, note, scope, derived, rev, dec, at) = cols[:13]
    censor, previous, brk = cols[13:16]

    def obj(c: Any) -> np.ndarray:
        a = np.empty(n, dtype=object)
        a[:] = c
        return a

    return Table(
        {
            "indicator": obj(ind),
            "area": obj(area),
            "year": np.array(year, dtype=np.int64),
            "value": np.array(value, dtype=float),
            "censor": obj(censor),
            "break": np.array(brk, dtype=bool),
            "previous_basis": np.array(previous, dtype=float),  # NULL becomes NaN
            "status": obj(status),
            "flags": obj(flags),
            "source": obj(source),
            "note": obj(note),
            "scope": obj(scope),
            "derived": obj(derived),
            "revision": np.array(rev, dtype=np.int64),
            "state": obj([x or "submitted" for x in dec]),
            "approved_at": np.array(list(at), dtype="datetime64[us]"),
        }
    )
