"""``kaoping tasks …``: supervision — the assignment, the task list, overdue reports, notices."""

from __future__ import annotations

from datetime import date

import click

from .common import DB_ENV_HELP, _store, db_option, lang_option, plan_id_option

as_of_option = click.option("--as-of", "as_of", help="Day (YYYY-MM-DD; default: today).")


def _day(as_of: str | None) -> date | None:
    """The day of ``--as-of`` (None: today)."""
    from ..errors import UsageError

    try:
        return date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise UsageError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)") from None


@click.group()
def tasks() -> None:
    """Supervision: the assignment of tasks to departments, overdue reports and notices."""


@tasks.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
@db_option(DB_ENV_HELP)
@plan_id_option
def tasks_load(file: str, db_url: str | None, plan_id: str | None) -> None:
    """Validate an assignment file against the plan and load it (every problem at once)."""
    from ..assess.tasks import load_assignment

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
@lang_option
@db_option()
@plan_id_option
def tasks_list(department: str | None, lang: str, db_url: str | None, plan_id: str | None) -> None:
    """List the tasks with their lead department, deadline and latest update."""
    with _store(db_url) as store:
        rows = store.tasks(department, plan_id=plan_id)
    for t in rows:
        last = t["latest"]
        state = f"{last['status']:<5} {last['percent']:>3}% {last['period']}" if last else "-"
        title = t["title"][lang] or t["title"]["zh"]
        click.echo(
            f"{t['key']:<20} §{t['article']:<3} {t['lead']:<14} {t['deadline']}  {state}  {title}"
        )


@tasks.command("overdue")
@click.option("--department", help="Only this department's tasks.")
@as_of_option
@db_option()
@plan_id_option
def tasks_overdue(
    department: str | None, as_of: str | None, db_url: str | None, plan_id: str | None
) -> None:
    """List reports past due and tasks past their deadline."""
    day = _day(as_of)
    with _store(db_url) as store:
        rows = store.overdue(as_of=day, department=department, plan_id=plan_id)
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
@as_of_option
@click.option("--no-email", is_flag=True, help="Only in-app notices, even if SMTP is configured.")
@db_option()
@click.option("--plan", "plan_id", help="Only this plan (default: every plan in the database).")
def tasks_notify(
    days: int, as_of: str | None, no_email: bool, db_url: str | None, plan_id: str | None
) -> None:
    """Create notices of due and overdue reports for each department's users, for every
    plan in the database; e-mail them when KAOPING_SMTP_HOST is set (run it daily, e.g.
    from cron)."""
    from ..errors import UsageError

    day = _day(as_of)
    errors = []
    with _store(db_url) as store:
        for pid in [plan_id] if plan_id else store.plan_ids():
            done = store.generate_notices(
                day, before_days=days, plan_id=pid, smtp=False if no_email else None
            )
            click.echo(f"{pid}: {len(done['created'])} notices created, {done['emailed']} e-mailed")
            if done["email_error"]:
                errors.append(f"{pid}: {done['email_error']}")
    if errors:
        raise UsageError("sending e-mail failed: " + "; ".join(errors))
