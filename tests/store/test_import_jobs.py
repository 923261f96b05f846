"""Import jobs in the store: the upload kept between dry run and confirmation, state and
progress, one confirmation, expiry, owners only (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kaoping.errors import UsageError
from kaoping.store import Conflict, NotFound, Store
from kaoping.store.imports import TooLarge

GOOD = b"indicator,area,year,value,unit\nshare,city,2021,50,%\nshare,city,2022,52,%\n"


def test_dry_run_then_confirm_from_the_kept_upload(store: Store):
    job = store.start_import_job("ann", GOOD, "good.csv")
    assert job["state"] == "queued" and job["kept"] and job["dry_run"]
    assert job["size"] == len(GOOD) and job["report"] is None
    stages = []
    done = store.run_import_job(job["id"], lambda stage, f: stages.append((stage, f)))
    assert done["state"] == "done" and done["progress"] == 1.0
    assert [s for s, _ in stages][:2] == ["reading", "checking"]
    assert all(0 <= f <= 1 for _, f in stages)
    assert done["report"]["ok"] and done["report"]["counts"]["new"] == 2
    assert store.revisions_count() == 0  # a dry run writes nothing
    queued = store.confirm_import_job("ann", job["id"])
    assert queued["state"] == "queued" and not queued["dry_run"]
    written = store.run_import_job(job["id"])
    assert written["report"]["written"] and not written["kept"]
    assert store.revisions_count() == 2
    with pytest.raises((Conflict, UsageError)):
        store.confirm_import_job("ann", job["id"])  # once only
    assert store.revisions_count() == 2


def test_jobs_are_their_owners(store: Store):
    job = store.start_import_job("ann", GOOD, "good.csv")
    with pytest.raises(NotFound):
        store.import_job(job["id"], "eve")
    assert store.import_job(job["id"], "admin")["id"] == job["id"]
    with pytest.raises(NotFound):
        store.import_job("no-such-job", "ann")
    with pytest.raises(Exception, match="may not import"):
        store.start_import_job("vic", GOOD, "good.csv")


def test_expiry_limit_and_failures(store: Store, monkeypatch):
    job = store.start_import_job("ann", GOOD, "good.csv")
    store.run_import_job(job["id"])
    real_now = store.now()
    store.clock = lambda: real_now + timedelta(hours=25)
    with pytest.raises(UsageError, match="expired"):
        store.confirm_import_job("ann", job["id"])
    store.start_import_job("ann", GOOD, "other.csv")  # removes the expired job
    with pytest.raises(NotFound):
        store.import_job(job["id"], "ann")
    # a job whose server stopped is reported as failed
    stuck = store.start_import_job("ann", GOOD, "stuck.csv")
    store.clock = lambda: real_now + timedelta(hours=27)
    assert store.import_job(stuck["id"], "ann")["state"] == "failed"
    store.clock = lambda: real_now
    # the size limit and empty files
    store.settings.max_upload_mb = 1
    with pytest.raises(TooLarge):
        store.start_import_job("ann", b"x" * (2**20 + 1), "big.csv")
    with pytest.raises(UsageError):
        store.start_import_job("ann", b"", "empty.csv")
    # a failing import keeps its error with the job
    bad = store.start_import_job("ann", b"indicator,year,value\nshare,2021,1\n", "b.csv")

    def changed_meanwhile(*a, **kw):
        raise Conflict("the data changed while the file was imported; nothing was written")

    monkeypatch.setattr(store, "import_file", changed_meanwhile)
    failed = store.run_import_job(bad["id"])
    assert failed["state"] == "failed" and "changed" in failed["error"]
    assert store.import_job(bad["id"], "ann")["error"] == failed["error"]
