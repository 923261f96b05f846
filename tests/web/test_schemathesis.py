"""The OpenAPI document, exercised by schemathesis: no request gets a server error.

The application is built at import (schemathesis reads its schema at collection) on a
temporary SQLite file with the bundled plan and an administrator's API token.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from kaoping.store import Store
from kaoping.web import create_app

from .conftest import PLAN, settings_for


def _app():
    folder = Path(tempfile.mkdtemp(prefix="kaoping-schemathesis-"))
    s = settings_for(folder)
    store = Store.open(settings=s)
    atexit.register(shutil.rmtree, folder, True)
    atexit.register(store.close)
    store.import_bundled(PLAN)
    store.create_user("admin", "correct horse battery", "admin")
    token = store.create_token("admin", "schemathesis")
    return create_app(store, s, version_ttl=0.0), token


APP, TOKEN = _app()
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_server_error(case):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"}, checks=[not_a_server_error]
    )
