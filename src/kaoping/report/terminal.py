"""The scorecard in a terminal, with colours for status; plain text when piped.

:func:`render` lays the scorecard out once, as lines of styled pieces and tables, and
writes it through one of two writers: rich's console in a terminal (colours, tables
fitted to the window), or plain text for a file or a pipe, which needs no rich at all
(importing and laying out with rich costs about a tenth of a second per command).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..i18n import label
from .labels import STATUS, SYMBOL, t, word
from .scorecard import fmt_number, fmt_pct, reached_text

STYLE = {
    "achieved": "bold green",
    "achieved_early": "bold green",
    "ahead": "cyan",
    "on_track": "green",
    "lagging": "yellow",
    "regressing": "bold red",
    "stale": "magenta",
    "no_data": "dim",
    "monitoring": "blue",
}

#: a piece of text and its rich style ("" for none)
Piece = tuple[str, str]


def _score(s: dict, lang: str) -> str:
    if s["score"] is None:
        return f"—  ({word('coverage', lang)} {fmt_pct(s['coverage'])})"
    return f"{s['score']:.1f}  ({word('coverage', lang)} {fmt_pct(s['coverage'])})"


def _pace(i: dict) -> str:
    p = i["pace"]
    if i["kind"] == "every_year" and i["every_year"]:
        return f"{i['every_year']['held']}/{i['every_year']['checked']}"
    if p["value"] is None:
        return "—"
    return f"{p['value']:.2f}"


def _reached(i: dict, end: int) -> str:
    """The year a met target was first met in its current run (observed), or "~year" when a
    target not met is projected to be met on the fitted trend."""
    text = reached_text(i)
    year = i["projection"]["year"]
    if text.startswith("~") and year is not None and year > end + 30:
        return f">{end + 30}"
    return text


def _target(i: dict) -> str:
    if not i["target"]:
        return "—"
    year = f" ({i['target_year']})" if i["target_year"] else ""
    return f"{i.get('target_words') or i['target']}{year}"


def _value(v: dict, lang: str = "en") -> str:
    if v["value"] is None:
        return "—"
    mark = "*" if v.get("nearby") else ""
    shown = fmt_number(v["value"], censor=v.get("censor", ""), lang=lang)
    return f"{shown} [{v['year']}{mark}]"


# ---- the layout, independent of how it is written ----------------------------------------


@dataclass
class Column:
    header: list[Piece]
    justify: str = "left"
    min_width: int = 0
    wrap: bool = False  # may be narrowed, its text wrapped, to fit the width


@dataclass
class Grid:
    """A table: ``boxed`` with a title and rules, else bare columns (the score summary)."""

    columns: list[Column]
    rows: list[list[list[Piece]]] = field(default_factory=list)
    title: str = ""
    boxed: bool = True


Block = list[Piece] | Grid


def layout(card: dict) -> list[Block]:
    """The scorecard as lines of styled pieces and tables, in reading order."""
    lang = card["lang"]
    plan = card["plan"]
    m = card["method"]
    out: list[Block] = [[(plan["title"], "bold")]]
    out.append(
        [
            (
                f"{card['area']['name']} · {word('as_of', lang)} {card['as_of']} · "
                f"{word('version', lang)} {plan['version']} · "
                f"{word('method', lang)}: {m['attainment']} / {m['status']} / {m['aggregation']}",
                "",
            )
        ]
    )
    score_meaning = word("score_meaning", lang)
    status_meaning = word("status_meaning", lang)
    out.append(
        [
            (f"{word('overall', lang)} {word('score', lang)}:", "bold"),
            (f" {_score(card['overall'], lang)}  ", ""),
            (f"— {score_meaning}", "dim"),
        ]
    )
    counts: list[Piece] = [(f"{word('counts', lang)} ", ""), (f"({status_meaning})", "dim")]
    counts.append((":", ""))
    for k, n in card["status_counts"].items():
        if n:
            item = f"{SYMBOL.get(k, '')} {t(STATUS, k, lang)} {n}"
            counts += [(" " if len(counts) == 3 else "  ", ""), (item, STYLE.get(k, ""))]
    out.append(counts)
    out.append([(word("score_vs_status", lang), "italic")])

    summary = Grid(
        [
            Column([(word("groups", lang), "bold")]),
            Column([(f"{word('score', lang)} — {score_meaning}", "bold")], justify="right"),
        ],
        boxed=False,
    )
    for g in card["groups"]:
        summary.rows.append([[(g["name"], "")], [(_score(g, lang), "")]])
    for lens in card["lenses"]:
        summary.rows.append([[(lens["name"], "bold")], []])
        for c in lens["categories"]:
            summary.rows.append([[(f"  {c['name']}", "")], [(_score(c, lang), "")]])
    out.append(summary)

    end = plan["period"][1]
    for g in card["groups"]:
        grid = Grid(
            [
                Column([(word("indicator", lang), "bold")], min_width=14, wrap=True),
                Column([(word("base", lang), "bold")], justify="right"),
                Column([(word("latest", lang), "bold")], justify="right"),
                Column([(word("target", lang), "bold")], wrap=True),
                Column([(word("attainment", lang), "bold")], justify="right"),
                Column([(word("pace", lang), "bold")], justify="right"),
                Column([(word("reached", lang), "bold")], justify="right", wrap=True),
                Column(
                    [(f"{word('status', lang)}\n", "bold"), (status_meaning, "bold dim")],
                    min_width=14,
                    wrap=True,
                ),
            ],
            title=f"{g['name']} · {word('score', lang)} {_score(g, lang)}",
        )
        for i in g["indicators"]:
            unit = i["unit"]
            shown = i.get("unit_label") or unit
            name = f"{i['name']} ({shown})" if unit and unit != "verdict" else i["name"]
            status = [
                (
                    f"{SYMBOL.get(i['status'], '')} {i['status_label']}".strip(),
                    STYLE.get(i["status"], ""),
                )
            ]
            if i["reason_label"] and i["reason"] not in ("no_value", "no_verdict"):
                status.append((f"\n{i['reason_label']}", "dim"))
            cells = [name, _value(i["base"], lang), _value(i["latest"], lang), _target(i)]
            cells += [fmt_pct(i["attainment"]), _pace(i), _reached(i, end)]
            grid.rows.append([[(c, "")] for c in cells] + [status])
        out.append(grid)

    if card["steps"]:
        out.append([(word("steps", lang), "bold")])
        for s in card["steps"]:
            verdict = s["verdict_label"] or (
                word("no_verdict", lang) if s["due"] else word("not_yet_due", lang)
            )
            out.append([(f"  {s['year']} {s['name']}: {s['goal']}  [{verdict}]", "")])
    if card["milestones"]:
        out.append([(word("milestones", lang), "bold")])
        for ms in card["milestones"]:
            text = (
                f"  {ms['year']}: {ms['met']} {word('met', lang)} / {ms['with_data']} "
                f"{word('with_data', lang)} / {ms['indicators']} {word('with_milestone', lang)}"
            )
            out.append([(text, "")])
    out.append([(f"{word('legend', lang)} ({status_meaning})", "bold")])
    for x in card["legend"]:
        out.append(
            [
                ("  ", ""),
                (f"{x['symbol']} {x['label']}", STYLE.get(x["status"], "")),
                (f": {x['meaning']}", ""),
            ]
        )
    projected = label("report", "projected_year_mark", lang)
    nearby = label("report", "baseline_nearby", lang)
    out.append([(f"* {nearby}; {projected}; {word('pace', lang)} = {m['status_measure']}", "dim")])
    return out


def render(card: dict, console: Any) -> None:
    """Print the scorecard: header, overall and group scores, then each group's indicators.

    ``console`` is a rich console, or any object with ``plain = True`` and a ``write(text)``
    method (see :class:`kaoping.cli.common.PlainConsole`), which gets plain text."""
    blocks = layout(card)
    if getattr(console, "plain", False):
        width = getattr(console, "width", None) or 132
        console.write("".join(line + "\n" for b in blocks for line in plain_lines(b, width)))
    else:
        for b in blocks:
            console.print(_rich(b), highlight=False)


# ---- rich ----------------------------------------------------------------------------


def _text(pieces: list[Piece]):
    from rich.text import Text

    return Text.assemble(*((s, style) for s, style in pieces))


def _rich(block: Block):
    if not isinstance(block, Grid):
        return _text(block)
    from rich.table import Table

    if block.boxed:
        title = _text([(block.title, "")])
        table = Table(title=title, title_justify="left", header_style="bold")
    else:
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for c in block.columns:
        table.add_column(
            _text(c.header),
            justify=c.justify,
            min_width=c.min_width or None,
            overflow="fold" if c.wrap else "ellipsis",
        )
    for row in block.rows:
        table.add_row(*(_text(cell) for cell in row))
    return table


# ---- plain text ------------------------------------------------------------------------


def cell_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: two for wide (CJK) characters."""
    if text.isascii():
        return len(text)
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def _fold(word_: str, width: int) -> list[str]:
    """A word wider than ``width`` cut into pieces that fit."""
    parts, cur, cw = [], "", 0
    for ch in word_:
        w = cell_width(ch)
        if cur and cw + w > width:
            parts.append(cur)
            cur, cw = "", 0
        cur, cw = cur + ch, cw + w
    return [*parts, cur]


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken at spaces (words wider than
    that are cut); its own line breaks are kept."""
    lines: list[str] = []
    for para in text.split("\n"):
        if cell_width(para) <= width:
            lines.append(para)
            continue
        cur, cw = "", 0
        for w in re.split(r"(?<=\S) (?=\S)", para):
            ww = cell_width(w)
            if cur and cw + 1 + ww <= width:
                cur, cw = f"{cur} {w}", cw + 1 + ww
                continue
            if cur:
                lines.append(cur)
            *whole, cur = _fold(w, width) if ww > width else [w]
            lines += whole
            cw = cell_width(cur)
        lines.append(cur)
    return lines


def _pad(text: str, width: int, justify: str) -> str:
    gap = " " * max(0, width - cell_width(text))
    return gap + text if justify == "right" else text + gap


def plain_lines(block: Block, width: int = 132) -> list[str]:
    """A block as lines of plain text; tables narrowed to ``width`` where they can wrap."""
    if not isinstance(block, Grid):
        return "".join(s for s, _ in block).split("\n")
    cols = block.columns
    head = ["".join(s for s, _ in c.header) for c in cols]
    body = [["".join(s for s, _ in cell) for cell in row] for row in block.rows]
    widths = [
        max(
            [c.min_width, *map(cell_width, h.split("\n"))]
            + [cell_width(x) for row in body for x in row[j].split("\n")]
        )
        for j, (c, h) in enumerate(zip(cols, head, strict=True))
    ]
    # a boxed table takes "│ " before each column and " │" after the last; a bare one 2 spaces
    frame = 3 * len(cols) + 1 if block.boxed else 2 * (len(cols) - 1)
    excess = sum(widths) + frame - width
    if excess > 0:
        # narrow the widest column first: one that wraps down to 10 columns (its min_width at
        # least), cutting words if need be; another down to its longest word
        floors = [
            max(c.min_width, 10)
            if c.wrap
            else max(
                [c.min_width, *(cell_width(w) for w in h.split())]
                + [cell_width(w) for row in body for w in row[j].split()]
            )
            for j, (c, h) in enumerate(zip(cols, head, strict=True))
        ]
        while excess > 0:
            narrowable = [j for j in range(len(cols)) if widths[j] > floors[j]]
            if not narrowable:
                break
            j = max(narrowable, key=lambda k: widths[k])
            widths[j] -= 1
            excess -= 1

    def cells(texts: list[str], bottom: bool) -> list[list[str]]:
        wrapped = [wrap(x, widths[j]) for j, x in enumerate(texts)]
        height = max(map(len, wrapped), default=1)
        return [
            (
                ["" for _ in range(height - len(w))] + w
                if bottom
                else w + ["" for _ in range(height - len(w))]
            )
            for w in wrapped
        ]

    def lines_of(texts: list[str], bottom: bool, bar: str) -> list[str]:
        grid = cells(texts, bottom)
        out = []
        for k in range(len(grid[0]) if grid else 0):
            parts = [_pad(grid[j][k], widths[j], cols[j].justify) for j in range(len(cols))]
            if block.boxed:
                out.append(f"{bar} " + f" {bar} ".join(parts) + f" {bar}")
            else:
                out.append("  ".join(parts).rstrip())
        return out

    def rule(left: str, mid: str, right: str, line: str) -> str:
        return left + mid.join(line * (w + 2) for w in widths) + right

    if not block.boxed:
        return lines_of(head, True, "") + [ln for row in body for ln in lines_of(row, False, "")]
    out = [block.title] if block.title else []
    out.append(rule("┏", "┳", "┓", "━"))
    out += lines_of(head, True, "┃")
    if body:
        out.append(rule("┡", "╇", "┩", "━"))
        out += [ln for row in body for ln in lines_of(row, False, "│")]
        out.append(rule("└", "┴", "┘", "─"))
    else:
        out.append(rule("┗", "┻", "┛", "━"))
    return out
