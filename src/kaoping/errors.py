"""One error hierarchy for everything a user can get wrong.

The command line and the web map :class:`KaopingError` to one clear message and a
non-zero exit or an HTTP 4xx; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class KaopingError(Exception):
    """Base of every error caused by the user's input (plan, data, options)."""

    code = "error"

    def lines(self) -> list[str]:
        """The message as lines, for terminal output."""
        return [str(self)]


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file: where it is, a stable code, a plain sentence."""

    code: str
    message: str
    file: str = ""
    line: int | None = None
    field: str = ""

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}: [{self.code}]{field} {self.message}"


class ProblemsError(KaopingError):
    """Raised with every problem of an input at once."""

    what = "input"

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} in the {self.what}")

    def lines(self) -> list[str]:
        return [str(self), *(f"  {p}" for p in self.problems)]


class PlanError(ProblemsError):
    """A plan file that does not validate."""

    code = "plan"
    what = "plan"


class DataError(ProblemsError):
    """An observation file that does not validate; nothing of it is used."""

    code = "data"
    what = "data"


class UsageError(KaopingError):
    """A request that cannot be honoured: unknown plan, year, area or method."""

    code = "usage"


def read_input(p: Path, error: type[ProblemsError]) -> str:
    """The UTF-8 text of the input file at ``p`` (a plan file for :class:`PlanError`, …):
    a file that is missing or cannot be read is a :class:`UsageError`, text that is not
    UTF-8 an ``error`` with the code ``encoding``."""
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"no {error.what} file at {p}") from None
    except UnicodeDecodeError as e:
        msg = f"the file is not UTF-8 text ({e.reason} at byte {e.start})"
        raise error([Problem("encoding", msg, str(p))]) from None
    except OSError as e:
        raise UsageError(f"cannot read the {error.what} file {p}: {e.strerror or e}") from None
