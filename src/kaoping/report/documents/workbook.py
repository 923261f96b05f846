"""The evaluation report's workbook: the summary, the indicators, the scores, the sources and
the statuses, as sheets of plain cells."""

from __future__ import annotations

from typing import Any

from ..labels import word
from ..scorecard import scorecard_rows
from .blocks import Provenance
from .method import source_columns
from .summary import status_count_rows
from .words import w


def _round(v: float | None, scale: float = 1.0) -> float | None:
    return None if v is None else round(v * scale, 4)


def _score(v: float | None) -> float | None:
    """A score (0–100) in a workbook cell: one decimal, the number every view shows."""
    return None if v is None else round(v, 1)


def _summary_sheet(card: dict, cover: dict, provenance: Provenance, lang: str) -> dict:
    o = card["overall"]
    rows: list[list[Any]] = [
        [w("evaluation_report", lang), card["plan"]["title"]],
        *cover["lines"],
        [w("data_source", lang), provenance.data_source],
        [
            w("overall_score", lang),
            _score(o["score"]),
            word("score_meaning", lang),
        ],
        [w("coverage", lang), _round(o["coverage"])],
        *status_count_rows(card, lang),
        [w("reproduce", lang), provenance.command],
    ]
    return {
        "name": w("sheet_summary", lang),
        "columns": [w("item", lang), w("value", lang), w("note", lang)],
        "rows": [list(r) + [None] * (3 - len(r)) for r in rows],
    }


def _indicators_sheet(card: dict, lang: str) -> dict:
    rows = scorecard_rows(card)
    cols = list(rows[0].keys()) if rows else []
    return {
        "name": w("sheet_indicators", lang),
        "columns": cols,
        "rows": [[r[c] for c in cols] for r in rows],
    }


def _score_row(level: str, key: str, name: str, x: dict) -> list[Any]:
    return [
        level,
        key,
        name,
        _score(x["score"]),
        _round(x["coverage"]),
        x["n_scored"],
        x["n_with_data"],
    ]


def _scores_sheet(card: dict, lang: str) -> dict:
    """The overall score, then each group's, then each category's of each lens."""
    return {
        "name": w("sheet_scores", lang),
        "columns": [
            w("level", lang),
            w("key", lang),
            w("name", lang),
            w("score_means", lang),
            w("coverage", lang),
            w("scored", lang),
            w("with_data", lang),
        ],
        "rows": [_score_row("overall", "overall", w("overall", lang), card["overall"])]
        + [_score_row("group", g["key"], g["name"], g) for g in card["groups"]]
        + [
            _score_row("lens", c["key"], c["name"], c)
            for lens in card["lenses"]
            for c in lens["categories"]
        ],
        "formats": {3: "0.0"},
    }


def evaluation_workbook(
    card: dict, cover: dict, provenance: Provenance, sources: list[list[Any]], lang: str
) -> list[dict]:
    """The evaluation report's sheets."""
    counts = card["status_counts"]
    return [
        _summary_sheet(card, cover, provenance, lang),
        _indicators_sheet(card, lang),
        _scores_sheet(card, lang),
        {
            "name": w("sheet_sources", lang),
            "columns": source_columns(lang),
            "rows": sources,
        },
        {
            "name": w("statuses", lang),
            "columns": [w("key", lang), w("status", lang), w("meaning", lang), w("count", lang)],
            "rows": [
                [x["status"], x["label"], x["meaning"], counts.get(x["status"], 0)]
                for x in card["legend"]
            ],
        },
    ]
