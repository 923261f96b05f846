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
            _example_assignment(store, plan_id)
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


def _example_assignment(store: Any, plan_id: str) -> None:
    """A bundled plan's example assignment and the calendar of its last year, when the
    plan has just been imported (so that the demonstration has departments and tasks)."""
    from .assess.tasks import example_assignment_path

    path = example_assignment_path(plan_id)
    if path is None or store.assignment_info(plan_id) is not None:
        return
    done = store.load_assignment(path.read_text(encoding="utf-8"), plan_id=plan_id, file=str(path))
    plan = store.plan(plan_id)
    if not store.calendar(plan.period.end, plan_id):
        store.set_calendar(None, plan.period.end, plan_id=plan_id)
    click.echo(
        f"kaoping: loaded the EXAMPLE assignment {done['version']} "
        f"({len(done['added'])} tasks; not part of the plan)",
        err=True,
    )


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


@cli.command()
@click.argument("kind", type=click.Choice(["evaluation", "assessment"]))
@click.argument("plan", required=False)
@click.option("--year", type=int, help="As-of year (default: the plan's end year).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["html", "pdf", "xlsx"]), default="pdf", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Output file ('-' for stdout; default: a name made of the report, plan, year, language).",
)
@click.option("--db", "db_url", help="Read the plan and approved data from this database.")
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
    from .errors import UsageError
    from .report.build import assessment_from_store, evaluation_from_files, evaluation_from_store
    from .report.build import render as render_report

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


@cli.group("assess", invoke_without_command=True)
@click.option("--year", type=int, help="Assessment year (default: the plan's end year).")
@click.option("--db", "db_url", help="Database URL (default: KAOPING_DATABASE_URL).")
@click.option("--plan", "plan_id", help="Plan id in the database (default: the active plan).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
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
    from .assess.service import (
        COLUMNS,
        INSUFFICIENT,
        coverage_text,
        insufficient_lines,
        run_assessment,
    )

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
        writer.writeheader()
        writer.writerows(rows)
        return
    from rich.table import Table

    def num(v: float | None) -> str:
        return "—" if v is None else f"{v:.{result.rules['decimals']}f}"

    title = (
        f"{result.plan_id} · {result.year}年度考评结果"
        if lang == "zh"
        else f"{result.plan_id} · annual assessment {result.year}"
    )
    table = Table(title=title)
    for key in COLUMNS:
        table.add_column(
            COLUMNS[key][lang], justify="left" if key in ("unit", "grade") else "right"
        )
    for r, u in zip(rows, result.units, strict=True):
        short = INSUFFICIENT[lang] if r["insufficient_data"] else "—"
        table.add_row(
            "—" if r["rank"] is None else str(r["rank"]),
            r["name_zh"] if lang == "zh" else r["name_en"] or r["name_zh"],
            num(r["quantitative"]),
            num(r["qualitative"]),
            num(r["deductions"]),
            num(r["adjustments"]),
            num(r["total"]),
            (r["grade_zh"] if lang == "zh" else r["grade_en"]) or short,
            coverage_text(u.coverage),
        )
    _console().print(table)
    for line in insufficient_lines(result, lang):
        click.echo(line)
    if not rows:
        click.echo("no units to assess" if lang == "en" else "没有考评单位")


@assess.command("adjust", context_settings={"ignore_unknown_options": True})
@click.argument("unit")
@click.argument("delta", type=float)
@click.option("--reason", required=True, help="Why (required; kept in the audit log).")
@click.option("--year", type=int, required=True, help="Assessment year.")
@click.option("--as", "as_user", required=True, help="The administrator or reviewer adjusting.")
@click.option("--db", "db_url", help="Database URL (default: KAOPING_DATABASE_URL).")
def assess_adjust(
    unit: str, delta: float, reason: str, year: int, as_user: str, db_url: str | None
) -> None:
    """Adjust UNIT's total for a year by DELTA points (e.g. 2 or -1.5), with a reason."""
    from .assess.service import adjust

    with _store(db_url) as store:
        row = adjust(store, as_user, unit, year, delta, reason)
    click.echo(f"adjusted {unit} {year} by {row['delta']:+g}: {row['reason']}")


def _assess_default(o: Any) -> Any:
    if hasattr(o, "isoformat"):
        return o.isoformat()
    return _json_default(o)


@cli.group()
def tasks() -> None:
    """Supervision: the assignment of tasks to departments, overdue reports and notices."""


@tasks.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--db", "db_url", help="Database URL (default: KAOPING_DATABASE_URL).")
@click.option("--plan", "plan_id", help="Plan id in the database (default: the active plan).")
def tasks_load(file: str, db_url: str | None, plan_id: str | None) -> None:
    """Validate an assignment file against the plan and load it (every problem at once)."""
    from .assess.tasks import load_assignment

    with _store(db_url) as store:
        asg = load_assignment(file, store.plan(plan_id))
        done = store.load_assignment(asg, plan_id=plan_id)
    if not done["loaded"]:
        click.echo(f"assignment {done['version']} is loaded already: nothing changed")
        return
    click.echo(
        f"loaded assignment {done['version']}: {len(asg.tasks)} tasks "
        f"({len(done['added'])} new, {len(done['changed'])} changed, "
        f"{len(done['retired'])} retired), {len(asg.departments)} departments, "
        f"{done['indicators']} indicator assignments changed"
    )


@tasks.command("list")
@click.option("--department", help="Only the tasks of this department (lead or co).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--db", "db_url", help="Database URL.")
def tasks_list(department: str | None, lang: str, db_url: str | None) -> None:
    """List the tasks with their lead department, deadline and latest update."""
    with _store(db_url) as store:
        rows = store.tasks(department)
    for t in rows:
        last = t["latest"]
        state = f"{last['status']:<5} {last['percent']:>3}% {last['period']}" if last else "-"
        title = t["title"][lang] or t["title"]["zh"]
        click.echo(
            f"{t['key']:<20} §{t['article']:<3} {t['lead']:<14} {t['deadline']}  {state}  {title}"
        )


@tasks.command("overdue")
@click.option("--department", help="Only this department's tasks.")
@click.option("--as-of", "as_of", help="Day (YYYY-MM-DD; default: today).")
@click.option("--db", "db_url", help="Database URL.")
def tasks_overdue(department: str | None, as_of: str | None, db_url: str | None) -> None:
    """List reports past due and tasks past their deadline."""
    from datetime import date

    from .errors import UsageError

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise UsageError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)") from None
    with _store(db_url) as store:
        rows = store.overdue(as_of=day, department=department)
    if not rows:
        click.echo("nothing is overdue")
    for r in rows:
        what = f"report {r['period']}" if r["kind"] == "report" else "deadline"
        click.echo(
            f"{r['task']:<20} {what:<16} due {r['due']}  {r['days_late']:>5} days  {r['lead']}"
        )


@tasks.command("notify")
@click.option(
    "--days",
    type=int,
    default=7,
    show_default=True,
    help="Notify this many days before a due date.",
)
@click.option("--as-of", "as_of", help="Day (YYYY-MM-DD; default: today).")
@click.option("--no-email", is_flag=True, help="Only in-app notices, even if SMTP is configured.")
@click.option("--db", "db_url", help="Database URL.")
def tasks_notify(days: int, as_of: str | None, no_email: bool, db_url: str | None) -> None:
    """Create notices of due and overdue reports for each department's users; e-mail them
    when KAOPING_SMTP_HOST is set (run it daily, e.g. from cron)."""
    from datetime import date

    from .errors import UsageError

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise UsageError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)") from None
    with _store(db_url) as store:
        done = store.generate_notices(day, before_days=days, smtp=False if no_email else None)
    click.echo(f"{len(done['created'])} notices created, {done['emailed']} e-mailed")
    if done["email_error"]:
        raise UsageError(f"sending e-mail failed: {done['email_error']}")


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
