"""The command line: a thin layer over :mod:`kaoping.core` and the store.

A mistake in the user's input (plan, data, options) is one clear message on stderr and
exit status 1; a usage mistake is click's message and exit status 2.

One module per group of commands:

- :mod:`.plans`: ``validate``, ``evaluate``, ``schema``, ``plans`` (plan files);
- :mod:`.serve`: ``serve`` and what its first start loads;
- :mod:`.imports`: ``import`` (observations into the store);
- :mod:`.users`: ``user …`` and ``admin``;
- :mod:`.assess`: ``assess`` and ``assess adjust``;
- :mod:`.tasks`: ``tasks …`` (supervision);
- :mod:`.report`: ``report`` (the evaluation and assessment reports);
- :mod:`.coverage`: ``coverage`` (how much of a plan has data);
- :mod:`.common`: console output, opening the store, error handling.
"""

from __future__ import annotations

import click

from .. import __version__
from . import assess, coverage, imports, plans, report, serve, tasks, users
from .common import run
from .serve import _first_start


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


for command in (
    plans.validate,
    plans.evaluate,
    plans.schema,
    plans.plans,
    serve.serve,
    imports.import_,
    users.user,
    users.admin,
    report.report,
    assess.assess,
    tasks.tasks,
    coverage.coverage,
):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the command line, turning a user's mistake into one clear message."""
    return run(cli, argv)


__all__ = ["_first_start", "cli", "main"]
