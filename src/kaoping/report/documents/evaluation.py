"""The plan evaluation report: the cover, a function per section (summary, scores, lenses,
steps, groups, off-track indicators, method and sources) and the workbook."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..scorecard import fmt_pct, scorecard
from .blocks import Data, Provenance, chart, h, p, table
from .indicators import group_section, no_data_section, without_data
from .method import method_section, source_rows
from .off_track import off_track_section
from .summary import status_count_rows, summary_paragraphs
from .words import score_text, sentence, w
from .workbook import evaluation_workbook

if TYPE_CHECKING:
    from ...engine.result import Evaluation
    from ...engine.table import Table
    from ...plan.model import Plan


def _cover(plan: Plan, ev: Evaluation, card: dict, lang: str, provenance: Provenance) -> dict:
    return {
        "report": w("evaluation_report", lang),
        "title": card["plan"]["title"],
        "short_title": card["plan"]["short_title"],
        "lines": [
            [w("area", lang), card["area"]["name"]],
            [w("as_of", lang), str(ev.as_of)],
            [w("period", lang), f"{plan.period.start}–{plan.period.end}"],
            [w("plan_version", lang), Data(ev.plan_version)],
            [w("data_as_of", lang), provenance.data_as_of],
            [w("data_version", lang), Data(provenance.data_version)],
        ],
    }


def _summary_section(card: dict, lang: str) -> dict:
    """The summary and the statuses counted, with what each means."""
    return {
        "id": "summary",
        "blocks": [
            h(w("summary", lang), anchor="summary"),
            *summary_paragraphs(card, lang),
            p(w("status_means", lang), "legend-title"),
            table(
                [w("status", lang), w("count", lang), w("meaning", lang)],
                status_count_rows(card, lang),
                numeric=[1],
                cls="legend",
            ),
        ],
    }


def _score_columns(first: str, lang: str) -> list[str]:
    """The headings of :func:`_score_cells`, the first one given."""
    return [
        first,
        w("score_means", lang),
        w("coverage", lang),
        w("scored", lang),
        w("with_data", lang),
    ]


def _score_cells(name: str, x: dict) -> list[Any]:
    """A score with its coverage and counts, as a table row."""
    return [name, score_text(x["score"]), fmt_pct(x["coverage"]), x["n_scored"], x["n_with_data"]]


def _scores_section(card: dict, lang: str) -> dict:
    """The overall score and each group's, as a chart and a table."""
    o = card["overall"]
    groups = card["groups"]
    bars = [{"name": w("overall", lang), "score": o["score"]}] + [
        {"name": g["name"], "score": g["score"]} for g in groups
    ]
    rows = [[*_score_cells(w("overall", lang), o), sum(len(g["indicators"]) for g in groups)]]
    rows += [[*_score_cells(g["name"], g), len(g["indicators"])] for g in groups]
    columns = [*_score_columns(w("group", lang), lang), w("indicators", lang)]
    return {
        "id": "scores",
        "blocks": [
            h(w("scores", lang), anchor="scores", page_break=True),
            p(sentence(w("score_means", lang), lang), "meaning"),
            chart("bar", w("scores", lang), bars, "chart-groups", lang),
            table(columns, rows, numeric=[1, 2, 3, 4, 5]),
        ],
    }


def _lenses_section(card: dict, lang: str) -> dict:
    """The scores by the plan's own lenses (e.g. the five types), headed by the lens's name
    when there is one."""
    lenses = card["lenses"]
    heading = lenses[0]["name"] if len(lenses) == 1 else w("lenses", lang)
    columns = _score_columns(w("category", lang), lang)
    blocks: list[dict] = [h(heading, anchor="lenses")]
    for lens in lenses:
        if len(lenses) > 1:
            blocks.append(h(lens["name"], 3))
        blocks.append(
            chart(
                "bar",
                lens["name"],
                [{"name": c["name"], "score": c["score"]} for c in lens["categories"]],
                f"chart-lens-{lens['key']}",
                lang,
            )
        )
        blocks.append(
            table(
                columns,
                [_score_cells(c["name"], c) for c in lens["categories"]],
                numeric=[1, 2, 3, 4],
            )
        )
    return {"id": "lenses", "blocks": blocks}


def _steps_section(card: dict, lang: str) -> dict:
    """The plan's steps with their verdicts, and the milestone values met."""
    step_rows = []
    for s in card["steps"]:
        if not s["due"]:
            verdict = w("not_yet_due", lang)
        else:
            verdict = s["verdict_label"] or w("no_verdict", lang)
        step_rows.append([s["year"], s["name"], s["goal"], verdict, s["evidence"] or ""])
    step_columns = [
        w("year", lang),
        w("step", lang),
        w("goal", lang),
        w("verdict", lang),
        w("evidence", lang),
    ]
    return {
        "id": "steps",
        "blocks": [
            h(w("steps", lang), anchor="steps", page_break=True),
            table(step_columns, step_rows, cls="steps"),
            h(w("milestones", lang), 3),
            table(
                [w("year", lang), w("indicators", lang), w("with_data", lang), w("met", lang)],
                [
                    [m["year"], m["indicators"], m["with_data"], m["met"]]
                    for m in card["milestones"]
                ],
                numeric=[1, 2, 3],
            ),
        ],
    }


def evaluation_document(
    plan: Plan,
    ev: Evaluation,
    observations: Table,
    lang: str,
    provenance: Provenance,
    *,
    area: str | None = None,
    supervision: Any = None,
) -> dict:
    """The plan evaluation report for the evaluation's as-of year, in ``lang``."""
    area = area or ev.areas[0]
    card = scorecard(plan, ev, area, lang)
    year = ev.as_of
    short = card["plan"]["short_title"]
    cover = _cover(plan, ev, card, lang, provenance)
    names = {i["key"]: i["name"] for g in card["groups"] for i in g["indicators"]}
    sources = source_rows(observations, year, area, names, lang)
    empty = without_data(card, observations, area, year)  # gathered in one table
    no_data = no_data_section(card, empty, year, lang)
    sections = [
        _summary_section(card, lang),
        _scores_section(card, lang),
        *([_lenses_section(card, lang)] if card["lenses"] else []),
        _steps_section(card, lang),
        *[group_section(g, ev, observations, area, lang, empty) for g in card["groups"]],
        *([no_data] if no_data else []),
        off_track_section(card, plan, ev, area, lang, supervision),
        method_section(card, ev.plan_version, provenance, sources, lang),
    ]
    return {
        "kind": "evaluation",
        "plan_id": plan.id,
        "year": year,
        "lang": lang,
        "title": f"{short} — {w('evaluation_report', lang)} {year}",
        "running_header": f"{short} · {w('as_of', lang)} {year}",
        "cover": cover,
        "sections": sections,
        "workbook": evaluation_workbook(card, cover, provenance, sources, lang),
    }
