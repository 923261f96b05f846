"""``kaoping import``: a CSV or Excel file of observations into a plan in the store."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from .common import DB_ENV_HELP, _json_default, _store, db_option, plan_id_option


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@plan_id_option
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option(
    "--as",
    "as_user",
    default="system",
    show_default=True,
    help="The user importing (a reporter or administrator; 'system' for the operator).",
)
@click.option(
    "--comment",
    "comments",
    multiple=True,
    metavar="ROW=TEXT",
    help="A comment on a row's warning (repeat for several rows).",
)
@click.option(
    "--approve", is_flag=True, help="Approve the rows at once (a reviewer or administrator)."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@db_option(DB_ENV_HELP)
def import_(
    file: str,
    plan_id: str | None,
    dry_run: bool,
    as_user: str,
    comments: tuple[str, ...],
    approve: bool,
    fmt: str,
    db_url: str | None,
) -> None:
    """Import a CSV or Excel FILE of observations into a plan, all or nothing.

    The same checks as the web import: every problem is reported with its row; nothing is
    written unless the whole file is acceptable (no error, every warning commented with
    --comment ROW=TEXT). The rows await review (approve them one by one or the whole
    import at once on the staff review page), unless --approve. Exit status 1 if nothing
    was written.

    \b
    Examples:
      kaoping import obs-2024.csv --plan lake-2021-2025 --dry-run
      kaoping import obs-2024.xlsx --plan lake-2021-2025 --as ann --comment 7="census revision"
    """
    from ..errors import UsageError
    from ..store import SYSTEM

    given: dict[int, str] = {}
    for c in comments:
        row, sep, text = c.partition("=")
        if not sep or not row.strip().isdigit():
            raise UsageError(f'--comment {c!r}: write ROW=TEXT, e.g. 7="census revision"')
        given[int(row)] = text
    with _store(db_url) as store:
        who = SYSTEM if as_user == "system" else as_user
        report = store.import_file(
            who, file, dry_run=dry_run, comments=given, approve=approve, plan_id=plan_id
        )
    data = report.to_dict()
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))
    else:
        _print_import(data)
    if not report.ok or (not dry_run and not report.written):
        sys.exit(1)


def _print_import(r: dict[str, Any]) -> None:
    counts = r.get("counts", {})
    head = f"{r['filename']} → plan {r['plan_id']}: " + ", ".join(
        f"{k} {v}" for k, v in counts.items() if k in ("new", "changed", "unchanged", "errors")
    )
    click.echo(head)
    for e in r["errors"]:
        where = f"row {e['row']}" if e["row"] else "file"
        col = f", {e['column']}" if e["column"] else ""
        click.echo(f"  error ({where}{col}): {e['message']}")
    for w in r["warnings"]:
        mark = "commented" if w.get("comment") or not w.get("needs_comment") else "needs --comment"
        click.echo(f"  warning (row {w['row']}, {w['column']}; {mark}): {w['message']}")
    if r["dry_run"]:
        click.echo("dry run: nothing written" + (" (the file is acceptable)" if r["ok"] else ""))
    elif r["written"]:
        click.echo(f"written as import {r['import_id']}")
    else:
        click.echo("nothing written")
