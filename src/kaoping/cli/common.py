"""What every command shares: console output, opening the store, JSON of numbers, and
turning a user's mistake into one clear message and an exit status."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..errors import KaopingError

#: options many commands take, the same everywhere
lang_option = click.option(
    "--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True
)
plan_id_option = click.option(
    "--plan", "plan_id", help="Plan id in the database (default: the default plan)."
)
table_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
DB_ENV_HELP = "Database URL (default: KAOPING_DATABASE_URL)."


def db_option(help: str = "Database URL."):
    """The ``--db`` option (``db_url``), opened with :func:`_store`."""
    return click.option("--db", "db_url", help=help)


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


def _store(db_url: str | None):
    """The store at ``db_url``, else at KAOPING_DATABASE_URL or the embedded SQLite file."""
    from ..settings import Settings
    from ..store import Store

    return Store.open(db_url or None, Settings.from_env())


def _json_default(o: Any) -> Any:
    if hasattr(o, "item"):
        return o.item()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def run(group: click.Group, argv: list[str] | None) -> int:
    """Run the command line, turning a user's mistake into one clear message."""
    try:
        group.main(args=argv, prog_name="kaoping", standalone_mode=False)
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
