"""One error hierarchy for everything a user can get wrong.

The command line and the web map :class:`KaopingError` to one clear message and a
non-zero exit or an HTTP 4xx; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


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
