"""`kaoping serve` prints its URL only once the server answers on it."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
import urllib.request

from tests.system.server import free_port


def test_the_url_is_printed_when_the_port_answers(tmp_path):
    port = free_port()
    env = {**os.environ, "KAOPING_DATA_DIR": str(tmp_path), "KAOPING_SECRET_KEY": "k" * 48}
    env.pop("KAOPING_DATABASE_URL", None)
    cmd = [sys.executable, "-m", "kaoping.cli", "serve", "--port", str(port)]
    cmd += ["--db", f"sqlite:///{tmp_path / 'kaoping.db'}"]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()
    url = f"http://127.0.0.1:{port}/"
    seen: list[str] = []
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        deadline = time.monotonic() + 90
        while True:
            assert time.monotonic() < deadline, "no URL printed: " + "".join(seen)
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                assert proc.poll() is None, "serve exited: " + "".join(seen)
                continue
            seen.append(line)
            if url in line:
                break
        # the moment the URL is printed, the site answers on it
        with direct.open(url + "healthz", timeout=2) as r:
            assert r.status == 200
        text = "".join(seen)
        assert text.index("serving plan") < text.index(url)  # printed after the start-up
        assert text.count(url) == 1
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
