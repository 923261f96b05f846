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


@cli.command()
@click.option(
    "--db",
    "db_url",
    help="Database URL (default: KAOPING_DATABASE_URL or the embedded SQLite file).",
)
@click.option("--plan", "plan", help="Plan served: a bundled id or a path (default: KAOPING_PLAN).")
@click.option("--host", help="Address to listen on (default: KAOPING_HOST or 127.0.0.1).")
@click.option("--port", type=int, help="Port (default: KAOPING_PORT or 8000).")
@click.option(
    "--files",
    is_flag=True,
    help="Serve the plan and its CSV files read-only, without a database.",
)
@click.option("--data", type=click.Path(dir_okay=False), help="With --files: observations CSV.")
@click.option("--verdicts", type=click.Path(dir_okay=False), help="With --files: verdicts CSV.")
@click.option("--workers", type=int, default=1, show_default=True, help="Worker processes.")
@click.option("--access-log", is_flag=True, help="Log every request.")
def serve(
    db_url: str | None,
    plan: str | None,
    host: str | None,
    port: int | None,
    files: bool,
    data: str | None,
    verdicts: str | None,
    workers: int,
    access_log: bool,
) -> None:
    """Start the web dashboard and JSON API.

    On the embedded SQLite database (or KAOPING_DATABASE_URL / --db, e.g. PostgreSQL).
    On first start the bundled plan and its data are loaded and, if there is no user
    yet, an administrator is created and its one-time password printed.

    \b
    Examples:
      kaoping serve                          http://127.0.0.1:8000/
      kaoping serve --db postgresql+psycopg://kaoping@localhost/kaoping
      kaoping serve --files --plan my-plan.yaml --data obs.csv   read-only
    """
    import os

    import uvicorn

    from .settings import Settings

    settings = Settings.from_env()
    if db_url:
        settings.database_url = db_url
        os.environ["KAOPING_DATABASE_URL"] = db_url
    if plan:
        settings.plan = plan
        os.environ["KAOPING_PLAN"] = plan
    host = host or settings.host
    port = port or settings.port
    # every worker signs sessions with the same key
    os.environ["KAOPING_SECRET_KEY"] = settings.resolved_secret_key()
    if files:
        from .web.source import FileSource

        source = FileSource(settings.plan, data, verdicts)
        os.environ["KAOPING_SERVE_FILES"] = "1"
        os.environ["KAOPING_SERVE_DATA"] = data or ""
        os.environ["KAOPING_SERVE_VERDICTS"] = verdicts or ""
        click.echo(f"kaoping: serving {source.describe()} (read-only)", err=True)
    else:
        from .store import Store

        store = Store.open(settings=settings)
        with store:
            plan_id = _first_start(store, settings.plan)
        os.environ["KAOPING_SERVE_PLAN_ID"] = plan_id
        click.echo(f"kaoping: serving plan {plan_id} from {store.url}", err=True)
    click.echo(f"kaoping: http://{host}:{port}/", err=True)
    uvicorn.run(
        "kaoping.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=max(1, workers),
        access_log=access_log,
        log_level="info" if access_log else "warning",
        proxy_headers=True,
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    )


def _first_start(store: Any, plan: str) -> str:
    """Load the plan (bundled, with its data) if the store lacks it; create the first admin."""
    from .plan.bundled import bundled_plans, find_plan
    from .plan.loader import load_plan

    if plan in bundled_plans():
        done = store.import_bundled(plan)
        plan_id = plan
        if done:
            click.echo(
                f"kaoping: loaded plan {plan_id} with {done['observations']} observations",
                err=True,
            )
    else:
        path = find_plan(plan)
        parsed = load_plan(path)
        store.load_plan(parsed, path.read_text(encoding="utf-8"))
        plan_id = parsed.id
    password = store.ensure_admin()
    if password:
        click.echo("kaoping: created the administrator 'admin'; its password (shown once):")
        click.echo(f"  {password}")
    return plan_id


@cli.group()
def user() -> None:
    """Users of the web: create, list, API tokens (on KAOPING_DATABASE_URL or --db)."""


def _store(db_url: str | None):
    from .settings import Settings
    from .store import Store

    return Store.open(db_url or None, Settings.from_env())


@user.command("create")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(["admin", "reviewer", "reporter", "viewer"]),
    required=True,
)
@click.option("--department", help="A reporter's department key.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from stdin (else one is generated)."
)
@click.option("--db", "db_url", help="Database URL.")
def user_create(
    username: str, role: str, department: str | None, password_stdin: bool, db_url: str | None
) -> None:
    """Create a user; a generated password is printed once."""
    import secrets

    password = sys.stdin.readline().rstrip("\n") if password_stdin else secrets.token_urlsafe(15)
    with _store(db_url) as store:
        u = store.create_user(username, password, role, department)
    click.echo(f"created {u['username']} ({u['role']}{', ' + department if department else ''})")
    if not password_stdin:
        click.echo(f"password (shown once): {password}")


@user.command("list")
@click.option("--db", "db_url", help="Database URL.")
def user_list(db_url: str | None) -> None:
    """List the users."""
    with _store(db_url) as store:
        for u in store.users():
            state = "" if u["active"] else "  (inactive)"
            click.echo(f"{u['username']:<20} {u['role']:<9} {u['department'] or '':<16}{state}")


@user.command("token")
@click.argument("username")
@click.option("--name", default="script", show_default=True, help="What the token is for.")
@click.option("--db", "db_url", help="Database URL.")
def user_token(username: str, name: str, db_url: str | None) -> None:
    """Create an API token for a user; it is printed once (send it as Authorization: Bearer)."""
    with _store(db_url) as store:
        click.echo(store.create_token(username, name))


@cli.command()
@click.argument("username", default="admin")
@click.option("--db", "db_url", help="Database URL.")
def admin(username: str, db_url: str | None) -> None:
    """Create an administrator (the first one, or another); its password is printed once."""
    import secrets

    password = secrets.token_urlsafe(15)
    with _store(db_url) as store:
        store.create_user(username, password, "admin")
    click.echo(f"created administrator {username}; password (shown once): {password}")


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
