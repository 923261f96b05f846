"""What the benchmarks share: a free port, a percentile, a live ``kaoping serve`` and a
PostgreSQL schema of their own.

Imported by the scripts beside it (``uv run python bench/soak.py`` puts this folder first
on the module path)."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import sqlalchemy as sa


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    """The ``p``-th percentile of ``values`` (the nearest rank; NaN when there are none)."""
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, round(p / 100 * (len(v) - 1)))]


@contextlib.contextmanager
def serving(
    url: str,
    folder: Path,
    plan_file: Path,
    env: dict[str, str] | None = None,
    start_seconds: float = 120.0,
) -> Iterator[str]:
    """``kaoping serve`` (one worker) on 127.0.0.1 at a free port, on the database ``url``
    with the data folder ``folder``, the plan ``plan_file`` and ``env`` besides the
    environment; its output goes to ``folder/serve.log``. Yields the server's base URL once
    ``/healthz`` answers (within ``start_seconds``); stops the server at the end."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "KAOPING_DATA_DIR": str(folder), **(env or {})}
    cmd = [sys.executable, "-m", "kaoping.cli", "serve", "--db", url, "--port", str(port)]
    cmd += ["--host", "127.0.0.1", "--plan", str(plan_file)]
    log = (folder / "serve.log").open("w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + start_seconds
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"kaoping serve exited: {(folder / 'serve.log').read_text()}")
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("kaoping serve did not start")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def postgres_schema(url: str, prefix: str) -> Iterator[str]:
    """A schema of its own on the PostgreSQL database at ``url``, named ``prefix`` and a
    random suffix, dropped at the end: yields the URL whose search path is that schema."""
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    schema = f"{prefix}_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        sep = "&" if "?" in url else "?"
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
