"""Observation tables: reading a CSV file against a plan, all or nothing.

An observation is (indicator, area, year, value) with its unit, status, source and note.
The engine needs the first four columns and reads three more when given: ``censor``
(``>``/``<`` for a value written as a bound, ``>25`` or ``0.5以下``; else empty), ``break``
(the row is flagged ``break``: the first value on a new statistical basis) and
``previous_basis`` (the same year's value on the old basis; NaN when not given). The rest
travel with the data so that every value keeps its source.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine.table import Table
from ..errors import DataError, Problem, UsageError
from .cells import (
    CENSORS,
    NumberError,
    parse_number,
    parse_value,
    parse_year,
    text_problem,
    unescape_formula,
)

if TYPE_CHECKING:
    from ..plan.model import Plan

COLUMNS = ["indicator", "area", "year", "value"]
META = ["unit", "status", "source", "note", "scope", "derived", "flags"]
OPTIONAL = ["previous_basis"]  # numbers a row may carry besides its value
ALIASES = {"key": "indicator", "indicator_key": "indicator", "region": "area"}
STATUSES = ("final", "provisional")
# the longest text accepted per column, as the API's limits (other columns are not stored)
TEXT_LIMITS = {
    **dict.fromkeys(("indicator", "area", "year", "value", "censor", "previous_basis"), 200),
    **dict.fromkeys(("unit", "status", "flags"), 200),
    **dict.fromkeys(("source", "note", "comment", "derived", "scope"), 4000),
}


def empty_observations() -> Table:
    return _table([])


def _table(records: list[dict]) -> Table:
    """Observation records as a table: the engine's four columns, then the metadata."""
    import numpy as np

    cols = {
        "indicator": np.array([r["indicator"] for r in records], dtype=object),
        "area": np.array([r["area"] for r in records], dtype=object),
        "year": np.array([r["year"] for r in records], dtype=np.int64),
        "value": np.array([r["value"] for r in records], dtype=float),
    }
    cols["censor"] = np.array([r.get("censor", "") for r in records], dtype=object)
    cols["break"] = np.array([is_break(r.get("flags", "")) for r in records], dtype=bool)
    cols["previous_basis"] = np.array(
        [r.get("previous_basis", math.nan) for r in records], dtype=float
    )
    for m in ("status", *META[2:], "row"):
        cols[m] = np.array([r.get(m, "") for r in records], dtype=object)
    return Table(cols)


def read_observations(path: str | Path, plan: Plan) -> Table:
    """Read and check an observation CSV; raise :class:`DataError` listing every bad row.

    Rows are numbered as a spreadsheet shows them (the header is row 1).
    """
    p = Path(path)
    try:
        fh = p.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise UsageError(f"no data file at {p}") from None
    with fh:
        reader = csv.DictReader(fh)
        header = [
            ALIASES.get(h.strip().lower(), h.strip().lower()) for h in reader.fieldnames or []
        ]
        missing = [c for c in ("indicator", "year", "value") if c not in header]
        if missing:
            raise DataError(
                [
                    Problem(
                        "missing-column", f"no column {', '.join(missing)} in the header", str(p), 1
                    )
                ]
            )
        reader.fieldnames = header
        rows = list(reader)
    return check_rows(rows, plan, str(p))


def check_rows(rows: list[dict], plan: Plan, file: str = "<data>") -> Table:
    """Check raw rows (dicts of text) against the plan and return the observation table."""
    checker = RowChecker(plan, file)
    out = [rec for n, raw in enumerate(rows, start=2) if (rec := checker.check(n, raw))]
    if checker.problems:
        raise DataError(checker.problems)
    return _table(out)


FLAGS = ("estimated", "imputed", "break")


def parse_flags(text: str) -> list[str]:
    """Flags written as ``estimated, break`` (commas, semicolons or spaces between)."""
    return [f for f in re.split(r"[\s,;|]+", text.strip().lower()) if f]


def is_break(flags: str | None) -> bool:
    """Whether flags (as written or as stored) include ``break``."""
    return bool(flags) and "break" in parse_flags(str(flags))


class RowChecker:
    """Checks raw observation rows one at a time against a plan, collecting every problem.

    ``years`` limits the years accepted (``year-outside-plan``); ``flags`` checks the
    flags column against :data:`FLAGS` (``bad-flag``) and normalises it. Both are off
    for plain data files. The checker remembers the rows it accepted, to report duplicates.
    """

    def __init__(
        self,
        plan: Plan,
        file: str = "<data>",
        years: tuple[int, int] | None = None,
        flags: bool = False,
    ) -> None:
        self.plan = plan
        self.file = file
        self.years = years
        self.check_flags = flags
        self.units = {i.key: i.unit for i in plan.indicators}
        self.bounds = {i.key: i.bounds for i in plan.indicators}
        self.qualitative = {i.key for i in plan.indicators if i.is_qualitative}
        self.areas = {a.key for a in plan.areas}
        self.problems: list[Problem] = []
        self.seen: dict[tuple[str, str, int], int] = {}

    def bad(self, row: int, column: str, code: str, msg: str) -> None:
        self.problems.append(Problem(code, msg, self.file, row, column))

    def check(self, n: int, raw: dict) -> dict | None:
        """The checked record of row ``n``, or None (its problems are added)."""
        plan, units, bad = self.plan, self.units, self.bad
        r = {k: (v or "").strip() if isinstance(v, str) else v for k, v in raw.items() if k}
        key = r.get("indicator") or ""
        area = r.get("area") or plan.default_area
        ok = True
        if key not in units:
            bad(n, "indicator", "unknown-indicator", f"no indicator {key!r} in plan {plan.id}")
            ok = False
        elif key in self.qualitative:
            bad(n, "indicator", "qualitative", f"{key!r} is judged by a verdict, not by values")
            ok = False
        if area not in self.areas:
            bad(n, "area", "unknown-area", f"no area {area!r} in plan {plan.id}")
            ok = False
        for col, text in r.items():
            if isinstance(text, str) and (why := text_problem(text, TEXT_LIMITS.get(col))):
                bad(n, col, "bad-text", f"{col}: {why}")
                ok = False
                r[col] = ""
            elif isinstance(text, str) and col in ("source", "note"):
                r[col] = unescape_formula(text)
        try:
            year = parse_year(r.get("year") or "")
            if not 1900 <= year <= 2200:
                raise ValueError
        except ValueError:
            bad(n, "year", "bad-year", f"{r.get('year')!r} is not a year")
            ok = False
            year = 0
        if year and self.years is not None and not self.years[0] <= year <= self.years[1]:
            lo, hi = self.years
            bad(
                n,
                "year",
                "year-outside-plan",
                f"{year} is outside plan {plan.id}: years {lo}–{hi} are accepted",
            )
            ok = False
        censor = ""
        given = r.get("censor") or ""  # a file exported as JSON has the censor beside the value
        if given and given not in CENSORS:
            bad(n, "censor", "bad-censor", f"censor {given!r} is not > or < (or empty)")
            ok = False
        elif given and isinstance(r.get("value"), str) and r["value"][:1] not in CENSORS:
            r["value"] = given + r["value"]
        try:
            value, censor = parse_value(r.get("value") or "")
        except NumberError as e:
            bad(n, "value", e.code, str(e))
            ok = False
            value = math.nan
        previous = math.nan
        if r.get("previous_basis"):
            try:
                previous = parse_number(r["previous_basis"])
            except NumberError as e:
                bad(n, "previous_basis", "not-a-number", f"previous_basis: {e}")
                ok = False
            else:
                if not is_break(r.get("flags")):
                    bad(
                        n,
                        "previous_basis",
                        "previous-basis-without-break",
                        "previous_basis is the value on the old basis at a break: flag the "
                        "row break, or leave previous_basis empty",
                    )
                    ok = False
        unit = r.get("unit")
        if ok and unit and unit != units[key]:
            bad(
                n,
                "unit",
                "wrong-unit",
                f"unit {unit!r} differs from the plan's {units[key]!r} for {key}",
            )
            ok = False
        b = self.bounds.get(key)
        if ok and b is not None:
            for col, x in (("value", value), ("previous_basis", previous)):
                if b.min is not None and x < b.min:
                    bad(n, col, "out-of-range", f"{x:g} is below the minimum {b.min:g} for {key}")
                    ok = False
                elif b.max is not None and x > b.max:
                    bad(n, col, "out-of-range", f"{x:g} is above the maximum {b.max:g} for {key}")
                    ok = False
        status = r.get("status") or "final"
        if status not in STATUSES:
            bad(n, "status", "bad-status", f"status {status!r} is not one of {', '.join(STATUSES)}")
            ok = False
        if self.check_flags and r.get("flags"):
            given = parse_flags(r["flags"])
            unknown = [f for f in given if f not in FLAGS]
            if unknown:
                bad(
                    n,
                    "flags",
                    "bad-flag",
                    f"flag {unknown[0]!r} is not one of {', '.join(FLAGS)}",
                )
                ok = False
            else:
                r["flags"] = ",".join(sorted(set(given)))
        if not ok:
            return None
        ident = (key, area, year)
        if ident in self.seen:
            bad(
                n,
                "year",
                "duplicate",
                f"{key} {area} {year} is already given on row {self.seen[ident]}",
            )
            return None
        self.seen[ident] = n
        rec = {"indicator": key, "area": area, "year": year, "value": value, "status": status}
        if censor:
            rec["censor"] = censor
        if not math.isnan(previous):
            rec["previous_basis"] = previous
        for m in ("source", "note", "scope", "derived", "flags"):
            if r.get(m):
                rec[m] = r[m]
        rec["row"] = n
        return rec
