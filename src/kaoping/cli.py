"""The command line: a thin layer over :mod:`kaoping.core`.

A mistake in the user's input (plan, data, options) is one clear message on stderr and
exit status 1; a usage mistake is click's message and exit status 2.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from . import __version__
from .errors import KaopingError

ATTAINMENT = ("ratio", "distance", "goalposts")
STATUS_SETS = ("time_half", "sdr", "eurostat")


def _console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # piped output is read in files and pagers: give tables room instead of 80 columns
    width = None if stream.isatty() else 132
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def _progress(message: str):
    """A spinner on stderr while long work runs (only on a terminal)."""
    import contextlib

    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    return _console(stderr=True).status(message)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kaoping")
def cli() -> None:
    """kaoping (考评): make a development plan operable.

    A plan is a YAML file of targets; the data are yearly observations. kaoping
    computes how far every target has come, whether it is on track, and how each
    group of the plan scores. Without a PLAN argument, commands use the bundled
    flagship plan, Zhengzhou's outline 2009–2020, with its published data.

    \b
    Examples:
      kaoping evaluate                         the 2020 scorecard of the bundled plan
      kaoping evaluate --year 2015 --lang zh   as of 2015, in Chinese
      kaoping evaluate my-plan.yaml --data obs.csv --format json
      kaoping validate my-plan.yaml            every problem of a plan file at once
    """


@cli.command()
@click.argument("plan", required=False)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
def validate(plan: str | None, lang: str) -> None:
    """Check a plan file and report every problem at once, or summarise the plan.

    PLAN is a path to a plan file (or a folder holding plan.yaml) or a bundled plan id.
    """
    from .core import open_plan

    p = open_plan(plan)
    quant = sum(1 for i in p.indicators if i.quantitative)
    qual = sum(1 for i in p.indicators if i.is_qualitative)
    mon = sum(1 for i in p.indicators if not i.targets)
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


@cli.command()
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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
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
    from .core import check_area, evaluate_loaded, load
    from .report.scorecard import scorecard

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

        from .report.scorecard import CSV_COLUMNS, scorecard_rows

        w = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS, lineterminator="\n")
        w.writeheader()
        for row in scorecard_rows(card):
            w.writerow({k: ("" if v is None else v) for k, v in row.items()})
    else:
        from .report.terminal import render

        render(card, _console())


@cli.command()
@click.option("--indent", type=int, default=2, show_default=True)
def schema(indent: int) -> None:
    """Print the JSON Schema of plan files."""
    from .plan.model import Plan

    s = Plan.model_json_schema()
    s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    s["title"] = "kaoping plan file"
    click.echo(json.dumps(s, ensure_ascii=False, indent=indent))


@cli.command()
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
def plans(lang: str) -> None:
    """List the bundled plans."""
    from .plan.bundled import bundled_data, bundled_plans
    from .plan.loader import load_plan

    out = _console()
    for pid, folder in bundled_plans().items():
        p = load_plan(folder / "plan.yaml")
        data = "with data" if bundled_data(folder / "plan.yaml") else "no data"
        out.print(
            f"[bold]{pid}[/bold]  {p.title.get(lang)}  "
            f"({p.period.start}–{p.period.end}, {len(p.indicators)} indicators, {data})"
        )


def _json_default(o: Any) -> Any:
    if hasattr(o, "item"):
        return o.item()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the command line, turning a user's mistake into one clear message."""
    try:
        cli.main(args=argv, prog_name="kaoping", standalone_mode=False)
    except KaopingError as e:
        for i, line in enumerate(e.lines()):
            click.echo(("error: " if i == 0 else "") + line, err=True)
        return 1
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
