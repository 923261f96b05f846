"""`kaoping user password NAME` (S6): prompt without echo or stdin, ends the user's sessions,
audited; `kaoping user token --days` gives the expiry."""

from __future__ import annotations

import io

from click.testing import CliRunner

from kaoping.cli import cli, main
from kaoping.store import Store

from .conftest import PASSWORD, settings_for

NEW = "a brand new password"


def _store(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    with Store.open(url, settings_for(tmp_path)) as store:
        store.create_user("wang", PASSWORD, "reviewer")
        secret = store.start_session("wang")
    return url, secret


def test_password_from_stdin_ends_the_sessions(tmp_path):
    url, secret = _store(tmp_path)
    r = CliRunner().invoke(
        cli, ["user", "password", "wang", "--password-stdin", "--db", url], input=NEW + "\n"
    )
    assert r.exit_code == 0, r.output
    assert NEW not in r.output and "1 session(s) ended" in r.output
    with Store.open(url, settings_for(tmp_path)) as store:
        assert store.authenticate("wang", NEW) is not None
        assert store.authenticate("wang", PASSWORD) is None
        assert store.session_user(secret) is None
        [entry] = store.audit(action="user.password")
        assert entry["user"] == "system" and entry["key"] == "wang"


def test_password_prompt_asks_twice_and_never_echoes(tmp_path):
    url, _ = _store(tmp_path)
    r = CliRunner().invoke(cli, ["user", "password", "wang", "--db", url], input=f"{NEW}\n{NEW}\n")
    assert r.exit_code == 0, r.output
    assert "New password for wang" in r.output and NEW not in r.output
    with Store.open(url, settings_for(tmp_path)) as store:
        assert store.authenticate("wang", NEW) is not None


def test_a_short_password_or_an_unknown_user_is_a_clear_error(tmp_path, monkeypatch, capsys):
    url, _ = _store(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["user", "password", "wang", "--password-stdin", "--db", url]) == 1
    err = capsys.readouterr().err
    assert "at least 10 characters" in err and "Traceback" not in err
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW + "\n"))
    assert main(["user", "password", "nobody", "--password-stdin", "--db", url]) == 1
    assert "no user 'nobody'" in capsys.readouterr().err


def test_token_expiry_on_the_command_line(tmp_path, capsys):
    url, _ = _store(tmp_path)
    r = CliRunner().invoke(cli, ["user", "token", "wang", "--days", "7", "--db", url])
    assert r.exit_code == 0, r.output
    assert "expires" in r.stderr
    token = r.stdout.strip()
    with Store.open(url, settings_for(tmp_path)) as store:
        assert store.user_for_token(token)["username"] == "wang"
        [tk] = store.tokens("wang")
        assert (tk["expires_at"] - tk["created_at"]).days == 7
    assert main(["user", "token", "wang", "--days", "100000", "--db", url]) == 1
    assert "at most 365 days" in capsys.readouterr().err
