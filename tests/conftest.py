"""Shared test options: ``--update-golden`` rewrites golden files from current output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files from the current output instead of comparing",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """Compare text or JSON-able data with a golden file (or rewrite it with --update-golden)."""
    update = request.config.getoption("--update-golden")

    def check(name: str, actual) -> None:
        path = GOLDEN / name
        text = (
            actual
            if isinstance(actual, str)
            else json.dumps(actual, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        )
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), (
            f"no golden file {path}; run pytest --update-golden once and review it"
        )
        expected = path.read_text(encoding="utf-8")
        assert text == expected, (
            f"{name} differs from its golden file (see git diff after --update-golden)"
        )

    return check


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI (CI=true) a skipped test is a failure: everything CI runs must run."""
    import os

    if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        if reporter:
            reporter.write_line(
                f"CI: {skipped} test(s) skipped; every test must run in CI", red=True
            )
        session.exitstatus = 1
