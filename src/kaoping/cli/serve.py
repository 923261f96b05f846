"""``kaoping serve``: the web dashboard and JSON API, and what its first start loads."""

from __future__ import annotations

from typing import Any

import click


@click.command()
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

    from ..settings import Settings

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
        from ..web.source import FileSource

        source = FileSource(settings.plan, data, verdicts)
        os.environ["KAOPING_SERVE_FILES"] = "1"
        os.environ["KAOPING_SERVE_DATA"] = data or ""
        os.environ["KAOPING_SERVE_VERDICTS"] = verdicts or ""
        click.echo(f"kaoping: serving {source.describe()} (read-only)", err=True)
    else:
        from ..store import Store

        store = Store.open(settings=settings)
        with store:
            plan_id = _first_start(store, settings.plan)
        os.environ["KAOPING_SERVE_PLAN_ID"] = plan_id
        click.echo(f"kaoping: serving plan {plan_id} from {store.url}", err=True)
    _say_when_ready(host, port)  # the URL is printed once the server answers on it
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
    """Load the plan if the store lacks it (with the observations and verdicts beside it,
    approved and audited as one import), or its revised text as a new version; create the
    first admin. Other plans in the store are left as they are."""
    from ..plan.bundled import bundled_plans

    done = store.open_plan(plan)
    plan_id = done["plan_id"]
    if done["first"]:
        click.echo(
            f"kaoping: loaded plan {plan_id} with {done['observations']} observations",
            err=True,
        )
        if plan in bundled_plans():
            _example_assignment(store, plan_id)
    others = [p for p in store.plan_ids() if p != plan_id]
    if others:
        click.echo(
            f"kaoping: the store also holds {', '.join(others)} (served at /p/<plan>/)",
            err=True,
        )
    password = store.ensure_admin()
    if password:
        click.echo("kaoping: created the administrator 'admin'; its password (shown once):")
        click.echo(f"  {password}")
    return plan_id


def _example_assignment(store: Any, plan_id: str) -> None:
    """A bundled plan's example assignment and the calendar of its last year, when the
    plan has just been imported (so that the demonstration has departments and tasks)."""
    from ..assess.tasks import example_assignment_path

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


def _say_when_ready(host: str, port: int, timeout: float = 120.0) -> None:
    """Print the site's URL once it answers (``/healthz``), from a background thread while
    the server starts: not before the port accepts connections. Nothing is printed if it
    never answers (the server's own error says why)."""
    import threading
    import time
    import urllib.request

    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    # a server listening on every address answers on the loopback one
    probe_host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    probe = f"http://{'[' + probe_host + ']' if ':' in probe_host else probe_host}:{port}/healthz"

    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy

    def wait() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with direct.open(probe, timeout=5) as r:
                    if r.status == 200:
                        click.echo(f"kaoping: {url}", err=True)
                        return
            except OSError:
                pass
            time.sleep(0.1)

    threading.Thread(target=wait, name="kaoping-ready", daemon=True).start()
