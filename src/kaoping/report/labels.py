"""Bilingual labels for what the evaluation says: thin helpers over the message catalogs
(:mod:`kaoping.i18n`); the words themselves are in ``kaoping/i18n/locales/*/kaoping.po``."""

from __future__ import annotations

from collections.abc import Mapping

from ..engine.result import STATUSES
from ..i18n import LANGS, label
from ..i18n.codes import (
    BREAK,
    CENSOR,
    NATURE,
    PACE_BAND,
    REASON,
    STATUS,
    STATUS_MEANING,
    TREND,
    WORDS,
    Table,
)

__all__ = [
    "BREAK",
    "CENSOR",
    "LANGS",
    "NATURE",
    "NATURE_ORDER",
    "PACE_BAND",
    "REASON",
    "STATUS",
    "STATUS_MEANING",
    "STATUS_ORDER",
    "SYMBOL",
    "TREND",
    "WORDS",
    "t",
    "word",
]

#: the statuses in the order they are shown (counts, legends); see docs/methods.md
STATUS_ORDER = STATUSES

NATURE_ORDER = ("binding", "anticipatory")

#: a symbol beside each status (an aid only: the status is always written in words)
SYMBOL = {
    "achieved": "✓",
    "achieved_early": "✓+",
    "ahead": "»",
    "on_track": "→",
    "lagging": "!",
    "regressing": "↓",
    "stale": "◷",
    "no_data": "–",
    "monitoring": "◎",
}


def t(table: Mapping[str, dict[str, str]], key: str, lang: str) -> str:
    """``key`` of a table of coded values in ``lang``; the key itself when unknown."""
    if isinstance(table, Table):
        return table.text(key, lang) if key else ""
    entry = table.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["en"]


def word(key: str, lang: str) -> str:
    return label("words", key, lang)


def censored_text(shown: str, censor: str | None, lang: str) -> str:
    """A number as shown, with its bound: "> 25" (zh "超过25"); as it is when exact."""
    if not censor or censor not in CENSOR or shown in ("", "—"):
        return shown
    return t(CENSOR, censor, lang).format(v=shown)


def nature_label(nature: str | None, lang: str) -> str | None:
    return t(NATURE, nature, lang) if nature else None


def status_label(code: str, lang: str) -> str:
    return t(STATUS, code, lang)


def status_meaning(
    code: str,
    lang: str,
    *,
    ahead: float | None = None,
    on: float | None = None,
    floor: float | None = None,
    max_age: int | None = None,
) -> str:
    """What a status means, with the thresholds of the status rule filled in."""
    if code not in STATUS_MEANING:
        return ""
    text = t(STATUS_MEANING, code, lang)
    values = {
        "ahead": _g(1.1 if ahead is None else ahead),
        "on": _g(1.0 if on is None else on),
        "floor": _g(0.0 if floor is None else floor),
        "max_age": 2 if max_age is None else max_age,
    }
    return text.format(**values)


def _g(v: float) -> str:
    return f"{v:g}"


def status_legend(
    lang: str,
    *,
    ahead: float | None = None,
    on: float | None = None,
    floor: float | None = None,
    max_age: int | None = None,
    statuses: tuple[str, ...] = STATUS_ORDER,
) -> list[dict[str, str]]:
    """Every status with its label, symbol and meaning: the legend of every view."""
    return [
        {
            "status": s,
            "label": t(STATUS, s, lang),
            "symbol": SYMBOL.get(s, ""),
            "meaning": status_meaning(s, lang, ahead=ahead, on=on, floor=floor, max_age=max_age),
        }
        for s in statuses
    ]


def data_age_text(latest_year: int | None, as_of: int, lang: str) -> str:
    """How old the latest value is: "latest value 2009, 11 years before 2020"."""
    if latest_year is None:
        return word("age_none", lang)
    age = as_of - latest_year
    if age <= 0:
        return word("age_current", lang).format(year=latest_year)
    key = "age_one" if age == 1 else "age_years"
    return word(key, lang).format(year=latest_year, age=age, as_of=as_of)
