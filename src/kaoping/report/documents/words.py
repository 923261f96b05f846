"""The words both reports use: how a score and a status are named. The words themselves are
in the message catalogs (msgctxt ``report`` and ``method``, see :mod:`kaoping.i18n`), sentences
included: a sentence is a key with ``{name}`` fields (``w("step_verdict", lang, name=…)``), and
the punctuation that differs by language (Chinese ``，`` ``；`` ``。`` ``（）`` against English
``, `` ``; `` ``.`` `` ()``) is in the catalogs too (``comma_sep``, ``clause_sep``,
``sentence``, ``with_note``)."""

from __future__ import annotations

from ...i18n import N_, label
from ...i18n.codes import METHOD_TEXT, REPORT
from ...i18n.periods import period_text
from ..labels import word
from ..scorecard import fmt_score

#: the separators :func:`join` takes (marked for the extraction: they are passed by name)
SEPARATORS = (N_("report", "list_sep"), N_("report", "clause_sep"), N_("report", "comma_sep"))

#: the reports' words (codes only; ``W["as_of"]`` is ``{"en": …, "zh": …}`` from the catalogs)
W = REPORT

__all__ = [
    "METHOD_TEXT",
    "W",
    "join",
    "period_text",
    "score_text",
    "score_with_meaning",
    "sentence",
    "status_header",
    "w",
    "with_note",
]


def w(key: str, lang: str, **kw: object) -> str:
    """A word or sentence of the reports in ``lang`` (msgctxt ``report``), ``{name}`` fields
    filled from ``kw``."""
    return label("report", key, lang, **kw)


def join(parts: list[str], lang: str, sep: str = "list_sep") -> str:
    """``parts`` joined by the separator ``sep`` names in the catalog: ``list_sep`` (a list
    of names that may hold commas: "、" / "; "), ``clause_sep`` ("；" / "; ") or ``comma_sep``
    ("，" / ", ")."""
    return w(sep, lang).join(parts)


def sentence(text: str, lang: str) -> str:
    """``text`` ended as a sentence: "…。" / "….\""""
    return w("sentence", lang, text=text)


def with_note(text: str, note: str, lang: str) -> str:
    """``text`` with a note in brackets: "A（B）" / "A (B)"."""
    return w("with_note", lang, text=text, note=note)


def score_text(v: float | None) -> str:
    """A score as printed: 0–100 (as the engine gives it) with one decimal."""
    return fmt_score(v)


def score_with_meaning(v: float | None, lang: str) -> str:
    """A score and what it measures: "77.5 — attainment of the targets (0–100)"."""
    if v is None:
        return score_text(v)
    return f"{score_text(v)} — {word('score_meaning', lang)}"


def status_header(lang: str) -> str:
    """The status column's heading, with what a status measures."""
    return with_note(w("status", lang), word("status_meaning", lang), lang)
