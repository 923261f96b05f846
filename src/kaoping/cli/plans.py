"""Commands on plan files: validate, evaluate, schema, plans."""

from __future__ import annotations

import json
import sys

import click

from .common import _console, _json_default, _progress, lang_option, table_format_option

ATTAINMENT = ("ratio", "distance", "goalposts")
STATUS_SETS = ("time_half", "sdr", "eurostat")


@click.command()
@click.argument("plan", required=False)
@lang_option
def validate(plan: str | None, lang: str) -> None:
    """Check a plan file and report every problem at once, or summarise the plan.

    PLAN is a path to a plan file (or a folder holding plan.yaml) or a bundled plan id.
    """
    from ..core import open_plan

    p = open_plan(plan)
    quant = sum(1 for i in p.indicators if i.quantitative or i.schedule)
    qual = sum(1 for i in p.indicators if i.is_qualitative)
    mon = sum(1 for i in p.indicators if not i.targets and not i.schedule)
    out = _console()
    out.print(f"[green]✓[/green] {p.path}: plan [bold]{p.id}[/bold] is valid (version {p.version})")
    out.print(f"  {p.title.get(lang)}")
    out.print(
        f"  period {p.period.start}–{p.period.end}, base year {p.base_year}, "
        f"{len(p.milestones)} milestones, {len(p.areas)} area(s)"
    )
    out.print(
        f"  {len(p.indicators)} indicators: {quant} with quantitative targets, "
        f"{qual} qualitative, {mon} monitoring only"
    )
    for g in p.groups:
        n = sum(1 for i in p.indicators if i.group == g.key)
        out.print(f"    {g.key:<16} {g.name.get(lang)}: {n}")
    for lens in p.lenses:
        cats = ", ".join(
            f"{c.name.get(lang)} {sum(1 for i in p.indicators if c.key in i.tags)}"
            for c in lens.categories
        )
        out.print(f"  lens {lens.name.get(lang)}: {cats}")
    out.print(f"  {len(p.chapters)} chapters, {len(p.articles)} articles")


@click.command()
@click.argument("plan", required=False)
@click.option(
    "--data",
    "data",
    type=click.Path(dir_okay=False),
    help="Observations CSV (default: the plan's bundled data).",
)
@click.option(
    "--verdicts",
    type=click.Path(dir_okay=False),
    help="Verdicts CSV for qualitative targets and steps.",
)
@click.option("--year", type=int, help="As-of year (default: the plan's end year).")
@click.option("--area", help="Area key (default: the plan's first area).")
@click.option(
    "--method",
    "attainment",
    type=click.Choice(ATTAINMENT),
    help="Attainment method (default: the plan's).",
)
@click.option(
    "--status",
    "status_set",
    type=click.Choice(STATUS_SETS),
    help="Status threshold set (default: the plan's).",
)
@click.option(
    "--aggregation",
    type=click.Choice(["arithmetic", "geometric"]),
    help="How scores are aggregated.",
)
@table_format_option
@lang_option
def evaluate(
    plan: str | None,
    data: str | None,
    verdicts: str | None,
    year: int | None,
    area: str | None,
    attainment: str | None,
    status_set: str | None,
    aggregation: str | None,
    fmt: str,
    lang: str,
) -> None:
    """Evaluate a plan as of a year and print its scorecard.

    For each group: every indicator's base, latest value, target, attainment, pace
    and status; then group, lens and overall scores, the plan's steps and milestones.
    """
    from ..core import check_area, evaluate_loaded, load
    from ..report.scorecard import scorecard

    with _progress("Evaluating…"):
        loaded = load(plan, data, verdicts)
        ev = evaluate_loaded(loaded, year, attainment, status_set, aggregation)
        area = check_area(loaded.plan, ev, area)
        card = scorecard(loaded.plan, ev, area, lang)
    card["data_source"] = loaded.data_source
    if fmt == "json":
        click.echo(json.dumps(card, ensure_ascii=False, indent=2, default=_json_default))
    elif fmt == "csv":
        import csv

        from ..data.cells import escape_formula  # no live formula in a spreadsheet
        from ..report.scorecard import CSV_COLUMNS, scorecard_rows

        w = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS, lineterminator="\n")
        w.writeheader()
        for row in scorecard_rows(card):
            w.writerow({k: ("" if v is None else escape_formula(v)) for k, v in row.items()})
    else:
        from ..report.terminal import render

        console = _console()
        render(card, console)
        # the plan's binding / anticipatory targets, as counted by the core
        for n in card.get("natures") or []:
            console.print(n["text"])


@click.command()
@click.option("--indent", type=int, default=2, show_default=True)
def schema(indent: int) -> None:
    """Print the JSON Schema of plan files."""
    from ..plan.model import Plan

    s = Plan.model_json_schema()
    s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    s["title"] = "kaoping plan file"
    click.echo(json.dumps(s, ensure_ascii=False, indent=indent))


@click.command()
@lang_option
def plans(lang: str) -> None:
    """List the bundled plans."""
    from ..plan.bundled import bundled_data, bundled_plans
    from ..plan.cache import load_plan

    out = _console()
    for pid, folder in bundled_plans().items():
        p = load_plan(folder / "plan.yaml")
        data = "with data" if bundled_data(folder / "plan.yaml") else "no data"
        out.print(
            f"[bold]{pid}[/bold]  {p.title.get(lang)}  "
            f"({p.period.start}–{p.period.end}, {len(p.indicators)} indicators, {data})"
        )
