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
    help="Output file ('-' for stdout; default: <plan>-<report>-<year>-<lang>.<format>, the "
    "name the web gives the same report).",
)
@db_option(
    "Read the plan and approved data from this database (the assessment report: default "
    "KAOPING_DATABASE_URL or the embedded SQLite file, as `kaoping assess`)."
)
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
    from the store (--db); the assessment report reads the store, the one `kaoping assess`
    reads (--db, else KAOPING_DATABASE_URL, else the embedded SQLite file). Every report
    states the plan version, the data as-of date, the method and the command that makes it.

    \b
    Examples:
      kaoping report evaluation --year 2020 --lang zh            a PDF of the bundled plan
      kaoping report evaluation --format xlsx -o report.xlsx
      kaoping report assessment --year 2020 --format html        from the default database
    """
    from ..errors import UsageError
    from ..report.build import (
        assessment_from_store,
        document_filename,
        evaluation_from_files,
        evaluation_from_store,
    )
    from ..report.build import render as render_report

    if db_url and data:
        raise UsageError("give either --db or --data, not both")
    with _progress("Writing the report…"):
        if db_url or kind == "assessment":
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
        output = document_filename(doc, fmt)
    with open(output, "wb") as f:
        f.write(body)
    click.echo(f"wrote {output} ({len(body):,} bytes)", err=True)
