"""The evaluation cache: readers are answered from the previous evaluation while a change
is evaluated in the background, one rebuild at a time per plan, and get the new one after."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import numpy as np
import pytest

from kaoping.engine.table import Table
from kaoping.web import cache as cache_module
from kaoping.web.cache import EvaluationCache, _engine_columns

WAIT = 10.0  # seconds a test waits for a thread before it fails (never reached when it passes)


class Source:
    """A plan and its observations whose data version the test moves on by hand."""

    store = None

    def __init__(self, rows: int = 3):
        self.version = 1
        self._plan = SimpleNamespace(
            id="p", version="v1", base_year=2015, period=SimpleNamespace(start=2016, end=2020)
        )
        self.rows = rows

    def plan(self):
        return self._plan

    def data_version(self) -> str:
        return str(self.version)

    def observations(self, approved_only: bool = True) -> Table:
        n = self.rows
        return Table(
            {
                "indicator": np.array(["a"] * n, dtype=object),
                "area": np.array(["x"] * n, dtype=object),
                "year": np.arange(2016, 2016 + n),
                "value": np.full(n, float(self.version)),  # the data carry their version
                "status": np.array(["final"] * n, dtype=object),
            }
        )

    def verdicts(self) -> list:
        return []

    def describe(self) -> str:
        return "test source"


class SlowEvaluator:
    """Evaluates instantly while open; once closed, every call waits until it is opened."""

    def __init__(self):
        self.open = threading.Event()
        self.open.set()
        self.entered = threading.Event()
        self.calls: list[tuple[float, int]] = []
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def __call__(self, plan, observations, verdicts, year):
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            self.calls.append((float(observations["value"][0]), year))
        self.entered.set()
        try:
            assert self.open.wait(WAIT), "the test never let the evaluation finish"
            return SimpleNamespace(as_of=year, data=float(observations["value"][0]))
        finally:
            with self._lock:
                self.running -= 1

    def close(self) -> None:
        self.entered.clear()
        self.open.clear()


def no_warm(snap) -> None:
    """The fake evaluations have no pages to build in advance."""


def in_thread(fn):
    """``fn()`` in another thread; its result, or a failure if it does not return in time
    (a reader that waited for the blocked evaluation)."""
    out: list = []
    t = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    t.start()
    t.join(WAIT / 2)
    assert not t.is_alive(), "the reader waited for the rebuild"
    return out[0]


@pytest.fixture
def slow() -> SlowEvaluator:
    return SlowEvaluator()


def test_a_reader_is_answered_from_the_previous_evaluation_while_the_new_one_is_built(slow):
    src = Source(rows=3)
    cache = EvaluationCache(src, ttl=0.0, inline_rows=2, evaluate=slow, warm=no_warm)
    first = cache.snapshot()
    assert first.evaluation.data == 1.0 and slow.calls == [(1.0, 2020)]

    slow.close()
    src.version = 2  # an approval
    for _ in range(5):  # every reader is answered at once, from the previous evaluation
        assert in_thread(cache.snapshot) is first
    assert slow.entered.wait(WAIT)  # meanwhile the new data are being evaluated
    assert slow.calls == [(1.0, 2020), (2.0, 2020)]  # once, however many readers asked
    assert in_thread(cache.snapshot) is first

    slow.open.set()
    assert cache.settle(WAIT)
    new = cache.snapshot()
    assert new is not first and new.evaluation.data == 2.0
    assert new.key[2] == "2" and cache.snapshot() is new
    assert cache.rebuilds == 1 and len(slow.calls) == 2


def test_one_rebuild_at_a_time_and_the_newest_data_win(slow):
    src = Source(rows=3)
    cache = EvaluationCache(src, ttl=0.0, inline_rows=0, evaluate=slow, warm=no_warm)
    old = {y: cache.snapshot(y) for y in (2019, 2020)}
    assert slow.calls == [(1.0, 2019), (1.0, 2020)]

    slow.close()
    src.version = 2
    assert in_thread(lambda: cache.snapshot(2019)) is old[2019]
    assert slow.entered.wait(WAIT)  # 2019 on version 2 is being built
    assert in_thread(lambda: cache.snapshot(2020)) is old[2020]  # queued behind it
    src.version = 3  # another approval while the first rebuild runs
    assert in_thread(lambda: cache.snapshot(2020)) is old[2020]  # replaces 2020 on version 2

    slow.open.set()
    assert cache.settle(WAIT)
    assert slow.most_at_once == 1
    # 2019 on version 2 (already running), then 2020 on version 3; 2020 on version 2 never
    assert slow.calls[2:] == [(2.0, 2019), (3.0, 2020)]
    assert cache.snapshot(2020).evaluation.data == 3.0
    assert cache.snapshot(2019) is not old[2019]  # 2019 on version 3, rebuilt in turn
    assert cache.settle(WAIT) and cache.snapshot(2019).evaluation.data == 3.0
    assert cache.rebuilds == 3


def test_a_small_evaluation_is_rebuilt_at_once(slow):
    """Under ``inline_rows`` observations a change is evaluated for the reader who asks,
    so that whoever made it sees it on the next page."""
    src = Source(rows=3)
    cache = EvaluationCache(src, ttl=0.0, inline_rows=3, evaluate=slow, warm=no_warm)
    first = cache.snapshot()
    src.version = 2
    new = cache.snapshot()
    assert new is not first and new.evaluation.data == 2.0
    assert cache.rebuilds == 0 and len(slow.calls) == 2


def test_the_first_evaluation_of_a_year_is_built_at_once(slow):
    src = Source(rows=3)
    cache = EvaluationCache(src, ttl=0.0, inline_rows=0, evaluate=slow, warm=no_warm)
    cache.snapshot(2020)
    assert cache.snapshot(2018).evaluation.as_of == 2018  # nothing older to serve
    assert cache.rebuilds == 0


def test_a_failed_rebuild_leaves_the_previous_evaluation_serving(slow, monkeypatch, caplog):
    src = Source(rows=3)
    cache = EvaluationCache(src, ttl=0.0, inline_rows=0, evaluate=slow, warm=no_warm)
    first = cache.snapshot()
    broken = src.observations
    src.observations = lambda approved_only=True: (_ for _ in ()).throw(OSError("db gone"))
    src.version = 2
    assert cache.snapshot() is first
    assert cache.settle(WAIT)
    assert "rebuilding the evaluation" in caplog.text and "db gone" in caplog.text
    assert cache.snapshot() is first  # not tried again at once
    assert cache.settle(WAIT) and len(slow.calls) == 1

    src.observations = broken  # the database is back
    monkeypatch.setattr(cache_module, "RETRY_AFTER", 0.0)
    assert cache.snapshot() is first
    assert cache.settle(WAIT)
    assert cache.snapshot().evaluation.data == 2.0


def test_the_engine_gets_its_columns_only():
    obs = Source(rows=2).observations()
    cols = {
        "censor": np.array(["", ">"], dtype=object),
        "break": np.array([False, True]),
        "previous_basis": np.array([np.nan, 3.0]),
    }
    table = _engine_columns(Table({**{k: obs[k] for k in obs}, **cols}))
    assert table.columns == [
        "indicator",
        "area",
        "year",
        "value",
        "censor",
        "break",
        "previous_basis",
    ]
    assert _engine_columns(obs).columns == ["indicator", "area", "year", "value"]


def test_a_real_evaluation_is_rebuilt_in_the_background():
    """The bundled plan through the default evaluator: a change of the data version serves
    the evaluation of before until the new one is built."""
    from kaoping.web.source import FileSource

    files = FileSource()

    class Moving:
        store = None
        version = "1"

        def plan(self):
            return files.plan()

        def data_version(self):
            return self.version

        def observations(self, approved_only=True):
            return files.observations()

        def verdicts(self):
            return files.verdicts()

    src = Moving()
    cache = EvaluationCache(src, ttl=0.0, inline_rows=0)
    first = cache.snapshot(2020)
    assert first.evaluation.as_of == 2020 and first.rows == files.observations().n_rows
    src.version = "2"
    assert cache.snapshot(2020) is first
    assert cache.settle(WAIT)
    new = cache.snapshot(2020)
    assert new is not first and new.key[2] == "2"
    assert new.evaluation.indicator_table.n_rows == first.evaluation.indicator_table.n_rows
    # the overview was built before the snapshot was served: a reader finds it made
    area = new.evaluation.areas[0]
    assert new.memo(("overview", area, "en"), lambda: None)["overall"] is not None
    assert new.memo(("overview", area, "zh"), lambda: None) is not None


def test_a_rebuild_lets_requests_beside_it_run(slow):
    """While a rebuild runs the interpreter switches threads often and the cyclic garbage
    collector waits; both are as before once it ends."""
    import gc
    import sys

    seen = []

    def evaluate(plan, observations, verdicts, year):
        seen.append((gc.isenabled(), sys.getswitchinterval()))
        return slow(plan, observations, verdicts, year)

    src = Source(rows=3)
    cache = EvaluationCache(src, ttl=0.0, inline_rows=0, evaluate=evaluate, warm=no_warm)
    before = (gc.isenabled(), sys.getswitchinterval())
    cache.snapshot()  # built for the reader: nothing changed
    src.version = 2
    cache.snapshot()
    assert cache.settle(WAIT)
    assert seen == [before, (False, cache_module.SWITCH_INTERVAL)]
    assert (gc.isenabled(), sys.getswitchinterval()) == before


def test_a_new_snapshot_is_served_once_its_pages_are_built(slow):
    """The rebuild also builds what the first pages will read; readers keep the previous
    snapshot until then."""
    warming, warmed = threading.Event(), threading.Event()

    def warm(snap):
        warming.set()
        assert warmed.wait(WAIT)
        snap.memo("page", lambda: f"page of version {snap.evaluation.data:g}")

    src = Source(rows=3)
    cache = EvaluationCache(src, ttl=0.0, inline_rows=0, evaluate=slow, warm=warm)
    first = cache.snapshot()  # built for the reader, without warming
    assert not warming.is_set()
    src.version = 2
    assert cache.snapshot() is first
    assert warming.wait(WAIT)  # evaluated, its pages being built
    assert in_thread(cache.snapshot) is first
    warmed.set()
    assert cache.settle(WAIT)
    calls = []
    page = cache.snapshot().memo("page", lambda: calls.append(1))
    assert page == "page of version 2" and calls == []


def test_a_page_asked_for_by_several_readers_at_once_is_built_once(slow):
    snap = EvaluationCache(Source(), ttl=0.0, evaluate=slow, warm=no_warm).snapshot()
    started, release = threading.Event(), threading.Event()
    builds = []

    def build():
        builds.append(threading.current_thread().name)
        started.set()
        assert release.wait(WAIT)
        return "page"

    results = []
    readers = [
        threading.Thread(target=lambda: results.append(snap.memo("p", build))) for _ in range(4)
    ]
    for r in readers:
        r.start()
    assert started.wait(WAIT)
    release.set()
    for r in readers:
        r.join(WAIT)
    assert results == ["page"] * 4 and len(builds) == 1
