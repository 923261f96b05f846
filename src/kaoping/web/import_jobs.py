"""Imports in the background: a runner thread per application, the upload size limit checked
while the request streams in, and the helpers the import pages and endpoints share.

An upload becomes an import job in the store (:meth:`Store.start_import_job`): the file is
kept on the server, so a dry run is confirmed by its job's id, never by sending the file
again. The job runs in a worker thread, off the event loop; the page and the API poll it
for its state, stage and progress and then show its report.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from starlette.concurrency import run_in_threadpool

log = logging.getLogger("kaoping.web")

SLACK = 256 * 1024  # multipart headers and form fields around the file
PROCESS_OVER = 256 * 1024  # bytes: larger uploads are imported in a worker process
SWITCH_INTERVAL = 0.0005  # seconds: sys.setswitchinterval while an import runs


class JobRunner:
    """Runs import jobs one at a time, off the event loop; remembers live progress.

    A small file is imported in a worker thread. A file over :data:`PROCESS_OVER` bytes is
    imported in a worker process of its own (a new one per import, ended with the server),
    so that checking and writing many rows never competes with the requests of others for
    the interpreter; its progress comes back through shared memory.
    """

    def __init__(self, store: Any, on_written: Any = None) -> None:
        self.store = store
        self.on_written = on_written
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kaoping-import")
        self.live: dict[str, tuple[str, float]] = {}
        self.futures: dict[str, Future] = {}
        self._lock = threading.Lock()
        self._procs: Any = None
        self._slot: Any = None
        self.processes = 0  # imports run in a worker process so far

    def submit(self, job_id: str, size: int = 0) -> Future:
        fut = self.pool.submit(self._run, job_id, size)
        with self._lock:
            self.futures[job_id] = fut
        return fut

    def _run(self, job_id: str, size: int = 0) -> dict:
        def progress(stage: str, fraction: float) -> None:
            self.live[job_id] = (stage, fraction)

        try:
            url = _reopenable_url(self.store)
            if size > PROCESS_OVER and url is not None:
                job = self._in_process(job_id, url, progress)
            else:
                # while an import runs here, the event loop's thread gets the interpreter
                # back quickly (the default switch interval, 5 ms, adds up over a request)
                interval = sys.getswitchinterval()
                sys.setswitchinterval(SWITCH_INTERVAL)
                try:
                    job = self.store.run_import_job(job_id, progress)
                finally:
                    sys.setswitchinterval(interval)
            if (job.get("report") or {}).get("written") and self.on_written is not None:
                self.on_written()
            return job
        finally:
            self.live.pop(job_id, None)
            with self._lock:
                self.futures.pop(job_id, None)

    def _in_process(self, job_id: str, url: str, progress: Any) -> dict:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures import TimeoutError as FutureTimeout

        if self._procs is None:
            ctx = mp.get_context("spawn")
            self._slot = ctx.Array("c", 160)
            self._procs = ProcessPoolExecutor(
                max_workers=1,
                mp_context=ctx,
                initializer=_worker_init,
                initargs=(url, self.store.settings, self._slot),
            )
        try:
            fut = self._procs.submit(_worker_run, job_id)
            self.processes += 1
            while True:
                try:
                    job = fut.result(timeout=0.1)
                    # the process ends with its import: its memory is returned, none idles
                    self._procs.shutdown(wait=False)
                    self._procs = None
                    return job
                except FutureTimeout:
                    mine, _, rest = self._slot.value.decode().partition("|")
                    if mine == job_id:
                        stage, _, fraction = rest.partition("|")
                        progress(stage, float(fraction or 0))
        except Exception as e:  # the worker process died: the job says so
            log.exception("import job %s: the worker process failed", job_id)
            self._procs.shutdown(wait=False, cancel_futures=True)
            self._procs = None
            return self.store.fail_import_job(job_id, f"the import's worker stopped ({e!r})")

    async def wait(self, job_id: str, seconds: float) -> None:
        """Wait (without blocking the event loop) up to ``seconds`` for a job to end."""
        with self._lock:
            fut = self.futures.get(job_id)
        if fut is None or seconds <= 0:
            return
        try:
            await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(fut)), seconds)
        except TimeoutError:
            pass
        except Exception:  # the job keeps its own error
            log.debug("import job %s ended with an error", job_id, exc_info=True)

    def overlay(self, job: dict) -> dict:
        """The job with the live stage and progress of a run in this process."""
        live = self.live.get(job["id"])
        if live is not None and job["state"] in ("queued", "running"):
            job = {**job, "state": "running", "stage": live[0], "progress": round(live[1], 3)}
        return job

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        if self._procs is not None:
            self._procs.shutdown(wait=False, cancel_futures=True)


def _reopenable_url(store: Any) -> str | None:
    """The store's database URL if another process can open it (not an in-memory one)."""
    url = store.engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return None
    return url.render_as_string(hide_password=False)


_worker: dict[str, Any] = {}


def _worker_init(url: str, settings: Any, slot: Any) -> None:
    """A worker process: its own connection to the store; it ends when the server ends."""
    try:  # Linux: die with the server (a killed server leaves no import running)
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    from ..store import Store
    from ..store.db import make_engine

    _worker["store"] = Store(make_engine(url), settings)
    _worker["slot"] = slot


def _worker_run(job_id: str) -> dict:
    slot = _worker["slot"]

    def progress(stage: str, fraction: float) -> None:
        slot.value = f"{job_id}|{stage}|{fraction:.4f}".encode()[:159]

    return _worker["store"].run_import_job(job_id, progress)


def runner(app: Any) -> JobRunner:
    """The application's runner (made on first use)."""
    r = getattr(app.state, "import_runner", None)
    if r is None:
        store = app.state.source.store
        store = getattr(store, "unbound", store)  # a job names its plan: no request's plan

        def written() -> None:
            app.state.cache.invalidate()

        r = app.state.import_runner = JobRunner(store, written)
    return r


async def start_job(request: Any, user: Any, data: bytes, filename: str, **kw: Any) -> dict:
    """Keep the upload as a job, start it, and wait briefly (small files end at once)."""
    store = request.app.state.source.store
    plan_id = request.app.state.cache.plan().id
    wait = kw.pop("wait", None)
    job = await run_in_threadpool(
        store.start_import_job, user, data, filename, plan_id=plan_id, **kw
    )
    return await _run_and_wait(request, user, job, wait)


async def confirm_job(request: Any, user: Any, job_id: str, comments: dict, **kw: Any) -> dict:
    store = request.app.state.source.store
    job = await run_in_threadpool(store.confirm_import_job, user, job_id, comments, **kw)
    return await _run_and_wait(request, user, job, None)


async def _run_and_wait(request: Any, user: Any, job: dict, wait: float | None) -> dict:
    r = runner(request.app)
    r.submit(job["id"], job["size"])
    await r.wait(job["id"], 2.0 if wait is None else wait)
    return await job_status(request, user, job["id"])


async def job_status(request: Any, user: Any, job_id: str) -> dict:
    store = request.app.state.source.store
    job = await run_in_threadpool(store.import_job, job_id, user)
    return runner(request.app).overlay(job)


# the size limit, checked while the request body streams in -----------------------------------


class UploadLimit:
    """ASGI middleware: a POST to an import path over the limit gets 413 without being read.

    A declared ``Content-Length`` over the limit is refused at once; otherwise the body is
    counted as it arrives and the request is cut off (413) as soon as it passes the limit.
    """

    def __init__(self, app: Any, limit_bytes: int) -> None:
        self.app = app
        self.limit = limit_bytes

    @staticmethod
    def applies(scope: dict) -> bool:
        return (
            scope["type"] == "http"
            and scope.get("method") == "POST"
            and scope.get("path", "").rstrip("/").endswith("/import")
        )

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if not self.applies(scope):
            await self.app(scope, receive, send)
            return
        allowed = self.limit + SLACK
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > allowed:
            await self._refuse(scope, send)
            return
        seen = 0
        over = False

        async def counted() -> dict:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > allowed:
                    over = True
                    raise _Over
            return message

        async def guarded(message: dict) -> None:
            if not over:
                await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not over:
                raise
        if over:
            await self._refuse(scope, send)

    async def _refuse(self, scope: dict, send: Any) -> None:
        mb = self.limit // 2**20
        message = (
            f"the file is larger than {mb} MB, the limit of this site "
            "(KAOPING_MAX_UPLOAD_MB); split it into smaller files"
        )
        if "/api/" in scope.get("path", ""):
            import json

            body = json.dumps({"error": "too_large", "message": message}).encode()
            kind = b"application/json"
        else:
            from html import escape

            body = (
                '<!doctype html><html lang="en"><meta charset="utf-8"><title>413</title>'
                f'<main><h1>413</h1><p id="form-error" role="alert">{escape(message)}</p>'
                '<p><a href="/staff/import">Back</a></p></main></html>'
            ).encode()
            kind = b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", kind),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _Over(Exception):
    """The body passed the limit (caught by :class:`UploadLimit`)."""


def install(app: Any, settings: Any) -> None:
    """Add the upload limit to an application (its import routes are in the staff routers)."""
    app.add_middleware(UploadLimit, limit_bytes=int(settings.max_upload_mb) * 2**20)
