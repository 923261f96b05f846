"""Notices by e-mail through a local SMTP sink (never the internet), and the `kaoping
tasks` commands: load, list, overdue, notify; the example assignment on first start."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from argon2 import PasswordHasher

from kaoping.assess.notices import SmtpSettings
from kaoping.assess.tasks import example_assignment_path
from kaoping.cli import _first_start, main
from kaoping.settings import Settings
from kaoping.store import Store
from kaoping.store import users as store_users

PLAN = "zhengzhou-2009-2020"


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to take messages: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        sink = self.server.sink  # type: ignore[attr-defined]
        self.reply("220 sink ready")
        mail_from, rcpt = "", []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            cmd = raw.decode("latin-1").strip()
            verb = cmd[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "MAIL":
                mail_from, rcpt = cmd[10:].strip("<> "), []
                self.reply("250 ok")
            elif verb == "RCPT":
                rcpt.append(cmd[8:].strip("<> "))
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 end with .")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if line in (b".\r\n", b".\n", b""):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                sink.append((mail_from, rcpt, b"".join(lines)))
                self.reply("250 queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


@pytest.fixture
def smtp_sink() -> Iterator[tuple[SmtpSettings, list]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.sink = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield (
            SmtpSettings("127.0.0.1", server.server_address[1], sender="kaoping@city.test"),
            server.sink,
        )  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def demo(tmp_path, monkeypatch) -> Iterator[tuple[Store, str]]:
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(store_users, "hasher", lambda: cheap)
    url = f"sqlite:///{tmp_path / 'kaoping.db'}"
    monkeypatch.setenv("KAOPING_DATABASE_URL", url)
    for k in ("HOST", "PORT", "USER", "PASSWORD", "FROM"):
        monkeypatch.delenv(f"KAOPING_SMTP_{k}", raising=False)
    s = Store.open(url, Settings(data_dir=tmp_path))
    _first_start(s, PLAN)
    yield s, url
    s.close()


def test_first_start_loads_the_example_assignment(demo):
    s, _ = demo
    info = s.assignment_info()
    assert info is not None and "EXAMPLE" in info["label"]["en"]
    assert len(s.tasks()) >= 20
    assert s.assignments()["gdp_per_capita"] == "stats"
    assert [p["key"] for p in s.calendar(2020)][-1] == "2020-A"
    # a second start changes nothing
    version = info["version"]
    _first_start(s, PLAN)
    assert s.assignment_info()["version"] == version


def test_notices_are_emailed_through_smtp(demo, smtp_sink):
    s, _ = demo
    settings, sink = smtp_sink
    s.create_user("ann", "correct horse battery", "reporter", department="stats")
    s.create_user("bob", "correct horse battery", "reporter", department="stats")
    s.set_email("ann", "ann@city.test", actor="ann")
    s.clock = lambda: datetime(2020, 4, 9, 8, 0, tzinfo=UTC)
    done = s.generate_notices(smtp=settings)
    mine = [n for n in done["created"] if n["username"] == "ann"]
    assert [n["kind"] for n in mine] == ["due_soon"]
    assert done["emailed"] == 1 and done["email_error"] is None  # bob has no address
    [(sender, rcpt, data)] = sink
    assert sender == "kaoping@city.test" and rcpt == ["ann@city.test"]
    msg = message_from_bytes(data)
    assert "2020-Q1" in str(make_header(decode_header(msg["Subject"])))
    body = msg.get_payload(decode=True).decode("utf-8")
    assert "报送" in body and "no progress update" in body
    assert s.notices("ann")[0]["emailed_at"] is not None
    assert s.notices("bob")[0]["emailed_at"] is None


def test_a_failing_smtp_server_keeps_the_notices(demo):
    s, _ = demo
    s.create_user("ann", "correct horse battery", "reporter", department="stats")
    s.set_email("ann", "ann@city.test")
    s.clock = lambda: datetime(2020, 4, 9, tzinfo=UTC)
    closed = SmtpSettings("127.0.0.1", 9, timeout=2)  # nothing listens on the discard port
    done = s.generate_notices(smtp=closed)
    assert done["created"] and done["emailed"] == 0 and done["email_error"]
    assert s.unread_notices("ann") == 1


def test_smtp_settings_from_the_environment():
    assert SmtpSettings.from_env({}) is None
    got = SmtpSettings.from_env(
        {
            "KAOPING_SMTP_HOST": "mail.city.test",
            "KAOPING_SMTP_PORT": "587",
            "KAOPING_SMTP_USER": "u",
            "KAOPING_SMTP_PASSWORD": "p",
            "KAOPING_SMTP_FROM": "k@c",
        }
    )
    assert (got.host, got.port, got.user, got.password, got.sender) == (
        "mail.city.test",
        587,
        "u",
        "p",
        "k@c",
    )


def test_tasks_commands(demo, capsys, tmp_path):
    _s, url = demo
    assert main(["tasks", "list", "--db", url, "--department", "aviation"]) == 0
    out = capsys.readouterr().out
    assert "a19-airport" in out and "a06-services" not in out
    assert main(["tasks", "overdue", "--db", url, "--as-of", "2020-05-01"]) == 0
    out = capsys.readouterr().out
    assert "report 2020-Q1" in out
    assert main(["tasks", "notify", "--db", url, "--as-of", "2020-04-10", "--no-email"]) == 0
    assert "notices created" in capsys.readouterr().out
    # loading the example again changes nothing; a bad file reports every problem
    path = example_assignment_path(PLAN)
    assert main(["tasks", "load", str(path), "--db", url]) == 0
    assert "nothing changed" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("plan: zhengzhou-2009-2020\ndepartments: []\ntasks:\n  - key: x\n", "utf-8")
    assert main(["tasks", "load", str(bad), "--db", url]) == 1
    err = capsys.readouterr().err
    assert "bad.yaml:4: [missing-field]" in err
    assert main(["tasks", "overdue", "--db", url, "--as-of", "soon"]) == 1
