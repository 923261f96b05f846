"""The store's tables (SQLAlchemy Core). Migrations create them; this module reads and writes.

Observation revisions, review decisions, unlocks, verdicts and the audit log are only ever
inserted: a correction is a new revision, a decision is a new row, nothing is deleted.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# 64-bit ids on PostgreSQL; SQLite's rowid alias must be INTEGER
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Key = sa.String(64)
When = sa.DateTime(timezone=False)  # always UTC, stored without a zone

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", Key, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

plans = sa.Table(
    "plans",
    metadata,
    sa.Column("plan_id", Key, primary_key=True),
    sa.Column("active_version", Key, nullable=False),
    sa.Column("data_version", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("created_at", When, nullable=False),
)

plan_versions = sa.Table(
    "plan_versions",
    metadata,
    sa.Column("plan_id", Key, sa.ForeignKey("plans.plan_id"), primary_key=True),
    sa.Column("version", Key, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("loaded_at", When, nullable=False),
    sa.Column("loaded_by", Key, nullable=False),
)

areas = sa.Table(
    "areas",
    metadata,
    sa.Column("plan_id", Key, sa.ForeignKey("plans.plan_id"), primary_key=True),
    sa.Column("key", Key, primary_key=True),
    sa.Column("name_zh", sa.Text, nullable=False),
    sa.Column("name_en", sa.Text, nullable=False, server_default=""),
    sa.Column("parent", Key, nullable=True),
    sa.Column("position", sa.Integer, nullable=False, server_default="0"),
)

departments = sa.Table(
    "departments",
    metadata,
    sa.Column("key", Key, primary_key=True),
    sa.Column("name_zh", sa.Text, nullable=False),
    sa.Column("name_en", sa.Text, nullable=False, server_default=""),
)

# the departments a plan names or gives work to (migration 0003): ``departments`` is the
# city's register, shared by every plan (a user belongs to one department)
plan_departments = sa.Table(
    "plan_departments",
    metadata,
    sa.Column("plan_id", Key, sa.ForeignKey("plans.plan_id"), primary_key=True),
    sa.Column("department", Key, sa.ForeignKey("departments.key"), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False, server_default="0"),
)

assignments = sa.Table(
    "assignments",
    metadata,
    sa.Column("plan_id", Key, sa.ForeignKey("plans.plan_id"), primary_key=True),
    sa.Column("indicator", Key, primary_key=True),
    sa.Column("department", Key, sa.ForeignKey("departments.key"), nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", Key, nullable=False, unique=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("department", Key, sa.ForeignKey("departments.key"), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", When, nullable=False),
    sa.Column("created_by", Key, nullable=False),
    # the user name as compared (NFKC, case-folded, look-alikes folded): unique
    sa.Column("username_key", Key, nullable=True),
    sa.Index("uq_users_username_key", "username_key", unique=True),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", When, nullable=False),
    sa.Column("revoked_at", When, nullable=True),
    sa.Column("expires_at", When, nullable=True),  # NULL: expired (every token expires)
)

# server-side sessions: the browser's cookie names one; logout, deactivation and a password
# change end it (only the SHA-256 of the session's secret is kept)
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("id_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("created_at", When, nullable=False),
    sa.Column("last_seen_at", When, nullable=False),
    sa.Column("expires_at", When, nullable=False),
    sa.Column("ended_at", When, nullable=True),
    sa.Column("ended_reason", sa.String(32), nullable=True),
)

# failed logins, shared by every worker: per user name ("user") and per address ("address")
login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("key", sa.String(255), nullable=False),
    sa.Column("at", When, nullable=False),
    sa.Index("ix_login_failures_kind_key_at", "kind", "key", "at"),
)

imports = sa.Table(
    "imports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan_id", Key, sa.ForeignKey("plans.plan_id"), nullable=False),
    sa.Column("username", Key, nullable=False),
    sa.Column("at", When, nullable=False),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("row_count", sa.Integer, nullable=False),
)

# import jobs (migration 0003): an uploaded file kept on the server between its dry run and
# its confirmation, and the state, progress and report of the run in the background
import_jobs = sa.Table(
    "import_jobs",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("plan_id", Key, nullable=False),
    sa.Column("username", Key, nullable=False),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("upload", sa.LargeBinary, nullable=True),  # dropped once written or expired
    sa.Column("dry_run", sa.Boolean, nullable=False),
    sa.Column("approve", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("comments", sa.Text, nullable=False, server_default="{}"),
    sa.Column("state", sa.String(16), nullable=False),  # queued, running, done, failed
    sa.Column("stage", sa.String(32), nullable=False, server_default=""),
    sa.Column("progress", sa.Float, nullable=False, server_default="0"),
    sa.Column("result", sa.Text, nullable=True),  # the report as JSON
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("created_at", When, nullable=False),
    sa.Column("updated_at", When, nullable=False),
    sa.Column("expires_at", When, nullable=False, index=True),
)

observations = sa.Table(
    "observations",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("plan_id", Key, sa.ForeignKey("plans.plan_id"), nullable=False),
    sa.Column("indicator", Key, nullable=False),
    sa.Column("area", Key, nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("value", sa.Double, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("flags", sa.String(64), nullable=False, server_default=""),
    # migration 0004: ">" a lower bound (">25"), "<" an upper bound ("<0.5"), "" exact
    sa.Column("censor", sa.String(2), nullable=False, server_default=""),
    # migration 0004: at a break, the same year's value on the old basis (else NULL)
    sa.Column("previous_basis", sa.Double, nullable=True),
    sa.Column("source", sa.Text, nullable=False, server_default=""),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("scope", sa.Text, nullable=False, server_default=""),
    sa.Column("derived", sa.String(16), nullable=False, server_default=""),
    sa.Column("comment", sa.Text, nullable=False, server_default=""),
    sa.Column("created_by", Key, nullable=False),
    sa.Column("created_at", When, nullable=False),
    sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id"), nullable=True, index=True),
    sa.UniqueConstraint("plan_id", "indicator", "area", "year", "revision"),
)

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("observation_id", BigId, sa.ForeignKey("observations.id"), primary_key=True),
    sa.Column("decision", sa.String(16), nullable=False),  # approved | rejected
    sa.Column("decided_by", Key, nullable=False),
    sa.Column("decided_at", When, nullable=False),
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
)

unlocks = sa.Table(
    "unlocks",
    metadata,
    sa.Column("observation_id", BigId, sa.ForeignKey("observations.id"), primary_key=True),
    sa.Column("unlocked_by", Key, nullable=False),
    sa.Column("unlocked_at", When, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
)

verdicts = sa.Table(
    "verdicts",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("plan_id", Key, sa.ForeignKey("plans.plan_id"), nullable=False),
    sa.Column("target", Key, nullable=False),
    sa.Column("area", Key, nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("verdict", sa.String(16), nullable=False),
    sa.Column("evidence", sa.Text, nullable=False),
    sa.Column("judged_by", sa.Text, nullable=False, server_default=""),
    sa.Column("created_by", Key, nullable=False),
    sa.Column("created_at", When, nullable=False),
    sa.UniqueConstraint("plan_id", "target", "area", "year", "revision"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("at", When, nullable=False),
    sa.Column("username", Key, nullable=False, index=True),
    sa.Column("action", sa.String(32), nullable=False, index=True),
    sa.Column("entity", sa.String(32), nullable=False),
    sa.Column("plan_id", Key, nullable=True),
    sa.Column("key", sa.Text, nullable=False, server_default=""),
    sa.Column("detail", sa.Text, nullable=False, server_default="{}"),  # JSON
)

# ---- supervision (migration 0002) -----------------------------------------------------------
# Assignment files by version; tasks as the active version states them (a task left out of
# a newer version is kept, inactive); progress updates, evidence, ratings, explanations and
# adjustments are only ever inserted. The reporting calendar and notices' read marks change.

assignment_versions = sa.Table(
    "assignment_versions",
    metadata,
    sa.Column("plan_id", Key, sa.ForeignKey("plans.plan_id"), primary_key=True),
    sa.Column("version", Key, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("label_zh", sa.Text, nullable=False, server_default=""),
    sa.Column("label_en", sa.Text, nullable=False, server_default=""),
    sa.Column("loaded_at", When, nullable=False),
    sa.Column("loaded_by", Key, nullable=False),
)

tasks = sa.Table(
    "tasks",
    metadata,
    sa.Column("plan_id", Key, sa.ForeignKey("plans.plan_id"), primary_key=True),
    sa.Column("key", Key, primary_key=True),
    sa.Column("article", sa.Integer, nullable=False),
    sa.Column("title_zh", sa.Text, nullable=False),
    sa.Column("title_en", sa.Text, nullable=False, server_default=""),
    sa.Column("lead", Key, sa.ForeignKey("departments.key"), nullable=False),
    sa.Column("co", sa.Text, nullable=False, server_default=""),  # comma-separated keys
    sa.Column("deadline", sa.Date, nullable=False),
    sa.Column("milestones", sa.Text, nullable=False, server_default="[]"),  # JSON
    sa.Column("indicators", sa.Text, nullable=False, server_default=""),  # comma-separated
    sa.Column("version", Key, nullable=False),
    sa.Column("position", sa.Integer, nullable=False, server_default="0"),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
)

task_updates = sa.Table(
    "task_updates",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("plan_id", Key, sa.ForeignKey("plans.plan_id"), nullable=False),
    sa.Column("task", Key, nullable=False),
    sa.Column("period", Key, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("status", sa.String(8), nullable=False),  # green | amber | red
    sa.Column("percent", sa.Integer, nullable=False),
    sa.Column("narrative", sa.Text, nullable=False, server_default=""),
    sa.Column("links", sa.Text, nullable=False, server_default="[]"),  # JSON list of URLs
    sa.Column("department", Key, nullable=True),
    sa.Column("created_by", Key, nullable=False),
    sa.Column("created_at", When, nullable=False),
    sa.UniqueConstraint("plan_id", "task", "period", "revision"),
)

task_evidence = sa.Table(
    "task_evidence",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("update_id", BigId, sa.ForeignKey("task_updates.id"), nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("media_type", sa.String(128), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

task_ratings = sa.Table(
    "task_ratings",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("update_id", BigId, sa.ForeignKey("task_updates.id"), nullable=False, index=True),
    sa.Column("score", sa.Double, nullable=False),
    sa.Column("scale_min", sa.Integer, nullable=False),
    sa.Column("scale_max", sa.Integer, nullable=False),
    sa.Column("comment", sa.Text, nullable=False, server_default=""),
    sa.Column("rated_by", Key, nullable=False),
    sa.Column("rated_at", When, nullable=False),
)

report_periods = sa.Table(
    "report_periods",
    metadata,
    sa.Column("plan_id", Key, sa.ForeignKey("plans.plan_id"), primary_key=True),
    sa.Column("key", Key, primary_key=True),
    sa.Column("year", sa.Integer, nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("start", sa.Date, nullable=False),
    sa.Column("end", sa.Date, nullable=False),
    sa.Column("due", sa.Date, nullable=False),
)

notices = sa.Table(
    "notices",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("plan_id", Key, sa.ForeignKey("plans.plan_id"), nullable=False),
    sa.Column("username", Key, nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),  # due_soon | overdue
    sa.Column("period", Key, nullable=False),
    sa.Column("department", Key, nullable=True),
    sa.Column("title_zh", sa.Text, nullable=False),
    sa.Column("title_en", sa.Text, nullable=False),
    sa.Column("message_zh", sa.Text, nullable=False),
    sa.Column("message_en", sa.Text, nullable=False),
    sa.Column("created_at", When, nullable=False),
    sa.Column("read_at", When, nullable=True),
    sa.Column("emailed_at", When, nullable=True),
    sa.UniqueConstraint("plan_id", "username", "kind", "period"),
)

user_emails = sa.Table(
    "user_emails",
    metadata,
    sa.Column("username", Key, primary_key=True),
    sa.Column("email", sa.String(254), nullable=False),
)

explanations = sa.Table(
    "explanations",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("plan_id", Key, sa.ForeignKey("plans.plan_id"), nullable=False),
    sa.Column("indicator", Key, nullable=False),
    sa.Column("area", Key, nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("corrective_task", Key, nullable=True),
    sa.Column("department", Key, nullable=True),
    sa.Column("created_by", Key, nullable=False),
    sa.Column("created_at", When, nullable=False),
    sa.UniqueConstraint("plan_id", "indicator", "area", "year", "revision"),
)

adjustments = sa.Table(
    "adjustments",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("plan_id", Key, sa.ForeignKey("plans.plan_id"), nullable=False),
    sa.Column("unit", Key, nullable=False),
    sa.Column("year", sa.Integer, nullable=False, index=True),
    sa.Column("delta", sa.Double, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created_by", Key, nullable=False),
    sa.Column("created_at", When, nullable=False),
)
