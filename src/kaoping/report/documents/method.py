"""The evaluation report's method and sources: how the numbers were computed, where the data
came from, and the command that makes the report again."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ...i18n import label
from ...i18n.formats import format_list
from ..labels import t
from ..scorecard import fmt_pct
from .blocks import Data, Provenance, h, kv, p, plain, provenance_rows, reproduce, table
from .words import METHOD_TEXT, w

if TYPE_CHECKING:
    from ...engine.table import Table


def source_rows(
    obs: Table, year: int, area: str, names: dict[str, str], lang: str
) -> list[list[Any]]:
    """Each data source of the area up to ``year``: the indicators it gives, how many values
    and which years; the source with most values first."""
    by: dict[str, dict] = defaultdict(lambda: {"inds": set(), "n": 0, "years": set()})
    if obs.n_rows:
        for r in obs.rows():
            if int(r["year"]) > year or r["area"] != area:
                continue
            src = plain(r.get("source")) or "—"
            b = by[src]
            b["inds"].add(r["indicator"])
            b["n"] += 1
            b["years"].add(int(r["year"]))
    rows = []
    for src in sorted(by, key=lambda s: (-by[s]["n"], s)):
        b = by[src]
        ys = sorted(b["years"])
        span = f"{ys[0]}–{ys[-1]}" if ys[0] != ys[-1] else str(ys[0])
        inds = format_list([names.get(k, k) for k in sorted(b["inds"])], lang)
        # an address as a reader reads it (percent-escapes decoded), shown as data
        shown = Data(unquote(src)) if src.startswith(("http://", "https://")) else src
        rows.append([shown, inds, b["n"], span])
    return rows


def source_columns(lang: str) -> list[str]:
    return [w("source", lang), w("indicator", lang), w("values", lang), w("years", lang)]


def _aggregation(code: str, lang: str) -> str:
    """How the scores are combined, in words (the code when the catalogs have none)."""
    text = label("method", f"aggregation_{code}", lang)
    return code if text == f"aggregation_{code}" else text


def _method_rows(m: dict, lang: str) -> list[tuple[str, str]]:
    """The plan's methods: attainment, status rule, thresholds, aggregation, coverage."""
    th = m["thresholds"]
    return [
        (
            w("attainment_method", lang),
            t(METHOD_TEXT, m["attainment"], lang)
            if m["attainment"] in METHOD_TEXT
            else m["attainment"],
        ),
        (
            w("status_method", lang),
            t(METHOD_TEXT, m["status"], lang)
            if m["status"] in METHOD_TEXT
            else f"{m['status']} ({m['status_measure']})",
        ),
        (
            w("thresholds", lang),
            " / ".join(str(th[k]) for k in ("ahead", "on", "moderate", "floor") if k in th),
        ),
        (w("aggregation", lang), _aggregation(m["aggregation"], lang)),
        (w("min_coverage", lang), fmt_pct(m["min_coverage"])),
        *(
            [(w("max_data_age", lang), str(m["max_data_age"]))]
            if m.get("max_data_age") is not None
            else []
        ),
    ]


def method_section(
    card: dict, plan_version: str, provenance: Provenance, sources: list[list[Any]], lang: str
) -> dict:
    """The methods, the provenance, the command and the data sources."""
    rows = _method_rows(card["method"], lang) + provenance_rows(plan_version, provenance, lang)
    return {
        "id": "method",
        "blocks": [
            h(w("method", lang), anchor="method", page_break=True),
            kv(rows),
            p(w("formulas_in_doc", lang)),
            kv([(w("methods_doc", lang), Data("docs/methods.md"))]),
            *reproduce(provenance, lang),
            h(w("sources", lang), 3),
            table(source_columns(lang), sources, numeric=[2], cls="sources"),
        ],
    }
