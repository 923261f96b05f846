"""``kaoping user …`` and ``kaoping admin``: users of the web, passwords, API tokens."""

from __future__ import annotations

import sys

import click

from .common import _store, db_option


@click.group()
def user() -> None:
    """Users of the web: create, list, passwords, API tokens (on KAOPING_DATABASE_URL or --db)."""


@user.command("create")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(["admin", "reviewer", "reporter", "viewer"]),
    required=True,
)
@click.option("--department", help="A reporter's department key.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from stdin (else one is generated)."
)
@db_option()
def user_create(
    username: str, role: str, department: str | None, password_stdin: bool, db_url: str | None
) -> None:
    """Create a user; a generated password is printed once."""
    import secrets

    password = sys.stdin.readline().rstrip("\n") if password_stdin else secrets.token_urlsafe(15)
    with _store(db_url) as store:
        u = store.create_user(username, password, role, department)
    click.echo(f"created {u['username']} ({u['role']}{', ' + department if department else ''})")
    if not password_stdin:
        click.echo(f"password (shown once): {password}")


@user.command("password")
@click.argument("username")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the new password from stdin (else it is asked for, twice, without echo).",
)
@db_option()
def user_password(username: str, password_stdin: bool, db_url: str | None) -> None:
    """Set a user's password; every session of the user ends (their API tokens stay)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            f"New password for {username}", hide_input=True, confirmation_prompt=True
        )
    with _store(db_url) as store:
        ended = store.set_password(username, password)
    click.echo(f"password of {username} changed; {ended} session(s) ended")


@user.command("list")
@db_option()
def user_list(db_url: str | None) -> None:
    """List the users."""
    with _store(db_url) as store:
        for u in store.users():
            state = "" if u["active"] else "  (inactive)"
            click.echo(f"{u['username']:<20} {u['role']:<9} {u['department'] or '':<16}{state}")


@user.command("token")
@click.argument("username")
@click.option("--name", default="script", show_default=True, help="What the token is for.")
@click.option(
    "--days", type=int, help="Days until it expires (default KAOPING_TOKEN_DAYS, at most the max)."
)
@db_option()
def user_token(username: str, name: str, days: int | None, db_url: str | None) -> None:
    """Create an API token for a user; it is printed once (send it as Authorization: Bearer).
    Its expiry goes to stderr."""
    with _store(db_url) as store:
        made = store.issue_token(username, name, days=days)
    click.echo(made["token"])
    click.echo(f"expires {made['expires_at']:%Y-%m-%d %H:%M} UTC", err=True)


@click.command()
@click.argument("username", default="admin")
@db_option()
def admin(username: str, db_url: str | None) -> None:
    """Create an administrator (the first one, or another); its password is printed once."""
    import secrets

    password = secrets.token_urlsafe(15)
    with _store(db_url) as store:
        store.create_user(username, password, "admin")
    click.echo(f"created administrator {username}; password (shown once): {password}")
