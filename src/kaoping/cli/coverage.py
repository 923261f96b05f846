"""``kaoping coverage``: how much of a plan has data, per group and year."""

from __future__ import annotations

import json
import sys

import click

from .common import _console, db_option, lang_option, table_format_option

CSV_COLUMNS = ["group", "year", "covered", "indicators", "share", "values"]


@click.command()
@click.option(
    "--plan",
    "plan",
    help="A bundled plan id or a plan file (with --db: the plan's id in the database); "
    "default: the flagship plan (with --db: the database's default plan).",
)
@click.option(
    "--data",
    type=click.Path(dir_okay=False),
    help="Observations CSV (default: the plan's bundled data).",
)
@db_option("Count the approved values in this database (what the dashboard shows).")
@click.option("--area", help="Count only this area's values (default: every area).")
@table_format_option
@lang_option
def coverage(
    plan: str | None,
    data: str | None,
    db_url: str | None,
    area: str | None,
    fmt: str,
    lang: str,
) -> None:
    """The data coverage of a plan: per group and year, the indicators with at least one
    value out of the group's indicators, and the number of values; then the totals.

    Without --db, the values are the plan's bundled data (or --data); with --db, the
    approved values in the database, as the dashboard shows them.

    \b
    Examples:
      kaoping coverage                          the flagship plan's bundled data
      kaoping coverage --format csv             one row per group and year
      kaoping coverage --db postgresql://kaoping@localhost/kaoping --plan zhengzhou-2009-2020
    """
    from ..data.coverage import coverage as compute
    from ..errors import UsageError

    if db_url and data:
        raise UsageError("give either --db or --data, not both")
    if db_url:
        from .common import _store

        with _store(db_url) as store:
            p = store.plan(plan)
            obs = store.observations(p.id)
            source = f"{store.url} (approved data)"
    else:
        from ..core import load

        loaded = load(plan, data)
        p, obs, source = loaded.plan, loaded.observations, loaded.data_source or "(no data)"
    if area is not None and area not in {a.key for a in p.areas}:
        known = ", ".join(a.key for a in p.areas)
        raise UsageError(f"no area {area!r}; areas: {known}")
    cov = compute(p, obs, area)
    names = {g.key: g.name.get(lang) for g in p.groups}
    if fmt == "json":
        out = cov.to_dict()
        out["data_source"] = source
        out["area"] = area
        out["group_names"] = names
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        import csv

        w = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS, lineterminator="\n")
        w.writeheader()
        for c in cov.cells:
            row = c.to_dict()
            row["group"] = c.group or "all"
            row["year"] = "all" if c.year is None else c.year
            w.writerow(row)
    else:
        _render(cov, names, p.title.get(lang), source, lang)


def _render(cov, names: dict[str, str], title: str, source: str, lang: str) -> None:
    from rich.table import Table

    from ..i18n import _

    groups = [*cov.groups, None]
    t = Table(title=title, caption=_("coverage_caption", lang))
    t.add_column(_("coverage_year", lang), justify="right")
    for g in groups:
        t.add_column(names[g] if g else _("coverage_all_groups", lang), justify="right")

    def text(group: str | None, year: int | None) -> str:
        c = cov.cell(group, year)
        return f"{c.covered}/{c.indicators} ({c.values})"

    for y in cov.years:
        t.add_row(str(y), *(text(g, y) for g in groups))
    t.add_row(_("coverage_all_years", lang), *(text(g, None) for g in groups), style="bold")
    out = _console()
    out.print(t)
    total = cov.total
    out.print(
        _(
            "coverage_total",
            lang,
            values=total.values,
            covered=total.covered,
            indicators=total.indicators,
            share=f"{total.share:.0%}",
            source=source,
        )
    )
