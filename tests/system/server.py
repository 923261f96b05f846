"""Run `kaoping serve` as a real process on a free port, for browser and crash tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """Kill the server at once (SIGKILL): no cleanup, no graceful shutdown."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)


@contextlib.contextmanager
def serve(data_dir: Path, db_url: str, plan: str | None = None) -> Iterator[Server]:
    """Start `kaoping serve` on ``db_url`` and wait until it answers; stop it afterwards."""
    port = free_port()
    env = {**os.environ, "KAOPING_DATA_DIR": str(data_dir), "KAOPING_LOGIN_ATTEMPTS": "50"}
    cmd = [sys.executable, "-m", "kaoping.cli", "serve", "--db", db_url, "--port", str(port)]
    if plan:
        cmd += ["--plan", plan]
    log = data_dir / f"serve-{port}.log"
    fh = log.open("w")
    proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"kaoping serve exited: {log.read_text()}")
            try:
                with urllib.request.urlopen(url + "/api/v1/plan", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"kaoping serve did not start: {log.read_text()}")
            time.sleep(0.2)
        yield Server(url, proc, log)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        fh.close()
