"""``kaoping assess``: the annual assessment (考评) from the store, and its adjustments."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from .common import (
    DB_ENV_HELP,
    _console,
    _json_default,
    _store,
    db_option,
    lang_option,
    plan_id_option,
    table_format_option,
)


@click.group("assess", invoke_without_command=True)
@click.option("--year", type=int, help="Assessment year (default: the plan's end year).")
@db_option(DB_ENV_HELP)
@plan_id_option
@table_format_option
@lang_option
@click.pass_context
def assess(
    ctx: click.Context,
    year: int | None,
    db_url: str | None,
    plan_id: str | None,
    fmt: str,
    lang: str,
) -> None:
    """The annual assessment (考评) of departments and districts from the database.

    \b
    Examples:
      kaoping assess --year 2015                 the results table for 2015
      kaoping assess --format json               every unit with the evidence behind it
      kaoping assess adjust env -2 --reason "…" --year 2015 --as admin
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..assess.service import (
        COLUMNS,
        coverage_text,
        insufficient_lines,
        insufficient_text,
        run_assessment,
    )
    from ..i18n import label

    with _store(db_url) as store:
        result = run_assessment(store, year, plan_id)
    rows = result.rows()
    if fmt == "json":
        click.echo(
            json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=_assess_default)
        )
        return
    if fmt == "csv":
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["unit"])
        from ..data.cells import escape_formula  # no live formula in a spreadsheet

        writer.writeheader()
        writer.writerows([{k: escape_formula(v) for k, v in r.items()} for r in rows])
        return
    from rich.table import Table

    def num(v: float | None) -> str:
        return "—" if v is None else f"{v:.{result.rules['decimals']}f}"

    title = label("assessment", "title", lang, plan=result.plan_id, year=result.year)
    table = Table(title=title)
    for key in COLUMNS:
        table.add_column(
            COLUMNS.text(key, lang), justify="left" if key in ("unit", "grade") else "right"
        )
    for r, u in zip(rows, result.units, strict=True):
        short = insufficient_text(lang) if r["insufficient_data"] else "—"
        table.add_row(
            "—" if r["rank"] is None else str(r["rank"]),
            r.get(f"name_{lang}") or r["name_zh"],
            num(r["quantitative"]),
            num(r["qualitative"]),
            num(r["deductions"]),
            num(r["adjustments"]),
            num(r["total"]),
            r.get(f"grade_{lang}") or short,
            coverage_text(u.coverage),
        )
    _console().print(table)
    for line in insufficient_lines(result, lang):
        click.echo(line)
    if not rows:
        click.echo(label("assessment", "no_units", lang))


@assess.command("adjust", context_settings={"ignore_unknown_options": True})
@click.argument("unit")
@click.argument("delta", type=float)
@click.option("--reason", required=True, help="Why (required; kept in the audit log).")
@click.option("--year", type=int, required=True, help="Assessment year.")
@click.option("--as", "as_user", required=True, help="The administrator or reviewer adjusting.")
@db_option(DB_ENV_HELP)
@plan_id_option
def assess_adjust(
    unit: str,
    delta: float,
    reason: str,
    year: int,
    as_user: str,
    db_url: str | None,
    plan_id: str | None,
) -> None:
    """Adjust UNIT's total for a year by DELTA points (e.g. 2 or -1.5), with a reason."""
    from ..assess.service import adjust

    with _store(db_url) as store:
        row = adjust(store, as_user, unit, year, delta, reason, plan_id)
    click.echo(f"adjusted {unit} {year} by {row['delta']:+g}: {row['reason']}")


def _assess_default(o: Any) -> Any:
    if hasattr(o, "isoformat"):
        return o.isoformat()
    return _json_default(o)
