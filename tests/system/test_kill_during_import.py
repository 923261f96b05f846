"""Kill the server in the middle of an import: the database must be exactly as before."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
import uuid

from kaoping.plan import parse_plan
from kaoping.store import Store

from .server import serve

N_IND, N_AREAS, YEARS = 20, 400, range(2020, 2026)


def big_plan() -> str:
    areas = "\n".join(
        f"  - {{key: d{j}, name: {{zh: 区{j}, en: District {j}}}, parent: city}}"
        for j in range(N_AREAS)
    )
    inds = "\n".join(
        f"  - {{key: i{i}, name: {{zh: 指标{i}, en: Indicator {i}}}, unit: t, group: g, "
        "targets: {2025: '>= 10'}}"
        for i in range(N_IND)
    )
    return (
        "id: big\ntitle: {zh: 大规划, en: Big plan}\nperiod: {start: 2021, end: 2025}\n"
        "base_year: 2020\nmethods: {baseline_window: 0}\nareas:\n"
        "  - {key: city, name: {zh: 市, en: City}}\n"
        f"{areas}\ngroups: [{{key: g, name: {{zh: 组, en: Group}}}}]\nindicators:\n{inds}\n"
    )


def csv_rows() -> bytes:
    lines = ["indicator,area,year,value"]
    for i in range(N_IND):
        for j in range(N_AREAS):
            for y in YEARS:
                lines.append(f"i{i},d{j},{y},50")  # constant and above target: no warnings
    return ("\n".join(lines) + "\n").encode()


def post_import(url: str, token: str, body: bytes, dry_run: bool) -> dict:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="dry_run"\r\n\r\n'
        f"{'true' if dry_run else 'false'}\r\n".encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + body
        + b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ]
    req = urllib.request.Request(
        url + "/api/v1/import",
        data=b"".join(parts),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read())


def test_killing_the_server_during_an_import_leaves_the_database_unchanged(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'kaoping.db'}"
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(big_plan(), encoding="utf-8")
    with Store.open(db_url) as store:
        store.load_plan(parse_plan(plan_file.read_text(), str(plan_file)), plan_file.read_text())
        store.create_user("boss", "a-long-password-1", "admin")
        token = store.create_token("boss", "test")
        before = store.revisions_count("big")
        audit_before = len(store.audit(limit=100_000))
    body = csv_rows()
    with serve(tmp_path, db_url, str(plan_file)) as server:
        t = time.monotonic()
        report = post_import(server.url, token, body, dry_run=True)
        dry_seconds = time.monotonic() - t
        assert report["counts"]["rows"] == N_IND * N_AREAS * len(YEARS), report["counts"]
        assert not report["errors"]

        outcome: dict = {}

        def real_import() -> None:
            try:
                outcome["report"] = post_import(server.url, token, body, dry_run=False)
            except (urllib.error.URLError, ConnectionError, OSError) as e:
                outcome["error"] = e

        wal = tmp_path / "kaoping.db-wal"
        wal_before = wal.stat().st_size if wal.exists() else 0
        worker = threading.Thread(target=real_import)
        worker.start()
        # the import checks every row (as long as the dry run took), then writes its rows in
        # one transaction: kill the server as soon as that transaction reaches the disk
        deadline = time.monotonic() + dry_seconds * 5 + 30
        while time.monotonic() < deadline and worker.is_alive():
            if wal.exists() and wal.stat().st_size > wal_before:
                break
            time.sleep(0.005)
        server.kill()
        worker.join(timeout=60)
    assert "report" not in outcome, "the import finished before the server was killed"
    assert wal.stat().st_size > wal_before, "the server was killed before the import wrote"
    with Store.open(db_url) as store:
        assert store.revisions_count("big") == before
        assert len(store.audit(limit=100_000)) == audit_before
        assert store.observations("big", approved_only=False).n_rows == 0
