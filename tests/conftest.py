"""Shared test options: ``--update-golden`` rewrites golden files from current output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.goldens import SHOWN, golden_text, mismatches

GOLDEN = Path(__file__).parent / "golden"


def pytest_configure(config: pytest.Config) -> None:
    """Compiled plans and PDFs go to caches of the test run's own, never the user's."""
    import os
    import tempfile

    if "KAOPING_CACHE_DIR" not in os.environ:
        os.environ["KAOPING_CACHE_DIR"] = tempfile.mkdtemp(prefix="kaoping-test-cache-")
    if "KAOPING_PDF_CACHE" not in os.environ:
        os.environ["KAOPING_PDF_CACHE"] = tempfile.mkdtemp(prefix="kaoping-test-pdf-")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files from the current output instead of comparing",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """Compare text or JSON-able data with a golden file (or rewrite it with --update-golden).

    Floats are kept to 10 significant digits and compared with a matching tolerance, so that
    the golden files hold on any CPU: see ``tests/goldens.py``."""
    update = request.config.getoption("--update-golden")

    def check(name: str, actual) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(golden_text(actual), encoding="utf-8")
            return
        assert path.exists(), (
            f"no golden file {path}; run pytest --update-golden once and review it"
        )
        found = mismatches(path.read_text(encoding="utf-8"), actual)
        if found:
            more = f"\n… and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
            pytest.fail(
                f"{name} differs from its golden file (see git diff after --update-golden):\n"
                + "\n".join(found[:SHOWN])
                + more,
                pytrace=False,
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


# -- the full test plan (tests/plans/full): every target form, every status ------------------

FULL_PLAN = Path(__file__).parent / "plans" / "full"
FULL_PLAN_ID = "minghu-2021-2030"
FULL_MID = 2025  # the mid-plan year at which every status is reached
FULL_END = 2030  # the plan's end year, at which several targets are achieved
FULL_PASSWORD = "correct horse battery"
FULL_USERS = {"admin": "admin", "rev": "reviewer", "view": "viewer"}


def _full_settings(folder: Path):
    from kaoping.settings import Settings

    return Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'kaoping.db'}",
        secret_key="test-secret-key-" + "x" * 32,
        login_attempts=3,
    )


@pytest.fixture(scope="session")
def full_plan_dir() -> Path:
    """The folder of the full test plan, with its observations and verdicts."""
    return FULL_PLAN


@pytest.fixture(scope="session")
def full_loaded():
    """The full test plan with the data beside it, as ``kaoping evaluate FOLDER`` reads them."""
    from kaoping.core import load

    return load(str(FULL_PLAN))


@pytest.fixture(scope="session")
def full_settings(tmp_path_factory: pytest.TempPathFactory):
    """Settings of a database holding the full plan (approved data, its departments and
    areas) and one user per staff role. Built once; the tests only read it."""
    from kaoping.store import Store

    folder = tmp_path_factory.mktemp("full-plan")
    settings = _full_settings(folder)
    with Store.open(settings=settings) as store:
        summary = store.import_bundled(str(FULL_PLAN))
        assert summary is not None and summary["plan_id"] == FULL_PLAN_ID
        for name, role in FULL_USERS.items():
            store.create_user(name, FULL_PASSWORD, role)
    return settings


@pytest.fixture(scope="session")
def full_store(full_settings):
    from kaoping.store import Store

    store = Store.open(settings=full_settings)
    yield store
    store.close()


@pytest.fixture(scope="session")
def full_app(full_store, full_settings):
    from kaoping.web import create_app

    return create_app(full_store, full_settings, version_ttl=0.0)


@pytest.fixture(scope="session")
def full_client(full_app):
    """An anonymous client of the dashboard serving the full plan."""
    from fastapi.testclient import TestClient

    return TestClient(full_app)


@pytest.fixture(scope="session")
def full_staff(full_app):
    """A client of the dashboard serving the full plan, logged in as a reviewer."""
    import re

    from fastapi.testclient import TestClient

    client = TestClient(full_app)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the login page"
    r = client.post(
        "/login",
        data={"username": "rev", "password": FULL_PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return client
