"""``kaoping report``: the plan evaluation report or the annual assessment report."""

from __future__ import annotations

import sys

import click

from .common import _progress, _store, db_option, lang_option


@click.command()
@click.argument("kind", type=click.Choice(["evaluation", "assessment"]))
@click.argument("plan", required=False)
@click.option("--year", type=int, help="As-of year (default: the plan's end year).")
@lang_option
@click.option(
    "--format", "fmt", type=click.Choice(["html", "pdf", "xlsx"]), default="pdf", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Output file ('-' for stdout; default: a name made of the report, plan, year, language).",
)
@db_option("Read the plan and approved data from this database.")
@click.option(
    "--data",
    type=click.Path(dir_okay=False),
    help="Evaluation from files: observations CSV (default: the plan's bundled data).",
)
@click.option("--area", help="Area key (default: the plan's first area).")
def report(
    kind: str,
    plan: str | None,
    year: int | None,
    lang: str,
    fmt: str,
    output: str | None,
    db_url: str | None,
    data: str | None,
    area: str | None,
) -> None:
    """Write the plan evaluation report or the annual assessment report.

    The evaluation report works from files like `kaoping evaluate` (PLAN, --data) or
    from the store (--db); the assessment report needs the store. Every report states
    the plan version, the data as-of date, the method and the command that makes it.

    \b
    Examples:
      kaoping report evaluation --year 2020 --lang zh            a PDF of the bundled plan
      kaoping report evaluation --format xlsx -o report.xlsx
      kaoping report assessment --db sqlite:///kaoping.db --year 2020 --format html
    """
    from ..errors import UsageError
    from ..report.build import assessment_from_store, evaluation_from_files, evaluation_from_store
    from ..report.build import render as render_report

    if kind == "assessment" and not db_url:
        import os

        db_url = os.environ.get("KAOPING_DATABASE_URL") or None
        if db_url is None:
            raise UsageError("the assessment report needs the store: give --db URL")
    if db_url and data:
        raise UsageError("give either --db or --data, not both")
    with _progress("Writing the report…"):
        if db_url:
            with _store(db_url) as store:
                if kind == "evaluation":
                    doc = evaluation_from_store(store, year, lang, fmt, plan, area)
                else:
                    doc = assessment_from_store(store, year, lang, fmt, plan)
        else:
            doc = evaluation_from_files(plan, data, year, lang, fmt, area=area)
        body = render_report(doc, fmt)
    if output == "-":
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        return
    if output is None:
        year_part = doc["cover"]["lines"][1][1] if kind == "evaluation" else str(year or "")
        output = f"{kind}-{year_part}-{lang}.{fmt}"
    with open(output, "wb") as f:
        f.write(body)
    click.echo(f"wrote {output} ({len(body):,} bytes)", err=True)
