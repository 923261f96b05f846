"""Kill the server in the middle of an import: the database must be exactly as before."""

from __future__ import annotations

import json
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


def _stamp(path) -> tuple[int, int]:
    st = path.stat() if path.exists() else None
    return (st.st_size, st.st_mtime_ns) if st else (0, 0)


def get_job(url: str, token: str, job_id: str) -> dict:
    poll = urllib.request.Request(
        f"{url}/api/v1/imports/{job_id}", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(poll, timeout=60) as r:
        return json.loads(r.read())


def post_import(url: str, token: str, body: bytes, dry_run: bool, poll: bool = True) -> dict:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="dry_run"\r\n\r\n'
        f"{'true' if dry_run else 'false'}\r\n".encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="wait"\r\n\r\n0\r\n'.encode(),
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
        job = json.loads(r.read())
    if not poll:
        return job
    # the import runs as a job in the background: poll it until it ends
    while job["state"] in ("queued", "running"):
        time.sleep(0.2)
        job = get_job(url, token, job["id"])
    assert job["state"] == "done", job
    return job["report"]


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

        # the real import runs as a job: start it, wait until it writes its rows (in one
        # transaction) and they reach the disk, then kill the server
        job = post_import(server.url, token, body, dry_run=False, poll=False)
        wal = tmp_path / "kaoping.db-wal"
        deadline = time.monotonic() + dry_seconds * 5 + 30
        stamp = None
        wrote = False
        while time.monotonic() < deadline and job["state"] in ("queued", "running"):
            job = get_job(server.url, token, job["id"])
            if stamp is None and job["stage"] == "writing":
                stamp = _stamp(wal)
            if stamp is not None and _stamp(wal) != stamp:
                wrote = True
                break
            time.sleep(0.005)
        server.kill()
    assert job["state"] in ("queued", "running"), "the import finished before the server was killed"
    assert wrote, "the server was killed before the import wrote"
    with Store.open(db_url) as store:
        assert store.revisions_count("big") == before
        assert len(store.audit(limit=100_000)) == audit_before
        assert store.observations("big", approved_only=False).n_rows == 0
