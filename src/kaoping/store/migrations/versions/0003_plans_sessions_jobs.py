"""Several plans side by side, server-side sessions and safer accounts, import jobs.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    _sessions_upgrade()
    _plans_upgrade()
    _jobs_upgrade()


def downgrade() -> None:
    _jobs_downgrade()
    _plans_downgrade()
    _sessions_downgrade()


# -- sessions, tokens, login limits, accounts -------------------------------------------------


TOKEN_DAYS_AT_UPGRADE = 90  # tokens made before expiry existed keep working this long


def _sessions_upgrade() -> None:
    from datetime import UTC, datetime, timedelta

    from kaoping.errors import UsageError
    from kaoping.store.names import username_key

    # first the check, so that a clash changes nothing
    conn = op.get_bind()
    users = sa.table(
        "users", sa.column("id", sa.Integer), sa.column("username"), sa.column("username_key")
    )
    tokens = sa.table("api_tokens", sa.column("expires_at", sa.DateTime))
    by_key: dict[str, list[str]] = {}
    rows = conn.execute(sa.select(users.c.id, users.c.username)).all()
    for _id, name in rows:
        by_key.setdefault(username_key(name), []).append(name)
    clashes = [names for names in by_key.values() if len(names) > 1]
    if clashes:
        listed = "; ".join(" = ".join(repr(n) for n in sorted(names)) for names in clashes)
        raise UsageError(
            "these user names differ only in case, width or look-alike letters and would "
            f"be the same account: {listed}. Rename or remove all but one of each (in the "
            "users table), then upgrade again; nothing was changed."
        )
    op.create_table(
        "sessions",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.UniqueConstraint("id_hash", name=op.f("uq_sessions_id_hash")),
    )
    op.create_index(op.f("ix_sessions_user_id"), "sessions", ["user_id"], unique=False)
    op.create_table(
        "login_failures",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index(
        "ix_login_failures_kind_key_at", "login_failures", ["kind", "key", "at"], unique=False
    )
    op.add_column("api_tokens", sa.Column("expires_at", sa.DateTime(), nullable=True))
    op.add_column("users", sa.Column("username_key", sa.String(length=64), nullable=True))

    for uid, name in rows:
        conn.execute(
            users.update().where(users.c.id == uid).values(username_key=username_key(name))
        )
    op.create_index("uq_users_username_key", "users", ["username_key"], unique=True)
    until = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=TOKEN_DAYS_AT_UPGRADE)
    conn.execute(tokens.update().where(tokens.c.expires_at.is_(None)).values(expires_at=until))


def _sessions_downgrade() -> None:
    op.drop_index("uq_users_username_key", table_name="users")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("username_key")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
    op.drop_index("ix_login_failures_kind_key_at", table_name="login_failures")
    op.drop_table("login_failures")
    op.drop_index(op.f("ix_sessions_user_id"), table_name="sessions")
    op.drop_table("sessions")


# -- several plans in one store ---------------------------------------------------------------


def _plans_upgrade() -> None:
    """Departments keyed by plan; no single mutable "active plan" any more.

    Each plan's departments are those its active version names (in its ``departments``
    list or as an indicator's department), those its indicator assignments and its tasks
    name, and, for a store holding one plan only, every department of the register.
    """
    import yaml

    op.create_table(
        "plan_departments",
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["department"],
            ["departments.key"],
            name=op.f("fk_plan_departments_department_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.plan_id"], name=op.f("fk_plan_departments_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("plan_id", "department", name=op.f("pk_plan_departments")),
    )
    conn = op.get_bind()
    register = [r[0] for r in conn.execute(sa.text("SELECT key FROM departments ORDER BY key"))]
    known = set(register)
    held = conn.execute(
        sa.text(
            "SELECT p.plan_id, v.text FROM plans p JOIN plan_versions v "
            "ON v.plan_id = p.plan_id AND v.version = p.active_version "
            "ORDER BY p.created_at, p.plan_id"
        )
    ).all()
    for plan_id, text in held:
        keys: list[str] = []
        try:
            doc = yaml.safe_load(text) or {}
        except yaml.YAMLError:
            doc = {}
        for d in doc.get("departments") or []:
            if isinstance(d, dict) and d.get("key"):
                keys.append(str(d["key"]))
        for ind in doc.get("indicators") or []:
            if isinstance(ind, dict) and ind.get("department"):
                keys.append(str(ind["department"]))
        for sql in (
            "SELECT department FROM assignments WHERE plan_id = :p ORDER BY indicator",
            "SELECT lead FROM tasks WHERE plan_id = :p ORDER BY position, key",
        ):
            keys += [r[0] for r in conn.execute(sa.text(sql), {"p": plan_id})]
        for t in conn.execute(sa.text("SELECT co FROM tasks WHERE plan_id = :p"), {"p": plan_id}):
            keys += [x for x in (t[0] or "").split(",") if x]
        if len(held) == 1:
            keys += register
        seen: list[str] = []
        for k in keys:
            if k in known and k not in seen:
                seen.append(k)
        for pos, k in enumerate(seen):
            conn.execute(
                sa.text(
                    "INSERT INTO plan_departments (plan_id, department, position) "
                    "VALUES (:p, :d, :n)"
                ),
                {"p": plan_id, "d": k, "n": pos},
            )
    # the plan served by default is chosen by the settings (or is the plan loaded first),
    # no longer by whichever plan was loaded last
    conn.execute(sa.text("DELETE FROM meta WHERE key = 'active_plan'"))


def _plans_downgrade() -> None:
    conn = op.get_bind()
    first = conn.execute(sa.text("SELECT plan_id FROM plans ORDER BY created_at, plan_id")).first()
    if first is not None:
        conn.execute(
            sa.text("INSERT INTO meta (key, value) VALUES ('active_plan', :p)"), {"p": first[0]}
        )
    op.drop_table("plan_departments")


# -- import jobs and uploads kept between dry run and confirm ---------------------------------


def _jobs_upgrade() -> None:
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("upload", sa.LargeBinary(), nullable=True),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("approve", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("comments", sa.Text(), server_default="{}", nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=32), server_default="", nullable=False),
        sa.Column("progress", sa.Float(), server_default="0", nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
    )
    op.create_index(op.f("ix_import_jobs_expires_at"), "import_jobs", ["expires_at"], unique=False)


def _jobs_downgrade() -> None:
    op.drop_index(op.f("ix_import_jobs_expires_at"), table_name="import_jobs")
    op.drop_table("import_jobs")
