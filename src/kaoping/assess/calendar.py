"""The reporting calendar: periods of a year, each with its dates and the day a report is due.

A period key is ``<year>-Q1`` … ``<year>-Q4`` for quarters and ``<year>-A`` for the year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..errors import UsageError

PERIOD_KEY = re.compile(r"^(\d{4})-(Q[1-4]|A|H[12]|M(?:0[1-9]|1[0-2]))$")
KINDS = ("quarter", "half", "month", "annual")


@dataclass(frozen=True)
class Period:
    key: str
    year: int
    kind: str
    start: date
    end: date
    due: date

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "year": self.year,
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "due": self.due.isoformat(),
        }


def period_year(key: str) -> int:
    m = PERIOD_KEY.match(key or "")
    if not m:
        raise UsageError(f"{key!r} is not a reporting period such as 2015-Q1 or 2015-A")
    return int(m.group(1))


def _kind(key: str) -> str:
    part = key.split("-", 1)[1]
    return {"Q": "quarter", "H": "half", "M": "month", "A": "annual"}[part[0]]


def standard_periods(year: int, quarterly: bool = True, due_days: int = 15) -> list[Period]:
    """Four quarters (due ``due_days`` after each quarter ends) and the year (due on
    31 January of the next year)."""
    out = []
    if quarterly:
        for q in range(1, 5):
            start = date(year, 3 * q - 2, 1)
            end = (date(year, 3 * q + 1, 1) if q < 4 else date(year + 1, 1, 1)) - timedelta(days=1)
            out.append(
                Period(f"{year}-Q{q}", year, "quarter", start, end, end + timedelta(days=due_days))
            )
    out.append(
        Period(
            f"{year}-A", year, "annual", date(year, 1, 1), date(year, 12, 31), date(year + 1, 1, 31)
        )
    )
    return out


def make_period(raw: dict[str, Any] | Period, year: int) -> Period:
    """A period from a mapping ``{key, start, end, due}`` (dates as ``YYYY-MM-DD``)."""
    if isinstance(raw, Period):
        p = raw
    else:
        try:
            key = str(raw["key"])
            vals = [
                v if isinstance(v, date) else date.fromisoformat(str(v))
                for v in (raw["start"], raw["end"], raw["due"])
            ]
        except (KeyError, ValueError) as e:
            raise UsageError(f"a period needs key, start, end and due dates: {e}") from None
        p = Period(key, period_year(key), _kind(key), *vals)
    if period_year(p.key) != year:
        raise UsageError(f"period {p.key} is not in {year}")
    if not p.start <= p.end <= p.due:
        raise UsageError(f"period {p.key}: start ≤ end ≤ due is required")
    return p
