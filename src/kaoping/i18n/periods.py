"""Reporting periods in words, for the web and the reports."""

from __future__ import annotations

import re

from . import _

PERIOD = re.compile(r"^(\d{4})-(Q[1-4]|A)$")


def period_text(code: str, lang: str) -> str:
    """A reporting period's code in words: ``2020-Q4`` -> "2020年第4季度" / "Q4 2020",
    ``2020-A`` -> "2020年度" / "Year 2020" (other codes as they are)."""
    m = PERIOD.match(code or "")
    if not m:
        return code
    year, part = m.groups()
    if part == "A":
        return _("period_year", lang, year=year)
    return _("period_quarter", lang, year=year, q=part[1])
