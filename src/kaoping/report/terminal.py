"""The scorecard in a terminal, with colours for status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .labels import STATUS, SYMBOL, t, word
from .scorecard import fmt_number, fmt_pct, reached_text

if TYPE_CHECKING:
    from rich.console import Console

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
    return f"{i['target']}{year}"


def _value(v: dict) -> str:
    if v["value"] is None:
        return "—"
    mark = "*" if v.get("nearby") else ""
    return f"{fmt_number(v['value'])} [{v['year']}{mark}]"


def render(card: dict, console: Console) -> None:
    """Print the scorecard: header, overall and group scores, then each group's indicators."""
    from rich.table import Table
    from rich.text import Text

    lang = card["lang"]
    plan = card["plan"]
    m = card["method"]
    console.print(Text(plan["title"], style="bold"))
    console.print(
        f"{card['area']['name']} · {word('as_of', lang)} {card['as_of']} · "
        f"{word('version', lang)} {plan['version']} · "
        f"{word('method', lang)}: {m['attainment']} / {m['status']} / {m['aggregation']}"
    )
    overall = _score(card["overall"], lang)
    score_meaning = word("score_meaning", lang)
    status_meaning = word("status_meaning", lang)
    console.print(
        f"[bold]{word('overall', lang)} {word('score', lang)}:[/bold] {overall}"
        f"  [dim]— {score_meaning}[/dim]"
    )
    counts = "  ".join(
        f"[{STYLE.get(k, '')}]{SYMBOL.get(k, '')} {t(STATUS, k, lang)} {n}[/]"
        for k, n in card["status_counts"].items()
        if n
    )
    console.print(f"{word('counts', lang)} [dim]({status_meaning})[/dim]: {counts}")
    console.print(Text(word("score_vs_status", lang), style="italic"))

    summary = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    summary.add_column(word("groups", lang))
    summary.add_column(f"{word('score', lang)} — {score_meaning}", justify="right")
    for g in card["groups"]:
        summary.add_row(g["name"], _score(g, lang))
    for lens in card["lenses"]:
        summary.add_row(Text(lens["name"], style="bold"), "")
        for c in lens["categories"]:
            summary.add_row(f"  {c['name']}", _score(c, lang))
    console.print(summary)

    for g in card["groups"]:
        table = Table(
            title=f"{g['name']} · {word('score', lang)} {_score(g, lang)}",
            title_justify="left",
            header_style="bold",
            show_lines=False,
        )
        table.add_column(word("indicator", lang), overflow="fold", min_width=14)
        table.add_column(word("base", lang), justify="right")
        table.add_column(word("latest", lang), justify="right")
        table.add_column(word("target", lang), overflow="fold")
        table.add_column(word("attainment", lang), justify="right")
        table.add_column(word("pace", lang), justify="right")
        table.add_column(word("reached", lang), justify="right", overflow="fold")
        table.add_column(
            f"{word('status', lang)}\n[dim]{status_meaning}[/dim]", min_width=14, overflow="fold"
        )
        for i in g["indicators"]:
            name = (
                f"{i['name']} ({i['unit']})" if i["unit"] and i["unit"] != "verdict" else i["name"]
            )
            status = Text(
                f"{SYMBOL.get(i['status'], '')} {i['status_label']}".strip(),
                style=STYLE.get(i["status"], ""),
            )
            if i["reason_label"] and i["reason"] not in ("no_value", "no_verdict"):
                status.append(f"\n{i['reason_label']}", style="dim")
            table.add_row(
                name,
                _value(i["base"]),
                _value(i["latest"]),
                _target(i),
                fmt_pct(i["attainment"]),
                _pace(i),
                _reached(i, card["plan"]["period"][1]),
                status,
            )
        console.print(table)

    if card["steps"]:
        console.print(Text(word("steps", lang), style="bold"))
        for s in card["steps"]:
            verdict = s["verdict_label"] or (
                word("no_verdict", lang) if s["due"] else word("not_yet_due", lang)
            )
            console.print(f"  {s['year']} {s['name']}: {s['goal']}  [{verdict}]")
    if card["milestones"]:
        console.print(Text(word("milestones", lang), style="bold"))
        for ms in card["milestones"]:
            console.print(
                f"  {ms['year']}: {ms['met']} {word('met', lang)} / {ms['with_data']} "
                f"{word('with_data', lang)} / {ms['indicators']} {word('with_milestone', lang)}"
            )
    console.print(Text(f"{word('legend', lang)} ({status_meaning})", style="bold"))
    for x in card["legend"]:
        console.print(
            f"  [{STYLE.get(x['status'], '')}]{x['symbol']} {x['label']}[/]: {x['meaning']}",
            highlight=False,
        )
    projected = "~ 表示预计年份" if lang == "zh" else "~ marks a projected year"
    console.print(
        f"[dim]* {'基期值取自相邻年份' if lang == 'zh' else 'baseline taken from a nearby year'}; "
        f"{projected}; {word('pace', lang)} = {card['method']['status_measure']}[/dim]"
    )
