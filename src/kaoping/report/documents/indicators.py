"""The evaluation report's indicators: a section per group, with the group's table and, for
each of its indicators with data, the chart and the rows that say where it stands; the
indicators without data gathered in one table of their own (no page of empty charts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...i18n import N_
from ...i18n.formats import format_quantity
from ..labels import censored_text
from ..paths import expected_path, number, target_band
from ..scorecard import fmt_pct
from .blocks import chart, h, p, plain, table
from .words import join, score_with_meaning, status_header, w, with_note

if TYPE_CHECKING:
    from ...engine.result import Evaluation
    from ...engine.table import Table


def series_of(obs: Table, key: str, area: str, year: int) -> list[dict]:
    """The observed values of one indicator in one area up to ``year``, by year."""
    out = []
    if obs.n_rows == 0:
        return out
    mask = (obs["indicator"] == key) & (obs["area"] == area)
    for r in obs.where(mask).rows():
        y = int(r["year"])
        if y > year:
            continue
        out.append(
            {
                "year": y,
                "value": number(r["value"]),
                "status": plain(r.get("status")) or "final",
                "approved": r.get("state", "approved") in ("approved", None),
                "source": plain(r.get("source")),
            }
        )
    out.sort(key=lambda x: x["year"])
    return out


def chart_data(ev: Evaluation, entry: dict, area: str, series: list[dict]) -> dict:
    """What :func:`kaoping.report.charts.series_chart` draws for one indicator: the values,
    the baseline, the expected path through the milestone values, the projection and the
    target — all read from the scorecard entry and the evaluation's tables."""
    key = entry["key"]
    mt = ev.milestone_table
    ms = [
        {
            "year": int(r["year"]),
            "expected": number(r["expected"]),
            "explicit": bool(r["explicit"]),
        }
        for r in mt.where((mt["indicator"] == key) & (mt["area"] == area)).rows()
    ]
    path = expected_path(entry, ms)
    band = target_band(ev.indicator(key, area))
    proj = entry["projection"]
    latest = entry["latest"]
    has = proj["value"] is not None
    return {
        "indicator": {
            **{
                k: entry[k]
                for k in (
                    "key",
                    "name",
                    "unit",
                    "target_year",
                    "target_level",
                    "base",
                    "status_label",
                )
            },
            "unit_label": entry.get("unit_label") or entry["unit"],
        },
        "series": [
            {k: s[k] for k in ("year", "value", "status", "approved")}
            for s in series
            if s["value"] is not None
        ],
        "expected_path": path,
        "target_band": band,
        "milestones": ms,
        "projection": {
            "value": proj["value"],
            "from_year": latest["year"] if has else None,
            "from_value": latest["value"] if has else None,
            "to_year": entry["target_year"] if has else None,
        },
    }


def value_text(
    v: float | None, unit: str, year: int | None = None, censor: str = "", lang: str = "en"
) -> str:
    """A value with its unit and, when given, its year: "12.5 % (2019)"; a bound "> 25 %"; a
    large figure in the language's large units unless the unit has its own scale ("2140.67万
    人次", "21.41 million person-times"; :func:`kaoping.i18n.formats.format_value`)."""
    if v is None:
        return "—"
    s = format_quantity(v, lang, unit=unit, number=lambda x: censored_text(x, censor, lang))
    return f"{s} ({year})" if year is not None else s


def unit_of(i: dict) -> str:
    """The unit an indicator's values are shown with: its label in the language."""
    return i.get("unit_label") or i["unit"]


def target_of(i: dict) -> str:
    """An indicator's target in words ("" when it has none)."""
    return i["target_text"] or i.get("target_words") or i["target"] or ""


def latest_text(i: dict, lang: str) -> str:
    """An indicator's latest value with its unit, year and bound."""
    latest = i["latest"]
    return value_text(latest["value"], unit_of(i), latest["year"], latest.get("censor", ""), lang)


def expected_text(i: dict, lang: str) -> str:
    """The value an indicator is expected to have by now, with its unit."""
    return value_text(i["expected"], unit_of(i), lang=lang)


def pace_text(i: dict, lang: str) -> str:
    """An indicator's pace: the progress or rate ratio and its band."""
    pace = i["pace"]
    if pace["value"] is None:
        return "—"
    progress = pace["measure"] == "progress_ratio"
    key = N_("report", "pace_progress_ratio") if progress else N_("report", "pace_rate_ratio")
    label = w(key, lang)
    band = (w("comma_sep", lang) + pace["band_label"]) if pace["band_label"] else ""
    return f"{label} {pace['value']:.2f}{band}"


def _projection_text(i: dict, lang: str) -> str:
    """The projection on the fitted trend: the value projected for the target year and,
    for a target not met, the year it is projected to be met, marked "~" as a projection
    (a met target's observed year is in its own row)."""
    pr = i["projection"]
    parts = []
    if pr["value"] is not None and i["target_year"] is not None:
        parts.append(f"{i['target_year']}: {value_text(pr['value'], unit_of(i), lang=lang)}")
    if not i["met"] and i["year_reached"] is None:
        if pr["year"] is not None:
            parts.append(w("projected_to_meet", lang, year=pr["year"]))
        elif pr["value"] is not None:
            parts.append(w("not_projected", lang))
    if not parts:
        return "—"
    return join(parts, lang, "clause_sep")


def _data_age_text(i: dict, lang: str) -> str:
    text = i["data_age_text"] or "—"
    if i["stale"]:
        text += w("stale_mark", lang)
    return text


def status_row(i: dict, lang: str) -> tuple[str, str]:
    """An indicator's status and the reason for it, as a key–value row."""
    return (
        status_header(lang),
        i["status_label"] + (f" — {i['reason_label']}" if i["reason_label"] else ""),
    )


def _indicator_rows(i: dict, lang: str, latest_source: str) -> list[tuple[str, str]]:
    target = target_of(i) or "—"
    rows = [
        status_row(i, lang),
        (w("base", lang), value_text(i["base"]["value"], unit_of(i), i["base"]["year"], lang=lang)),
        (w("latest", lang), latest_text(i, lang)),
        (w("data_age", lang), _data_age_text(i, lang)),
        (w("target", lang), f"{target}" + (f" ({i['target_year']})" if i["target_year"] else "")),
        (w("expected", lang), expected_text(i, lang)),
        (w("attainment", lang), fmt_pct(i["attainment"])),
        (w("pace", lang), pace_text(i, lang)),
    ]
    if i["year_reached"] is not None:
        rows.append((w("year_reached", lang), str(i["year_reached"])))
    rows.append((w("projection", lang), _projection_text(i, lang)))
    if latest_source:
        rows.append((w("latest_source", lang), latest_source))
    return rows


def _group_lead(g: dict, lang: str) -> dict:
    """The group's score, coverage and how many of its indicators are scored."""
    parts = [
        f"{w('score', lang)} {score_with_meaning(g['score'], lang)}",
        f"{w('coverage', lang)} {fmt_pct(g['coverage'])}",
        w("group_scored", lang, n=g["n_scored"], total=len(g["indicators"])),
    ]
    return p(join(parts, lang, "comma_sep"), "lead")


def _group_table(g: dict, lang: str) -> dict:
    return table(
        [
            w("indicator", lang),
            w("latest", lang),
            w("target", lang),
            w("attainment", lang),
            status_header(lang),
        ],
        [
            [
                i["name"],
                latest_text(i, lang),
                target_of(i) or "—",
                fmt_pct(i["attainment"]),
                i["status_label"],
            ]
            for i in g["indicators"]
        ],
        numeric=[3],
        cls="group-table",
    )


def _indicator_block(i: dict, ev: Evaluation, observations: Table, area: str, lang: str) -> dict:
    """One indicator: its chart and the rows that say where it stands."""
    series = series_of(observations, i["key"], area, ev.as_of)
    latest_src = next((s["source"] for s in series if s["year"] == i["latest"]["year"]), "")
    return {
        "t": "indicator",
        "id": f"ind-{i['key']}",
        "title": with_note(i["name"], unit_of(i), lang),
        "status": i["status"],
        "status_label": i["status_label"],
        "chart": chart(
            "series",
            i["name"],
            chart_data(ev, i, area, series),
            f"chart-{i['key']}",
            lang,
        ),
        "rows": [[k, v] for k, v in _indicator_rows(i, lang, latest_src)],
    }


#: the statuses of an indicator that has nothing to show when it has no value either
_EMPTY = ("no_data", "monitoring")


def without_data(card: dict, observations: Table, area: str, year: int) -> set[str]:
    """The indicators with nothing to chart or judge: no value up to ``year`` and no
    verdict (status no data, or monitored without a value)."""
    return {
        i["key"]
        for g in card["groups"]
        for i in g["indicators"]
        if i["status"] in _EMPTY
        and not any(s["value"] is not None for s in series_of(observations, i["key"], area, year))
    }


def group_section(
    g: dict,
    ev: Evaluation,
    observations: Table,
    area: str,
    lang: str,
    empty: set[str] | frozenset[str] = frozenset(),
) -> dict:
    """A group's section: its score, its table (every indicator), and each of its
    indicators with data (those in ``empty`` are in :func:`no_data_section`)."""
    blocks: list[dict] = [
        h(g["name"], anchor=f"group-{g['key']}", page_break=True),
        _group_lead(g, lang),
        _group_table(g, lang),
    ]
    n_empty = sum(1 for i in g["indicators"] if i["key"] in empty)
    if n_empty:
        blocks.append(p(w("no_data_in_group", lang).format(n=n_empty), "note"))
    blocks += [
        _indicator_block(i, ev, observations, area, lang)
        for i in g["indicators"]
        if i["key"] not in empty
    ]
    return {"id": f"group-{g['key']}", "blocks": blocks}


def no_data_section(card: dict, empty: set[str], year: int, lang: str) -> dict | None:
    """The indicators without data in one table: group, indicator, unit, target and why
    (None when every indicator has data)."""
    rows = []
    for g in card["groups"]:
        for i in g["indicators"]:
            if i["key"] not in empty:
                continue
            target = target_of(i)
            if target and i["target_year"]:
                target += f" ({i['target_year']})"
            why = i["reason_label"] or i["status_label"]
            rows.append([g["name"], i["name"], unit_of(i), target, why])
    if not rows:
        return None
    return {
        "id": "no-data",
        "blocks": [
            h(w("no_data_indicators", lang), anchor="no-data", page_break=True),
            p(w("no_data_lead", lang).format(n=len(rows), year=year), "lead"),
            table(
                [
                    w("group", lang),
                    w("indicator", lang),
                    w("unit", lang),
                    w("target", lang),
                    w("reason", lang),
                ],
                rows,
                cls="no-data",
            ),
        ],
    }
