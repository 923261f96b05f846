"""PDF reports built in the background: a bounded worker off the event loop, one build per
report at a time, the previous file kept until the new one is ready, and the progress a
waiting reader sees.

A report is a :class:`Slot` (plan, year, language, area, approved data or not); its
*version* is the evaluation snapshot it is made from (plan version, data version, year).
The finished file of every slot is kept in memory. Asked for a slot whose file is not of
the current version, the route starts a :class:`Job` (or joins the one under way) and
either waits for it (a script) or answers at once with a progress page (a browser) that
polls :meth:`ReportJobs.status` and then downloads the file.

When the data change, a watcher thread (started with the first PDF) builds the new
version of every report asked for so far, and of the same year in the other language,
so that the next reader finds it ready; until then the previous file stays available
(``?previous=1``) and the progress page offers it.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import secrets
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

log = logging.getLogger("kaoping.web")

#: seconds between two checks of the data version by the watcher
POLL = 5.0
#: reports (slots) whose files are kept in memory, least recently asked dropped first
KEEP = 32
#: finished jobs remembered for their status
JOBS_KEPT = 128
#: a build's expected length before one has been timed (seconds)
DEFAULT_SECONDS = 3.0

#: builder(app, slot, snapshot, progress) -> PDF bytes
Builder = Callable[[Any, "Slot", Any, Callable[[str, float], None]], bytes]


@dataclass(frozen=True)
class Slot:
    """One report: the same slot always names the same kind of file."""

    plan: str | None  # the plan of the request's /p/<plan>/ prefix; None: the default plan
    year: int
    lang: str
    area: str
    approved_only: bool = True


@dataclass
class Built:
    version: tuple
    body: bytes
    seconds: float
    at: float  # time.time() when finished


@dataclass
class Job:
    id: str
    slot: Slot
    version: tuple
    snap: Any
    state: str = "queued"  # queued, running, done, failed
    stage: str = "queued"
    progress: float = 0.0
    error: str = ""
    started: float = 0.0
    expected: float = DEFAULT_SECONDS
    done: threading.Event = field(default_factory=threading.Event)
    body: bytes | None = None
    download: str = ""  # the file's address (without the plan prefix)


def version_of(snap: Any) -> tuple:
    """The version of the reports made from ``snap``: its key; for a view with data
    awaiting review (not cached, its key unchanged by submissions) also a digest of its
    observations."""
    if getattr(snap, "approved_only", True):
        return tuple(snap.key)
    from ..report.documents import observations_digest

    return (*snap.key, observations_digest(snap.observations))


class ReportJobs:
    """The application's PDF builds (see the module's doc)."""

    def __init__(
        self,
        app: Any,
        builder: Builder | None = None,
        *,
        workers: int = 1,
        poll: float = POLL,
        keep: int = KEEP,
    ) -> None:
        self.app = app
        self.builder = builder or build_evaluation_pdf
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kaoping-report")
        self.poll = poll
        self.keep = keep
        self.files: OrderedDict[Slot, Built] = OrderedDict()
        self.jobs: OrderedDict[str, Job] = OrderedDict()
        self._running: dict[Slot, Job] = {}
        self._queued: dict[Slot, Job] = {}
        self._wanted: OrderedDict[Slot, None] = OrderedDict()  # slots rebuilt on a change
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self.builds = 0  # finished builds (tests, benchmarks)

    # ---- what the routes call ------------------------------------------------------------

    def current(self, slot: Slot, version: tuple) -> Built | None:
        """The slot's file if it is of ``version``."""
        with self._lock:
            built = self.files.get(slot)
            if built is not None:
                self.files.move_to_end(slot)
            return built if built is not None and built.version == version else None

    def previous(self, slot: Slot) -> Built | None:
        """The slot's latest file, of whatever version."""
        with self._lock:
            return self.files.get(slot)

    def start(self, slot: Slot, version: tuple, snap: Any) -> Job:
        """The job building ``version`` of ``slot``: the one under way or queued, else a new
        one. One build per slot at a time: a newer version waits for the running build
        (and replaces an older one waiting)."""
        with self._lock:
            running = self._running.get(slot)
            if running is not None and running.version == version:
                return running
            queued = self._queued.get(slot)
            if queued is not None:
                if queued.version != version:
                    queued.version, queued.snap = version, snap
                return queued
            job = Job(secrets.token_urlsafe(9), slot, version, snap)
            job.expected = self._expected(slot)
            self._remember(job)
            if slot.approved_only:
                self._want(slot)
            if running is not None:
                self._queued[slot] = job
            else:
                self._running[slot] = job
                self._submit(job)
        self._ensure_watcher()
        return job

    def job(self, job_id: str) -> Job | None:
        with self._lock:
            return self.jobs.get(job_id)

    async def wait(self, job: Job, seconds: float) -> bool:
        """Wait (without holding up the event loop) up to ``seconds`` for ``job`` to end."""
        if job.done.is_set():
            return True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not job.done.is_set():
            left = deadline - loop.time()
            if left <= 0:
                return False
            await asyncio.sleep(min(0.05, left))
        return True

    def status(self, job: Job) -> dict:
        """The job's state, stage and progress (0–1; during layout the share of pages laid
        out, otherwise estimated from the time the slot's last build took)."""
        progress = job.progress
        if job.state == "running":
            elapsed = time.monotonic() - job.started
            progress = max(progress, min(0.95, elapsed / max(job.expected, 0.1)))
        elif job.state == "done":
            progress = 1.0
        return {
            "id": job.id,
            "state": job.state,
            "stage": job.stage,
            "progress": round(progress, 3),
            "year": job.slot.year,
            "lang": job.slot.lang,
            "error": job.error,
        }

    def close(self) -> None:
        self._stop.set()
        self.pool.shutdown(wait=False, cancel_futures=True)

    # ---- building --------------------------------------------------------------------------

    def _submit(self, job: Job) -> None:
        ctx = contextvars.copy_context()
        self.pool.submit(ctx.run, self._run, job)

    def _run(self, job: Job) -> None:
        from .source import CURRENT_PLAN

        CURRENT_PLAN.set(job.slot.plan)  # this context is the job's own copy
        job.state, job.stage, job.started = "running", "evaluation", time.monotonic()

        def progress(stage: str, fraction: float) -> None:
            job.stage = stage
            job.progress = max(job.progress, min(float(fraction), 1.0))

        try:
            body = self.builder(self.app, job.slot, job.snap, progress)
            seconds = time.monotonic() - job.started
            with self._lock:
                self.files[job.slot] = Built(job.version, body, seconds, time.time())
                self.files.move_to_end(job.slot)
                while len(self.files) > self.keep:
                    self.files.popitem(last=False)
                job.body = body
                job.state, job.stage, job.progress = "done", "done", 1.0
                self.builds += 1
        except Exception as e:
            log.exception("building the report %s failed", job.slot)
            job.state, job.stage, job.error = "failed", "failed", str(e) or type(e).__name__
        finally:
            job.snap = None  # the evaluation is not kept alive by a finished job
            job.done.set()
            with self._lock:
                if self._running.get(job.slot) is job:
                    del self._running[job.slot]
                nxt = self._queued.pop(job.slot, None)
                if nxt is not None:
                    self._running[job.slot] = nxt
                    self._submit(nxt)

    def _expected(self, slot: Slot) -> float:
        built = self.files.get(slot)
        return built.seconds if built is not None else DEFAULT_SECONDS

    def _remember(self, job: Job) -> None:
        self.jobs[job.id] = job
        while len(self.jobs) > JOBS_KEPT:
            oldest_id, oldest = next(iter(self.jobs.items()))
            if not oldest.done.is_set():
                break
            del self.jobs[oldest_id]

    def _want(self, slot: Slot) -> None:
        """Rebuild ``slot``, and the same year in the other language, when the data change."""
        other = "en" if slot.lang == "zh" else "zh"
        for s in (slot, replace(slot, lang=other)):
            self._wanted[s] = None
            self._wanted.move_to_end(s)
        while len(self._wanted) > self.keep:
            self._wanted.popitem(last=False)

    # ---- rebuilding when the data change ---------------------------------------------------

    def _ensure_watcher(self) -> None:
        if self.poll <= 0 or self._watcher is not None:
            return
        with self._lock:
            if self._watcher is not None:
                return
            self._watcher = threading.Thread(
                target=_watch,
                args=(weakref.ref(self), self._stop, self.poll),
                name="kaoping-report-watch",
                daemon=True,
            )
            self._watcher.start()

    def check(self) -> int:
        """Start the build of every wanted report whose data changed; the number started."""
        with self._lock:
            wanted = list(self._wanted)
        started = 0
        for slot in wanted:
            try:
                snap = self._snapshot(slot)
            except Exception:
                log.debug("no evaluation for %s", slot, exc_info=True)
                continue
            version = version_of(snap)
            with self._lock:
                built = self.files.get(slot)
                busy = self._running.get(slot) or self._queued.get(slot)
            if built is not None and built.version == version:
                continue
            if busy is not None and busy.version == version:
                continue
            self.start(slot, version, snap)
            started += 1
        return started

    def _snapshot(self, slot: Slot) -> Any:
        cache = self.app.state.cache
        cache = cache.for_plan(slot.plan) if hasattr(cache, "for_plan") else cache
        return cache.snapshot(slot.year, approved_only=True)


def _watch(ref: Callable[[], ReportJobs | None], stop: threading.Event, poll: float) -> None:
    """The watcher thread: every ``poll`` seconds, rebuild what the data changed under."""
    while not stop.wait(poll):
        jobs = ref()
        if jobs is None:
            return
        try:
            jobs.check()
        except Exception:
            log.exception("checking the reports for changed data failed")
        del jobs


def jobs_for(app: Any) -> ReportJobs:
    """The application's report builds (made on first use)."""
    jobs = getattr(app.state, "report_jobs", None)
    if jobs is None:
        with _make_lock:
            jobs = getattr(app.state, "report_jobs", None)
            if jobs is None:
                jobs = app.state.report_jobs = ReportJobs(app)
    return jobs


_make_lock = threading.Lock()


# ---- the evaluation report's document and PDF -----------------------------------------------


def evaluation_doc(app: Any, snap: Any, lang: str, area: str, fmt: str) -> dict:
    """The evaluation report document of ``snap`` (the request's plan: call it in the
    request's context or a job's)."""
    from ..report.build import store_provenance
    from ..report.documents import Provenance, command_line, evaluation_document

    source = app.state.source
    plan = snap.plan
    year = snap.year
    if source.store is not None:
        prov = store_provenance(
            source.store,
            plan.id,
            snap.observations,
            year=year,
            lang=lang,
            fmt=fmt,
            approved_only=snap.approved_only,
        )
    else:
        prov = Provenance(
            data_source=source.describe(),
            data_as_of=latest_year(snap.observations),
            data_version=source.data_version(),
            command=command_line("evaluation", plan.id, year, lang, fmt),
        )
    return evaluation_document(
        plan,
        snap.evaluation,
        snap.observations,
        lang,
        prov,
        area=area,
        supervision=source.store,
    )


def latest_year(obs: Any) -> str:
    if obs.n_rows == 0:
        return "—"
    return str(int(max(int(y) for y in obs["year"].tolist())))


def build_evaluation_pdf(app: Any, slot: Slot, snap: Any, progress: Any) -> bytes:
    """The evaluation report of ``snap`` as PDF, telling ``progress`` its stages."""
    from ..report.pdf import render_pdf

    progress("evaluation", 0.0)
    doc = evaluation_doc(app, snap, slot.lang, slot.area, "pdf")
    return render_pdf(doc, progress)
