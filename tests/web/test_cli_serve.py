"""The commands that set up the web: first start, administrators, users, tokens."""

from __future__ import annotations

from click.testing import CliRunner

from kaoping.cli import _first_start, cli
from kaoping.store import Store

from .conftest import settings_for


def test_first_start_loads_plan_and_prints_admin_password_once(tmp_path, capsys):
    s = settings_for(tmp_path)
    with Store.open(settings=s) as store:
        assert _first_start(store, "zhengzhou-2009-2020") == "zhengzhou-2009-2020"
        out = capsys.readouterr().out
        assert "administrator 'admin'" in out
        password = out.strip().splitlines()[-1].strip()
        assert store.authenticate("admin", password) is not None
        assert store.observations().n_rows > 0
        _first_start(store, "zhengzhou-2009-2020")
        assert "password" not in capsys.readouterr().out  # never again


def test_user_commands(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    run = CliRunner().invoke
    r = run(cli, ["admin", "boss", "--db", url])
    assert r.exit_code == 0 and "password (shown once)" in r.output
    r = run(cli, ["user", "create", "li", "--role", "viewer", "--db", url])
    assert r.exit_code == 0, r.output
    r = run(
        cli,
        ["user", "create", "wang", "--role", "reviewer", "--password-stdin", "--db", url],
        input="a long passphrase\n",
    )
    assert r.exit_code == 0 and "password" not in r.output
    r = run(cli, ["user", "list", "--db", url])
    assert "boss" in r.output and "li" in r.output and "wang" in r.output
    r = run(cli, ["user", "token", "wang", "--db", url])
    token = r.stdout.strip()  # the token alone on stdout; its expiry on stderr
    with Store.open(url, settings_for(tmp_path)) as store:
        assert store.user_for_token(token)["username"] == "wang"
        assert store.authenticate("wang", "a long passphrase") is not None
