"""Fixtures for the web tests: a real Store on a temporary SQLite file, with the bundled
plan, two departments and one user per role; clients logged in as each."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kaoping.settings import Settings
from kaoping.store import Store
from kaoping.web import create_app

PLAN = "zhengzhou-2009-2020"
PASSWORD = "correct horse battery"
USERS = {
    "admin": ("admin", None),
    "rev": ("reviewer", None),
    "rep": ("reporter", "stats"),
    "rep2": ("reporter", "env"),
    "view": ("viewer", None),
}
# indicators owned by each department in the tests
OWNED = {"stats": ["gdp_per_capita", "urban_disposable_income"], "env": ["forest_coverage"]}


def settings_for(folder: Path, **kw) -> Settings:
    return Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'kaoping.db'}",
        secret_key="test-secret-key-" + "x" * 32,
        login_attempts=3,
        **kw,
    )


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built once: the bundled plan and its data, departments and users."""
    folder = tmp_path_factory.mktemp("template")
    with Store.open(settings=settings_for(folder)) as store:
        store.import_bundled(PLAN)
        for dept, keys in OWNED.items():
            store.add_department(dept, dept, dept)
            for key in keys:
                store.assign(key, dept)
        for name, (role, dept) in USERS.items():
            store.create_user(name, PASSWORD, role, dept)
    return folder / "kaoping.db"


@pytest.fixture
def settings(tmp_path: Path, template_db: Path) -> Settings:
    shutil.copy(template_db, tmp_path / "kaoping.db")
    return settings_for(tmp_path)


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    s = Store.open(settings=settings)
    yield s
    s.close()


@pytest.fixture
def app(store: Store, settings: Settings):
    return create_app(store, settings, version_ttl=0.0)


@pytest.fixture
def client(app) -> TestClient:
    return TestClient(app)


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    m = CSRF.search(html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD):
    page = client.get("/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )


@pytest.fixture
def user_client(app) -> Callable[[str], TestClient]:
    """A new client logged in as the user named."""

    def make(username: str) -> TestClient:
        c = TestClient(app)
        r = login(c, username)
        assert r.status_code == 303, r.text
        return c

    return make


def form_token(client: TestClient, path: str = "/staff") -> str:
    """The session's CSRF token, read from a staff page."""
    return csrf_of(client.get(path).text)
