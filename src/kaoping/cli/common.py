"""What every command shares: console output, opening the store, JSON of numbers, and
turning a user's mistake into one clear message and an exit status."""

from __future__ import annotations

import re
import sys
from typing import Any, TextIO

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


#: rich's markup tags (``[bold]``, ``[/]``, ``\\[`` escapes one), as rich reads them
_MARKUP = re.compile(r"(\\*)\[([a-z#/@][^[]*?)]")


def strip_markup(text: str) -> str:
    """Console markup removed, as rich removes it when it prints without styles."""

    def one(m: re.Match) -> str:
        slashes = m.group(1)
        if len(slashes) % 2:  # an escaped bracket: printed as written
            return slashes[: len(slashes) // 2] + f"[{m.group(2)}]"
        return slashes[: len(slashes) // 2]

    return _MARKUP.sub(one, text)


class PlainConsole:
    """Output to a file or a pipe: text without colours, printed without importing rich.

    ``print`` takes strings with console markup (removed) and, for anything else (a rich
    table), hands over to a rich console on the same stream. The scorecard is written as
    plain text by :func:`kaoping.report.terminal.render`, which knows this console by
    ``plain``."""

    plain = True

    def __init__(self, stream: TextIO, width: int = 132):
        self.stream = stream
        self.width = width
        self._rich: Any = None

    def write(self, text: str) -> None:
        self.stream.write(text)

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", **options: Any) -> None:
        if all(isinstance(o, str) for o in objects):
            self.stream.write(sep.join(strip_markup(o) for o in objects) + end)
            return
        if self._rich is None:
            from rich.console import Console

            self._rich = Console(
                file=self.stream, highlight=False, soft_wrap=False, width=self.width
            )
        self._rich.print(*objects, sep=sep, end=end, **options)


def _console(stderr: bool = False):
    """Where a command prints: rich's console in a terminal, a :class:`PlainConsole` when
    the output goes to a file or a pipe (piped output is read in files and pagers: tables
    get 132 columns of room instead of 80)."""
    stream = sys.stderr if stderr else sys.stdout
    if not stream.isatty():
        return PlainConsole(stream)
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


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
